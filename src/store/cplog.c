/*
 * checkpoints.log: reading it note by note (streaming, any size), telling a
 * note cut short by a crash from garbage, and repairing such a torn tail.
 * Used by verify (for the log and --against files) and by store_open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

#define CPLOG_LINE_MAX 4096
#define CPLOG_NOTE_MAX STORE_CPLOG_NOTE_MAX

static const char sig_prefix[] = "\xe2\x80\x94 "; /* U+2014 and a space */

static bool is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

/*
 * Could p[0..n) be the beginning of one of our notes, cut off before its
 * signature line was complete? "origin\nsize\nroot\n\n— name base64\n",
 * with every line complete except possibly the last. Trailing NUL bytes
 * (a file extended before its data reached the disk) are allowed.
 */
static bool torn_prefix(const char *p, size_t n, const char *origin, const char *name)
{
	size_t line = 0, i = 0;

	while (n > 0 && p[n - 1] == '\0')
		n--;
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
		const char *l = p + i;
		bool done = nl != NULL;

		switch (line) {
		case 0: /* origin */
			if (len > strlen(origin) || memcmp(l, origin, len) != 0 ||
			    (done && len != strlen(origin)))
				return false;
			break;
		case 1: /* size */
			if (len > 20 || (done && len == 0))
				return false;
			for (size_t k = 0; k < len; k++)
				if (l[k] < '0' || l[k] > '9')
					return false;
			break;
		case 2: /* root */
			if (len > 44 || (done && len != 44))
				return false;
			for (size_t k = 0; k < len; k++)
				if (!is_b64(l[k]))
					return false;
			break;
		case 3: /* the blank line */
			if (len != 0)
				return false;
			break;
		case 4: { /* the signature line, never complete in a torn note */
			size_t plen = strlen(sig_prefix), nlen = strlen(name);

			if (done)
				return false;
			for (size_t k = 0; k < len; k++) {
				char want;

				if (k < plen)
					want = sig_prefix[k];
				else if (k < plen + nlen)
					want = name[k - plen];
				else if (k == plen + nlen)
					want = ' ';
				else if (is_b64(l[k]))
					continue;
				else
					return false;
				if (l[k] != want)
					return false;
			}
			break;
		}
		default:
			return false;
		}
		i += len + (done ? 1 : 0);
		line++;
	}
	return n > 0;
}

struct scan {
	FILE *f;
	const struct ledger_verifier *vf;
	struct store_cplog_result *res;
	store_cplog_fn fn;
	void *ctx;
	char note[CPLOG_NOTE_MAX];
	size_t nlen;
	uint64_t note_off; /* where the note being read starts */
	bool lazy;         /* parse only; the callback verifies */
};

static int note_done(struct scan *sc)
{
	struct ledger_checkpoint cp;
	const char *blank = memmem(sc->note, sc->nlen, "\n\n", 2);
	int rc;

	/*
	 * Lazily, only the body is parsed (a checkpoint's text has no blank
	 * line): the caller checks the signature where it matters.
	 */
	if (sc->lazy ? !blank || ledger_checkpoint_parse(sc->note, (size_t)(blank - sc->note) + 1,
	                                                 &cp) != SK_OK
	             : ledger_checkpoint_open(sc->note, sc->nlen, sc->vf, &cp) != SK_OK) {
		sc->res->bad_off = sc->note_off;
		snprintf(sc->res->why, sizeof(sc->res->why),
		         "checkpoint at byte %llu does not verify with this instance's key",
		         (unsigned long long)sc->note_off);
		return SK_EVERIFY;
	}
	sc->res->notes++;
	if (cp.size > sc->res->max_size || sc->res->notes == 1)
		sc->res->max_size = cp.size;
	rc = sc->fn ? sc->fn(sc->ctx, sc->note_off, &cp, sc->note, sc->nlen) : SK_OK;
	sc->nlen = 0;
	return rc;
}

static bool note_add(struct scan *sc, const char *line, size_t len)
{
	if (len > sizeof(sc->note) - sc->nlen)
		return false;
	memcpy(sc->note + sc->nlen, line, len);
	sc->nlen += len;
	return true;
}

/*
 * Reads one line (with its newline) into line, at most CPLOG_LINE_MAX + 1
 * bytes: a longer line is cut there, so its last byte is not a newline and
 * the caller treats it as garbage. NUL bytes are kept. Returns the length,
 * 0 at the end of the file.
 */
static size_t read_line(FILE *f, char *line)
{
	size_t n = 0;
	int c;

	while (n < CPLOG_LINE_MAX + 1 && (c = getc_unlocked(f)) != EOF) {
		line[n++] = (char)c;
		if (c == '\n')
			break;
	}
	return n;
}

int store_cplog_scan(const char *path, const struct ledger_verifier *vf, const char *origin,
                     bool lazy, store_cplog_fn fn, void *ctx, struct store_cplog_result *res)
{
	FILE *f;
	int rc;

	memset(res, 0, sizeof(*res));
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? SK_ENOTFOUND : SK_EIO;
	rc = store_cplog_scan_stream(f, vf, origin, lazy, fn, ctx, res);
	fclose(f);
	return rc;
}

int store_cplog_scan_stream(FILE *f, const struct ledger_verifier *vf, const char *origin,
                            bool lazy, store_cplog_fn fn, void *ctx, struct store_cplog_result *res)
{
	enum { TEXT, SIG0, SIG } state = TEXT;
	struct scan *sc;
	char *line = NULL;
	uint64_t off = 0;
	size_t got;
	bool frag = false;
	int rc = SK_OK;

	memset(res, 0, sizeof(*res));
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return SK_ENOMEM;
	sc->f = f;
	line = malloc(CPLOG_LINE_MAX + 1);
	if (!line) {
		free(sc);
		return SK_ENOMEM;
	}
	sc->vf = vf;
	sc->res = res;
	sc->fn = fn;
	sc->ctx = ctx;
	sc->lazy = lazy;
	while (!rc && (got = read_line(sc->f, line)) > 0) {
		size_t len = got;

		if (len > CPLOG_LINE_MAX) {
			rc = SK_EVERIFY; /* no line of a note is that long */
			break;
		}
		if (line[len - 1] != '\n') {
			/* The last line, without its newline: checked as a fragment below. */
			if (state == SIG)
				rc = note_done(sc);
			if (state == SIG || sc->nlen == 0)
				sc->note_off = off;
			off += len;
			frag = true;
			break;
		}
		switch (state) {
		case TEXT:
			if (len == 1 && sc->nlen == 0)
				break; /* an extra blank line between notes */
			if (sc->nlen == 0)
				sc->note_off = off;
			if (!note_add(sc, line, len))
				rc = SK_EVERIFY;
			else if (len == 1)
				state = SIG0;
			break;
		case SIG0:
			if (strncmp(line, sig_prefix, strlen(sig_prefix)) != 0 ||
			    !note_add(sc, line, len))
				rc = SK_EVERIFY; /* a blank line not followed by a signature */
			else
				state = SIG;
			break;
		case SIG:
			if (strncmp(line, sig_prefix, strlen(sig_prefix)) == 0) {
				if (!note_add(sc, line, len))
					rc = SK_EVERIFY;
				break;
			}
			rc = note_done(sc);
			state = TEXT;
			if (rc || len == 1)
				break;
			/* The separator was never written: a new note starts here. */
			sc->note_off = off;
			if (!note_add(sc, line, len))
				rc = SK_EVERIFY;
			break;
		}
		off += len;
	}
	if (!rc && ferror(sc->f))
		rc = SK_EIO;
	if (!rc && !frag && state == SIG)
		rc = note_done(sc);
	else if (!rc && (frag || sc->nlen > 0)) {
		/* An unfinished note at the end: torn by a crash, or garbage? */
		size_t flen = (size_t)(off - sc->note_off);
		char *frag_text = flen <= CPLOG_NOTE_MAX ? malloc(flen ? flen : 1) : NULL;

		if (flen > CPLOG_NOTE_MAX) {
			rc = SK_EVERIFY; /* longer than any note: not one cut short */
		} else if (!frag_text) {
			rc = SK_ENOMEM;
		} else if (fseeko(sc->f, (off_t)sc->note_off, SEEK_SET) != 0 ||
		           fread(frag_text, 1, flen, sc->f) != flen) {
			rc = SK_EIO;
		} else if (torn_prefix(frag_text, flen, origin, vf->name)) {
			res->torn = flen;
			res->torn_off = sc->note_off;
		} else {
			rc = SK_EVERIFY;
		}
		free(frag_text);
	}
	if (rc == SK_EVERIFY && !res->why[0]) {
		res->bad_off = sc->note_off;
		snprintf(res->why, sizeof(res->why),
		         "byte %llu: not a signed checkpoint (garbage after %llu good notes)",
		         (unsigned long long)sc->note_off, (unsigned long long)res->notes);
	}
	free(line);
	free(sc);
	return rc;
}

int store_cplog_repair(const char *path, uint64_t len, uint64_t expect)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int rc = SK_OK;

	if (fd < 0)
		return SK_EIO;
	/*
	 * The writer appends under the same lock: a file that grew since the
	 * scan is being written (another process has this instance open), and
	 * its tail is not ours to cut.
	 */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		rc = SK_EBUSY;
	else if (fstat(fd, &st) != 0)
		rc = SK_EIO;
	else if ((uint64_t)st.st_size != expect)
		rc = SK_EBUSY;
	else if (ftruncate(fd, (off_t)len) != 0 || fsync(fd) != 0)
		rc = SK_EIO;
	close(fd); /* releases the lock */
	return rc;
}
