#ifndef CERTSIFT_X509_INT_H
#define CERTSIFT_X509_INT_H

/*
 * The two ways cs_x509_parse() summarises a certificate, OpenSSL's and a
 * reader of the common shape of DER that defers to it when unsure, and
 * the check of a self-signed certificate's signature they share. Tests
 * compare them.
 */

#include <stddef.h>
#include <stdint.h>

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
 * when der is exactly one certificate OpenSSL's decoder accepts (so
 * cs_x509_check() passes it) and *out holds exactly what
 * cs_x509_parse_openssl() gives for it; 0 when der is not a certificate,
 * or one of a shape this reader leaves to OpenSSL (*out untouched); -1
 * when out of memory (*out untouched).
 */
int	cs_x509_fast(const unsigned char *der, size_t len, struct cs_cert *out);

/*
 * Whether X509_verify() finds the signature of der, a certificate OpenSSL
 * decodes, made by the certificate's own key: 1 or 0, without OpenSSL's
 * decoding of the key (some 100 us). Returns -1 when it would take that:
 * a signature other than PKCS #1 v1.5 RSA or ECDSA with a digest, a key
 * other than RSA or an uncompressed point on a NIST curve, or DER it does
 * not read.
 */
int	cs_x509_self_signed(const unsigned char *der, size_t len);

/*
 * What a certificate holds beyond its summary, for diagnoses (causes.c).
 * Pointers are into the DER given.
 */
struct cs_x509_facts {
	int			 version;	/* 1, 2, 3 */
	int64_t			 not_before;	/* epoch seconds */
	int64_t			 not_after;
	const unsigned char	*spki;		/* the whole element */
	size_t			 spki_len;
	int			 has_san;	/* a subjectAltName extension */
	const unsigned char	*san;		/* its GeneralNames' contents */
	size_t			 san_len;
};

/* Reads them from der, a certificate OpenSSL decodes: 0, or -1 when the
 * DER is not of a shape this reads. */
int	cs_x509_facts(const unsigned char *der, size_t len,
	    struct cs_x509_facts *f);

enum { CS_SAN_DNS, CS_SAN_IP, CS_SAN_OTHER };

/*
 * The next GeneralName of [*p, end): its kind (CS_SAN_*) and contents
 * (a dNSName's text, an iPAddress's 4 or 16 octets). Returns 1, or 0 at
 * the end or at bytes that do not read.
 */
int	cs_x509_san_next(const unsigned char **p, const unsigned char *end,
	    int *type, const unsigned char **v, size_t *vlen);

#endif
