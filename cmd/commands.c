/* The command list, the global flags and the app's description: main.c dispatches
 * and prints `--help` from them, and build/gendocs writes the man pages and the bash
 * completion from them, so the three cannot drift apart. */
#include <string.h>

#include "cmd/cmd.h"
#include "common/util.h"

const struct command *const isorun_commands[] = {
    &cmd_create, &cmd_delete,  &cmd_kill,   &cmd_list, &cmd_run,	&cmd_spec,    &cmd_start,
    &cmd_state,	 &cmd_inspect, &cmd_check,  &cmd_exec, &cmd_features,	&cmd_events,  &cmd_pause,
    &cmd_ps,	 &cmd_resume,  &cmd_update, &cmd_lab,  &cmd_checkpoint, &cmd_restore,
};
const size_t isorun_n_commands = ARRAY_SIZE(isorun_commands);

const struct flag_def isorun_global_flags[] = {
    {"debug", NULL, FLAG_BOOL, "enable debug logging"},
    {"log", NULL, FLAG_STRING,
     "set the log file to write " ISORUN_NAME " logs to (default is '/dev/stderr')"},
    {"log-format", NULL, FLAG_STRING,
     "set the log format ('text' (default), or 'json') (default: \"text\")"},
    {"root", NULL, FLAG_STRING,
     "root directory for storage of container state (this should be located in tmpfs) "
     "(default: \"/run/" ISORUN_NAME "\", or $XDG_RUNTIME_DIR/" ISORUN_NAME " when not root)"},
    {"criu", NULL, FLAG_STRING,
     "path to the criu binary used for checkpoint and restore (default: \"criu\")"},
    {"systemd-cgroup", NULL, FLAG_BOOL,
     "enable systemd cgroup support, expects cgroupsPath to be of form \"slice:prefix:name\" "
     "for e.g. \"system.slice:" ISORUN_NAME ":434234\""},
    {"rootless", NULL, FLAG_STRING,
     "ignore cgroup permission errors ('true', 'false', or 'auto') (default: \"auto\")"},
    {"help", "h", FLAG_BOOL, "show help"},
    {"version", "v", FLAG_BOOL, "print the version"},
};
const size_t isorun_n_global_flags = ARRAY_SIZE(isorun_global_flags);

const char isorun_summary[] = "Open Container Initiative runtime";

const char isorun_description[] = ISORUN_NAME
    " is a command line client for running applications packaged according to\n"
    "the Open Container Initiative (OCI) format and is a compliant implementation of the\n"
    "Open Container Initiative specification, written in C as a drop-in replacement\n"
    "for runc.\n\n"
    "Containers are configured using bundles. A bundle for a container is a directory\n"
    "that includes a specification file named \"config.json\" and a root filesystem.\n"
    "The root filesystem contains the contents of the container.\n\n"
    "To start a new instance of a container:\n\n"
    "    # " ISORUN_NAME " run [ -b bundle ] <container-id>\n\n"
    "Where \"<container-id>\" is your name for the instance of the container that you\n"
    "are starting. The name you provide for the container instance must be unique on\n"
    "your host. Providing the bundle directory using \"-b\" is optional. The default\n"
    "value for \"bundle\" is the current directory.";

const struct command *cmd_find(const char *name)
{
	for (size_t i = 0; i < isorun_n_commands; i++)
		if (!strcmp(isorun_commands[i]->name, name))
			return isorun_commands[i];
	return NULL;
}
