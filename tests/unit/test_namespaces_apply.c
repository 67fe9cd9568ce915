/* The namespace steps through the recording fake: which setns calls init
 * and exec make, with which fd and type, in which order, and what init
 * unshares afterwards; the time namespace's unshare + setns. Runs as any
 * user: the fds are our own /proc/self/ns/ files, nothing is joined. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "namespaces/namespaces.h"
#include "runtime/child/exec_init.h"
#include "runtime/child/init.h"
#include "tests/unit/fake_sys.h"
#include "tests/unit/unit.h"

/* Builds and opens the plan for the given namespaces (paths to join or
 * NULL to create). */
static void plan_for(struct oci_namespace *ns, size_t n, struct ns_plan *p)
{
	struct oci_config c = {0};
	c.has_linux = true;
	c.linux_.namespaces = ns;
	c.linux_.n_namespaces = n;
	CHECK_OK(ns_plan_build(&c, p));
	CHECK_OK(ns_plan_open(p));
}

/* The user namespace is joined first (it owns the others), then the rest in
 * the plan's type order (network, mount, ipc, uts, cgroup); pid and time
 * are not joined here (the parent did that for the clone); then the new
 * namespaces clone3 could not make are unshared in one call, except cgroup
 * (made later, once in the container's cgroup). */
static void test_init_joins_user_first(void)
{
	fake_sys_reset(NULL);
	struct oci_namespace ns[] = {
	    {OCI_NS_PID, "/proc/self/ns/pid"},
	    {OCI_NS_UTS, NULL},
	    {OCI_NS_IPC, "/proc/self/ns/ipc"},
	    {OCI_NS_MOUNT, "/proc/self/ns/mnt"},
	    {OCI_NS_CGROUP, NULL},
	    {OCI_NS_NETWORK, "/proc/self/ns/net"},
	    {OCI_NS_USER, "/proc/self/ns/user"},
	    {OCI_NS_TIME, "/proc/self/ns/time"},
	};
	struct ns_plan p;
	plan_for(ns, ARRAY_SIZE(ns), &p);
	CHECK(!p.clone_all);
	struct init_args a = {.ns = &p};
	CHECK_OK(init_enter_namespaces(&fake_sys, &a));
	CHECK_STR(fake_sys_log(), "setns(fd(user), CLONE_NEWUSER)\n"
				  "setns(fd(net), CLONE_NEWNET)\n"
				  "setns(fd(mnt), CLONE_NEWNS)\n"
				  "setns(fd(ipc), CLONE_NEWIPC)\n"
				  "unshare(CLONE_NEWUTS)\n");
	/* A new pid namespace after joining a user namespace: unshared here. */
	fake_sys_reset(NULL);
	a.pid_after_join = true;
	CHECK_OK(init_enter_namespaces(&fake_sys, &a));
	CHECK_STR(fake_sys_log_of("unshare"), "unshare(CLONE_NEWUTS|CLONE_NEWPID)\n");
	ns_plan_close(&p);
}

/* Nothing joined but pid/time: clone3 made everything, nothing to do here. */
static void test_init_clone_all(void)
{
	fake_sys_reset(NULL);
	struct oci_namespace ns[] = {
	    {OCI_NS_PID, "/proc/self/ns/pid"},
	    {OCI_NS_NETWORK, NULL},
	    {OCI_NS_MOUNT, NULL},
	    {OCI_NS_USER, NULL},
	    {OCI_NS_CGROUP, NULL},
	};
	struct ns_plan p;
	plan_for(ns, ARRAY_SIZE(ns), &p);
	CHECK(p.clone_all);
	struct init_args a = {.ns = &p};
	CHECK_OK(init_enter_namespaces(&fake_sys, &a));
	CHECK_STR(fake_sys_log(), "");
	ns_plan_close(&p);

	/* Joining one (net) means the new ones (mount, user) are unshared. */
	ns[1].path = "/proc/self/ns/net";
	plan_for(ns, ARRAY_SIZE(ns), &p);
	CHECK_OK(init_enter_namespaces(&fake_sys, &a));
	CHECK_STR(fake_sys_log(), "setns(fd(net), CLONE_NEWNET)\n"
				  "unshare(CLONE_NEWNS|CLONE_NEWUSER)\n");
	ns_plan_close(&p);
}

/* A refused setns names the namespace and stops there. */
static void test_init_setns_error(void)
{
	fake_sys_reset(NULL);
	struct oci_namespace ns[] = {
	    {OCI_NS_NETWORK, "/proc/self/ns/net"},
	    {OCI_NS_IPC, "/proc/self/ns/ipc"},
	    {OCI_NS_UTS, NULL},
	};
	struct ns_plan p;
	plan_for(ns, ARRAY_SIZE(ns), &p);
	struct init_args a = {.ns = &p};
	fake_sys_fail("setns(fd(net)", 0, EPERM);
	CHECK_ERR(init_enter_namespaces(&fake_sys, &a),
		  "setns network namespace: Operation not permitted");
	CHECK_STR(fake_sys_log(), "setns(fd(net), CLONE_NEWNET) = EPERM\n");

	fake_sys_reset(NULL);
	fake_sys_fail("unshare", 0, EINVAL);
	CHECK_ERR(init_enter_namespaces(&fake_sys, &a), "unshare namespaces: Invalid argument");
	ns_plan_close(&p);
}

/* exec joins the container's namespaces in runc's setns order: user, ipc,
 * uts, network, cgroup, mount; never pid or time (the clone did). */
static void test_exec_join_order(void)
{
	fake_sys_reset(NULL);
	static const char *const names[OCI_NS_COUNT] = {
	    [OCI_NS_PID] = "pid",	[OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",
	    [OCI_NS_IPC] = "ipc",	[OCI_NS_UTS] = "uts",	  [OCI_NS_USER] = "user",
	    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
	};
	int fds[OCI_NS_COUNT];
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/ns/%s", names[t]);
		fds[t] = open(p, O_RDONLY | O_CLOEXEC);
		CHECK(fds[t] >= 0);
	}
	CHECK_OK(exec_join_namespaces(&fake_sys, fds));
	/* fds[user] is our own user namespace: skipped (setns would be EINVAL;
	 * a rootless exec child is cloned inside the container's already). */
	CHECK_STR(fake_sys_log(), "setns(fd(ipc), CLONE_NEWIPC)\n"
				  "setns(fd(uts), CLONE_NEWUTS)\n"
				  "setns(fd(net), CLONE_NEWNET)\n"
				  "setns(fd(cgroup), CLONE_NEWCGROUP)\n"
				  "setns(fd(mnt), CLONE_NEWNS)\n");
	/* Another user namespace (any other file, for the fake) goes first. */
	fake_sys_reset(NULL);
	close(fds[OCI_NS_USER]);
	fds[OCI_NS_USER] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(fds[OCI_NS_USER] >= 0);
	CHECK_OK(exec_join_namespaces(&fake_sys, fds));
	CHECK(str_has_prefix(fake_sys_log(), "setns(fd(/dev/null), CLONE_NEWUSER)\nsetns(fd(ipc)"));
	/* -1 entries are skipped; an error names the type. */
	fake_sys_reset(NULL);
	close(fds[OCI_NS_USER]);
	fds[OCI_NS_USER] = -1;
	close(fds[OCI_NS_IPC]);
	fds[OCI_NS_IPC] = -1;
	fake_sys_fail("setns(fd(cgroup)", 0, EINVAL);
	CHECK_ERR(exec_join_namespaces(&fake_sys, fds), "setns cgroup namespace: Invalid argument");
	CHECK_STR(fake_sys_log(), "setns(fd(uts), CLONE_NEWUTS)\n"
				  "setns(fd(net), CLONE_NEWNET)\n"
				  "setns(fd(cgroup), CLONE_NEWCGROUP) = EINVAL\n");
	for (int t = 0; t < OCI_NS_COUNT; t++)
		if (fds[t] >= 0)
			close(fds[t]);
}

/* A new time namespace: unshare (it only affects children), then the
 * process itself enters it through time_for_children. */
static void test_timens_enter(void)
{
	fake_sys_reset(NULL);
	CHECK_OK(timens_enter_new(&fake_sys, NULL, 0));
	CHECK_STR(fake_sys_log(), "unshare(CLONE_NEWTIME)\n"
				  "setns(fd(time), CLONE_NEWTIME)\n");
	fake_sys_reset(NULL);
	fake_sys_fail("unshare", 0, EPERM);
	CHECK_ERR(timens_enter_new(&fake_sys, NULL, 0),
		  "unshare time namespace: Operation not permitted");
	CHECK_STR(fake_sys_log(), "unshare(CLONE_NEWTIME) = EPERM\n");
	fake_sys_reset(NULL);
	fake_sys_fail("setns", 0, EINVAL);
	CHECK_ERR(timens_enter_new(&fake_sys, NULL, 0), "setns time namespace: Invalid argument");
}

int main(void)
{
	fake_sys_confine();
	RUN_TEST(test_init_joins_user_first);
	RUN_TEST(test_init_clone_all);
	RUN_TEST(test_init_setns_error);
	RUN_TEST(test_exec_join_order);
	RUN_TEST(test_timens_enter);
	UNIT_MAIN_END();
}
