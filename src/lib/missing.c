#include "certsift/missing.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <xxhash.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/hmap.h"
#include "certsift/vec.h"
#include "certsift/x509.h"
#include "internal.h"
#include "store_int.h"
#include "x509_int.h"

#define NONE	UINT32_MAX
#define NOOFF	SIZE_MAX
#define MAX_CANDS	256	/* candidate issuers of one certificate */

/*
 * Indices keyed by sha256, in the shared hash map (hmap.h): the caller
 * says where each index's sha256 is.
 */
typedef const unsigned char *(*sha_of_fn)(const void *, uint32_t);

static uint64_t
sha_hash(const unsigned char *sha)
{
	uint64_t h;

	memcpy(&h, sha, sizeof(h));
	return h;
}

/* The index with this sha256, or NONE. */
static uint32_t
shatab_find(const struct cs_hmap *t, const unsigned char *sha,
    sha_of_fn sha_of, const void *arg)
{
	uint64_t h = sha_hash(sha);
	size_t pos;
	uint32_t e;

	for (pos = cs_hmap_start(t, h); cs_hmap_next(t, h, &pos, &e);)
		if (memcmp(sha_of(arg, e), sha, 32) == 0)
			return e;
	return NONE;
}

/* Adds index i (its sha256 is not in the table). */
static int
shatab_add(struct cs_hmap *t, uint32_t i, sha_of_fn sha_of, const void *arg,
    struct cs_err *err)
{
	uint64_t h = sha_hash(sha_of(arg, i));
	size_t pos;
	uint32_t e;

	if (cs_hmap_reserve(t, t->n + 1) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (pos = cs_hmap_start(t, h); cs_hmap_next(t, h, &pos, &e);)
		;
	cs_hmap_put(t, pos, h, i);
	return 0;
}

/* Grows the array *p of *cap elements of size sz to hold need. */
static int
grow(void *p, size_t *cap, size_t need, size_t sz, struct cs_err *err)
{
	if (cs_vec_grow(p, cap, need, sz) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	return 0;
}

/* The certificate sets. */

struct setent {
	struct cs_cert	 cert;
	unsigned char	*der;
	size_t		 der_len;
};

struct cs_certset {
	struct setent	*v;
	size_t		 n;
	size_t		 cap;
	struct cs_hmap	 tab;
};

static const unsigned char *
setent_sha(const void *arg, uint32_t i)
{
	const struct cs_certset *s = arg;

	return s->v[i].cert.sha256;
}

int
cs_certset_new(struct cs_certset **out, struct cs_err *err)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	return 0;
}

void
cs_certset_free(struct cs_certset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		cs_cert_release(&s->v[i].cert);
		free(s->v[i].der);
	}
	free(s->v);
	cs_hmap_release(&s->tab);
	free(s);
}

size_t
cs_certset_count(const struct cs_certset *s)
{
	return s == NULL ? 0 : s->n;
}

int
cs_certset_add_der(struct cs_certset *s, const unsigned char *der,
    size_t len, struct cs_err *err)
{
	unsigned char sha[32];
	struct setent e;

	SHA256(der, len, sha);
	if (shatab_find(&s->tab, sha, setent_sha, s) != NONE)
		return 0;
	if (s->n >= UINT32_MAX - 1)
		return cs_err_set(err, CS_ENOMEM, "too many certificates");
	memset(&e, 0, sizeof(e));
	if (cs_x509_parse(der, len, &e.cert, err) == -1)
		return -1;
	if ((e.der = malloc(len ? len : 1)) == NULL ||
	    grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v), err) == -1) {
		free(e.der);
		cs_cert_release(&e.cert);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	memcpy(e.der, der, len);
	e.der_len = len;
	s->v[s->n] = e;
	if (shatab_add(&s->tab, (uint32_t)s->n, setent_sha, s, err) == -1) {
		free(e.der);
		cs_cert_release(&e.cert);
		return -1;
	}
	s->n++;
	return 1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/*
 * Copies the base64 of a PEM body to out, leaving out whitespace and
 * undoing JSON escapes (a dump of remote-settings records, say).
 */
static int
pem_body(const char *p, const char *end, struct cs_buf *out,
    struct cs_err *err)
{
	char c;

	cs_buf_reset(out);
	while (p < end) {
		c = *p++;
		if (c == '\\' && p < end) {
			c = *p++;
			if (c == 'u' && end - p >= 4 && hexval(p[0]) == 0 &&
			    hexval(p[1]) == 0 && hexval(p[2]) >= 0 &&
			    hexval(p[3]) >= 0) {
				c = (char)(hexval(p[2]) << 4 | hexval(p[3]));
				p += 4;
			} else if (c != '/')
				continue;	/* \n, \r, \t */
		}
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		    c == '=')
			if (cs_buf_append(out, &c, 1, err) == -1)
				return -1;
	}
	return 0;
}

long
cs_certset_add_text(struct cs_certset *s, const char *text, size_t len,
    size_t *bad, struct cs_err *err)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char endm[] = "-----END CERTIFICATE-----";
	struct cs_buf b64 = CS_BUF_INIT, der = CS_BUF_INIT;
	const char *p = text, *end = text + len, *q, *e;
	struct cs_err e2 = CS_ERR_INIT;
	long found = 0;

	while ((q = memmem(p, (size_t)(end - p), begin, sizeof(begin) - 1))
	    != NULL) {
		q += sizeof(begin) - 1;
		if ((e = memmem(q, (size_t)(end - q), endm, sizeof(endm) - 1))
		    == NULL)
			break;
		p = e + sizeof(endm) - 1;
		if (pem_body(q, e, &b64, err) == -1) {
			found = -1;
			goto out;
		}
		if (cs_b64_decode((const char *)b64.data, b64.len, &der,
		    &e2) == -1 || cs_certset_add_der(s, der.data, der.len,
		    &e2) == -1) {
			if (e2.code == CS_ENOMEM) {
				*err = e2;
				found = -1;
				goto out;
			}
			if (bad != NULL)
				(*bad)++;
			continue;
		}
		found++;
	}
out:
	cs_buf_release(&b64);
	cs_buf_release(&der);
	return found;
}

/* Names of things. */

const char *
cs_missing_outcome_name(int outcome)
{
	static const char *const names[] = { "complete",
	    "missing-intermediate", "untrusted-root", "unknown-issuer" };

	if (outcome < 0 || outcome >= CS_MISSING_NOUTCOMES)
		return "?";
	return names[outcome];
}

const char *
cs_missing_source_name(int source)
{
	switch (source) {
	case CS_MISSING_SRC_KNOWN:
		return "known";
	case CS_MISSING_SRC_CORPUS:
		return "corpus";
	case CS_MISSING_SRC_AIA:
		return "aia";
	}
	return NULL;
}

/* The analysis. */

enum {
	F_STORE = 1,
	F_ROOT = 2,
	F_KNOWN = 4,
	F_SELF = 8,
	F_MEMBER = 16,		/* in a counted chain */
	F_PARENT = 32,		/* a candidate issuer: its key is needed */
	F_AIA = 64,		/* fetched from a caIssuers URL */
	F_CANDS = 128,		/* its candidates are found */
	F_NEEDKEY = 256,	/* a pair without a verdict has its key */
	F_LAZY = 512		/* subject, its DER, SKI not yet kept */
};

/* What the run knows of a (certificate, candidate issuer) pair. */
enum {
	V_NONE,			/* not yet */
	V_STORED,		/* the store's verdict */
	V_CHECKED		/* checked now: a new verdict */
};

struct node {
	unsigned char	 key[CS_KEY_LEN];	/* store nodes */
	unsigned char	 sha256[32];
	uint64_t	 subj_key;
	uint64_t	 iss_key;
	int64_t		 not_after;
	const unsigned char *der;	/* the store's (a pinned snapshot),
					   a set's or the AIA table's */
	size_t		 der_len;
	const void	*sum;		/* F_LAZY: the stored summary */
	size_t		 sum_len;
	size_t		 subj, subj_len;	/* name DER */
	size_t		 iss, iss_len;
	size_t		 subject, issuer;	/* strings */
	size_t		 ski, aki;		/* strings, or NOOFF */
	size_t		 aia;		/* naia strings, back to back */
	uint32_t	 naia;
	uint32_t	 flags;
	uint32_t	 cand_off, cand_n; /* candidate, then fit issuers */
	uint32_t	 par;		/* a candidate's index in ctx.spki */
	EVP_PKEY	*pkey;
};

struct chain {
	unsigned char	 key[CS_KEY_LEN];
	uint64_t	 weight;
	size_t		 off;			/* into ctx.cnodes */
	uint32_t	 n;
};

/* A walked chain's certificates as sent, for its id (ids_run()). */
struct idsrc {
	size_t		 off;			/* into ctx.raw */
	uint32_t	 n;
};

struct ctx {
	const struct cs_missing_opts	*o;
	int				 whole;	/* walks go past a gap */
	unsigned char			(*ids)[32];	/* chain ids, if whole */
	size_t				 ids_cap;
	uint64_t			*cpos;	/* per cnode: positions */
	size_t				 cpos_cap;
	struct cs_buf			 aiabuf;	/* add_node()'s */
	struct cs_err			*err;
	struct cs_buf			 arena;
	/* Values many nodes share (their issuer's name and key id),
	 * kept once in the arena: put_shared(). */
	struct cs_hmap			 shared;
	CS_VEC(struct shval)		 shvals;
	struct node			*nodes;
	size_t				 nnodes, nodes_cap;
	size_t				 nstore;
	uint32_t			*bynum;	/* store nodes by key number */
	size_t				 nbynum;
	struct cs_hmap			 bysha;
	EVP_MD				*sha256;
	EVP_MD_CTX			*mdctx;	/* the chain ids' */
	struct chain			*chains;
	size_t				 nchains, chains_cap;
	uint32_t			*raw;	/* load_chain()'s nodes */
	size_t				 nraw, raw_cap;
	struct idsrc			*idsrc;	/* per chain: its raw nodes */
	unsigned char			*member; /* chains_link()'s, per node */
	uint32_t			*cnodes;
	size_t				 ncnodes, cnodes_cap;
	uint32_t			*cands;
	size_t				 ncands, cands_cap;
	unsigned char			*ok;
	unsigned char			*vstate; /* per candidate: V_* */
	unsigned char			(*spki)[32]; /* SHA-256s of the
						   candidates' SPKI */
	unsigned char			*spki_ok;
	size_t				 nspki;
	struct cs_store			*st;
	uint32_t			*work;	/* for the threads */
	uint32_t			*stamps; /* per node (make_row()) */
	uint32_t			 stamp;
	size_t				 nwork;
	atomic_ulong			 sigchecks;
};

/* A value in the arena that put_shared() gives out again. */
struct shval {
	size_t		 off;
	size_t		 len;
};

static const unsigned char *
node_sha(const void *arg, uint32_t i)
{
	const struct ctx *x = arg;

	return x->nodes[i].sha256;
}

static const char *
str_at(const struct ctx *x, size_t off)
{
	return off == NOOFF ? NULL : (const char *)x->arena.data + off;
}

static const unsigned char *
bytes_at(const struct ctx *x, size_t off)
{
	return x->arena.data + off;
}

/* Appends p to the arena; *off gets its offset. */
static int
put(struct ctx *x, const void *p, size_t n, size_t *off)
{
	*off = x->arena.len;
	return cs_buf_append(&x->arena, p, n, x->err);
}

static int
put_str(struct ctx *x, const char *s, size_t *off)
{
	if (s == NULL) {
		*off = NOOFF;
		return 0;
	}
	return put(x, s, strlen(s) + 1, off);
}

/*
 * The same, for a value most nodes share with others: the million leaves
 * of a few issuers keep one copy of each issuer's name and key identifier
 * (the walk only reads them).
 */
static int
put_shared(struct ctx *x, const void *p, size_t n, size_t *off)
{
	uint64_t h;
	struct shval v;
	size_t pos;
	uint32_t e;

	if (n == 0)
		return put(x, p, n, off);
	h = XXH3_64bits(p, n);
	if (x->shvals.n >= UINT32_MAX - 1 ||
	    cs_hmap_reserve(&x->shared, x->shvals.n + 1) == -1)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	for (pos = cs_hmap_start(&x->shared, h);
	    cs_hmap_next(&x->shared, h, &pos, &e);)
		if (x->shvals.v[e].len == n && memcmp(x->arena.data +
		    x->shvals.v[e].off, p, n) == 0) {
			*off = x->shvals.v[e].off;
			return 0;
		}
	if (put(x, p, n, off) == -1)
		return -1;
	v.off = *off;
	v.len = n;
	if (cs_vec_push(&x->shvals, v) == -1)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	cs_hmap_put(&x->shared, pos, h, (uint32_t)(x->shvals.n - 1));
	return 0;
}

static int
put_shared_str(struct ctx *x, const char *s, size_t *off)
{
	if (s == NULL) {
		*off = NOOFF;
		return 0;
	}
	return put_shared(x, s, strlen(s) + 1, off);
}

/* The subject as a name, as a string, and the SKI of c, kept for nd. */
static int
put_subject(struct ctx *x, struct node *nd, const struct cs_cert *c)
{
	nd->subj_len = c->subject_der_len;
	return put(x, c->subject_der, c->subject_der_len, &nd->subj) == -1 ||
	    put_str(x, c->subject ? c->subject : "", &nd->subject) == -1 ||
	    put_str(x, c->ski, &nd->ski) == -1 ? -1 : 0;
}

/*
 * A lazy node's subject, read again from its summary: it may issue
 * another (candidates()). Before the walks, which read the arena from
 * threads of their own: they never see a node F_LAZY (a name they show
 * is a self-signed node's subject or an issuer's).
 */
static int
materialise(struct ctx *x, uint32_t i)
{
	struct cs_cert c = CS_CERT_INIT;
	struct node *nd = &x->nodes[i];
	int rc;

	if (!(nd->flags & F_LAZY))
		return 0;
	if (cs_cert_decode(nd->sum, nd->sum_len, &c, x->err) == -1)
		return -1;
	rc = put_subject(x, nd, &c);
	cs_cert_release(&c);
	nd->flags &= ~(uint32_t)F_LAZY;
	return rc;
}

/*
 * Keeps what the walks read of certificate c. A store certificate that is
 * not self-signed keeps its summary's place in the pinned snapshot (sum)
 * instead of its subject: a million leaves name no one's issuer, and the
 * few that do are read again (materialise()).
 */
static int
add_node(struct ctx *x, const struct cs_cert *c, const unsigned char *key,
    const unsigned char *der, size_t der_len, uint32_t flags,
    const void *sum, size_t sum_len)
{
	struct node *nd;
	size_t i;

	if (x->nnodes >= UINT32_MAX - 1)
		return cs_err_set(x->err, CS_ENOMEM, "too many certificates");
	if (grow(&x->nodes, &x->nodes_cap, x->nnodes + 1, sizeof(*x->nodes),
	    x->err) == -1)
		return -1;
	nd = &x->nodes[x->nnodes];
	memset(nd, 0, sizeof(*nd));
	if (key != NULL)
		memcpy(nd->key, key, CS_KEY_LEN);
	memcpy(nd->sha256, c->sha256, 32);
	nd->not_after = c->not_after;
	nd->flags = flags | (c->self_signed ? F_SELF : 0);
	nd->der_len = der_len;
	nd->iss_len = c->issuer_der_len;
	nd->naia = (uint32_t)c->naia;
	nd->der = der;
	nd->subj_key = cs_x509_name_key(c->subject_der, c->subject_der_len);
	if (sum != NULL && !c->self_signed) {
		nd->flags |= F_LAZY;
		nd->sum = sum;
		nd->sum_len = sum_len;
		nd->subj = nd->subject = nd->ski = NOOFF;
	} else if (put_subject(x, nd, c) == -1)
		return -1;
	if (put_shared(x, c->issuer_der, c->issuer_der_len, &nd->iss) ==
	    -1 ||
	    put_shared_str(x, c->issuer ? c->issuer : "", &nd->issuer) ==
	    -1 ||
	    put_shared_str(x, c->aki, &nd->aki) == -1)
		return -1;
	/* The URLs as one value, kept once for the many leaves of an issuer
	 * (make_row() reads each list once, not a million copies). */
	nd->aia = x->arena.len;
	cs_buf_reset(&x->aiabuf);
	for (i = 0; i < c->naia; i++)
		if (cs_buf_append(&x->aiabuf, c->aia[i], strlen(c->aia[i]) + 1,
		    x->err) == -1)
			return -1;
	if (c->naia > 0 && put_shared(x, x->aiabuf.data, x->aiabuf.len,
	    &nd->aia) == -1)
		return -1;
	if (x->o->node != NULL && !(x->o->node_others && (flags & F_STORE)) &&
	    x->o->node(x->o->walk_arg, (uint32_t)x->nnodes, c, der,
	    der_len) == -1)
		return -1;
	if (x->o->node_others && x->o->node_summary != NULL &&
	    (flags & F_STORE))
		x->o->node_summary(x->o->walk_arg, key, sum, sum_len);
	x->nnodes++;
	return 0;
}

static int
load_cert(void *arg, const struct cs_certrec *r)
{
	struct ctx *x = arg;

	return add_node(x, &r->cert, r->key, r->der_ref, r->der_len, F_STORE,
	    r->raw_summary, r->raw_summary_len);
}

/* Adds the AIA certificates of the store, or flags those it has. */
static int
load_aia(void *arg, const struct cs_aia_certrec *r)
{
	struct ctx *x = arg;
	struct cs_cert c = CS_CERT_INIT;
	struct cs_err e = CS_ERR_INIT;
	uint32_t i, flags = F_AIA;
	int ret;

	if ((i = shatab_find(&x->bysha, r->sha256, node_sha, x)) != NONE) {
		x->nodes[i].flags |= F_AIA;
		return 0;
	}
	if (cs_x509_parse(r->der, r->der_len, &c, &e) == -1)
		return e.code == CS_ENOMEM ? cs_err_set(x->err, CS_ENOMEM,
		    "out of memory") : 0;	/* kept only when it parsed */
	if (x->o->walk_aia > 0)
		flags |= F_MEMBER;	/* walked up on its own */
	ret = add_node(x, &c, NULL, r->der, r->der_len, flags, NULL, 0);
	if (ret == 0)
		ret = shatab_add(&x->bysha, (uint32_t)(x->nnodes - 1),
		    node_sha, x, x->err);
	cs_cert_release(&c);
	return ret;
}

/* Adds the certificates of a set, or flags those the store has. */
static int
load_set(struct ctx *x, const struct cs_certset *s, uint32_t flag)
{
	const struct setent *e;
	uint32_t i;
	size_t k;

	for (k = 0; s != NULL && k < s->n; k++) {
		e = &s->v[k];
		if ((i = shatab_find(&x->bysha, e->cert.sha256, node_sha, x)) !=
		    NONE) {
			x->nodes[i].flags |= flag;
			continue;
		}
		if (add_node(x, &e->cert, NULL, e->der, e->der_len, flag, NULL,
		    0) == -1 || shatab_add(&x->bysha, (uint32_t)(x->nnodes - 1),
		    node_sha, x, x->err) == -1)
			return -1;
	}
	return 0;
}

/* The number of a certificate key (store.h), or 0 when it is none. */
static uint64_t
keynum(const unsigned char *k)
{
	static const unsigned char zero[CS_KEY_LEN - 8];
	uint64_t n = 0;
	int i;

	if (memcmp(k + 8, zero, sizeof(zero)) != 0)
		return 0;
	for (i = 0; i < 8; i++)
		n = n << 8 | k[i];
	return n;
}

/*
 * Store nodes by the number in their key: a chain's certificates are
 * found by index, not by a search of a million keys (a cache miss each
 * step). Keys that are no numbers, or numbers far apart, are searched.
 */
static int
number_nodes(struct ctx *x)
{
	uint64_t n, max = 0;
	size_t i;

	for (i = 0; i < x->nstore; i++) {
		if ((n = keynum(x->nodes[i].key)) == 0 ||
		    n > 2 * (uint64_t)x->nstore + 1024)
			return 0;
		max = n;	/* in key order: ascending */
	}
	x->nbynum = (size_t)max + 1;
	if ((x->bynum = malloc(x->nbynum * sizeof(*x->bynum))) == NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	for (i = 0; i < x->nbynum; i++)
		x->bynum[i] = NONE;
	for (i = 0; i < x->nstore; i++)
		x->bynum[keynum(x->nodes[i].key)] = (uint32_t)i;
	return 0;
}

static uint32_t
store_node(const struct ctx *x, const unsigned char *key)
{
	size_t lo = 0, hi = x->nstore, mid;
	uint64_t n;
	int c;

	if (x->bynum != NULL) {
		if ((n = keynum(key)) == 0 || n >= x->nbynum ||
		    x->bynum[n] == NONE)
			return NONE;
		return x->bynum[n];
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = memcmp(x->nodes[mid].key, key, CS_KEY_LEN)) == 0)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

static uint64_t
weight(const struct ctx *x, const struct cs_chainrec *r)
{
	if (x->o->query == NULL)
		return r->count;
	if (cs_sel_filters(cs_query_sel(x->o->query)))
		return cs_query_chain(x->o->query, r);
	/* Only codes and days: the chain's own counts will do. */
	return cs_query_chain_reports(x->o->query, r);
}

/*
 * The chains are read in two passes: their certificates' nodes first
 * (load_chain(), the store's callback), then each chain's members
 * (chains_link()) and, on a thread, its id (ids_run()): the chains come in
 * key order, their leaves in any, and what a pass reads of each leaf is a
 * scattered read.
 */
static int
load_chain(void *arg, const struct cs_chainrec *r)
{
	struct ctx *x = arg;
	struct chain *ch;
	uint64_t w;
	size_t i;

	if ((w = weight(x, r)) == 0 || r->ncerts == 0)
		return 0;
	if (r->ncerts > UINT32_MAX)
		return cs_err_set(x->err, CS_ENOMEM, "too many certificates");
	if (grow(&x->raw, &x->raw_cap, x->nraw + r->ncerts, sizeof(*x->raw),
	    x->err) == -1 || grow(&x->chains, &x->chains_cap, x->nchains + 1,
	    sizeof(*x->chains), x->err) == -1)
		return -1;
	ch = &x->chains[x->nchains++];
	memcpy(ch->key, r->key, CS_KEY_LEN);
	ch->weight = w;
	ch->off = x->nraw;		/* in raw, until chains_link() */
	ch->n = (uint32_t)r->ncerts;
	for (i = 0; i < r->ncerts; i++)
		x->raw[x->nraw++] = store_node(x, r->certs + i * CS_KEY_LEN);
	return 0;
}

/*
 * Chain c's members, each once, into cnodes, and its id; kept as chain j
 * when it has any: 1, else 0; -1 on error.
 */
static int
chain_members(struct ctx *x, size_t c, size_t j)
{
	struct chain ch = x->chains[c];
	size_t i, k, start = x->ncnodes;
	uint32_t id;

	if (grow(&x->cnodes, &x->cnodes_cap, x->ncnodes + ch.n,
	    sizeof(*x->cnodes), x->err) == -1 || (x->whole && grow(&x->cpos,
	    &x->cpos_cap, x->ncnodes + ch.n, sizeof(*x->cpos), x->err) == -1))
		return -1;
	for (i = 0; i < ch.n; i++) {
		if ((id = x->raw[ch.off + i]) == NONE)
			continue;
		/* Each certificate once: a repeat adds nothing to a walk. */
		for (k = start; k < x->ncnodes; k++)
			if (x->cnodes[k] == id)
				break;
		if (k == x->ncnodes) {
			x->cnodes[x->ncnodes++] = id;
			x->member[id] = 1;
			if (x->whole)
				x->cpos[k] = 0;
		}
		if (x->whole)
			x->cpos[k] |= (uint64_t)1 << (i < 63 ? i : 63);
	}
	if (x->ncnodes == start)
		return 0;
	if (x->whole) {
		x->idsrc[j].off = ch.off;
		x->idsrc[j].n = ch.n;
	}
	ch.off = start;
	ch.n = (uint32_t)(x->ncnodes - start);
	x->chains[j] = ch;		/* j <= c */
	return 1;
}

static int
chains_link(struct ctx *x)
{
	size_t c, j = 0;
	int rc;

	/* Members are marked a byte a node (a megabyte for a million),
	 * then flagged in one pass over the nodes: not a scattered write
	 * into the nodes a chain. */
	if ((x->whole && (x->idsrc = cs_mallocarray(x->nchains,
	    sizeof(*x->idsrc))) == NULL) || (x->member = calloc(x->nnodes ?
	    x->nnodes : 1, 1)) == NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	for (c = 0; c < x->nchains; c++)
		if ((rc = chain_members(x, c, j)) == -1)
			return -1;
		else
			j += (size_t)rc;
	x->nchains = j;
	for (c = 0; c < x->nnodes; c++)
		if (x->member[c])
			x->nodes[c].flags |= F_MEMBER;
	free(x->member);
	x->member = NULL;
	if (!x->whole) {
		free(x->raw);
		x->raw = NULL;
		x->nraw = x->raw_cap = 0;
	}
	return 0;
}

/*
 * The chain ids (whole walks only): SHA-256 of the SHA-256s of a chain's
 * certificates as sent, a million digests and as many cache misses, made
 * on a thread of their own while the candidates are found and the
 * signatures checked, which neither read nor change what this reads
 * (the raw nodes, the nodes' sha256) or writes (ids). Returns 0 or -1.
 */
struct idsjob {
	struct ctx	*x;
	EVP_MD_CTX	*md;
	int		 ret;
	int		 threaded;
	pthread_t	 th;
};

static int
ids_make(struct ctx *x, EVP_MD_CTX *md)
{
	struct cs_buf b = CS_BUF_INIT;
	const struct idsrc *s;
	size_t j, i;
	uint32_t id;
	int ret = 0;

	for (j = 0; j < x->nchains && ret == 0; j++) {
		if (j + 8 < x->nchains) {
			s = &x->idsrc[j + 8];
			for (i = 0; i < s->n && i < 4; i++)
				if ((id = x->raw[s->off + i]) != NONE) {
					__builtin_prefetch(x->nodes[id].sha256);
					__builtin_prefetch(
					    x->nodes[id].sha256 + 31);
				}
		}
		s = &x->idsrc[j];
		cs_buf_reset(&b);
		for (i = 0; i < s->n && ret == 0; i++)
			if ((id = x->raw[s->off + i]) != NONE)
				ret = cs_buf_append(&b, x->nodes[id].sha256, 32,
				    NULL);
		if (ret == 0 && !cs_digest(md, x->sha256, b.data, b.len,
		    x->ids[j]))
			ret = -1;
	}
	cs_buf_release(&b);
	return ret;
}

static void *
ids_run(void *arg)
{
	struct idsjob *j = arg;

	j->ret = ids_make(j->x, j->md);
	return NULL;
}

/* Starts the ids on a thread when it can, else makes them now. */
static int
ids_start(struct ctx *x, struct idsjob *j)
{
	memset(j, 0, sizeof(*j));
	j->x = x;
	if (!x->whole)
		return 0;
	if (grow(&x->ids, &x->ids_cap, x->nchains + 1, sizeof(*x->ids),
	    x->err) == -1)
		return -1;
	if (x->o->nthreads != 1 && (j->md = EVP_MD_CTX_new()) != NULL &&
	    pthread_create(&j->th, NULL, ids_run, j) == 0) {
		j->threaded = 1;
		return 0;
	}
	EVP_MD_CTX_free(j->md);
	j->md = NULL;
	if (ids_make(x, x->mdctx) == -1)
		return cs_err_set(x->err, CS_ENOMEM, "cannot hash a chain");
	return 0;
}

/* Waits for the ids: 0, or -1 when they failed (ok: say so). */
static int
ids_join(struct ctx *x, struct idsjob *j, int ok)
{
	int ret = 0;

	if (j->threaded) {
		pthread_join(j->th, NULL);
		j->threaded = 0;
		EVP_MD_CTX_free(j->md);
		j->md = NULL;
		if (j->ret == -1) {
			ret = -1;
			if (ok)
				cs_err_set(x->err, CS_ENOMEM, "cannot hash a "
				    "chain");
		}
	}
	return ok ? ret : -1;
}

/* 0 known, 1 the store (or roots), 2 AIA only. */
static int
rank(const struct node *n)
{
	if (n->flags & F_KNOWN)
		return 0;
	return (n->flags & (F_STORE | F_ROOT)) || !(n->flags & F_AIA) ? 1 : 2;
}

/* Prefer --known, the store, AIA; then the latest notAfter; then sha256. */
static int
pref_cmp(const struct node *x, const struct node *y)
{
	if (rank(x) != rank(y))
		return rank(x) < rank(y) ? -1 : 1;
	if (x->not_after != y->not_after)
		return x->not_after > y->not_after ? -1 : 1;
	return memcmp(x->sha256, y->sha256, 32);
}

static int
fit_cmp(const void *a, const void *b, void *arg)
{
	const struct ctx *cx = arg;

	return pref_cmp(&cx->nodes[*(const uint32_t *)a],
	    &cx->nodes[*(const uint32_t *)b]);
}

/* Work in order of the first candidate issuer, to reuse its key. */
static int
by_first_cand(const void *a, const void *b, void *arg)
{
	const struct ctx *cx = arg;
	uint32_t x = cx->cands[cx->nodes[*(const uint32_t *)a].cand_off];
	uint32_t y = cx->cands[cx->nodes[*(const uint32_t *)b].cand_off];

	return x < y ? -1 : x > y;
}

/*
 * Candidate issuers of c: same name (by key, confirmed), and a matching
 * key identifier when both have one. A self-signed certificate only looks
 * for a root with its name and key.
 */
static int
candidates(struct ctx *x, const uint32_t *idx, uint32_t c)
{
	struct node *nc = &x->nodes[c], *np;
	size_t lo = 0, hi = x->nnodes, mid;
	const char *aki, *ski;

	nc->cand_off = (uint32_t)x->ncands;
	nc->cand_n = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x->nodes[idx[mid]].subj_key < nc->iss_key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->nnodes && x->nodes[idx[lo]].subj_key == nc->iss_key;
	    lo++) {
		np = &x->nodes[idx[lo]];
		if (idx[lo] == c || ((nc->flags & F_SELF) &&
		    !(np->flags & F_ROOT)))
			continue;
		if (materialise(x, idx[lo]) == -1)
			return -1;
		aki = str_at(x, nc->aki);	/* the arena may have moved */
		ski = str_at(x, np->ski);
		if (aki != NULL && ski != NULL && strcmp(aki, ski) != 0)
			continue;
		if ((np->subj_len != nc->iss_len || memcmp(bytes_at(x,
		    np->subj), bytes_at(x, nc->iss), nc->iss_len) != 0) &&
		    cs_x509_name_cmp(bytes_at(x, np->subj), np->subj_len,
		    bytes_at(x, nc->iss), nc->iss_len) != 0)
			continue;
		if (grow(&x->cands, &x->cands_cap, x->ncands + 1,
		    sizeof(*x->cands), x->err) == -1)
			return -1;
		x->cands[x->ncands++] = idx[lo];
		np->flags |= F_PARENT;
		/*
		 * XXX: a name shared by very many certificates without key
		 * identifiers (devices' "CN=localhost") would cost a check
		 * per pair; past MAX_CANDS the others are not considered.
		 */
		if (++nc->cand_n == MAX_CANDS)
			break;
	}
	return 0;
}

/*
 * What a thread keeps between signature checks: the last issuer's key
 * made ready to verify with one algorithm. The work is sorted by issuer,
 * so most checks reuse it.
 */
struct vstate {
	struct cs_x509_verifier	 v;
	unsigned long		 n;		/* signatures checked */
};

/* Runs fn(x, work[i], state) for every i, on up to nthreads threads. */
struct pool {
	struct ctx	*x;
	void		(*fn)(struct ctx *, uint32_t, struct vstate *);
	atomic_size_t	 next;
};

static void *
pool_run(void *arg)
{
	struct pool *pl = arg;
	struct vstate vs;
	size_t i, end;

	memset(&vs, 0, sizeof(vs));
	cs_x509_verifier_init(&vs.v);
	while ((i = atomic_fetch_add(&pl->next, 16)) < pl->x->nwork) {
		end = i + 16 < pl->x->nwork ? i + 16 : pl->x->nwork;
		for (; i < end; i++)
			pl->fn(pl->x, pl->x->work[i], &vs);
	}
	atomic_fetch_add(&pl->x->sigchecks, vs.n);
	cs_x509_verifier_release(&vs.v);
	return NULL;
}

static void
parallel(struct ctx *x, void (*fn)(struct ctx *, uint32_t, struct vstate *))
{
	pthread_t th[16];
	struct pool pl;
	long ncpu;
	int n = x->o->nthreads, i, started = 0;

	if (n <= 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		n = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (int)ncpu;
	}
	if (n > 16)
		n = 16;
	if ((size_t)n > x->nwork / 64 + 1)
		n = (int)(x->nwork / 64 + 1);
	pl.x = x;
	pl.fn = fn;
	atomic_init(&pl.next, 0);
	for (i = 1; i < n; i++)
		if (pthread_create(&th[started], NULL, pool_run, &pl) == 0)
			started++;
	pool_run(&pl);	/* with no thread started, this does it all */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

static void
parse_key(struct ctx *x, uint32_t i, struct vstate *vs)
{
	struct node *nd = &x->nodes[i];

	(void)vs;
	nd->pkey = cs_x509_pubkey(nd->der, nd->der_len);
}

/* The SHA-256 of a candidate issuer's SubjectPublicKeyInfo. */
static void
hash_spki(struct ctx *x, uint32_t i, struct vstate *vs)
{
	const struct node *nd = &x->nodes[i];
	struct cs_x509_signed pt;

	(void)vs;
	if (cs_x509_split(nd->der, nd->der_len, &pt) == 0) {
		x->spki_ok[nd->par] = EVP_Digest(pt.spki, pt.spki_len,
		    x->spki[nd->par], NULL, x->sha256, NULL) == 1;
	}
}

/* Verifies c's signature with each candidate's key that has no verdict:
 * ok[] says which verified. */
static void
verify(struct ctx *x, uint32_t c, struct vstate *vs)
{
	const struct node *nc = &x->nodes[c];
	uint32_t k, parent;
	int ok;

	if (cs_x509_verifier_begin(&vs->v, nc->der,
	    nc->der_len) == -1)
		return;
	for (k = 0; k < nc->cand_n; k++) {
		parent = x->cands[nc->cand_off + k];
		if (x->vstate[nc->cand_off + k] != V_NONE ||
		    x->nodes[parent].pkey == NULL)
			continue;
		vs->n++;
		if ((ok = cs_x509_verifier_check(&vs->v,
		    x->nodes[parent].pkey)) == -1)
			break;
		x->ok[nc->cand_off + k] = (unsigned char)ok;
		x->vstate[nc->cand_off + k] = V_CHECKED;
	}
}

/* Where a walk ends. */
#define MAX_PATH	32

struct res {
	int		outcome;
	uint32_t	name_node;	/* the issuer's name: */
	int		name_subj;	/* its subject, else its issuer */
	uint32_t	aki_node;	/* the certificate below the issuer */
	uint32_t	resolved;
	uint32_t	aia_node;	/* the one lacking the issuer */
	/* The whole walk (ctx.whole): its path and where it ends. */
	int		end;
	uint32_t	end_node;	/* _UNKNOWN_ISSUER: whose issuer */
	uint32_t	npath;
	uint32_t	path[MAX_PATH];
	unsigned char	sent[MAX_PATH];
};

struct walk {
	const struct ctx	*x;
	const uint32_t		*set;	/* sent, without repeats */
	uint32_t		 n;
	unsigned char		*visited;	/* by position in set */
	int			 budget;
};

static int
sent_at(const struct walk *w, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < w->n; i++)
		if (w->set[i] == id)
			return (int)i;
	return -1;
}

static int
trusted_self(const struct ctx *x, uint32_t c)
{
	const struct node *nc = &x->nodes[c];
	uint32_t i;

	if (nc->flags & F_ROOT)
		return 1;
	for (i = 0; i < nc->cand_n; i++)
		if (x->nodes[x->cands[nc->cand_off + i]].flags & F_ROOT)
			return 1;
	return 0;
}

static void
path_add(const struct walk *w, struct res *r, uint32_t id)
{
	if (r->npath < MAX_PATH) {
		r->path[r->npath] = id;
		r->sent[r->npath++] = sent_at(w, id) >= 0;
	}
}

static int
on_path(const struct res *r, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < r->npath; i++)
		if (r->path[i] == id)
			return 1;
	return 0;
}

/*
 * Goes on from the top of r's path, which the walk found past a missing
 * issuer: to a trusted issuer, else a sent one, else the preferred one
 * found, until a root or a dead end.
 */
static void
walk_on(const struct walk *w, struct res *r)
{
	const struct ctx *x = w->x;
	const struct node *np;
	const uint32_t *fit;
	uint32_t p, i, next;

	for (;;) {
		p = r->path[r->npath - 1];
		np = &x->nodes[p];
		if (np->flags & F_SELF) {
			r->end = trusted_self(x, p) ? CS_MISSING_COMPLETE :
			    CS_MISSING_UNTRUSTED_ROOT;
			return;
		}
		fit = x->cands + np->cand_off;
		next = NONE;
		for (i = 0; i < np->cand_n && next == NONE; i++)
			if ((x->nodes[fit[i]].flags & F_ROOT) &&
			    !on_path(r, fit[i]))
				next = fit[i];
		for (i = 0; i < np->cand_n && next == NONE; i++)
			if (sent_at(w, fit[i]) >= 0 && !on_path(r, fit[i]))
				next = fit[i];
		for (i = 0; i < np->cand_n && next == NONE; i++)
			if (!on_path(r, fit[i]))
				next = fit[i];
		if (next == NONE || r->npath == MAX_PATH) {
			r->end = CS_MISSING_UNKNOWN_ISSUER;
			r->end_node = p;
			return;
		}
		path_add(w, r, next);
		if (x->nodes[next].flags & F_ROOT) {
			r->end = CS_MISSING_COMPLETE;
			return;
		}
	}
}

/* Puts c, sent, in front of r's path. */
static void
path_front(struct res *r, uint32_t c)
{
	if (r->npath == MAX_PATH)
		r->npath--;
	memmove(r->path + 1, r->path, r->npath * sizeof(*r->path));
	memmove(r->sent + 1, r->sent, r->npath);
	r->path[0] = c;
	r->sent[0] = 1;
	r->npath++;
}

/*
 * Walks up from c (reached from below, NONE at the leaf). A sent issuer is
 * followed; when several are sent the best outcome wins (an order of
 * preference, not of position, so chains sent out of order walk the same).
 */
static void
walk(struct walk *w, uint32_t c, uint32_t below, struct res *r)
{
	const struct ctx *x = w->x;
	const struct node *nc = &x->nodes[c];
	const uint32_t *fit = x->cands + nc->cand_off;
	struct res t, best;
	uint32_t i;
	int pos;

	r->resolved = NONE;
	r->aia_node = NONE;
	r->aki_node = c;
	r->name_node = c;
	r->name_subj = 1;
	r->end_node = NONE;
	r->npath = 0;
	path_add(w, r, c);
	if (nc->flags & F_SELF) {
		r->outcome = trusted_self(x, c) ? CS_MISSING_COMPLETE :
		    CS_MISSING_UNTRUSTED_ROOT;
		r->end = r->outcome;
		if (below != NONE)
			r->aki_node = below;
		return;
	}
	/* A trusted issuer ends the walk, whether it was sent or not. */
	for (i = 0; i < nc->cand_n; i++)
		if (x->nodes[fit[i]].flags & F_ROOT) {
			r->outcome = r->end = CS_MISSING_COMPLETE;
			r->name_node = fit[i];
			if (sent_at(w, fit[i]) < 0)
				r->aia_node = c;
			path_add(w, r, fit[i]);
			return;
		}
	best.outcome = -1;
	for (i = 0; i < nc->cand_n; i++) {
		if ((pos = sent_at(w, fit[i])) < 0 || w->visited[pos])
			continue;
		if (w->budget-- <= 0)
			break;
		w->visited[pos] = 1;
		walk(w, fit[i], c, &t);
		w->visited[pos] = 0;
		if (best.outcome < 0 || t.outcome < best.outcome)
			best = t;
		if (best.outcome == CS_MISSING_COMPLETE)
			break;
	}
	if (best.outcome >= 0) {
		*r = best;
		path_front(r, c);
		return;
	}
	/* The issuer was not sent: look for it elsewhere. */
	r->aia_node = c;
	r->name_subj = 0;
	for (i = 0; i < nc->cand_n; i++) {
		if (sent_at(w, fit[i]) >= 0)
			continue;
		r->resolved = fit[i];
		path_add(w, r, fit[i]);
		if (x->nodes[fit[i]].flags & F_SELF) {
			r->outcome = r->end = CS_MISSING_UNTRUSTED_ROOT;
			r->name_node = fit[i];
			r->name_subj = 1;
		} else {
			r->outcome = CS_MISSING_INTERMEDIATE;
			r->end = CS_MISSING_UNKNOWN_ISSUER;
			r->end_node = fit[i];
			if (x->whole)
				walk_on(w, r);
		}
		return;
	}
	r->outcome = r->end = CS_MISSING_UNKNOWN_ISSUER;
	r->end_node = c;
}

/* One walked chain. */
struct hit {
	uint32_t	 chain;
	int		 outcome;
	const char	*name;
	const unsigned char *nder;	/* the name as DER */
	size_t		 nder_len;
	uint64_t	 nkey;		/* its cs_x509_name_key() */
	uint32_t	 ncls;		/* names equal as X.509 names: equal */
	const char	*aki;
	uint32_t	 resolved;
	uint32_t	 aia_node;
	uint64_t	 weight;
};

static int
nstrcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Hits by their name: key, then DER bytes (distinct names). */
static int
hitname_cmp(const void *a, const void *b)
{
	const struct hit *x = *(const struct hit *const *)a;
	const struct hit *y = *(const struct hit *const *)b;

	if (x->nkey != y->nkey)
		return x->nkey < y->nkey ? -1 : 1;
	if (x->nder_len != y->nder_len)
		return x->nder_len < y->nder_len ? -1 : 1;
	return memcmp(x->nder, y->nder, x->nder_len);
}

/*
 * The distinct values of the hits' keys: *id[i] is hit i's number among
 * them, *rep[k] a hit with the k-th (in order of first hit). same() says
 * whether two hits have the same key; hash() hashes one.
 */
static int
distinct(struct ctx *x, const struct hit *hits, size_t nhits,
    uint64_t (*hash)(const struct hit *),
    int (*same)(const struct hit *, const struct hit *),
    uint32_t *id, uint32_t **rep, size_t *nrep)
{
	struct cs_hmap m = CS_HMAP_INIT;
	uint32_t e = 0, *v = NULL;
	uint64_t h;
	size_t i, pos, n = 0, cap = 0;
	int ret = -1, found;

	for (i = 0; i < nhits; i++) {
		h = hash(&hits[i]);
		found = 0;
		for (pos = cs_hmap_start(&m, h); !found && cs_hmap_next(&m, h,
		    &pos, &e);)
			found = same(&hits[v[e]], &hits[i]);
		if (!found) {
			/* Where h goes, once there is room. */
			if (cs_hmap_reserve(&m, n + 1) == -1 ||
			    grow(&v, &cap, n + 1, sizeof(*v), x->err) == -1)
				goto out;
			for (pos = cs_hmap_start(&m, h); cs_hmap_next(&m, h,
			    &pos, &e);)
				;
			cs_hmap_put(&m, pos, h, (uint32_t)n);
			v[n] = (uint32_t)i;
			e = (uint32_t)n++;
		}
		id[i] = e;
	}
	*rep = v;
	*nrep = n;
	v = NULL;
	ret = 0;
out:
	if (ret == -1 && x->err->code == CS_EOK)
		cs_err_set(x->err, CS_ENOMEM, "out of memory");
	free(v);
	cs_hmap_release(&m);
	return ret;
}

static uint64_t
name_hash(const struct hit *h)
{
	return XXH3_64bits(h->nder, h->nder_len) ^ h->nkey;
}

static int
name_same(const struct hit *a, const struct hit *b)
{
	return a->nder_len == b->nder_len && memcmp(a->nder, b->nder,
	    a->nder_len) == 0;
}

static uint64_t
aki_hash(const struct hit *h)
{
	return h->aki == NULL ? 0 : XXH3_64bits(h->aki, strlen(h->aki));
}

static int
aki_same(const struct hit *a, const struct hit *b)
{
	return nstrcmp(a->aki, b->aki) == 0;
}

/*
 * Numbers the hits' names so that names equal as X.509 names (as
 * X509_NAME_cmp() and `top issuers` compare them) get one number, in the
 * order of (key, DER): the distinct DERs (few) sharing a
 * cs_x509_name_key() are compared pairwise.
 */
static int
name_classes(struct ctx *x, struct hit *hits, size_t nhits)
{
	const struct hit **v = NULL, *rep[64];
	uint32_t *id = NULL, *first = NULL, *cls = NULL, ncls = 0;
	size_t i, k, nd = 0, nrep = 0;
	int ret = -1;

	if ((id = malloc((nhits ? nhits : 1) * sizeof(*id))) == NULL) {
		cs_err_set(x->err, CS_ENOMEM, "out of memory");
		goto out;
	}
	if (distinct(x, hits, nhits, name_hash, name_same, id, &first, &nd) ==
	    -1)
		goto out;
	if ((v = malloc((nd ? nd : 1) * sizeof(*v))) == NULL ||
	    (cls = malloc((nd ? nd : 1) * sizeof(*cls))) == NULL) {
		cs_err_set(x->err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (k = 0; k < nd; k++)
		v[k] = &hits[first[k]];
	if (nd > 1)
		qsort(v, nd, sizeof(*v), hitname_cmp);
	for (i = 0; i < nd; i++) {
		/* A new key: no name of the last key can equal these. */
		if (i == 0 || v[i]->nkey != v[i - 1]->nkey)
			nrep = 0;
		for (k = 0; k < nrep; k++)
			if (cs_x509_name_cmp(rep[k]->nder, rep[k]->nder_len,
			    v[i]->nder, v[i]->nder_len) == 0)
				break;
		if (k == nrep) {
			cls[id[v[i] - hits]] = ncls++;
			if (nrep < sizeof(rep) / sizeof(rep[0]))
				rep[nrep++] = v[i];
		} else
			cls[id[v[i] - hits]] = cls[id[rep[k] - hits]];
	}
	for (i = 0; i < nhits; i++)
		hits[i].ncls = cls[id[i]];
	ret = 0;
out:
	free(cls);
	free(v);
	free(first);
	free(id);
	return ret;
}

/* A group of hits: one row's (outcome, name class, AKI). */
struct hgroup {
	int		 outcome;
	uint32_t	 ncls;
	uint32_t	 aki;		/* its rank among the AKIs */
	size_t		 n, at;
};

static int
hgroup_cmp(const void *a, const void *b)
{
	const struct hgroup *x = a, *y = b;

	if (x->outcome != y->outcome)
		return x->outcome < y->outcome ? -1 : 1;
	if (x->ncls != y->ncls)
		return x->ncls < y->ncls ? -1 : 1;
	return x->aki < y->aki ? -1 : x->aki > y->aki;
}

static int
hitaki_cmp(const void *a, const void *b)
{
	return nstrcmp((*(const struct hit *const *)a)->aki,
	    (*(const struct hit *const *)b)->aki);
}

/*
 * Puts the hits in the order of (outcome, name class, AKI, chain), as a
 * sort with hit_cmp() would, by counting: the groups are few, the hits
 * (a million) already in chain order.
 */
static int
order_hits(struct ctx *x, struct hit *hits, size_t nhits)
{
	struct hit t;
	const struct hit **akv = NULL;
	struct hgroup *g = NULL, key;
	struct cs_hmap m = CS_HMAP_INIT;
	uint32_t *aid = NULL, *afirst = NULL, *arank = NULL, *gid = NULL, e = 0,
	    d;
	size_t i, k, na = 0, ng = 0, gcap = 0, pos, at;
	uint64_t h;
	int ret = -1, found;

	if ((aid = malloc((nhits ? nhits : 1) * sizeof(*aid))) == NULL ||
	    (gid = malloc((nhits ? nhits : 1) * sizeof(*gid))) == NULL)
		goto nomem;
	if (distinct(x, hits, nhits, aki_hash, aki_same, aid, &afirst, &na) ==
	    -1)
		goto out;
	if ((akv = malloc((na ? na : 1) * sizeof(*akv))) == NULL ||
	    (arank = malloc((na ? na : 1) * sizeof(*arank))) == NULL)
		goto nomem;
	for (k = 0; k < na; k++)
		akv[k] = &hits[afirst[k]];
	if (na > 1)
		qsort(akv, na, sizeof(*akv), hitaki_cmp);
	for (k = 0; k < na; k++)
		arank[aid[akv[k] - hits]] = (uint32_t)k;
	for (i = 0; i < nhits; i++) {
		key.outcome = hits[i].outcome;
		key.ncls = hits[i].ncls;
		key.aki = arank[aid[i]];
		h = ((uint64_t)key.ncls << 32 | key.aki) * 0x9e3779b97f4a7c15ULL
		    + (uint64_t)key.outcome;
		found = 0;
		for (pos = cs_hmap_start(&m, h); !found && cs_hmap_next(&m, h,
		    &pos, &e);)
			found = hgroup_cmp(&g[e], &key) == 0;
		if (!found) {
			if (cs_hmap_reserve(&m, ng + 1) == -1 ||
			    grow(&g, &gcap, ng + 1, sizeof(*g), x->err) == -1)
				goto nomem;
			for (pos = cs_hmap_start(&m, h); cs_hmap_next(&m, h,
			    &pos, &e);)
				;
			cs_hmap_put(&m, pos, h, (uint32_t)ng);
			key.n = 0;
			g[ng] = key;
			e = (uint32_t)ng++;
		}
		g[e].n++;
		gid[i] = e;
	}
	/* The groups in order; each group's first place; then the hits. */
	cs_hmap_release(&m);
	for (k = 0; k < ng; k++)
		g[k].at = k;		/* its number, before the sort */
	if (ng > 1)
		qsort(g, ng, sizeof(*g), hgroup_cmp);
	if ((afirst = realloc(afirst, (ng ? ng : 1) * sizeof(*afirst))) ==
	    NULL)
		goto nomem;
	for (k = 0, at = 0; k < ng; k++) {
		afirst[g[k].at] = (uint32_t)at;	/* where group g[k] goes */
		at += g[k].n;
	}
	/* Each hit's place, then each moved there in place (a cycle at a
	 * time: every swap puts one where it goes), not through a copy of
	 * them all. */
	for (i = 0; i < nhits; i++)
		gid[i] = afirst[gid[i]]++;
	for (i = 0; i < nhits; i++)
		while ((d = gid[i]) != i) {
			t = hits[d];
			hits[d] = hits[i];
			hits[i] = t;
			gid[i] = gid[d];
			gid[d] = d;
		}
	ret = 0;
	goto out;
nomem:
	cs_err_set(x->err, CS_ENOMEM, "out of memory");
out:
	cs_hmap_release(&m);
	free(g);
	free(arank);
	free(akv);
	free(afirst);
	free(gid);
	free(aid);
	return ret;
}

struct rowbuild {
	struct cs_missing_row	 row;
	size_t			 start, n;	/* hits */
};

static int
row_cmp(const void *a, const void *b)
{
	const struct cs_missing_row *x = &((const struct rowbuild *)a)->row;
	const struct cs_missing_row *y = &((const struct rowbuild *)b)->row;
	int c;

	if (x->reports != y->reports)
		return x->reports > y->reports ? -1 : 1;
	if ((c = strcmp(x->issuer, y->issuer)) != 0)
		return c;
	if (x->outcome != y->outcome)
		return x->outcome < y->outcome ? -1 : 1;
	return nstrcmp(x->aki, y->aki);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What cs_missing_hosts() needs. */
struct mpriv {
	unsigned char	(*keys)[CS_KEY_LEN];	/* chains, by row */
	size_t		 *start;		/* nrows + 1 */
	uint32_t	 *bykey;		/* the keys' places, in key
						   order (every chain's) */
	uint32_t	 *rowof;		/* each key's row */
	const struct cs_query *query;
	uint64_t	 *hosts;		/* every row's, when counted
						   in one pass (hosts_all()) */
};

static void
row_release(struct cs_missing_row *r)
{
	size_t i;

	free(r->issuer);
	free(r->aki);
	free(r->der);
	for (i = 0; i < r->naia; i++)
		free(r->aia[i]);
	free(r->aia);
}

static int
node_source(const struct node *nd)
{
	static const int src[] = { CS_MISSING_SRC_KNOWN, CS_MISSING_SRC_CORPUS,
	    CS_MISSING_SRC_AIA };

	return src[rank(nd)];
}

/* Fills a row from hits[start, start + n), which share its key. */
static int
make_row(struct ctx *x, const struct hit *h, size_t n, struct rowbuild *rb)
{
	struct cs_missing_row *r = &rb->row;
	struct cs_hmap seen = CS_HMAP_INIT, lists = CS_HMAP_INIT;
	uint32_t *aian = NULL, best = NONE, e;
	const struct node *nd;
	const char *s;
	uint64_t hash;
	size_t i, j, k, na = 0, nl = 0, cap = 0, pos, len;
	int found;

	x->stamp++;		/* a node's mark: in aian for this row */
	memset(r, 0, sizeof(*r));
	r->outcome = h[0].outcome;
	if ((r->issuer = strdup(h[0].name)) == NULL ||
	    (h[0].aki != NULL && (r->aki = strdup(h[0].aki)) == NULL))
		goto nomem;
	if ((aian = malloc(n * sizeof(*aian))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		r->reports += h[i].weight;
		r->chains++;
		if (h[i].aia_node != NONE &&
		    x->stamps[h[i].aia_node] != x->stamp) {
			x->stamps[h[i].aia_node] = x->stamp;
			aian[na++] = h[i].aia_node;
		}
		if (h[i].resolved != NONE && (best == NONE ||
		    pref_cmp(&x->nodes[h[i].resolved], &x->nodes[best]) < 0))
			best = h[i].resolved;
	}
	/* Each URL once (a hash of those kept), then sorted; each list
	 * once first (lists are kept once: add_node()). */
	for (i = 0, k = 0; i < na; i++) {
		nd = &x->nodes[aian[i]];
		if (nd->naia == 0)
			continue;
		hash = cs_mix64(nd->aia);
		found = 0;
		for (pos = cs_hmap_start(&lists, hash); !found &&
		    cs_hmap_next(&lists, hash, &pos, &e);)
			found = x->nodes[aian[e]].aia == nd->aia;
		if (found)
			continue;
		if (cs_hmap_reserve(&lists, nl + 1) == -1)
			goto nomem;
		for (pos = cs_hmap_start(&lists, hash); cs_hmap_next(&lists,
		    hash, &pos, &e);)
			;
		cs_hmap_put(&lists, pos, hash, (uint32_t)i);
		nl++;
		for (j = 0, s = str_at(x, nd->aia); j < nd->naia; j++,
		    s += len + 1) {
			len = strlen(s);
			hash = XXH3_64bits(s, len);
			found = 0;
			for (pos = cs_hmap_start(&seen, hash); !found &&
			    cs_hmap_next(&seen, hash, &pos, &e);)
				found = strcmp(r->aia[e], s) == 0;
			if (found)
				continue;
			if (cs_hmap_reserve(&seen, k + 1) == -1 ||
			    grow(&r->aia, &cap, k + 1, sizeof(*r->aia),
			    x->err) == -1)
				goto nomem;
			for (pos = cs_hmap_start(&seen, hash);
			    cs_hmap_next(&seen, hash, &pos, &e);)
				;
			cs_hmap_put(&seen, pos, hash, (uint32_t)k);
			if ((r->aia[k] = strdup(s)) == NULL)
				goto nomem;
			r->naia = ++k;
		}
	}
	if (k > 1)
		qsort(r->aia, k, sizeof(*r->aia), str_cmp);
	if (best != NONE) {
		nd = &x->nodes[best];
		r->source = node_source(nd);
		memcpy(r->resolved_by, nd->sha256, 32);
		if ((r->der = malloc(nd->der_len ? nd->der_len : 1)) == NULL)
			goto nomem;
		memcpy(r->der, nd->der, nd->der_len);
		r->der_len = nd->der_len;
	}
	free(aian);
	cs_hmap_release(&seen);
	cs_hmap_release(&lists);
	return 0;
nomem:
	free(aian);
	cs_hmap_release(&seen);
	cs_hmap_release(&lists);
	return cs_err_set(x->err, CS_ENOMEM, "out of memory");
}

static int
aggregate(struct ctx *x, struct hit *hits, size_t nhits, struct cs_missing *m)
{
	struct rowbuild *rb = NULL;
	struct mpriv *pv = NULL;
	size_t i, j, nrb = 0, k;
	uint32_t c;
	int ret = -1;

	if (name_classes(x, hits, nhits) == -1 ||
	    order_hits(x, hits, nhits) == -1)
		return -1;
	if ((x->stamps = calloc(x->nnodes ? x->nnodes : 1,
	    sizeof(*x->stamps))) == NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	if ((rb = calloc(nhits ? nhits : 1, sizeof(*rb))) == NULL ||
	    (pv = calloc(1, sizeof(*pv))) == NULL) {
		cs_err_set(x->err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nhits; i = j) {
		for (j = i + 1; j < nhits && hits[j].outcome ==
		    hits[i].outcome && hits[j].ncls == hits[i].ncls &&
		    nstrcmp(hits[j].aki, hits[i].aki) == 0; j++)
			;
		rb[nrb].start = i;
		rb[nrb].n = j - i;
		if (make_row(x, hits + i, j - i, &rb[nrb]) == -1) {
			row_release(&rb[nrb].row);
			goto out;
		}
		nrb++;
	}
	if (nrb > 1)
		qsort(rb, nrb, sizeof(*rb), row_cmp);
	if ((m->rows = calloc(nrb ? nrb : 1, sizeof(*m->rows))) == NULL ||
	    (pv->keys = malloc((nhits ? nhits : 1) * sizeof(*pv->keys))) ==
	    NULL || (pv->start = malloc((nrb + 1) * sizeof(*pv->start))) ==
	    NULL) {
		cs_err_set(x->err, CS_ENOMEM, "out of memory");
		goto out;
	}
	pv->query = x->o->query;
	/* Every chain has its hit (its place is the hit's chain): the keys
	 * in key order are the rows' keys by their chains' places. */
	if ((pv->bykey = malloc((nhits ? nhits : 1) * sizeof(*pv->bykey))) ==
	    NULL || (pv->rowof = malloc((nhits ? nhits : 1) *
	    sizeof(*pv->rowof))) == NULL) {
		cs_err_set(x->err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0, k = 0; i < nrb; i++) {
		m->rows[i] = rb[i].row;
		pv->start[i] = k;
		for (j = 0; j < rb[i].n; j++) {
			c = hits[rb[i].start + j].chain;
			memcpy(pv->keys[k], x->chains[c].key, CS_KEY_LEN);
			pv->bykey[c] = (uint32_t)k;
			pv->rowof[k++] = (uint32_t)i;
		}
	}
	pv->start[nrb] = k;
	m->nrows = nrb;
	nrb = 0;		/* m owns the rows now */
	m->priv = pv;
	pv = NULL;
	ret = 0;
out:
	for (i = 0; i < nrb; i++)
		row_release(&rb[i].row);
	free(rb);
	if (pv != NULL) {
		free(pv->keys);
		free(pv->start);
		free(pv->bykey);
		free(pv->rowof);
		free(pv);
	}
	return ret;
}

/* Tells opts->on_end where a walk ended. */
static int
tell_end(struct ctx *x, const struct res *r, const unsigned char *ckey,
    uint32_t start, int depth, uint64_t reports, uint64_t chains)
{
	struct cs_missing_end e;
	const struct node *nd = &x->nodes[r->name_node];

	if (x->o->on_end == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	e.chain = ckey;
	e.start = x->nodes[start].sha256;
	e.depth = depth;
	e.reports = reports;
	e.chains = chains;
	e.outcome = r->outcome;
	e.issuer = str_at(x, r->name_subj ? nd->subject : nd->issuer);
	if (r->resolved != NONE) {
		e.resolved = x->nodes[r->resolved].sha256;
		e.source = node_source(&x->nodes[r->resolved]);
	}
	if (r->outcome == CS_MISSING_UNKNOWN_ISSUER && r->aia_node != NONE) {
		nd = &x->nodes[r->aia_node];
		e.aia = str_at(x, nd->aia);
		e.naia = nd->naia;
	}
	return x->o->on_end(x->o->end_arg, &e, x->err);
}

/*
 * Walks up from each AIA certificate that resolved a walk, on its own, and
 * from each AIA certificate that resolved such a walk, to depth walk_aia:
 * where their issuers end, for on_end only (the rows stay as they are).
 */
static int
walk_aia(struct ctx *x, const struct hit *hits, unsigned char *visited)
{
	struct up {
		uint64_t	reports, chains;
		int		depth;
	} *a;
	struct walk w;
	struct res r;
	uint32_t i, k;
	int d, ret = 0;

	if ((a = calloc(x->nnodes ? x->nnodes : 1, sizeof(*a))) == NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	for (i = 0; i < x->nchains; i++) {
		if ((k = hits[i].resolved) == NONE || rank(&x->nodes[k]) != 2)
			continue;
		a[k].depth = 1;
		a[k].reports += hits[i].weight;
		a[k].chains++;
	}
	w.x = x;
	w.visited = visited;
	w.n = 1;
	for (d = 1; d <= x->o->walk_aia && ret == 0; d++)
		for (i = 0; i < x->nnodes && ret == 0; i++) {
			if (a[i].depth != d)
				continue;
			w.set = &i;
			w.budget = 256;
			visited[0] = 1;
			walk(&w, i, NONE, &r);
			visited[0] = 0;
			ret = tell_end(x, &r, NULL, i, d, a[i].reports,
			    a[i].chains);
			if ((k = r.resolved) == NONE || rank(&x->nodes[k]) != 2)
				continue;
			if (a[k].depth == 0)
				a[k].depth = d + 1;
			if (a[k].depth == d + 1) {
				a[k].reports += a[i].reports;
				a[k].chains += a[i].chains;
			}
		}
	free(a);
	return ret;
}

/* Hands chain i's whole walk r to the caller. */
static int
report_walk(const struct ctx *x, const struct walk *w, size_t i,
    const struct res *r)
{
	struct cs_missing_step steps[MAX_PATH];
	struct cs_missing_walk cw;
	uint32_t k;
	int pos;

	memset(&cw, 0, sizeof(cw));
	cw.key = x->chains[i].key;
	cw.id = x->ids[i];
	cw.weight = x->chains[i].weight;
	cw.outcome = r->outcome;
	cw.end = r->end;
	if (r->end == CS_MISSING_UNKNOWN_ISSUER && r->end_node != NONE)
		cw.end_issuer = str_at(x, x->nodes[r->end_node].issuer);
	for (k = 0; k < r->npath; k++) {
		steps[k].node = r->path[k];
		steps[k].sent = r->sent[k];
		steps[k].flags = x->nodes[r->path[k]].flags & (F_STORE |
		    F_ROOT | F_KNOWN | F_SELF);
		steps[k].source = node_source(&x->nodes[r->path[k]]);
		steps[k].subject = str_at(x, x->nodes[r->path[k]].subject);
		if (r->sent[k] && (pos = sent_at(w, r->path[k])) >= 0)
			cw.posmask |= x->cpos[x->chains[i].off + (size_t)pos];
	}
	cw.path = steps;
	cw.npath = r->npath;
	return x->o->walk(x->o->walk_arg, &cw);
}

/* Chain i's walk, into r. */
static void
walk_chain(const struct ctx *x, struct walk *w, size_t i, struct res *r)
{
	w->set = x->cnodes + x->chains[i].off;
	w->n = x->chains[i].n;
	w->budget = 256;	/* same-named certificates: bounded */
	w->visited[0] = 1;
	walk(w, w->set[0], NONE, r);
	w->visited[0] = 0;
}

/* Chain i's hit, from its walk r, counted in m. */
static void
hit_of(const struct ctx *x, size_t i, const struct res *r, struct hit *h,
    struct cs_missing *m)
{
	const struct node *nd = &x->nodes[r->name_node];

	h->chain = (uint32_t)i;
	h->outcome = r->outcome;
	h->name = str_at(x, r->name_subj ? nd->subject : nd->issuer);
	h->nder = bytes_at(x, r->name_subj ? nd->subj : nd->iss);
	h->nder_len = r->name_subj ? nd->subj_len : nd->iss_len;
	h->nkey = r->name_subj ? nd->subj_key : nd->iss_key;
	h->aki = str_at(x, x->nodes[r->aki_node].aki);
	h->resolved = r->resolved;
	h->aia_node = r->aia_node;
	h->weight = x->chains[i].weight;
	m->reports[r->outcome] += x->chains[i].weight;
	m->chains[r->outcome]++;
}

/*
 * The rows from every chain's walk, while the run's thread hands each
 * walk to the caller (opts->walk): both walk the chains, which they only
 * read, this one on a copy of the run's context with an error of its own
 * (aggregate() writes only its stamps, taken back when it is joined).
 */
struct rowsjob {
	struct ctx		 y;
	struct cs_missing	*m;
	struct hit		*hits;
	unsigned char		*visited;
	struct cs_err		 err;
	int			 ret;
};

static void *
rows_run(void *arg)
{
	struct rowsjob *j = arg;
	struct walk w;
	struct res r;
	size_t i;

	w.x = &j->y;
	w.visited = j->visited;
	for (i = 0; i < j->y.nchains; i++) {
		walk_chain(&j->y, &w, i, &r);
		hit_of(&j->y, i, &r, &j->hits[i], j->m);
	}
	j->ret = aggregate(&j->y, j->hits, j->y.nchains, j->m);
	return NULL;
}

/* Whether the rows are made on a thread of their own: when the caller
 * takes every walk, the run has more than one thread, and no AIA
 * certificate is walked up on its own (walk_aia() reads the hits). From
 * 64 chains on: a thread costs less than their walks, and the sample
 * corpus (112), so make check's tests, runs the same way as a million. */
static int
rows_threaded(const struct ctx *x)
{
	return x->o->walk != NULL && x->o->walk_aia == 0 &&
	    x->o->nthreads != 1 && x->nchains >= 64 &&
	    sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

static int
walk_all(struct ctx *x, struct cs_missing *m)
{
	struct rowsjob job;
	struct hit *hits = NULL;
	struct walk w;
	struct res r;
	unsigned char *visited = NULL;
	size_t i, maxn = 1;
	pthread_t th;
	int ret = -1, threaded = 0;

	for (i = 0; i < x->nchains; i++)
		if (x->chains[i].n > maxn)
			maxn = x->chains[i].n;
	if ((hits = calloc(x->nchains ? x->nchains : 1, sizeof(*hits))) ==
	    NULL || (visited = calloc(2, maxn)) == NULL) {
		cs_err_set(x->err, CS_ENOMEM, "out of memory");
		goto out;
	}
	w.x = x;
	w.visited = visited;
	if (rows_threaded(x)) {
		memset(&job, 0, sizeof(job));
		job.y = *x;
		job.y.err = &job.err;
		job.m = m;
		job.hits = hits;
		job.visited = visited + maxn;
		threaded = pthread_create(&th, NULL, rows_run, &job) == 0;
	}
	for (i = 0; i < x->nchains; i++) {
		walk_chain(x, &w, i, &r);
		if (!threaded)
			hit_of(x, i, &r, &hits[i], m);
		if (tell_end(x, &r, x->chains[i].key, w.set[0], 0,
		    x->chains[i].weight, 1) == -1 ||
		    (x->o->walk != NULL && report_walk(x, &w, i, &r) == -1))
			break;
	}
	if (threaded) {
		pthread_join(th, NULL);
		x->stamps = job.y.stamps;
		x->stamp = job.y.stamp;
		if (i == x->nchains && job.ret == -1)
			*x->err = job.err;
		else if (i == x->nchains)
			ret = 0;
		else if (job.ret == 0)
			cs_missing_release(m);	/* the rows made for nothing */
		goto out;
	}
	if (i < x->nchains)
		goto out;
	if (x->o->walk_aia > 0 && walk_aia(x, hits, visited) == -1)
		goto out;
	ret = aggregate(x, hits, x->nchains, m);
out:
	free(visited);
	free(hits);
	return ret;
}

/* The store's certificates, the given sets, the fetched issuers, chains. */
static int
load_all(struct ctx *x, struct cs_store *st, struct cs_missing *out,
    struct cs_err *err)
{
	uint64_t n[CS_N_COUNTERS];
	size_t i;

	/* Filters on the leaf need the set of selected certificates. */
	if (x->o->query != NULL && cs_query_keys(x->o->query, err) == -1)
		return -1;
	/* Room for the store's nodes and chains at once (the counters are
	 * a hint): grown by doubling, a million nodes' array was moved a
	 * dozen times and most of it faulted in small pages. */
	if (cs_store_counters(st, n, err) == -1 ||
	    grow(&x->nodes, &x->nodes_cap, cs_count_hint(
	    n[CS_N_UNIQUE_CERTS]) + 64, sizeof(*x->nodes), err) == -1 ||
	    grow(&x->chains, &x->chains_cap, cs_count_hint(
	    n[CS_N_UNIQUE_CHAINS]) + 1, sizeof(*x->chains), err) == -1 ||
	    (x->whole && grow(&x->ids, &x->ids_cap, cs_count_hint(
	    n[CS_N_UNIQUE_CHAINS]) + 1, sizeof(*x->ids), err) == -1))
		return -1;
	/* The DER only for a caller that reads every node's (else only
	 * the signatures read it, of a few: ders_fill()); no counters. */
	if (cs_store_foreach_cert(st, CS_GET_SUMMARY | CS_GET_NOSTAT |
	    (x->o->node != NULL && !x->o->node_others ? CS_GET_DERREF : 0),
	    load_cert, x, err) == -1)
		return -1;
	x->nstore = x->nnodes;
	for (i = 0; i < x->nstore; i++)
		if (i > 0 && memcmp(x->nodes[i - 1].key, x->nodes[i].key,
		    CS_KEY_LEN) >= 0)
			return cs_err_set(err, CS_ESTORE,
			    "certificates out of order");
	if (number_nodes(x) == -1)
		return -1;
	if (cs_hmap_reserve(&x->bysha, x->nstore + 1) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < x->nstore; i++)
		if (shatab_find(&x->bysha, x->nodes[i].sha256, node_sha, x) ==
		    NONE && shatab_add(&x->bysha, (uint32_t)i, node_sha, x,
		    err) == -1)
			return -1;
	if (load_set(x, x->o->roots, F_ROOT) == -1 ||
	    load_set(x, x->o->known, F_KNOWN) == -1 ||
	    cs_store_foreach_aia_cert(st, load_aia, x, err) == -1)
		return -1;
	out->certs = x->nnodes;
	if (cs_store_foreach_chain(st, load_chain, x, err) == -1)
		return -1;
	return chains_link(x);
}

/*
 * Candidate issuers by name and key identifier: of the chains' members,
 * and for whole walks of the issuers' issuers. idx (nnodes) gets the
 * nodes in subject order.
 */
static int
all_candidates(struct ctx *x, uint32_t *idx)
{
	/* Issuer names are shared (put_shared()): their keys, by offset. */
	struct { size_t off; uint64_t key; } seen[64];
	struct cs_kv *kv;
	size_t i, k, slot;

	if ((kv = cs_mallocarray(x->nnodes ? x->nnodes : 1, sizeof(*kv))) ==
	    NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	memset(seen, 0xff, sizeof(seen));
	for (i = 0; i < x->nnodes; i++) {
		struct node *nd = &x->nodes[i];

		slot = (nd->iss / 8) % 64;
		if (seen[slot].off != nd->iss) {
			seen[slot].off = nd->iss;
			seen[slot].key = cs_x509_name_key(bytes_at(x, nd->iss),
			    nd->iss_len);
		}
		nd->iss_key = seen[slot].key;
		kv[i].key = nd->subj_key;
		kv[i].val = i;
	}
	/* By subject key, then node number (the sort keeps their order). */
	if (cs_sort_kv(kv, x->nnodes) == -1) {
		free(kv);
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	}
	for (i = 0; i < x->nnodes; i++)
		idx[i] = (uint32_t)kv[i].val;
	free(kv);
	for (i = 0; i < x->nnodes; i++)
		if ((x->nodes[i].flags & F_MEMBER) &&
		    candidates(x, idx, (uint32_t)i) == -1)
			return -1;
	/* Whole walks go on through the issuers' issuers. */
	for (k = 1; x->whole && k != 0;)
		for (i = 0, k = 0; i < x->nnodes; i++) {
			struct node *nd = &x->nodes[i];

			if ((nd->flags & (F_MEMBER | F_PARENT | F_CANDS)) !=
			    F_PARENT)
				continue;
			nd->flags |= F_CANDS;
			if (candidates(x, idx, (uint32_t)i) == -1)
				return -1;
			k++;
		}
	return 0;
}

/* A pair's verdict key: the certificate's SHA-256, its issuer key's. */
static int
verdict_key(const struct ctx *x, uint32_t c, uint32_t parent,
    unsigned char key[CS_VERDICT_KEY])
{
	const struct node *np = &x->nodes[parent];

	if (!x->spki_ok[np->par])
		return -1;
	memcpy(key, x->nodes[c].sha256, 32);
	memcpy(key + 32, x->spki[np->par], 32);
	return 0;
}

/* A stored verdict: the pairs of its certificate with that issuer key. */
static int
on_verdict(void *arg, const unsigned char *key, int ok)
{
	struct ctx *x = arg;
	const struct node *nc;
	uint32_t c, k, parent;
	size_t at;

	if ((c = shatab_find(&x->bysha, key, node_sha, x)) == NONE)
		return 0;
	nc = &x->nodes[c];
	for (k = 0; k < nc->cand_n; k++) {
		at = nc->cand_off + k;
		parent = x->cands[at];
		if (x->vstate[at] == V_NONE &&
		    x->spki_ok[x->nodes[parent].par] &&
		    memcmp(x->spki[x->nodes[parent].par], key + 32, 32) == 0) {
			x->vstate[at] = V_STORED;
			x->ok[at] = (unsigned char)ok;
		}
	}
	return 0;
}

/*
 * The verdicts the store keeps for the pairs: one pass over them all, or
 * a lookup per pair when the pairs are few beside them.
 */
static int
verdicts_load(struct ctx *x, size_t npairs)
{
	unsigned char key[CS_VERDICT_KEY];
	uint64_t nrec;
	size_t i, k, at;
	int ok, rc;

	if (cs_store_verdicts_count(x->st, &nrec, x->err) == -1)
		return -1;
	if (nrec == 0)
		return 0;
	if (npairs * 16 >= nrec)
		return cs_store_foreach_verdict(x->st, on_verdict, x, x->err);
	for (i = 0; i < x->nnodes; i++)
		for (k = 0; k < x->nodes[i].cand_n; k++) {
			at = x->nodes[i].cand_off + k;
			if (verdict_key(x, (uint32_t)i, x->cands[at], key) == -1)
				continue;
			if ((rc = cs_store_get_verdict(x->st, key, &ok,
			    x->err)) == -1)
				return -1;
			if (rc == 1) {
				x->vstate[at] = V_STORED;
				x->ok[at] = (unsigned char)ok;
			}
		}
	return 0;
}

/* The verdicts found now, for the store to keep. */
static int
verdicts_keep(struct ctx *x)
{
	unsigned char key[CS_VERDICT_KEY];
	size_t i, k, at;

	for (i = 0; i < x->nnodes; i++)
		for (k = 0; k < x->nodes[i].cand_n; k++) {
			at = x->nodes[i].cand_off + k;
			if (x->vstate[at] == V_CHECKED && verdict_key(x,
			    (uint32_t)i, x->cands[at], key) == 0 &&
			    cs_store_add_verdict(x->st, key, x->ok[at],
			    x->err) == -1)
				return -1;
		}
	return 0;
}

/* The work: nodes with flag set (when not 0) or with a pair undecided. */
static void
work_of(struct ctx *x, uint32_t flag, uint64_t *stored)
{
	size_t i, k;
	int undecided;

	x->nwork = 0;
	for (i = 0; i < x->nnodes; i++) {
		if (flag != 0) {
			if (x->nodes[i].flags & flag)
				x->work[x->nwork++] = (uint32_t)i;
			continue;
		}
		undecided = 0;
		for (k = 0; k < x->nodes[i].cand_n; k++) {
			if (x->vstate[x->nodes[i].cand_off + k] == V_STORED) {
				(*stored)++;
				continue;
			}
			undecided = 1;
			x->nodes[x->cands[x->nodes[i].cand_off + k]].flags |=
			    F_NEEDKEY;
		}
		if (undecided)
			x->work[x->nwork++] = (uint32_t)i;
	}
}

/*
 * The DER of the store's nodes among work[0..n) that have none yet: read
 * in one pass beside the certificates when they are many, else one by
 * one (pointers into the pinned snapshot, as the load's would have been).
 * The load reads no DER for most callers: a million leaves' DER is a
 * gigabyte of pages, and a run with stored verdicts reads the few
 * issuers' only.
 */
struct derfill {
	struct ctx	*x;
	unsigned char	*need;		/* by store node */
	size_t		 i;
};

static int
der_each(void *arg, const struct cs_certrec *r)
{
	struct derfill *f = arg;
	struct node *nd;

	if (f->i >= f->x->nstore || memcmp(f->x->nodes[f->i].key, r->key,
	    CS_KEY_LEN) != 0)
		return cs_err_set(f->x->err, CS_ESTORE, "certificates "
		    "changed while read");
	nd = &f->x->nodes[f->i];
	if (f->need[f->i++]) {
		nd->der = r->der_ref;
		nd->der_len = r->der_len;
	}
	return 0;
}

/* Whether node i is the store's and has no DER yet. */
static int
der_unread(const struct ctx *x, uint32_t i)
{
	return i < x->nstore && x->nodes[i].der == NULL;
}

static int
ders_fill(struct ctx *x, const uint32_t *work, size_t n)
{
	struct cs_certrec r;
	struct derfill f;
	size_t i, k = 0;
	int ret;

	for (i = 0; i < n; i++)
		k += der_unread(x, work[i]);
	if (k == 0)
		return 0;
	if (k < x->nstore / 16) {
		for (i = 0; i < n; i++) {
			struct node *nd = &x->nodes[work[i]];

			if (!der_unread(x, work[i]))
				continue;
			if (cs_store_get_cert(x->st, nd->key, CS_GET_NOSTAT |
			    CS_GET_DERREF, &r, x->err) == -1)
				return -1;
			nd->der = r.der_ref;
			nd->der_len = r.der_len;
			cs_certrec_release(&r);
		}
		return 0;
	}
	f.x = x;
	f.i = 0;
	if ((f.need = calloc(x->nstore, 1)) == NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (der_unread(x, work[i]))
			f.need[work[i]] = 1;
	ret = cs_store_foreach_cert(x->st, CS_GET_NOSTAT | CS_GET_DERREF,
	    der_each, &f, x->err);
	free(f.need);
	return ret;
}

/*
 * The candidates' keys, then each signature checked with them unless the
 * store has its verdict; keeps the issuers that verified, in order of
 * preference.
 */
static int
signatures(struct ctx *x, struct cs_missing *out)
{
	uint32_t *fit, *nodes_work;
	uint64_t stored = 0;
	size_t i, j, k, nw;

	if ((x->ok = calloc(x->ncands ? x->ncands : 1, 1)) == NULL ||
	    (x->vstate = calloc(x->ncands ? x->ncands : 1, 1)) == NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	work_of(x, F_PARENT, NULL);
	if ((x->spki = malloc((x->nwork ? x->nwork : 1) * sizeof(*x->spki))) ==
	    NULL || (x->spki_ok = calloc(x->nwork ? x->nwork : 1, 1)) == NULL)
		return cs_err_set(x->err, CS_ENOMEM, "out of memory");
	for (i = 0; i < x->nwork; i++)
		x->nodes[x->work[i]].par = (uint32_t)i;
	x->nspki = x->nwork;
	if (ders_fill(x, x->work, x->nwork) == -1)
		return -1;
	parallel(x, hash_spki);
	if (verdicts_load(x, x->ncands) == -1)
		return -1;
	/* The pairs left: their certificates, then their issuers' keys. */
	work_of(x, 0, &stored);
	if (ders_fill(x, x->work, x->nwork) == -1)
		return -1;
	nw = x->nwork;
	nodes_work = x->work;
	x->work += nw;		/* work has room for nnodes twice */
	work_of(x, F_NEEDKEY, NULL);
	parallel(x, parse_key);
	x->work = nodes_work;
	x->nwork = nw;
	if (x->nwork > 1)
		qsort_r(x->work, x->nwork, sizeof(*x->work), by_first_cand, x);
	parallel(x, verify);
	out->sigchecks = atomic_load(&x->sigchecks);
	out->verdicts = stored;
	cs_store_note_verdicts(x->st, stored, out->sigchecks);
	if (verdicts_keep(x) == -1)
		return -1;
	for (i = 0; i < x->nnodes; i++) {
		struct node *nd = &x->nodes[i];

		fit = x->cands + nd->cand_off;
		for (j = 0, k = 0; j < nd->cand_n; j++)
			if (x->ok[nd->cand_off + j])
				fit[k++] = fit[j];
		nd->cand_n = (uint32_t)k;
		if (k > 1)
			qsort_r(fit, k, sizeof(*fit), fit_cmp, x);
	}
	return 0;
}

static void
ctx_release(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->nnodes; i++)
		EVP_PKEY_free(x->nodes[i].pkey);
	free(x->work);
	free(x->ok);
	free(x->vstate);
	free(x->spki);
	free(x->spki_ok);
	free(x->cands);
	free(x->cnodes);
	free(x->raw);
	free(x->idsrc);
	free(x->member);
	free(x->cpos);
	free(x->ids);
	cs_buf_release(&x->aiabuf);
	free(x->chains);
	free(x->nodes);
	free(x->bynum);
	free(x->stamps);
	EVP_MD_CTX_free(x->mdctx);
	EVP_MD_free(x->sha256);
	cs_hmap_release(&x->bysha);
	cs_hmap_release(&x->shared);
	cs_vec_release(&x->shvals);
	cs_buf_release(&x->arena);
}

int
cs_missing_run(struct cs_store *st, const struct cs_missing_opts *opts,
    struct cs_missing *out, struct cs_err *err)
{
	struct ctx x;
	struct idsjob ij;
	uint32_t *idx = NULL;
	int ret = -1, pinned = 1;

	memset(&x, 0, sizeof(x));
	x.o = opts;
	x.err = err;
	x.whole = opts->walk != NULL;
	x.st = st;
	/* Fetched once: SHA256() fetches it again for every digest. */
	if ((x.sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (x.mdctx = EVP_MD_CTX_new()) == NULL) {
		cs_err_set(err, CS_ENOMEM, "cannot fetch SHA-256");
		goto out;
	}
	atomic_init(&x.sigchecks, 0);
	memset(out, 0, sizeof(*out));
	/* The nodes point at the DER in one snapshot, pinned for the run. */
	if (!(pinned = cs_store_pinned(st)) &&
	    cs_store_read_begin(st, err) == -1)
		goto out;
	if (load_all(&x, st, out, err) == -1)
		goto out;
	/* Candidates by name and key identifier, then signatures. */
	if ((idx = malloc((x.nnodes ? x.nnodes : 1) * sizeof(*idx))) ==
	    NULL || (x.work = malloc((x.nnodes ? x.nnodes : 1) * 2 *
	    sizeof(*x.work))) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	if (ids_start(&x, &ij) == -1)
		goto out;
	if (ids_join(&x, &ij, all_candidates(&x, idx) == 0 &&
	    signatures(&x, out) == 0) == -1)
		goto out;
	/* The chains as sent, the ids' source: not the walks'. */
	free(x.raw);
	free(x.idsrc);
	x.raw = NULL;
	x.idsrc = NULL;
	x.nraw = x.raw_cap = 0;
	ret = walk_all(&x, out);
out:
	free(idx);
	ctx_release(&x);
	if (!pinned)
		cs_store_read_end(st);
	return ret;
}

struct hostacc {
	const struct mpriv	*pv;
	const unsigned char	*ckey;
	char			**v;
	size_t			 n, cap;
	struct cs_err		*err;
};

static int
host_each(void *arg, int has_err, int32_t code, const char *host,
    size_t len, uint64_t n)
{
	struct hostacc *h = arg;

	if (len == 0 || (h->pv->query != NULL && cs_query_row(h->pv->query,
	    h->ckey, has_err, code, host, len, n) == 0))
		return 0;
	if (grow(&h->v, &h->cap, h->n + 1, sizeof(*h->v), h->err) == -1 ||
	    (h->v[h->n] = strndup(host, len)) == NULL)
		return cs_err_set(h->err, CS_ENOMEM, "out of memory");
	h->n++;
	return 0;
}

/*
 * Every row's distinct hostnames in one pass over the chains' report rows
 * (in key order), for rows of many chains: a lookup per chain would read
 * the store in random order. The rows come in the order of the chains'
 * keys, so each one's chain is found by walking on through the keys in
 * that order (mpriv.bykey), not looked up. Each (row, hostname) is kept
 * as a pair keyed by its row and the name's hash, sorted (cs_sort_kv()):
 * the same ones side by side, each counted once, the names of equal keys
 * told apart by their bytes.
 */
struct hname {
	size_t		 off;		/* in hall.names */
	size_t		 len;
};

struct hall {
	const struct mpriv	*pv;
	size_t			 nk;
	size_t			 at;		/* in pv->bykey */
	CS_VEC(struct cs_kv)	 kv;		/* row, hash -> in names */
	CS_VEC(struct hname)	 v;
	struct cs_buf		 names;
	struct cs_err		*err;
};

static int
hall_each(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, uint64_t n)
{
	struct hall *a = arg;
	const struct mpriv *pv = a->pv;
	struct hname e;
	struct cs_kv p;
	uint32_t k = 0;
	int r = 1;

	if (len == 0)
		return 0;
	while (a->at < a->nk && (r = memcmp(pv->keys[k = pv->bykey[a->at]],
	    ckey, CS_KEY_LEN)) < 0)
		a->at++;
	if (r != 0 || (pv->query != NULL && cs_query_row(pv->query, ckey,
	    has_err, code, host, len, n) == 0))
		return 0;
	len = strnlen(host, len);	/* the name as strndup() keeps it */
	e.off = a->names.len;
	e.len = len;
	p.key = (uint64_t)pv->rowof[k] << 32 | XXH3_64bits(host, len) >> 32;
	p.val = a->v.n;
	if (cs_vec_push(&a->v, e) == -1 || cs_vec_push(&a->kv, p) == -1)
		return cs_err_set(a->err, CS_ENOMEM, "out of memory");
	return cs_buf_append(&a->names, host, len, a->err);
}

/* Two pairs' names, by length then bytes. */
static int
hname_cmp(const void *x, const void *y, void *arg)
{
	const struct hall *a = arg;
	const struct hname *p = &a->v.v[((const struct cs_kv *)x)->val];
	const struct hname *q = &a->v.v[((const struct cs_kv *)y)->val];

	if (p->len != q->len)
		return p->len < q->len ? -1 : 1;
	return memcmp(a->names.data + p->off, a->names.data + q->off, p->len);
}

/* Every row's distinct hostnames, into *out (nrows of them). */
static int
hosts_all(struct cs_store *st, const struct cs_missing *m, uint64_t **out,
    struct cs_err *err)
{
	const struct mpriv *pv = m->priv;
	struct cs_kv *kv;
	struct hall a;
	uint64_t *hosts;
	size_t i, j, k;

	memset(&a, 0, sizeof(a));
	a.pv = pv;
	a.nk = pv->start[m->nrows];
	a.err = err;
	*out = NULL;
	if ((hosts = calloc(m->nrows ? m->nrows : 1, sizeof(*hosts))) ==
	    NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	/* A chain's hostnames are mostly its own: room for one each at
	 * once. */
	if (cs_vec_reserve(&a.kv, a.nk + 1) == -1 ||
	    cs_vec_reserve(&a.v, a.nk + 1) == -1) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto fail;
	}
	if (cs_store_foreach_chainhost(st, hall_each, &a, err) == -1)
		goto fail;
	if (cs_sort_kv(a.kv.v, a.kv.n) == -1) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto fail;
	}
	for (kv = a.kv.v, i = 0; i < a.kv.n; i = j) {
		for (j = i + 1; j < a.kv.n && kv[j].key == kv[i].key; j++)
			;
		if (j - i > 1)
			qsort_r(kv + i, j - i, sizeof(*kv), hname_cmp, &a);
		for (k = i; k < j; k++)
			if (k == i || hname_cmp(&kv[k - 1], &kv[k], &a) != 0)
				hosts[kv[i].key >> 32]++;
	}
	*out = hosts;
	hosts = NULL;
fail:
	free(hosts);
	cs_vec_release(&a.kv);
	cs_vec_release(&a.v);
	cs_buf_release(&a.names);
	return *out != NULL ? 0 : -1;
}

/* Rows of more chains than this are counted in one pass, all at once (the
 * tests' 4-bit-key build counts every row so). */
#ifndef CS_HOSTS_ALL_CHAINS
#define CS_HOSTS_ALL_CHAINS	4096
#endif

int
cs_missing_hosts_bulk(const struct cs_missing *m, size_t i)
{
	const struct mpriv *pv = m->priv;

	return pv != NULL && i < m->nrows && pv->start[i + 1] - pv->start[i] >
	    CS_HOSTS_ALL_CHAINS;
}

int
cs_missing_hosts_count(struct cs_store *st, const struct cs_missing *m,
    uint64_t **hosts, struct cs_err *err)
{
	*hosts = NULL;
	if (m->priv == NULL)
		return cs_err_set(err, CS_EUSAGE, "no rows");
	return hosts_all(st, m, hosts, err);
}

void
cs_missing_hosts_install(struct cs_missing *m, uint64_t *hosts)
{
	struct mpriv *pv = m->priv;

	if (pv == NULL || pv->hosts != NULL) {
		free(hosts);
		return;
	}
	pv->hosts = hosts;
}

int
cs_missing_hosts(struct cs_store *st, struct cs_missing *m, size_t i,
    struct cs_err *err)
{
	struct mpriv *pv = m->priv;
	struct hostacc h;
	size_t k, n;
	int ret = -1;

	if (pv == NULL || i >= m->nrows)
		return cs_err_set(err, CS_EUSAGE, "no row %zu", i);
	if (pv->hosts == NULL && cs_missing_hosts_bulk(m, i) &&
	    hosts_all(st, m, &pv->hosts, err) == -1)
		return -1;
	if (pv->hosts != NULL) {
		m->rows[i].hosts = pv->hosts[i];
		m->rows[i].has_hosts = 1;
		return 0;
	}
	memset(&h, 0, sizeof(h));
	h.pv = pv;
	h.err = err;
	for (k = pv->start[i]; k < pv->start[i + 1]; k++) {
		h.ckey = pv->keys[k];
		if (cs_store_chain_hosts(st, pv->keys[k], host_each, &h,
		    err) == -1)
			goto out;
	}
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), str_cmp);
	for (k = 0, n = 0; k < h.n; k++)
		if (k == 0 || strcmp(h.v[k], h.v[k - 1]) != 0)
			n++;
	m->rows[i].hosts = n;
	m->rows[i].has_hosts = 1;
	ret = 0;
out:
	for (k = 0; k < h.n; k++)
		free(h.v[k]);
	free(h.v);
	return ret;
}

int
cs_missing_row_chains(const struct cs_missing *m, size_t i,
    const unsigned char **keys, size_t *n, struct cs_err *err)
{
	const struct mpriv *pv = m->priv;

	if (pv == NULL || i >= m->nrows)
		return cs_err_set(err, CS_EUSAGE, "no row %zu", i);
	*keys = pv->keys[pv->start[i]];
	*n = pv->start[i + 1] - pv->start[i];
	return 0;
}

void
cs_missing_release(struct cs_missing *m)
{
	struct mpriv *pv;
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrows; i++)
		row_release(&m->rows[i]);
	free(m->rows);
	if ((pv = m->priv) != NULL) {
		free(pv->hosts);
		free(pv->keys);
		free(pv->start);
		free(pv->bykey);
		free(pv->rowof);
		free(pv);
	}
	memset(m, 0, sizeof(*m));
}
