/*
 * RELP frames and session rules (relp.h). The parser re-reads a frame's
 * header from the start of the buffer on every call: the header is at
 * most RELP_HEAD_MAX bytes, and parsing in place keeps DATA where it was
 * read, so the receiver can hand it to the store without a copy.
 */
#include <string.h>

#include "seclog/relp.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Reads 1*9DIGIT without a leading zero at p[*i..len) followed by a
 * non-digit. Returns 1 done (the terminator is at *i), 0 need more, -1 bad.
 */
static int read_number(const char *p, size_t len, size_t *i, uint32_t *out)
{
	size_t start = *i;
	uint32_t v = 0;

	while (*i < len && is_digit(p[*i])) {
		if (*i - start == RELP_DIGITS)
			return -1;
		if (*i == start && p[*i] == '0' && *i + 1 < len && is_digit(p[*i + 1]))
			return -1;
		v = v * 10 + (uint32_t)(p[*i] - '0');
		(*i)++;
	}
	if (*i == len)
		return 0;
	if (*i == start)
		return -1;
	*out = v;
	return 1;
}

int relp_frame_parse(const char *p, size_t len, size_t max_data, struct relp_frame *f, size_t *used,
                     int *err)
{
	size_t i = 0, c0;
	uint32_t txnr = 0, dlen = 0;
	int r;

	*err = RELP_OK;
	*used = 0;
	r = read_number(p, len, &i, &txnr);
	if (r < 0 || (r > 0 && txnr == 0)) {
		*err = RELP_E_TXNR;
		return -1;
	}
	if (r == 0)
		return 0;
	if (p[i++] != ' ') {
		*err = RELP_E_SP;
		return -1;
	}
	c0 = i;
	while (i < len && is_alpha(p[i])) {
		if (i - c0 == RELP_CMD_MAX) {
			*err = RELP_E_COMMAND;
			return -1;
		}
		i++;
	}
	if (i == len)
		return 0;
	if (i == c0) {
		*err = RELP_E_COMMAND;
		return -1;
	}
	if (p[i] != ' ') {
		*err = p[i] == '\n' || p[i] == '\t' || p[i] == '\r' ? RELP_E_SP : RELP_E_COMMAND;
		return -1;
	}
	f->cmd = (struct seclog_slice){.p = p + c0, .n = i - c0};
	i++;
	r = read_number(p, len, &i, &dlen);
	if (r < 0) {
		*err = RELP_E_DATALEN;
		return -1;
	}
	if (r == 0)
		return 0;
	if (dlen > max_data) {
		/* The caller may drop DATALEN bytes and stay in step: say where DATA starts. */
		if (p[i] != ' ') {
			*err = RELP_E_SP;
			return -1;
		}
		f->txnr = txnr;
		f->data = (struct seclog_slice){.p = NULL, .n = dlen};
		*used = i + 1;
		*err = RELP_E_TOO_BIG;
		return -1;
	}
	if (dlen > 0) {
		if (p[i] != ' ') {
			*err = RELP_E_SP;
			return -1;
		}
		i++;
		if (len - i < (size_t)dlen + 1)
			return 0;
		f->data = (struct seclog_slice){.p = p + i, .n = dlen};
		i += dlen;
	} else {
		f->data = (struct seclog_slice){.p = NULL, .n = 0};
	}
	if (p[i] != '\n') {
		*err = dlen == 0 && p[i] == ' ' ? RELP_E_SP : RELP_E_TRAILER;
		return -1;
	}
	f->txnr = txnr;
	*used = i + 1;
	return 1;
}

const char *relp_perr_name(int err)
{
	switch (err) {
	case RELP_OK:
		return "ok";
	case RELP_E_TXNR:
		return "txnr";
	case RELP_E_COMMAND:
		return "command";
	case RELP_E_DATALEN:
		return "datalen";
	case RELP_E_TOO_BIG:
		return "too_big";
	case RELP_E_SP:
		return "separator";
	case RELP_E_TRAILER:
		return "trailer";
	default:
		return "unknown";
	}
}

static bool slice_is(struct seclog_slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

/*
 * The open's offers: LF-separated "name=value" lines. We need a numeric
 * relp_version and "syslog" among the comma-separated commands.
 */
static bool offers_ok(struct seclog_slice d)
{
	bool version = false, syslog = false;
	size_t i = 0;

	if (d.n > RELP_OFFER_MAX)
		return false;
	while (i < d.n) {
		size_t e = i, eq;
		struct seclog_slice name, value;

		while (e < d.n && d.p[e] != '\n')
			e++;
		eq = i;
		while (eq < e && d.p[eq] != '=')
			eq++;
		name = (struct seclog_slice){.p = d.p + i, .n = eq - i};
		value = (struct seclog_slice){.p = d.p + eq + (eq < e), .n = e - eq - (eq < e)};
		if (slice_is(name, "relp_version") && value.n > 0) {
			version = true;
			for (size_t k = 0; k < value.n; k++)
				version = version && is_digit(value.p[k]);
		} else if (slice_is(name, "commands")) {
			size_t k = 0;

			while (k < value.n) {
				size_t c = k;

				while (c < value.n && value.p[c] != ',')
					c++;
				if (slice_is((struct seclog_slice){.p = value.p + k, .n = c - k},
				             "syslog"))
					syslog = true;
				k = c + 1;
			}
		}
		i = e + 1;
	}
	return version && syslog;
}

static int rsp(struct buf *out, uint32_t txnr, const char *text, size_t n)
{
	return buf_printf(out, "%u rsp %zu %.*s\n", (unsigned)txnr, n, (int)n, text);
}

int relp_rsp_ok(struct buf *out, uint32_t txnr)
{
	return rsp(out, txnr, "200 OK", 6);
}

int relp_rsp_err(struct buf *out, uint32_t txnr, const char *reason)
{
	char t[64];
	int n = snprintf(t, sizeof(t), "500 %.48s", reason);

	return rsp(out, txnr, t, (size_t)n);
}

int relp_write_close(struct buf *out, uint32_t txnr)
{
	int rc = relp_rsp_ok(out, txnr);

	return rc ? rc : buf_puts(out, "0 serverclose 0\n");
}

static const char open_answer[] = "200 OK\nrelp_version=0\nrelp_software=skydd\ncommands=syslog";

enum relp_action relp_session_frame(struct relp_session *s, const struct relp_frame *f,
                                    struct buf *out, const char **why)
{
	const char *w = NULL;
	uint32_t expect = s->last_txnr == RELP_TXNR_MAX ? 1 : s->last_txnr + 1;

	if (s->state == RELP_S_CLOSED) {
		w = "closed";
		goto fail;
	}
	/* The first TXNR may be anything (librelp starts at 1); then +1 each. */
	if (s->last_txnr != 0 && f->txnr != expect) {
		w = "txnr_sequence";
		goto fail;
	}
	s->last_txnr = f->txnr;
	if (s->state == RELP_S_INIT) {
		if (!slice_is(f->cmd, "open")) {
			w = "not_open";
			goto fail;
		}
		if (!offers_ok(f->data)) {
			w = "offers";
			goto fail;
		}
		s->state = RELP_S_OPEN;
		rsp(out, f->txnr, open_answer, sizeof(open_answer) - 1);
		return RELP_A_REPLIED;
	}
	if (slice_is(f->cmd, "syslog"))
		return RELP_A_SYSLOG;
	if (slice_is(f->cmd, "close")) {
		s->state = RELP_S_CLOSED;
		return RELP_A_CLOSE;
	}
	if (slice_is(f->cmd, "open")) {
		w = "open_twice";
		goto fail;
	}
	relp_rsp_err(out, f->txnr, "unknown command");
	return RELP_A_REPLIED;
fail:
	if (why)
		*why = w;
	relp_rsp_err(out, f->txnr, w);
	buf_puts(out, "0 serverclose 0\n");
	s->state = RELP_S_CLOSED;
	return RELP_A_FAIL;
}
