#include "runtime/criu_rpc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Wire types of the protobuf encoding. */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* Field numbers (rpc.proto). */
enum {
	OPT_IMAGES_DIR_FD = 1,
	OPT_PID = 2,
	OPT_LEAVE_RUNNING = 3,
	OPT_EXT_UNIX_SK = 4,
	OPT_TCP_ESTABLISHED = 5,
	OPT_EVASIVE_DEVICES = 6,
	OPT_SHELL_JOB = 7,
	OPT_FILE_LOCKS = 8,
	OPT_LOG_LEVEL = 9,
	OPT_LOG_FILE = 10,
	OPT_NOTIFY_SCRIPTS = 12,
	OPT_ROOT = 13,
	OPT_PARENT_IMG = 14,
	OPT_TRACK_MEM = 15,
	OPT_AUTO_DEDUP = 16,
	OPT_WORK_DIR_FD = 17,
	OPT_EXT_MNT = 23,
	OPT_MANAGE_CGROUPS = 24,
	OPT_CG_ROOT = 25,
	OPT_RST_SIBLING = 26,
	OPT_INHERIT_FD = 27,
	OPT_MANAGE_CGROUPS_MODE = 34,
	OPT_EXTERNAL = 37,
	OPT_EMPTY_NS = 38,
	OPT_FREEZE_CGROUP = 44,
	OPT_LAZY_PAGES = 48,
	OPT_ORPHAN_PTS_MASTER = 50,
	/* criu_req */
	REQ_TYPE = 1,
	REQ_OPTS = 2,
	REQ_NOTIFY_SUCCESS = 3,
	REQ_FEATURES = 5,
	/* criu_features */
	FEAT_MEM_TRACK = 1,
	FEAT_LAZY_PAGES = 2,
	/* criu_resp */
	RESP_TYPE = 1,
	RESP_SUCCESS = 2,
	RESP_RESTORE = 4,
	RESP_NOTIFY = 5,
	RESP_CR_ERRNO = 7,
	RESP_FEATURES = 8,
	RESP_CR_ERRMSG = 9,
	RESP_VERSION = 10,
};

void criu_buf_free(struct criu_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static int reserve(struct criu_buf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap * 2 : 256;
	while (cap < b->len + more)
		cap *= 2;
	uint8_t *d = realloc(b->data, cap);
	if (!d)
		return -1;
	b->data = d;
	b->cap = cap;
	return 0;
}

static int put_varint(struct criu_buf *b, uint64_t v)
{
	if (reserve(b, 10) < 0)
		return -1;
	do {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		b->data[b->len++] = byte | (v ? 0x80 : 0);
	} while (v);
	return 0;
}

static int put_tag(struct criu_buf *b, unsigned field, unsigned wt)
{
	return put_varint(b, ((uint64_t)field << 3) | wt);
}

/* int32 fields: negative values are sign-extended to ten bytes, as protobuf does. */
static int put_int32(struct criu_buf *b, unsigned field, int32_t v)
{
	return put_tag(b, field, WT_VARINT) < 0 ? -1 : put_varint(b, (uint64_t)(int64_t)v);
}

static int put_bool(struct criu_buf *b, unsigned field, bool v)
{
	return v ? put_int32(b, field, 1) : 0; /* false is the default: not sent */
}

static int put_bytes(struct criu_buf *b, unsigned field, const void *p, size_t n)
{
	if (put_tag(b, field, WT_LEN) < 0 || put_varint(b, n) < 0 || reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

static int put_str(struct criu_buf *b, unsigned field, const char *s)
{
	return s ? put_bytes(b, field, s, strlen(s)) : 0;
}

static int put_msg(struct criu_buf *b, unsigned field, const struct criu_buf *m)
{
	return put_bytes(b, field, m->data, m->len);
}

static int encode_kv(struct criu_buf *b, unsigned field, const char *k, const char *v)
{
	struct criu_buf m = {0};
	int r = put_str(&m, 1, k) < 0 || put_str(&m, 2, v) < 0 ? -1 : put_msg(b, field, &m);
	criu_buf_free(&m);
	return r;
}

static int encode_opts(const struct criu_opts *o, struct criu_buf *b)
{
	if (put_int32(b, OPT_IMAGES_DIR_FD, o->images_dir_fd) < 0)
		return -1;
	if (o->pid > 0 && put_int32(b, OPT_PID, o->pid) < 0)
		return -1;
	if (put_bool(b, OPT_LEAVE_RUNNING, o->leave_running) < 0 ||
	    put_bool(b, OPT_EXT_UNIX_SK, o->ext_unix_sk) < 0 ||
	    put_bool(b, OPT_TCP_ESTABLISHED, o->tcp_established) < 0 ||
	    put_bool(b, OPT_EVASIVE_DEVICES, o->evasive_devices) < 0 ||
	    put_bool(b, OPT_SHELL_JOB, o->shell_job) < 0 ||
	    put_bool(b, OPT_FILE_LOCKS, o->file_locks) < 0)
		return -1;
	if (o->log_level && put_int32(b, OPT_LOG_LEVEL, o->log_level) < 0)
		return -1;
	if (put_str(b, OPT_LOG_FILE, o->log_file) < 0 ||
	    put_bool(b, OPT_NOTIFY_SCRIPTS, o->notify_scripts) < 0 ||
	    put_str(b, OPT_ROOT, o->root) < 0 || put_str(b, OPT_PARENT_IMG, o->parent_img) < 0 ||
	    put_bool(b, OPT_TRACK_MEM, o->track_mem) < 0 ||
	    put_bool(b, OPT_AUTO_DEDUP, o->auto_dedup) < 0)
		return -1;
	if (o->work_dir_fd >= 0 && put_int32(b, OPT_WORK_DIR_FD, o->work_dir_fd) < 0)
		return -1;
	for (size_t i = 0; i < o->n_ext_mnt; i++)
		if (encode_kv(b, OPT_EXT_MNT, o->ext_mnt[i].key, o->ext_mnt[i].val) < 0)
			return -1;
	if (put_bool(b, OPT_MANAGE_CGROUPS, o->manage_cgroups) < 0)
		return -1;
	for (size_t i = 0; i < o->n_cg_root; i++) {
		struct criu_buf m = {0};
		int r = put_str(&m, 2, o->cg_root[i]) < 0 ? -1 : put_msg(b, OPT_CG_ROOT, &m);
		criu_buf_free(&m);
		if (r < 0)
			return -1;
	}
	if (put_bool(b, OPT_RST_SIBLING, o->rst_sibling) < 0)
		return -1;
	for (size_t i = 0; i < o->n_inherit_fd; i++) {
		struct criu_buf m = {0};
		int r = put_str(&m, 1, o->inherit_fd[i].key) < 0 ||
				put_int32(&m, 2, o->inherit_fd[i].fd) < 0
			    ? -1
			    : put_msg(b, OPT_INHERIT_FD, &m);
		criu_buf_free(&m);
		if (r < 0)
			return -1;
	}
	if (o->manage_cgroups_mode != CRIU_CG_UNSET &&
	    put_int32(b, OPT_MANAGE_CGROUPS_MODE, o->manage_cgroups_mode) < 0)
		return -1;
	for (char *const *x = o->external; x && *x; x++)
		if (put_str(b, OPT_EXTERNAL, *x) < 0)
			return -1;
	if (o->empty_ns &&
	    (put_tag(b, OPT_EMPTY_NS, WT_VARINT) < 0 || put_varint(b, o->empty_ns) < 0))
		return -1;
	if (put_str(b, OPT_FREEZE_CGROUP, o->freeze_cgroup) < 0 ||
	    put_bool(b, OPT_LAZY_PAGES, o->lazy_pages) < 0 ||
	    put_bool(b, OPT_ORPHAN_PTS_MASTER, o->orphan_pts_master) < 0)
		return -1;
	return 0;
}

error *criu_req_encode(const struct criu_req *req, struct criu_buf *out)
{
	memset(out, 0, sizeof(*out));
	struct criu_buf sub = {0};
	int r = put_int32(out, REQ_TYPE, req->type);
	if (!r && req->opts) {
		r = encode_opts(req->opts, &sub);
		if (!r)
			r = put_msg(out, REQ_OPTS, &sub);
	}
	if (!r)
		r = put_bool(out, REQ_NOTIFY_SUCCESS, req->notify_success);
	if (!r && (req->features_mem_track || req->features_lazy_pages)) {
		criu_buf_free(&sub);
		r = put_bool(&sub, FEAT_MEM_TRACK, req->features_mem_track);
		if (!r)
			r = put_bool(&sub, FEAT_LAZY_PAGES, req->features_lazy_pages);
		if (!r)
			r = put_msg(out, REQ_FEATURES, &sub);
	}
	criu_buf_free(&sub);
	if (r < 0) {
		criu_buf_free(out);
		return err_sys(ENOMEM, "criu request");
	}
	return NULL;
}

/* ---------------------------------------------------------------- decoding */

struct reader {
	const uint8_t *p, *end;
};

static int get_varint(struct reader *r, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			return -1;
		uint8_t byte = *r->p++;
		*v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return 0;
	}
	return -1;
}

/* One field: its number and wire type; a varint's value in *v, a length
 * field's bytes in *sub. */
static int next_field(struct reader *r, unsigned *field, unsigned *wt, uint64_t *v,
		      struct reader *sub)
{
	uint64_t tag;
	if (get_varint(r, &tag) < 0 || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX)
		return -1;
	*field = (unsigned)(tag >> 3);
	*wt = tag & 7;
	switch (*wt) {
	case WT_VARINT:
		return get_varint(r, v);
	case WT_I64:
	case WT_I32: {
		size_t n = *wt == WT_I64 ? 8 : 4;
		if ((size_t)(r->end - r->p) < n)
			return -1;
		r->p += n;
		return 0;
	}
	case WT_LEN:
		if (get_varint(r, v) < 0 || *v > (uint64_t)(r->end - r->p))
			return -1;
		sub->p = r->p;
		sub->end = r->p + *v;
		r->p += *v;
		return 0;
	default:
		return -1;
	}
}

static char *dup_sub(const struct reader *s)
{
	return strndup((const char *)s->p, (size_t)(s->end - s->p));
}

/* Walks every field of a (sub)message; cb sees each one. */
typedef int (*field_cb)(void *arg, unsigned field, unsigned wt, uint64_t v, struct reader *sub);

static int walk(struct reader r, field_cb cb, void *arg)
{
	while (r.p < r.end) {
		unsigned field, wt;
		uint64_t v = 0;
		struct reader sub = {0};
		if (next_field(&r, &field, &wt, &v, &sub) < 0 || cb(arg, field, wt, v, &sub) < 0)
			return -1;
	}
	return 0;
}

static int notify_cb(void *arg, unsigned field, unsigned wt, uint64_t v, struct reader *sub)
{
	struct criu_resp *o = arg;
	if (field == 1 && wt == WT_LEN) {
		free(o->notify_script);
		return (o->notify_script = dup_sub(sub)) ? 0 : -1;
	}
	if (field == 2 && wt == WT_VARINT)
		o->notify_pid = (int)(int64_t)v;
	return 0;
}

static int restore_cb(void *arg, unsigned field, unsigned wt, uint64_t v, struct reader *sub)
{
	struct criu_resp *o = arg;
	if (field == 1 && wt == WT_VARINT)
		o->restore_pid = (int)(int64_t)v;
	return 0;
}

static int features_cb(void *arg, unsigned field, unsigned wt, uint64_t v, struct reader *sub)
{
	struct criu_resp *o = arg;
	if (wt == WT_VARINT && field == FEAT_MEM_TRACK)
		o->mem_track = v != 0;
	if (wt == WT_VARINT && field == FEAT_LAZY_PAGES)
		o->lazy_pages = v != 0;
	return 0;
}

static int version_cb(void *arg, unsigned field, unsigned wt, uint64_t v, struct reader *sub)
{
	struct criu_resp *o = arg;
	if (wt != WT_VARINT)
		return 0;
	if (field == 1)
		o->version_major = (int)(int64_t)v;
	else if (field == 2)
		o->version_minor = (int)(int64_t)v;
	else if (field == 4)
		o->version_sublevel = (int)(int64_t)v;
	return 0;
}

static int resp_cb(void *arg, unsigned field, unsigned wt, uint64_t v, struct reader *sub)
{
	struct criu_resp *o = arg;
	if (wt == WT_VARINT) {
		if (field == RESP_TYPE)
			o->type = (int)v;
		else if (field == RESP_SUCCESS)
			o->success = v != 0;
		else if (field == RESP_CR_ERRNO)
			o->cr_errno = (int)(int64_t)v;
		return 0;
	}
	if (wt != WT_LEN)
		return 0;
	switch (field) {
	case RESP_RESTORE:
		return walk(*sub, restore_cb, o);
	case RESP_NOTIFY:
		return walk(*sub, notify_cb, o);
	case RESP_FEATURES:
		o->has_features = true;
		return walk(*sub, features_cb, o);
	case RESP_VERSION:
		o->has_version = true;
		return walk(*sub, version_cb, o);
	case RESP_CR_ERRMSG:
		free(o->cr_errmsg);
		return (o->cr_errmsg = dup_sub(sub)) ? 0 : -1;
	}
	return 0;
}

error *criu_resp_decode(const uint8_t *data, size_t len, struct criu_resp *out)
{
	memset(out, 0, sizeof(*out));
	struct reader r = {data, data + len};
	if (walk(r, resp_cb, out) < 0) {
		criu_resp_free(out);
		return err_new("criu response: malformed message (%zu bytes)", len);
	}
	return NULL;
}

void criu_resp_free(struct criu_resp *r)
{
	free(r->cr_errmsg);
	free(r->notify_script);
	r->cr_errmsg = r->notify_script = NULL;
}
