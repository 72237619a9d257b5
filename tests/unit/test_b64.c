/* Base64 and PEM decoding, PEM encoding (certsift/b64.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/err.h"

#include "t.h"

#define VEC	"/usr/lib/python3/dist-packages/cryptography_vectors/x509"

static struct cs_buf	out = CS_BUF_INIT;
static struct cs_err	err;

/* Decodes s (n bytes) and checks the result is want (wn bytes). */
#define OK(s, n, want, wn) do {						\
	long r_ = cs_b64_decode((s), (n), &out, &err);			\
	CHECK_INT(r_, (wn));						\
	CHECK_MEM(out.data, out.len, (want), (size_t)(wn));		\
	CHECK(out.data != NULL && out.data[out.len] == '\0');		\
} while (0)
#define OKS(s, want)	OK((s), strlen(s), (want), strlen(want))

/* Decoding s must fail with CS_EPARSE and a reason holding why. */
#define BAD(s, n, why) do {						\
	memset(&err, 0, sizeof(err));					\
	CHECK_INT(cs_b64_decode((s), (n), &out, &err), -1);		\
	CHECK_INT(err.code, CS_EPARSE);					\
	CHECK(strstr(err.msg, (why)) != NULL);				\
} while (0)
#define BADS(s, why)	BAD((s), strlen(s), (why))

static void
test_plain(void)
{
	OKS("TWFu", "Man");
	OKS("TWFuTWFu", "ManMan");
	OKS("TWE=", "Ma");
	OKS("TQ==", "M");
	OKS("YWJjZA==", "abcd");
	/* '+' and '/' and every value of a byte */
	OK("+/8A", 4, "\xfb\xff\x00", 3);
	OK("AAEC/f7/", 8, "\x00\x01\x02\xfd\xfe\xff", 6);
}

static void
test_no_padding(void)
{
	OKS("TWE", "Ma");
	OKS("TQ", "M");
	OKS("YWJjZA", "abcd");
	OKS("YWJjZGU", "abcde");
}

static void
test_whitespace(void)
{
	OKS(" TWFu", "Man");
	OKS("TWFu\n", "Man");
	OKS("T W F u", "Man");
	OKS("TW\r\nFu", "Man");
	OKS("\tT\vW\fF\ru\n", "Man");
	OKS("TW\nE=", "Ma");
	OKS("TQ=\n=", "M");		/* between the pads too */
	OKS("TQ==\r\n", "M");
	OKS("TWFu TWFu TQ", "ManManM");
	/* 76-column lines, as MIME wraps them */
	OKS("YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh"
	    "YWFhYWFhYWFh\nYWFh\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void
test_invalid_chars(void)
{
	BADS("TW*u", "invalid base64 character 0x2a");
	BADS("TWFu-A==", "invalid base64 character 0x2d");	/* base64url */
	BADS("TWFu_A==", "invalid base64 character 0x5f");
	BADS("TW\xc3\xa9u", "invalid base64 character 0xc3");
	BAD("TW\0u", 4, "invalid base64 character 0x00");
	BADS("TWFu.", "offset 4");
	/* past the four-at-a-time loop */
	BADS("TWFuTWFuTWFuTWFuTWFuTWFuTWFuTWFuTWFu!A==", "0x21 at offset 36");
}

static void
test_bad_padding(void)
{
	BADS("TWFu=", "padding");	/* nothing to pad */
	BADS("TWFu==", "padding");
	BADS("TWE==", "padding");	/* one too many */
	BADS("TQ=", "padding");		/* one too few */
	BADS("TQ===", "padding");
	BADS("=", "padding");
	BADS("====", "padding");
	BADS("T===", "truncated");
}

static void
test_data_after_pad(void)
{
	BADS("TQ==TWFu", "after '='");
	BADS("TQ=x", "after '='");
	BADS("TWE=TQ==", "after '='");
	BADS("TWE= a", "after '='");
}

static void
test_truncated(void)
{
	BADS("T", "truncated");
	BADS("TWFuT", "truncated");
	BADS("TWFuTWFuT\n", "truncated");
	BADS("TWFu T", "truncated");
}

static void
test_empty(void)
{
	/* A previous result is replaced, not appended to. */
	OKS("TWFu", "Man");
	OK("", 0, "", 0);
	OKS("TWFu", "Man");
	OK(" \r\n\t", 4, "", 0);
	/* Only the n bytes given count. */
	OK("TWFuTWFu", 4, "Man", 3);
	OK("TQ==garbage", 4, "M", 1);
}

/* cs_b64_decode_cert() */
static void
test_pem(void)
{
	static const char pem[] = "subject=CN = x\nissuer=CN = x\n"
	    "-----BEGIN CERTIFICATE-----\nTWFu\nTWE=\n"
	    "-----END CERTIFICATE-----\ntrailing text\n";
	static const char two[] = "-----BEGIN CERTIFICATE-----\r\nTQ==\r\n"
	    "-----END CERTIFICATE-----\r\n-----BEGIN CERTIFICATE-----\n"
	    "TWFu\n-----END CERTIFICATE-----\n";
	static const char after_key[] = "-----BEGIN PRIVATE KEY-----\nTWFu\n"
	    "-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nTQ==\n"
	    "-----END CERTIFICATE-----\n";
	const char *s;

	/* Text around the block is ignored; the block is base64. */
	CHECK_INT(cs_b64_decode_cert(pem, strlen(pem), &out, &err), 5);
	CHECK_MEM(out.data, out.len, "ManMa", 5);
	/* The first block is the one */
	CHECK_INT(cs_b64_decode_cert(two, strlen(two), &out, &err), 1);
	CHECK_MEM(out.data, out.len, "M", 1);
	/* A certificate after another kind of block */
	CHECK_INT(cs_b64_decode_cert(after_key, strlen(after_key), &out,
	    &err), 1);
	CHECK_MEM(out.data, out.len, "M", 1);
	/* Not PEM: plain base64, whitespace and all */
	s = "TWFu\nTWE=\n";
	CHECK_INT(cs_b64_decode_cert(s, strlen(s), &out, &err), 5);
	CHECK_MEM(out.data, out.len, "ManMa", 5);
	s = "TWFu*";
	memset(&err, 0, sizeof(err));
	CHECK_INT(cs_b64_decode_cert(s, strlen(s), &out, &err), -1);
	CHECK_INT(err.code, CS_EPARSE);
	/* Bad base64 inside a block */
	s = "-----BEGIN CERTIFICATE-----\nTW*u\n-----END CERTIFICATE-----\n";
	memset(&err, 0, sizeof(err));
	CHECK_INT(cs_b64_decode_cert(s, strlen(s), &out, &err), -1);
	CHECK(strstr(err.msg, "invalid base64 character 0x2a") != NULL);
	/* An empty block */
	s = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
	CHECK_INT(cs_b64_decode_cert(s, strlen(s), &out, &err), 0);
}

static void
test_pem_no_end(void)
{
	const char *s = "-----BEGIN CERTIFICATE-----\nTWFu\nTWE=\n";

	memset(&err, 0, sizeof(err));
	CHECK_INT(cs_b64_decode_cert(s, strlen(s), &out, &err), -1);
	CHECK_INT(err.code, CS_EPARSE);
	CHECK(strstr(err.msg, "without END") != NULL);
	/* An END of another kind does not end it. */
	s = "-----BEGIN CERTIFICATE-----\nTWFu\n-----END PRIVATE KEY-----\n";
	memset(&err, 0, sizeof(err));
	CHECK_INT(cs_b64_decode_cert(s, strlen(s), &out, &err), -1);
	CHECK(strstr(err.msg, "without END") != NULL);
	/* END cut short by the length given */
	s = "-----BEGIN CERTIFICATE-----\nTWFu\n-----END CERTIFICATE-----\n";
	memset(&err, 0, sizeof(err));
	CHECK_INT(cs_b64_decode_cert(s, strlen(s) - 3, &out, &err), -1);
	CHECK(strstr(err.msg, "without END") != NULL);
}

static void
test_pem_not_cert(void)
{
	static const char *const bad[] = {
		"-----BEGIN PRIVATE KEY-----\nTWFu\n-----END PRIVATE KEY-----\n",
		"-----BEGIN X509 CRL-----\nTWFu\n-----END X509 CRL-----\n",
		"-----BEGIN TRUSTED CERTIFICATE-----\nTWFu\n"
		    "-----END TRUSTED CERTIFICATE-----\n",
		"-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n"
		    "-----END CERTIFICATE REQUEST-----\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		CHECK_INT(cs_b64_decode_cert(bad[i], strlen(bad[i]), &out,
		    &err), -1);
		CHECK_INT(err.code, CS_EPARSE);
		CHECK(strstr(err.msg, "not a certificate") != NULL);
	}
}

/* A real certificate: the DER's outer SEQUENCE length matches. */
static void
test_real_cert(void)
{
	char *pem;
	size_t n;
	long r;

	if ((pem = t_read_file(VEC "/cryptography.io.pem", &n)) == NULL)
		return;
	r = cs_b64_decode_cert(pem, n, &out, &err);
	CHECK(r > 4);
	if (r > 4) {
		CHECK_INT(out.data[0], 0x30);
		CHECK_INT(out.data[1], 0x82);
		CHECK_INT((out.data[2] << 8 | out.data[3]) + 4, r);
	}
	free(pem);
}

/* The number of '\n'-ended lines of s, checking each is at most 64
 * columns and all but the last exactly 64. */
static int
pem_lines_ok(const char *s, size_t n)
{
	size_t i, col = 0, lines = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (col == 0 || col > 64 || (i + 1 < n && col != 64))
				return 0;
			col = 0;
			lines++;
		} else
			col++;
	}
	return col == 0;
}

static void
test_encode_pem(void)
{
	struct cs_buf enc = CS_BUF_INIT, back = CS_BUF_INIT;
	unsigned char data[300];
	size_t n, i, bad_lines = 0, bad_round = 0, bad_len = 0;
	unsigned int seed = 12345;

	/* Known values */
	CHECK_INT(cs_b64_encode_pem((const unsigned char *)"Man", 3, &enc,
	    &err), 0);
	CHECK_STR((char *)enc.data, "TWFu\n");
	/* It appends. */
	CHECK_INT(cs_b64_encode_pem((const unsigned char *)"Ma", 2, &enc,
	    &err), 0);
	CHECK_STR((char *)enc.data, "TWFu\nTWE=\n");
	cs_buf_reset(&enc);
	CHECK_INT(cs_b64_encode_pem((const unsigned char *)"M", 1, &enc,
	    &err), 0);
	CHECK_STR((char *)enc.data, "TQ==\n");
	cs_buf_reset(&enc);
	CHECK_INT(cs_b64_encode_pem((const unsigned char *)"", 0, &enc,
	    &err), 0);
	CHECK_INT(enc.len, 0);
	/* 48 bytes: exactly one full line */
	memset(data, 0xff, 49);
	cs_buf_reset(&enc);
	CHECK_INT(cs_b64_encode_pem(data, 48, &enc, &err), 0);
	CHECK_INT(enc.len, 65);
	CHECK(enc.len == 65 && enc.data[64] == '\n' &&
	    strspn((char *)enc.data, "/") == 64);
	/* 49 bytes: a full line and "/w==" */
	cs_buf_reset(&enc);
	CHECK_INT(cs_b64_encode_pem(data, 49, &enc, &err), 0);
	CHECK_STR((char *)enc.data + 65, "/w==\n");

	/* Every length up to 300, pseudo-random bytes: 64-column lines,
	 * and decoding gives the bytes back. */
	for (n = 0; n <= sizeof(data); n++) {
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			data[i] = (unsigned char)(seed >> 16);
		}
		cs_buf_reset(&enc);
		if (cs_b64_encode_pem(data, n, &enc, &err) != 0) {
			bad_round++;
			continue;
		}
		if (enc.len != (n + 2) / 3 * 4 + (n + 47) / 48)
			bad_len++;
		if (!pem_lines_ok((char *)enc.data, enc.len))
			bad_lines++;
		if (cs_b64_decode((char *)enc.data, enc.len, &back, &err) !=
		    (long)n || (n > 0 && memcmp(back.data, data, n) != 0))
			bad_round++;
	}
	CHECK_INT(bad_len, 0);
	CHECK_INT(bad_lines, 0);
	CHECK_INT(bad_round, 0);
	cs_buf_release(&enc);
	cs_buf_release(&back);
}

int
main(void)
{
	test_plain();
	test_no_padding();
	test_whitespace();
	test_invalid_chars();
	test_bad_padding();
	test_data_after_pad();
	test_truncated();
	test_empty();
	test_pem();
	test_pem_no_end();
	test_pem_not_cert();
	test_real_cert();
	test_encode_pem();
	cs_buf_release(&out);
	return t_done();
}
