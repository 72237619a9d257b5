/*
 * A certificate's summary as data: releasing one, and its store record
 * (a fixed header, then length-prefixed fields). Both x509.c's OpenSSL
 * path and x509_der.c's reader fill a cs_cert; neither calls the other
 * for this.
 */

#include "certsift/x509.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static void
free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void
cs_cert_release(struct cs_cert *c)
{
	if (c == NULL)
		return;
	if (c->block != NULL) {
		free(c->block);
		memset(c, 0, sizeof(*c));
		return;
	}
	free(c->subject);
	free(c->issuer);
	free(c->serial);
	free(c->ski);
	free(c->aki);
	free(c->key);
	free(c->sig_alg);
	free_list(c->san, c->nsan);
	free_list(c->aia, c->naia);
	free(c->san_der);
	OPENSSL_free(c->subject_der);
	OPENSSL_free(c->issuer_der);
	memset(c, 0, sizeof(*c));
}

/* ---- serialisation: fixed header, then length-prefixed fields ---------- */

#define NOSTR	0xffffffffu
#define ENC_VERSION	2	/* 1: without the facts after the lists */

static int
put_u32(struct cs_buf *b, uint32_t v, struct cs_err *err)
{
	return cs_buf_append(b, &v, sizeof(v), err);
}

static int
put_bytes(struct cs_buf *b, const void *p, size_t n, struct cs_err *err)
{
	if (p == NULL)
		return put_u32(b, NOSTR, err);
	if (put_u32(b, (uint32_t)n, err) == -1)
		return -1;
	return cs_buf_append(b, p, n, err);
}

static int
put_str(struct cs_buf *b, const char *s, struct cs_err *err)
{
	return put_bytes(b, s, s != NULL ? strlen(s) : 0, err);
}

int
cs_cert_encode(const struct cs_cert *c, struct cs_buf *out,
    struct cs_err *err)
{
	unsigned char hdr[4 + 8 + 8 + 2 + 32];
	size_t i;

	cs_buf_reset(out);
	hdr[0] = c->facts != CS_FACTS_UNKNOWN ? ENC_VERSION : 1;
	hdr[1] = hdr[2] = hdr[3] = 0;
	memcpy(hdr + 4, &c->not_before, 8);
	memcpy(hdr + 12, &c->not_after, 8);
	hdr[20] = (unsigned char)c->is_ca;
	hdr[21] = (unsigned char)c->self_signed;
	memcpy(hdr + 22, c->sha256, 32);
	if (cs_buf_append(out, hdr, sizeof(hdr), err) == -1 ||
	    put_str(out, c->subject, err) == -1 ||
	    put_str(out, c->issuer, err) == -1 ||
	    put_str(out, c->serial, err) == -1 ||
	    put_str(out, c->ski, err) == -1 ||
	    put_str(out, c->aki, err) == -1 ||
	    put_str(out, c->key, err) == -1 ||
	    put_str(out, c->sig_alg, err) == -1 ||
	    put_bytes(out, c->subject_der, c->subject_der_len, err) == -1 ||
	    put_bytes(out, c->issuer_der, c->issuer_der_len, err) == -1 ||
	    put_u32(out, (uint32_t)c->nsan, err) == -1)
		return -1;
	for (i = 0; i < c->nsan; i++)
		if (put_str(out, c->san[i], err) == -1)
			return -1;
	if (put_u32(out, (uint32_t)c->naia, err) == -1)
		return -1;
	for (i = 0; i < c->naia; i++)
		if (put_str(out, c->aia[i], err) == -1)
			return -1;
	if (c->facts == CS_FACTS_UNKNOWN)
		return 0;
	/* Version 2: the facts; when set, the version, the key's digest and
	 * the SAN's GeneralNames. */
	hdr[0] = (unsigned char)c->facts;
	hdr[1] = (unsigned char)c->version;
	memcpy(hdr + 2, c->spki_sha256, 32);
	if (c->facts != CS_FACTS_SET)
		return cs_buf_append(out, hdr, 1, err);
	if (cs_buf_append(out, hdr, 34, err) == -1)
		return -1;
	return put_bytes(out, c->san_der, c->san_der_len, err);
}

int
cs_cert_summary_version(const void *p, size_t n)
{
	return n > 0 ? *(const unsigned char *)p : 0;
}

/*
 * A summary being read: its fields are copied, each NUL-terminated, into
 * one block (a string takes no more room than its length prefix did, a
 * list's pointers come from the front of the block): one allocation per
 * certificate, not one per field.
 */
struct rd {
	const unsigned char	*p;
	const unsigned char	*end;
	int			 bad;
	unsigned char		*out;	/* the block's next string byte */
	char			**ptrs;	/* its next list pointer */
	size_t			 nptrs;	/* pointers left */
};

static uint32_t
get_u32(struct rd *r)
{
	uint32_t v;

	if (r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, 4);
	r->p += 4;
	return v;
}

static unsigned char *
get_bytes(struct rd *r, size_t *len)
{
	uint32_t n = get_u32(r);
	unsigned char *s = r->out;

	if (r->bad || n == NOSTR)
		return NULL;
	if ((size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->out += (size_t)n + 1;
	r->p += n;
	if (len != NULL)
		*len = n;
	return s;
}

static char **
get_list(struct rd *r, size_t *n)
{
	uint32_t i, k = get_u32(r);
	char **l = r->ptrs;

	*n = 0;
	if (r->bad || k == 0)
		return NULL;
	if (k > (size_t)(r->end - r->p) / 4 || k > r->nptrs) {
		r->bad = 1;
		return NULL;
	}
	r->ptrs += k;
	r->nptrs -= k;
	for (i = 0; i < k; i++)
		if ((l[i] = (char *)get_bytes(r, NULL)) == NULL)
			r->bad = 1;
	*n = k;
	return l;
}

/* Version 2's facts, after the lists. */
static void
get_facts(struct rd *r, struct cs_cert *c)
{
	if (r->bad || r->p == r->end) {
		r->bad = 1;
		return;
	}
	c->facts = *r->p++;
	if (c->facts == CS_FACTS_UNREAD)
		return;
	if (c->facts != CS_FACTS_SET || r->end - r->p < 33) {
		r->bad = 1;
		return;
	}
	c->version = *r->p++;
	memcpy(c->spki_sha256, r->p, 32);
	r->p += 32;
	c->san_der = get_bytes(r, &c->san_der_len);
}

int
cs_cert_decode(const void *p, size_t n, struct cs_cert *out,
    struct cs_err *err)
{
	struct rd r = { p, (const unsigned char *)p + n, 0, NULL, NULL, 0 };
	struct cs_cert c;

	memset(&c, 0, sizeof(c));
	if (n < 54 || r.p[0] < 1 || r.p[0] > ENC_VERSION)
		return cs_err_set(err, CS_ESTORE, "bad summary record");
	/* Each list entry has a length prefix of 4 bytes at least. */
	r.nptrs = n / 4;
	if ((c.block = malloc(r.nptrs * sizeof(char *) + n)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	r.ptrs = c.block;
	r.out = (unsigned char *)c.block + r.nptrs * sizeof(char *);
	memcpy(&c.not_before, r.p + 4, 8);
	memcpy(&c.not_after, r.p + 12, 8);
	c.is_ca = r.p[20];
	c.self_signed = r.p[21];
	memcpy(c.sha256, r.p + 22, 32);
	r.p += 54;
	c.subject = (char *)get_bytes(&r, NULL);
	c.issuer = (char *)get_bytes(&r, NULL);
	c.serial = (char *)get_bytes(&r, NULL);
	c.ski = (char *)get_bytes(&r, NULL);
	c.aki = (char *)get_bytes(&r, NULL);
	c.key = (char *)get_bytes(&r, NULL);
	c.sig_alg = (char *)get_bytes(&r, NULL);
	c.subject_der = get_bytes(&r, &c.subject_der_len);
	c.issuer_der = get_bytes(&r, &c.issuer_der_len);
	c.san = get_list(&r, &c.nsan);
	c.aia = get_list(&r, &c.naia);
	if (((const unsigned char *)p)[0] >= 2)
		get_facts(&r, &c);
	if (r.bad || c.subject == NULL || c.issuer == NULL) {
		cs_cert_release(&c);
		return cs_err_set(err, CS_ESTORE, "bad summary record");
	}
	*out = c;
	return 0;
}
