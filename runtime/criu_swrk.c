#include "runtime/criu_swrk.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/util.h"

/* CRIU's messages are a few hundred bytes; its own limit is far below this. */
#define CRIU_MSG_MAX (64 * 1024)

static bool is_executable(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && access(p, X_OK) == 0;
}

error *criu_find(const char *flag, char **path_out)
{
	const char *name = flag && *flag ? flag : "criu";
	*path_out = NULL;
	if (strchr(name, '/')) {
		if (!is_executable(name))
			return err_new("criu is not installed (%s: %s)", name,
				       strerror(errno ? errno : ENOENT));
		*path_out = strdup(name);
		return *path_out ? NULL : err_sys(ENOMEM, "criu");
	}
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = strdup(path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	if (!copy)
		return err_sys(ENOMEM, "criu");
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *p = str_printf("%s/%s", *dir ? dir : ".", name);
		if (p && is_executable(p)) {
			*path_out = steal_ptr(p);
			return NULL;
		}
	}
	return err_new("criu is not installed (no %s in $PATH; install the criu package or pass "
		       "--criu)",
		       name);
}

static error *send_req(int sock, const struct criu_req *req)
{
	struct criu_buf b;
	error *e = criu_req_encode(req, &b);
	if (e)
		return e;
	ssize_t n = send(sock, b.data, b.len, MSG_NOSIGNAL);
	int saved = errno;
	size_t len = b.len;
	criu_buf_free(&b);
	if (n < 0)
		return err_sys(saved, "criu: send request");
	if ((size_t)n != len)
		return err_new("criu: short send");
	return NULL;
}

/* One message and the fd that may come with it. 0 bytes: criu went away. */
static error *recv_resp(int sock, struct criu_resp *resp, int *fd)
{
	*fd = -1;
	_cleanup_free_ uint8_t *buf = malloc(CRIU_MSG_MAX);
	if (!buf)
		return err_sys(ENOMEM, "criu: response");
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = CRIU_MSG_MAX};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b)};
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_errno("criu: receive response");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (n == 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return err_sys(EPIPE, "criu exited without an answer");
	}
	if (mh.msg_flags & MSG_TRUNC)
		return err_new("criu: response larger than %d bytes", CRIU_MSG_MAX);
	return criu_resp_decode(buf, (size_t)n, resp);
}

static pid_t spawn_swrk(const struct criu_call *c, int child_sock)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* The child: inherit exactly the fds the request names. */
	for (size_t i = 0; i < c->n_pass_fds; i++) {
		int fl = fcntl(c->pass_fds[i], F_GETFD);
		if (fl >= 0)
			fcntl(c->pass_fds[i], F_SETFD, fl & ~FD_CLOEXEC);
	}
	fcntl(child_sock, F_SETFD, 0);
	if (c->quiet) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	char fdstr[16];
	snprintf(fdstr, sizeof(fdstr), "%d", child_sock);
	execl(c->criu, c->criu, "swrk", fdstr, (char *)NULL);
	_exit(127);
}

static const char *req_name(int t)
{
	switch (t) {
	case CRIU_REQ_DUMP:
		return "DUMP";
	case CRIU_REQ_RESTORE:
		return "RESTORE";
	case CRIU_REQ_CHECK:
		return "CHECK";
	case CRIU_REQ_PRE_DUMP:
		return "PRE_DUMP";
	case CRIU_REQ_NOTIFY:
		return "NOTIFY";
	case CRIU_REQ_FEATURE_CHECK:
		return "FEATURE_CHECK";
	case CRIU_REQ_VERSION:
		return "VERSION";
	}
	return "EMPTY";
}

static error *converse(const struct criu_call *c, int sock, const struct criu_req *req,
		       struct criu_resp *resp)
{
	error *e = send_req(sock, req);
	while (!e) {
		int fd = -1;
		if ((e = recv_resp(sock, resp, &fd)))
			break;
		if (resp->type != CRIU_REQ_NOTIFY) {
			if (fd >= 0)
				close(fd);
			if (resp->type != (int)req->type)
				e = err_new("criu: unexpected response %s to %s",
					    req_name(resp->type), req_name(req->type));
			break;
		}
		const char *script = resp->notify_script ? resp->notify_script : "";
		log_debug("criu notify: %s (pid %d)", script, resp->notify_pid);
		error *ne = c->notify ? c->notify(c->arg, script, resp->notify_pid, fd) : NULL;
		if (!c->notify && fd >= 0)
			close(fd);
		struct criu_req ack = {.type = CRIU_REQ_NOTIFY, .notify_success = ne == NULL};
		criu_resp_free(resp);
		error *se = send_req(sock, &ack);
		if (ne) {
			err_free(se);
			e = err_wrap(ne, "criu notify %s", script);
		} else {
			e = se;
		}
	}
	return e;
}

error *criu_call(const struct criu_call *c, const struct criu_req *req, struct criu_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_errno("criu: socketpair");
	pid_t pid = spawn_swrk(c, sv[1]);
	int saved = errno;
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return err_sys(saved, "criu: fork");
	}
	error *e = c->cg ? cgroup_enter(c->cg, pid) : NULL;
	if (!e)
		e = converse(c, sv[0], req, resp);
	close(sv[0]); /* criu swrk exits when its socket closes */
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (e && err_errnum(e) == EPIPE && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		err_free(e);
		return err_new("criu is not installed (cannot execute %s)", c->criu);
	}
	if (e)
		criu_resp_free(resp);
	return e;
}

char *criu_log_first_error(int dirfd, const char *log)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	error *e = read_file_at(dirfd, log, &text, &len);
	if (e) {
		err_free(e);
		return NULL;
	}
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		char *er = strstr(line, "Error (");
		if (er) {
			char *close_paren = strstr(er, "): ");
			return strdup(close_paren ? close_paren + 3 : er);
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}
