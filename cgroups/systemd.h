/* Private to cgroups/ (and its unit tests): the systemd cgroup driver.
 * Pure, as data: systemd_unit.c (cgroupsPath -> unit -> cgroup path),
 * systemd_props.c (config -> property list, v2 or v1 names),
 * systemd_annotations.c (org.systemd.property.* values); systemd.c talks
 * D-Bus (sd-bus) to the system or the user manager. */
#ifndef ISORUN_CGROUPS_SYSTEMD_H
#define ISORUN_CGROUPS_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

/* Where the container goes: cgroupsPath "slice:prefix:name" as runc reads it. */
struct cgsd_unit {
	char *slice;   /* parent slice: "system.slice" ("-.slice" for the root) */
	char *unit;    /* "isorun-abc.scope", or "x.slice" when name is a slice */
	bool is_slice; /* then the unit is a nested slice: Wants= parent, no PIDs */
};

/* "slice:prefix:name", or empty (":isorun:<id>"); an empty slice means
 * system.slice (user.slice for the user manager), as runc. Errors name the
 * cgroupsPath: "cgroupsPath \"a:b\": expected \"slice:prefix:name\" for the
 * systemd cgroup driver". */
error *cgsd_parse_path(const char *cgroups_path, const char *id, bool user_manager,
		       struct cgsd_unit *out);
void cgsd_unit_free(struct cgsd_unit *u);
/* runc ExpandSlice: "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" -> "/".
 * Refuses names with '/', "--", a leading or trailing '-', not ending in .slice. */
error *cgsd_expand_slice(const char *slice, char **out);
/* Where systemd puts the unit's cgroup, the same path in every hierarchy:
 * "/system.slice/isorun-abc.scope"; a nested slice "a-b.slice" at
 * "/a.slice/a-b.slice". (The user manager's lies below user@UID.service:
 * there systemd's ControlGroup answer replaces it.) */
error *cgsd_unit_path(const struct cgsd_unit *u, char **out);

/* One unit property (D-Bus "(sv)"): the signature says which value is used. */
struct cgsd_pair {
	char *key; /* device path "/dev/block/8:0", or DeviceAllow's node */
	uint64_t num;
	char *str; /* DeviceAllow's access "rwm" */
};
struct cgsd_prop {
	char *name;
	char *sig; /* "b" "s" "t" "x" "u" "i" "q" "n" "y" "d" "ay" "a(st)" "a(ss)" "as" */
	bool b;
	uint64_t u; /* t u q y (and the bit pattern of x i n) */
	double d;
	char *s;
	uint8_t *bytes; /* ay */
	size_t n_bytes;
	struct cgsd_pair *pairs; /* a(st) a(ss) */
	size_t n_pairs;
	char **strv; /* as, NULL-terminated */
};
struct cgsd_props {
	struct cgsd_prop *p;
	size_t n;
};

/* The properties of StartTransientUnit (without PIDs, which the driver adds):
 * Description, Slice + Delegate (scope) or Wants (slice), DefaultDependencies
 * off, accounting on, the resource limits systemd knows (v2: the cgroup v2
 * names; else runc 1.1's v1 names: MemoryLimit, CPUShares, BlockIOWeight),
 * then the org.systemd.property.* annotations (which may override any). */
error *cgsd_plan_start(const struct cgsd_unit *u, const char *id, const struct oci_resources *r,
		       bool v2, const struct str_map *annotations, struct cgsd_props *out);
/* The resource properties only, for `update` (SetUnitProperties). On v1,
 * linux.resources.unified is refused here, before systemd is asked. */
error *cgsd_plan_resources(const struct oci_resources *r, bool v2, bool skip_devices,
			   struct cgsd_props *out);
/* An annotation value in GVariant text ("uint64 123", "'s'", "true", "[1, 2]")
 * -> a property; NAME ending in a lowercase letter + "Sec" becomes NAMEUSec
 * with the value in microseconds (runc). */
error *cgsd_prop_from_gvariant(const char *name, const char *text, struct cgsd_prop *out);
void cgsd_prop_clear(struct cgsd_prop *p);
void cgsd_props_free(struct cgsd_props *p);
/* One line per property, "Name sig value", for --debug and tests. malloc'd. */
char *cgsd_props_format(const struct cgsd_props *p);

/* ---- D-Bus (systemd.c) ---- */
struct cgsd_conn;
/* The system manager, or the user manager (user true: rootless). Errors say
 * which bus and why: no bus socket, no systemd on it. */
error *cgsd_connect(bool user, struct cgsd_conn **out);
void cgsd_disconnect(struct cgsd_conn *c);
/* StartTransientUnit(unit, "fail", props [+ PIDs=[pid] when pid > 0]) and
 * waits for the job (JobRemoved) to be "done". */
error *cgsd_start_unit(struct cgsd_conn *c, const char *unit, const struct cgsd_props *props,
		       pid_t pid);
/* The unit's ControlGroup ("/system.slice/isorun-abc.scope"), malloc'd. */
error *cgsd_unit_cgroup(struct cgsd_conn *c, const char *unit, char **out);
error *cgsd_set_properties(struct cgsd_conn *c, const char *unit, const struct cgsd_props *props);
/* StopUnit and wait; a unit that is already gone is not an error. Then
 * ResetFailedUnit so that a failed unit does not linger in list-units. */
error *cgsd_stop_unit(struct cgsd_conn *c, const char *unit);

#endif
