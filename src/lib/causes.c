#include "certsift/causes.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stddef.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>
#include <xxhash.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/hmap.h"
#include "certsift/query.h"
#include "certsift/vec.h"
#include "internal.h"
#include "ring.h"
#include "x509_int.h"

#include "interception.inc"

#define NOROW	UINT32_MAX
#define NOOFF	SIZE_MAX

static const char *const cause_names[CS_CAUSE_N] = {
	"interception", "captive-portal", "missing-intermediate",
	"untrusted-root", "unknown-issuer", "self-signed-leaf", "expired",
	"not-yet-valid", "name-mismatch", "weak-signature", "weak-key",
	"not-a-ca", "other"
};

const char *
cs_cause_name(int cause)
{
	if (cause < 0 || cause >= CS_CAUSE_N)
		return "?";
	return cause_names[cause];
}

int
cs_cause_parse(const char *name)
{
	int i;

	for (i = 0; i < CS_CAUSE_N; i++)
		if (strcmp(name, cause_names[i]) == 0)
			return i;
	return -1;
}

/* Grows the array *p of *cap elements of size sz to hold need. */
static int
grow(void *p, size_t *cap, size_t need, size_t sz, struct cs_err *err)
{
	if (cs_vec_grow(p, cap, need, sz) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	return 0;
}

/*
 * Byte strings, each once, numbered densely in the order added: details,
 * hostnames, issuer names. Indexed by their XXH3, confirmed by bytes.
 */
struct strent {
	size_t		 off;		/* into buf */
	size_t		 len;
};

struct strtab {
	struct cs_buf		 buf;	/* the strings, each with a NUL */
	CS_VEC(struct strent)	 e;	/* by number */
	struct cs_hmap		 idx;
};

static void
strtab_release(struct strtab *t)
{
	cs_buf_release(&t->buf);
	cs_vec_release(&t->e);
	cs_hmap_release(&t->idx);
}

static const char *
strtab_str(const struct strtab *t, uint32_t i)
{
	return (const char *)t->buf.data + t->e.v[i].off;
}

/* The number of s[0..len), added when new. Returns it, or -1. */
static long
strtab_add(struct strtab *t, const void *s, size_t len, struct cs_err *err)
{
	uint64_t h = XXH3_64bits(s, len);
	struct strent en;
	size_t pos;
	uint32_t i;

	if (t->e.n >= UINT32_MAX - 1 || cs_hmap_reserve(&t->idx, t->e.n + 1)
	    == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (pos = cs_hmap_start(&t->idx, h); cs_hmap_next(&t->idx, h, &pos,
	    &i);)
		if (t->e.v[i].len == len &&
		    memcmp(t->buf.data + t->e.v[i].off, s, len) == 0)
			return (long)i;
	en.off = t->buf.len;
	en.len = len;
	if (cs_vec_push(&t->e, en) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if (cs_buf_append(&t->buf, s, len, err) == -1 ||
	    cs_buf_append(&t->buf, "", 1, err) == -1) {
		t->e.n--;
		return -1;
	}
	cs_hmap_put(&t->idx, pos, h, (uint32_t)(t->e.n - 1));
	return (long)(t->e.n - 1);
}

/* ---- Chromium's list of interception products and captive portals ----- */

struct mitm {
	char		*name;
	regex_t		 cn, o;
	int		 has_cn, has_o;
};

struct portal {
	char		*name;
	unsigned char	 spki[32];
};

struct lists {
	struct mitm	*mitm;
	size_t		 nmitm;
	struct portal	*portal;
	size_t		 nportal;
};

static void
lists_release(struct lists *l)
{
	size_t i;

	for (i = 0; i < l->nmitm; i++) {
		free(l->mitm[i].name);
		if (l->mitm[i].has_cn)
			regfree(&l->mitm[i].cn);
		if (l->mitm[i].has_o)
			regfree(&l->mitm[i].o);
	}
	for (i = 0; i < l->nportal; i++)
		free(l->portal[i].name);
	free(l->mitm);
	free(l->portal);
}

/*
 * Compiles one of the list's RE2 patterns as a POSIX extended one that
 * must match the whole value. They use literals, escapes, ., *, +, ?,
 * groups, bracket classes and \d: \d becomes [0-9] (0-9 in a class), and
 * an escape in a class becomes the character itself ("-" moved last).
 */
static int
re_compile(regex_t *re, const char *pat, size_t len, struct cs_err *err)
{
	struct cs_buf b = CS_BUF_INIT;
	size_t i;
	int inclass = 0, hyphen = 0, rc = -1;

	if (cs_buf_append(&b, "^(", 2, err) == -1)
		goto out;
	for (i = 0; i < len; i++) {
		const char *add = NULL;
		char c = pat[i], one[2] = { c, 0 };

		if (c == '\\' && i + 1 < len) {
			c = pat[++i];
			one[0] = c;
			if (c == 'd')
				add = inclass ? "0-9" : "[0-9]";
			else if (inclass && c == '-') {
				hyphen = 1;
				add = "";
			} else if (inclass)
				add = one;
			else {
				if (cs_buf_append(&b, "\\", 1, err) == -1)
					goto out;
				add = one;
			}
		} else if (c == '[' && !inclass) {
			inclass = 1;
			add = "[";
		} else if (c == ']' && inclass) {
			inclass = 0;
			add = hyphen ? "-]" : "]";
			hyphen = 0;
		} else
			add = one;
		if (cs_buf_append(&b, add, strlen(add), err) == -1)
			goto out;
	}
	if (cs_buf_append(&b, ")$", 3, err) == -1)
		goto out;
	if (regcomp(re, (const char *)b.data, REG_EXTENDED | REG_NOSUB) != 0) {
		cs_err_set(err, CS_EUSAGE, "bad pattern '%.*s'", (int)len,
		    pat);
		goto out;
	}
	rc = 0;
out:
	cs_buf_release(&b);
	return rc;
}

/* One line of the TSV: kind, name, CN pattern, O pattern, SPKI hash. */
static int
lists_line(struct lists *l, char *line, struct cs_err *err)
{
	char *f[5], *p = line;
	struct cs_buf der = CS_BUF_INIT;
	struct mitm *m;
	struct portal *pt;
	int i;

	for (i = 0; i < 5; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')) == NULL && i < 4)
			return cs_err_set(err, CS_EUSAGE, "interception list: "
			    "short line");
		if (p != NULL)
			*p++ = '\0';
	}
	if (strcmp(f[0], "mitm_software") == 0) {
		if ((m = realloc(l->mitm, (l->nmitm + 1) * sizeof(*m))) == NULL)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		l->mitm = m;
		m = &l->mitm[l->nmitm];
		memset(m, 0, sizeof(*m));
		if ((m->name = strdup(f[1])) == NULL)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		l->nmitm++;
		if (*f[2] != '\0') {
			if (re_compile(&m->cn, f[2], strlen(f[2]), err) == -1)
				return -1;
			m->has_cn = 1;
		}
		if (*f[3] != '\0') {
			if (re_compile(&m->o, f[3], strlen(f[3]), err) == -1)
				return -1;
			m->has_o = 1;
		}
		return 0;
	}
	if (strcmp(f[0], "captive_portal") != 0)
		return 0;
	if (cs_b64_decode(f[4], strlen(f[4]), &der, err) == -1 ||
	    der.len != 32) {
		cs_buf_release(&der);
		return cs_err_set(err, CS_EUSAGE, "interception list: bad "
		    "SPKI hash '%s'", f[4]);
	}
	if ((pt = realloc(l->portal, (l->nportal + 1) * sizeof(*pt))) ==
	    NULL) {
		cs_buf_release(&der);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	l->portal = pt;
	pt = &l->portal[l->nportal];
	memcpy(pt->spki, der.data, 32);
	cs_buf_release(&der);
	if ((pt->name = strdup(f[1])) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	l->nportal++;
	return 0;
}

static int
lists_load(struct lists *l, struct cs_err *err)
{
	char *text, *line, *save = NULL;
	int first = 1, rc = 0;

	memset(l, 0, sizeof(*l));
	if ((text = strdup(interception_tsv)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (line = strtok_r(text, "\n", &save); line != NULL && rc == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		if (first) {		/* the header */
			first = 0;
			continue;
		}
		rc = lists_line(l, line, err);
	}
	free(text);
	return rc;
}

/* ---- what each certificate brings ----------------------------------------- */

struct nfact {
	size_t		 cn;		/* without SAN: its CNs, in ctx.arena,
					   or NOOFF */
	size_t		 san, san_len;	/* GeneralNames contents */
	size_t		 sumsan;	/* facts unread: summary's SANs */
	uint32_t	 nsumsan;
	uint32_t	 icpt;		/* rows, or NOROW */
	uint32_t	 captive;
	uint32_t	 weak_sig;
	uint32_t	 weak_key;
	unsigned char	 has_san, facts, is_ca, v1, self;
	/* The SAN when it is this short (most leaves'), else at san: the
	 * reports' rows read it with the facts, not a cache miss apart. */
	unsigned char	 san_in[71];
};

/*
 * A walked chain. Its leaf's SAN, when it has one this short (most
 * leaves'), is kept here too: the reports' rows come in chain order and
 * read it with the chain, not from the leaf's facts (a read a row of a
 * million scattered ones, which no prefetch hid).
 */
#define LEAF_SAN	46

struct crec {
	unsigned char	 key[CS_KEY_LEN];
	uint32_t	 rn;		/* chain-wide rows, in ctx.crows */
	unsigned char	 id[32];
	uint64_t	 posmask;
	uint32_t	 leaf;
	uint32_t	 vn;		/* validity entries, in ctx.vents */
	size_t		 roff, voff;
	unsigned char	 san_len;	/* 0: the leaf's facts say */
	unsigned char	 san[LEAF_SAN];
};

/* A validity entry joined to its chain. */
struct vent {
	int		 has_err;
	int32_t		 code;
	size_t		 host, host_len;	/* in ctx.arena */
	struct cs_validity v;
};

struct rowacc {
	int		 cause;
	uint32_t	 detail;	/* in ctx.details, or NOROW */
	uint64_t	 reports;
	uint64_t	 chains;
	uint64_t	 primary;
	uint64_t	 hosts;
};

/* (row, chain, reports) for the examples; (row, host) for the hosts. */
struct ex {
	uint32_t	 row;
	uint32_t	 chain;
	uint64_t	 n;
};

/* A count of a chain's reports with one code (see struct ctx). */
struct dc {
	uint32_t	 chain;
	int32_t		 code;
	int32_t		 day;		/* hv, dv */
	unsigned char	 has_err;
	unsigned char	 cause;		/* pv, hv */
	uint64_t	 n;
};

struct dcvec {
	struct dc	*v;
	size_t		 n, cap;
};

/* Reports of one (chain, code, hostname) with the same diagnoses. */
struct part {
	unsigned	 g;		/* G_* */
	uint64_t	 n;
	long		 host;		/* or -1 */
};

struct nodes;

struct ctx {
	struct cs_err		*err;
	const struct cs_missing_opts *mo;
	struct lists		 lists;
	struct cs_buf		 arena;
	struct nfact		*nodes;
	size_t			 nnodes, nodes_cap;
	struct strtab		 details;	/* cause byte + text */
	struct rowacc		*rows;
	size_t			 nrows, rows_cap;
	struct strtab		 issuers;	/* issuer DER -> icpt row */
	uint32_t		*icpt_of;	/* by issuer */
	size_t			 nicpt, icpt_cap;
	struct crec		*chains;
	size_t			 nchains, chains_cap;
	uint32_t		*crows;
	size_t			 ncrows, crows_cap;
	struct vent		*vents;
	size_t			 nvents, vents_cap;
	struct strtab		 hosts;
	struct cs_kv		*hpairs;	/* key row << 32 | host */
	size_t			 nhpairs, hpairs_cap;
	/* Each row's examples so far, best first: nex[row] of examples. */
	size_t			 examples;
	struct ex		*exs;		/* examples per row */
	size_t			 exs_cap;
	uint32_t		*nex;
	size_t			 nex_cap;
	/* --cause's diagnoses (0: every report); who sees each part */
	uint32_t		 sel_causes;
	cs_causes_part_fn	 part_fn;
	cs_causes_day_fn	 day_fn;
	void			*part_arg;
	/* Under a period: the parts of the (chain, code) being counted. */
	struct part		*parts;
	size_t			 nparts, parts_cap;
	int			 p_has_err;
	int32_t			 p_code;
	/* The chain being counted: its rows' reports. */
	size_t			 cur;
	struct ex		*acc;
	size_t			 nacc, acc_cap;
	unsigned char		*counted;	/* per chain: has reports */
	uint64_t		 reports;
	uint64_t		 primary[CS_CAUSE_N];
	/* cs_causes_days(): per chain, its reports' primary causes by code
	 * (pv), by code and day from the hosts' days (hv), and its days by
	 * code (dv), each in chain order. */
	int			 days;
	int			 cur_has_err;
	int32_t			 cur_code;
	struct dcvec		 pv, hv, dv;
	/* The rows of the per-report diagnoses and of none (made before
	 * the reports are counted: count_group() adds no row), and where
	 * the days' passes, on a thread of their own, say what failed. */
	uint32_t		 per_row[3], other_row;
	struct cs_err		*derr;
	size_t			 dcur;	/* the days passes' chain */
	struct nodes		*nt;	/* the store's nodes' thread */
	CS_VEC(struct cs_cause_day) out;	/* each (day, cause) once */
	struct cs_hmap		 outidx;
	uint64_t		 guessed;
};

static int
put(struct ctx *x, const void *p, size_t n, size_t *off)
{
	*off = x->arena.len;
	if (cs_buf_append(&x->arena, p, n, x->err) == -1 ||
	    cs_buf_append(&x->arena, "", 1, x->err) == -1)
		return -1;
	return 0;
}

static const char *
str_at(const struct ctx *x, size_t off)
{
	return (const char *)x->arena.data + off;
}

/* Where f's GeneralNames are. */
static const unsigned char *
san_of(const struct ctx *x, const struct nfact *f)
{
	return f->san_len <= sizeof(f->san_in) ? f->san_in :
	    x->arena.data + f->san;
}

/* The row of (cause, detail), made when new. */
static uint32_t
row_of(struct ctx *x, int cause, const char *detail)
{
	struct cs_buf k = CS_BUF_INIT;
	unsigned char small[512], *key = small;
	long i;
	size_t n = detail != NULL ? strlen(detail) : 0;

	/* The key: the cause's byte, then "+" and the detail if any (on
	 * the stack: a row is looked up for every chain). */
	if (n + 2 > sizeof(small)) {
		if (cs_buf_grow(&k, n + 2, x->err) == -1)
			return NOROW;
		key = k.data;
	}
	key[0] = (unsigned char)cause;
	if (detail != NULL) {
		key[1] = '+';
		memcpy(key + 2, detail, n);
	}
	i = strtab_add(&x->details, key, detail != NULL ? n + 2 : 1, x->err);
	cs_buf_release(&k);
	if (i < 0)
		return NOROW;
	if ((size_t)i == x->nrows) {
		if (grow(&x->rows, &x->rows_cap, x->nrows + 1,
		    sizeof(*x->rows), x->err) == -1)
			return NOROW;
		memset(&x->rows[i], 0, sizeof(x->rows[i]));
		x->rows[i].cause = cause;
		x->rows[i].detail = detail != NULL ? (uint32_t)i : NOROW;
		x->nrows++;
	}
	return (uint32_t)i;
}

/* The values of one attribute of a name, as UTF-8, matched by re. */
static int
name_matches(const X509_NAME *nm, int nid, const regex_t *re)
{
	const X509_NAME_ENTRY *e;
	unsigned char *u;
	int i = -1, n, ok = 0;

	while (!ok && (i = X509_NAME_get_index_by_NID(nm, nid, i)) >= 0) {
		e = X509_NAME_get_entry(nm, i);
		if ((n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e)))
		    < 0)
			continue;
		/* A NUL inside is no name the list means. */
		ok = strlen((char *)u) == (size_t)n &&
		    regexec(re, (char *)u, 0, NULL, 0) == 0;
		OPENSSL_free(u);
	}
	return ok;
}

/* The interception row of an issuer name (DER), or NOROW. */
static int
interception(struct ctx *x, const unsigned char *der, size_t len,
    uint32_t *row)
{
	const unsigned char *p = der;
	X509_NAME *nm;
	long i;
	size_t k;

	if ((i = strtab_add(&x->issuers, der, len, x->err)) < 0)
		return -1;
	if ((size_t)i < x->nicpt) {
		*row = x->icpt_of[i];
		return 0;
	}
	if (grow(&x->icpt_of, &x->icpt_cap, (size_t)i + 1,
	    sizeof(*x->icpt_of), x->err) == -1)
		return -1;
	*row = NOROW;
	if ((nm = d2i_X509_NAME(NULL, &p, (long)len)) != NULL) {
		for (k = 0; k < x->lists.nmitm; k++) {
			const struct mitm *m = &x->lists.mitm[k];

			if ((!m->has_cn || name_matches(nm, NID_commonName,
			    &m->cn)) && (!m->has_o || name_matches(nm,
			    NID_organizationName, &m->o)))
				break;
		}
		if (k < x->lists.nmitm && (*row = row_of(x,
		    CS_CAUSE_INTERCEPTION, x->lists.mitm[k].name)) == NOROW) {
			X509_NAME_free(nm);
			return -1;
		}
		X509_NAME_free(nm);
	}
	x->icpt_of[i] = *row;
	x->nicpt = (size_t)i + 1;
	return 0;
}

/* The first run of digits in s, or -1. */
static long
digits(const char *s)
{
	s += strcspn(s, "0123456789");
	return *s != '\0' ? strtol(s, NULL, 10) : -1;
}

static int
weak_sig(const char *alg)
{
	static const char *const weak[] = { "md2", "md4", "md5", "sha1" };
	char low[128];
	size_t i;

	for (i = 0; alg[i] != '\0' && i < sizeof(low) - 1; i++)
		low[i] = (char)(alg[i] >= 'A' && alg[i] <= 'Z' ? alg[i] + 32 :
		    alg[i]);
	low[i] = '\0';
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++)
		if (strstr(low, weak[i]) != NULL)
			return 1;
	return 0;
}

static int
weak_key(const char *key)
{
	long bits;

	if (strncmp(key, "RSA-", 4) == 0)
		return (bits = digits(key)) >= 0 && bits < 2048;
	if (strncmp(key, "EC-", 3) == 0)
		return (bits = digits(key)) >= 0 && bits < 256;
	return 0;
}

/* The subject's CNs, NUL-separated, for a certificate without SAN. */
static int
subject_cns(struct ctx *x, const struct cs_cert *c, size_t *off)
{
	const unsigned char *p = c->subject_der;
	X509_NAME *nm;
	unsigned char *u;
	struct cs_buf b = CS_BUF_INIT;
	int i = -1, n, rc = 0;

	*off = NOOFF;
	if ((nm = d2i_X509_NAME(NULL, &p, (long)c->subject_der_len)) == NULL)
		return 0;
	while ((i = X509_NAME_get_index_by_NID(nm, NID_commonName, i)) >= 0) {
		if ((n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(nm, i)))) < 0)
			continue;
		if (strlen((char *)u) == (size_t)n &&
		    cs_buf_append(&b, u, (size_t)n + 1, x->err) == -1)
			rc = -1;
		OPENSSL_free(u);
	}
	X509_NAME_free(nm);
	if (rc == 0 && b.len > 0)
		rc = put(x, b.data, b.len, off);
	cs_buf_release(&b);
	return rc;
}

static int
on_node(void *arg, uint32_t id, const struct cs_cert *c,
    const unsigned char *der, size_t len)
{
	struct ctx *x = arg;
	struct cs_cert v;
	struct nfact *nf;
	size_t i;

	if (grow(&x->nodes, &x->nodes_cap, (size_t)id + 1, sizeof(*x->nodes),
	    x->err) == -1)
		return -1;
	x->nnodes = (size_t)id + 1;
	nf = &x->nodes[id];
	memset(nf, 0, sizeof(*nf));
	nf->cn = NOOFF;
	nf->weak_sig = nf->weak_key = nf->captive = NOROW;
	nf->is_ca = (unsigned char)c->is_ca;
	nf->self = (unsigned char)c->self_signed;
	if (interception(x, c->issuer_der, c->issuer_der_len, &nf->icpt) ==
	    -1)
		return -1;
	/* The facts the summary keeps; a summary of a store made before
	 * they were kept: those of the DER, read the same way. */
	if (c->facts == CS_FACTS_UNKNOWN && der != NULL) {
		v = *c;
		cs_x509_facts_of(der, len, &v);
		c = &v;
	}
	if (c->facts == CS_FACTS_SET) {
		nf->facts = 1;
		nf->v1 = c->version == 1;
		nf->has_san = c->san_der != NULL;
		if (nf->has_san && c->san_der_len <= sizeof(nf->san_in))
			memcpy(nf->san_in, c->san_der, c->san_der_len);
		else if (nf->has_san && put(x, c->san_der, c->san_der_len,
		    &nf->san) == -1)
			return -1;
		nf->san_len = c->san_der_len;
		for (i = 0; i < x->lists.nportal; i++)
			if (memcmp(x->lists.portal[i].spki, c->spki_sha256,
			    32) == 0 &&
			    (nf->captive = row_of(x, CS_CAUSE_CAPTIVE_PORTAL,
			    x->lists.portal[i].name)) == NOROW)
				return -1;
	} else {
		/* XXX: DER this does not read: the summary's SANs, untyped. */
		nf->has_san = c->nsan > 0;
		nf->sumsan = x->arena.len;
		nf->nsumsan = (uint32_t)c->nsan;
		for (i = 0; i < c->nsan; i++)
			if (put(x, c->san[i], strlen(c->san[i]), &nf->san) == -1)
				return -1;
	}
	if (!nf->has_san && subject_cns(x, c, &nf->cn) == -1)
		return -1;
	if (c->sig_alg != NULL && weak_sig(c->sig_alg) && !c->self_signed &&
	    (nf->weak_sig = row_of(x, CS_CAUSE_WEAK_SIGNATURE, c->sig_alg)) ==
	    NOROW)
		return -1;
	if (c->key != NULL && weak_key(c->key) && (nf->weak_key = row_of(x,
	    CS_CAUSE_WEAK_KEY, c->key)) == NOROW)
		return -1;
	return 0;
}

/*
 * The store's certificates are most of the nodes, and what on_node() makes
 * of each (its interception product, weak key or signature, its names) is
 * much of the time the walk takes to load them: on_node() is called for
 * them on a thread of its own while the walk loads its own part
 * (node_others). The walk hands that thread each summary it reads
 * (node_summary(), through a ring): the summaries are read once. The
 * thread reads a certificate's DER only when its summary lacks the facts
 * (a store of schema 6), through a reader of the snapshot. on_node()
 * writes only the run's nodes,
 * arena and rows, which nothing else touches until the walk's first
 * walked chain: the thread is joined there, after the walk has loaded the
 * chains and checked the signatures. The walk's other nodes (roots, known,
 * AIA) come before that: they are kept (their summary encoded, their DER
 * copied) and given to on_node() once the thread is done, in their order.
 * Without a reader, on_node() is the walk's callback for every node, on
 * the run's thread.
 */
struct later {
	uint32_t	 id;
	size_t		 off;		/* in nodes.buf: the DER, */
	size_t		 len;
	size_t		 sum, sum_len;	/* then the summary */
};

/* A summary the walk read, for the thread. */
struct qsum {
	unsigned char	 key[CS_KEY_LEN];
	const void	*sum;
	size_t		 len;
};

#define RING	65536	/* summaries the walk may be ahead */
#define BATCH	128	/* handed over at once */

struct nodes {
	struct ctx	*x;
	struct cs_store	*st;		/* the reader */
	struct cs_err	*own;		/* the run's */
	struct cs_err	 err;
	uint32_t	 n;		/* certificates read */
	int		 ret;
	int		 threaded;
	pthread_t	 th;
	struct cs_ring	*ring;		/* of struct qsum */
	CS_VEC(struct later) later;
	struct cs_buf	 buf;
	struct cs_buf	 enc;
};

/* The walk's node_summary(): into the ring, for the thread. */
static void
node_summary(void *arg, const unsigned char *key, const void *sum,
    size_t len)
{
	struct nodes *nt = ((struct ctx *)arg)->nt;
	struct qsum *q;

	if (nt == NULL || !nt->threaded ||
	    (q = cs_ring_slot(nt->ring)) == NULL)
		return;		/* the thread stopped: it failed */
	memcpy(q->key, key, CS_KEY_LEN);
	q->sum = sum;
	q->len = len;
	cs_ring_commit(nt->ring);
}

/* A certificate the walk read: its summary, and its DER when the summary
 * lacks the facts (a store made before they were kept). */
static int
nodes_each(struct nodes *nt, const struct qsum *q, struct cs_dercur *dc)
{
	struct cs_cert c = CS_CERT_INIT;
	const unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	if (nt->n >= UINT32_MAX - 1)
		return cs_err_set(&nt->err, CS_ENOMEM, "too many certificates");
	if (cs_cert_decode(q->sum, q->len, &c, &nt->err) == -1)
		return -1;
	if (c.facts == CS_FACTS_UNKNOWN && (rc = cs_store_dercur_get(dc,
	    q->key, &der, &len, &nt->err)) != 0) {
		cs_cert_release(&c);
		return rc == 1 ? cs_err_set(&nt->err, CS_ESTORE, "certificate "
		    "without its summary or DER") : -1;
	}
	rc = on_node(nt->x, nt->n++, &c, der, len);
	cs_cert_release(&c);
	return rc;
}

static void *
nodes_run(void *arg)
{
	struct nodes *nt = arg;
	struct cs_dercur *dc;
	const struct qsum *q;

	if ((nt->ret = cs_store_dercur_open(nt->st, &dc, &nt->err)) == 0) {
		while (nt->ret == 0 && (q = cs_ring_next(nt->ring)) != NULL)
			nt->ret = nodes_each(nt, q, dc);
		cs_store_dercur_close(dc);
	}
	cs_ring_stop(nt->ring);
	return NULL;
}

/* Starts the thread when the store gives a reader; o says so. */
static void
nodes_start(struct ctx *x, struct cs_store *st, struct nodes *nt,
    struct cs_missing_opts *o)
{
	memset(nt, 0, sizeof(*nt));
	nt->x = x;
	nt->own = x->err;
	if ((nt->ring = cs_ring_new(RING, BATCH, sizeof(struct qsum))) ==
	    NULL)
		return;
	if (cs_store_reader(st, &nt->st, &nt->err) != 0)
		goto fail;
	x->err = &nt->err;		/* on_node()'s, on the thread */
	x->nt = nt;			/* before it reads the ring */
	nt->threaded = 1;
	if (pthread_create(&nt->th, NULL, nodes_run, nt) != 0) {
		x->err = nt->own;
		x->nt = NULL;
		nt->threaded = 0;
		cs_store_close(nt->st);
		nt->st = NULL;
		goto fail;
	}
	o->node_others = 1;
	o->node_summary = node_summary;
	return;
fail:
	cs_ring_free(nt->ring);
	nt->ring = NULL;
}

/* A node for on_node() once the thread is done (on the run's thread). */
static int
node_later(struct nodes *nt, uint32_t id, const struct cs_cert *c,
    const unsigned char *der, size_t len)
{
	struct later l;

	l.id = id;
	l.off = nt->buf.len;
	l.len = len;
	if (cs_cert_encode(c, &nt->enc, nt->own) == -1 ||
	    cs_buf_append(&nt->buf, der, len, nt->own) == -1)
		return -1;
	l.sum = nt->buf.len;
	l.sum_len = nt->enc.len;
	if (cs_buf_append(&nt->buf, nt->enc.data, nt->enc.len, nt->own) ==
	    -1 || cs_vec_push(&nt->later, l) == -1)
		return cs_err_set(nt->own, CS_ENOMEM, "out of memory");
	return 0;
}

/* The other nodes, kept while the thread ran: to on_node() now. */
static int
nodes_later(struct ctx *x, struct nodes *nt)
{
	const struct later *l;
	struct cs_cert c = CS_CERT_INIT;
	size_t i;
	int rc;

	for (i = 0; i < nt->later.n; i++) {
		l = &nt->later.v[i];
		if (l->id != x->nnodes)
			return cs_err_set(x->err, CS_ESTORE, "certificates "
			    "changed while read");
		if (cs_cert_decode(nt->buf.data + l->sum, l->sum_len, &c,
		    x->err) == -1)
			return -1;
		rc = on_node(x, l->id, &c, nt->buf.data + l->off, l->len);
		cs_cert_release(&c);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * Waits for the thread (when there is one still), then gives on_node()
 * the nodes kept: 0, or -1 when that failed and ok (the run's error then
 * says why).
 */
static int
nodes_join(struct ctx *x, int ok)
{
	struct nodes *nt = x->nt;
	int ret = 0;

	if (nt == NULL || !nt->threaded)
		return 0;
	cs_ring_close(nt->ring);
	pthread_join(nt->th, NULL);
	nt->threaded = 0;
	cs_ring_free(nt->ring);
	nt->ring = NULL;
	cs_store_close(nt->st);
	nt->st = NULL;
	x->err = nt->own;
	if (nt->ret == -1 && ok) {
		*x->err = nt->err;
		ret = -1;
	} else if (ok)
		ret = nodes_later(x, nt);
	cs_vec_release(&nt->later);
	cs_buf_release(&nt->buf);
	cs_buf_release(&nt->enc);
	return ret;
}

/* The walk's node callback: after the store's, numbered on from them. */
static int
node_cb(void *arg, uint32_t id, const struct cs_cert *c,
    const unsigned char *der, size_t len)
{
	struct ctx *x = arg;

	if (x->nt != NULL && x->nt->threaded)
		return node_later(x->nt, id, c, der, len);
	if (id != x->nnodes)
		return cs_err_set(x->err, CS_ESTORE, "certificates changed "
		    "while read");
	return on_node(x, id, c, der, len);
}

static int	on_walk(void *, const struct cs_missing_walk *);

/* The walk's walk callback: every node has its facts. */
static int
walk_cb(void *arg, const struct cs_missing_walk *w)
{
	struct ctx *x = arg;
	size_t i;

	if (nodes_join(x, 1) == -1)
		return -1;
	for (i = 0; i < w->npath; i++)
		if (w->path[i].node >= x->nnodes)
			return cs_err_set(x->err, CS_ESTORE, "certificates "
			    "changed while read");
	return on_walk(x, w);
}

/* ---- the walks: what applies to each chain as a whole -------------------- */

struct cand {
	int		 cause;
	uint32_t	 row;
};

static int
cand_add(struct cand *v, size_t *n, size_t max, int cause, uint32_t row)
{
	if (row == NOROW)
		return -1;
	if (*n < max) {
		v[*n].cause = cause;
		v[(*n)++].row = row;
	}
	return 0;
}

/* The walk's diagnoses: missing-intermediate, untrusted-root and so on. */
static int
walk_cands(struct ctx *x, const struct cs_missing_walk *w, struct cand *v,
    size_t *n, size_t max)
{
	const struct cs_missing_step *top = &w->path[w->npath - 1];
	struct cs_buf d = CS_BUF_INIT;
	size_t k;
	int rc = 0;

	if (w->outcome == CS_MISSING_INTERMEDIATE) {
		for (k = 0; k < w->npath && w->path[k].sent; k++)
			;
		if (k < w->npath) {
			const char *sub = w->path[k].subject != NULL ?
			    w->path[k].subject : "";

			const char *src = cs_missing_source_name(
			    w->path[k].source);

			if (cs_buf_appendf(&d, x->err, "%s (%s)", sub,
			    src != NULL ? src : "corpus") == -1)
				return cs_err_set(x->err, CS_ENOMEM,
				    "out of memory");
			rc = cand_add(v, n, max, CS_CAUSE_MISSING_INTERMEDIATE,
			    row_of(x, CS_CAUSE_MISSING_INTERMEDIATE,
			    (const char *)d.data));
			cs_buf_release(&d);
		}
	}
	if (rc == 0 && w->end == CS_MISSING_UNTRUSTED_ROOT && w->npath > 1)
		rc = cand_add(v, n, max, CS_CAUSE_UNTRUSTED_ROOT, row_of(x,
		    CS_CAUSE_UNTRUSTED_ROOT, top->subject != NULL ?
		    top->subject : ""));
	if (rc == 0 && w->end == CS_MISSING_UNKNOWN_ISSUER)
		rc = cand_add(v, n, max, CS_CAUSE_UNKNOWN_ISSUER, row_of(x,
		    CS_CAUSE_UNKNOWN_ISSUER, w->end_issuer != NULL ?
		    w->end_issuer : ""));
	if (rc == 0 && (w->path[0].flags & CS_MISSING_NODE_SELF) &&
	    !(w->path[0].flags & CS_MISSING_NODE_ROOT))
		rc = cand_add(v, n, max, CS_CAUSE_SELF_SIGNED_LEAF, row_of(x,
		    CS_CAUSE_SELF_SIGNED_LEAF, NULL));
	return rc;
}

/* What the certificates on the path bring. */
static int
cert_cands(struct ctx *x, const struct cs_missing_walk *w, struct cand *v,
    size_t *n, size_t max)
{
	const struct nfact *f;
	size_t k;

	for (k = 0; k < w->npath; k++) {
		f = &x->nodes[w->path[k].node];
		if ((f->icpt != NOROW && cand_add(v, n, max,
		    CS_CAUSE_INTERCEPTION, f->icpt) == -1) ||
		    (f->captive != NOROW && cand_add(v, n, max,
		    CS_CAUSE_CAPTIVE_PORTAL, f->captive) == -1) ||
		    (f->weak_sig != NOROW && cand_add(v, n, max,
		    CS_CAUSE_WEAK_SIGNATURE, f->weak_sig) == -1) ||
		    (f->weak_key != NOROW && cand_add(v, n, max,
		    CS_CAUSE_WEAK_KEY, f->weak_key) == -1))
			return -1;
		/* An issuer (not a trust anchor) that is no CA. */
		if (k > 0 && !(w->path[k].flags & CS_MISSING_NODE_ROOT) &&
		    (f->v1 || !f->is_ca) && cand_add(v, n, max,
		    CS_CAUSE_NOT_A_CA, row_of(x, CS_CAUSE_NOT_A_CA,
		    f->v1 ? "v1" : "no cA")) == -1)
			return -1;
	}
	return 0;
}

static int
on_walk(void *arg, const struct cs_missing_walk *w)
{
	struct ctx *x = arg;
	struct cand v[5 * 32 + 8], t;
	const struct nfact *f;
	struct crec *c;
	size_t n = 0, i, j;

	if (w->npath == 0)
		return 0;
	if (walk_cands(x, w, v, &n, sizeof(v) / sizeof(v[0])) == -1 ||
	    cert_cands(x, w, v, &n, sizeof(v) / sizeof(v[0])) == -1)
		return -1;
	/* By cause, stably: within one, in path order. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1].cause > v[j].cause; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	if (grow(&x->chains, &x->chains_cap, x->nchains + 1,
	    sizeof(*x->chains), x->err) == -1 ||
	    grow(&x->crows, &x->crows_cap, x->ncrows + n, sizeof(*x->crows),
	    x->err) == -1)
		return -1;
	c = &x->chains[x->nchains++];
	memset(c, 0, sizeof(*c));
	memcpy(c->key, w->key, CS_KEY_LEN);
	memcpy(c->id, w->id, 32);
	c->posmask = w->posmask;
	c->leaf = w->path[0].node;
	f = &x->nodes[c->leaf];
	if (f->facts && f->has_san && f->san_len > 0 &&
	    f->san_len <= LEAF_SAN) {
		c->san_len = (unsigned char)f->san_len;
		memcpy(c->san, san_of(x, f), f->san_len);
	}
	c->roff = x->ncrows;
	for (i = 0; i < n; i++) {
		for (j = c->roff; j < x->ncrows; j++)
			if (x->crows[j] == v[i].row)
				break;
		if (j == x->ncrows)
			x->crows[x->ncrows++] = v[i].row;
	}
	c->rn = (uint32_t)(x->ncrows - c->roff);
	return 0;
}

/* The walked chain with this key, or -1. */
static long
chain_find(const struct ctx *x, const unsigned char *key)
{
	size_t lo = 0, hi = x->nchains, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = memcmp(x->chains[mid].key, key, CS_KEY_LEN)) == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
on_validity(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, const struct cs_validity *v, size_t nv)
{
	struct ctx *x = arg;
	struct crec *c;
	struct vent *e;
	long ci;
	size_t i, off;

	if ((ci = chain_find(x, ckey)) < 0)
		return 0;
	c = &x->chains[ci];
	if (nv > UINT32_MAX - c->vn)
		return cs_err_set(x->err, CS_ESTORE, "too many validity rows");
	if (grow(&x->vents, &x->vents_cap, x->nvents + nv, sizeof(*x->vents),
	    x->err) == -1 || put(x, host, len, &off) == -1)
		return -1;
	if (c->vn == 0)
		c->voff = x->nvents;
	for (i = 0; i < nv; i++) {
		e = &x->vents[x->nvents++];
		e->has_err = has_err;
		e->code = code;
		e->host = off;
		e->host_len = len;
		e->v = v[i];
		c->vn++;
	}
	return 0;
}

/* ---- the reports: per (chain, code, hostname) ----------------------------- */

/* RFC 6125 as mozilla::pkix applies it: "*" only as a whole first label,
 * over at least two labels; one trailing dot ignored. */
static int
dns_match(const char *p, size_t plen, const char *host, size_t hlen)
{
	const char *dot;

	if (plen > 0 && p[plen - 1] == '.')
		plen--;
	if (plen > 2 && p[0] == '*' && p[1] == '.') {
		if (memchr(p + 2, '.', plen - 2) == NULL ||
		    memchr(p + 2, '*', plen - 2) != NULL ||
		    (dot = memchr(host, '.', hlen)) == NULL || dot == host)
			return 0;
		return (size_t)(host + hlen - dot) == plen - 1 &&
		    strncasecmp(dot, p + 1, plen - 1) == 0;
	}
	if (memchr(p, '*', plen) != NULL || memchr(p, '\0', plen) != NULL)
		return 0;
	return plen == hlen && strncasecmp(p, host, hlen) == 0;
}

/* The address in s[0..len) (IPv6 perhaps in brackets): its length, 0. */
static size_t
ip_parse(const char *s, size_t len, unsigned char ip[16])
{
	char b[64];
	size_t i;

	if (len > 1 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(b))
		return 0;
	/* Most are names: IPv6 text has a colon, IPv4 only digits and dots. */
	if (memchr(s, ':', len) == NULL) {
		for (i = 0; i < len && ((s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.'); i++)
			;
		if (i < len)
			return 0;
	}
	memcpy(b, s, len);
	b[len] = '\0';
	if (inet_pton(AF_INET, b, ip) == 1)
		return 4;
	if (inet_pton(AF_INET6, b, ip) == 1)
		return 16;
	return 0;
}

/* Whether a name as text (CN, untyped SAN) covers the host. */
static int
text_match(const char *s, const char *host, size_t len,
    const unsigned char *ip, size_t iplen)
{
	unsigned char a[16];

	if (iplen > 0)
		return ip_parse(s, strlen(s), a) == iplen &&
		    memcmp(a, ip, iplen) == 0;
	return dns_match(s, strlen(s), host, len);
}

/* Whether a SAN (its GeneralNames' contents, san_len bytes) covers the
 * hostname (ip: its address, iplen bytes, when it is one). */
static int
san_ok(const unsigned char *p, size_t san_len, const char *host, size_t len,
    const unsigned char *ip, size_t iplen)
{
	const unsigned char *end = p + san_len, *v;
	size_t vlen;
	int type;

	while (cs_x509_san_next(&p, end, &type, &v, &vlen))
		if ((type == CS_SAN_IP && iplen > 0 && vlen == iplen &&
		    memcmp(v, ip, iplen) == 0) || (type == CS_SAN_DNS &&
		    iplen == 0 && dns_match((const char *)v, vlen, host, len)))
			return 1;
	return 0;
}

/* Whether the leaf covers the hostname. */
static int
host_ok(const struct ctx *x, const struct nfact *f, const char *host,
    size_t len)
{
	unsigned char ip[16];
	const char *s;
	size_t iplen = ip_parse(host, len, ip), i;

	if (!f->facts) {
		for (i = 0, s = str_at(x, f->sumsan); i < f->nsumsan;
		    i++, s += strlen(s) + 1)
			if (text_match(s, host, len, ip, iplen))
				return 1;
		if (f->nsumsan > 0)
			return 0;
	} else if (f->has_san)
		return san_ok(san_of(x, f), f->san_len, host, len, ip, iplen);
	if (f->cn == NOOFF)
		return 0;
	for (s = str_at(x, f->cn); *s != '\0'; s += strlen(s) + 1)
		if (text_match(s, host, len, ip, iplen))
			return 1;
	return 0;
}

/* A keyed hostname (--hosts keyed): 64 hex digits, longer than a label. */
static int
keyed(const char *host, size_t len)
{
	size_t i;

	if (len != 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!((host[i] >= '0' && host[i] <= '9') ||
		    (host[i] >= 'a' && host[i] <= 'f')))
			return 0;
	return 1;
}

/* Whether a is a better example than b: more reports, then the lower id. */
static int
ex_better(const struct ctx *x, const struct ex *a, const struct ex *b)
{
	if (a->n != b->n)
		return a->n > b->n;
	return memcmp(x->chains[a->chain].id, x->chains[b->chain].id, 32) < 0;
}

/* Keeps e among its row's best examples (an insertion into a few). */
static int
example(struct ctx *x, const struct ex *e)
{
	struct ex *best;
	size_t k = x->examples, need = ((size_t)e->row + 1) * k, i;

	if (grow(&x->exs, &x->exs_cap, need, sizeof(*x->exs), x->err) == -1)
		return -1;
	if (x->nex_cap <= e->row) {
		i = x->nex_cap;
		if (grow(&x->nex, &x->nex_cap, (size_t)e->row + 1,
		    sizeof(*x->nex), x->err) == -1)
			return -1;
		memset(x->nex + i, 0, (x->nex_cap - i) * sizeof(*x->nex));
	}
	best = x->exs + (size_t)e->row * k;
	i = x->nex[e->row];
	if (i == k && !ex_better(x, e, &best[--i]))
		return 0;
	for (; i > 0 && ex_better(x, e, &best[i - 1]); i--)
		best[i] = best[i - 1];
	best[i] = *e;
	if (x->nex[e->row] < k)
		x->nex[e->row]++;
	return 0;
}

/* Ends the chain being counted: its rows' chains and examples. */
static int
flush(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->nacc; i++) {
		x->rows[x->acc[i].row].chains++;
		if (x->examples > 0 && example(x, &x->acc[i]) == -1)
			return -1;
	}
	x->nacc = 0;
	return 0;
}

static int
count_row(struct ctx *x, uint32_t row, uint64_t k, long host)
{
	size_t i;

	x->rows[row].reports += k;
	for (i = 0; i < x->nacc && x->acc[i].row != row; i++)
		;
	if (i == x->nacc) {
		if (grow(&x->acc, &x->acc_cap, x->nacc + 1, sizeof(*x->acc),
		    x->err) == -1)
			return -1;
		x->acc[i].row = row;
		x->acc[i].chain = (uint32_t)x->cur;
		x->acc[i].n = 0;
		x->nacc++;
	}
	x->acc[i].n += k;
	if (host >= 0) {
		if (grow(&x->hpairs, &x->hpairs_cap, x->nhpairs + 1,
		    sizeof(*x->hpairs), x->err) == -1)
			return -1;
		x->hpairs[x->nhpairs].key = (uint64_t)row << 32 |
		    (uint64_t)host;
		x->hpairs[x->nhpairs++].val = 0;
	}
	return 0;
}

enum { G_EXPIRED = 1, G_NOTYET = 2, G_MISMATCH = 4 };

/* Appends a count, added to the last when it is of the same. */
static int
dc_add(struct dcvec *v, uint32_t chain, int has_err, int32_t code,
    int32_t day, int cause, uint64_t n)
{
	struct dc d, *l = v->n > 0 ? &v->v[v->n - 1] : NULL;

	if (l != NULL && l->chain == chain && l->has_err == has_err &&
	    l->code == code && l->day == day && l->cause == cause) {
		l->n += n;
		return 0;
	}
	memset(&d, 0, sizeof(d));
	d.chain = chain;
	d.has_err = (unsigned char)has_err;
	d.code = code;
	d.day = day;
	d.cause = (unsigned char)cause;
	d.n = n;
	return cs_vec_push(v, d);
}

static const int per_report[] = { CS_CAUSE_EXPIRED, CS_CAUSE_NOT_YET_VALID,
    CS_CAUSE_NAME_MISMATCH };

/* The diagnoses (1 << CS_CAUSE_*) of reports of the current chain with
 * the per-report diagnoses g. */
static uint32_t
chain_mask(const struct ctx *x, const struct crec *c, unsigned g)
{
	uint32_t m = 0;
	size_t i;

	for (i = 0; i < c->rn; i++)
		m |= 1u << x->rows[x->crows[c->roff + i]].cause;
	for (i = 0; i < 3; i++)
		if (g & (1u << i))
			m |= 1u << per_report[i];
	return m != 0 ? m : 1u << CS_CAUSE_OTHER;
}

static uint32_t
group_mask(const struct ctx *x, unsigned g)
{
	return chain_mask(x, &x->chains[x->cur], g);
}

/* k reports of the current chain, with the per-report diagnoses g. */
static int
count_group(struct ctx *x, unsigned g, uint64_t k, long host)
{
	const struct crec *c = &x->chains[x->cur];
	uint32_t row, prim = NOROW, r, mask;
	size_t i;

	if (k == 0)
		return 0;
	mask = group_mask(x, g);
	/* --cause: the reports with one of its diagnoses only. */
	if (x->sel_causes != 0 && !(mask & x->sel_causes))
		return 0;
	if (x->part_fn != NULL && x->part_fn(x->part_arg, c->key,
	    x->cur_has_err, x->cur_code, host < 0 ? NULL :
	    strtab_str(&x->hosts, (uint32_t)host), host < 0 ? 0 :
	    x->hosts.e.v[host].len, mask, k, x->err) == -1)
		return -1;
	x->reports += k;
	for (i = 0; i < c->rn; i++) {
		row = x->crows[c->roff + i];
		if (prim == NOROW && x->rows[row].cause < CS_CAUSE_EXPIRED)
			prim = row;
		if (count_row(x, row, k, host) == -1)
			return -1;
	}
	for (i = 0; i < 3; i++) {
		if (!(g & (1u << i)))
			continue;
		r = x->per_row[i];
		if (count_row(x, r, k, host) == -1)
			return -1;
		if (prim == NOROW)
			prim = r;
	}
	if (prim == NOROW && c->rn > 0)
		prim = x->crows[c->roff];
	if (prim == NOROW) {
		prim = x->other_row;
		if (count_row(x, prim, k, host) == -1)
			return -1;
	}
	x->rows[prim].primary += k;
	x->primary[x->rows[prim].cause] += k;
	if (x->days && dc_add(&x->pv, (uint32_t)x->cur, x->cur_has_err,
	    x->cur_code, CS_NODAY, x->rows[prim].cause, k) == -1)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	x->counted[x->cur] = 1;
	return 0;
}

/*
 * Under a period, for a (chain, code) without the hostnames' days (reports
 * of a schema 5 store): counts the parts kept by part_of(). Of its
 * reports in the period, each part counts those that must be there;
 * the rest (when the pair has reports on both sides and several parts)
 * count with the diagnoses every part has, and no hostname.
 */
static int
group_end(struct ctx *x)
{
	const struct cs_query *q = x->mo->query;
	const unsigned char *ckey = x->chains[x->cur].key;
	uint64_t total = 0, in, sum = 0, k;
	unsigned gand = ~0u;
	size_t i;

	for (i = 0; i < x->nparts; i++)
		total += x->parts[i].n;
	x->cur_has_err = x->p_has_err;
	x->cur_code = x->p_code;
	in = cs_query_period(q, ckey, x->p_has_err, x->p_code, total);
	for (i = 0; i < x->nparts && in > 0; i++) {
		k = cs_query_period(q, ckey, x->p_has_err, x->p_code,
		    x->parts[i].n);
		if (count_group(x, x->parts[i].g, k, x->parts[i].host) == -1)
			return -1;
		sum += k;
		gand &= x->parts[i].g;
	}
	x->nparts = 0;
	return in > sum ? count_group(x, gand, in - sum, -1) : 0;
}

/* Under a period: k of the pair's reports with diagnoses g, a part of
 * them to share out at the end of the pair (group_end()). */
static int
part_of(struct ctx *x, int has_err, int32_t code, unsigned g, uint64_t k,
    long host)
{
	if (x->nparts > 0 && (x->p_has_err != has_err || x->p_code != code)
	    && group_end(x) == -1)
		return -1;
	if (grow(&x->parts, &x->parts_cap, x->nparts + 1, sizeof(*x->parts),
	    x->err) == -1)
		return -1;
	x->p_has_err = has_err;
	x->p_code = code;
	x->parts[x->nparts++] = (struct part){ g, k, host };
	return 0;
}

/* A row of cs_store_foreach_chainhost() being counted. */
struct row {
	const unsigned char	*ckey;
	int			 has_err;
	int32_t			 code;
	const char		*host;
	size_t			 len;
	long			 hid;		/* in x->hosts, or -1 */
};

/*
 * k reports of the current chain and code with diagnoses g, their
 * certificates out of validity those of the masks. Under a period, the
 * row's reports in it with these masks when the hosts' days say (exact),
 * else a part of the pair's reports (group_end()).
 */
static int
part(struct ctx *x, const struct cs_query *q, const struct row *r,
    unsigned g, uint64_t expired, uint64_t notyet, uint64_t k)
{
	if (q != NULL && cs_sel_window(cs_query_sel(q))) {
		if (!cs_query_row_valid(q, r->ckey, r->has_err, r->code,
		    r->host, r->len, expired, notyet, &k))
			return part_of(x, r->has_err, r->code, g, k, r->hid);
		if (x->nparts > 0 && group_end(x) == -1)
			return -1;
	}
	x->cur_has_err = r->has_err;
	x->cur_code = r->code;
	return count_group(x, g, k, r->hid);
}

/*
 * Starts loading the leaf facts of the chains a few ahead of cur, then
 * their names: the rows come in chain key order, the leaves in any (two
 * cache misses a chain, a million chains).
 */
static void
leaf_prefetch(const struct ctx *x, size_t cur)
{
	const struct nfact *f;

	/* (A chain with its leaf's SAN needs none of them.) */
	if (cur + 16 < x->nchains && x->chains[cur + 16].san_len == 0) {
		f = &x->nodes[x->chains[cur + 16].leaf];
		__builtin_prefetch(f);
		__builtin_prefetch((const char *)f + 64);
		__builtin_prefetch((const char *)(f + 1) - 1);
	}
	if (cur + 8 < x->nchains && x->chains[cur + 8].san_len == 0) {
		f = &x->nodes[x->chains[cur + 8].leaf];
		if (f->has_san && f->facts && f->san_len > sizeof(f->san_in))
			__builtin_prefetch(x->arena.data + f->san);
	}
}

/*
 * The walked chain with this key, or -1, for the days' passes, whose rows
 * come in key order: from the last one's (*at) on, not a search of a
 * million each row.
 */
static long
chain_next(const struct ctx *x, size_t *at, const unsigned char *key)
{
	int c = 1;

	if (*at > 0 && memcmp(x->chains[*at - 1].key, key, CS_KEY_LEN) > 0)
		return chain_find(x, key);	/* not in order after all */
	while (*at < x->nchains && (c = memcmp(x->chains[*at].key, key,
	    CS_KEY_LEN)) < 0)
		leaf_prefetch(x, ++*at);
	return c == 0 ? (long)*at : -1;
}

/* Whether a report of chain c to host has name-mismatch (G_MISMATCH). */
static unsigned
host_diag(const struct ctx *x, const struct crec *c, const char *host,
    size_t len)
{
	unsigned char ip[16];

	if (len == 0 || keyed(host, len))
		return 0;
	if (c->san_len > 0)
		return san_ok(c->san, c->san_len, host, len, ip, ip_parse(host,
		    len, ip)) ? 0 : G_MISMATCH;
	return host_ok(x, &x->nodes[c->leaf], host, len) ? 0 : G_MISMATCH;
}

/*
 * The walked chain of a row (ckey), the rows coming in key order: the
 * chains before it are done with (their groups end). -1 when it is none
 * (or an error: *err set, -2).
 */
static long
row_chain(struct ctx *x, const unsigned char *ckey)
{
	int cmp = -1;

	while (x->cur < x->nchains && (cmp = memcmp(x->chains[x->cur].key,
	    ckey, CS_KEY_LEN)) < 0) {
		if ((x->nparts > 0 && group_end(x) == -1) || flush(x) == -1)
			return -2;
		leaf_prefetch(x, ++x->cur);
	}
	return cmp == 0 ? (long)x->cur : -1;
}

/* A row of chain c with diagnoses g: its n reports counted. */
static int
row_count(struct ctx *x, const struct crec *c, unsigned g,
    const unsigned char *ckey, int has_err, int32_t code, const char *host,
    size_t len, uint64_t n)
{
	const struct vent *e;
	const struct cs_query *q = x->mo->query;
	struct row r = { ckey, has_err, code, host, len, -1 };
	unsigned gv;
	size_t i;

	if (len > 0 && (r.hid = strtab_add(&x->hosts, host, len,
	    x->err)) < 0)
		return -1;
	for (i = 0; i < c->vn; i++) {
		e = &x->vents[c->voff + i];
		if (e->has_err != has_err || e->code != code ||
		    e->host_len != len || memcmp(str_at(x, e->host), host,
		    len) != 0)
			continue;
		gv = g;
		if (e->v.expired & c->posmask)
			gv |= G_EXPIRED;
		if (e->v.notyet & c->posmask)
			gv |= G_NOTYET;
		if (e->v.n > n)		/* a damaged store: not below 0 */
			break;
		if (part(x, q, &r, gv, e->v.expired, e->v.notyet,
		    e->v.n) == -1)
			return -1;
		n -= e->v.n;
	}
	return part(x, q, &r, g, 0, 0, n);
}


/* ---- per day (cs_causes_days()) ------------------------------------------ */

/* The primary cause of a report of chain c with per-report diagnoses g:
 * what count_group() picks. */
static int
primary_cause(const struct ctx *x, const struct crec *c, unsigned g)
{
	static const int per[] = { CS_CAUSE_EXPIRED, CS_CAUSE_NOT_YET_VALID,
	    CS_CAUSE_NAME_MISMATCH };
	size_t i;

	/* The chain's rows are in cause order. */
	if (c->rn > 0 && x->rows[x->crows[c->roff]].cause < CS_CAUSE_EXPIRED)
		return x->rows[x->crows[c->roff]].cause;
	for (i = 0; i < 3; i++)
		if (g & (1u << i))
			return per[i];
	if (c->rn > 0)
		return x->rows[x->crows[c->roff]].cause;
	return CS_CAUSE_OTHER;
}

/* A row's days (chain ci, diagnoses g), by day and primary cause. */
static int
row_days(struct ctx *x, long ci, unsigned g, const unsigned char *ckey,
    int has_err, int32_t code, const struct cs_hostday *e, size_t n)
{
	const struct crec *c = &x->chains[ci];
	unsigned ge;
	uint32_t mask;
	size_t i;

	for (i = 0; i < n; i++) {
		ge = g;
		if (e[i].expired & c->posmask)
			ge |= G_EXPIRED;
		if (e[i].notyet & c->posmask)
			ge |= G_NOTYET;
		mask = chain_mask(x, c, ge);
		if (e[i].n == 0 || (x->sel_causes != 0 &&
		    !(mask & x->sel_causes)))
			continue;	/* --cause */
		if (x->day_fn != NULL && x->day_fn(x->part_arg, ckey,
		    has_err, code, e[i].day, mask, e[i].n, x->err) == -1)
			return -1;
		if (x->days && dc_add(&x->hv, (uint32_t)ci, has_err, code,
		    e[i].day, primary_cause(x, c, ge), e[i].n) == -1)
			return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * A row and its days (cs_store_foreach_rowdays()): the hostname judged
 * once for both, the row's reports counted, its days' added to the lists
 * by day.
 */
static int
on_rowdays(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, int has_row, uint64_t n,
    const struct cs_hostday *e, size_t ne)
{
	struct ctx *x = arg;
	const struct crec *c;
	unsigned g;
	long ci;

	if ((ci = row_chain(x, ckey)) == -2)
		return -1;
	if (ci < 0 || (x->mo->query != NULL &&
	    !cs_sel_code(cs_query_sel(x->mo->query), has_err, code)))
		return 0;
	c = &x->chains[ci];
	g = host_diag(x, c, host, len);
	if (has_row && row_count(x, c, g, ckey, has_err, code, host, len,
	    n) == -1)
		return -1;
	return ne > 0 ? row_days(x, ci, g, ckey, has_err, code, e, ne) : 0;
}

/* A row without its days (cs_store_foreach_chainhost()). */
static int
on_row(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, uint64_t n)
{
	return on_rowdays(arg, ckey, has_err, code, host, len, 1, n, NULL, 0);
}

static int
on_chainday(void *arg, const unsigned char *ckey, const struct cs_dayent *e,
    size_t n)
{
	struct ctx *x = arg;
	long ci;
	size_t i;

	if ((ci = chain_next(x, &x->dcur, ckey)) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (e[i].n > 0 && (x->mo->query == NULL || cs_sel_code(
		    cs_query_sel(x->mo->query), e[i].has_err, e[i].code)) &&
		    dc_add(&x->dv, (uint32_t)ci, e[i].has_err, e[i].code,
		    e[i].day, 0, e[i].n) == -1)
			return cs_err_set(x->derr, CS_ENOMEM, "out of memory");
	return 0;
}

static int
emit(struct ctx *x, int32_t day, int cause, uint64_t n)
{
	struct cs_cause_day d = { day, cause, n };
	uint64_t h = XXH3_64bits(&d, offsetof(struct cs_cause_day, reports));
	size_t pos;
	uint32_t e;

	if (n == 0)
		return 0;
	if (cs_hmap_reserve(&x->outidx, x->out.n + 1) == -1)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	for (pos = cs_hmap_start(&x->outidx, h);
	    cs_hmap_next(&x->outidx, h, &pos, &e);)
		if (x->out.v[e].day == day && x->out.v[e].cause == cause) {
			x->out.v[e].reports += n;
			return 0;
		}
	if (cs_vec_push(&x->out, d) == -1)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	cs_hmap_put(&x->outidx, pos, h, (uint32_t)(x->out.n - 1));
	return 0;
}

/* The slice of v from *at with this chain, has_err and code. */
static size_t
slice(const struct dcvec *v, size_t *at, uint32_t chain, int has_err,
    int32_t code)
{
	size_t b = *at;

	while (*at < v->n && v->v[*at].chain == chain &&
	    v->v[*at].has_err == has_err && v->v[*at].code == code)
		(*at)++;
	return *at - b;
}

/*
 * The order in which lay() gives a chain's days to its causes: a
 * certificate is not yet valid before it is valid and expired after, so
 * not-yet-valid takes the first days and expired the last.
 */
static const int lay_order[CS_CAUSE_N] = {
	CS_CAUSE_NOT_YET_VALID, CS_CAUSE_INTERCEPTION, CS_CAUSE_CAPTIVE_PORTAL,
	CS_CAUSE_MISSING_INTERMEDIATE, CS_CAUSE_UNTRUSTED_ROOT,
	CS_CAUSE_UNKNOWN_ISSUER, CS_CAUSE_SELF_SIGNED_LEAF,
	CS_CAUSE_NAME_MISMATCH, CS_CAUSE_WEAK_SIGNATURE, CS_CAUSE_WEAK_KEY,
	CS_CAUSE_NOT_A_CA, CS_CAUSE_OTHER, CS_CAUSE_EXPIRED
};

/*
 * One chain's reports with one code: those of the hosts' days on their
 * day, the rest (reports from before the store kept them) laid over the
 * chain's days not yet filled, causes in lay_order.
 */
static int
lay(struct ctx *x, const struct dc *p, size_t np, const struct dc *h,
    size_t nh, struct dc *d, size_t nd)
{
	uint64_t rest[CS_CAUSE_N], t;
	size_t i, j, ncauses = 0, ndays = 0;
	int k;

	memset(rest, 0, sizeof(rest));
	for (i = 0; i < np; i++)
		rest[p[i].cause] += p[i].n;
	for (i = 0; i < nh; i++) {
		if (emit(x, h[i].day, h[i].cause, h[i].n) == -1)
			return -1;
		rest[h[i].cause] -= rest[h[i].cause] < h[i].n ?
		    rest[h[i].cause] : h[i].n;
		for (j = 0; j < nd && d[j].day != h[i].day; j++)
			;
		if (j < nd)
			d[j].n -= d[j].n < h[i].n ? d[j].n : h[i].n;
	}
	for (k = 0; k < CS_CAUSE_N; k++)
		ncauses += rest[k] > 0;
	for (j = 0; j < nd; j++)
		ndays += d[j].n > 0;
	for (i = 0, j = 0; i < CS_CAUSE_N && j < nd; ) {
		k = lay_order[i];
		t = rest[k] < d[j].n ? rest[k] : d[j].n;
		if (emit(x, d[j].day, k, t) == -1)
			return -1;
		if (ncauses > 1 && ndays > 1)
			x->guessed += t;
		rest[k] -= t;
		d[j].n -= t;
		if (rest[k] == 0)
			i++;
		if (d[j].n == 0)
			j++;
	}
	return 0;
}

static int
dc_key_cmp(const struct dc *a, const struct dc *b)
{
	if (a->chain != b->chain)
		return a->chain < b->chain ? -1 : 1;
	if (a->has_err != b->has_err)
		return a->has_err < b->has_err ? -1 : 1;
	return (a->code > b->code) - (a->code < b->code);
}

static int
dc_cmp(const void *a, const void *b)
{
	const struct dc *x = a, *y = b;
	int r;

	if ((r = dc_key_cmp(x, y)) != 0)
		return r;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->cause > y->cause) - (x->cause < y->cause);
}

static int
day_cmp(const void *a, const void *b)
{
	const struct cs_cause_day *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->cause > y->cause) - (x->cause < y->cause);
}

/*
 * Sorts v by dc_cmp(). The lists come in chain order, code by code, so
 * only each (chain, code)'s few entries need sorting, unless they do not.
 */
static void
dc_sort(struct dcvec *v)
{
	size_t i, j, b;

	for (i = 1; i < v->n && dc_key_cmp(&v->v[i - 1], &v->v[i]) <= 0; i++)
		;
	if (i < v->n) {
		qsort(v->v, v->n, sizeof(*v->v), dc_cmp);
		return;
	}
	for (b = 0; b < v->n; b = i) {
		for (i = b + 1; i < v->n && dc_key_cmp(&v->v[b], &v->v[i]) == 0;
		    i++)
			;
		if (i - b > 16)
			qsort(v->v + b, i - b, sizeof(*v->v), dc_cmp);
		else
			for (j = b + 1; j < i; j++) {
				struct dc t = v->v[j];
				size_t k;

				for (k = j; k > b && dc_cmp(&v->v[k - 1], &t) > 0;
				    k--)
					v->v[k] = v->v[k - 1];
				v->v[k] = t;
			}
	}
}

/* Each (chain, code) of the three lists in turn, then the sums. */
static int
days_finish(struct ctx *x, struct cs_causes *out)
{
	struct dcvec *v[3] = { &x->pv, &x->hv, &x->dv };
	size_t at[3] = { 0, 0, 0 }, n[3], i;
	const struct dc *lo;
	struct dc key;

	/* The hosts' days of one code come host by host: by day (hv sorted
	 * after the rows' pass, dv by days_passes()). */
	dc_sort(&x->pv);
	for (;;) {
		for (lo = NULL, i = 0; i < 3; i++)
			if (at[i] < v[i]->n && (lo == NULL ||
			    dc_key_cmp(&v[i]->v[at[i]], lo) < 0))
				lo = &v[i]->v[at[i]];
		if (lo == NULL)
			break;
		key = *lo;

		for (i = 0; i < 3; i++)
			n[i] = slice(v[i], &at[i], key.chain, key.has_err,
			    key.code);
		if (lay(x, x->pv.v + at[0] - n[0], n[0], x->hv.v + at[1] -
		    n[1], n[1], x->dv.v + at[2] - n[2], n[2]) == -1)
			return -1;
	}
	if (x->out.n > 1)
		qsort(x->out.v, x->out.n, sizeof(*x->out.v), day_cmp);
	out->days = x->out.v;
	out->ndays = x->out.n;
	out->days_guessed = x->guessed;
	x->out.v = NULL;
	x->out.n = x->out.cap = 0;
	return 0;
}

/* ---- the rows ------------------------------------------------------------ */

static int
row_cmp(const void *a, const void *b)
{
	const struct cs_cause_row *x = a, *y = b;

	if (x->reports != y->reports)
		return x->reports > y->reports ? -1 : 1;
	if (x->cause != y->cause)
		return x->cause < y->cause ? -1 : 1;
	if (x->detail == NULL || y->detail == NULL)
		return (x->detail != NULL) - (y->detail != NULL);
	return strcmp(x->detail, y->detail);
}

static int
finish(struct ctx *x, struct cs_causes *out)
{
	struct cs_cause_row *r;
	size_t i, j, k;

	/* Distinct hostnames per row. */
	if (cs_sort_kv(x->hpairs, x->nhpairs) == -1)
		goto nomem;
	for (i = 0; i < x->nhpairs; i++)
		if (i == 0 || x->hpairs[i].key != x->hpairs[i - 1].key)
			x->rows[x->hpairs[i].key >> 32].hosts++;
	if ((out->rows = calloc(x->nrows ? x->nrows : 1, sizeof(*out->rows)))
	    == NULL)
		goto nomem;
	for (i = 0; i < x->nrows; i++) {
		if (x->rows[i].reports == 0)
			continue;
		r = &out->rows[out->nrows];
		r->cause = x->rows[i].cause;
		r->reports = x->rows[i].reports;
		r->chains = x->rows[i].chains;
		r->hosts = x->rows[i].hosts;
		r->primary = x->rows[i].primary;
		if (x->rows[i].detail != NOROW && (r->detail = strdup(
		    strtab_str(&x->details, x->rows[i].detail) + 2)) == NULL)
			goto nomem;
		if (x->examples > 0 && (r->examples = calloc(x->examples,
		    sizeof(*r->examples))) == NULL)
			goto nomem;
		for (j = 0; i < x->nex_cap && j < x->nex[i]; j++)
			memcpy(r->examples[r->nexamples++], x->chains[x->exs[i *
			    x->examples + j].chain].id, 32);
		out->nrows++;
	}
	if (out->nrows > 1)
		qsort(out->rows, out->nrows, sizeof(*out->rows), row_cmp);
	out->reports = x->reports;
	memcpy(out->primary, x->primary, sizeof(out->primary));
	for (i = 0, k = 0; i < x->nchains; i++)
		k += x->counted[i];
	out->chains = k;
	return 0;
nomem:
	return cs_err_set(x->err, CS_ENOMEM, "out of memory");
}

static void
ctx_release(struct ctx *x)
{
	lists_release(&x->lists);
	cs_buf_release(&x->arena);
	free(x->nodes);
	strtab_release(&x->details);
	free(x->rows);
	strtab_release(&x->issuers);
	free(x->icpt_of);
	free(x->chains);
	free(x->crows);
	free(x->vents);
	strtab_release(&x->hosts);
	free(x->hpairs);
	free(x->exs);
	free(x->nex);
	free(x->acc);
	free(x->parts);
	free(x->counted);
	cs_vec_release(&x->pv);
	cs_vec_release(&x->hv);
	cs_vec_release(&x->dv);
	cs_vec_release(&x->out);
	cs_hmap_release(&x->outidx);
}

/* The rows count_group() counts reports in besides the chain's own. */
static int
per_rows(struct ctx *x)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if ((x->per_row[i] = row_of(x, per_report[i], NULL)) == NOROW)
			return -1;
	if ((x->other_row = row_of(x, CS_CAUSE_OTHER, NULL)) == NOROW)
		return -1;
	return 0;
}

/*
 * The facts of each certificate and the walked chains made as big as the
 * store's counts at once: grown by doubling, their arrays were moved a
 * dozen times and faulted in small pages. A count unread, or memory
 * refused, is only no help (the arrays grow as they must).
 */
static void
room(struct ctx *x, struct cs_store *st)
{
	uint64_t n[CS_N_COUNTERS];
	struct cs_err e = CS_ERR_INIT;

	if (cs_store_counters(st, n, &e) == 0)
		(void)(grow(&x->nodes, &x->nodes_cap, cs_count_hint(
		    n[CS_N_UNIQUE_CERTS]) + 64, sizeof(*x->nodes), &e) == -1 ||
		    grow(&x->chains, &x->chains_cap, cs_count_hint(
		    n[CS_N_UNIQUE_CHAINS]) + 1, sizeof(*x->chains), &e) == -1);
}

/*
 * The hostnames' index made as big as the store's count of them at once:
 * grown as they come, a million names were rehashed about ten times over.
 * A count unread, or too big for memory, is only no help.
 */
static void
hosts_room(struct ctx *x, struct cs_store *st)
{
	uint64_t n[CS_N_COUNTERS];
	struct cs_err e = CS_ERR_INIT;

	if (cs_store_counters(st, n, &e) == 0 &&
	    n[CS_N_UNIQUE_HOSTS] < UINT32_MAX - 1)
		(void)cs_hmap_reserve(&x->hosts.idx,
		    (size_t)n[CS_N_UNIQUE_HOSTS] + 1);
}

/*
 * The passes over the hosts' days and the chains' days. They read what
 * the walk left and write only their own lists (hv, dv), so while the
 * chain-host rows are counted they run on a thread of their own, through
 * a reader of the same snapshot, when the store gives one (and no caller's
 * per-day callback would see two threads); else after them.
 */
struct days {
	struct ctx	*x;
	struct cs_store	*st;		/* the reader, or NULL */
	struct cs_store	*own;		/* the run's store */
	struct cs_err	 err;
	int		 ret;
	int		 threaded;
	pthread_t	 th;
};

static int
days_passes(struct ctx *x, struct cs_store *st)
{
	x->dcur = 0;
	if (x->days && cs_store_foreach_chainday(st, on_chainday, x,
	    x->derr) == -1)
		return -1;
	/* Sorted here, on the days' thread, while the reports are counted:
	 * days_finish() has only the counting's own lists left to sort. */
	dc_sort(&x->dv);
	return 0;
}

static void *
days_run(void *arg)
{
	struct days *d = arg;

	d->ret = days_passes(d->x, d->st);
	return NULL;
}

static int
days_start(struct ctx *x, struct cs_store *st, struct days *d)
{
	d->x = x;
	d->own = st;
	/* No reader (st's snapshot not pinned, a writer in between): one
	 * thread. */
	if (!x->days || x->day_fn != NULL ||
	    cs_store_reader(st, &d->st, &d->err) != 0)
		return 0;
	x->derr = &d->err;
	if (pthread_create(&d->th, NULL, days_run, d) != 0) {
		x->derr = x->err;
		cs_store_close(d->st);
		d->st = NULL;
		return 0;
	}
	d->threaded = 1;
	return 0;
}

/*
 * Waits for the days' passes, or makes them now (unless the run failed:
 * ok 0). Returns 0, or -1 (x->err says).
 */
static int
days_join(struct ctx *x, struct days *d, int ok)
{
	int ret;

	if (!d->threaded)
		return ok ? days_passes(x, d->own) : -1;
	pthread_join(d->th, NULL);
	d->threaded = 0;
	ret = d->ret;
	cs_store_close(d->st);
	d->st = NULL;
	x->derr = x->err;
	if (ret == -1 && ok)
		*x->err = d->err;
	return ok ? ret : -1;
}

static int
run(struct cs_store *st, const struct cs_missing_opts *mo, size_t examples,
    int days, struct cs_causes *out, struct cs_missing *walk,
    cs_causes_part_fn fn, cs_causes_day_fn dayfn, void *arg,
    struct cs_err *err)
{
	struct cs_missing_opts o = *mo;
	struct cs_missing m = CS_MISSING_INIT;
	struct nodes nt;
	struct days dr;
	struct ctx x;
	int ret = -1;

	memset(&x, 0, sizeof(x));
	memset(&dr, 0, sizeof(dr));
	memset(out, 0, sizeof(*out));
	x.err = err;
	x.derr = err;
	x.mo = mo;
	x.days = days;
	x.examples = examples;
	x.part_fn = fn;
	x.day_fn = dayfn;
	x.part_arg = arg;
	if (mo->query != NULL)
		x.sel_causes = cs_query_sel(mo->query)->causes;
	if (lists_load(&x.lists, err) == -1)
		goto out;
	o.node = node_cb;
	o.walk = walk_cb;
	o.walk_arg = &x;
	room(&x, st);
	nodes_start(&x, st, &nt, &o);
	if (cs_missing_run(st, &o, walk != NULL ? walk : &m, err) == -1) {
		nodes_join(&x, 0);
		goto out;
	}
	if (nodes_join(&x, 1) == -1 || (walk != NULL && mo->walked != NULL &&
	    mo->walked(mo->walked_arg, walk, err) == -1))
		goto out;
	cs_missing_release(&m);
	if (cs_store_foreach_validity(st, on_validity, &x, err) == -1)
		goto out;
	if ((x.counted = calloc(x.nchains ? x.nchains : 1, 1)) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	hosts_room(&x, st);
	if (per_rows(&x) == -1 || days_start(&x, st, &dr) == -1)
		goto out;
	/* The reports and, when wanted, their days, in one pass. */
	if (x.days || x.day_fn != NULL ?
	    cs_store_foreach_rowdays(st, on_rowdays, &x, err) == -1 :
	    cs_store_foreach_chainhost(st, on_row, &x, err) == -1) {
		days_join(&x, &dr, 0);
		goto out;
	}
	if ((x.nparts > 0 && group_end(&x) == -1) || flush(&x) == -1) {
		days_join(&x, &dr, 0);
		goto out;
	}
	dc_sort(&x.hv);
	if (days_join(&x, &dr, 1) == -1 || (days && days_finish(&x, out) == -1))
		goto out;
	ret = finish(&x, out);
out:
	cs_missing_release(&m);
	ctx_release(&x);
	return ret;
}

int
cs_causes_run(struct cs_store *st, const struct cs_missing_opts *mo,
    size_t examples, struct cs_causes *out, struct cs_err *err)
{
	return run(st, mo, examples, 0, out, NULL, NULL, NULL, NULL, err);
}

int
cs_causes_days(struct cs_store *st, const struct cs_missing_opts *mo,
    size_t examples, struct cs_causes *out, struct cs_missing *walk,
    struct cs_err *err)
{
	return run(st, mo, examples, 1, out, walk, NULL, NULL, NULL, err);
}

int
cs_causes_parts(struct cs_store *st, const struct cs_missing_opts *mo,
    cs_causes_part_fn fn, cs_causes_day_fn dayfn, void *arg,
    struct cs_err *err)
{
	struct cs_causes c = CS_CAUSES_INIT;
	int rc;

	rc = run(st, mo, 0, 0, &c, NULL, fn, dayfn, arg, err);
	cs_causes_release(&c);
	return rc;
}

int
cs_cause_mask_parse(const char *name, uint32_t *mask)
{
	int c;

	if ((c = cs_cause_parse(name)) < 0)
		return -1;
	*mask |= 1u << c;
	return 0;
}

void
cs_causes_shares(const struct cs_causes *c, unsigned bp[CS_CAUSE_N])
{
	uint64_t rem[CS_CAUSE_N], left = 10000;
	int i, best;

	memset(bp, 0, CS_CAUSE_N * sizeof(*bp));
	if (c->reports == 0)
		return;
	for (i = 0; i < CS_CAUSE_N; i++) {
		/* 10000 * p / n, exactly: p <= n */
		unsigned __int128 t = (unsigned __int128)c->primary[i] * 10000;

		bp[i] = (unsigned)(t / c->reports);
		rem[i] = (uint64_t)(t % c->reports);
		left -= bp[i];
	}
	while (left-- > 0) {
		for (best = -1, i = 0; i < CS_CAUSE_N; i++)
			if (c->primary[i] > 0 && (best < 0 || rem[i] >
			    rem[best]))
				best = i;
		if (best < 0)
			break;
		bp[best]++;
		rem[best] = 0;
	}
}

unsigned
cs_causes_row_share(const struct cs_causes *c, const struct cs_cause_row *r)
{
	unsigned __int128 t = (unsigned __int128)r->reports * 20000 +
	    c->reports;

	if (c->reports == 0)
		return 0;
	return (unsigned)(t / (2 * (unsigned __int128)c->reports));
}

void
cs_causes_release(struct cs_causes *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrows; i++) {
		free(c->rows[i].detail);
		free(c->rows[i].examples);
	}
	free(c->rows);
	free(c->days);
	memset(c, 0, sizeof(*c));
}
