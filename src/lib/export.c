#include "certsift/export.h"

#include <inttypes.h>
#include <string.h>

#include <openssl/sha.h>
#include <xxhash.h>

#include "certsift/buf.h"
#include "certsift/date.h"
#include "certsift/hex.h"
#include "certsift/json.h"
#include "certsift/pem.h"

/* Length of the valid UTF-8 sequence at p (as jansson checks it), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned int c = p[0], v, k, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	k = c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
	if (k == 0 || n < k)
		return 0;
	v = c & (0x7f >> k);
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && v < 0x800) || (k == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	return k;
}

void
cs_json_string(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k;

	putc('"', f);
	while (p < end) {
		unsigned char c = *p;
		const unsigned char *q = p;

		/* Plain ASCII goes out in runs, not a byte at a time. */
		while (q < end && *q >= 0x20 && *q < 0x7f && *q != '"' &&
		    *q != '\\')
			q++;
		if (q > p) {
			fwrite(p, 1, (size_t)(q - p), f);
			p = q;
			continue;
		}
		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			p++;
		} else if (c < 0x80) {
			putc(c, f);
			p++;
		} else if ((k = utf8_seq(p, (size_t)(end - p))) == 0) {
			fputs("\\ufffd", f);
			p++;
		} else {
			fwrite(p, 1, k, f);
			p += k;
		}
	}
	putc('"', f);
}

void
cs_text_string(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k;

	while (p < end) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\') {
			fprintf(f, "\\x%02x", *p++);
		} else if (*p < 0x80) {
			putc(*p++, f);
		} else if ((k = utf8_seq(p, (size_t)(end - p))) == 0 ||
		    (p[0] == 0xc2 && p[1] < 0xa0)) {
			/* Invalid, or a C1 control character. */
			fprintf(f, "\\x%02x", *p++);
		} else {
			fwrite(p, 1, k, f);
			p += k;
		}
	}
}

void
cs_csv_field(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t i, k;
	int quote = 0;

	/* RFC 4180: quote a field holding a comma, quote or line break; we
	 * also quote any other control character, so no reader splits it. */
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || (unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f)
			quote = 1;
	if (quote)
		putc('"', f);
	while (p < end) {
		if (*p == '"') {
			fputs("\"\"", f);
			p++;
		} else if (*p == '\0' ||
		    (k = utf8_seq(p, (size_t)(end - p))) == 0) {
			/* NUL and invalid UTF-8 become U+FFFD. */
			fputs("\xef\xbf\xbd", f);
			p++;
		} else {
			fwrite(p, 1, k, f);
			p += k;
		}
	}
	if (quote)
		putc('"', f);
}

void
cs_hash128(const void *p, size_t n, unsigned char out[16])
{
	XXH128_hash_t h = XXH3_128bits(p, n);

	memcpy(out, &h, 16);
}

void
cs_sha256(const void *p, size_t n, unsigned char out[32])
{
	SHA256(p, n, out);
}

void
cs_sha256_hex(const unsigned char sha[32], char out[65])
{
	cs_hex(sha, 32, out);
}

void
cs_json_cstring(FILE *f, const char *s)
{
	if (s == NULL)
		fputs("null", f);
	else
		cs_json_string(f, s, strlen(s));
}

static void
json_list(struct cs_jw *w, const char *key, char *const *l, size_t n)
{
	size_t i;

	cs_jw_key(w, key);
	cs_jw_array_begin(w);
	for (i = 0; i < n; i++)
		cs_jw_str(w, l[i]);
	cs_jw_array_end(w);
}

void
cs_export_json(FILE *f, const struct cs_certrec *r)
{
	struct cs_jw w;

	cs_jw_init(&w, f);
	cs_jw_object_begin(&w);
	cs_export_json_fields(&w, r);
	cs_jw_object_end(&w);
}

void
cs_export_json_fields(struct cs_jw *w, const struct cs_certrec *r)
{
	const struct cs_cert *c = &r->cert;
	char hex[65], nb[32], na[32], code[16];
	size_t i;

	cs_sha256_hex(c->sha256, hex);
	cs_date_iso(c->not_before, nb);
	cs_date_iso(c->not_after, na);
	cs_jw_key_str(w, "sha256", hex);
	cs_jw_key_u64(w, "count", r->count);
	cs_jw_key_u64(w, "leaf_count", r->leaf_count);
	cs_jw_key_u64(w, "hosts", r->hosts);
	if (r->seen) {
		cs_jw_key_i64(w, "first_seen", r->first_seen);
		cs_jw_key_i64(w, "last_seen", r->last_seen);
	} else {
		cs_jw_key_null(w, "first_seen");
		cs_jw_key_null(w, "last_seen");
	}
	cs_jw_key(w, "errors");
	cs_jw_object_begin(w);
	for (i = 0; i < r->nerrs; i++) {
		snprintf(code, sizeof(code), "%d", (int)r->errs[i].code);
		cs_jw_key_u64(w, code, r->errs[i].n);
	}
	cs_jw_object_end(w);
	cs_jw_key_str(w, "subject", c->subject);
	cs_jw_key_str(w, "issuer", c->issuer);
	cs_jw_key_str(w, "serial", c->serial);
	cs_jw_key_str(w, "not_before", nb);
	cs_jw_key_str(w, "not_after", na);
	cs_jw_key_bool(w, "is_ca", c->is_ca);
	cs_jw_key_bool(w, "self_signed", c->self_signed);
	cs_jw_key_str(w, "ski", c->ski);
	cs_jw_key_str(w, "aki", c->aki);
	cs_jw_key_str(w, "key", c->key);
	cs_jw_key_str(w, "sig_alg", c->sig_alg);
	json_list(w, "san", c->san, c->nsan);
	json_list(w, "aia_ca_issuers", c->aia, c->naia);
}

int
cs_export_pem(FILE *f, const struct cs_certrec *r, struct cs_err *err)
{
	char hex[65];

	cs_sha256_hex(r->cert.sha256, hex);
	fprintf(f, "# sha256: %s\n# subject: ", hex);
	cs_text_string(f, r->cert.subject, strlen(r->cert.subject));
	fputs("\n# issuer: ", f);
	cs_text_string(f, r->cert.issuer, strlen(r->cert.issuer));
	fprintf(f, "\n# count: %" PRIu64 "\n# hosts: %" PRIu64 "\n",
	    r->count, r->hosts);
	return cs_pem_write(f, r->der, r->der_len, err);
}
