/* `isorun check`: probes what this host can isolate. Each probe asks the
 * kernel directly (a syscall that fails with ENOSYS when missing, a /proc or
 * /sys file) rather than guessing from the kernel version, and a missing
 * feature names the isorun feature it disables. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "common/cleanup.h"
#include "common/mountinfo.h"
#include "common/util.h"
#include "lab/host_check.h"

#define SEC "host"

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void missing(struct report *r, const char *disables)
{
	report_field(r, LAST(r), "disables", RK_STRING, "%s", disables);
}

/* The v1 controllers mounted (comma list) and the first cgroup2 mount point. */
static void cgroup_mounts(const struct mountinfo *mi, char **v1_ctrls, char **v2_mount)
{
	*v1_ctrls = strdup("");
	*v2_mount = NULL;
	for (size_t i = 0; i < mi->n; i++) {
		const struct mountinfo_entry *m = &mi->v[i];
		if (!strcmp(m->fstype, "cgroup2") && !*v2_mount) {
			*v2_mount = strdup(m->mount_point);
		} else if (!strcmp(m->fstype, "cgroup") && *v1_ctrls) {
			/* super options: rw,memory or rw,cpu,cpuacct or rw,name=systemd */
			for (const char *t = m->super_options; *t;) {
				size_t n = strcspn(t, ",");
				_cleanup_free_ char *opt = strndup(t, n);
				t += t[n] ? n + 1 : n;
				if (!opt || !*opt || !strcmp(opt, "rw") || !strcmp(opt, "ro") ||
				    strchr(opt, '=') || !strcmp(opt, "clone_children") ||
				    !strcmp(opt, "noprefix") || !strcmp(opt, "xattr"))
					continue;
				char *next =
				    str_printf("%s%s%s", *v1_ctrls, **v1_ctrls ? "," : "", opt);
				free(*v1_ctrls);
				*v1_ctrls = next;
				if (!next)
					return;
			}
		}
	}
}

static bool check_cgroups(struct report *r, const struct mountinfo *mi)
{
	enum cgroup_layout layout;
	error *e = cgroup_detect_layout(&layout);
	_cleanup_free_ char *v1 = NULL, *v2 = NULL;
	cgroup_mounts(mi, &v1, &v2);
	if (e) {
		report_row(r, SEC, "cgroups", "no");
		report_field(r, LAST(r), "error", RK_STRING, "%s", err_msg(e));
		missing(r, "every container (isorun needs a cgroup hierarchy)");
		err_free(e);
		return false;
	}
	report_row(r, SEC, "cgroups", cgroup_layout_name(layout));
	_cleanup_free_ char *v2_ctrls = NULL;
	if (v2) {
		_cleanup_free_ char *p = str_printf("%s/cgroup.controllers", v2);
		v2_ctrls = p ? read_file_trimmed(p) : NULL;
		for (char *c = v2_ctrls; c && *c; c++)
			if (*c == ' ')
				*c = ',';
	}
	if (layout == CGROUP_LAYOUT_V2) {
		report_field(r, LAST(r), "controllers", RK_LIST, "%s", v2_ctrls ? v2_ctrls : "");
		report_field(r, LAST(r), "cgroup2_mount", RK_STRING, "%s", v2 ? v2 : "");
	} else {
		report_field(r, LAST(r), "controllers", RK_LIST, "%s", v1 ? v1 : "");
		if (v2) {
			report_field(r, LAST(r), "cgroup2_mount", RK_STRING, "%s", v2);
			report_field(r, LAST(r), "cgroup2_controllers", RK_LIST, "%s",
				     v2_ctrls ? v2_ctrls : "");
		}
		report_field(r, LAST(r), "note", RK_STRING, "%s",
			     layout == CGROUP_LAYOUT_HYBRID
				 ? "limits are applied through v1; cgroup2 only tracks processes "
				   "(runc does the same; crun refuses hybrid hosts)"
				 : "cgroup v1: no eBPF device rules, no unified resources");
	}
	return true;
}

/* cgroupfs works wherever cgroups do; the systemd driver needs systemd on
 * the bus the runtime would use (the user manager when not root) and a v2
 * host: asked the way create asks, so the reason is the one create gives. */
static void check_cgroup_drivers(struct report *r, bool cgroups_ok)
{
	bool user = geteuid() != 0;
	error *e = cgroup_systemd_probe(user);
	const char *sd = user ? "systemd-user" : "systemd";
	_cleanup_free_ char *both = str_printf("cgroupfs,%s", sd);
	if (!cgroups_ok)
		report_row(r, SEC, "cgroup_drivers", e ? "none" : sd);
	else
		report_row(r, SEC, "cgroup_drivers", e ? "cgroupfs" : both ? both : sd);
	report_field(r, LAST(r), "systemd", RK_BOOL, "%s", e ? "false" : "true");
	if (e)
		report_field(r, LAST(r), "systemd_unusable", RK_STRING, "%s", err_msg(e));
	err_free(e);
}

static bool check_namespaces(struct report *r)
{
	static const char *const types[] = {"mnt", "pid",  "net",    "uts",
					    "ipc", "user", "cgroup", "time"};
	_cleanup_free_ char *have = strdup(""), *lack = strdup("");
	bool core = true;
	for (size_t i = 0; i < ARRAY_SIZE(types) && have && lack; i++) {
		char p[48];
		snprintf(p, sizeof(p), "/proc/self/ns/%s", types[i]);
		char **dst = exists(p) ? &have : &lack;
		char *next = str_printf("%s%s%s", *dst, **dst ? "," : "", types[i]);
		free(*dst);
		*dst = next;
		if (dst == &lack && i < 5)
			core = false;
	}
	report_row(r, SEC, "namespaces", core ? "yes" : "no");
	report_field(r, LAST(r), "available", RK_LIST, "%s", have ? have : "");
	if (lack && *lack) {
		report_field(r, LAST(r), "missing", RK_LIST, "%s", lack);
		missing(r, core ? "linux.namespaces of the missing types"
				: "every container (mnt, pid, net, uts, ipc are required)");
	}
	return core;
}

static void check_userns(struct report *r)
{
	_cleanup_free_ char *max = read_file_trimmed("/proc/sys/user/max_user_namespaces");
	bool on = exists("/proc/self/ns/user") && (!max || strcmp(max, "0"));
	report_row(r, SEC, "user_namespaces", on ? "yes" : "no");
	if (max)
		report_field(r, LAST(r), "max_user_namespaces", RK_NUMBER, "%s", max);
	/* Debian's knob; absent upstream, where unprivileged creation is allowed. */
	_cleanup_free_ char *unpriv =
	    read_file_trimmed("/proc/sys/kernel/unprivileged_userns_clone");
	bool unpriv_on = on && (!unpriv || !strcmp(unpriv, "1"));
	report_field(r, LAST(r), "unprivileged", RK_BOOL, "%s", unpriv_on ? "true" : "false");
	if (!on)
		missing(r, "isorun spec --userns, linux.namespaces user, rootless containers");
	else if (!unpriv_on)
		missing(r, "rootless containers (isorun run as a non-root user)");
}

/* The kernel was built with seccomp when /proc/self/status has the field. */
static bool prctl_seccomp_available(void)
{
	_cleanup_free_ char *st = read_file_trimmed("/proc/self/status");
	return st && strstr(st, "\nSeccomp:");
}

static void check_seccomp(struct report *r)
{
	bool kernel = prctl_seccomp_available();
	const struct scmp_version *v = seccomp_version();
	unsigned api = seccomp_api_get();
	/* SECCOMP_GET_NOTIF_SIZES exists from the kernel that brought user
	 * notification (5.0); ENOSYS/EINVAL means no notify. */
	struct seccomp_notif_sizes sizes;
	bool notify_kernel = syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0;
	bool notify = notify_kernel && api >= 5;
	report_row(r, SEC, "seccomp", kernel ? "yes" : "no");
	if (v)
		report_field(r, LAST(r), "libseccomp", RK_STRING, "%u.%u.%u", v->major, v->minor,
			     v->micro);
	report_field(r, LAST(r), "api_level", RK_NUMBER, "%u", api);
	report_field(r, LAST(r), "notify", RK_BOOL, "%s", notify ? "true" : "false");
	if (!kernel)
		missing(r, "linux.seccomp (isorun spec --seccomp)");
	else if (!notify)
		missing(r, notify_kernel ? "linux.seccomp.listenerPath (libseccomp API level < 5)"
					 : "linux.seccomp.listenerPath (kernel without "
					   "SECCOMP_GET_NOTIF_SIZES)");
}

static void check_clone3(struct report *r, bool v2_layout)
{
	/* clone3 with a NULL args pointer fails before doing anything: EFAULT
	 * or EINVAL when it exists, ENOSYS when not. */
	errno = 0;
	long rc = syscall(__NR_clone3, NULL, 0);
	bool have = !(rc < 0 && errno == ENOSYS);
	report_row(r, SEC, "clone3", have ? "yes" : "no");
	bool into = have && v2_layout;
	report_field(r, LAST(r), "clone_into_cgroup", RK_BOOL, "%s", into ? "true" : "false");
	if (!have)
		missing(r, "the one-step clone3 start (isorun falls back to clone + cgroup join)");
	else if (!v2_layout)
		report_field(r, LAST(r), "note", RK_STRING,
			     "CLONE_INTO_CGROUP needs controllers on cgroup2: here the process "
			     "joins its v1 cgroups after clone");
}

static void check_pidfd(struct report *r)
{
	long fd = syscall(__NR_pidfd_open, getpid(), 0);
	report_row(r, SEC, "pidfd", fd >= 0 ? "yes" : "no");
	if (fd >= 0)
		close((int)fd);
	else
		missing(r, "race-free signalling by pidfd (isorun uses kill with pid checks)");
}

static void check_idmapped(struct report *r)
{
	errno = 0;
	long rc = syscall(__NR_mount_setattr, -1, "", 0, NULL, 0);
	bool have = !(rc < 0 && errno == ENOSYS);
	report_row(r, SEC, "idmapped_mounts", have ? "yes" : "no");
	report_field(r, LAST(r), "note", RK_STRING,
		     "mount_setattr %s; isorun does not use idmapped mounts yet (--userns needs "
		     "a chowned rootfs)",
		     have ? "exists" : "missing");
}

static void check_overlay(struct report *r)
{
	_cleanup_free_ char *fs = read_file_trimmed("/proc/filesystems");
	bool have = fs && strstr(fs, "\toverlay\n");
	if (fs && !have) {
		size_t n = strlen(fs);
		have = n >= 8 && !strcmp(fs + n - 8, "\toverlay");
	}
	report_row(r, SEC, "overlayfs", have ? "yes" : "not loaded");
	if (!have)
		report_field(r, LAST(r), "note", RK_STRING,
			     "isorun does not need it; image rootfs layers do (modprobe overlay)");
}

static void check_lsm(struct report *r)
{
	_cleanup_free_ char *lsm = read_file_trimmed("/sys/kernel/security/lsm");
	_cleanup_free_ char *aa = read_file_trimmed("/sys/module/apparmor/parameters/enabled");
	bool apparmor = aa && aa[0] == 'Y' && lsm && strstr(lsm, "apparmor");
	bool selinux = exists("/sys/fs/selinux/enforce");
	report_row(r, SEC, "lsm",
		   apparmor && selinux ? "apparmor+selinux"
		   : apparmor	       ? "apparmor"
		   : selinux	       ? "selinux"
				       : "none");
	report_field(r, LAST(r), "active", RK_LIST, "%s", lsm ? lsm : "");
	if (!apparmor)
		missing(r, "process.apparmorProfile");
	if (!selinux)
		report_field(r, LAST(r), "disables_selinux", RK_STRING,
			     "process.selinuxLabel, linux.mountLabel");
}

/* The first "name:start:count" line of /etc/subuid for the caller. */
static char *subid_range(const char *file)
{
	_cleanup_free_ char *text = read_file_trimmed(file);
	struct passwd *pw = getpwuid(getuid());
	char uid[24];
	snprintf(uid, sizeof(uid), "%u", getuid());
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t n = strcspn(l, ":");
		if ((pw && strlen(pw->pw_name) == n && !strncmp(l, pw->pw_name, n)) ||
		    (strlen(uid) == n && !strncmp(l, uid, n)))
			return strndup(l + n + 1, strcspn(l + n + 1, "\n"));
	}
	return NULL;
}

static void check_shadow_utils(struct report *r)
{
	bool uidmap = exists("/usr/bin/newuidmap") || exists("/bin/newuidmap");
	bool gidmap = exists("/usr/bin/newgidmap") || exists("/bin/newgidmap");
	_cleanup_free_ char *su = subid_range("/etc/subuid"), *sg = subid_range("/etc/subgid");
	report_row(r, SEC, "newuidmap", uidmap && gidmap ? "yes" : "no");
	report_field(r, LAST(r), "subuid", RK_STRING, "%s", su ? su : "none");
	report_field(r, LAST(r), "subgid", RK_STRING, "%s", sg ? sg : "none");
	if (!uidmap || !gidmap)
		missing(r, "rootless containers with more than one mapped id (apt install uidmap)");
}

static bool setuid_root_or_caps(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return false;
	if (st.st_uid == 0 && (st.st_mode & S_ISUID))
		return true;
	/* Some distributions give newuidmap file capabilities instead. */
	return getxattr(path, "security.capability", NULL, 0) > 0;
}

/* Whether this user may make a user namespace: asked of the kernel (sysctls,
 * LSM policies such as AppArmor's restrict_unprivileged_userns all say no
 * the same way), in a child so that we stay where we are. */
static int probe_userns(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ? (errno & 0x7f) : 0);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

/* The cgroup directories where a rootless create with the default path
 * would mkdir (our own cgroup per v1 hierarchy; on v2 its parent, as
 * cgroup_resolve_path does), as "controllers" names that are writable. */
static char *writable_cgroups(const struct mountinfo *mi, bool v2_layout)
{
	_cleanup_free_ char *pc = read_file_trimmed("/proc/self/cgroup");
	char *out = strdup("");
	for (char *l = pc; out && l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		_cleanup_free_ char *line = strndup(l, strcspn(l, "\n"));
		char *c1 = line ? strchr(line, ':') : NULL;
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		bool v2 = !*ctrls;
		if ((v2 && !v2_layout) || (!v2 && (v2_layout || strchr(ctrls, '='))))
			continue;
		const char *mnt = NULL;
		for (size_t i = 0; i < mi->n && !mnt; i++) {
			const struct mountinfo_entry *m = &mi->v[i];
			if (v2 ? !strcmp(m->fstype, "cgroup2")
			       : !strcmp(m->fstype, "cgroup") &&
				     str_list_has(m->super_options, ctrls))
				mnt = m->mount_point;
		}
		if (!mnt)
			continue;
		_cleanup_free_ char *dir = str_printf("%s%s", mnt, path);
		if (dir && v2 && strrchr(dir, '/') > dir + strlen(mnt))
			*strrchr(dir, '/') = '\0';
		if (!dir || access(dir, W_OK) != 0)
			continue;
		char *next = str_printf("%s%s%s", out, *out ? "," : "", v2 ? "cgroup2" : ctrls);
		free(out);
		out = next;
	}
	return out;
}

/* What the user running `check` can isolate without root, and why not. */
static void check_rootless(struct report *r, const struct mountinfo *mi, bool v2_layout)
{
	uid_t uid = geteuid();
	struct passwd *pw = getpwuid(uid);
	if (uid == 0) {
		report_row(r, SEC, "rootless", "root");
		report_field(r, LAST(r), "note", RK_STRING, "%s",
			     "running as root: run `isorun check` as the user who will run "
			     "rootless containers to see what they can isolate");
		return;
	}
	int userns_err = probe_userns();
	_cleanup_free_ char *su = subid_range("/etc/subuid"), *sg = subid_range("/etc/subgid");
	bool helpers =
	    setuid_root_or_caps("/usr/bin/newuidmap") && setuid_root_or_caps("/usr/bin/newgidmap");
	_cleanup_free_ char *cg = writable_cgroups(mi, v2_layout);
	const char *verdict = userns_err			      ? "no"
			      : !su || !sg || !helpers || !cg || !*cg ? "limited"
								      : "yes";
	report_row(r, SEC, "rootless", verdict);
	report_field(r, LAST(r), "user", RK_STRING, "%s(%u)", pw ? pw->pw_name : "?",
		     (unsigned)uid);
	report_field(r, LAST(r), "user_namespaces", RK_BOOL, "%s", userns_err ? "false" : "true");
	report_field(r, LAST(r), "subuid", RK_STRING, "%s", su ? su : "none");
	report_field(r, LAST(r), "subgid", RK_STRING, "%s", sg ? sg : "none");
	report_field(r, LAST(r), "newuidmap_setuid", RK_BOOL, "%s", helpers ? "true" : "false");
	report_field(r, LAST(r), "writable_cgroups", RK_LIST, "%s", cg ? cg : "");
	if (userns_err)
		report_field(
		    r, LAST(r), "why", RK_STRING,
		    "unshare(CLONE_NEWUSER): %s (kernel.unprivileged_userns_clone, "
		    "user.max_user_namespaces or an LSM forbids it): no rootless containers",
		    strerror(userns_err));
	if (!su || !sg)
		report_field(r, LAST(r), "why_single_id", RK_STRING,
			     "no /etc/subuid or /etc/subgid range for this user: only your own "
			     "uid/gid can be mapped (usermod --add-subuids/--add-subgids)");
	else if (!helpers)
		report_field(r, LAST(r), "why_single_id", RK_STRING, "%s",
			     "newuidmap/newgidmap missing or not setuid root: only your own "
			     "uid/gid can be mapped (apt install uidmap)");
	if (!cg || !*cg)
		report_field(r, LAST(r), "why_no_limits", RK_STRING, "%s",
			     v2_layout
				 ? "no writable cgroup: linux.resources and pause are refused "
				   "(a systemd user session delegates one; the systemd "
				   "cgroup driver is not in this build)"
				 : "no cgroup v1 hierarchy writable by you: linux.resources "
				   "and pause are refused (an administrator can delegate one: "
				   "a directory chowned to you)");
}

static void check_timens(struct report *r)
{
	bool have = exists("/proc/self/ns/time");
	report_row(r, SEC, "time_namespaces", have ? "yes" : "no");
	if (!have)
		missing(r, "linux.namespaces time and linux.timeOffsets");
}

/* pivot_root cannot move the initramfs rootfs: a container needs "/" to be
 * a real mount. */
static bool check_pivot_root(struct report *r, const struct mountinfo *mi)
{
	const struct mountinfo_entry *root = mountinfo_mount_of(mi, "/");
	bool initramfs = root && !strcmp(root->fstype, "rootfs");
	report_row(r, SEC, "pivot_root", initramfs ? "no" : "yes");
	if (initramfs)
		missing(r, "every container: / is the initramfs (switch_root to a tmpfs first)");
	return !initramfs;
}

error *host_check(struct report *out, bool *can_run)
{
	struct report r = {0};
	struct utsname u;
	uname(&u);
	report_row(&r, SEC, "kernel", u.release);
	report_field(&r, LAST(&r), "machine", RK_STRING, "%s", u.machine);
	/* Unreadable: no cgroup mounts, and "/" is taken to be a real mount. */
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	err_free(mountinfo_read("/proc/self/mountinfo", &mi));
	bool ns = check_namespaces(&r);
	bool cg = check_cgroups(&r, &mi);
	check_cgroup_drivers(&r, cg);
	enum cgroup_layout layout = CGROUP_LAYOUT_V1;
	err_free(cgroup_detect_layout(&layout));
	bool pivot = check_pivot_root(&r, &mi);
	check_userns(&r);
	check_timens(&r);
	check_seccomp(&r);
	check_clone3(&r, cg && layout == CGROUP_LAYOUT_V2);
	check_pidfd(&r);
	check_idmapped(&r);
	check_overlay(&r);
	check_lsm(&r);
	check_shadow_utils(&r);
	check_rootless(&r, &mi, cg && layout == CGROUP_LAYOUT_V2);
	*can_run = ns && cg && pivot;
	report_row(&r, SEC, "can_run_containers", *can_run ? "yes" : "no");
	if (r.failed_alloc) {
		report_free(&r);
		return err_sys(ENOMEM, "check");
	}
	*out = r;
	return NULL;
}
