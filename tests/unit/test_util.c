/* common/util.c: the one path cleaner and the one Go-style strerror. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "tests/unit/unit.h"

/* Go's path/filepath TestClean table. */
static void test_path_clean(void)
{
	static const char *const cases[][2] = {
	    {"abc", "abc"},
	    {"abc/def", "abc/def"},
	    {".", "."},
	    {"..", ".."},
	    {"../..", "../.."},
	    {"../../abc", "../../abc"},
	    {"/abc", "/abc"},
	    {"/", "/"},
	    {"", "."},
	    {"abc/", "abc"},
	    {"./", "."},
	    {"../", ".."},
	    {"/abc/", "/abc"},
	    {"abc//def//ghi", "abc/def/ghi"},
	    {"//abc", "/abc"},
	    {"///abc", "/abc"},
	    {"//abc//", "/abc"},
	    {"abc/./def", "abc/def"},
	    {"/./abc/def", "/abc/def"},
	    {"abc/.", "abc"},
	    {"abc/def/ghi/../jkl", "abc/def/jkl"},
	    {"abc/def/../ghi/../jkl", "abc/jkl"},
	    {"abc/def/..", "abc"},
	    {"abc/def/../..", "."},
	    {"/abc/def/../..", "/"},
	    {"abc/def/../../..", ".."},
	    {"/abc/def/../../..", "/"},
	    {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
	    {"/../abc", "/abc"},
	    {"abc/./../def", "def"},
	    {"abc//./../def", "def"},
	    {"abc/../../././../def", "../../def"},
	    {"/../..", "/"},
	    {"/a/.../b", "/a/.../b"},
	    {"/a/..b/.c", "/a/..b/.c"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *got = path_clean(cases[i][0]);
		if (!got || strcmp(got, cases[i][1]) != 0)
			printf("#   path_clean(\"%s\")\n", cases[i][0]);
		CHECK_STR(got, cases[i][1]);
	}
}

static void test_path_join_clean(void)
{
	static const char *const cases[][3] = {
	    {"/", "abc", "/abc"},
	    {"/a/b", "c//d/", "/a/b/c/d"},
	    {"/a/b", "../c", "/a/c"},
	    {"/", "../../x", "/x"},
	    {"/", "a//b/../c/", "/a/c"}, /* a relative mount destination */
	    {"", "", "/"},
	    {NULL, "x", "/x"},
	    {"/a", NULL, "/a"},
	    {"rel", "x/..", "rel"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *got = path_join_clean(cases[i][0], cases[i][1]);
		CHECK_STR(got, cases[i][2]);
	}
}

/* The one comma-list lookup (mount options, super options, controller lists). */
static void test_str_list_has(void)
{
	CHECK(str_list_has("rw,cpu,cpuacct", "cpu"));
	CHECK(str_list_has("rw,cpu,cpuacct", "cpuacct"));
	CHECK(str_list_has("ro", "ro"));
	CHECK(!str_list_has("rw,cpuacct", "cpu"));
	CHECK(!str_list_has("", "rw"));
	CHECK(!str_list_has(NULL, "rw"));
	CHECK(!str_list_has("rw,nosuid", "no"));
}

/* Go's syscall.Errno.Error(), which runc's messages carry. */
static void test_go_strerror(void)
{
	CHECK_STR(go_strerror(ENOENT), "no such file or directory");
	CHECK_STR(go_strerror(EACCES), "permission denied");
	CHECK_STR(go_strerror(ENOEXEC), "exec format error");
	CHECK_STR(go_strerror(EPERM), "operation not permitted");
	CHECK_STR(go_strerror(EIO), "input/output error");
	CHECK_STR(go_strerror(EAGAIN), "resource temporarily unavailable");
	/* No text in Go's table: "errno N". */
	CHECK_STR(go_strerror(0), "errno 0");
	CHECK_STR(go_strerror(4095), "errno 4095");
	CHECK_STR(go_strerror(-3), "errno -3");
}

int main(void)
{
	RUN_TEST(test_path_clean);
	RUN_TEST(test_path_join_clean);
	RUN_TEST(test_str_list_has);
	RUN_TEST(test_go_strerror);
	UNIT_MAIN_END();
}
