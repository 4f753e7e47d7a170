#!/usr/bin/env bash
# bilex-lab tokcheck on the bench news: the tokenizer's fast paths give
# ICU's tokens (whole and with filters of first bytes), and no stem is
# longer than its word or starts with another byte (the snippet's matching
# relies on both). Exit 77 (skipped) when the news is not there.
# $BILEX_TOKCHECK_ARTICLES: only the first N articles of each file.
set -u
LAB=$1 ROOT=$2
BENCH=$ROOT/../shared/bench
shopt -s nullglob
news=("$BENCH"/news-*.jsonl.zst)
if ((${#news[@]} == 0)); then
  echo "tokcheck_test: skipped: no bench news at $BENCH"
  exit 77
fi
N=${BILEX_TOKCHECK_ARTICLES:-}
if [[ -z $N ]]; then
  exec "$LAB" tokcheck "${news[@]}"
fi
if [[ ! $N =~ ^[1-9][0-9]*$ ]]; then
  echo "tokcheck_test: BILEX_TOKCHECK_ARTICLES is a number of articles, not '$N'" >&2
  exit 2
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/bilex-tokcheck.XXXXXX")
trap 'rm -rf "$T"' EXIT
parts=()
for f in "${news[@]}"; do
  part=$T/$(basename "$f" .zst)
  # head closes the pipe early, which stops zstd (its complaint hidden);
  # an unreadable file shows as an empty part.
  zstd -dc "$f" 2>/dev/null | head -n "$N" > "$part"
  if [[ ! -s $part ]]; then
    echo "tokcheck_test: cannot read $f" >&2
    exit 1
  fi
  parts+=("$part")
done
echo "tokcheck_test: the first $N articles of each file"
"$LAB" tokcheck "${parts[@]}"
