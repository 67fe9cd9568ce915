/* safe_open_in_root against a hostile tree: absolute and ../ symlinks must
 * resolve inside the root, creation must never escape it. No root needed. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/child/safe_path.h"
#include "tests/unit/deny_syscall.h"
#include "tests/unit/unit.h"

static char base[64]; /* holds root/ and outside/ */
static char root[96], outside[96];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_rf(const char *p)
{
	nftw(p, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void touch(const char *dir, const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static void link_at(const char *target, const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (symlink(target, p) != 0)
		printf("# symlink %s: %s\n", p, strerror(errno));
}

static bool exists_at(const char *dir, const char *rel)
{
	char p[256];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &st) == 0;
}

/* Compares the inode fd points at with dir/rel. */
static bool same_inode(int fd, const char *dir, const char *rel)
{
	char p[256];
	struct stat a, b;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return fstat(fd, &a) == 0 && stat(p, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int rootfd = -1;

static void setup(void)
{
	strcpy(base, "/tmp/isorun-safepath-XXXXXX");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	mkdir(root, 0755);
	mkdir(outside, 0755);
	char p[256];
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	touch(root, "etc/passwd");
	touch(outside, "passwd");
	/* Hostile links: all must stay inside root. */
	link_at("/etc", "abs_etc");
	link_at("../../../../../../etc", "dotdot_etc");
	link_at(outside, "to_outside");		/* absolute host path of outside */
	link_at("../outside", "rel_outside");	/* one level up = base/outside */
	link_at("/newdir/sub", "dangling_abs"); /* target missing */
	link_at("../../dangle_rel", "dangling_rel");
	link_at("/proc/self/root", "magic");
	link_at("loop2", "loop1");
	link_at("loop1", "loop2");
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void test_plain_lookup(void)
{
	_cleanup_close_ int fd = -1;
	CHECK_OK(safe_open_in_root(rootfd, "/etc/passwd", SAFE_NO_CREATE, &fd));
	CHECK(same_inode(fd, root, "etc/passwd"));
}

static void test_absolute_symlink_stays_inside(void)
{
	_cleanup_close_ int fd = -1;
	CHECK_OK(safe_open_in_root(rootfd, "abs_etc/passwd", SAFE_NO_CREATE, &fd));
	CHECK(same_inode(fd, root, "etc/passwd"));
}

static void test_dotdot_symlink_stays_inside(void)
{
	_cleanup_close_ int fd = -1;
	CHECK_OK(safe_open_in_root(rootfd, "/dotdot_etc/passwd", SAFE_NO_CREATE, &fd));
	CHECK(same_inode(fd, root, "etc/passwd"));
	_cleanup_close_ int fd2 = -1;
	CHECK_OK(safe_open_in_root(rootfd, "/../../../etc/passwd", SAFE_NO_CREATE, &fd2));
	CHECK(same_inode(fd2, root, "etc/passwd"));
}

static void test_link_to_host_dir_not_followed_out(void)
{
	int fd = -1;
	/* <root>/to_outside -> /tmp/.../outside resolves to <root>/tmp/.../outside
	 * which does not exist: ENOENT, not the host file. */
	error *e = safe_open_in_root(rootfd, "to_outside/passwd", SAFE_NO_CREATE, &fd);
	CHECK(e && err_errnum(e) == ENOENT);
	err_free(e);
	e = safe_open_in_root(rootfd, "rel_outside/passwd", SAFE_NO_CREATE, &fd);
	CHECK(e && err_errnum(e) == ENOENT);
	err_free(e);
}

static void test_create_dir_through_host_link(void)
{
	_cleanup_close_ int fd = -1;
	CHECK_OK(safe_open_in_root(rootfd, "to_outside/newdir", SAFE_CREATE_DIR, &fd));
	/* Created below root, mirroring the link's absolute target. */
	char rel[256];
	snprintf(rel, sizeof(rel), "%s/newdir", outside + 1);
	CHECK(exists_at(root, rel));
	CHECK(!exists_at(outside, "newdir"));
	CHECK(same_inode(fd, root, rel));
}

static void test_create_file_through_rel_link(void)
{
	_cleanup_close_ int fd = -1;
	CHECK_OK(safe_open_in_root(rootfd, "rel_outside/f", SAFE_CREATE_FILE, &fd));
	CHECK(!exists_at(outside, "f"));
	CHECK(exists_at(root, "outside/f")); /* ../outside clamps to /outside */
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
}

static void test_dangling_links_created_inside(void)
{
	_cleanup_close_ int fd = -1;
	CHECK_OK(safe_open_in_root(rootfd, "dangling_abs/x", SAFE_CREATE_DIR, &fd));
	CHECK(exists_at(root, "newdir/sub/x"));
	CHECK(same_inode(fd, root, "newdir/sub/x"));
	_cleanup_close_ int fd2 = -1;
	CHECK_OK(safe_open_in_root(rootfd, "dangling_rel", SAFE_CREATE_DIR, &fd2));
	CHECK(exists_at(root, "dangle_rel"));
	CHECK(!exists_at(base, "dangle_rel"));
	CHECK(same_inode(fd2, root, "dangle_rel"));
}

static void test_magic_link_refused(void)
{
	int fd = -1;
	/* /proc/self/root in the image is a plain link to <root>/proc/self/root,
	 * which does not exist; it must not reach the real procfs. */
	error *e = safe_open_in_root(rootfd, "magic/etc", SAFE_NO_CREATE, &fd);
	CHECK(e && err_errnum(e) == ENOENT);
	err_free(e);
}

static void test_symlink_loop(void)
{
	int fd = -1;
	error *e = safe_open_in_root(rootfd, "loop1/x", SAFE_CREATE_DIR, &fd);
	CHECK(e && err_errnum(e) == ELOOP);
	err_free(e);
}

static void test_create_nested_dirs(void)
{
	_cleanup_close_ int fd = -1;
	CHECK_OK(safe_open_in_root(rootfd, "/a/b/c/", SAFE_CREATE_DIR, &fd));
	CHECK(exists_at(root, "a/b/c"));
	_cleanup_close_ int again = -1;
	CHECK_OK(safe_open_in_root(rootfd, "a/./b//c", SAFE_CREATE_DIR, &again));
	CHECK(same_inode(again, root, "a/b/c"));
}

static void test_parent_lookup(void)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *buf = NULL;
	const char *name = NULL;
	CHECK_OK(safe_open_parent_in_root(rootfd, "/abs_etc/newfile", false, &dfd, &buf, &name));
	CHECK_STR(name, "newfile");
	CHECK(same_inode(dfd, root, "etc"));
	/* A symlink as the last component is left to the *at() call. */
	_cleanup_close_ int dfd2 = -1;
	_cleanup_free_ char *buf2 = NULL;
	CHECK_OK(safe_open_parent_in_root(rootfd, "/abs_etc", false, &dfd2, &buf2, &name));
	CHECK_STR(name, "abs_etc");
	CHECK(same_inode(dfd2, root, "."));
	int fd3 = -1;
	char *buf3 = NULL;
	error *e = safe_open_parent_in_root(rootfd, "/etc/..", false, &fd3, &buf3, &name);
	CHECK(e != NULL);
	if (e)
		CHECK_STR(err_msg(e), "/etc/..: not a path to an entry inside the rootfs");
	err_free(e);
	_cleanup_close_ int dfd4 = -1;
	_cleanup_free_ char *buf4 = NULL;
	CHECK_OK(safe_open_parent_in_root(rootfd, "/deep/er/node", true, &dfd4, &buf4, &name));
	CHECK(exists_at(root, "deep/er"));
	CHECK_STR(name, "node");
}

static void test_missing_reports_errno(void)
{
	int fd = -1;
	error *e = safe_open_in_root(rootfd, "/nope/x", SAFE_NO_CREATE, &fd);
	CHECK(e && err_errnum(e) == ENOENT);
	if (e)
		CHECK_STR(err_msg(e), "open /nope/x in rootfs: No such file or directory");
	err_free(e);
}

static void run_all(void)
{
	RUN_TEST(test_plain_lookup);
	RUN_TEST(test_absolute_symlink_stays_inside);
	RUN_TEST(test_dotdot_symlink_stays_inside);
	RUN_TEST(test_link_to_host_dir_not_followed_out);
	RUN_TEST(test_create_dir_through_host_link);
	RUN_TEST(test_create_file_through_rel_link);
	RUN_TEST(test_dangling_links_created_inside);
	RUN_TEST(test_magic_link_refused);
	RUN_TEST(test_symlink_loop);
	RUN_TEST(test_create_nested_dirs);
	RUN_TEST(test_parent_lookup);
	RUN_TEST(test_missing_reports_errno);
}

int main(void)
{
	setup();
	run_all();
	close(rootfd);
	rm_rf(base);

	/* The same hostile tree again, through the fallback walk: from here on
	 * openat2 fails with ENOSYS, as before Linux 5.6 or under a caller's
	 * seccomp profile, and safe_path walks by hand. */
	setup();
	bool denied = unit_deny_syscall(SYS_openat2);
	CHECK(denied);
	if (denied) {
		printf("# again with openat2 failing with ENOSYS (the fallback walk)\n");
		CHECK(syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) < 0 && errno == ENOSYS);
		run_all();
	}
	close(rootfd);
	rm_rf(base);
	UNIT_MAIN_END();
}
