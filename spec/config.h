/* config.json (OCI runtime-spec 1.3) as typed C structs.
 * Strings are malloc'd and NUL-terminated; arrays come with a count; string lists
 * are NULL-terminated strv. Optional scalars use the opt_* wrappers: .set says
 * whether the key was present. spec/ knows nothing of syscalls. */
#ifndef ISORUN_SPEC_CONFIG_H
#define ISORUN_SPEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct {
	bool set;
	int64_t value;
} opt_i64;
typedef struct {
	bool set;
	uint64_t value;
} opt_u64;
typedef struct {
	bool set;
	bool value;
} opt_bool;

/* Ordered string map (sysctl, annotations, unified, ...). */
struct str_map {
	char **keys;
	char **values;
	size_t n;
};

struct oci_root {
	char *path; /* as written; absolute_path is resolved against the bundle */
	char *absolute_path;
	bool readonly;
};

struct oci_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct oci_mount {
	char *destination;
	char *type;	/* may be NULL: then "bind" if options name bind/rbind */
	char *source;	/* may be NULL */
	char **options; /* strv, may be NULL */
	struct oci_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct oci_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

struct oci_user {
	uint32_t uid;
	uint32_t gid;
	opt_u64 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;
};

struct oci_capabilities {
	/* strv of names like "CAP_CHOWN"; NULL when the set is absent. */
	char **bounding, **effective, **inheritable, **permitted, **ambient;
};

struct oci_rlimit {
	char *type;   /* "RLIMIT_NOFILE" ... validated by spec_rlimit_resource() */
	int resource; /* RLIMIT_* */
	uint64_t hard;
	uint64_t soft;
};

struct oci_io_priority {
	bool set;
	char *class_name; /* IOPRIO_CLASS_RT | IOPRIO_CLASS_BE | IOPRIO_CLASS_IDLE */
	int klass;	  /* 1 RT, 2 BE, 3 IDLE (kernel values) */
	int priority;
};

struct oci_scheduler {
	bool set;
	char *policy; /* SCHED_OTHER ... */
	int policy_value;
	int32_t nice;
	int32_t priority;
	char **flags; /* SCHED_FLAG_* names */
	uint64_t runtime, deadline, period;
};

/* process.execCPUAffinity (runtime-spec 1.3): CPU lists ("0-3,7") for an
 * exec'd process, before (initial) and after (final) it joins the cgroup.
 * NULL or "" when absent; validated by spec_cpu_list_parse. */
struct oci_exec_cpu_affinity {
	char *initial;
	char *final;
};

struct oci_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct oci_user user;
	char **args; /* strv */
	char *command_line;
	char **env; /* strv */
	char *cwd;
	bool has_capabilities;
	struct oci_capabilities capabilities;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	char *selinux_label;
	opt_i64 oom_score_adj;
	struct oci_io_priority io_priority;
	struct oci_scheduler scheduler;
	struct oci_exec_cpu_affinity exec_cpu_affinity;
};

struct oci_hook {
	char *path;
	char **args; /* strv, may be NULL */
	char **env;  /* strv, may be NULL */
	opt_i64 timeout;
};

struct oci_hook_list {
	struct oci_hook *hooks;
	size_t n;
};

struct oci_hooks {
	struct oci_hook_list prestart, create_runtime, create_container, start_container, poststart,
	    poststop;
};

enum oci_ns_type {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS_COUNT,
};

struct oci_namespace {
	enum oci_ns_type type;
	char *path; /* NULL: create a new one */
};

struct oci_device {
	char *path;
	char type; /* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	opt_u64 file_mode;
	opt_u64 uid, gid;
};

/* linux.resources.devices[] */
struct oci_device_cgroup {
	bool allow;
	char type;     /* 'a', 'c', 'b'; 'a' when absent */
	opt_i64 major; /* absent: wildcard */
	opt_i64 minor;
	char *access; /* "rwm" subset; NULL: all */
};

struct oci_memory {
	opt_i64 limit, reservation, swap, kernel, kernel_tcp;
	opt_u64 swappiness;
	opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct oci_cpu {
	opt_u64 shares;
	opt_i64 quota;
	opt_u64 burst;
	opt_u64 period;
	opt_i64 realtime_runtime;
	opt_u64 realtime_period;
	char *cpus;
	char *mems;
	opt_i64 idle;
};

struct oci_block_io_device {
	int64_t major, minor;
	opt_u64 weight, leaf_weight; /* weightDevice */
	uint64_t rate;		     /* throttle*Device */
};

struct oci_block_io {
	opt_u64 weight, leaf_weight;
	struct oci_block_io_device *weight_device;
	size_t n_weight_device;
	struct oci_block_io_device *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
	    *throttle_write_iops;
	size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops,
	    n_throttle_write_iops;
};

struct oci_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct oci_rdma_limit {
	char *device;
	opt_u64 hca_handles, hca_objects;
};

struct oci_net_priority {
	char *name;
	uint32_t priority;
};

struct oci_resources {
	struct oci_device_cgroup *devices;
	size_t n_devices;
	bool has_memory;
	struct oci_memory memory;
	bool has_cpu;
	struct oci_cpu cpu;
	bool has_pids;
	int64_t pids_limit;
	bool has_block_io;
	struct oci_block_io block_io;
	struct oci_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	opt_u64 net_class_id;
	struct oci_net_priority *net_priorities;
	size_t n_net_priorities;
	struct oci_rdma_limit *rdma;
	size_t n_rdma;
	struct str_map unified;
};

enum oci_seccomp_action {
	SECCOMP_ACT_UNSET = 0,
	OCI_SECCOMP_KILL,	  /* SCMP_ACT_KILL (== kill thread) */
	OCI_SECCOMP_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
	OCI_SECCOMP_KILL_THREAD,  /* SCMP_ACT_KILL_THREAD */
	OCI_SECCOMP_TRAP,
	OCI_SECCOMP_ERRNO,
	OCI_SECCOMP_TRACE,
	OCI_SECCOMP_ALLOW,
	OCI_SECCOMP_LOG,
	OCI_SECCOMP_NOTIFY,
};

enum oci_seccomp_op {
	OCI_SECCOMP_OP_NE = 1,
	OCI_SECCOMP_OP_LT,
	OCI_SECCOMP_OP_LE,
	OCI_SECCOMP_OP_EQ,
	OCI_SECCOMP_OP_GE,
	OCI_SECCOMP_OP_GT,
	OCI_SECCOMP_OP_MASKED_EQ,
};

struct oci_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	enum oci_seccomp_op op;
};

struct oci_seccomp_syscall {
	char **names; /* strv */
	enum oci_seccomp_action action;
	opt_u64 errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	enum oci_seccomp_action default_action;
	opt_u64 default_errno_ret;
	char **architectures; /* strv of SCMP_ARCH_* */
	char **flags;	      /* strv of SECCOMP_FILTER_FLAG_* */
	char *listener_path;
	char *listener_metadata;
	struct oci_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct oci_time_offset {
	char *clock; /* "monotonic" | "boottime" */
	int64_t secs;
	uint32_t nanosecs;
};

struct oci_personality {
	bool set;
	char *domain; /* LINUX | LINUX32 */
	char **flags;
};

/* linux.memoryPolicy (runtime-spec 1.3): set_mempolicy(2) of the container's
 * processes. mode_value and flags_value are the kernel's MPOL_* numbers. */
struct oci_memory_policy {
	bool set;
	char *mode;
	int mode_value;
	char *nodes; /* node list ("0-3,7"), NULL when absent */
	char **flags;
	int flags_value;
};

/* linux.netDevices (runtime-spec 1.3): a host interface moved into the
 * container's network namespace, named `name` there (the host name when
 * absent). */
struct oci_net_device {
	char *host_name;
	char *name;
};

/* linux.intelRdt: a resctrl group (CLOS) for the container. */
struct oci_intel_rdt {
	bool set;
	char *clos_id;		/* NULL: the container id names the group */
	char *l3_cache_schema;	/* "L3:0=ff;1=ff" */
	char *mem_bw_schema;	/* "MB:0=70;1=70" */
	char **schemata;	/* strv of whole lines (1.3); written after the two above */
	bool enable_monitoring; /* also the pre-1.3 enableCMT / enableMBM */
};

struct oci_linux {
	struct oci_namespace *namespaces;
	size_t n_namespaces;
	struct oci_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct oci_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct oci_time_offset *time_offsets;
	size_t n_time_offsets;
	struct oci_device *devices;
	size_t n_devices;
	char *cgroups_path;
	bool has_resources;
	struct oci_resources resources;
	char *rootfs_propagation;
	bool has_seccomp;
	struct oci_seccomp seccomp;
	struct str_map sysctl;
	char **masked_paths;
	char **readonly_paths;
	char *mount_label;
	struct oci_personality personality;
	struct oci_memory_policy memory_policy;
	struct oci_net_device *net_devices;
	size_t n_net_devices;
	struct oci_intel_rdt intel_rdt;
};

struct oci_config {
	char *oci_version;
	char *bundle; /* absolute bundle directory this config was loaded from */
	struct oci_root root;
	struct oci_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct oci_process process;
	char *hostname;
	char *domainname;
	struct oci_hooks hooks;
	struct str_map annotations;
	bool has_linux;
	struct oci_linux linux_;
};

/* Reads <bundle>/config.json, parses and validates it. bundle may be relative;
 * cfg->bundle is its realpath, cfg->root.absolute_path the realpath of root.path
 * (relative to the bundle). Errors: "bundle /x: No such file or directory",
 * "/x/config.json: No such file or directory", "config.json: invalid JSON at
 * line 3, column 7: <reason>", "config.json: process.args: must be a non-empty
 * array of strings", "config.json: root.path: missing",
 * "rootfs /x/rootfs: No such file or directory". */
error *spec_load(const char *bundle, struct oci_config **out);
/* spec_load that also returns the text it parsed (malloc'd), so the caller can
 * keep exactly what was validated. */
error *spec_load_text(const char *bundle, struct oci_config **out, char **text_out,
		      size_t *len_out);
/* Parses JSON text; `name` prefixes messages ("config.json"). No filesystem checks.
 * Errors name the JSON path: "config.json: mounts[2].destination: must be an
 * absolute path". Unknown members are ignored and null counts as absent (as in
 * Go); `process` and `root` are optional here. Unknown capability names are
 * dropped with a warning (runc 1.1). *out is NULL on error. */
error *spec_parse(const char *json, size_t len, const char *name, struct oci_config **out);
/* Parses a lone process object (exec --process FILE). */
error *spec_parse_process(const char *json, size_t len, const char *name, struct oci_process **out);
/* Parses a LinuxResources object (update --resources). */
error *spec_parse_resources(const char *json, size_t len, const char *name,
			    struct oci_resources **out);
void spec_free(struct oci_config *cfg);
void spec_process_free(struct oci_process *p);
void spec_resources_free(struct oci_resources *r);

/* `update` (spec/resources_json.c). The LinuxResources object as compact JSON
 * (only what is set; malloc'd, NULL on ENOMEM); spec_parse_resources reads it
 * back to the same struct. */
char *spec_resources_to_json(const struct oci_resources *r);
/* Merges an update into saved limits the way runc's update does: a key the
 * update omits keeps its value, and 0 means "unchanged" for memory limits, cpu
 * shares/quota/period/rt values and blkio weights; devices are never changed;
 * cpus/mems replace when non-empty; arrays replace when given; unified merges
 * by key. */
error *spec_resources_merge(struct oci_resources *dst, const struct oci_resources *upd);
/* Rewrites config JSON text with linux.resources replaced by res (added when
 * absent); every other member is kept as it was. *out is malloc'd. */
error *spec_config_set_resources(const char *json, size_t len, const struct oci_resources *res,
				 char **out, size_t *out_len);

/* Helpers for consumers. */
const char *spec_ns_name(enum oci_ns_type t); /* "pid", "network", ... (spec names) */
/* The namespace entry of that type, or NULL when the spec does not ask for it. */
const struct oci_namespace *spec_find_namespace(const struct oci_config *cfg, enum oci_ns_type t);
/* NULL-safe lookup of an env var's value in a strv of KEY=VALUE; the last
 * definition wins (runc applies the list with setenv in order). */
const char *spec_env_get(char *const *env, const char *key);
/* A CPU or memory node list as the kernel writes them ("0-3,7", "1"): comma
 * separated numbers and ascending ranges, each below nbits. Sets the bits in
 * mask (nbits/ULONG bits words, zeroed first). Returns 0, or -1 with *why set
 * to a static reason. "" is an empty mask. */
int spec_cpu_list_parse(const char *s, unsigned long *mask, size_t nbits, const char **why);
/* The linux.memoryPolicy modes and flags the parser knows (for `features`). */
const char *const *spec_memory_policy_modes(size_t *n);
const char *const *spec_memory_policy_flags(size_t *n);
/* The largest CPU or node number a list may name, plus one. */
#define SPEC_CPU_LIST_MAX 8192

/* RLIMIT_* number for a spec rlimit type ("RLIMIT_NOFILE"), -1 if unknown. */
int spec_rlimit_resource(const char *type);

#endif
