#include "spec/strv_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/util.h"
#include "spec/go_json.h"
#include "spec/json_util.h"

char *strv_json(char *const *v, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct go_json w;
	go_json_init(&w, f, NULL);
	go_json_begin_array(&w, NULL);
	for (size_t i = 0; i < n; i++)
		go_json_string(&w, NULL, v[i] ? v[i] : "");
	go_json_end_array(&w);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

error *strv_json_parse(const char *text, size_t len, const char *name, char ***out)
{
	*out = NULL;
	yajl_val tree = NULL;
	error *e = jparse(text, len, &tree);
	if (e)
		return err_wrap(e, "%s", name);
	struct jpath root = JROOT;
	char **v = NULL;
	if (!YAJL_IS_ARRAY(tree)) {
		e = err_new("%s: expected an array of strings", name);
		goto out;
	}
	for (size_t i = 0; i < tree->u.array.len; i++) {
		yajl_val s = tree->u.array.values[i];
		struct jpath p = JIDX(&root, i);
		if (!YAJL_IS_STRING(s)) {
			e = err_wrap(jerr(&p, "expected a string"), "%s", name);
			goto out;
		}
		if (strv_push(&v, s->u.string) < 0) {
			e = err_sys(ENOMEM, "%s", name);
			goto out;
		}
	}
	*out = v;
	v = NULL;
out:
	strv_free(v);
	yajl_tree_free(tree);
	return e;
}
