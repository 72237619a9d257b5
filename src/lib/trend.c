#include "certsift/trend.h"

#include <stdlib.h>
#include <string.h>

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

struct ctx {
	const struct cs_trend_opts	*o;
	struct cs_store			*st;
	struct cs_err			*err;
	int				 filters;	/* by the leaf */
	struct cs_trend			*t;
	struct tchain			*ch;
	size_t				 nch, capch, at;
	struct cell			*cells;
	size_t				 ncells, capcells;
	uint32_t			*cidx;	/* cell + 1, or 0 */
	size_t				 cicap;
	size_t				 capg;
	/* by issuer: each group's issuer id and one leaf with it */
	unsigned char			(*ids)[16];
	unsigned char			(*leaf)[CS_KEY_LEN];
	size_t				 capids, capleaf;
	uint32_t			*gidx;	/* group + 1, or 0 */
	size_t				 gicap;
	struct rowchain			*rc;	/* by missing row/outcome */
	size_t				 nrc;
};

static int
nomem(struct ctx *x)
{
	return cs_err_set(x->err, CS_ENOMEM, "out of memory");
}

static int
grow(void *p, size_t *cap, size_t need, size_t sz)
{
	void **v = p, *nv;
	size_t c = *cap ? *cap : 64;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / sz || (nv = realloc(*v, c * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = c;
	return 0;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
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
	struct cs_trend *t = x->t;
	size_t n = t->ngroups + 1;

	if (grow(&t->groups, &x->capg, n, sizeof(*t->groups)) == -1 ||
	    (x->o->by == CS_TREND_ISSUER &&
	    (grow(&x->ids, &x->capids, n, sizeof(*x->ids)) == -1 ||
	    grow(&x->leaf, &x->capleaf, n, sizeof(*x->leaf)) == -1)))
		return nomem(x);
	memset(&t->groups[t->ngroups], 0, sizeof(t->groups[0]));
	*g = (uint32_t)t->ngroups++;
	return 0;
}

/* The group of a code: few codes, looked for in order. */
static int
code_group(struct ctx *x, int has_err, int32_t code, uint32_t *g)
{
	struct cs_trend *t = x->t;
	size_t i;

	for (i = 0; i < t->ngroups; i++)
		if (t->groups[i].has_err == has_err && t->groups[i].code ==
		    code) {
			*g = (uint32_t)i;
			return 0;
		}
	if (group_new(x, g) == -1)
		return -1;
	t->groups[*g].has_err = has_err;
	t->groups[*g].code = has_err ? code : 0;
	return 0;
}

static int
gidx_grow(struct ctx *x)
{
	size_t cap = x->gicap ? x->gicap * 2 : 256, i, j;
	uint32_t *v;
	uint64_t h;

	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return nomem(x);
	for (i = 0; i < x->t->ngroups; i++) {
		memcpy(&h, x->ids[i], sizeof(h));
		for (j = mix(h) & (cap - 1); v[j] != 0; j = (j + 1) & (cap - 1))
			;
		v[j] = (uint32_t)i + 1;
	}
	free(x->gidx);
	x->gidx = v;
	x->gicap = cap;
	return 0;
}

/* The group of a leaf's issuer id, made with this leaf when new. */
static int
issuer_group(struct ctx *x, const struct cs_chainrec *c, uint32_t *g)
{
	uint64_t h;
	size_t j;

	if (x->t->ngroups >= x->gicap / 2 && gidx_grow(x) == -1)
		return -1;
	memcpy(&h, c->leaf_issuer_id, sizeof(h));
	for (j = mix(h) & (x->gicap - 1); x->gidx[j] != 0;
	    j = (j + 1) & (x->gicap - 1))
		if (memcmp(x->ids[x->gidx[j] - 1], c->leaf_issuer_id, 16) ==
		    0) {
			*g = x->gidx[j] - 1;
			return 0;
		}
	if (group_new(x, g) == -1)
		return -1;
	memcpy(x->ids[*g], c->leaf_issuer_id, 16);
	memcpy(x->leaf[*g], c->certs, CS_KEY_LEN);
	x->gidx[j] = *g + 1;
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
	size_t i, k, n, cap = 0, nrows;
	uint32_t g;

	if (m == NULL)
		return cs_err_set(x->err, CS_EUSAGE, "no missing walk");
	nrows = m->nrows;
	if (x->o->by == CS_TREND_MISSING_ROW && x->o->max_groups > 0 &&
	    x->o->max_groups < nrows)
		nrows = x->o->max_groups;
	if (x->o->by == CS_TREND_OUTCOME)
		for (i = 0; i < CS_MISSING_NOUTCOMES; i++) {
			if (group_new(x, &g) == -1)
				return -1;
			x->t->groups[g].row = i;
		}
	for (i = 0; i < nrows; i++) {
		if (cs_missing_row_chains(m, i, &keys, &n, x->err) == -1)
			return -1;
		if (x->o->by == CS_TREND_MISSING_ROW) {
			if (group_new(x, &g) == -1)
				return -1;
			x->t->groups[g].row = i;
		} else
			g = (uint32_t)m->rows[i].outcome;
		if (grow(&x->rc, &cap, x->nrc + n, sizeof(*x->rc)) == -1)
			return nomem(x);
		for (k = 0; k < n; k++) {
			memcpy(x->rc[x->nrc].key, keys + k * CS_KEY_LEN,
			    CS_KEY_LEN);
			x->rc[x->nrc++].group = g;
		}
	}
	if (x->nrc > 1)
		qsort(x->rc, x->nrc, sizeof(*x->rc), rowchain_cmp);
	return 0;
}

/* ---- counting ------------------------------------------------------------ */

static int
cidx_grow(struct ctx *x)
{
	size_t cap = x->cicap ? x->cicap * 2 : 1024, i, j;
	uint32_t *v;

	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return nomem(x);
	for (i = 0; i < x->ncells; i++) {
		for (j = mix((uint64_t)(uint32_t)x->cells[i].day << 32 |
		    x->cells[i].group) & (cap - 1); v[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		v[j] = (uint32_t)i + 1;
	}
	free(x->cidx);
	x->cidx = v;
	x->cicap = cap;
	return 0;
}

static int
count(struct ctx *x, int32_t day, uint32_t g, uint64_t n)
{
	struct cell *c;
	size_t j;

	if (x->ncells >= x->cicap / 2 && cidx_grow(x) == -1)
		return -1;
	for (j = mix((uint64_t)(uint32_t)day << 32 | g) & (x->cicap - 1);
	    x->cidx[j] != 0; j = (j + 1) & (x->cicap - 1)) {
		c = &x->cells[x->cidx[j] - 1];
		if (c->day == day && c->group == g) {
			c->n += n;
			return 0;
		}
	}
	if (grow(&x->cells, &x->capcells, x->ncells + 1, sizeof(*x->cells))
	    == -1)
		return nomem(x);
	c = &x->cells[x->ncells++];
	c->day = day;
	c->group = g;
	c->n = n;
	x->cidx[j] = (uint32_t)x->ncells;
	return 0;
}

/* Counts an entry of a chain in group g (NOGROUP: by its code). */
static int
count_ent(struct ctx *x, const struct cs_dayent *e, uint32_t g)
{
	const struct cs_trend_opts *o = x->o;

	if (e->n == 0 || !cs_trend_in_period(o, e->day) ||
	    (o->query != NULL && !cs_sel_code(cs_query_sel(o->query),
	    e->has_err, e->code)))
		return 0;
	if (g == NOGROUP && code_group(x, e->has_err, e->code, &g) == -1)
		return -1;
	return count(x, e->day, g, e->n);
}

static int
day_each(void *arg, const struct cs_dayent *e)
{
	return count_ent(arg, e, NOGROUP);
}

static int
chain_each(void *arg, const struct cs_chainrec *c)
{
	struct ctx *x = arg;
	struct tchain *tc;
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
		if (x->nrc == 0 || (rc = bsearch(c->key, x->rc, x->nrc,
		    sizeof(*x->rc), rowchain_cmp)) == NULL)
			return 0;
		g = rc->group;
		break;
	}
	if (grow(&x->ch, &x->capch, x->nch + 1, sizeof(*x->ch)) == -1)
		return nomem(x);
	tc = &x->ch[x->nch++];
	memcpy(tc->key, c->key, CS_KEY_LEN);
	tc->group = g;
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

	while (x->at < x->nch && (r = memcmp(x->ch[x->at].key, ckey,
	    CS_KEY_LEN)) < 0)
		x->at++;
	if (r != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (count_ent(x, &e[i], x->ch[x->at].group) == -1)
			return -1;
	return 0;
}

/* ---- the result ---------------------------------------------------------- */

static int
labels(struct ctx *x)
{
	struct cs_trend *t = x->t;
	struct cs_certrec r;
	const char *s;
	size_t i;

	for (i = 0; i < t->ngroups; i++) {
		s = NULL;
		if (x->o->by == CS_TREND_ISSUER) {
			if (cs_store_get_cert(x->st, x->leaf[i], CS_GET_SUMMARY |
			    CS_GET_NOSTAT, &r, x->err) == -1)
				return -1;
			t->groups[i].label = strdup(r.cert.issuer != NULL ?
			    r.cert.issuer : "");
			cs_certrec_release(&r);
			if (t->groups[i].label == NULL)
				return nomem(x);
			continue;
		}
		if (x->o->by == CS_TREND_OUTCOME)
			s = cs_missing_outcome_name((int)t->groups[i].row);
		else if (x->o->by == CS_TREND_MISSING_ROW)
			s = x->o->missing->rows[t->groups[i].row].issuer;
		if (s != NULL && (t->groups[i].label = strdup(s)) == NULL)
			return nomem(x);
	}
	return 0;
}

static int
group_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_trend *t = arg;
	const struct cs_trend_group *x = &t->groups[*(const uint32_t *)a];
	const struct cs_trend_group *y = &t->groups[*(const uint32_t *)b];
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
	struct cs_trend_group *g = NULL;
	uint32_t *order = NULL, *rank = NULL;
	size_t i, k;

	for (i = 0; i < x->ncells; i++) {
		t->groups[x->cells[i].group].reports += x->cells[i].n;
		t->reports += x->cells[i].n;
		if (x->cells[i].day == CS_NODAY)
			t->undated += x->cells[i].n;
	}
	if ((order = malloc((t->ngroups + 1) * sizeof(*order))) == NULL ||
	    (rank = malloc((t->ngroups + 1) * sizeof(*rank))) == NULL ||
	    (g = malloc((t->ngroups + 1) * sizeof(*g))) == NULL) {
		free(order);
		free(rank);
		return nomem(x);
	}
	for (i = 0; i < t->ngroups; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, t->ngroups, sizeof(*order), group_cmp, t);
	/* Groups without reports (an outcome nobody reached) go. */
	for (i = 0, k = 0; i < t->ngroups; i++) {
		rank[order[i]] = (uint32_t)k;
		if (t->groups[order[i]].reports > 0)
			g[k++] = t->groups[order[i]];
		else
			free(t->groups[order[i]].label);
	}
	free(t->groups);
	t->groups = g;
	t->ngroups = k;
	for (i = 0; i < x->ncells; i++)
		x->cells[i].group = rank[x->cells[i].group];
	free(order);
	free(rank);
	if (x->ncells > 1)
		qsort(x->cells, x->ncells, sizeof(*x->cells), cell_cmp);
	if ((t->rows = calloc(x->ncells + 1, sizeof(*t->rows))) == NULL)
		return nomem(x);
	for (i = 0, k = 0; i < x->ncells; i++) {
		if (x->cells[i].n == 0)
			continue;
		t->rows[k].day = x->cells[i].day;
		t->rows[k].group = x->cells[i].group;
		t->rows[k++].reports = x->cells[i].n;
		if (x->cells[i].day != CS_NODAY) {
			if (!t->has_days)
				t->first_day = x->cells[i].day;
			t->last_day = x->cells[i].day;
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
	if (x.filters && cs_query_keys(o->query, err) == -1)
		goto out;
	if (o->by == CS_TREND_ERROR && !x.filters) {
		/* Every report, with a chain or not: the store's totals. */
		if (cs_store_foreach_day(st, day_each, &x, err) == -1)
			goto out;
	} else if (cs_store_foreach_chain(st, chain_each, &x, err) == -1 ||
	    cs_store_foreach_chainday(st, chainday_each, &x, err) == -1)
		goto out;
	if (labels(&x) == -1 || finish(&x) == -1)
		goto out;
	ret = 0;
out:
	free(x.ch);
	free(x.cells);
	free(x.cidx);
	free(x.ids);
	free(x.leaf);
	free(x.gidx);
	free(x.rc);
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
