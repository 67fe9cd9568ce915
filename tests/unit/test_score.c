/* The lab score's pure parts: rewriting a config with spec_json_set, and the
 * three renderings of a scorecard (escaping, charts, counts). */
#include <stdlib.h>
#include <string.h>

#include "lab/score.h"
#include "spec/json_set.h"
#include "unit.h"

static char *set(const char *json, const struct json_set *s, size_t n)
{
	char *out = NULL;
	error *e = spec_json_set(json, strlen(json), s, n, &out);
	if (e) {
		printf("#   %s\n", err_msg(e));
		err_free(e);
		return NULL;
	}
	return out;
}

static void test_json_set_replaces_and_keeps(void)
{
	const struct json_set s[] = {{"process.args", "[\"sh\",\"-c\",\"true\"]"},
				     {"process.terminal", "false"},
				     {"root.path", "\"/x\""}};
	char *out =
	    set("{\"ociVersion\":\"1.3.0\",\"process\":{\"terminal\":true,\"args\":[\"sh\"],"
		"\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
		"\"n\":1.5,\"z\":null}",
		s, 3);
	CHECK_STR(out,
		  "{\"ociVersion\":\"1.3.0\",\"process\":{\"terminal\":false,\"args\":[\"sh\","
		  "\"-c\",\"true\"],\"cwd\":\"/\"},\"root\":{\"path\":\"/x\",\"readonly\":true},"
		  "\"n\":1.5,\"z\":null}");
	free(out);
}

static void test_json_set_adds_missing(void)
{
	const struct json_set s[] = {{"linux.cgroupsPath", "\"/a\""},
				     {"process.terminal", "false"}};
	char *out = set("{\"process\":{}}", s, 2);
	CHECK_STR(out, "{\"process\":{\"terminal\":false},\"linux\":{\"cgroupsPath\":\"/a\"}}");
	free(out);
	out = set("{\"linux\":null}", s, 1);
	CHECK_STR(out, "{\"linux\":{\"cgroupsPath\":\"/a\"}}");
	free(out);
}

static void test_json_set_errors(void)
{
	char *out = NULL;
	const struct json_set bad[] = {{"process.args", "[1,"}};
	error *e = spec_json_set("{}", 2, bad, 1, &out);
	CHECK(e && strstr(err_msg(e), "process.args"));
	err_free(e);
	e = spec_json_set("{", 1, bad, 0, &out);
	CHECK(e && strstr(err_msg(e), "config.json: invalid JSON"));
	err_free(e);
	CHECK(out == NULL);
}

static struct score sample(void)
{
	static struct score_row rows[2];
	rows[0] = (struct score_row){"efficient", "cpu-loop",	"did <this>", "ratio 0.91", SG_PASS,
				     "as fast",	  "knob \"a\"", true,	      91,	    100,
				     "inside",	  "outside",	"it/s"};
	rows[1] = (struct score_row){"isolated, security",
				     "syscall",
				     "unshare",
				     "allowed",
				     SG_FAIL,
				     "allowed",
				     "linux.seccomp",
				     false,
				     0,
				     0,
				     NULL,
				     NULL,
				     NULL};
	return (struct score){"/b<&>", 12.5, rows, 2};
}

static void test_render(void)
{
	struct score s = sample();
	char *t = score_to_table(&s);
	CHECK(t && strstr(t, "efficient\n=========\n[PASS] cpu-loop       as fast\n"));
	CHECK(t && strstr(t, "\nisolated, security\n"));
	CHECK(t && strstr(t, "1 PASS, 0 WEAK, 1 FAIL, 0 INFO, 0 SKIP in 12.5 s"));
	free(t);
	char *j = score_to_json(&s);
	CHECK(j && strstr(j, "\"bundle\":\"/b\\u003c\\u0026\\u003e\""));
	CHECK(j && strstr(j, "\"knob\":\"knob \\\"a\\\"\""));
	CHECK(j && strstr(j, "\"value\":91,\"value_label\":\"inside\",\"reference\":100"));
	CHECK(j && strstr(j, "\"grade\":\"FAIL\""));
	free(j);
	char *h = score_to_html(&s);
	CHECK(h && strstr(h, "did &lt;this&gt;"));
	CHECK(h && strstr(h, "<code>/b&lt;&amp;&gt;</code>"));
	CHECK(h && strstr(h, "<svg"));
	CHECK(h && strstr(h, ">91 it/s</text>"));
	CHECK(h && strstr(h, "<b id=\"summary\">1 PASS, 0 WEAK, 1 FAIL, 0 INFO, 0 SKIP</b>"));
	CHECK(h && !strstr(h, "http://") == !strstr(h, "xmlns=\"http://www.w3.org/2000/svg\""));
	free(h);
}

static void test_plan(void)
{
	CHECK(score_plan_len == 21);
	CHECK_STR(score_grade_name(SG_WEAK), "WEAK");
}

int main(void)
{
	RUN_TEST(test_json_set_replaces_and_keeps);
	RUN_TEST(test_json_set_adds_missing);
	RUN_TEST(test_json_set_errors);
	RUN_TEST(test_render);
	RUN_TEST(test_plan);
	UNIT_MAIN_END();
}
