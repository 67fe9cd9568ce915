/* spec_json_set: parse, walk, re-emit. A set whose parent path is an object of
 * the document replaces the member of that name or is appended to it; a set
 * whose parent is missing gets the missing objects created. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "spec/json_set.h"
#include "spec/json_util.h"

struct set_state {
	const struct json_set *sets;
	yajl_val *values; /* parsed set values */
	bool *done;
	size_t n;
};

/* Is path (dotted) exactly prefix + "." + key, with prefix "" at the root? */
static bool path_is(const char *path, const char *prefix, const char *key)
{
	size_t pl = strlen(prefix);
	if (pl) {
		if (strncmp(path, prefix, pl) || path[pl] != '.')
			return false;
		path += pl + 1;
	}
	return !strcmp(path, key);
}

/* Does some pending set lie below prefix + "." + key (a deeper path)? */
static bool below(const struct set_state *s, const char *prefix, const char *key)
{
	size_t pl = strlen(prefix), kl = strlen(key);
	for (size_t i = 0; i < s->n; i++) {
		const char *p = s->sets[i].path;
		if (s->done[i])
			continue;
		if (pl) {
			if (strncmp(p, prefix, pl) || p[pl] != '.')
				continue;
			p += pl + 1;
		}
		if (!strncmp(p, key, kl) && p[kl] == '.')
			return true;
	}
	return false;
}

static char *join(const char *prefix, const char *key)
{
	char *r = NULL;
	if (asprintf(&r, "%s%s%s", prefix, *prefix ? "." : "", key) < 0)
		return NULL;
	return r;
}

static bool gen_value(yajl_gen g, yajl_val v, struct set_state *s, const char *path);

static bool gen_key(yajl_gen g, const char *k)
{
	return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) == yajl_gen_status_ok;
}

/* The members that sets add below path where the document has nothing: the
 * next key of each pending deeper set becomes an object of its own. */
static bool gen_missing(yajl_gen g, struct set_state *s, const char *path)
{
	size_t pl = strlen(path);
	for (size_t i = 0; i < s->n; i++) {
		if (s->done[i])
			continue;
		const char *p = s->sets[i].path;
		if (pl) {
			if (strncmp(p, path, pl) || p[pl] != '.')
				continue;
			p += pl + 1;
		}
		const char *dot = strchr(p, '.');
		if (!dot) {
			if (!gen_key(g, p) || !gen_value(g, s->values[i], NULL, NULL))
				return false;
			s->done[i] = true;
			continue;
		}
		char *key = strndup(p, (size_t)(dot - p));
		char *sub = key ? join(path, key) : NULL;
		bool ok = sub && gen_key(g, key) && yajl_gen_map_open(g) == yajl_gen_status_ok &&
			  gen_missing(g, s, sub) && yajl_gen_map_close(g) == yajl_gen_status_ok;
		free(key);
		free(sub);
		if (!ok)
			return false;
	}
	return true;
}

static bool gen_number(yajl_gen g, yajl_val v)
{
	const char *t = YAJL_GET_NUMBER(v);
	return yajl_gen_number(g, t, strlen(t)) == yajl_gen_status_ok;
}

/* s NULL: a plain copy (no sets apply below). */
static bool gen_value(yajl_gen g, yajl_val v, struct set_state *s, const char *path)
{
	if (!v)
		return yajl_gen_null(g) == yajl_gen_status_ok;
	if (YAJL_IS_STRING(v))
		return gen_key(g, YAJL_GET_STRING(v));
	if (YAJL_IS_NUMBER(v))
		return gen_number(g, v);
	if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		return yajl_gen_bool(g, YAJL_IS_TRUE(v)) == yajl_gen_status_ok;
	if (YAJL_IS_NULL(v))
		return yajl_gen_null(g) == yajl_gen_status_ok;
	if (YAJL_IS_ARRAY(v)) {
		if (yajl_gen_array_open(g) != yajl_gen_status_ok)
			return false;
		for (size_t i = 0; i < v->u.array.len; i++)
			if (!gen_value(g, v->u.array.values[i], NULL, NULL))
				return false;
		return yajl_gen_array_close(g) == yajl_gen_status_ok;
	}
	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return false;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		yajl_val child = v->u.object.values[i];
		if (!gen_key(g, k))
			return false;
		size_t hit = SIZE_MAX;
		for (size_t j = 0; s && j < s->n; j++)
			if (path_is(s->sets[j].path, path, k))
				hit = j;
		if (hit != SIZE_MAX) {
			if (!gen_value(g, s->values[hit], NULL, NULL))
				return false;
			s->done[hit] = true;
			continue;
		}
		bool deeper = s && below(s, path, k);
		if (deeper && child && YAJL_IS_OBJECT(child)) {
			char *sub = join(path, k);
			bool ok = sub && gen_value(g, child, s, sub);
			free(sub);
			if (!ok)
				return false;
		} else if (deeper) {
			/* null or not an object: replaced by the objects the sets need */
			char *sub = join(path, k);
			bool ok = sub && yajl_gen_map_open(g) == yajl_gen_status_ok &&
				  gen_missing(g, s, sub) &&
				  yajl_gen_map_close(g) == yajl_gen_status_ok;
			free(sub);
			if (!ok)
				return false;
		} else if (!gen_value(g, child, NULL, NULL)) {
			return false;
		}
	}
	if (s && !gen_missing(g, s, path))
		return false;
	return yajl_gen_map_close(g) == yajl_gen_status_ok;
}

error *spec_json_set(const char *json, size_t len, const struct json_set *sets, size_t n,
		     char **out)
{
	*out = NULL;
	yajl_val tree = NULL;
	error *e = jparse(json, len, &tree);
	if (e)
		return err_wrap(e, "config.json");
	struct set_state s = {sets, calloc(n + 1, sizeof(yajl_val)), calloc(n + 1, sizeof(bool)),
			      n};
	if (!s.values || !s.done) {
		e = err_sys(ENOMEM, "config.json");
		goto out;
	}
	if (!YAJL_IS_OBJECT(tree)) {
		e = err_new("config.json: expected an object");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((e = jparse(sets[i].value, strlen(sets[i].value), &s.values[i]))) {
			e = err_wrap(e, "%s", sets[i].path);
			goto out;
		}
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g) {
		e = err_sys(ENOMEM, "config.json");
		goto out;
	}
	if (gen_value(g, tree, &s, "")) {
		const unsigned char *buf;
		size_t blen;
		yajl_gen_get_buf(g, &buf, &blen);
		*out = strndup((const char *)buf, blen);
	}
	yajl_gen_free(g);
	if (!*out)
		e = err_sys(ENOMEM, "config.json");
out:
	for (size_t i = 0; s.values && i < n; i++)
		yajl_tree_free(s.values[i]);
	free(s.values);
	free(s.done);
	yajl_tree_free(tree);
	return e;
}
