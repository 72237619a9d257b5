/*
 * The summary of a certificate read straight from its DER. Most
 * certificates have one shape: printable ASCII names of well-known
 * attributes, RSA or NIST-curve keys, a few well-known extensions. For
 * those this gives what OpenSSL's printers and decoders would, for a
 * fraction of their cost; anything else, or anything it is not sure of,
 * goes to OpenSSL (cs_x509_parse_openssl()).
 *
 * It also stands in for OpenSSL's verdict on the bytes: it holds every
 * element of the certificate to DER and to what d2i_X509() checks of it
 * (crypto/asn1/tasn_dec.c and the c2i functions it calls, x_name.c,
 * x_pubkey.c in OpenSSL 3.0), so what it reads, d2i_X509() accepts. DER is
 * the stricter of the two almost everywhere; where OpenSSL checks more
 * (OIDs, BIT STRINGs, BOOLEANs), so does this. It reads any bytes without
 * overrunning them.
 */

#include "x509_int.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <xxhash.h>

#include "certsift/date.h"
#include "certsift/hex.h"

enum {
	BOOLEAN = 0x01,
	INTEGER = 0x02,
	BIT_STRING = 0x03,
	OCTET_STRING = 0x04,
	NULL_TAG = 0x05,
	OID = 0x06,
	UTF8STRING = 0x0c,
	PRINTABLESTRING = 0x13,
	T61STRING = 0x14,
	IA5STRING = 0x16,
	UTCTIME = 0x17,
	GENTIME = 0x18,
	SEQUENCE = 0x30,
	SET = 0x31
};

#define CTX(n)		(0x80 | (n))	/* [n] IMPLICIT, primitive */
#define CTX_CONS(n)	(0xa0 | (n))	/* [n], constructed */

/* GeneralName choices */
#define GN_EMAIL	CTX(1)
#define GN_DNS		CTX(2)
#define GN_URI		CTX(6)
#define GN_IP		CTX(7)

/* ---- DER ---------------------------------------------------------------- */

/* Bytes being read: [p, end). */
struct der {
	const unsigned char	*p;
	const unsigned char	*end;
};

/* The identifier octet of the next element, or -1 at the end. */
static int
peek(const struct der *d)
{
	return d->p < d->end ? *d->p : -1;
}

/*
 * Reads the next element as BER's definite form allows it: a low tag
 * number, a length in up to four octets, not necessarily the fewest. Its
 * identifier octet goes to *tag, its contents to *v. Returns 1, or 0 (d
 * unchanged). What OpenSSL has accepted may be BER; the signature checks
 * and name keys that missing.c takes from stored certificates read it so.
 */
static int
element(struct der *d, int *tag, struct der *v)
{
	const unsigned char *p = d->p;
	size_t n, k;

	if (d->end - p < 2 || (p[0] & 0x1f) == 0x1f)
		return 0;
	*tag = p[0];
	n = p[1];
	p += 2;
	if (n > 0x7f) {
		k = n & 0x7f;
		if (k == 0 || k > 4 || (size_t)(d->end - p) < k)
			return 0;
		for (n = 0; k > 0; k--)
			n = n << 8 | *p++;
	}
	if ((size_t)(d->end - p) < n)
		return 0;
	v->p = p;
	v->end = p + n;
	d->p = p + n;
	return 1;
}

/*
 * Reads the next element, only if it is DER: element() with a tag other
 * than 0 and a definite length in the fewest octets (at most three).
 * Returns 1, or 0 (d and *v unchanged).
 */
static int
next(struct der *d, int *tag, struct der *v)
{
	const unsigned char *p = d->p;
	struct der t = *d, c;

	if (p < d->end && p[0] == 0)
		return 0;
	if (!element(&t, tag, &c))
		return 0;
	if (p[1] > 0x7f && ((p[1] & 0x7f) > 3 || p[2] == 0 ||
	    c.end - c.p < 0x80))
		return 0;
	*v = c;
	d->p = t.p;
	return 1;
}

/* Reads the next element if its identifier octet is tag. */
static int
get(struct der *d, int tag, struct der *v)
{
	struct der t = *d;
	int got;

	if (!next(&t, &got, v) || got != tag)
		return 0;
	d->p = t.p;
	return 1;
}

/* An INTEGER in its fewest octets, the only form OpenSSL accepts. */
static int
integer(struct der *d, struct der *v)
{
	if (!get(d, INTEGER, v) || v->p == v->end)
		return 0;
	return v->end - v->p == 1 || !((v->p[0] == 0x00 && v->p[1] < 0x80) ||
	    (v->p[0] == 0xff && v->p[1] >= 0x80));
}

/*
 * An OBJECT IDENTIFIER as OpenSSL decodes one: some contents, the last
 * octet ending a subidentifier and none starting with 0x80.
 */
static int
oid(struct der *d, struct der *v)
{
	const unsigned char *p;

	if (!get(d, OID, v) || v->p == v->end || (v->end[-1] & 0x80))
		return 0;
	for (p = v->p; p < v->end; p++)
		if (*p == 0x80 && (p == v->p || !(p[-1] & 0x80)))
			return 0;
	return 1;
}

/*
 * A BIT STRING (or one tagged tag) as OpenSSL decodes one: a count of
 * unused bits from 0 to 7, then the bits.
 */
static int
bit_string(struct der *d, int tag, struct der *v)
{
	return get(d, tag, v) && v->p < v->end && v->p[0] <= 7;
}

/* Printable ASCII, which every printer involved copies as is. */
static int
printable(struct der v)
{
	for (; v.p < v.end; v.p++)
		if (*v.p < 0x20 || *v.p > 0x7e)
			return 0;
	return 1;
}

/* ---- OIDs ---------------------------------------------------------------- */

/* What an OID is to this reader. */
enum { ATTR = 1, SIG, KEY, CURVE, EXT, ACCESS };

/*
 * The OIDs this reader knows, by NID. Their DER comes from OpenSSL, and so
 * do the names printed for them (OBJ_nid2sn(), OBJ_nid2ln()), as in the
 * OpenSSL path.
 */
static const struct {
	int	nid;
	int	kind;
} oids[] = {
	/* Name attributes, the commonest first */
	{ NID_commonName, ATTR },
	{ NID_organizationName, ATTR },
	{ NID_countryName, ATTR },
	{ NID_organizationalUnitName, ATTR },
	{ NID_stateOrProvinceName, ATTR },
	{ NID_localityName, ATTR },
	{ NID_serialNumber, ATTR },
	{ NID_pkcs9_emailAddress, ATTR },
	{ NID_domainComponent, ATTR },
	{ NID_streetAddress, ATTR },
	{ NID_postalCode, ATTR },
	{ NID_businessCategory, ATTR },
	{ NID_jurisdictionCountryName, ATTR },
	{ NID_jurisdictionStateOrProvinceName, ATTR },
	{ NID_jurisdictionLocalityName, ATTR },
	{ NID_organizationIdentifier, ATTR },
	{ NID_title, ATTR },
	{ NID_givenName, ATTR },
	{ NID_surname, ATTR },
	{ NID_userId, ATTR },

	{ NID_sha256WithRSAEncryption, SIG },
	{ NID_ecdsa_with_SHA256, SIG },
	{ NID_ecdsa_with_SHA384, SIG },
	{ NID_sha384WithRSAEncryption, SIG },
	{ NID_sha512WithRSAEncryption, SIG },
	{ NID_sha1WithRSAEncryption, SIG },
	{ NID_ecdsa_with_SHA512, SIG },
	{ NID_ecdsa_with_SHA1, SIG },
	{ NID_md5WithRSAEncryption, SIG },
	{ NID_rsassaPss, SIG },
	{ NID_ED25519, SIG },
	{ NID_ED448, SIG },

	{ NID_rsaEncryption, KEY },
	{ NID_X9_62_id_ecPublicKey, KEY },
	{ NID_rsassaPss, KEY },
	{ NID_ED25519, KEY },
	{ NID_ED448, KEY },

	{ NID_X9_62_prime256v1, CURVE },
	{ NID_secp384r1, CURVE },
	{ NID_secp521r1, CURVE },

	{ NID_subject_key_identifier, EXT },
	{ NID_authority_key_identifier, EXT },
	{ NID_basic_constraints, EXT },
	{ NID_subject_alt_name, EXT },
	{ NID_info_access, EXT },

	{ NID_ad_ca_issuers, ACCESS },
	{ NID_ad_OCSP, ACCESS },
};

#define NOIDS	(sizeof(oids) / sizeof(oids[0]))

/*
 * The contents octets of each of oids[], from OpenSSL's own table. With
 * x509.c's null_ctx, the library's only writable statics: written once,
 * under pthread_once() before any reader sees them, and constant from
 * then on, so any number of threads may read certificates at once.
 */
static struct der oid_der[NOIDS];
static pthread_once_t oids_once = PTHREAD_ONCE_INIT;
static int oids_ok;

static void
oids_init(void)
{
	const ASN1_OBJECT *o;
	size_t i;

	for (i = 0; i < NOIDS; i++) {
		if ((o = OBJ_nid2obj(oids[i].nid)) == NULL ||
		    OBJ_length(o) == 0)
			return;
		oid_der[i].p = OBJ_get0_data(o);
		oid_der[i].end = oid_der[i].p + OBJ_length(o);
	}
	oids_ok = 1;
}

/* The NID of an OID of that kind, or NID_undef. */
static int
find(int kind, struct der oid)
{
	size_t i, n = (size_t)(oid.end - oid.p);

	for (i = 0; i < NOIDS; i++)
		if (oids[i].kind == kind &&
		    (size_t)(oid_der[i].end - oid_der[i].p) == n &&
		    memcmp(oid_der[i].p, oid.p, n) == 0)
			return oids[i].nid;
	return NID_undef;
}

/* ---- the certificate ---------------------------------------------------- */

#define MAXRDN	16

struct name {
	const unsigned char	*der;	/* the whole Name */
	size_t			 len;
	size_t			 n;
	struct {
		int		 nid;
		struct der	 v;
	}			 rdn[MAXRDN];
};

/* What parse() found, for fill() to copy out. */
struct fast {
	struct der	 serial;
	int64_t		 not_before;
	int64_t		 not_after;
	struct name	 issuer;
	struct name	 subject;
	char		 key[24];
	int		 sig_nid;
	struct der	 ski;		/* p is NULL when absent */
	struct der	 aki;
	int		 is_ca;
	int		 self_signed;
	struct der	 san;		/* checked GeneralNames */
	size_t		 nsan;
	struct der	 aia;		/* checked AccessDescriptions */
	size_t		 naia;		/* of them, caIssuers */
};

/*
 * A Name of 1 to MAXRDN RDNs, each one attribute of a known type whose value
 * is a UTF8String, PrintableString, T61String or IA5String of printable
 * ASCII: X509_NAME_print_ex() copies those bytes unconverted, and OpenSSL's
 * decoder converts them to UTF-8 without fail. It takes no Name longer
 * than X509_NAME_MAX, 1 MiB.
 */
static int
name(struct der *d, struct name *nm)
{
	struct der seq, set, atv, id;
	int tag;

	nm->der = d->p;
	if (!get(d, SEQUENCE, &seq))
		return 0;
	nm->len = (size_t)(d->p - nm->der);
	if (nm->len > 1024 * 1024)
		return 0;
	for (nm->n = 0; seq.p < seq.end; nm->n++) {
		if (nm->n == MAXRDN || !get(&seq, SET, &set) ||
		    !get(&set, SEQUENCE, &atv) || set.p != set.end ||
		    !get(&atv, OID, &id) ||
		    (nm->rdn[nm->n].nid = find(ATTR, id)) == NID_undef ||
		    !next(&atv, &tag, &nm->rdn[nm->n].v) || atv.p != atv.end)
			return 0;
		if ((tag != UTF8STRING && tag != PRINTABLESTRING &&
		    tag != T61STRING && tag != IA5STRING) ||
		    !printable(nm->rdn[nm->n].v))
			return 0;
	}
	return nm->n > 0;
}

static int
fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* A value without its leading and trailing spaces. */
static struct der
trim(struct der v)
{
	while (v.p < v.end && *v.p == ' ')
		v.p++;
	while (v.end > v.p && v.end[-1] == ' ')
		v.end--;
	return v;
}

/*
 * Whether X509_NAME_cmp() finds a and b equal. It compares the names'
 * canonical encodings (x509_name_canon() in x_name.c): the attributes,
 * RDN by RDN, and their values as UTF-8 with white space trimmed, runs of
 * it made one space and ASCII lowercased, whatever their string types. In
 * printable ASCII, the only white space is ' '.
 */
static int
same_name(const struct name *a, const struct name *b)
{
	struct der x, y;
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->rdn[i].nid != b->rdn[i].nid)
			return 0;
		x = trim(a->rdn[i].v);
		y = trim(b->rdn[i].v);
		while (x.p < x.end && y.p < y.end) {
			if (*x.p == ' ' && *y.p == ' ') {
				while (*x.p == ' ')
					x.p++;
				while (*y.p == ' ')
					y.p++;
			} else if (fold(*x.p++) != fold(*y.p++))
				return 0;
		}
		if (x.p != x.end || y.p != y.end)
			return 0;
	}
	return 1;
}

/*
 * A UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ as epoch
 * seconds; the fields checked as ASN1_TIME_to_tm() checks them.
 */
static int
der_time(struct der *d, int64_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct der v;
	int tag = peek(d), f[7], i, k, y, mo, dd, h, mi, s;
	int nd = tag == UTCTIME ? 12 : 14;

	if ((tag != UTCTIME && tag != GENTIME) || !get(d, tag, &v) ||
	    v.end - v.p != nd + 1 || v.p[nd] != 'Z')
		return 0;
	for (i = 0; i < nd; i += 2) {
		if (v.p[i] < '0' || v.p[i] > '9' || v.p[i + 1] < '0' ||
		    v.p[i + 1] > '9')
			return 0;
		f[i / 2] = (v.p[i] - '0') * 10 + v.p[i + 1] - '0';
	}
	/* RFC 5280: two-digit years from 50 are 19YY. */
	if (tag == UTCTIME)
		y = f[0] < 50 ? 2000 + f[0] : 1900 + f[0];
	else
		y = f[0] * 100 + f[1];
	k = tag == GENTIME;
	mo = f[1 + k];
	dd = f[2 + k];
	h = f[3 + k];
	mi = f[4 + k];
	s = f[5 + k];
	if (mo < 1 || mo > 12 || dd < 1 || dd > mdays[mo - 1] || h > 23 ||
	    mi > 59 || s > 59)
		return 0;
	if (mo == 2 && dd == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	*t = cs_date_days(y, (unsigned)mo, (unsigned)dd) * 86400 + h * 3600 +
	    mi * 60 + s;
	return 1;
}

/*
 * An AlgorithmIdentifier: its OID, and in *params what follows it. That is
 * nothing, a NULL, an OID or a SEQUENCE: of the ANY types OpenSSL decodes,
 * these are the common ones, and it takes a SEQUENCE without looking
 * inside.
 */
static int
algorithm(struct der *d, struct der *id, struct der *params)
{
	struct der alg, v;

	if (!get(d, SEQUENCE, &alg) || !oid(&alg, id))
		return 0;
	*params = alg;
	switch (peek(&alg)) {
	case -1:
		return 1;
	case NULL_TAG:
		return get(&alg, NULL_TAG, &v) && v.p == v.end &&
		    alg.p == alg.end;
	case OID:
		return oid(&alg, &v) && alg.p == alg.end;
	case SEQUENCE:
		return get(&alg, SEQUENCE, &v) && alg.p == alg.end;
	}
	return 0;
}

/* The modulus and exponent of an RSAPublicKey in a BIT STRING, positive. */
static int
rsa_key(struct der bits, struct der *n, struct der *e)
{
	struct der key;

	/* No unused bits: OpenSSL would clear them in the key. */
	if (peek(&bits) != 0)
		return 0;
	bits.p++;
	return get(&bits, SEQUENCE, &key) && bits.p == bits.end &&
	    integer(&key, n) && integer(&key, e) && key.p == key.end &&
	    !(n->p[0] & 0x80) && !(e->p[0] & 0x80);
}

/* The SubjectPublicKeyInfo, named as key_name() in x509.c names it. */
static int
key(struct der *d, struct fast *f)
{
	struct der spki, id, params, bits, curve, m, e;
	int nid, cnid, b, c, n = -1;

	if (!get(d, SEQUENCE, &spki) || !algorithm(&spki, &id, &params) ||
	    (nid = find(KEY, id)) == NID_undef ||
	    !bit_string(&spki, BIT_STRING, &bits) || spki.p != spki.end)
		return 0;
	switch (nid) {
	case NID_rsaEncryption:
	case NID_rsassaPss:
		if (!rsa_key(bits, &m, &e))
			return 0;
		/* BN_num_bits(): a leading zero octet adds none. */
		for (b = 8 * (int)(m.end - m.p - 1), c = m.p[0]; c != 0;
		    c >>= 1)
			b++;
		n = snprintf(f->key, sizeof(f->key), "%s-%d",
		    nid == NID_rsaEncryption ? "RSA" : "RSA-PSS", b);
		break;
	case NID_X9_62_id_ecPublicKey:
		if (!get(&params, OID, &curve) ||
		    (cnid = find(CURVE, curve)) == NID_undef)
			return 0;
		n = snprintf(f->key, sizeof(f->key), "EC-%s",
		    EC_curve_nid2nist(cnid));
		break;
	case NID_ED25519:
		n = snprintf(f->key, sizeof(f->key), "Ed25519");
		break;
	case NID_ED448:
		n = snprintf(f->key, sizeof(f->key), "Ed448");
		break;
	}
	return n > 0 && (size_t)n < sizeof(f->key);
}

/* AuthorityKeyIdentifier: the keyIdentifier, when that is all there is. */
static int
key_identifier(struct der v, struct der *id)
{
	struct der seq;

	if (!get(&v, SEQUENCE, &seq) || v.p != v.end)
		return 0;
	if (peek(&seq) == CTX(0) && !get(&seq, CTX(0), id))
		return 0;
	return seq.p == seq.end;
}

/* BasicConstraints, cA a BOOLEAN of 0x00 or 0xff. */
static int
basic_constraints(struct der v, int *is_ca)
{
	struct der seq, b, n;

	if (!get(&v, SEQUENCE, &seq) || v.p != v.end)
		return 0;
	if (peek(&seq) == BOOLEAN) {
		if (!get(&seq, BOOLEAN, &b) || b.end - b.p != 1 ||
		    (b.p[0] != 0x00 && b.p[0] != 0xff))
			return 0;
		*is_ca = b.p[0] != 0;
	}
	if (peek(&seq) == INTEGER && !integer(&seq, &n))
		return 0;
	return seq.p == seq.end;
}

/*
 * The next GeneralName, when it is one cs_cert lists and OpenSSL prints
 * as is: an rfc822Name, dNSName or URI of printable ASCII, an iPAddress of
 * 4 or 16 octets.
 */
static int
general_name(struct der *d, int *tag, struct der *v)
{
	if (!next(d, tag, v))
		return 0;
	switch (*tag) {
	case GN_EMAIL:
	case GN_DNS:
	case GN_URI:
		return printable(*v);
	case GN_IP:
		return v->end - v->p == 4 || v->end - v->p == 16;
	}
	return 0;
}

static int
general_names(struct der v, struct fast *f)
{
	struct der seq, gn;
	int tag;

	if (!get(&v, SEQUENCE, &f->san) || v.p != v.end)
		return 0;
	for (seq = f->san; seq.p < seq.end; f->nsan++)
		if (!general_name(&seq, &tag, &gn))
			return 0;
	return 1;
}

/* The next AccessDescription: a known method and a URI. */
static int
access_description(struct der *d, int *nid, struct der *uri)
{
	struct der ad, oid;
	int tag;

	return get(d, SEQUENCE, &ad) && get(&ad, OID, &oid) &&
	    (*nid = find(ACCESS, oid)) != NID_undef &&
	    general_name(&ad, &tag, uri) && tag == GN_URI && ad.p == ad.end;
}

static int
access_descriptions(struct der v, struct fast *f)
{
	struct der seq, uri;
	int nid;

	if (!get(&v, SEQUENCE, &f->aia) || v.p != v.end)
		return 0;
	for (seq = f->aia; seq.p < seq.end; f->naia += nid == NID_ad_ca_issuers)
		if (!access_description(&seq, &nid, &uri))
			return 0;
	return 1;
}

/*
 * The extensions, each an OID, perhaps critical (a BOOLEAN, which OpenSSL
 * takes of any value but not of any length) and an OCTET STRING whose
 * contents d2i_X509() leaves alone.
 */
static int
extensions(struct der v, struct fast *f)
{
	struct der exts, ext, id, b, val, *slot;
	struct der ski = { 0 }, aki = { 0 }, bc = { 0 }, san = { 0 },
	    aia = { 0 };

	if (!get(&v, SEQUENCE, &exts) || v.p != v.end)
		return 0;
	while (exts.p < exts.end) {
		if (!get(&exts, SEQUENCE, &ext) || !oid(&ext, &id) ||
		    (peek(&ext) == BOOLEAN && (!get(&ext, BOOLEAN, &b) ||
		    b.end - b.p != 1)) ||
		    !get(&ext, OCTET_STRING, &val) || ext.p != ext.end)
			return 0;
		switch (find(EXT, id)) {
		case NID_subject_key_identifier:
			slot = &ski;
			break;
		case NID_authority_key_identifier:
			slot = &aki;
			break;
		case NID_basic_constraints:
			slot = &bc;
			break;
		case NID_subject_alt_name:
			slot = &san;
			break;
		case NID_info_access:
			slot = &aia;
			break;
		default:
			continue;
		}
		/* X509_get_ext_d2i() finds none of one that is there twice. */
		if (slot->p != NULL)
			return 0;
		*slot = val;
	}
	return (ski.p == NULL || (get(&ski, OCTET_STRING, &f->ski) &&
	    ski.p == ski.end)) &&
	    (aki.p == NULL || key_identifier(aki, &f->aki)) &&
	    (bc.p == NULL || basic_constraints(bc, &f->is_ca)) &&
	    (san.p == NULL || general_names(san, f)) &&
	    (aia.p == NULL || access_descriptions(aia, f));
}

/*
 * Returns 1 when der is a certificate of the shape this reader knows, all
 * of it d2i_X509() accepts, else 0.
 */
static int
parse(const unsigned char *der, size_t len, struct fast *f)
{
	struct der d = { der, der + len }, cert, tbs, v, n, id, params;

	if (!get(&d, SEQUENCE, &cert) || d.p != d.end ||
	    !get(&cert, SEQUENCE, &tbs))
		return 0;
	/* The version: any INTEGER, to OpenSSL */
	if (peek(&tbs) == CTX_CONS(0) && (!get(&tbs, CTX_CONS(0), &v) ||
	    !integer(&v, &n) || v.p != v.end))
		return 0;
	if (!integer(&tbs, &f->serial) || (f->serial.p[0] & 0x80) ||
	    !algorithm(&tbs, &id, &params) || !name(&tbs, &f->issuer) ||
	    !get(&tbs, SEQUENCE, &v) || !der_time(&v, &f->not_before) ||
	    !der_time(&v, &f->not_after) || v.p != v.end ||
	    !name(&tbs, &f->subject) || !key(&tbs, f))
		return 0;
	/* issuerUniqueID, subjectUniqueID, extensions */
	if ((peek(&tbs) == CTX(1) && !bit_string(&tbs, CTX(1), &v)) ||
	    (peek(&tbs) == CTX(2) && !bit_string(&tbs, CTX(2), &v)) ||
	    (peek(&tbs) == CTX_CONS(3) && (!get(&tbs, CTX_CONS(3), &v) ||
	    !extensions(v, f))) || tbs.p != tbs.end)
		return 0;
	return algorithm(&cert, &id, &params) &&
	    (f->sig_nid = find(SIG, id)) != NID_undef &&
	    bit_string(&cert, BIT_STRING, &v) && cert.p == cert.end;
}

/* ---- the signature of a self-signed certificate ------------------------- */

/*
 * X509_verify() with the key of the certificate itself takes OpenSSL's
 * decoding of the key, some 100 us, most of it finding the decoder. A
 * common key is quicker to build from its parts, and with the same key,
 * digest and bytes, EVP_DigestVerify() comes to the same verdict.
 */

static EVP_PKEY *
from_data(const char *type, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *k = NULL;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* An RSA key, with the NULL parameters of rsaEncryption. */
static EVP_PKEY *
rsa_pkey(struct der params, struct der bits)
{
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *op = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	EVP_PKEY *k = NULL;
	struct der n, e, v;

	if (!get(&params, NULL_TAG, &v) || !rsa_key(bits, &n, &e))
		return NULL;
	if ((bld = OSSL_PARAM_BLD_new()) != NULL &&
	    (bn = BN_bin2bn(n.p, (int)(n.end - n.p), NULL)) != NULL &&
	    (be = BN_bin2bn(e.p, (int)(e.end - e.p), NULL)) != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) &&
	    (op = OSSL_PARAM_BLD_to_param(bld)) != NULL)
		k = from_data("RSA", op);
	OSSL_PARAM_free(op);
	BN_free(be);
	BN_free(bn);
	OSSL_PARAM_BLD_free(bld);
	return k;
}

/*
 * A key on a named curve, an uncompressed point: EVP_PKEY_fromdata() and
 * OpenSSL's decoder both take it through EC_POINT_oct2point().
 */
static EVP_PKEY *
ec_pkey(struct der params, struct der bits)
{
	OSSL_PARAM op[3];
	struct der curve;
	int cnid;

	if (!get(&params, OID, &curve) ||
	    (cnid = find(CURVE, curve)) == NID_undef ||
	    bits.end - bits.p < 2 || bits.p[0] != 0 || bits.p[1] != 0x04)
		return NULL;
	op[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)OBJ_nid2sn(cnid), 0);
	op[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    (void *)(bits.p + 1), (size_t)(bits.end - bits.p - 1));
	op[2] = OSSL_PARAM_construct_end();
	return from_data("EC", op);
}

int
cs_x509_self_signed(const unsigned char *der, size_t len)
{
	struct der d = { der, der + len }, cert, tbs, inner, outer, v, id,
	    params, spki, kid, kparams, bits, sid, sig;
	const EVP_MD *md;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	int mdnid, pknid, ret = -1;

	pthread_once(&oids_once, oids_init);
	/* Down to the key; OpenSSL has checked the rest. */
	if (!oids_ok || !get(&d, SEQUENCE, &cert) || d.p != d.end)
		return -1;
	tbs.p = cert.p;
	if (!get(&cert, SEQUENCE, &v))
		return -1;
	tbs.end = outer.p = cert.p;
	if ((peek(&v) == CTX_CONS(0) && !get(&v, CTX_CONS(0), &id)) ||
	    !get(&v, INTEGER, &id))
		return -1;
	inner.p = v.p;
	if (!algorithm(&v, &id, &params))
		return -1;
	inner.end = v.p;
	if (!get(&v, SEQUENCE, &id) || !get(&v, SEQUENCE, &id) ||
	    !get(&v, SEQUENCE, &id) || !get(&v, SEQUENCE, &spki) ||
	    !algorithm(&spki, &kid, &kparams) ||
	    !bit_string(&spki, BIT_STRING, &bits) || spki.p != spki.end ||
	    !algorithm(&cert, &sid, &params))
		return -1;
	outer.end = cert.p;
	if (!bit_string(&cert, BIT_STRING, &sig) || cert.p != cert.end)
		return -1;
	/*
	 * X509_verify() fails when the two AlgorithmIdentifiers differ
	 * (X509_ALGOR_cmp(), which for the parameters algorithm() takes
	 * compares their DER), and when the signature has unused bits.
	 */
	if (inner.end - inner.p != outer.end - outer.p ||
	    memcmp(inner.p, outer.p, (size_t)(inner.end - inner.p)) != 0 ||
	    sig.p[0] != 0)
		return 0;
	sig.p++;
	/* ASN1_item_verify_ctx()'s mapping to a digest and a key type */
	if (!OBJ_find_sigid_algs(find(SIG, sid), &mdnid, &pknid) ||
	    mdnid == NID_undef || (md = EVP_get_digestbynid(mdnid)) == NULL ||
	    find(KEY, kid) != pknid)
		return -1;
	ERR_set_mark();
	if (pknid == NID_rsaEncryption)
		k = rsa_pkey(kparams, bits);
	else if (pknid == NID_X9_62_id_ecPublicKey)
		k = ec_pkey(kparams, bits);
	if (k != NULL && (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, k) == 1)
		ret = EVP_DigestVerify(ctx, sig.p, (size_t)(sig.end - sig.p),
		    tbs.p, (size_t)(tbs.end - tbs.p)) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	ERR_pop_to_mark();
	return ret;
}

/* ---- the summary -------------------------------------------------------- */

static int
special(int c)
{
	switch (c) {
	case ',': case '+': case '"': case '\\': case '<': case '>': case ';':
		return 1;
	}
	return 0;
}

/*
 * The name as X509_NAME_print_ex() prints it with XN_FLAG_RFC2253 (but for
 * ASN1_STRFLGS_ESC_MSB): the RDNs last to first, short names, a backslash
 * before any of ,+"\<>; and before a leading space or '#' or a trailing
 * space. A value of one character is only trailing (a_strex.c, do_buf()).
 */
static char *
name_string(const struct name *nm)
{
	const char *sn;
	const unsigned char *v;
	size_t i, j, n, cap = 1;
	char *s, *o;

	for (i = 0; i < nm->n; i++)
		cap += strlen(OBJ_nid2sn(nm->rdn[i].nid)) + 2 +
		    2 * (size_t)(nm->rdn[i].v.end - nm->rdn[i].v.p);
	if ((s = o = malloc(cap)) == NULL)
		return NULL;
	for (i = nm->n; i-- > 0;) {
		sn = OBJ_nid2sn(nm->rdn[i].nid);
		v = nm->rdn[i].v.p;
		n = (size_t)(nm->rdn[i].v.end - v);
		if (i != nm->n - 1)
			*o++ = ',';
		memcpy(o, sn, strlen(sn));
		o += strlen(sn);
		*o++ = '=';
		for (j = 0; j < n; j++) {
			if (special(v[j]) ||
			    (v[j] == ' ' && (j == 0 || j == n - 1)) ||
			    (v[j] == '#' && j == 0 && n > 1))
				*o++ = '\\';
			*o++ = (char)v[j];
		}
	}
	*o = '\0';
	return s;
}

/* BN_bn2hex() of a positive INTEGER, lowercased. */
static char *
serial_hex(struct der v)
{
	while (v.p < v.end && *v.p == 0)
		v.p++;
	if (v.p == v.end)
		return strdup("0");
	return cs_hex_dup(v.p, (size_t)(v.end - v.p));
}

static char *
prefixed(const char *prefix, struct der v)
{
	size_t pn = strlen(prefix), n = (size_t)(v.end - v.p);
	char *s;

	if ((s = malloc(pn + n + 1)) == NULL)
		return NULL;
	memcpy(s, prefix, pn);
	memcpy(s + pn, v.p, n);
	s[pn + n] = '\0';
	return s;
}

/* A SAN entry as general_names() in x509.c writes it. */
static char *
san_string(int tag, struct der v)
{
	char buf[INET6_ADDRSTRLEN];

	switch (tag) {
	case GN_EMAIL:
		return prefixed("email:", v);
	case GN_URI:
		return prefixed("URI:", v);
	case GN_IP:
		if (inet_ntop(v.end - v.p == 4 ? AF_INET : AF_INET6, v.p, buf,
		    sizeof(buf)) == NULL)
			return NULL;
		return strdup(buf);
	}
	return prefixed("", v);
}

static unsigned char *
der_dup(const unsigned char *p, size_t n)
{
	unsigned char *s;

	/* cs_cert_release() frees these with OPENSSL_free(). */
	if ((s = OPENSSL_malloc(n)) != NULL)
		memcpy(s, p, n);
	return s;
}

/* Copies what parse() found into c. Returns 0, or -1 when out of memory. */
static int
fill(const struct fast *f, const unsigned char *der, size_t len,
    struct cs_cert *c)
{
	struct der seq, v;
	int tag, nid;

	SHA256(der, len, c->sha256);
	c->subject = name_string(&f->subject);
	c->issuer = name_string(&f->issuer);
	c->serial = serial_hex(f->serial);
	c->not_before = f->not_before;
	c->not_after = f->not_after;
	if (f->ski.p != NULL)
		c->ski = cs_hex_dup(f->ski.p, (size_t)(f->ski.end - f->ski.p));
	if (f->aki.p != NULL)
		c->aki = cs_hex_dup(f->aki.p, (size_t)(f->aki.end - f->aki.p));
	c->key = strdup(f->key);
	c->sig_alg = strdup(OBJ_nid2ln(f->sig_nid));
	c->is_ca = f->is_ca;
	c->self_signed = f->self_signed;
	c->subject_der = der_dup(f->subject.der, f->subject.len);
	c->subject_der_len = f->subject.len;
	c->issuer_der = der_dup(f->issuer.der, f->issuer.len);
	c->issuer_der_len = f->issuer.len;
	if (c->subject == NULL || c->issuer == NULL || c->serial == NULL ||
	    (f->ski.p != NULL && c->ski == NULL) ||
	    (f->aki.p != NULL && c->aki == NULL) || c->key == NULL ||
	    c->sig_alg == NULL || c->subject_der == NULL ||
	    c->issuer_der == NULL)
		return -1;
	if (f->nsan > 0 && (c->san = calloc(f->nsan, sizeof(*c->san))) == NULL)
		return -1;
	for (seq = f->san; c->nsan < f->nsan;) {
		(void)general_name(&seq, &tag, &v);	/* checked */
		if ((c->san[c->nsan++] = san_string(tag, v)) == NULL)
			return -1;
	}
	if (f->naia > 0 && (c->aia = calloc(f->naia, sizeof(*c->aia))) == NULL)
		return -1;
	for (seq = f->aia; c->naia < f->naia;) {
		(void)access_description(&seq, &nid, &v);	/* checked */
		if (nid == NID_ad_ca_issuers &&
		    (c->aia[c->naia++] = prefixed("", v)) == NULL)
			return -1;
	}
	return 0;
}

int
cs_x509_fast(const unsigned char *der, size_t len, struct cs_cert *out)
{
	struct cs_cert c = CS_CERT_INIT;
	struct fast f;

	pthread_once(&oids_once, oids_init);
	memset(&f, 0, sizeof(f));
	if (!oids_ok || !parse(der, len, &f))
		return 0;
	/* Names that compare equal: does the key verify the signature? */
	if (same_name(&f.issuer, &f.subject) &&
	    (f.self_signed = cs_x509_self_signed(der, len)) == -1)
		return 0;
	if (fill(&f, der, len, &c) == -1) {
		cs_cert_release(&c);
		return -1;
	}
	*out = c;
	return 1;
}

/* ---- facts beyond the summary ------------------------------------------- */

/*
 * Reads what the summary leaves out, leniently: any certificate OpenSSL
 * decoded has the elements looked for here, and the rest is skipped.
 */
int
cs_x509_facts(const unsigned char *der, size_t len, struct cs_x509_facts *f)
{
	struct der d = { der, der + len }, cert, tbs, v, exts, ext, id, val;
	int tag;

	pthread_once(&oids_once, oids_init);
	memset(f, 0, sizeof(*f));
	f->version = 1;
	if (!oids_ok || !get(&d, SEQUENCE, &cert) ||
	    !get(&cert, SEQUENCE, &tbs))
		return -1;
	if (peek(&tbs) == CTX_CONS(0)) {
		if (!get(&tbs, CTX_CONS(0), &v) || !get(&v, INTEGER, &val) ||
		    val.end - val.p != 1)
			return -1;
		f->version = val.p[0] + 1;
	}
	/* serial, signature, issuer, validity, subject */
	if (!next(&tbs, &tag, &v) || tag != INTEGER ||
	    !get(&tbs, SEQUENCE, &v) || !get(&tbs, SEQUENCE, &v) ||
	    !get(&tbs, SEQUENCE, &v) || !der_time(&v, &f->not_before) ||
	    !der_time(&v, &f->not_after) || !get(&tbs, SEQUENCE, &v))
		return -1;
	f->spki = tbs.p;
	if (!get(&tbs, SEQUENCE, &v))
		return -1;
	f->spki_len = (size_t)(tbs.p - f->spki);
	while (peek(&tbs) == CTX(1) || peek(&tbs) == CTX(2))
		if (!next(&tbs, &tag, &v))
			return -1;
	if (peek(&tbs) != CTX_CONS(3))
		return 0;
	if (!get(&tbs, CTX_CONS(3), &v) || !get(&v, SEQUENCE, &exts))
		return -1;
	while (exts.p < exts.end) {
		if (!get(&exts, SEQUENCE, &ext) || !get(&ext, OID, &id))
			return -1;
		if (peek(&ext) == BOOLEAN && !next(&ext, &tag, &v))
			return -1;
		if (!get(&ext, OCTET_STRING, &val))
			return -1;
		if (find(EXT, id) != NID_subject_alt_name || f->has_san)
			continue;
		if (!get(&val, SEQUENCE, &v))
			return -1;
		f->has_san = 1;
		f->san = v.p;
		f->san_len = (size_t)(v.end - v.p);
	}
	return 0;
}

int
cs_x509_san_next(const unsigned char **p, const unsigned char *end,
    int *type, const unsigned char **v, size_t *vlen)
{
	struct der d = { *p, end }, c;
	int tag;

	if (d.p >= d.end || !next(&d, &tag, &c))
		return 0;
	*p = d.p;
	*type = tag == GN_DNS ? CS_SAN_DNS : tag == GN_IP ? CS_SAN_IP :
	    CS_SAN_OTHER;
	*v = c.p;
	*vlen = (size_t)(c.end - c.p);
	return 1;
}

/* ---- an issuer's signature on a certificate (missing.c) ----------------- */

/*
 * Takes a certificate apart for its signature check: a full d2i_X509()
 * costs over 100 microseconds in OpenSSL 3 (it decodes the public key
 * through the provider machinery); this costs nothing, so only issuers'
 * keys are ever decoded.
 */
int
cs_x509_split(const unsigned char *der, size_t len,
    struct cs_x509_signed *pt)
{
	struct der d = { der, der + len }, cert, tbs, v;
	const unsigned char *inner;
	int tag, i;

	if (!element(&d, &tag, &cert) || tag != SEQUENCE)
		return -1;
	pt->tbs = cert.p;
	if (!element(&cert, &tag, &tbs) || tag != SEQUENCE)
		return -1;
	pt->tbs_len = (size_t)(cert.p - pt->tbs);
	pt->alg = cert.p;
	if (!element(&cert, &tag, &v) || tag != SEQUENCE)
		return -1;
	pt->alg_len = (size_t)(cert.p - pt->alg);
	pt->sig = cert.p;
	if (!element(&cert, &tag, &v) || tag != BIT_STRING)
		return -1;
	pt->sig_len = (size_t)(cert.p - pt->sig);
	/* version [0], serial, signature, issuer, validity, subject, spki */
	if (!element(&tbs, &tag, &v))
		return -1;
	if (tag == CTX_CONS(0) && !element(&tbs, &tag, &v))
		return -1;
	if (tag != INTEGER)
		return -1;
	inner = tbs.p;
	if (!element(&tbs, &tag, &v) || tag != SEQUENCE)
		return -1;
	/* X509_verify() refuses a certificate whose two algorithms differ. */
	if ((size_t)(tbs.p - inner) != pt->alg_len ||
	    memcmp(inner, pt->alg, pt->alg_len) != 0)
		return -1;
	for (i = 0; i < 3; i++)
		if (!element(&tbs, &tag, &v) || tag != SEQUENCE)
			return -1;
	pt->spki = tbs.p;
	if (!element(&tbs, &tag, &v) || tag != SEQUENCE)
		return -1;
	pt->spki_len = (size_t)(tbs.p - pt->spki);
	return 0;
}

EVP_PKEY *
cs_x509_pubkey(const unsigned char *der, size_t len)
{
	struct cs_x509_signed pt;
	const unsigned char *p;
	EVP_PKEY *pk;

	if (cs_x509_split(der, len, &pt) == -1)
		return NULL;
	p = pt.spki;
	pk = d2i_PUBKEY(NULL, &p, (long)pt.spki_len);
	ERR_clear_error();
	return pk;
}

void
cs_x509_verifier_init(struct cs_x509_verifier *v)
{
	memset(v, 0, sizeof(*v));
}

void
cs_x509_verifier_release(struct cs_x509_verifier *v)
{
	if (v == NULL)
		return;
	EVP_PKEY_CTX_free(v->pctx);
	EVP_MD_free(v->md);
	ERR_clear_error();
	cs_x509_verifier_init(v);
}

int
cs_x509_verifier_begin(struct cs_x509_verifier *v, const unsigned char *der,
    size_t len)
{
	struct der d, sig;
	int tag;

	v->have_md = 0;
	if (cs_x509_split(der, len, &v->pt) == -1)
		return -1;
	/* A BIT STRING holding a signature has no unused bits. */
	d.p = v->pt.sig;
	d.end = v->pt.sig + v->pt.sig_len;
	if (!element(&d, &tag, &sig) || sig.end - sig.p < 2 || sig.p[0] != 0)
		return -1;
	v->sigv = sig.p + 1;
	v->sigv_len = (size_t)(sig.end - sig.p - 1);
	return 0;
}

/*
 * Makes v ready to check signatures of the certificate's algorithm with
 * pk: digest, then EVP_PKEY_verify(), which saves ASN1_item_verify()
 * setting up a context per check. Returns -1 for what this does not cover
 * (RSA-PSS, Ed25519: no separate digest), which goes the long way.
 */
static int
fast_setup(struct cs_x509_verifier *v, EVP_PKEY *pk)
{
	const struct cs_x509_signed *pt = &v->pt;
	struct der a = { pt->alg, pt->alg + pt->alg_len }, seq, id;
	const unsigned char *o;
	ASN1_OBJECT *obj = NULL;
	int tag, mdnid, pknid, ok = 0;

	if (v->pkey == pk && v->alg_len == pt->alg_len &&
	    memcmp(v->alg, pt->alg, pt->alg_len) == 0)
		return v->pctx != NULL ? 0 : -1;
	EVP_PKEY_CTX_free(v->pctx);
	v->pctx = NULL;
	v->pkey = pk;
	v->alg = pt->alg;
	v->alg_len = pt->alg_len;
	if (!element(&a, &tag, &seq) || tag != SEQUENCE)
		goto out;
	o = seq.p;		/* d2i wants the whole OID element */
	if (!element(&seq, &tag, &id) || tag != OID)
		goto out;
	if ((obj = d2i_ASN1_OBJECT(NULL, &o, (long)(seq.p - o))) == NULL ||
	    !OBJ_find_sigid_algs(OBJ_obj2nid(obj), &mdnid, &pknid) ||
	    mdnid == NID_undef || pknid == EVP_PKEY_RSA_PSS ||
	    EVP_PKEY_get_base_id(pk) != pknid)
		goto out;
	if (v->md == NULL || v->mdnid != mdnid) {
		EVP_MD_free(v->md);
		v->mdnid = mdnid;
		if ((v->md = EVP_MD_fetch(NULL, OBJ_nid2sn(mdnid), NULL)) ==
		    NULL)
			goto out;
	}
	if ((v->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL)) ==
	    NULL || EVP_PKEY_verify_init(v->pctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(v->pctx, v->md) != 1) {
		EVP_PKEY_CTX_free(v->pctx);
		v->pctx = NULL;
		goto out;
	}
	ok = 1;
out:
	ASN1_OBJECT_free(obj);
	ERR_clear_error();
	return ok ? 0 : -1;
}

/* The long way, for any algorithm OpenSSL knows: 1 good, 0 bad. */
static int
slow_verify(const struct cs_x509_signed *pt, EVP_PKEY *pk)
{
	const unsigned char *p;
	X509_ALGOR *alg = NULL;
	ASN1_BIT_STRING *sig = NULL;
	ASN1_STRING *tbs = NULL;
	ASN1_TYPE *any = NULL;
	int ok = 0;

	p = pt->alg;
	if ((alg = d2i_X509_ALGOR(NULL, &p, (long)pt->alg_len)) == NULL)
		goto out;
	p = pt->sig;
	if ((sig = d2i_ASN1_BIT_STRING(NULL, &p, (long)pt->sig_len)) == NULL)
		goto out;
	/* The TBS as an ANY holding a SEQUENCE encodes to its own bytes. */
	if ((tbs = ASN1_STRING_new()) == NULL ||
	    ASN1_STRING_set(tbs, pt->tbs, (int)pt->tbs_len) != 1 ||
	    (any = ASN1_TYPE_new()) == NULL)
		goto out;
	ASN1_TYPE_set(any, V_ASN1_SEQUENCE, tbs);
	tbs = NULL;
	ok = ASN1_item_verify(ASN1_ITEM_rptr(ASN1_ANY), alg, sig, any, pk) ==
	    1;
out:
	ASN1_TYPE_free(any);
	ASN1_STRING_free(tbs);
	ASN1_BIT_STRING_free(sig);
	X509_ALGOR_free(alg);
	ERR_clear_error();
	return ok;
}

int
cs_x509_verifier_check(struct cs_x509_verifier *v, EVP_PKEY *pk)
{
	int ok;

	if (fast_setup(v, pk) == -1)
		return slow_verify(&v->pt, pk);
	if (!v->have_md && EVP_Digest(v->pt.tbs, v->pt.tbs_len, v->digest,
	    &v->digest_len, v->md, NULL) != 1) {
		ERR_clear_error();
		return -1;
	}
	v->have_md = 1;
	ok = EVP_PKEY_verify(v->pctx, v->sigv, v->sigv_len, v->digest,
	    v->digest_len) == 1;
	ERR_clear_error();
	return ok;
}

/* ---- names -------------------------------------------------------------- */

uint64_t
cs_x509_name_key(const unsigned char *der, size_t len)
{
	struct der d = { der, der + len }, seq, set, atv, id, val;
	unsigned char buf[256];
	size_t vlen, i, w, k;
	uint64_t key = 0x9e3779b97f4a7c15ULL, sum, h;
	unsigned int u;
	int tag, vtag;

	if (!element(&d, &tag, &seq) || tag != SEQUENCE)
		goto raw;
	while (seq.p < seq.end) {
		if (!element(&seq, &tag, &set) || tag != SET)
			goto raw;
		sum = 0;
		while (set.p < set.end) {
			if (!element(&set, &tag, &atv) || tag != SEQUENCE ||
			    !element(&atv, &tag, &id) || tag != OID ||
			    !element(&atv, &vtag, &val))
				goto raw;
			switch (vtag) {
			case 0x1e:		/* BMPString */
				w = 2;
				break;
			case 0x1c:		/* UniversalString */
				w = 4;
				break;
			case 0x0c: case 0x13: case 0x14: case 0x16: case 0x1a:
				w = 1;
				break;
			default:
				w = 0;	/* not canonicalised: left out */
			}
			vlen = (size_t)(val.end - val.p);
			for (i = 0, k = 0; w != 0 && i + w <= vlen &&
			    k < sizeof(buf); i += w) {
				u = val.p[i + w - 1];
				if (w > 1 && (val.p[i] != 0 ||
				    val.p[i + w - 2] != 0 ||
				    (w == 4 && val.p[i + 1] != 0)))
					continue;
				if (u >= 'A' && u <= 'Z')
					u += 'a' - 'A';
				if ((u >= 'a' && u <= 'z') ||
				    (u >= '0' && u <= '9'))
					buf[k++] = (unsigned char)u;
			}
			h = XXH3_64bits_withSeed(id.p,
			    (size_t)(id.end - id.p), 1);
			sum += XXH3_64bits_withSeed(buf, k, h);
		}
		key = XXH3_64bits_withSeed(&sum, sizeof(sum), key);
	}
	return key;
raw:
	return XXH3_64bits(der, len);
}

int
cs_x509_name_cmp(const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen)
{
	const unsigned char *pa = a, *pb = b;
	X509_NAME *na, *nb;
	int r;

	na = d2i_X509_NAME(NULL, &pa, (long)alen);
	nb = d2i_X509_NAME(NULL, &pb, (long)blen);
	if (na == NULL || nb == NULL)
		r = (na == NULL) - (nb == NULL);
	else
		r = X509_NAME_cmp(na, nb);
	X509_NAME_free(na);
	X509_NAME_free(nb);
	ERR_clear_error();
	return r;
}
