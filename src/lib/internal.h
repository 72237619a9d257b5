#ifndef CERTSIFT_INTERNAL_H
#define CERTSIFT_INTERNAL_H

/* What the library's modules share and the public headers do not show. */

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The big-endian number in p[0..7] (a certificate key's number). */
static inline uint64_t
cs_be64(const unsigned char *p)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < 8; i++)
		n = n << 8 | p[i];
	return n;
}

/*
 * A store's count (store.h's counters) as the room to make for an array
 * at once: at most 2^26 entries, since a counter is a hint and the arrays
 * grow past it as they must.
 */
static inline size_t
cs_count_hint(uint64_t n)
{
	return n > (uint64_t)1 << 26 ? (size_t)1 << 26 : (size_t)n;
}

/*
 * Sorts pairs by key, equal keys in their order (sort.c, a radix sort a
 * byte at a time, skipping bytes the same in every key): 0, or -1 when
 * out of memory.
 */
struct cs_kv {
	uint64_t	key;
	uint64_t	val;
};
int	cs_sort_kv(struct cs_kv *v, size_t n);

/*
 * Returns the first byte in [p, end) that a JSON string scanner must look at:
 * '"', '\\', a control character or a byte >= 0x80; end when none.
 */
static inline const unsigned char *
cs_scan_plain(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Signed compare: bytes >= 0x80 are negative, so "< 0x20"
		 * catches them and the control characters at once. */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)), _mm_cmplt_epi8(v, space));
		int bits = _mm_movemask_epi8(m);

		if (bits != 0)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
		p++;
	return p;
}

#endif
