#include "certsift/fmt.h"

#include <inttypes.h>
#include <stdio.h>

int
cs_fmt_width(uint64_t v, int min)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);

	return n > min ? n : min;
}
