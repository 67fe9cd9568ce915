/* mount_plan_apply and the rootfs steps through the recording fake: the
 * mount/mount_setattr calls a config's mounts turn into, in order, with their
 * flags, and errors that name the plan entry. Runs as any user: the
 * destinations are opened in a temp dir, nothing is mounted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "runtime/child/masked_paths.h"
#include "runtime/child/mount_plan.h"
#include "runtime/child/rootfs.h"
#include "tests/unit/fake_sys.h"
#include "tests/unit/runc_mounts.h"
#include "tests/unit/unit.h"

static char base[64], rootfs[128], src[128];
static int rootfd = -1;

static void setup(void)
{
	fake_sys_tmpdir(base, sizeof(base));
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", base);
	snprintf(src, sizeof(src), "%s/src", base);
	if (mkdir(rootfs, 0755) < 0 || mkdir(src, 0755) < 0)
		abort();
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		abort();
}

static void teardown(void)
{
	close(rootfd);
	rootfd = -1;
	fake_sys_rmtree(base);
	fake_sys_reset(NULL);
}

static error *apply(struct oci_mount *m, size_t n, const struct mount_host *host)
{
	struct oci_config c = {0};
	c.bundle = base;
	c.mounts = m;
	c.n_mounts = n;
	struct mount_host none = {0};
	struct mount_plan plan;
	error *e = mount_plan_build(&c, host ? host : &none, false, &plan);
	if (e)
		return e;
	struct mount_root root = {.fd = rootfd, .path = rootfs};
	e = mount_plan_apply(&fake_sys, &plan, &root, NULL);
	rootfd = root.fd;
	mount_plan_free(&plan);
	return e;
}

/* apply() with root.path naming another directory than rootfd: what the rootfs path
 * leads to once a mount covers the rootfs (the fake mounts nothing). */
static error *apply_over(struct oci_mount *m, size_t n, const char *top)
{
	struct oci_config c = {0};
	c.bundle = base;
	c.mounts = m;
	c.n_mounts = n;
	struct mount_host none = {0};
	struct mount_plan plan;
	error *e = mount_plan_build(&c, &none, false, &plan);
	if (e)
		return e;
	struct mount_root root = {.fd = rootfd, .path = top};
	e = mount_plan_apply(&fake_sys, &plan, &root, NULL);
	rootfd = root.fd;
	mount_plan_free(&plan);
	return e;
}

static bool is_dir(const char *rel)
{
	char p[256];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", rootfs, rel);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A read-only bind: bind with MS_REC only, then a remount that carries ro
 * (a bind ignores every flag but MS_REC). The destination dir is made. */
static void test_bind_ro(void)
{
	setup();
	struct oci_mount m[] = {
	    {.destination = "/data", .source = src, .options = OPTS("rbind", "ro")}};
	CHECK_OK(apply(m, 1, NULL));
	CHECK_STR(fake_sys_log(),
		  "mount(fd(T/src), fd(T/rootfs/data), NULL, MS_BIND|MS_REC, NULL)\n"
		  "mount(NULL, fd(T/rootfs/data), NULL, "
		  "MS_RDONLY|MS_REMOUNT|MS_BIND|MS_REC, NULL)\n");
	CHECK(is_dir("data"));
	teardown();
}

/* A file source gets a file destination; a relative source is the bundle's;
 * plain "bind" is not recursive; no remount when no flag needs one. */
static void test_bind_file_relative(void)
{
	setup();
	char p[256];
	snprintf(p, sizeof(p), "%s/hosts", base);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	close(fd);
	struct oci_mount m[] = {
	    {.destination = "/etc/hosts", .source = "hosts", .options = OPTS("bind")}};
	CHECK_OK(apply(m, 1, NULL));
	CHECK_STR(fake_sys_log(),
		  "mount(fd(T/hosts), fd(T/rootfs/etc/hosts), NULL, MS_BIND, NULL)\n");
	struct stat st;
	snprintf(p, sizeof(p), "%s/etc/hosts", rootfs);
	CHECK(stat(p, &st) == 0 && S_ISREG(st.st_mode));
	teardown();
}

/* Recursive attributes go to mount_setattr(AT_RECURSIVE) after the bind;
 * propagation flags each get their own mount call, in the order given, and
 * come before the remount. */
static void test_bind_recursive_attrs_and_propagation(void)
{
	setup();
	struct oci_mount m[] = {
	    {.destination = "/data",
	     .source = src,
	     .options = OPTS("rbind", "rro", "rnosuid", "rexec", "rshared", "private", "nodev")}};
	CHECK_OK(apply(m, 1, NULL));
	CHECK_STR(fake_sys_log(),
		  "mount(fd(T/src), fd(T/rootfs/data), NULL, MS_BIND|MS_REC, NULL)\n"
		  "mount(NULL, fd(T/rootfs/data), NULL, MS_REC|MS_SHARED, NULL)\n"
		  "mount(NULL, fd(T/rootfs/data), NULL, MS_PRIVATE, NULL)\n"
		  "mount(NULL, fd(T/rootfs/data), NULL, MS_NODEV|MS_REMOUNT|MS_BIND|MS_REC, NULL)\n"
		  "mount_setattr(fd(T/rootfs/data), \"\", AT_EMPTY_PATH|AT_RECURSIVE, "
		  "{set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID, clr=MOUNT_ATTR_NOEXEC}, sizeof)\n");
	teardown();
}

/* runc's default mounts (without cgroup): every filesystem mounted with its
 * flags and data; the /dev tmpfs not ro; sysfs ro in the first call. */
static void test_default_mounts(void)
{
	setup();
	struct oci_mount m[] = {RUNC_MOUNTS_TO_SYS};
	CHECK_OK(apply(m, ARRAY_SIZE(m), NULL));
	CHECK_STR(fake_sys_log(),
		  "mount(\"proc\", fd(T/rootfs/proc), \"proc\", 0, NULL)\n"
		  "mount(\"tmpfs\", fd(T/rootfs/dev), \"tmpfs\", MS_NOSUID|MS_STRICTATIME, "
		  "\"mode=755,size=65536k\")\n"
		  "mount(\"devpts\", fd(T/rootfs/dev/pts), \"devpts\", MS_NOSUID|MS_NOEXEC, "
		  "\"newinstance,ptmxmode=0666,mode=0620,gid=5\")\n"
		  "mount(\"shm\", fd(T/rootfs/dev/shm), \"tmpfs\", MS_NOSUID|MS_NODEV|MS_NOEXEC, "
		  "\"mode=1777,size=65536k\")\n"
		  "mount(\"mqueue\", fd(T/rootfs/dev/mqueue), \"mqueue\", "
		  "MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)\n"
		  "mount(\"sysfs\", fd(T/rootfs/sys), \"sysfs\", "
		  "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)\n");
	CHECK(is_dir("dev/mqueue") && is_dir("sys"));
	teardown();
}

/* A read-only tmpfs is mounted writable (to be filled: mode, copy-up) and
 * then remounted with its flags; the covered dir's mode is kept. */
static void test_tmpfs_ro_remount(void)
{
	setup();
	char p[256];
	snprintf(p, sizeof(p), "%s/tmp", rootfs);
	CHECK(mkdir(p, 0700) == 0);
	CHECK(chmod(p, 01777) == 0);
	struct oci_mount m[] = {{.destination = "/tmp",
				 .type = "tmpfs",
				 .source = "tmpfs",
				 .options = OPTS("ro", "nosuid", "size=1m")}};
	CHECK_OK(apply(m, 1, NULL));
	CHECK_STR(fake_sys_log(),
		  "mount(\"tmpfs\", fd(T/rootfs/tmp), \"tmpfs\", MS_NOSUID, \"size=1m\")\n"
		  "mount(NULL, fd(T/rootfs/tmp), NULL, MS_RDONLY|MS_NOSUID|MS_REMOUNT, NULL)\n");
	struct stat st;
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 01777);
	teardown();
}

/* The failing call's error names the spec entry, and nothing after it runs. */
static void test_error_names_entry(void)
{
	setup();
	struct oci_mount m[] = {
	    {.destination = "/a", .source = src, .options = OPTS("bind")},
	    {.destination = "/b", .source = src, .options = OPTS("bind")},
	    {.destination = "/c", .source = src, .options = OPTS("bind")},
	    {.destination = "/proc", .type = "proc", .source = "proc"},
	    {.destination = "/d", .source = src, .options = OPTS("bind")},
	};
	fake_sys_fail("mount(\"proc\"", 0, EPERM);
	CHECK_ERR(apply(m, ARRAY_SIZE(m), NULL),
		  "mounts[3] (/proc): mount: Operation not permitted");
	CHECK_STR(fake_sys_log_of("mount(\"proc\""),
		  "mount(\"proc\", fd(T/rootfs/proc), \"proc\", 0, NULL) = EPERM\n");
	CHECK(strstr(fake_sys_log(), "T/rootfs/d)") == NULL);

	fake_sys_reset(base);
	fake_sys_fail("mount_setattr", 0, EINVAL);
	struct oci_mount r[] = {
	    {.destination = "/x", .source = src, .options = OPTS("rbind", "rro")}};
	CHECK_ERR(apply(r, 1, NULL), "mounts[0] (/x): mount_setattr: Invalid argument");

	fake_sys_reset(base);
	fake_sys_fail("mount(fd(T/src)", 0, ENOENT);
	char want[256];
	snprintf(want, sizeof(want), "mounts[0] (/x): bind %s: No such file or directory", src);
	CHECK_ERR(apply(r, 1, NULL), want);
	teardown();
}

/* In a user namespace the kernel refuses a remount that drops a locked flag
 * (EPERM): it is retried once adding the flags the mount has now, except ro
 * (dropping ro is never what a lock is about). */
static void test_remount_eperm_keeps_locked_flags(void)
{
	setup();
	fake_sys_mount_flags(ST_RDONLY | ST_NODEV | ST_NOEXEC | ST_NOATIME);
	struct oci_mount m[] = {
	    {.destination = "/data", .source = src, .options = OPTS("rbind", "nosuid")}};
	fake_sys_fail("mount(NULL", 1, EPERM);
	CHECK_OK(apply(m, 1, NULL));
	CHECK_STR(
	    fake_sys_log(),
	    "mount(fd(T/src), fd(T/rootfs/data), NULL, MS_BIND|MS_REC, NULL)\n"
	    "mount(NULL, fd(T/rootfs/data), NULL, MS_NOSUID|MS_REMOUNT|MS_BIND|MS_REC, NULL) = "
	    "EPERM\n"
	    "mount(NULL, fd(T/rootfs/data), NULL, "
	    "MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_NOATIME|MS_BIND|MS_REC, NULL)\n");

	/* Any other errno, or EPERM twice, is an error. */
	fake_sys_reset(base);
	fake_sys_mount_flags(ST_RELATIME);
	fake_sys_fail("mount(NULL", 0, EPERM);
	CHECK_ERR(apply(m, 1, NULL), "mounts[0] (/data): remount: Operation not permitted");
	CHECK_STR(
	    fake_sys_log_of("mount(NULL"),
	    "mount(NULL, fd(T/rootfs/data), NULL, MS_NOSUID|MS_REMOUNT|MS_BIND|MS_REC, NULL) = "
	    "EPERM\n"
	    "mount(NULL, fd(T/rootfs/data), NULL, "
	    "MS_NOSUID|MS_REMOUNT|MS_BIND|MS_REC|MS_RELATIME, NULL) = EPERM\n");
	fake_sys_reset(base);
	fake_sys_fail("mount(NULL", 0, EACCES);
	CHECK_ERR(apply(m, 1, NULL), "mounts[0] (/data): remount: Permission denied");
	CHECK_STR(
	    fake_sys_log_of("mount(NULL"),
	    "mount(NULL, fd(T/rootfs/data), NULL, MS_NOSUID|MS_REMOUNT|MS_BIND|MS_REC, NULL) = "
	    "EACCES\n");
	teardown();
}

/* cgroup2 refused (EPERM/EBUSY): the container's own cgroup dir is bound
 * there instead, and remounted with the mount's flags. */
static void test_cgroup2_fallback_bind(void)
{
	setup();
	char own[256];
	snprintf(own, sizeof(own), "%s/cg", base);
	CHECK(mkdir(own, 0755) == 0);
	struct mount_host host = {.unified = true, .v2_own_dir = own};
	struct oci_mount m[] = {{.destination = "/sys/fs/cgroup",
				 .type = "cgroup",
				 .source = "cgroup",
				 .options = OPTS("nosuid", "noexec", "nodev", "relatime", "ro")}};
	fake_sys_fail("mount(\"cgroup\"", 0, EBUSY);
	CHECK_OK(apply(m, 1, &host));
	CHECK_STR(fake_sys_log(),
		  "mount(\"cgroup\", fd(T/rootfs/sys/fs/cgroup), \"cgroup2\", "
		  "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_RELATIME, NULL) = EBUSY\n"
		  "mount(fd(T/cg), fd(T/rootfs/sys/fs/cgroup), NULL, MS_BIND|MS_REC, "
		  "NULL)\n"
		  "mount(NULL, fd(T/rootfs/sys/fs/cgroup), NULL, "
		  "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_BIND|MS_REC|"
		  "MS_RELATIME, NULL)\n");
	/* Other errors are not papered over. */
	fake_sys_reset(base);
	fake_sys_fail("mount(\"cgroup\"", 0, EINVAL);
	CHECK_ERR(apply(m, 1, &host), "mounts[0] (/sys/fs/cgroup): mount: Invalid argument");
	teardown();
}

/* cgroup v1 without a cgroup namespace: a tmpfs, our cgroup dir of each
 * hierarchy bound below it, cpu/cpuacct symlinks, then the tmpfs remounted ro. */
static void test_cgroup_v1_binds(void)
{
	setup();
	char cpu[256], mem[256];
	snprintf(cpu, sizeof(cpu), "%s/cpu,cpuacct", base);
	snprintf(mem, sizeof(mem), "%s/memory", base);
	CHECK(mkdir(cpu, 0755) == 0 && mkdir(mem, 0755) == 0);
	struct mount_cgroup_v1 v1[] = {
	    {.mountpoint = "/sys/fs/cgroup/cpu,cpuacct",
	     .subsystems = "cpu,cpuacct",
	     .own_dir = cpu},
	    {.mountpoint = "/sys/fs/cgroup/memory", .subsystems = "memory", .own_dir = mem},
	};
	struct mount_host host = {.v1 = v1, .n_v1 = 2};
	struct oci_mount m[] = {{.destination = "/sys/fs/cgroup",
				 .type = "cgroup",
				 .source = "cgroup",
				 .options = OPTS("nosuid", "noexec", "nodev", "ro")}};
	CHECK_OK(apply(m, 1, &host));
	CHECK_STR(fake_sys_log(),
		  "mount(\"tmpfs\", fd(T/rootfs/sys/fs/cgroup), \"tmpfs\", "
		  "MS_NOSUID|MS_NODEV|MS_NOEXEC, \"mode=755\")\n"
		  "mount(fd(T/cpu,cpuacct), fd(T/rootfs/sys/fs/cgroup/cpu,cpuacct), NULL, "
		  "MS_BIND|MS_REC, NULL)\n"
		  "mount(NULL, fd(T/rootfs/sys/fs/cgroup/cpu,cpuacct), NULL, "
		  "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_BIND|MS_REC, NULL)\n"
		  "mount(fd(T/memory), fd(T/rootfs/sys/fs/cgroup/memory), NULL, MS_BIND|MS_REC, "
		  "NULL)\n"
		  "mount(NULL, fd(T/rootfs/sys/fs/cgroup/memory), NULL, "
		  "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_BIND|MS_REC, NULL)\n"
		  "mount(NULL, fd(T/rootfs/sys/fs/cgroup), NULL, "
		  "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_BIND, NULL)\n");
	char p[256], t[64] = "";
	snprintf(p, sizeof(p), "%s/sys/fs/cgroup/cpuacct", rootfs);
	CHECK(readlink(p, t, sizeof(t) - 1) > 0);
	CHECK_STR(t, "cpu,cpuacct");
	teardown();
}

/* Step 1 as a whole: "/" made rslave (or rootfsPropagation) first, the
 * rootfs bound onto itself, then the plan. */
static void test_rootfs_prepare(void)
{
	setup();
	struct oci_mount m[] = {{.destination = "/proc", .type = "proc", .source = "proc"},
				{.destination = "/dev", .source = src, .options = OPTS("rbind")}};
	struct oci_config c = {0};
	c.bundle = base;
	c.root.absolute_path = rootfs;
	c.mounts = m;
	c.n_mounts = ARRAY_SIZE(m);
	c.linux_.rootfs_propagation = "rshared";
	struct rootfs_opts opts = {0};
	CHECK_OK(rootfs_prepare(&fake_sys, &c, &opts));
	/* The parent mount of the rootfs is made private when it is shared:
	 * that depends on the host, so it is left out of the comparison. */
	const char *log = fake_sys_log();
	const char *first = "mount(NULL, \"/\", NULL, MS_REC|MS_SHARED, NULL)\n";
	CHECK(strncmp(log, first, strlen(first)) == 0);
	const char *rest = strstr(log, "mount(fd(T/rootfs), ");
	CHECK_STR(rest, "mount(fd(T/rootfs), fd(T/rootfs), NULL, MS_BIND|MS_REC, NULL)\n"
			"mount(\"proc\", fd(T/rootfs/proc), \"proc\", 0, NULL)\n"
			"mount(fd(T/src), fd(T/rootfs/dev), NULL, MS_BIND|MS_REC, NULL)\n");
	/* Without rootfsPropagation: rslave. */
	fake_sys_reset(base);
	c.linux_.rootfs_propagation = NULL;
	c.n_mounts = 0;
	CHECK_OK(rootfs_prepare(&fake_sys, &c, &opts));
	CHECK(strncmp(fake_sys_log(), "mount(NULL, \"/\", NULL, MS_REC|MS_SLAVE, NULL)\n", 45) ==
	      0);
	/* A refused bind of the rootfs names it. */
	fake_sys_reset(base);
	fake_sys_fail("mount(fd(T/rootfs), ", 0, EACCES);
	char want[256];
	snprintf(want, sizeof(want), "bind rootfs %s: Permission denied", rootfs);
	CHECK_ERR(rootfs_prepare(&fake_sys, &c, &opts), want);
	teardown();
}

/* Step 2: pivot_root(".", ".") inside the rootfs, then the old root (now
 * under "/") made rslave and detached; --no-pivot: MS_MOVE and chroot. */
static void test_rootfs_pivot(void)
{
	setup();
	char cwd[4096];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	struct oci_config c = {0};
	c.root.absolute_path = rootfs;
	struct rootfs_opts opts = {0};
	CHECK_OK(rootfs_pivot(&fake_sys, &c, &opts));
	CHECK_STR(fake_sys_log(), "pivot_root(\".\", \".\") in T/rootfs\n"
				  "mount(NULL, \".\", NULL, MS_REC|MS_SLAVE, NULL) in /\n"
				  "umount2(\".\", MNT_DETACH) in /\n");
	fake_sys_reset(base);
	opts.no_pivot = true;
	CHECK_OK(rootfs_pivot(&fake_sys, &c, &opts));
	/* First the host's whole proc mounts are made rslave and detached
	 * (--no-pivot must leave no fully visible proc behind), then the move. */
	const char *log = fake_sys_log();
	CHECK(strstr(log, "mount(NULL, \"/proc\", NULL, MS_REC|MS_SLAVE, NULL)") != NULL);
	CHECK(strstr(log, "umount2(\"/proc\", MNT_DETACH)") != NULL);
	const char *tail = "mount(\".\", \"/\", NULL, MS_MOVE, NULL) in T/rootfs\n"
			   "chroot(\".\") in T/rootfs\n";
	CHECK(strlen(log) >= strlen(tail) && !strcmp(log + strlen(log) - strlen(tail), tail));
	fake_sys_reset(base);
	opts.no_pivot = false;
	fake_sys_fail("pivot_root", 0, EINVAL);
	char want[256];
	snprintf(want, sizeof(want), "pivot_root %s: Invalid argument", rootfs);
	CHECK_ERR(rootfs_pivot(&fake_sys, &c, &opts), want);
	CHECK_STR(fake_sys_log(), "pivot_root(\".\", \".\") in T/rootfs = EINVAL\n");
	CHECK(chdir(cwd) == 0);
	teardown();
}

/* readonlyPaths: each existing path bound onto itself (recursive), then
 * remounted ro keeping its nosuid/nodev/noexec; missing ones skipped. */
static void test_readonly_paths(void)
{
	setup();
	char p[256];
	snprintf(p, sizeof(p), "%s/proc/sys", rootfs);
	CHECK_OK(mkdir_p(p, 0755));
	/* The atime flags are not kept: only nosuid/nodev/noexec (runc). */
	fake_sys_mount_flags(ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RELATIME);
	CHECK_OK(rootfs_readonly_paths(&fake_sys, rootfd, OPTS("/proc/missing", "/proc/sys")));
	CHECK_STR(
	    fake_sys_log(),
	    "mount(fd(T/rootfs/proc/sys), fd(T/rootfs/proc/sys), NULL, MS_BIND|MS_REC, NULL)\n"
	    "mount(NULL, fd(T/rootfs/proc/sys), NULL, "
	    "MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_REMOUNT|MS_BIND, NULL)\n");
	fake_sys_reset(base);
	fake_sys_fail("mount(fd(", 0, EPERM);
	CHECK_ERR(rootfs_readonly_paths(&fake_sys, rootfd, OPTS("/proc/sys")),
		  "readonlyPaths[0] (/proc/sys): bind: Operation not permitted");
	teardown();
}

/* maskedPaths, resolved from the host's "/" so that /dev/null is the real
 * null device (a non-root test cannot make one): files get it bound over
 * them, directories a read-only tmpfs, missing paths nothing. */
static void test_masked_paths(void)
{
	setup();
	char file[256], dir[256], missing[256];
	snprintf(file, sizeof(file), "%s/secret", base);
	snprintf(dir, sizeof(dir), "%s/secrets", base);
	snprintf(missing, sizeof(missing), "%s/missing", base);
	int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && mkdir(dir, 0700) == 0);
	close(fd);
	int host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(host_root >= 0);
	char *paths[] = {missing, file, dir, NULL};
	CHECK_OK(rootfs_mask_paths(&fake_sys, host_root, paths, NULL));
	CHECK_STR(fake_sys_log(), "mount(fd(/dev/null), fd(T/secret), NULL, MS_BIND, NULL)\n"
				  "mount(\"tmpfs\", fd(T/secrets), \"tmpfs\", MS_RDONLY, NULL)\n");
	fake_sys_reset(base);
	CHECK_OK(rootfs_mask_paths(&fake_sys, host_root, paths + 2, "system_u:object_r:x:s0"));
	CHECK_STR(fake_sys_log(), "mount(\"tmpfs\", fd(T/secrets), \"tmpfs\", MS_RDONLY, "
				  "\"context=\"system_u:object_r:x:s0\"\")\n");
	fake_sys_reset(base);
	fake_sys_fail("mount(fd(/dev/null)", 0, EPERM);
	char want[512];
	snprintf(want, sizeof(want), "maskedPaths[1] (%s): bind /dev/null: Operation not permitted",
		 file);
	CHECK_ERR(rootfs_mask_paths(&fake_sys, host_root, paths, NULL), want);
	close(host_root);
	teardown();
}

/* CVE-2025-31133: an image whose /dev/null is not the null device gets
 * nothing bound from it. */
static void test_masked_paths_fake_dev_null(void)
{
	setup();
	char p[256];
	snprintf(p, sizeof(p), "%s/dev", rootfs);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/dev/null", rootfs);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	CHECK(fd >= 0);
	close(fd);
	CHECK_ERR(rootfs_mask_paths(&fake_sys, rootfd, OPTS("/dev"), NULL),
		  "maskedPaths: /dev/null is not the null device (char 1:3)");
	CHECK_STR(fake_sys_log(), "");
	teardown();
}

/* A mount over "/" goes onto the rootfs; every later destination is resolved in the new
 * root (the rootfs path opened again), not in the covered directory, and a symlink there
 * still cannot lead out of it. */
static void test_mount_over_root_becomes_root(void)
{
	setup();
	char top[160], p[256];
	snprintf(top, sizeof(top), "%s/top", base);
	CHECK(mkdir(top, 0755) == 0);
	snprintf(p, sizeof(p), "%s/srv", top);
	CHECK(symlink("/../../../escape", p) == 0);
	struct oci_mount m[] = {
	    {.destination = "/",
	     .type = "overlay",
	     .source = "overlay",
	     .options = OPTS("lowerdir=/l2:/l1", "upperdir=/u", "workdir=/w")},
	    {.destination = "/proc", .type = "proc", .source = "proc"},
	    {.destination = "/srv", .type = "tmpfs", .source = "tmpfs"},
	};
	CHECK_OK(apply_over(m, ARRAY_SIZE(m), top));
	CHECK_STR(fake_sys_log(), "mount(\"overlay\", fd(T/rootfs), \"overlay\", 0, "
				  "\"lowerdir=/l2:/l1,upperdir=/u,workdir=/w\")\n"
				  "mount(\"proc\", fd(T/top/proc), \"proc\", 0, NULL)\n"
				  "mount(\"tmpfs\", fd(T/top/escape), \"tmpfs\", 0, NULL)\n");
	CHECK(is_dir("../top/proc") && !is_dir("proc"));
	teardown();
}

/* The kernel's ENOENT or EINVAL for an overlay is turned into which directory is wrong. */
static void test_overlay_errors_name_the_dir(void)
{
	setup();
	char up[160], data[512], want[512];
	snprintf(up, sizeof(up), "upperdir=%s/nope", base);
	struct oci_mount m[] = {{.destination = "/",
				 .type = "overlay",
				 .source = "overlay",
				 .options = OPTS("lowerdir=/", up, "workdir=/")}};
	fake_sys_fail("mount(\"overlay\"", 0, ENOENT);
	error *e = apply(m, 1, NULL);
	snprintf(want, sizeof(want),
		 "mounts[0] (/): mount overlay: upperdir %s/nope: No such file or directory", base);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e), want);
	err_free(e);
	snprintf(data, sizeof(data), "workdir=%s", src);
	m[0].options = OPTS("lowerdir=/", "upperdir=/proc", data);
	e = apply(m, 1, NULL);
	snprintf(want, sizeof(want),
		 "mounts[0] (/): mount overlay: upperdir /proc and workdir %s are on different "
		 "mounts (an upperdir inside root.path is on the runtime's bind of it)",
		 src);
	CHECK(e);
	if (e)
		CHECK_STR(err_msg(e), want);
	err_free(e);
	teardown();
}

int main(void)
{
	fake_sys_confine();
	RUN_TEST(test_bind_ro);
	RUN_TEST(test_bind_file_relative);
	RUN_TEST(test_bind_recursive_attrs_and_propagation);
	RUN_TEST(test_default_mounts);
	RUN_TEST(test_tmpfs_ro_remount);
	RUN_TEST(test_error_names_entry);
	RUN_TEST(test_mount_over_root_becomes_root);
	RUN_TEST(test_overlay_errors_name_the_dir);
	RUN_TEST(test_remount_eperm_keeps_locked_flags);
	RUN_TEST(test_cgroup2_fallback_bind);
	RUN_TEST(test_cgroup_v1_binds);
	RUN_TEST(test_rootfs_prepare);
	RUN_TEST(test_rootfs_pivot);
	RUN_TEST(test_readonly_paths);
	RUN_TEST(test_masked_paths);
	RUN_TEST(test_masked_paths_fake_dev_null);
	UNIT_MAIN_END();
}
