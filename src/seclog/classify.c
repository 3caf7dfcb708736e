/*
 * The classifier: a table of the login and privilege messages of OpenSSH,
 * PAM, sudo, su, login(1) and Windows Security auditing, each recognised by
 * the sending program's APP-NAME and the text's shape from its first byte,
 * so that a chat line quoting "Failed password for root" is not a failed
 * login. Everything works on {pointer, length} slices of the stored message.
 */
#include <stdbool.h>
#include <string.h>

#include "seclog/classify.h"
#include "seclog/parse.h"
#include "util/banned.h"

#define WIN_APP    "Microsoft-Windows-Security-Auditing"
#define REPEAT_MAX 1000000u

typedef struct seclog_slice slice;

static slice sl(const char *p, size_t n)
{
	return (slice){.p = p, .n = p ? n : 0};
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool eq(slice s, const char *lit, bool ci)
{
	size_t n = strlen(lit);

	if (s.n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ci ? lower(s.p[i]) != lower(lit[i]) : s.p[i] != lit[i])
			return false;
	return true;
}

static bool starts(slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

/* s without its first k bytes (k <= s.n). */
static slice drop(slice s, size_t k)
{
	return sl(s.p + k, s.n - k);
}

/* Offset of the first (or last) lit in s, or -1. */
static long find(slice s, const char *lit, bool last)
{
	size_t n = strlen(lit);
	long hit = -1;

	if (n == 0 || s.n < n)
		return -1;
	for (size_t i = 0; i + n <= s.n; i++) {
		if (s.p[i] == lit[0] && memcmp(s.p + i, lit, n) == 0) {
			hit = (long)i;
			if (!last)
				break;
		}
	}
	return hit;
}

/* The leading run of s up to (not including) any byte of stops. */
static slice token(slice s, const char *stops)
{
	size_t i = 0;

	while (i < s.n && !strchr(stops, s.p[i]))
		i++;
	return sl(s.p, i);
}

static slice trim(slice s)
{
	while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
		s = drop(s, 1);
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
		s.n--;
	return s;
}

static slice unquote(slice s)
{
	if (s.n >= 2 && s.p[0] == '\'' && s.p[s.n - 1] == '\'')
		return sl(s.p + 1, s.n - 2);
	return s;
}

/* Length of the valid UTF-8 sequence at p[0..n), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t k;
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return k;
}

/*
 * Copies s into out[cap] as UTF-8 without control characters: a control
 * byte or a byte that starts no valid sequence becomes '?', and a sequence
 * that would not fit whole is left out, so a cut never splits a character.
 */
static void copy_clean(char *out, size_t cap, slice s)
{
	size_t o = 0, i = 0;

	while (i < s.n && o + 1 < cap) {
		const unsigned char *p = (const unsigned char *)s.p + i;
		size_t k = utf8_len(p, s.n - i);

		if (k == 0 || (k == 1 && (p[0] < 0x20 || p[0] == 0x7f))) {
			out[o++] = '?';
			i++;
			continue;
		}
		if (o + k >= cap)
			break;
		memcpy(out + o, p, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
}

/* ---- structured data ---- */

/*
 * Finds PARAM name in SD-ELEMENT id (NULL: any) of the raw STRUCTURED-DATA
 * text; the value slice keeps its escapes. Stops at the first malformed
 * byte: what was stored came through the strict parser, but the classifier
 * must not trust that.
 */
static bool sd_find(slice sd, const char *id, const char *name, bool ci, slice *val)
{
	const char *p = sd.p;
	size_t n = sd.n, i = 0, s;

	while (i < n) {
		bool id_ok, have = false;

		if (p[i] != '[')
			return false;
		s = ++i;
		while (i < n && p[i] != ' ' && p[i] != ']')
			i++;
		if (i >= n)
			return false;
		id_ok = !id || eq(sl(p + s, i - s), id, ci);
		while (i < n && p[i] == ' ') {
			slice pname;

			s = ++i;
			while (i < n && p[i] != '=' && p[i] != ' ' && p[i] != ']')
				i++;
			if (i + 1 >= n || p[i] != '=' || p[i + 1] != '"')
				return false;
			pname = sl(p + s, i - s);
			i += 2;
			s = i;
			while (i < n && p[i] != '"')
				i += (p[i] == '\\' && i + 1 < n) ? 2 : 1;
			if (i >= n)
				return false;
			if (id_ok && !have && eq(pname, name, ci)) {
				*val = sl(p + s, i - s);
				have = true;
			}
			i++;
		}
		if (i >= n || p[i] != ']')
			return false;
		if (have) /* only from an element that is whole */
			return true;
		i++;
	}
	return false;
}

long seclog_sd_param(const char *sd, size_t sd_len, const char *sd_id, const char *name, char *out,
                     size_t out_cap)
{
	slice v;
	size_t o = 0, full = 0;

	if (out_cap)
		out[0] = '\0';
	if (!sd || !name || !sd_find(sl(sd, sd_len), sd_id, name, true, &v))
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		char c = v.p[i];

		if (c == '\\' && i + 1 < v.n && strchr("\"\\]", v.p[i + 1]))
			c = v.p[++i];
		if (out_cap && o + 1 < out_cap)
			out[o++] = c;
		full++;
	}
	if (out_cap)
		out[o] = '\0';
	return (long)full;
}

uint32_t seclog_sequence_id(const char *sd, size_t sd_len)
{
	slice v;
	uint64_t x = 0;

	/* RFC 5424 §7.3: SD-IDs and PARAM-NAMEs are case-sensitive */
	if (!sd || !sd_find(sl(sd, sd_len), "meta", "sequenceId", false, &v))
		return 0;
	if (v.n == 0 || v.n > 10 || v.p[0] == '0')
		return 0;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return 0;
		x = x * 10 + (uint64_t)(v.p[i] - '0');
	}
	return x > SECLOG_SEQ_MAX ? 0 : (uint32_t)x;
}

/* ---- the table ---- */

static void set(struct seclog_event *ev, enum seclog_ev_kind kind, const char *pattern,
                slice account, slice by, slice remote)
{
	ev->kind = kind;
	ev->pattern = pattern;
	copy_clean(ev->account, sizeof(ev->account), account);
	copy_clean(ev->by, sizeof(ev->by), by);
	copy_clean(ev->remote, sizeof(ev->remote), remote);
}

static const slice none = {.p = "", .n = 0};

/* A terminal or console rather than a remote host: local. */
static slice remote_or_local(slice r)
{
	if (starts(r, "tty") || starts(r, "/dev/") || starts(r, "pts/") || starts(r, ":") ||
	    eq(r, "-", false))
		return none;
	return r;
}

/*
 * OpenSSH: "Failed METHOD for [invalid user ]USER from HOST port N …" and
 * "Accepted METHOD for USER from HOST port N …". The user name is the
 * client's choice and may itself hold " from … port", so the host is taken
 * from the last " from " followed by "HOST port DIGIT".
 */
static bool cls_sshd(slice t, struct seclog_event *ev)
{
	bool failed = starts(t, "Failed ");
	slice r, method, user, host;
	long at;

	if (!failed && !starts(t, "Accepted "))
		return false;
	r = drop(t, failed ? 7 : 9);
	method = token(r, " ");
	if (method.n == 0 || !starts(drop(r, method.n), " for "))
		return false;
	r = drop(r, method.n + 5);
	for (slice scan = r; (at = find(scan, " from ", true)) >= 0; scan.n = (size_t)at) {
		slice after = drop(r, (size_t)at + 6);

		host = token(after, " ");
		if (host.n && starts(drop(after, host.n), " port ") && after.n > host.n + 6 &&
		    after.p[host.n + 6] >= '0' && after.p[host.n + 6] <= '9') {
			user = sl(r.p, (size_t)at);
			if (failed && starts(user, "invalid user "))
				user = drop(user, 13);
			if (user.n == 0)
				return false;
			set(ev, failed ? SECLOG_EV_LOGIN_FAILED : SECLOG_EV_LOGIN_OK,
			    failed ? "sshd.failed" : "sshd.accepted", user, none, host);
			return true;
		}
	}
	return false;
}

/* The value of " key=" in a PAM line (up to the next space), or none. */
static slice pam_field(slice rest, const char *key)
{
	long at = find(rest, key, true);

	return at < 0 ? none : token(drop(rest, (size_t)at + strlen(key)), " ");
}

/* "root(uid=0)" -> "root" */
static slice pam_user(slice s)
{
	return token(s, "( ");
}

/* Is a PAM SERVICE the sending program's own (case-insensitive; su-l of su)? */
static bool svc_is_app(slice svc, slice app)
{
	if (eq(app, "sshd-session", false) && eq(svc, "sshd", false))
		return true; /* OpenSSH 9.8 moved the session into its own program */
	if (app.n == 0 || svc.n < app.n)
		return false;
	for (size_t i = 0; i < app.n; i++)
		if (lower(svc.p[i]) != lower(app.p[i]))
			return false;
	if (svc.n == app.n || svc.p[app.n] == '-')
		return true;
	return false;
}

/*
 * PAM: "pam_MODULE(SERVICE:TYPE): authentication failure; … rhost=H user=U"
 * and "…: session opened for user U[(uid=N)] [by B[(uid=N)]]", trusted when
 * SERVICE is the sending program (sshd, su, su-l from su, sudo-i from sudo,
 * CRON/cron). sshd's own auth failures are left to its "Failed …" line
 * (counted once), and sessions of cron, atd and systemd --user are routine.
 */
static bool cls_pam(slice app, slice t, struct seclog_event *ev)
{
	slice mod, svc, rest;
	size_t k;
	long at;

	if (!starts(t, "pam_"))
		return false;
	mod = token(t, "(");
	if (mod.n == t.n || mod.n < 5)
		return false;
	svc = token(drop(t, mod.n + 1), ":)");
	k = mod.n + 1 + svc.n;
	if (svc.n == 0 || k >= t.n || t.p[k] != ':')
		return false;
	rest = drop(t, k);
	at = find(rest, "): ", false);
	if (at < 0 || !svc_is_app(svc, app))
		return false;
	rest = drop(rest, (size_t)at + 3);
	if (starts(rest, "authentication failure;")) {
		if (eq(svc, "sshd", false))
			return false;
		set(ev, SECLOG_EV_LOGIN_FAILED, "pam.auth_failure",
		    pam_user(pam_field(rest, " user=")), none,
		    remote_or_local(pam_field(rest, " rhost=")));
		return true;
	}
	if (starts(rest, "session opened for user ")) {
		slice user = pam_user(drop(rest, 24)), by = none;
		bool priv = eq(svc, "su", false) || starts(svc, "su-") || eq(svc, "sudo", false) ||
		            starts(svc, "sudo-");

		if (eq(svc, "cron", true) || eq(svc, "crond", true) || eq(svc, "atd", false) ||
		    eq(svc, "systemd-user", false) || user.n == 0)
			return false;
		at = find(rest, " by ", true);
		if (at >= 0)
			by = pam_user(drop(rest, (size_t)at + 4));
		set(ev, priv ? SECLOG_EV_PRIV_USE : SECLOG_EV_LOGIN_OK, "pam.session", user, by,
		    none);
		return true;
	}
	return false;
}

/*
 * sudo: "USER : TTY=… ; PWD=… ; USER=TARGET ; COMMAND=…" (a use of TARGET's
 * privileges) and "USER : 3 incorrect password attempts ; … " / "user NOT
 * in sudoers ; …" / "command not allowed ; …" (refused).
 */
static bool cls_sudo(slice t, struct seclog_event *ev)
{
	slice inv, first, target;
	long at;

	t = trim(t);
	inv = token(t, " ");
	if (inv.n == 0 || !starts(drop(t, inv.n), " : "))
		return false;
	t = drop(t, inv.n + 3);
	first = token(t, ";");
	if (find(t, "COMMAND=", false) < 0)
		return false;
	if (find(first, "=", false) < 0) {
		set(ev, SECLOG_EV_LOGIN_FAILED, "sudo.refused", inv, none, none);
		return true;
	}
	at = starts(t, "USER=") ? -3 : find(t, " ; USER=", false);
	if (at == -1)
		return false;
	target = token(drop(t, (size_t)(at + 8)), " ;");
	if (target.n == 0)
		return false;
	set(ev, SECLOG_EV_PRIV_USE, "sudo", target, inv, none);
	return true;
}

/*
 * su: shadow's "Successful su for X by Y" / "FAILED su for X by Y" and
 * "+ TTY Y:X" / "- TTY Y:X"; util-linux's "(to X) Y on TTY" and "FAILED SU
 * (to X) Y on TTY".
 */
static bool cls_su(slice t, struct seclog_event *ev)
{
	bool failed = false;
	slice x, y;

	if (starts(t, "Successful su for ") || (failed = starts(t, "FAILED su for "))) {
		slice r = drop(t, failed ? 14 : 18);
		long at = find(r, " by ", false);

		if (at <= 0)
			return false;
		x = sl(r.p, (size_t)at);
		y = token(drop(r, (size_t)at + 4), " ");
	} else if (starts(t, "(to ") || (failed = starts(t, "FAILED SU (to "))) {
		slice r = drop(t, failed ? 14 : 4);

		x = token(r, ")");
		if (x.n == r.n || !starts(drop(r, x.n), ") "))
			return false;
		y = token(drop(r, x.n + 2), " ");
	} else if ((t.n > 2 && (t.p[0] == '+' || t.p[0] == '-') && t.p[1] == ' ')) {
		slice r = drop(t, 2), tty = token(r, " "), pair;

		failed = t.p[0] == '-';
		if (tty.n == 0 || tty.n == r.n)
			return false;
		pair = token(drop(r, tty.n + 1), " ");
		y = token(pair, ":");
		if (y.n == pair.n)
			return false;
		x = drop(pair, y.n + 1);
	} else {
		return false;
	}
	if (x.n == 0 || y.n == 0)
		return false;
	set(ev, failed ? SECLOG_EV_LOGIN_FAILED : SECLOG_EV_PRIV_USE,
	    failed ? "su.failed" : "su.ok", x, y, none);
	return true;
}

/*
 * login(1): util-linux "FAILED LOGIN 1 FROM HOST FOR USER, reason", shadow
 * "FAILED LOGIN (1) on '/dev/tty1' [from 'HOST'] FOR 'USER', reason";
 * "ROOT LOGIN ON tty1 [FROM HOST]" (shadow: "ROOT LOGIN  on '…'") and
 * "LOGIN ON tty1 BY USER [FROM HOST]".
 */
static bool cls_login(slice t, struct seclog_event *ev)
{
	long at;
	slice user, remote = none;

	if (starts(t, "FAILED LOGIN ")) {
		at = find(t, " FOR ", true);
		if (at < 0)
			return false;
		user = unquote(token(drop(t, (size_t)at + 5), ","));
		slice head = sl(t.p, (size_t)at);
		long f = find(head, " FROM ", false);

		if (f >= 0)
			remote = token(drop(head, (size_t)f + 6), " ");
		else if ((f = find(head, " from '", false)) >= 0)
			remote = token(drop(head, (size_t)f + 7), "'");
		if (user.n == 0)
			return false;
		set(ev, SECLOG_EV_LOGIN_FAILED, "login.failed", user, none,
		    remote_or_local(remote));
		return true;
	}
	if (starts(t, "ROOT LOGIN ")) {
		at = find(t, " FROM ", false);
		if (at >= 0)
			remote = token(drop(t, (size_t)at + 6), " ");
		set(ev, SECLOG_EV_LOGIN_OK, "login.root", sl("root", 4), none,
		    remote_or_local(remote));
		return true;
	}
	if (starts(t, "LOGIN ON ")) {
		at = find(t, " BY ", false);
		if (at < 0)
			return false;
		user = token(drop(t, (size_t)at + 4), " ");
		at = find(t, " FROM ", false);
		if (at >= 0)
			remote = token(drop(t, (size_t)at + 6), " ");
		if (user.n == 0)
			return false;
		set(ev, SECLOG_EV_LOGIN_OK, "login.ok", user, none, remote_or_local(remote));
		return true;
	}
	return false;
}

/* "Label:" in a Windows event's text: the value after its tabs/spaces, to the line's end. */
static slice win_text_field(slice t, const char *label, bool last_real)
{
	slice best = none;
	size_t n = strlen(label);

	for (size_t i = 0; i + n <= t.n; i++) {
		slice v;

		if (memcmp(t.p + i, label, n) != 0)
			continue;
		v = trim(token(drop(t, i + n), "\r\n"));
		v = token(v, "\t");
		if (!last_real)
			return v;
		if (v.n && !eq(v, "-", false))
			best = v;
	}
	return best;
}

/*
 * Windows Security auditing (4625 failed, 4624 success, 4672 special
 * privileges), trusted when APP-NAME or an SD parameter SourceName or
 * ProviderName is Microsoft-Windows-Security-Auditing (NXLog, Winlogbeat's
 * syslog output and evtsys send one of them). The event id comes from an
 * SD parameter EventID, else from the text's first sentence; the account
 * and address from SD (TargetUserName, SubjectUserName, IpAddress) or the
 * text ("Account Name:", "Source Network Address:").
 */
static bool cls_windows(const struct seclog_msg *m, slice app, slice t, struct seclog_event *ev)
{
	slice sd = sl(m->sd, m->sd_len), v;
	char id[16], buf[SECLOG_ACCOUNT_MAX * 2 + 1], ip[SECLOG_REMOTE_MAX * 2 + 1];
	int event = 0;
	bool from_sd;

	if (!eq(app, WIN_APP, true) &&
	    !(sd_find(sd, NULL, "SourceName", true, &v) && eq(v, WIN_APP, true)) &&
	    !(sd_find(sd, NULL, "ProviderName", true, &v) && eq(v, WIN_APP, true)))
		return false;
	if (seclog_sd_param(m->sd, m->sd_len, NULL, "EventID", id, sizeof(id)) > 0) {
		if (strcmp(id, "4625") == 0)
			event = 4625;
		else if (strcmp(id, "4624") == 0)
			event = 4624;
		else if (strcmp(id, "4672") == 0)
			event = 4672;
	} else if (starts(t, "An account failed to log on.")) {
		event = 4625;
	} else if (starts(t, "An account was successfully logged on.")) {
		event = 4624;
	} else if (starts(t, "Special privileges assigned to new logon.")) {
		event = 4672;
	}
	if (event == 0)
		return false;
	from_sd = seclog_sd_param(m->sd, m->sd_len, NULL,
	                          event == 4672 ? "SubjectUserName" : "TargetUserName", buf,
	                          sizeof(buf)) >= 0;
	slice account = from_sd ? sl(buf, strlen(buf)) : win_text_field(t, "Account Name:", true);
	slice remote = none;

	if (event != 4672) {
		if (seclog_sd_param(m->sd, m->sd_len, NULL, "IpAddress", ip, sizeof(ip)) >= 0)
			remote = sl(ip, strlen(ip));
		else
			remote = win_text_field(t, "Source Network Address:", false);
	}
	if (account.n == 0 || eq(account, "-", false))
		return false;
	set(ev,
	    event == 4625   ? SECLOG_EV_LOGIN_FAILED
	    : event == 4624 ? SECLOG_EV_LOGIN_OK
	                    : SECLOG_EV_PRIV_USE,
	    event == 4625   ? "win.4625"
	    : event == 4624 ? "win.4624"
	                    : "win.4672",
	    account, none, remote_or_local(remote));
	return true;
}

/* rsyslog's reduction: "message repeated N times: [ TEXT]" -> TEXT, N. */
static slice unwrap_repeat(slice t, unsigned *repeat)
{
	slice r, num;
	uint64_t x = 0;

	*repeat = 1;
	if (!starts(t, "message repeated "))
		return t;
	r = drop(t, 17);
	num = token(r, " ");
	if (num.n == 0 || num.n > 9 || !starts(drop(r, num.n), " times: [ "))
		return t;
	for (size_t i = 0; i < num.n; i++) {
		if (num.p[i] < '0' || num.p[i] > '9')
			return t;
		x = x * 10 + (uint64_t)(num.p[i] - '0');
	}
	if (x == 0)
		return t;
	r = drop(r, num.n + 10);
	if (r.n && r.p[r.n - 1] == ']')
		r.n--;
	*repeat = x > REPEAT_MAX ? REPEAT_MAX : (unsigned)x;
	return r;
}

void seclog_classify(const struct seclog_msg *m, struct seclog_event *ev)
{
	slice app = sl(m->app, m->app_len), t;
	bool hit = false;

	memset(ev, 0, sizeof(*ev));
	ev->pattern = "";
	ev->repeat = 1;
	t = unwrap_repeat(sl(m->text, m->text_len), &ev->repeat);
	if (eq(app, "sshd", false) || eq(app, "sshd-session", false))
		hit = cls_sshd(t, ev);
	if (!hit && starts(t, "pam_"))
		hit = cls_pam(app, t, ev);
	else if (!hit && eq(app, "sudo", false))
		hit = cls_sudo(t, ev);
	else if (!hit && eq(app, "su", false))
		hit = cls_su(t, ev);
	else if (!hit && eq(app, "login", false))
		hit = cls_login(t, ev);
	if (!hit)
		hit = cls_windows(m, app, t, ev);
	if (!hit) {
		unsigned r = ev->repeat;

		memset(ev, 0, sizeof(*ev));
		ev->pattern = "";
		ev->repeat = r;
	}
}
