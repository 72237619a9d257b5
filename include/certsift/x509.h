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
	/*
	 * What the DER holds beyond the fields above, for the diagnoses
	 * (causes.h): cs_x509_parse() reads them, summaries keep them from
	 * their version 2 on (cs_cert_encode()), so a query need not read
	 * the DER again. facts says which (CS_FACTS_*); the rest is set
	 * when it is CS_FACTS_SET.
	 */
	int		 facts;
	int		 version;	/* 1, 2, 3 */
	unsigned char	 spki_sha256[32];	/* of subjectPublicKeyInfo */
	unsigned char	*san_der;	/* subjectAltName's GeneralNames'
					   contents, or NULL without one */
	size_t		 san_der_len;
	void		*block;		/* cs_cert_decode(): holds them all */
};

#define CS_FACTS_UNKNOWN	0	/* not read (a version 1 summary) */
#define CS_FACTS_SET		1
#define CS_FACTS_UNREAD		2	/* DER of a shape they are not read from */

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

/*
 * Serialises a summary (for the store) and reads it back. The encoding is
 * version 2 when c's facts were read (facts not CS_FACTS_UNKNOWN), else
 * version 1, which the stores made before version 2 hold; both decode.
 */
int	cs_cert_encode(const struct cs_cert *c, struct cs_buf *out,
	    struct cs_err *err);
int	cs_cert_decode(const void *p, size_t n, struct cs_cert *out,
	    struct cs_err *err);
/* The version of an encoded summary (its first byte), 0 when none. */
int	cs_cert_summary_version(const void *p, size_t n);

/*
 * Compares two names given as DER the way OpenSSL's X509_NAME_cmp() does
 * (string types, case and spacing folded). Returns <0, 0, >0; a name that
 * does not decode sorts after every other.
 */
int	cs_x509_name_cmp(const unsigned char *a, size_t alen,
	    const unsigned char *b, size_t blen);

#endif
