/*
 * RFC 5424 (strict) and RFC 3164 (best effort, marked legacy) parsers. One
 * pass over the input, every loop bounded by its length; the result holds
 * slices into the input, so parsing allocates nothing. Each refusal has its
 * own code because a receiver counts them per source.
 */
#include <stdio.h>
#include <string.h>

#include "seclog/parse.h"
#include "util/util.h"

/* ---- error names ---- */

struct perr_desc {
	const char *name, *text;
};

static const struct perr_desc perr_table[SECLOG_PERR_MAX] = {
        [SECLOG_OK] = {"ok", "no error"},
        [SECLOG_E_FRAME_PREFIX] = {"frame_prefix", "malformed octet-count prefix"},
        [SECLOG_E_FRAME_DIGITS] = {"frame_digits", "octet-count prefix has too many digits"},
        [SECLOG_E_FRAME_TOO_BIG] = {"frame_too_big", "frame larger than the limit"},
        [SECLOG_E_FRAME_TRUNCATED] = {"frame_truncated", "stream ended inside a frame"},
        [SECLOG_E_EMPTY] = {"empty", "empty message"},
        [SECLOG_E_PRI] = {"pri", "malformed PRI"},
        [SECLOG_E_PRI_RANGE] = {"pri_range", "PRI above 191"},
        [SECLOG_E_VERSION] = {"version", "VERSION is not 1"},
        [SECLOG_E_SP] = {"sp", "header field not followed by one space"},
        [SECLOG_E_TIMESTAMP] = {"timestamp", "malformed TIMESTAMP"},
        [SECLOG_E_HOSTNAME_LEN] = {"hostname_len", "HOSTNAME longer than 255"},
        [SECLOG_E_HOSTNAME_CHAR] = {"hostname_char", "HOSTNAME has a non-printable character"},
        [SECLOG_E_APPNAME_LEN] = {"appname_len", "APP-NAME longer than 48"},
        [SECLOG_E_APPNAME_CHAR] = {"appname_char", "APP-NAME has a non-printable character"},
        [SECLOG_E_PROCID_LEN] = {"procid_len", "PROCID longer than 128"},
        [SECLOG_E_PROCID_CHAR] = {"procid_char", "PROCID has a non-printable character"},
        [SECLOG_E_MSGID_LEN] = {"msgid_len", "MSGID longer than 32"},
        [SECLOG_E_MSGID_CHAR] = {"msgid_char", "MSGID has a non-printable character"},
        [SECLOG_E_SD] = {"sd", "malformed STRUCTURED-DATA"},
        [SECLOG_E_SD_NAME] = {"sd_name", "bad SD-ID or PARAM-NAME"},
        [SECLOG_E_SD_VALUE] = {"sd_value", "unescaped ']' in PARAM-VALUE"},
        [SECLOG_E_SD_UTF8] = {"sd_utf8", "PARAM-VALUE is not UTF-8"},
        [SECLOG_E_SD_DUP] = {"sd_dup", "the same SD-ID twice"},
        [SECLOG_E_SD_TOO_MANY] = {"sd_too_many", "too many SD-ELEMENTs or SD-PARAMs"},
        [SECLOG_E_MSG_UTF8] = {"msg_utf8", "MSG with BOM is not UTF-8"},
        [SECLOG_E_3164_TIMESTAMP] = {"3164_timestamp", "malformed RFC 3164 TIMESTAMP"},
        [SECLOG_E_3164_HOSTNAME] = {"3164_hostname", "malformed RFC 3164 HOSTNAME"},
        [SECLOG_E_3164_TAG] = {"3164_tag", "malformed RFC 3164 TAG or PID"},
        [SECLOG_E_YEAR] = {"year", "year or UTC offset given by the receiver out of range"},
        [SECLOG_E_STORE_TOO_BIG] = {"store_too_big", "a field over the store's limit"},
        [SECLOG_E_STORE_FIELD] = {"store_field", "a field the store refuses"},
};

const char *seclog_perr_name(int err)
{
	if (err < 0 || err >= SECLOG_PERR_MAX || !perr_table[err].name)
		return "unknown";
	return perr_table[err].name;
}

const char *seclog_perr_str(int err)
{
	if (err < 0 || err >= SECLOG_PERR_MAX || !perr_table[err].text)
		return "unknown error";
	return perr_table[err].text;
}

/* ---- shared pieces ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* PRINTUSASCII (%d33-126): what RFC 5424 header fields may hold. */
static bool is_print(char c)
{
	return c >= 33 && c <= 126;
}

static int fail_at(struct seclog_parsed *m, int err, size_t off)
{
	m->err_off = off;
	return err;
}

static void msg_reset(struct seclog_parsed *m, enum seclog_format fmt)
{
	/* Only the header: the arrays are filled up to nsd/nparams and never read beyond. */
	m->format = fmt;
	m->legacy = fmt == SECLOG_FMT_RFC3164;
	m->facility = m->severity = m->version = 0;
	m->has_time = false;
	m->time_us = 0;
	m->tz_offset_min = 0;
	m->timestamp = m->hostname = m->app_name = m->procid = m->msgid = m->sd = m->msg =
	        (struct seclog_slice){0};
	m->msg_bom = false;
	m->nsd = m->nparams = 0;
	m->err_off = 0;
}

/* "<" PRIVAL ">" with PRIVAL 0..191 and no leading zero (RFC 3164 §4.1.1). */
static int parse_pri(const char *d, size_t len, size_t *pos, struct seclog_parsed *m)
{
	size_t i = 1;
	unsigned v = 0;

	if (len == 0)
		return fail_at(m, SECLOG_E_EMPTY, 0);
	if (d[0] != '<')
		return fail_at(m, SECLOG_E_PRI, 0);
	while (i < len && i <= 4 && is_digit(d[i])) {
		v = v * 10 + (unsigned)(d[i] - '0');
		i++;
	}
	if (i == 1 || i > 4 || (d[1] == '0' && i > 2) || i >= len || d[i] != '>')
		return fail_at(m, SECLOG_E_PRI, i < len ? i : len);
	if (v > 191)
		return fail_at(m, SECLOG_E_PRI_RANGE, 1);
	m->facility = v >> 3;
	m->severity = v & 7;
	*pos = i + 1;
	return SECLOG_OK;
}

/* ---- RFC 5424 ---- */

static int expect_sp(const char *d, size_t len, size_t *pos, struct seclog_parsed *m)
{
	if (*pos >= len || d[*pos] != ' ')
		return fail_at(m, SECLOG_E_SP, *pos);
	(*pos)++;
	return SECLOG_OK;
}

/*
 * A header field: NILVALUE or 1*max PRINTUSASCII, ended by SP (not
 * consumed). Stops scanning at max+1 bytes, so a huge field costs little.
 */
static int header_field(const char *d, size_t len, size_t *pos, size_t max, int e_len, int e_char,
                        struct seclog_slice *out, struct seclog_parsed *m)
{
	size_t start = *pos, i = start;

	while (i < len && d[i] != ' ') {
		if (!is_print(d[i]))
			return fail_at(m, e_char, i);
		if (i - start >= max)
			return fail_at(m, e_len, i);
		i++;
	}
	if (i == start)
		return fail_at(m, SECLOG_E_SP, i);
	if (!(i - start == 1 && d[start] == '-'))
		*out = (struct seclog_slice){.p = d + start, .n = i - start};
	*pos = i;
	return SECLOG_OK;
}

/*
 * TIMESTAMP: NILVALUE or FULL-DATE "T" FULL-TIME with "T" and "Z" upper
 * case (§6.2.3), fraction 1..6 digits, no leap second. 32 octets at most.
 */
static int parse_time_5424(const char *d, size_t len, size_t *pos, struct seclog_parsed *m)
{
	size_t start = *pos, i = start, n;
	const char *t;

	while (i < len && d[i] != ' ' && i - start <= 32)
		i++;
	n = i - start;
	t = d + start;
	if (n == 1 && t[0] == '-') {
		*pos = i;
		return SECLOG_OK;
	}
	if (n < 20 || n > 32 || t[10] != 'T' || memchr(t, 'z', n) || memchr(t, 't', n))
		return fail_at(m, SECLOG_E_TIMESTAMP, start);
	if (sk_time_parse(t, n, &m->time_us) != SK_OK)
		return fail_at(m, SECLOG_E_TIMESTAMP, start);
	if (t[n - 1] != 'Z') {
		/* sk_time_parse has checked "+hh:mm" / "-hh:mm" at the end. */
		int off = ((t[n - 5] - '0') * 10 + (t[n - 4] - '0')) * 60 + (t[n - 2] - '0') * 10 +
		          (t[n - 1] - '0');
		m->tz_offset_min = t[n - 6] == '-' ? -off : off;
	}
	m->has_time = true;
	m->timestamp = (struct seclog_slice){.p = t, .n = n};
	*pos = i;
	return SECLOG_OK;
}

/* SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']', '"'. */
static int sd_name(const char *d, size_t len, size_t *pos, struct seclog_slice *out,
                   struct seclog_parsed *m)
{
	size_t start = *pos, i = start;

	while (i < len && is_print(d[i]) && d[i] != '=' && d[i] != ']' && d[i] != '"') {
		if (i - start >= 32)
			return fail_at(m, SECLOG_E_SD_NAME, i);
		i++;
	}
	if (i == start)
		return fail_at(m, SECLOG_E_SD_NAME, i);
	*out = (struct seclog_slice){.p = d + start, .n = i - start};
	*pos = i;
	return SECLOG_OK;
}

/* PARAM-NAME "=" %d34 PARAM-VALUE %d34, at *pos just after the SP. */
static int sd_param(const char *d, size_t len, size_t *pos, struct seclog_parsed *m)
{
	struct seclog_sd_param p;
	size_t i, vstart;
	int rc = sd_name(d, len, pos, &p.name, m);

	if (rc)
		return rc;
	i = *pos;
	if (i + 1 >= len || d[i] != '=' || d[i + 1] != '"')
		return fail_at(m, SECLOG_E_SD, i);
	vstart = i += 2;
	for (; i < len && d[i] != '"'; i++) {
		if (d[i] == ']')
			return fail_at(m, SECLOG_E_SD_VALUE, i);
		/* \" \\ \] are escapes; any other backslash is an ordinary character. */
		if (d[i] == '\\' && i + 1 < len &&
		    (d[i + 1] == '"' || d[i + 1] == '\\' || d[i + 1] == ']'))
			i++;
	}
	if (i >= len)
		return fail_at(m, SECLOG_E_SD, len);
	p.value = (struct seclog_slice){.p = d + vstart, .n = i - vstart};
	if (!sk_utf8_valid(p.value.p, p.value.n))
		return fail_at(m, SECLOG_E_SD_UTF8, vstart);
	if (m->nparams >= SECLOG_MAX_PARAMS)
		return fail_at(m, SECLOG_E_SD_TOO_MANY, *pos);
	m->params[m->nparams++] = p;
	*pos = i + 1;
	return SECLOG_OK;
}

/* "[" SD-ID *(SP SD-PARAM) "]", at *pos on the "[". */
static int sd_element(const char *d, size_t len, size_t *pos, struct seclog_parsed *m)
{
	struct seclog_sd_elem e = {.first = m->nparams};
	size_t i = *pos + 1;
	int rc = sd_name(d, len, &i, &e.id, m);

	if (rc)
		return rc;
	for (unsigned k = 0; k < m->nsd; k++) {
		if (m->sd_elems[k].id.n == e.id.n && !memcmp(m->sd_elems[k].id.p, e.id.p, e.id.n))
			return fail_at(m, SECLOG_E_SD_DUP, *pos + 1);
	}
	if (m->nsd >= SECLOG_MAX_SD)
		return fail_at(m, SECLOG_E_SD_TOO_MANY, *pos);
	/* Each round consumes at least "SP x=\"\"": bounded by len. */
	while (i < len && d[i] == ' ') {
		i++;
		rc = sd_param(d, len, &i, m);
		if (rc)
			return rc;
	}
	if (i >= len || d[i] != ']')
		return fail_at(m, SECLOG_E_SD, i);
	e.nparams = m->nparams - e.first;
	m->sd_elems[m->nsd++] = e;
	*pos = i + 1;
	return SECLOG_OK;
}

static int parse_sd(const char *d, size_t len, size_t *pos, struct seclog_parsed *m)
{
	size_t start = *pos;
	int rc;

	if (start < len && d[start] == '-') {
		*pos = start + 1;
		return SECLOG_OK;
	}
	if (start >= len || d[start] != '[')
		return fail_at(m, SECLOG_E_SD, start);
	while (*pos < len && d[*pos] == '[') {
		rc = sd_element(d, len, pos, m);
		if (rc)
			return rc;
	}
	m->sd = (struct seclog_slice){.p = d + start, .n = *pos - start};
	return SECLOG_OK;
}

static int parse_msg(const char *d, size_t len, size_t pos, struct seclog_parsed *m)
{
	if (pos == len)
		return SECLOG_OK;
	if (d[pos] != ' ')
		return fail_at(m, SECLOG_E_SD, pos);
	pos++;
	if (len - pos >= 3 && !memcmp(d + pos, "\xEF\xBB\xBF", 3)) {
		pos += 3;
		if (!sk_utf8_valid(d + pos, len - pos))
			return fail_at(m, SECLOG_E_MSG_UTF8, pos);
		m->msg_bom = true;
	}
	m->msg = (struct seclog_slice){.p = d + pos, .n = len - pos};
	return SECLOG_OK;
}

/* The four text fields of the header, in order, with their limits (§6). */
static const struct {
	size_t max;
	int e_len, e_char;
} fields[4] = {
        {255, SECLOG_E_HOSTNAME_LEN, SECLOG_E_HOSTNAME_CHAR},
        {48, SECLOG_E_APPNAME_LEN, SECLOG_E_APPNAME_CHAR},
        {128, SECLOG_E_PROCID_LEN, SECLOG_E_PROCID_CHAR},
        {32, SECLOG_E_MSGID_LEN, SECLOG_E_MSGID_CHAR},
};

int seclog_parse_5424(const char *data, size_t len, struct seclog_parsed *m)
{
	struct seclog_slice *out[4] = {&m->hostname, &m->app_name, &m->procid, &m->msgid};
	size_t pos = 0;
	int rc;

	msg_reset(m, SECLOG_FMT_RFC5424);
	rc = parse_pri(data, len, &pos, m);
	if (rc)
		return rc;
	/* VERSION = NONZERO-DIGIT 0*2DIGIT; only 1 is defined. */
	if (pos >= len || data[pos] != '1' || (pos + 1 < len && is_digit(data[pos + 1])))
		return fail_at(m, SECLOG_E_VERSION, pos);
	m->version = 1;
	pos++;
	rc = expect_sp(data, len, &pos, m);
	if (!rc)
		rc = parse_time_5424(data, len, &pos, m);
	for (size_t k = 0; k < 4 && !rc; k++) {
		rc = expect_sp(data, len, &pos, m);
		if (!rc)
			rc = header_field(data, len, &pos, fields[k].max, fields[k].e_len,
			                  fields[k].e_char, out[k], m);
	}
	if (!rc)
		rc = expect_sp(data, len, &pos, m);
	if (!rc)
		rc = parse_sd(data, len, &pos, m);
	if (rc)
		return rc;
	return parse_msg(data, len, pos, m);
}

long seclog_sd_unescape(struct seclog_slice v, char *out, size_t out_cap)
{
	size_t o = 0;

	if (out_cap == 0)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		char c = v.p[i];

		if (c == '\\' && i + 1 < v.n &&
		    (v.p[i + 1] == '"' || v.p[i + 1] == '\\' || v.p[i + 1] == ']'))
			c = v.p[++i];
		if (o + 1 >= out_cap) {
			out[0] = '\0';
			return -1;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return (long)o;
}

/* ---- RFC 3164 ---- */

static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Mmm dd hh:mm:ss", the day space-padded (§4.1.2), checked as a real date. */
static int parse_time_3164(const char *d, size_t len, size_t pos, int year, int off,
                           struct seclog_parsed *m)
{
	const char *t = d + pos;
	char iso[32]; /* 20 used: year is 1970..9999 */
	int mon = -1;

	if (len - pos < 15)
		return fail_at(m, SECLOG_E_3164_TIMESTAMP, pos);
	for (int k = 0; k < 12; k++) {
		if (!memcmp(t, months[k], 3))
			mon = k + 1;
	}
	if (mon < 0 || t[3] != ' ' || !(t[4] == ' ' || (t[4] >= '1' && t[4] <= '3')) ||
	    !is_digit(t[5]) || (t[4] == ' ' && t[5] == '0') || t[6] != ' ' || !is_digit(t[7]) ||
	    !is_digit(t[8]) || t[9] != ':' || !is_digit(t[10]) || !is_digit(t[11]) ||
	    t[12] != ':' || !is_digit(t[13]) || !is_digit(t[14]))
		return fail_at(m, SECLOG_E_3164_TIMESTAMP, pos);
	snprintf(iso, sizeof(iso), "%04d-%02d-%c%cT%c%c:%c%c:%c%cZ", year, mon,
	         t[4] == ' ' ? '0' : t[4], t[5], t[7], t[8], t[10], t[11], t[13], t[14]);
	if (sk_time_parse(iso, 20, &m->time_us) != SK_OK)
		return fail_at(m, SECLOG_E_3164_TIMESTAMP, pos);
	m->time_us -= (int64_t)off * 60 * 1000000;
	m->tz_offset_min = off;
	m->has_time = true;
	m->timestamp = (struct seclog_slice){.p = t, .n = 15};
	return SECLOG_OK;
}

static bool is_tag_char(char c)
{
	return is_print(c) && c != ':' && c != '[' && c != ']';
}

/*
 * TAG [ "[" PID "]" ] ":" [SP] CONTENT. The RFC's TAG is alphanumeric, but
 * real senders use '-', '.', '_' and '/' ("postfix/smtpd"): any printable
 * character but ':' '[' ']' is taken. A MSG not of that shape has no tag.
 */
static int parse_tag(const char *d, size_t len, size_t pos, struct seclog_parsed *m)
{
	size_t i = pos, pstart = 0, pend = 0;

	while (i < len && is_tag_char(d[i]))
		i++;
	if (i > pos && i < len && d[i] == '[') {
		pstart = ++i;
		while (i < len && is_print(d[i]) && d[i] != ']' && d[i] != '[')
			i++;
		if (i < len && d[i] == ']') {
			pend = i;
			i++;
		} else {
			i = pos; /* not the shape: no tag */
		}
	}
	if (i == pos || i >= len || d[i] != ':') {
		m->msg = (struct seclog_slice){.p = d + pos, .n = len - pos};
		return SECLOG_OK;
	}
	if (pend) {
		if (pend == pstart || pend - pstart > 128)
			return fail_at(m, SECLOG_E_3164_TAG, pstart);
		m->procid = (struct seclog_slice){.p = d + pstart, .n = pend - pstart};
	}
	m->app_name = (struct seclog_slice){.p = d + pos, .n = (pend ? pstart - 1 : i) - pos};
	if (m->app_name.n > 32)
		return fail_at(m, SECLOG_E_3164_TAG, pos);
	i++;
	if (i < len && d[i] == ' ')
		i++;
	m->msg = (struct seclog_slice){.p = d + i, .n = len - i};
	return SECLOG_OK;
}

int seclog_parse_3164(const char *data, size_t len, int year, int utc_offset_min,
                      struct seclog_parsed *m)
{
	size_t pos = 0, h;
	int rc;

	msg_reset(m, SECLOG_FMT_RFC3164);
	if (year < 1970 || year > 9999 || utc_offset_min < -(23 * 60 + 59) ||
	    utc_offset_min > 23 * 60 + 59)
		return fail_at(m, SECLOG_E_YEAR, 0);
	rc = parse_pri(data, len, &pos, m);
	if (rc)
		return rc;
	rc = parse_time_3164(data, len, pos, year, utc_offset_min, m);
	if (rc)
		return rc;
	pos += 15;
	if (pos >= len || data[pos] != ' ')
		return fail_at(m, SECLOG_E_3164_TIMESTAMP, pos);
	h = ++pos;
	while (pos < len && data[pos] != ' ') {
		if (!is_print(data[pos]) || pos - h >= 255)
			return fail_at(m, SECLOG_E_3164_HOSTNAME, pos);
		pos++;
	}
	if (pos == h)
		return fail_at(m, SECLOG_E_3164_HOSTNAME, pos);
	m->hostname = (struct seclog_slice){.p = data + h, .n = pos - h};
	if (pos == len)
		return SECLOG_OK;
	return parse_tag(data, len, pos + 1, m);
}

int seclog_parse(const char *data, size_t len, bool allow_3164, int year, int utc_offset_min,
                 struct seclog_parsed *m)
{
	size_t i = 1;

	/* Skip "<digits>" only to look at what follows; the parsers check it properly. */
	while (i < len && i < 5 && data[i] != '>')
		i++;
	if (len && data[0] == '<' && i + 1 < len && is_digit(data[i + 1]))
		return seclog_parse_5424(data, len, m);
	if (!allow_3164) {
		int rc = seclog_parse_5424(data, len, m);

		return rc ? rc : fail_at(m, SECLOG_E_VERSION, 0);
	}
	return seclog_parse_3164(data, len, year, utc_offset_min, m);
}
