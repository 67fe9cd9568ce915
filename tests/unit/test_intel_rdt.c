/* runtime/intel_rdt.c against a fake resctrl tree in a temp dir: the plan a
 * config gives, what applying it writes, and what undo and delete remove. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/intel_rdt.h"
#include "tests/unit/unit.h"

static char root[] = "/tmp/isorun-rdt-XXXXXX";

/* system() on a command built with printf. */
static int sh(char *cmd)
{
	int rc = cmd ? system(cmd) : -1;
	free(cmd);
	return rc;
}

static void put(const char *rel, const char *text)
{
	_cleanup_free_ char *p = str_printf("%s/%s", root, rel);
	CHECK_OK(write_file(p, text, strlen(text)));
}

static char *get(const char *rel)
{
	_cleanup_free_ char *p = str_printf("%s/%s", root, rel);
	char *text = NULL;
	size_t len = 0;
	error *e = read_file(p, &text, &len);
	err_free(e);
	return text;
}

static bool exists(const char *rel)
{
	_cleanup_free_ char *p = str_printf("%s/%s", root, rel);
	struct stat st;
	return stat(p, &st) == 0;
}

/* A mounted resctrl: the root group's files, and monitoring when asked. */
static void fake_tree(bool monitoring)
{
	CHECK(sh(str_printf("rm -rf %s/* && mkdir -p %s/info/L3 %s/info/MB", root, root, root)) ==
	      0);
	put("schemata", "L3:0=fff;1=fff\nMB:0=100;1=100\n");
	put("tasks", "1\n");
	if (monitoring) {
		_cleanup_free_ char *m = str_printf("%s/mon_groups", root);
		CHECK(mkdir(m, 0755) == 0);
	}
}

static void test_no_resctrl_names_the_field(void)
{
	struct oci_intel_rdt r = {.set = true, .l3_cache_schema = "L3:0=f"};
	struct rdt_plan p;
	CHECK_ERR(rdt_plan_build(&r, "c1", "/nonexistent/resctrl", &p),
		  "linux.intelRdt: Intel RDT is not available on this host (no resctrl filesystem "
		  "at /nonexistent/resctrl)");
	CHECK(sh(str_printf("rm -rf %s/*", root)) == 0);
	_cleanup_free_ char *want = str_printf("linux.intelRdt: Intel RDT is not available on this "
					       "host (resctrl is not mounted at %s)",
					       root);
	CHECK_ERR(rdt_plan_build(&r, "c1", root, &p), want);
}

static void test_new_group_plan_apply_undo(void)
{
	fake_tree(false);
	struct oci_intel_rdt r = {
	    .set = true, .l3_cache_schema = "L3:0=f;1=f", .mem_bw_schema = "MB:0=50"};
	struct rdt_plan p;
	CHECK_OK(rdt_plan_build(&r, "c1", root, &p));
	CHECK(p.n == 3);
	CHECK(p.group_created);
	CHECK(p.mon_group == NULL);
	if (p.n == 3) {
		CHECK(p.ops[0].kind == RDT_MKDIR);
		CHECK_STR(p.ops[0].path, "c1");
		CHECK(p.ops[1].kind == RDT_WRITE);
		CHECK_STR(p.ops[1].path, "c1/schemata");
		CHECK_STR(p.ops[1].data, "L3:0=f;1=f\nMB:0=50\n");
		CHECK(p.ops[2].kind == RDT_ADD_TASK);
		CHECK_STR(p.ops[2].path, "c1/tasks");
	}
	CHECK_OK(rdt_plan_apply(&p, root, 4242));
	_cleanup_free_ char *s = get("c1/schemata"), *t = get("c1/tasks");
	CHECK_STR(s, "L3:0=f;1=f\nMB:0=50\n");
	CHECK_STR(t, "4242");
	CHECK_OK(rdt_plan_undo(&p, root));
	CHECK(!exists("c1"));
	CHECK(exists("schemata")); /* the root group is never touched */
	rdt_plan_free(&p);
}

/* runtime-spec 1.3: schemata lines come last, so that they override the
 * l3CacheSchema and memBwSchema lines for the same resource. */
static void test_schemata_overrides_l3_and_mb(void)
{
	fake_tree(false);
	char *lines[] = {"L3:0=3", "MB:0=20", "L2:0=1", NULL};
	struct oci_intel_rdt r = {.set = true,
				  .l3_cache_schema = "L3:0=f",
				  .mem_bw_schema = "MB:0=50",
				  .schemata = lines};
	struct rdt_plan p;
	CHECK_OK(rdt_plan_build(&r, "c2", root, &p));
	CHECK(p.n == 3);
	if (p.n == 3)
		CHECK_STR(p.ops[1].data, "L3:0=f\nMB:0=50\nL3:0=3\nMB:0=20\nL2:0=1\n");
	rdt_plan_free(&p);
	/* schemata alone */
	struct oci_intel_rdt only = {.set = true, .schemata = lines};
	CHECK_OK(rdt_plan_build(&only, "c2", root, &p));
	if (p.n == 3)
		CHECK_STR(p.ops[1].data, "L3:0=3\nMB:0=20\nL2:0=1\n");
	rdt_plan_free(&p);
}

static void test_preexisting_clos_is_joined_and_kept(void)
{
	fake_tree(false);
	_cleanup_free_ char *g = str_printf("%s/gold", root);
	CHECK(mkdir(g, 0755) == 0);
	put("gold/schemata", "    L3:0=00f;1=0ff\n    MB:0= 50;1=100\n");
	struct oci_intel_rdt r = {.set = true, .clos_id = "gold"};
	struct rdt_plan p;
	CHECK_OK(rdt_plan_build(&r, "c3", root, &p));
	CHECK(!p.group_created);
	CHECK(p.n == 1 && p.ops[0].kind == RDT_ADD_TASK);
	CHECK_OK(rdt_plan_apply(&p, root, 7));
	_cleanup_free_ char *t = get("gold/tasks");
	CHECK_STR(t, "7");
	CHECK_OK(rdt_plan_undo(&p, root));
	CHECK(exists("gold")); /* shared: never removed */
	rdt_plan_free(&p);

	/* a schema given for an existing group must match what it has */
	struct oci_intel_rdt same = {.set = true, .clos_id = "gold", .l3_cache_schema = "L3:0=f"};
	CHECK_OK(rdt_plan_build(&same, "c3", root, &p));
	CHECK(p.n == 2 && p.ops[0].kind == RDT_CHECK);
	CHECK_OK(rdt_plan_apply(&p, root, 7));
	rdt_plan_free(&p);
	struct oci_intel_rdt other = {.set = true, .clos_id = "gold", .mem_bw_schema = "MB:1=70"};
	CHECK_OK(rdt_plan_build(&other, "c3", root, &p));
	CHECK_ERR(rdt_plan_apply(&p, root, 7), "linux.intelRdt.closID: the existing group's "
					       "gold/schemata does not match \"MB:1=70\"");
	CHECK(exists("gold"));
	rdt_plan_free(&p);
}

static void test_missing_clos_without_schema_refused(void)
{
	fake_tree(false);
	struct oci_intel_rdt r = {.set = true, .clos_id = "silver"};
	struct rdt_plan p;
	CHECK_ERR(
	    rdt_plan_build(&r, "c4", root, &p),
	    "linux.intelRdt.closID: resctrl group \"silver\" does not exist (and no schema is "
	    "given to create it)");
	/* with a schema it is made, and removed again */
	struct oci_intel_rdt mk = {.set = true, .clos_id = "silver", .l3_cache_schema = "L3:0=1"};
	CHECK_OK(rdt_plan_build(&mk, "c4", root, &p));
	CHECK(p.group_created);
	CHECK_OK(rdt_plan_apply(&p, root, 9));
	CHECK(exists("silver/schemata"));
	CHECK_OK(rdt_plan_undo(&p, root));
	CHECK(!exists("silver"));
	rdt_plan_free(&p);
}

static void test_group_named_by_id_must_be_new(void)
{
	fake_tree(false);
	_cleanup_free_ char *g = str_printf("%s/c5", root);
	CHECK(mkdir(g, 0755) == 0);
	struct oci_intel_rdt r = {.set = true, .l3_cache_schema = "L3:0=1"};
	struct rdt_plan p;
	CHECK_ERR(rdt_plan_build(&r, "c5", root, &p),
		  "linux.intelRdt: resctrl group \"c5\" already exists");
}

static void test_monitoring_group(void)
{
	fake_tree(false);
	struct oci_intel_rdt r = {.set = true, .enable_monitoring = true};
	struct rdt_plan p;
	_cleanup_free_ char *want = str_printf("linux.intelRdt.enableMonitoring: this host's "
					       "resctrl has no monitoring (no %s/mon_groups)",
					       root);
	CHECK_ERR(rdt_plan_build(&r, "c6", root, &p), want);

	fake_tree(true);
	CHECK_OK(rdt_plan_build(&r, "c6", root, &p));
	CHECK_STR(p.mon_group, "c6/mon_groups/c6");
	CHECK(p.n == 4);
	if (p.n == 4) {
		CHECK(p.ops[0].kind == RDT_MKDIR); /* no schema: the group alone */
		CHECK(p.ops[1].kind == RDT_ADD_TASK);
		CHECK(p.ops[2].kind == RDT_MKDIR);
		CHECK_STR(p.ops[2].path, "c6/mon_groups/c6");
		CHECK_STR(p.ops[3].path, "c6/mon_groups/c6/tasks");
	}
	CHECK_OK(rdt_plan_apply(&p, root, 11));
	_cleanup_free_ char *t = get("c6/mon_groups/c6/tasks");
	CHECK_STR(t, "11");

	/* delete reads what create recorded in the state dir */
	char state[] = "/tmp/isorun-rdt-state-XXXXXX";
	CHECK(mkdtemp(state) != NULL);
	_cleanup_close_ int sfd = open(state, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK_OK(rdt_record(sfd, &p));
	CHECK_OK(rdt_remove_recorded(sfd, root));
	CHECK(!exists("c6"));
	CHECK_OK(rdt_remove_recorded(sfd, root)); /* twice: nothing left, no error */
	rdt_plan_free(&p);
	CHECK(sh(str_printf("rm -rf %s", state)) == 0);
}

static void test_update_schemas(void)
{
	fake_tree(false);
	CHECK_ERR(rdt_update(NULL, "c7", "/nonexistent", "L3:0=1", NULL),
		  "Intel RDT/CAT: l3 cache schema is not enabled");
	CHECK_ERR(rdt_update(NULL, "c7", "/nonexistent", NULL, "MB:0=1"),
		  "Intel RDT/MBA: memory bandwidth schema is not enabled");
	struct oci_intel_rdt none = {0};
	CHECK_ERR(rdt_update(&none, "c7", root, "L3:0=1", NULL),
		  "updating a non-existent Intel RDT configuration is not supported");
	_cleanup_free_ char *g = str_printf("%s/c7", root);
	CHECK(mkdir(g, 0755) == 0);
	struct oci_intel_rdt r = {.set = true, .l3_cache_schema = "L3:0=f"};
	CHECK_OK(rdt_update(&r, "c7", root, "L3:0=3", "MB:0=30"));
	_cleanup_free_ char *s = get("c7/schemata");
	CHECK_STR(s, "L3:0=3\nMB:0=30\n");
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	RUN_TEST(test_no_resctrl_names_the_field);
	RUN_TEST(test_new_group_plan_apply_undo);
	RUN_TEST(test_schemata_overrides_l3_and_mb);
	RUN_TEST(test_preexisting_clos_is_joined_and_kept);
	RUN_TEST(test_missing_clos_without_schema_refused);
	RUN_TEST(test_group_named_by_id_must_be_new);
	RUN_TEST(test_monitoring_group);
	RUN_TEST(test_update_schemas);
	CHECK(sh(str_printf("rm -rf %s", root)) == 0);
	UNIT_MAIN_END();
}
