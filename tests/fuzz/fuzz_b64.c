/*
 * Base64 and PEM decoding against a small reference decoder written from
 * the contract in b64.h, and decode(encode(x)) == x.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* b64.h: whitespace anywhere ignored; '=' optional, only at the end, only
 * as much as needed; one character in the last quantum is truncated. */
static long
ref_decode(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t i, nd = 0, npad = 0;
	unsigned int acc = 0, k = 0;
	long o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == ' ' || (c >= '\t' && c <= '\r'))
			continue;
		if (c == '=') {
			npad++;
			continue;
		}
		if (val(c) < 0 || npad > 0)
			return -1;
		nd++;
		acc = acc << 6 | (unsigned)val(c);
		if (++k == 4) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			k = 0;
		}
	}
	if (nd % 4 == 1)
		return -1;
	if (npad > 0 && (nd % 4 == 0 || nd % 4 + npad != 4))
		return -1;
	if (k == 2)
		out[o++] = (unsigned char)(acc >> 4);
	else if (k == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	}
	return o;
}

static void
fail(const char *what, const uint8_t *data, size_t size)
{
	size_t i;

	fprintf(stderr, "fuzz_b64: %s\ninput (%zu bytes): ", what, size);
	for (i = 0; i < size && i < 256; i++)
		fputc(data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.',
		    stderr);
	fputc('\n', stderr);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----\n";
	static const char end[] = "-----END CERTIFICATE-----\n";
	struct cs_buf out = CS_BUF_INIT, pem = CS_BUF_INIT, back = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT;
	unsigned char *ref;
	char *s;
	long n, rn;

	s = malloc(size ? size : 1);	/* exact size: ASan sees overreads */
	ref = malloc(size + 3);
	if (s == NULL || ref == NULL)
		abort();
	memcpy(s, data, size);

	/* Plain base64 against the reference. */
	n = cs_b64_decode(s, size, &out, &err);
	rn = ref_decode(data, size, ref);
	if ((n < 0) != (rn < 0))
		fail(n < 0 ? "rejected what the reference accepts" :
		    "accepted what the reference rejects", data, size);
	if (n >= 0 && (n != rn || out.len != (size_t)n ||
	    memcmp(out.data, ref, (size_t)n) != 0))
		fail("output differs from the reference", data, size);
	if (n < 0 && (err.code != CS_EPARSE || err.msg[0] == '\0'))
		fail("rejected without a CS_EPARSE reason", data, size);

	/* The certificate form on the same bytes: PEM or base64. */
	n = cs_b64_decode_cert(s, size, &out, &err);
	if (memmem(data, size, "-----BEGIN", 10) == NULL &&
	    (n < 0) != (rn < 0))
		fail("decode_cert differs from decode on non-PEM input", data,
		    size);
	if (n >= 0) {
		if (out.len != (size_t)n)
			fail("length differs from the return", data, size);
		/* Round trip, bare and wrapped in a PEM block. */
		if (cs_buf_append(&pem, begin, sizeof(begin) - 1, &err) == -1 ||
		    cs_b64_encode_pem(out.data, out.len, &pem, &err) == -1 ||
		    cs_buf_append(&pem, end, sizeof(end) - 1, &err) == -1)
			fail("cannot encode", data, size);
		if (cs_b64_decode_cert((char *)pem.data, pem.len, &back,
		    &err) != n || memcmp(back.data, out.data, out.len) != 0)
			fail("decode(encode(x)) != x (PEM)", data, size);
		if (cs_b64_decode((char *)pem.data + sizeof(begin) - 1,
		    pem.len - sizeof(begin) - sizeof(end) + 2, &back,
		    &err) != n || memcmp(back.data, out.data, out.len) != 0)
			fail("decode(encode(x)) != x", data, size);
	}
	cs_buf_release(&out);
	cs_buf_release(&pem);
	cs_buf_release(&back);
	free(ref);
	free(s);
	return 0;
}
