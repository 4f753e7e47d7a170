#!/usr/bin/env bash
# bilex-lab tokcheck on the bench news: the tokenizer's fast paths give
# ICU's tokens (whole and with filters of first bytes), and no stem is
# longer than its word or starts with another byte (the snippet's matching
# relies on both). Exit 77 (skipped) when the news is not there.
set -u
LAB=$1 ROOT=$2
BENCH=$ROOT/../shared/bench
shopt -s nullglob
news=("$BENCH"/news-*.jsonl.zst)
if ((${#news[@]} == 0)); then
  echo "tokcheck_test: skipped: no bench news at $BENCH"
  exit 77
fi
exec "$LAB" tokcheck "${news[@]}"
