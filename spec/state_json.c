/* The OCI state document: pretty for `state` (byte-identical to runc, which
 * prints Go's json.MarshalIndent with two spaces and no final newline),
 * compact for hooks' stdin. */
#include "spec/state_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "spec/go_json.h"

/* Go marshals maps with sorted keys; do the same for both forms. */
static const char *const status_names[] = {
    [CONTAINER_CREATING] = "creating", [CONTAINER_CREATED] = "created",
    [CONTAINER_RUNNING] = "running",   [CONTAINER_PAUSED] = "paused",
    [CONTAINER_STOPPED] = "stopped",
};

const char *container_status_name(enum container_status s)
{
	if (s >= CONTAINER_CREATING && s <= CONTAINER_STOPPED)
		return status_names[s];
	return "unknown";
}

bool container_status_parse(const char *name, enum container_status *out)
{
	for (int s = CONTAINER_CREATING; name && s <= CONTAINER_STOPPED; s++) {
		if (!strcmp(name, status_names[s])) {
			*out = (enum container_status)s;
			return true;
		}
	}
	return false;
}

static size_t *sorted_keys(const struct str_map *m)
{
	size_t *idx = calloc(m->n ? m->n : 1, sizeof(size_t));
	if (!idx)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		size_t j = i;
		while (j > 0 && strcmp(m->keys[idx[j - 1]], m->keys[i]) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
	return idx;
}

static bool has_annotations(const struct oci_state *st)
{
	return st->annotations && st->annotations->n > 0;
}

static char *state_pretty(const struct oci_state *st, const size_t *order)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct go_json w;
	go_json_init(&w, f, "  ");
	go_json_begin_object(&w, NULL);
	go_json_string(&w, "ociVersion", st->oci_version ? st->oci_version : "");
	go_json_string(&w, "id", st->id ? st->id : "");
	go_json_int(&w, "pid", st->pid);
	go_json_string(&w, "status", container_status_name(st->status));
	go_json_string(&w, "bundle", st->bundle ? st->bundle : "");
	if (st->rootfs)
		go_json_string(&w, "rootfs", st->rootfs);
	if (st->created)
		go_json_string(&w, "created", st->created);
	if (has_annotations(st)) {
		go_json_begin_object(&w, "annotations");
		for (size_t i = 0; i < st->annotations->n; i++)
			go_json_string(&w, st->annotations->keys[order[i]],
				       st->annotations->values[order[i]]);
		go_json_end_object(&w);
	}
	if (st->owner)
		go_json_string(&w, "owner", st->owner);
	go_json_end_object(&w);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_member(yajl_gen g, const char *key, const char *value)
{
	gen_str(g, key);
	gen_str(g, value);
}

static char *state_compact(const struct oci_state *st, const size_t *order)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	gen_member(g, "ociVersion", st->oci_version ? st->oci_version : "");
	gen_member(g, "id", st->id ? st->id : "");
	gen_str(g, "pid");
	yajl_gen_integer(g, st->pid);
	gen_member(g, "status", container_status_name(st->status));
	gen_member(g, "bundle", st->bundle ? st->bundle : "");
	if (st->rootfs)
		gen_member(g, "rootfs", st->rootfs);
	if (st->created)
		gen_member(g, "created", st->created);
	if (has_annotations(st)) {
		gen_str(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < st->annotations->n; i++)
			gen_member(g, st->annotations->keys[order[i]],
				   st->annotations->values[order[i]]);
		yajl_gen_map_close(g);
	}
	if (st->owner)
		gen_member(g, "owner", st->owner);
	yajl_gen_map_close(g);
	const unsigned char *out = NULL;
	size_t len = 0;
	char *text = NULL;
	if (yajl_gen_get_buf(g, &out, &len) == yajl_gen_status_ok)
		text = strndup((const char *)out, len);
	yajl_gen_free(g);
	return text;
}

char *oci_state_to_json(const struct oci_state *st, bool pretty)
{
	static const struct str_map empty = {0};
	size_t *order = sorted_keys(st->annotations ? st->annotations : &empty);
	if (!order)
		return NULL;
	char *text = pretty ? state_pretty(st, order) : state_compact(st, order);
	free(order);
	return text;
}
