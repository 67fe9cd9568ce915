/* common/mountinfo.c: the one mountinfo reader, on real lines. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/mountinfo.h"
#include "tests/unit/unit.h"

/* Parses a copy of line; returns the error (NULL on success). */
static error *parse(const char *line, char *buf, size_t len, struct mountinfo_entry *e)
{
	snprintf(buf, len, "%s", line);
	return mountinfo_parse_line(buf, e);
}

static void test_plain_line(void)
{
	char buf[512];
	struct mountinfo_entry e;
	CHECK_OK(parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root "
		       "rw,errors=continue",
		       buf, sizeof(buf), &e));
	CHECK(e.mount_id == 36 && e.parent_id == 35 && e.major == 98 && e.minor == 0);
	CHECK_STR(e.root, "/mnt1");
	CHECK_STR(e.mount_point, "/mnt2");
	CHECK_STR(e.mount_options, "rw,noatime");
	CHECK_STR(e.optional, "master:1");
	CHECK_STR(e.fstype, "ext3");
	CHECK_STR(e.source, "/dev/root");
	CHECK_STR(e.super_options, "rw,errors=continue");
}

static void test_no_optional_fields(void)
{
	char buf[512];
	struct mountinfo_entry e;
	CHECK_OK(parse("65 64 0:40 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw", buf,
		       sizeof(buf), &e));
	CHECK_STR(e.optional, "");
	CHECK_STR(e.mount_point, "/proc");
	CHECK_STR(e.fstype, "proc");
	CHECK_STR(e.super_options, "rw");
	CHECK(!mountinfo_optional(&e, "shared", NULL));
}

static void test_several_optional_fields(void)
{
	char buf[512];
	struct mountinfo_entry e;
	CHECK_OK(parse("1063 29 0:112 / /run/x rw,relatime shared:1 master:2 propagate_from:3 "
		       "unbindable - tmpfs tmpfs rw,size=1024k",
		       buf, sizeof(buf), &e));
	CHECK_STR(e.optional, "shared:1 master:2 propagate_from:3 unbindable");
	unsigned v = 99;
	CHECK(mountinfo_optional(&e, "shared", &v) && v == 1);
	CHECK(mountinfo_optional(&e, "master", &v) && v == 2);
	CHECK(mountinfo_optional(&e, "propagate_from", &v) && v == 3);
	CHECK(mountinfo_optional(&e, "unbindable", &v) && v == 0);
	CHECK(mountinfo_optional(&e, "shared", NULL));
	CHECK(!mountinfo_optional(&e, "share", NULL));
	CHECK(!mountinfo_optional(&e, "slave", NULL));
	CHECK_STR(e.fstype, "tmpfs");
	CHECK_STR(e.super_options, "rw,size=1024k");
}

/* The kernel escapes space, tab, newline and backslash as \ooo. */
static void test_escaped_paths(void)
{
	char buf[512];
	struct mountinfo_entry e;
	CHECK_OK(parse("120 29 8:1 /home/a\\040b /mnt/my\\040dir\\011x\\134y rw,relatime "
		       "shared:7 - ext4 /dev/disk\\040one rw",
		       buf, sizeof(buf), &e));
	CHECK_STR(e.root, "/home/a b");
	CHECK_STR(e.mount_point, "/mnt/my dir\tx\\y");
	CHECK_STR(e.source, "/dev/disk one");
	CHECK(mountinfo_optional(&e, "shared", NULL));
	/* Not an escape: left as it is. */
	CHECK_OK(parse("1 0 0:1 /a\\9 /b\\ rw - tmpfs x rw", buf, sizeof(buf), &e));
	CHECK_STR(e.root, "/a\\9");
	CHECK_STR(e.mount_point, "/b\\");
}

/* A mount made with an empty source shows two spaces: fields must not shift. */
static void test_empty_source(void)
{
	char buf[512];
	struct mountinfo_entry e;
	CHECK_OK(
	    parse("300 29 0:90 / /mnt/e rw,relatime - tmpfs  rw,inode64", buf, sizeof(buf), &e));
	CHECK_STR(e.fstype, "tmpfs");
	CHECK_STR(e.source, "");
	CHECK_STR(e.super_options, "rw,inode64");
}

static void test_malformed_lines(void)
{
	char buf[512];
	struct mountinfo_entry e;
	CHECK_ERR(parse("", buf, sizeof(buf), &e), "mountinfo: mount id missing");
	CHECK_ERR(parse("36 35 98:0 /mnt1", buf, sizeof(buf), &e),
		  "mountinfo: mount point missing");
	CHECK_ERR(parse("36 35 98:0 /mnt1 /mnt2 rw", buf, sizeof(buf), &e),
		  "mountinfo: no \" - \" separator");
	CHECK_ERR(
	    parse("36 35 98:0 /mnt1 /mnt2 rw shared:1 ext3 /dev/root rw", buf, sizeof(buf), &e),
	    "mountinfo: no \" - \" separator");
	CHECK_ERR(parse("36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root", buf, sizeof(buf), &e),
		  "mountinfo: fewer than 3 fields after \" - \"");
	CHECK_ERR(parse("36 35 98:0 /mnt1 /mnt2 rw -", buf, sizeof(buf), &e),
		  "mountinfo: no \" - \" separator");
	CHECK_ERR(parse("x 35 98:0 / / rw - ext3 a rw", buf, sizeof(buf), &e),
		  "mountinfo: bad mount id \"x\"");
	CHECK_ERR(parse("36 -1 98:0 / / rw - ext3 a rw", buf, sizeof(buf), &e),
		  "mountinfo: bad parent id \"-1\"");
	CHECK_ERR(parse("36 35 98 / / rw - ext3 a rw", buf, sizeof(buf), &e),
		  "mountinfo: bad major:minor \"98\"");
	CHECK_ERR(parse("36 35 98:0x / / rw - ext3 a rw", buf, sizeof(buf), &e),
		  "mountinfo: bad major:minor \"98:0x\"");
	CHECK_ERR(parse("36  98:0 / / rw - ext3 a rw", buf, sizeof(buf), &e),
		  "mountinfo: parent id missing");
}

/* A whole file: malformed lines are left out and counted, order is kept. */
static void test_parse_file_text(void)
{
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	CHECK_OK(mountinfo_parse("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
				 "garbage\n"
				 "\n"
				 "23 22 0:21 / /proc rw - proc proc rw\n"
				 "24 22 0:50 / /srv/a\\040b rw shared:5 - tmpfs t rw\n"
				 "25 24 0:51 / /srv/a\\040b/c rw - tmpfs t rw\n"
				 "26 22 0:52 / /srv/a ro - tmpfs u ro",
				 &mi));
	CHECK(mi.n == 5 && mi.skipped == 1);
	if (mi.n != 5)
		return;
	CHECK(mi.v[0].mount_id == 22 && mi.v[4].mount_id == 26);
	const struct mountinfo_entry *e = mountinfo_mount_of(&mi, "/srv/a b/rootfs");
	CHECK(e && e->mount_id == 24);
	e = mountinfo_mount_of(&mi, "/srv/a b/c/d");
	CHECK(e && e->mount_id == 25);
	e = mountinfo_mount_of(&mi, "/srv/a");
	CHECK(e && e->mount_id == 26);
	e = mountinfo_mount_of(&mi, "/srv/ab"); /* a prefix of the name is not a parent */
	CHECK(e && e->mount_id == 22);
	e = mountinfo_mount_of(&mi, "/");
	CHECK(e && e->mount_id == 22);

	/* Mounts at the same point stack: the last one holds the path. */
	_cleanup_mountinfo_ struct mountinfo st = {0};
	CHECK_OK(
	    mountinfo_parse("1 0 0:1 / / rw - ext4 a rw\n2 1 0:2 / / rw - rootfs b rw\n", &st));
	e = mountinfo_mount_of(&st, "/x");
	CHECK(e && e->mount_id == 2);

	_cleanup_mountinfo_ struct mountinfo empty = {0};
	CHECK_OK(mountinfo_parse("", &empty));
	CHECK(empty.n == 0 && !mountinfo_mount_of(&empty, "/"));
	_cleanup_mountinfo_ struct mountinfo none = {0};
	CHECK_OK(mountinfo_parse(NULL, &none));
	CHECK(none.n == 0);
}

/* The real file of this process parses without a malformed line. */
static void test_self(void)
{
	_cleanup_mountinfo_ struct mountinfo mi = {0};
	CHECK_OK(mountinfo_read("/proc/self/mountinfo", &mi));
	CHECK(mi.n > 0 && mi.skipped == 0);
	CHECK(mountinfo_mount_of(&mi, "/proc/self") != NULL);
	_cleanup_mountinfo_ struct mountinfo missing = {0};
	CHECK_ERR(mountinfo_read("/nonexistent/mountinfo", &missing),
		  "open /nonexistent/mountinfo: No such file or directory");
}

int main(void)
{
	RUN_TEST(test_plain_line);
	RUN_TEST(test_no_optional_fields);
	RUN_TEST(test_several_optional_fields);
	RUN_TEST(test_escaped_paths);
	RUN_TEST(test_empty_source);
	RUN_TEST(test_malformed_lines);
	RUN_TEST(test_parse_file_text);
	RUN_TEST(test_self);
	UNIT_MAIN_END();
}
