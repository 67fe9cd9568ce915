#include "runtime/child/capabilities.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

/* Our own table rather than libcap's: libcap only knows the caps it was built
 * with, and the spec names are fixed strings. Index = kernel number. */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int cap_from_name_str(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcasecmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *cap_name_str(int cap)
{
	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[cap];
}

int cap_last_cap(void)
{
	static int cached = -1;
	if (cached >= 0)
		return cached;
	_cleanup_free_ char *buf = NULL;
	error *e = read_file("/proc/sys/kernel/cap_last_cap", &buf, NULL);
	long long v;
	if (!e) {
		char *nl = strchr(buf, '\n');
		if (nl)
			*nl = '\0';
		if (parse_int64(buf, &v) == 0 && v >= 0 && v < 64)
			return cached = (int)v;
	}
	err_free(e);
	/* /proc may not be mounted yet: the bounding set answers EINVAL past the end. */
	int c = 0;
	while (c < 63 && prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0)
		c++;
	return cached = c;
}

static uint64_t names_to_mask(char *const *names, const char *set, int last_cap)
{
	uint64_t m = 0;
	for (; names && *names; names++) {
		int c = cap_from_name_str(*names);
		if (c < 0) {
			log_debug("process.capabilities.%s: unknown capability %s ignored", set,
				  *names);
			continue;
		}
		if (c > last_cap || c > 63) {
			log_debug("process.capabilities.%s: %s is not known to the running kernel "
				  "(cap_last_cap %d), ignored",
				  set, *names, last_cap);
			continue;
		}
		m |= UINT64_C(1) << c;
	}
	return m;
}

void caps_compute(const struct oci_capabilities *c, bool present, int last_cap,
		  struct cap_sets *out)
{
	memset(out, 0, sizeof(*out));
	if (!present || !c)
		return;
	out->bounding = names_to_mask(c->bounding, "bounding", last_cap);
	out->effective = names_to_mask(c->effective, "effective", last_cap);
	out->permitted = names_to_mask(c->permitted, "permitted", last_cap);
	out->inheritable = names_to_mask(c->inheritable, "inheritable", last_cap);
	out->ambient = names_to_mask(c->ambient, "ambient", last_cap);
}

static const char *cap_label(int c, char *buf, size_t len)
{
	const char *n = cap_name_str(c);
	if (n)
		return n;
	snprintf(buf, len, "cap %d", c);
	return buf;
}

error *caps_apply_bounding(const struct cap_sets *s, int last_cap)
{
	for (int c = 0; c <= last_cap && c < 64; c++) {
		if (s->bounding & (UINT64_C(1) << c))
			continue;
		/* Already gone (e.g. an outer sandbox dropped it): dropping again
		 * would need CAP_SETPCAP for nothing. */
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) {
			char b[16];
			return err_errno(
			    "process.capabilities.bounding: prctl(PR_CAPBSET_DROP, %s)",
			    cap_label(c, b, sizeof(b)));
		}
	}
	return NULL;
}

error *caps_apply_sets(const struct cap_sets *s, int last_cap)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(s->effective >> (32 * i));
		data[i].permitted = (uint32_t)(s->permitted >> (32 * i));
		data[i].inheritable = (uint32_t)(s->inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return err_errno("process.capabilities: capset(effective %#llx, permitted %#llx, "
				 "inheritable %#llx)",
				 (unsigned long long)s->effective, (unsigned long long)s->permitted,
				 (unsigned long long)s->inheritable);

	/* The ambient set must not keep anything from the runtime. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return err_errno("process.capabilities.ambient: prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	for (int c = 0; c <= last_cap && c < 64; c++) {
		if (!(s->ambient & (UINT64_C(1) << c)))
			continue;
		/* runc ignores failures here, and its own `runc spec` lists ambient
		 * caps without inheritable ones (raise gives EPERM): do the same. */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0) {
			char b[16];
			log_debug("process.capabilities.ambient: %s not raised (it must also be "
				  "permitted and inheritable): %s",
				  cap_label(c, b, sizeof(b)), strerror(errno));
		}
	}
	return NULL;
}
