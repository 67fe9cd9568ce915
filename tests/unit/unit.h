/* A tiny TAP unit-test harness: each CHECK prints nothing unless it fails;
 * each TEST prints `ok N - name` or `not ok N - name` (tests/run.sh counts them).
 * A test that cannot run here says so with SKIP (inside it) or SKIP_TEST (instead
 * of RUN_TEST): `ok N - name # SKIP reason`, which counts as skipped, not passed. */
#ifndef ISORUN_TESTS_UNIT_H
#define ISORUN_TESTS_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_test_no, unit_failed_total, unit_cur_failed;
static const char *unit_cur_skip;

/* Inside a test (a void function): stop here, the test is reported skipped. */
#define SKIP(reason)                                                                               \
	do {                                                                                       \
		unit_cur_skip = (reason);                                                          \
		return;                                                                            \
	} while (0)

/* Instead of RUN_TEST(fn): fn is not run, and is reported skipped. */
#define SKIP_TEST(fn, reason)                                                                      \
	do {                                                                                       \
		(void)(fn);                                                                        \
		unit_test_no++;                                                                    \
		printf("ok %d - %s # SKIP %s\n", unit_test_no, #fn, (reason));                     \
	} while (0)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);        \
			unit_cur_failed = 1;                                                       \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
			printf("#   %s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__,     \
			       _b ? _b : "(null)", _a ? _a : "(null)");                            \
			unit_cur_failed = 1;                                                       \
		}                                                                                  \
	} while (0)

/* The error e must be NULL. */
#define CHECK_OK(e)                                                                                \
	do {                                                                                       \
		error *_e = (e);                                                                   \
		if (_e) {                                                                          \
			printf("#   %s:%d: unexpected error: %s\n", __FILE__, __LINE__,            \
			       err_msg(_e));                                                       \
			unit_cur_failed = 1;                                                       \
			err_free(_e);                                                              \
		}                                                                                  \
	} while (0)

/* The error e must be set and its message must equal msg exactly. */
#define CHECK_ERR(e, expected)                                                                     \
	do {                                                                                       \
		error *_e = (e);                                                                   \
		if (!_e) {                                                                         \
			printf("#   %s:%d: expected error \"%s\", got success\n", __FILE__,        \
			       __LINE__, (expected));                                              \
			unit_cur_failed = 1;                                                       \
		} else {                                                                           \
			if (strcmp(err_msg(_e), (expected)) != 0) {                                \
				printf("#   %s:%d: expected error \"%s\", got \"%s\"\n", __FILE__, \
				       __LINE__, (expected), err_msg(_e));                         \
				unit_cur_failed = 1;                                               \
			}                                                                          \
			err_free(_e);                                                              \
		}                                                                                  \
	} while (0)

/* A test that failed a CHECK before it skipped is a failure, not a skip. */
#define RUN_TEST(fn)                                                                               \
	do {                                                                                       \
		unit_cur_failed = 0;                                                               \
		unit_cur_skip = NULL;                                                              \
		fn();                                                                              \
		unit_test_no++;                                                                    \
		if (unit_cur_skip && !unit_cur_failed)                                             \
			printf("ok %d - %s # SKIP %s\n", unit_test_no, #fn, unit_cur_skip);        \
		else                                                                               \
			printf("%sok %d - %s\n", unit_cur_failed ? "not " : "", unit_test_no,      \
			       #fn);                                                               \
		unit_failed_total += unit_cur_failed;                                              \
	} while (0)

#define UNIT_MAIN_END()                                                                            \
	do {                                                                                       \
		printf("1..%d\n", unit_test_no);                                                   \
		return unit_failed_total ? 1 : 0;                                                  \
	} while (0)

#endif
