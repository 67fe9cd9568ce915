/* The facts behind `isorun features`: asked from the parsers and tables that
 * handle the config, and from the kernel. */
#include "runtime/features.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "namespaces/namespaces.h"
#include "runtime/child/capabilities.h"
#include "runtime/child/mount_options.h"
#include "runtime/child/seccomp_plan.h"
#include "runtime/intel_rdt.h"

#ifndef ISORUN_VERSION
#define ISORUN_VERSION "0.1.0"
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const char *const hooks[] = {"prestart",	      "createRuntime", "createContainer",
				    "startContainer", "poststart",     "poststop"};

/* Every option name runc documents (features.md lists runc's); the parser
 * decides which of them isorun understands: an option it does not know ends
 * up in the data string passed to the filesystem. */
static const char *const mount_option_candidates[] = {
    "acl",
    "async",
    "atime",
    "bind",
    "defaults",
    "dev",
    "diratime",
    "dirsync",
    "exec",
    "idmap",
    "iversion",
    "lazytime",
    "loud",
    "mand",
    "noacl",
    "noatime",
    "nodev",
    "nodiratime",
    "noexec",
    "noiversion",
    "nolazytime",
    "nomand",
    "norelatime",
    "nostrictatime",
    "nosuid",
    "nosymfollow",
    "private",
    "ratime",
    "rbind",
    "rdev",
    "rdiratime",
    "relatime",
    "remount",
    "rexec",
    "ridmap",
    "rnoatime",
    "rnodev",
    "rnodiratime",
    "rnoexec",
    "rnorelatime",
    "rnostrictatime",
    "rnosuid",
    "rnosymfollow",
    "ro",
    "rprivate",
    "rrelatime",
    "rro",
    "rrw",
    "rshared",
    "rslave",
    "rstrictatime",
    "rsuid",
    "rsymfollow",
    "runbindable",
    "rw",
    "shared",
    "silent",
    "slave",
    "strictatime",
    "suid",
    "symfollow",
    "sync",
    "tmpcopyup",
    "unbindable",
};

/* The names spec/parse_seccomp.c accepts (a unit test parses each one). */
static const char *const seccomp_actions[] = {
    "SCMP_ACT_ALLOW",	     "SCMP_ACT_ERRNO",	     "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",	     "SCMP_ACT_TRACE",	     "SCMP_ACT_TRAP",
};
static const char *const seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",	 "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
};
static const char *const seccomp_arch_candidates[] = {
    "SCMP_ARCH_AARCH64",  "SCMP_ARCH_ARM",	   "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
    "SCMP_ARCH_MIPS",	  "SCMP_ARCH_MIPS64",	   "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",	    "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",	  "SCMP_ARCH_PPC64",	   "SCMP_ARCH_PPC64LE",	    "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",	  "SCMP_ARCH_S390X",	   "SCMP_ARCH_SH",	    "SCMP_ARCH_SHEB",
    "SCMP_ARCH_X32",	  "SCMP_ARCH_X86",	   "SCMP_ARCH_X86_64",
};
static const struct {
	const char *name;
	unsigned long bits; /* what the kernel must accept for it */
} seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

static error *push(char ***v, const char *s)
{
	if (strv_push(v, s) < 0)
		return err_sys(ENOMEM, "features");
	return NULL;
}

/* An empty list must print as [], not be absent: start every list empty. */
static error *empty(char ***v)
{
	*v = calloc(1, sizeof(char *));
	return *v ? NULL : err_sys(ENOMEM, "features");
}

static error *push_static(char ***v, const char *const *names, size_t n)
{
	error *e = empty(v);
	for (size_t i = 0; !e && i < n; i++)
		e = push(v, names[i]);
	return e;
}

static error *mount_options(char ***v)
{
	error *e = empty(v);
	for (size_t i = 0; !e && i < ARRAY_SIZE(mount_option_candidates); i++) {
		char *opts[] = {(char *)mount_option_candidates[i], NULL};
		struct mount_options mo;
		error *pe = mount_options_parse(opts, &mo);
		if (pe) {
			err_free(pe);
			continue;
		}
		bool known = mo.data == NULL;
		mount_options_free(&mo);
		if (known)
			e = push(v, mount_option_candidates[i]);
	}
	return e;
}

/* Namespace types isorun handles that the kernel has (time needs 5.6). */
static error *namespaces(char ***v)
{
	static const enum oci_ns_type sorted[] = {OCI_NS_CGROUP,  OCI_NS_IPC, OCI_NS_MOUNT,
						  OCI_NS_NETWORK, OCI_NS_PID, OCI_NS_TIME,
						  OCI_NS_USER,	  OCI_NS_UTS};
	error *e = empty(v);
	for (size_t i = 0; !e && i < ARRAY_SIZE(sorted); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_proc_name(sorted[i]));
		if (access(path, F_OK) == 0)
			e = push(v, ns_spec_name(sorted[i]));
	}
	return e;
}

static error *capabilities(char ***v)
{
	error *e = empty(v);
	int last = cap_last_cap();
	for (int c = 0; !e && c <= last; c++) {
		const char *name = cap_name_str(c);
		if (name)
			e = push(v, name);
	}
	return e;
}

static error *seccomp_archs(char ***v)
{
	error *e = empty(v);
	for (size_t i = 0; !e && i < ARRAY_SIZE(seccomp_arch_candidates); i++)
		if (seccomp_plan_arch(seccomp_arch_candidates[i]) != 0)
			e = push(v, seccomp_arch_candidates[i]);
	return e;
}

/* runc's probe: seccomp(SET_MODE_FILTER, flags, NULL) fails with EFAULT
 * (bad program pointer) once the flags passed the kernel's check, EINVAL
 * when it does not know them. Nothing is ever installed. */
static bool kernel_accepts(unsigned long flags)
{
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL);
	return rc < 0 && errno == EFAULT;
}

static error *seccomp_flag_lists(char ***known, char ***supported)
{
	error *e = empty(known);
	if (!e)
		e = empty(supported);
	for (size_t i = 0; !e && i < ARRAY_SIZE(seccomp_flags); i++) {
		e = push(known, seccomp_flags[i].name);
		if (!e && kernel_accepts(seccomp_flags[i].bits))
			e = push(supported, seccomp_flags[i].name);
	}
	return e;
}

static bool file_starts_with(const char *path, const char *want)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = read_file(path, &text, &len);
	if (e) {
		err_free(e);
		return false;
	}
	return str_has_prefix(text, want);
}

static error *annotations(struct str_map *m)
{
	const struct scmp_version *sv = seccomp_version();
	_cleanup_free_ char *lsv =
	    sv ? str_printf("%u.%u.%u", sv->major, sv->minor, sv->micro) : strdup("");
	error *e = empty(&m->keys);
	if (!e)
		e = empty(&m->values);
	if (!e && lsv) {
		e = push(&m->keys, "io.github.isorun.version");
		if (!e)
			e = push(&m->values, ISORUN_VERSION);
		if (!e && (e = push(&m->keys, "io.github.seccomp.libseccomp.version")) == NULL)
			e = push(&m->values, lsv);
		/* runc's key, which engines read: checkpoint/restore are built in
		 * (they still need the criu binary and a kernel it can work with). */
		if (!e &&
		    (e = push(&m->keys, "org.opencontainers.runc.checkpoint.enabled")) == NULL)
			e = push(&m->values, "true");
	} else if (!e) {
		e = err_sys(ENOMEM, "features");
	}
	m->n = strv_len(m->keys);
	return e;
}

/* Idmapped bind mounts need mount_setattr (Linux 5.12): probed with a bad fd,
 * which a kernel that has the syscall refuses with EBADF, not ENOSYS. Whether a
 * given filesystem supports them is only known when mapping it. */
static bool kernel_has_mount_setattr(void)
{
	long rc = syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, NULL, 0);
	return !(rc < 0 && errno == ENOSYS);
}

error *runtime_features(struct oci_features *f)
{
	memset(f, 0, sizeof(*f));
	f->oci_version_min = "1.0.0";
	f->oci_version_max = "1.3.0";
	/* cgroupfs driver for v1, v2 and hybrid hosts; the systemd driver
	 * (system and user manager) on v2 hosts, as runc says it has it:
	 * built in, whether or not this host runs systemd. */
	f->cgroup_v1 = f->cgroup_v2 = f->cgroup_rdma = true;
	f->cgroup_systemd = f->cgroup_systemd_user = true;
	f->seccomp_enabled = true;
	/* Bind mounts only (runtime/mount_idmap.c), as runc 1.2. */
	f->idmap_enabled = kernel_has_mount_setattr();
	/* Labels are applied when the host has the LSM (runtime/lsm.c). */
	f->apparmor_enabled = file_starts_with("/sys/module/apparmor/parameters/enabled", "Y");
	f->selinux_enabled = access("/sys/fs/selinux/enforce", F_OK) == 0;
	/* intelRdt works only where resctrl is mounted (create refuses it
	 * elsewhere), so that is when it is claimed, with both 1.3 fields. */
	f->intel_rdt_enabled = access(RESCTRL_ROOT "/schemata", F_OK) == 0;
	f->intel_rdt_schemata = f->intel_rdt_monitoring = f->intel_rdt_enabled;
	error *e = push_static(&f->hooks, hooks, ARRAY_SIZE(hooks));
	if (!e)
		e = mount_options(&f->mount_options);
	if (!e)
		e = namespaces(&f->namespaces);
	if (!e)
		e = capabilities(&f->capabilities);
	if (!e)
		e = push_static(&f->seccomp_actions, seccomp_actions, ARRAY_SIZE(seccomp_actions));
	if (!e)
		e = push_static(&f->seccomp_operators, seccomp_operators,
				ARRAY_SIZE(seccomp_operators));
	if (!e)
		e = seccomp_archs(&f->seccomp_archs);
	if (!e)
		e = seccomp_flag_lists(&f->seccomp_known_flags, &f->seccomp_supported_flags);
	/* Applied by set_mempolicy in the child (runtime/child/limits.c); the
	 * kernel may still refuse a mode it is too old for. */
	size_t n_modes = 0, n_flags = 0;
	const char *const *modes = spec_memory_policy_modes(&n_modes);
	const char *const *mflags = spec_memory_policy_flags(&n_flags);
	if (!e)
		e = push_static(&f->memory_policy_modes, modes, n_modes);
	if (!e)
		e = push_static(&f->memory_policy_flags, mflags, n_flags);
	f->net_devices_enabled = true; /* namespaces/netdev.c */
	/* The annotations of config.json that change what isorun does: the
	 * systemd driver passes org.systemd.property.* to the unit (runc also
	 * lists bundle and org.criu.config, which isorun does not read). */
	static const char *const unsafe_annotations[] = {"org.systemd.property."};
	if (!e)
		e = push_static(&f->unsafe_annotations, unsafe_annotations,
				ARRAY_SIZE(unsafe_annotations));
	if (!e)
		e = annotations(&f->annotations);
	if (e)
		oci_features_free(f);
	return e;
}
