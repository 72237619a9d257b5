#include "certsift/x509.h"

#include <arpa/inet.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certsift/date.h"
#include "certsift/hex.h"
#include "x509_int.h"

/* A copy of an ASN.1 string's bytes as a C string; NUL bytes, which a
 * forged certificate may hold, become '?'. */
static char *
asn1_dup(const unsigned char *p, int n)
{
	char *s;
	int i;

	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		s[i] = p[i] == '\0' ? '?' : (char)p[i];
	s[n] = '\0';
	return s;
}

static char *
name_string(const X509_NAME *name)
{
	BIO *b;
	char *s = NULL, *data;
	long n;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &data);
		s = asn1_dup((const unsigned char *)data, (int)n);
	}
	BIO_free(b);
	return s;
}

static int
asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = cs_date_days(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
	    (unsigned)tm.tm_mday) * 86400 + tm.tm_hour * 3600 +
	    tm.tm_min * 60 + tm.tm_sec;
	return 0;
}

/* The number of bits of the first INTEGER in a DER SEQUENCE (an RSA
 * modulus, a DSA p), or 0. */
static int
first_int_bits(const unsigned char *p, long n)
{
	STACK_OF(ASN1_TYPE) *seq;
	ASN1_TYPE *t;
	BIGNUM *bn;
	int bits = 0;

	if ((seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, n)) == NULL)
		return 0;
	if (sk_ASN1_TYPE_num(seq) > 0 && (t = sk_ASN1_TYPE_value(seq, 0))
	    != NULL && t->type == V_ASN1_INTEGER &&
	    (bn = ASN1_INTEGER_to_BN(t->value.integer, NULL)) != NULL) {
		bits = BN_num_bits(bn);
		BN_free(bn);
	}
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	return bits;
}

/*
 * The key's type and size, read from the SubjectPublicKeyInfo itself:
 * OpenSSL 3.0 decodes keys through its provider decoders at some 100 us a
 * key, which would make this the slowest step of ingest.
 */
static char *
key_name(X509 *x)
{
	const unsigned char *kp;
	const ASN1_OBJECT *alg;
	const void *pval;
	const X509_ALGOR *a;
	X509_ALGOR *aw;
	const char *nist;
	char buf[96];
	int kl, ptype, nid;

	if (!X509_PUBKEY_get0_param(NULL, &kp, &kl, &aw,
	    X509_get_X509_PUBKEY(x)) || aw == NULL)
		return strdup("unknown");
	a = aw;
	X509_ALGOR_get0(&alg, &ptype, &pval, a);
	switch ((nid = OBJ_obj2nid(alg))) {
	case NID_rsaEncryption:
		snprintf(buf, sizeof(buf), "RSA-%d", first_int_bits(kp, kl));
		break;
	case NID_rsassaPss:
		snprintf(buf, sizeof(buf), "RSA-PSS-%d",
		    first_int_bits(kp, kl));
		break;
	case NID_dsa:
		if (ptype == V_ASN1_SEQUENCE) {
			const ASN1_STRING *s = pval;

			snprintf(buf, sizeof(buf), "DSA-%d", first_int_bits(
			    ASN1_STRING_get0_data(s), ASN1_STRING_length(s)));
		} else
			strcpy(buf, "DSA");
		break;
	case NID_X9_62_id_ecPublicKey:
		if (ptype == V_ASN1_OBJECT) {
			int cnid = OBJ_obj2nid(pval);

			nist = EC_curve_nid2nist(cnid);
			snprintf(buf, sizeof(buf), "EC-%s", nist != NULL ? nist :
			    cnid != NID_undef ? OBJ_nid2sn(cnid) : "unknown");
		} else
			strcpy(buf, "EC-explicit");
		break;
	case NID_ED25519:
		strcpy(buf, "Ed25519");
		break;
	case NID_ED448:
		strcpy(buf, "Ed448");
		break;
	default:
		if (nid != NID_undef)
			snprintf(buf, sizeof(buf), "%s", OBJ_nid2sn(nid));
		else
			OBJ_obj2txt(buf, sizeof(buf), alg, 1);
	}
	return strdup(buf);
}

static char *
sig_name(const X509 *x)
{
	const X509_ALGOR *alg;
	const ASN1_OBJECT *obj;
	char buf[128];
	int nid = X509_get_signature_nid(x);

	if (nid != NID_undef)
		return strdup(OBJ_nid2ln(nid));
	X509_get0_signature(NULL, &alg, x);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	OBJ_obj2txt(buf, sizeof(buf), obj, 1);
	return strdup(buf);
}

static int
push(char ***list, size_t *n, char *s)
{
	char **l;

	if (s == NULL)
		return -1;
	if ((l = reallocarray(*list, *n + 1, sizeof(*l))) == NULL) {
		free(s);
		return -1;
	}
	l[(*n)++] = s;
	*list = l;
	return 0;
}

static int
general_names(X509 *x, struct cs_cert *c)
{
	GENERAL_NAMES *gens;
	char buf[INET6_ADDRSTRLEN + 16], *s;
	int i, rc = 0;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *str;

		s = NULL;
		switch (g->type) {
		case GEN_DNS:
			str = g->d.dNSName;
			s = asn1_dup(ASN1_STRING_get0_data(str),
			    ASN1_STRING_length(str));
			break;
		case GEN_IPADD:
			str = g->d.iPAddress;
			if (ASN1_STRING_length(str) == 4)
				inet_ntop(AF_INET, ASN1_STRING_get0_data(str),
				    buf, sizeof(buf));
			else if (ASN1_STRING_length(str) == 16)
				inet_ntop(AF_INET6, ASN1_STRING_get0_data(str),
				    buf, sizeof(buf));
			else
				break;
			s = strdup(buf);
			break;
		case GEN_EMAIL:
		case GEN_URI:
			str = g->type == GEN_EMAIL ? g->d.rfc822Name :
			    g->d.uniformResourceIdentifier;
			s = asn1_dup(ASN1_STRING_get0_data(str),
			    ASN1_STRING_length(str));
			if (s != NULL) {
				char *t = malloc(strlen(s) + 8);

				if (t != NULL)
					sprintf(t, "%s:%s", g->type ==
					    GEN_EMAIL ? "email" : "URI", s);
				free(s);
				s = t;
			}
			break;
		default:
			continue;
		}
		if (g->type == GEN_IPADD && s == NULL)
			continue;
		if (push(&c->san, &c->nsan, s) == -1) {
			rc = -1;
			break;
		}
	}
	GENERAL_NAMES_free(gens);
	return rc;
}

static int
ca_issuers(X509 *x, struct cs_cert *c)
{
	AUTHORITY_INFO_ACCESS *aia;
	int i, rc = 0;

	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	for (i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		const ACCESS_DESCRIPTION *ad =
		    sk_ACCESS_DESCRIPTION_value(aia, i);
		const ASN1_STRING *u;

		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers ||
		    ad->location->type != GEN_URI)
			continue;
		u = ad->location->d.uniformResourceIdentifier;
		if (push(&c->aia, &c->naia, asn1_dup(ASN1_STRING_get0_data(u),
		    ASN1_STRING_length(u))) == -1) {
			rc = -1;
			break;
		}
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	return rc;
}

/*
 * A library context with no providers: d2i_X509() decodes the public key
 * "opportunistically" through the providers, which costs OpenSSL 3.0 ten
 * times the rest of the parse; with none, the key stays undecoded and the
 * verdict on the DER is the same.
 */
/* Made once, under pthread_once(), and constant after (as x509_der.c's
 * OID table): threads share it safely. */
static OSSL_LIB_CTX *null_ctx;
static pthread_once_t null_once = PTHREAD_ONCE_INIT;

static void
null_init(void)
{
	if ((null_ctx = OSSL_LIB_CTX_new()) != NULL &&
	    OSSL_PROVIDER_load(null_ctx, "null") == NULL) {
		OSSL_LIB_CTX_free(null_ctx);
		null_ctx = NULL;
	}
}

static X509 *
decode(const unsigned char *der, size_t len, struct cs_err *err)
{
	const unsigned char *p = der;
	X509 *x = NULL;

	if (len > INT_MAX) {
		cs_err_set(err, CS_EX509, "DER too large (%zu bytes)", len);
		return NULL;
	}
	pthread_once(&null_once, null_init);
	if (null_ctx != NULL && (x = X509_new_ex(null_ctx, NULL)) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		return NULL;
	}
	if (d2i_X509(&x, &p, (long)len) == NULL) {
		X509_free(x);
		cs_err_openssl(err, CS_EX509, "not a certificate");
		return NULL;
	}
	if (p != der + len) {
		X509_free(x);
		cs_err_set(err, CS_EX509, "%zu bytes after the certificate",
		    (size_t)(der + len - p));
		return NULL;
	}
	return x;
}

int
cs_x509_check(const unsigned char *der, size_t len, struct cs_err *err)
{
	X509 *x;

	if ((x = decode(der, len, err)) == NULL)
		return -1;
	X509_free(x);
	return 0;
}

static unsigned char *
name_der(const X509_NAME *name, size_t *len)
{
	unsigned char *p = NULL;
	int n;

	if ((n = i2d_X509_NAME(name, &p)) < 0)
		return NULL;
	*len = (size_t)n;
	return p;
}

/* The summary of x, decoded from der, the OpenSSL way. */
/* The key identifiers (hex, or NULL) and whether it is a CA. */
static void
extensions(X509 *x, struct cs_cert *c)
{
	const ASN1_OCTET_STRING *id;
	ASN1_OCTET_STRING *ski;
	AUTHORITY_KEYID *akid;
	BASIC_CONSTRAINTS *bc;

	if ((ski = X509_get_ext_d2i(x, NID_subject_key_identifier, NULL,
	    NULL)) != NULL) {
		c->ski = cs_hex_dup(ASN1_STRING_get0_data(ski), (size_t)
		    ASN1_STRING_length(ski));
		ASN1_OCTET_STRING_free(ski);
	}
	if ((akid = X509_get_ext_d2i(x, NID_authority_key_identifier, NULL,
	    NULL)) != NULL) {
		if ((id = akid->keyid) != NULL)
			c->aki = cs_hex_dup(ASN1_STRING_get0_data(id), (size_t)
			    ASN1_STRING_length(id));
		AUTHORITY_KEYID_free(akid);
	}
	if ((bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL))
	    != NULL) {
		c->is_ca = bc->ca != 0;
		BASIC_CONSTRAINTS_free(bc);
	}
}

/* Whether x, named its own issuer, carries its own key's signature. */
static int
self_signed(X509 *x, const unsigned char *der, size_t len)
{
	int ss = 0;

	if (X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0 &&
	    (ss = cs_x509_self_signed(der, len)) == -1) {
		/* An uncommon key: decoded for real, and X509_verify(). */
		const unsigned char *p = der;
		X509 *full = d2i_X509(NULL, &p, (long)len);
		EVP_PKEY *pk = full != NULL ? X509_get0_pubkey(full) : NULL;

		ss = pk != NULL && X509_verify(full, pk) == 1;
		X509_free(full);
	}
	return ss;
}

static int
summarise(X509 *x, const unsigned char *der, size_t len, struct cs_cert *out,
    struct cs_err *err)
{
	struct cs_cert c;
	BIGNUM *bn = NULL;
	char *s;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	SHA256(der, len, c.sha256);
	if ((c.subject = name_string(X509_get_subject_name(x))) == NULL ||
	    (c.issuer = name_string(X509_get_issuer_name(x))) == NULL) {
		cs_err_set(err, CS_ENOMEM, "cannot print names");
		goto out;
	}
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) == NULL
	    || (s = BN_bn2hex(bn)) == NULL) {
		cs_err_openssl(err, CS_EX509, "cannot read serial");
		goto out;
	}
	c.serial = strdup(s);
	OPENSSL_free(s);
	for (s = c.serial; s != NULL && *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'F')
			*s += 'a' - 'A';
	if (asn1_time(X509_get0_notBefore(x), &c.not_before) == -1 ||
	    asn1_time(X509_get0_notAfter(x), &c.not_after) == -1) {
		cs_err_set(err, CS_EX509, "cannot read validity");
		goto out;
	}
	extensions(x, &c);
	c.self_signed = self_signed(x, der, len);
	c.key = key_name(x);
	c.sig_alg = sig_name(x);
	c.subject_der = name_der(X509_get_subject_name(x), &c.subject_der_len);
	c.issuer_der = name_der(X509_get_issuer_name(x), &c.issuer_der_len);
	if (c.serial == NULL || c.key == NULL || c.sig_alg == NULL ||
	    c.subject_der == NULL || c.issuer_der == NULL ||
	    general_names(x, &c) == -1 || ca_issuers(x, &c) == -1) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	*out = c;
	memset(&c, 0, sizeof(c));	/* *out owns it now */
	ret = 0;
out:
	ERR_clear_error();
	BN_free(bn);
	cs_cert_release(&c);
	return ret;
}

int
cs_x509_parse_openssl(const unsigned char *der, size_t len,
    struct cs_cert *out, struct cs_err *err)
{
	X509 *x;
	int ret;

	if ((x = decode(der, len, err)) == NULL)
		return -1;
	ret = summarise(x, der, len, out, err);
	X509_free(x);
	return ret;
}

void
cs_x509_facts_of(const unsigned char *der, size_t len, struct cs_cert *c)
{
	struct cs_x509_facts f;

	c->facts = CS_FACTS_UNREAD;
	c->san_der = NULL;
	c->san_der_len = 0;
	if (cs_x509_facts(der, len, &f) != 0)
		return;
	c->facts = CS_FACTS_SET;
	c->version = f.version;
	SHA256(f.spki, f.spki_len, c->spki_sha256);
	if (f.has_san) {
		c->san_der = (unsigned char *)f.san;	/* der's, read only */
		c->san_der_len = f.san_len;
	}
}

/* The facts of der into c, its SAN copied (c owns it). */
static int
facts(const unsigned char *der, size_t len, struct cs_cert *c)
{
	unsigned char *san;

	cs_x509_facts_of(der, len, c);
	if (c->san_der == NULL)
		return 0;
	if ((san = malloc(c->san_der_len ? c->san_der_len : 1)) == NULL) {
		c->san_der = NULL;
		return -1;
	}
	memcpy(san, c->san_der, c->san_der_len);
	c->san_der = san;
	return 0;
}

/*
 * A common certificate is read by cs_x509_fast() alone, several times
 * faster than decoding it with OpenSSL and asking for each field; it
 * answers only for DER that OpenSSL accepts, so OpenSSL still judges the
 * rest, with its own reasons. Either way its facts are read after.
 */
int
cs_x509_parse(const unsigned char *der, size_t len, struct cs_cert *out,
    struct cs_err *err)
{
	switch (cs_x509_fast(der, len, out)) {
	case 1:
		break;
	case -1:
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	default:
		if (cs_x509_parse_openssl(der, len, out, err) == -1)
			return -1;
	}
	if (facts(der, len, out) == -1) {
		cs_cert_release(out);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	return 0;
}
