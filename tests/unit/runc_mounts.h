/* runc spec's default mounts, verbatim, as array initializers: the tests that
 * plan and apply them share this one copy. */
#ifndef ISORUN_TESTS_UNIT_RUNC_MOUNTS_H
#define ISORUN_TESTS_UNIT_RUNC_MOUNTS_H

#include "spec/config.h"

#define OPTS(...) ((char *[]){__VA_ARGS__, NULL})

/* /proc up to /sys; RUNC_CGROUP_MOUNT follows in runc's list. */
#define RUNC_MOUNTS_TO_SYS                                                                         \
	{.destination = "/proc", .type = "proc", .source = "proc"},                                \
	    {.destination = "/dev",                                                                \
	     .type = "tmpfs",                                                                      \
	     .source = "tmpfs",                                                                    \
	     .options = OPTS("nosuid", "strictatime", "mode=755", "size=65536k")},                 \
	    {.destination = "/dev/pts",                                                            \
	     .type = "devpts",                                                                     \
	     .source = "devpts",                                                                   \
	     .options =                                                                            \
		 OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},  \
	    {.destination = "/dev/shm",                                                            \
	     .type = "tmpfs",                                                                      \
	     .source = "shm",                                                                      \
	     .options = OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},            \
	    {.destination = "/dev/mqueue",                                                         \
	     .type = "mqueue",                                                                     \
	     .source = "mqueue",                                                                   \
	     .options = OPTS("nosuid", "noexec", "nodev")},                                        \
	{                                                                                          \
		.destination = "/sys", .type = "sysfs", .source = "sysfs",                         \
		.options = OPTS("nosuid", "noexec", "nodev", "ro")                                 \
	}

#define RUNC_CGROUP_MOUNT                                                                          \
	{                                                                                          \
		.destination = "/sys/fs/cgroup", .type = "cgroup", .source = "cgroup",             \
		.options = OPTS("nosuid", "noexec", "nodev", "relatime", "ro")                     \
	}

#endif
