#!/bin/sh
# The client configurations of docs/guide/sakerhetsloggar.md, taken from the
# page itself (only paths, ports and the target address replaced), against
# the receiver (tests/tools/seclogrecv):
#  - rsyslog: RELP over TLS (omrelp, authMode name), RELP in clear, syslog
#    over TLS (omfwd, gtls, x509/name), each with the page's disk queue;
#  - syslog-ng: syslog() with transport("tls") and flags(syslog-protocol),
#    when a syslog-ng binary is at hand ($SYSLOG_NG, or syslog-ng in PATH);
#  - the fingerprint recipe of the page gives what the receiver binds;
#  - a server certificate of another name is refused by the client (the
#    page's settings do check whom they talk to).
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
RECV=$BUILD/tools/seclogrecv
GUIDE=docs/guide/sakerhetsloggar.md
need_file "$SKYDD" "$RECV"
[ -f "$GUIDE" ] || { not_ok "$GUIDE is missing"; finish; }
need_prog rsyslogd logger openssl sha256sum awk grep sed
setup_tmp
I=$T/inst
SPID=
RPID=
NPID=

cleanup() {
	[ -n "$NPID" ] && kill "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

if ! new_instance "$I"; then
	not_ok "setting up the instance"
	finish
fi

# block HEADING: the first ``` block after the line HEADING in the guide.
block() {
	awk -v h="$1" '$0 == h { f = 1; next } f && /^```/ { if (in_b) exit; in_b = 1; next }
		in_b { print }' "$GUIDE"
}

# ---- certificates: the server's (named skydd.example.se), the client's by the page's recipe ----
mkcert() { # NAME SUBJ SAN
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$T/$1.key" -out "$T/$1.pem" -subj "$2" -addext "subjectAltName=$3" \
		2>>"$T/ssl.err"
}
mkcert srv "/CN=skydd.example.se" "DNS:skydd.example.se,DNS:localhost,IP:127.0.0.1" &&
	mkcert other "/CN=other.example.se" "DNS:other.example.se" || {
	not_ok "openssl could not make the server certificates"
	diag "$(cat "$T/ssl.err")"
	finish
}
# the page's own command, paths replaced
sed -n '/^openssl req -x509/,/-subj/p' "$GUIDE" |
	sed "s#/etc/ssl/private/logg-klient.key#$T/cli.key#; s#/etc/ssl/certs/logg-klient.pem#$T/cli.pem#" \
		>"$T/mkcli.sh"
sh "$T/mkcli.sh" 2>>"$T/ssl.err"
FP=$(sed -n '/^openssl x509 -in \/etc\/ssl\/certs\/logg-klient.pem -noout/,/tr .A-F/p' "$GUIDE" |
	sed "s#/etc/ssl/certs/logg-klient.pem#$T/cli.pem#" | sh)
FP2=$(openssl x509 -in "$T/cli.pem" -outform DER | sha256sum | cut -d' ' -f1)
if [ -n "$FP" ] && [ "$FP" = "$FP2" ] && printf '%s' "$FP" | grep -qE '^[0-9a-f]{64}$'; then
	ok "the page's fingerprint recipe gives 64 lower-case hex digits, the DER's SHA-256"
else
	not_ok "fingerprint recipe: '$FP' vs '$FP2'"
	finish
fi

# Source 1: RELP in clear from 127.0.0.1. Source 2: TLS and RELP/TLS by the client certificate.
cat >"$T/sources" <<EOF
1 101 10 relp 127.0.0.1
2 102 10 tls,relp-tls $FP
EOF
recv_start 50 --tls 127.0.0.1:0 --relp 127.0.0.1:0 --relp-tls 127.0.0.1:0 \
	--cert "$T/srv.pem" --key "$T/srv.key"
P_TLS=$(recv_port tls)
P_RELP=$(recv_port relp)
P_RELPTLS=$(recv_port relp-tls)
ok "seclogrecv listens (tls=$P_TLS relp=$P_RELP relp-tls=$P_RELPTLS)"

stored() { "$RECV" dump "$I" | grep -c "text=$1"; }
wait_stored() { # PATTERN N: until N are stored (15 s at most)
	_i=0
	while [ "$(stored "$1")" -lt "$2" ] && [ $_i -lt 150 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(stored "$1")" -eq "$2" ]
}

# The page's paths, target and ports, replaced for this test.
subst() {
	sed -e "s#/etc/ssl/certs/skydd-ca.pem#$T/ca.pem#g" \
		-e "s#/etc/ssl/certs/logg-klient.pem#$T/cli.pem#g" \
		-e "s#/etc/ssl/private/logg-klient.key#$T/cli.key#g" \
		-e "s#target=\"skydd.example.se\"#target=\"127.0.0.1\"#g" \
		-e "s#port=\"2515\"#port=\"$P_RELPTLS\"#; s#port=\"2514\"#port=\"$P_RELP\"#" \
		-e "s#port=\"6514\"#port=\"$P_TLS\"#; s#port(6514)#port($P_TLS)#" \
		-e "s#queue.filename=\"#queue.filename=\"$1-#g"
}

# rsyslog_run NAME CA BLOCK-HEADING...: rsyslog with the page's blocks and imptcp in on a port
# the kernel chose (port 0, written to a file), kept in $IN. A port derived from the pid, as
# before, collided with the sockets of the suites running beside this one.
IN=
rsyslog_run() {
	_name=$1
	cp "$2" "$T/ca.pem"
	shift 2
	mkdir -p "$T/rs-$_name"
	{
		echo "global(workDirectory=\"$T/rs-$_name\")"
		echo 'module(load="imptcp")'
		echo "input(type=\"imptcp\" port=\"0\" address=\"127.0.0.1\" listenPortFileName=\"$T/rs-$_name.port\")"
		# as a file in /etc/rsyslog.d: the page's blocks at the top level
		for h in "$@"; do
			block "$h" | subst "$_name"
		done
	} >"$T/rs-$_name.conf"
	rsyslogd -N1 -f "$T/rs-$_name.conf" >"$T/rs-$_name.check" 2>&1 || {
		not_ok "rsyslogd -N1 refuses the $_name configuration"
		diag "$(tail -n 5 "$T/rs-$_name.check")"
		return 1
	}
	rsyslog_start "$T/rs-$_name.conf" "$T/rs-$_name.port"
	IN=$RS_PORT
	[ -n "$IN" ] || {
		not_ok "rsyslog ($_name) did not start its input"
		diag "$(tail -n 5 "$T/rs-$_name.conf.out")"
		return 1
	}
}
rsyslog_stop() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	RPID=
}

N=20
try_rsyslog() { # NAME HEADING SOURCE-ID
	rsyslog_run "$1" "$T/srv.pem" "$2" || return
	j=1
	while [ $j -le $N ]; do
		logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$IN" -t sshd \
			"Failed password for root from 192.0.2.7 port $j ssh2 via-$1"
		j=$((j + 1))
	done
	if wait_stored "Failed password for root from 192.0.2.7 port [0-9]* ssh2 via-$1\$" $N; then
		ok "rsyslog, the page's \"$2\": all $N messages stored"
	else
		not_ok "rsyslog, \"$2\": $(stored "via-$1\$") of $N stored"
		diag "$(tail -n 5 "$T/rs-$1.conf.out")"
	fi
	if "$RECV" dump "$I" | grep "via-$1\$" | head -n 1 | grep -q "src=$3 .*app=sshd"; then
		ok "rsyslog, \"$2\": bound to source $3, APP-NAME kept"
	else
		not_ok "rsyslog, \"$2\": source or app"
		diag "$("$RECV" dump "$I" | grep "via-$1" | head -n 1)"
	fi
	rsyslog_stop
}
try_rsyslog relptls "### RELP över TLS (rekommenderas)" 2
try_rsyslog relp "### RELP utan TLS" 1
try_rsyslog tls "### Syslog över TLS (RFC 5425)" 2

# The page's settings check the server: a server certificate of another name is refused by
# the client (the CA it trusts is the other one's, so nothing may arrive).
rsyslog_run wrongca "$T/other.pem" "### RELP över TLS (rekommenderas)" &&
	logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$IN" -t sshd "to-wrong-server" &&
	sleep 3
if [ "$(stored to-wrong-server)" -eq 0 ]; then
	ok "rsyslog with a CA that did not issue the server's certificate sends nothing"
else
	not_ok "rsyslog sent to a server it could not verify"
fi
rsyslog_stop

# ---- syslog-ng ----
# $SYSLOG_NG, or the one script/bootstrap unpacked (it conflicts with rsyslog), or one installed
SNG=${SYSLOG_NG:-}
[ -z "$SNG" ] && [ -x "$(dirname "$0")/../../.peers/syslog-ng/syslog-ng" ] &&
	SNG=$(cd "$(dirname "$0")/../../.peers/syslog-ng" && pwd)/syslog-ng
[ -z "$SNG" ] && SNG=$(command -v syslog-ng 2>/dev/null || true)
if [ -z "$SNG" ] || [ ! -x "$SNG" ]; then
	ok "# SKIP syslog-ng not installed (set SYSLOG_NG to a syslog-ng binary)"
	finish
fi
cp "$T/srv.pem" "$T/ca.pem"
mkdir -p "$T/sng"
# syslog-ng cannot say which port it was given: a port the kernel hands out free now, and
# another if syslog-ng could not bind it in the meantime (five tries).
probe() { logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$IN" -t probe probe 2>/dev/null; }
up() { probe || ! kill -0 "$NPID" 2>/dev/null; }
try=0
while [ $try -lt 5 ]; do
	try=$((try + 1))
	IN=$(free_port)
	{
		echo '@version: 3.35'
		echo "options { keep-hostname(yes); };"
		echo "source s_src { syslog(ip(127.0.0.1) port($IN) transport(tcp)); };"
		block "## syslog-ng" |
			subst sng | sed 's#syslog("skydd.example.se"#syslog("localhost" ip-protocol(4)#'
	} >"$T/sng.conf"
	# shellcheck disable=SC2086
	"$SNG" ${SYSLOG_NG_ARGS:-} -F -f "$T/sng.conf" -p "$T/sng/pid" -R "$T/sng/persist" \
		-c "$T/sng/ctl" --no-caps >"$T/sng.out" 2>&1 &
	NPID=$!
	wait_until 50 up
	kill -0 "$NPID" 2>/dev/null && break
	wait "$NPID" 2>/dev/null
done
j=1
while [ $j -le $N ]; do
	logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$IN" -t sudo \
		"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id $j via-sng"
	j=$((j + 1))
done
if wait_stored "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id [0-9]* via-sng" $N; then
	ok "syslog-ng, the page's configuration: all $N messages stored over TLS"
else
	not_ok "syslog-ng: $(stored via-sng) of $N stored"
	diag "$(tail -n 8 "$T/sng.out")"
fi
if "$RECV" dump "$I" | grep "via-sng\$" | head -n 1 | grep -q "src=2 .*app=sudo"; then
	ok "syslog-ng: bound to the certificate's source, APP-NAME kept"
else
	not_ok "syslog-ng: source or app"
	diag "$("$RECV" dump "$I" | grep "via-sng" | head -n 1)"
fi
finish
