# Shared by the end-to-end shell tests (sourced): one line per check,
# counters for the summary, and predicates on the last run's output.
# The sourcing test sets $T (its scratch directory), and its run() leaves
# stdout in $T/out, stderr in $T/err and the exit status in $rc; $detail,
# when set, is printed with a failure.

passed=0
failed=0
rc=0

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
