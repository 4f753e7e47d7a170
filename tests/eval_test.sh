#!/usr/bin/env bash
# scripts/eval on the adi test collection: the table has its row, and the
# ranking has not fallen below a floor a little under what the defaults
# measure (docs/ranking.md: nDCG@10 0.510, MAP 0.434), the questions as
# written and as keyword queries (--keywords: 0.521, 0.436).
# Exit 77 (skipped) when the collections are not there.
set -u
ROOT=$1
IR=$ROOT/../shared/bench/ir
if [ ! -f "$IR/adi/qrels.txt" ]; then
  echo "eval_test: skipped: no test collections at $IR"
  exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/bilex-eval-test.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$ROOT/scripts/eval" --quiet --out "$out/eval.json" adi >"$out/table.md" || exit 1
cat "$out/table.md"
grep -q '^| adi | 35 |' "$out/table.md" || { echo "eval_test: no adi row"; exit 1; }
python3 - "$out/eval.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))["results"]["adi"]
assert r["queries"] == 35 and r["zero_results"] == 0, r
assert r["ndcg@10"] > 0.49 and r["map"] > 0.415, r
PY
# --keywords: the same questions without their function words.
"$ROOT/scripts/eval" --quiet --keywords --work "$out/kw" --out "$out/kw.json" adi \
  >"$out/kw.md" || exit 1
cat "$out/kw.md"
python3 - "$out/kw.json" "$out/kw/adi/queries.txt" <<'PY' || exit 1
import json, sys
data = json.load(open(sys.argv[1]))
assert data["settings"]["queries"] == "keywords", data["settings"]
r = data["results"]["adi"]
assert r["queries"] == 35 and r["ndcg@10"] > 0.49 and r["map"] > 0.415, r
asked = [line.split() for line in open(sys.argv[2], encoding="utf-8")]
assert len(asked) == 35 and all(asked), asked
for words in asked:
    assert not {"the", "of", "what", "how", "is", "are"} & set(words), words
PY
echo "eval_test: ok"
