#ifndef CERTSIFT_OWNSIG_H
#define CERTSIFT_OWNSIG_H

/*
 * For tests and fuzz harnesses: whether a certificate's signature verifies
 * with its own key the way summarise() in x509.c checked it before
 * cs_x509_self_signed(): OpenSSL decodes the certificate and the key, then
 * X509_verify(). 0 when OpenSSL does not decode der.
 */

#include <stddef.h>

#include <openssl/err.h>
#include <openssl/x509.h>

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
