/* device_plan_apply through the recording fake: mknodat for each node with
 * its type, mode and major:minor, chown to the configured owner, the bind of
 * the host's node where mknod is refused (EPERM) or not allowed (user
 * namespace), and the /dev symlinks. Runs as any user: the fake's mknodat
 * leaves an empty file where the node would be. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "runtime/child/devices.h"
#include "tests/unit/fake_sys.h"
#include "tests/unit/unit.h"

static char base[64], rootfs[128];
static int rootfd = -1;

static void setup(void)
{
	fake_sys_tmpdir(base, sizeof(base));
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", base);
	if (mkdir(rootfs, 0755) < 0)
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

static error *apply(struct oci_device *devs, size_t n, bool bind_devices)
{
	struct oci_config c = {0};
	c.linux_.devices = devs;
	c.linux_.n_devices = n;
	struct device_plan plan;
	error *e = device_plan_build(&c, false, &plan);
	if (e)
		return e;
	e = device_plan_apply(&fake_sys, &plan, rootfd, bind_devices);
	device_plan_free(&plan);
	return e;
}

static const char defaults_mknod[] =
    "mknodat(fd(T/rootfs/dev), \"null\", S_IFCHR|0666, makedev(1, 3))\n"
    "fchownat(fd(T/rootfs/dev/null), \"\", 0, 0, AT_EMPTY_PATH)\n"
    "mknodat(fd(T/rootfs/dev), \"random\", S_IFCHR|0666, makedev(1, 8))\n"
    "fchownat(fd(T/rootfs/dev/random), \"\", 0, 0, AT_EMPTY_PATH)\n"
    "mknodat(fd(T/rootfs/dev), \"full\", S_IFCHR|0666, makedev(1, 7))\n"
    "fchownat(fd(T/rootfs/dev/full), \"\", 0, 0, AT_EMPTY_PATH)\n"
    "mknodat(fd(T/rootfs/dev), \"tty\", S_IFCHR|0666, makedev(5, 0))\n"
    "fchownat(fd(T/rootfs/dev/tty), \"\", 0, 0, AT_EMPTY_PATH)\n"
    "mknodat(fd(T/rootfs/dev), \"zero\", S_IFCHR|0666, makedev(1, 5))\n"
    "fchownat(fd(T/rootfs/dev/zero), \"\", 0, 0, AT_EMPTY_PATH)\n"
    "mknodat(fd(T/rootfs/dev), \"urandom\", S_IFCHR|0666, makedev(1, 9))\n"
    "fchownat(fd(T/rootfs/dev/urandom), \"\", 0, 0, AT_EMPTY_PATH)\n";

static const char *link_of(const char *rel)
{
	static char t[256];
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", rootfs, rel);
	ssize_t n = readlink(p, t, sizeof(t) - 1);
	t[n < 0 ? 0 : n] = '\0';
	return t;
}

static unsigned mode_of(const char *rel)
{
	char p[256];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", rootfs, rel);
	return lstat(p, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0xffff;
}

/* runc's default nodes, in its order, each chowned to root; the links. */
static void test_default_nodes_and_links(void)
{
	setup();
	mode_t old = umask(022);
	CHECK_OK(apply(NULL, 0, false));
	umask(old);
	CHECK_STR(fake_sys_log(), defaults_mknod);
	/* mknod's mode went through no umask (0666 although ours was 022). */
	CHECK(mode_of("dev/null") == 0666 && mode_of("dev/tty") == 0666);
	CHECK_STR(link_of("dev/ptmx"), "pts/ptmx");
	CHECK_STR(link_of("dev/fd"), "/proc/self/fd");
	CHECK_STR(link_of("dev/stdin"), "/proc/self/fd/0");
	CHECK_STR(link_of("dev/stdout"), "/proc/self/fd/1");
	CHECK_STR(link_of("dev/stderr"), "/proc/self/fd/2");
	teardown();
}

/* linux.devices: type, mode, major:minor and owner as configured; one that
 * names a default path replaces the default; parent dirs are made. */
static void test_spec_devices(void)
{
	setup();
	struct oci_device d[] = {
	    {.path = "/dev/sda",
	     .type = 'b',
	     .major = 8,
	     .minor = 1,
	     .file_mode = {.set = true, .value = 0640},
	     .uid = {.set = true, .value = 1000},
	     .gid = {.set = true, .value = 6}},
	    {.path = "/dev/net/tun", .type = 'c', .major = 10, .minor = 200},
	    {.path = "/dev/fifo", .type = 'p'},
	    {.path = "/dev/null",
	     .type = 'c',
	     .major = 1,
	     .minor = 3,
	     .file_mode = {.set = true, .value = 0600}},
	};
	CHECK_OK(apply(d, ARRAY_SIZE(d), false));
	CHECK_STR(fake_sys_log_of("mknodat"),
		  "mknodat(fd(T/rootfs/dev), \"random\", S_IFCHR|0666, makedev(1, 8))\n"
		  "mknodat(fd(T/rootfs/dev), \"full\", S_IFCHR|0666, makedev(1, 7))\n"
		  "mknodat(fd(T/rootfs/dev), \"tty\", S_IFCHR|0666, makedev(5, 0))\n"
		  "mknodat(fd(T/rootfs/dev), \"zero\", S_IFCHR|0666, makedev(1, 5))\n"
		  "mknodat(fd(T/rootfs/dev), \"urandom\", S_IFCHR|0666, makedev(1, 9))\n"
		  "mknodat(fd(T/rootfs/dev), \"sda\", S_IFBLK|0640, makedev(8, 1))\n"
		  "mknodat(fd(T/rootfs/dev/net), \"tun\", S_IFCHR|0666, makedev(10, 200))\n"
		  "mknodat(fd(T/rootfs/dev), \"fifo\", S_IFIFO|0666, makedev(0, 0))\n"
		  "mknodat(fd(T/rootfs/dev), \"null\", S_IFCHR|0600, makedev(1, 3))\n");
	CHECK_STR(fake_sys_log_of("fchownat(fd(T/rootfs/dev/sda)"),
		  "fchownat(fd(T/rootfs/dev/sda), \"\", 1000, 6, AT_EMPTY_PATH)\n");
	CHECK(mode_of("dev/sda") == 0640 && mode_of("dev/null") == 0600);
	teardown();
}

/* mknod refused with EPERM (a user namespace the runtime did not know of):
 * an empty file with the host's node of the same path bound onto it. */
static void test_mknod_eperm_binds_host_node(void)
{
	setup();
	fake_sys_fail("mknodat", 0, EPERM);
	CHECK_OK(apply(NULL, 0, false));
	CHECK_STR(fake_sys_log(),
		  "mknodat(fd(T/rootfs/dev), \"null\", S_IFCHR|0666, makedev(1, 3)) = EPERM\n"
		  "mount(fd(/dev/null), fd(T/rootfs/dev/null), NULL, MS_BIND, NULL)\n"
		  "mknodat(fd(T/rootfs/dev), \"random\", S_IFCHR|0666, makedev(1, 8)) = EPERM\n"
		  "mount(fd(/dev/random), fd(T/rootfs/dev/random), NULL, MS_BIND, NULL)\n"
		  "mknodat(fd(T/rootfs/dev), \"full\", S_IFCHR|0666, makedev(1, 7)) = EPERM\n"
		  "mount(fd(/dev/full), fd(T/rootfs/dev/full), NULL, MS_BIND, NULL)\n"
		  "mknodat(fd(T/rootfs/dev), \"tty\", S_IFCHR|0666, makedev(5, 0)) = EPERM\n"
		  "mount(fd(/dev/tty), fd(T/rootfs/dev/tty), NULL, MS_BIND, NULL)\n"
		  "mknodat(fd(T/rootfs/dev), \"zero\", S_IFCHR|0666, makedev(1, 5)) = EPERM\n"
		  "mount(fd(/dev/zero), fd(T/rootfs/dev/zero), NULL, MS_BIND, NULL)\n"
		  "mknodat(fd(T/rootfs/dev), \"urandom\", S_IFCHR|0666, makedev(1, 9)) = EPERM\n"
		  "mount(fd(/dev/urandom), fd(T/rootfs/dev/urandom), NULL, MS_BIND, NULL)\n");
	/* The bind target is an empty file that nobody can open. */
	CHECK(mode_of("dev/null") == 0);
	teardown();
}

/* In a user namespace (bind_devices): no mknod at all, binds only. */
static void test_userns_binds_without_mknod(void)
{
	setup();
	struct oci_device d[] = {{.path = "/dev/kmsg", .type = 'c', .major = 1, .minor = 11}};
	CHECK_OK(apply(d, 1, true));
	CHECK_STR(fake_sys_log_of("mknodat"), "");
	CHECK_STR(fake_sys_log_of("mount(fd(/dev/kmsg)"),
		  "mount(fd(/dev/kmsg), fd(T/rootfs/dev/kmsg), NULL, MS_BIND, NULL)\n");
	teardown();
}

/* The host node must be the device the plan names: a host path with another
 * major:minor is refused, nothing bound. */
static void test_bind_checks_host_device(void)
{
	setup();
	struct oci_device d[] = {{.path = "/dev/null", .type = 'c', .major = 1, .minor = 5}};
	CHECK_ERR(apply(d, 1, true), "device /dev/null: host /dev/null is not the device 1:5");
	CHECK_STR(fake_sys_log_of("mount(fd(/dev/null)"), "");
	teardown();
}

/* Errors name the device; other mknod errors are not papered over; a node
 * already there is left alone (runc), without a chown. */
static void test_errors_and_existing(void)
{
	setup();
	fake_sys_fail("mknodat(fd(T/rootfs/dev), \"tty\"", 0, EINVAL);
	CHECK_ERR(apply(NULL, 0, false), "device /dev/tty: mknod: Invalid argument");
	CHECK_STR(fake_sys_log_of("mknodat(fd(T/rootfs/dev), \"zero\""), "");

	/* null, random and full exist now: only tty, zero and urandom are new. */
	fake_sys_reset(base);
	CHECK_OK(apply(NULL, 0, false));
	CHECK_STR(fake_sys_log_of("fchownat"),
		  "fchownat(fd(T/rootfs/dev/tty), \"\", 0, 0, AT_EMPTY_PATH)\n"
		  "fchownat(fd(T/rootfs/dev/zero), \"\", 0, 0, AT_EMPTY_PATH)\n"
		  "fchownat(fd(T/rootfs/dev/urandom), \"\", 0, 0, AT_EMPTY_PATH)\n");
	teardown();

	setup();
	fake_sys_fail("fchownat(fd(T/rootfs/dev/full)", 0, EPERM);
	CHECK_ERR(apply(NULL, 0, false), "device /dev/full: chown: Operation not permitted");

	fake_sys_reset(base);
	fake_sys_fail("mount(fd(/dev/null)", 0, EACCES);
	struct oci_device d[] = {{.path = "/dev/null", .type = 'c', .major = 1, .minor = 3}};
	char p[256];
	snprintf(p, sizeof(p), "%s/dev/null", rootfs);
	CHECK(unlink(p) == 0);
	CHECK_ERR(apply(d, 1, true), "device /dev/null: bind /dev/null: Permission denied");
	teardown();
}

int main(void)
{
	fake_sys_confine();
	RUN_TEST(test_default_nodes_and_links);
	RUN_TEST(test_spec_devices);
	RUN_TEST(test_mknod_eperm_binds_host_node);
	RUN_TEST(test_userns_binds_without_mknod);
	RUN_TEST(test_bind_checks_host_device);
	RUN_TEST(test_errors_and_existing);
	UNIT_MAIN_END();
}
