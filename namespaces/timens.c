/* Time namespaces: offsets can only be written while the namespace has no
 * member, so unshare (which only affects children), write, then setns into
 * time_for_children so that the caller itself runs with the offsets. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/sys.h"
#include "common/util.h"
#include "namespaces/namespaces.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

error *timens_enter_new(const struct sys_ops *sys, const struct oci_time_offset *offsets, size_t n)
{
	if (sys->unshare(CLONE_NEWTIME) < 0)
		return err_errno("unshare time namespace");
	if (n > 0) {
		size_t cap = n * 64 + 1, len = 0;
		_cleanup_free_ char *buf = malloc(cap);
		if (!buf)
			return err_sys(ENOMEM, "linux.timeOffsets");
		buf[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			const char *clock = offsets[i].clock ? offsets[i].clock : "";
			if (strcmp(clock, "monotonic") != 0 && strcmp(clock, "boottime") != 0)
				return err_new(
				    "linux.timeOffsets.%s: unknown clock (want monotonic "
				    "or boottime)",
				    clock);
			len +=
			    (size_t)snprintf(buf + len, cap - len, "%s %" PRId64 " %" PRIu32 "\n",
					     clock, offsets[i].secs, offsets[i].nanosecs);
		}
		_cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return err_errno("linux.timeOffsets: open /proc/self/timens_offsets");
		if (write_all(fd, buf, len) < 0)
			return err_errno("linux.timeOffsets: write /proc/self/timens_offsets");
	}
	_cleanup_close_ int ns = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return err_errno("open /proc/self/ns/time_for_children");
	if (sys->setns(ns, CLONE_NEWTIME) < 0)
		return err_errno("setns time namespace");
	return NULL;
}
