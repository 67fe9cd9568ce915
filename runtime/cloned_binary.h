/* CVE-2019-5736: a container process that reaches /proc/<pid>/exe of an
 * isorun process inside its namespaces (init before execve, `exec`) could open
 * the isorun binary for writing. Non-dumpability closes /proc/<pid> to it;
 * as a second wall, the commands that enter containers re-exec the binary
 * through a private read-only overlayfs (runc 1.2; no copy), or else from a
 * sealed memfd copy, so even a ptrace-capable process finds only a file that
 * cannot be written. A binary already on a read-only mount (a read-only bind
 * onto itself, a read-only /usr) is such a file: no re-exec then. */
#ifndef ISORUN_RUNTIME_CLONED_BINARY_H
#define ISORUN_RUNTIME_CLONED_BINARY_H

#include "common/error.h"

/* Returns NULL when already running from a protected binary; otherwise
 * re-execs from one and does not return (an error only if that fails). */
error *ensure_cloned_binary(char **argv);

#endif
