/* Typed, path-aware access to a yajl tree. Private to spec/: the only place
 * besides the parse_*.c files that knows yajl exists.
 *
 * A JSON path is a chain of stack nodes (struct jpath) from the document root
 * down to the value being read, rendered only when an error is built, so the
 * happy path costs no allocation. JSON null is treated as "absent", as Go's
 * encoding/json does for pointers and slices. */
#ifndef ISORUN_SPEC_JSON_UTIL_H
#define ISORUN_SPEC_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "spec/config.h"

struct jpath {
	const struct jpath *up; /* NULL at the document root */
	const char *key;	/* member name, or NULL for an array index */
	size_t index;
};

#define JROOT		((struct jpath){NULL, NULL, 0})
#define JKEY(parent, k) ((struct jpath){(parent), (k), 0})
#define JIDX(parent, i) ((struct jpath){(parent), NULL, (i)})

/* "linux.resources.devices[2].access" (empty string at the root). */
char *jpath_render(const struct jpath *p);
/* An error "<path>: <message>" (just "<message>" at the root). */
error *jerr(const struct jpath *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Member `key` of object `obj`, NULL when absent or null (last one wins on
 * duplicates, like Go). obj may be NULL. */
yajl_val jget(yajl_val obj, const char *key);
/* jget without leaving a trace in the read log (for walks over a document
 * that are not the parse itself). */
yajl_val jpeek(yajl_val obj, const char *key);
/* Records that the parser read member `key` of `obj` where it walks an
 * object's members itself instead of calling jget. */
void jnote(yajl_val obj, const char *key);
/* The read log (spec_trace_reads): off unless started; one at a time. */
error *jlog_start(void);
bool jlog_saw(yajl_val obj, const char *key);
void jlog_stop(void);

/* A short description of a value for "expected X, got Y" messages. */
char *jdescribe(yajl_val v);

/* Parses text into a tree; on bad syntax returns "invalid JSON at line L,
 * column C: <reason>". Also rejects nesting deeper than the parser's limit. */
error *jparse(const char *text, size_t len, yajl_val *out);

/* Object members: absent/null members leave *out untouched and succeed.
 * The *_req variants fail with "<path>.<key>: missing" instead. */
error *jobject(const struct jpath *p, yajl_val v); /* v must be an object */
error *jarray(const struct jpath *p, yajl_val v);  /* v must be an array */
error *jstring_dup(const struct jpath *p, yajl_val v, char **out);
error *jget_string(const struct jpath *p, yajl_val obj, const char *key, char **out);
error *jget_string_req(const struct jpath *p, yajl_val obj, const char *key, char **out);
error *jget_bool(const struct jpath *p, yajl_val obj, const char *key, bool *out);
error *jget_opt_bool(const struct jpath *p, yajl_val obj, const char *key, opt_bool *out);

/* Integers from the raw number text: values beyond INT64_MAX keep full
 * precision, fractions/exponents/strings are "expected an integer". */
error *jint_u64(const struct jpath *p, yajl_val v, uint64_t max, uint64_t *out);
error *jint_i64(const struct jpath *p, yajl_val v, int64_t min, int64_t max, int64_t *out);
error *jget_u64(const struct jpath *p, yajl_val obj, const char *key, uint64_t *out);
error *jget_u32(const struct jpath *p, yajl_val obj, const char *key, uint32_t *out);
error *jget_i64(const struct jpath *p, yajl_val obj, const char *key, int64_t *out);
error *jget_i32(const struct jpath *p, yajl_val obj, const char *key, int32_t *out);
error *jget_opt_u64(const struct jpath *p, yajl_val obj, const char *key, uint64_t max,
		    opt_u64 *out);
error *jget_opt_i64(const struct jpath *p, yajl_val obj, const char *key, opt_i64 *out);

/* An array of strings as a NULL-terminated strv (an empty array gives a
 * one-element strv holding only NULL, so "present but empty" survives). */
error *jget_strv(const struct jpath *p, yajl_val obj, const char *key, char ***out);
/* An object of string values as an ordered map. */
error *jget_str_map(const struct jpath *p, yajl_val obj, const char *key, struct str_map *out);

/* Id mappings [{containerID, hostID, size}]. */
error *jget_id_mappings(const struct jpath *p, yajl_val obj, const char *key,
			struct oci_id_mapping **out, size_t *n);

/* Each element type's parser for jget_array(). `elem` is zeroed storage. */
typedef error *(*jelem_fn)(const struct jpath *p, yajl_val v, void *elem);
/* Allocates *out as an array of `size`-byte elements, one per JSON element,
 * each filled by fn (a failing element is freed by the caller's free path, so
 * *out and *n are always consistent). */
error *jget_array(const struct jpath *p, yajl_val obj, const char *key, size_t size, jelem_fn fn,
		  void **out, size_t *n);

/* Internal parsers shared by the parse_*.c files. */
error *spec_parse_process_obj(const struct jpath *p, yajl_val v, struct oci_process *out);
error *spec_parse_resources_obj(const struct jpath *p, yajl_val v, struct oci_resources *out);
error *spec_parse_seccomp_obj(const struct jpath *p, yajl_val v, struct oci_seccomp *out);
error *spec_parse_linux_obj(const struct jpath *p, yajl_val v, struct oci_linux *out);
/* The whole config from a parsed tree (spec_parse without the text). */
error *spec_parse_tree(yajl_val tree, struct oci_config **out);
/* Fails naming the first field of spec/fields.c marked refused that v has;
 * prefix selects the entries below a member ("process." for exec's lone
 * process document, "" for a whole config). */
error *spec_refuse_fields(const struct jpath *p, yajl_val v, const char *prefix);

/* Frees members, not the struct itself. */
void spec_process_clear(struct oci_process *p);
void spec_resources_clear(struct oci_resources *r);
void spec_seccomp_clear(struct oci_seccomp *s);
void spec_linux_clear(struct oci_linux *l);
void spec_str_map_clear(struct str_map *m);

#endif
