/* CRIU's RPC messages (criu_req, criu_opts, criu_resp of CRIU's rpc.proto),
 * encoded and decoded by hand: only the fields runc sends and reads, with
 * CRIU's field numbers (checked against the descriptor of the installed
 * pycriu rpc_pb2). Hand-made rather than protoc-c generated so that isorun
 * links no protobuf library for a dozen fields; tests/unit/test_criu_rpc.c
 * pins the wire bytes. */
#ifndef ISORUN_RUNTIME_CRIU_RPC_H
#define ISORUN_RUNTIME_CRIU_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

enum criu_req_type {
	CRIU_REQ_EMPTY = 0,
	CRIU_REQ_DUMP = 1,
	CRIU_REQ_RESTORE = 2,
	CRIU_REQ_CHECK = 3,
	CRIU_REQ_PRE_DUMP = 4,
	CRIU_REQ_NOTIFY = 6,
	CRIU_REQ_FEATURE_CHECK = 9,
	CRIU_REQ_VERSION = 10,
};

/* criu_cg_mode; CRIU_CG_UNSET: the field is not sent (CRIU's default). */
enum criu_cg_mode {
	CRIU_CG_UNSET = -1,
	CRIU_CG_IGNORE = 0,
	CRIU_CG_NONE = 1,
	CRIU_CG_PROPS = 2,
	CRIU_CG_SOFT = 3,
	CRIU_CG_FULL = 4,
	CRIU_CG_STRICT = 5,
	CRIU_CG_DEFAULT = 6,
};

struct criu_kv {
	const char *key, *val;
};
struct criu_inherit_fd {
	const char *key;
	int fd;
};

/* criu_opts; pointers may be NULL and n_* 0; fds < 0 are not sent. */
struct criu_opts {
	int images_dir_fd; /* required */
	int work_dir_fd;
	int pid; /* dump: the root of the tree; 0: not sent */
	int log_level;
	const char *log_file;
	const char *root;
	const char *parent_img;
	const char *freeze_cgroup;
	bool leave_running, ext_unix_sk, tcp_established, evasive_devices, shell_job, file_locks;
	bool notify_scripts, track_mem, auto_dedup, manage_cgroups, rst_sibling;
	bool orphan_pts_master, lazy_pages;
	uint32_t empty_ns; /* CLONE_NEW* bits; 0: not sent */
	enum criu_cg_mode manage_cgroups_mode;
	const struct criu_kv *ext_mnt; /* mount point in the container -> outside path */
	size_t n_ext_mnt;
	char *const *external; /* strv, e.g. "net[4026531992]:extRootNetNS" */
	const struct criu_inherit_fd *inherit_fd;
	size_t n_inherit_fd;
	const char *const *cg_root; /* one path per entry (cgroup v2: no controller) */
	size_t n_cg_root;
};

struct criu_buf {
	uint8_t *data;
	size_t len, cap;
};
void criu_buf_free(struct criu_buf *b);

/* A criu_req. opts may be NULL (VERSION, NOTIFY); features_mem_track and
 * features_lazy_pages fill criu_req.features (FEATURE_CHECK). */
struct criu_req {
	enum criu_req_type type;
	const struct criu_opts *opts;
	bool notify_success;
	bool features_mem_track, features_lazy_pages;
};
error *criu_req_encode(const struct criu_req *req, struct criu_buf *out);

struct criu_resp {
	int type;
	bool success;
	int cr_errno;
	char *cr_errmsg;     /* NULL when absent */
	char *notify_script; /* NOTIFY */
	int notify_pid;
	int restore_pid; /* RESTORE */
	bool has_features, mem_track, lazy_pages;
	bool has_version;
	int version_major, version_minor, version_sublevel;
};
/* Parses one message; unknown fields are skipped. */
error *criu_resp_decode(const uint8_t *data, size_t len, struct criu_resp *out);
void criu_resp_free(struct criu_resp *r);

#endif
