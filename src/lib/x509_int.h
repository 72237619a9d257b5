#ifndef CERTSIFT_X509_INT_H
#define CERTSIFT_X509_INT_H

/*
 * The library's one reader of DER (x509_der.c) and what it answers
 * beyond the public x509.h: the two ways cs_x509_parse() summarises a
 * certificate, OpenSSL's (x509.c) and a reader of the common shape of DER
 * that defers to it when unsure (tests compare them); the check of a
 * self-signed certificate's signature they share; a certificate's facts
 * for causes.c; and for missing.c, an issuer's signature checked without
 * decoding the certificate, and a key for X.509 names.
 *
 * Threads: every function may be called from several threads at once;
 * a cs_x509_verifier belongs to one thread at a time.
 */

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

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

/*
 * The facts cs_x509_parse() keeps in a summary (x509.h: facts, version,
 * spki_sha256, san_der), read from der into c; c->san_der then points
 * into der: c is not released with it (cs_x509_parse() copies it).
 */
void	cs_x509_facts_of(const unsigned char *der, size_t len,
	    struct cs_cert *c);

enum { CS_SAN_DNS, CS_SAN_IP, CS_SAN_OTHER };

/*
 * The next GeneralName of [*p, end): its kind (CS_SAN_*) and contents
 * (a dNSName's text, an iPAddress's 4 or 16 octets). Returns 1, or 0 at
 * the end or at bytes that do not read.
 */
int	cs_x509_san_next(const unsigned char **p, const unsigned char *end,
	    int *type, const unsigned char **v, size_t *vlen);

/*
 * The parts of a certificate its issuer's signature covers, as whole
 * elements (identifier, length, contents) inside the DER they were read
 * from.
 */
struct cs_x509_signed {
	const unsigned char	*tbs;		/* tbsCertificate */
	size_t			 tbs_len;
	const unsigned char	*alg;		/* signatureAlgorithm */
	size_t			 alg_len;
	const unsigned char	*sig;		/* signatureValue */
	size_t			 sig_len;
	const unsigned char	*spki;		/* subjectPublicKeyInfo */
	size_t			 spki_len;
};

/*
 * Finds them in der (any bytes; BER lengths are read, since OpenSSL
 * accepts them): 0, or -1 when der does not read or its two
 * AlgorithmIdentifiers differ (X509_verify() refuses those).
 */
int	cs_x509_split(const unsigned char *der, size_t len,
	    struct cs_x509_signed *pt);

/* The certificate's public key, or NULL; the caller frees it. */
EVP_PKEY *cs_x509_pubkey(const unsigned char *der, size_t len);

/*
 * Checks one certificate's signature with the keys of its candidate
 * issuers, keeping between checks the last key made ready for one
 * algorithm (a run sorted by issuer reuses it) and the certificate's
 * digest. _init, then per certificate _begin and a _check per key;
 * _release frees it (NULL is fine).
 */
struct cs_x509_verifier {
	EVP_PKEY		*pkey;		/* pctx is ready for it, */
	const unsigned char	*alg;		/* for this algorithm */
	size_t			 alg_len;
	EVP_PKEY_CTX		*pctx;		/* NULL: the long way */
	EVP_MD			*md;
	int			 mdnid;
	struct cs_x509_signed	 pt;		/* the certificate's */
	const unsigned char	*sigv;		/* the signature's octets */
	size_t			 sigv_len;
	unsigned char		 digest[EVP_MAX_MD_SIZE];
	unsigned int		 digest_len;
	int			 have_md;
};

void	cs_x509_verifier_init(struct cs_x509_verifier *v);
void	cs_x509_verifier_release(struct cs_x509_verifier *v);

/*
 * Starts on the certificate der, which must stay until the next _begin:
 * 0, or -1 when its signature cannot be checked (it does not read, or the
 * BIT STRING has unused bits).
 */
int	cs_x509_verifier_begin(struct cs_x509_verifier *v,
	    const unsigned char *der, size_t len);

/*
 * Whether pk made the certificate's signature, as X509_verify() would
 * find: 1 or 0; -1 when the digest failed (no other key will do
 * better).
 */
int	cs_x509_verifier_check(struct cs_x509_verifier *v, EVP_PKEY *pk);

/*
 * A key for an X.509 name (DER) such that names cs_x509_name_cmp() finds
 * equal have equal keys. OpenSSL compares a canonical form (string types
 * converted to UTF-8, ASCII lower-cased, spaces folded, each RDN
 * re-sorted); this keeps less: the attribute types and the ASCII letters
 * and digits of the string values, per RDN in any order. Equal keys are
 * to be confirmed with cs_x509_name_cmp().
 */
uint64_t cs_x509_name_key(const unsigned char *der, size_t len);

/*
 * The digest md of p[0..n) into out, through ctx (one per thread, made
 * once): EVP_Digest() allocates and frees a context every call, which
 * for a million 64-byte inputs costs more than the hashing. 1, or 0 when
 * it failed.
 */
static inline int
cs_digest(EVP_MD_CTX *ctx, const EVP_MD *md, const void *p, size_t n,
    unsigned char *out)
{
	return EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, p, n) == 1 &&
	    EVP_DigestFinal_ex(ctx, out, NULL) == 1;
}

#endif
