/*
 * cs_x509_fast() against cs_x509_parse_openssl(): whenever the fast reader
 * answers for DER that OpenSSL decodes, its summary must be OpenSSL's,
 * field for field. Compared on real certificates (python3-cryptography-
 * vectors, ca-certificates, $CORPUS/certs and the reports of
 * $CORPUS/sample), on thousands of truncated and byte-changed copies of
 * them, and on certificates built here to probe names, times, serials,
 * keys and extensions. The fast reader must also answer for most real
 * certificates, or it would be dead code.
 *
 * X509_SEED and X509_MUTANTS (per certificate) in the environment give
 * another mutation run.
 */

#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/report.h"
#include "certsift/x509.h"
#include "x509_int.h"

#include "t.h"

#define VEC	"/usr/lib/python3/dist-packages/cryptography_vectors/x509"
#define ROOTS	"/etc/ssl/certs"

/* ---- comparing summaries ----------------------------------------------- */

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
der_eq(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	return a != NULL && b != NULL && an == bn && memcmp(a, b, an) == 0;
}

/* The first field where a and b differ, or NULL. */
static const char *
differ(const struct cs_cert *a, const struct cs_cert *b)
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
	if (!der_eq(a->subject_der, a->subject_der_len, b->subject_der,
	    b->subject_der_len))
		return "subject_der";
	if (!der_eq(a->issuer_der, a->issuer_der_len, b->issuer_der,
	    b->issuer_der_len))
		return "issuer_der";
	return NULL;
}

static void
dump(const char *who, const struct cs_cert *c)
{
	size_t i;

	printf("\t%s: subject \"%s\" issuer \"%s\" serial %s validity %"
	    PRId64 "..%" PRId64 " ski %s aki %s key %s sig %s ca %d self %d\n",
	    who, c->subject, c->issuer, c->serial, c->not_before,
	    c->not_after, c->ski ? c->ski : "-", c->aki ? c->aki : "-",
	    c->key, c->sig_alg, c->is_ca, c->self_signed);
	for (i = 0; i < c->nsan; i++)
		printf("\t\tsan \"%s\"\n", c->san[i]);
	for (i = 0; i < c->naia; i++)
		printf("\t\taia \"%s\"\n", c->aia[i]);
}

/*
 * Runs cs_x509_fast() on der; when it answers and OpenSSL decodes der,
 * OpenSSL's summary must be the same. Returns what cs_x509_fast() did.
 */
static int
fast_vs_openssl(const unsigned char *der, size_t len, const char *what)
{
	struct cs_cert f = CS_CERT_INIT, o = CS_CERT_INIT;
	struct cs_err err = CS_ERR_INIT;
	const char *field;
	int rf;

	rf = cs_x509_fast(der, len, &f);
	if (!CHECK(rf == 0 || rf == 1))
		printf("\t%s: cs_x509_fast() returned %d\n", what, rf);
	if (rf == 1 && cs_x509_check(der, len, &err) == 0) {
		if (!CHECK_INT(cs_x509_parse_openssl(der, len, &o, &err), 0))
			printf("\t%s: %s\n", what, err.msg);
		else if (!CHECK((field = differ(&f, &o)) == NULL)) {
			printf("\t%s: %s differs\n", what, field);
			dump("fast", &f);
			dump("openssl", &o);
		}
	}
	cs_cert_release(&f);
	cs_cert_release(&o);
	return rf;
}

/* ---- real certificates ------------------------------------------------- */

struct blob {
	unsigned char	*p;
	size_t		 n;
	char		*from;
};

static struct blob	*certs;
static size_t		 ncerts;

static void
add_cert(const void *p, size_t n, const char *from)
{
	struct blob *b;

	if ((certs = realloc(certs, (ncerts + 1) * sizeof(*certs))) == NULL)
		abort();
	b = &certs[ncerts++];
	if ((b->p = malloc(n ? n : 1)) == NULL ||
	    (b->from = strdup(from)) == NULL)
		abort();
	memcpy(b->p, p, n);
	b->n = n;
}

/* Each PEM certificate in text, or text itself as DER. */
static void
add_file_text(const char *text, size_t n, const char *from)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	struct cs_buf der = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT;
	const char *p = text, *stop = text + n, *b, *e;

	if (memmem(text, n, "-----BEGIN ", 11) == NULL) {
		add_cert(text, n, from);
		return;
	}
	while ((b = memmem(p, (size_t)(stop - p), begin, sizeof(begin) - 1))
	    != NULL && (e = memmem(b, (size_t)(stop - b), end,
	    sizeof(end) - 1)) != NULL) {
		b += sizeof(begin) - 1;
		if (cs_b64_decode(b, (size_t)(e - b), &der, &err) > 0)
			add_cert(der.data, der.len, from);
		p = e + sizeof(end) - 1;
	}
	cs_buf_release(&der);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static size_t	walk_files;

static int
visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char *text;
	size_t n;

	(void)st;
	(void)ftw;
	if (type != FTW_F || !(has_suffix(path, ".pem") ||
	    has_suffix(path, ".der") || has_suffix(path, ".crt")))
		return 0;
	if ((text = t_read_file(path, &n)) != NULL) {
		add_file_text(text, n, path);
		walk_files++;
	}
	free(text);
	return 0;
}

/* Every certificate file under dir; a missing dir is a failed check. */
static void
add_dir(const char *dir, size_t min_files)
{
	walk_files = 0;
	if (!CHECK(nftw(dir, visit, 16, 0) == 0))
		printf("\tcannot walk '%s' (python3-cryptography-vectors and "
		    "ca-certificates installed?)\n", dir);
	if (!CHECK(walk_files >= min_files))
		printf("\t'%s': %zu certificate files\n", dir, walk_files);
}

static int
add_report(void *arg, const struct cs_report *rep, const char *why)
{
	struct cs_buf der = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT;
	size_t i;

	(void)why;
	for (i = 0; rep != NULL && i < rep->nchain; i++)
		if (rep->chain[i].p != NULL && cs_b64_decode_cert(
		    rep->chain[i].p, rep->chain[i].len, &der, &err) > 0)
			add_cert(der.data, der.len, arg);
	cs_buf_release(&der);
	return 0;
}

/* The certificates in the reports of $CORPUS/sample. */
static void
add_sample(void)
{
	static const char *const files[] = {
		"sample/flat-2026-10-w1.jsonl",
		"sample/windows-2026-10-w4.jsonl",
		"sample/array-2026-10-w3.json",
		"sample/single-report.json",
	};
	struct cs_reader *r;
	char *text, *line, *nl;
	size_t i, n, before = ncerts;

	if (!CHECK((r = cs_reader_new(CS_READER_AUTO)) != NULL))
		return;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((text = t_read_file(t_corpus(files[i]), &n)) == NULL)
			continue;
		line = text;
		if (strncmp(line, "\xef\xbb\xbf", 3) == 0)
			line += 3;
		if (has_suffix(files[i], ".json"))
			cs_reader_parse(r, line, strlen(line), 0, add_report,
			    (void *)files[i]);
		else
			for (; line != NULL; line = nl) {
				if ((nl = strchr(line, '\n')) != NULL)
					*nl++ = '\0';
				cs_reader_parse(r, line, strlen(line), 0,
				    add_report, (void *)files[i]);
			}
		free(text);
	}
	cs_reader_free(r);
	CHECK(ncerts - before >= 1000);
}

static int
blob_cmp(const void *a, const void *b)
{
	const struct blob *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return memcmp(x->p, y->p, x->n);
}

static void
unique_certs(void)
{
	size_t i, k = 0;

	if (ncerts == 0)
		return;
	qsort(certs, ncerts, sizeof(*certs), blob_cmp);
	for (i = 0; i < ncerts; i++) {
		if (k > 0 && blob_cmp(&certs[k - 1], &certs[i]) == 0) {
			free(certs[i].p);
			free(certs[i].from);
			continue;
		}
		certs[k++] = certs[i];
	}
	ncerts = k;
}

/*
 * Every real certificate: cs_x509_parse() gives what the OpenSSL path
 * gives, and the fast reader answers for most of them.
 */
static void
test_real(void)
{
	struct cs_cert p, o;
	struct cs_err err;
	const char *field;
	size_t i, real = 0, fast = 0;
	int rp, ro;

	add_dir(VEC, 500);
	add_dir(ROOTS, 100);
	add_dir(t_corpus("certs"), 50);
	add_sample();
	unique_certs();
	for (i = 0; i < ncerts; i++) {
		memset(&p, 0, sizeof(p));
		memset(&o, 0, sizeof(o));
		rp = cs_x509_parse(certs[i].p, certs[i].n, &p, &err);
		ro = cs_x509_parse_openssl(certs[i].p, certs[i].n, &o, &err);
		if (!CHECK_INT(rp, ro))
			printf("\t%s\n", certs[i].from);
		else if (rp == 0 && !CHECK((field = differ(&p, &o)) == NULL))
			printf("\t%s: %s differs\n", certs[i].from, field);
		cs_cert_release(&p);
		cs_cert_release(&o);
		if (fast_vs_openssl(certs[i].p, certs[i].n, certs[i].from) ==
		    1 && ro == 0)
			fast++;
		real += ro == 0;
	}
	printf("real: %zu distinct certificates, %zu decode, fast path %zu "
	    "(%.1f%%)\n", ncerts, real, fast, real ? 100.0 * fast / real :
	    0.0);
	CHECK(real >= 700);
	/* 64% measured: the rest are mostly self-signed (every root) or
	 * the vectors' oddities. */
	CHECK(fast * 100 >= real * 60);
}

/* ---- mutants ------------------------------------------------------------ */

static uint64_t	rng_state;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static size_t
below(size_t n)
{
	return n > 0 ? (size_t)(rnd() % n) : 0;
}

/*
 * Truncated and byte-changed copies of a few hundred real certificates,
 * each in a buffer of its exact size (ASan sees any overrun): no crash,
 * and no answer of the fast reader that differs from OpenSSL's.
 */
static void
test_mutants(void)
{
	/* Bytes that make a string special, a tag, a length or a digit. */
	static const unsigned char values[] = { 0x00, 0x01, 0x7f, 0x80, 0x81,
	    0xff, ' ', '#', ',', '+', '"', '\\', '<', '>', ';', '=', 'A', 'z',
	    '0', '9', 'Z', 0x02, 0x04, 0x0c, 0x13, 0x14, 0x16, 0x17, 0x18,
	    0x1e, 0x30, 0x31, 0xa0, 0xa3 };
	size_t per = 32, step, i, k, n, variants = 0, fast = 0;
	unsigned char *m;
	const char *env;
	char what[4200];

	rng_state = UINT64_C(0x2545f4914f6cdd1d);
	if ((env = getenv("X509_SEED")) != NULL)
		rng_state ^= strtoull(env, NULL, 0);
	if ((env = getenv("X509_MUTANTS")) != NULL)
		per = strtoul(env, NULL, 10);
	step = ncerts / 400 + 1;
	for (i = 0; i < ncerts; i += step) {
		for (k = 0; k < per; k++) {
			n = certs[i].n;
			if (k % 8 == 0)
				n = below(n);
			if ((m = malloc(n ? n : 1)) == NULL)
				abort();
			memcpy(m, certs[i].p, n);
			if (k % 8 != 0 && n > 0) {
				size_t at = below(n);

				switch (below(3)) {
				case 0:
					m[at] = (unsigned char)rnd();
					break;
				case 1:
					m[at] = values[below(sizeof(values))];
					break;
				default:
					m[at] ^= (unsigned char)(1u <<
					    below(8));
				}
			}
			snprintf(what, sizeof(what), "%s, mutant %zu",
			    certs[i].from, k);
			fast += fast_vs_openssl(m, n, what) == 1 &&
			    cs_x509_check(m, n, NULL) == 0;
			variants++;
			free(m);
		}
	}
	printf("mutants: %zu, %zu of them decoded and read by the fast path\n",
	    variants, fast);
	CHECK(variants >= 10000);
	CHECK(fast >= variants / 4);	/* 39% measured */
}

/* ---- certificates built here -------------------------------------------- */

static EVP_PKEY	*signer;	/* Ed25519: its signatures are cheap */

struct ext {
	int		 nid;
	const char	*value;		/* as in openssl.cnf */
};

struct spec {
	X509_NAME	*subject;	/* default CN=Subject */
	X509_NAME	*issuer;	/* default CN=Issuer */
	const char	*not_before;	/* 'U' or 'G' (UTCTime or Generalized-
					   Time), then the string */
	const char	*not_after;
	const char	*serial;	/* hex, default "1" */
	EVP_PKEY	*key;		/* default signer */
	EVP_PKEY	*by;		/* default signer */
	struct ext	 ext[4];
};

/* A name of RDNs (nid, value) of one string type; nid 0 ends the list. */
static X509_NAME *
name_of(int type, ...)
{
	X509_NAME *nm;
	const char *v;
	va_list ap;
	int nid;

	if ((nm = X509_NAME_new()) == NULL)
		abort();
	va_start(ap, type);
	while ((nid = va_arg(ap, int)) != 0) {
		v = va_arg(ap, const char *);
		if (!X509_NAME_add_entry_by_NID(nm, nid, type,
		    (const unsigned char *)v, (int)strlen(v), -1, 0))
			abort();
	}
	va_end(ap);
	return nm;
}

static int
set_time(X509 *x, const char *s, int after)
{
	ASN1_TIME *t;
	int ok;

	if ((t = ASN1_STRING_type_new(s[0] == 'U' ? V_ASN1_UTCTIME :
	    V_ASN1_GENERALIZEDTIME)) == NULL ||
	    !ASN1_STRING_set(t, s + 1, (int)strlen(s + 1)))
		abort();
	ok = after ? X509_set1_notAfter(x, t) : X509_set1_notBefore(x, t);
	ASN1_STRING_free(t);
	return ok;
}

/* The DER of the certificate sp describes into out. */
static int
build(const struct spec *sp, struct cs_buf *out)
{
	X509_NAME *subject = NULL, *issuer = NULL;
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	BIGNUM *bn = NULL;
	unsigned char *der = NULL;
	EVP_PKEY *by = sp->by ? sp->by : signer;
	X509 *x;
	int i, n, ok = 0;

	if ((x = X509_new()) == NULL)
		abort();
	if (sp->subject == NULL)
		subject = name_of(MBSTRING_ASC, NID_commonName, "Subject", 0);
	if (sp->issuer == NULL)
		issuer = name_of(MBSTRING_ASC, NID_commonName, "Issuer", 0);
	if (!X509_set_version(x, 2) ||
	    !BN_hex2bn(&bn, sp->serial ? sp->serial : "1") ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    !X509_set_subject_name(x, sp->subject ? sp->subject : subject) ||
	    !X509_set_issuer_name(x, sp->issuer ? sp->issuer : issuer) ||
	    !set_time(x, sp->not_before ? sp->not_before :
	    "U260101000000Z", 0) ||
	    !set_time(x, sp->not_after ? sp->not_after :
	    "G20361231235959Z", 1) ||
	    !X509_set_pubkey(x, sp->key ? sp->key : signer))
		goto out;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	for (i = 0; i < 4 && sp->ext[i].nid != 0; i++) {
		if ((e = X509V3_EXT_nconf_nid(NULL, &ctx, sp->ext[i].nid,
		    sp->ext[i].value)) == NULL)
			goto out;
		ok = X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		if (!ok)
			goto out;
		ok = 0;
	}
	if (!X509_sign(x, by, EVP_PKEY_is_a(by, "ED25519") ||
	    EVP_PKEY_is_a(by, "ED448") ? NULL : EVP_sha256()) ||
	    (n = i2d_X509(x, &der)) <= 0)
		goto out;
	cs_buf_reset(out);
	ok = cs_buf_append(out, der, (size_t)n, NULL) == 0;
out:
	OPENSSL_free(der);
	BN_free(bn);
	X509_NAME_free(subject);
	X509_NAME_free(issuer);
	X509_free(x);
	return ok;
}

/* Builds sp, runs the comparison and checks what the fast reader did. */
static void
run_spec(const struct spec *sp, int want, const char *what)
{
	struct cs_buf der = CS_BUF_INIT;

	if (!CHECK(build(sp, &der)))
		printf("\tcannot build %s\n", what);
	else if (!CHECK_INT(fast_vs_openssl(der.data, der.len, what), want))
		printf("\t%s\n", what);
	cs_buf_release(&der);
}

/* Every printable character first, last, alone and inside a value of each
 * string type: the RFC 2253 escapes. */
static void
test_escapes(void)
{
	static const int types[] = { V_ASN1_PRINTABLESTRING,
	    V_ASN1_UTF8STRING, V_ASN1_IA5STRING, V_ASN1_T61STRING };
	struct spec sp;
	char one[2], first[3], last[3], mid[4], two[3], what[64];
	size_t t;
	int c;

	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		for (c = 0x20; c < 0x7f; c++) {
			snprintf(one, sizeof(one), "%c", c);
			snprintf(first, sizeof(first), "%cx", c);
			snprintf(last, sizeof(last), "x%c", c);
			snprintf(mid, sizeof(mid), "x%cx", c);
			snprintf(two, sizeof(two), "%c%c", c, c);
			memset(&sp, 0, sizeof(sp));
			sp.subject = name_of(types[t], NID_commonName, one,
			    NID_organizationName, first,
			    NID_organizationalUnitName, last,
			    NID_localityName, mid, NID_stateOrProvinceName,
			    two, 0);
			snprintf(what, sizeof(what), "type %d, char 0x%02x",
			    types[t], c);
			run_spec(&sp, 1, what);
			X509_NAME_free(sp.subject);
		}
	/* An empty value, and every attribute the fast reader knows */
	memset(&sp, 0, sizeof(sp));
	sp.subject = name_of(V_ASN1_UTF8STRING, NID_commonName, "",
	    NID_countryName, "US", NID_serialNumber, "123",
	    NID_pkcs9_emailAddress, "a@b.example", NID_domainComponent, "com",
	    NID_streetAddress, "1 Main St", NID_postalCode, "12345",
	    NID_businessCategory, "Private Organization",
	    NID_jurisdictionCountryName, "US",
	    NID_jurisdictionStateOrProvinceName, "DE",
	    NID_jurisdictionLocalityName, "Dover",
	    NID_organizationIdentifier, "VATDE-123", NID_title, "Dr",
	    NID_givenName, "A", NID_surname, "B", NID_userId, "u1", 0);
	run_spec(&sp, 1, "empty value, all attributes");
	X509_NAME_free(sp.subject);
	/* Left to OpenSSL: non-ASCII, BMPString, an unknown attribute, a
	 * multi-valued RDN, an empty name */
	sp.subject = name_of(V_ASN1_UTF8STRING, NID_commonName,
	    "caf\xc3\xa9", 0);
	run_spec(&sp, 0, "UTF-8");
	X509_NAME_free(sp.subject);
	sp.subject = X509_NAME_new();
	X509_NAME_add_entry_by_NID(sp.subject, NID_commonName,
	    V_ASN1_BMPSTRING, (const unsigned char *)"\0b\0m\0p", 6, -1, 0);
	run_spec(&sp, 0, "BMPString");
	X509_NAME_free(sp.subject);
	sp.subject = name_of(V_ASN1_UTF8STRING, NID_pseudonym, "p", 0);
	run_spec(&sp, 0, "unknown attribute");
	X509_NAME_free(sp.subject);
	sp.subject = name_of(V_ASN1_UTF8STRING, NID_commonName, "a", 0);
	X509_NAME_add_entry_by_NID(sp.subject, NID_organizationName,
	    V_ASN1_UTF8STRING, (const unsigned char *)"b", 1, -1, -1);
	run_spec(&sp, 0, "multi-valued RDN");
	X509_NAME_free(sp.subject);
	sp.subject = X509_NAME_new();
	run_spec(&sp, 0, "empty subject");
	X509_NAME_free(sp.subject);
}

/* Names X509_NAME_cmp() may find equal go to OpenSSL, which checks the
 * signature; others are not self-signed. */
static void
test_self_signed(void)
{
	static const struct {
		const char	*a, *b;
		int		 want;
	} cases[] = {
		{ "Root CA", "Root CA", 0 },
		{ "Root CA", "root ca", 0 },
		{ "Root  CA", " root ca ", 0 },
		{ "RootCA", "Root CA", 0 },	/* not equal, but close */
		{ "Root CA", "Root CB", 1 },
		{ "Root CA", "Root CA 2", 1 },
	};
	struct spec sp;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&sp, 0, sizeof(sp));
		sp.subject = name_of(V_ASN1_PRINTABLESTRING, NID_commonName,
		    cases[i].a, 0);
		sp.issuer = name_of(V_ASN1_UTF8STRING, NID_commonName,
		    cases[i].b, 0);
		run_spec(&sp, cases[i].want, cases[i].b);
		X509_NAME_free(sp.subject);
		X509_NAME_free(sp.issuer);
	}
	/* Same values, other attributes or another number of RDNs */
	memset(&sp, 0, sizeof(sp));
	sp.subject = name_of(V_ASN1_UTF8STRING, NID_commonName, "X", 0);
	sp.issuer = name_of(V_ASN1_UTF8STRING, NID_organizationName, "X", 0);
	run_spec(&sp, 1, "other attribute");
	X509_NAME_free(sp.issuer);
	sp.issuer = name_of(V_ASN1_UTF8STRING, NID_commonName, "X",
	    NID_commonName, "X", 0);
	run_spec(&sp, 1, "more RDNs");
	X509_NAME_free(sp.issuer);
	X509_NAME_free(sp.subject);
}

static void
test_times(void)
{
	static const struct {
		const char	*t;
		int		 want;
	} cases[] = {
		{ "U491231235959Z", 1 },	/* 2049 */
		{ "U500101000000Z", 1 },	/* 1950 */
		{ "U000229000000Z", 1 },
		{ "G20000229120000Z", 1 },
		{ "G20240229000000Z", 1 },
		{ "G99991231235959Z", 1 },
		{ "G00000101000000Z", 1 },
		{ "G21000229000000Z", 0 },	/* not a leap year */
		{ "U230229000000Z", 0 },
		{ "U200431000000Z", 0 },
		{ "U201301000000Z", 0 },
		{ "U200100000000Z", 0 },
		{ "U200101240000Z", 0 },
		{ "U200101006000Z", 0 },
		{ "G19991231235960Z", 0 },	/* leap second */
		{ "U2001010000Z", 0 },		/* no seconds */
		{ "G20200101000000.5Z", 0 },
		{ "U200101000000+0100", 0 },
		{ "U20010100000aZ", 0 },
		{ "G2020010100000Z", 0 },
	};
	struct spec sp;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&sp, 0, sizeof(sp));
		sp.not_before = cases[i].t;
		run_spec(&sp, cases[i].want, cases[i].t);
		memset(&sp, 0, sizeof(sp));
		sp.not_after = cases[i].t;
		run_spec(&sp, cases[i].want, cases[i].t);
	}
}

static void
test_serials(void)
{
	static const struct {
		const char	*hex;
		int		 want;
	} cases[] = {
		{ "0", 1 }, { "1", 1 }, { "7f", 1 }, { "80", 1 }, { "ff", 1 },
		{ "100", 1 }, { "0aBc", 1 },
		{ "7fffffffffffffffffffffffffffffffffffffff", 1 },
		{ "ffffffffffffffffffffffffffffffffffffffffff", 1 },
		{ "-5", 0 },
	};
	struct spec sp;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&sp, 0, sizeof(sp));
		sp.serial = cases[i].hex;
		run_spec(&sp, cases[i].want, cases[i].hex);
	}
}

/* An RSA-PSS key, which EVP_PKEY_Q_keygen() cannot make. */
static EVP_PKEY *
pss_key(void)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *k = NULL;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL)) ==
	    NULL || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 1024) <= 0 ||
	    EVP_PKEY_generate(ctx, &k) <= 0)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

/* Each kind of key, in a certificate it signs (so each kind of signature) */
static void
test_keys(void)
{
	static const struct {
		const char	*type;
		const char	*curve;
		int		 want;
	} cases[] = {
		{ "EC", "P-256", 1 },
		{ "EC", "P-384", 1 },
		{ "EC", "P-521", 1 },
		{ "EC", "secp256k1", 0 },
		{ "ED448", NULL, 1 },
		{ "RSA", NULL, 1 },
		{ "RSA-PSS", NULL, 1 },
	};
	struct spec sp;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&sp, 0, sizeof(sp));
		if (strcmp(cases[i].type, "RSA-PSS") == 0)
			sp.key = pss_key();
		else if (strcmp(cases[i].type, "RSA") == 0)
			sp.key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
			    (size_t)1024);
		else if (cases[i].curve != NULL)
			sp.key = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
			    cases[i].curve);
		else
			sp.key = EVP_PKEY_Q_keygen(NULL, NULL, cases[i].type);
		if (!CHECK(sp.key != NULL)) {
			printf("\tcannot make a %s key\n", cases[i].type);
			continue;
		}
		sp.by = sp.key;
		run_spec(&sp, cases[i].want, cases[i].type);
		EVP_PKEY_free(sp.key);
	}
	memset(&sp, 0, sizeof(sp));
	run_spec(&sp, 1, "Ed25519");
}

static void
test_extensions(void)
{
	static const struct {
		struct ext	 ext[4];
		int		 want;
	} cases[] = {
		{ { { NID_subject_alt_name, "DNS:a.example,IP:192.0.2.1,"
		    "IP:2001:db8::1,email:a@b.example,URI:https://x.example/"
		    ",DNS:*.b.example" } }, 1 },
		{ { { NID_subject_alt_name, "RID:1.2.3.4" } }, 0 },
		{ { { NID_subject_alt_name, "DNS:caf\xc3\xa9.example" } }, 0 },
		{ { { NID_basic_constraints, "critical,CA:TRUE,pathlen:3" } },
		    1 },
		{ { { NID_basic_constraints, "CA:TRUE" } }, 1 },
		{ { { NID_basic_constraints, "CA:FALSE" } }, 1 },
		{ { { NID_subject_key_identifier, "hash" },
		    { NID_authority_key_identifier, "keyid:always" } }, 1 },
		{ { { NID_subject_key_identifier, "hash" },
		    { NID_authority_key_identifier, "keyid,issuer:always" } },
		    0 },
		{ { { NID_info_access, "OCSP;URI:http://ocsp.example,"
		    "caIssuers;URI:http://ca.example/a.crt,"
		    "caIssuers;URI:http://ca.example/b.crt" } }, 1 },
		{ { { NID_info_access, "caIssuers;DNS:ca.example" } }, 0 },
		{ { { NID_key_usage, "critical,digitalSignature" },
		    { NID_ext_key_usage, "serverAuth" } }, 1 },
		{ { { NID_subject_alt_name, "DNS:a.example" },
		    { NID_subject_alt_name, "DNS:b.example" } }, 0 },
		{ { { NID_basic_constraints, "CA:TRUE" },
		    { NID_basic_constraints, "CA:TRUE" } }, 0 },
	};
	struct spec sp;
	size_t i;
	char what[32];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&sp, 0, sizeof(sp));
		memcpy(sp.ext, cases[i].ext, sizeof(sp.ext));
		snprintf(what, sizeof(what), "extensions case %zu", i);
		run_spec(&sp, cases[i].want, what);
	}
}

int
main(void)
{
	if (!CHECK((signer = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) !=
	    NULL))
		return t_done();
	test_real();
	test_mutants();
	test_escapes();
	test_self_signed();
	test_times();
	test_serials();
	test_keys();
	test_extensions();
	EVP_PKEY_free(signer);
	while (ncerts > 0) {
		free(certs[--ncerts].p);
		free(certs[ncerts].from);
	}
	free(certs);
	return t_done();
}
