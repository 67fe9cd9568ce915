/* A small JSON writer that reproduces Go's encoding/json output byte for byte
 * (json.Marshal / json.MarshalIndent), since runc's users compare and parse
 * what runc prints: HTML characters escaped as \u003c, U+2028/9 escaped,
 * invalid UTF-8 replaced by U+FFFD, `"key": value` when indenting. */
#ifndef ISORUN_SPEC_GO_JSON_H
#define ISORUN_SPEC_GO_JSON_H

#include <stdbool.h>
#include <stdio.h>

struct go_json {
	FILE *f;
	const char *indent; /* NULL: compact */
	int depth;
	bool first; /* nothing written yet in the innermost container */
};

void go_json_init(struct go_json *w, FILE *f, const char *indent);
/* key is the member name inside an object, NULL inside an array or at the top. */
void go_json_begin_object(struct go_json *w, const char *key);
void go_json_end_object(struct go_json *w);
void go_json_begin_array(struct go_json *w, const char *key);
void go_json_end_array(struct go_json *w);
void go_json_string(struct go_json *w, const char *key, const char *value);
void go_json_int(struct go_json *w, const char *key, long long value);
void go_json_bool(struct go_json *w, const char *key, bool value);
/* Only the quoted, escaped string. */
void go_json_quote(FILE *f, const char *s);

#endif
