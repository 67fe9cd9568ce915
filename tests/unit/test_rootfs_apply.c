/* The apply path for real (root only; skipped otherwise): a busybox rootfs in
 * a temp dir, a child in new mount/pid/uts/ipc namespaces running
 * rootfs_prepare -> rootfs_pivot -> sysctl -> hostname -> rootfs_finalize with
 * runc's default spec, then a shell that reports what it sees. The host's
 * mount table must not change. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "runtime/child/rootfs.h"
#include "tests/unit/runc_mounts.h"
#include "tests/unit/unit.h"

static char base[64];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void cleanup(void)
{
	if (base[0])
		nftw(base, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	base[0] = '\0';
}

static struct oci_mount default_mounts[] = {
    RUNC_MOUNTS_TO_SYS,
    RUNC_CGROUP_MOUNT,
    /* not in runc's default: a tmpfs copied up from the image, and a
     * read-only bind of a host dir (kept last: its source is set per test) */
    {.destination = "/etc",
     .type = "tmpfs",
     .source = "tmpfs",
     .options = OPTS("tmpcopyup", "nosuid", "mode=755")},
    {.destination = "/data", .source = NULL, .options = OPTS("rbind", "ro")},
};

static struct oci_namespace namespaces[] = {
    {.type = OCI_NS_PID}, {.type = OCI_NS_NETWORK}, {.type = OCI_NS_IPC},
    {.type = OCI_NS_UTS}, {.type = OCI_NS_MOUNT},
};

static char *sysctl_keys[] = {"kernel.shmmni"};
static char *sysctl_values[] = {"1234"};

/* runc spec's lists (static: the config keeps pointers to them). */
static char *masked[] = {"/proc/acpi",
			 "/proc/asound",
			 "/proc/kcore",
			 "/proc/keys",
			 "/proc/latency_stats",
			 "/proc/timer_list",
			 "/proc/timer_stats",
			 "/proc/sched_debug",
			 "/sys/firmware",
			 "/proc/scsi",
			 NULL};
static char *readonly[] = {"/proc/bus",		  "/proc/fs", "/proc/irq", "/proc/sys",
			   "/proc/sysrq-trigger", NULL};

static struct oci_config make_cfg(const char *rootfs, char *data_src)
{
	struct oci_config c = {0};
	c.bundle = base;
	c.root.absolute_path = (char *)rootfs;
	c.mounts = default_mounts;
	c.n_mounts = ARRAY_SIZE(default_mounts);
	default_mounts[ARRAY_SIZE(default_mounts) - 1].source = data_src;
	c.hostname = "probe-host";
	c.linux_.namespaces = namespaces;
	c.linux_.n_namespaces = ARRAY_SIZE(namespaces);
	c.linux_.sysctl.keys = sysctl_keys;
	c.linux_.sysctl.values = sysctl_values;
	c.linux_.sysctl.n = 1;
	c.linux_.masked_paths = masked;
	c.linux_.readonly_paths = readonly;
	return c;
}

static bool copy_file(const char *from, const char *to, mode_t mode)
{
	char *data = NULL;
	size_t len = 0;
	error *e = read_file(from, &data, &len);
	if (e) {
		err_free(e);
		return false;
	}
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	bool ok = fd >= 0 && write_all(fd, data, len) == 0;
	if (fd >= 0)
		close(fd);
	free(data);
	return ok;
}

static bool make_rootfs(const char *rootfs)
{
	char p[256];
	const char *tools[] = {"sh",   "cat",  "ls",	"stat", "hostname",
			       "grep", "echo", "touch", "wc"};
	if (mkdir(rootfs, 0755) < 0)
		return false;
	snprintf(p, sizeof(p), "%s/bin", rootfs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin/busybox", rootfs);
	if (!copy_file("/bin/busybox", p, 0755))
		return false;
	snprintf(p, sizeof(p), "%s/etc", rootfs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/sub", rootfs);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/etc/motd", rootfs);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, "hello from the image\n", 21) < 0)
		return false;
	close(fd);
	snprintf(p, sizeof(p), "%s/etc/link", rootfs);
	if (symlink("motd", p) < 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
		snprintf(p, sizeof(p), "%s/bin/%s", rootfs, tools[i]);
		if (symlink("busybox", p) < 0)
			return false;
	}
	return true;
}

static const char script[] =
    "cat /proc/self/mountinfo; echo ---; "
    "stat -c '%n %F %t:%T %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom "
    "/dev/tty; "
    "ls -l /dev/fd /dev/stdin /dev/stdout /dev/stderr /dev/ptmx; "
    "echo ---; hostname; cat /proc/sys/kernel/shmmni; "
    "touch /data/x 2>/dev/null && echo data-rw || echo data-ro; "
    "touch /newfile 2>/dev/null && echo root-rw || echo root-ro; "
    "cat /proc/keys | wc -c; echo end; cat /etc/motd; ls -l /etc/link; "
    "stat -c 'etc %a %F' /etc /etc/sub; touch /etc/new && echo etc-rw";

/* In the child (new mount/uts/ipc ns; pid 1 of a new pid ns). */
static void container_main(const char *rootfs, const char *data_src, bool no_pivot, bool ro)
{
	struct oci_config cfg = make_cfg(rootfs, (char *)data_src);
	cfg.root.readonly = ro;
	/* The --no-pivot run also takes the user-namespace path for devices
	 * (bind the host's nodes instead of mknod) and a private cgroup
	 * namespace (fresh cgroup mounts instead of binds). */
	struct rootfs_opts opts = {
	    .no_pivot = no_pivot, .userns = no_pivot, .new_cgroupns = no_pivot};
	error *e = rootfs_prepare(&sys_real, &cfg, &opts);
	if (!e)
		e = rootfs_pivot(&sys_real, &cfg, &opts);
	if (!e)
		e = rootfs_apply_sysctl(&cfg);
	if (!e)
		e = rootfs_set_hostname(&cfg, true);
	if (!e)
		e = rootfs_finalize(&sys_real, &cfg, &opts);
	if (e) {
		printf("ERROR: %s\n", err_msg(e));
		fflush(stdout);
		_exit(3);
	}
	char *argv[] = {"sh", "-c", (char *)script, NULL};
	char *envp[] = {"PATH=/bin", NULL};
	execve("/bin/sh", argv, envp);
	printf("ERROR: exec: %s\n", strerror(errno));
	fflush(stdout);
	_exit(4);
}

/* Runs the container; returns its stdout (malloc'd) or NULL. */
static char *run(const char *rootfs, const char *data_src, bool no_pivot, bool ro)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			    (no_pivot ? CLONE_NEWCGROUP : 0)) < 0)
			_exit(5);
		pid_t init = fork();
		if (init == 0)
			container_main(rootfs, data_src, no_pivot, ro);
		int st = 0;
		if (init < 0 || waitpid(init, &st, 0) < 0)
			_exit(6);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 7);
	}
	close(pfd[1]);
	size_t cap = 1 << 20, n = 0;
	char *out = calloc(1, cap + 1);
	ssize_t r;
	alarm(30); /* a hung child fails the read with EINTR; killed below */
	while (out && n < cap && (r = read(pfd[0], out + n, cap - n)) > 0)
		n += (size_t)r;
	alarm(0);
	close(pfd[0]);
	if (pid > 0) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
	}
	return out;
}

/* The mountinfo line whose mount point is exactly mp (the last one). */
static const char *mount_line(const char *out, const char *mp, char *buf, size_t len)
{
	const char *found = NULL;
	size_t mplen = strlen(mp);
	for (const char *l = out; l && *l;) {
		const char *end = strchrnul(l, '\n');
		/* fields: id parent maj:min root mountpoint ... */
		const char *f = l;
		for (int i = 0; i < 4 && f < end; i++) {
			f = memchr(f, ' ', (size_t)(end - f));
			f = f ? f + 1 : end;
		}
		if (f < end && (size_t)(end - f) > mplen && strncmp(f, mp, mplen) == 0 &&
		    f[mplen] == ' ') {
			size_t n = (size_t)(end - l) < len - 1 ? (size_t)(end - l) : len - 1;
			memcpy(buf, l, n);
			buf[n] = '\0';
			found = buf;
		}
		if (strncmp(l, "---", 3) == 0)
			break;
		l = *end ? end + 1 : end;
	}
	return found;
}

static bool host_mounts_clean(void)
{
	char *mi = NULL;
	error *e = read_file("/proc/self/mountinfo", &mi, NULL);
	if (e) {
		err_free(e);
		return false;
	}
	bool clean = strstr(mi, base) == NULL;
	if (!clean)
		printf("# host mountinfo mentions %s\n", base);
	free(mi);
	return clean;
}

static bool is_root;

static void check_default_container(const char *out, bool want_root_ro, const char *dev)
{
	char b[1024];
	const char *l;
	CHECK(strstr(out, "ERROR") == NULL);
	if (strstr(out, "ERROR"))
		printf("# %s\n", strstr(out, "ERROR"));
	CHECK((l = mount_line(out, "/proc", b, sizeof(b))) && strstr(l, " - proc "));
	CHECK((l = mount_line(out, "/sys", b, sizeof(b))) && strstr(l, " - sysfs ") &&
	      strstr(l, " ro,"));
	char mp[256];
	CHECK((l = mount_line(out, dev, b, sizeof(b))) && strstr(l, " - tmpfs "));
	snprintf(mp, sizeof(mp), "%s/pts", dev);
	CHECK((l = mount_line(out, mp, b, sizeof(b))) && strstr(l, " - devpts "));
	snprintf(mp, sizeof(mp), "%s/shm", dev);
	CHECK((l = mount_line(out, mp, b, sizeof(b))) && strstr(l, " - tmpfs "));
	snprintf(mp, sizeof(mp), "%s/mqueue", dev);
	CHECK((l = mount_line(out, mp, b, sizeof(b))) && strstr(l, " - mqueue "));
	CHECK((l = mount_line(out, "/sys/fs/cgroup", b, sizeof(b))) && strstr(l, " ro,"));
	CHECK((l = mount_line(out, "/sys/fs/cgroup/memory", b, sizeof(b))) && strstr(l, " ro,"));
	/* masked: a file gets /dev/null (root "/null" of the /dev tmpfs), a dir a ro tmpfs */
	/* /dev/null of the container's /dev (a node on its tmpfs, or the
	 * host's node bound there in the userns case) */
	CHECK((l = mount_line(out, "/proc/keys", b, sizeof(b))) && strstr(l, " /null "));
	CHECK((l = mount_line(out, "/proc/timer_list", b, sizeof(b))) && strstr(l, " /null "));
	if (access("/proc/kcore", F_OK) == 0)
		CHECK((l = mount_line(out, "/proc/kcore", b, sizeof(b))) && strstr(l, " /null "));
	CHECK((l = mount_line(out, "/sys/firmware", b, sizeof(b))) && strstr(l, " - tmpfs ") &&
	      strstr(l, " ro"));
	CHECK((l = mount_line(out, "/proc/sys", b, sizeof(b))) && strstr(l, " ro,"));
	if (access("/proc/sysrq-trigger", F_OK) == 0)
		CHECK((l = mount_line(out, "/proc/sysrq-trigger", b, sizeof(b))) &&
		      strstr(l, " ro,"));
	CHECK((l = mount_line(out, "/data", b, sizeof(b))) && strstr(l, " ro,"));
	CHECK((l = mount_line(out, "/", b, sizeof(b))) &&
	      (strstr(l, " ro,") != NULL) == want_root_ro);
	CHECK(strstr(out, "/dev/null character special file 1:3 666"));
	CHECK(strstr(out, "/dev/zero character special file 1:5 666"));
	CHECK(strstr(out, "/dev/full character special file 1:7 666"));
	CHECK(strstr(out, "/dev/random character special file 1:8 666"));
	CHECK(strstr(out, "/dev/urandom character special file 1:9 666"));
	CHECK(strstr(out, "/dev/tty character special file 5:0 666"));
	CHECK(strstr(out, "/dev/fd -> /proc/self/fd"));
	CHECK(strstr(out, "/dev/stdin -> /proc/self/fd/0"));
	CHECK(strstr(out, "/dev/stderr -> /proc/self/fd/2"));
	CHECK(strstr(out, "/dev/ptmx -> pts/ptmx"));
	CHECK(strstr(out, "\nprobe-host\n1234\n"));
	CHECK(strstr(out, "data-ro"));
	CHECK(strstr(out, want_root_ro ? "root-ro" : "root-rw"));
	CHECK(strstr(out, "\n0\nend")); /* /proc/keys reads as /dev/null */
	/* tmpcopyup: the image's /etc content, on a tmpfs, writable */
	CHECK((l = mount_line(out, "/etc", b, sizeof(b))) && strstr(l, " - tmpfs "));
	CHECK(strstr(out, "\nhello from the image\n"));
	CHECK(strstr(out, "/etc/link -> motd"));
	CHECK(strstr(out, "etc 755 directory"));
	CHECK(strstr(out, "etc 700 directory"));
	CHECK(strstr(out, "etc-rw"));
}

static void test_default_spec_pivot(void)
{
	if (!is_root)
		SKIP("needs root");
	char rootfs[128], data[128];
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", base);
	snprintf(data, sizeof(data), "%s/data", base);
	mkdir(data, 0755);
	CHECK(make_rootfs(rootfs));
	char *out = run(rootfs, data, false, false);
	CHECK(out != NULL);
	if (out) {
		check_default_container(out, false, "/dev");
		if (unit_cur_failed)
			printf("# container output:\n%s\n", out);
	}
	free(out);
	CHECK(host_mounts_clean());
}

/* --no-pivot, a read-only root, and an image whose /dev, /proc/sys-like
 * paths are hostile symlinks to host directories. */
static void test_no_pivot_hostile_dev(void)
{
	if (!is_root)
		SKIP("needs root");
	char rootfs[128], data[128], hostdev[128], p[256];
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs2", base);
	snprintf(data, sizeof(data), "%s/data2", base);
	snprintf(hostdev, sizeof(hostdev), "%s/hostdev", base);
	mkdir(data, 0755);
	mkdir(hostdev, 0755);
	CHECK(make_rootfs(rootfs));
	/* CVE-2026-41579: /dev -> <host dir> must resolve inside the rootfs. */
	snprintf(p, sizeof(p), "%s/dev", rootfs);
	CHECK(symlink(hostdev, p) == 0);
	char *out = run(rootfs, data, true, true);
	CHECK(out != NULL);
	if (out) {
		/* The link resolved inside the rootfs: the mounts sit on
		 * <rootfs><hostdev>, reached in the container through /dev. */
		check_default_container(out, true, hostdev);
		char mp[256], b[1024];
		snprintf(mp, sizeof(mp), "%s/null", hostdev);
		CHECK(mount_line(out, mp, b, sizeof(b)) != NULL); /* bound from the host */
		if (unit_cur_failed)
			printf("# container output:\n%s\n", out);
	}
	free(out);
	/* Nothing created in the host directory the link named. */
	snprintf(p, sizeof(p), "%s/null", hostdev);
	CHECK(access(p, F_OK) != 0);
	snprintf(p, sizeof(p), "%s/pts", hostdev);
	CHECK(access(p, F_OK) != 0);
	CHECK(host_mounts_clean());
}

/* A swapped /dev/null (a symlink to a secret file) must stop maskedPaths. */
static void test_fake_dev_null_refused(void)
{
	if (!is_root)
		SKIP("needs root");
	char rootfs[128], data[128], p[256];
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs3", base);
	snprintf(data, sizeof(data), "%s/data3", base);
	mkdir(data, 0755);
	CHECK(make_rootfs(rootfs));
	snprintf(p, sizeof(p), "%s/etc/secret", rootfs);
	CHECK(copy_file("/etc/hostname", p, 0600));
	/* /dev bind-mounted from a dir of the image: no device setup, and
	 * its "null" is a symlink. */
	snprintf(p, sizeof(p), "%s/fakedev", rootfs);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/fakedev/null", rootfs);
	CHECK(symlink("/etc/secret", p) == 0);
	struct oci_mount saved = default_mounts[1];
	char src[160];
	snprintf(src, sizeof(src), "%s/fakedev", rootfs);
	default_mounts[1] =
	    (struct oci_mount){.destination = "/dev", .source = src, .options = OPTS("rbind")};
	char *out = run(rootfs, data, false, false);
	default_mounts[1] = saved;
	CHECK(out && strstr(out, "ERROR: maskedPaths: /dev/null is not the null device"));
	if (out && unit_cur_failed)
		printf("# container output:\n%s\n", out);
	free(out);
	CHECK(host_mounts_clean());
}

static error *check_one(const char *key, struct oci_namespace *ns, size_t n_ns)
{
	char *keys[] = {(char *)key};
	char *values[] = {"1"};
	struct oci_config c = {0};
	c.linux_.namespaces = ns;
	c.linux_.n_namespaces = n_ns;
	c.linux_.sysctl.keys = keys;
	c.linux_.sysctl.values = values;
	c.linux_.sysctl.n = 1;
	return rootfs_check_sysctl(&c);
}

static void expect_err(error *e, const char *msg)
{
	CHECK(e != NULL);
	if (e)
		CHECK_STR(err_msg(e), msg);
	err_free(e);
}

/* runc's validator, no root needed. */
static void test_sysctl_validation(void)
{
	struct oci_namespace ipc[] = {{.type = OCI_NS_IPC}};
	struct oci_namespace net[] = {{.type = OCI_NS_NETWORK, .path = "/proc/1/ns/net"}};
	struct oci_namespace uts[] = {{.type = OCI_NS_UTS}};
	CHECK_OK(check_one("kernel.shmmax", ipc, 1));
	CHECK_OK(check_one("kernel.msgmnb", ipc, 1));
	CHECK_OK(check_one("kernel.sem", ipc, 1));
	CHECK_OK(check_one("fs.mqueue.msg_max", ipc, 1));
	expect_err(check_one("kernel.shm_rmid_forced", NULL, 0),
		   "sysctl \"kernel.shm_rmid_forced\" is not allowed in the hosts ipc namespace");
	expect_err(check_one("fs.mqueue.queues_max", net, 1),
		   "sysctl \"fs.mqueue.queues_max\" is not allowed in the hosts ipc namespace");
	CHECK_OK(check_one("net.ipv4.ip_forward", net, 1));
	expect_err(check_one("net.ipv4.ip_forward", ipc, 1),
		   "sysctl \"net.ipv4.ip_forward\" is not allowed in the hosts network namespace");
	CHECK_OK(check_one("kernel.domainname", uts, 1));
	expect_err(check_one("kernel.hostname", uts, 1),
		   "sysctl \"kernel.hostname\" is not allowed as it conflicts with the OCI "
		   "\"hostname\" field");
	expect_err(check_one("kernel.domainname", NULL, 0),
		   "sysctl \"kernel.domainname\" is not in a separate kernel namespace");
	expect_err(check_one("vm.swappiness", ipc, 1),
		   "sysctl \"vm.swappiness\" is not in a separate kernel namespace");
	expect_err(check_one("kernel.shmmaxx", ipc, 1),
		   "sysctl \"kernel.shmmaxx\" is not in a separate kernel namespace");
	struct oci_config none = {0};
	CHECK_OK(rootfs_apply_sysctl(&none)); /* nothing to do, nothing opened */
}

static void test_hostname_needs_uts(void)
{
	struct oci_config c = {0};
	c.hostname = "h";
	expect_err(rootfs_set_hostname(&c, false),
		   "unable to set hostname without a private UTS namespace");
	c.hostname = NULL;
	c.domainname = "d";
	expect_err(rootfs_set_hostname(&c, false),
		   "unable to set domainname without a private UTS namespace");
	c.domainname = "";
	CHECK_OK(rootfs_set_hostname(&c, false)); /* empty: nothing to set */
}

int main(void)
{
	is_root = geteuid() == 0;
	RUN_TEST(test_sysctl_validation);
	RUN_TEST(test_hostname_needs_uts);
	if (!is_root) {
		SKIP_TEST(test_default_spec_pivot, "needs root");
		SKIP_TEST(test_no_pivot_hostile_dev, "needs root");
		SKIP_TEST(test_fake_dev_null_refused, "needs root");
		UNIT_MAIN_END();
	}
	strcpy(base, "/tmp/isorun-rootfs-XXXXXX");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);
	RUN_TEST(test_default_spec_pivot);
	RUN_TEST(test_no_pivot_hostile_dev);
	RUN_TEST(test_fake_dev_null_refused);
	UNIT_MAIN_END();
}
