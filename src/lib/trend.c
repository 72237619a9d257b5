#include "certsift/trend.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/hmap.h"
#include "certsift/vec.h"
#include "certsift/x509.h"

#define NOGROUP	UINT32_MAX

/* A selected chain and its group (NOGROUP: by the report's code). */
struct tchain {
	unsigned char	key[CS_KEY_LEN];
	uint32_t	group;
};

/* A (day, group) count. */
struct cell {
	int32_t		day;
	uint32_t	group;
	uint64_t	n;
};

/* A chain of a missing row, sorted by key to be found. */
struct rowchain {
	unsigned char	key[CS_KEY_LEN];
	uint32_t	group;
};

/* By issuer: a group's issuer id, and a leaf that has it (its name). */
struct issuer {
	unsigned char	id[16];
	unsigned char	leaf[CS_KEY_LEN];
};

struct ctx {
	const struct cs_trend_opts	*o;
	struct cs_store			*st;
	struct cs_err			*err;
	int				 filters;	/* by the leaf */
	struct cs_trend			*t;
	CS_VEC(struct tchain)		 ch;
	size_t				 at;	/* the day pass's place */
	CS_VEC(struct cell)		 cells;
	struct cs_hmap			 cidx;
	CS_VEC(struct cs_trend_group)	 groups;
	/* by issuer: each group's issuer id and one leaf with it */
	CS_VEC(struct issuer)		 iss;
	struct cs_hmap			 gidx;
	CS_VEC(struct rowchain)		 rc;	/* by missing row/outcome */
};

static int
nomem(struct ctx *x)
{
	return cs_err_set(x->err, CS_ENOMEM, "out of memory");
}

int
cs_trend_in_period(const struct cs_trend_opts *o, int32_t day)
{
	if (day == CS_NODAY)
		return !o->has_since && !o->has_until;
	if (o->has_since && day < o->since)
		return 0;
	if (o->has_until && day >= o->until)
		return 0;
	return 1;
}

/* ---- groups -------------------------------------------------------------- */

static int
group_new(struct ctx *x, uint32_t *g)
{
	struct cs_trend_group z;

	memset(&z, 0, sizeof(z));
	if (cs_vec_push(&x->groups, z) == -1)
		return nomem(x);
	*g = (uint32_t)(x->groups.n - 1);
	return 0;
}

/* The group of a code: few codes, looked for in order. */
static int
code_group(struct ctx *x, int has_err, int32_t code, uint32_t *g)
{
	size_t i;

	for (i = 0; i < x->groups.n; i++)
		if (x->groups.v[i].has_err == has_err && x->groups.v[i].code ==
		    code) {
			*g = (uint32_t)i;
			return 0;
		}
	if (group_new(x, g) == -1)
		return -1;
	x->groups.v[*g].has_err = has_err;
	x->groups.v[*g].code = has_err ? code : 0;
	return 0;
}

/* The group of a leaf's issuer id, made with this leaf when new. */
static int
issuer_group(struct ctx *x, const struct cs_chainrec *c, uint32_t *g)
{
	struct issuer is;
	uint64_t h;
	size_t pos;

	memcpy(&h, c->leaf_issuer_id, sizeof(h));
	if (cs_hmap_reserve(&x->gidx, x->iss.n + 1) == -1)
		return nomem(x);
	for (pos = cs_hmap_start(&x->gidx, h); cs_hmap_next(&x->gidx, h, &pos,
	    g);)
		if (memcmp(x->iss.v[*g].id, c->leaf_issuer_id, 16) == 0)
			return 0;
	memcpy(is.id, c->leaf_issuer_id, 16);
	memcpy(is.leaf, c->certs, CS_KEY_LEN);
	if (group_new(x, g) == -1 || cs_vec_push(&x->iss, is) == -1)
		return nomem(x);
	cs_hmap_put(&x->gidx, pos, h, *g);
	return 0;
}

static int
rowchain_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CS_KEY_LEN);
}

/* The chains of missing's rows (by outcome: every row's). */
static int
rows_load(struct ctx *x)
{
	const struct cs_missing *m = x->o->missing;
	const unsigned char *keys;
	struct rowchain r;
	size_t i, k, n, nrows, row;
	uint32_t g;

	if (m == NULL)
		return cs_err_set(x->err, CS_EUSAGE, "no missing walk");
	nrows = x->o->by == CS_TREND_MISSING_ROW ? x->o->nrows : m->nrows;
	if (x->o->by == CS_TREND_OUTCOME)
		for (i = 0; i < CS_MISSING_NOUTCOMES; i++) {
			if (group_new(x, &g) == -1)
				return -1;
			x->groups.v[g].row = i;
		}
	for (i = 0; i < nrows; i++) {
		row = x->o->by == CS_TREND_MISSING_ROW ? x->o->rows[i] : i;
		if (cs_missing_row_chains(m, row, &keys, &n, x->err) == -1)
			return -1;
		if (x->o->by == CS_TREND_MISSING_ROW) {
			if (group_new(x, &g) == -1)
				return -1;
			x->groups.v[g].row = row;
		} else
			g = (uint32_t)m->rows[row].outcome;
		for (k = 0; k < n; k++) {
			memcpy(r.key, keys + k * CS_KEY_LEN, CS_KEY_LEN);
			r.group = g;
			if (cs_vec_push(&x->rc, r) == -1)
				return nomem(x);
		}
	}
	if (x->rc.n > 1)
		qsort(x->rc.v, x->rc.n, sizeof(*x->rc.v), rowchain_cmp);
	return 0;
}

/* ---- counting ------------------------------------------------------------ */

static int count(struct ctx *, int32_t, uint32_t, uint64_t);

/* By cause: a group per cause, and the days causes counted. */
static int
causes_load(struct ctx *x)
{
	const struct cs_causes *c = x->o->causes;
	uint32_t g;
	size_t i;

	if (c == NULL)
		return cs_err_set(x->err, CS_EUSAGE, "no causes");
	for (i = 0; i < CS_CAUSE_N; i++) {
		if (group_new(x, &g) == -1)
			return -1;
		x->groups.v[g].row = i;
	}
	for (i = 0; i < c->ndays; i++)
		if (cs_trend_in_period(x->o, c->days[i].day) && count(x,
		    c->days[i].day, (uint32_t)c->days[i].cause,
		    c->days[i].reports) == -1)
			return -1;
	return 0;
}

static int
count(struct ctx *x, int32_t day, uint32_t g, uint64_t n)
{
	struct cell c = { day, g, n };
	uint64_t h = cs_mix64((uint64_t)(uint32_t)day << 32 | g);
	size_t pos;
	uint32_t i;

	if (cs_hmap_reserve(&x->cidx, x->cells.n + 1) == -1)
		return nomem(x);
	for (pos = cs_hmap_start(&x->cidx, h); cs_hmap_next(&x->cidx, h, &pos,
	    &i);)
		if (x->cells.v[i].day == day && x->cells.v[i].group == g) {
			x->cells.v[i].n += n;
			return 0;
		}
	if (cs_vec_push(&x->cells, c) == -1)
		return nomem(x);
	cs_hmap_put(&x->cidx, pos, h, (uint32_t)(x->cells.n - 1));
	return 0;
}

/* Counts an entry of a chain in group g (NOGROUP: by its code). */
/* Counts an entry of chain ckey (NULL: the store's) in group g. */
static int
count_ent(struct ctx *x, const unsigned char *ckey,
    const struct cs_dayent *e, uint32_t g)
{
	const struct cs_trend_opts *o = x->o;
	uint64_t n = e->n;

	if (e->n == 0 || !cs_trend_in_period(o, e->day) ||
	    (o->query != NULL && !cs_sel_code(cs_query_sel(o->query),
	    e->has_err, e->code)))
		return 0;
	/* Under causes, the day's reports that have one. */
	if (ckey != NULL && o->query != NULL && (n = cs_query_day(o->query,
	    ckey, e)) == 0)
		return 0;
	if (g == NOGROUP && code_group(x, e->has_err, e->code, &g) == -1)
		return -1;
	return count(x, e->day, g, n);
}

static int
day_each(void *arg, const struct cs_dayent *e)
{
	return count_ent(arg, NULL, e, NOGROUP);
}

static int
chain_each(void *arg, const struct cs_chainrec *c)
{
	struct ctx *x = arg;
	struct tchain tc;
	const struct rowchain *rc = NULL;
	uint32_t g = NOGROUP;

	if (c->ncerts == 0 || (x->filters && !cs_query_key(x->o->query,
	    c->certs)))
		return 0;
	switch (x->o->by) {
	case CS_TREND_ISSUER:
		if (issuer_group(x, c, &g) == -1)
			return -1;
		break;
	case CS_TREND_OUTCOME:
	case CS_TREND_MISSING_ROW:
		if (x->rc.n == 0 || (rc = bsearch(c->key, x->rc.v, x->rc.n,
		    sizeof(*x->rc.v), rowchain_cmp)) == NULL)
			return 0;
		g = rc->group;
		break;
	}
	memcpy(tc.key, c->key, CS_KEY_LEN);
	tc.group = g;
	if (cs_vec_push(&x->ch, tc) == -1)
		return nomem(x);
	return 0;
}

/*
 * Without filters, the chains of the rows are the walk's, every one of
 * them in the store with its certificates: no pass over the chains picks
 * them (chain_each()), rows_load() has them in key order.
 */
static int
rows_chains(struct ctx *x)
{
	struct tchain tc;
	size_t i;

	for (i = 0; i < x->rc.n; i++) {
		if (i > 0 && memcmp(x->rc.v[i - 1].key, x->rc.v[i].key,
		    CS_KEY_LEN) == 0)
			continue;
		memcpy(tc.key, x->rc.v[i].key, CS_KEY_LEN);
		tc.group = x->rc.v[i].group;
		if (cs_vec_push(&x->ch, tc) == -1)
			return nomem(x);
	}
	return 0;
}

/* A chain's days: chains and days come in the same key order. */
static int
chainday_each(void *arg, const unsigned char *ckey,
    const struct cs_dayent *e, size_t n)
{
	struct ctx *x = arg;
	size_t i;
	int r = 1;

	while (x->at < x->ch.n && (r = memcmp(x->ch.v[x->at].key, ckey,
	    CS_KEY_LEN)) < 0)
		x->at++;
	if (r != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (count_ent(x, ckey, &e[i], x->ch.v[x->at].group) == -1)
			return -1;
	return 0;
}

/* ---- the result ---------------------------------------------------------- */

static int
labels(struct ctx *x)
{
	struct cs_trend_group *g = x->groups.v;
	struct cs_certrec r;
	const char *s;
	size_t i;

	for (i = 0; i < x->groups.n; i++) {
		s = NULL;
		if (x->o->by == CS_TREND_ISSUER) {
			if (cs_store_get_cert(x->st, x->iss.v[i].leaf,
			    CS_GET_SUMMARY |
			    CS_GET_NOSTAT, &r, x->err) == -1)
				return -1;
			g[i].label = strdup(r.cert.issuer != NULL ?
			    r.cert.issuer : "");
			cs_certrec_release(&r);
			if (g[i].label == NULL)
				return nomem(x);
			continue;
		}
		if (x->o->by == CS_TREND_OUTCOME)
			s = cs_missing_outcome_name((int)g[i].row);
		else if (x->o->by == CS_TREND_CAUSE)
			s = cs_cause_name((int)g[i].row);
		else if (x->o->by == CS_TREND_MISSING_ROW)
			s = x->o->missing->rows[g[i].row].issuer;
		if (s != NULL && (g[i].label = strdup(s)) == NULL)
			return nomem(x);
	}
	return 0;
}

static int
group_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_trend_group *g = arg;
	const struct cs_trend_group *x = &g[*(const uint32_t *)a];
	const struct cs_trend_group *y = &g[*(const uint32_t *)b];
	int r;

	if (x->reports != y->reports)
		return x->reports > y->reports ? -1 : 1;
	if (x->has_err != y->has_err)
		return x->has_err ? 1 : -1;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	if (x->label != NULL && y->label != NULL &&
	    (r = strcmp(x->label, y->label)) != 0)
		return r;
	return (x->row > y->row) - (x->row < y->row);
}

static int
cell_cmp(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->group > y->group) - (x->group < y->group);
}

/* Groups by reports; rows by day and then group, renumbered. */
static int
finish(struct ctx *x)
{
	struct cs_trend *t = x->t;
	struct cs_trend_group *gv = x->groups.v;
	struct cell *c = x->cells.v;
	uint32_t *order, *rank;
	size_t i, k, ng = x->groups.n;

	for (i = 0; i < x->cells.n; i++) {
		gv[c[i].group].reports += c[i].n;
		t->reports += c[i].n;
		if (c[i].day == CS_NODAY)
			t->undated += c[i].n;
	}
	order = cs_mallocarray(ng, sizeof(*order));
	rank = cs_mallocarray(ng, sizeof(*rank));
	t->groups = cs_mallocarray(ng, sizeof(*t->groups));
	t->rows = cs_mallocarray(x->cells.n, sizeof(*t->rows));
	if (order == NULL || rank == NULL || t->groups == NULL ||
	    t->rows == NULL) {
		free(order);
		free(rank);
		return nomem(x);
	}
	for (i = 0; i < ng; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, ng, sizeof(*order), group_cmp, gv);
	/* Groups without reports (an outcome nobody reached) go. */
	for (i = 0, k = 0; i < ng; i++) {
		rank[order[i]] = (uint32_t)k;
		if (gv[order[i]].reports > 0)
			t->groups[k++] = gv[order[i]];
		else
			free(gv[order[i]].label);
		gv[order[i]].label = NULL;	/* t has it now */
	}
	t->ngroups = k;
	for (i = 0; i < x->cells.n; i++)
		c[i].group = rank[c[i].group];
	free(order);
	free(rank);
	if (x->cells.n > 1)
		qsort(c, x->cells.n, sizeof(*c), cell_cmp);
	for (i = 0, k = 0; i < x->cells.n; i++) {
		if (c[i].n == 0)
			continue;
		t->rows[k].day = c[i].day;
		t->rows[k].group = c[i].group;
		t->rows[k++].reports = c[i].n;
		if (c[i].day != CS_NODAY) {
			if (!t->has_days)
				t->first_day = c[i].day;
			t->last_day = c[i].day;
			t->has_days = 1;
		}
	}
	t->nrows = k;
	return 0;
}

int
cs_trend_run(struct cs_store *st, const struct cs_trend_opts *o,
    struct cs_trend *out, struct cs_err *err)
{
	struct ctx x;
	size_t i;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.st = st;
	x.err = err;
	x.t = out;
	if (cs_store_days_info(st, &out->info, err) == -1)
		goto out;
	if ((o->by == CS_TREND_OUTCOME || o->by == CS_TREND_MISSING_ROW) &&
	    rows_load(&x) == -1)
		goto out;
	x.filters = o->query != NULL && cs_sel_filters(cs_query_sel(o->query));
	if (o->by == CS_TREND_CAUSE) {
		if (causes_load(&x) == -1)
			goto out;
	} else if (x.filters && cs_query_keys(o->query, err) == -1)
		goto out;
	else if (o->by == CS_TREND_ERROR && !x.filters) {
		/* Every report, with a chain or not: the store's totals. */
		if (cs_store_foreach_day(st, day_each, &x, err) == -1)
			goto out;
	} else if ((o->by == CS_TREND_OUTCOME ||
	    o->by == CS_TREND_MISSING_ROW) && !x.filters) {
		if (rows_chains(&x) == -1 || cs_store_foreach_chainday(st,
		    chainday_each, &x, err) == -1)
			goto out;
	} else if (cs_store_foreach_chain(st, chain_each, &x, err) == -1 ||
	    cs_store_foreach_chainday(st, chainday_each, &x, err) == -1)
		goto out;
	if (labels(&x) == -1 || finish(&x) == -1)
		goto out;
	ret = 0;
out:
	for (i = 0; i < x.groups.n; i++)
		free(x.groups.v[i].label);
	cs_vec_release(&x.groups);
	cs_vec_release(&x.ch);
	cs_vec_release(&x.cells);
	cs_hmap_release(&x.cidx);
	cs_vec_release(&x.iss);
	cs_hmap_release(&x.gidx);
	cs_vec_release(&x.rc);
	return ret;
}

int
cs_trend_walk_run(struct cs_store *st, const struct cs_trend_opts *o,
    const struct cs_certset *roots, const struct cs_certset *known,
    struct cs_trend *out, uint64_t *days_guessed, struct cs_err *err)
{
	struct cs_trend_opts to = *o;
	struct cs_missing_opts mo;
	struct cs_missing m = CS_MISSING_INIT;
	struct cs_causes c = CS_CAUSES_INIT;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	memset(&mo, 0, sizeof(mo));
	mo.roots = roots;
	mo.known = known;
	mo.query = o->query;
	to.missing = NULL;
	to.causes = NULL;
	if (o->by == CS_TREND_OUTCOME) {
		if (cs_missing_run(st, &mo, &m, err) == -1)
			goto out;
		to.missing = &m;
	} else if (o->by == CS_TREND_CAUSE) {
		if (cs_causes_days(st, &mo, 0, &c, NULL, err) == -1)
			goto out;
		to.causes = &c;
	}
	ret = cs_trend_run(st, &to, out, err);
out:
	*days_guessed = c.days_guessed;
	cs_missing_release(&m);
	cs_causes_release(&c);
	return ret;
}

void
cs_trend_release(struct cs_trend *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ngroups; i++)
		free(t->groups[i].label);
	free(t->groups);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
