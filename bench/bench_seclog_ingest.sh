#!/bin/sh
# Durable ingest of security logs from the network, beside rsyslog on the
# same machine (issue 14, "Measure"). The same client (tests/tools/relpload,
# RFC 5424 messages of SIZE bytes, CONNS connections, WINDOW unacknowledged
# messages each) sends to:
#   (a) our receiver over RELP: "rsp 200" only after seclog_append committed
#       (SQLite WAL, synchronous=FULL, fsync) -- tests/tools/seclogrecv;
#   (b) our receiver over syslog/TLS (RFC 5425, a client certificate): no
#       acknowledgement in the protocol, so the time runs until seclog.db
#       holds every message;
#   (c) rsyslog (rsyslogd -n with its own configuration in a temporary
#       directory): imrelp -> a ruleset with a disk queue,
#       queue.syncqueuefiles="on" -> omfile. imrelp acknowledges a message
#       once it is enqueued, and enqueueing into a disk queue writes and
#       fsyncs the queue file: rsyslog acknowledges only what is on disk,
#       the same promise as (a).
#   (d) for scale, rsyslog with its default in-memory queue: it
#       acknowledges before anything is on disk (no durability), the
#       baseline of seclog_ingest_relp_vs_nosync.
# Prints "bench NAME VALUE UNIT baseline VALUE ratio R" lines (bench/run):
# the baseline of (a) and (b) is (c). Sizes: SKYDD_BENCH_INGEST_N (ours and
# (d), default 200000), SKYDD_BENCH_INGEST_RSYSLOG_SECS (how long (c) sends,
# default 3: it fsyncs every message, so a count would take minutes on a
# busy disk), _CONNS (4), _WINDOW (1024), _SIZE (200), _RSYSLOG_WINDOW (the
# window of (c), default 64: rsyslog fsyncs one message at a time under its
# queue's lock, so a bigger window does not raise its rate, it only makes
# the answers to what is in flight at the end take 4 x 1024 fsyncs).
# Goal: ratio >= 1 and >= 100,000 messages/s over RELP.
set -u
BUILD=${BUILD:-build/rel}
# free_port (rsyslog cannot be given port 0 here) and wait_port, as the shell tests have them;
# make bench runs from the repository's root
# shellcheck source=tests/sh/lib.sh
. tests/sh/lib.sh
NAME=bench_seclog_ingest
N=${SKYDD_BENCH_INGEST_N:-200000}
RSECS=${SKYDD_BENCH_INGEST_RSYSLOG_SECS:-3}
RWINDOW=${SKYDD_BENCH_INGEST_RSYSLOG_WINDOW:-64}
CONNS=${SKYDD_BENCH_INGEST_CONNS:-4}
WINDOW=${SKYDD_BENCH_INGEST_WINDOW:-1024}
SIZE=${SKYDD_BENCH_INGEST_SIZE:-200}
SKYDD=$BUILD/skydd
RELPLOAD=$BUILD/tools/relpload
RECV=$BUILD/tools/seclogrecv
GOAL=100000

die() {
	echo "$NAME: $*" >&2
	exit 1
}

for f in "$SKYDD" "$RELPLOAD"; do
	[ -x "$f" ] || die "$f is missing (make bench builds it)"
done
command -v rsyslogd >/dev/null 2>&1 || die "rsyslogd is not installed (script/bootstrap)"
[ -f /usr/lib/x86_64-linux-gnu/rsyslog/imrelp.so ] || [ -n "$(find /usr/lib -name imrelp.so 2>/dev/null | head -n 1)" ] ||
	die "rsyslog's imrelp is not installed (rsyslog-relp)"

T=$(mktemp -d "${TMPDIR:-/tmp}/skydd-bench-ingest.XXXXXX") || exit 1
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# field KEY FILE: the value of KEY=VALUE on relpload's result line.
field() {
	sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" "$2" | tail -n 1
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "0.000" }'
}

report() { # name value unit base
	r=$(ratio "$2" "$4")
	printf 'bench %s %s %s baseline %s ratio %s\n' "$1" "$2" "$3" "$4" "$r"
}

echo "$NAME: load average before: $(cat /proc/loadavg 2>/dev/null)"
echo "$NAME: $CONNS connections, window $WINDOW, $SIZE-byte RFC 5424 messages;" \
	"ours $N messages, rsyslog durable for $RSECS s"

# --- (c) rsyslog, durable: imrelp -> disk queue synced -> omfile
rsyslog_run() { # tag durable(1|0) relpload's options for the amount
	d=$T/rsyslog-$1
	mkdir -p "$d/work"
	port=$(free_port)
	if [ "$2" = 1 ]; then
		queue='queue.type="Disk" queue.filename="ingest" queue.syncqueuefiles="on"
        queue.maxdiskspace="4g" queue.maxfilesize="256m"'
	else
		queue=''
	fi
	cat >"$d/rsyslog.conf" <<EOF
global(workDirectory="$d/work")
module(load="imrelp")
input(type="imrelp" port="$port" address="127.0.0.1" ruleset="ingest")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="ingest" $queue) {
  action(type="omfile" file="$d/out.log" template="raw")
}
EOF
	rsyslogd -n -f "$d/rsyslog.conf" -i "$d/pid" >"$d/rsyslogd.out" 2>&1 &
	rpid=$!
	PIDS="$PIDS $rpid"
	wait_port "$port" || die "rsyslogd did not listen: $(head -c 300 "$d/rsyslogd.out")"
	# shellcheck disable=SC2086
	"$RELPLOAD" -w "$WINDOW" $3 -c "$CONNS" -s "$SIZE" -r "rs$1" "127.0.0.1:$port" \
		>"$d/load.out" 2>"$d/load.err" || die "relpload to rsyslog: $(cat "$d/load.err")"
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	cat "$d/load.out" | sed "s/^/$NAME: rsyslog $1: /"
}
rsyslog_run durable 1 "-n 1000000000 -d $RSECS -w $RWINDOW"
rs_rate=$(field msgs_per_s "$T/rsyslog-durable/load.out")
rs_mb=$(field mb_per_s "$T/rsyslog-durable/load.out")
rsyslog_run memory 0 "-n $N"
rsm_rate=$(field msgs_per_s "$T/rsyslog-memory/load.out")

# --- (a) and (b): our receiver
if [ ! -x "$RECV" ]; then
	echo "$NAME: $RECV is missing: only rsyslog measured" >&2
	report seclog_ingest_rsyslog_durable "$rs_rate" msg/s "$rs_rate"
	report seclog_ingest_rsyslog_memory "$rsm_rate" msg/s "$rs_rate"
	exit 1
fi
I=$T/inst
"$SKYDD" init --data "$I" --origin "bench.example/ledger" >/dev/null 2>"$T/init.err" ||
	die "skydd init: $(cat "$T/init.err")"

# TLS material: a CA, the server's certificate, the client's certificate.
mkcerts() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=bench CA" -keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1 || return 1
	for who in server client; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=$who" -addext "subjectAltName=IP:127.0.0.1" \
			-keyout "$T/$who.key" -out "$T/$who.csr" >/dev/null 2>&1 &&
			openssl x509 -req -in "$T/$who.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
				-CAcreateserial -days 2 -copy_extensions copy -out "$T/$who.pem" \
				>/dev/null 2>&1 || return 1
	done
}
mkcerts || die "openssl could not make the test certificates"
fp=$(openssl x509 -in "$T/client.pem" -outform DER | sha256sum | cut -c1-64)

# Two sources: relpload over RELP from loopback, and over TLS by its certificate.
printf '1 1 10 relp 127.0.0.1 %s\n2 1 10 tls %s %s\n' "$CONNS" "$fp" "$CONNS" >"$T/sources"
"$RECV" "$I" "$T/sources" --relp 127.0.0.1:0 --tls 127.0.0.1:0 --cert "$T/server.pem" \
	--key "$T/server.key" >"$T/recv.out" 2>"$T/recv.err" &
recv_pid=$!
PIDS="$PIDS $recv_pid"
i=0
while ! grep -q '^ready' "$T/recv.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] && kill -0 "$recv_pid" 2>/dev/null ||
		die "seclogrecv did not start: $(head -c 300 "$T/recv.err")"
	sleep 0.1
done
relp_port=$(sed -n 's/^ready.* relp=\([0-9]*\).*/\1/p' "$T/recv.out")
tls_port=$(sed -n 's/^ready.* tls=\([0-9]*\).*/\1/p' "$T/recv.out")

"$RELPLOAD" -n "$N" -c "$CONNS" -w "$WINDOW" -s "$SIZE" -r ours "127.0.0.1:$relp_port" \
	>"$T/relp.out" 2>"$T/relp.err" || die "relpload to seclogrecv: $(cat "$T/relp.err")"
sed "s/^/$NAME: ours, RELP: /" "$T/relp.out"
relp_rate=$(field msgs_per_s "$T/relp.out")
relp_mb=$(field mb_per_s "$T/relp.out")

# (b) TLS: time from the first byte until seclog.db holds all of them.
before=$(sqlite3 "$I/seclog.db" 'SELECT count(*) FROM msg' 2>/dev/null || echo 0)
want=$((before + N))
t0=$(date +%s.%N)
"$RELPLOAD" --syslog-tls --cert "$T/client.pem" --key "$T/client.key" --ca "$T/ca.pem" \
	-n "$N" -c "$CONNS" -s "$SIZE" -r tls "127.0.0.1:$tls_port" >"$T/tls.out" 2>"$T/tls.err" ||
	die "relpload --syslog-tls: $(cat "$T/tls.err")"
i=0
while :; do
	have=$(sqlite3 "$I/seclog.db" 'SELECT count(*) FROM msg' 2>/dev/null || echo 0)
	[ "$have" -ge "$want" ] && break
	i=$((i + 1))
	[ $i -lt 1200 ] || die "seclog.db holds $have of $want messages after 60 s of TLS"
	sleep 0.05
done
t1=$(date +%s.%N)
tls_rate=$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
tls_mb=$(awk -v n="$N" -v s="$SIZE" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", n * s / (b - a) / 1e6 }')
echo "$NAME: ours, syslog/TLS: $N messages stored in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"

kill "$recv_pid" 2>/dev/null
wait "$recv_pid" 2>/dev/null
echo "$NAME: load average after: $(cat /proc/loadavg 2>/dev/null)"
echo "$NAME: RELP $relp_rate msg/s, goal $GOAL: $(awk -v a="$relp_rate" -v g="$GOAL" 'BEGIN { print (a >= g) ? "met" : "NOT met" }')"
echo "$NAME: rsyslog without durability (memory queue): $rsm_rate msg/s, for scale"
report seclog_ingest_relp "$relp_rate" msg/s "$rs_rate"
report seclog_ingest_relp_mb "$relp_mb" MB/s "$rs_mb"
report seclog_ingest_tls "$tls_rate" msg/s "$rs_rate"
report seclog_ingest_tls_mb "$tls_mb" MB/s "$rs_mb"
# ours, durable, against rsyslog acknowledging from memory: how much durability costs us
report seclog_ingest_relp_vs_nosync "$relp_rate" msg/s "$rsm_rate"
