/* The score's sandbox and process helpers (lab/score_env.c), shared by the
 * experiments in lab/score.c. Private to lab/. */
#ifndef ISORUN_LAB_SCORE_ENV_H
#define ISORUN_LAB_SCORE_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/config.h"

struct score_env {
	char tmp[64];	   /* /tmp/isorun-score.XXXXXX */
	char *self;	   /* the isorun binary */
	char *state;	   /* the private --root */
	char *layers;	   /* tmpfs: the overlay's upper and work dirs */
	char *bundle;	   /* the copy's bundle dir */
	char *rootfs;	   /* the overlay of the user's rootfs */
	char *config_text; /* the user's config.json */
	size_t config_len;
	struct oci_config *cfg;
	const char *busybox; /* the host's busybox, NULL if none */
	pid_t pid;
	char **ids; /* every container started, for teardown */
	size_t n_ids;
	bool mounted;
};

error *score_env_setup(struct score_env *env, const char *bundle, const char *self);
/* Deletes every container, unmounts, removes the temp dir. */
void score_env_teardown(struct score_env *env);

double score_now(void); /* monotonic seconds */
char *score_json_quote(const char *s);

/* Runs argv (argv[0] a path) with stdin /dev/null, stdout+stderr captured into
 * *out (out NULL: appended to the file log, or dropped when log is NULL);
 * killed after timeout seconds (an error). *status: exit status, 128+signal. */
error *score_spawn(char *const argv[], const char *log, double timeout, char **out, int *status,
		   double *secs);
/* `isorun --root STATE args...`; status NULL: a non-zero exit is an error. */
error *score_isorun(struct score_env *env, const char *const args[], double timeout, char **out,
		    int *status);

/* The container id and cgroup of experiment container `name`. */
char *score_ctr_id(const struct score_env *env, const char *name);
/* Runs `sh -c script` in the copy of the config, in the foreground. */
error *score_ctr_run(struct score_env *env, const char *name, const char *script, double timeout,
		     char **out, int *status, double *secs);
/* The same detached (run -d); its output goes to *log (a path, malloc'd). */
error *score_ctr_start(struct score_env *env, const char *name, const char *script, char **log);
error *score_ctr_delete(struct score_env *env, const char *name);
/* A file of the container's cgroup (v1 controller dir, else v2), NULL if none. */
char *score_cg_file(const struct score_env *env, const char *name, const char *ctrl,
		    const char *file);
/* Its value as a number; -2 for "max", -1 when unreadable. */
long long score_cg_number(const struct score_env *env, const char *name, const char *ctrl,
			  const char *file);

#endif
