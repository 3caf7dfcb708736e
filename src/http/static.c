/*
 * The embedded web UI: maps a URL path to a file under web/ in the binary,
 * refusing anything that could step outside it, and names its content type.
 */
#include <stdio.h>
#include <string.h>

#include "embedded.h"
#include "http.h"

#define STATIC_PATH_MAX 256

struct ctype {
	const char *ext;
	const char *type;
};

static const struct ctype ctypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml; charset=utf-8"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".yaml", "application/yaml; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot && !strchr(dot, '/'))
		for (i = 0; i < sizeof(ctypes) / sizeof(ctypes[0]); i++)
			if (strcmp(dot, ctypes[i].ext) == 0)
				return ctypes[i].type;
	return "application/octet-stream"; /* never sniffed: nosniff is on every response */
}

/*
 * Only "/" followed by segments of [A-Za-z0-9._-], none empty and none
 * starting with a dot: no "..", "//", "\\", "%", NUL or hidden files.
 */
static bool path_ok(const char *path)
{
	const char *p;
	bool seg_start = true;

	if (path[0] != '/')
		return false;
	for (p = path + 1; *p; p++) {
		char ch = *p;

		if (ch == '/') {
			if (seg_start)
				return false;
			seg_start = true;
			continue;
		}
		if (seg_start && ch == '.')
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return false;
		seg_start = false;
	}
	return true;
}

int http_static_lookup(const char *path, const unsigned char **data, size_t *len,
                       const char **ctype)
{
	char name[STATIC_PATH_MAX + 16];
	size_t i, n;

	if (!path)
		return SK_ENOTFOUND;
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	n = strlen(path);
	if (n > STATIC_PATH_MAX || !path_ok(path) || path[n - 1] == '/')
		return SK_ENOTFOUND;
	snprintf(name, sizeof(name), "web%s", path);
	for (i = 0; i < sk_embedded_count; i++) {
		if (strcmp(sk_embedded_files[i].name, name) != 0)
			continue;
		*data = sk_embedded_files[i].data;
		*len = sk_embedded_files[i].len;
		*ctype = content_type(name);
		return SK_OK;
	}
	return SK_ENOTFOUND;
}
