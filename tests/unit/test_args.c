/* The CLI's argv handling against what runc (urfave/cli v1 + Go flag) accepts, the
 * signal names runc 1.1 knows, and the small helpers the commands share. */
#include <signal.h>
#include <unistd.h>

#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/list.h"
#include "cmd/signals.h"
#include "common/util.h"
#include "unit.h"

static const struct flag_def defs[] = {
    {"bundle", "b", FLAG_STRING, "bundle"},
    {"detach", "d", FLAG_BOOL, "detach"},
    {"no-subreaper", NULL, FLAG_BOOL, "no subreaper"},
    {"preserve-fds", NULL, FLAG_INT, "fds"},
    {"env", "e", FLAG_LIST, "env"},
};

/* Parses a NULL-terminated argv literal. */
#define PARSE(pa, in_order, ...)                                                                   \
	({                                                                                         \
		char *_v[] = {__VA_ARGS__, NULL};                                                  \
		args_parse(defs, ARRAY_SIZE(defs), (int)ARRAY_SIZE(_v) - 1, _v, in_order, pa);     \
	})

static void test_value_forms(void)
{
	struct parsed_args pa;
	CHECK_OK(PARSE(&pa, false, "--bundle", "/b1", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "/b1");
	CHECK(pa.n_pos == 1);
	CHECK_STR(pa.pos[0], "id");
	args_free(&pa);

	CHECK_OK(PARSE(&pa, false, "--bundle=/b2", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "/b2");
	args_free(&pa);

	CHECK_OK(PARSE(&pa, false, "-bundle", "/b3", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "/b3");
	args_free(&pa);

	CHECK_OK(PARSE(&pa, false, "-b", "/b4", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "/b4");
	args_free(&pa);

	CHECK_OK(PARSE(&pa, false, "-b=/b5", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "/b5");
	args_free(&pa);

	/* A value may itself start with a dash or be empty. */
	CHECK_OK(PARSE(&pa, false, "--bundle", "-weird", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "-weird");
	args_free(&pa);
	CHECK_OK(PARSE(&pa, false, "--bundle=", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "");
	CHECK(args_get(&pa, "bundle")->set);
	args_free(&pa);

	/* The last one wins. */
	CHECK_OK(PARSE(&pa, false, "-b", "x", "--bundle", "y", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "y");
	args_free(&pa);
}

static void test_bool_forms(void)
{
	struct parsed_args pa;
	CHECK_OK(PARSE(&pa, false, "-d", "id"));
	CHECK(args_bool(&pa, "detach"));
	CHECK(!args_bool(&pa, "no-subreaper"));
	args_free(&pa);

	CHECK_OK(PARSE(&pa, false, "--detach=false", "-no-subreaper", "id"));
	CHECK(!args_bool(&pa, "detach"));
	CHECK(args_get(&pa, "detach")->set);
	CHECK(args_bool(&pa, "no-subreaper"));
	args_free(&pa);

	const char *yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	const char *no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		char a[32], b[32];
		snprintf(a, sizeof(a), "--detach=%s", yes[i]);
		snprintf(b, sizeof(b), "-no-subreaper=%s", no[i]);
		CHECK_OK(PARSE(&pa, false, a, b));
		CHECK(args_bool(&pa, "detach"));
		CHECK(!args_bool(&pa, "no-subreaper"));
		args_free(&pa);
	}

	/* A bool never takes the next argument: "false" is positional. */
	CHECK_OK(PARSE(&pa, false, "--detach", "false", "id"));
	CHECK(args_bool(&pa, "detach"));
	CHECK(pa.n_pos == 2);
	args_free(&pa);

	CHECK_ERR(PARSE(&pa, false, "-d=yes", "id"),
		  "invalid boolean value \"yes\" for -d: parse error");
	CHECK(pa.pos == NULL && pa.vals == NULL);
}

static void test_int_and_list(void)
{
	struct parsed_args pa;
	CHECK_OK(PARSE(&pa, false, "--preserve-fds", "3", "id"));
	CHECK(args_int(&pa, "preserve-fds") == 3);
	args_free(&pa);
	CHECK_OK(PARSE(&pa, false, "--preserve-fds=0x10", "id"));
	CHECK(args_int(&pa, "preserve-fds") == 16);
	args_free(&pa);
	CHECK_ERR(PARSE(&pa, false, "--preserve-fds", "x", "id"),
		  "invalid value \"x\" for flag -preserve-fds: parse error");
	CHECK_ERR(PARSE(&pa, false, "--preserve-fds=", "id"),
		  "invalid value \"\" for flag -preserve-fds: parse error");

	CHECK_OK(PARSE(&pa, false, "--env", "A=1", "id", "-e", "B=2", "--env=C=3"));
	const struct flag_val *v = args_get(&pa, "env");
	CHECK(v->n_list == 3);
	CHECK_STR(v->list[0], "A=1");
	CHECK_STR(v->list[1], "B=2");
	CHECK_STR(v->list[2], "C=3");
	CHECK(v->list[3] == NULL);
	CHECK(pa.n_pos == 1);
	args_free(&pa);
}

/* urfave v1 moves known flags in front of the positional arguments. */
static void test_flags_after_positionals(void)
{
	struct parsed_args pa;
	CHECK_OK(PARSE(&pa, false, "id", "--bundle", "/b", "-d"));
	CHECK_STR(args_str(&pa, "bundle"), "/b");
	CHECK(args_bool(&pa, "detach"));
	CHECK(pa.n_pos == 1);
	CHECK_STR(pa.pos[0], "id");
	args_free(&pa);

	/* kill ID SIG --all and kill -a ID SIG */
	CHECK_OK(PARSE(&pa, false, "-d", "id", "9"));
	CHECK(args_bool(&pa, "detach"));
	CHECK(pa.n_pos == 2);
	CHECK_STR(pa.pos[0], "id");
	CHECK_STR(pa.pos[1], "9");
	args_free(&pa);
	CHECK_OK(PARSE(&pa, false, "id", "9", "--detach"));
	CHECK(args_bool(&pa, "detach"));
	CHECK(pa.n_pos == 2);
	CHECK_STR(pa.pos[1], "9");
	args_free(&pa);

	/* An unknown flag after a positional argument is positional (runc then says
	 * "requires exactly 1 argument(s)"); before it, it is an error. */
	CHECK_OK(PARSE(&pa, false, "id", "--foo"));
	CHECK(pa.n_pos == 2);
	CHECK_STR(pa.pos[1], "--foo");
	args_free(&pa);
	CHECK_ERR(PARSE(&pa, false, "--foo", "id"), "flag provided but not defined: -foo");

	/* urfave reorders "x --bundle" into "--bundle x": runc then complains about
	 * the argument count, not the missing value. */
	CHECK_OK(PARSE(&pa, false, "id", "--bundle"));
	CHECK_STR(args_str(&pa, "bundle"), "id");
	CHECK(pa.n_pos == 0);
	args_free(&pa);

	/* A single dash is an argument. */
	CHECK_OK(PARSE(&pa, false, "-", "-d"));
	CHECK(pa.n_pos == 1);
	CHECK_STR(pa.pos[0], "-");
	args_free(&pa);
}

static void test_double_dash(void)
{
	struct parsed_args pa;
	CHECK_OK(PARSE(&pa, false, "-d=true", "--", "id", "-b", "x"));
	CHECK(args_bool(&pa, "detach"));
	CHECK(args_str(&pa, "bundle") == NULL);
	CHECK(pa.n_pos == 3);
	CHECK_STR(pa.pos[0], "id");
	CHECK_STR(pa.pos[1], "-b");
	args_free(&pa);

	/* urfave moves `--` to the front of the tail: "id -- -f" leaves id and -f. */
	CHECK_OK(PARSE(&pa, false, "id", "--", "-d"));
	CHECK(!args_bool(&pa, "detach"));
	CHECK(pa.n_pos == 2);
	CHECK_STR(pa.pos[0], "id");
	CHECK_STR(pa.pos[1], "-d");
	args_free(&pa);

	/* `--` right after a value flag is its value. */
	CHECK_OK(PARSE(&pa, true, "--bundle", "--", "id"));
	CHECK_STR(args_str(&pa, "bundle"), "--");
	CHECK(pa.n_pos == 1);
	args_free(&pa);
}

static void test_errors(void)
{
	struct parsed_args pa;
	CHECK_ERR(PARSE(&pa, false, "-foo", "id"), "flag provided but not defined: -foo");
	CHECK_ERR(PARSE(&pa, false, "--foo=bar"), "flag provided but not defined: -foo");
	CHECK_ERR(PARSE(&pa, false, "-bd"), "flag provided but not defined: -bd");
	CHECK_ERR(PARSE(&pa, false, "--bundle"), "flag needs an argument: -bundle");
	CHECK_ERR(PARSE(&pa, false, "-b"), "flag needs an argument: -b");
	CHECK_ERR(PARSE(&pa, false, "---bundle", "x"), "bad flag syntax: ---bundle");
	CHECK_ERR(PARSE(&pa, false, "x", "---bundle"), "bad flag syntax: ---bundle");
	CHECK_ERR(PARSE(&pa, false, "-=x"), "bad flag syntax: -=x");
}

static void test_help_and_in_order(void)
{
	struct parsed_args pa;
	CHECK_OK(PARSE(&pa, false, "id", "--help"));
	CHECK(pa.help);
	args_free(&pa);
	CHECK_OK(PARSE(&pa, false, "-h"));
	CHECK(pa.help);
	args_free(&pa);

	/* Global flags stop at the command name; its flags are left alone. */
	CHECK_OK(PARSE(&pa, true, "-d", "create", "--foo", "-b", "x"));
	CHECK(args_bool(&pa, "detach"));
	CHECK(args_str(&pa, "bundle") == NULL);
	CHECK(pa.n_pos == 4);
	CHECK_STR(pa.pos[0], "create");
	CHECK_STR(pa.pos[1], "--foo");
	args_free(&pa);

	CHECK_OK(PARSE(&pa, true, "list"));
	CHECK(pa.n_pos == 1);
	args_free(&pa);

	char *none[] = {NULL};
	CHECK_OK(args_parse(defs, ARRAY_SIZE(defs), 0, none, false, &pa));
	CHECK(pa.n_pos == 0 && pa.pos && pa.pos[0] == NULL);
	args_free(&pa);
}

static void test_signals(void)
{
	int sig = -1;
	CHECK_OK(signal_parse("9", &sig));
	CHECK(sig == 9);
	CHECK_OK(signal_parse("KILL", &sig));
	CHECK(sig == SIGKILL);
	CHECK_OK(signal_parse("SIGKILL", &sig));
	CHECK(sig == SIGKILL);
	CHECK_OK(signal_parse("sigterm", &sig));
	CHECK(sig == SIGTERM);
	CHECK_OK(signal_parse("usr1", &sig));
	CHECK(sig == SIGUSR1);
	CHECK_OK(signal_parse("sIgWiNcH", &sig));
	CHECK(sig == SIGWINCH);
	CHECK_OK(signal_parse("STKFLT", &sig));
	CHECK(sig == SIGSTKFLT);
	CHECK_OK(signal_parse("PWR", &sig));
	CHECK(sig == SIGPWR);
	CHECK_OK(signal_parse("SYS", &sig));
	CHECK(sig == SIGSYS);
	/* Numbers are passed through for the kernel to judge, as runc does. */
	CHECK_OK(signal_parse("0", &sig));
	CHECK(sig == 0);
	CHECK_OK(signal_parse("99", &sig));
	CHECK(sig == 99);
	CHECK_OK(signal_parse("+9", &sig));
	CHECK(sig == 9);
	CHECK_OK(signal_parse("-9", &sig));
	CHECK(sig == -9);

	CHECK_ERR(signal_parse("FOO", &sig), "unknown signal \"FOO\"");
	CHECK_ERR(signal_parse("", &sig), "unknown signal \"\"");
	CHECK_ERR(signal_parse("SIG", &sig), "unknown signal \"SIG\"");
	CHECK_ERR(signal_parse(" 9", &sig), "unknown signal \" 9\"");
	CHECK_ERR(signal_parse("1.5", &sig), "unknown signal \"1.5\"");
	CHECK_ERR(signal_parse("99999999999", &sig), "unknown signal \"99999999999\"");
	/* runc 1.1 (x/sys/unix SignalNum) knows none of these aliases. */
	CHECK_ERR(signal_parse("RTMIN+3", &sig), "unknown signal \"RTMIN+3\"");
	CHECK_ERR(signal_parse("SIGRTMIN", &sig), "unknown signal \"SIGRTMIN\"");
	CHECK_ERR(signal_parse("IOT", &sig), "unknown signal \"IOT\"");
	CHECK_ERR(signal_parse("CLD", &sig), "unknown signal \"CLD\"");

	CHECK_STR(signal_name(SIGKILL), "SIGKILL");
	CHECK_STR(signal_name(SIGSYS), "SIGSYS");
	CHECK(signal_name(64) == NULL);
	/* Every standard signal round-trips through its name. */
	for (int s = 1; s < 32; s++) {
		int back = -1;
		const char *n = signal_name(s);
		CHECK(n != NULL);
		if (n) {
			CHECK_OK(signal_parse(n, &back));
			CHECK(back == s);
		}
	}
}

/* Random argvs from a token pool: every parse either fails leaving nothing
 * allocated or returns at most argc positionals (ASan watches the memory). */
static void test_random_argv(void)
{
	static const char *const pool[] = {
	    "id",
	    "--",
	    "-",
	    "-d",
	    "--detach=false",
	    "-b",
	    "--bundle=x",
	    "--foo",
	    "-e",
	    "A=1",
	    "--env=B",
	    "-preserve-fds",
	    "7",
	    "---x",
	    "-h",
	    "",
	    "-=",
	    "--no-subreaper",
	    "9",
	    "-bd",
	    "--preserve-fds=0x1f",
	};
	unsigned int seed = 12345;
	for (int iter = 0; iter < 5000; iter++) {
		char *argv[9];
		int argc = (int)(rand_r(&seed) % 9);
		for (int i = 0; i < argc; i++)
			argv[i] = (char *)pool[rand_r(&seed) % ARRAY_SIZE(pool)];
		for (int in_order = 0; in_order < 2; in_order++) {
			struct parsed_args pa;
			error *e = args_parse(defs, ARRAY_SIZE(defs), argc, argv, in_order, &pa);
			if (e) {
				CHECK(pa.vals == NULL && pa.pos == NULL);
				err_free(e);
				continue;
			}
			CHECK(pa.n_pos <= (size_t)argc);
			CHECK(pa.pos[pa.n_pos] == NULL);
			args_free(&pa);
		}
	}
}

static const struct command dummy = {
    .name = "kill", .check = ARGS_MIN_MAX, .min_args = 1, .max_args = 2};
static const struct command dummy_exact = {.name = "create", .check = ARGS_EXACT, .min_args = 1};

static void test_arg_counts(void)
{
	CHECK_OK(cmd_check_args(&dummy, 1));
	CHECK_OK(cmd_check_args(&dummy, 2));
	CHECK_ERR(cmd_check_args(&dummy, 0),
		  "isorun: \"kill\" requires a minimum of 1 argument(s)");
	CHECK_ERR(cmd_check_args(&dummy, 3),
		  "isorun: \"kill\" requires a maximum of 2 argument(s)");
	CHECK_OK(cmd_check_args(&dummy_exact, 1));
	CHECK_ERR(cmd_check_args(&dummy_exact, 2),
		  "isorun: \"create\" requires exactly 1 argument(s)");
}

static void test_container_id(void)
{
	struct parsed_args pa;
	const char *id = NULL;
	CHECK_OK(PARSE(&pa, false, "my_ctr-1.2+x"));
	CHECK_OK(cmd_container_id(&pa, &id));
	CHECK_STR(id, "my_ctr-1.2+x");
	args_free(&pa);
	/* runc's class [\w+-\.] holds the range '+'..'.': a comma is valid. */
	CHECK_OK(PARSE(&pa, false, "a,b"));
	CHECK_OK(cmd_container_id(&pa, &id));
	CHECK_STR(id, "a,b");
	args_free(&pa);
	const char *bad[] = {"../x", ".", "..", "a/b", "a b", "ä"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *v[] = {(char *)bad[i], NULL};
		CHECK_OK(args_parse(defs, ARRAY_SIZE(defs), 1, v, false, &pa));
		CHECK_ERR(cmd_container_id(&pa, &id), "invalid container ID format");
		args_free(&pa);
	}
	CHECK_OK(PARSE(&pa, false, ""));
	CHECK_ERR(cmd_container_id(&pa, &id), "container id cannot be empty");
	args_free(&pa);
}

static void test_abs_path(void)
{
	char *p;
	CHECK_STR(p = cmd_abs_path("/a/./b//c/../d/"), "/a/b/d");
	free(p);
	CHECK_STR(p = cmd_abs_path("/../.."), "/");
	free(p);
	CHECK_STR(p = cmd_abs_path("/"), "/");
	free(p);
	char *cwd = getcwd(NULL, 0);
	char *want = str_printf("%s/x/y", strcmp(cwd, "/") ? cwd : "");
	CHECK_STR(p = cmd_abs_path("x/./y"), want);
	free(p);
	free(want);
	free(cwd);
}

/* Byte for byte what runc 1.1.5 printed for the same two containers. */
static void test_list_table(void)
{
	struct container_info cs[2] = {
	    {.id = "c1",
	     .pid = 6676,
	     .status = CONTAINER_CREATED,
	     .bundle = "/tmp/rbundle",
	     .created = "2026-11-24T00:16:17.650070885Z",
	     .owner = "root"},
	    {.id = "c2",
	     .pid = 6691,
	     .status = CONTAINER_RUNNING,
	     .bundle = "/tmp/rbundle",
	     .created = "2026-11-24T00:16:17.697322424Z",
	     .owner = "root"},
	};
	char *t = list_format_table(cs, 2);
	CHECK_STR(t,
		  "ID          PID         STATUS      BUNDLE         CREATED                    "
		  "      OWNER\n"
		  "c1          6676        created     /tmp/rbundle   "
		  "2026-11-24T00:16:17.650070885Z   root\n"
		  "c2          6691        running     /tmp/rbundle   "
		  "2026-11-24T00:16:17.697322424Z   root\n");
	free(t);
	t = list_format_table(NULL, 0);
	CHECK_STR(t, "ID          PID         STATUS      BUNDLE      CREATED     OWNER\n");
	free(t);
}

int main(void)
{
	RUN_TEST(test_value_forms);
	RUN_TEST(test_bool_forms);
	RUN_TEST(test_int_and_list);
	RUN_TEST(test_flags_after_positionals);
	RUN_TEST(test_double_dash);
	RUN_TEST(test_errors);
	RUN_TEST(test_help_and_in_order);
	RUN_TEST(test_random_argv);
	RUN_TEST(test_signals);
	RUN_TEST(test_arg_counts);
	RUN_TEST(test_container_id);
	RUN_TEST(test_abs_path);
	RUN_TEST(test_list_table);
	UNIT_MAIN_END();
}
