# shellcheck shell=bash
# Shared by the end-to-end shell tests (sourced): the prologue (arguments,
# required tools, a scratch directory), one line per check, counters for
# the summary, and predicates on the last run's output.
# The sourcing test sets $T (its scratch directory), and its run() leaves
# stdout in $T/out, stderr in $T/err and the exit status in $rc; $detail,
# when set, is printed with a failure.

passed=0
failed=0
rc=0
TEST_NAME=$(basename "$0" .sh)

# expect_args COUNT NAMES "$@": exits 2 with a usage line unless the test
# was given COUNT arguments.
expect_args() {
  local count=$1 names=$2
  shift 2
  if [ $# -ne "$count" ]; then
    echo "usage: $0 $names" >&2
    exit 2
  fi
}

# take_index_search_corpus "$@": the arguments BILEX_INDEX BILEX_SEARCH
# CORPUS_DIR, as $INDEX, $SEARCH and $CORPUS.
take_index_search_corpus() {
  expect_args 3 "BILEX_INDEX BILEX_SEARCH CORPUS_DIR" "$@"
  # shellcheck disable=SC2034  # read by the sourcing test
  INDEX=$1 SEARCH=$2 CORPUS=$3
}

# require TOOL...: exits 2 unless every TOOL is on PATH.
require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "$TEST_NAME: $tool is required" >&2; exit 2; }
  done
}

# make_scratch WORD: $T, a new directory removed at exit, after the test's
# own cleanup (a function named cleanup) when it defines one.
make_scratch() {
  T=$(mktemp -d "${TMPDIR:-/tmp}/bilex-$1.XXXXXX")
  trap remove_scratch EXIT
}
remove_scratch() {
  if declare -F cleanup >/dev/null; then cleanup; fi
  rm -rf "$T"
}

# run CMD...: runs CMD with stdout in $T/out, stderr in $T/err, status in
# $rc (a test may define its own).
run() {
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
}

pass() { passed=$((passed + 1)); echo "ok      - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL    - $1"
  echo "          rc=$rc ${detail:+$detail }stdout: $(head -c 400 "$T/out" | tr '\n' ' ')"
  echo "          stderr: $(head -c 300 "$T/err" | tr '\n' ' ')"
}

# check DESC CMD...: passes when CMD succeeds.
check() {
  local desc=$1
  shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}

rc_is() { [ "$rc" -eq "$1" ]; }
# jq_out FILTER: the filter is true on stdout (one JSON document).
jq_out() { jq -e "$1" "$T/out" >/dev/null 2>&1; }
# rc_jq STATUS FILTER: the run exited with STATUS and FILTER holds on stdout.
rc_jq() { rc_is "$1" && jq_out "$2"; }
err_has() { grep -q -- "$1" "$T/err"; }
# one_error_line PATTERN: stderr is one line, matching PATTERN.
one_error_line() { [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$1" "$T/err"; }
# rc_err STATUS PATTERN: the run exited with STATUS and one such error line.
rc_err() { rc_is "$1" && one_error_line "$2"; }
