/* isorun features: the runtime-spec features document on stdout, nothing on
 * stderr (containerd calls it without global flags and parses stdout). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "runtime/features.h"
#include "spec/features.h"

static error *run_features(struct cmd_ctx *ctx, const struct command *cmd,
			   const struct parsed_args *pa)
{
	(void)ctx, (void)cmd, (void)pa;
	struct oci_features f;
	error *e = runtime_features(&f);
	if (e)
		return e;
	char *json = oci_features_to_json(&f);
	oci_features_free(&f);
	if (!json)
		return err_sys(ENOMEM, "features");
	fputs(json, stdout);
	free(json);
	return NULL;
}

const struct command cmd_features = {
    .name = "features",
    .summary = "show the enabled features",
    .args_usage = "[arguments...]",
    .description = "Show the enabled features.\n"
		   "   The result is parsable and conforms to the OCI Runtime Spec "
		   "(features.md).",
    .flags = NULL,
    .n_flags = 0,
    .check = ARGS_EXACT,
    .min_args = 0,
    .run = run_features,
};
