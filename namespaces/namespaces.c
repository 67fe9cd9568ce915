/* Namespace plan (pure) and the setns side of it. */
#include "namespaces/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	int flag;
	const char *proc;
	const char *spec; /* spec name, for messages; spec/ is not linked in tests */
} ns_table[OCI_NS_COUNT] = {
    [OCI_NS_PID] = {CLONE_NEWPID, "pid", "pid"},
    [OCI_NS_NETWORK] = {CLONE_NEWNET, "net", "network"},
    [OCI_NS_MOUNT] = {CLONE_NEWNS, "mnt", "mount"},
    [OCI_NS_IPC] = {CLONE_NEWIPC, "ipc", "ipc"},
    [OCI_NS_UTS] = {CLONE_NEWUTS, "uts", "uts"},
    [OCI_NS_USER] = {CLONE_NEWUSER, "user", "user"},
    [OCI_NS_CGROUP] = {CLONE_NEWCGROUP, "cgroup", "cgroup"},
    [OCI_NS_TIME] = {CLONE_NEWTIME, "time", "time"},
};

static bool ns_type_valid(enum oci_ns_type t)
{
	return (int)t >= 0 && t < OCI_NS_COUNT;
}

int ns_clone_flag(enum oci_ns_type t)
{
	return ns_type_valid(t) ? ns_table[t].flag : 0;
}

const char *ns_proc_name(enum oci_ns_type t)
{
	return ns_type_valid(t) ? ns_table[t].proc : "?";
}

const char *ns_spec_name(enum oci_ns_type t)
{
	return ns_type_valid(t) ? ns_table[t].spec : "?";
}

static void plan_reset(struct ns_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	for (int i = 0; i < OCI_NS_COUNT; i++) {
		plan->join_fd[i] = -1;
		plan->spec_index[i] = -1;
	}
}

error *ns_plan_build(const struct oci_config *cfg, struct ns_plan *plan)
{
	plan_reset(plan);
	plan->clone_all = true;
	if (!cfg || !cfg->has_linux)
		return NULL;
	const struct oci_linux *l = &cfg->linux_;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		enum oci_ns_type t = l->namespaces[i].type;
		const char *path = l->namespaces[i].path;
		if (!ns_type_valid(t))
			return err_new("linux.namespaces[%zu]: unknown namespace type %d", i,
				       (int)t);
		if (plan->spec_index[t] >= 0)
			return err_new("linux.namespaces[%zu]: duplicate %s namespace (also "
				       "linux.namespaces[%d])",
				       i, ns_table[t].spec, plan->spec_index[t]);
		plan->spec_index[t] = (int)i;
		if (path && *path) {
			plan->join_path[t] = path;
			/* pid and time only affect children, so they can be joined
			 * by the parent before clone3 without changing ownership. */
			if (t != OCI_NS_PID && t != OCI_NS_TIME)
				plan->clone_all = false;
		} else {
			plan->new_flags |= (unsigned long)ns_table[t].flag;
		}
	}
	if (plan->join_path[OCI_NS_TIME] && l->n_time_offsets > 0)
		return err_new("linux.timeOffsets: cannot be set when joining an existing time "
			       "namespace (linux.namespaces[%d] path %s)",
			       plan->spec_index[OCI_NS_TIME], plan->join_path[OCI_NS_TIME]);
	return NULL;
}

static error *open_one(struct ns_plan *plan, enum oci_ns_type t)
{
	const char *path = plan->join_path[t];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_errno("linux.namespaces[%d] (%s %s): open", plan->spec_index[t],
				 ns_table[t].spec, path);
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 && errno != ENOTTY && errno != EINVAL)
		return err_errno("linux.namespaces[%d] (%s %s): ioctl NS_GET_NSTYPE",
				 plan->spec_index[t], ns_table[t].spec, path);
	if (type != ns_table[t].flag)
		return err_new("linux.namespaces[%d] (%s %s): is not a%s %s namespace",
			       plan->spec_index[t], ns_table[t].spec, path,
			       t == OCI_NS_IPC ? "n" : "", ns_table[t].spec);
	plan->join_fd[t] = steal_fd(fd);
	return NULL;
}

error *ns_plan_open(struct ns_plan *plan)
{
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		if (!plan->join_path[t] || plan->join_fd[t] >= 0)
			continue;
		error *e = open_one(plan, (enum oci_ns_type)t);
		if (e) {
			ns_plan_close(plan);
			return e;
		}
	}
	return NULL;
}

void ns_plan_close(struct ns_plan *plan)
{
	for (int t = 0; t < OCI_NS_COUNT; t++) {
		if (plan->join_fd[t] >= 0)
			close(plan->join_fd[t]);
		plan->join_fd[t] = -1;
	}
}

error *ns_join(const struct sys_ops *sys, int fd, enum oci_ns_type t)
{
	if (sys->setns(fd, ns_clone_flag(t)) < 0)
		return err_errno("setns %s namespace", ns_spec_name(t));
	return NULL;
}
