/* CRIU's RPC messages, encoded and decoded by hand (runtime/criu_rpc.c): the
 * expected bytes were made with CRIU's own generated Python bindings
 * (pycriu.rpc_pb2 of Debian's criu 3.17, SerializeToString), so they pin both
 * the field numbers and the wire format. */
#include <sched.h>
#include <string.h>

#include "common/cleanup.h"
#include "runtime/criu_rpc.h"
#include "unit.h"

static int same(const struct criu_buf *b, const uint8_t *want, size_t n)
{
	if (b->len != n) {
		printf("# length %zu, wanted %zu\n", b->len, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (b->data[i] != want[i]) {
			printf("# byte %zu: 0x%02x, wanted 0x%02x\n", i, b->data[i], want[i]);
			return 0;
		}
	return 1;
}

static void test_dump_request(void)
{
	static const uint8_t want[] = {
	    0x08, 0x01, 0x12, 0x6c, 0x08, 0x05, 0x10, 0x2a, 0x18, 0x01, 0x48, 0x04, 0x52, 0x05,
	    0x64, 0x2e, 0x6c, 0x6f, 0x67, 0x88, 0x01, 0x06, 0xba, 0x01, 0x08, 0x0a, 0x02, 0x2f,
	    0x61, 0x12, 0x02, 0x2f, 0x61, 0xc0, 0x01, 0x01, 0xca, 0x01, 0x04, 0x12, 0x02, 0x2f,
	    0x78, 0xda, 0x01, 0x0c, 0x0a, 0x08, 0x70, 0x69, 0x70, 0x65, 0x3a, 0x5b, 0x31, 0x5d,
	    0x10, 0x00, 0x90, 0x02, 0x03, 0xaa, 0x02, 0x13, 0x6e, 0x65, 0x74, 0x5b, 0x37, 0x5d,
	    0x3a, 0x65, 0x78, 0x74, 0x52, 0x6f, 0x6f, 0x74, 0x4e, 0x65, 0x74, 0x4e, 0x53, 0xb0,
	    0x02, 0x80, 0x80, 0x80, 0x80, 0x04, 0xe2, 0x02, 0x10, 0x2f, 0x73, 0x79, 0x73, 0x2f,
	    0x66, 0x73, 0x2f, 0x63, 0x67, 0x72, 0x6f, 0x75, 0x70, 0x2f, 0x78, 0x90, 0x03, 0x01};
	struct criu_kv mnt = {"/a", "/a"};
	struct criu_inherit_fd inh = {"pipe:[1]", 0};
	const char *cg[] = {"/x"};
	char *ext[] = {"net[7]:extRootNetNS", NULL};
	struct criu_opts o = {
	    .images_dir_fd = 5,
	    .work_dir_fd = 6,
	    .pid = 42,
	    .leave_running = true,
	    .log_level = 4,
	    .log_file = "d.log",
	    .ext_mnt = &mnt,
	    .n_ext_mnt = 1,
	    .manage_cgroups = true,
	    .cg_root = cg,
	    .n_cg_root = 1,
	    .inherit_fd = &inh,
	    .n_inherit_fd = 1,
	    .manage_cgroups_mode = CRIU_CG_SOFT,
	    .external = ext,
	    .empty_ns = CLONE_NEWNET,
	    .freeze_cgroup = "/sys/fs/cgroup/x",
	    .orphan_pts_master = true,
	};
	struct criu_req req = {.type = CRIU_REQ_DUMP, .opts = &o};
	struct criu_buf b;
	CHECK_OK(criu_req_encode(&req, &b));
	CHECK(same(&b, want, sizeof(want)));
	criu_buf_free(&b);
}

static void test_small_requests(void)
{
	static const uint8_t notify[] = {0x08, 0x06, 0x18, 0x01};
	static const uint8_t feat[] = {0x08, 0x09, 0x2a, 0x02, 0x08, 0x01};
	struct criu_buf b;
	struct criu_req n = {.type = CRIU_REQ_NOTIFY, .notify_success = true};
	CHECK_OK(criu_req_encode(&n, &b));
	CHECK(same(&b, notify, sizeof(notify)));
	criu_buf_free(&b);
	struct criu_req f = {.type = CRIU_REQ_FEATURE_CHECK, .features_mem_track = true};
	CHECK_OK(criu_req_encode(&f, &b));
	CHECK(same(&b, feat, sizeof(feat)));
	criu_buf_free(&b);
}

static void test_notify_response(void)
{
	/* with fields we do not read (ps = 6, status = 11): skipped */
	static const uint8_t m[] = {0x08, 0x06, 0x10, 0x01, 0x2a, 0x11, 0x0a, 0x0c, 0x70, 0x6f,
				    0x73, 0x74, 0x2d, 0x72, 0x65, 0x73, 0x74, 0x6f, 0x72, 0x65,
				    0x10, 0xd2, 0x09, 0x32, 0x02, 0x10, 0x63, 0x58, 0x07};
	struct criu_resp r;
	CHECK_OK(criu_resp_decode(m, sizeof(m), &r));
	CHECK(r.type == CRIU_REQ_NOTIFY);
	CHECK(r.success);
	CHECK_STR(r.notify_script, "post-restore");
	CHECK(r.notify_pid == 1234);
	criu_resp_free(&r);
}

static void test_other_responses(void)
{
	static const uint8_t restore[] = {0x08, 0x02, 0x10, 0x01, 0x22, 0x03, 0x08, 0xe1, 0x21};
	static const uint8_t fail[] = {0x08, 0x01, 0x10, 0x00, 0x38, 0x16,
				       0x4a, 0x04, 0x62, 0x6f, 0x6f, 0x6d};
	static const uint8_t feat[] = {0x08, 0x09, 0x10, 0x01, 0x42, 0x04, 0x08, 0x00, 0x10, 0x01};
	static const uint8_t ver[] = {0x08, 0x0a, 0x10, 0x01, 0x52, 0x06,
				      0x08, 0x03, 0x10, 0x11, 0x20, 0x01};
	struct criu_resp r;
	CHECK_OK(criu_resp_decode(restore, sizeof(restore), &r));
	CHECK(r.type == CRIU_REQ_RESTORE && r.success && r.restore_pid == 4321);
	criu_resp_free(&r);
	CHECK_OK(criu_resp_decode(fail, sizeof(fail), &r));
	CHECK(r.type == CRIU_REQ_DUMP && !r.success && r.cr_errno == 22);
	CHECK_STR(r.cr_errmsg, "boom");
	criu_resp_free(&r);
	CHECK_OK(criu_resp_decode(feat, sizeof(feat), &r));
	CHECK(r.has_features && !r.mem_track && r.lazy_pages);
	criu_resp_free(&r);
	CHECK_OK(criu_resp_decode(ver, sizeof(ver), &r));
	CHECK(r.has_version && r.version_major == 3 && r.version_minor == 17 &&
	      r.version_sublevel == 1);
	criu_resp_free(&r);
}

static void test_malformed(void)
{
	/* cut inside the notify submessage; a length past the end; a bad varint */
	static const uint8_t cut[] = {0x08, 0x06, 0x2a, 0x11, 0x0a, 0x0c, 0x70};
	static const uint8_t bad[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	static const uint8_t zero_field[] = {0x00, 0x01};
	struct criu_resp r;
	CHECK_ERR(criu_resp_decode(cut, sizeof(cut), &r),
		  "criu response: malformed message (7 bytes)");
	CHECK_ERR(criu_resp_decode(bad, sizeof(bad), &r),
		  "criu response: malformed message (12 bytes)");
	CHECK_ERR(criu_resp_decode(zero_field, sizeof(zero_field), &r),
		  "criu response: malformed message (2 bytes)");
	CHECK_OK(criu_resp_decode(cut, 0, &r)); /* empty: all defaults */
	CHECK(r.type == 0 && !r.success);
	criu_resp_free(&r);
}

int main(void)
{
	RUN_TEST(test_dump_request);
	RUN_TEST(test_small_requests);
	RUN_TEST(test_notify_response);
	RUN_TEST(test_other_responses);
	RUN_TEST(test_malformed);
	UNIT_MAIN_END();
}
