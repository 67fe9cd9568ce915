/* isorun lab score: the lab's scorecard of a bundle's config (lab/score.c);
 * not a runc command. Progress is not printed: the card comes out whole, in
 * the chosen format, once every experiment has run. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/cleanup.h"
#include "common/util.h"
#include "lab/score.h"

static const struct flag_def lab_flags[] = {
    {"bundle", "b", FLAG_STRING, "path to the root of the bundle directory (default: \".\")"},
    {"format", "f", FLAG_STRING, "select one of: table, json or html (default: \"table\")"},
};

static error *run_lab(struct cmd_ctx *ctx, const struct command *cmd, const struct parsed_args *pa)
{
	(void)ctx;
	(void)cmd;
	if (strcmp(pa->pos[0], "score"))
		return err_new("unknown lab experiment %s (known: score)", pa->pos[0]);
	const char *f = args_str(pa, "format");
	if (f && strcmp(f, "table") && strcmp(f, "json") && strcmp(f, "html"))
		return err_new("invalid format option");
	struct score_opts o = {.bundle = args_str(pa, "bundle"), .self = "/proc/self/exe"};
	/* The containers run from the binary as it is now, even if it is
	 * replaced on disk while the score runs. */
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		o.self = self;
	}
	struct score s;
	error *e = score_run(&o, &s);
	if (e)
		return err_wrap(e, "lab score");
	_cleanup_free_ char *text = !f || !strcmp(f, "table") ? score_to_table(&s)
				    : !strcmp(f, "json")      ? score_to_json(&s)
							      : score_to_html(&s);
	score_free(&s);
	if (!text)
		return err_sys(ENOMEM, "formatting the score");
	fputs(text, stdout);
	return NULL;
}

const struct command cmd_lab = {
    .name = "lab",
    .summary = "score a bundle's config: efficient, isolated, under control (docs/lab.md)",
    .args_usage = "score\n\n"
		  "score runs a fixed set of short experiments against a copy of the bundle's\n"
		  "config (an overlay of its rootfs, a private state root; the bundle is never\n"
		  "changed) and gives each a verdict naming the config knob that decides it.",
    .description =
	"The lab command measures what docs/lab.md teaches: for one container config, how\n"
	"efficient a duplicate of the machine it is (CPU- and syscall-bound loops inside vs\n"
	"outside, start latency vs the unshare floor), how well its resources, faults and\n"
	"security are isolated (a noisy neighbour, a memory hog, a bounded fork bomb, writes\n"
	"to masked and read-only paths, a denied syscall, a dropped capability, a device\n"
	"outside the allow list) and whether the runtime keeps complete control (update,\n"
	"freeze, kill every process, reclaim everything). Change a knob with `isorun spec`\n"
	"and score again.",
    .flags = lab_flags,
    .n_flags = ARRAY_SIZE(lab_flags),
    .check = ARGS_EXACT,
    .min_args = 1,
    .run = run_lab,
};
