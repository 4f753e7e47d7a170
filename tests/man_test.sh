#!/usr/bin/env bash
# A manual page against its program's --help: every option --help lists
# must head an entry (.TP) of the page's OPTIONS, and every option heading
# an entry there must be in --help.
#
# usage: man_test.sh PROGRAM MAN_PAGE
set -u

# shellcheck source=tests/checks.sh
. "$(dirname "$0")/checks.sh"
expect_args 2 "PROGRAM MAN_PAGE" "$@"
PROGRAM=$1
PAGE=$2
[ -r "$PAGE" ] || { echo "man_test: cannot read $PAGE" >&2; exit 1; }

# --help: the option names at the start of its lines ("  -n,--limit UINT").
help_options() {
  "$PROGRAM" --help | sed -n 's/^ \{1,4\}\(-[-[:alnum:],]*\).*/\1/p' |
    tr ',' '\n' | grep -E '^--?[[:alnum:]]' | sort -u
}

# The page: the options on the line after each .TP of the OPTIONS section,
# with roff's escapes undone (\- is -, \fB... font changes go).
page_options() {
  awk '/^\.SH/ { in_opts = ($2 == "OPTIONS") } in_opts && heading { print; heading = 0 }
       in_opts && /^\.TP/ { heading = 1 }' "$PAGE" |
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' |
    grep -oE '(^|[ "])--?[[:alnum:]][-[:alnum:]]*' | tr -d ' "' | sort -u
}

help=$(help_options) page=$(page_options)
if [ -z "$help" ]; then
  echo "man_test: $PROGRAM --help lists no options" >&2
  exit 1
fi
missing=$(comm -23 <(echo "$help") <(echo "$page"))
extra=$(comm -13 <(echo "$help") <(echo "$page"))
status=0
for o in $missing; do
  echo "man_test: $PAGE lacks $o, which $(basename "$PROGRAM") --help lists" >&2
  status=1
done
for o in $extra; do
  echo "man_test: $PAGE lists $o, which $(basename "$PROGRAM") --help does not" >&2
  status=1
done
[ $status -eq 0 ] && echo "man_test: $(basename "$PAGE"): $(echo "$help" | wc -l) options, as in --help"
exit $status
