/*
 * Certificate summaries: cs_x509_parse() on arbitrary bytes; a summary it
 * returns survives cs_cert_encode() and cs_cert_decode() field for field.
 * cs_x509_parse() must give what cs_x509_parse_openssl() gives, summary or
 * reason. Where cs_x509_fast() answers, OpenSSL must decode the bytes (the
 * fast path vouched for that) and summarise them the same way; where
 * cs_x509_self_signed() answers for bytes OpenSSL decodes, it must be
 * X509_verify()'s verdict with the key OpenSSL decodes. Also feeds the
 * bytes to cs_x509_name_cmp() and cs_cert_decode().
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/x509.h"
#include "certcmp.h"
#include "x509_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_x509: %s\n", what);
	abort();
}

/* Aborts when a and b differ; where says which summaries they are. */
static void
compare(const struct cs_cert *a, const struct cs_cert *b, const char *where)
{
	const char *what = cert_differ(a, b);

	if (what != NULL) {
		fprintf(stderr, "fuzz_x509: %s differs %s\n", what, where);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_cert c = CS_CERT_INIT, d = CS_CERT_INIT, e = CS_CERT_INIT,
	    f = CS_CERT_INIT, o = CS_CERT_INIT;
	struct cs_buf enc = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT, oerr = CS_ERR_INIT;
	unsigned char *der, *t;
	int ok, ro, self;

	if ((der = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(der, data, size);
	ERR_clear_error();
	ok = cs_x509_parse(der, size, &c, &err) == 0;
	if (ERR_peek_error() != 0)
		fail("cs_x509_parse() leaves OpenSSL errors queued");
	if (!ok && (err.code == CS_EOK || err.msg[0] == '\0'))
		fail("rejected without a reason");
	ro = cs_x509_parse_openssl(der, size, &o, &oerr);
	if (ok != (ro == 0))
		fail("cs_x509_parse() and the OpenSSL path disagree");
	if (ok)
		compare(&c, &o, "between cs_x509_parse() and the OpenSSL path");
	else if (err.code != oerr.code || strcmp(err.msg, oerr.msg) != 0)
		fail("cs_x509_parse() and the OpenSSL path give other reasons");
	if (ok) {
		if (cs_x509_check(der, size, &err) != 0)
			fail("parse accepts what check rejects");
		if (c.subject == NULL || c.issuer == NULL || c.serial == NULL ||
		    c.key == NULL || c.sig_alg == NULL ||
		    c.subject_der == NULL || c.issuer_der == NULL)
			fail("a mandatory field is NULL");
		if (cs_x509_name_cmp(c.subject_der, c.subject_der_len,
		    c.subject_der, c.subject_der_len) != 0)
			fail("subject does not compare equal to itself");
		if (cs_cert_encode(&c, &enc, &err) != 0)
			fail("cannot encode a parsed summary");
		if (cs_cert_decode(enc.data, enc.len, &d, &err) != 0)
			fail("cannot decode an encoded summary");
		compare(&c, &d, "in the round trip");
		if (facts_differ(&c, &d) != NULL) {
			fprintf(stderr, "fuzz_x509: %s differs in the round "
			    "trip\n", facts_differ(&c, &d));
			abort();
		}
		/* A truncated record must be refused, not overread. */
		if ((t = malloc(enc.len - 1)) == NULL)
			abort();
		memcpy(t, enc.data, enc.len - 1);
		if (cs_cert_decode(t, enc.len - 1, &e, &err) == 0)
			fail("decoded a truncated summary");
		free(t);
	}
	if (cs_x509_fast(der, size, &f) == 1) {
		if (cs_x509_check(der, size, &err) != 0)
			fail("the fast path vouched for what OpenSSL rejects");
		if (ro != 0)
			fail("the fast path reads what OpenSSL cannot");
		compare(&f, &o, "between the fast and the OpenSSL paths");
	}
	if (cs_x509_check(der, size, &err) == 0 &&
	    (self = cs_x509_self_signed(der, size)) != -1 &&
	    self != own_signature(der, size))
		fail("cs_x509_self_signed() is not X509_verify()'s verdict");
	/* The raw bytes as a name and as a stored summary. */
	(void)cs_x509_name_cmp(der, size, der, size);
	if (cs_cert_decode(der, size, &e, &err) == 0)
		cs_cert_release(&e);
	cs_cert_release(&c);
	cs_cert_release(&d);
	cs_cert_release(&f);
	cs_cert_release(&o);
	cs_buf_release(&enc);
	free(der);
	return 0;
}
