#!/bin/sh
# Every error reason the server can send (the "reason" of an API error) has a
# Swedish and an English text (web/i18n/*.json "err.<reason>"), so the web UI
# never falls back to the server's English message. The reasons come from the
# C sources through tests/sh/error_reasons.py, which also fails on a reason it
# cannot read (a variable it does not know, a code that is not dotted).
HERE=$(dirname "$0")
. "$HERE/lib.sh"
need_prog python3
setup_tmp
R="$HERE/error_reasons.py"

run python3 "$R" src
check "the reasons are read from the sources without problems" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || diag "$(cat "$T/err")"
# one reason from each kind of source: the router's field table, its own
# checks, the server's 413, a ternary of two literals
for r in field.required field.unknown field.too_long field.too_short body.json \
	body.too_large access.role; do
	check "reason $r is found" grep -qx "$r" "$T/out"
done

run python3 "$R" src web/i18n
check "every reason has a Swedish and an English text" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || diag "$(cat "$T/out")"

# bad input: a reason without text, one without its English text, a reason
# that is a variable, a reason that is not a dotted code
mkdir -p "$T/src/model" "$T/i18n"
printf '{"err.thing.made": "Saken finns redan"}\n' >"$T/i18n/sv.json"
printf '{}\n' >"$T/i18n/en.json"
cat >"$T/src/model/thing.c" <<'C'
static int make(struct store_tx *tx, int n)
{
	if (n > 1)
		return store_tx_failr(tx, SK_ERULE, "n", "thing.made", json_pack("{s:i}", "n", n),
		                      "thing %d, (made)", n);
	return model_fail(err, SK_EINVAL, "name", n ? "thing.lost" : "thing.made", NULL, "no");
}
C
run python3 "$R" "$T/src" "$T/i18n"
check "a reason without text fails the check" [ "$RC" -eq 1 ]
check "... naming the reason and the language" grep -q 'err.thing.lost has no sv text' "$T/out"
check "... and the missing English one" grep -q 'err.thing.made has no en text' "$T/out"
cat >"$T/src/model/other.c" <<'C'
static int other(struct store_tx *tx, const char *why)
{
	store_tx_failr(tx, SK_ERULE, NULL, why, NULL, "no");
	return api_errorr(c, 400, "invalid_field", "x", "Not a code", NULL, "no");
}
C
run python3 "$R" "$T/src"
check "a reason passed as an unknown variable fails the scan" [ "$RC" -eq 1 ]
check "... naming the place" grep -q "other.c:3: store_tx_failr's reason why is not a literal" "$T/err"
check "a reason that is not a dotted code fails the scan" grep -q 'reason "Not a code" is not a dotted code' "$T/err"

# The receiver's refusal reasons (src/seclog/parse.c, seclog_perr_name) are shown on
# Säkerhetsloggar as sl.perr.<name>: each has its Swedish and English text.
sed -n 's/^ *\[SECLOG_[A-Z0-9_]*\] = {"\([a-z0-9_]*\)",.*/\1/p' src/seclog/parse.c >"$T/perr"
check "the refusal reasons are read from parse.c" [ "$(wc -l <"$T/perr")" -ge 30 ]
check "... store_too_big among them" grep -qx store_too_big "$T/perr"
for lang in sv en; do
	missing=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(n for n in open(sys.argv[2]).read().split() if n != "ok" and "sl.perr." + n not in d))' \
		"web/i18n/$lang-seclog.json" "$T/perr")
	check "every refusal reason has its $lang text (sl.perr.*)${missing:+: missing $missing}" [ -z "$missing" ]
done
finish
