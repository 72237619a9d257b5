/*
 * Certificate summaries (certsift/x509.h) of real certificates from
 * python3-cryptography-vectors and Debian's ca-certificates, checked
 * against what openssl x509 -text says about them.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/date.h"
#include "certsift/err.h"
#include "certsift/x509.h"

#include "t.h"

#define VEC	"/usr/lib/python3/dist-packages/cryptography_vectors/x509"
#define ROOTS	"/etc/ssl/certs"

/* The DER of the certificate in a PEM file; out is empty when the file is
 * missing or does not decode (a failed check). */
static int
load_der(const char *path, struct cs_buf *out)
{
	struct cs_err err = CS_ERR_INIT;
	char *pem;
	size_t n;
	long r;

	cs_buf_reset(out);
	if ((pem = t_read_file(path, &n)) == NULL)
		return -1;
	r = cs_b64_decode_cert(pem, n, out, &err);
	free(pem);
	if (!CHECK(r > 0)) {
		printf("\t%s: %s\n", path, err.msg);
		return -1;
	}
	return 0;
}

/* Parses the certificate of a PEM file into c. */
static int
load(const char *path, struct cs_cert *c)
{
	struct cs_buf der = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT;
	int ok = 0;

	memset(c, 0, sizeof(*c));
	if (load_der(path, &der) == 0) {
		ok = CHECK_INT(cs_x509_parse(der.data, der.len, c, &err), 0);
		if (!ok)
			printf("\t%s: %s\n", path, err.msg);
	}
	cs_buf_release(&der);
	return ok;
}

static int
has_san(const struct cs_cert *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->nsan; i++)
		if (strcmp(c->san[i], s) == 0)
			return 1;
	return 0;
}

static void
hexstr(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void
check_iso(int64_t t, const char *want, const char *file, int line)
{
	char iso[32];

	cs_date_iso(t, iso);
	t_check_str(iso, want, file, line, "cs_date_iso");
}

#define ISO(t, want)	check_iso((t), (want), __FILE__, __LINE__)

static void
test_leaf(void)
{
	struct cs_cert c;
	char sha[65];

	if (!load(VEC "/cryptography.io.pem", &c))
		return;
	CHECK_STR(c.subject, "CN=www.cryptography.io,OU=Domain Control "
	    "Validated - RapidSSL(R),OU=See www.rapidssl.com/resources/cps "
	    "(c)14,OU=GT48742965");
	CHECK_STR(c.issuer, "CN=RapidSSL SHA256 CA - G3,O=GeoTrust Inc.,C=US");
	CHECK_STR(c.serial, "3f20");
	ISO(c.not_before, "2014-10-15T12:09:32Z");
	ISO(c.not_after, "2018-11-16T01:15:03Z");
	CHECK_INT(c.not_before, 1413374972);
	CHECK_STR(c.key, "RSA-4096");
	CHECK_STR(c.sig_alg, "sha256WithRSAEncryption");
	CHECK(c.ski == NULL);
	CHECK_STR(c.aki, "c39cf3fcd3460834bbce467fa07c5bf3e208cb59");
	CHECK_INT(c.is_ca, 0);
	CHECK_INT(c.self_signed, 0);
	CHECK_INT(c.nsan, 2);
	CHECK(has_san(&c, "cryptography.io"));
	CHECK(has_san(&c, "www.cryptography.io"));
	CHECK_INT(c.naia, 1);
	CHECK(c.naia == 1 && strcmp(c.aia[0], "http://gv.symcb.com/gv.crt")
	    == 0);
	hexstr(c.sha256, 32, sha);
	CHECK_STR(sha, "dc4f4d1400d4526052b5da693394dc8560b29cc21df90b9e2ec7"
	    "416261c73888");
	CHECK(c.subject_der != NULL && c.subject_der_len > 0 &&
	    c.subject_der[0] == 0x30);
	CHECK(c.issuer_der != NULL && c.issuer_der_len > 0 &&
	    c.issuer_der[0] == 0x30);
	cs_cert_release(&c);
	CHECK(c.subject == NULL && c.san == NULL && c.nsan == 0);
	cs_cert_release(&c);		/* twice is harmless */
	cs_cert_release(NULL);
}

static void
test_rsa_root(void)
{
	struct cs_cert c;
	char sha[65];

	if (!load(ROOTS "/ISRG_Root_X1.pem", &c))
		return;
	CHECK_STR(c.subject, "CN=ISRG Root X1,O=Internet Security Research "
	    "Group,C=US");
	CHECK_STR(c.issuer, c.subject);
	CHECK_STR(c.serial, "8210cfb0d240e3594463e0bb63828b00");
	ISO(c.not_before, "2015-06-04T11:04:38Z");
	ISO(c.not_after, "2035-06-04T11:04:38Z");
	CHECK_STR(c.key, "RSA-4096");
	CHECK_STR(c.sig_alg, "sha256WithRSAEncryption");
	CHECK_STR(c.ski, "79b459e67bb6e5e40173800888c81a58f6e99b6e");
	CHECK(c.aki == NULL);
	CHECK_INT(c.is_ca, 1);
	CHECK_INT(c.self_signed, 1);
	CHECK_INT(c.nsan, 0);
	CHECK_INT(c.naia, 0);
	hexstr(c.sha256, 32, sha);
	CHECK_STR(sha, "96bcec06264976f37460779acf28c5a7cfe8a3c0aae11a8ffcee"
	    "05c0bddf08c6");
	CHECK_MEM(c.subject_der, c.subject_der_len, c.issuer_der,
	    c.issuer_der_len);
	cs_cert_release(&c);
}

static void
test_ec_root(void)
{
	struct cs_cert c;

	if (!load(ROOTS "/ISRG_Root_X2.pem", &c))
		return;
	CHECK_STR(c.subject, "CN=ISRG Root X2,O=Internet Security Research "
	    "Group,C=US");
	CHECK_STR(c.key, "EC-P-384");
	CHECK_STR(c.sig_alg, "ecdsa-with-SHA384");
	CHECK_STR(c.serial, "41d29dd172eaeea780c12c6ce92f8752");
	ISO(c.not_after, "2040-09-17T16:00:00Z");
	CHECK_INT(c.is_ca, 1);
	CHECK_INT(c.self_signed, 1);
	cs_cert_release(&c);
	/* A leading zero byte of the serial is kept. */
	if (!load(VEC "/ecdsa_root.pem", &c))
		return;
	CHECK_STR(c.subject, "CN=DigiCert Global Root G3,OU=www.digicert.com,"
	    "O=DigiCert Inc,C=US");
	CHECK_STR(c.serial, "055556bcf25ea43535c3a40fd5ab4572");
	CHECK_STR(c.key, "EC-P-384");
	CHECK_INT(c.self_signed, 1);
	cs_cert_release(&c);
}

static void
test_ed25519(void)
{
	struct cs_cert c;

	if (!load(VEC "/ed25519/root-ed25519.pem", &c))
		return;
	CHECK_STR(c.key, "Ed25519");
	CHECK_STR(c.subject, "CN=IETF Test Demo");
	CHECK_STR(c.serial, "84f1083d1ce32d95");
	CHECK_STR(c.ski, "a28cc1f86e5960d3e03ae75c962c97a8d448293c");
	CHECK_STR(c.aki, c.ski);
	CHECK_INT(c.is_ca, 1);
	CHECK_INT(c.self_signed, 1);	/* an Ed25519 signature checked */
	cs_cert_release(&c);
	/* An Ed25519 key signed by RSA, valid past 2038 */
	if (!load(VEC "/ed25519/server-ed25519-cert.pem", &c))
		return;
	CHECK_STR(c.key, "Ed25519");
	CHECK_STR(c.sig_alg, "sha256WithRSAEncryption");
	CHECK_STR(c.subject, "CN=Ed25519");
	CHECK_STR(c.issuer, "CN=Root CA");
	CHECK_STR(c.serial, "02");
	ISO(c.not_after, "2117-06-15T23:31:19Z");
	CHECK_INT(c.not_after, 4653243079);
	CHECK_INT(c.is_ca, 0);
	CHECK_INT(c.self_signed, 0);
	cs_cert_release(&c);
}

static void
test_other_keys(void)
{
	struct cs_cert c;

	if (load(VEC "/custom/dsa_selfsigned_ca.pem", &c)) {
		CHECK_STR(c.key, "DSA-2048");
		CHECK_STR(c.sig_alg, "dsaWithSHA1");
		CHECK_INT(c.is_ca, 1);
		cs_cert_release(&c);
	}
	if (load(VEC "/custom/rsa_pss_cert.pem", &c)) {
		CHECK_STR(c.key, "RSA-PSS-2048");
		CHECK_STR(c.sig_alg, "rsassaPss");
		cs_cert_release(&c);
	}
	/* A key OpenSSL cannot load: named by its OID */
	if (load(VEC "/custom/unsupported_subject_public_key_info.pem", &c)) {
		CHECK_STR(c.key, "1.3.6.1.4.1.8432.1.1.2");
		CHECK_STR(c.subject, "emailAddress=info@yassl.com,"
		    "CN=www.yassl.com,OU=Development,O=yaSSL,L=Portland,ST=OR,"
		    "C=US");
		CHECK_INT(c.self_signed, 0);
		cs_cert_release(&c);
	}
}

static void
test_names_and_serials(void)
{
	struct cs_cert c;

	/* UTF-8 stays UTF-8, not \XX escapes */
	if (load(VEC "/custom/utf8_common_name.pem", &c)) {
		CHECK_STR(c.subject, "CN=We heart UTF8!\xe2\x84\xa2");
		CHECK_STR(c.serial, "df0929da94b061ba");
		cs_cert_release(&c);
	}
	if (load(VEC "/custom/negative_serial.pem", &c)) {
		CHECK_STR(c.serial, "-04316693ed");
		CHECK_STR(c.subject, "CN=gov.us,OU=Chaos,O=Extreme Discord,"
		    "postalCode=30062,street=3210 Holly Mill Run,L=Tallahassee,"
		    "ST=FL,C=US");
		CHECK_INT(c.nsan, 2);
		CHECK(has_san(&c, "*.gov.us"));
		cs_cert_release(&c);
	}
	/* Every kind of SAN entry: DNS, IP, email, URI (dirName skipped) */
	if (load(VEC "/custom/san_email_dns_ip_dirname_uri.pem", &c)) {
		CHECK_INT(c.nsan, 5);
		if (c.nsan == 5) {
			CHECK_STR(c.san[0], "email:user@cryptography.io");
			CHECK_STR(c.san[1], "cryptography.io");
			CHECK_STR(c.san[2], "127.0.0.1");
			/* openssl -text: "FF:0:0:0:0:0:0:0" */
			CHECK_STR(c.san[3], "ff::");
			CHECK_STR(c.san[4], "URI:https://cryptography.io");
		}
		cs_cert_release(&c);
	}
	/* No extensions at all */
	if (load(VEC "/v1_cert.pem", &c)) {
		CHECK(c.ski == NULL && c.aki == NULL);
		CHECK_INT(c.nsan, 0);
		CHECK_INT(c.naia, 0);
		CHECK_INT(c.is_ca, 0);
		cs_cert_release(&c);
	}
}

static void
test_bad_der(void)
{
	struct cs_buf der = CS_BUF_INIT, longer = CS_BUF_INIT;
	struct cs_cert c = CS_CERT_INIT;
	struct cs_err err;
	size_t cut, bad_cuts = 0;

	if (load_der(VEC "/cryptography.io.pem", &der) != 0)
		return;
	/* Trailing bytes */
	cs_buf_append(&longer, der.data, der.len, NULL);
	cs_buf_append(&longer, "\0\0", 2, NULL);
	memset(&err, 0, sizeof(err));
	CHECK_INT(cs_x509_parse(longer.data, longer.len, &c, &err), -1);
	CHECK_INT(err.code, CS_EX509);
	CHECK_STR(err.msg, "2 bytes after the certificate");
	CHECK(c.subject == NULL && c.serial == NULL);
	CHECK_INT(cs_x509_check(longer.data, longer.len, &err), -1);
	CHECK_INT(cs_x509_parse(longer.data, der.len + 1, &c, &err), -1);
	CHECK_STR(err.msg, "1 bytes after the certificate");
	/* Truncated, at every length */
	for (cut = 0; cut < der.len; cut++) {
		memset(&err, 0, sizeof(err));
		if (cs_x509_parse(der.data, cut, &c, &err) != -1 ||
		    err.code != CS_EX509 || cs_x509_check(der.data, cut,
		    &err) != -1)
			bad_cuts++;
	}
	CHECK_INT(bad_cuts, 0);
	/* Not DER at all */
	CHECK_INT(cs_x509_parse((const unsigned char *)"hello", 5, &c, &err),
	    -1);
	CHECK_INT(cs_x509_parse((const unsigned char *)"", 0, &c, &err), -1);
	/* The whole thing still parses, and check agrees. */
	CHECK_INT(cs_x509_check(der.data, der.len, &err), 0);
	CHECK_INT(cs_x509_parse(der.data, der.len, &c, &err), 0);
	cs_cert_release(&c);
	/* A PEM body's base64 is not DER. */
	CHECK_INT(cs_x509_parse((const unsigned char *)"MIIB", 4, &c, &err),
	    -1);
	cs_buf_release(&der);
	cs_buf_release(&longer);
}

static int
str_eq(const char *a, const char *b)
{
	return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

static int
cert_eq(const struct cs_cert *a, const struct cs_cert *b)
{
	size_t i;

	if (!str_eq(a->subject, b->subject) || !str_eq(a->issuer, b->issuer) ||
	    !str_eq(a->serial, b->serial) || !str_eq(a->ski, b->ski) ||
	    !str_eq(a->aki, b->aki) || !str_eq(a->key, b->key) ||
	    !str_eq(a->sig_alg, b->sig_alg) ||
	    a->not_before != b->not_before || a->not_after != b->not_after ||
	    a->is_ca != b->is_ca || a->self_signed != b->self_signed ||
	    memcmp(a->sha256, b->sha256, 32) != 0 ||
	    a->subject_der_len != b->subject_der_len ||
	    a->issuer_der_len != b->issuer_der_len ||
	    memcmp(a->subject_der, b->subject_der, a->subject_der_len) != 0 ||
	    memcmp(a->issuer_der, b->issuer_der, a->issuer_der_len) != 0 ||
	    a->nsan != b->nsan || a->naia != b->naia ||
	    a->facts != b->facts)
		return 0;
	if (a->facts == CS_FACTS_SET && (a->version != b->version ||
	    memcmp(a->spki_sha256, b->spki_sha256, 32) != 0 ||
	    (a->san_der == NULL) != (b->san_der == NULL) ||
	    a->san_der_len != b->san_der_len || (a->san_der != NULL &&
	    memcmp(a->san_der, b->san_der, a->san_der_len) != 0)))
		return 0;
	for (i = 0; i < a->nsan; i++)
		if (!str_eq(a->san[i], b->san[i]))
			return 0;
	for (i = 0; i < a->naia; i++)
		if (!str_eq(a->aia[i], b->aia[i]))
			return 0;
	return 1;
}

/*
 * The facts cs_x509_parse() reads beyond the summary, against OpenSSL's
 * own decoding: the version, the digest of the subjectPublicKeyInfo as
 * i2d_X509_PUBKEY() writes it, and the SAN's GeneralNames.
 */
static void
test_facts(void)
{
	static const struct {
		const char	*path;
		int		 version;
		int		 san;
	} t[] = {
		{ VEC "/cryptography.io.pem", 3, 1 },
		{ VEC "/custom/san_email_dns_ip_dirname_uri.pem", 3, 1 },
		{ VEC "/v1_cert.pem", 1, 0 },
		{ ROOTS "/ISRG_Root_X2.pem", 3, 0 },
	};
	struct cs_buf der = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT;
	struct cs_cert c;
	unsigned char want[32], *spki = NULL, *san = NULL;
	const unsigned char *p;
	GENERAL_NAMES *gn;
	X509 *x;
	size_t i;
	int n, m;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (load_der(t[i].path, &der) != 0)
			continue;
		p = der.data;
		if (!CHECK((x = d2i_X509(NULL, &p, (long)der.len)) != NULL))
			continue;
		if (CHECK_INT(cs_x509_parse(der.data, der.len, &c, &err), 0)) {
			CHECK_INT(c.facts, CS_FACTS_SET);
			CHECK_INT(c.version, t[i].version);
			CHECK_INT(X509_get_version(x) + 1, t[i].version);
			spki = NULL;
			n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
			CHECK(n > 0);
			SHA256(spki, (size_t)n, want);
			CHECK_MEM(want, 32, c.spki_sha256, 32);
			OPENSSL_free(spki);
			CHECK_INT(c.san_der != NULL, t[i].san);
			gn = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
			    NULL);
			CHECK_INT(gn != NULL, t[i].san);
			if (gn != NULL && c.san_der != NULL) {
				/* The contents of the SEQUENCE OpenSSL
				 * writes again. */
				san = NULL;
				m = i2d_GENERAL_NAMES(gn, &san);
				CHECK(m > 2 && (size_t)m >= c.san_der_len);
				CHECK_MEM(san + m - c.san_der_len, c.san_der_len,
				    c.san_der, c.san_der_len);
				OPENSSL_free(san);
			}
			GENERAL_NAMES_free(gn);
			cs_cert_release(&c);
		}
		X509_free(x);
	}
	cs_buf_release(&der);
}

static void
test_encode_decode(void)
{
	static const char *const files[] = {
		VEC "/cryptography.io.pem",
		VEC "/custom/san_email_dns_ip_dirname_uri.pem",
		VEC "/v1_cert.pem",
		VEC "/ed25519/root-ed25519.pem",
		ROOTS "/ISRG_Root_X2.pem",
	};
	struct cs_buf enc = CS_BUF_INIT, enc2 = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT;
	struct cs_cert c, d;
	size_t i, cut, bad_cuts;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!load(files[i], &c))
			continue;
		memset(&d, 0, sizeof(d));
		CHECK_INT(cs_cert_encode(&c, &enc, &err), 0);
		CHECK(enc.len > 54);
		if (CHECK_INT(cs_cert_decode(enc.data, enc.len, &d, &err), 0)) {
			CHECK(cert_eq(&c, &d));
			/* and again: the same bytes */
			CHECK_INT(cs_cert_encode(&d, &enc2, &err), 0);
			CHECK_MEM(enc.data, enc.len, enc2.data, enc2.len);
			cs_cert_release(&d);
		}
		/* Every truncation is refused. */
		bad_cuts = 0;
		for (cut = 0; cut < enc.len; cut++) {
			unsigned char *t = malloc(cut + 1);

			memcpy(t, enc.data, cut);
			memset(&err, 0, sizeof(err));
			if (cs_cert_decode(t, cut, &d, &err) == 0) {
				bad_cuts++;
				cs_cert_release(&d);
			} else if (err.code != CS_ESTORE)
				bad_cuts++;
			free(t);
		}
		CHECK_INT(bad_cuts, 0);
		cs_cert_release(&c);
	}
	/* Without the facts (a store of schema 6 wrote it so): version 1,
	 * which decodes with them unknown. */
	if (load(VEC "/cryptography.io.pem", &c)) {
		CHECK_INT(c.facts, CS_FACTS_SET);
		c.facts = CS_FACTS_UNKNOWN;
		CHECK_INT(cs_cert_encode(&c, &enc, &err), 0);
		CHECK_INT(cs_cert_summary_version(enc.data, enc.len), 1);
		if (CHECK_INT(cs_cert_decode(enc.data, enc.len, &d, &err),
		    0)) {
			CHECK(cert_eq(&c, &d));
			CHECK_INT(d.facts, CS_FACTS_UNKNOWN);
			CHECK(d.san_der == NULL);
			cs_cert_release(&d);
		}
		c.facts = CS_FACTS_SET;
		CHECK_INT(cs_cert_encode(&c, &enc, &err), 0);
		CHECK_INT(cs_cert_summary_version(enc.data, enc.len), 2);
		/* version 2 with facts of no known kind */
		enc.data[enc.len - 38 - c.san_der_len] = 7;
		CHECK_INT(cs_cert_decode(enc.data, enc.len, &d, &err), -1);
		cs_cert_release(&c);
	}
	/* A record of another version */
	if (load(VEC "/v1_cert.pem", &c)) {
		CHECK_INT(cs_cert_encode(&c, &enc, &err), 0);
		enc.data[0] = 99;
		CHECK_INT(cs_cert_decode(enc.data, enc.len, &d, &err), -1);
		cs_cert_release(&c);
	}
	cs_buf_release(&enc);
	cs_buf_release(&enc2);
}

/* ---- names as DER ------------------------------------------------------ */

/* Appends a DER TLV of tag and body to b. */
static void
tlv(struct cs_buf *b, unsigned char tag, const void *body, size_t n)
{
	unsigned char hdr[4];
	size_t h = 0;

	hdr[h++] = tag;
	if (n < 128)
		hdr[h++] = (unsigned char)n;
	else {
		hdr[h++] = 0x81;
		hdr[h++] = (unsigned char)n;
	}
	cs_buf_append(b, hdr, h, NULL);
	cs_buf_append(b, body, n, NULL);
}

/* A Name of one RDN per attribute: attrs are pairs of a type ("CN", "O")
 * and a value, strtype the ASN.1 string tag. */
static void
name_der(struct cs_buf *out, unsigned char strtype, const char *const *attrs,
    size_t nattrs)
{
	struct cs_buf rdns = CS_BUF_INIT, atv = CS_BUF_INIT,
	    set = CS_BUF_INIT;
	size_t i;

	for (i = 0; i < nattrs; i++) {
		unsigned char oid[3] = { 0x55, 0x04,
		    strcmp(attrs[2 * i], "CN") == 0 ? 0x03 :
		    strcmp(attrs[2 * i], "O") == 0 ? 0x0a : 0x06 };

		cs_buf_reset(&atv);
		tlv(&atv, 0x06, oid, 3);
		tlv(&atv, strtype, attrs[2 * i + 1], strlen(attrs[2 * i + 1]));
		cs_buf_reset(&set);
		tlv(&set, 0x30, atv.data, atv.len);
		tlv(&rdns, 0x31, set.data, set.len);
	}
	cs_buf_reset(out);
	tlv(out, 0x30, rdns.data != NULL ? rdns.data : (unsigned char *)"",
	    rdns.len);
	cs_buf_release(&rdns);
	cs_buf_release(&atv);
	cs_buf_release(&set);
}

static void
test_name_cmp(void)
{
	static const char *const n1[] = { "C", "US", "O", "ACME Corp",
	    "CN", "Example CA" };
	static const char *const n2[] = { "C", "us", "O", "  acme   corp ",
	    "CN", "EXAMPLE ca" };
	static const char *const n3[] = { "C", "US", "CN", "Example CA",
	    "O", "ACME Corp" };
	static const char *const n4[] = { "C", "US", "O", "ACME Corp",
	    "CN", "Example CA 2" };
	struct cs_buf a = CS_BUF_INIT, b = CS_BUF_INIT;
	struct cs_cert leaf, ca;
	int r1, r2;

	name_der(&a, 0x0c, n1, 3);		/* UTF8String */
	name_der(&b, 0x13, n2, 3);		/* PrintableString */
	CHECK_INT(cs_x509_name_cmp(a.data, a.len, a.data, a.len), 0);
	/* Case, spacing and string type folded */
	CHECK_INT(cs_x509_name_cmp(a.data, a.len, b.data, b.len), 0);
	CHECK_INT(cs_x509_name_cmp(b.data, b.len, a.data, a.len), 0);
	/* Attribute order matters. */
	name_der(&b, 0x0c, n3, 3);
	r1 = cs_x509_name_cmp(a.data, a.len, b.data, b.len);
	r2 = cs_x509_name_cmp(b.data, b.len, a.data, a.len);
	CHECK(r1 != 0);
	CHECK((r1 < 0) == (r2 > 0) && r2 != 0);
	/* A different value */
	name_der(&b, 0x0c, n4, 3);
	CHECK(cs_x509_name_cmp(a.data, a.len, b.data, b.len) != 0);
	/* Fewer attributes */
	name_der(&b, 0x0c, n1, 2);
	CHECK(cs_x509_name_cmp(a.data, a.len, b.data, b.len) != 0);
	/* Undecodable names sort after every other. */
	CHECK(cs_x509_name_cmp((const unsigned char *)"\x30\x05", 2, a.data,
	    a.len) > 0);
	CHECK(cs_x509_name_cmp(a.data, a.len, (const unsigned char *)"xyz",
	    3) < 0);
	CHECK_INT(cs_x509_name_cmp((const unsigned char *)"xyz", 3,
	    (const unsigned char *)"", 0), 0);
	/* An empty Name is a name. */
	name_der(&b, 0x0c, n1, 0);
	CHECK_INT(cs_x509_name_cmp(b.data, b.len, b.data, b.len), 0);
	CHECK(cs_x509_name_cmp(b.data, b.len, a.data, a.len) != 0);
	CHECK(cs_x509_name_cmp((const unsigned char *)"xyz", 3, b.data,
	    b.len) > 0);
	/* A leaf's issuer is its issuer's subject; not its own subject. */
	if (load(VEC "/cryptography.io.pem", &leaf)) {
		if (load(VEC "/rapidssl_sha256_ca_g3.pem", &ca)) {
			CHECK_INT(cs_x509_name_cmp(leaf.issuer_der,
			    leaf.issuer_der_len, ca.subject_der,
			    ca.subject_der_len), 0);
			CHECK(cs_x509_name_cmp(leaf.subject_der,
			    leaf.subject_der_len, ca.subject_der,
			    ca.subject_der_len) != 0);
			cs_cert_release(&ca);
		}
		cs_cert_release(&leaf);
	}
	cs_buf_release(&a);
	cs_buf_release(&b);
}

int
main(void)
{
	test_leaf();
	test_rsa_root();
	test_ec_root();
	test_ed25519();
	test_other_keys();
	test_names_and_serials();
	test_bad_der();
	test_facts();
	test_encode_decode();
	test_name_cmp();
	return t_done();
}
