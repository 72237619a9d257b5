/*
 * cs_x509_fast() against cs_x509_parse_openssl(): whenever the fast reader
 * answers, OpenSSL must decode the DER (the fast reader vouched for it) and
 * its summary must be OpenSSL's, field for field. And wherever the names
 * compare equal, self_signed must be what X509_verify() says with the key
 * OpenSSL decodes, as cs_x509_parse() found it before cs_x509_self_signed().
 * Compared on real certificates (python3-cryptography-vectors,
 * ca-certificates, $CORPUS/certs and the reports of $CORPUS/sample), on
 * thousands of truncated and byte-changed copies of them, on copies with
 * one element changed, added or removed (lengths kept right), on broken
 * copies of self-signed roots, and on certificates built here to probe
 * names, times, serials, keys and extensions. The fast reader and the
 * cheap signature check must also answer for most real certificates, or
 * they would be dead code.
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
#include <openssl/err.h>
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

#include "certcmp.h"
#include "rng.h"
#include "t.h"

#define VEC	"/usr/lib/python3/dist-packages/cryptography_vectors/x509"
#define ROOTS	"/etc/ssl/certs"

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

static int
names_equal(const struct cs_cert *c)
{
	return cs_x509_name_cmp(c->subject_der, c->subject_der_len,
	    c->issuer_der, c->issuer_der_len) == 0;
}

static size_t	vouched, rejected, self_checked, self_verified;

/*
 * Runs cs_x509_fast() on der. When it answers, OpenSSL must decode der,
 * all of it, and summarise it the same way. When OpenSSL decodes der and
 * its names compare equal, self_signed must be own_signature(). Counts
 * what the fast reader answered for, what OpenSSL rejected and the
 * self_signed compared (and of them, true). Returns what cs_x509_fast()
 * did.
 */
static int
fast_vs_openssl(const unsigned char *der, size_t len, const char *what)
{
	struct cs_cert f = CS_CERT_INIT, o = CS_CERT_INIT;
	struct cs_err err = CS_ERR_INIT;
	const char *field;
	int rf, ro;

	rf = cs_x509_fast(der, len, &f);
	if (!CHECK(rf == 0 || rf == 1))
		printf("\t%s: cs_x509_fast() returned %d\n", what, rf);
	ro = cs_x509_parse_openssl(der, len, &o, &err);
	if (rf == 1 && (!CHECK_INT(cs_x509_check(der, len, &err), 0) ||
	    !CHECK_INT(ro, 0)))
		printf("\t%s: read by the fast path, but OpenSSL: %s\n", what,
		    err.msg);
	else if (rf == 1 && !CHECK((field = cert_differ(&f, &o)) == NULL)) {
		printf("\t%s: %s differs\n", what, field);
		dump("fast", &f);
		dump("openssl", &o);
	}
	if (ro == 0 && names_equal(&o)) {
		if (!CHECK_INT(o.self_signed, own_signature(der, len)))
			printf("\t%s: self_signed\n", what);
		self_checked++;
		self_verified += o.self_signed;
	}
	vouched += rf == 1;
	rejected += ro != 0;
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
 * gives, the fast reader answers for most of them, and the signature of
 * most of those whose names compare equal is checked without OpenSSL's
 * decoding of the key.
 */
static void
test_real(void)
{
	struct cs_cert p, o;
	struct cs_err err;
	const char *field;
	size_t i, real = 0, fast = 0, same = 0, cheap = 0;
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
		else if (rp == 0 && !CHECK((field = cert_differ(&p, &o)) == NULL))
			printf("\t%s: %s differs\n", certs[i].from, field);
		if (ro == 0 && names_equal(&o)) {
			same++;
			cheap += cs_x509_self_signed(certs[i].p, certs[i].n)
			    != -1;
		}
		cs_cert_release(&p);
		cs_cert_release(&o);
		fast += fast_vs_openssl(certs[i].p, certs[i].n,
		    certs[i].from) == 1;
		real += ro == 0;
	}
	printf("real: %zu distinct certificates, %zu decode, fast path %zu "
	    "(%.1f%%); names equal %zu, signature checked without OpenSSL's "
	    "key decoding %zu\n", ncerts, real, fast, real ? 100.0 * fast /
	    real : 0.0, same, cheap);
	CHECK(real >= 700);
	/* 92% measured: the rest are the vectors' oddities, and roots
	 * whose names are not printable ASCII or whose AKI names the
	 * issuer. */
	CHECK(fast * 100 >= real * 88);
	/* 228 of 239 measured: the rest are DSA, Ed25519, Ed448, RSA-PSS,
	 * GOST, MD2, an explicit curve. */
	CHECK(cheap * 100 >= same * 90);
}

/* ---- mutants ------------------------------------------------------------ */

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
	/* At least 400 certificates, however many the corpus holds. */
	step = ncerts / 400 > 0 ? ncerts / 400 : 1;
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
			fast += fast_vs_openssl(m, n, what) == 1;
			variants++;
			free(m);
		}
	}
	printf("mutants: %zu, %zu of them read by the fast path\n",
	    variants, fast);
	CHECK(variants >= 10000);
	CHECK(fast * 100 >= variants * 45);	/* 54% measured */
}

/* ---- copies with one element changed ------------------------------------ */

/*
 * A certificate as a tree of DER elements, in order: constructed ones hold
 * elements, and so do OCTET and BIT STRINGs whose contents are DER (the
 * extension values, an RSA key).
 */
struct elem {
	size_t	 at;		/* the identifier octet */
	size_t	 hdr;		/* identifier and length octets */
	size_t	 len;		/* contents */
	size_t	 skip;		/* contents before the elements held */
	int	 held;		/* holds elements */
};

#define MAXELEM	2048

struct tree {
	const unsigned char	*der;
	size_t			 len;
	struct elem		 e[MAXELEM];
	size_t			 n;
};

/* Reads the elements of der[at, end) into t: 1, or 0 unless DER. */
static int
elems(struct tree *t, size_t at, size_t end)
{
	const unsigned char *d = t->der;
	struct elem *e;
	size_t n, k, i, mark;

	while (at < end) {
		if (end - at < 2 || (d[at] & 0x1f) == 0x1f || t->n == MAXELEM)
			return 0;
		n = d[at + 1];
		k = n & 0x80 ? n & 0x7f : 0;
		if (k > 3 || end - at - 2 < k)
			return 0;
		for (i = 0, n = k > 0 ? 0 : n; i < k; i++)
			n = n << 8 | d[at + 2 + i];
		if (end - at - 2 - k < n)
			return 0;
		e = &t->e[t->n++];
		e->at = at;
		e->hdr = 2 + k;
		e->len = n;
		e->skip = d[at] == 0x03;
		e->held = 0;
		mark = t->n;
		if (d[at] & 0x20) {
			if (!elems(t, at + e->hdr, at + e->hdr + n))
				return 0;
			e->held = 1;
		} else if ((d[at] == 0x04 || (d[at] == 0x03 && n > 1 &&
		    d[at + e->hdr] == 0)) && elems(t, at + e->hdr + e->skip,
		    at + e->hdr + n) && t->n > mark)
			e->held = 1;
		else
			t->n = mark;
		at += e->hdr + n;
	}
	return 1;
}

static size_t
end_of(const struct tree *t, size_t i)
{
	return t->e[i].at + t->e[i].hdr + t->e[i].len;
}

/* The next element after i and all that i holds. */
static size_t
skip_elem(const struct tree *t, size_t i)
{
	size_t j;

	for (j = i + 1; j < t->n && t->e[j].at < end_of(t, i); j++)
		;
	return j;
}

/* The k-th of the elements i holds, or t->n. */
static size_t
held(const struct tree *t, size_t i, int k)
{
	size_t j = i + 1;

	if (!t->e[i].held)
		return t->n;
	for (; j < t->n && t->e[j].at < end_of(t, i) && k > 0; k--)
		j = skip_elem(t, j);
	return j < t->n && t->e[j].at < end_of(t, i) ? j : t->n;
}

static void
append(struct cs_buf *b, const void *p, size_t n)
{
	if (cs_buf_append(b, p, n, NULL) == -1)
		abort();
}

/* An identifier octet and a length, in the fewest octets. */
static void
header(struct cs_buf *b, int tag, size_t n)
{
	unsigned char h[5];
	size_t k = 0, i;

	h[k++] = (unsigned char)tag;
	if (n < 0x80)
		h[k++] = (unsigned char)n;
	else {
		h[k++] = n > 0xffff ? 0x83 : n > 0xff ? 0x82 : 0x81;
		for (i = (size_t)(h[1] & 0x7f); i > 0; i--)
			h[k++] = (unsigned char)(n >> (8 * (i - 1)));
	}
	append(b, h, k);
}

/* Element i of t, with element x replaced by r[0, rn), lengths redone. */
static void
emit(const struct tree *t, size_t i, size_t x, const void *r, size_t rn,
    struct cs_buf *out)
{
	const struct elem *e = &t->e[i];
	struct cs_buf body = CS_BUF_INIT;
	size_t c;

	if (i == x) {
		append(out, r, rn);
		return;
	}
	if (!e->held || t->e[x].at < e->at || t->e[x].at >= end_of(t, i)) {
		append(out, t->der + e->at, e->hdr + e->len);
		return;
	}
	append(&body, t->der + e->at + e->hdr, e->skip);
	for (c = i + 1; c < t->n && t->e[c].at < end_of(t, i);
	    c = skip_elem(t, c))
		emit(t, c, x, r, rn, &body);
	header(out, t->der[e->at], body.len);
	append(out, body.data, body.len);
	cs_buf_release(&body);
}

static size_t		 smutants;
static EVP_PKEY		*resign_key;	/* set: sign changed TBSs anew */

/*
 * The certificate of t with element x of its TBS replaced by r[0, rn),
 * signed anew by resign_key with SHA-256, as its algorithm says.
 */
static void
signed_anew(const struct tree *t, size_t x, const void *r, size_t rn,
    struct cs_buf *out)
{
	struct cs_buf tbs = CS_BUF_INIT, body = CS_BUF_INIT;
	unsigned char sig[1024];
	size_t alg = held(t, 0, 1), n = sizeof(sig) - 1;
	EVP_MD_CTX *ctx;

	emit(t, 1, x, r, rn, &tbs);
	if ((ctx = EVP_MD_CTX_new()) == NULL || EVP_DigestSignInit(ctx, NULL,
	    EVP_sha256(), NULL, resign_key) != 1 || EVP_DigestSign(ctx,
	    sig + 1, &n, tbs.data, tbs.len) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	sig[0] = 0;
	append(&body, tbs.data, tbs.len);
	append(&body, t->der + t->e[alg].at, end_of(t, alg) - t->e[alg].at);
	header(&body, 0x03, n + 1);
	append(&body, sig, n + 1);
	header(out, 0x30, body.len);
	append(out, body.data, body.len);
	cs_buf_release(&tbs);
	cs_buf_release(&body);
}

/* The certificate of t with element x replaced by r[0, rn), compared. */
static void
replaced(const struct tree *t, size_t x, const void *r, size_t rn,
    const char *what)
{
	struct cs_buf m = CS_BUF_INIT;
	unsigned char *exact;

	if (resign_key != NULL && x > 1 && x < skip_elem(t, 1))
		signed_anew(t, x, r, rn, &m);
	else
		emit(t, 0, x, r, rn, &m);
	/* In a buffer of its exact size, for ASan */
	if ((exact = malloc(m.len ? m.len : 1)) == NULL)
		abort();
	memcpy(exact, m.data, m.len);
	fast_vs_openssl(exact, m.len, what);
	smutants++;
	free(exact);
	cs_buf_release(&m);
}

/* Element x with the identifier octet tag and contents c[0, n). */
static void
replaced_tlv(const struct tree *t, size_t x, int tag, const void *c,
    size_t n, const char *what)
{
	struct cs_buf r = CS_BUF_INIT;

	header(&r, tag, n);
	append(&r, c, n);
	replaced(t, x, r.data, r.len, what);
	cs_buf_release(&r);
}

/* How mutate_elements() edits the contents of an element */
enum { BEFORE, AFTER, FIRST, LAST };

/*
 * Every element of the certificate in t changed in each way below, one at
 * a time, the lengths around it kept right: changes that keep DER or break
 * one rule, each a probe of one check of OpenSSL's decoder or of the fast
 * reader. Then the certificate cut short, and with bytes after it.
 */
static void
mutate_elements(const struct tree *t, const char *from)
{
	/* Before any element: unique IDs, critical flags, a NULL */
	static const struct {
		const char	*b;
		size_t		 n;
	} inserts[] = {
		{ "\x81\x01\x00", 3 }, { "\x81\x02\x00\xff", 4 },
		{ "\x82\x02\x07\x80", 4 }, { "\x81\x02\x08\x00", 4 },
		{ "\x81\x00", 2 }, { "\x01\x01\xff", 3 }, { "\x01\x01\x00", 3 },
		{ "\x01\x01\x05", 3 }, { "\x01\x00", 2 },
		{ "\x01\x02\x00\xff", 4 }, { "\x05\x00", 2 },
	}, contents[] = {
		/* INTEGERs, padded ones, BOOLEANs, unused bits */
		{ "\x00", 1 }, { "\x01", 1 }, { "\x02", 1 },
		{ "\x7f", 1 }, { "\x80", 1 }, { "\xff", 1 }, { "\x07", 1 },
		{ "\x08", 1 }, { "\x00\x7f", 2 }, { "\x00\x80", 2 },
		{ "\xff\x7f", 2 }, { "\xff\x80", 2 }, { "\x07\x80", 2 },
		/* OIDs known, unknown and malformed */
		{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", 9 },
		{ "\x2a\x86\x48\xce\x3d\x04\x03\x02", 8 },
		{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9 },
		{ "\x2a\x86\x48\xce\x3d\x03\x01\x07", 8 },
		{ "\x55\x04\x03", 3 }, { "\x55\x1d\x11", 3 },
		{ "\x55\x1d\x13", 3 }, { "\x55\x1d\x7f", 3 },
		{ "\x55\x80\x03", 3 }, { "\x55\x04\x83", 3 },
		{ "\x80\x04\x03", 3 },
		/* Times */
		{ "491231235959Z", 13 }, { "20500101000000Z", 15 },
	}, trailers[] = {
		{ "\x00", 1 }, { "\x05\x00", 2 }, { "\x30\x00", 2 },
	};
	static const struct {
		int		where;
		unsigned char	byte;	/* added, or XORed */
	} edits[] = {
		{ BEFORE, 0x00 }, { BEFORE, 0xff }, { BEFORE, 0x80 },
		{ BEFORE, ' ' }, { AFTER, 0x00 }, { AFTER, 0x80 },
		{ AFTER, 0xe9 }, { AFTER, 0xc3 }, { AFTER, ' ' },
		{ FIRST, 0x80 }, { FIRST, 0x20 }, { FIRST, 0x01 },
		{ LAST, 0x80 }, { LAST, 0x20 }, { LAST, 0x01 },
	};
	static const int tags[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	    0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x30, 0x31, 0x81, 0xa0,
	    0xa3 };
	const unsigned char *d = t->der, *c;
	struct cs_buf r = CS_BUF_INIT;
	unsigned char h[4];
	char what[512];
	size_t i, k, n, cut[3];
	int tag;

	for (i = 0; i < t->n; i++) {
		tag = d[t->e[i].at];
		c = d + t->e[i].at + t->e[i].hdr;
		n = t->e[i].len;
		snprintf(what, sizeof(what), "%s, element %zu (0x%02x at %zu)",
		    from, i, tag, t->e[i].at);
		/* Gone; empty; twice; something before it or after it */
		replaced(t, i, "", 0, what);
		replaced_tlv(t, i, tag, "", 0, what);
		cs_buf_reset(&r);
		append(&r, c - t->e[i].hdr, t->e[i].hdr + n);
		append(&r, c - t->e[i].hdr, t->e[i].hdr + n);
		replaced(t, i, r.data, r.len, what);
		append(&r, "\x05\x00", 2);
		replaced(t, i, r.data + t->e[i].hdr + n, r.len - t->e[i].hdr -
		    n, what);
		for (k = 0; k < sizeof(inserts) / sizeof(inserts[0]); k++) {
			cs_buf_reset(&r);
			append(&r, inserts[k].b, inserts[k].n);
			append(&r, c - t->e[i].hdr, t->e[i].hdr + n);
			replaced(t, i, r.data, r.len, what);
		}
		/* Another tag; a length in more octets than it needs; an
		 * indefinite length */
		for (k = 0; k < sizeof(tags) / sizeof(tags[0]); k++)
			if (tags[k] != tag)
				replaced_tlv(t, i, tags[k], c, n, what);
		replaced_tlv(t, i, tag ^ 0x20, c, n, what);
		h[0] = (unsigned char)tag;
		h[1] = 0x82;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		cs_buf_reset(&r);
		append(&r, h, 4);
		append(&r, c, n);
		replaced(t, i, r.data, r.len, what);
		if (tag & 0x20) {
			cs_buf_reset(&r);
			append(&r, h, 1);
			append(&r, "\x80", 1);
			append(&r, c, n);
			append(&r, "\x00\x00", 2);
			replaced(t, i, r.data, r.len, what);
		}
		if (t->e[i].held)
			continue;
		/* Other contents; these contents edited */
		for (k = 0; k < sizeof(contents) / sizeof(contents[0]); k++)
			replaced_tlv(t, i, tag, contents[k].b, contents[k].n,
			    what);
		for (k = 0; k < sizeof(edits) / sizeof(edits[0]); k++) {
			cs_buf_reset(&r);
			if (edits[k].where == BEFORE)
				append(&r, &edits[k].byte, 1);
			append(&r, c, n);
			if (edits[k].where == AFTER)
				append(&r, &edits[k].byte, 1);
			if (edits[k].where == FIRST && n > 0)
				r.data[0] ^= edits[k].byte;
			if (edits[k].where == LAST && n > 0)
				r.data[n - 1] ^= edits[k].byte;
			replaced_tlv(t, i, tag, r.data, r.len, what);
		}
	}
	/* Cut short in and after each header, and before its end */
	for (i = 0; i < t->n; i++) {
		cut[0] = t->e[i].at + 1;
		cut[1] = t->e[i].at + t->e[i].hdr;
		cut[2] = end_of(t, i) - 1;
		for (k = 0; k < 3; k++)
			replaced(t, 0, d, cut[k], from);
	}
	for (k = 0; k < sizeof(trailers) / sizeof(trailers[0]); k++) {
		cs_buf_reset(&r);
		append(&r, d, t->len);
		append(&r, trailers[k].b, trailers[k].n);
		replaced(t, 0, r.data, r.len, from);
	}
	cs_buf_release(&r);
}

/*
 * Three real certificates of each kind of key the fast reader reads (RSA,
 * EC, Edwards), self-signed and not, each with every element changed.
 */
static void
test_elements(void)
{
	static struct tree t;
	struct cs_cert c;
	size_t i, per[3][2] = { { 0 } }, before = vouched,
	    rejected_before = rejected;
	int kind, self;

	smutants = 0;
	for (i = 0; i < ncerts; i++) {
		if (cs_x509_fast(certs[i].p, certs[i].n, &c) != 1)
			continue;
		kind = strncmp(c.key, "RSA", 3) == 0 ? 0 :
		    strncmp(c.key, "EC", 2) == 0 ? 1 : 2;
		self = names_equal(&c);
		cs_cert_release(&c);
		if (per[kind][self]++ >= 3)
			continue;
		memset(&t, 0, sizeof(t));
		t.der = certs[i].p;
		t.len = certs[i].n;
		if (!CHECK(elems(&t, 0, t.len)))
			continue;
		mutate_elements(&t, certs[i].from);
	}
	printf("elements: %zu copies with one changed, %zu read by the fast "
	    "path, %zu rejected by OpenSSL\n", smutants, vouched - before,
	    rejected - rejected_before);
	CHECK(smutants >= 40000);
	/* 17% and 64% measured */
	CHECK((vouched - before) * 100 >= smutants * 12);
	CHECK((rejected - rejected_before) * 2 >= smutants);
}

/*
 * The self-signed roots of ca-certificates, and copies of them whose
 * signature fails: a bit of the signature, of the serial or of the key
 * flipped, the outer or the inner AlgorithmIdentifier changed, the outer
 * one's parameters taken away or added, unused bits in the signature.
 * Wherever cs_x509_self_signed() answers it must be X509_verify()'s
 * verdict, and it must answer for most; fast_vs_openssl() checks what
 * cs_x509_parse() and cs_x509_parse_openssl() make of each.
 */
static void
test_roots(void)
{
	static struct tree t;
	struct cs_cert o;
	struct cs_err err;
	struct cs_buf r = CS_BUF_INIT, b = CS_BUF_INIT;
	size_t i, k, x, tbs, v, sigalg, sig, flip[5], roots = 0, cheap = 0,
	    verified = 0, broken = 0, cheap_broken = 0;
	unsigned char *m;
	char what[4200];
	int ref, self;

	for (i = 0; i < ncerts; i++) {
		if (strncmp(certs[i].from, ROOTS "/", sizeof(ROOTS)) != 0 ||
		    cs_x509_parse_openssl(certs[i].p, certs[i].n, &o, &err) !=
		    0)
			continue;
		k = names_equal(&o);
		cs_cert_release(&o);
		memset(&t, 0, sizeof(t));
		t.der = certs[i].p;
		t.len = certs[i].n;
		if (!k || !CHECK(elems(&t, 0, t.len)))
			continue;
		roots++;
		verified += ref = own_signature(t.der, t.len);
		if ((self = cs_x509_self_signed(t.der, t.len)) != -1) {
			cheap++;
			if (!CHECK_INT(self, ref))
				printf("\t%s\n", certs[i].from);
		}
		tbs = held(&t, 0, 0);
		sigalg = held(&t, 0, 1);
		sig = held(&t, 0, 2);
		v = t.der[t.e[tbs + 1].at] == 0xa0;	/* a version */
		/* The signature, the serial, the key, the OIDs of the
		 * outer and the inner AlgorithmIdentifier */
		flip[0] = sig;
		flip[1] = held(&t, tbs, (int)v);
		flip[2] = held(&t, tbs, (int)v + 5);
		flip[3] = held(&t, sigalg, 0);
		flip[4] = held(&t, held(&t, tbs, (int)v + 1), 0);
		if (!CHECK(flip[2] < t.n && flip[4] < t.n))
			continue;
		for (k = 0; k < 8; k++) {
			cs_buf_reset(&r);
			switch (k) {
			case 0:		/* a bit of the signature */
			case 1:		/* of the serial */
			case 2:		/* of the key */
			case 3:		/* of the outer algorithm */
			case 4:		/* of the inner one */
				x = flip[k];
				append(&r, t.der + t.e[x].at, end_of(&t, x) -
				    t.e[x].at);
				r.data[r.len - 1] ^= 1;
				break;
			case 5:		/* unused bits in the signature */
				x = sig;
				append(&r, t.der + t.e[x].at, end_of(&t, x) -
				    t.e[x].at);
				r.data[t.e[x].hdr] = 1;
				break;
			case 6:		/* the outer parameters gone, or a
					 * NULL where there are none */
				if ((x = held(&t, sigalg, 1)) < t.n)
					break;
				x = held(&t, sigalg, 0);
				append(&r, t.der + t.e[x].at, end_of(&t, x) -
				    t.e[x].at);
				append(&r, "\x05\x00", 2);
				break;
			default:	/* the signature a byte short */
				x = sig;
				header(&r, 0x03, t.e[x].len - 1);
				append(&r, t.der + t.e[x].at + t.e[x].hdr,
				    t.e[x].len - 1);
			}
			cs_buf_reset(&b);
			emit(&t, 0, x, r.data, r.len, &b);
			if ((m = malloc(b.len)) == NULL)
				abort();
			memcpy(m, b.data, b.len);
			snprintf(what, sizeof(what), "%s, broken %zu",
			    certs[i].from, k);
			fast_vs_openssl(m, b.len, what);
			broken++;
			if (!CHECK_INT(ref = own_signature(m, b.len), 0))
				printf("\t%s\n", what);
			if ((self = cs_x509_self_signed(m, b.len)) != -1) {
				cheap_broken++;
				if (!CHECK_INT(self, ref))
					printf("\t%s\n", what);
			}
			free(m);
		}
	}
	cs_buf_release(&r);
	cs_buf_release(&b);
	printf("roots: %zu, %zu verified, %zu by cs_x509_self_signed(); "
	    "%zu broken copies, %zu by cs_x509_self_signed()\n", roots,
	    verified, cheap, broken, cheap_broken);
	CHECK(roots >= 100);
	CHECK(verified == roots);
	CHECK(cheap * 100 >= roots * 95);	/* all measured */
	CHECK(broken == roots * 8);
	CHECK(cheap_broken * 100 >= broken * 90);	/* 97% measured */
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

/*
 * Builds sp, runs the comparison and checks what the fast reader did.
 * Returns the self_signed of cs_x509_parse(), or -1.
 */
static int
run_spec(const struct spec *sp, int want, const char *what)
{
	struct cs_buf der = CS_BUF_INIT;
	struct cs_cert c;
	struct cs_err err;
	int self = -1;

	if (!CHECK(build(sp, &der)))
		printf("\tcannot build %s\n", what);
	else {
		if (!CHECK_INT(fast_vs_openssl(der.data, der.len, what), want))
			printf("\t%s\n", what);
		if (cs_x509_parse(der.data, der.len, &c, &err) == 0) {
			self = c.self_signed;
			cs_cert_release(&c);
		}
	}
	cs_buf_release(&der);
	return self;
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

/*
 * Names X509_NAME_cmp() finds equal and names it does not, in certificates
 * their own key signed: the fast reader tells them apart as OpenSSL does,
 * and checks the signature itself for an RSA key or one on a NIST curve.
 * An Ed25519 signature it leaves to OpenSSL.
 */
static void
test_self_signed(void)
{
	static const struct {
		const char	*a, *b;
		int		 self;
	} cases[] = {
		{ "Root CA", "Root CA", 1 },
		{ "Root CA", "root ca", 1 },
		{ "Root  CA", " root ca ", 1 },
		{ "Root CA   ", "Root CA", 1 },
		{ "a  b   c", "A B C", 1 },
		{ "   ", "", 1 },
		{ "RootCA", "Root CA", 0 },	/* close, but not equal */
		{ "Root CA", "Root CB", 0 },
		{ "Root CA", "Root CA 2", 0 },
		{ "Root CA", "Root-CA", 0 },
		{ "a", "", 0 },
	};
	static const struct {
		int		 nid[2];
		const char	*v[2];
		int		 self;
	} other[] = {
		{ { NID_organizationName, 0 }, { "X" }, 0 },
		{ { NID_commonName, NID_commonName }, { "X", "X" }, 0 },
		{ { NID_commonName, NID_organizationName }, { "x", "  y" }, 1 },
		{ { NID_organizationName, NID_commonName }, { "Y", "X" }, 0 },
	};
	EVP_PKEY *keys[3];
	struct spec sp;
	size_t i, k;

	keys[0] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	keys[1] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	keys[2] = signer;
	if (!CHECK(keys[0] != NULL && keys[1] != NULL))
		return;
	for (k = 0; k < 3; k++)
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			memset(&sp, 0, sizeof(sp));
			sp.subject = name_of(V_ASN1_PRINTABLESTRING,
			    NID_commonName, cases[i].a, 0);
			sp.issuer = name_of(V_ASN1_UTF8STRING, NID_commonName,
			    cases[i].b, 0);
			sp.key = sp.by = keys[k];
			if (!CHECK_INT(run_spec(&sp, k == 2 ? !cases[i].self :
			    1, cases[i].b), cases[i].self))
				printf("\t\"%s\", \"%s\"\n", cases[i].a,
				    cases[i].b);
			X509_NAME_free(sp.subject);
			X509_NAME_free(sp.issuer);
		}
	/* Other attributes, another number or order of RDNs */
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		memset(&sp, 0, sizeof(sp));
		sp.subject = name_of(V_ASN1_UTF8STRING, NID_commonName, "X",
		    NID_organizationName, "Y", 0);
		sp.issuer = name_of(V_ASN1_PRINTABLESTRING, other[i].nid[0],
		    other[i].v[0], other[i].nid[1], other[i].v[1], 0);
		sp.key = sp.by = keys[0];
		CHECK_INT(run_spec(&sp, 1, other[i].v[0]), other[i].self);
		X509_NAME_free(sp.subject);
		X509_NAME_free(sp.issuer);
	}
	EVP_PKEY_free(keys[0]);
	EVP_PKEY_free(keys[1]);
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

/*
 * Self-signed certificates with each element of their TBS changed and
 * signed anew by their key. The signatures are good, so self_signed turns
 * on whether the names still compare equal, whether the key is still the
 * one that signed (its OID, parameters and bits) and whether the two
 * AlgorithmIdentifiers still agree.
 */
static void
test_resigned(void)
{
	static struct tree t;
	struct cs_buf der = CS_BUF_INIT;
	struct spec sp;
	size_t k, checked = self_checked, verified = self_verified;

	smutants = 0;
	for (k = 0; k < 2; k++) {
		memset(&sp, 0, sizeof(sp));
		sp.subject = name_of(V_ASN1_PRINTABLESTRING, NID_commonName,
		    "Root CA", NID_organizationName, "Example", NID_countryName,
		    "US", 0);
		sp.issuer = sp.subject;
		sp.key = sp.by = k == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    "P-256") : EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)1024);
		sp.ext[0].nid = NID_basic_constraints;
		sp.ext[0].value = "critical,CA:TRUE";
		sp.ext[1].nid = NID_subject_key_identifier;
		sp.ext[1].value = "hash";
		sp.ext[2].nid = NID_subject_alt_name;
		sp.ext[2].value = "DNS:a.example";
		memset(&t, 0, sizeof(t));
		if (CHECK(sp.key != NULL && build(&sp, &der)) &&
		    CHECK_INT(own_signature(der.data, der.len), 1)) {
			t.der = der.data;
			t.len = der.len;
			resign_key = sp.key;
			if (CHECK(elems(&t, 0, t.len)))
				mutate_elements(&t, k == 0 ? "re-signed EC" :
				    "re-signed RSA");
			resign_key = NULL;
		}
		EVP_PKEY_free(sp.key);
		X509_NAME_free(sp.subject);
	}
	cs_buf_release(&der);
	checked = self_checked - checked;
	verified = self_verified - verified;
	printf("re-signed: %zu copies, self_signed compared on %zu, %zu of "
	    "them true\n", smutants, checked, verified);
	CHECK(smutants >= 5000);
	CHECK(checked * 5 >= smutants);		/* 26% measured */
	CHECK(verified * 2 >= checked);		/* 67% measured */
}

int
main(void)
{
	if (!CHECK((signer = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) !=
	    NULL))
		return t_done();
	test_real();
	test_mutants();
	test_elements();
	test_roots();
	test_escapes();
	test_self_signed();
	test_times();
	test_serials();
	test_keys();
	test_extensions();
	test_resigned();
	EVP_PKEY_free(signer);
	while (ncerts > 0) {
		free(certs[--ncerts].p);
		free(certs[ncerts].from);
	}
	free(certs);
	return t_done();
}
