#!/usr/bin/env bash
# The threaded paths of both binaries, end to end: a parallel fresh build
# (-j 4, one shard a thread), a parallel update, batch answers on 1 and 4
# threads (the same lines), and the benchmark on 1 thread (with the snippet
# helper thread where a core is spare), 2 and 4 threads. Built with
# ThreadSanitizer (scripts/test does), a reported race fails the binary and
# so the check.
#
# usage: threads_test.sh BILEX_INDEX BILEX_SEARCH CORPUS_DIR
# BILEX_THREADS_ARTICLES (default 1000): articles of the first build.
# Prints one line per check and "N passed, N failed"; exits 1 on a failure.
set -u

# shellcheck source=tests/checks.sh
. "$(dirname "$0")/checks.sh"
take_index_search_corpus "$@"
require jq
make_scratch threads
unset BILEX_DB

# Articles made of the sample articles' sentences, both languages, dated
# over ten years: FIRST..LAST-1 into FILE, VERSION in each text.
make_articles() {
  python3 - "$CORPUS" "$1" "$2" "$3" "$4" <<'EOF'
import json, os, random, re, sys
corpus, out, first, last, version = sys.argv[1:6]
sentences = []
for name in sorted(os.listdir(corpus)):
    text = open(os.path.join(corpus, name), encoding="utf-8").read()
    sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text)
                  if len(s.split()) > 4]
rng = random.Random(7)
with open(out, "w", encoding="utf-8") as f:
    for i in range(int(first), int(last)):
        body = " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 12)))
        f.write(json.dumps({
            "id": f"t{i}", "title": rng.choice(sentences)[:60],
            "date": f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "body": f"{body} version{version}"}) + "\n")
EOF
}

n=${BILEX_THREADS_ARTICLES:-1000}
k=$((n / 5))  # articles removed, and added, by the update
make_articles "$T/a.jsonl" 0 "$n" 1
run "$INDEX" --db "$T/db" -j 4 --json "$T/a.jsonl"
check "a fresh build on 4 threads indexes every article" \
  rc_jq 0 ".added == $n and .docs == $n"

make_articles "$T/a.jsonl" 0 $((n - k)) 2
make_articles "$T/b.jsonl" "$n" $((n + k)) 1
run "$INDEX" --db "$T/db" -j 4 --json "$T/a.jsonl" "$T/b.jsonl"
check "an update on 4 threads replaces, adds and removes" \
  rc_jq 0 ".updated == $((n - k)) and .added == $k and .removed == $k and .docs == $n"

cat >"$T/q.txt" <<'EOF'
border
migración
migracion frontera
"border crossing"
talks -border
title:migration
lang:es frontera
date:2019..2021 border
presid*
version2
version1 OR version2
what did the officials say about the border
el gobierno y la frontera
bordr
EOF
untimed() { jq -c 'del(.took_ms)' "$1"; }
run "$SEARCH" --db "$T/db" --queries "$T/q.txt" -n 20 --threads 1
untimed "$T/out" >"$T/one"
check "batch on 1 thread answers every query" \
  test "$(grep -c '"hits"' "$T/one")" -eq "$(wc -l <"$T/q.txt")"
run "$SEARCH" --db "$T/db" --queries "$T/q.txt" -n 20 --threads 4
untimed "$T/out" >"$T/four"
check "batch on 4 threads: the same lines as on 1" cmp -s "$T/one" "$T/four"

for threads in 1 2 4; do
  run "$SEARCH" --db "$T/db" --queries "$T/q.txt" --bench --repeat 3 \
    --threads "$threads"
  check "bench on $threads thread(s): every query answered" \
    rc_jq 0 ".errors == 0 and .threads == $threads and .queries == 42"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
