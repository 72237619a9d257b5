#include "certsift/b64.h"

#include <string.h>

#define WS	0x40	/* ignored */
#define PAD	0x41	/* '=' */
#define BAD	0xff

static const unsigned char dec[256] = {
#define X8 BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD
	/* 0x00 */ BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	/* 0x08 */ BAD, WS, WS, WS, WS, WS, BAD, BAD,
	/* 0x10 */ X8, X8,
	/* 0x20 */ WS, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	/* 0x28 */ BAD, BAD, BAD, 62, BAD, BAD, BAD, 63,
	/* 0x30 */ 52, 53, 54, 55, 56, 57, 58, 59,
	/* 0x38 */ 60, 61, BAD, BAD, BAD, PAD, BAD, BAD,
	/* 0x40 */ BAD, 0, 1, 2, 3, 4, 5, 6,
	/* 0x48 */ 7, 8, 9, 10, 11, 12, 13, 14,
	/* 0x50 */ 15, 16, 17, 18, 19, 20, 21, 22,
	/* 0x58 */ 23, 24, 25, BAD, BAD, BAD, BAD, BAD,
	/* 0x60 */ BAD, 26, 27, 28, 29, 30, 31, 32,
	/* 0x68 */ 33, 34, 35, 36, 37, 38, 39, 40,
	/* 0x70 */ 41, 42, 43, 44, 45, 46, 47, 48,
	/* 0x78 */ 49, 50, 51, BAD, BAD, BAD, BAD, BAD,
	X8, X8, X8, X8, X8, X8, X8, X8,
	X8, X8, X8, X8, X8, X8, X8, X8
#undef X8
};

static const char enc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

long
cs_b64_decode(const char *s, size_t n, struct cs_buf *out, struct cs_err *err)
{
	/* (No arithmetic on a NULL s: n is 0 then.) */
	const unsigned char *p = (const unsigned char *)s,
	    *end = n > 0 ? p + n : p;
	unsigned char *o;
	unsigned int acc = 0, k = 0, pad = 0;
	size_t nchar = 0;

	cs_buf_reset(out);
	if (cs_buf_grow(out, n / 4 * 3 + 3, err) == -1)
		return -1;
	o = out->data;
	/* The common case: four alphabet characters at a time. */
	while (end - p >= 4) {
		unsigned int a = dec[p[0]], b = dec[p[1]], c = dec[p[2]],
		    d = dec[p[3]];
		if ((a | b | c | d) & 0xc0)
			break;
		acc = a << 18 | b << 12 | c << 6 | d;
		*o++ = acc >> 16;
		*o++ = acc >> 8;
		*o++ = acc;
		p += 4;
		nchar += 4;
	}
	acc = 0;
	for (; p < end; p++) {
		unsigned int v = dec[*p];

		if (v == WS)
			continue;
		if (v == BAD)
			return cs_err_set(err, CS_EPARSE,
			    "invalid base64 character 0x%02x at offset %zu",
			    *p, (size_t)(p - (const unsigned char *)s));
		if (v == PAD) {
			pad++;
			continue;
		}
		if (pad > 0)
			return cs_err_set(err, CS_EPARSE,
			    "base64 data after '=' padding");
		acc = acc << 6 | v;
		nchar++;
		if (++k == 4) {
			*o++ = acc >> 16;
			*o++ = acc >> 8;
			*o++ = acc;
			acc = 0;
			k = 0;
		}
	}
	if (k == 1)
		return cs_err_set(err, CS_EPARSE, "truncated base64 (%zu "
		    "characters)", nchar);
	if (pad > 0 && (k == 0 || k + pad != 4))
		return cs_err_set(err, CS_EPARSE, "wrong base64 padding");
	if (k == 2) {
		*o++ = acc >> 4;
	} else if (k == 3) {
		*o++ = acc >> 10;
		*o++ = acc >> 2;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	return (long)out->len;
}

static const char *
find(const char *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);

	if (hn < nn)
		return NULL;
	return memmem(h, hn, needle, nn);
}

long
cs_b64_decode_cert(const char *s, size_t n, struct cs_buf *out,
    struct cs_err *err)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *b, *e;

	if ((b = find(s, n, "-----BEGIN")) == NULL)
		return cs_b64_decode(s, n, out, err);
	if ((b = find(s, n, begin)) == NULL)
		return cs_err_set(err, CS_EPARSE, "PEM block is not a "
		    "certificate");
	b += sizeof(begin) - 1;
	if ((e = find(b, n - (size_t)(b - s), end)) == NULL)
		return cs_err_set(err, CS_EPARSE, "PEM block without END line");
	return cs_b64_decode(b, (size_t)(e - b), out, err);
}

int
cs_b64_encode_pem(const unsigned char *p, size_t n, struct cs_buf *out,
    struct cs_err *err)
{
	size_t i, col = 0;
	char *o;

	if (cs_buf_grow(out, (n + 2) / 3 * 4 + n / 48 + 2, err) == -1)
		return -1;
	o = (char *)out->data + out->len;
	for (i = 0; i < n; i += 3) {
		unsigned int v = (unsigned int)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned int)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = enc[v >> 18 & 63];
		*o++ = enc[v >> 12 & 63];
		*o++ = i + 1 < n ? enc[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? enc[v & 63] : '=';
		if ((col += 4) == 64) {
			*o++ = '\n';
			col = 0;
		}
	}
	if (col > 0)
		*o++ = '\n';
	out->len = (size_t)(o - (char *)out->data);
	out->data[out->len] = '\0';
	return 0;
}
