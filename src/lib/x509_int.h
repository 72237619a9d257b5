#ifndef CERTSIFT_X509_INT_H
#define CERTSIFT_X509_INT_H

/*
 * The two ways cs_x509_parse() summarises a certificate: OpenSSL's, and a
 * reader of the common shape of DER that defers to it when unsure. Tests
 * compare them.
 */

#include <stddef.h>

#include "certsift/err.h"
#include "certsift/x509.h"

/*
 * Summarises der the way cs_x509_parse() does it without cs_x509_fast():
 * OpenSSL decodes it and answers every field. Same contract.
 */
int	cs_x509_parse_openssl(const unsigned char *der, size_t len,
	    struct cs_cert *out, struct cs_err *err);

/*
 * Reads the summary straight from der, which may be any bytes. Returns 1
 * when *out holds exactly what cs_x509_parse_openssl() gives for der
 * (provided OpenSSL decodes it at all: the caller checks that); 0 when the
 * certificate has a shape this reader leaves to OpenSSL (*out untouched);
 * -1 when out of memory (*out untouched).
 */
int	cs_x509_fast(const unsigned char *der, size_t len, struct cs_cert *out);

/* The lowercase hex of p[0..n), malloc'ed; NULL when out of memory. */
char	*cs_x509_hex(const unsigned char *p, size_t n);

#endif
