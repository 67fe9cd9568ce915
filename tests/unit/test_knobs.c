/* spec/knobs.c: the `isorun spec` knob flags and the config they produce. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/config.h"
#include "spec/knobs.h"
#include "spec/state_json.h"
#include "tests/unit/unit.h"

static void test_share(void)
{
	unsigned s = 0;
	CHECK_OK(knobs_parse_share("pid,net", &s));
	CHECK(s == (KNOB_NS_PID | KNOB_NS_NET));
	CHECK_OK(knobs_parse_share("network,ipc,uts,cgroup", &s));
	CHECK(s == (KNOB_NS_PID | KNOB_NS_NET | KNOB_NS_IPC | KNOB_NS_UTS | KNOB_NS_CGROUP));
	s = 0;
	CHECK_ERR(knobs_parse_share("mount", &s),
		  "--share mount: refused: the container's rootfs is set up with pivot_root in "
		  "its own mount namespace");
	CHECK_ERR(knobs_parse_share("pid,bogus", &s),
		  "--share bogus: unknown namespace (want pid, net, ipc, uts, cgroup)");
}

static void test_size(void)
{
	int64_t v = 0;
	CHECK_OK(knobs_parse_size("64M", &v));
	CHECK(v == 64 << 20);
	CHECK_OK(knobs_parse_size("512k", &v));
	CHECK(v == 512 << 10);
	CHECK_OK(knobs_parse_size("1G", &v));
	CHECK(v == 1LL << 30);
	CHECK_OK(knobs_parse_size("2MiB", &v));
	CHECK(v == 2 << 20);
	CHECK_OK(knobs_parse_size("4096", &v));
	CHECK(v == 4096);
	CHECK_ERR(knobs_parse_size("64X", &v), "invalid size \"64X\" (want e.g. 64M, 512K, 1G)");
	CHECK_ERR(knobs_parse_size("-1", &v), "invalid size \"-1\" (want e.g. 64M, 512K, 1G)");
	CHECK_ERR(knobs_parse_size("0", &v), "invalid size \"0\": must be above 0");
	CHECK_ERR(knobs_parse_size("99999999999T", &v),
		  "invalid size \"99999999999T\": out of range");
}

static void test_cpus(void)
{
	int64_t q = 0;
	uint64_t p = 0;
	CHECK_OK(knobs_parse_cpus("0.5", &q, &p));
	CHECK(q == 50000 && p == 100000);
	CHECK_OK(knobs_parse_cpus("1", &q, &p));
	CHECK(q == 100000);
	CHECK_OK(knobs_parse_cpus("1.25", &q, &p));
	CHECK(q == 125000);
	CHECK_OK(knobs_parse_cpus(".1", &q, &p));
	CHECK(q == 10000);
	CHECK_ERR(knobs_parse_cpus("half", &q, &p),
		  "--cpus half: want a decimal number of CPUs, e.g. 0.5");
	CHECK_ERR(knobs_parse_cpus("0.001", &q, &p),
		  "--cpus 0.001: below the kernel's minimum quota (0.01)");
	CHECK_OK(knobs_check_cpuset("0-1,3"));
	CHECK_ERR(knobs_check_cpuset("all"), "--cpuset all: want a list like 0 or 0-1 or 0,2");
}

static void test_split(void)
{
	_cleanup_strv_ char **v = NULL;
	CHECK_OK(knobs_split_args("sh -c 'echo \"a  b\"; exit 3'  x\\ y \"q\\\"z\"", &v));
	CHECK(v && strv_len(v) == 5);
	if (v && strv_len(v) == 5) {
		CHECK_STR(v[0], "sh");
		CHECK_STR(v[1], "-c");
		CHECK_STR(v[2], "echo \"a  b\"; exit 3");
		CHECK_STR(v[3], "x y");
		CHECK_STR(v[4], "q\"z");
	}
	char **bad = NULL;
	CHECK_ERR(knobs_split_args("sh -c 'oops", &bad), "--args: unterminated ' quote");
	CHECK_ERR(knobs_split_args("   ", &bad), "--args: empty command");
	CHECK(!bad);
}

static void test_caps(void)
{
	struct spec_knobs k;
	knobs_init(&k);
	const char *add[] = {"net_admin", "CAP_SYS_TIME", NULL};
	const char *drop[] = {"KILL", "sys_time", NULL};
	CHECK_OK(knobs_set_caps(&k, add, drop));
	CHECK(k.caps && strv_len(k.caps) == 3);
	CHECK(k.caps && strv_contains(k.caps, "CAP_NET_ADMIN"));
	CHECK(k.caps && !strv_contains(k.caps, "CAP_KILL"));
	CHECK(k.caps && !strv_contains(k.caps, "CAP_SYS_TIME")); /* drop wins */
	const char *badadd[] = {"CAP_FLY", NULL};
	CHECK_ERR(knobs_set_caps(&k, badadd, NULL), "--cap-add: unknown capability \"CAP_FLY\"");
	knobs_free(&k);
}

/* The generated document parses with isorun's own config parser and has
 * each knob where runc reads it. */
static void test_document(void)
{
	struct spec_knobs k;
	knobs_init(&k);
	CHECK_OK(knobs_parse_share("net,uts", &k.share));
	k.memory = 64 << 20;
	k.pids = 32;
	CHECK_OK(knobs_parse_cpus("0.5", &k.cpu_quota, &k.cpu_period));
	k.readonly = 0;
	k.userns = true;
	CHECK_OK(knobs_set_seccomp(&k, "default"));
	CHECK_OK(knobs_split_args("echo hi", &k.args));
	_cleanup_free_ char *json = spec_default_json_knobs(false, &k);
	CHECK(json != NULL);
	struct oci_config *cfg = NULL;
	CHECK_OK(spec_parse(json, strlen(json), "config.json", &cfg));
	if (cfg) {
		CHECK(!cfg->process.terminal);
		CHECK_STR(cfg->process.args[0], "echo");
		CHECK(!cfg->root.readonly);
		CHECK(cfg->hostname == NULL); /* shared uts: no hostname */
		CHECK(cfg->linux_.resources.memory.limit.value == 64 << 20);
		CHECK(cfg->linux_.resources.pids_limit == 32);
		CHECK(cfg->linux_.resources.cpu.quota.value == 50000);
		bool net = false, user = false;
		for (size_t i = 0; i < cfg->linux_.n_namespaces; i++) {
			net |= cfg->linux_.namespaces[i].type == OCI_NS_NETWORK;
			user |= cfg->linux_.namespaces[i].type == OCI_NS_USER;
		}
		CHECK(!net && user);
		CHECK(cfg->linux_.n_uid_mappings == 1 &&
		      cfg->linux_.uid_mappings[0].host_id == KNOB_USERNS_HOST_ID);
		CHECK(cfg->linux_.seccomp.n_syscalls == 1);
		spec_free(cfg);
	}
	knobs_free(&k);
	/* No knobs: exactly the default. */
	_cleanup_free_ char *plain = spec_default_json(false);
	struct spec_knobs none;
	knobs_init(&none);
	_cleanup_free_ char *same = spec_default_json_knobs(false, &none);
	CHECK(plain && same && !strcmp(plain, same));
	CHECK_ERR(
	    knobs_validate(&(struct spec_knobs){.hostname = "h", .share = KNOB_NS_UTS}, false),
	    "--hostname needs a private UTS namespace: not with --share uts");
}

int main(void)
{
	RUN_TEST(test_share);
	RUN_TEST(test_size);
	RUN_TEST(test_cpus);
	RUN_TEST(test_split);
	RUN_TEST(test_caps);
	RUN_TEST(test_document);
	UNIT_MAIN_END();
}
