#include "certsift/fmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int
cs_fmt_width(uint64_t v, int min)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);

	return n > min ? n : min;
}

int
cs_fmt_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}
