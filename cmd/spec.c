/* isorun spec: write the default config.json into the bundle, never over an
 * existing one. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "spec/state_json.h"

static const struct flag_def spec_flags[] = {
    {"bundle", "b", FLAG_STRING, "path to the root of the bundle directory"},
    {"rootless", NULL, FLAG_BOOL, "generate a configuration for a rootless container"},
};

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
	_cleanup_free_ char *json = spec_default_json(args_bool(pa, "rootless"));
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
