#!/bin/sh
# The seclog receiver (src/seclog/recv.c) with real peers, through the
# seclogrecv runner and a static source list:
#  - rsyslog (its own config in $T, never the system one) forwarding over
#    RELP (omrelp), over syslog/TLS (omfwd, gtls driver, a client
#    certificate made here with openssl) and over RELP/TLS (omrelp tls);
#  - logger (util-linux) sending RFC 5424 octet-counted to the clear TCP
#    listener;
#  - every message arrives (decoded back from seclog.db), the log verifies;
#  - refusals, each refused AND counted with nothing stored: an unknown
#    address, a certificate bound to no source, no client certificate, an
#    oversized frame (TCP: connection dropped; RELP: "rsp 500", the session
#    goes on), invalid UTF-8 after a BOM, too many connections of a source.
# RECV_WRAP (e.g. "valgrind --leak-check=full --error-exitcode=9") runs the
# receiver under a checker.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
RECV=$BUILD/tools/seclogrecv
LOAD=$BUILD/tools/seclogload
need_file "$SKYDD" "$RECV" "$LOAD"
need_prog rsyslogd logger openssl python3 sha256sum timeout awk grep sed tr cut
setup_tmp
I=$T/inst
RPID=
SPID=

cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

if ! new_instance "$I"; then
	not_ok "setting up the instance"
	finish
fi

# ---- certificates: the server's, a bound client's, a stray one ----
for n in srv cli stray; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$T/$n.key" -out "$T/$n.crt" -subj "/CN=$n.skydd.test" \
		-addext "subjectAltName=IP:127.0.0.1" 2>"$T/ssl.err" || {
		not_ok "openssl could not make the $n certificate"
		diag "$(cat "$T/ssl.err")"
		finish
	}
done
FP=$(openssl x509 -in "$T/cli.crt" -outform DER | sha256sum | cut -d' ' -f1)
# and one whose validity ended in 2020, pinned to source 4: refused all the same
mkdir -p "$T/ca/newcerts" && : >"$T/ca/index.txt" && echo 01 >"$T/ca/serial"
cat >"$T/ca.cnf" <<EOF
[ ca ]
default_ca = d
[ d ]
dir = $T/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = p
[ p ]
commonName = supplied
EOF
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=old.skydd.test \
	-keyout "$T/old.key" -out "$T/old.csr" 2>"$T/ssl.err" &&
	openssl ca -batch -config "$T/ca.cnf" -selfsign -keyfile "$T/old.key" -in "$T/old.csr" \
		-startdate 20200101000000Z -enddate 20200102000000Z -out "$T/old.crt" >>"$T/ssl.err" 2>&1 || {
	not_ok "openssl could not make the expired certificate"
	diag "$(tail -n 5 "$T/ssl.err")"
	finish
}
FP_OLD=$(openssl x509 -in "$T/old.crt" -outform DER | sha256sum | cut -d' ' -f1)

# Source 1: clear RELP and TCP from 127.0.0.1 (32 connections: logger opens one per
# message, and a burst of them can arrive within one commit).
# Source 2: TLS and RELP/TLS with the client certificate.
# Source 3: clear TCP from 127.0.0.3, three connections at most.
cat >"$T/sources" <<EOF
1 101 10 relp,tcp 127.0.0.1 32
2 102 25 tls,relp-tls $FP
3 103 10 tcp 127.0.0.3 3
4 104 10 tls $FP_OLD
EOF

recv_start 150 --tls 127.0.0.1:0 --relp 127.0.0.1:0 --relp-tls 127.0.0.1:0 \
	--tcp 127.0.0.1:0 --cert "$T/srv.crt" --key "$T/srv.key" --max-msg 2048
P_TLS=$(recv_port tls)
P_RELP=$(recv_port relp)
P_RELPTLS=$(recv_port relp-tls)
P_TCP=$(recv_port tcp)
ok "seclogrecv listens (tls=$P_TLS relp=$P_RELP relp-tls=$P_RELPTLS tcp=$P_TCP)"

# stats: the counters now (SIGUSR1 prints a block ending in "end").
stats() {
	_n=$(grep -c '^end' "$T/recv.out")
	kill -USR1 "$SPID"
	_i=0
	while [ "$(grep -c '^end' "$T/recv.out")" -le "$_n" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	awk -v n="$_n" '/^end/ { b++; next } b == n' "$T/recv.out"
}
# counter LINE-PREFIX NAME: one counter from the current stats.
counter() {
	stats | grep "^$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
stored() { "$RECV" dump "$I" | grep -c "text=$1"; }
# wait_stored PATTERN N: until N messages with that text are stored (15 s at most).
wait_stored() {
	_i=0
	while [ "$(stored "$1")" -lt "$2" ] && [ $_i -lt 150 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(stored "$1")" -eq "$2" ]
}

# ---- rsyslog as the client: imtcp in, omrelp / omfwd+gtls / omrelp+tls out ----
mkdir -p "$T/rs"
cat >"$T/rs.conf" <<EOF
global(workDirectory="$T/rs"
       defaultNetstreamDriverCAFile="$T/srv.crt"
       defaultNetstreamDriverCertFile="$T/cli.crt"
       defaultNetstreamDriverKeyFile="$T/cli.key")
module(load="imtcp")
module(load="omrelp")
input(type="imtcp" port="0" address="127.0.0.1" listenPortFileName="$T/rs.port"
      ruleset="fwd")
ruleset(name="fwd") {
  if \$msg contains "via-relp " then
    action(type="omrelp" target="127.0.0.1" port="$P_RELP"
           template="RSYSLOG_SyslogProtocol23Format")
  if \$msg contains "via-tls " then
    action(type="omfwd" target="127.0.0.1" port="$P_TLS" protocol="tcp"
           TCP_Framing="octet-counted" StreamDriver="gtls" StreamDriverMode="1"
           StreamDriverAuthMode="anon" template="RSYSLOG_SyslogProtocol23Format")
  if \$msg contains "via-relptls " then
    action(type="omrelp" target="127.0.0.1" port="$P_RELPTLS" tls="on"
           tls.caCert="$T/srv.crt" tls.myCert="$T/cli.crt" tls.myPrivKey="$T/cli.key"
           tls.authMode="certvalid" template="RSYSLOG_SyslogProtocol23Format")
}
EOF
rsyslog_start "$T/rs.conf" "$T/rs.port"
IN=$RS_PORT
if [ -z "$IN" ]; then
	not_ok "rsyslogd did not start"
	diag "$(cat "$T/rs.conf.out")"
	finish
fi

N=40
for via in relp tls relptls; do
	j=1
	while [ $j -le $N ]; do
		logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$IN" -t "rs$via" \
			"via-$via message $j"
		j=$((j + 1))
	done
done
for via in relp tls relptls; do
	if wait_stored "via-$via message" $N; then
		ok "rsyslog over $via: all $N messages stored"
	else
		not_ok "rsyslog over $via: $(stored "via-$via message") of $N stored"
		diag "$(tail -n 5 "$T/rs.conf.out")"
	fi
done
if "$RECV" dump "$I" | grep "text=via-relp message 7\$" | grep -q "src=1 sev=5 host=[^ ]* app=rsrelp"; then
	ok "a RELP message keeps its source, severity and app-name"
else
	not_ok "a RELP message's fields"
	diag "$("$RECV" dump "$I" | grep "via-relp message 7" | head -n 2)"
fi
if "$RECV" dump "$I" | grep "text=via-tls message 3\$" | grep -q "src=2 "; then
	ok "a TLS message is bound to the certificate's source"
else
	not_ok "a TLS message's source"
fi
kill "$RPID" 2>/dev/null
wait "$RPID" 2>/dev/null
RPID=

# ---- logger straight to the clear TCP listener ----
j=1
while [ $j -le 20 ]; do
	logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$P_TCP" -t direct "logger message $j"
	j=$((j + 1))
done
if wait_stored "logger message" 20; then
	ok "logger --tcp --octet-count --rfc5424: all 20 stored"
else
	not_ok "logger over TCP: $(stored "logger message") of 20 stored"
	diag "$(stats)"
fi

# ---- refusals: each refused, counted, nothing stored ----
before=$("$RECV" dump "$I" | wc -l)

cat >"$T/peer.py" <<'EOF'
# Raw peers for the refusals: prints one line of what the server said.
import socket, sys, time
what, port = sys.argv[1], int(sys.argv[2])
def conn(src="127.0.0.1"):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s
def drain(s):
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    return out
def octet(m):
    return str(len(m)).encode() + b" " + m
M = b"<14>1 2026-12-07T10:00:00Z host.skydd.test app - - - "
if what == "unknown-addr":
    s = conn("127.0.0.2")
    try:
        s.sendall(octet(M + b"from a stranger"))
    except OSError:
        pass
    print("closed" if drain(s) == b"" else "open")
elif what == "tcp-oversize":
    s = conn()
    s.sendall(octet(M + b"x" * 3000))
    print("closed" if drain(s) == b"" else "open")
elif what == "tcp-bom":
    s = conn()
    s.sendall(octet(M + b"\xef\xbb\xbfbad \xff\xfe utf-8"))
    s.shutdown(socket.SHUT_WR)
    drain(s)
    print("sent")
elif what == "relp":
    s = conn()
    offers = b"relp_version=0\nrelp_software=test\ncommands=syslog"
    s.sendall(b"1 open %d " % len(offers) + offers + b"\n")
    big = M + b"y" * 3000
    bom = M + b"\xef\xbb\xbfbad \xff utf-8"
    good = M + b"relp after refusals"
    for t, m in ((2, big), (3, bom), (4, good)):
        s.sendall(b"%d syslog %d " % (t, len(m)) + m + b"\n")
    s.sendall(b"5 close 0\n")
    print(drain(s).decode().replace("\n", "|"))
elif what == "conns":
    held = [conn("127.0.0.3") for _ in range(3)]
    time.sleep(0.5)
    s = conn("127.0.0.3")
    print("closed" if drain(s) == b"" else "open")
    for h in held:
        h.close()
EOF

r=$(python3 "$T/peer.py" unknown-addr "$P_TCP")
if [ "$r" = closed ] && [ "$(counter unknown unknown_peer)" = 1 ]; then
	ok "an unknown address is refused and counted"
else
	not_ok "unknown address: $r, unknown_peer=$(counter unknown unknown_peer)"
fi

printf 'hello\n' | timeout 10 openssl s_client -quiet -connect "127.0.0.1:$P_TLS" \
	-cert "$T/stray.crt" -key "$T/stray.key" >/dev/null 2>&1
if [ "$(counter unknown unknown_peer)" = 2 ]; then
	ok "a certificate bound to no source is refused and counted"
else
	not_ok "stray certificate: unknown_peer=$(counter unknown unknown_peer)"
fi

printf 'hello\n' | timeout 10 openssl s_client -quiet -connect "127.0.0.1:$P_TLS" \
	>/dev/null 2>&1
if [ "$(counter unknown bad_cert)" = 1 ]; then
	ok "no client certificate: refused and counted"
else
	not_ok "no client certificate: bad_cert=$(counter unknown bad_cert)"
fi

m='<14>1 - old.skydd.test app - - - from an expired certificate'
printf '%d %s' "${#m}" "$m" |
	timeout 10 openssl s_client -quiet -connect "127.0.0.1:$P_TLS" \
		-cert "$T/old.crt" -key "$T/old.key" >/dev/null 2>&1
if [ "$(counter unknown bad_cert)" = 2 ] && [ "$(stored 'from an expired certificate')" = 0 ]; then
	ok "a pinned certificate past its validity is refused, counted as a bad certificate, nothing stored"
else
	not_ok "expired certificate: bad_cert=$(counter unknown bad_cert), stored=$(stored 'from an expired certificate')"
fi

r=$(python3 "$T/peer.py" tcp-oversize "$P_TCP")
if [ "$r" = closed ] && [ "$(counter 'stats source=1 ' frame_too_big)" = 1 ]; then
	ok "an oversized TCP frame drops the connection and is counted"
else
	not_ok "oversized TCP frame: $r, frame_too_big=$(counter 'stats source=1 ' frame_too_big)"
fi

python3 "$T/peer.py" tcp-bom "$P_TCP" >/dev/null
i=0
while [ "$(counter 'stats source=1 ' msg_utf8)" != 1 ] && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ "$(counter 'stats source=1 ' msg_utf8)" = 1 ]; then
	ok "invalid UTF-8 after a BOM (TCP) is refused and counted"
else
	not_ok "BOM over TCP: msg_utf8=$(counter 'stats source=1 ' msg_utf8)"
fi

r=$(python3 "$T/peer.py" relp "$P_RELP")
case $r in
1\ rsp\ *\ 200\ OK*"2 rsp 11 500 too_big|3 rsp 12 500 msg_utf8|4 rsp 6 200 OK|5 rsp 6 200 OK|0 serverclose 0|")
	ok "RELP: 500 for the oversized and the bad-UTF-8 message, 200 for the next, close answered"
	;;
*)
	not_ok "RELP refusals answered: $r"
	;;
esac
if [ "$(counter 'stats source=1 ' frame_too_big)" = 2 ] &&
	[ "$(counter 'stats source=1 ' msg_utf8)" = 2 ] && [ "$(stored 'relp after refusals')" = 1 ]; then
	ok "RELP refusals are counted; the session went on"
else
	not_ok "RELP refusal counters: $(stats | grep '^stats source=1 ')"
fi

r=$(python3 "$T/peer.py" conns "$P_TCP")
if [ "$r" = closed ] && [ "$(counter 'stats source=3 ' over_limit)" = 1 ]; then
	ok "a fourth connection of a source limited to three is refused and counted"
else
	not_ok "connection limit: $r, over_limit=$(counter 'stats source=3 ' over_limit)"
fi

after=$("$RECV" dump "$I" | wc -l)
if [ "$after" -eq $((before + 1)) ]; then
	ok "nothing refused was stored (only the good RELP message after the refusals)"
else
	not_ok "stored $((after - before)) messages during the refusals, want 1"
fi

# ---- stop; the log verifies ----
kill "$SPID"
wait "$SPID"
rc=$?
SPID=
check "seclogrecv stops on SIGTERM (exit 0)" [ "$rc" -eq 0 ]
run "$LOAD" verify "$I"
if [ "$RC" -eq 0 ]; then
	ok "seclog.db verifies after the receiver ($(cat "$T/out"))"
else
	not_ok "verify: $(cat "$T/out" "$T/err")"
fi

# ---- second run: UDP, the global limit, idle connections, a source withdrawn ----
rm -f "$T/recv.out" # the first run's "ready" must not be read as the second's
${RECV_WRAP:-} "$RECV" "$I" "$T/sources" --tcp 127.0.0.1:0 --udp 127.0.0.1:0 --max-conns 2 --idle 1 \
	>"$T/recv.out" 2>"$T/recv.err" &
SPID=$!
wait_until 150 grep -qs '^ready' "$T/recv.out"
if ! grep -q '^ready' "$T/recv.out"; then
	not_ok "seclogrecv did not start again"
	diag "$(cat "$T/recv.err")"
	kill -0 "$SPID" 2>/dev/null && diag "still running: $(gdb -batch -p "$SPID" -ex 'thread apply all bt' 2>&1 | grep '^#' | head -n 30)"
	finish
fi
P_TCP=$(recv_port tcp)
P_UDP=$(recv_port udp)
printf '1 101 10 relp,tcp,udp 127.0.0.1 32\n2 102 25 tls $FP\n3 103 10 tcp 127.0.0.3 3\n' |
	sed "s/\$FP/$FP/" >"$T/sources"
kill -HUP "$SPID"
i=0
while ! grep -q '^reloaded' "$T/recv.out" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
logger --udp --rfc5424 -n 127.0.0.1 -P "$P_UDP" -t udp "udp message 1"
cat >"$T/peer2.py" <<'EOF2'
import socket, sys, time
what, port = sys.argv[1], int(sys.argv[2])
def conn(src="127.0.0.1"):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s
def closed(s):
    try:
        return s.recv(100) == b""
    except (socket.timeout, ConnectionResetError):
        return False
if what == "udp-stranger":
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.2", 0))
    u.sendto(b"<14>1 - h a - - - udp from a stranger", ("127.0.0.1", port))
    print("sent")
elif what == "capacity":
    held = [conn(), conn()]
    time.sleep(0.3)
    third = conn()
    r = "closed" if closed(third) else "open"
    t0 = time.time()
    r += " idle-closed" if all(closed(h) for h in held) else " still-open"
    print(r, "%.1f" % (time.time() - t0))
elif what == "withdrawn":
    s = conn("127.0.0.3")
    s.settimeout(0.9)
    open(sys.argv[3], "w").write("connected\n")
    print("closed" if closed(s) else "open")
EOF2
python3 "$T/peer2.py" udp-stranger "$P_UDP" >/dev/null
if wait_stored "udp message 1" 1 && [ "$(counter unknown unknown_peer)" = 1 ] &&
	[ "$(stored 'udp from a stranger')" = 0 ]; then
	ok "UDP: a known address is stored, a stranger's datagram refused and counted"
else
	not_ok "UDP: stored $(stored 'udp message 1'), unknown_peer=$(counter unknown unknown_peer)"
fi

r=$(python3 "$T/peer2.py" capacity "$P_TCP")
case $r in
"closed idle-closed "*)
	if [ "$(counter unknown over_capacity)" = 1 ] && [ "$(counter 'stats source=1 ' idle)" = 2 ]; then
		ok "over max_conns refused and counted; silent connections closed after --idle ($r s)"
	else
		not_ok "capacity/idle counters: $(stats | tr '\n' ' ')"
	fi
	;;
*) not_ok "capacity/idle: $r" ;;
esac

python3 "$T/peer2.py" withdrawn "$P_TCP" "$T/connected" >"$T/withdrawn" &
ppid=$!
i=0
while [ ! -s "$T/connected" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.2
grep -v '^3 ' "$T/sources" >"$T/sources.new" && mv "$T/sources.new" "$T/sources"
kill -HUP "$SPID"
wait "$ppid"
u0=$(counter unknown unknown_peer)
python3 "$T/peer.py" unknown-addr "$P_TCP" >/dev/null 2>&1 # 127.0.0.2: a stranger anyway
if [ "$(cat "$T/withdrawn")" = closed ] && [ "$(counter 'stats source=3 ' idle)" = 0 ]; then
	ok "a withdrawn source's open connection is closed at once (sources_changed)"
else
	not_ok "withdrawn source: $(cat "$T/withdrawn"), $(stats | grep '^stats source=3 ')"
fi
r=$(python3 -c "
import socket
s = socket.socket(); s.bind(('127.0.0.3', 0)); s.settimeout(3)
s.connect(('127.0.0.1', $P_TCP))
try:
    print('closed' if s.recv(10) == b'' else 'open')
except (socket.timeout, ConnectionResetError):
    print('timeout')
")
if [ "$r" = closed ] && [ "$(counter unknown unknown_peer)" = $((u0 + 2)) ]; then
	ok "the withdrawn source's address is now refused as unknown and counted"
else
	not_ok "after withdrawal: $r, unknown_peer=$(counter unknown unknown_peer) (was $u0)"
fi
kill "$SPID"
wait "$SPID"
SPID=
finish
