/*
 * The deadlines as an iCalendar feed (RFC 5545), one per identity, behind a
 * secret URL key that the owner creates and revokes. Only the SHA-256 of the
 * key is kept (calendar_key, operational). The feed shows what the owner may
 * see, decided at every fetch from the owner's account as it is then (status,
 * roles in force, clearance, need-to-know lists): everything for the
 * oversight roles, otherwise the owner's own items; an object the owner may
 * not see is named by its kind only. An owner disabled or without any role
 * in force has no feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "model/model.h"
#include "rules/rules.h"

#define KEY_BYTES  24
#define FEED_DAYS  365
#define KEY_PREFIX "skc_"

static void key_hash(const char *key, char out[65])
{
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
	sk_hex_encode(h, sizeof(h), out, 65);
}

struct cal_cmd {
	int64_t id;
	const char *hash; /* NULL = revoke */
};

static int cal_fn(struct store_tx *tx, void *arg)
{
	struct cal_cmd *c = arg;
	char now[SK_TIME_LEN + 1];
	int rc = store_tx_run(tx, "DELETE FROM calendar_key WHERE identity_id = ?1", "i", c->id);

	if (rc || !c->hash)
		return rc;
	model_time(store_tx_now(tx), now);
	return store_tx_run(tx,
	                    "INSERT INTO calendar_key (identity_id, key_hash, created_at) VALUES "
	                    "(?1, ?2, ?3)",
	                    "itt", c->id, c->hash, now);
}

int rules_calendar_create(struct model *m, const struct principal *p, char *key, size_t cap)
{
	uint8_t raw[KEY_BYTES];
	char hex[2 * KEY_BYTES + 1], hash[65];
	struct cal_cmd c;
	struct store_cmd sc;
	int rc;

	/*
	 * A service token acts with its own, smaller rights; the feed would read
	 * as its creator (clearance, lists, every role): a person's feed only.
	 */
	if (p->token_id || p->id <= 0)
		return SK_EPERM;
	if (cap < sizeof(KEY_PREFIX) + 2 * KEY_BYTES)
		return SK_ERANGE;
	randombytes_buf(raw, sizeof(raw));
	sk_hex_encode(raw, sizeof(raw), hex, sizeof(hex));
	snprintf(key, cap, KEY_PREFIX "%s", hex);
	key_hash(key, hash);
	c.id = p->id;
	c.hash = hash;
	store_cmd_init(&sc, cal_fn, &c);
	rc = store_submit(model_store(m), &sc);
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int rules_calendar_revoke(struct model *m, const struct principal *p)
{
	struct cal_cmd c = {p->id, NULL};
	struct store_cmd sc;

	if (p->token_id || p->id <= 0)
		return SK_EPERM;
	store_cmd_init(&sc, cal_fn, &c);
	return store_submit(model_store(m), &sc);
}

/* Appends one content line, escaped (RFC 5545 3.3.11) and folded at 75 octets. */
static void ics_line(struct buf *b, const char *name, const char *value, bool text)
{
	struct buf l;
	size_t col = 0;

	buf_init(&l, 8192);
	buf_puts(&l, name);
	for (const char *s = value; *s; s++) {
		if (text && (*s == '\\' || *s == ';' || *s == ','))
			buf_putc(&l, '\\');
		if (text && *s == '\n') {
			buf_puts(&l, "\\n");
			continue;
		}
		buf_putc(&l, *s);
	}
	for (size_t i = 0; i < l.len; i++) {
		unsigned char ch = (unsigned char)l.ptr[i];

		/* fold before 75 octets, never inside a UTF-8 sequence */
		if (col >= 73 && (ch & 0xC0) != 0x80) {
			buf_puts(b, "\r\n ");
			col = 1;
		}
		buf_putc(b, (char)ch);
		col++;
	}
	buf_puts(b, "\r\n");
	buf_release(&l);
}

static const char *kind_sv(const char *kind)
{
	static const struct {
		const char *kind, *sv;
	} k[] = {{"inventory", "Inventering förfaller"},
	         {"grant_review", "Omprövning av privilegierad behörighet"},
	         {"grant_expiry", "Privilegierad behörighet upphör"},
	         {"receipt", "Kvittens ska vara undertecknad"},
	         {"shipment", "Leverans ska vara bekräftad"},
	         {"exemption", "Undantag upphör"},
	         {"verify", "Verifiera säkerhetsloggen"},
	         {"deviation", "Åtgärd i åtgärdsplanen"},
	         {"incident_report", "Anmälan till Säkerhetspolisen"}};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (strcmp(k[i].kind, kind) == 0)
			return k[i].sv;
	}
	return kind;
}

int rules_calendar_feed(struct model *m, const char *key, struct buf *out)
{
	struct store_reader *rd = model_reader(m);
	char hash[65], today[11], stamp[17], now[SK_TIME_LEN + 1];
	struct principal owner = {0};
	int clearance = CLEAR_NONE;
	struct store_q *q;
	json_t *list, *v;
	size_t i;

	if (!rd || !key || strncmp(key, KEY_PREFIX, strlen(KEY_PREFIX)) != 0 || strlen(key) > 128)
		return SK_ENOTFOUND;
	key_hash(key, hash);
	model_today(today);
	if (store_reader_query(rd,
	                       "SELECT k.identity_id, " MODEL_CLEARANCE_OF_IDENTITY(
	                               "i.id", "?2") " FROM "
	                                             "calendar_key k JOIN identity i ON i.id = "
	                                             "k.identity_id WHERE k.key_hash = "
	                                             "?1 AND i.status = 'active'",
	                       &q))
		return SK_ENOTFOUND;
	store_q_bind_text(q, 1, hash);
	store_q_bind_text(q, 2, today);
	if (store_q_step(q) == SK_OK) {
		owner.id = store_q_int(q, 0);
		clearance = clearance_parse(store_q_text(q, 1));
	}
	store_q_done(q);
	if (!owner.id)
		return SK_ENOTFOUND;
	if (!store_reader_query(
	            rd, "SELECT DISTINCT role FROM role_grant WHERE " MODEL_GRANT_IN_FORCE("?1"),
	            &q)) {
		store_q_bind_int(q, 1, owner.id);
		store_q_bind_text(q, 2, today);
		while (store_q_step(q) == SK_OK) {
			int r = role_parse(store_q_text(q, 0));

			if (r >= 0)
				owner.roles |= ROLE_BIT(r);
		}
		store_q_done(q);
	}
	/* The feed reads as its owner would now: no role in force, no feed (as no login). */
	if (!owner.roles)
		return SK_ENOTFOUND;
	owner.clearance = clearance < 0 ? CLEAR_NONE : (enum clearance)clearance;
	list = rules_deadlines_for(rd, today, FEED_DAYS, &owner);
	model_time(sk_now_us(), now);
	/* 2026-11-25T13:01:02... → 20261125T130102Z */
	snprintf(stamp, sizeof(stamp), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", now, now + 5, now + 8,
	         now + 11, now + 14, now + 17);
	buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//skydd//deadlines//SV\r\n"
	              "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
	ics_line(out, "X-WR-CALNAME:", "skydd – kommande", true);
	json_array_foreach(list, i, v)
	{
		const json_t *o = json_object_get(v, "object");
		const char *due = json_string_value(json_object_get(v, "due"));
		const char *kind = json_string_value(json_object_get(v, "kind"));
		char uid[160], date[9], summary[512];

		if (!due || strlen(due) != 10)
			continue;
		snprintf(uid, sizeof(uid), "%s-%s-%lld-%s@skydd", kind,
		         json_string_value(json_object_get(o, "type")),
		         (long long)json_integer_value(json_object_get(o, "id")), due);
		snprintf(date, sizeof(date), "%.4s%.2s%.2s", due, due + 5, due + 8);
		/* a hidden object: what falls due and under which paragraph, not what about */
		if (json_is_true(json_object_get(o, "hidden")) || !json_object_get(o, "label"))
			snprintf(summary, sizeof(summary), "%s: %s (%s)", kind_sv(kind),
			         "uppgifter dolda (behovsprövning)",
			         json_string_value(json_object_get(v, "ref")));
		else
			snprintf(summary, sizeof(summary), "%s: %s (%s)", kind_sv(kind),
			         json_string_value(json_object_get(o, "label")),
			         json_string_value(json_object_get(v, "ref")));
		buf_puts(out, "BEGIN:VEVENT\r\n");
		ics_line(out, "UID:", uid, false);
		ics_line(out, "DTSTAMP:", stamp, false);
		ics_line(out, "DTSTART;VALUE=DATE:", date, false);
		ics_line(out, "SUMMARY:", summary, true);
		buf_puts(out, "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
	}
	buf_puts(out, "END:VCALENDAR\r\n");
	json_decref(list);
	return out->err ? SK_ENOMEM : SK_OK;
}
