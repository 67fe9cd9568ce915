#include "spec/json_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "common/cleanup.h"

/* yajl_tree_free() recurses, so bound the nesting before building a tree:
 * real configs nest fewer than ten levels. */
#define JSON_MAX_DEPTH 200

static size_t jpath_len(const struct jpath *p)
{
	size_t n = 0;
	for (; p && p->up; p = p->up)
		n += p->key ? strlen(p->key) + 1 : 22;
	return n;
}

static void jpath_write(const struct jpath *p, char *buf)
{
	if (!p || !p->up)
		return;
	jpath_write(p->up, buf);
	size_t off = strlen(buf);
	if (p->key)
		sprintf(buf + off, "%s%s", off ? "." : "", p->key);
	else
		sprintf(buf + off, "[%zu]", p->index);
}

char *jpath_render(const struct jpath *p)
{
	char *buf = calloc(1, jpath_len(p) + 1);
	if (buf)
		jpath_write(p, buf);
	return buf;
}

error *jerr(const struct jpath *p, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return err_sys(ENOMEM, "config");
	_cleanup_free_ char *path = jpath_render(p);
	if (path && *path)
		return err_kind_new(ERR_BAD_CONFIG, "%s: %s", path, msg);
	return err_kind_new(ERR_BAD_CONFIG, "%s", msg);
}

/* Which members the parser looked at, as (object, name) pairs. */
static struct {
	bool on;
	const void **objs;
	const char **keys;
	size_t n, cap;
} jlog;

void jnote(yajl_val obj, const char *key)
{
	if (!jlog.on || !obj)
		return;
	if (jlog.n == jlog.cap) {
		size_t cap = jlog.cap ? jlog.cap * 2 : 256;
		const void **objs = realloc(jlog.objs, cap * sizeof(*objs));
		if (objs)
			jlog.objs = objs;
		const char **keys = realloc(jlog.keys, cap * sizeof(*keys));
		if (keys)
			jlog.keys = keys;
		if (!objs || !keys)
			return; /* a lost entry shows up as "unread": the test fails loudly */
		jlog.cap = cap;
	}
	jlog.objs[jlog.n] = obj;
	jlog.keys[jlog.n] = key;
	jlog.n++;
}

error *jlog_start(void)
{
	jlog_stop();
	jlog.on = true;
	return NULL;
}

bool jlog_saw(yajl_val obj, const char *key)
{
	for (size_t i = 0; i < jlog.n; i++)
		if (jlog.objs[i] == obj && !strcmp(jlog.keys[i], key))
			return true;
	return false;
}

void jlog_stop(void)
{
	free(jlog.objs);
	free(jlog.keys);
	jlog.objs = NULL;
	jlog.keys = NULL;
	jlog.n = jlog.cap = 0;
	jlog.on = false;
}

yajl_val jget(yajl_val obj, const char *key)
{
	jnote(obj, key);
	return jpeek(obj, key);
}

yajl_val jpeek(yajl_val obj, const char *key)
{
	if (!obj || !YAJL_IS_OBJECT(obj))
		return NULL;
	yajl_val found = NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			found = obj->u.object.values[i];
	if (found && YAJL_IS_NULL(found))
		return NULL;
	return found;
}

char *jdescribe(yajl_val v)
{
	if (!v || YAJL_IS_NULL(v))
		return strdup("null");
	if (YAJL_IS_TRUE(v))
		return strdup("true");
	if (YAJL_IS_FALSE(v))
		return strdup("false");
	if (YAJL_IS_OBJECT(v))
		return strdup("an object");
	if (YAJL_IS_ARRAY(v))
		return strdup("an array");
	if (YAJL_IS_NUMBER(v))
		return strdup(v->u.number.r);
	const char *s = v->u.string;
	size_t n = strlen(s);
	char *out = NULL;
	if (n > 64) {
		if (asprintf(&out, "\"%.64s...\"", s) < 0)
			return NULL;
	} else if (asprintf(&out, "\"%s\"", s) < 0) {
		return NULL;
	}
	return out;
}

static error *jexpected(const struct jpath *p, const char *what, yajl_val v)
{
	_cleanup_free_ char *got = jdescribe(v);
	return jerr(p, "expected %s, got %s", what, got ? got : "?");
}

/* ---- syntax check with positions ---- */

struct depth_guard {
	int depth;
};

static int on_open(void *ctx)
{
	struct depth_guard *g = ctx;
	return ++g->depth <= JSON_MAX_DEPTH;
}

static int on_close(void *ctx)
{
	struct depth_guard *g = ctx;
	g->depth--;
	return 1;
}

static const yajl_callbacks syntax_callbacks = {
    .yajl_start_map = on_open,
    .yajl_end_map = on_close,
    .yajl_start_array = on_open,
    .yajl_end_array = on_close,
};

static error *syntax_error(const char *text, size_t len, size_t offset, const char *reason)
{
	size_t line = 1, col = 1;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return err_kind_new(ERR_BAD_CONFIG, "invalid JSON at line %zu, column %zu: %s", line, col,
			    reason);
}

/* yajl's tree API reports no position, so a first pass with the event API
 * finds where the text goes wrong (and enforces the depth bound). */
static error *jcheck_syntax(const char *text, size_t len)
{
	struct depth_guard guard = {0};
	yajl_handle h = yajl_alloc(&syntax_callbacks, NULL, &guard);
	if (!h)
		return err_sys(ENOMEM, "JSON parser");
	const unsigned char *u = (const unsigned char *)text;
	yajl_status st = yajl_parse(h, u, len);
	bool at_end = false;
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		at_end = true;
	}
	error *e = NULL;
	if (st == yajl_status_client_canceled) {
		size_t consumed = yajl_get_bytes_consumed(h);
		e = syntax_error(text, len, consumed ? consumed - 1 : 0, "nesting too deep");
	} else if (st != yajl_status_ok) {
		unsigned char *msg = yajl_get_error(h, 0, u, len);
		const char *reason = msg ? (const char *)msg : "syntax error";
		/* The lexer stops before the bad byte, the parser just after
		 * the bad token. */
		bool lexical = strncmp(reason, "lexical error: ", 15) == 0;
		if (lexical)
			reason += 15;
		else if (strncmp(reason, "parse error: ", 13) == 0)
			reason += 13;
		_cleanup_free_ char *r = strdup(reason);
		if (r) {
			size_t n = strlen(r);
			while (n && (r[n - 1] == '\n' || r[n - 1] == ' ' || r[n - 1] == '.'))
				r[--n] = '\0';
		}
		size_t consumed = yajl_get_bytes_consumed(h);
		size_t offset = at_end ? len : lexical ? consumed : consumed ? consumed - 1 : 0;
		e = syntax_error(text, len, offset, r ? r : "syntax error");
		if (msg)
			yajl_free_error(h, msg);
	}
	yajl_free(h);
	return e;
}

error *jparse(const char *text, size_t len, yajl_val *out)
{
	error *e = jcheck_syntax(text, len);
	if (e)
		return e;
	/* The syntax pass rejected NUL bytes, so the copy is one C string. */
	_cleanup_free_ char *copy = malloc(len + 1);
	if (!copy)
		return err_sys(ENOMEM, "JSON text");
	memcpy(copy, text, len);
	copy[len] = '\0';
	char errbuf[256] = "";
	yajl_val tree = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
	if (!tree)
		return errbuf[0] ? err_kind_new(ERR_BAD_CONFIG, "invalid JSON: %s", errbuf)
				 : err_make(ERR_NOMEM, ENOMEM, "invalid JSON: out of memory");
	*out = tree;
	return NULL;
}

/* ---- typed getters ---- */

error *jobject(const struct jpath *p, yajl_val v)
{
	if (!v || !YAJL_IS_OBJECT(v))
		return jexpected(p, "an object", v);
	return NULL;
}

error *jarray(const struct jpath *p, yajl_val v)
{
	if (!v || !YAJL_IS_ARRAY(v))
		return jexpected(p, "an array", v);
	return NULL;
}

error *jstring_dup(const struct jpath *p, yajl_val v, char **out)
{
	if (!v || !YAJL_IS_STRING(v))
		return jexpected(p, "a string", v);
	char *s = strdup(v->u.string);
	if (!s)
		return err_sys(ENOMEM, "config");
	free(*out);
	*out = s;
	return NULL;
}

error *jget_string(const struct jpath *p, yajl_val obj, const char *key, char **out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	return jstring_dup(&kp, v, out);
}

error *jget_string_req(const struct jpath *p, yajl_val obj, const char *key, char **out)
{
	struct jpath kp = JKEY(p, key);
	if (!jget(obj, key))
		return jerr(&kp, "missing");
	return jget_string(p, obj, key, out);
}

error *jget_bool(const struct jpath *p, yajl_val obj, const char *key, bool *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return jexpected(&kp, "a boolean", v);
	*out = YAJL_IS_TRUE(v);
	return NULL;
}

error *jget_opt_bool(const struct jpath *p, yajl_val obj, const char *key, opt_bool *out)
{
	if (!jget(obj, key))
		return NULL;
	out->set = true;
	return jget_bool(p, obj, key, &out->value);
}

/* The raw text of an integer literal, or NULL with an error for anything else. */
static error *integer_text(const struct jpath *p, yajl_val v, const char **text)
{
	if (!v || !YAJL_IS_NUMBER(v))
		return jexpected(p, "an integer", v);
	const char *r = v->u.number.r;
	if (strpbrk(r, ".eE"))
		return jexpected(p, "an integer", v);
	*text = r;
	return NULL;
}

error *jint_u64(const struct jpath *p, yajl_val v, uint64_t max, uint64_t *out)
{
	const char *r = NULL;
	error *e = integer_text(p, v, &r);
	if (e)
		return e;
	bool negative = r[0] == '-';
	const char *digits = negative ? r + 1 : r;
	errno = 0;
	char *end = NULL;
	unsigned long long x = strtoull(digits, &end, 10);
	if (*end)
		return jexpected(p, "an integer", v);
	if (negative && x != 0)
		return jerr(p, "expected a non-negative integer, got %s", r);
	if (errno == ERANGE || x > max)
		return jerr(p, "value %s out of range (maximum %llu)", r, (unsigned long long)max);
	*out = x;
	return NULL;
}

error *jint_i64(const struct jpath *p, yajl_val v, int64_t min, int64_t max, int64_t *out)
{
	const char *r = NULL;
	error *e = integer_text(p, v, &r);
	if (e)
		return e;
	errno = 0;
	char *end = NULL;
	long long x = strtoll(r, &end, 10);
	if (*end)
		return jexpected(p, "an integer", v);
	if (errno == ERANGE || x < min || x > max)
		return jerr(p, "value %s out of range (%lld to %lld)", r, (long long)min,
			    (long long)max);
	*out = x;
	return NULL;
}

error *jget_u64(const struct jpath *p, yajl_val obj, const char *key, uint64_t *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	return jint_u64(&kp, v, UINT64_MAX, out);
}

error *jget_u32(const struct jpath *p, yajl_val obj, const char *key, uint32_t *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	uint64_t x = 0;
	error *e = jint_u64(&kp, v, UINT32_MAX, &x);
	if (!e)
		*out = (uint32_t)x;
	return e;
}

error *jget_i64(const struct jpath *p, yajl_val obj, const char *key, int64_t *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	return jint_i64(&kp, v, INT64_MIN, INT64_MAX, out);
}

error *jget_i32(const struct jpath *p, yajl_val obj, const char *key, int32_t *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	int64_t x = 0;
	error *e = jint_i64(&kp, v, INT32_MIN, INT32_MAX, &x);
	if (!e)
		*out = (int32_t)x;
	return e;
}

error *jget_opt_u64(const struct jpath *p, yajl_val obj, const char *key, uint64_t max,
		    opt_u64 *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	error *e = jint_u64(&kp, v, max, &out->value);
	out->set = !e;
	return e;
}

error *jget_opt_i64(const struct jpath *p, yajl_val obj, const char *key, opt_i64 *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	error *e = jint_i64(&kp, v, INT64_MIN, INT64_MAX, &out->value);
	out->set = !e;
	return e;
}

error *jget_strv(const struct jpath *p, yajl_val obj, const char *key, char ***out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	error *e = jarray(&kp, v);
	if (e)
		return e;
	size_t n = v->u.array.len;
	char **strv = calloc(n + 1, sizeof(char *));
	if (!strv)
		return err_sys(ENOMEM, "config");
	/* Publish first: on error the caller's free path releases what was filled. */
	*out = strv;
	for (size_t i = 0; i < n; i++) {
		struct jpath ip = JIDX(&kp, i);
		e = jstring_dup(&ip, v->u.array.values[i], &strv[i]);
		if (e)
			return e;
	}
	return NULL;
}

error *jget_str_map(const struct jpath *p, yajl_val obj, const char *key, struct str_map *out)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	error *e = jobject(&kp, v);
	if (e)
		return e;
	size_t n = v->u.object.len;
	out->keys = calloc(n + 1, sizeof(char *));
	out->values = calloc(n + 1, sizeof(char *));
	if (!out->keys || !out->values)
		return err_sys(ENOMEM, "config");
	for (size_t i = 0; i < n; i++) {
		const char *k = v->u.object.keys[i];
		struct jpath ip = JKEY(&kp, k);
		yajl_val val = v->u.object.values[i];
		if (!YAJL_IS_STRING(val))
			return jexpected(&ip, "a string", val);
		/* A repeated key replaces the earlier value, as a Go map would. */
		size_t slot = out->n;
		for (size_t j = 0; j < out->n; j++)
			if (strcmp(out->keys[j], k) == 0)
				slot = j;
		if (slot == out->n) {
			out->keys[slot] = strdup(k);
			if (!out->keys[slot])
				return err_sys(ENOMEM, "config");
			out->n++;
		}
		e = jstring_dup(&ip, val, &out->values[slot]);
		if (e)
			return e;
	}
	return NULL;
}

static error *parse_id_mapping(const struct jpath *p, yajl_val v, void *elem)
{
	struct oci_id_mapping *m = elem;
	error *e = jobject(p, v);
	if (!e)
		e = jget_u32(p, v, "containerID", &m->container_id);
	if (!e)
		e = jget_u32(p, v, "hostID", &m->host_id);
	if (!e)
		e = jget_u32(p, v, "size", &m->size);
	return e;
}

error *jget_id_mappings(const struct jpath *p, yajl_val obj, const char *key,
			struct oci_id_mapping **out, size_t *n)
{
	return jget_array(p, obj, key, sizeof(**out), parse_id_mapping, (void **)out, n);
}

error *jget_array(const struct jpath *p, yajl_val obj, const char *key, size_t size, jelem_fn fn,
		  void **out, size_t *n)
{
	yajl_val v = jget(obj, key);
	if (!v)
		return NULL;
	struct jpath kp = JKEY(p, key);
	error *e = jarray(&kp, v);
	if (e)
		return e;
	size_t len = v->u.array.len;
	if (len == 0)
		return NULL;
	char *arr = calloc(len, size);
	if (!arr)
		return err_sys(ENOMEM, "config");
	*out = arr;
	*n = len;
	for (size_t i = 0; i < len; i++) {
		struct jpath ip = JIDX(&kp, i);
		e = fn(&ip, v->u.array.values[i], arr + i * size);
		if (e)
			return e;
	}
	return NULL;
}
