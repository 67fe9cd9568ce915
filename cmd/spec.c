/* isorun spec: write the default config.json into the bundle, never over an
 * existing one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "spec/knobs.h"
#include "spec/state_json.h"

static const struct flag_def spec_flags[] = {
    {"bundle", "b", FLAG_STRING, "path to the root of the bundle directory"},
    {"rootless", NULL, FLAG_BOOL, "generate a configuration for a rootless container"},
    /* Knobs for isolation experiments (docs/lab.md); runc has none of them. */
    {"share", NULL, FLAG_LIST,
     "keep the host's namespace(s) instead of a private one: pid, net, ipc, uts, cgroup"},
    {"memory", NULL, FLAG_STRING, "memory limit, e.g. 64M (K/M/G suffixes)"},
    {"pids", NULL, FLAG_INT, "maximum number of processes (pids.max)"},
    {"cpus", NULL, FLAG_STRING, "CPU quota in CPUs, e.g. 0.5 (quota/period 50000/100000)"},
    {"cpuset", NULL, FLAG_STRING, "CPUs the container may run on, e.g. 0 or 0-1"},
    {"readonly", NULL, FLAG_BOOL, "read-only root filesystem (runc's default)"},
    {"writable", NULL, FLAG_BOOL, "writable root filesystem"},
    {"seccomp", NULL, FLAG_STRING,
     "seccomp profile: default (deny dangerous syscalls), none, or a JSON FILE (linux.seccomp)"},
    {"cap-add", NULL, FLAG_LIST, "add a capability to all sets (repeatable)"},
    {"cap-drop", NULL, FLAG_LIST, "drop a capability from all sets (repeatable)"},
    {"userns", NULL, FLAG_BOOL,
     "private user namespace: container root is host uid/gid 100000 (65536 ids)"},
    {"hostname", NULL, FLAG_STRING, "the container's hostname"},
    {"args", NULL, FLAG_STRING,
     "the command, split like a shell would (simple quoting); also sets terminal false"},
};

/* The knob flags into k; every error names its flag. */
static error *parse_knobs(const struct parsed_args *pa, struct spec_knobs *k)
{
	error *e = NULL;
	const struct flag_val *share = args_get(pa, "share");
	for (size_t i = 0; i < share->n_list; i++)
		if ((e = knobs_parse_share(share->list[i], &k->share)))
			return e;
	const char *v;
	if ((v = args_str(pa, "memory")) && (e = knobs_parse_size(v, &k->memory)))
		return err_wrap(e, "--memory");
	if (args_get(pa, "pids")->set) {
		k->pids = args_int(pa, "pids");
		if (k->pids <= 0)
			return err_new("--pids %lld: must be above 0", (long long)k->pids);
	}
	if ((v = args_str(pa, "cpus")) && (e = knobs_parse_cpus(v, &k->cpu_quota, &k->cpu_period)))
		return e;
	if ((v = args_str(pa, "cpuset"))) {
		if ((e = knobs_check_cpuset(v)))
			return e;
		if (!(k->cpuset = strdup(v)))
			return err_errno("--cpuset");
	}
	if (args_bool(pa, "readonly") && args_bool(pa, "writable"))
		return err_new("--readonly and --writable contradict each other");
	if (args_bool(pa, "readonly"))
		k->readonly = 1;
	if (args_bool(pa, "writable"))
		k->readonly = 0;
	if ((v = args_str(pa, "seccomp")) && (e = knobs_set_seccomp(k, v)))
		return e;
	const struct flag_val *add = args_get(pa, "cap-add"), *drop = args_get(pa, "cap-drop");
	if ((add->n_list || drop->n_list) && (e = knobs_set_caps(k, add->list, drop->list)))
		return e;
	k->userns = args_bool(pa, "userns");
	if ((v = args_str(pa, "hostname")) && !(k->hostname = strdup(v)))
		return err_errno("--hostname");
	if ((v = args_str(pa, "args")) && (e = knobs_split_args(v, &k->args)))
		return e;
	return knobs_validate(k, args_bool(pa, "rootless"));
}

static error *run_spec(struct cmd_ctx *ctx, const struct command *cmd, const struct parsed_args *pa)
{
	(void)ctx;
	(void)cmd;
	const char *bundle = args_str(pa, "bundle");
	if (!bundle || !*bundle)
		bundle = ".";
	_cleanup_close_ int dirfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return err_errno("chdir %s", bundle);
	struct spec_knobs knobs;
	knobs_init(&knobs);
	error *e = parse_knobs(pa, &knobs);
	_cleanup_free_ char *json =
	    e ? NULL : spec_default_json_knobs(args_bool(pa, "rootless"), &knobs);
	knobs_free(&knobs);
	if (e)
		return e;
	if (!json)
		return err_sys(ENOMEM, "generating config.json");
	/* O_EXCL makes the existence check and the creation one step; 0666 minus
	 * the umask is what runc's os.WriteFile gives. */
	_cleanup_close_ int fd =
	    openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST)
		return err_new("File config.json exists. Remove it first");
	if (fd < 0)
		return err_errno("open %s/config.json", bundle);
	if (write_all(fd, json, strlen(json)) < 0)
		return err_errno("write %s/config.json", bundle);
	if (close(steal_fd(fd)) < 0)
		return err_errno("close %s/config.json", bundle);
	/* The mapped root must be able to reach its files; say so once. */
	if (args_bool(pa, "userns"))
		fprintf(stderr,
			"note: --userns maps container root to host uid %u: the rootfs "
			"must be owned by it (chown -R %u:%u rootfs) or at least readable\n",
			KNOB_USERNS_HOST_ID, KNOB_USERNS_HOST_ID, KNOB_USERNS_HOST_ID);
	return NULL;
}

const struct command cmd_spec = {
    .name = "spec",
    .summary = "create a new specification file",
    .description =
	"The spec command creates the new specification file named \"config.json\" for\n"
	"the bundle.\n\n"
	"The spec generated is just a starter file. Editing of the spec is required to\n"
	"achieve desired results. For example, the newly generated spec includes an args\n"
	"parameter that is initially set to call the \"sh\" command when the container is\n"
	"started. Calling \"sh\" may work for an ubuntu container or busybox, but will not\n"
	"work for containers that do not include the \"sh\" program.\n\n"
	"EXAMPLE:\n"
	"  To run a busybox container, put a static busybox into rootfs/bin and\n"
	"create the spec next to it:\n\n"
	"    mkdir -p hello/rootfs/bin\n"
	"    cd hello\n"
	"    cp /bin/busybox rootfs/bin/ && ln -s busybox rootfs/bin/sh\n"
	"    " ISORUN_NAME " spec\n"
	"    sed -i 's;\"terminal\": true;\"terminal\": false;' config.json\n"
	"    " ISORUN_NAME " run container1\n\n"
	"You can pass the parameter --rootless to this command to generate a proper\n"
	"rootless spec file.",
    .flags = spec_flags,
    .n_flags = ARRAY_SIZE(spec_flags),
    .check = ARGS_EXACT,
    .min_args = 0,
    .run = run_spec,
};
