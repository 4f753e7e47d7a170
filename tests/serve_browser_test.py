#!/usr/bin/env python3
"""The search page in a real browser: headless Chromium driven through
chromedriver (WebDriver, spoken here with the standard library) types queries
into bilex-serve's page and reads the rendered DOM.

usage: serve_browser_test.py BILEX_INDEX BILEX_SERVE CORPUS_DIR [SCREENSHOT]

Exits 77 (skipped) when chromium or chromedriver is not installed. With
SCREENSHOT, saves a PNG of the page's answer to "border crossing" there.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HOSTILE = (Path(__file__).parent / "hostile_article.txt").read_text()
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ENTER = "\ue007"
# The page's state, read in the browser.
STATE = """return {
  titles: [...document.querySelectorAll('#hits .title')].map(e => e.textContent),
  marks: [...document.querySelectorAll('#hits .snippet mark')].map(e => e.textContent),
  snippets: [...document.querySelectorAll('#hits .snippet')].map(e => e.textContent),
  injected: document.querySelectorAll('#hits script, #hits img, #hits [onerror]').length,
  status: document.getElementById('status').textContent,
  counts: document.getElementById('counts').hidden ? '' :
          document.getElementById('counts').textContent,
  suggestion: document.getElementById('suggestion').hidden ? '' :
              document.getElementById('suggested').textContent,
  alerted: window.alerted || false,
  url: location.href};"""

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
failures = []
passes = []


def check(desc, ok, detail=""):
    print(("ok      - " if ok else "FAIL    - ") + desc)
    (passes if ok else failures).append(desc)
    if not ok:
        print("          " + str(detail)[:600])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    """The few WebDriver commands the test needs."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with NO_PROXY.open(req, timeout=60) as res:
                return json.load(res)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read()[:300]!r}")

    def start(self):
        args = ["--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-proxy-server",
                "--window-size=900,1100"]
        caps = {"browserName": "chrome",
                "goog:chromeOptions": {"binary": shutil.which("chromium"),
                                       "args": args}}
        value = self.call("POST", "/session",
                          {"capabilities": {"alwaysMatch": caps}})
        self.session = "/session/" + value["sessionId"]

    def cmd(self, method, path, body=None):
        return self.call(method, self.session + path, body)

    def type_into(self, css, text):
        el = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        self.cmd("POST", f"/element/{el[ELEMENT]}/clear", {})
        self.cmd("POST", f"/element/{el[ELEMENT]}/value", {"text": text})

    def script(self, source):
        return self.cmd("POST", "/execute/sync", {"script": source, "args": []})

    def wait_for(self, source, what):
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.script(source):
                return True
            time.sleep(0.1)
        raise RuntimeError("timed out waiting for " + what)


def start_server(serve, db, tmp):
    out = open(tmp / "serve.out", "w+")
    proc = subprocess.Popen([serve, "--db", str(db), "--port", "0"],
                            stdout=out, stderr=subprocess.DEVNULL)
    for _ in range(100):
        out.seek(0)
        text = out.read()
        if text.endswith("/\n"):
            return proc, text.strip().rsplit(" ", 1)[1].rstrip("/")
        time.sleep(0.1)
    proc.kill()
    sys.exit("serve_browser_test: bilex-serve did not start")


def start_driver():
    port = free_port()
    proc = subprocess.Popen(["chromedriver", f"--port={port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = WebDriver(port)
    for _ in range(100):
        try:
            if driver.call("GET", "/status").get("ready"):
                return proc, driver
        except (OSError, RuntimeError):
            pass
        time.sleep(0.1)
    proc.kill()
    sys.exit("serve_browser_test: chromedriver did not start")


def search(driver, query):
    """Types `query` into the box, presses Enter, waits for the answer."""
    driver.script("document.getElementById('status').textContent = ''")
    driver.type_into("#q", query + ENTER)
    driver.wait_for("const s = document.getElementById('status').textContent;"
                    "return s !== '' && s !== 'Searching…' && "
                    "(document.getElementById('hits').children.length === 0 ||"
                    " !document.getElementById('counts').hidden);",
                    "the answer to " + query)
    return driver.script(STATE)


def browse(driver, base, screenshot):
    driver.cmd("POST", "/url", {"url": base + "/"})
    driver.script("window.alert = () => { window.alerted = true; }")
    s = search(driver, "border crossing")
    check("typed query: hits shown", len(s["titles"]) >= 2, s)
    check("titles rendered", any("Mexico" in t or "border" in t.lower()
                                 for t in s["titles"]), s["titles"])
    check("snippets highlight the words",
          "border" in s["marks"] and any(m.startswith("crossing") for m in s["marks"]), s["marks"])
    check("the URL carries the query", "q=border+crossing" in s["url"], s["url"])
    check("counts per language", "English" in s["counts"] and
          "Spanish" in s["counts"], s["counts"])
    check("status line", s["status"].startswith("Results 1–"), s["status"])
    if screenshot:
        Path(screenshot).write_bytes(
            base64.b64decode(driver.cmd("GET", "/screenshot")))
    s = search(driver, "harbour ferry")
    check("hostile title shown as text",
          s["titles"][:1] == ['<script>alert(1)</script> Harbour '
                              '"><img src=x onerror=alert(2)>'], s["titles"])
    check("hostile snippet shown as text",
          any("<script>alert(3)</script>" in t for t in s["snippets"]), s)
    check("no element injected, no script run",
          s["injected"] == 0 and not s["alerted"], s)
    s = search(driver, "migracoin")
    check("did you mean", s["suggestion"].startswith("migra"), s)
    driver.cmd("POST", "/url", {"url": base + "/?q=frontera&lang=es"})
    driver.wait_for("return !document.getElementById('counts').hidden",
                    "a shared URL's answer")
    s = driver.script(STATE)
    check("a shared URL searches", s["titles"] and
          driver.script("return document.getElementById('q').value") ==
          "frontera", s)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    index, serve, corpus = sys.argv[1:4]
    screenshot = sys.argv[4] if len(sys.argv) == 5 else None
    for tool in ("chromium", "chromedriver"):
        if not shutil.which(tool):
            print(f"serve_browser_test: skipped: {tool} is not installed "
                  "(Debian: chromium, chromium-driver)")
            sys.exit(77)
    with tempfile.TemporaryDirectory(prefix="bilex-browser.") as t:
        tmp = Path(t)
        shutil.copytree(corpus, tmp / "news")
        (tmp / "news" / "hostile.txt").write_text(HOSTILE)
        subprocess.run([index, "--db", str(tmp / "idx"), str(tmp / "news")],
                       check=True, capture_output=True)
        server, base = start_server(serve, tmp / "idx", tmp)
        chrome, driver = start_driver()
        try:
            driver.start()
            browse(driver, base, screenshot)
        finally:
            if driver.session:
                driver.cmd("DELETE", "")
            chrome.terminate()
            server.terminate()
            chrome.wait()
            server.wait()
    print(f"{len(passes)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
