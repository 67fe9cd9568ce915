/* The config.json that `isorun spec` writes: runc 1.1's default (and its
 * --rootless variant), formatted as runc formats it (Go, tab-indented, no
 * final newline), with our ociVersion. Kept as tables so the rootless edits
 * read as what they are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "spec/go_json.h"
#include "spec/knobs.h"
#include "spec/state_json.h"

#define DEFAULT_OCI_VERSION "1.3.0"

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8];
};

static const struct default_mount default_mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
    {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
};

/* Without a user namespace mapping host root, sysfs cannot be mounted and
 * gid=5 may not be mapped: runc's ToRootless swaps in these. */
static const struct default_mount rootless_sys = {
    "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}};

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
static const char *const cap_sets[] = {"bounding", "effective", "permitted", "ambient"};

static const char *const masked_paths[] = {
    "/proc/acpi",	   "/proc/asound",     "/proc/kcore",	    "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware",	   "/proc/scsi",
};
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static void string_array(struct go_json *w, const char *key, const char *const *v, size_t n)
{
	go_json_begin_array(w, key);
	for (size_t i = 0; i < n && v[i]; i++)
		go_json_string(w, NULL, v[i]);
	go_json_end_array(w);
}

static void write_process(struct go_json *w, const struct spec_knobs *k)
{
	static const char *const args[] = {"sh"};
	/* A command given with --args runs non-interactively: no terminal. */
	bool custom_args = k && k->args;
	static const char *const env[] = {
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
	go_json_begin_object(w, "process");
	go_json_bool(w, "terminal", !custom_args);
	go_json_begin_object(w, "user");
	go_json_int(w, "uid", 0);
	go_json_int(w, "gid", 0);
	go_json_end_object(w);
	if (custom_args)
		string_array(w, "args", (const char *const *)k->args, strv_len(k->args));
	else
		string_array(w, "args", args, ARRAY_SIZE(args));
	string_array(w, "env", env, ARRAY_SIZE(env));
	go_json_string(w, "cwd", "/");
	go_json_begin_object(w, "capabilities");
	for (size_t i = 0; i < ARRAY_SIZE(cap_sets); i++) {
		if (k && k->caps)
			string_array(w, cap_sets[i], (const char *const *)k->caps,
				     strv_len(k->caps));
		else
			string_array(w, cap_sets[i], default_caps, ARRAY_SIZE(default_caps));
	}
	go_json_end_object(w);
	go_json_begin_array(w, "rlimits");
	go_json_begin_object(w, NULL);
	go_json_string(w, "type", "RLIMIT_NOFILE");
	go_json_int(w, "hard", 1024);
	go_json_int(w, "soft", 1024);
	go_json_end_object(w);
	go_json_end_array(w);
	go_json_bool(w, "noNewPrivileges", true);
	go_json_end_object(w);
}

static void write_mount(struct go_json *w, const struct default_mount *m, bool rootless)
{
	go_json_begin_object(w, NULL);
	go_json_string(w, "destination", m->destination);
	go_json_string(w, "type", m->type);
	go_json_string(w, "source", m->source);
	if (m->options[0]) {
		go_json_begin_array(w, "options");
		for (size_t i = 0; i < ARRAY_SIZE(m->options) && m->options[i]; i++)
			if (!rootless || !str_has_prefix(m->options[i], "gid="))
				go_json_string(w, NULL, m->options[i]);
		go_json_end_array(w);
	}
	go_json_end_object(w);
}

static void id_mapping(struct go_json *w, const char *key, unsigned host_id, unsigned size)
{
	go_json_begin_array(w, key);
	go_json_begin_object(w, NULL);
	go_json_int(w, "containerID", 0);
	go_json_int(w, "hostID", host_id);
	go_json_int(w, "size", size);
	go_json_end_object(w);
	go_json_end_array(w);
}

static bool has_resource_knobs(const struct spec_knobs *k)
{
	return k && (k->memory || k->pids || k->cpu_quota || k->cpuset);
}

/* linux.resources: runc's default device rule (not when rootless), then the
 * knobs, in the order Go marshals LinuxResources. */
static void write_resources(struct go_json *w, bool rootless, const struct spec_knobs *k)
{
	go_json_begin_object(w, "resources");
	if (!rootless) {
		go_json_begin_array(w, "devices");
		go_json_begin_object(w, NULL);
		go_json_bool(w, "allow", false);
		go_json_string(w, "access", "rwm");
		go_json_end_object(w);
		go_json_end_array(w);
	}
	if (k && k->memory) {
		go_json_begin_object(w, "memory");
		go_json_int(w, "limit", k->memory);
		go_json_end_object(w);
	}
	if (k && (k->cpu_quota || k->cpuset)) {
		go_json_begin_object(w, "cpu");
		if (k->cpu_quota) {
			go_json_int(w, "quota", k->cpu_quota);
			go_json_int(w, "period", (long long)k->cpu_period);
		}
		if (k->cpuset)
			go_json_string(w, "cpus", k->cpuset);
		go_json_end_object(w);
	}
	if (k && k->pids) {
		go_json_begin_object(w, "pids");
		go_json_int(w, "limit", k->pids);
		go_json_end_object(w);
	}
	go_json_end_object(w);
}

static void write_linux(struct go_json *w, bool rootless, const struct spec_knobs *k)
{
	static const unsigned ns_bits[] = {KNOB_NS_PID, KNOB_NS_NET, KNOB_NS_IPC, KNOB_NS_UTS, 0};
	static const unsigned ns_rootless_bits[] = {KNOB_NS_PID, KNOB_NS_IPC, KNOB_NS_UTS, 0, 0};
	unsigned share = k ? k->share : 0;
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount"};
	static const char *const ns_rootless[] = {"pid", "ipc", "uts", "mount", "user"};
	go_json_begin_object(w, "linux");
	if (rootless) {
		/* runc maps root in the container to the invoking user. */
		id_mapping(w, "uidMappings", geteuid(), 1);
		id_mapping(w, "gidMappings", getegid(), 1);
	} else if (k && k->userns) {
		/* Container root becomes an unprivileged range of host ids. */
		id_mapping(w, "uidMappings", KNOB_USERNS_HOST_ID, KNOB_USERNS_SIZE);
		id_mapping(w, "gidMappings", KNOB_USERNS_HOST_ID, KNOB_USERNS_SIZE);
	}
	if (!rootless || has_resource_knobs(k))
		write_resources(w, rootless, k);
	go_json_begin_array(w, "namespaces");
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		if (share & (rootless ? ns_rootless_bits[i] : ns_bits[i]))
			continue;
		go_json_begin_object(w, NULL);
		go_json_string(w, "type", rootless ? ns_rootless[i] : ns[i]);
		go_json_end_object(w);
	}
	if (!rootless && k && k->userns) {
		go_json_begin_object(w, NULL);
		go_json_string(w, "type", "user");
		go_json_end_object(w);
	}
	go_json_end_array(w);
	string_array(w, "maskedPaths", masked_paths, ARRAY_SIZE(masked_paths));
	string_array(w, "readonlyPaths", readonly_paths, ARRAY_SIZE(readonly_paths));
	knobs_write_seccomp(w, k);
	go_json_end_object(w);
}

char *spec_default_json(bool rootless)
{
	return spec_default_json_knobs(rootless, NULL);
}

char *spec_default_json_knobs(bool rootless, const struct spec_knobs *k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	struct go_json w;
	go_json_init(&w, f, "\t");
	go_json_begin_object(&w, NULL);
	go_json_string(&w, "ociVersion", DEFAULT_OCI_VERSION);
	write_process(&w, k);
	go_json_begin_object(&w, "root");
	go_json_string(&w, "path", "rootfs");
	go_json_bool(&w, "readonly", !k || k->readonly != 0);
	go_json_end_object(&w);
	/* runc refuses a hostname without a private UTS namespace. */
	if (!k || !(k->share & KNOB_NS_UTS))
		go_json_string(&w, "hostname", k && k->hostname ? k->hostname : "runc");
	go_json_begin_array(&w, "mounts");
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		const struct default_mount *m = &default_mounts[i];
		if (rootless && strcmp(m->destination, "/sys") == 0)
			m = &rootless_sys;
		write_mount(&w, m, rootless);
	}
	go_json_end_array(&w);
	write_linux(&w, rootless, k);
	go_json_end_object(&w);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
