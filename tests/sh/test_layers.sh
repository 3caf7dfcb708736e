#!/bin/sh
# The layers of docs/architecture.md hold: dependencies point downward only
# (cli, http → rules, model → store → ledger → util). Read from the sources
# (#include lines) and from the built objects (the symbols each layer's
# objects call and define), so a call up through a declaration copied by hand
# is caught too. The last checks feed the checker a made-up tree that breaks
# each rule, so that it is seen to fail.
HERE=$(dirname "$0")
# shellcheck source=tests/sh/lib.sh
. "$HERE/lib.sh"
need_prog nm grep sed
setup_tmp
OBJ=$BUILD/src

# includes DIR PATTERN: the #include lines of DIR's sources matching PATTERN
includes() {
	grep -rHnE "^#include \"($2)" "$1" --include='*.c' --include='*.h' 2>/dev/null
}

# objects SRCDIR OBJDIR: the objects built from SRCDIR's sources (not a stale
# object of a file since removed)
objects() {
	for _c in "$1"/*.c; do
		[ -f "$_c" ] || continue
		_o="$2/$(basename "$_c" .c).o"
		[ -f "$_o" ] && echo "$_o"
	done
}

# undefined SRCDIR OBJDIR PREFIXES: the symbols the objects call, named PREFIX*
undefined() {
	for _o in $(objects "$1" "$2"); do
		nm -u "$_o" | sed -n "s/^ *U \\(\\($3\\)[a-z0-9_]*\\)\$/$(basename "$_o"): \\1/p"
	done
}

# defined SRCDIR OBJDIR PREFIXES: the functions the objects define, named PREFIX*
defined() {
	for _o in $(objects "$1" "$2"); do
		nm --defined-only "$_o" |
			sed -n "s/^[0-9a-f]* T \\(\\($3\\)[a-z0-9_]*\\)\$/$(basename "$_o"): \\1/p"
	done
}

# layer_checks SRC OBJ: every rule, over sources SRC and objects OBJ
layer_checks() {
	_src=$1
	_obj=$2
	includes "$_src/model" 'rules/|http/|cli/' >"$T/hits"
	check "model/ includes nothing of rules/, http/ or cli/" [ ! -s "$T/hits" ]
	[ -s "$T/hits" ] && diag "$(cat "$T/hits")"
	undefined "$_src/model" "$_obj/model" 'rules_\|api_\|http_\|cli_' >"$T/hits"
	check "model/ calls nothing of rules/, http/ or cli/" [ ! -s "$T/hits" ]
	[ -s "$T/hits" ] && diag "$(cat "$T/hits")"
	defined "$_src/rules" "$_obj/rules" 'model_' >"$T/hits"
	check "rules/ defines no model_ function (each layer registers its own)" [ ! -s "$T/hits" ]
	[ -s "$T/hits" ] && diag "$(cat "$T/hits")"
	includes "$_src/store" 'model/|rules/|http/|cli/' >"$T/hits"
	check "store/ includes nothing of model/, rules/, http/ or cli/" [ ! -s "$T/hits" ]
	[ -s "$T/hits" ] && diag "$(cat "$T/hits")"
	includes "$_src/rules" 'model/[a-z_]*_int\.h' >"$T/hits"
	check "rules/ includes no model internals (model/*_int.h)" [ ! -s "$T/hits" ]
	[ -s "$T/hits" ] && diag "$(cat "$T/hits")"
}

need_file "$BUILD/skydd"
layer_checks src "$OBJ"

# ---- bad input: a tree that breaks every rule makes every check fail ----
mkdir -p "$T/bad/src/model" "$T/bad/src/rules" "$T/bad/src/store" "$T/bad/obj/model" \
	"$T/bad/obj/rules"
printf '#include "rules/rules.h"\n' >"$T/bad/src/model/a.c"
printf '#include "model/model.h"\n' >"$T/bad/src/store/a.c"
printf '#include "model/access_int.h"\n' >"$T/bad/src/rules/a.c"
printf 'int rules_current(void);\nint f(void) { return rules_current(); }\n' >"$T/bad/src/model/m.c"
printf 'void model_register_rules(void) {}\n' >"$T/bad/src/rules/r.c"
if cc -c -o "$T/bad/obj/model/m.o" "$T/bad/src/model/m.c" &&
	cc -c -o "$T/bad/obj/rules/r.o" "$T/bad/src/rules/r.c"; then
	P0=$PASSED
	F0=$FAILED
	layer_checks "$T/bad/src" "$T/bad/obj" >"$T/bad.out"
	PASSED=$P0
	FAILED=$F0
	n=$(grep -c '^not ok' "$T/bad.out")
	check "a tree that breaks the 5 rules fails 5 checks ($n)" [ "$n" -eq 5 ]
	[ "$n" -eq 5 ] || diag "$(cat "$T/bad.out")"
else
	not_ok "cannot compile the bad tree's objects"
fi
finish
