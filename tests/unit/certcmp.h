#ifndef CERTSIFT_CERTCMP_H
#define CERTSIFT_CERTCMP_H

/*
 * For the x509 tests and fuzz harness: comparing two certificate
 * summaries field by field, and the signature check that summarise() in
 * x509.c made before cs_x509_self_signed().
 */

#include <stddef.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "certsift/x509.h"

static int
str_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static int
list_eq(char **a, size_t an, char **b, size_t bn)
{
	size_t i;

	if (an != bn)
		return 0;
	for (i = 0; i < an; i++)
		if (!str_eq(a[i], b[i]))
			return 0;
	return 1;
}

static int
bytes_eq(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	if (a == NULL || b == NULL)
		return a == b && an == bn;
	return an == bn && memcmp(a, b, an) == 0;
}

/* The first field where a and b differ, or NULL. */
static const char *
cert_differ(const struct cs_cert *a, const struct cs_cert *b)
{
	if (!str_eq(a->subject, b->subject))
		return "subject";
	if (!str_eq(a->issuer, b->issuer))
		return "issuer";
	if (!str_eq(a->serial, b->serial))
		return "serial";
	if (a->not_before != b->not_before || a->not_after != b->not_after)
		return "validity";
	if (!str_eq(a->ski, b->ski))
		return "ski";
	if (!str_eq(a->aki, b->aki))
		return "aki";
	if (!str_eq(a->key, b->key))
		return "key";
	if (!str_eq(a->sig_alg, b->sig_alg))
		return "sig_alg";
	if (a->is_ca != b->is_ca)
		return "is_ca";
	if (a->self_signed != b->self_signed)
		return "self_signed";
	if (!list_eq(a->san, a->nsan, b->san, b->nsan))
		return "san";
	if (!list_eq(a->aia, a->naia, b->aia, b->naia))
		return "aia";
	if (memcmp(a->sha256, b->sha256, 32) != 0)
		return "sha256";
	if (!bytes_eq(a->subject_der, a->subject_der_len, b->subject_der,
	    b->subject_der_len))
		return "subject_der";
	if (!bytes_eq(a->issuer_der, a->issuer_der_len, b->issuer_der,
	    b->issuer_der_len))
		return "issuer_der";
	return NULL;
}

/* Which of the facts beyond the summary (x509.h) differ, or NULL. */
static inline const char *
facts_differ(const struct cs_cert *a, const struct cs_cert *b)
{
	if (a->facts != b->facts)
		return "facts";
	if (a->facts != CS_FACTS_SET)
		return NULL;
	if (a->version != b->version)
		return "version";
	if (memcmp(a->spki_sha256, b->spki_sha256, 32) != 0)
		return "spki_sha256";
	if ((a->san_der == NULL) != (b->san_der == NULL) ||
	    !bytes_eq(a->san_der, a->san_der_len, b->san_der, b->san_der_len))
		return "san_der";
	return NULL;
}

/*
 * Whether der's signature verifies with its own key as OpenSSL decodes
 * both, then X509_verify(). 0 when OpenSSL does not decode der.
 */
static int
own_signature(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *k;
	X509 *x;
	int ok;

	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
		return 0;
	ok = (k = X509_get0_pubkey(x)) != NULL && X509_verify(x, k) == 1;
	X509_free(x);
	ERR_clear_error();
	return ok;
}

#endif
