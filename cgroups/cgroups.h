/* One cgroup interface, two back ends: v2 (unified) and v1 (legacy, and hybrid
 * hosts where the cgroup2 mount has no controllers: controllers on v1 and the
 * process also placed in the cgroup2 tree for tracking, as runc does). */
#ifndef ISORUN_CGROUPS_H
#define ISORUN_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

enum cgroup_layout { CGROUP_LAYOUT_V2, CGROUP_LAYOUT_V1, CGROUP_LAYOUT_HYBRID };

struct cgroup; /* opaque */

error *cgroup_detect_layout(enum cgroup_layout *out);
const char *cgroup_layout_name(enum cgroup_layout l); /* "v2", "v1", "hybrid" */

/* Resolves the container's cgroup path like runc's cgroupfs driver: cgroupsPath
 * absolute (cleaned, from the hierarchy root); relative, or NULL/empty which
 * means the container id, below own_cgroup (the runtime's own cgroup in that
 * hierarchy: on v1 each hierarchy has its own, e.g. memory:/process_api/h ->
 * /process_api/h/<id>; on v2 runc uses the parent of its own cgroup, and
 * cgroup_create passes that). ".." never climbs above "/"; the root itself
 * is refused. Pure. */
error *cgroup_resolve_path(const char *cgroups_path, const char *id, const char *own_cgroup,
			   char **out);

/* Creates the cgroup (nested parents too, remembering which it made) in every
 * hierarchy of the layout. Does not move any process. */
error *cgroup_create(const char *cgroups_path, const char *id, struct cgroup **out);
/* The systemd driver (--systemd-cgroup; runc's semantics, docs/systemd.md):
 * cgroupsPath "slice:prefix:name" names a transient unit on the system
 * manager (the user manager when user_manager: rootless). Checks the path,
 * the bus, systemd and the layout (cgroup v2 only); the unit itself is
 * started by cgroup_enter with the container's pid (systemd needs one), with
 * the properties computed here from res and the org.systemd.property.*
 * annotations; then cgroup_apply writes the cgroup files as for cgroupfs.
 * Errors name the cgroupsPath. */
error *cgroup_create_systemd(const char *cgroups_path, const char *id, bool user_manager,
			     const struct oci_resources *res, const struct str_map *annotations,
			     struct cgroup **out);
/* The systemd unit owning the cgroup ("isorun-abc.scope"), NULL for cgroupfs. */
const char *cgroup_systemd_unit(const struct cgroup *cg);
/* Whether the systemd driver can work here (bus, systemd, v2): NULL or why not. */
error *cgroup_systemd_probe(bool user_manager);
/* cgroup_create for a rootless container (runc's rootless cgroupfs manager):
 * with no cgroupsPath, a hierarchy we may not create in (EACCES, EPERM,
 * EROFS) is left out instead of failing, possibly every one (then
 * cgroup_is_empty); an explicit cgroupsPath must be writable. A limit for a
 * left-out controller fails in cgroup_apply ("cannot set memory limit:
 * rootless container could not create its cgroup ..."); device rules for one
 * are skipped. */
error *cgroup_create_rootless(const char *cgroups_path, const char *id, struct cgroup **out);
/* No hierarchy at all (rootless, nothing writable): nothing to save or enter. */
bool cgroup_is_empty(const struct cgroup *cg);
/* Re-opens a container's cgroup from what cgroup_state() saved. */
error *cgroup_load(const char *saved_state, struct cgroup **out);
/* A one-line string for the state file, NUL-terminated, malloc'd (NULL on
 * ENOMEM): "<v2|v1|hybrid> <mnt>=<controllers>:<path>:<created> ..." per
 * hierarchy, fields %XX-escaped, e.g. "hybrid /sys/fs/cgroup/pids=pids:/a:1
 * /sys/fs/cgroup/unified=:/a:1" (empty controllers = cgroup2). */
char *cgroup_state(const struct cgroup *cg);
/* The cgroup's path in the tracking hierarchy (v2, the cgroup2 mount on hybrid,
 * else pids/freezer/memory), e.g. "/isorun/abc". Other v1 hierarchies may
 * differ for relative paths (runc puts them below its own per-hierarchy cgroup). */
const char *cgroup_path(const struct cgroup *cg);

/* v2 only: an O_RDONLY|O_DIRECTORY|O_CLOEXEC fd of the cgroup for clone3's
 * CLONE_INTO_CGROUP, owned by cg (do not close; cgroup_free does); -1 on
 * v1/hybrid (a new process joins there with cgroup_join_open below). */
int cgroup_v2_dirfd(const struct cgroup *cg);
/* `exec --cgroup` arguments, runc's forms: "PATH" (alone: every hierarchy)
 * or "CONTROLLER[,CONTROLLER...]:PATH" (repeatable, v1). controller "" is
 * the PATH-only form. */
struct cgroup_sub {
	char *controller;
	char *path;
};
struct cgroup_subs {
	struct cgroup_sub *v;
	size_t n;
};
/* Pure; runc's messages ("invalid --cgroup argument: a (missing
 * <controller>: prefix)", "... controller memory specified multiple times"). */
error *cgroup_parse_subs(char *const *args, size_t n, struct cgroup_subs *out);
void cgroup_subs_free(struct cgroup_subs *s);
/* base + sub, cleaned, when it stays at or below base; else NULL with errno
 * EINVAL ("..", "a/../../b"). Pure. */
char *cgroup_sub_join(const char *base, const char *sub);
/* The cgroup that `exec --cgroup` joins: cg with each hierarchy's path
 * extended by its sub-path. Every sub-cgroup must exist already; a
 * controller that names no hierarchy of cg is refused. The result owns its
 * own v2 dir fd and is freed with cgroup_free; never destroy it. */
error *cgroup_sub(const struct cgroup *cg, const struct cgroup_subs *s, struct cgroup **out);

/* Writes pid to cgroup.procs in every hierarchy; with the systemd driver the
 * first call starts the unit with pid in it. */
error *cgroup_enter(struct cgroup *cg, pid_t pid);

/* How a new process joins cg without its parent writing its pid
 * (cgroup_enter). On v1 that write takes the kernel's global threadgroup
 * lock, and its first taker after an idle moment waits an RCU grace period
 * (about 10 ms here). Instead: clone3 puts the child into the cgroup2
 * hierarchy (v2, and the cgroup2 mount of a hybrid host) with
 * CLONE_INTO_CGROUP, and the child writes "0" into the `tasks` file of each
 * v1 hierarchy itself, before it does anything else: a single thread moving
 * itself does not take that lock. We open the files: the kernel checks the
 * opener's credentials, so the child may be in a new user namespace already. */
struct cgroup_join {
	const struct cgroup *cg; /* NULL: no cgroup, nothing to join */
	int clone_fd;		 /* for CLONE_INTO_CGROUP, or -1 */
	bool own_clone_fd;	 /* hybrid: ours to close; v2: cg's */
	int *tasks_fds;		 /* per hierarchy of cg, -1 for cgroup2 */
	/* The systemd driver starts its unit with the pid in it: the parent
	 * calls cgroup_enter after the clone, as before. */
	bool parent_enters;
};
error *cgroup_join_open(const struct cgroup *cg, struct cgroup_join *j);
/* In the child, single-threaded, before anything of the container's; closes
 * the child's copies of the fds. */
error *cgroup_join_self(struct cgroup_join *j);
/* The parent's copies, once the child exists (or failed to). */
void cgroup_join_close(struct cgroup_join *j);

/* Applies linux.resources: cgroup_plan_resources for the cgroup's layout, then
 * cgroup_apply_plan. Call after cgroup_create and before the container's
 * process runs its program (v1 rt limits must be set before a SCHED_RR
 * process joins). Errors name the field and the file:
 * "linux.resources.memory.limit: cgroup v1 memory.limit_in_bytes: Invalid argument". */
error *cgroup_apply(const struct cgroup *cg, const struct oci_resources *res);
/* The same for `update`: device rules are never touched (runc's SkipDevices). */
error *cgroup_update(const struct cgroup *cg, const struct oci_resources *res);

/* The plan: cgroup file writes computed from linux.resources, in order. */
enum {
	CGW_IF_EXISTS = 1,	  /* skipped when the file does not exist */
	CGW_IF_PREV_SKIPPED = 2,  /* only when the previous entry was skipped */
	CGW_RETRY_AFTER_NEXT = 4, /* on EINVAL, retried once after the next entry */
	CGW_SWAP_ORDER = 8,	  /* v1 memory.limit_in_bytes: the next entry (memsw)
				   * goes first when it is -1 or above the current limit */
	CGW_CHECK_USAGE = 16,	  /* memory limit: refused below the current usage
				   * (memory.checkBeforeUpdate) */
};
struct cgroup_write {
	const char *controller; /* v1 hierarchy to write in ("memory", "cpu", ...) */
	char *file;		/* "memory.limit_in_bytes" */
	char *value;		/* exactly what is written */
	char *field;		/* spec path for messages: "linux.resources.memory.limit" */
	unsigned flags;
};
struct cgroup_plan {
	struct cgroup_write *w;
	size_t n;
};
/* Pure: the writes for v2 (v2 true) or v1, with runc's conversions (cpu.weight
 * from shares, memory.swap.max = swap - limit, io.weight from blkio weight).
 * Errors: "linux.resources.unified: not supported on cgroup v1", ... */
error *cgroup_plan_resources(const struct oci_resources *res, bool v2, bool skip_devices,
			     struct cgroup_plan *out);
void cgroup_plan_free(struct cgroup_plan *plan);
/* One line per write, "file value (field)", for --debug. malloc'd. */
char *cgroup_plan_format(const struct cgroup_plan *plan);
error *cgroup_apply_plan(const struct cgroup *cg, const struct cgroup_plan *plan);
enum cgroup_layout cgroup_get_layout(const struct cgroup *cg);

error *cgroup_freeze(const struct cgroup *cg, bool frozen);
error *cgroup_is_frozen(const struct cgroup *cg, bool *frozen);
/* Host PIDs in the cgroup (cgroup.procs of the tracking hierarchy). */
error *cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n);
/* Signals every process: cgroup.kill on v2 for SIGKILL where present, else
 * freeze, signal each pid, thaw. */
error *cgroup_signal_all(const struct cgroup *cg, int sig);
/* Removes the cgroup dirs (waiting briefly for them to empty) and the parents
 * this cgroup created. */
error *cgroup_destroy(struct cgroup *cg);
void cgroup_free(struct cgroup *cg);

/* ---- stats and OOM notifications (`events`; cgroups/stats.c, cgroups/oom.c) ----
 * Units and meanings are runc's (libcontainer/cgroups/stats.go): nanoseconds
 * for cpu, bytes for memory, v2 converted to v1's shape ("swap" is
 * memory+swap, cpu.stat microseconds * 1000). Missing files leave zeros. */
enum {
	CG_BLKIO_SERVICE_BYTES,
	CG_BLKIO_SERVICED,
	CG_BLKIO_QUEUED,
	CG_BLKIO_SERVICE_TIME,
	CG_BLKIO_WAIT_TIME,
	CG_BLKIO_MERGED,
	CG_BLKIO_TIME,
	CG_BLKIO_SECTORS,
	CG_BLKIO_N
};
/* cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate,
 * memory_spread_page, memory_spread_slab, memory_pressure, sched_load_balance,
 * sched_relax_domain_level (v1 cpuset files, in this order). */
#define CG_CPUSET_NFLAGS 9
struct cgroup_blkio_entry {
	uint64_t major, minor;
	char op[16]; /* "Read", "Write", "Sync", "Async", "Discard", "Total" or "" */
	uint64_t value;
};
struct cgroup_blkio_list {
	struct cgroup_blkio_entry *e;
	size_t n;
};
struct cgroup_mem_data {
	uint64_t limit, usage, max, failcnt;
};
struct cgroup_kv {
	char *key;
	uint64_t value;
};
struct cgroup_hugetlb_stat {
	char *page_size; /* "2MB" */
	uint64_t usage, max, failcnt;
};
struct cgroup_stats {
	bool v2;
	uint64_t cpu_total, cpu_kernel, cpu_user;
	uint64_t *percpu, *percpu_kernel, *percpu_user;
	size_t n_percpu, n_percpu_kernel, n_percpu_user;
	uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_time;
	bool has_cpuset;
	uint16_t *cpus, *mems;
	size_t n_cpus, n_mems;
	int64_t cpuset_flags[CG_CPUSET_NFLAGS];
	uint64_t mem_cache;
	struct cgroup_mem_data mem_usage, mem_swap, mem_kernel, mem_kernel_tcp;
	struct cgroup_kv *mem_raw; /* memory.stat, file order */
	size_t n_mem_raw;
	uint64_t oom_kill;		   /* memory.oom_control / memory.events oom_kill */
	uint64_t pids_current, pids_limit; /* limit 0: unlimited */
	struct cgroup_blkio_list blkio[CG_BLKIO_N];
	struct cgroup_hugetlb_stat *hugetlb;
	size_t n_hugetlb;
};
/* Where the collector reads: (controller, file) -> malloc'd text or an errno. */
struct cgroup_stats_reader {
	int (*read)(void *ctx, const char *controller, const char *file, char **out);
	void *ctx;
};
/* Pure given the reader: what cgroup_stats does, for fixture tests. */
void cgroup_stats_collect(const struct cgroup_stats_reader *r, bool v2, char *const *hugepage_sizes,
			  struct cgroup_stats *out);
error *cgroup_stats(const struct cgroup *cg, struct cgroup_stats *out);
void cgroup_stats_free(struct cgroup_stats *st);
/* A memory.stat value by key (0 when absent). */
uint64_t cgroup_stats_raw(const struct cgroup_stats *st, const char *key);

/* OOM notifications: v1 an eventfd registered through cgroup.event_control
 * on memory.oom_control; v2 inotify on memory.events, counting oom_kill. */
struct cgroup_oom;
/* Errors when the cgroup has no memory controller. */
error *cgroup_oom_watch(const struct cgroup *cg, struct cgroup_oom **out);
/* Poll it for POLLIN. */
int cgroup_oom_fd(const struct cgroup_oom *w);
/* After POLLIN: how many new OOM events (0 for a spurious wakeup). */
error *cgroup_oom_take(struct cgroup_oom *w, uint64_t *events);
void cgroup_oom_free(struct cgroup_oom *w);

#endif
