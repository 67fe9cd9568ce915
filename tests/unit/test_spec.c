/* spec/: config.json parsing, validation messages, spec_load, default spec. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "spec/config.h"
#include "spec/state_json.h"
#include "tests/unit/unit.h"

#define FIXTURE_DIR "tests/unit/data/spec"

static struct oci_config *parse_ok(const char *json)
{
	struct oci_config *c = NULL;
	error *e = spec_parse(json, strlen(json), "config.json", &c);
	CHECK_OK(e);
	return c;
}

/* Parses {"ociVersion":"1.2.0",<fragment>} and returns the error. */
static error *parse_fragment(const char *fragment)
{
	_cleanup_free_ char *json = str_printf("{\"ociVersion\":\"1.2.0\",%s}", fragment);
	struct oci_config *c = NULL;
	error *e = spec_parse(json, strlen(json), "config.json", &c);
	if (!e)
		spec_free(c);
	return e;
}

static error *parse_text(const char *json)
{
	struct oci_config *c = NULL;
	error *e = spec_parse(json, strlen(json), "config.json", &c);
	if (!e)
		spec_free(c);
	return e;
}

static void test_default_spec_round_trip(void)
{
	for (int rootless = 0; rootless <= 1; rootless++) {
		_cleanup_free_ char *json = spec_default_json(rootless);
		CHECK(json != NULL);
		if (!json)
			return;
		struct oci_config *c = parse_ok(json);
		if (!c)
			continue;
		CHECK_STR(c->oci_version, "1.3.0");
		CHECK_STR(c->root.path, "rootfs");
		CHECK(c->root.readonly);
		CHECK(c->root.absolute_path == NULL);
		CHECK_STR(c->hostname, "runc");
		CHECK(c->has_process);
		CHECK(c->process.terminal);
		CHECK_STR(c->process.args[0], "sh");
		CHECK(c->process.args[1] == NULL);
		CHECK_STR(spec_env_get(c->process.env, "TERM"), "xterm");
		CHECK_STR(c->process.cwd, "/");
		CHECK(c->process.has_capabilities);
		CHECK(strv_len(c->process.capabilities.bounding) == 3);
		CHECK(c->process.capabilities.inheritable == NULL);
		CHECK(c->process.n_rlimits == 1);
		CHECK(c->process.rlimits[0].resource == RLIMIT_NOFILE);
		CHECK(c->process.rlimits[0].hard == 1024);
		CHECK(c->process.no_new_privileges);
		CHECK(c->n_mounts == 7);
		CHECK_STR(c->mounts[6].destination, "/sys/fs/cgroup");
		CHECK_STR(c->mounts[5].type, rootless ? "none" : "sysfs");
		CHECK(strv_len(c->mounts[2].options) == (rootless ? 5 : 6));
		CHECK(c->has_linux);
		CHECK(c->linux_.n_namespaces == 5);
		CHECK(spec_find_namespace(c, OCI_NS_PID) != NULL);
		CHECK((spec_find_namespace(c, OCI_NS_NETWORK) != NULL) == !rootless);
		CHECK((spec_find_namespace(c, OCI_NS_USER) != NULL) == rootless);
		CHECK(c->linux_.has_resources == !rootless);
		CHECK(c->linux_.n_uid_mappings == (size_t)rootless);
		if (rootless)
			CHECK(c->linux_.uid_mappings[0].host_id == geteuid());
		else
			CHECK(c->linux_.resources.n_devices == 1 &&
			      !c->linux_.resources.devices[0].allow &&
			      c->linux_.resources.devices[0].type == 'a');
		CHECK(strv_len(c->linux_.masked_paths) == 10);
		CHECK(strv_len(c->linux_.readonly_paths) == 5);
		spec_free(c);
	}
}

/* runc 1.1.5's `runc spec` output with ociVersion replaced: spec_default_json
 * must stay byte-identical to it. */
static void test_default_spec_matches_runc(void)
{
	_cleanup_free_ char *json = spec_default_json(false);
	CHECK(json != NULL);
	if (!json)
		return;
	CHECK(str_has_prefix(json, "{\n\t\"ociVersion\": \"1.3.0\",\n\t\"process\": {\n\t\t"
				   "\"terminal\": true,\n\t\t\"user\": {\n\t\t\t\"uid\": 0,\n"));
	CHECK(strstr(json, "\t\t\t\t\"mode=0620\",\n\t\t\t\t\"gid=5\"\n\t\t\t]\n") != NULL);
	CHECK(strstr(json, "\t\"linux\": {\n\t\t\"resources\": {\n\t\t\t\"devices\": [\n"
			   "\t\t\t\t{\n\t\t\t\t\t\"allow\": false,\n\t\t\t\t\t\"access\": \"rwm\"\n"
			   "\t\t\t\t}\n\t\t\t]\n\t\t},\n") != NULL);
	size_t n = strlen(json);
	CHECK(n == 2556); /* runc's 2560 bytes minus "1.0.2-dev" plus "1.3.0" */
	CHECK(n > 0 && json[n - 1] == '}');
	_cleanup_free_ char *rl = spec_default_json(true);
	CHECK(rl && strstr(rl, "\"gid=5\"") == NULL);
	CHECK(rl && strstr(rl, "\t\t\t\t\"rbind\",\n") != NULL);
	CHECK(rl && strstr(rl, "\t\t\t{\n\t\t\t\t\"type\": \"user\"\n\t\t\t}\n\t\t],\n") != NULL);
}

static void test_full_fixture(void)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = read_file(FIXTURE_DIR "/full.json", &text, &len);
	CHECK_OK(e);
	if (!text)
		return;
	struct oci_config *c = NULL;
	CHECK_OK(spec_parse(text, len, "config.json", &c));
	if (!c)
		return;
	CHECK_STR(c->oci_version, "1.2.0");
	CHECK_STR(c->root.path, "rootfs");
	CHECK(c->root.readonly);
	/* mounts */
	CHECK(c->n_mounts == 2);
	CHECK_STR(c->mounts[0].type, "proc");
	CHECK(c->mounts[0].options == NULL);
	CHECK(c->mounts[1].type == NULL);
	CHECK_STR(c->mounts[1].source, "/srv/data");
	CHECK_STR(c->mounts[1].options[1], "ro");
	CHECK(c->mounts[1].n_uid_mappings == 1 && c->mounts[1].uid_mappings[0].host_id == 100000 &&
	      c->mounts[1].uid_mappings[0].size == 65536);
	CHECK(c->mounts[1].n_gid_mappings == 1 && c->mounts[1].gid_mappings[0].host_id == 200000);
	/* process */
	struct oci_process *p = &c->process;
	CHECK(c->has_process && p->terminal);
	CHECK(p->has_console_size && p->console_height == 24 && p->console_width == 80);
	CHECK(p->user.uid == 1000 && p->user.gid == 1001);
	CHECK(p->user.umask.set && p->user.umask.value == 18);
	CHECK(p->user.n_additional_gids == 2 && p->user.additional_gids[0] == 5 &&
	      p->user.additional_gids[1] == UINT32_MAX);
	CHECK_STR(p->user.username, "app");
	CHECK(strv_len(p->args) == 3);
	CHECK_STR(p->args[2], "echo hi");
	CHECK_STR(p->command_line, "ignored on linux");
	CHECK_STR(spec_env_get(p->env, "PATH"), "/usr/bin");
	CHECK_STR(spec_env_get(p->env, "A"), "b=c");
	CHECK(spec_env_get(p->env, "PAT") == NULL);
	CHECK(spec_env_get(NULL, "PATH") == NULL);
	CHECK_STR(p->cwd, "/work");
	/* the unknown CAP_FOO_BAR is dropped with a warning, as runc 1.1 does */
	CHECK(p->has_capabilities);
	CHECK(strv_len(p->capabilities.bounding) == 2);
	CHECK_STR(p->capabilities.bounding[0], "CAP_CHOWN");
	CHECK_STR(p->capabilities.bounding[1], "CAP_KILL");
	CHECK(p->capabilities.inheritable && p->capabilities.inheritable[0] == NULL);
	CHECK_STR(p->capabilities.permitted[1], "CAP_SYS_ADMIN");
	CHECK_STR(p->capabilities.ambient[0], "CAP_NET_BIND_SERVICE");
	CHECK(p->n_rlimits == 2);
	CHECK(p->rlimits[0].resource == RLIMIT_NOFILE && p->rlimits[0].soft == 1024);
	CHECK_STR(p->rlimits[1].type, "RLIMIT_CORE");
	CHECK(p->rlimits[1].resource == RLIMIT_CORE);
	CHECK(p->rlimits[1].hard == UINT64_MAX);
	CHECK(p->rlimits[1].soft == 9223372036854775808ULL);
	CHECK(p->no_new_privileges);
	CHECK_STR(p->apparmor_profile, "isorun-default");
	CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0");
	CHECK(p->oom_score_adj.set && p->oom_score_adj.value == -500);
	CHECK(p->io_priority.set && p->io_priority.klass == 2 && p->io_priority.priority == 4);
	CHECK_STR(p->io_priority.class_name, "IOPRIO_CLASS_BE");
	CHECK(p->scheduler.set && p->scheduler.policy_value == 6 && p->scheduler.nice == -5);
	CHECK_STR(p->scheduler.flags[0], "SCHED_FLAG_RESET_ON_FORK");
	CHECK(p->scheduler.runtime == 10000000 && p->scheduler.deadline == 20000000 &&
	      p->scheduler.period == 30000000);
	CHECK_STR(c->hostname, "box");
	CHECK_STR(c->domainname, "example.org");
	/* hooks */
	CHECK(c->hooks.prestart.n == 1);
	CHECK_STR(c->hooks.prestart.hooks[0].path, "/usr/bin/pre");
	CHECK_STR(c->hooks.prestart.hooks[0].args[1], "x");
	CHECK_STR(c->hooks.prestart.hooks[0].env[0], "K=V");
	CHECK(c->hooks.prestart.hooks[0].timeout.set &&
	      c->hooks.prestart.hooks[0].timeout.value == 5);
	CHECK(c->hooks.create_runtime.n == 2);
	CHECK_STR(c->hooks.create_runtime.hooks[1].path, "/bin/cr2");
	CHECK(!c->hooks.create_runtime.hooks[1].timeout.set);
	CHECK(c->hooks.create_container.n == 1 && c->hooks.start_container.n == 1 &&
	      c->hooks.poststart.n == 1 && c->hooks.poststop.n == 1);
	CHECK_STR(c->hooks.poststop.hooks[0].path, "/bin/pst");
	CHECK(c->annotations.n == 2);
	CHECK_STR(c->annotations.keys[0], "org.example/key");
	CHECK_STR(c->annotations.values[1], "2");
	/* linux */
	struct oci_linux *l = &c->linux_;
	CHECK(c->has_linux && l->n_namespaces == 8);
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		const struct oci_namespace *ns = spec_find_namespace(c, (enum oci_ns_type)t);
		CHECK(ns != NULL && ns->type == (enum oci_ns_type)t);
	}
	CHECK_STR(spec_find_namespace(c, OCI_NS_NETWORK)->path, "/var/run/netns/x");
	CHECK(spec_find_namespace(c, OCI_NS_PID)->path == NULL);
	CHECK(l->n_uid_mappings == 2 && l->uid_mappings[1].container_id == 1 &&
	      l->uid_mappings[1].host_id == 100000 && l->uid_mappings[1].size == 65536);
	CHECK(l->n_gid_mappings == 1 && l->gid_mappings[0].host_id == 1000);
	CHECK(l->n_time_offsets == 2);
	CHECK_STR(l->time_offsets[0].clock, "monotonic");
	CHECK(l->time_offsets[0].secs == -86400 && l->time_offsets[0].nanosecs == 500);
	CHECK(l->time_offsets[1].secs == 3600 && l->time_offsets[1].nanosecs == 0);
	CHECK(l->n_devices == 2);
	CHECK(l->devices[0].type == 'c' && l->devices[0].major == 10 && l->devices[0].minor == 229);
	CHECK(l->devices[0].file_mode.set && l->devices[0].file_mode.value == 0666);
	CHECK(l->devices[0].uid.set && l->devices[0].gid.set);
	CHECK(l->devices[1].type == 'p' && !l->devices[1].file_mode.set);
	CHECK_STR(l->cgroups_path, "/isorun/test");
	/* resources */
	struct oci_resources *r = &l->resources;
	CHECK(l->has_resources && r->n_devices == 2);
	CHECK(!r->devices[0].allow && r->devices[0].type == 'a' && !r->devices[0].major.set);
	CHECK(r->devices[1].allow && r->devices[1].type == 'c' && r->devices[1].major.value == 10 &&
	      r->devices[1].minor.value == 229);
	CHECK_STR(r->devices[1].access, "rw");
	CHECK(r->has_memory && r->memory.limit.set && r->memory.limit.value == 67108864);
	CHECK(r->memory.reservation.value == 33554432 && r->memory.swap.value == -1);
	CHECK(r->memory.kernel.value == 1 && r->memory.kernel_tcp.value == 2);
	CHECK(r->memory.swappiness.set && r->memory.swappiness.value == 60);
	CHECK(r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.value);
	CHECK(r->memory.use_hierarchy.set && r->memory.use_hierarchy.value);
	CHECK(r->memory.check_before_update.value);
	CHECK(r->has_cpu && r->cpu.shares.value == 1024 && r->cpu.quota.value == 50000);
	CHECK(r->cpu.burst.value == 1000 && r->cpu.period.value == 100000);
	CHECK(r->cpu.realtime_runtime.value == 950 && r->cpu.realtime_period.value == 1000);
	CHECK_STR(r->cpu.cpus, "0-1");
	CHECK_STR(r->cpu.mems, "0");
	CHECK(r->cpu.idle.set && r->cpu.idle.value == 1);
	CHECK(r->has_pids && r->pids_limit == 100);
	CHECK(r->has_block_io && r->block_io.weight.value == 500 &&
	      r->block_io.leaf_weight.value == 300);
	CHECK(r->block_io.n_weight_device == 1 && r->block_io.weight_device[0].major == 8 &&
	      r->block_io.weight_device[0].weight.value == 600 &&
	      r->block_io.weight_device[0].leaf_weight.value == 200);
	CHECK(r->block_io.n_throttle_read_bps == 1 &&
	      r->block_io.throttle_read_bps[0].rate == 1048576);
	CHECK(r->block_io.n_throttle_write_bps == 1 &&
	      r->block_io.throttle_write_bps[0].minor == 16);
	CHECK(r->block_io.n_throttle_read_iops == 1 &&
	      r->block_io.throttle_read_iops[0].rate == 100);
	CHECK(r->block_io.n_throttle_write_iops == 2 &&
	      r->block_io.throttle_write_iops[1].rate == 300);
	CHECK(r->n_hugepage_limits == 1 && r->hugepage_limits[0].limit == 209715200);
	CHECK_STR(r->hugepage_limits[0].page_size, "2MB");
	CHECK(r->net_class_id.set && r->net_class_id.value == 1048577);
	CHECK(r->n_net_priorities == 1 && r->net_priorities[0].priority == 5);
	CHECK_STR(r->net_priorities[0].name, "eth0");
	CHECK(r->n_rdma == 1 && r->rdma[0].hca_handles.value == 3 &&
	      r->rdma[0].hca_objects.value == 10000);
	CHECK_STR(r->rdma[0].device, "mlx5_1");
	CHECK(r->unified.n == 2);
	CHECK_STR(r->unified.values[1], "default 100");
	CHECK_STR(l->rootfs_propagation, "rslave");
	/* seccomp */
	struct oci_seccomp *s = &l->seccomp;
	CHECK(l->has_seccomp && s->default_action == OCI_SECCOMP_ERRNO);
	CHECK(s->default_errno_ret.set && s->default_errno_ret.value == 1);
	CHECK(strv_len(s->architectures) == 3);
	CHECK_STR(s->flags[0], "SECCOMP_FILTER_FLAG_LOG");
	CHECK_STR(s->listener_path, "/run/seccomp-agent.sock");
	CHECK_STR(s->listener_metadata, "meta");
	CHECK(s->n_syscalls == 4);
	CHECK(strv_len(s->syscalls[0].names) == 2 && s->syscalls[0].action == OCI_SECCOMP_ALLOW);
	CHECK(s->syscalls[1].n_args == 2);
	CHECK(s->syscalls[1].args[0].op == OCI_SECCOMP_OP_EQ && s->syscalls[1].args[0].value == 8);
	CHECK(s->syscalls[1].args[1].index == 1 && s->syscalls[1].args[1].value == UINT64_MAX &&
	      s->syscalls[1].args[1].value_two == 4096 &&
	      s->syscalls[1].args[1].op == OCI_SECCOMP_OP_MASKED_EQ);
	CHECK(s->syscalls[2].errno_ret.set && s->syscalls[2].errno_ret.value == 38);
	CHECK(!s->syscalls[0].errno_ret.set);
	CHECK(s->syscalls[3].action == OCI_SECCOMP_NOTIFY);
	CHECK(l->sysctl.n == 2);
	CHECK_STR(l->sysctl.keys[1], "kernel.shmmax");
	CHECK_STR(l->masked_paths[1], "/sys/firmware");
	CHECK_STR(l->readonly_paths[0], "/proc/sys");
	CHECK_STR(l->mount_label, "system_u:object_r:container_file_t:s0");
	CHECK(l->personality.set);
	CHECK_STR(l->personality.domain, "LINUX32");
	spec_free(c);
}

static void test_minimal_and_nulls(void)
{
	/* process is optional (hooks-only configs); null means absent, like Go. */
	struct oci_config *c =
	    parse_ok("{\"ociVersion\":\"1.0.0\",\"process\":null,\"linux\":{\"resources\":"
		     "{\"memory\":{\"limit\":null}}},\"hostname\":null,\"x\":[1]}");
	if (!c)
		return;
	CHECK(!c->has_process && c->hostname == NULL && c->n_mounts == 0);
	CHECK(c->linux_.has_resources && c->linux_.resources.has_memory &&
	      !c->linux_.resources.memory.limit.set);
	CHECK(spec_find_namespace(c, OCI_NS_PID) == NULL);
	spec_free(c);
	CHECK(spec_find_namespace(NULL, OCI_NS_PID) == NULL);
	/* a duplicated key: the last one wins, as in Go */
	c = parse_ok("{\"ociVersion\":\"1\",\"hostname\":\"a\",\"hostname\":\"b\"}");
	if (c)
		CHECK_STR(c->hostname, "b");
	spec_free(c);
	/* empty namespace path means "create a new one" */
	c = parse_ok("{\"ociVersion\":\"1\",\"linux\":{\"namespaces\":[{\"type\":\"ipc\","
		     "\"path\":\"\"}]}}");
	if (c)
		CHECK(c->linux_.namespaces[0].path == NULL);
	spec_free(c);
}

static void test_ns_names(void)
{
	CHECK_STR(spec_ns_name(OCI_NS_PID), "pid");
	CHECK_STR(spec_ns_name(OCI_NS_NETWORK), "network");
	CHECK_STR(spec_ns_name(OCI_NS_MOUNT), "mount");
	CHECK_STR(spec_ns_name(OCI_NS_IPC), "ipc");
	CHECK_STR(spec_ns_name(OCI_NS_UTS), "uts");
	CHECK_STR(spec_ns_name(OCI_NS_USER), "user");
	CHECK_STR(spec_ns_name(OCI_NS_CGROUP), "cgroup");
	CHECK_STR(spec_ns_name(OCI_NS_TIME), "time");
	CHECK_STR(spec_ns_name(OCI_NS_COUNT), "unknown");
	CHECK(spec_rlimit_resource("RLIMIT_NOFILE") == RLIMIT_NOFILE);
	CHECK(spec_rlimit_resource("RLIMIT_RTTIME") == RLIMIT_RTTIME);
	CHECK(spec_rlimit_resource("NOFILE") == -1);
	CHECK(spec_rlimit_resource(NULL) == -1);
}

#define PROC "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"

static void test_errors_process(void)
{
	CHECK_ERR(parse_fragment("\"process\":{\"cwd\":\"/\",\"args\":[]}"),
		  "config.json: process.args: must be a non-empty array of strings");
	CHECK_ERR(parse_fragment("\"process\":{\"cwd\":\"/\"}"),
		  "config.json: process.args: must be a non-empty array of strings");
	CHECK_ERR(parse_fragment("\"process\":{\"cwd\":\"/\",\"args\":[\"a\",1]}"),
		  "config.json: process.args: must be a non-empty array of strings");
	CHECK_ERR(parse_fragment("\"process\":{\"cwd\":\"work\",\"args\":[\"sh\"]}"),
		  "config.json: process.cwd: must be an absolute path");
	CHECK_ERR(parse_fragment("\"process\":{\"args\":[\"sh\"]}"),
		  "config.json: process.cwd: must be an absolute path");
	CHECK_ERR(parse_fragment(PROC "\"terminal\":\"yes\"}"),
		  "config.json: process.terminal: expected a boolean, got \"yes\"");
	CHECK_ERR(parse_fragment(PROC "\"user\":{\"uid\":-1}}"),
		  "config.json: process.user.uid: expected a non-negative integer, got -1");
	CHECK_ERR(parse_fragment(PROC "\"user\":{\"uid\":4294967296}}"),
		  "config.json: process.user.uid: value 4294967296 out of range (maximum "
		  "4294967295)");
	CHECK_ERR(parse_fragment(PROC "\"user\":{\"uid\":\"0\"}}"),
		  "config.json: process.user.uid: expected an integer, got \"0\"");
	CHECK_ERR(parse_fragment(PROC "\"user\":{\"additionalGids\":[1,-2]}}"),
		  "config.json: process.user.additionalGids[1]: expected a non-negative integer, "
		  "got -2");
	CHECK_ERR(parse_fragment(PROC "\"env\":[\"A=1\",\"FOO\"]}"),
		  "config.json: process.env[1]: invalid environment variable \"FOO\": missing '='");
	CHECK_ERR(parse_fragment(PROC "\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,"
				      "\"soft\":1}]}"),
		  "config.json: process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"");
	CHECK_ERR(parse_fragment(PROC "\"rlimits\":[{\"type\":\"RLIMIT_CPU\",\"hard\":-1}]}"),
		  "config.json: process.rlimits[0].hard: expected a non-negative integer, got -1");
	CHECK_ERR(parse_fragment(PROC "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_FOO\"}}"),
		  "config.json: process.ioPriority.class: unknown ioPriority class "
		  "\"IOPRIO_CLASS_FOO\"");
	CHECK_ERR(parse_fragment(PROC "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\","
				      "\"priority\":8}}"),
		  "config.json: process.ioPriority.priority: must be between 0 and 7, got 8");
	CHECK_ERR(parse_fragment(PROC "\"scheduler\":{\"policy\":\"SCHED_FOO\"}}"),
		  "config.json: process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\"");
	CHECK_ERR(parse_fragment(PROC "\"scheduler\":{\"policy\":\"SCHED_RR\",\"flags\":"
				      "[\"SCHED_FLAG_X\"]}}"),
		  "config.json: process.scheduler.flags[0]: unknown scheduler flag "
		  "\"SCHED_FLAG_X\"");
	CHECK_ERR(parse_fragment(PROC "\"scheduler\":{}}"),
		  "config.json: process.scheduler.policy: missing");
	CHECK_ERR(parse_fragment(PROC "\"capabilities\":{\"bounding\":\"CAP_KILL\"}}"),
		  "config.json: process.capabilities.bounding: expected an array, got "
		  "\"CAP_KILL\"");
}

static void test_errors_top_level(void)
{
	CHECK_ERR(parse_text("{}"), "config.json: ociVersion: missing");
	CHECK_ERR(parse_text("[]"), "config.json: expected an object, got an array");
	CHECK_ERR(parse_text("{\"ociVersion\":1}"),
		  "config.json: ociVersion: expected a string, got 1");
	CHECK_ERR(parse_fragment("\"root\":\"rootfs\""),
		  "config.json: root: expected an object, got \"rootfs\"");
	CHECK_ERR(parse_fragment("\"root\":{\"path\":\"\"}"),
		  "config.json: root.path: must not be empty");
	CHECK_ERR(parse_fragment("\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},"
				 "{\"destination\":\"c\"}]"),
		  "config.json: mounts[2].destination: must be an absolute path");
	CHECK_ERR(parse_fragment("\"mounts\":[{\"type\":\"tmpfs\"}]"),
		  "config.json: mounts[0].destination: missing");
	CHECK_ERR(parse_fragment("\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",7]}]"),
		  "config.json: mounts[0].options[1]: expected a string, got 7");
	CHECK_ERR(parse_fragment("\"hooks\":{\"poststop\":[{\"path\":\"hook\"}]}"),
		  "config.json: hooks.poststop[0].path: must be an absolute path");
	CHECK_ERR(parse_fragment("\"hooks\":{\"prestart\":[{\"path\":\"/h\",\"timeout\":0}]}"),
		  "config.json: hooks.prestart[0].timeout: must be greater than zero");
	CHECK_ERR(parse_fragment("\"annotations\":{\"a\":1}"),
		  "config.json: annotations.a: expected a string, got 1");
}

static void test_errors_linux(void)
{
	CHECK_ERR(parse_fragment("\"linux\":{\"resources\":{\"memory\":{\"limit\":\"64M\"}}}"),
		  "config.json: linux.resources.memory.limit: expected an integer, got \"64M\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"resources\":{\"memory\":{\"limit\":1.5}}}"),
		  "config.json: linux.resources.memory.limit: expected an integer, got 1.5");
	CHECK_ERR(parse_fragment("\"linux\":{\"resources\":{\"memory\":{\"limit\":1e9}}}"),
		  "config.json: linux.resources.memory.limit: expected an integer, got 1e9");
	CHECK_ERR(parse_fragment("\"linux\":{\"resources\":{\"memory\":{\"limit\":"
				 "9223372036854775808}}}"),
		  "config.json: linux.resources.memory.limit: value 9223372036854775808 out of "
		  "range (-9223372036854775808 to 9223372036854775807)");
	CHECK_ERR(
	    parse_fragment("\"linux\":{\"resources\":{\"cpu\":{\"shares\":-2}}}"),
	    "config.json: linux.resources.cpu.shares: expected a non-negative integer, got -2");
	CHECK_ERR(parse_fragment("\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,"
				 "\"access\":\"rwx\"}]}}"),
		  "config.json: linux.resources.devices[0].access: invalid access \"rwx\" (want a "
		  "subset of \"rwm\")");
	CHECK_ERR(parse_fragment("\"linux\":{\"resources\":{\"devices\":[{\"access\":\"r\"}]}}"),
		  "config.json: linux.resources.devices[0].allow: missing");
	CHECK_ERR(parse_fragment("\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":"
				 "\"foo\"}]}"),
		  "config.json: linux.namespaces[1].type: unknown namespace type \"foo\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
				 "{\"type\":\"uts\"},{\"type\":\"pid\"}]}"),
		  "config.json: linux.namespaces[3]: duplicate namespace type \"pid\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"namespaces\":[{\"type\":\"net\"}]}"),
		  "config.json: linux.namespaces[0].type: unknown namespace type \"net\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}"),
		  "config.json: linux.uidMappings: must be set when a new user namespace is "
		  "created");
	CHECK_ERR(parse_fragment("\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":"
				 "[{\"containerID\":0,\"hostID\":1,\"size\":1}]}"),
		  "config.json: linux.gidMappings: must be set when a new user namespace is "
		  "created");
	CHECK_ERR(parse_fragment("\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1,"
				 "\"size\":1}]}"),
		  "config.json: linux.uidMappings: set, but no user namespace is requested in "
		  "linux.namespaces");
	CHECK_ERR(parse_fragment("\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":"
				 "\"netns\"}]}"),
		  "config.json: linux.namespaces[0].path: must be an absolute path");
	CHECK_ERR(parse_fragment("\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"x\"}]}"),
		  "config.json: linux.devices[0].type: unknown device type \"x\" (want c, b, u or "
		  "p)");
	CHECK_ERR(parse_fragment("\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\","
				 "\"major\":1}]}"),
		  "config.json: linux.devices[0].minor: missing (required for device type 'c')");
	CHECK_ERR(parse_fragment("\"linux\":{\"rootfsPropagation\":\"sideways\"}"),
		  "config.json: linux.rootfsPropagation: unknown propagation \"sideways\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"timeOffsets\":{\"realtime\":{\"secs\":1}}}"),
		  "config.json: linux.timeOffsets.realtime: unknown clock (want monotonic or "
		  "boottime)");
	CHECK_ERR(parse_fragment("\"linux\":{\"personality\":{\"domain\":\"BSD\"}}"),
		  "config.json: linux.personality.domain: unknown personality domain \"BSD\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"sysctl\":{\"net.x\":1}}"),
		  "config.json: linux.sysctl.net.x: expected a string, got 1");
}

#define SC(body)   "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"," body "}}"
#define ALLOW_READ "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}"

static void test_errors_seccomp(void)
{
	CHECK_ERR(parse_fragment(SC("\"syscalls\":[" ALLOW_READ "," ALLOW_READ "," ALLOW_READ
				    "," ALLOW_READ ",{\"names\":[\"x\"],\"action\":"
				    "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,"
				    "\"op\":\"SCMP_CMP_FOO\"}]}]")),
		  "config.json: linux.seccomp.syscalls[4].args[0].op: unknown operator "
		  "\"SCMP_CMP_FOO\"");
	CHECK_ERR(parse_fragment(SC("\"syscalls\":[{\"names\":[\"read\"],\"action\":"
				    "\"SCMP_ACT_FOO\"}]")),
		  "config.json: linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_FOO\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"seccomp\":{\"defaultAction\":\"ALLOW\"}}"),
		  "config.json: linux.seccomp.defaultAction: unknown action \"ALLOW\"");
	CHECK_ERR(parse_fragment("\"linux\":{\"seccomp\":{}}"),
		  "config.json: linux.seccomp.defaultAction: missing");
	const char *arg = "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}";
	/* Seven conditions are fine when they repeat an index (runc ORs them). */
	_cleanup_free_ char *seven =
	    str_printf(SC("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
			  "\"args\":[%s,%s,%s,%s,%s,%s,%s]}]"),
		       arg, arg, arg, arg, arg, arg, arg);
	CHECK_OK(parse_fragment(seven));
	/* 49 is past any sensible profile. */
	char many[49 * 48 + 1] = "";
	for (int i = 0; i < 49; i++) {
		strcat(many, i ? "," : "");
		strcat(many, arg);
	}
	_cleanup_free_ char *too_many = str_printf(
	    SC("\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[%s]}]"),
	    many);
	CHECK_ERR(
	    parse_fragment(too_many),
	    "config.json: linux.seccomp.syscalls[0].args: too many arguments (49, at most 48)");
	CHECK_ERR(
	    parse_fragment(SC("\"syscalls\":[{\"names\":[\"read\"],\"action\":"
			      "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"op\":"
			      "\"SCMP_CMP_EQ\"}]}]")),
	    "config.json: linux.seccomp.syscalls[0].args[0].index: must be less than 6, got 6");
	CHECK_ERR(parse_fragment(SC("\"syscalls\":[{\"names\":[\"read\"],\"action\":"
				    "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,"
				    "\"op\":\"SCMP_CMP_EQ\"}]}]")),
		  "config.json: linux.seccomp.syscalls[0].args[0].value: expected a non-negative "
		  "integer, got -1");
	CHECK_ERR(parse_fragment(SC("\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_FOO\"]")),
		  "config.json: linux.seccomp.architectures[1]: unknown architecture "
		  "\"SCMP_ARCH_FOO\"");
	CHECK_ERR(parse_fragment(SC("\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]")),
		  "config.json: linux.seccomp.flags[0]: unknown seccomp flag "
		  "\"SECCOMP_FILTER_FLAG_NOPE\"");
	CHECK_ERR(parse_fragment(SC("\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]")),
		  "config.json: linux.seccomp.syscalls[0].names: must be a non-empty array of "
		  "strings");
	CHECK_ERR(parse_fragment("\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\","
				 "\"listenerPath\":\"/s\"}}"),
		  "config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as the "
		  "default action");
	CHECK_ERR(parse_fragment(SC("\"syscalls\":[{\"names\":[\"mount\"],\"action\":"
				    "\"SCMP_ACT_NOTIFY\"}]")),
		  "config.json: linux.seccomp.listenerPath: must be set when an SCMP_ACT_NOTIFY "
		  "rule is used");
}

static void test_invalid_json(void)
{
	CHECK_ERR(parse_text("{\"ociVersion\": \"1.2.0\",}"),
		  "config.json: invalid JSON at line 1, column 24: invalid object key (must be a "
		  "string)");
	CHECK_ERR(parse_text("{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": tru\n}"),
		  "config.json: invalid JSON at line 3, column 17: invalid string in json text");
	CHECK_ERR(parse_text("{\"a\":1"),
		  "config.json: invalid JSON at line 1, column 7: premature EOF");
	CHECK_ERR(parse_text(""), "config.json: invalid JSON at line 1, column 1: premature EOF");
	CHECK_ERR(parse_text("{\"ociVersion\":\"1\"} x"),
		  "config.json: invalid JSON at line 1, column 20: trailing garbage");
	/* Go's encoding/json takes no comments; neither do we. */
	CHECK_ERR(parse_text("{\"ociVersion\":\"1\" /* c */}"),
		  "config.json: invalid JSON at line 1, column 19: probable comment found in "
		  "input text, comments are not enabled");
	/* A NUL byte must not truncate the document into something valid. */
	struct oci_config *c = NULL;
	error *e = spec_parse("{\"ociVersion\":\"1\"}\0{", 20, "config.json", &c);
	CHECK(e != NULL && c == NULL);
	err_free(e);
	/* Deep nesting is refused before a recursive tree free could overflow. */
	char deep[1200];
	memset(deep, '[', sizeof(deep));
	e = spec_parse(deep, sizeof(deep), "config.json", &c);
	CHECK(e != NULL && strstr(err_msg(e), "nesting too deep") != NULL);
	err_free(e);
}

static void test_parse_process(void)
{
	const char *json = "{\"terminal\":false,\"args\":[\"/bin/ls\",\"-l\"],\"cwd\":\"/tmp\","
			   "\"env\":[\"X=1\"],\"user\":{\"uid\":7,\"gid\":8}}";
	struct oci_process *p = NULL;
	CHECK_OK(spec_parse_process(json, strlen(json), "process.json", &p));
	if (p) {
		CHECK_STR(p->args[1], "-l");
		CHECK_STR(p->cwd, "/tmp");
		CHECK(p->user.uid == 7 && p->user.gid == 8 && !p->terminal);
	}
	spec_process_free(p);
	spec_process_free(NULL);
	p = NULL;
	json = "{\"args\":[\"ls\"],\"cwd\":\"tmp\"}";
	CHECK_ERR(spec_parse_process(json, strlen(json), "process.json", &p),
		  "process.json: cwd: must be an absolute path");
	CHECK(p == NULL);
	json = "{\"cwd\":\"/\"}";
	CHECK_ERR(spec_parse_process(json, strlen(json), "process.json", &p),
		  "process.json: args: must be a non-empty array of strings");
	json = "[1]";
	CHECK_ERR(spec_parse_process(json, strlen(json), "process.json", &p),
		  "process.json: expected an object, got an array");
	json = "{\"args\":";
	CHECK_ERR(spec_parse_process(json, strlen(json), "process.json", &p),
		  "process.json: invalid JSON at line 1, column 9: premature EOF");
}

static void test_parse_resources(void)
{
	const char *json = "{\"memory\":{\"limit\":134217728,\"checkBeforeUpdate\":true},"
			   "\"pids\":{\"limit\":100},\"cpu\":{\"cpus\":\"0-3\"},"
			   "\"unified\":{\"memory.high\":\"max\"}}";
	struct oci_resources *r = NULL;
	CHECK_OK(spec_parse_resources(json, strlen(json), "resources", &r));
	if (r) {
		CHECK(r->has_memory && r->memory.limit.value == 134217728);
		CHECK(!r->memory.swap.set);
		CHECK(r->has_pids && r->pids_limit == 100);
		CHECK(r->has_cpu && !r->cpu.shares.set);
		CHECK_STR(r->cpu.cpus, "0-3");
		CHECK(!r->has_block_io && r->n_devices == 0);
		CHECK_STR(r->unified.keys[0], "memory.high");
	}
	spec_resources_free(r);
	spec_resources_free(NULL);
	json = "{\"pids\":{}}";
	CHECK_OK(spec_parse_resources(json, strlen(json), "resources", &r));
	if (r)
		CHECK(!r->has_pids);
	spec_resources_free(r);
	json = "{\"memory\":{\"limit\":\"64M\"}}";
	CHECK_ERR(spec_parse_resources(json, strlen(json), "resources", &r),
		  "resources: memory.limit: expected an integer, got \"64M\"");
	CHECK(r == NULL);
}

/* ---- spec_load against a temporary bundle ---- */

static char *bundle_path(const char *dir, const char *name)
{
	return str_printf("%s/%s", dir, name);
}

static void test_spec_load(void)
{
	char tmpl[] = "/tmp/isorun-spec-test.XXXXXX";
	char *dir = mkdtemp(tmpl);
	CHECK(dir != NULL);
	if (!dir)
		return;
	_cleanup_free_ char *real = realpath(dir, NULL);
	_cleanup_free_ char *missing = bundle_path(dir, "nope");
	_cleanup_free_ char *config = bundle_path(real, "config.json");
	_cleanup_free_ char *rootfs = bundle_path(real, "rootfs");
	struct oci_config *c = NULL;
	_cleanup_free_ char *msg = str_printf("bundle %s: No such file or directory", missing);
	CHECK_ERR(spec_load(missing, &c), msg);
	free(msg);
	msg = str_printf("%s: No such file or directory", config);
	CHECK_ERR(spec_load(dir, &c), msg);
	_cleanup_free_ char *json = spec_default_json(false);
	CHECK_OK(write_file(config, json, strlen(json)));
	free(msg);
	msg = str_printf("rootfs %s: No such file or directory", rootfs);
	CHECK_ERR(spec_load(dir, &c), msg);
	CHECK(c == NULL);
	CHECK(mkdir(rootfs, 0755) == 0);
	CHECK_OK(spec_load(dir, &c));
	if (c) {
		CHECK_STR(c->bundle, real);
		CHECK_STR(c->root.absolute_path, rootfs);
		CHECK_STR(c->root.path, "rootfs");
	}
	spec_free(c);
	c = NULL;
	/* a config error is reported with the file name, not the path */
	const char *bad = "{\"ociVersion\":\"1\",\"process\":{\"args\":[],\"cwd\":\"/\"}}";
	CHECK_OK(write_file(config, bad, strlen(bad)));
	CHECK_ERR(spec_load(dir, &c), "config.json: process.args: must be a non-empty array of "
				      "strings");
	/* root is required by spec_load */
	const char *noroot = "{\"ociVersion\":\"1\"}";
	CHECK_OK(write_file(config, noroot, strlen(noroot)));
	CHECK_ERR(spec_load(dir, &c), "config.json: root.path: missing");
	/* an absolute root.path is taken as is */
	_cleanup_free_ char *abs =
	    str_printf("{\"ociVersion\":\"1\",\"root\":{\"path\":\"%s\"}}", rootfs);
	CHECK_OK(write_file(config, abs, strlen(abs)));
	CHECK_OK(spec_load(dir, &c));
	if (c)
		CHECK_STR(c->root.absolute_path, rootfs);
	spec_free(c);
	/* the bundle must be a directory */
	free(msg);
	msg = str_printf("bundle %s: Not a directory", config);
	CHECK_ERR(spec_load(config, &c), msg);
	unlink(config);
	rmdir(rootfs);
	CHECK(rmdir(dir) == 0);
}

int main(void)
{
	RUN_TEST(test_default_spec_round_trip);
	RUN_TEST(test_default_spec_matches_runc);
	RUN_TEST(test_full_fixture);
	RUN_TEST(test_minimal_and_nulls);
	RUN_TEST(test_ns_names);
	RUN_TEST(test_errors_process);
	RUN_TEST(test_errors_top_level);
	RUN_TEST(test_errors_linux);
	RUN_TEST(test_errors_seccomp);
	RUN_TEST(test_invalid_json);
	RUN_TEST(test_parse_process);
	RUN_TEST(test_parse_resources);
	RUN_TEST(test_spec_load);
	UNIT_MAIN_END();
}
