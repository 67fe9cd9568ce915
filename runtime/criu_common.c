#include "runtime/criu_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "runtime/child/mount_options.h"

error *criu_dirs_open(const struct criu_flags *f, bool create, struct criu_dirs *d)
{
	d->images_fd = d->work_fd = -1;
	d->work_path = NULL;
	const char *img = f->image_path && *f->image_path ? f->image_path : "checkpoint";
	const char *work = f->work_path && *f->work_path ? f->work_path : img;
	error *e = NULL;
	if (create && (e = mkdir_p(img, 0700)))
		return err_wrap(e, "--image-path");
	if ((d->images_fd = open(img, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_errno("--image-path %s", img);
	if ((e = mkdir_p(work, 0700)) ||
	    (d->work_fd = open(work, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		e = e ? err_wrap(e, "--work-path") : err_errno("--work-path %s", work);
		criu_dirs_close(d);
		return e;
	}
	if (!(d->work_path = strdup(work))) {
		criu_dirs_close(d);
		return err_sys(ENOMEM, "--work-path");
	}
	return NULL;
}

void criu_dirs_close(struct criu_dirs *d)
{
	if (d->images_fd >= 0)
		close(d->images_fd);
	if (d->work_fd >= 0)
		close(d->work_fd);
	free(d->work_path);
	d->images_fd = d->work_fd = -1;
	d->work_path = NULL;
}

bool criu_mount_is_bind(const struct oci_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	struct mount_options o;
	error *e = mount_options_parse(m->options, &o);
	if (e) {
		err_free(e);
		return false;
	}
	bool bind = o.bind;
	mount_options_free(&o);
	return bind;
}

/* A question to CRIU itself (CHECK, FEATURE_CHECK): its log in the work dir,
 * no cgroup, no notifications, nothing printed. */
static error *criu_query(const struct criu_call *call, const struct criu_dirs *d,
			 struct criu_req *req, const char *log_file, struct criu_resp *resp)
{
	struct criu_opts opts = {
	    .images_dir_fd = d->images_fd,
	    .work_dir_fd = d->work_fd,
	    .log_level = 4,
	    .log_file = log_file,
	    .manage_cgroups_mode = CRIU_CG_UNSET,
	};
	int fds[] = {d->images_fd, d->work_fd};
	struct criu_call c = *call;
	c.pass_fds = fds;
	c.n_pass_fds = 2;
	c.cg = NULL;
	c.notify = NULL;
	c.quiet = true;
	req->opts = &opts;
	error *e = criu_call(&c, req, resp);
	req->opts = NULL;
	return e;
}

/* CRIU's CHECK: NULL when it passes, else the first error of its log. */
static char *kernel_lack(const struct criu_call *call, const struct criu_dirs *d)
{
	struct criu_req req = {.type = CRIU_REQ_CHECK};
	struct criu_resp resp;
	error *e = criu_query(call, d, &req, "check.log", &resp);
	if (e) {
		char *m = strdup(err_msg(e));
		err_free(e);
		return m;
	}
	bool ok = resp.success;
	criu_resp_free(&resp);
	if (ok)
		return NULL;
	char *first = criu_log_first_error(d->work_fd, "check.log");
	return first ? first : strdup("criu check failed");
}

error *criu_failure(const struct criu_call *call, const struct criu_dirs *d, const char *log,
		    const struct criu_resp *resp, const char *what)
{
	_cleanup_free_ char *lack = kernel_lack(call, d);
	if (lack)
		return err_new(
		    "this kernel lacks what criu needs: %s (criu check; log: %s/check.log)", lack,
		    d->work_path);
	_cleanup_free_ char *first = criu_log_first_error(d->work_fd, log);
	return err_sys(resp->cr_errno, "criu failed: type %s errno %d%s%s\nlog file: %s/%s", what,
		       resp->cr_errno, first ? ": " : "", first ? first : "", d->work_path, log);
}

error *criu_need_features(const struct criu_call *call, const struct criu_dirs *d, bool mem_track,
			  bool lazy_pages)
{
	if (!mem_track && !lazy_pages)
		return NULL;
	struct criu_req req = {.type = CRIU_REQ_FEATURE_CHECK,
			       .features_mem_track = mem_track,
			       .features_lazy_pages = lazy_pages};
	struct criu_resp resp;
	error *e = criu_query(call, d, &req, "feature-check.log", &resp);
	if (e)
		return e;
	if (!resp.success || !resp.has_features) {
		criu_resp_free(&resp);
		_cleanup_free_ char *lack = kernel_lack(call, d);
		if (lack)
			return err_new("this kernel lacks what criu needs: %s (criu check; log: "
				       "%s/check.log)",
				       lack, d->work_path);
		return err_new("criu feature check failed (log: %s/feature-check.log)",
			       d->work_path);
	}
	criu_resp_free(&resp);
	if (mem_track && !resp.mem_track)
		return err_new("this kernel lacks memory tracking for --pre-dump (soft-dirty "
			       "pages, CONFIG_MEM_SOFT_DIRTY; criu feature check)");
	if (lazy_pages && !resp.lazy_pages)
		return err_new(
		    "this kernel lacks userfaultfd for --lazy-pages (criu feature check)");
	return NULL;
}
