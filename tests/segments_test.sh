#!/usr/bin/env bash
# A fresh build written in segments (BILEX_SEGMENT_ARTICLES) against one
# written without: the same summary, the same answers (ids, scores, totals,
# suggestions) to the same queries, in one database and with --shards 2; a
# repeated id whose copies fall in different segments leaves one document
# (the first); no segment is left behind; a later run finds every file
# unchanged and an update works.
#
# usage: segments_test.sh BILEX_INDEX BILEX_SEARCH CORPUS_DIR
set -u

# shellcheck source=tests/checks.sh
. "$(dirname "$0")/checks.sh"
take_index_search_corpus "$@"
require jq python3
make_scratch segments

N=600  # articles, one id twice: 599 documents
python3 - "$CORPUS" "$T" "$N" <<'PY'
import json, os, random, sys
corpus, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
paras = []
for name in sorted(os.listdir(corpus)):
    if name.endswith(".txt"):
        text = open(os.path.join(corpus, name), encoding="utf-8").read()
        paras += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
rng = random.Random(24)
def article(i):
    body = "\n\n".join(rng.sample(paras, 3))
    return {"id": f"s{i}", "title": f"Item {i} " + rng.choice(paras)[:40],
            "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "body": f"{body}\n\nsegmark{i % 37} segword{i}"}
arts = [article(i) for i in range(n)]
arts[10] = {"id": "dup", "title": "First dup", "body": "The dupsegquokka, first."}
arts[550] = {"id": "dup", "title": "Second dup", "body": "The dupsegquokka, second."}
half = n // 2
for name, part in (("a.jsonl", arts[:half]), ("b.jsonl", arts[half:])):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        for a in part:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
with open(os.path.join(out, "queries"), "w", encoding="utf-8") as f:
    for q in ["the", "border", "migration", "migracion", "mexico", "méxico",
              "gobierno", "segmark3", "segmark17 border", "segword5",
              "segword599", '"the border"', '"united states"', "borderr",
              "migrasion", "immigration policy", "Biden", "dupsegquokka",
              "estados unidos", "frontera", "security OR seguridad",
              "segmark1 -the", "title:item", "cooperation", "presidente"]:
        f.write(q + "\n")
PY
IN=("$T/a.jsonl" "$T/b.jsonl")

# build NAME [OPTIONS...]: a fresh build with -j 2 (two writing threads);
# its summary, less the time, in $T/NAME.json.
build() {
  local name=$1
  shift
  run "$INDEX" --db "$T/$name" --json -j 2 "$@" "${IN[@]}"
  jq -c 'del(.seconds)' "$T/out" >"$T/$name.json" 2>/dev/null
}
# answers NAME: the answers of $T/NAME to the queries, less the times.
answers() {
  "$SEARCH" --db "$T/$1" --queries "$T/queries" --format json -n 20 |
    jq -c 'del(.took_ms)'
}
same_answers() { [ "$(answers "$1")" = "$(answers "$2")" ] && [ -n "$(answers "$1")" ]; }
same_summary() { cmp -s "$T/$1.json" "$T/$2.json"; }
no_segments() { ! ls -d "$T"/*.bilex-* "$T"/*/segments >/dev/null 2>&1; }

build one
check "one segment a thread: 599 documents, the repeated id skipped" \
  rc_jq 1 '.added == 599 and .docs == 599 and .skipped == 1 and any(.problems[]; .reason | test("duplicate id"))'
BILEX_SEGMENT_ARTICLES=25 build many
check "segments of 25 articles: exit 1, the same summary" same_summary one many
check "... the same answers, ids and scores" same_answers one many
check "... no segment left" no_segments
run "$SEARCH" --db "$T/many" --format json dupsegquokka
check "... the repeated id (copies 12 segments apart) is one document, the first" \
  jq_out '[.hits[].title] == ["First dup"] and .total == 1'
run "$SEARCH" --db "$T/many" --format json migrasion
check "... spelling from all segments" jq_out '.suggestion != null'

build one2 --shards 2
BILEX_SEGMENT_ARTICLES=25 build many2 --shards 2
check "--shards 2 in segments: the same summary" same_summary one2 many2
check "... the same answers" same_answers one2 many2
check "... no segment left" no_segments
check "... each shard one database" test -f "$T/many2/shard0/iamglass" -a -f "$T/many2/shard1/iamglass"

BILEX_SEGMENT_ARTICLES=1 build tiny
check "a segment an article: the same answers" same_answers one tiny

for db in many many2; do
  run "$INDEX" --db "$T/$db" --json "${IN[@]}"
  check "$db: a re-run finds both files unchanged" \
    rc_jq 1 '.unchanged == 599 and .added == 0 and .updated == 0'
done
printf '{"id":"late","body":"The latesegquokka article."}\n' >"$T/c.jsonl"
run "$INDEX" --db "$T/many" --json "$T/c.jsonl"
check "an update after a segmented build" rc_jq 0 '.added == 1 and .docs == 600'

BILEX_SEGMENT_ARTICLES=x run "$INDEX" --db "$T/bad" "${IN[@]}"
check "BILEX_SEGMENT_ARTICLES=x: a usage error" rc_err 2 "BILEX_SEGMENT_ARTICLES"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
