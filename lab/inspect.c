/* `isorun inspect`: the isolation of a live container as the kernel sees it
 * (/proc/PID/..., the cgroup files), not as config.json asked for it. The
 * report says, per namespace, whether the container has its own or the
 * host's; per cgroup controller, whether the container has a guarantee
 * (reserved), a cap (limited) or neither (best effort), next to its current
 * use; what the process may still do (capabilities, seccomp, LSM, read-only
 * and masked paths, devices); and what bounds its failures (OOM score,
 * rlimits, pids). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/cleanup.h"
#include "common/mountinfo.h"
#include "common/util.h"
#include "runtime/state/container_status.h"
#include "lab/inspect.h"
#include "spec/go_json.h"

/* ------------------------------------------------------------ small readers */

/* "key value" lines (cpu.stat, memory.events, /proc/PID/status "Key:\tvalue"):
 * the value of key, malloc'd, NULL when absent. */
static char *keyed_value(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) || (p[kl] != ' ' && p[kl] != '\t' && p[kl] != ':'))
			continue;
		const char *v = p + kl;
		while (*v == ' ' || *v == '\t' || *v == ':')
			v++;
		size_t n = strcspn(v, "\n");
		return strndup(v, n);
	}
	return NULL;
}

/* Text with newlines replaced by "; " and runs of blanks by one space (the
 * uid_map columns). malloc'd. */
static char *one_line(const char *text)
{
	char *out = malloc(strlen(text) * 2 + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	bool blank = true;
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			while (n && out[n - 1] == ' ')
				n--;
			if (n) {
				out[n++] = ';';
				out[n++] = ' ';
			}
			blank = true;
		} else if (*p == ' ' || *p == '\t') {
			if (!blank)
				out[n++] = ' ';
			blank = true;
		} else {
			out[n++] = *p;
			blank = false;
		}
	}
	while (n && (out[n - 1] == ' ' || out[n - 1] == ';'))
		n--;
	out[n] = 0;
	return out;
}

bool inspect_is_unlimited(const char *v)
{
	if (!v || !strcmp(v, "max") || !strcmp(v, "-1"))
		return true;
	/* v1 reports "no limit" as PAGE_COUNTER_MAX in bytes, rounded to pages:
	 * 9223372036854771712 on 4 KiB pages. */
	char *end = NULL;
	unsigned long long n = strtoull(v, &end, 10);
	return end != v && !*end && n >= 0x7FFFFFFFFFFF0000ULL;
}

char *inspect_caps_from_hex(const char *hex)
{
	char *end = NULL;
	unsigned long long mask = strtoull(hex, &end, 16);
	char *out = strdup("");
	for (unsigned bit = 0; out && bit < 64; bit++) {
		if (!(mask & (1ULL << bit)))
			continue;
		char *name = cap_to_name((cap_value_t)bit);
		if (!name)
			continue;
		/* libcap names are "cap_kill"; unknown bits come back as numbers */
		char *next = str_printf("%s%s%s%s", out, *out ? "," : "",
					isdigit((unsigned char)name[0]) ? "CAP_" : "", name);
		cap_free(name);
		free(out);
		out = next;
	}
	for (char *p = out; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return out;
}

/* ------------------------------------------------------------ namespaces */

static const struct {
	const char *name; /* /proc/PID/ns/<name> */
	const char *item; /* report name */
} ns_types[] = {
    {"pid", "pid"}, {"mnt", "mount"}, {"net", "network"},   {"uts", "uts"},
    {"ipc", "ipc"}, {"user", "user"}, {"cgroup", "cgroup"}, {"time", "time"},
};

/* The reference is /proc/1, not /proc/self: when isorun itself runs inside a
 * container, "the host" the reader cares about is the machine's init; and
 * /proc/self would call a namespace "shared" with isorun even where isorun
 * is itself isolated. Without access to /proc/1 (not root, hidepid) fall
 * back to our own namespaces and say so. */
static const char *ns_reference(void)
{
	struct stat st;
	return stat("/proc/1/ns/pid", &st) == 0 ? "/proc/1" : "/proc/self";
}

static void inspect_namespaces(struct report *r, pid_t pid)
{
	const char *ref = ns_reference();
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++) {
		char path[64], rpath[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns_types[i].name);
		snprintf(rpath, sizeof(rpath), "%s/ns/%s", ref, ns_types[i].name);
		struct stat a, b;
		if (stat(path, &a) < 0) {
			report_row(r, "namespaces", ns_types[i].item,
				   errno == ENOENT ? "unsupported" : "unknown");
			report_field(r, LAST(r), "error", RK_STRING, "%s", strerror(errno));
			continue;
		}
		bool shared = stat(rpath, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
		report_row(r, "namespaces", ns_types[i].item, shared ? "shared" : "private");
		report_field(r, LAST(r), "inode", RK_NUMBER, "%llu", (unsigned long long)a.st_ino);
		if (!strcmp(ns_types[i].name, "user")) {
			static const char *const maps[] = {"uid_map", "gid_map"};
			for (size_t m = 0; m < ARRAY_SIZE(maps); m++) {
				snprintf(path, sizeof(path), "/proc/%d/%s", pid, maps[m]);
				_cleanup_free_ char *text = read_file_trimmed(path);
				_cleanup_free_ char *line = text ? one_line(text) : NULL;
				report_field(r, LAST(r), maps[m], RK_STRING, "%s",
					     line ? line : "?");
			}
		}
	}
	report_row(r, "namespaces", "compared-with", NULL);
	report_field(r, LAST(r), "reference", RK_STRING, "%s", ref);
}

/* ------------------------------------------------------------ cgroups */

struct cg_where {
	char *proc_cgroup;   /* /proc/PID/cgroup */
	struct mountinfo mi; /* our /proc/self/mountinfo */
	bool v2;	     /* controllers live on cgroup2 */
};

/* The directory of the container's cgroup for controller (NULL: the cgroup2
 * hierarchy), from the process's /proc/PID/cgroup line and the mount point
 * of that hierarchy. malloc'd, NULL when not found. */
static char *cg_dir(const struct cg_where *w, const char *controller)
{
	if (w->v2 || !controller)
		controller = NULL;
	/* 1. the mount */
	_cleanup_free_ char *mnt = NULL, *mroot = NULL;
	for (size_t i = 0; i < w->mi.n; i++) {
		const struct mountinfo_entry *m = &w->mi.v[i];
		bool match = false;
		if (!controller)
			match = !strcmp(m->fstype, "cgroup2");
		else if (!strcmp(m->fstype, "cgroup"))
			match = str_list_has(m->super_options, controller);
		if (match) {
			mnt = strdup(m->mount_point);
			mroot = strdup(m->root);
			break;
		}
	}
	if (!mnt || !mroot)
		return NULL;
	/* 2. the path: "0::/p" on v2, "N:a,b:/p" on v1 */
	for (const char *l = w->proc_cgroup; l && *l;
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		_cleanup_free_ char *line = strndup(l, strcspn(l, "\n"));
		if (!line)
			return NULL;
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = 0; /* line is now the hierarchy id */
		*c2 = 0;
		const char *ctrls = c1 + 1, *path = c2 + 1;
		bool match;
		if (!controller) {
			match = !strcmp(line, "0") && !*ctrls;
		} else {
			_cleanup_free_ char *o = str_printf(",%s,", ctrls);
			_cleanup_free_ char *c = str_printf(",%s,", controller);
			match = o && c && strstr(o, c);
		}
		if (!match)
			continue;
		/* A mount of a sub-tree (inside a cgroup namespace) shows paths
		 * relative to its root. */
		if (strcmp(mroot, "/") && str_has_prefix(path, mroot))
			path += strlen(mroot);
		return str_printf("%s%s", mnt, path);
	}
	return NULL;
}

static char *cg_read(const char *dir, const char *file)
{
	if (!dir)
		return NULL;
	_cleanup_free_ char *p = str_printf("%s/%s", dir, file);
	return p ? read_file_trimmed(p) : NULL;
}

static const char *isolation_mark(bool reserved, bool limited)
{
	if (reserved && limited)
		return "reserved+limited";
	return reserved ? "reserved" : limited ? "limited" : "best effort";
}

/* value or "max" as a JSON-friendly field: numbers stay numbers. */
static void limit_field(struct report *r, const char *name, const char *v)
{
	if (!v)
		return;
	if (inspect_is_unlimited(v))
		report_field(r, LAST(r), name, RK_STRING, "max");
	else
		report_field(r, LAST(r), name, RK_NUMBER, "%s", v);
}

static void num_field(struct report *r, const char *name, const char *v)
{
	if (v && *v)
		report_field(r, LAST(r), name, RK_NUMBER, "%s", v);
}

static void inspect_memory(struct report *r, const struct cg_where *w)
{
	_cleanup_free_ char *dir = cg_dir(w, "memory");
	if (!dir) {
		report_row(r, "resources", "memory", "best effort");
		report_field(r, LAST(r), "note", RK_STRING, "no memory controller");
		return;
	}
	_cleanup_free_ char *max = NULL, *cur = NULL, *peak = NULL, *events = NULL, *low = NULL,
			    *min = NULL, *oom = NULL;
	bool reserved;
	if (w->v2) {
		max = cg_read(dir, "memory.max");
		cur = cg_read(dir, "memory.current");
		peak = cg_read(dir, "memory.peak");
		low = cg_read(dir, "memory.low");
		min = cg_read(dir, "memory.min");
		events = cg_read(dir, "memory.events");
		oom = events ? keyed_value(events, "oom_kill") : NULL;
		reserved = (low && strcmp(low, "0")) || (min && strcmp(min, "0"));
	} else {
		max = cg_read(dir, "memory.limit_in_bytes");
		cur = cg_read(dir, "memory.usage_in_bytes");
		peak = cg_read(dir, "memory.max_usage_in_bytes");
		low = cg_read(dir, "memory.soft_limit_in_bytes");
		events = cg_read(dir, "memory.oom_control");
		oom = events ? keyed_value(events, "oom_kill") : NULL;
		reserved = low && !inspect_is_unlimited(low);
	}
	report_row(r, "resources", "memory", isolation_mark(reserved, !inspect_is_unlimited(max)));
	limit_field(r, "max", max);
	num_field(r, "current", cur);
	num_field(r, "peak", peak);
	num_field(r, "oom_kills", oom);
	if (reserved)
		limit_field(r, w->v2 ? "low" : "soft_limit", low);
}

static void inspect_cpu(struct report *r, const struct cg_where *w)
{
	_cleanup_free_ char *dir = cg_dir(w, "cpu");
	if (!dir) {
		report_row(r, "resources", "cpu", "best effort");
		report_field(r, LAST(r), "note", RK_STRING, "no cpu controller");
		return;
	}
	_cleanup_free_ char *quota = NULL, *period = NULL, *weight = NULL, *stat = NULL,
			    *usage = NULL, *thr = NULL, *thr_time = NULL;
	bool reserved;
	if (w->v2) {
		_cleanup_free_ char *max = cg_read(dir, "cpu.max");
		if (max) {
			char q[32] = "", p[32] = "";
			sscanf(max, "%31s %31s", q, p);
			quota = strdup(q);
			period = strdup(p);
		}
		weight = cg_read(dir, "cpu.weight");
		stat = cg_read(dir, "cpu.stat");
		usage = stat ? keyed_value(stat, "usage_usec") : NULL;
		thr = stat ? keyed_value(stat, "nr_throttled") : NULL;
		thr_time = stat ? keyed_value(stat, "throttled_usec") : NULL;
		reserved = weight && strtoull(weight, NULL, 10) > 100;
	} else {
		quota = cg_read(dir, "cpu.cfs_quota_us");
		period = cg_read(dir, "cpu.cfs_period_us");
		weight = cg_read(dir, "cpu.shares");
		stat = cg_read(dir, "cpu.stat");
		_cleanup_free_ char *acct = cg_dir(w, "cpuacct");
		usage = cg_read(acct, "cpuacct.usage");
		thr = stat ? keyed_value(stat, "nr_throttled") : NULL;
		thr_time = stat ? keyed_value(stat, "throttled_time") : NULL;
		reserved = weight && strtoull(weight, NULL, 10) > 1024;
	}
	bool limited = quota && !inspect_is_unlimited(quota);
	report_row(r, "resources", "cpu", isolation_mark(reserved, limited));
	limit_field(r, "quota", quota);
	num_field(r, "period", period);
	if (limited && period && strtoull(period, NULL, 10))
		report_field(r, LAST(r), "cpus", RK_STRING, "%.2f",
			     (double)strtoull(quota, NULL, 10) /
				 (double)strtoull(period, NULL, 10));
	num_field(r, w->v2 ? "weight" : "shares", weight);
	num_field(r, w->v2 ? "usage_usec" : "usage_ns", usage);
	num_field(r, "nr_throttled", thr);
	num_field(r, w->v2 ? "throttled_usec" : "throttled_ns", thr_time);
}

static void inspect_cpuset(struct report *r, const struct cg_where *w)
{
	_cleanup_free_ char *dir = cg_dir(w, "cpuset");
	_cleanup_free_ char *cpus = cg_read(dir, w->v2 ? "cpuset.cpus.effective" : "cpuset.cpus");
	_cleanup_free_ char *online = read_file_trimmed("/sys/devices/system/cpu/online");
	if (!cpus)
		return;
	_cleanup_free_ char *excl =
	    cg_read(dir, w->v2 ? "cpuset.cpus.partition" : "cpuset.cpu_exclusive");
	bool reserved = excl && (!strcmp(excl, "1") || !strcmp(excl, "root"));
	bool limited = online && strcmp(cpus, online);
	report_row(r, "resources", "cpuset", isolation_mark(reserved, limited));
	report_field(r, LAST(r), "cpus", RK_STRING, "%s", cpus);
	if (online)
		report_field(r, LAST(r), "host_cpus", RK_STRING, "%s", online);
}

static void inspect_pids(struct report *r, const struct cg_where *w, const char *section)
{
	_cleanup_free_ char *dir = cg_dir(w, "pids");
	_cleanup_free_ char *max = cg_read(dir, "pids.max"), *cur = cg_read(dir, "pids.current");
	if (!dir || !max) {
		report_row(r, section, "pids", "best effort");
		report_field(r, LAST(r), "note", RK_STRING, "no pids controller");
		return;
	}
	report_row(r, section, "pids", isolation_mark(false, !inspect_is_unlimited(max)));
	limit_field(r, "max", max);
	num_field(r, "current", cur);
}

static void inspect_io(struct report *r, const struct cg_where *w)
{
	if (w->v2) {
		_cleanup_free_ char *dir = cg_dir(w, "io");
		_cleanup_free_ char *max = cg_read(dir, "io.max"),
				    *weight = cg_read(dir, "io.weight");
		if (!dir || (!max && !weight))
			return;
		report_row(r, "resources", "io", isolation_mark(false, max && *max));
		if (max && *max)
			report_field(r, LAST(r), "max", RK_STRING, "%s", max);
		if (weight) {
			_cleanup_free_ char *line = one_line(weight);
			report_field(r, LAST(r), "weight", RK_STRING, "%s", line ? line : "");
		}
		return;
	}
	_cleanup_free_ char *dir = cg_dir(w, "blkio");
	if (!dir)
		return;
	static const char *const throttles[] = {
	    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
	    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
	bool limited = false;
	for (size_t i = 0; i < ARRAY_SIZE(throttles); i++) {
		_cleanup_free_ char *v = cg_read(dir, throttles[i]);
		if (v && *v)
			limited = true;
	}
	_cleanup_free_ char *weight = cg_read(dir, "blkio.weight");
	report_row(r, "resources", "blkio", isolation_mark(false, limited));
	num_field(r, "weight", weight);
	if (!weight)
		report_field(r, LAST(r), "note", RK_STRING, "no proportional io scheduler");
}

/* ------------------------------------------------------------ security */

/* Whether some mount point lies below dir. */
static bool has_submounts(const struct mountinfo *mi, const char *dir)
{
	size_t dl = strlen(dir);
	for (size_t i = 0; i < mi->n; i++) {
		const char *point = mi->v[i].mount_point;
		if (!strncmp(point, dir, dl) && point[dl] == '/')
			return true;
	}
	return false;
}

error *inspect_parse_mountinfo(const char *text, bool *root_ro, char **masked, char **readonly)
{
	_cleanup_free_ char *m = strdup(""), *ro = strdup("");
	if (!m || !ro)
		return err_errno("mountinfo");
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	error *e = mountinfo_parse(text, &mi);
	if (e)
		return e;
	*root_ro = false;
	for (size_t i = 0; i < mi.n; i++) {
		const char *root = mi.v[i].root, *point = mi.v[i].mount_point;
		const char *fstype = mi.v[i].fstype;
		bool is_ro = str_list_has(mi.v[i].mount_options, "ro");
		/* The last mount at "/" is the one in effect (mounts stack). */
		if (!strcmp(point, "/"))
			*root_ro = is_ro;
		bool under = (str_has_prefix(point, "/proc/") || str_has_prefix(point, "/sys/"));
		if (!under)
			continue;
		char **dst = NULL;
		size_t rl = strlen(root);
		if (rl >= 5 && !strcmp(root + rl - 5, "/null"))
			dst = &m; /* a file masked with /dev/null */
		else if (!strcmp(fstype, "tmpfs") && is_ro && !has_submounts(&mi, point))
			dst = &m; /* a directory masked with an empty tmpfs (not the
				   * tmpfs holding v1 cgroup mounts at /sys/fs/cgroup) */
		else if (is_ro && (!strcmp(fstype, "proc") || !strcmp(fstype, "sysfs")) &&
			 strcmp(root, "/"))
			dst = &ro; /* a read-only bind of itself */
		if (!dst)
			continue;
		char *next = str_printf("%s%s%s", *dst, **dst ? "," : "", point);
		if (!next)
			return err_errno("mountinfo");
		free(*dst);
		*dst = next;
	}
	*masked = steal_ptr(m);
	*readonly = steal_ptr(ro);
	return NULL;
}

static void status_caps(struct report *r, const char *status)
{
	static const struct {
		const char *key, *name;
	} sets[] = {{"CapEff", "effective"},
		    {"CapBnd", "bounding"},
		    {"CapPrm", "permitted"},
		    {"CapAmb", "ambient"}};
	report_row(r, "security", "capabilities", NULL);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		_cleanup_free_ char *hex = keyed_value(status, sets[i].key);
		_cleanup_free_ char *names = hex ? inspect_caps_from_hex(hex) : NULL;
		report_field(r, LAST(r), sets[i].name, RK_LIST, "%s", names ? names : "");
	}
}

static void inspect_devices(struct report *r, const struct cg_where *w,
			    const struct oci_config *cfg)
{
	if (!w->v2) {
		_cleanup_free_ char *dir = cg_dir(w, "devices");
		_cleanup_free_ char *list = cg_read(dir, "devices.list");
		if (!list)
			return;
		bool all = !strcmp(list, "a *:* rwm");
		for (char *p = list; *p; p++)
			if (*p == '\n')
				*p = ',';
		report_row(r, "security", "devices", all ? "all allowed" : "restricted");
		report_field(r, LAST(r), "allowed", RK_LIST, "%s", list);
		return;
	}
	/* v2 has no devices file: the rules live in an eBPF program attached to
	 * the cgroup; ask the kernel whether there is one, and show the rules
	 * the container was created with. */
	_cleanup_free_ char *dir = cg_dir(w, NULL);
	_cleanup_close_ int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (unsigned)fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	long rc = fd >= 0 ? syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)) : -1;
	bool attached = rc == 0 && attr.query.prog_cnt > 0;
	report_row(r, "security", "devices", attached ? "restricted" : "all allowed");
	report_field(r, LAST(r), "ebpf_program_attached", RK_BOOL, "%s",
		     attached ? "true" : "false");
	if (!cfg)
		return;
	_cleanup_free_ char *rules = strdup("");
	const struct oci_resources *res = &cfg->linux_.resources;
	for (size_t i = 0; rules && i < res->n_devices; i++) {
		const struct oci_device_cgroup *d = &res->devices[i];
		char maj[24] = "*", min[24] = "*";
		if (d->major.set)
			snprintf(maj, sizeof(maj), "%lld", (long long)d->major.value);
		if (d->minor.set)
			snprintf(min, sizeof(min), "%lld", (long long)d->minor.value);
		char *next = str_printf("%s%s%s %c %s:%s %s", rules, *rules ? "," : "",
					d->allow ? "allow" : "deny", d->type ? d->type : 'a', maj,
					min, d->access ? d->access : "rwm");
		free(rules);
		rules = next;
	}
	if (rules)
		report_field(r, LAST(r), "config_rules", RK_LIST, "%s", rules);
}

static void inspect_security(struct report *r, pid_t pid, const struct cg_where *w,
			     const struct oci_config *cfg)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	_cleanup_free_ char *status = read_file_trimmed(path);
	if (status) {
		status_caps(r, status);
		_cleanup_free_ char *nnp = keyed_value(status, "NoNewPrivs");
		report_row(r, "security", "no_new_privs", nnp && !strcmp(nnp, "1") ? "yes" : "no");
		_cleanup_free_ char *mode = keyed_value(status, "Seccomp");
		_cleanup_free_ char *filters = keyed_value(status, "Seccomp_filters");
		const char *m = !mode		     ? "unknown"
				: !strcmp(mode, "2") ? "filter"
				: !strcmp(mode, "1") ? "strict"
						     : "disabled";
		report_row(r, "security", "seccomp", m);
		num_field(r, "mode", mode);
		num_field(r, "filters", filters);
	}
	_cleanup_free_ char *lsms = read_file_trimmed("/sys/kernel/security/lsm");
	bool has_label_lsm =
	    lsms && (strstr(lsms, "apparmor") || strstr(lsms, "selinux") || strstr(lsms, "smack"));
	_cleanup_free_ char *label = NULL;
	if (has_label_lsm) {
		snprintf(path, sizeof(path), "/proc/%d/attr/current", pid);
		label = read_file_trimmed(path);
	}
	report_row(r, "security", "lsm", label ? label : "none");
	report_field(r, LAST(r), "active_lsms", RK_LIST, "%s", lsms ? lsms : "");

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	_cleanup_free_ char *mi = read_file_trimmed(path);
	bool root_ro = false;
	char *masked = NULL, *ro = NULL;
	error *e = mi ? inspect_parse_mountinfo(mi, &root_ro, &masked, &ro) : NULL;
	if (mi && !e) {
		report_row(r, "security", "rootfs", root_ro ? "read-only" : "writable");
		report_row(r, "security", "masked_paths", NULL);
		report_field(r, LAST(r), "paths", RK_LIST, "%s", masked);
		report_row(r, "security", "readonly_paths", NULL);
		report_field(r, LAST(r), "paths", RK_LIST, "%s", ro);
	}
	err_free(e);
	free(masked);
	free(ro);
	inspect_devices(r, w, cfg);
}

/* ------------------------------------------------------------ faults */

static void inspect_faults(struct report *r, pid_t pid, const struct cg_where *w)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	_cleanup_free_ char *adj = read_file_trimmed(path);
	report_row(r, "faults", "oom_score_adj", adj ? adj : "?");
	snprintf(path, sizeof(path), "/proc/%d/limits", pid);
	_cleanup_free_ char *limits = read_file_trimmed(path);
	report_row(r, "faults", "rlimits", NULL);
	/* "Max open files            1024                 1024                 files" */
	static const struct {
		const char *label, *name;
	} names[] = {
	    {"Max cpu time", "CPU"},
	    {"Max file size", "FSIZE"},
	    {"Max data size", "DATA"},
	    {"Max stack size", "STACK"},
	    {"Max core file size", "CORE"},
	    {"Max resident set", "RSS"},
	    {"Max processes", "NPROC"},
	    {"Max open files", "NOFILE"},
	    {"Max locked memory", "MEMLOCK"},
	    {"Max address space", "AS"},
	    {"Max file locks", "LOCKS"},
	    {"Max pending signals", "SIGPENDING"},
	    {"Max msgqueue size", "MSGQUEUE"},
	    {"Max nice priority", "NICE"},
	    {"Max realtime priority", "RTPRIO"},
	    {"Max realtime timeout", "RTTIME"},
	};
	for (size_t i = 0; limits && i < ARRAY_SIZE(names); i++) {
		const char *p = strstr(limits, names[i].label);
		if (!p)
			continue;
		char soft[32], hard[32];
		if (sscanf(p + strlen(names[i].label), "%31s %31s", soft, hard) == 2)
			report_field(r, LAST(r), names[i].name, RK_STRING, "%s/%s", soft, hard);
	}
	inspect_pids(r, w, "faults");
}

/* ------------------------------------------------------------ entry */

error *inspect_container(const struct runtime_ctx *rt, const char *id, struct report *out)
{
	struct loaded_container c;
	error *e = container_load(rt, id, &c);
	if (e)
		return e;
	container_read_config(&c);
	if (c.status == CONTAINER_STOPPED || c.st.pid <= 0) {
		container_unload(&c);
		return err_kind_new(ERR_BAD_STATE,
				    "container %s is stopped: there is no process to inspect", id);
	}
	pid_t pid = c.st.pid;
	struct report r = {0};
	report_row(&r, "container", "id", id);
	report_row(&r, "container", "pid", NULL);
	report_field(&r, LAST(&r), "pid", RK_NUMBER, "%d", pid);
	report_row(&r, "container", "status", container_status_name(c.status));
	if (c.status == CONTAINER_CREATED)
		report_field(&r, LAST(&r), "note", RK_STRING,
			     "the user process has not started: security shows isorun's init");
	report_row(&r, "container", "bundle", c.st.bundle ? c.st.bundle : "");

	inspect_namespaces(&r, pid);

	struct cg_where w = {0};
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	w.proc_cgroup = read_file_trimmed(path);
	error *me = mountinfo_read("/proc/self/mountinfo", &w.mi);
	enum cgroup_layout layout = CGROUP_LAYOUT_V2;
	error *le = cgroup_detect_layout(&layout);
	err_free(le);
	w.v2 = layout == CGROUP_LAYOUT_V2;
	if (w.proc_cgroup && !me) {
		_cleanup_free_ char *track = cg_dir(&w, w.v2 ? NULL : "pids");
		report_row(&r, "resources", "cgroup", cgroup_layout_name(layout));
		report_field(&r, LAST(&r), "path", RK_STRING, "%s", c.cg ? cgroup_path(c.cg) : "?");
		if (track)
			report_field(&r, LAST(&r), "dir", RK_STRING, "%s", track);
		inspect_memory(&r, &w);
		inspect_cpu(&r, &w);
		inspect_cpuset(&r, &w);
		inspect_pids(&r, &w, "resources");
		inspect_io(&r, &w);
	}
	inspect_security(&r, pid, &w, c.cfg);
	inspect_faults(&r, pid, &w);
	free(w.proc_cgroup);
	mountinfo_free(&w.mi);
	err_free(me);

	/* The process may have exited while we read: then the report is a mix
	 * of it and nothing; say so rather than show it. */
	bool gone = !state_pid_alive(pid, c.st.pid_start_time);
	container_unload(&c);
	if (gone) {
		report_free(&r);
		return err_new("container %s exited while being inspected", id);
	}
	if (r.failed_alloc) {
		report_free(&r);
		return err_sys(ENOMEM, "inspect %s", id);
	}
	*out = r;
	return NULL;
}
