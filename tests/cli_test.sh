#!/usr/bin/env bash
# End-to-end tests of bilex-index and bilex-search: the command-line contract
# of docs/usage.md and docs/formats.md (outputs, JSON shapes, exit statuses), on a copy of corpus/
# in a temporary directory.
#
# usage: cli_test.sh BILEX_INDEX BILEX_SEARCH CORPUS_DIR
#
# Prints one line per check and "N passed, N failed" at the end; exits
# non-zero when any check failed.
set -u

# shellcheck source=tests/checks.sh
. "$(dirname "$0")/checks.sh"
take_index_search_corpus "$@"
require jq flock
make_scratch cli
HOLDER=""
cleanup() {
  if [ -n "$HOLDER" ]; then kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; fi
}
unset BILEX_DB NO_COLOR

out_has() { grep -q -- "$1" "$T/out"; }
no_escapes() { ! grep -q $'\033' "$T/out"; }
has_escapes() { grep -q $'\033\[' "$T/out"; }
# ids_are ID...: the hits' ids, sorted, are exactly these.
ids_are() {
  local want got
  want=$(printf '%s\n' "$@" | sort | jq -R . | jq -sc .)
  got=$(jq -c '[.hits[].id] | sort' "$T/out" 2>/dev/null)
  [ "$want" = "$got" ]
}
has_id() { jq -e --arg id "$1" 'any(.hits[]; .id == $id)' "$T/out" >/dev/null 2>&1; }
# suggests DB WORD WANT DESC: the check DESC that bilex-search on DB
# suggests WANT (JSON: a quoted word, or null) for the query WORD.
suggests() {
  run "$SEARCH" --db "$1" --format json "$2"
  check "$4" jq_out ".suggestion == $3"
}

DB=$T/db
cp -r "$CORPUS" "$T/corpus"
S() { run "$SEARCH" --db "$DB" "$@"; }

echo "# version and help"
for bin in "$INDEX" "$SEARCH"; do
  name=$(basename "$bin")
  run "$bin" --version
  check "$name --version exits 0 and names itself" eval 'rc_is 0 && out_has "$name"'
  run "$bin" --help
  check "$name --help exits 0 and prints usage" eval 'rc_is 0 && out_has "--db"'
  run "$bin" --no-such-option
  check "$name --no-such-option exits 2" rc_is 2
done
run "$INDEX" --db "$DB"
check "bilex-index without PATH exits 2" rc_is 2
run "$INDEX" --db "$DB" --lang fr "$T/corpus"
check "bilex-index --lang fr exits 2" rc_is 2

echo "# indexing the corpus"
run "$INDEX" --db "$DB" --json "$T/corpus"
check "index corpus exits 0" rc_is 0
check "summary: added 5, nothing else" jq_out \
  '.added == 5 and .updated == 0 and .removed == 0 and .unchanged == 0 and .skipped == 0 and .docs == 5 and .problems == []'
check "summary: exactly the keys of docs/formats.md" jq_out \
  '(keys | sort) == ["added","docs","problems","removed","seconds","skipped","unchanged","updated"] and (.seconds | type) == "number"'
check "summary is one line" eval '[ "$(wc -l <"$T/out")" -eq 1 ]'
run "$INDEX" --db "$DB" --json "$T/corpus"
check "re-run exits 0" rc_is 0
check "re-run: 5 unchanged, 0 added" jq_out \
  '.unchanged == 5 and .added == 0 and .updated == 0 and .removed == 0 and .docs == 5'
run "$INDEX" --db "$DB" -q "$T/corpus"
check "-q: exit 0, nothing on stdout or stderr" eval 'rc_is 0 && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]'
run "$INDEX" --db "$DB" "$T/corpus"
check "without --json: a one-line summary on stderr" eval \
  'rc_is 0 && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" -eq 1 ]'

echo "# searching"
S --format json migracion
check "migracion exits 0" rc_is 0
check "migracion finds 004 first (accent-insensitive)" jq_out \
  '.hits[0].id == "004_54082ad3b2e1e8f7.txt"'
S --format json BARCENA
check "BARCENA finds exactly the three articles naming Bárcena" ids_are \
  000_5076cc95327936f8.txt 001_23b589e46890e87e.txt 002_a3d27affe04262f3.txt
check "BARCENA snippet marks the accented word" jq_out \
  'all(.hits[]; .snippet | contains("<mark>Bárcena</mark>"))'
S --format json crossed
check "crossed finds 000 (stemming)" has_id 000_5076cc95327936f8.txt
check "crossed highlights crossing" jq_out \
  'any(.hits[]; .id == "000_5076cc95327936f8.txt" and (.snippet | test("<mark>crossing</mark>")))'
check "crossed matches by its stem: no \"did you mean\"" jq_out '.suggestion == null'
S --format json '"causas fundamentales"'
check "\"causas fundamentales\" finds exactly the Spanish article" ids_are \
  004_54082ad3b2e1e8f7.txt
check "phrase words are marked" jq_out \
  '.hits[0].snippet | contains("<mark>causas</mark> <mark>fundamentales</mark>")'
S --format json '"root causes"'
check "\"root causes\" finds no Spanish article" jq_out \
  'all(.hits[]; .lang == "en")'
S --format json Blinken frontera
check "Blinken frontera finds English and Spanish articles" jq_out \
  'any(.hits[]; .lang == "en") and any(.hits[]; .lang == "es")'
S --format json BARCENA zzzunknown
check "a missing word does not empty the result (partial matches)" ids_are \
  000_5076cc95327936f8.txt 001_23b589e46890e87e.txt 002_a3d27affe04262f3.txt
S --format json --match all BARCENA zzzunknown
check "--match all: every word required" jq_out '.total == 0 and .hits == []'
S --format json --match any BARCENA zzzunknown
check "--match any: any word" jq_out '(.hits | length) == 3'
S --format json -n 1 BARCENA Guatemala
check "-n 1, a full page: the total still counts the partial matches" \
  jq_out '(.hits | length) == 1 and .total == 4'
S --format json --explain BARCENA Guatemala
check "full matches rank before partial ones" jq_out \
  '[.hits[].partial] as $p | $p == ($p | sort) and ($p | any) and ($p | all | not)'
check "... full: the articles naming both" jq_out \
  '[.hits[] | select(.partial | not) | .id] | sort == ["001_23b589e46890e87e.txt","002_a3d27affe04262f3.txt"]'
S --explain --color never BARCENA
check "--explain text: shows the parsed query" out_has "^query: "
S --explain --color never what did the migrants say about the border
check "--explain text: a question's language" out_has "^query language: en "
S --format json --explain what did the migrants say about the border
check "--explain JSON: a question's language" jq_out '.query_lang == "en"'
S --format json --explain migrants border
check "--explain JSON: a keyword query's English-only words tell it" jq_out '.query_lang == "en"'
S --format json --explain --bridge off migrants border
check "--explain JSON: ... not without the lexicon (--bridge off)" jq_out '.query_lang == "und"'
S --format json --explain Blinken frontera
check "--explain JSON: a name and one Spanish word tell none" jq_out '.query_lang == "und"'
S --format json --explain Blinken frontera
check "--explain JSON: each hit's score is the sum of its words' parts" jq_out \
  '(.hits | length) > 0 and all(.hits[]; (.explain | length) == 2 and ((([.explain[].score] | add) - .score) | fabs) < 0.001)'
check "--explain JSON: the parts name the query words" jq_out \
  'all(.hits[]; [.explain[].query] == ["Blinken", "frontera"])'
S --format json --explain --bridge off migrants crossing the border record numbers
check "feedback: a 4+ word query gets related terms (--explain lists them last)" jq_out \
  '(.hits | length) > 0 and all(.hits[]; .explain[-1].query == "(feedback terms)") and (.parsed | test("AND_MAYBE"))'
check "feedback: each hit's score is still the sum of its parts" jq_out \
  'all(.hits[]; ((([.explain[].score] | add) - .score) | fabs) < 0.001)'
check "feedback: adds no matches" jq_out \
  '.total == 4'
S --format json --explain --feedback off --bridge off migrants crossing the border record numbers
check "--feedback off: no related terms" jq_out \
  'all(.hits[]; all(.explain[]; .query != "(feedback terms)")) and .total == 4'
S --format json --explain migrants crossing border
check "feedback: not for a 3-word query" jq_out \
  'all(.hits[]; all(.explain[]; .query != "(feedback terms)"))'
S --feedback 10,10
check "--feedback: a malformed value is a usage error" test "$rc" -eq 2
echo "# bridging the languages (English <-> Spanish lexicon)"
EN_SEEDS=(000_5076cc95327936f8.txt 001_23b589e46890e87e.txt 002_a3d27affe04262f3.txt 003_a7f6052367893f48.txt)
ES_SEED=004_54082ad3b2e1e8f7.txt
for q in migración frontera; do
  S --format json "$q"
  check "$q finds the Spanish article first, then the English ones" jq_out \
    ".hits[0].id == \"$ES_SEED\" and ([.hits[1:][].lang] | unique) == [\"en\"] and (.hits | length) == 5"
done
check "frontera: the English hits say they matched border, and highlight it" jq_out \
  'all(.hits[1:][]; .translations == ["border"] and (.snippet | test("<mark>[Bb]order</mark>")))'
S --format json --bridge off frontera
check "--bridge off: frontera finds the Spanish article alone" ids_are "$ES_SEED"
S --format json border
check "border finds the Spanish article too, through frontera" jq_out \
  "(.hits | length) == 5 and any(.hits[]; .id == \"$ES_SEED\" and .translations == [\"frontera\"])"
check "border: the Spanish snippet marks frontera" jq_out \
  "any(.hits[]; .id == \"$ES_SEED\" and (.snippet | contains(\"<mark>frontera</mark>\")))"
S --format json --explain border
check "--explain JSON: border's translations and their weight" jq_out \
  'any(.bridged[] | select(.query == "border") | .translations[]; .word == "frontera" and .lang == "es" and .weight > 0 and .weight < 1)'
S --explain --color never border
check "--explain text: a translations line" out_has "^translations of border: .*frontera (es x0"
S --bridge maybe border
check "--bridge maybe is a usage error" rc_is 2

echo "# weighting models"
S --format json --no-snippets border
jq -c '[.hits[].score]' "$T/out" >"$T/bm25.scores"
S --format json --no-snippets --weighting bm25 border
check "--weighting bm25 is the default" eval \
  '[ "$(jq -c "[.hits[].score]" "$T/out")" = "$(cat "$T/bm25.scores")" ]'
S --format json --no-snippets --weighting ineb2:1.5 border
check "--weighting ineb2:1.5: the same hits, other scores" eval \
  'rc_is 0 && jq -e ".hits | length > 0" "$T/out" >/dev/null && [ "$(jq -c "[.hits[].score]" "$T/out")" != "$(cat "$T/bm25.scores")" ]'
for m in bm25+ dph dlh pl2 pl2+:1,0.5 inl2 bb2 lm lm:2000 tfidf tfidf:bnn trad; do
  S --format json --no-snippets --weighting "$m" border
  check "--weighting $m answers" eval 'rc_is 0 && jq -e ".hits | length > 0" "$T/out" >/dev/null'
done
S --weighting okapi border
check "--weighting okapi: usage error naming the model" \
  eval 'rc_is 2 && err_has "unknown model .okapi."'
S --weighting ineb2:0 border
check "--weighting ineb2:0: usage error" eval 'rc_is 2 && err_has "ineb2:0"'
S --weighting dph:1 border
check "--weighting dph:1: dph takes no parameters" eval 'rc_is 2 && err_has "no parameters"'
S --weighting bm25:1.2,x border
check "--weighting bm25:1.2,x: not a number" eval 'rc_is 2 && err_has "not a non-negative number"'
S --weighting tfidf:zzz border
check "--weighting tfidf:zzz: usage error" rc_is 2
BILEX_LEXICON=$T/no-such.lexicon run "$SEARCH" --db "$DB" --format json frontera
check "a missing lexicon: a note, bridging off, still an answer" eval \
  'rc_is 0 && grep -q "no English-Spanish lexicon.*no-such.lexicon.*bridging off" "$T/err" && ids_are "$ES_SEED"'

S --format json bordr
check "did you mean: bordr -> border" jq_out '.suggestion == "border"'
S --format json border
check "border: no suggestion" jq_out '.suggestion == null'
S --format json migracoin
check "did you mean: migracoin -> migración (one edit), not migration (two)" \
  jq_out '.suggestion == "migración"'
S --format json Blinken
check "blinken (a name some articles hold) is not linked" jq_out '.suggestion == null'

echo "# JSON shape"
S --format json Blinken
check "top-level keys" jq_out \
  '(keys | sort) == ["hits","limit","offset","query","suggestion","took_ms","total"]'
check "top-level values" jq_out \
  '.query == "Blinken" and (.total | type) == "number" and .total >= 1 and .offset == 0 and .limit == 10 and (.took_ms | type) == "number" and .took_ms >= 0'
check "hit keys" jq_out \
  'all(.hits[]; (keys | sort) == ["date","id","lang","rank","score","snippet","title"])'
check "hit values" jq_out \
  '[.hits[].rank] == [range(1; (.hits | length) + 1)] and all(.hits[]; (.score | type) == "number" and (.lang | IN("en","es","und")) and (.date == null or (.date | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))) and (.title | length) > 0)'
check "snippets hold <mark>" jq_out 'all(.hits[]; .snippet | test("<mark>Blinken</mark>"))'
check "metadata: 000 dated 2024-01-19, en; 004 es" jq_out \
  '(.hits[] | select(.id == "000_5076cc95327936f8.txt") | .date == "2024-01-19" and .lang == "en") and (.hits[] | select(.id == "004_54082ad3b2e1e8f7.txt") | .lang == "es" and .date == null)'
check "title from the headline, else the file name" jq_out \
  '(.hits[] | select(.id == "001_23b589e46890e87e.txt") | .title | startswith("U.S., Mexico and Guatemala")) and (.hits[] | select(.id == "004_54082ad3b2e1e8f7.txt") | .title == "004_54082ad3b2e1e8f7.txt")'
S --format json -n 10 BARCENA Guatemala
all_total=$(jq .total "$T/out")
S --format json -n 1 BARCENA Guatemala
check "total does not depend on -n (1 vs 10)" eval '[ "$(jq .total "$T/out")" = "$all_total" ]'
S --format json -n 2 BARCENA Guatemala
check "total does not depend on -n (2 vs 10)" eval '[ "$(jq .total "$T/out")" = "$all_total" ]'
S --format json -n 2 Blinken
check "-n 2: two hits, limit 2" jq_out '(.hits | length) == 2 and .limit == 2'
S --format json -n 2 --offset 2 Blinken
check "--offset 2: ranks start at 3" jq_out '.offset == 2 and .hits[0].rank == 3'
S --format json --lang es Blinken
check "--lang es: only Spanish" ids_are 004_54082ad3b2e1e8f7.txt
S --format json 'lang:en' Blinken
check "lang:en: only English" jq_out '(.hits | length) >= 1 and all(.hits[]; .lang == "en")'
S --format json --since 2024-02-01 Blinken
check "--since 2024-02-01: only 002" ids_are 002_a3d27affe04262f3.txt
S --format json 'date:2024-01-01..2024-01-31' Blinken
check "date:2024-01-01..2024-01-31: only 000" ids_are 000_5076cc95327936f8.txt
S --format json --sort date Blinken
check "--sort date: newest first" jq_out \
  '.hits[0].id == "002_a3d27affe04262f3.txt" and .hits[1].id == "000_5076cc95327936f8.txt"'
S --format json --no-snippets Blinken
check "--no-snippets: empty snippets" jq_out 'all(.hits[]; .snippet == "")'
S --format json --snippet-chars 60 Blinken
check "--snippet-chars 60: short snippets" jq_out \
  'all(.hits[]; .snippet | gsub("</?mark>"; "") | length <= 62)'
S --format jsonl Blinken
check "--format jsonl: one JSON line" eval \
  '[ "$(wc -l <"$T/out")" -eq 1 ] && jq_out ".hits | length >= 1"'
S --format tsv BARCENA
check "--format tsv: 3 lines of 7 tab-separated fields" eval \
  '[ "$(wc -l <"$T/out")" -eq 3 ] && awk -F"\t" "NF != 7 { exit 1 }" "$T/out"'
S --format json zzzznothing
check "no match: exit 0, total 0, no hits" eval 'rc_is 0 && jq_out ".total == 0 and .hits == []"'
BILEX_DB=$DB run "$SEARCH" --format json --bridge off migracion
check "\$BILEX_DB is the default --db" eval 'rc_is 0 && jq_out ".hits | length == 1"'

echo "# text output and colour"
S --color never BARCENA
check "--color never: exit 0, no escape codes" eval 'rc_is 0 && no_escapes'
check "text output: rank, title, date, language, id, snippet, total" eval \
  'out_has "^1\. " && out_has "2024-01-19" && out_has "000_5076cc95327936f8.txt" && out_has "Bárcena" && out_has "of about 3"'
S --color always BARCENA
check "--color always: escape codes" eval 'rc_is 0 && has_escapes'
S BARCENA
check "--color auto, piped: no escape codes" eval 'rc_is 0 && no_escapes'
S --color always zzzznothing
check "no results: says so" eval 'rc_is 0 && out_has "No results"'
S --color never bordr
check "text: did you mean line" out_has "Did you mean: border"
S --color sometimes BARCENA
check "--color sometimes exits 2" rc_is 2

echo "# año is not ano"
mkdir -p "$T/ano"
printf 'El médico dijo que el ano es parte del aparato digestivo humano y que la consulta fue breve.\n' >"$T/ano/ano.txt"
printf 'El próximo año habrá elecciones presidenciales en México y en Estados Unidos, dijo el gobierno.\n' >"$T/ano/anio.txt"
run "$INDEX" --db "$T/db-ano" --json "$T/ano"
check "index the año/ano corpus" eval 'rc_is 0 && jq_out ".added == 2"'
run "$SEARCH" --db "$T/db-ano" --format json año
check "año finds only the año article" ids_are anio.txt
run "$SEARCH" --db "$T/db-ano" --format json ano
check "ano finds only the ano article" ids_are ano.txt
run "$SEARCH" --db "$T/db-ano" --format json AÑO
check "AÑO finds the año article" ids_are anio.txt

echo "# exit statuses"
run "$SEARCH" --db "$T/missing" --format json migracion
check "search on a missing index exits 3" eval 'rc_is 3 && [ -s "$T/err" ] && [ ! -s "$T/out" ]'
mkdir -p "$T/emptydir"
run "$SEARCH" --db "$T/emptydir" migracion
check "search on a directory that is no index exits 3" rc_is 3
S --bogus migracion
check "search with a bad option exits 2" rc_is 2
S 'lang:xx'
check "lang:xx exits 2 with a one-line error" eval 'rc_is 2 && [ "$(wc -l <"$T/err")" -eq 1 ] && [ ! -s "$T/out" ]'
S 'date:2024-99-01..'
check "date:2024-99-01.. exits 2" rc_is 2
S --since 2024-13-01 migracion
check "--since 2024-13-01 exits 2" rc_is 2
S
check "no query exits 2" rc_is 2
for q in '((' ')' '"unterminated' 'OR' 'NOT' '-' '*' 'title:' '' '-"x' 'a OR OR b'; do
  S --format json "$q"
  check "malformed query [$q]: exit 0 or 2, never a crash" eval 'rc_is 0 || rc_is 2'
done
python3 -c "print('(' * 60000 + 'border')" >"$T/deep.txt" 2>/dev/null ||
  printf '%060000d border\n' 0 | tr 0 '(' >"$T/deep.txt"
S --queries "$T/deep.txt"
check "60000 nested parentheses: no crash (stack overflow, SIGSEGV)" eval 'rc_is 0 || rc_is 2'
mkdir -p "$T/notindex"
echo "precious" >"$T/notindex/notes.txt"
run "$INDEX" --db "$T/notindex" --json "$T/corpus"
check "index into a directory holding other files exits 3" rc_is 3
check "... and leaves the files alone" eval '[ "$(cat "$T/notindex/notes.txt")" = precious ]'
check "... and adds no lock file to them" eval '[ "$(ls "$T/notindex")" = notes.txt ]'
run "$INDEX" --db "$T/notindex" --rebuild --json "$T/corpus"
check "--rebuild into a directory holding other files exits 3" rc_is 3
check "... and leaves the files alone" eval '[ "$(cat "$T/notindex/notes.txt")" = precious ]'
check "... and adds no lock file to them" eval '[ "$(ls "$T/notindex")" = notes.txt ]'

echo "# bad inputs"
mkdir -p "$T/bad/sub"
printf 'Border talks resume\n\nThe quokkaword delegations resumed talks on the border.\n' >"$T/bad/good.txt"
printf 'abc\0def\0ghi binary\n' >"$T/bad/binary.txt"
: >"$T/bad/empty.txt"
printf 'Caf\xe9 con leche y m\xe1s quokkalatin palabras en espa\xf1ol para el texto.\n' >"$T/bad/sub/latin1.txt"
{
  echo '{"id":"j1","title":"JSON one","lang":"en","body":"A jsonquokka record about the border."}'
  echo '{"id":"j2","body": unquoted}'
  echo '{"title":"no body"}'
  echo '{"id":"j4","date":"2024-01-19","body":"Otro registro jsonquokka sobre la frontera."}'
} >"$T/bad/news.jsonl"
run "$INDEX" --db "$T/db-bad" --json "$T/bad"
check "bad inputs: exit 1" rc_is 1
check "bad inputs: the good ones indexed (good, latin1 repaired, 2 JSON)" jq_out '.added == 4 and .docs == 4'
check "bad inputs: skipped counted" jq_out '.skipped == 4'
check "bad inputs: binary file named with a reason" jq_out \
  'any(.problems[]; (.source | endswith("binary.txt")) and (.reason | length) > 0)'
check "bad inputs: empty file named" jq_out 'any(.problems[]; .source | endswith("empty.txt"))'
check "bad inputs: malformed JSONL lines named with their numbers" jq_out \
  'any(.problems[]; .source | endswith("news.jsonl:2")) and any(.problems[]; .source | endswith("news.jsonl:3"))'
check "bad inputs: invalid UTF-8 repaired with a warning" jq_out \
  'any(.problems[]; (.source | endswith("latin1.txt")) and (.reason | test("UTF-8")))'
check "bad inputs: problems listed on stderr too" eval 'err_has binary.txt && err_has empty.txt'
run "$SEARCH" --db "$T/db-bad" --format json quokkaword
check "the good file is searchable" ids_are good.txt
run "$SEARCH" --db "$T/db-bad" --format json quokkalatin
check "the repaired file is searchable" ids_are sub/latin1.txt
run "$SEARCH" --db "$T/db-bad" --format json jsonquokka
check "JSONL records searchable under their ids" ids_are j1 j4
check "JSONL metadata kept" jq_out \
  '(.hits[] | select(.id == "j1") | .title == "JSON one" and .lang == "en") and (.hits[] | select(.id == "j4") | .date == "2024-01-19")'
run "$INDEX" --db "$T/db-bad" --json "$T/bad"
check "bad inputs, second run: still exit 1, nothing lost" eval \
  'rc_is 1 && jq_out ".docs == 4 and .removed == 0"'
mkdir -p "$T/badjson"
printf '{"id":"u1","body":"Caf\xe9 con utfquokka."}\n' >"$T/badjson/u.jsonl"
run "$INDEX" --db "$T/db-badjson" --json "$T/badjson"
run "$SEARCH" --db "$T/db-badjson" --format json utfquokka
check "a JSONL record with invalid UTF-8 is repaired, not dropped" ids_are u1
run "$INDEX" --db "$T/db-stdin" --json - <"$T/bad/news.jsonl"
check "JSON Lines on stdin (-)" eval 'rc_is 1 && jq_out ".added == 2"'

echo "# unreadable, oversized and odd entries; what was indexed stays"
mkdir -p "$T/odd/locked"
printf 'Keep me\n\nThe keepquokka article was indexed first.\n' >"$T/odd/keep.txt"
printf 'Inner\n\nThe innerquokka article sits in a directory.\n' >"$T/odd/locked/inner.txt"
run "$INDEX" --db "$T/db-odd" --json "$T/odd"
check "odd: first run indexes 2" eval 'rc_is 0 && jq_out ".added == 2"'
rm "$T/odd/keep.txt"
ln -s "$T/nowhere.txt" "$T/odd/keep.txt"
truncate -s 65M "$T/odd/big.txt"
mkfifo "$T/odd/fifo.txt"
printf 'Good\n\nThe goodquokka article is fine.\n' >"$T/odd/good.txt"
if [ "$(id -u)" -ne 0 ]; then
  printf 'Secret\n\nNot readable.\n' >"$T/odd/secret.txt"
  chmod 000 "$T/odd/secret.txt" "$T/odd/locked"
fi
run timeout 60 "$INDEX" --db "$T/db-odd" --json "$T/odd"
check "odd: exit 1" rc_is 1
check "odd: the good file added, nothing removed" jq_out '.added == 1 and .removed == 0 and .docs == 3'
check "odd: oversized file skipped, saying so" jq_out \
  'any(.problems[]; (.source | endswith("big.txt")) and (.reason | test("larger than 64 MiB")))'
check "odd: broken link skipped, saying so" jq_out \
  'any(.problems[]; (.source | endswith("keep.txt")) and (.reason | test("broken symbolic link")))'
check "odd: FIFO skipped, not read" jq_out \
  'any(.problems[]; (.source | endswith("fifo.txt")) and (.reason | test("not a regular file")))'
check "odd: one line per problem on stderr" eval 'err_has "big.txt: larger than" && err_has "fifo.txt: cannot read"'
run "$SEARCH" --db "$T/db-odd" --format json keepquokka OR innerquokka OR goodquokka
check "odd: the earlier documents are kept, the good one added" ids_are keep.txt locked/inner.txt good.txt
if [ "$(id -u)" -ne 0 ]; then
  run "$INDEX" --db "$T/db-odd" --json "$T/odd"
  check "odd: unreadable file and directory named" jq_out \
    'any(.problems[]; .source | endswith("secret.txt")) and any(.problems[]; .source | endswith("locked"))'
  chmod 755 "$T/odd/locked"
else
  echo "skip    - unreadable file and directory (root reads everything)"
fi

echo "# more input kinds"
mkdir -p "$T/kinds"
printf -- '---\ntitle: Markdown article\ndate: 2024-03-01\nlang: es\n---\n# Heading\n\nUn artículo mdquokka sobre la frontera.\n' >"$T/kinds/a.md"
printf 'not indexed: wrong extension gzquokka\n' >"$T/kinds/notes.csv"
echo '{"id":"gz1","body":"A gzquokka record, compressed with gzip."}' | gzip >"$T/kinds/g.jsonl.gz"
if command -v zstd >/dev/null; then
  echo '{"id":"zst1","body":"A zstquokka record, compressed with zstd."}' | zstd -q >"$T/kinds/z.jsonl.zst"
fi
run "$INDEX" --db "$T/db-kinds" --json -j 1 "$T/kinds"
check ".md, .jsonl.gz (and .jsonl.zst) indexed; other files ignored" eval \
  'rc_is 0 && jq_out ".added == $(ls "$T/kinds" | grep -vc csv) and .skipped == 0"'
run "$SEARCH" --db "$T/db-kinds" --format json mdquokka
check ".md front matter: title, date, lang" jq_out \
  '.hits[0].id == "a.md" and .hits[0].title == "Markdown article" and .hits[0].date == "2024-03-01" and .hits[0].lang == "es"'
run "$SEARCH" --db "$T/db-kinds" --format json gzquokka
check ".jsonl.gz record found, the .csv not" ids_are gz1
if command -v zstd >/dev/null; then
  run "$SEARCH" --db "$T/db-kinds" --format json zstquokka
  check ".jsonl.zst record found" ids_are zst1
fi
run "$INDEX" --db "$T/db-forced" --json --lang es "$T/ano"
run "$SEARCH" --db "$T/db-forced" --format json --lang es año
check "bilex-index --lang es forces the language" ids_are anio.txt
run "$INDEX" --db "$T/db-file" --json "$T/ano/ano.txt"
run "$SEARCH" --db "$T/db-file" --format json ano
check "a single file as PATH: its id is its name" ids_are ano.txt

echo "# unchanged JSON Lines files are not read again"
# A file keeps its records while its size and mtime are the same: proven
# by changing a word in place and restoring the mtime (the new word is not
# found until the mtime changes).
J=$T/jfiles
mkdir -p "$J"
printf '{"id":"j1","body":"The alphaquokka record."}\n{"id":"j2","body":"The betaquokka record."}\n' >"$J/a.jsonl"
printf 'Gammaquokka article.\n' >"$J/t.txt"
run "$INDEX" --db "$T/db-j" --json "$J"
check "JSON Lines and text indexed" rc_jq 0 '.added == 3'
run "$INDEX" --db "$T/db-j" --json "$J"
check "re-run: every article unchanged" rc_jq 0 '.unchanged == 3 and .added == 0 and .updated == 0'
cp -p "$J/a.jsonl" "$T/a.orig"
sed -i 's/betaquokka/zetaquokka/' "$J/a.jsonl"
touch -r "$T/a.orig" "$J/a.jsonl"
run "$INDEX" --db "$T/db-j" --json "$J"
check "same size and mtime: the file is not read" rc_jq 0 '.unchanged == 3 and .updated == 0'
run "$SEARCH" --db "$T/db-j" --format json zetaquokka
check "... so its new word is not found yet" jq_out '.total == 0'
touch "$J/a.jsonl"
run "$INDEX" --db "$T/db-j" --json "$J"
check "a new mtime: the file is read, the changed record updated" \
  rc_jq 0 '.updated == 1 and .unchanged == 2'
run "$SEARCH" --db "$T/db-j" --format json zetaquokka
check "... and its new word found" ids_are j2
rm "$J/t.txt"
run "$INDEX" --db "$T/db-j" --json "$J"
check "beside an unchanged file, a vanished text file is removed" \
  rc_jq 0 '.removed == 1 and .unchanged == 2'
run "$SEARCH" --db "$T/db-j" --format json alphaquokka
check "... and the unchanged file's articles kept" ids_are j1
mv "$J/a.jsonl" "$T/a.moved"
run "$INDEX" --db "$T/db-j" --json "$J"
check "a vanished JSON Lines file: its articles removed" rc_jq 0 '.removed == 2'
mv "$T/a.moved" "$J/a.jsonl"
run "$INDEX" --db "$T/db-j" --json "$J"
check "the same file back (same mtime): read again, its articles added" \
  rc_jq 0 '.added == 2'
printf '{"id":"k1","body":"The epsilonquokka record."}\nnot json\n' >"$J/bad.jsonl"
run "$INDEX" --db "$T/db-j" --json "$J"
check "a file with a bad line is indexed (exit 1)" rc_jq 1 '.added == 1 and .skipped == 1'
run "$INDEX" --db "$T/db-j" --json "$J"
check "... and read again next time, its problem reported again" \
  rc_jq 1 '.skipped == 1 and any(.problems[]; .source | test("bad.jsonl:2"))'

echo "# stored bodies"
# A shard's first 500 articles of a language train the dictionary its later
# ones are stored with; an update stores its articles with it too.
Z=$T/zdict
mkdir -p "$Z"
for i in $(seq 1 600); do
  printf '{"id":"z%s","lang":"en","body":"Article %s reports that the council met on day %s to discuss the budget, the roads and the schools of district %s; the mayor said the plan for ward %s would be ready soon."}\n' \
    "$i" "$i" "$i" "$i" "$i"
done >"$Z/many.jsonl"
printf '{"id":"z601","lang":"en","body":"The zdictquokka report: the council met again on the budget of the roads."}\n' \
  >"$Z/late.jsonl"
run "$INDEX" --db "$T/db-z" --json -j 1 "$Z/many.jsonl"
check "600 articles indexed" rc_jq 0 '.added == 600'
check "... and an English dictionary stored" \
  eval '[ "$(xapian-metadata list "$T/db-z" | grep -c "^bilex.zdict.en.0$")" -eq 1 ]'
run "$SEARCH" --db "$T/db-z" --format json -n 1 '"district 599"'
check "an article stored with the dictionary reads back whole" \
  jq_out '.hits[0].id == "z599" and (.hits[0].snippet | contains("<mark>district</mark> <mark>599</mark>"))'
run "$INDEX" --db "$T/db-z" --json "$Z/many.jsonl" "$Z/late.jsonl"
run "$SEARCH" --db "$T/db-z" --format json zdictquokka
check "an update's article (stored with it too) reads back" \
  jq_out '.hits[0].id == "z601" and (.hits[0].snippet | contains("<mark>zdictquokka</mark> report"))'

echo "# duplicate ids"
# Two sources of one id: the first in the order of the inputs keeps it, the
# later is reported and skipped, run after run (no article re-analyzed).
D=$T/dups
mkdir -p "$D/A" "$D/B"
printf 'Dup from A\n\nThe dupquokka article of root A.\n' >"$D/A/x.txt"
printf 'Dup from B\n\nThe dupquokka article of root B, longer.\n' >"$D/B/x.txt"
run "$INDEX" --db "$T/db-dup" --json "$D/A" "$D/B"
check "the same path in two roots: exit 1, the later one skipped" \
  rc_jq 1 '.added == 1 and .skipped == 1 and .docs == 1 and any(.problems[]; (.source | endswith("B/x.txt")) and (.reason | test("duplicate id")))'
run "$SEARCH" --db "$T/db-dup" --format json dupquokka
check "... the first root's article kept" jq_out '[.hits[].title] == ["Dup from A"]'
run "$INDEX" --db "$T/db-dup" --json "$D/A" "$D/B"
check "... and a re-run changes nothing (no flip-flop)" \
  rc_jq 1 '.unchanged == 1 and .updated == 0 and .added == 0 and .skipped == 1'
printf '{"id":"d1","title":"First d1","body":"The dupjsonquokka record, first."}\n{"id":"d2","body":"Another record."}\n' >"$D/a.jsonl"
printf '{"id":"d1","title":"Second d1","body":"The dupjsonquokka record, second."}\n' >"$D/b.jsonl"
run "$INDEX" --db "$T/db-dupj" --json "$D/a.jsonl" "$D/b.jsonl"
check "one id in two JSON Lines files: the later record skipped" \
  rc_jq 1 '.added == 2 and .skipped == 1 and any(.problems[]; (.source | endswith("b.jsonl:1")) and (.reason | test("duplicate id")))'
run "$INDEX" --db "$T/db-dupj" --json "$D/a.jsonl" "$D/b.jsonl"
check "... a re-run (the first file skipped unread) still keeps the first" \
  rc_jq 1 '.unchanged == 2 and .updated == 0 and .skipped == 1'
run "$SEARCH" --db "$T/db-dupj" --format json dupjsonquokka
check "... whose record is found" jq_out '[.hits[].title] == ["First d1"]'
run "$INDEX" --db "$T/db-dupj" --json "$D/b.jsonl" "$D/a.jsonl"
check "inputs in the other order: the now first file's record taken" \
  rc_jq 1 '.updated == 1 and .skipped == 1 and any(.problems[]; .source | endswith("a.jsonl:1"))'
run "$SEARCH" --db "$T/db-dupj" --format json dupjsonquokka
check "... and found" jq_out '[.hits[].title] == ["Second d1"]'
# An article moved, unchanged, from a file of one root to a file of
# another is kept (its old root no longer holds it).
mkdir -p "$D/R1" "$D/R2"
printf '{"id":"m1","body":"The movequokka article."}\n{"id":"m2","body":"Another one."}\n' >"$D/R2/a.jsonl"
printf '{"id":"m3","body":"A third one."}\n' >"$D/R1/b.jsonl"
run "$INDEX" --db "$T/db-move" --json "$D/R1" "$D/R2"
printf '{"id":"m2","body":"Another one."}\n' >"$D/R2/a.jsonl"
printf '{"id":"m3","body":"A third one."}\n{"id":"m1","body":"The movequokka article."}\n' >"$D/R1/b.jsonl"
run "$INDEX" --db "$T/db-move" --json "$D/R1" "$D/R2"
check "an unchanged article moved to another root's file is kept" \
  rc_jq 0 '.removed == 0 and .docs == 3'
run "$SEARCH" --db "$T/db-move" --format json movequokka
check "... and found" ids_are m1
# One file reached through two roots (a root and its subdirectory): the
# same summary run after run.
mkdir -p "$D/N/sub"
printf '{"id":"n1","body":"The nestedquokka record."}\n' >"$D/N/sub/n.jsonl"
run "$INDEX" --db "$T/db-nest" --json "$D/N" "$D/N/sub"
run "$INDEX" --db "$T/db-nest" --json "$D/N" "$D/N/sub"
cp "$T/out" "$T/nest2"
run "$INDEX" --db "$T/db-nest" --json "$D/N" "$D/N/sub"
check "a file under two roots: runs agree (no flip-flop)" \
  eval '[ "$(jq -c "{added,updated,removed,unchanged,skipped}" "$T/nest2")" = "$(jq -c "{added,updated,removed,unchanged,skipped}" "$T/out")" ] && jq -e ".updated == 0 and .docs == 1" "$T/out" >/dev/null'
printf '{"id":"e1","body":"The samefilequokka record, first."}\n{"id":"e1","body":"The samefilequokka record, again."}\n' >"$D/e.jsonl"
run "$INDEX" --db "$T/db-dupe" --json "$D/e.jsonl"
check "one id twice in one file: the second record skipped" \
  rc_jq 1 '.added == 1 and .skipped == 1 and any(.problems[]; .source | endswith("e.jsonl:2"))'

echo "# spelling dictionary"
# A fresh build (two shards) keeps words met in two or more documents; an
# update adds every word it meets.
printf '{"id":"s1","body":"The wombatfish swims."}\n{"id":"s2","body":"A wombatfish again, and one platypuz."}\n' \
  >"$T/spell.jsonl"
run "$INDEX" --db "$T/db-spell" -q -j 2 "$T/spell.jsonl"
suggests "$T/db-spell" wombatfsh '"wombatfish"' "did you mean: a word of two documents is suggested"
suggests "$T/db-spell" platyz 'null' "did you mean: a word of one document, two edits away, is not"
suggests "$T/db-spell" platypz '"platypuz"' "did you mean: ... one edit away is (among the index's words)"
printf '{"id":"s3","body":"The numbatbird sings."}\n' >"$T/spell2.jsonl"
run "$INDEX" --db "$T/db-spell" -q "$T/spell2.jsonl"
suggests "$T/db-spell" numbatbrd '"numbatbird"' "did you mean: an update adds the words it meets"

# Typed without its accents and one letter off, a word is one edit from its
# folded spelling: "bandonaon" is "bandoneón" (5 articles), not the
# "bandonaen" of 2 articles (one edit from it, two from "bandoneón").
for i in 1 2 3 4 5; do
  printf '{"id":"b%s","body":"Un bandoneón suena en la plaza %s."}\n' "$i" "$i"
done >"$T/accents.jsonl"
printf '{"id":"c1","body":"The bandonaen sound."}\n{"id":"c2","body":"A bandonaen again."}\n' \
  >>"$T/accents.jsonl"
run "$INDEX" --db "$T/db-acc" -q "$T/accents.jsonl"
suggests "$T/db-acc" bandonaon '"bandoneón"' "did you mean: an accented word found without its accents"
# A word the corpus has is corrected by one edit only: a rare name is not
# taken for a common word two edits away.
for i in $(seq 1 20); do
  printf '{"id":"w%s","body":"The wombatfish swims in pond %s."}\n' "$i" "$i"
done >"$T/rare.jsonl"
printf '{"id":"r1","body":"Wombatfizz is a name."}\n{"id":"r2","body":"Wombatfisj is a typo."}\n' \
  >>"$T/rare.jsonl"
run "$INDEX" --db "$T/db-rare" -q "$T/rare.jsonl"
suggests "$T/db-rare" wombatfisj '"wombatfish"' "did you mean: a rare word one edit from a common one is corrected"
suggests "$T/db-rare" wombatfizz 'null' "... one two edits away is not"

# The nearest spelling first, the most frequent among equals: "migracoin"
# is one transposition from "migración" (one article) and two edits from
# "migration" (three); "migraton" one edit from "migration" and "migrator".
for i in 1 2 3; do
  printf '{"id":"m%s","body":"Migration talks %s."}\n' "$i" "$i"
done >"$T/near.jsonl"
printf '{"id":"m4","lang":"es","body":"La migración sigue."}\n{"id":"m5","body":"A migrator."}\n' \
  >>"$T/near.jsonl"
run "$INDEX" --db "$T/db-near" -q "$T/near.jsonl"
suggests "$T/db-near" migracoin '"migración"' "did you mean: the nearest spelling, not the most frequent"
suggests "$T/db-near" migraton '"migration"' "... the most frequent among equals"
# A misspelling some articles hold, but fewer than one in a thousand, is
# corrected when a word one edit away is held by 20 times as many.
python3 - "$T/gov.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(4100):
        word = "goverment" if i < 4 else "government"
        f.write(json.dumps({"id": f"g{i}", "body": f"The {word} met on day {i}."}) + "\n")
PY
run "$INDEX" --db "$T/db-gov" -q "$T/gov.jsonl"
suggests "$T/db-gov" goverment '"government"' "did you mean: a misspelling of 4 articles in 4,100"

echo "# single writer"
# The holder takes flock(2) on the lock file, as bilex-index does, and
# becomes `sleep` (exec) so that killing $HOLDER releases the lock. It waits
# for the lock (-w), since the probe below takes it for an instant.
mkdir -p "$DB"
(exec 9>>"$DB/bilex.lock" && flock -w 10 9 && exec sleep 30) &
HOLDER=$!
for _ in $(seq 1 100); do
  flock -n "$DB/bilex.lock" true 2>/dev/null || break
  sleep 0.05
done
run "$INDEX" --db "$DB" --json "$T/corpus"
check "a second writer exits 3" rc_is 3
check "... saying the index is being updated by process N" err_has "being updated by process"
S --format json --bridge off migracion
check "searchers keep working while the index is locked" eval 'rc_is 0 && jq_out ".hits | length == 1"'
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
HOLDER=""
run "$INDEX" --db "$DB" --json "$T/corpus"
check "after the lock is released, indexing works again" eval 'rc_is 0 && jq_out ".unchanged == 5"'

echo "# incremental updates"
printf '\nA later paragraph mentions the zebraquokka initiative.\n' >>"$T/corpus/001_23b589e46890e87e.txt"
run "$INDEX" --db "$DB" --json "$T/corpus"
check "a changed file is updated" eval 'rc_is 0 && jq_out ".updated == 1 and .unchanged == 4 and .added == 0 and .docs == 5"'
S --format json zebraquokka
check "the changed text is searchable" ids_are 001_23b589e46890e87e.txt
touch -d '2001-01-01' "$T/corpus/002_a3d27affe04262f3.txt"
run "$INDEX" --db "$DB" --json "$T/corpus"
check "a touched but unchanged file is not re-indexed" eval 'rc_is 0 && jq_out ".updated == 0 and .unchanged == 5"'
rm "$T/corpus/003_a7f6052367893f48.txt"
run "$INDEX" --db "$DB" --json "$T/corpus"
check "a removed file's document is removed" eval 'rc_is 0 && jq_out ".removed == 1 and .docs == 4 and .unchanged == 4"'
S --format json USA
check "... and no longer found" eval '! has_id 003_a7f6052367893f48.txt'
run "$INDEX" --db "$DB" --json --rebuild "$T/corpus"
check "--rebuild: exit 0, all documents added afresh" eval 'rc_is 0 && jq_out ".added == 4 and .docs == 4"'
S --format json BARCENA
check "after --rebuild: still searchable" eval 'rc_is 0 && jq_out ".hits | length == 3"'

echo "# crash safety"
cp -r "$CORPUS" "$T/crash"
run "$INDEX" --db "$T/db-crash" --json "$T/crash"
for i in $(seq 1 1500); do
  printf 'Generated article %d\n\nBody of generated article number %d about the border and crashquokka.\n' "$i" "$i" >"$T/crash/gen$i.txt"
done
"$INDEX" --db "$T/db-crash" -q -j 1 "$T/crash" >/dev/null 2>&1 &
victim=$!
sleep 0.05
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
run "$SEARCH" --db "$T/db-crash" --format json migracion
check "after kill -9 of an update: the index is searchable" eval 'rc_is 0 && jq_out ".hits[0].id == \"004_54082ad3b2e1e8f7.txt\""'
run "$INDEX" --db "$T/db-crash" --json "$T/crash"
check "after kill -9: the next run completes the work" eval 'rc_is 0 && jq_out ".docs == 1505 and .skipped == 0"'
run "$SEARCH" --db "$T/db-crash" --format json -n 2000 --no-snippets crashquokka
check "... and every article is found" jq_out '(.hits | length) == 1500'

echo "# batch mode and bench"
printf 'migracion\n\nBARCENA\n"causas fundamentales"\n' >"$T/queries.txt"
S --queries "$T/queries.txt" --bridge off
check "--queries: exit 0" rc_is 0
check "--queries: one JSON line per query" eval '[ "$(wc -l <"$T/out")" -eq 3 ]'
check "--queries: in order, with hits" eval \
  '[ "$(jq -r .query "$T/out" | tr "\n" "|")" = "migracion|BARCENA|\"causas fundamentales\"|" ] && [ "$(jq -s "map(.hits | length) | add" "$T/out")" -eq 5 ]'
check "--queries: snippets by default" eval \
  'jq -s -e "map(select(.query == \"BARCENA\")) | .[0].hits | length == 3 and all(.[]; .snippet | contains(\"<mark>\"))" "$T/out" >/dev/null'
S --queries - --no-snippets <"$T/queries.txt"
check "--queries - reads stdin; --no-snippets empties snippets" eval \
  'rc_is 0 && [ "$(wc -l <"$T/out")" -eq 3 ] && [ "$(jq -s "[.[].hits[].snippet] | unique" -c "$T/out")" = "[\"\"]" ]'
printf 'migracion\nlang:xx\n' >"$T/queries-bad.txt"
S --queries "$T/queries-bad.txt"
check "--queries with a bad query: an error line, exit 2" eval \
  'rc_is 2 && [ "$(wc -l <"$T/out")" -eq 2 ] && [ "$(sed -n 2p "$T/out" | jq -r "has(\"error\")")" = true ]'
S --queries "$T/no-such-file"
check "--queries on a missing file exits 2" rc_is 2
S --queries "$T/queries.txt" --bench --repeat 3
check "--bench: exit 0, one JSON object" eval 'rc_is 0 && [ "$(wc -l <"$T/out")" -eq 1 ]'
check "--bench: queries, p50_ms, p95_ms, p99_ms, mean_ms, qps" jq_out \
  'all(.queries, .p50_ms, .p95_ms, .p99_ms, .mean_ms, .qps; type == "number") and .p50_ms <= .p95_ms and .p95_ms <= .p99_ms and .qps > 0'
S --bench migracion
check "--bench without --queries exits 2" rc_is 2
printf 'border\nmigracion\n' >"$T/rateq.txt"
run "$SEARCH" --db "$DB" --queries "$T/rateq.txt" --bench --rate 200 --duration 0.5 --threads 2
check "--bench --rate: an open-loop run of rate x duration queries" eval \
  'rc_is 0 && jq_out ".queries == 100 and .rate_qps == 200 and .errors == 0 and .p99_ms > 0 and (.late_queries | type) == \"number\""'
run "$SEARCH" --db "$DB" --queries "$T/rateq.txt" --bench --rate -5
check "--bench --rate -5 exits 2" rc_is 2

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
