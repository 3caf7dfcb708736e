#!/bin/sh
# Every ledger entry kind the server can write has a Swedish and an English
# text (web/i18n/*.json "kind.<kind>"), so the Säkerhetslogg never shows a raw
# code. The kinds come from the C sources through tests/sh/ledger_kinds.py,
# which also fails on a writer whose kind it cannot read.
HERE=$(dirname "$0")
. "$HERE/lib.sh"
need_prog python3
setup_tmp
K="$HERE/ledger_kinds.py"

run python3 "$K" src
check "the kinds are read from the sources without problems" [ "$RC" -eq 0 ]
# one kind from each kind of source: a literal, copy.c's acts[], plan_measures.c's
# change_cmd, an assignment in incident.c, a ternary in records.c, the store
for k in copy.created copy.returned plan.measure.completed incident.closed \
	distributor.approved system.approved ledger.tail.accepted auth.login.failed; do
	check "kind $k is found" grep -qx "$k" "$T/out"
done
n=$(wc -l <"$T/out")
check "at least 90 kinds are found ($n)" [ "$n" -ge 90 ]

run python3 "$K" src web/i18n
check "every kind has a Swedish and an English text" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || diag "$(cat "$T/out")"

# bad input: a kind without text, and a writer whose kind the script cannot read
mkdir -p "$T/src/model" "$T/i18n"
printf '{"kind.thing.made": "Sak gjord"}\n' >"$T/i18n/sv.json"
printf '{"kind.thing.made": "Thing made"}\n' >"$T/i18n/en.json"
cat >"$T/src/model/x.c" <<'C'
static int f(struct store_tx *tx) { return model_tx_log(tx, 1, "thing.made", "thing", 1, NULL); }
static int g(struct store_tx *tx) { return model_tx_log(tx, 1, "thing.unmade", "thing", 1, NULL); }
C
run python3 "$K" "$T/src" "$T/i18n"
check "a kind without text fails" [ "$RC" -ne 0 ]
check "and is named, in both languages" sh -c "grep -q '^sv: no text for kind thing.unmade' '$T/out' && grep -q '^en: no text for kind thing.unmade' '$T/out' && ! grep -q 'thing.made ' '$T/out'"
cat >"$T/src/model/x.c" <<'C'
static int f(struct store_tx *tx, const char *k) { return store_tx_append(tx, 1, k, "thing/1", NULL, NULL); }
C
run python3 "$K" "$T/src"
check "a writer with an unknown kind variable fails" [ "$RC" -ne 0 ]
check "and says where" grep -q "x.c: store_tx_append(...) writes kind 'k'" "$T/err"
finish
