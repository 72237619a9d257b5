#include "certsift/nss.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct nss_error {
	int		 code;
	const char	*name;
	const char	*desc;
};

/* Sorted by code descending, as the TSV is. */
static const struct nss_error table[] = {
#include "nss_table.inc"
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

static const struct nss_error *
lookup(int code)
{
	size_t lo = 0, hi = NTABLE;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (table[mid].code == code)
			return &table[mid];
		if (table[mid].code > code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
cs_nss_name(int code)
{
	const struct nss_error *e = lookup(code);

	return e != NULL ? e->name : NULL;
}

const char *
cs_nss_desc(int code)
{
	const struct nss_error *e = lookup(code);

	return e != NULL ? e->desc : NULL;
}

int
cs_nss_parse(const char *s, int *code)
{
	char *end;
	long v;
	size_t i;

	if (*s == '-' || (*s >= '0' && *s <= '9')) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0' || end == s ||
		    v < -2147483647L - 1 || v > 2147483647L)
			return -1;
		*code = (int)v;
		return 0;
	}
	for (i = 0; i < NTABLE; i++) {
		if (strcasecmp(table[i].name, s) == 0) {
			*code = table[i].code;
			return 0;
		}
	}
	return -1;
}
