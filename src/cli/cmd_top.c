#include "cli.h"

#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"
#include "certsift/json.h"
#include "certsift/nss.h"
#include "certsift/x509.h"
#include "select.h"

static const char usage[] =
    "usage: certsift top [--csv] [--json] [--by field] [--db path]\n"
    "           [--min-host-reports k] [-n count]\n"
    SELECT_USAGE
    "           issuers|certs|hosts|errors\n";

#define DEFAULT_N	20

enum { T_ISSUERS, T_CERTS, T_HOSTS, T_ERRORS };
enum { O_TABLE, O_JSON, O_CSV };

/* The rankings: their key column and figures, --by defaulting to 0. */
static const struct ranking {
	const char	*name;
	const char	*key;
	const char	*cols[3];
	size_t		 ncols;
} rankings[] = {
	{ "issuers", "issuer", { "reports", "certs", "hosts" }, 3 },
	{ "certs", "sha256", { "count", "leaf_count", "hosts" }, 3 },
	{ "hosts", "host", { "reports", "certs", NULL }, 2 },
	{ "errors", "code", { "reports", "certs", NULL }, 2 },
};

struct top_opts {
	const struct ranking	*r;
	int			 what;
	int			 format;
	size_t			 by;
	uint64_t		 max;		/* 0: all */
	uint64_t		 min_host_reports;
	struct select		 sel;
};

/* A row of issuers, hosts or errors. */
struct row {
	char		*s;		/* issuer, host or NULL */
	size_t		 len;
	int32_t		 code;
	uint64_t	 v[3];
	/* issuers: the group's name as DER, to break ties of equal text */
	const unsigned char *der;
	size_t		 der_len;
};

struct rows {
	struct row	*v;
	size_t		 n;
	size_t		 cap;
};

static struct row *
row_add(struct rows *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	return &l->v[l->n++];
}

static void
rows_release(struct rows *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* A growable array of (a, b) index pairs, counted distinct per a. */
struct pairs {
	uint64_t	*v;
	size_t		 n;
	size_t		 cap;
};

static void
pair_add(struct pairs *p, size_t a, size_t b)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = (uint64_t)a << 32 | (uint64_t)b;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Adds the number of distinct b of each a to rows[a].v[col]. */
static void
pairs_count(struct pairs *p, struct rows *l, size_t col)
{
	size_t i;

	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), u64_cmp);
	for (i = 0; i < p->n; i++)
		if (i == 0 || p->v[i] != p->v[i - 1])
			l->v[p->v[i] >> 32].v[col]++;
}

static void
hpairs_count(struct hpairs *p, struct rows *l, size_t col)
{
	size_t i;

	hpairs_sort(p);
	for (i = 0; i < p->n; i++)
		if (i == 0 || !hpair_same(&p->v[i], &p->v[i - 1]))
			l->v[p->v[i].row].v[col]++;
}

/* The distinct certificates of a chain, as indexes in a keymap. */
struct chaincerts {
	size_t	*v;
	size_t	 n;
	size_t	 cap;
};

static void
chain_distinct(struct chaincerts *cc, struct keymap *m,
    const struct cs_chainrec *c)
{
	size_t i, k, x;

	if (c->ncerts > cc->cap) {
		cc->cap = c->ncerts;
		cc->v = xrealloc(cc->v, cc->cap * sizeof(*cc->v));
	}
	cc->n = 0;
	for (i = 0; i < c->ncerts; i++) {
		x = keymap_add(m, c->certs + i * CS_KEY_LEN, NULL);
		for (k = 0; k < cc->n; k++)
			if (cc->v[k] == x)
				break;
		if (k == cc->n)
			cc->v[cc->n++] = x;
	}
}

/* ---- sorting ------------------------------------------------------------- */

static size_t sort_by;

static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r;

	if ((r = memcmp(a, b, alen < blen ? alen : blen)) != 0)
		return r;
	return (alen > blen) - (alen < blen);
}

/* By the --by figure, most first; then by the key, ascending. */
static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int r;

	if (x->v[sort_by] != y->v[sort_by])
		return x->v[sort_by] > y->v[sort_by] ? -1 : 1;
	if (x->s == NULL)
		return (x->code > y->code) - (x->code < y->code);
	if ((r = bytes_cmp(x->s, x->len, y->s, y->len)) != 0)
		return r;
	if (x->der == NULL || y->der == NULL)
		return 0;
	return cs_x509_name_cmp(x->der, x->der_len, y->der, y->der_len);
}

/* ---- output -------------------------------------------------------------- */

static int
digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void
print_rows(const struct top_opts *o, const struct rows *l)
{
	const struct ranking *r = o->r;
	size_t i, k, n = l->n;
	int w[4], cw = 4;
	char code[16];

	if (o->max != 0 && o->max < n)
		n = (size_t)o->max;
	if (o->format == O_JSON) {
		struct cs_jw jw;

		cs_jw_init(&jw, stdout);
		cs_jw_array_begin_lines(&jw);
		for (i = 0; i < n; i++) {
			const struct row *e = &l->v[i];

			cs_jw_object_begin(&jw);
			if (e->s != NULL)
				cs_jw_key_string(&jw, r->key, e->s, e->len);
			else {
				cs_jw_key_i64(&jw, r->key, e->code);
				cs_jw_key_str(&jw, "name", cs_nss_name(e->code));
			}
			for (k = 0; k < r->ncols; k++)
				cs_jw_key_u64(&jw, r->cols[k], e->v[k]);
			cs_jw_object_end(&jw);
		}
		cs_jw_array_end(&jw);
		putchar('\n');
		return;
	}
	if (o->format == O_CSV) {
		fputs(r->key, stdout);
		if (o->what == T_ERRORS)
			fputs(",name", stdout);
		for (k = 0; k < r->ncols; k++)
			printf(",%s", r->cols[k]);
		fputs("\r\n", stdout);
		for (i = 0; i < n; i++) {
			const struct row *e = &l->v[i];

			if (e->s != NULL)
				cs_csv_field(stdout, e->s, e->len);
			else {
				const char *nm = cs_nss_name(e->code);

				printf("%d,", (int)e->code);
				if (nm != NULL)
					cs_csv_field(stdout, nm, strlen(nm));
			}
			for (k = 0; k < r->ncols; k++)
				printf(",%" PRIu64, e->v[k]);
			fputs("\r\n", stdout);
		}
		return;
	}
	/* A table: the figures right-aligned, then the name, escaped. */
	for (k = 0; k < r->ncols; k++)
		w[k] = (int)strlen(r->cols[k]);
	for (i = 0; i < n; i++) {
		for (k = 0; k < r->ncols; k++)
			if (digits(l->v[i].v[k]) > w[k])
				w[k] = digits(l->v[i].v[k]);
		if (l->v[i].s == NULL) {
			snprintf(code, sizeof(code), "%d", (int)l->v[i].code);
			if ((int)strlen(code) > cw)
				cw = (int)strlen(code);
		}
	}
	if (o->what == T_ERRORS)
		printf("%*s  ", cw, "code");
	for (k = 0; k < r->ncols; k++)
		printf("%*s  ", w[k], r->cols[k]);
	printf("%s\n", o->what == T_ERRORS ? "name" : r->key);
	for (i = 0; i < n; i++) {
		const struct row *e = &l->v[i];

		if (e->s == NULL)
			printf("%*d  ", cw, (int)e->code);
		for (k = 0; k < r->ncols; k++)
			printf("%*" PRIu64 "  ", w[k], e->v[k]);
		if (e->s != NULL)
			cs_text_string(stdout, e->s, e->len);
		else {
			const char *nm = cs_nss_name(e->code);

			fputs(nm != NULL ? nm : "-", stdout);
		}
		putchar('\n');
	}
}

static void
sort_rows(const struct top_opts *o, struct rows *l)
{
	sort_by = o->by;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), row_cmp);
}

/* ---- certs --------------------------------------------------------------- */

struct centry {
	unsigned char	key[CS_KEY_LEN];
	unsigned char	sha[32];
	uint64_t	v[3];
};

struct certscan {
	const struct select	*sel;
	struct centry		*v;
	size_t			 n;
	size_t			 cap;
};

static int
certs_collect(void *arg, const struct cs_certrec *rec)
{
	struct certscan *cs = arg;
	struct cs_certrec r = *rec;
	struct centry *e;

	/* select_cert() may compact r.errs, which rec owns anyway. */
	if (!select_cert(cs->sel, &r))
		return 0;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 1024;
		cs->v = xrealloc(cs->v, cs->cap * sizeof(*cs->v));
	}
	e = &cs->v[cs->n++];
	memcpy(e->key, r.key, CS_KEY_LEN);
	memcpy(e->sha, r.cert.sha256, 32);
	e->v[0] = r.count;
	e->v[1] = r.leaf_count;
	e->v[2] = r.hosts;
	return 0;
}

static int
centry_cmp(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;

	if (x->v[sort_by] != y->v[sort_by])
		return x->v[sort_by] > y->v[sort_by] ? -1 : 1;
	return memcmp(x->sha, y->sha, 32);
}

static int
top_certs(struct top_opts *o, struct cs_store *st)
{
	struct cs_err err = CS_ERR_INIT;
	struct certscan cs;
	struct cs_certrec rec;
	struct cs_jw w;
	size_t i, n, wd[3] = { 5, 10, 5 }, k;
	int status = 0;

	memset(&cs, 0, sizeof(cs));
	cs.sel = &o->sel;
	if (cs_store_foreach_cert(st, CS_GET_SUMMARY, certs_collect, &cs,
	    &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	sort_by = o->by;
	if (cs.n > 1)
		qsort(cs.v, cs.n, sizeof(*cs.v), centry_cmp);
	n = cs.n;
	if (o->max != 0 && o->max < n)
		n = (size_t)o->max;
	cs_jw_init(&w, stdout);
	if (o->format == O_JSON)
		cs_jw_array_begin_lines(&w);
	else if (o->format == O_CSV)
		cert_csv_header(stdout);
	else {
		for (i = 0; i < n; i++)
			for (k = 0; k < 3; k++)
				if ((size_t)digits(cs.v[i].v[k]) > wd[k])
					wd[k] = (size_t)digits(cs.v[i].v[k]);
		printf("%*s  %*s  %*s  %-64s  subject\n", (int)wd[0], "count",
		    (int)wd[1], "leaf_count", (int)wd[2], "hosts", "sha256");
	}
	for (i = 0; i < n; i++) {
		char hex[65];

		if (cs_store_get_cert(st, cs.v[i].key, CS_GET_SUMMARY, &rec,
		    &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		(void)select_cert(&o->sel, &rec);
		switch (o->format) {
		case O_JSON:
			cs_jw_object_begin(&w);
			cs_export_json_fields(&w, &rec);
			cs_jw_object_end(&w);
			break;
		case O_CSV:
			cert_csv_row(stdout, &rec);
			break;
		default:
			cs_sha256_hex(rec.cert.sha256, hex);
			printf("%*" PRIu64 "  %*" PRIu64 "  %*" PRIu64 "  %s  ",
			    (int)wd[0], rec.count, (int)wd[1], rec.leaf_count,
			    (int)wd[2], rec.hosts, hex);
			if (rec.cert.subject != NULL)
				cs_text_string(stdout, rec.cert.subject,
				    strlen(rec.cert.subject));
			putchar('\n');
			break;
		}
		cs_certrec_release(&rec);
	}
	if (o->format == O_JSON) {
		cs_jw_array_end(&w);
		putchar('\n');
	}
out:
	free(cs.v);
	return status;
}

/* ---- issuers ------------------------------------------------------------- */

/*
 * Certificates are grouped first by the hash of their issuer DER (in the
 * counters record: no summary read), then those few groups by name.
 */
struct iname {
	unsigned char	 id[16];	/* XXH3-128 of the issuer DER */
	unsigned char	 minsha[32];	/* the least sha256 naming it */
	unsigned char	 minkey[CS_KEY_LEN];	/* and its certificate */
	unsigned char	*der;
	size_t		 der_len;
	char		*issuer;	/* RFC 4514, of that certificate */
	uint64_t	 certs;
	size_t		 group;
};

/* A chain whose leaf is selected, and the row of its issuer. */
struct cgroup {
	unsigned char	 key[CS_KEY_LEN];
	size_t		 group;
};

/* A certificate being added to the key map, or a chain whose leaf is
 * being looked up in it. */
struct pending {
	unsigned char	 chain[CS_KEY_LEN];
	unsigned char	 leaf[CS_KEY_LEN];
	uint32_t	 u;		/* the certificate's issuer name */
};

#define PENDING	16

struct issuerscan {
	const struct select	*sel;
	int			 all;	/* no selection: no key map */
	struct keymap		 keys;	/* selected: index in u */
	uint32_t		*u;	/* the iname of each */
	size_t			 n;
	size_t			 cap;
	struct iname		*names;
	size_t			 nnames;
	size_t			 capnames;
	uint32_t		*idx;	/* open addressing: name + 1 */
	size_t			 capidx;
	/* for the chain pass */
	struct rows		*rows;
	struct hpairs		 hpairs;
	struct pending		 wait[PENDING];	/* FIFO: cg stays in order */
	size_t			 wait_head;
	size_t			 nwait;
	struct cgroup		*cg;	/* in chain key order */
	size_t			 ncg;
	size_t			 capcg;
	size_t			 at;	/* the chain-host pass's place in cg */
};

static char *
xstrdup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		s = "";
	n = strlen(s) + 1;
	p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

static uint64_t
id_hash(const unsigned char *id)
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));	/* a hash already */
	return h;
}

static void
names_grow(struct issuerscan *is)
{
	size_t cap = is->capidx ? is->capidx * 2 : 1024, i, j;
	uint32_t *idx = xmalloc(cap * sizeof(*idx));

	memset(idx, 0, cap * sizeof(*idx));
	for (i = 0; i < is->nnames; i++) {
		for (j = id_hash(is->names[i].id) & (cap - 1); idx[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		idx[j] = (uint32_t)i + 1;
	}
	free(is->idx);
	is->idx = idx;
	is->capidx = cap;
}

/* The name of an issuer id, or -1. */
static long
name_find(const struct issuerscan *is, const unsigned char *id)
{
	size_t j;

	if (is->capidx == 0)
		return -1;
	for (j = id_hash(id) & (is->capidx - 1); is->idx[j] != 0;
	    j = (j + 1) & (is->capidx - 1))
		if (memcmp(is->names[is->idx[j] - 1].id, id, 16) == 0)
			return (long)is->idx[j] - 1;
	return -1;
}

/* The name of an issuer id, added when new. */
static uint32_t
name_get(struct issuerscan *is, const unsigned char *id)
{
	struct iname *e;
	size_t j;

	if (is->nnames >= is->capidx / 2)
		names_grow(is);
	for (j = id_hash(id) & (is->capidx - 1); is->idx[j] != 0;
	    j = (j + 1) & (is->capidx - 1))
		if (memcmp(is->names[is->idx[j] - 1].id, id, 16) == 0)
			return is->idx[j] - 1;
	if (is->nnames == is->capnames) {
		is->capnames = is->capnames ? is->capnames * 2 : 64;
		is->names = xrealloc(is->names, is->capnames *
		    sizeof(*is->names));
	}
	e = &is->names[is->nnames];
	memset(e, 0, sizeof(*e));
	memcpy(e->id, id, 16);
	memset(e->minsha, 0xff, sizeof(e->minsha));
	is->idx[j] = (uint32_t)++is->nnames;
	return (uint32_t)is->nnames - 1;
}

/* Adds the oldest certificate waiting for its slot in the key map. */
static void
issuers_add(struct issuerscan *is)
{
	struct pending *p = &is->wait[is->wait_head];

	is->wait_head = (is->wait_head + 1) % PENDING;
	is->nwait--;
	if (is->n == is->cap) {
		is->cap = is->cap ? is->cap * 2 : 1024;
		is->u = xrealloc(is->u, is->cap * sizeof(*is->u));
	}
	keymap_add(&is->keys, p->leaf, NULL);
	is->u[is->n++] = p->u;
}

/* Selected certificates by their issuer; the key map's slot is
 * prefetched, as for the chains below. */
static int
issuers_collect(void *arg, const struct cs_certrec *rec)
{
	struct issuerscan *is = arg;
	struct cs_certrec r = *rec;
	struct pending *p;
	struct iname *nm;
	uint32_t u;

	if (!select_cert(is->sel, &r))
		return 0;
	u = name_get(is, rec->issuer_id);
	if (is->all)
		goto counted;
	if (is->nwait == PENDING)
		issuers_add(is);
	p = &is->wait[(is->wait_head + is->nwait++) % PENDING];
	memcpy(p->leaf, rec->key, CS_KEY_LEN);
	p->u = u;
	keymap_prefetch(&is->keys, p->leaf);
counted:
	nm = &is->names[u];
	nm->certs++;
	if (memcmp(rec->cert.sha256, nm->minsha, 32) < 0) {
		memcpy(nm->minsha, rec->cert.sha256, 32);
		memcpy(nm->minkey, rec->key, CS_KEY_LEN);
	}
	return 0;
}

/* Each issuer id's name, from the summary of its least certificate. */
static int
names_load(struct issuerscan *is, struct cs_store *st, struct cs_err *err)
{
	struct cs_certrec r;
	size_t i;

	for (i = 0; i < is->nnames; i++) {
		struct iname *e = &is->names[i];

		if (cs_store_get_cert(st, e->minkey, CS_GET_SUMMARY |
		    CS_GET_NOSTAT, &r, err) == -1)
			return -1;
		e->der_len = r.cert.issuer_der_len;
		e->der = xmalloc(e->der_len ? e->der_len : 1);
		if (e->der_len > 0)
			memcpy(e->der, r.cert.issuer_der, e->der_len);
		e->issuer = xstrdup(r.cert.issuer);
		cs_certrec_release(&r);
	}
	return 0;
}

static const struct iname *inames;

/* Distinct issuer DERs as X.509 names, then by their least sha256. */
static int
iname_cmp(const void *a, const void *b)
{
	const struct iname *x = &inames[*(const size_t *)a];
	const struct iname *y = &inames[*(const size_t *)b];
	int r;

	if ((r = cs_x509_name_cmp(x->der, x->der_len, y->der, y->der_len)) !=
	    0)
		return r;
	return memcmp(x->minsha, y->minsha, 32);
}

static void
cg_add(struct issuerscan *is, const unsigned char *chain, size_t group)
{
	if (is->ncg == is->capcg) {
		is->capcg = is->capcg ? is->capcg * 2 : 1024;
		is->cg = xrealloc(is->cg, is->capcg * sizeof(*is->cg));
	}
	memcpy(is->cg[is->ncg].key, chain, CS_KEY_LEN);
	is->cg[is->ncg++].group = group;
}

/* Resolves the oldest chain waiting for its leaf's lookup. */
static void
issuers_resolve(struct issuerscan *is)
{
	struct pending *p = &is->wait[is->wait_head];
	long x;

	is->wait_head = (is->wait_head + 1) % PENDING;
	is->nwait--;
	if ((x = keymap_get(&is->keys, p->leaf)) >= 0)
		cg_add(is, p->chain, is->names[is->u[x]].group);
}

/*
 * Chains whose leaf is selected, with the row of its issuer. The leaf's
 * lookup waits behind a few others, its table slot being prefetched:
 * a million lookups in a table of a million keys are as many cache
 * misses, overlapped so.
 */
static int
issuers_chain(void *arg, const struct cs_chainrec *c)
{
	struct issuerscan *is = arg;
	struct pending *p;
	long u;

	if (c->ncerts == 0)
		return 0;
	if (is->all) {
		/* Every certificate counts: the chain names its leaf's
		 * issuer itself. */
		if ((u = name_find(is, c->leaf_issuer_id)) < 0)
			return 0;
		cg_add(is, c->key, is->names[u].group);
		return 0;
	}
	if (is->nwait == PENDING)
		issuers_resolve(is);
	p = &is->wait[(is->wait_head + is->nwait++) % PENDING];
	memcpy(p->chain, c->key, CS_KEY_LEN);
	memcpy(p->leaf, c->certs, CS_KEY_LEN);
	keymap_prefetch(&is->keys, p->leaf);
	return 0;
}

/* The rows of each chain; both passes go in chain key order, so the
 * chain of a row is found by walking on, not by a lookup. */
static int
issuers_chainhost(void *arg, const unsigned char *ckey, int has_err,
    int32_t code, const char *host, size_t len, uint64_t n)
{
	struct issuerscan *is = arg;
	size_t group;
	int r = 1;

	while (is->at < is->ncg && (r = memcmp(is->cg[is->at].key, ckey,
	    CS_KEY_LEN)) < 0)
		is->at++;
	if (r != 0 || !select_code(is->sel, has_err, code))
		return 0;
	group = is->cg[is->at].group;
	is->rows->v[group].v[0] += n;
	if (len > 0)
		hpair_add(&is->hpairs, group, host, len);
	return 0;
}

static int
top_issuers(struct top_opts *o, struct cs_store *st)
{
	struct cs_err err = CS_ERR_INIT;
	struct issuerscan is;
	struct rows rows = { NULL, 0, 0 };
	uint64_t n[CS_N_COUNTERS];
	size_t *order = NULL, i;
	int status = 0;

	memset(&is, 0, sizeof(is));
	is.sel = &o->sel;
	if (cs_store_counters(st, n, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	is.all = !select_active(&o->sel);
	if (!is.all)
		keymap_reserve(&is.keys, (size_t)n[CS_N_UNIQUE_CERTS]);
	if (cs_store_foreach_cert(st, select_reads_summary(&o->sel) ?
	    CS_GET_SUMMARY : 0, issuers_collect, &is, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	while (is.nwait > 0)
		issuers_add(&is);
	if (names_load(&is, st, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	/*
	 * Group by name: the distinct issuer DERs (few, however many
	 * certificates) sorted by cs_x509_name_cmp(), which decodes both
	 * names each time. A row's text is the issuer of its certificate
	 * with the least sha256, so the same store prints the same names.
	 */
	order = xmalloc((is.nnames ? is.nnames : 1) * sizeof(*order));
	for (i = 0; i < is.nnames; i++)
		order[i] = i;
	inames = is.names;
	if (is.nnames > 1)
		qsort(order, is.nnames, sizeof(*order), iname_cmp);
	for (i = 0; i < is.nnames; i++) {
		struct iname *u = &is.names[order[i]];
		struct row *r;

		if (i == 0 || cs_x509_name_cmp(u->der, u->der_len,
		    is.names[order[i - 1]].der,
		    is.names[order[i - 1]].der_len) != 0) {
			r = row_add(&rows);
			r->s = xstrdup(u->issuer);	/* least sha first */
			r->len = strlen(r->s);
			r->der = u->der;
			r->der_len = u->der_len;
		}
		u->group = rows.n - 1;
		rows.v[u->group].v[1] += u->certs;
	}
	is.rows = &rows;
	if (cs_store_foreach_chain(st, issuers_chain, &is, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	while (is.nwait > 0)
		issuers_resolve(&is);
	if (cs_store_foreach_chainhost(st, issuers_chainhost, &is, &err) ==
	    -1) {
		status = cli_fail(&err);
		goto out;
	}
	hpairs_count(&is.hpairs, &rows, 2);
	sort_rows(o, &rows);
	print_rows(o, &rows);
out:
	rows_release(&rows);
	for (i = 0; i < is.nnames; i++) {
		free(is.names[i].der);
		free(is.names[i].issuer);
	}
	free(is.names);
	free(is.idx);
	free(is.u);
	free(order);
	keymap_release(&is.keys);
	free(is.hpairs.v);
	free(is.cg);
	return status;
}

/* ---- hosts --------------------------------------------------------------- */

struct hostscan {
	const struct top_opts	*o;
	struct cs_store		*st;
	struct rows		*rows;
	struct strmap		 hosts;		/* index: the row */
	struct keymap		 certs;
	struct chaincerts	 cc;
	struct pairs		 pairs;
	struct cs_err		*err;
};

static int
host_listed(const struct top_opts *o, const char *host, size_t len,
    uint64_t reports)
{
	char *name;
	int r;

	if (reports < o->min_host_reports)
		return 0;
	if (o->sel.host == NULL)
		return 1;
	name = xmalloc(len + 1);
	memcpy(name, host, len);
	name[len] = '\0';
	r = fnmatch(o->sel.host, name, FNM_CASEFOLD) == 0;
	free(name);
	return r;
}

static int
hosts_total(void *arg, const char *host, size_t len, uint64_t reports,
    uint64_t certs)
{
	struct hostscan *hs = arg;
	struct row *r;
	int added;

	if (!host_listed(hs->o, host, len, reports))
		return 0;
	strmap_add(&hs->hosts, host, len, &added);
	r = row_add(hs->rows);
	r->s = xmalloc(len + 1);
	memcpy(r->s, host, len);
	r->s[len] = '\0';
	r->len = len;
	if (!select_active(&hs->o->sel)) {
		r->v[0] = reports;
		r->v[1] = certs;
	}
	return 0;
}

static int
hosts_chainhost(void *arg, int has_err, int32_t code, const char *host,
    size_t len, uint64_t n)
{
	struct hostscan *hs = arg;
	size_t k;
	long x;

	if (len == 0 || !select_code(&hs->o->sel, has_err, code) ||
	    (x = strmap_get(&hs->hosts, host, len)) < 0)
		return 0;
	hs->rows->v[x].v[0] += n;
	for (k = 0; k < hs->cc.n; k++)
		pair_add(&hs->pairs, (size_t)x, hs->cc.v[k]);
	return 0;
}

static int
hosts_chain(void *arg, const struct cs_chainrec *c)
{
	struct hostscan *hs = arg;

	if (select_chain(&hs->o->sel, c) == 0)
		return 0;
	chain_distinct(&hs->cc, &hs->certs, c);
	return cs_store_chain_hosts(hs->st, c->key, hosts_chainhost, hs,
	    hs->err);
}

static int
top_hosts(struct top_opts *o, struct cs_store *st)
{
	struct cs_err err = CS_ERR_INIT;
	struct hostscan hs;
	struct rows rows = { NULL, 0, 0 }, shown = { NULL, 0, 0 };
	size_t i;
	int status = 0;

	memset(&hs, 0, sizeof(hs));
	hs.o = o;
	hs.st = st;
	hs.rows = &rows;
	hs.err = &err;
	if (cs_store_foreach_host(st, hosts_total, &hs, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if (select_active(&o->sel)) {
		if ((status = select_prepare(&o->sel, st, SELECT_KEYS)) != 0)
			goto out;
		if (cs_store_foreach_chain(st, hosts_chain, &hs, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		pairs_count(&hs.pairs, &rows, 1);
		/* Only hosts with selected reports. */
		for (i = 0; i < rows.n; i++) {
			if (rows.v[i].v[0] == 0) {
				free(rows.v[i].s);
				continue;
			}
			*row_add(&shown) = rows.v[i];
		}
		free(rows.v);
		rows = shown;
	}
	sort_rows(o, &rows);
	print_rows(o, &rows);
out:
	rows_release(&rows);
	strmap_release(&hs.hosts);
	keymap_release(&hs.certs);
	free(hs.cc.v);
	free(hs.pairs.v);
	return status;
}

/* ---- errors -------------------------------------------------------------- */

struct errscan {
	const struct select	*sel;
	struct rows		*rows;
	struct keymap		 certs;
	struct chaincerts	 cc;
	struct pairs		 pairs;
};

static long
code_row(struct rows *l, int32_t code, int add)
{
	size_t i;

	/* Few codes exist: a linear search is enough. */
	for (i = 0; i < l->n; i++)
		if (l->v[i].code == code)
			return (long)i;
	if (!add)
		return -1;
	row_add(l)->code = code;
	return (long)l->n - 1;
}

static int
errors_total(void *arg, int32_t code, uint64_t reports)
{
	struct rows *l = arg;
	long x = code_row(l, code, 1);	/* may move l->v */

	l->v[x].v[0] = reports;
	return 0;
}

static int
errors_cert(void *arg, const struct cs_certrec *rec)
{
	struct rows *l = arg;
	size_t i;
	long x;

	for (i = 0; i < rec->nerrs; i++) {
		x = code_row(l, rec->errs[i].code, 1);
		l->v[x].v[1]++;
	}
	return 0;
}

static int
errors_chain(void *arg, const struct cs_chainrec *c)
{
	struct errscan *es = arg;
	size_t i, k;
	long x;

	if (select_chain(es->sel, c) == 0)
		return 0;
	chain_distinct(&es->cc, &es->certs, c);
	for (i = 0; i < c->nerrs; i++) {
		if (!select_code(es->sel, 1, c->errs[i].code))
			continue;
		x = code_row(es->rows, c->errs[i].code, 1);
		es->rows->v[x].v[0] += c->errs[i].n;
		for (k = 0; k < es->cc.n; k++)
			pair_add(&es->pairs, (size_t)x, es->cc.v[k]);
	}
	return 0;
}

static int
top_errors(struct top_opts *o, struct cs_store *st)
{
	struct cs_err err = CS_ERR_INIT;
	struct rows rows = { NULL, 0, 0 };
	struct errscan es;
	size_t i, j;
	int status = 0;

	memset(&es, 0, sizeof(es));
	/*
	 * Without certificate filters the store's totals answer, and they
	 * include the reports without a valid certificate.
	 */
	if (!select_filters(&o->sel)) {
		if (cs_store_foreach_error(st, errors_total, &rows, &err) ==
		    -1 || cs_store_foreach_cert(st, 0, errors_cert, &rows,
		    &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		for (i = 0, j = 0; i < rows.n; i++)
			if (select_code(&o->sel, 1, rows.v[i].code))
				rows.v[j++] = rows.v[i];
		rows.n = j;
	} else {
		if ((status = select_prepare(&o->sel, st, SELECT_KEYS)) != 0)
			goto out;
		es.sel = &o->sel;
		es.rows = &rows;
		if (cs_store_foreach_chain(st, errors_chain, &es, &err) ==
		    -1) {
			status = cli_fail(&err);
			goto out;
		}
		pairs_count(&es.pairs, &rows, 1);
	}
	sort_rows(o, &rows);
	print_rows(o, &rows);
out:
	rows_release(&rows);
	keymap_release(&es.certs);
	free(es.cc.v);
	free(es.pairs.v);
	return status;
}

/* ---- the command --------------------------------------------------------- */

enum { O_BY = 1, O_CSV_OPT, O_DB, O_JSON_OPT, O_MIN_HOST_REPORTS };

int
cmd_top(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, O_BY },
		{ "csv", no_argument, NULL, O_CSV_OPT },
		{ "db", required_argument, NULL, O_DB },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, O_JSON_OPT },
		{ "min-host-reports", required_argument, NULL,
		    O_MIN_HOST_REPORTS },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct top_opts o;
	struct cs_store *st = NULL;
	const char *db = NULL, *by = NULL;
	size_t i;
	int ch, rc, status = 0;

	memset(&o, 0, sizeof(o));
	opterr = 0;	/* our messages begin with "certsift:" */
	o.max = DEFAULT_N;
	o.format = O_TABLE;
	while ((ch = getopt_long(argc, argv, "hn:", longopts, NULL)) != -1) {
		if ((rc = select_option(&o.sel, ch, optarg, usage)) == -1) {
			status = 2;
			goto out;
		}
		if (rc == 1)
			continue;
		switch (ch) {
		case O_BY:
			by = optarg;
			break;
		case O_CSV_OPT:
			o.format = O_CSV;
			break;
		case O_DB:
			db = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			goto out;
		case O_JSON_OPT:
			o.format = O_JSON;
			break;
		case O_MIN_HOST_REPORTS:
			if (cli_parse_u64(optarg, UINT64_MAX,
			    &o.min_host_reports) == -1) {
				cli_usage_error(usage, "bad "
				    "--min-host-reports '%s'", optarg);
				status = 2;
				goto out;
			}
			break;
		case 'n':
			if (cli_parse_u64(optarg, UINT32_MAX, &o.max) == -1) {
				cli_usage_error(usage, "bad -n '%s'", optarg);
				status = 2;
				goto out;
			}
			break;
		default:
			cli_usage_error(usage, "bad option '%s'",
			    argv[optind - 1]);
			status = 2;
			goto out;
		}
	}
	if (argc - optind == 0) {
		cli_usage_error(usage, "say what to rank");
		status = 2;
		goto out;
	}
	if (argc - optind > 1) {
		cli_usage_error(usage, "unexpected argument '%s'",
		    argv[optind + 1]);
		status = 2;
		goto out;
	}
	for (i = 0; i < sizeof(rankings) / sizeof(rankings[0]); i++)
		if (strcmp(argv[optind], rankings[i].name) == 0)
			break;
	if (i == sizeof(rankings) / sizeof(rankings[0])) {
		cli_usage_error(usage, "cannot rank '%s'", argv[optind]);
		status = 2;
		goto out;
	}
	o.what = (int)i;
	o.r = &rankings[i];
	if (by != NULL) {
		for (i = 0; i < o.r->ncols; i++)
			if (strcmp(by, o.r->cols[i]) == 0)
				break;
		if (i == o.r->ncols) {
			cli_usage_error(usage, "cannot rank %s by '%s'",
			    o.r->name, by);
			status = 2;
			goto out;
		}
		o.by = i;
	}
	if ((st = cli_open_store(db)) == NULL) {
		status = 1;
		goto out;
	}
	/* hosts and errors prepare their own (they need SELECT_KEYS). */
	if (o.what == T_ISSUERS || o.what == T_CERTS)
		if ((status = select_prepare(&o.sel, st, 0)) != 0)
			goto out;
	switch (o.what) {
	case T_ISSUERS:
		status = top_issuers(&o, st);
		break;
	case T_CERTS:
		status = top_certs(&o, st);
		break;
	case T_HOSTS:
		status = top_hosts(&o, st);
		break;
	case T_ERRORS:
		status = top_errors(&o, st);
		break;
	}
out:
	cs_store_close(st);
	select_release(&o.sel);
	return status;
}
