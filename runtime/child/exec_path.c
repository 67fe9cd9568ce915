/* args[0] -> the path execve gets, with Go's exec.LookPath semantics and
 * runc's error texts (engines and people read them). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/child/process.h"
#include "runtime/child/process_internal.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* strconv.Quote for the common cases: quotes, backslashes and control bytes
 * escaped so a hostile args[0] cannot forge a log line. */
static char *go_quote(const char *s)
{
	size_t n = strlen(s);
	char *q = malloc(n * 4 + 3), *w = q;
	if (!q)
		return NULL;
	*w++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			*w++ = '\\';
			*w++ = (char)*p;
		} else if (*p == '\n') {
			*w++ = '\\';
			*w++ = 'n';
		} else if (*p == '\t') {
			*w++ = '\\';
			*w++ = 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			w += sprintf(w, "\\x%02x", *p);
		} else {
			*w++ = (char)*p;
		}
	}
	*w++ = '"';
	*w = '\0';
	return q;
}

/* Go's findExecutable: a regular-or-symlinked file with any x bit; errno
 * out, *stat_failed tells whether it came from stat (runc prints "stat X: "). */
static int find_executable(const char *file, bool *stat_failed)
{
	struct stat st;
	*stat_failed = false;
	if (stat(file, &st) < 0) {
		*stat_failed = true;
		return errno;
	}
	if (!S_ISDIR(st.st_mode) && (st.st_mode & 0111))
		return 0;
	return EACCES;
}

static const char *env_path(char *const *env)
{
	const char *val = NULL;
	/* The last PATH wins, as with runc's os.Setenv loop. */
	for (; env && *env; env++)
		if (strncmp(*env, "PATH=", 5) == 0)
			val = *env + 5;
	return val;
}

error *process_find_executable(const struct oci_process *p, char **path_out)
{
	*path_out = NULL;
	if (!p->args || !p->args[0] || !p->args[0][0])
		return err_new("process.args: must not be empty");
	const char *file = p->args[0];
	_cleanup_free_ char *q = go_quote(file);
	if (!q)
		return err_sys(ENOMEM, "exec");

	if (strchr(file, '/')) {
		bool stat_failed;
		int e = find_executable(file, &stat_failed);
		if (e == 0) {
			*path_out = strdup(file);
			return *path_out ? NULL : err_sys(ENOMEM, "exec");
		}
		if (stat_failed)
			return err_new("exec: %s: stat %s: %s", q, file, go_strerror(e));
		return err_new("exec: %s: %s", q, go_strerror(e));
	}

	const char *path = env_path(p->env);
	if (!path)
		path = DEFAULT_PATH;
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return err_sys(ENOMEM, "exec");
	/* Empty elements mean "." (shell semantics), so split by hand: strtok
	 * would swallow them. An empty PATH has no elements at all, like Go. */
	char *dir = copy;
	bool more = *copy != '\0';
	while (more) {
		char *colon = strchr(dir, ':');
		if (colon)
			*colon = '\0';
		more = colon != NULL;
		_cleanup_free_ char *joined = str_printf("%s/%s", *dir ? dir : ".", file);
		_cleanup_free_ char *cand = joined ? path_clean(joined) : NULL;
		if (!cand)
			return err_sys(ENOMEM, "exec");
		bool stat_failed;
		if (find_executable(cand, &stat_failed) == 0) {
			if (cand[0] != '/')
				return err_new("exec: %s: cannot run executable found relative to "
					       "current directory",
					       q);
			*path_out = steal_ptr(cand);
			return NULL;
		}
		if (colon)
			dir = colon + 1;
	}
	return err_new("exec: %s: executable file not found in $PATH", q);
}

/* The home of uid in a passwd file, NULL when absent or unreadable. The file
 * comes from the image: parse defensively, never trust its size or shape. */
static char *passwd_home(const char *passwd_path, uid_t uid)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	error *e = read_file(passwd_path, &buf, &len);
	if (e) {
		err_free(e);
		return NULL;
	}
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* name:passwd:uid:gid:gecos:home:shell */
		char *f[7] = {0};
		int n = 0;
		for (char *s = line; n < 7; n++) {
			f[n] = s;
			s = strchr(s, ':');
			if (!s) {
				n++;
				break;
			}
			*s++ = '\0';
		}
		long long v;
		if (n >= 6 && parse_int64(f[2], &v) == 0 && v == (long long)uid && f[5][0])
			return strdup(f[5]);
	}
	return NULL;
}

error *process_build_env(char *const *env, uid_t uid, const char *passwd_path, char ***out)
{
	*out = NULL;
	_cleanup_strv_ char **r = calloc(1, sizeof(char *));
	if (!r)
		return err_sys(ENOMEM, "process.env");
	bool has_home = false;
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');
		size_t klen = eq ? (size_t)(eq - *env) : strlen(*env);
		if (klen == 4 && strncmp(*env, "HOME", 4) == 0 && eq)
			has_home = true;
		/* A repeated key keeps its first position and its last value (runc's
		 * os.Setenv loop). */
		bool replaced = false;
		for (size_t i = 0; eq && r[i]; i++) {
			if (strncmp(r[i], *env, klen + 1) == 0) {
				char *c = strdup(*env);
				if (!c)
					return err_sys(ENOMEM, "process.env");
				free(r[i]);
				r[i] = c;
				replaced = true;
				break;
			}
		}
		if (!replaced && strv_push(&r, *env) < 0)
			return err_sys(ENOMEM, "process.env");
	}
	if (!has_home) {
		_cleanup_free_ char *home = passwd_path ? passwd_home(passwd_path, uid) : NULL;
		_cleanup_free_ char *kv = str_printf("HOME=%s", home ? home : "/");
		if (!kv || strv_push(&r, kv) < 0)
			return err_sys(ENOMEM, "process.env");
	}
	*out = steal_ptr(r);
	return NULL;
}
