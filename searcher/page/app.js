// The search page: reads the search from the URL, asks /api/search, and
// shows the answer. Article text is only ever put in text nodes.
"use strict";

const PAGE = 10;
const FIELDS = ["q", "lang", "since", "until", "sort"];
const LANGS = { en: "English", es: "Spanish", und: "unknown language" };
const $ = (id) => document.getElementById(id);

// The search the URL describes.
function fromUrl() {
  const p = new URLSearchParams(location.search);
  const s = {};
  for (const f of FIELDS) s[f] = p.get(f) || "";
  s.offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
  return s;
}

// The URL of a search (only the fields that are set).
function toUrl(s) {
  const p = new URLSearchParams();
  for (const f of FIELDS) if (s[f]) p.set(f, s[f]);
  if (s.offset) p.set("offset", String(s.offset));
  return "/?" + p.toString();
}

function apiUrl(s, extra) {
  const p = new URLSearchParams({ q: s.q, n: String(PAGE) });
  for (const f of ["lang", "since", "until", "sort"]) if (s[f]) p.set(f, s[f]);
  if (s.offset) p.set("offset", String(s.offset));
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return "/api/search?" + p.toString();
}

// The snippet's HTML (escaped text and <mark>…</mark>) as nodes: every
// piece of text is unescaped into a text node; only <mark> makes elements.
function unescapeHtml(s) {
  return s.replace(/&(lt|gt|quot|amp);/g,
    (_, e) => ({ lt: "<", gt: ">", quot: "\"", amp: "&" })[e]);
}

function snippetNodes(html) {
  const out = document.createElement("p");
  out.className = "snippet";
  html.split(/(<mark>[\s\S]*?<\/mark>)/).forEach((part) => {
    const m = /^<mark>([\s\S]*)<\/mark>$/.exec(part);
    if (m) {
      const mark = document.createElement("mark");
      mark.textContent = unescapeHtml(m[1]);
      out.appendChild(mark);
    } else if (part) {
      out.appendChild(document.createTextNode(unescapeHtml(part)));
    }
  });
  return out;
}

function hitItem(h) {
  const li = document.createElement("li");
  const title = document.createElement("h2");
  title.className = "title";
  title.textContent = h.title;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = [h.date || "no date", LANGS[h.lang] || h.lang, h.id]
    .join(" · ");
  li.append(title, meta);
  if (h.snippet) li.appendChild(snippetNodes(h.snippet));
  return li;
}

function link(a, s) {
  a.href = toUrl(s);
  a.onclick = (e) => { e.preventDefault(); go(s); };
}

function showPaging(s, r) {
  const more = r.offset + r.hits.length < r.total && r.hits.length === PAGE;
  $("pages").hidden = !(r.offset > 0 || more);
  $("prev").hidden = r.offset === 0;
  $("next").hidden = !more;
  link($("prev"), { ...s, offset: Math.max(0, s.offset - PAGE) });
  link($("next"), { ...s, offset: s.offset + PAGE });
}

function showResult(s, r) {
  const list = $("hits");
  list.replaceChildren(...r.hits.map(hitItem));
  $("status").textContent = r.hits.length === 0
    ? `No results for “${r.query}”.`
    : `Results ${r.offset + 1}–${r.offset + r.hits.length} of about ${r.total}` +
      ` (${r.took_ms} ms)`;
  $("status").classList.remove("error");
  $("suggestion").hidden = !r.suggestion;
  if (r.suggestion) {
    $("suggested").textContent = r.suggestion;
    link($("suggested"), { ...s, q: r.suggestion, offset: 0 });
  }
  showPaging(s, r);
}

function showError(message) {
  $("hits").replaceChildren();
  $("suggestion").hidden = true;
  $("counts").hidden = true;
  $("pages").hidden = true;
  $("status").textContent = message;
  $("status").classList.add("error");
}

async function fetchJson(url) {
  const res = await fetch(url);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
  return body;
}

// "English 12 · Spanish 3": each a link that filters on its language.
async function showCounts(s) {
  const counts = await Promise.all(["en", "es"].map((lang) =>
    fetchJson(apiUrl({ ...s, lang, offset: 0 }, { n: "0" }))
      .then((r) => [lang, r.total])));
  const el = $("counts");
  el.replaceChildren(document.createTextNode("By language: "));
  for (const [lang, total] of counts) {
    if (el.childNodes.length > 1) el.appendChild(document.createTextNode(" · "));
    const a = document.createElement("a");
    a.textContent = `${LANGS[lang]} ${total}`;
    link(a, { ...s, lang, offset: 0 });
    el.appendChild(a);
  }
  el.hidden = false;
}

function fillForm(s) {
  for (const f of FIELDS) $(f).value = s[f];
}

async function run(s) {
  fillForm(s);
  document.title = s.q ? `${s.q} – bilex search` : "bilex search";
  if (!s.q.trim()) {
    $("hits").replaceChildren();
    $("status").textContent = "";
    for (const id of ["suggestion", "counts", "pages"]) $(id).hidden = true;
    return;
  }
  $("status").textContent = "Searching…";
  try {
    showResult(s, await fetchJson(apiUrl(s)));
    await showCounts(s);
  } catch (e) {
    showError(e.message);
  }
}

function go(s) {
  history.pushState(null, "", toUrl(s));
  run(s);
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (e) => {
    e.preventDefault();
    const s = { offset: 0 };
    for (const f of FIELDS) s[f] = $(f).value.trim();
    go(s);
  });
  for (const id of ["lang", "sort"])
    $(id).addEventListener("change", () => $("search").requestSubmit());
  window.addEventListener("popstate", () => run(fromUrl()));
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && document.activeElement !== $("q") &&
        !["INPUT", "SELECT"].includes(document.activeElement.tagName)) {
      e.preventDefault();
      $("q").focus();
    }
  });
  run(fromUrl());
});
