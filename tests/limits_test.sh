#!/usr/bin/env bash
# Resource limits: oversized and hostile inputs and queries each get a
# bounded, documented outcome (README, "Limits"), with memory bounded and
# nothing lost; a full disk during a commit gives exit 3 and leaves the
# index at its last commit.
#
# usage: limits_test.sh BILEX_INDEX BILEX_SEARCH CORPUS_DIR
#
# The disk-full checks need a small filesystem: a tmpfs mounted for the
# test (root only); they are skipped, saying so, when it cannot be mounted.
# Memory bounds are multiplied by $BILEX_RSS_FACTOR (default 1; the
# sanitizer builds set 4).
# Prints one line per check and "N passed, N failed"; exits 1 on a failure.
set -u

# shellcheck source=tests/checks.sh
. "$(dirname "$0")/checks.sh"
take_index_search_corpus "$@"
require jq
make_scratch limits
MNT=""
cleanup() {
  if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null; fi
}
unset BILEX_DB

# run CMD...: stdout in $T/out, stderr in $T/err, status in $rc, the peak
# resident memory of CMD in $rss (KiB).
rss=0
run() {
  python3 -c '
import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)' "$T/rss" "$@" >"$T/out" 2>"$T/err"
  rc=$?
  rss=$(cat "$T/rss" 2>/dev/null || echo 0)
  detail="rss=${rss}KB"
}
# under KB: true when the last run's peak memory is below KB (scaled).
under() { [ "$rss" -lt $(($1 * ${BILEX_RSS_FACTOR:-1})) ]; }
hits() { "$SEARCH" --db "$1" --format json -n 100 "$2" | jq -r '.total'; }

# A body of real words: the seed articles, repeated.
seed_text=$(cat "$CORPUS"/*.txt | tr -s '\n' ' ')

# --- Oversized files and lines --------------------------------------------
mkdir -p "$T/in"
printf 'Good article\n\nA good article about borders.\n' >"$T/in/good.txt"
# 200 MB text file, sparse: refused unread.
printf 'Huge file\n\nsome text\n' >"$T/in/huge.txt"
truncate -s 200M "$T/in/huge.txt"
run "$INDEX" --db "$T/db1" --json "$T/in"
check "200 MB text file: skipped as larger than 64 MiB, exit 1" \
  test "$rc" -eq 1
check "200 MB text file: the problem names the file and the limit" \
  jq_out 'any(.problems[]; (.source | endswith("huge.txt")) and (.reason | test("larger than 64 MiB")))'
check "200 MB text file: the good article beside it indexed" \
  jq_out '.added == 1 and .docs == 1'
check "200 MB text file: not read into memory (peak < 100 MB)" \
  under 100000

# 200 MB JSON Lines file: one 200 MB line between two good records.
python3 - "$T/in2.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"id": "first", "body": "the first record"}) + "\n")
    f.write('{"id": "giant", "body": "')
    chunk = "giant " * 100000
    for _ in range(200 * 1000 * 1000 // len(chunk)):
        f.write(chunk)
    f.write('"}\n')
    f.write(json.dumps({"id": "last", "body": "the last record"}) + "\n")
EOF
run "$INDEX" --db "$T/db2" --json "$T/in2.jsonl"
check "200 MB JSON line: skipped as longer than 64 MiB, exit 1" \
  jq_out 'any(.problems[]; (.source | endswith("in2.jsonl:2")) and (.reason | test("line longer than 64 MiB")))'
check "200 MB JSON line: the records around it indexed" \
  jq_out '.added == 2 and .skipped == 1'
check "200 MB JSON line: not held in memory (peak < 200 MB)" \
  under 200000

# 50 MB line: indexed on its first 8 MiB, with a warning.
python3 - "$T/in3.jsonl" "$seed_text" <<'EOF'
import json, sys
text = sys.argv[2]
words = ["openingword"]
size = 0
while size < 50 * 1000 * 1000:
    words.append(text)
    size += len(text) + 1
words.append("closingword")
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"id": "long", "title": "Long one",
                        "body": " ".join(words)}) + "\n")
EOF
run "$INDEX" --db "$T/db3" --json "$T/in3.jsonl"
check "50 MB line: indexed (exit 0) with a warning that it was cut" \
  rc_jq 0 '.added == 1 and any(.problems[]; .reason | test("first 8 MiB indexed"))'
check "50 MB line: memory bounded (peak < 700 MB)" under 700000
check "50 MB line: a word of its beginning is found" \
  test "$(hits "$T/db3" openingword)" = 1
check "50 MB line: a word beyond 8 MiB is not" \
  test "$(hits "$T/db3" closingword)" = 0
run "$SEARCH" --db "$T/db3" --format json openingword
check "50 MB line: a snippet is built" \
  jq_out '.hits[0].snippet | test("<mark>openingword</mark>")'

# Deeply nested and huge JSON values.
python3 - "$T/in4.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write('{"id": "deep", "body": "deeply nested extra", "extra": ' +
            "[" * 100000 + "]" * 100000 + "}\n")
    f.write('{"id": "unclosed", "body": "x", "extra": ' + "[" * 1000000 + "\n")
    f.write(json.dumps({"id": "bigtitle", "title": "Headline " * 1000000,
                        "body": "a record with a huge title"}) + "\n")
    f.write(json.dumps({"id": "i" * 100000, "body": "a record with a huge id"}) + "\n")
    f.write(json.dumps({"id": "bigdate", "date": "2" * 1000000,
                        "body": "a record with a huge date"}) + "\n")
    f.write(json.dumps({"id": "bigfield", "body": "a record with a huge field",
                        "extra": {"k%d" % i: i for i in range(200000)}}) + "\n")
EOF
run "$INDEX" --db "$T/db4" --json "$T/in4.jsonl"
check "hostile JSON: exit 1, nothing crashed" test "$rc" -eq 1
check "JSON nested 100,000 deep in an unknown field: indexed" \
  test "$(hits "$T/db4" deeply)" = 1
check "JSON nested 1,000,000 deep, unclosed: malformed record" \
  jq_out 'any(.problems[]; (.source | endswith("in4.jsonl:2")) and (.reason | test("malformed")))'
check "9 MB title: cut to 1,000 bytes with a warning" \
  jq_out 'any(.problems[]; (.source | endswith("in4.jsonl:3")) and (.reason | test("title longer than 1000 bytes")))'
run "$SEARCH" --db "$T/db4" --format json huge title
check "9 MB title: shown cut, ending in an ellipsis" \
  jq_out '.hits[0].title | (length <= 1000) and endswith("…")'
run "$INDEX" --db "$T/db4" --json "$T/in4.jsonl"
check "100 KB id: refused with the reason" \
  jq_out 'any(.problems[]; (.source | endswith("in4.jsonl:4")) and (.reason | test("id longer than 4096 bytes")))'
check "1 MB date and 200,000-key field: indexed, the date ignored" \
  test "$("$SEARCH" --db "$T/db4" --format json 'huge date' | jq -r '.hits[0].date')" = null

# --- Many files -------------------------------------------------------------
python3 - "$T/many" <<'EOF'
import os, sys
for d in range(100):
    os.makedirs(os.path.join(sys.argv[1], "d%02d" % d))
    for i in range(1000):
        with open(os.path.join(sys.argv[1], "d%02d" % d, "n%04d.txt" % i), "w") as f:
            f.write("Note %d of %d\n\nitem%d in folder%d\n" % (i, d, i, d))
EOF
run "$INDEX" --db "$T/db5" --json "$T/many"
check "100,000 tiny files: all indexed" jq_out '.added == 100000 and .docs == 100000'
check "100,000 tiny files: memory bounded (peak < 300 MB)" under 300000
run "$INDEX" --db "$T/db5" --json "$T/many"
check "100,000 tiny files: a re-run finds them unchanged" \
  jq_out '.unchanged == 100000 and .added == 0 and .removed == 0'
run "$SEARCH" --db "$T/db5" --format json item7 folder42
check "100,000 tiny files: searchable" \
  jq_out '.hits[0].id == "d42/n0007.txt"'

# --- Queries ---------------------------------------------------------------
python3 - "$T" "$seed_text" <<'EOF'
import random, sys
t, words = sys.argv[1], sys.argv[2].split()
rng = random.Random(7)
with open(t + "/q-1mb.txt", "w") as f:
    f.write(" ".join(rng.choice(words) for _ in range(200000))[:1 << 20] + "\n")
with open(t + "/q-or10000.txt", "w") as f:
    f.write(" OR ".join("w%d" % i for i in range(10000)) + "\n")
with open(t + "/q-or1000.txt", "w") as f:
    f.write(" OR ".join(rng.choice(words) for _ in range(1000)) + "\n")
with open(t + "/q-nested.txt", "w") as f:
    f.write("(" * 30000 + "border" + ")" * 30000 + "\n")
with open(t + "/q-64k.txt", "w") as f:
    f.write("x" * 60000 + "\n")
EOF
"$INDEX" --db "$T/db6" -q "$CORPUS"
run "$SEARCH" --db "$T/db6" --queries "$T/q-1mb.txt"
check "1 MB query: refused, exit 2" \
  rc_jq 2 '.error | test("query too long: [0-9]+ bytes")'
check "1 MB query: memory bounded (peak < 100 MB)" under 100000
run "$SEARCH" --db "$T/db6" "$(head -c 100000 "$T/q-1mb.txt")"
check "100 KB query on the command line: one-line error, exit 2" \
  rc_err 2 "query too long"
run "$SEARCH" --db "$T/db6" --queries "$T/q-or10000.txt"
check "10,000 OR-ed words: refused, exit 2" \
  rc_jq 2 '.error | test("query too long")'
run "$SEARCH" --db "$T/db6" --queries "$T/q-or1000.txt"
check "1,000 OR-ed words: answered" \
  rc_jq 0 '.total > 0 and (.hits | length) > 0'
run "$SEARCH" --db "$T/db6" --queries "$T/q-nested.txt"
check "30,000 nested parentheses: answered" \
  rc_jq 0 '.total > 0'
run "$SEARCH" --db "$T/db6" --queries "$T/q-64k.txt"
check "one 60,000-byte word: answered (no hits)" \
  rc_jq 0 '.total == 0'

# --- Disk full --------------------------------------------------------------
# Articles of real text for a filesystem too small to take them all.
make_articles() {  # DIR FIRST COUNT
  python3 - "$1" "$2" "$3" "$seed_text" <<'EOF'
import os, random, sys
d, first, count, words = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split()
os.makedirs(d, exist_ok=True)
for i in range(first, first + count):
    rng = random.Random(i)
    body = " ".join(rng.choice(words) for _ in range(400))
    with open(os.path.join(d, "a%05d.txt" % i), "w") as f:
        f.write("Article %d\n\nfullword %s tag%d\n" % (i, body, i))
EOF
}
MNT=$T/small
mkdir -p "$MNT"
if ! mount -t tmpfs -o size=128m tmpfs "$MNT" 2>/dev/null; then
  MNT=""
  echo "skip    - disk full: cannot mount a small tmpfs here (needs root)"
else
  make_articles "$T/full" 0 1000
  run "$INDEX" --db "$MNT/db" --json "$T/full"
  check "disk full: the first build fits" jq_out '.docs == 1000'
  # Leave about 2 MB free, then add 3,000 articles.
  avail=$(df -k --output=avail "$MNT" | tail -1)
  fallocate -l $(((avail - 2048) * 1024)) "$MNT/filler"
  make_articles "$T/full" 1000 3000
  run "$INDEX" --db "$MNT/db" --json "$T/full"
  check "disk full during an update: exit 3" test "$rc" -eq 3
  check "disk full during an update: one line naming the index and the cause" \
    one_error_line "cannot update index $MNT/db: .*No space left on device.*last commit"
  check "disk full during an update: the index opens at its last commit" \
    test "$(hits "$MNT/db" fullword)" = 1000
  run "$INDEX" --db "$MNT/db" --rebuild --json "$T/full"
  check "disk full during --rebuild: exit 3" test "$rc" -eq 3
  check "disk full during --rebuild: the old index is kept" \
    test "$(hits "$MNT/db" fullword)" = 1000
  check "disk full during --rebuild: no side directories left behind" \
    test "$(find "$MNT" -maxdepth 1 -name 'db.bilex-*' | wc -l)" -eq 0
  rm -f "$MNT/filler"
  run "$INDEX" --db "$MNT/db" --json "$T/full"
  check "space freed: the next run finishes the job" \
    rc_jq 0 '.docs == 4000'
  check "space freed: every article searchable" \
    test "$(hits "$MNT/db" fullword)" = 4000
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
