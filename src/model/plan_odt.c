/*
 * The yearly report as an OpenDocument text (ODT) that an agency can edit
 * further: the summary, per strategic priority and objective the current
 * measures with their markers, the changes since last year, the free
 * sections, and the appendix (Bilaga 1) grouped by status, with the year and
 * the reason. The container is libzip's (in memory): ODF 1.2 needs the
 * mimetype first and stored, then the manifest, styles.xml (named styles
 * the agency keeps editing with) and content.xml.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "model/plan.h"
#include "model/plan_int.h"
#include "model/reg_int.h"

/* ---- the zip container (libzip, in memory) ---- */

/* 1980-01-01 00:00 UTC, zip's epoch: the bytes depend on the report only. */
#define ODT_MTIME ((time_t)315532800)

/* Adds one member, stored (ODF wants the mimetype first and uncompressed) or deflated. */
static int odt_add(zip_t *za, const char *name, const void *data, size_t len, bool store)
{
	zip_source_t *src = zip_source_buffer(za, data, len, 0);
	zip_int64_t idx;

	if (!src)
		return SK_ENOMEM;
	idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(src);
		return SK_ENOMEM;
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
	                             0) != 0 ||
	    zip_file_set_mtime(za, (zip_uint64_t)idx, ODT_MTIME, 0) != 0)
		return SK_ENOMEM;
	return SK_OK;
}

/* Copies the finished archive held by src to out. */
static int odt_read_back(zip_source_t *src, struct buf *out)
{
	zip_stat_t st;
	char chunk[16384];
	zip_int64_t n;
	int rc = SK_OK;

	if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0)
		return SK_ENOMEM;
	while ((n = zip_source_read(src, chunk, sizeof(chunk))) > 0)
		buf_append(out, chunk, (size_t)n);
	if (n < 0 || out->err)
		rc = out->err == SK_ETOOBIG ? SK_ETOOBIG : SK_ENOMEM;
	zip_source_close(src);
	return rc;
}

/* mimetype, manifest and content as an ODT archive in out. */
/*
 * The document's named styles (styles.xml): the names a word processor lists
 * and an agency keeps using when it edits further — Rubrik 1/2 (Heading 1/2,
 * outline levels, kept with the next paragraph), Brödtext, Tabellinnehåll,
 * Tabellrubrik — and an A4 page with 2 cm margins.
 */
static const char styles_xml[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<office:document-styles "
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
        "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "
        "office:version=\"1.2\">"
        "<office:styles>"
        "<style:default-style style:family=\"paragraph\">"
        "<style:paragraph-properties fo:orphans=\"2\" fo:widows=\"2\"/>"
        "<style:text-properties fo:font-size=\"11pt\" fo:language=\"sv\" fo:country=\"SE\"/>"
        "</style:default-style>"
        "<style:style style:name=\"Standard\" style:family=\"paragraph\" "
        "style:class=\"text\"/>"
        "<style:style style:name=\"Text_20_body\" style:display-name=\"Text body\" "
        "style:family=\"paragraph\" style:parent-style-name=\"Standard\" "
        "style:class=\"text\">"
        "<style:paragraph-properties fo:margin-top=\"0cm\" fo:margin-bottom=\"0.2cm\"/>"
        "</style:style>"
        "<style:style style:name=\"Heading\" style:family=\"paragraph\" "
        "style:parent-style-name=\"Standard\" style:next-style-name=\"Text_20_body\" "
        "style:class=\"text\">"
        "<style:paragraph-properties fo:margin-top=\"0.4cm\" fo:margin-bottom=\"0.2cm\" "
        "fo:keep-with-next=\"always\"/>"
        "<style:text-properties fo:font-weight=\"bold\"/></style:style>"
        "<style:style style:name=\"Title\" style:family=\"paragraph\" "
        "style:parent-style-name=\"Heading\" style:class=\"chapter\">"
        "<style:text-properties fo:font-size=\"20pt\" fo:font-weight=\"bold\"/></style:style>"
        "<style:style style:name=\"Heading_20_1\" style:display-name=\"Heading 1\" "
        "style:family=\"paragraph\" style:parent-style-name=\"Heading\" "
        "style:next-style-name=\"Text_20_body\" style:default-outline-level=\"1\" "
        "style:class=\"text\">"
        "<style:text-properties fo:font-size=\"15pt\" fo:font-weight=\"bold\"/></style:style>"
        "<style:style style:name=\"Heading_20_2\" style:display-name=\"Heading 2\" "
        "style:family=\"paragraph\" style:parent-style-name=\"Heading\" "
        "style:next-style-name=\"Text_20_body\" style:default-outline-level=\"2\" "
        "style:class=\"text\">"
        "<style:text-properties fo:font-size=\"12pt\" fo:font-weight=\"bold\"/></style:style>"
        "<style:style style:name=\"Table_20_Contents\" style:display-name=\"Table Contents\" "
        "style:family=\"paragraph\" style:parent-style-name=\"Standard\" "
        "style:class=\"extra\">"
        "<style:text-properties fo:font-size=\"10pt\"/></style:style>"
        "<style:style style:name=\"Table_20_Heading\" style:display-name=\"Table Heading\" "
        "style:family=\"paragraph\" style:parent-style-name=\"Table_20_Contents\" "
        "style:class=\"extra\">"
        "<style:text-properties fo:font-weight=\"bold\"/></style:style>"
        "</office:styles>"
        "<office:automatic-styles>"
        "<style:page-layout style:name=\"A4\">"
        "<style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" "
        "style:print-orientation=\"portrait\" fo:margin-top=\"2cm\" "
        "fo:margin-bottom=\"2cm\" fo:margin-left=\"2cm\" fo:margin-right=\"2cm\"/>"
        "</style:page-layout></office:automatic-styles>"
        "<office:master-styles>"
        "<style:master-page style:name=\"Standard\" style:page-layout-name=\"A4\"/>"
        "</office:master-styles></office:document-styles>\n";

static int odt_pack(const char *mimetype, const char *manifest, const struct buf *content,
                    struct buf *out)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	int rc;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return SK_ENOMEM;
	}
	zip_source_keep(src); /* zip_close hands it back with the archive in it */
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	if (!za) {
		rc = SK_ENOMEM;
		goto out_free;
	}
	rc = odt_add(za, "mimetype", mimetype, strlen(mimetype), true);
	if (!rc)
		rc = odt_add(za, "META-INF/manifest.xml", manifest, strlen(manifest), false);
	if (!rc)
		rc = odt_add(za, "styles.xml", styles_xml, strlen(styles_xml), false);
	if (!rc)
		rc = odt_add(za, "content.xml", content->ptr, content->len, false);
	if (rc) {
		zip_discard(za);
		goto out_free;
	}
	if (zip_close(za) != 0) {
		zip_discard(za);
		rc = SK_ENOMEM;
		goto out_free;
	}
	rc = odt_read_back(src, out);
out_free:
	zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
}

/* ---- content.xml ---- */

/* Text as XML character data; control characters other than newlines are dropped. */
static void xml_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		default:
			if ((unsigned char)*s >= 0x20 && *s != 0x7f)
				buf_putc(b, *s);
		}
	}
}

static void heading(struct buf *b, int level, const char *text)
{
	buf_printf(b, "<text:h text:style-name=\"Heading_20_%d\" text:outline-level=\"%d\">", level,
	           level);
	xml_text(b, text);
	buf_puts(b, "</text:h>");
}

/* Paragraphs of text: one per line; empty lines separate, as in the seed's texts. */
static void paragraphs(struct buf *b, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\n");

		if (n > 0) {
			char piece[4096];

			buf_puts(b, "<text:p text:style-name=\"Text_20_body\">");
			while (n > 0) { /* long lines in bounded pieces */
				size_t k = n < sizeof(piece) - 1 ? n : sizeof(piece) - 1;

				memcpy(piece, s, k);
				piece[k] = '\0';
				xml_text(b, piece);
				s += k;
				n -= k;
			}
			buf_puts(b, "</text:p>");
		}
		s += *s == '\n';
	}
}

static void cell(struct buf *b, const char *text, bool head)
{
	buf_puts(b, "<table:table-cell office:value-type=\"string\"><text:p");
	buf_puts(b, head ? " text:style-name=\"Table_20_Heading\">"
	                 : " text:style-name=\"Table_20_Contents\">");
	xml_text(b, text ? text : "");
	buf_puts(b, "</text:p></table:table-cell>");
}

/* A table of measures: the columns named in head, each row from its item. */
static void measures_table(struct buf *b, int *tables, const json_t *rep, const json_t *items,
                           int kind)
{
	static const char *const heads[3][5] = {
	        {"Nummer", "Åtgärd", "Ansvarig", "Tidsperiod", "Markering"},
	        {"Nummer", "Åtgärd", "Ansvarig", "År", ""},
	        {"Nummer", "Åtgärd", "Ansvarig", "År", "Skäl"},
	};
	int cols = kind == 1 ? 4 : 5;
	char year[16], mark[96];
	size_t i;
	json_t *x;

	buf_printf(b,
	           "<table:table table:name=\"Tabell%d\" table:style-name=\"Tbl\">"
	           "<table:table-column table:number-columns-repeated=\"%d\"/>"
	           "<table:table-header-rows><table:table-row table:style-name=\"Row\">",
	           ++*tables, cols);
	for (int c = 0; c < cols; c++)
		cell(b, heads[kind][c], true);
	buf_puts(b, "</table:table-row></table:table-header-rows>");
	json_array_foreach(items, i, x)
	{
		buf_puts(b, "<table:table-row table:style-name=\"Row\">");
		cell(b, model_json_str(x, "number"), false);
		cell(b, model_json_str(x, "title"), false);
		cell(b, model_json_str(x, "responsible_text"), false);
		if (kind == 0) {
			cell(b, model_json_str(x, "period_text"), false);
			plan_marker_text(rep, x, mark, sizeof(mark));
			cell(b, mark, false);
		} else {
			snprintf(year, sizeof(year), "%lld",
			         (long long)json_integer_value(json_object_get(x, "status_year")));
			cell(b, year, false);
			if (kind == 2)
				cell(b, model_json_str(x, "status_reason"), false);
		}
		buf_puts(b, "</table:table-row>");
	}
	buf_puts(b, "</table:table>");
}

static void changes(struct buf *b, const json_t *rep)
{
	static const char *const kinds[] = {"added", "completed", "written_off", "reopened",
	                                    "changed"};
	static const char *const names[] = {"Tillkomna åtgärder", "Avslutade åtgärder",
	                                    "Avskrivna åtgärder",
	                                    "Återöppnade åtgärder (rättelser)", "Ändrade åtgärder"};
	const json_t *ch = json_object_get(rep, "changes");
	char line[1400];
	size_t i, j;
	json_t *x;

	heading(b, 1, "Förändringar sedan föregående år");
	for (i = 0; i < 5; i++) {
		if (json_array_size(json_object_get(ch, kinds[i])) == 0)
			continue;
		heading(b, 2, names[i]);
		json_array_foreach(json_object_get(ch, kinds[i]), j, x)
		{
			char what[80] = "";

			if (i == 4)
				snprintf(what, sizeof(what), " (%s%s%s)",
				         json_is_true(json_object_get(x, "text")) ? "innehåll "
				                                                  : "",
				         json_is_true(json_object_get(x, "agencies"))
				                 ? "myndigheter "
				                 : "",
				         json_is_true(json_object_get(x, "timetable")) ? "tidplan"
				                                                       : "");
			snprintf(line, sizeof(line), "%s %s%s%s%s", model_json_str0(x, "number"),
			         model_json_str0(x, "title"), what,
			         model_json_str(x, "reason") ? " – " : "",
			         model_json_str0(x, "reason"));
			paragraphs(b, line);
		}
	}
	if (json_array_size(json_object_get(rep, "period_ended")) > 0) {
		heading(b, 2, "Pågående åtgärder vars tidsperiod har löpt ut");
		json_array_foreach(json_object_get(rep, "period_ended"), j, x)
		{
			snprintf(line, sizeof(line), "%s %s (%s)", model_json_str0(x, "number"),
			         model_json_str0(x, "title"), model_json_str0(x, "period_text"));
			paragraphs(b, line);
		}
	}
}

static const char content_head[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<office:document-content "
        "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
        "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
        "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "
        "office:version=\"1.2\">"
        "<office:automatic-styles>"
        /* a row is never split across pages; the header row repeats */
        "<style:style style:name=\"Row\" style:family=\"table-row\">"
        "<style:table-row-properties fo:keep-together=\"always\"/></style:style>"
        "<style:style style:name=\"Tbl\" style:family=\"table\">"
        "<style:table-properties style:width=\"17cm\" fo:margin-top=\"0.2cm\" "
        "fo:margin-bottom=\"0.3cm\"/></style:style>"
        "</office:automatic-styles><office:body><office:text>";

int plan_report_odt(const json_t *report, struct buf *out)
{
	static const char *const sect[] = {"current", "completed", "written_off"};
	static const char *const sect_sv[] = {"Pågående åtgärder", "Avslutade åtgärder",
	                                      "Avskrivna åtgärder"};
	static const char manifest[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<manifest:manifest "
	        "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
	        "manifest:version=\"1.2\">"
	        "<manifest:file-entry manifest:full-path=\"/\" "
	        "manifest:media-type=\"application/vnd.oasis.opendocument.text\" "
	        "manifest:version=\"1.2\"/>"
	        "<manifest:file-entry manifest:full-path=\"content.xml\" "
	        "manifest:media-type=\"text/xml\"/>"
	        "<manifest:file-entry manifest:full-path=\"styles.xml\" "
	        "manifest:media-type=\"text/xml\"/>"
	        "</manifest:manifest>\n";
	static const char mimetype[] = "application/vnd.oasis.opendocument.text";
	const json_t *rep = json_object_get(report, "report"), *text, *p, *o, *x;
	struct buf c;
	char line[1400];
	int tables = 0, rc;
	size_t i, j;

	if (!rep)
		rep = report;
	text = json_object_get(rep, "text");
	buf_init(&c, 64 * 1024 * 1024);
	buf_puts(&c, content_head);
	snprintf(line, sizeof(line), "%s — %s %lld",
	         model_json_str0(json_object_get(rep, "plan"), "title"),
	         json_is_true(json_object_get(rep, "final")) ? "slutredovisning" : "redovisning",
	         (long long)json_integer_value(json_object_get(rep, "year")));
	buf_puts(&c, "<text:p text:style-name=\"Title\">");
	xml_text(&c, line);
	buf_puts(&c, "</text:p>");
	if (model_json_str(rep, "org")) {
		snprintf(line, sizeof(line), "Myndighet: %s", model_json_str(rep, "org"));
		paragraphs(&c, line);
	}
	if (model_json_str(text, "summary")) {
		heading(&c, 1, "Sammanfattning");
		paragraphs(&c, model_json_str(text, "summary"));
	}
	json_array_foreach(json_object_get(rep, "strategic_priorities"), i, p)
	{
		snprintf(line, sizeof(line), "Strategisk prioritering %s: %s",
		         model_json_str0(p, "number"), model_json_str0(p, "title"));
		heading(&c, 1, line);
		json_array_foreach(json_object_get(text, "priorities"), j, x)
		{
			if (strcmp(model_json_str0(x, "number"), model_json_str0(p, "number")) == 0)
				paragraphs(&c, model_json_str(x, "text"));
		}
		json_array_foreach(json_object_get(p, "objectives"), j, o)
		{
			int64_t n = json_integer_value(
			        json_object_get(json_object_get(o, "counts"), "current"));

			snprintf(line, sizeof(line), "Målsättning %s: %s",
			         model_json_str0(o, "number"), model_json_str0(o, "title"));
			heading(&c, 2, line);
			snprintf(line, sizeof(line), "%lld %s", (long long)n,
			         n == 1 ? "pågående åtgärd." : "pågående åtgärder.");
			paragraphs(&c, line);
			if (json_array_size(json_object_get(o, "measures")) > 0)
				measures_table(&c, &tables, rep, json_object_get(o, "measures"), 0);
		}
	}
	changes(&c, rep);
	json_array_foreach(json_object_get(text, "sections"), i, x)
	{
		heading(&c, 1, model_json_str0(x, "title"));
		paragraphs(&c, model_json_str(x, "text"));
	}
	heading(&c, 1, "Bilaga 1: Åtgärder");
	for (i = 0; i < 3; i++) {
		const json_t *items = json_object_get(json_object_get(rep, "appendix"), sect[i]);

		snprintf(line, sizeof(line), "%s (%zu)", sect_sv[i], json_array_size(items));
		heading(&c, 2, line);
		if (json_array_size(items) > 0)
			measures_table(&c, &tables, rep, items, (int)i);
	}
	buf_puts(&c, "</office:text></office:body></office:document-content>\n");
	if (c.err) {
		buf_release(&c);
		return SK_ETOOBIG;
	}
	rc = odt_pack(mimetype, manifest, &c, out);
	buf_release(&c);
	return rc;
}
