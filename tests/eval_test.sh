#!/usr/bin/env bash
# scripts/eval on the adi test collection: the table has its row, and the
# ranking is far better than chance (nDCG@10 above 0.4; bilex: 0.49).
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
assert r["ndcg@10"] > 0.4 and r["map"] > 0.3, r
PY
echo "eval_test: ok"
