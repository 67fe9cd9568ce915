/* The systemd driver's naming, as data: cgroupsPath "slice:prefix:name" ->
 * the unit and its parent slice, a slice name -> its cgroup path, and the
 * unit's cgroup path in every hierarchy. No D-Bus here. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "cgroups/systemd.h"
#include "common/cleanup.h"
#include "common/util.h"

void cgsd_unit_free(struct cgsd_unit *u)
{
	free(u->slice);
	free(u->unit);
	u->slice = u->unit = NULL;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* systemd's unit_name_is_valid, the part that matters here. */
static bool unit_chars_ok(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(":-_.\\@", *s))
			return false;
	return true;
}

error *cgsd_expand_slice(const char *slice, char **out)
{
	if (!has_suffix(slice, ".slice") || strchr(slice, '/') || !unit_chars_ok(slice))
		return err_new("invalid slice name %s", slice);
	if (strcmp(slice, "-.slice") == 0) {
		*out = strdup("/");
		return *out ? NULL : err_sys(ENOMEM, "slice");
	}
	size_t base = strlen(slice) - strlen(".slice");
	if (base == 0 || slice[0] == '-' || slice[base - 1] == '-')
		return err_new("invalid slice name %s", slice);
	/* "a-b-c.slice" lives in a.slice/a-b.slice/a-b-c.slice. */
	size_t cap = 1;
	for (size_t i = 0; i <= base; i++)
		cap += i + strlen(".slice") + 1;
	char *p = malloc(cap);
	if (!p)
		return err_sys(ENOMEM, "slice");
	size_t len = 0;
	for (size_t i = 0; i <= base; i++) {
		if (i < base && slice[i] != '-')
			continue;
		if (i < base && slice[i + 1] == '-') {
			free(p);
			return err_new("invalid slice name %s", slice);
		}
		len += (size_t)snprintf(p + len, cap - len, "/%.*s.slice", (int)i, slice);
	}
	*out = p;
	return NULL;
}

error *cgsd_parse_path(const char *cgroups_path, const char *id, bool user_manager,
		       struct cgsd_unit *out)
{
	memset(out, 0, sizeof(*out));
	const char *cp = cgroups_path ? cgroups_path : "";
	_cleanup_free_ char *slice = NULL, *prefix = NULL, *name = NULL;
	if (!*cp) {
		slice = strdup("");
		prefix = strdup("isorun");
		name = strdup(id ? id : "");
	} else {
		const char *c1 = strchr(cp, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strchr(c2 + 1, ':'))
			return err_new("cgroupsPath \"%s\": expected \"slice:prefix:name\" for the "
				       "systemd cgroup driver",
				       cp);
		slice = strndup(cp, (size_t)(c1 - cp));
		prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
		name = strdup(c2 + 1);
	}
	if (!slice || !prefix || !name)
		return err_sys(ENOMEM, "cgroupsPath");
	if (!*name)
		return err_new("cgroupsPath \"%s\": the name part is empty", cp);
	if (!*slice) {
		free(slice);
		slice = strdup(user_manager ? "user.slice" : "system.slice");
		if (!slice)
			return err_sys(ENOMEM, "cgroupsPath");
	}
	_cleanup_free_ char *expanded = NULL;
	error *e = cgsd_expand_slice(slice, &expanded);
	if (e)
		return err_wrap(e, "cgroupsPath \"%s\"", cp);
	out->is_slice = has_suffix(name, ".slice");
	if (out->is_slice) {
		_cleanup_free_ char *nested = NULL;
		if ((e = cgsd_expand_slice(name, &nested)))
			return err_wrap(e, "cgroupsPath \"%s\"", cp);
		out->unit = steal_ptr(name);
	} else {
		out->unit = str_printf("%s-%s.scope", prefix, name);
		if (out->unit && !unit_chars_ok(out->unit)) {
			e = err_new("cgroupsPath \"%s\": invalid unit name %s", cp, out->unit);
			cgsd_unit_free(out);
			return e;
		}
	}
	out->slice = steal_ptr(slice);
	if (!out->unit) {
		cgsd_unit_free(out);
		return err_sys(ENOMEM, "cgroupsPath");
	}
	return NULL;
}

error *cgsd_unit_path(const struct cgsd_unit *u, char **out)
{
	/* A nested slice lives where its own name puts it (systemd ignores
	 * Wants= for that); a scope goes into its slice. */
	_cleanup_free_ char *dir = NULL;
	error *e = cgsd_expand_slice(u->is_slice ? u->unit : u->slice, &dir);
	if (e)
		return e;
	*out = u->is_slice ? steal_ptr(dir)
			   : str_printf("%s/%s", strcmp(dir, "/") ? dir : "", u->unit);
	return *out ? NULL : err_sys(ENOMEM, "cgroup path of %s", u->unit);
}
