#!/usr/bin/env bash
# Crash consistency of bilex-index: kills it with SIGKILL at random moments
# during fresh builds, --rebuild runs and incremental updates of a few
# thousand articles, and after each kill checks that
#   - the index opens and answers (or, before any build ever finished, is
#     absent),
#   - every article is in a committed state: its version before the run or
#     the one the run was writing, never a mix, never twice,
#   - a re-run converges to exactly the articles on disk, each at its
#     current version.
#
# usage: crash_test.sh BILEX_INDEX BILEX_SEARCH CORPUS_DIR [KILLS]
#   KILLS (default 5, or $BILEX_CRASH_KILLS): number of runs to kill while
#   running (a run that finished before its kill moment does not count; at
#   most 2 x KILLS runs are started, and the summary says how many landed).
#   $BILEX_CRASH_ARTICLES (default 2000): size of the article set.
#   $BILEX_CRASH_FORMAT: txt (default), one file per article, or jsonl, ten
#   articles per JSON Lines file (files untouched by a round of changes are
#   then skipped by size and mtime, files with changes read again).
# Prints one line per kill and a summary; exits non-zero on any failure.
set -u

INDEX=$1
SEARCH=$2
CORPUS=$3
KILLS=${4:-${BILEX_CRASH_KILLS:-5}}
N=${BILEX_CRASH_ARTICLES:-2000}
FORMAT=${BILEX_CRASH_FORMAT:-txt}
case $FORMAT in txt|jsonl) ;; *) echo "crash_test: BILEX_CRASH_FORMAT is txt or jsonl" >&2; exit 2 ;; esac

T=$(mktemp -d "${TMPDIR:-/tmp}/bilex-crash.XXXXXX")
VICTIM=""
cleanup() {
  if [ -n "$VICTIM" ]; then kill -9 "$VICTIM" 2>/dev/null; wait "$VICTIM" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT

DB=$T/db
A=$T/articles
mkdir -p "$A"
RANDOM=20261123  # reproducible kill moments and changes

failures=0
fail() {
  failures=$((failures + 1))
  echo "FAIL    - $*"
}

# Seed bodies give the analyzer real text to chew on.
seeds=()
for f in "$CORPUS"/*.txt; do seeds+=("$(cat "$f")"); done
((${#seeds[@]} > 0)) || { echo "crash_test: no .txt articles in $CORPUS" >&2; exit 2; }

# JSON Lines: article i is in file a$((i % JFILES)).jsonl; each seed's body
# as a JSON string, without its closing quote.
JFILES=$((N / 10 + 1))
declare -a seeds_json dirty
for seed in "${seeds[@]}"; do
  j=$(printf "%s" "$seed" | jq -Rs .)
  seeds_json+=("${j%\"}")
done

# ver[i]: the version of article i on disk (0: absent).
# was[i]: its version in the last committed, converged index.
declare -a ver was
write_article() {  # write_article I VERSION (VERSION 0: remove it)
  local i=$1 v=$2
  ver[$i]=$v
  if [ "$FORMAT" = jsonl ]; then
    dirty[$((i % JFILES))]=1
  elif ((v > 0)); then
    printf 'Article %d version %d\n\n%s\n\nMarkers uid%dx crashmark.\n' \
      "$i" "$v" "${seeds[$((i % ${#seeds[@]}))]}" "$i" >"$A/a$i.txt"
  else
    rm -f "$A/a$i.txt"
  fi
}
# Rewrites the JSON Lines files holding an article that changed.
write_files() {
  [ "$FORMAT" = jsonl ] || return 0
  local -a content=()
  local i g rec
  for ((i = 1; i < next_id; i++)); do
    g=$((i % JFILES))
    [ -n "${dirty[$g]:-}" ] && ((ver[i] > 0)) || continue
    printf -v rec '{"id":"a%d","title":"Article %d version %d","body":%s\\n\\nMarkers uid%dx crashmark."}\n' \
      "$i" "$i" "${ver[i]}" "${seeds_json[$((i % ${#seeds[@]}))]}" "$i"
    content[$g]+=$rec
  done
  for g in "${!dirty[@]}"; do
    printf '%s' "${content[$g]:-}" >"$A/a$g.jsonl"
  done
  dirty=()
}
next_id=$((N + 1))
for ((i = 1; i <= N; i++)); do write_article "$i" 1; done
write_files

# Changes the articles on disk: about 3% rewritten, 1% removed, 2% added.
mutate() {
  local round=$1 i k
  for ((k = 0; k < N * 3 / 100; k++)); do
    i=$((RANDOM % (next_id - 1) + 1))
    ((ver[i] > 0)) && write_article "$i" $((ver[i] + 1))
  done
  for ((k = 0; k < N / 100; k++)); do
    i=$((RANDOM % (next_id - 1) + 1))
    ((ver[i] > 0)) && write_article "$i" 0
  done
  for ((k = 0; k < N * 2 / 100; k++)); do
    next_id=$((next_id + 1))
    write_article $((next_id - 1)) "$round"
  done
  write_files
}

# Searches every article id ever written; $T/found gets "I VERSION" per hit
# and $T/dups the ids found more than once. Returns the search's status.
survey() {
  local i
  : >"$T/queries"
  for ((i = 1; i < next_id; i++)); do echo "uid${i}x" >>"$T/queries"; done
  "$SEARCH" --db "$DB" --queries "$T/queries" --no-snippets -n 5 >"$T/answers" 2>"$T/err"
  local rc=$?
  ((rc == 0)) || return $rc
  jq -r '.hits[] | .title' "$T/answers" |
    sed -n 's/^Article \([0-9]*\) version \([0-9]*\)$/\1 \2/p' >"$T/found"
  cut -d' ' -f1 "$T/found" | sort | uniq -d >"$T/dups"
  return 0
}

# After a kill: every article at its committed version or the new one.
check_committed() {
  local label=$1 any_committed=$2
  survey
  local rc=$?
  if ((rc == 3 && any_committed == 0)); then
    return  # no build ever finished: no index is a committed state
  fi
  if ((rc != 0)); then
    fail "$label: the index does not answer (exit $rc): $(head -c 200 "$T/err")"
    return
  fi
  [ -s "$T/dups" ] && fail "$label: articles found twice: $(head -c 100 "$T/dups" | tr '\n' ' ')"
  local -A got=()
  local i v bad=0
  while read -r i v; do got[$i]=$v; done <"$T/found"
  for ((i = 1; i < next_id; i++)); do
    v=${got[$i]:-0}
    if ((v != was[i] && v != ver[i])); then
      ((bad++ < 3)) && fail "$label: article $i at version $v, expected ${was[i]} or ${ver[i]}"
    fi
  done
  ((bad > 3)) && fail "$label: ... $bad articles in all"
}

# After a complete run: exactly the articles on disk, at their versions.
check_converged() {
  local label=$1
  if ! survey; then
    fail "$label: the index does not answer: $(head -c 200 "$T/err")"
    return
  fi
  [ -s "$T/dups" ] && fail "$label: articles found twice"
  local -A got=()
  local i v bad=0 want=0
  while read -r i v; do got[$i]=$v; done <"$T/found"
  for ((i = 1; i < next_id; i++)); do
    ((ver[i] > 0)) && want=$((want + 1))
    v=${got[$i]:-0}
    if ((v != ver[i])); then
      ((bad++ < 3)) && fail "$label: article $i at version $v, expected ${ver[i]}"
    fi
  done
  ((bad > 3)) && fail "$label: ... $bad articles in all"
  local docs
  docs=$(jq -r .docs "$T/summary" 2>/dev/null)
  [ "$docs" = "$want" ] || fail "$label: the index holds $docs documents, $want on disk"
  for ((i = 1; i < next_id; i++)); do was[$i]=${ver[i]}; done
}

ms() { echo $(($(date +%s%N) / 1000000)); }

# A complete build first, to learn how long a run takes here.
t0=$(ms)
"$INDEX" --db "$DB" --json "$A" >"$T/summary" 2>"$T/err" || fail "first build: $(cat "$T/err")"
full_ms=$(($(ms) - t0))
echo "# $N articles ($FORMAT), a full build takes $full_ms ms; $KILLS kills"
check_converged "first build"

mid_run=0
update_ms=$((full_ms / 3 + 50))
for ((k = 1; mid_run < KILLS && k <= 2 * KILLS; k++)); do
  args=()
  any_committed=1
  case $((k % 4)) in
    1) mode="fresh build"; rm -rf "$DB"; any_committed=0
       for ((i = 1; i < next_id; i++)); do was[$i]=0; done ;;
    2) mode="--rebuild"; args=(--rebuild) ;;
    *) mode="update" ;;
  esac
  mutate $((k + 1))
  # Aim the kill inside the run: builds within 70% of the first build's
  # time, updates within the time the last update re-run took.
  window=$((full_ms * 7 / 10 + 1))
  [ "$mode" = update ] && window=$((update_ms + 1))
  delay=$(((RANDOM * 32768 + RANDOM) % window))
  "$INDEX" --db "$DB" -q "${args[@]}" "$A" >/dev/null 2>&1 &
  VICTIM=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  state=$(awk '{print $3}' "/proc/$VICTIM/stat" 2>/dev/null)
  kill -9 "$VICTIM" 2>/dev/null
  wait "$VICTIM" 2>/dev/null
  VICTIM=""
  if [ -n "$state" ] && [ "$state" != Z ]; then
    mid_run=$((mid_run + 1))
    when="killed at $delay ms"
  else
    when="finished before the kill at $delay ms"
  fi
  before=$failures
  check_committed "kill $k ($mode, $when)" "$any_committed"
  t0=$(ms)
  "$INDEX" --db "$DB" --json "$A" >"$T/summary" 2>"$T/err"
  rc=$?
  [ "$mode" = update ] && update_ms=$(($(ms) - t0 + 50))
  ((rc == 0)) || fail "kill $k: the re-run exits $rc: $(head -c 200 "$T/err")"
  check_converged "kill $k: re-run"
  ((failures == before)) && echo "ok      - kill $k ($mode, $when): committed state intact, re-run converged"
done

echo "crash_test: $((k - 1)) runs killed, $mid_run of them mid-run, $failures failures"
((mid_run >= KILLS)) || echo "crash_test: note: only $mid_run of $((k - 1)) kills landed mid-run"
((failures == 0))
