#ifndef CERTSIFT_X509_H
#define CERTSIFT_X509_H

/*
 * The summary of a certificate, parsed once from its DER. Every function
 * may be called from several threads at once, each on its own cs_cert
 * (ingest's workers parse side by side).
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/buf.h"
#include "certsift/err.h"

struct cs_cert {
	char		*subject;	/* RFC 4514, UTF-8 */
	char		*issuer;
	char		*serial;	/* lowercase hex */
	int64_t		 not_before;	/* epoch seconds */
	int64_t		 not_after;
	char		*ski;		/* lowercase hex, or NULL */
	char		*aki;		/* keyIdentifier, or NULL */
	char		*key;		/* "RSA-2048", "EC-P-256", "Ed25519" */
	char		*sig_alg;	/* OpenSSL's long name */
	int		 is_ca;
	int		 self_signed;
	char		**san;		/* DNS names and IP addresses, ... */
	size_t		 nsan;
	char		**aia;		/* caIssuers URLs */
	size_t		 naia;
	unsigned char	 sha256[32];
	unsigned char	*subject_der;	/* the names as DER, to compare */
	size_t		 subject_der_len;
	unsigned char	*issuer_der;
	size_t		 issuer_der_len;
	void		*block;		/* cs_cert_decode(): holds them all */
};

#define CS_CERT_INIT { 0 }

/*
 * Parses DER into *out. Trailing bytes after the certificate make it
 * invalid. Returns 0, or -1 (CS_EX509) with the reason; *out then holds
 * nothing to release. Release *out with cs_cert_release().
 */
int	cs_x509_parse(const unsigned char *der, size_t len, struct cs_cert *out,
	    struct cs_err *err);

/* Whether OpenSSL parses der as exactly one certificate: 0 or -1. */
int	cs_x509_check(const unsigned char *der, size_t len, struct cs_err *err);

void	cs_cert_release(struct cs_cert *c);

/* Serialises a summary (for the store) and reads it back. */
int	cs_cert_encode(const struct cs_cert *c, struct cs_buf *out,
	    struct cs_err *err);
int	cs_cert_decode(const void *p, size_t n, struct cs_cert *out,
	    struct cs_err *err);

/*
 * Compares two names given as DER the way OpenSSL's X509_NAME_cmp() does
 * (string types, case and spacing folded). Returns <0, 0, >0; a name that
 * does not decode sorts after every other.
 */
int	cs_x509_name_cmp(const unsigned char *a, size_t alen,
	    const unsigned char *b, size_t blen);

#endif
