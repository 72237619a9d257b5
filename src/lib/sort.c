/* Sorting by radix: a byte of the key at a time, from the lowest. */

#include <stdlib.h>
#include <string.h>

#include "certsift/vec.h"
#include "internal.h"

/* Pairs of equal keys keep their order: each pass is stable. */
int
cs_sort_kv(struct cs_kv *v, size_t n)
{
	struct cs_kv *tmp, *src = v, *dst;
	size_t count[256], i, sum, c;
	int shift;

	if (n < 2)
		return 0;
	if ((tmp = cs_mallocarray(n, sizeof(*tmp))) == NULL)
		return -1;
	dst = tmp;
	for (shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i].key >> shift) & 0xff]++;
		if (count[(src[0].key >> shift) & 0xff] == n)
			continue;
		for (i = 0, sum = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
		dst = src;
		src = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return 0;
}
