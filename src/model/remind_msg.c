/*
 * The reminder mail (docs/internals/reminders.md): built only from kinds and
 * counts, in the web UI's own Swedish texts, so that nothing classified and
 * no second copy of a sentence can be in it. Every header value is checked
 * to be printable ASCII after it is made: the header-injection defence does
 * not rest on the callers alone.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "embedded.h"
#include "model/remind.h"

#define I18N_FILE "web/i18n/sv-rules.json"
#define QP_LINE   76 /* RFC 2045 6.7 (5): encoded lines at most 76 characters */

static json_t *texts;
static pthread_once_t texts_once = PTHREAD_ONCE_INIT;

static void texts_load(void)
{
	for (size_t i = 0; i < sk_embedded_count; i++) {
		if (strcmp(sk_embedded_files[i].name, I18N_FILE) == 0) {
			texts = json_loadb((const char *)sk_embedded_files[i].data,
			                   sk_embedded_files[i].len, 0, NULL);
			return;
		}
	}
}

/* The Swedish text of key, or NULL. */
static const char *text(const char *key)
{
	pthread_once(&texts_once, texts_load);
	return json_string_value(json_object_get(texts, key));
}

/* Printable ASCII only: nothing that can end a header line or start a new one. */
static bool header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static bool url_safe(const char *s)
{
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return false;
	if (strlen(s) > 200)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Appends s with {name} replaced by value. */
static void put_subst(struct buf *b, const char *s, const char *name, const char *value)
{
	size_t n = strlen(name);

	while (*s) {
		if (strncmp(s, name, n) == 0) {
			buf_puts(b, value);
			s += n;
		} else {
			buf_putc(b, *s++);
		}
	}
}

/* An RFC 2047 encoded word (UTF-8, Q) for a header of non-ASCII text. */
static void put_encoded_word(struct buf *b, const char *s)
{
	buf_puts(b, "=?UTF-8?Q?");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			buf_putc(b, (char)c);
		else if (c == ' ')
			buf_putc(b, '_');
		else
			buf_printf(b, "=%02X", c);
	}
	buf_puts(b, "?=");
}

/* One body line (no line break in it) as quoted-printable, with soft breaks, then CRLF. */
static void put_qp_line(struct buf *b, const char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char enc[4];
		bool last = i + 1 == n;

		if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
			snprintf(enc, sizeof(enc), "%c", c);
		else
			snprintf(enc, sizeof(enc), "=%02X", c);
		/* room for the soft break's "=" after what we add */
		if (col + strlen(enc) > QP_LINE - 1) {
			buf_puts(b, "=\r\n");
			col = 0;
		}
		buf_puts(b, enc);
		col += strlen(enc);
	}
	buf_puts(b, "\r\n");
}

/* The body, line by line ('\n'), quoted-printable. */
static void put_qp(struct buf *b, const char *body)
{
	const char *p = body;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		put_qp_line(b, p, n);
		p += n + (nl ? 1 : 0);
	}
}

/* The body text: the lines of Att göra with their counts, where to look, and the notice. */
static int body_text(const json_t *todo, const char *public_url, struct buf *body)
{
	const char *intro = text("remind.intro"), *notice = text("remind.notice"),
	           *stop = text("remind.stop");
	const char *look = public_url ? text("remind.url") : text("remind.login");
	const json_t *x;
	size_t i, lines = 0;

	if (!intro || !notice || !stop || !look)
		return SK_EINTERNAL; /* the embedded texts lack a key: a build fault */
	buf_puts(body, intro);
	buf_puts(body, "\n\n");
	json_array_foreach(todo, i, x)
	{
		const char *kind = json_string_value(json_object_get(x, "kind"));
		json_int_t n = json_integer_value(json_object_get(x, "count"));
		char key[80], num[24];
		const char *t;

		if (!kind || n <= 0 || strlen(kind) > 64)
			continue;
		snprintf(key, sizeof(key), "todo.%s", kind);
		t = text(key);
		if (!t)
			continue; /* a kind without a text is not said at all: never a raw code */
		snprintf(num, sizeof(num), "%lld", (long long)n);
		buf_puts(body, "- ");
		put_subst(body, t, "{n}", num);
		buf_putc(body, '\n');
		lines++;
	}
	if (!lines)
		return SK_ENOTFOUND;
	buf_putc(body, '\n');
	put_subst(body, look, "{url}", public_url ? public_url : "");
	buf_puts(body, "\n\n");
	buf_puts(body, notice);
	buf_putc(body, '\n');
	buf_puts(body, stop);
	buf_putc(body, '\n');
	return body->err;
}

int remind_message(const char *from, const char *to, const char *public_url, const json_t *todo,
                   time_t now, struct buf *out)
{
	const char *subject = text("remind.subject");
	const char *at = from ? strchr(from, '@') : NULL;
	unsigned char rnd[12];
	char date[64], id[25];
	struct buf body;
	struct tm tm;
	size_t start = out->len;
	int rc;

	if (!from || !to || !from[0] || !to[0] || !model_email_valid(from) ||
	    !model_email_valid(to) || !at)
		return SK_EINVAL;
	if (public_url && !url_safe(public_url))
		return SK_EINVAL;
	if (!subject)
		return SK_EINTERNAL;
	buf_init(&body, 64 * 1024);
	rc = body_text(todo, public_url, &body);
	if (rc) {
		buf_release(&body);
		return rc;
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	randombytes_buf(rnd, sizeof(rnd));
	sk_hex_encode(rnd, sizeof(rnd), id, sizeof(id));
	buf_printf(out, "From: <%s>\r\nTo: <%s>\r\nSubject: ", from, to);
	put_encoded_word(out, subject);
	buf_printf(out,
	           "\r\nDate: %s\r\nMessage-ID: <%s.skydd@%s>\r\nMIME-Version: 1.0\r\n"
	           "Content-Type: text/plain; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: quoted-printable\r\n"
	           "Auto-Submitted: auto-generated\r\n\r\n",
	           date, id, at + 1);
	/* Belt and braces: every header line, as made, is printable ASCII. */
	if (!out->err) {
		const char *h = out->ptr + start, *end = strstr(h, "\r\n\r\n");

		while (h < end) {
			const char *e = strstr(h, "\r\n");
			char line[512];

			if ((size_t)(e - h) >= sizeof(line) || (size_t)(e - h) > 998)
				rc = SK_EINVAL;
			else {
				snprintf(line, sizeof(line), "%.*s", (int)(e - h), h);
				if (!header_safe(line))
					rc = SK_EINVAL;
			}
			h = e + 2;
		}
	}
	put_qp(out, body.ptr);
	buf_release(&body);
	if (!rc)
		rc = out->err;
	return rc;
}
