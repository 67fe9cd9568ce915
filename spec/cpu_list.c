/* CPU and memory node lists ("0-3,7"): process.execCPUAffinity and
 * linux.memoryPolicy.nodes. Pure: the callers hand the mask to the kernel. */
#include <limits.h>
#include <string.h>

#include "spec/config.h"

#define WORD_BITS (sizeof(unsigned long) * CHAR_BIT)

static const char *parse_num(const char **s, size_t nbits, size_t *out)
{
	const char *p = *s;
	if (*p < '0' || *p > '9')
		return "expected a number";
	size_t v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (size_t)(*p - '0');
		if (v >= nbits)
			return "number out of range";
	}
	*s = p;
	*out = v;
	return NULL;
}

int spec_cpu_list_parse(const char *s, unsigned long *mask, size_t nbits, const char **why)
{
	memset(mask, 0, (nbits + WORD_BITS - 1) / WORD_BITS * sizeof(unsigned long));
	if (!s || !*s)
		return 0;
	const char *p = s;
	for (;;) {
		size_t lo = 0, hi = 0;
		if ((*why = parse_num(&p, nbits, &lo)))
			return -1;
		hi = lo;
		if (*p == '-') {
			p++;
			if ((*why = parse_num(&p, nbits, &hi)))
				return -1;
			if (hi < lo) {
				*why = "range end below its start";
				return -1;
			}
		}
		for (size_t i = lo; i <= hi; i++)
			mask[i / WORD_BITS] |= 1UL << (i % WORD_BITS);
		if (!*p)
			return 0;
		if (*p != ',') {
			*why = "unexpected character";
			return -1;
		}
		p++;
	}
}
