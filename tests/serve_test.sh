#!/usr/bin/env bash
# End-to-end tests of bilex-serve: started on a free port of 127.0.0.1 over
# an index of a copy of corpus/ plus a hostile article; its API's answers
# against bilex-search's, bad requests, limits, reopening after an update.
#
# usage: serve_test.sh BILEX_INDEX BILEX_SEARCH BILEX_SERVE CORPUS_DIR
set -u

# shellcheck source=tests/checks.sh
. "$(dirname "$0")/checks.sh"
expect_args 4 "BILEX_INDEX BILEX_SEARCH BILEX_SERVE CORPUS_DIR" "$@"
INDEX=$1 SEARCH=$2 SERVE=$3 CORPUS=$4
require jq curl
# The server is on this machine: no proxy.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY BILEX_DB

make_scratch serve
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; fi
}

mkdir "$T/news"
cp -r "$CORPUS"/. "$T/news/"
# The hostile article: markup in its title and text, shown as text.
cp "$(dirname "$0")/hostile_article.txt" "$T/news/hostile.txt"
"$INDEX" --db "$T/idx" "$T/news" >/dev/null 2>&1 || { echo "serve_test: indexing failed" >&2; exit 1; }

# port_of FILE: the port bilex-serve prints into FILE once it listens (waits
# up to 10 s; empty if it does not).
port_of() {
  local port=""
  for _ in $(seq 100); do
    port=$(sed -n 's|.*:\([0-9][0-9]*\)/$|\1|p' "$1")
    [ -n "$port" ] && break
    sleep 0.1
  done
  echo "$port"
}

# Starts bilex-serve on a free port; sets $SERVER and $BASE.
start_server() {
  "$SERVE" --db "$T/idx" --port 0 --threads 2 >"$T/serve.out" 2>"$T/serve.err" &
  SERVER=$!
  local port
  port=$(port_of "$T/serve.out")
  [ -n "$port" ] || { echo "serve_test: bilex-serve did not start: $(cat "$T/serve.err")" >&2; exit 1; }
  BASE="http://127.0.0.1:$port"
}

# get PATH [CURL ARGS...]: body in $T/out, headers in $T/headers, status in $rc.
get() {
  local path=$1
  shift
  rc=$(curl -s -o "$T/out" -D "$T/headers" -w '%{http_code}' "$@" "$BASE$path")
  : >"$T/err"
}
# status_json STATUS FILTER: the last answer had STATUS and FILTER holds.
status_json() { [ "$rc" = "$1" ] && jq -e "$2" "$T/out" >/dev/null 2>&1; }
header_has() { grep -qi -- "$1" "$T/headers"; }

# same_as_cli PARAMS CLI ARGS...: /api/search?PARAMS equals
# bilex-search --format json ARGS (but for took_ms).
same_as_cli() {
  local params=$1
  shift
  get "/api/search?$params"
  [ "$rc" = 200 ] || return 1
  "$SEARCH" --db "$T/idx" --format json "$@" >"$T/cli.json" 2>/dev/null || return 1
  diff <(jq -S 'del(.took_ms)' "$T/out") <(jq -S 'del(.took_ms)' "$T/cli.json") >"$T/diff"
}

start_server
check "the server listens on 127.0.0.1 only" grep -q "http://127.0.0.1:" "$T/serve.out"

# The API's answers are the CLI's.
check "border" same_as_cli "q=border" border
check "two words" same_as_cli "q=border+crossing" border crossing
check "accents optional" same_as_cli "q=migracion" migracion
check "bridged word" same_as_cli "q=frontera" frontera
check "bridge off" same_as_cli "q=frontera&bridge=off" --bridge off frontera
check "phrase" same_as_cli "q=%22causas+fundamentales%22" '"causas fundamentales"'
check "operators" same_as_cli "q=border+-crossing+OR+title%3Amigration" 'border -crossing OR title:migration'
check "prefix and lang:" same_as_cli "q=migra*+lang%3Aes" 'migra* lang:es'
check "did you mean" same_as_cli "q=migracoin" migracoin
check "n and offset" same_as_cli "q=border&n=2&offset=1" -n 2 --offset 1 border
check "match any" same_as_cli "q=border+blinken&match=any" --match any border blinken
check "match all" same_as_cli "q=border+blinken&match=all" --match all border blinken
check "lang filter" same_as_cli "q=border&lang=es" --lang es border
check "sort by date" same_as_cli "q=border&sort=date" --sort date border
check "date range" same_as_cli "q=border&since=2024-01-01&until=2024-02-28" \
  --since 2024-01-01 --until 2024-02-28 border
check "n=0 counts only" same_as_cli "q=border&n=0" -n 0 border
get "/api/search?q=border"
check "JSON content type" header_has '^content-type: application/json'
check "a content security policy" header_has "^content-security-policy: default-src 'none'"

# The hostile article: its markup is data, escaped in the snippet.
get "/api/search?q=harbour+ferry"
check "hostile article found" status_json 200 '.hits[0].id == "hostile.txt"'
check "its snippet escapes its markup" status_json 200 \
  '.hits[0].snippet | (contains("&lt;script&gt;") and contains("&quot;&gt;&lt;img") and (contains("<script") or contains("<img") | not))'
check "its title is text in JSON" status_json 200 '.hits[0].title | startswith("<script>alert(1)</script>")'

# Bad requests: 400 with a JSON error naming the parameter.
# bad PATH STATUS PATTERN [CURL ARGS...]: the answer has STATUS and an
# error matching PATTERN.
bad() {
  get "$1" "${@:4}"
  status_json "$2" ".error | test(\"$3\")"
}
check "no q: 400" bad "/api/search" 400 "parameter q"
check "blank q: 400" bad "/api/search?q=+" 400 "parameter q"
check "bad n: 400" bad "/api/search?q=x&n=abc" 400 "parameter n"
check "n over the limit: 400" bad "/api/search?q=x&n=101" 400 "parameter n.*100"
check "negative offset: 400" bad "/api/search?q=x&offset=-1" 400 "parameter offset"
check "bad lang: 400" bad "/api/search?q=x&lang=fr" 400 "parameter lang"
check "bad match: 400" bad "/api/search?q=x&match=some" 400 "parameter match"
check "bad sort: 400" bad "/api/search?q=x&sort=up" 400 "parameter sort"
check "bad bridge: 400" bad "/api/search?q=x&bridge=maybe" 400 "parameter bridge"
check "unknown parameter: 400" bad "/api/search?q=x&limit=3" 400 "unknown parameter 'limit'"
check "bad since: 400" bad "/api/search?q=x&since=2024-13-01" 400 "2024-13-01"
check "bad date: in the query: 400" bad "/api/search?q=x+date%3A2024-99" 400 "2024-99"
check "bad lang: in the query: 400" bad "/api/search?q=x+lang%3Axx" 400 "lang:xx"
long=$(printf 'word%.0s ' $(seq 500))
check "query over 2048 bytes: 400" bad "/api/search?q=${long// /+}" 400 "over the limit of 2048"
get "/api/search?q=%ff%fe"
check "invalid UTF-8: 200" status_json 200 '.hits | length == 0'
check "unknown path: 404" bad "/nope" 404 "no such page"
check "POST: 405" bad "/api/search" 405 "not allowed" -X POST -d q=x
check "405 names the methods allowed" header_has "^allow: GET, HEAD"
huge=$(printf 'x%.0s' $(seq 9000))
check "URI over 8 KiB: 414" bad "/api/search?q=$huge" 414 "too long"
check "body over 8 KiB: 413" bad "/api/search?q=x" 413 "too large" \
  -X GET --data-binary "$huge" -H 'Content-Type: text/plain'

# Health, the page and its files.
get "/api/health"
check "health" status_json 200 '.status == "ok" and .documents == 6'
get "/"
check "the page" grep -q '<form id="search" role="search"' "$T/out"
check "the page is HTML" header_has '^content-type: text/html'
get "/app.js"
check "its script" grep -q 'snippetNodes' "$T/out"
get "/" -I
check "HEAD /" [ "$rc" = 200 ]

# Reopening: an article added by bilex-index shows without a restart.
get "/api/search?q=zanzibar"
check "before the update: no zanzibar" status_json 200 '.total == 0'
printf 'Zanzibar ferry\n\nThe Zanzibar ferry sailed at dawn.\n' >"$T/news/zanzibar.txt"
"$INDEX" --db "$T/idx" "$T/news" >/dev/null 2>&1
get "/api/search?q=zanzibar"
check "after the update: zanzibar" status_json 200 '.hits[0].id == "zanzibar.txt"'

# A rebuilt index, swapped in: opened anew.
rm "$T/news/zanzibar.txt"
"$INDEX" --db "$T/idx" --rebuild "$T/news" >/dev/null 2>&1
get "/api/search?q=zanzibar"
check "after a rebuild: no zanzibar" status_json 200 '.total == 0'
get "/api/search?q=border"
check "after a rebuild: border" status_json 200 '.hits | length > 0'

# An unusable index: 503 with a JSON error; usable again once back.
mv "$T/idx" "$T/idx.away" && mkdir "$T/idx"
get "/api/search?q=border"
check "no index: 503" status_json 503 '.error | test("index")'
get "/api/health"
check "no index: health 503" status_json 503 '.error | test("index")'
rmdir "$T/idx" && mv "$T/idx.away" "$T/idx"
get "/api/search?q=border"
check "index back: 200" status_json 200 '.hits | length > 0'

# Usage errors and a missing index at start.
"$SERVE" --db "$T/none" --port 0 >"$T/out" 2>"$T/err"
rc=$?
check "no index at start: exit 3" rc_is 3
check "no index at start: named" grep -q "bilex-serve: no index at $T/none" "$T/err"
"$SERVE" --db "$T/idx" --port 99999 >"$T/out" 2>"$T/err"
rc=$?
check "bad port: exit 2" rc_is 2

# Beyond the connection threads and the backlog: 503 with Retry-After. One
# thread, a backlog of one: an idle connection holds the thread, a second
# waits, a third is answered 503 at once.
busy_server() {
  "$SERVE" --db "$T/idx" --port 0 --threads 1 --connections 1 --backlog 1 \
    >"$T/busy.out" 2>/dev/null &
  BUSY=$!
  local port
  port=$(port_of "$T/busy.out")
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  sleep 0.3
  exec 4<>"/dev/tcp/127.0.0.1/$port"
  sleep 0.3
  rc=$(curl -s -o "$T/out" -D "$T/headers" -w '%{http_code}' --max-time 3 \
    "http://127.0.0.1:$port/api/search?q=border")
  exec 3>&- 4>&-
  kill "$BUSY"
  wait "$BUSY"
}
busy_server
check "over the backlog: 503" status_json 503 '.error | test("busy")'
check "over the backlog: Retry-After" header_has "^retry-after: 1"

kill "$SERVER"
wait "$SERVER"
rc=$?
SERVER=""
check "SIGTERM stops the server: exit 0" rc_is 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
