/*
 * QR codes for TOTP enrolment (libqrencode, error correction M): an SVG for
 * the web UI and UTF-8 half blocks for the terminal, both with the 4-module
 * quiet zone that scanners need.
 */
#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "auth/auth.h"

/* Encodes text as bytes, so an otpauth URI is taken exactly as written. */
static int qr_encode(const char *text, QRcode **qr)
{
	size_t len;

	*qr = NULL;
	if (!text || !*text)
		return SK_EINVAL;
	len = strnlen(text, AUTH_QR_MAX_TEXT + 1);
	if (len > AUTH_QR_MAX_TEXT)
		return SK_ETOOBIG;
	errno = 0;
	*qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!*qr)
		return errno == ENOMEM ? SK_ENOMEM : SK_ETOOBIG;
	return SK_OK;
}

/* Is module (x, y) dark? Coordinates include the quiet zone, which is light. */
static bool qr_dark(const QRcode *qr, int x, int y)
{
	x -= AUTH_QR_QUIET;
	y -= AUTH_QR_QUIET;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return qr->data[y * qr->width + x] & 1;
}

int auth_qr_svg(const char *text, struct buf *out)
{
	QRcode *qr = NULL;
	int n, err;

	err = qr_encode(text, &qr);
	if (err != SK_OK)
		goto out;
	n = qr->width + 2 * AUTH_QR_QUIET;
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	           "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	           "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	           n, n, n, n);
	/* One subpath per horizontal run of dark modules keeps the path short. */
	for (int y = 0; y < qr->width; y++) {
		for (int x = 0; x < qr->width; x++) {
			int run = 0;

			while (x + run < qr->width &&
			       qr_dark(qr, x + run + AUTH_QR_QUIET, y + AUTH_QR_QUIET))
				run++;
			if (run == 0)
				continue;
			buf_printf(out, "M%d %dh%dv1h-%dz", x + AUTH_QR_QUIET, y + AUTH_QR_QUIET,
			           run, run);
			x += run;
		}
	}
	/* The buffer's error is sticky: the last append reports any earlier failure. */
	err = buf_puts(out, "\"/></svg>\n");
out:
	QRcode_free(qr);
	return err;
}

int auth_qr_utf8(const char *text, struct buf *out)
{
	/* Indexed by (top light) | (bottom light) << 1; light is drawn, dark is background. */
	static const char *const cell[4] = {" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"};
	QRcode *qr = NULL;
	int n, err;

	err = qr_encode(text, &qr);
	if (err != SK_OK)
		goto out;
	n = qr->width + 2 * AUTH_QR_QUIET;
	for (int y = 0; y < n; y += 2) {
		for (int x = 0; x < n; x++) {
			/* Below the last row is the terminal, not the code: leave it dark. */
			int top = !qr_dark(qr, x, y);
			int bottom = y + 1 < n && !qr_dark(qr, x, y + 1);

			buf_puts(out, cell[top | bottom << 1]);
		}
		buf_putc(out, '\n');
	}
	err = out->err;
out:
	QRcode_free(qr);
	return err;
}
