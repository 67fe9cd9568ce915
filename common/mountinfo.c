#include "common/mountinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* Decodes \ooo in place (the kernel's mangle(): space, tab, newline, backslash). */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static bool parse_uint(const char *s, char end, const char **rest, unsigned *out)
{
	unsigned long long v = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 0xffffffffULL)
			return false;
	}
	if (*p != end)
		return false;
	*out = (unsigned)v;
	if (rest)
		*rest = p + 1;
	return true;
}

error *mountinfo_parse_line(char *line, struct mountinfo_entry *out)
{
	static const char *const names[6] = {"mount id", "parent id",	"major:minor",
					     "root",	 "mount point", "mount options"};
	memset(out, 0, sizeof(*out));
	/* Single spaces separate fields; an empty field (a mount made with an
	 * empty source shows "tmpfs  rw") must not shift the ones after it. */
	char *p = line, *f[6];
	for (size_t i = 0; i < 6; i++) {
		f[i] = strsep(&p, " ");
		if (!f[i] || !*f[i])
			return err_new("mountinfo: %s missing", names[i]);
	}
	if (!p)
		return err_new("mountinfo: no \" - \" separator");
	const char *rest;
	if (!parse_uint(f[0], '\0', NULL, &out->mount_id))
		return err_new("mountinfo: bad mount id \"%s\"", f[0]);
	if (!parse_uint(f[1], '\0', NULL, &out->parent_id))
		return err_new("mountinfo: bad parent id \"%s\"", f[1]);
	if (!parse_uint(f[2], ':', &rest, &out->major) ||
	    !parse_uint(rest, '\0', NULL, &out->minor))
		return err_new("mountinfo: bad major:minor \"%s\"", f[2]);
	char *after;
	if (p[0] == '-' && p[1] == ' ') {
		out->optional = p + 1;
		*out->optional = '\0';
		after = p + 2;
	} else {
		char *sep = strstr(p, " - ");
		if (!sep)
			return err_new("mountinfo: no \" - \" separator");
		*sep = '\0';
		out->optional = p;
		after = sep + 3;
	}
	out->fstype = strsep(&after, " ");
	out->source = after ? strsep(&after, " ") : NULL;
	out->super_options = after ? strsep(&after, " ") : NULL;
	if (!out->super_options || !*out->fstype)
		return err_new("mountinfo: fewer than 3 fields after \" - \"");
	out->root = f[3];
	out->mount_point = f[4];
	out->mount_options = f[5];
	unescape(out->root);
	unescape(out->mount_point);
	unescape(out->fstype);
	unescape(out->source);
	return NULL;
}

void mountinfo_free(struct mountinfo *m)
{
	free(m->v);
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

error *mountinfo_parse(const char *text, struct mountinfo *out)
{
	memset(out, 0, sizeof(*out));
	out->buf = strdup(text ? text : "");
	if (!out->buf)
		return err_sys(ENOMEM, "mountinfo");
	size_t cap = 0;
	for (char *p = out->buf, *line; (line = strsep(&p, "\n"));) {
		if (!*line)
			continue;
		struct mountinfo_entry e;
		error *err = mountinfo_parse_line(line, &e);
		if (err) {
			err_free(err);
			out->skipped++;
			continue;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct mountinfo_entry *v = realloc(out->v, cap * sizeof(*v));
			if (!v) {
				mountinfo_free(out);
				return err_sys(ENOMEM, "mountinfo");
			}
			out->v = v;
		}
		out->v[out->n++] = e;
	}
	return NULL;
}

error *mountinfo_read(const char *path, struct mountinfo *out)
{
	memset(out, 0, sizeof(*out));
	char *text = NULL;
	error *e = read_file(path, &text, NULL);
	if (e)
		return e;
	e = mountinfo_parse(text, out);
	free(text);
	return e ? err_wrap(e, "%s", path) : NULL;
}

bool mountinfo_optional(const struct mountinfo_entry *e, const char *tag, unsigned *value)
{
	size_t n = strlen(tag);
	for (const char *p = e->optional; p && *p;) {
		const char *end = strchrnul(p, ' ');
		if ((size_t)(end - p) >= n && strncmp(p, tag, n) == 0 &&
		    (p + n == end || p[n] == ':')) {
			unsigned v = 0;
			if (p[n] == ':') {
				/* A field is a tag and a number; anything else is not it. */
				const char *q = p + n + 1;
				for (v = 0; q < end && *q >= '0' && *q <= '9'; q++)
					v = v * 10 + (unsigned)(*q - '0');
			}
			if (value)
				*value = v;
			return true;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}

const struct mountinfo_entry *mountinfo_mount_of(const struct mountinfo *m, const char *path)
{
	const struct mountinfo_entry *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *mp = m->v[i].mount_point;
		size_t n = strlen(mp);
		bool holds = strcmp(mp, "/") == 0 ||
			     (strncmp(path, mp, n) == 0 && (path[n] == '/' || path[n] == '\0'));
		if (holds && (!best || n >= best_len)) {
			best = &m->v[i];
			best_len = n;
		}
	}
	return best;
}
