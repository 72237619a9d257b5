#include "select.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/nss.h"
#include "cli.h"

/* ---- (row, hostname hash) pairs ----------------------------------------- */

void
hpair_add(struct hpairs *p, size_t row, const char *host, size_t len)
{
	uint64_t h[2];

	cs_hash128(host, len, (unsigned char *)h);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n].row = row;
	p->v[p->n].h[0] = h[0];
	p->v[p->n].h[1] = h[1];
	p->n++;
}

static int
hpair_less(const struct hpair *x, const struct hpair *y)
{
	if (x->row != y->row)
		return x->row < y->row;
	if (x->h[0] != y->h[0])
		return x->h[0] < y->h[0];
	return x->h[1] < y->h[1];
}

static void
hpair_swap(struct hpair *x, struct hpair *y)
{
	struct hpair t = *x;

	*x = *y;
	*y = t;
}

/*
 * Sorts pairs by row, then hash: a quicksort with the comparison
 * inline, three times as fast as qsort() on a million pairs.
 */
static void
hpair_sort(struct hpair *v, size_t n)
{
	size_t i, j, m;

	while (n > 16) {
		/* Median of three to v[0]; v[0] <= pivot stops the scans. */
		m = n / 2;
		if (hpair_less(&v[m], &v[0]))
			hpair_swap(&v[m], &v[0]);
		if (hpair_less(&v[n - 1], &v[m]))
			hpair_swap(&v[n - 1], &v[m]);
		if (hpair_less(&v[m], &v[0]))
			hpair_swap(&v[m], &v[0]);
		hpair_swap(&v[0], &v[m]);
		for (i = 0, j = n;;) {
			do
				i++;
			while (i < n && hpair_less(&v[i], &v[0]));
			do
				j--;
			while (hpair_less(&v[0], &v[j]));
			if (i >= j)
				break;
			hpair_swap(&v[i], &v[j]);
		}
		hpair_swap(&v[0], &v[j]);
		/* The smaller side by recursion, the larger by the loop. */
		if (j < n - j - 1) {
			hpair_sort(v, j);
			v += j + 1;
			n -= j + 1;
		} else {
			hpair_sort(v + j + 1, n - j - 1);
			n = j;
		}
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && hpair_less(&v[j], &v[j - 1]); j--)
			hpair_swap(&v[j], &v[j - 1]);
}


void
hpairs_sort(struct hpairs *p)
{
	hpair_sort(p->v, p->n);
}

int
hpair_same(const struct hpair *x, const struct hpair *y)
{
	return x->row == y->row && x->h[0] == y->h[0] && x->h[1] == y->h[1];
}

/* ---- maps ---------------------------------------------------------------- */

static uint64_t
key_hash(const unsigned char *key)
{
	uint64_t h;

	/* Certificate keys are numbers: mixed (splitmix64's finaliser). */
	memcpy(&h, key, sizeof(h));
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static void
keymap_grow(struct keymap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i, j;
	struct keyslot *tab = xmalloc(cap * sizeof(*tab));

	memset(tab, 0, cap * sizeof(*tab));
	for (i = 0; i < m->cap; i++) {
		if (m->tab[i].idx == 0)
			continue;
		j = key_hash(m->tab[i].key) & (cap - 1);
		while (tab[j].idx != 0)
			j = (j + 1) & (cap - 1);
		tab[j] = m->tab[i];
	}
	free(m->tab);
	m->tab = tab;
	m->cap = cap;
}

void
keymap_reserve(struct keymap *m, size_t n)
{
	while (m->cap / 2 <= n && n < SIZE_MAX / 4)
		keymap_grow(m);
}

size_t
keymap_add(struct keymap *m, const unsigned char *key, int *added)
{
	size_t j;

	if (m->n >= m->cap / 2)
		keymap_grow(m);
	j = key_hash(key) & (m->cap - 1);
	while (m->tab[j].idx != 0) {
		if (memcmp(m->tab[j].key, key, CS_KEY_LEN) == 0) {
			if (added != NULL)
				*added = 0;
			return m->tab[j].idx - 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	memcpy(m->tab[j].key, key, CS_KEY_LEN);
	m->tab[j].idx = (uint32_t)++m->n;
	if (added != NULL)
		*added = 1;
	return m->n - 1;
}

long
keymap_get(const struct keymap *m, const unsigned char *key)
{
	size_t j;

	if (m->cap == 0)
		return -1;
	j = key_hash(key) & (m->cap - 1);
	while (m->tab[j].idx != 0) {
		if (memcmp(m->tab[j].key, key, CS_KEY_LEN) == 0)
			return (long)m->tab[j].idx - 1;
		j = (j + 1) & (m->cap - 1);
	}
	return -1;
}

void
keymap_prefetch(const struct keymap *m, const unsigned char *key)
{
	if (m->cap > 0)
		__builtin_prefetch(&m->tab[key_hash(key) & (m->cap - 1)]);
}

void
keymap_release(struct keymap *m)
{
	if (m == NULL)
		return;
	free(m->tab);
	memset(m, 0, sizeof(*m));
}

/* FNV-1a, enough for hostnames in a table that only needs spread. */
static uint64_t
str_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i, j, k;
	uint32_t *idx = xmalloc(cap * sizeof(*idx));

	memset(idx, 0, cap * sizeof(*idx));
	for (i = 0; i < m->cap; i++) {
		if (m->idx[i] == 0)
			continue;
		k = m->idx[i] - 1;
		j = str_hash(m->strs[k], m->lens[k]) & (cap - 1);
		while (idx[j] != 0)
			j = (j + 1) & (cap - 1);
		idx[j] = m->idx[i];
	}
	free(m->idx);
	m->idx = idx;
	m->strs = xrealloc(m->strs, cap / 2 * sizeof(*m->strs));
	m->lens = xrealloc(m->lens, cap / 2 * sizeof(*m->lens));
	m->cap = cap;
}

static int
str_eq(const struct strmap *m, size_t k, const char *s, size_t len)
{
	return m->lens[k] == len && memcmp(m->strs[k], s, len) == 0;
}

size_t
strmap_add(struct strmap *m, const char *s, size_t len, int *added)
{
	size_t j;

	if (m->n >= m->cap / 2)
		strmap_grow(m);
	j = str_hash(s, len) & (m->cap - 1);
	while (m->idx[j] != 0) {
		if (str_eq(m, m->idx[j] - 1, s, len)) {
			if (added != NULL)
				*added = 0;
			return m->idx[j] - 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->strs[m->n] = xmalloc(len + 1);
	memcpy(m->strs[m->n], s, len);
	m->strs[m->n][len] = '\0';
	m->lens[m->n] = len;
	m->idx[j] = (uint32_t)++m->n;
	if (added != NULL)
		*added = 1;
	return m->n - 1;
}

long
strmap_get(const struct strmap *m, const char *s, size_t len)
{
	size_t j;

	if (m->cap == 0)
		return -1;
	j = str_hash(s, len) & (m->cap - 1);
	while (m->idx[j] != 0) {
		if (str_eq(m, m->idx[j] - 1, s, len))
			return (long)m->idx[j] - 1;
		j = (j + 1) & (m->cap - 1);
	}
	return -1;
}

void
strmap_release(struct strmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->strs[i]);
	free(m->strs);
	free(m->lens);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}

/* ---- options ------------------------------------------------------------- */

static int
code_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int
add_error(struct select *s, const char *arg, const char *usage)
{
	size_t i;
	int code;

	if (cs_nss_parse(arg, &code) == -1) {
		cli_usage_error(usage, "unknown error code '%s'", arg);
		return -1;
	}
	for (i = 0; i < s->nerrors; i++)
		if (s->errors[i] == code)
			return 1;
	s->errors = xrealloc(s->errors, (s->nerrors + 1) *
	    sizeof(*s->errors));
	s->errors[s->nerrors++] = code;
	if (s->nerrors > 1)
		qsort(s->errors, s->nerrors, sizeof(*s->errors), code_cmp);
	return 1;
}

int
select_option(struct select *s, int ch, const char *arg, const char *usage)
{
	switch (ch) {
	case SELECT_OPT_CA:
		s->ca = 1;
		return 1;
	case SELECT_OPT_ERROR:
		return add_error(s, arg, usage);
	case SELECT_OPT_EXPIRED_AT:
		if (cs_date_parse(arg, &s->expired_at) == -1) {
			cli_usage_error(usage, "bad time '%s'", arg);
			return -1;
		}
		s->has_expired_at = 1;
		return 1;
	case SELECT_OPT_HOST:
		s->host = arg;
		return 1;
	case SELECT_OPT_ISSUER:
		s->issuer = arg;
		return 1;
	case SELECT_OPT_LEAF:
		s->leaf = 1;
		return 1;
	case SELECT_OPT_MIN_COUNT:
		if (cli_parse_u64(arg, UINT64_MAX, &s->min_count) == -1) {
			cli_usage_error(usage, "bad --min-count '%s'", arg);
			return -1;
		}
		s->has_min_count = 1;
		return 1;
	case SELECT_OPT_MIN_HOSTS:
		if (cli_parse_u64(arg, UINT64_MAX, &s->min_hosts) == -1) {
			cli_usage_error(usage, "bad --min-hosts '%s'", arg);
			return -1;
		}
		s->has_min_hosts = 1;
		return 1;
	case SELECT_OPT_SELF_SIGNED:
		s->self_signed = 1;
		return 1;
	case SELECT_OPT_SUBJECT:
		s->subject = arg;
		return 1;
	case SELECT_OPT_VALID_AT:
		if (cs_date_parse(arg, &s->valid_at) == -1) {
			cli_usage_error(usage, "bad time '%s'", arg);
			return -1;
		}
		s->has_valid_at = 1;
		return 1;
	}
	return 0;
}

int
select_active(const struct select *s)
{
	return s->nerrors > 0 || select_filters(s);
}

int
select_filters(const struct select *s)
{
	return s->ca || s->leaf || s->self_signed || s->has_min_count ||
	    s->has_min_hosts || s->issuer != NULL ||
	    s->subject != NULL || s->host != NULL || s->has_valid_at ||
	    s->has_expired_at;
}

int
select_reads_summary(const struct select *s)
{
	return s->ca || s->self_signed || s->issuer != NULL ||
	    s->subject != NULL || s->has_valid_at || s->has_expired_at;
}

int
select_code(const struct select *s, int has_err, int32_t code)
{
	if (s->nerrors == 0)
		return 1;
	if (!has_err)
		return 0;
	return bsearch(&code, s->errors, s->nerrors, sizeof(*s->errors),
	    code_cmp) != NULL;
}

/* ---- select_prepare ------------------------------------------------------ */

/* A chain with reports under --error, and its certificates' figures. */
struct echain {
	unsigned char	 key[CS_KEY_LEN];
	size_t		 off;		/* in errscan.cidx */
	size_t		 n;
};

struct errscan {
	struct select		*s;
	struct echain		*ch;	/* in chain key order */
	size_t			 nch;
	size_t			 capch;
	size_t			 at;	/* the row pass's place in ch */
	size_t			*cidx;	/* each chain's certificates, once */
	size_t			 ncidx;
	size_t			 capcidx;
	struct hpairs		 pairs;	/* (figure, hostname) */
};

static size_t
fig_add(struct select *s, const unsigned char *key)
{
	size_t cap = s->figmap.cap, i;
	int added;

	/* figs follows figmap, which holds at most cap / 2 keys. */
	i = keymap_add(&s->figmap, key, &added);
	if (s->figmap.cap != cap || s->figs == NULL)
		s->figs = xrealloc(s->figs, s->figmap.cap / 2 *
		    sizeof(*s->figs));
	if (added)
		memset(&s->figs[i], 0, sizeof(s->figs[i]));
	return i;
}

/*
 * A chain-host row: its hostname counts for each certificate of its chain.
 * Rows come in chain key order, as the chains did, so the chain is found
 * by walking on.
 */
static int
errscan_row(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, uint64_t n)
{
	struct errscan *e = arg;
	const struct echain *c;
	size_t k;
	int r = 1;

	(void)n;
	while (e->at < e->nch && (r = memcmp(e->ch[e->at].key, ckey,
	    CS_KEY_LEN)) < 0)
		e->at++;
	if (r != 0 || len == 0 || !select_code(e->s, has_err, code))
		return 0;
	c = &e->ch[e->at];
	for (k = 0; k < c->n; k++)
		hpair_add(&e->pairs, e->cidx[c->off + k], host, len);
	return 0;
}

static int
errscan_chain(void *arg, const struct cs_chainrec *c)
{
	struct errscan *e = arg;
	struct select_fig *f;
	struct echain *ec;
	uint64_t n = 0;
	size_t i, k, x;

	for (i = 0; i < c->nerrs; i++)
		if (select_code(e->s, 1, c->errs[i].code))
			n += c->errs[i].n;
	if (n == 0 || c->ncerts == 0)
		return 0;
	if (e->nch == e->capch) {
		e->capch = e->capch ? e->capch * 2 : 1024;
		e->ch = xrealloc(e->ch, e->capch * sizeof(*e->ch));
	}
	ec = &e->ch[e->nch++];
	memcpy(ec->key, c->key, CS_KEY_LEN);
	ec->off = e->ncidx;
	ec->n = 0;
	for (i = 0; i < c->ncerts; i++) {
		x = fig_add(e->s, c->certs + i * CS_KEY_LEN);
		for (k = 0; k < ec->n; k++)
			if (e->cidx[ec->off + k] == x)
				break;
		if (k < ec->n)
			continue;
		if (e->ncidx == e->capcidx) {
			e->capcidx = e->capcidx ? e->capcidx * 2 : 1024;
			e->cidx = xrealloc(e->cidx, e->capcidx *
			    sizeof(*e->cidx));
		}
		e->cidx[e->ncidx++] = x;
		ec->n++;
		/*
		 * XXX: a chain keeps one first/last time for all its codes,
		 * so these span its other reports too.
		 */
		f = &e->s->figs[x];
		if (c->seen) {
			if (!f->seen || c->first_seen < f->first_seen)
				f->first_seen = c->first_seen;
			if (!f->seen || c->last_seen > f->last_seen)
				f->last_seen = c->last_seen;
			f->seen = 1;
		}
	}
	e->s->figs[e->cidx[ec->off]].leaf_count += n;
	return 0;
}

/* Figures of each certificate over the reports with a code in --error. */
static int
prepare_errors(struct select *s, struct cs_store *st)
{
	struct cs_err err = CS_ERR_INIT;
	struct errscan e;
	size_t i;
	int status = 0;

	memset(&e, 0, sizeof(e));
	e.s = s;
	/* The chains, then all their rows in one pass: no lookup each. */
	if (cs_store_foreach_chain(st, errscan_chain, &e, &err) == -1 ||
	    cs_store_foreach_chainhost(st, errscan_row, &e, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	hpairs_sort(&e.pairs);
	for (i = 0; i < e.pairs.n; i++)
		if (i == 0 || !hpair_same(&e.pairs.v[i], &e.pairs.v[i - 1]))
			s->figs[e.pairs.v[i].row].hosts++;
out:
	free(e.ch);
	free(e.cidx);
	free(e.pairs.v);
	return status;
}

struct hostscan {
	const char	 *glob;
	char		**names;	/* matching hostnames */
	size_t		 *lens;
	size_t		  n;
	size_t		  cap;
};

static int
hostscan_host(void *arg, const char *host, size_t len, uint64_t reports,
    uint64_t certs)
{
	struct hostscan *h = arg;
	char *name;

	(void)reports;
	(void)certs;
	/* fnmatch() needs a C string (one with a NUL inside stops there). */
	name = xmalloc(len + 1);
	memcpy(name, host, len);
	name[len] = '\0';
	if (fnmatch(h->glob, name, FNM_CASEFOLD) != 0) {
		free(name);
		return 0;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->names = xrealloc(h->names, h->cap * sizeof(*h->names));
		h->lens = xrealloc(h->lens, h->cap * sizeof(*h->lens));
	}
	h->names[h->n] = name;
	h->lens[h->n++] = len;
	return 0;
}

static int
hostscan_cert(void *arg, const unsigned char *key)
{
	struct select *s = arg;

	keymap_add(&s->hostkeys, key, NULL);
	return 0;
}

/* The certificates linked to a hostname that matches --host. */
static int
prepare_hosts(struct select *s, struct cs_store *st)
{
	struct cs_err err = CS_ERR_INIT;
	struct hostscan h;
	size_t i;
	int status = 0;

	memset(&h, 0, sizeof(h));
	h.glob = s->host;
	if (cs_store_foreach_host(st, hostscan_host, &h, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	for (i = 0; i < h.n; i++) {
		if (cs_store_host_certs(st, h.names[i], h.lens[i],
		    hostscan_cert, s, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
	}
out:
	for (i = 0; i < h.n; i++)
		free(h.names[i]);
	free(h.names);
	free(h.lens);
	return status;
}

static int
keyscan(void *arg, const struct cs_certrec *rec)
{
	struct select *s = arg;
	struct cs_certrec r = *rec;

	/* select_cert() only compacts r.errs, which rec owns anyway. */
	if (select_cert(s, &r))
		keymap_add(&s->keys, rec->key, NULL);
	return 0;
}

int
select_prepare(struct select *s, struct cs_store *st, int flags)
{
	struct cs_err err = CS_ERR_INIT;
	int status;

	/* A second call only adds what the first did not build. */
	if (!s->prepared) {
		s->prepared = 1;
		if (s->nerrors > 0 && (status = prepare_errors(s, st)) != 0)
			return status;
		if (s->host != NULL && (status = prepare_hosts(s, st)) != 0)
			return status;
	}
	if ((flags & SELECT_KEYS) && !(s->prepared & 2) && select_active(s)) {
		s->prepared |= 2;
		if (cs_store_foreach_cert(st, CS_GET_SUMMARY, keyscan, s,
		    &err) == -1)
			return cli_fail(&err);
	}
	return 0;
}

/* ---- matching ------------------------------------------------------------ */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Whether needle is in hay, ASCII letters compared without case. */
static int
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	if (hay == NULL)
		return 0;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++)
			if (lower((unsigned char)hay[i]) !=
			    lower((unsigned char)needle[i]))
				break;
		if (i == n)
			return 1;
	}
	return n == 0;
}

/* Rewrites rec's figures to its reports with a code in --error. */
static void
rewrite(const struct select *s, struct cs_certrec *rec)
{
	const struct select_fig *f;
	size_t i, j;
	long x;

	rec->count = 0;
	for (i = 0, j = 0; i < rec->nerrs; i++) {
		if (!select_code(s, 1, rec->errs[i].code))
			continue;
		rec->count += rec->errs[i].n;
		rec->errs[j++] = rec->errs[i];
	}
	rec->nerrs = j;
	if ((x = keymap_get(&s->figmap, rec->key)) >= 0) {
		f = &s->figs[x];
		rec->leaf_count = f->leaf_count;
		rec->hosts = f->hosts;
		rec->seen = f->seen;
		rec->first_seen = f->first_seen;
		rec->last_seen = f->last_seen;
	} else {
		rec->leaf_count = rec->hosts = 0;
		rec->seen = 0;
		rec->first_seen = rec->last_seen = 0;
	}
}

int
select_cert(const struct select *s, struct cs_certrec *rec)
{
	const struct cs_cert *c = &rec->cert;

	if (s->nerrors > 0) {
		rewrite(s, rec);
		if (rec->count == 0)
			return 0;
	}
	if (s->ca && !c->is_ca)
		return 0;
	if (s->leaf && rec->leaf_count == 0)
		return 0;
	if (s->self_signed && !c->self_signed)
		return 0;
	if (s->has_min_count && rec->count < s->min_count)
		return 0;
	if (s->has_min_hosts && rec->hosts < s->min_hosts)
		return 0;
	if (s->issuer != NULL && !contains(c->issuer, s->issuer))
		return 0;
	if (s->subject != NULL && !contains(c->subject, s->subject))
		return 0;
	if (s->host != NULL && keymap_get(&s->hostkeys, rec->key) < 0)
		return 0;
	if (s->has_valid_at && (c->not_before > s->valid_at ||
	    c->not_after < s->valid_at))
		return 0;
	if (s->has_expired_at && c->not_after >= s->expired_at)
		return 0;
	return 1;
}

int
select_key(const struct select *s, const unsigned char *key)
{
	if (!select_active(s))
		return 1;
	return keymap_get(&s->keys, key) >= 0;
}

uint64_t
select_chain(const struct select *s, const struct cs_chainrec *c)
{
	uint64_t n = 0;
	size_t i;

	if (c->ncerts == 0 || !select_key(s, c->certs))
		return 0;
	if (s->nerrors == 0)
		return c->count;
	for (i = 0; i < c->nerrs; i++)
		if (select_code(s, 1, c->errs[i].code))
			n += c->errs[i].n;
	return n;
}

void
select_release(struct select *s)
{
	if (s == NULL)
		return;
	free(s->errors);
	keymap_release(&s->figmap);
	free(s->figs);
	keymap_release(&s->hostkeys);
	keymap_release(&s->keys);
	memset(s, 0, sizeof(*s));
}
