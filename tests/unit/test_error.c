/* Errors with kinds: the kind is set where an error is made and survives
 * err_wrap; callers branch on it (delete --force of a missing container). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "runtime/container.h"
#include "runtime/state/state_store.h"
#include "spec/config.h"
#include "unit.h"

static void test_default_kinds(void)
{
	error *e = err_new("plain");
	CHECK(err_kind(e) == ERR_OTHER && err_errnum(e) == 0);
	CHECK_STR(err_msg(e), "plain");
	err_free(e);
	e = err_sys(EPERM, "mount");
	CHECK(err_kind(e) == ERR_SYSTEM && err_errnum(e) == EPERM);
	CHECK_STR(err_msg(e), "mount: Operation not permitted");
	err_free(e);
	e = err_sys(ENOMEM, "state dir");
	CHECK(err_kind(e) == ERR_NOMEM && err_errnum(e) == ENOMEM);
	err_free(e);
	CHECK(err_kind(NULL) == 0 && err_errnum(NULL) == 0);
	CHECK_STR(err_msg(NULL), "");
	CHECK_STR(err_kind_name(ERR_NOT_FOUND), "not found");
	CHECK_STR(err_kind_name(0), "none");
}

static void test_kind_survives_wrap(void)
{
	error *e = err_kind_new(ERR_BAD_STATE, "container not running");
	e = err_wrap(err_wrap(e, "inner"), "outer %d", 2);
	CHECK(err_kind(e) == ERR_BAD_STATE && err_errnum(e) == 0);
	CHECK_STR(err_msg(e), "outer 2: inner: container not running");
	err_free(e);
	e = err_wrap(err_sys(ENOENT, "open x"), "mounts[1]");
	CHECK(err_kind(e) == ERR_SYSTEM && err_errnum(e) == ENOENT);
	err_free(e);
	e = err_set_errnum(err_kind_new(ERR_NOT_FOUND, "no such thing"), ENOENT);
	CHECK(err_kind(e) == ERR_NOT_FOUND && err_errnum(e) == ENOENT);
	CHECK_STR(err_msg(e), "no such thing");
	err_free(e);
	/* err_make keeps the text as given (no strerror appended). */
	e = err_make(0, EACCES, "x: Permission denied");
	CHECK(err_kind(e) == ERR_SYSTEM && err_errnum(e) == EACCES);
	CHECK_STR(err_msg(e), "x: Permission denied");
	err_free(e);
}

/* The shared OOM error is returned by every failed constructor: nothing may
 * change it. */
static void test_oom_error_unchanged(void)
{
	error *oom = err_oom();
	CHECK(err_wrap(oom, "context that must not stick") == oom);
	CHECK(err_set_errnum(oom, EPERM) == oom);
	err_free(oom);
	CHECK_STR(err_msg(err_oom()), "out of memory");
	CHECK(err_errnum(err_oom()) == ENOMEM && err_kind(err_oom()) == ERR_NOMEM);
}

static char root[] = "/tmp/isorun-unit-error.XXXXXX";

static void test_state_kinds(void)
{
	struct state_handle h;
	error *e = state_open(root, "missing", &h);
	CHECK(err_kind(e) == ERR_NOT_FOUND);
	CHECK_STR(err_msg(e), "container does not exist"); /* containerd matches this text */
	err_free(e);
	CHECK_OK(state_create(root, "twice", &h));
	struct state_handle h2;
	e = state_create(root, "twice", &h2);
	CHECK(err_kind(e) == ERR_EXISTS);
	CHECK_STR(err_msg(e), "container with id exists: twice");
	err_free(e);
	CHECK_OK(state_remove(&h));
	e = state_validate_id("a/b");
	CHECK(err_kind(e) == ERR_BAD_CONFIG);
	err_free(e);
}

/* delete --force branches on the kind: a missing container is success, a
 * state dir without state (create interrupted) is removed. */
static void test_delete_force_not_found(void)
{
	struct runtime_ctx rt = {.root = root};
	error *e = container_delete(&rt, "nope", false);
	CHECK(err_kind(e) == ERR_NOT_FOUND);
	CHECK_STR(err_msg(e), "container does not exist");
	err_free(e);
	CHECK_OK(container_delete(&rt, "nope", true));
	char dir[sizeof(root) + 16];
	snprintf(dir, sizeof(dir), "%s/half", root);
	CHECK(mkdir(dir, 0711) == 0);
	CHECK_OK(container_delete(&rt, "half", true));
	CHECK(access(dir, F_OK) != 0 && errno == ENOENT);
}

static void test_spec_errors_are_bad_config(void)
{
	struct oci_config *cfg = NULL;
	const char bad[] = "{\"ociVersion\": 1}";
	error *e = spec_parse(bad, sizeof(bad) - 1, "config.json", &cfg);
	CHECK(e && err_kind(e) == ERR_BAD_CONFIG);
	err_free(e);
	const char syntax[] = "{";
	e = spec_parse(syntax, sizeof(syntax) - 1, "config.json", &cfg);
	CHECK(e && err_kind(e) == ERR_BAD_CONFIG);
	err_free(e);
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_TEST(test_default_kinds);
	RUN_TEST(test_kind_survives_wrap);
	RUN_TEST(test_oom_error_unchanged);
	RUN_TEST(test_state_kinds);
	RUN_TEST(test_delete_force_not_found);
	RUN_TEST(test_spec_errors_are_bad_config);
	/* What a failed test may have left. */
	char left[sizeof(root) + 16];
	snprintf(left, sizeof(left), "%s/half", root);
	rmdir(left);
	snprintf(left, sizeof(left), "%s/twice", root);
	rmdir(left);
	rmdir(root);
	UNIT_MAIN_END();
}
