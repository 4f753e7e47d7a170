#!/usr/bin/env bash
# End-to-end tests of sharded indexes: bilex-index --shards N, the stub
# database, real xapian-tcpsrv servers on 127.0.0.1 started by
# scripts/serve-shards, a killed shard server, --allow-partial, a restart,
# updates while the servers run, and --compact.
#
# usage: shards_test.sh BILEX_INDEX BILEX_SEARCH SERVE_SHARDS CORPUS_DIR
set -u

# shellcheck source=tests/checks.sh
. "$(dirname "$0")/checks.sh"
expect_args 4 "BILEX_INDEX BILEX_SEARCH SERVE_SHARDS CORPUS_DIR" "$@"
INDEX=$1 SEARCH=$2 SERVE=$3 CORPUS=$4
require jq
command -v xapian-tcpsrv >/dev/null ||
  { echo "shards_test: xapian-tcpsrv is required (xapian-tools)" >&2; exit 2; }
make_scratch shards
cleanup() {
  [ -d "$T/sh.remote" ] && "$SERVE" --stop "$T/sh" >/dev/null 2>&1
}
unset BILEX_DB

# 90 articles in two languages from a small vocabulary (so that every count
# is exact: at most 100 matches), and the sample articles.
python3 - "$T/news.jsonl" <<'EOF'
import json, random, sys
r = random.Random(7)
en = ("border crossing migration economy president election market oil "
      "prices river storm court judge vaccine school budget").split()
es = ("frontera migración economía presidente elección mercado petróleo "
      "precios río tormenta tribunal juez vacuna escuela presupuesto").split()
with open(sys.argv[1], "w") as f:
    for i in range(90):
        lang, words = ("es", es) if i % 3 == 0 else ("en", en)
        body = " ".join(r.choice(words) for _ in range(r.randint(20, 120)))
        title = " ".join(r.choice(words) for _ in range(4)).capitalize()
        date = "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28)
        f.write(json.dumps({"id": "doc-%03d" % i, "title": title, "date": date,
                            "lang": lang, "body": body + "."}) + "\n")
EOF
mkdir "$T/corpus"
cp -r "$CORPUS"/. "$T/corpus/"
cat >"$T/q.txt" <<'EOF'
border
migracion
migración frontera
"oil prices"
economia OR economy
migracoin
presidnete
court -judge
title:storm
vacuna lang:es
budget date:2024-03..2024-06
EOF

# search_lines DB [ARGS...]: batch answers, without the time taken.
search_lines() {
  local db=$1
  shift
  "$SEARCH" --db "$db" --queries "$T/q.txt" -n 20 "$@" | jq -c 'del(.took_ms)'
}

run "$INDEX" --db "$T/one" --json "$T/news.jsonl" "$T/corpus"
check "one index built" rc_is 0
run "$INDEX" --db "$T/sh" --shards 3 --json "$T/news.jsonl" "$T/corpus"
check "--shards 3 built" rc_is 0
check "summary says 3 shards, 95 documents" jq_out '.shards == 3 and .docs == 95'
check "a stub lists the lexicon, then the shards" \
  diff <(grep -v '^#' "$T/sh/XAPIANDB") <(printf 'auto lexicon\nauto shard0\nauto shard1\nauto shard2\n')
search_lines "$T/one" >"$T/one.out"
search_lines "$T/sh" >"$T/sh.out"
check "shards answer as one index (hits in order, scores, totals, snippets, suggestions)" \
  diff "$T/one.out" "$T/sh.out"
check "a suggestion is made through the shards" \
  grep -q '"suggestion":"migración"' "$T/sh.out"

# A port base with 3 free ports on 127.0.0.1.
port=$(python3 - <<'EOF'
import random, socket
for _ in range(200):
    base = random.randint(20000, 60000)
    try:
        socks = []
        for p in range(base, base + 3):
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
EOF
)
run "$SERVE" "$T/sh" --port-base "$port"
check "serve-shards starts 3 servers" rc_is 0
check "the remote stub lists the local lexicon and 3 remote shards" \
  test "$(grep -c "^remote 127.0.0.1:" "$T/sh.remote/XAPIANDB")" = 3
search_lines "$T/sh.remote" >"$T/remote.out"
check "remote shards answer as local ones" diff "$T/sh.out" "$T/remote.out"
grep -v '^#' "$T/sh.remote/XAPIANDB" >"$T/stubfile"
search_lines "$T/stubfile" >"$T/file.out"
check "a stub file works with --db" diff "$T/sh.out" "$T/file.out"
grep '^remote' "$T/sh.remote/XAPIANDB" >"$T/nolex"
run "$SEARCH" --db "$T/nolex" --format json migración
check "a stub without the lexicon answers" rc_is 0
check "... and says what it lacks" grep -q "not the index's lexicon" "$T/err"
check "... its snippets decompressed" jq_out '.hits[0].snippet | test("<mark>")'

# One server killed: named, exit 3; --allow-partial answers from the others.
read -r pid1 port1 < <(sed -n 2p "$T/sh.remote/servers")
kill "$pid1"
for _ in $(seq 50); do kill -0 "$pid1" 2>/dev/null || break; sleep 0.1; done
run "$SEARCH" --db "$T/sh.remote" border
check "a dead shard: exit 3" rc_is 3
check "... naming it" grep -q "database 3 of 4 (remote 127.0.0.1:$port1) did not answer" "$T/err"
run "$SEARCH" --db "$T/sh.remote" --allow-partial --format json border
check "--allow-partial answers" rc_is 0
check "... marked partial in JSON" jq_out '.partial == true and (.unavailable | length) == 1'
check "... said on stderr" grep -q "partial answer: database 3 of 4" "$T/err"
full=$(jq -r 'select(.query == "border") | .total' "$T/sh.out")
check "... with fewer hits than all shards" jq_out ".total < $full and .total > 0"
run "$SEARCH" --db "$T/sh.remote" --allow-partial --queries "$T/q.txt" -n 20
check "--allow-partial in batch mode: every line partial" \
  test "$(grep -c '"partial":true' "$T/out")" = "$(wc -l <"$T/q.txt")"

run "$SERVE" "$T/sh" --port-base "$port"
check "serve-shards restarts the servers" rc_is 0
search_lines "$T/sh.remote" >"$T/healed.out"
check "restarted: the same answers again" diff "$T/sh.out" "$T/healed.out"

# Updates while the servers run, seen by the next query.
printf 'Zeppelin\n\nA zeppelin crossed the border.\n' >"$T/corpus/zeppelin.txt"
run "$INDEX" --db "$T/sh" --json "$T/news.jsonl" "$T/corpus"
check "an update keeps the shards" jq_out '.shards == 3 and .added == 1 and .docs == 96'
run "$SEARCH" --db "$T/sh.remote" --format json zeppelin
check "the update is seen through the servers" jq_out '.hits[0].id == "zeppelin.txt"'
run "$SEARCH" --db "$T/sh.remote" --format json zepelin
check "... and its words in the spelling dictionary" jq_out '.suggestion == "zeppelin"'
rm "$T/corpus/zeppelin.txt"
run "$INDEX" --db "$T/sh" --json "$T/news.jsonl" "$T/corpus"
check "an article removed" jq_out '.removed == 1 and .docs == 95'
run "$SEARCH" --db "$T/sh.remote" --format json zeppelin
check "... is gone through the servers" jq_out '.total == 0'
run "$INDEX" --db "$T/sh" --shards 2 "$T/news.jsonl"
check "another shard count without --rebuild: exit 2" rc_is 2
check "... saying why" grep -q "has 3 shards; --shards 2 needs --rebuild" "$T/err"

run "$SERVE" --stop "$T/sh"
check "serve-shards --stop" rc_is 0
check "... removes the remote stub" test ! -e "$T/sh.remote"
run "$SEARCH" --db "$T/sh" border
check "the local shards still answer" rc_is 0

run "$INDEX" --db "$T/none" --compact
check "--compact without an index: exit 3, saying so" rc_err 3 "no index at $T/none to compact"
check "... and creates nothing" test ! -e "$T/none"
run "$INDEX" --db "$T/sh" --compact --json
check "--compact merges the shards" jq_out '.shards == null and .docs == 95'
check "... into one database" test -e "$T/sh/iamglass"
search_lines "$T/sh" >"$T/compact.out"
check "... that answers as before" diff "$T/one.out" "$T/compact.out"
run "$INDEX" --db "$T/sh" --json "$T/news.jsonl" "$T/corpus"
check "... and is updated as one database" jq_out '.shards == null and .unchanged == 95'

# Equal scores: copies of one story under other ids, some on one date. A
# run of ties inside the page and the matches fetched beyond it, and one
# longer than that (Xapian's tie-break), are ordered alike by one index and
# by shards, which number the documents differently.
python3 - "$T/ties.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(60):
        f.write(json.dumps({"id": "wire-%02d" % ((i * 37) % 60), "lang": "en",
                            "date": "2024-05-0%d" % (1 + i % 3 if i < 12 else 4),
                            "title": "Harbour strike", "body": "Dockers walk out at the harbour."}) + "\n")
EOF
run "$INDEX" --db "$T/ties1" --json "$T/ties.jsonl"
run "$INDEX" --db "$T/ties3" --shards 3 --json "$T/ties.jsonl"
for args in "-n 10" "-n 5 --offset 50" "-n 10 --offset 3"; do
  # shellcheck disable=SC2086
  "$SEARCH" --db "$T/ties1" --format json $args harbour | jq -c '[.hits[] | [.id, .date]]' >"$T/ties1.out"
  # shellcheck disable=SC2086
  "$SEARCH" --db "$T/ties3" --format json $args harbour | jq -c '[.hits[] | [.id, .date]]' >"$T/ties3.out"
  check "equal scores in the same order in one index and in 3 shards ($args)" \
    diff "$T/ties1.out" "$T/ties3.out"
done

# Killed during an update of 2 shards (it commits every 5,000 articles): the
# index opens, and the next run converges.
python3 - "$T/many.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(12000):
        f.write(json.dumps({"id": "m-%05d" % i, "lang": "en",
                            "body": "item %d of the crash test, kiwi %d" % (i, i % 97)}) + "\n")
EOF
run "$INDEX" --db "$T/crash" --shards 2 --json "$T/news.jsonl"
check "a 2-shard index for the crash check" jq_out '.shards == 2 and .docs == 90'
"$INDEX" --db "$T/crash" --json "$T/news.jsonl" "$T/many.jsonl" >/dev/null 2>&1 &
writer=$!
sleep 2.5
kill -9 "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
run "$SEARCH" --db "$T/crash" --format json kiwi
check "killed during a sharded update: the index opens" rc_is 0
run "$INDEX" --db "$T/crash" --json "$T/news.jsonl" "$T/many.jsonl"
check "... and the next run converges" jq_out '.docs == 12090'
run "$INDEX" --db "$T/crash" --json "$T/news.jsonl" "$T/many.jsonl"
check "... to a state a re-run finds unchanged" jq_out '.added == 0 and .updated == 0 and .unchanged == 12090'
run "$SEARCH" --db "$T/crash" --format json '"item 11999"'
check "... with the last article searchable" jq_out '.hits[0].id == "m-11999"'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
