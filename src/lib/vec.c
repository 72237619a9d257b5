#include "certsift/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
cs_vec_grow(void *vp, size_t *cap, size_t want, size_t size)
{
	size_t c = *cap < 16 ? 16 : *cap;
	void *v;

	if (want <= *cap)
		return 0;
	while (c < want)
		c = c > SIZE_MAX / 2 ? want : c * 2;
	if (c > SIZE_MAX / size)
		c = want;
	/* *vp is a pointer to elements: read and written as bytes, since
	 * it is no void * (the representations are the same). */
	memcpy(&v, vp, sizeof(v));
	if ((v = reallocarray(v, c, size)) == NULL)
		return -1;
	memcpy(vp, &v, sizeof(v));
	*cap = c;
	return 0;
}

void *
cs_mallocarray(size_t n, size_t size)
{
	return reallocarray(NULL, n ? n : 1, size);
}
