/* isorun events [--stats] [--interval 5s] ID: cgroup statistics and OOM
 * notifications as JSON lines, one per event, flushed as they happen. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/util.h"

static const struct flag_def events_flags[] = {
    {"interval", NULL, FLAG_STRING, "set the stats collection interval (default: 5s)"},
    {"stats", NULL, FLAG_BOOL, "display the container's stats then exit"},
};

/* Go's time.ParseDuration ("5s", "500ms", "1m30s", "1.5h", "-1s"), in ms. */
static int parse_go_duration(const char *s, double *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"\xce\xbcs", 1e-3},
		     {"ms", 1},	   {"s", 1e3},	 {"m", 60e3},	      {"h", 3600e3}};
	double total = 0;
	int sign = 1;
	if (*s == '-' || *s == '+')
		sign = *s++ == '-' ? -1 : 1;
	if (!strcmp(s, "0")) {
		*ms = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		char *end;
		double v = strtod(s, &end);
		if (end == s)
			return -1;
		s = end;
		size_t best = 0, best_len = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t l = strlen(units[i].unit);
			if (!strncmp(s, units[i].unit, l) && l > best_len) {
				best = i;
				best_len = l;
			}
		}
		if (!best_len)
			return -1;
		total += v * units[best].ms;
		s += best_len;
	}
	*ms = sign * total;
	return 0;
}

static error *print_event(void *arg, const char *json)
{
	(void)arg;
	if (puts(json) == EOF || fflush(stdout) == EOF)
		return err_errno("write event");
	return NULL;
}

static error *run_events(struct cmd_ctx *ctx, const struct command *cmd,
			 const struct parsed_args *pa)
{
	(void)cmd;
	const char *id;
	error *e = cmd_container_id(pa, &id);
	if (e)
		return e;
	const char *iv = args_str(pa, "interval");
	double ms = 5000;
	if (iv && parse_go_duration(iv, &ms) < 0)
		return err_new("invalid value \"%s\" for flag -interval: parse error", iv);
	if (ms <= 0)
		return err_new("duration interval must be greater than 0");
	struct events_opts o = {
	    .interval_ms = ms < 1 ? 1 : (long)ms,
	    .stats_once = args_bool(pa, "stats"),
	};
	return container_events(&ctx->rt, id, &o, print_event, NULL);
}

const struct command cmd_events = {
    .name = "events",
    .summary = "display container events such as OOM notifications, cpu, memory, and IO "
	       "usage statistics",
    .args_usage = "<container-id>\n\n"
		  "Where \"<container-id>\" is the name for the instance of the container.",
    .description = "The events command displays information about the container. By default "
		   "the\ninformation is displayed once every 5 seconds.",
    .flags = events_flags,
    .n_flags = ARRAY_SIZE(events_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_events,
};
