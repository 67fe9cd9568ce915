/* libFuzzer target for spec/: every document shape the runtime reads from a
 * user (config.json, exec --process, update --resources) must parse or fail
 * cleanly, without leaks or undefined behaviour.
 *
 *   clang -std=c17 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined \
 *       tests/fuzz/fuzz_config.c spec/[a-z]*.c common/error.c common/util.c common/log.c \
 *       -lyajl -lcap -o build/fuzz_config
 *   build/fuzz_config -close_fd_mask=2 -max_total_time=300 /tmp/corpus tests/fuzz/corpus
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "spec/config.h"
#include "spec/state_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct oci_config *cfg = NULL;
	error *e = spec_parse(text, size, "config.json", &cfg);
	if (e) {
		/* Errors are one line: a message that spans lines breaks runc's log format. */
		if (strchr(err_msg(e), '\n'))
			__builtin_trap();
		err_free(e);
	} else {
		spec_free(cfg);
	}
	struct oci_process *p = NULL;
	err_free(spec_parse_process(text, size, "process.json", &p));
	spec_process_free(p);
	struct oci_resources *r = NULL;
	err_free(spec_parse_resources(text, size, "resources", &r));
	spec_resources_free(r);
	return 0;
}
