/* Private to cgroups/: the hierarchy list shared by the back ends. */
#ifndef ISORUN_CGROUPS_INTERNAL_H
#define ISORUN_CGROUPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "common/error.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

struct cgsd_props;

/* A mounted hierarchy as seen in /proc/self/mountinfo. */
struct cg_mount {
	char *mnt;	   /* "/sys/fs/cgroup/cpu" */
	char *controllers; /* v1: "cpu,cpuacct" or "name=systemd"; v2: "" */
	bool v2;
};

/* One hierarchy the container's cgroup lives in. */
struct cg_hier {
	char *mnt;
	char *controllers;
	bool v2;
	char *path;  /* cgroup path inside the hierarchy: "/isorun/abc" */
	int created; /* how many trailing components of path we mkdir'd */
};

struct cgroup {
	enum cgroup_layout layout;
	struct cg_hier *h;
	size_t n;
	int v2fd; /* v2 layout: the cgroup dir, for CLONE_INTO_CGROUP; else -1 */
	/* systemd driver: the unit that owns the cgroup (NULL: cgroupfs). */
	char *sd_unit;
	char *sd_cgroups_path;	    /* as the config gave it, for messages (not saved) */
	bool sd_user;		    /* on the user manager */
	bool sd_slice;		    /* a slice: the pid is written to its cgroup.procs */
	bool sd_started;	    /* made by us: destroy stops it */
	struct cgsd_props *sd_plan; /* StartTransientUnit's properties, until enter */
	/* Rootless: hierarchies left out because we may not write them, as
	 * ",cpu,cpuacct,memory," ("," + "" + "," for cgroup2), so that a limit
	 * for one of them is refused with the reason. Not saved in the state. */
	char *denied;
	bool rootless; /* device rule errors are ignored (runc: "not expected to work") */
};

/* systemd.c: the driver's steps behind cgroup_enter/update/destroy/free. */
error *cg_sd_enter(struct cgroup *cg, pid_t pid);
error *cg_sd_update(const struct cgroup *cg, const struct oci_resources *res);
error *cg_sd_stop(struct cgroup *cg);
void cg_sd_free(struct cgroup *cg);

/* The hierarchies of cg->layout in mountinfo, each at the same path (the
 * systemd driver on v1/hybrid: systemd names the unit's cgroup alike in
 * every hierarchy): v1 controllers and name=systemd, plus the cgroup2 mount
 * on hybrid. Pure. */
error *cg_hiers_at(struct cgroup *cg, const char *mountinfo, const char *path);
/* mkdir each missing component of h->path, top down (a new v1 cpuset gets
 * its parent's cpus and mems); h->created counts the ones made here so
 * that destroy removes exactly those. */
error *cg_hier_create(struct cg_hier *h, enum cgroup_layout layout);

/* mountinfo text -> cgroup mounts: v1 hierarchies (only known controllers and
 * name=systemd, first mount of each kept) and cgroup2 mounts. Pure. */
error *cg_parse_mounts(const char *mountinfo, struct cg_mount **out, size_t *n);
void cg_mounts_free(struct cg_mount *m, size_t n);
/* /proc/self/cgroup text -> path of the hierarchy with exactly these
 * controllers ("" for the v2 line "0::"). NULL if absent. Pure. */
char *cg_own_path(const char *proc_cgroup, const char *controllers);

/* "<mnt><path>", malloc'd. */
char *cg_dir(const struct cg_hier *h);
/* write(2) of value to dir/file (no O_CREAT); returns 0 or an errno. */
int cg_write(const char *dir, const char *file, const char *value);
/* Reads dir/file; returns 0 or an errno. */
int cg_read(const char *dir, const char *file, char **out);
bool cg_file_exists(const char *dir, const char *file);

/* The hierarchy that lists every process of the container (v2 dir; hybrid:
 * the cgroup2 tracking dir; v1: pids, freezer, memory, then the first). */
const struct cg_hier *cg_tracking(const struct cgroup *cg);
/* The v1 hierarchy carrying that controller, or NULL. */
const struct cg_hier *cg_find_v1(const struct cgroup *cg, const char *controller);
const struct cg_hier *cg_find_v2(const struct cgroup *cg);

/* runc's v1 -> v2 conversions (resources_plan.c), shared with the systemd
 * property plan: cpu.weight from shares ([2, 262144] -> [1, 10000]; 0 stays
 * 0), io.weight from blkio weight ([10, 1000] -> [1, 10000]), memory.swap.max
 * from v1's memory+swap (-1 unlimited, 0 unset). */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_to_io_weight(uint64_t w);
error *cg_swap_v2(int64_t swap, int64_t mem, int64_t *out);

/* v2 device rules as an eBPF CGROUP_DEVICE program (last matching rule wins;
 * a wildcard "a" rule resets the default like on v1). Pure. */
struct bpf_insn;
error *cg_devices_program(const struct oci_device_cgroup *rules, size_t n, struct bpf_insn **out,
			  size_t *n_out);
/* Loads that program and attaches it (BPF_F_ALLOW_MULTI) to the cgroup dir. */
error *cg_devices_attach(int cgroup_fd, const struct oci_device_cgroup *rules, size_t n);

#endif
