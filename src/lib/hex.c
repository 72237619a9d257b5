#include "certsift/hex.h"

#include <stdint.h>
#include <stdlib.h>

void
cs_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		*out++ = digits[p[i] >> 4];
		*out++ = digits[p[i] & 15];
	}
	*out = '\0';
}

char *
cs_hex_dup(const unsigned char *p, size_t n)
{
	char *s;

	if (n > (SIZE_MAX - 1) / 2 || (s = malloc(n * 2 + 1)) == NULL)
		return NULL;
	cs_hex(p, n, s);
	return s;
}
