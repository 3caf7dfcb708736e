#!/bin/sh
# sk_time_stockholm (util/time.c) against two other implementations of
# Europe/Stockholm: Python's zoneinfo over 1970–2100 (random instants and
# every transition ±1 s) and GNU date on the issue's example and both of
# 2026's edges. The instants go through build/rel/tests/test_time --print.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
need_prog python3 date
need_file "$BUILD/tests/test_time"
setup_tmp

# instants: seeded random ones, and each change of offset with its neighbours
python3 - >"$T/in" <<'PY'
import datetime, random, zoneinfo
z = zoneinfo.ZoneInfo("Europe/Stockholm")
rnd = random.Random(15)
out = [0, 4102444799] + [rnd.randrange(0, 4102444800) for _ in range(20000)]
prev = None
for h in range(0, 4102444800, 3600):
    off = datetime.datetime.fromtimestamp(h, z).utcoffset()
    if prev is not None and off != prev:
        out += [h - 3601, h - 1, h, h + 1]
    prev = off
print("\n".join(str(s) for s in out))
PY
"$BUILD/tests/test_time" --print <"$T/in" >"$T/ours"
python3 - "$T/ours" >"$T/diff" <<'PY'
import datetime, sys, zoneinfo
z = zoneinfo.ZoneInfo("Europe/Stockholm")
n = bad = 0
for line in open(sys.argv[1]):
    s, ours = line.rstrip("\n").split(" ", 1)
    want = datetime.datetime.fromtimestamp(int(s), z).isoformat(" ")
    n += 1
    if ours != want:
        bad += 1
        if bad <= 5:
            print(f"@{s}: ours {ours}, zoneinfo {want}")
print(f"{n} {bad}")
PY
last=$(tail -n 1 "$T/diff")
n=${last% *}
bad=${last#* }
if [ "$bad" -eq 0 ] && [ "$n" -gt 20000 ]; then
	ok "$n instants 1970–2100 equal Python's zoneinfo"
else
	not_ok "$bad of $n instants differ from Python's zoneinfo"
	diag "$(cat "$T/diff")"
fi

for s in 1796591703 1774745999 1774746000 1792889999 1792890000; do
	want=$(TZ=Europe/Stockholm date -d "@$s" '+%F %T%:z')
	got=$(echo "$s" | "$BUILD/tests/test_time" --print)
	check "@$s is $want as GNU date says" [ "$got" = "$s $want" ]
done
finish
