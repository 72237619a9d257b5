#include "certsift/merge.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>
#include <xxhash.h>

#include "certsift/buf.h"
#include "certsift/store.h"
#include "certsift/vec.h"
#include "internal.h"
#include "merge_int.h"
#include "store_int.h"

/*
 * A merge walks each input store's tables in key order and adds every
 * record to the output through the store's own writes (the ones ingest
 * uses), so that the output keeps what an ingest of all the files would
 * have kept. Certificates get the output's numbers (a new one is numbered
 * after the output's last, as ingest numbers it); chains, whose keys hash
 * their certificates' numbers, get the output's keys. No answer depends on
 * the numbers (every listing is ordered by counts, digests or names), so
 * merging in any order or grouping gives the same answers.
 *
 * The walk commits every commit_every records, each transaction with a
 * record of the job ("merge" in meta: the stores, the table and the last
 * key done), so that a merge killed at any moment is finished by the same
 * command: nothing is added twice, nothing left out. A new output is made
 * beside its path and renamed into place at the end.
 *
 * A new output of two stores or more (of this schema) is built instead by
 * merge_build.c, each table written once from all the stores' at once;
 * its job's record ("csmergeB") says which of the build's phases is next.
 */

#define DEFAULT_STEP	50000		/* records per transaction */
#define JOB_MAGIC	"csmerge1"
#define JOB_MAGIC_BUILD	"csmergeB"	/* row: the build's next phase */
#define POS_MAX		512		/* LMDB keys are at most 511 bytes */

struct input {
	const char	*path;		/* as given */
	char		*real;		/* realpath() */
	struct cs_store	*st;
	MDB_txn		*txn;		/* its snapshot, for the whole merge */
	unsigned char	 ident[16];	/* of its counters and hosts mode */
	unsigned char	 hosts[64];	/* its "hosts" record */
	size_t		 hosts_len;
	uint64_t	 counters[CS_N_COUNTERS];
	int		 skip;		/* out has all its files already */
};

struct chainpair {
	unsigned char	in[CS_KEY_LEN];
	unsigned char	out[CS_KEY_LEN];
};

/* A link new to the output: its hostname (in the input's map) and the
 * output's certificate. */
struct newlink {
	uint64_t	 pfx;		/* length, first 6 bytes: sorts fast */
	const char	*host;
	size_t		 len;
	unsigned char	 key[CS_KEY_LEN];
};

struct merge {
	const struct cs_merge_opts *o;
	struct cs_merge_sum	*sum;
	struct cs_store		*out;
	struct input		*in;		/* the job's stores */
	size_t			 nin;
	struct input		*cur;
	size_t			 icur;
	MDB_cursor		*incur[2];	/* cur's der, summ */
	struct cs_wtxn		*t;
	int			 db;		/* the row's table */
	int			 rebuilding;	/* maps only: no counts */
	uint64_t		 step;
	/* Certificates: the output's key for each input number. */
	unsigned char		(*cmap)[CS_KEY_LEN];
	size_t			 ncmap;
	/* Chains: input key -> output key, in input key order. */
	CS_VEC(struct chainpair) chains;
	/* The certificate-host row: new links of one certificate. */
	unsigned char		 hkey[CS_KEY_LEN];
	uint64_t		 hn;
	/* The transaction's new links: their hostnames' index and counts
	 * of certificates are written at its end, in key order. */
	CS_VEC(struct newlink)	 links;
	uint64_t		 n[CS_N_COUNTERS];	/* this step's */
	struct cs_buf		 buf;
	int			 fresh;		/* out is new */
	const char		*out_path;	/* as given */
	int			 nosync;	/* commits do not wait */
	int			 build;		/* merge_build.c's job */
	char			 boot[40];	/* this boot's id, or "" */
};

/* ---- rows: one per table of the input, with how it is combined ---------- */

/*
 * A row walks one table of each input in key order; each() adds a record
 * to the output. Tables written along with another (a certificate's DER
 * beside its counters) are named in also. A table that is in no row is
 * refused by every merge, so a table added to the store needs its row:
 * most are sum_same_key (u64 counts under keys that mean the same in every
 * store) or sum_by_chain (keys that begin with a chain's key, which the
 * output renumbers; sum_renamed() with cert_out() does the same for a
 * certificate's).
 */
struct row {
	const char	*table;
	const char	*also;
	int		(*each)(struct merge *, const MDB_val *, const MDB_val *,
			    struct cs_err *);
	int		(*flush)(struct merge *, struct cs_err *);
	int		 maps;	/* makes a map later rows use */
};

static int	merge_cert(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	merge_chain(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	sum_by_chain(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	merge_link(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	flush_links(struct merge *, struct cs_err *);
static int	merge_host(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	sum_same_key(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	merge_file(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	keep_later(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	merge_chainday(struct merge *, const MDB_val *, const MDB_val *,
		    struct cs_err *);
static int	valid_by_chain(struct merge *, const MDB_val *,
		    const MDB_val *, struct cs_err *);
static int	hostday_by_chain(struct merge *, const MDB_val *,
		    const MDB_val *, struct cs_err *);
static int	merge_chainhost(struct merge *, const MDB_val *,
		    const MDB_val *, struct cs_err *);
static int	merge_certcode(struct merge *, const MDB_val *,
		    const MDB_val *, struct cs_err *);

static const struct row rows[] = {
	{ "cert",	"der summ sha deridx",	merge_cert,	NULL,	1 },
	{ "chain",	NULL,			merge_chain,	NULL,	1 },
	{ "chainhost",	NULL,			merge_chainhost, NULL,	0 },
	{ "certhost",	"hostcert tophost",	merge_link,	flush_links, 0 },
	{ "host",	NULL,			merge_host,	NULL,	0 },
	{ "error",	NULL,			sum_same_key,	NULL,	0 },
	{ "files",	NULL,			merge_file,	NULL,	0 },
	{ "aiaurl",	NULL,			keep_later,	NULL,	0 },
	{ "aiacert",	NULL,			keep_later,	NULL,	0 },
	{ "day",	NULL,			sum_same_key,	NULL,	0 },
	{ "chainday",	NULL,			merge_chainday,	NULL,	0 },
	{ "chainvalid",	NULL,			valid_by_chain,	NULL,	0 },
	{ "chainhostday", NULL,			hostday_by_chain, NULL,	0 },
	{ "certcode",	NULL,			merge_certcode,	NULL,	0 },
	{ "hostcode",	NULL,			sum_same_key,	NULL,	0 },
};

#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* Tables merged outside the rows: "meta" (counters and hosts mode, at the
 * end of each store); "verdict", a cache, is not carried (a copy of the
 * largest store keeps its own: its keys hold in any store). */
static const char *const special[] = { "meta", "verdict" };

/* 1 when the space-separated list has name. */
static int
listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = list; p != NULL && *p != '\0'; ) {
		if (strncmp(p, name, len) == 0 && (p[len] == ' ' ||
		    p[len] == '\0'))
			return 1;
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	}
	return 0;
}

/* Every table of the store in a row: else no merge is exact. */
static int
check_rows(struct cs_err *err)
{
	size_t r, s;
	int db, ok;

	for (db = 0; db < cs_store_ndb(); db++) {
		const char *name = cs_store_db_name(db);

		ok = 0;
		for (r = 0; r < NROWS && !ok; r++)
			ok = strcmp(rows[r].table, name) == 0 ||
			    listed(rows[r].also, name);
		for (s = 0; s < sizeof(special) / sizeof(special[0]); s++)
			ok |= strcmp(special[s], name) == 0;
		if (!ok)
			return cs_err_set(err, CS_ESTORE, "merge has no rule "
			    "for table '%s'", name);
	}
	for (r = 0; r < NROWS; r++)
		if (cs_store_db_index(rows[r].table) == -1)
			return cs_err_set(err, CS_ESTORE, "merge has a row for "
			    "no table '%s'", rows[r].table);
	return 0;
}

/* The output's key of an input certificate key, or NULL. */
static const unsigned char *
cert_out(const struct merge *m, const unsigned char *ikey)
{
	uint64_t num = cs_be64(ikey);
	static const unsigned char zero[CS_KEY_LEN];

	if (num >= m->ncmap || memcmp(m->cmap[num], zero, CS_KEY_LEN) == 0)
		return NULL;
	return m->cmap[num];
}

/*
 * The record at k in the current store's table (der, summ): read through
 * a cursor kept for the store, since they come in key order (a read near
 * the last finds its page without a descent). which is 0 or 1.
 */
static int
input_get(struct merge *m, int which, const char *table, const MDB_val *k,
    MDB_val *v, struct cs_err *err)
{
	int db = cs_store_db_index(table), rc = 0;
	MDB_val key = *k;

	if (m->incur[which] == NULL)
		rc = mdb_cursor_open(m->cur->txn, cs_store_dbi(m->cur->st, db),
		    &m->incur[which]);
	if (rc != 0 || (rc = mdb_cursor_get(m->incur[which], &key, v,
	    MDB_SET_KEY)) != 0)
		return cs_err_set(err, CS_ESTORE, "store '%s': certificate "
		    "without its %s: %s", m->cur->path, table,
		    mdb_strerror(rc));
	return 0;
}

/* The store's cursors closed (before the next store's). */
static void
input_done(struct merge *m)
{
	size_t i;

	for (i = 0; i < sizeof(m->incur) / sizeof(m->incur[0]); i++) {
		if (m->incur[i] != NULL)
			mdb_cursor_close(m->incur[i]);
		m->incur[i] = NULL;
	}
}

static int
merge_cert(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	struct cs_certrec rec;
	struct cs_certdelta d;
	unsigned char okey[CS_KEY_LEN], hash[16];
	XXH128_hash_t h;
	MDB_val dv, sv;
	uint64_t num;
	int added, coll, ret = -1;

	if (k->mv_size != CS_KEY_LEN || (num = cs_be64(k->mv_data)) >= m->ncmap)
		return cs_err_set(err, CS_ESTORE, "store '%s': bad "
		    "certificate key", m->cur->path);
	if (cs_store_decode_cert(v, &rec, err) == -1)
		return -1;
	if (input_get(m, 0, "der", k, &dv, err) == -1 ||
	    input_get(m, 1, "summ", k, &sv, err) == -1)
		goto out;
	h = XXH3_128bits(dv.mv_data, dv.mv_size);
	memcpy(hash, &h, 16);
	if (cs_store_wcert(m->t, dv.mv_data, dv.mv_size, hash, sv.mv_data,
	    sv.mv_size, rec.cert.sha256, rec.issuer_id, okey, &added, &coll,
	    err) == -1)
		goto out;
	memcpy(m->cmap[num], okey, CS_KEY_LEN);
	if (m->rebuilding) {
		if (added) {
			cs_err_set(err, CS_ESTORE, "the merge's record does "
			    "not match the store");
			goto out;
		}
		ret = 0;
		goto out;
	}
	if (added) {
		m->n[CS_N_UNIQUE_CERTS]++;
		m->n[CS_N_CERTS_NEW]++;
		m->n[CS_N_COLLISIONS] += coll > 0;
	}
	memset(&d, 0, sizeof(d));
	d.count = rec.count;
	d.leaf_count = rec.leaf_count;
	d.seen = rec.seen;
	d.first_seen = rec.first_seen;
	d.last_seen = rec.last_seen;
	d.errs = rec.errs;
	d.nerrs = rec.nerrs;
	/* Its hostnames are counted as its links are merged. */
	ret = cs_store_wcert_add(m->t, okey, &d, err);
out:
	cs_certrec_release(&rec);
	return ret;
}

/*
 * A store of schema 5 (or older) has no times per code: its chain's times
 * stand for each of its codes, as when a writer upgrades it (store.h).
 * m->buf holds the chain's certificates, output keys.
 */
static int
codes_from_chain(struct merge *m, const struct cs_chainrec *rec,
    struct cs_err *err)
{
	size_t i, j;

	if (cs_store_has_codes(m->cur->st) || !rec->seen)
		return 0;
	for (i = 0; i < rec->nerrs; i++)
		for (j = 0; j < rec->ncerts; j++)
			if (cs_store_wcertcode(m->t, rec->errs[i].code,
			    (const unsigned char *)m->buf.data + j * CS_KEY_LEN,
			    rec->first_seen, rec->last_seen, err) == -1)
				return -1;
	return 0;
}

/* A (code, certificate)'s times: the earliest first, the latest last. */
static int
merge_certcode(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	const unsigned char *okey;
	int64_t t[2];

	if (k->mv_size != 4 + CS_KEY_LEN || v->mv_size != sizeof(t))
		return cs_err_set(err, CS_ESTORE, "bad record in table '%s'",
		    cs_store_db_name(m->db));
	if ((okey = cert_out(m, (const unsigned char *)k->mv_data + 4)) ==
	    NULL)
		return cs_err_set(err, CS_ESTORE, "store '%s': a record of "
		    "table '%s' for nothing the store has", m->cur->path,
		    cs_store_db_name(m->db));
	memcpy(t, v->mv_data, sizeof(t));
	return cs_store_wcertcode(m->t, cs_key_code(k->mv_data), okey, t[0], t[1],
	    err);
}

static int
merge_chain(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	struct cs_chainrec rec;
	struct cs_errcount *errs = NULL;
	struct cs_certdelta d;
	struct chainpair *p;
	const unsigned char *ok;
	size_t i;
	int added, ret = -1;

	if (cs_store_decode_chain(k, v, &rec, &errs, err) == -1)
		return -1;
	cs_buf_reset(&m->buf);
	for (i = 0; i < rec.ncerts; i++) {
		if ((ok = cert_out(m, rec.certs + i * CS_KEY_LEN)) == NULL) {
			cs_err_set(err, CS_ESTORE, "store '%s': a chain of an "
			    "unknown certificate", m->cur->path);
			goto out;
		}
		if (cs_buf_append(&m->buf, ok, CS_KEY_LEN, err) == -1)
			goto out;
	}
	memset(&d, 0, sizeof(d));
	if (!m->rebuilding) {
		d.count = rec.count;
		d.seen = rec.seen;
		d.first_seen = rec.first_seen;
		d.last_seen = rec.last_seen;
		d.errs = rec.errs;
		d.nerrs = rec.nerrs;
	}
	if (cs_vec_reserve(&m->chains, m->chains.n + 1) == -1) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	p = &m->chains.v[m->chains.n];
	memcpy(p->in, k->mv_data, CS_KEY_LEN);
	if (cs_store_wchain(m->t, m->buf.data, rec.ncerts, &d, p->out, &added,
	    err) == -1)
		goto out;
	m->chains.n++;
	if (added && m->rebuilding) {
		cs_err_set(err, CS_ESTORE, "the merge's record does not match "
		    "the store");
		goto out;
	}
	m->n[CS_N_UNIQUE_CHAINS] += added;
	if (!m->rebuilding && codes_from_chain(m, &rec, err) == -1)
		goto out;
	ret = 0;
out:
	free(errs);
	return ret;
}

/* The output's key of an input chain key, or NULL. */
static const unsigned char *
chain_out(const struct merge *m, const unsigned char *ikey)
{
	size_t lo = 0, hi = m->chains.n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = memcmp(m->chains.v[mid].in, ikey, CS_KEY_LEN)) == 0)
			return m->chains.v[mid].out;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A record under the same key in the output's table, counts summed. */
static int
sum_same_key(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	return cs_store_wsum(m->t, m->db, k->mv_data, k->mv_size, v->mv_data,
	    v->mv_size, NULL, err);
}

/* The same for keys that begin with a key the output renumbers. */
static int
sum_renamed(struct merge *m, const unsigned char *okey, const MDB_val *k,
    const MDB_val *v, struct cs_err *err)
{
	if (okey == NULL)
		return cs_err_set(err, CS_ESTORE, "store '%s': a record of "
		    "table '%s' for nothing the store has", m->cur->path,
		    cs_store_db_name(m->db));
	cs_buf_reset(&m->buf);
	if (cs_buf_append(&m->buf, okey, CS_KEY_LEN, err) == -1 ||
	    cs_buf_append(&m->buf, (const char *)k->mv_data + CS_KEY_LEN,
	    k->mv_size - CS_KEY_LEN, err) == -1)
		return -1;
	return cs_store_wsum(m->t, m->db, m->buf.data, m->buf.len, v->mv_data,
	    v->mv_size, NULL, err);
}

static int
sum_by_chain(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	if (k->mv_size < CS_KEY_LEN)
		return cs_err_set(err, CS_ESTORE, "bad key in table '%s'",
		    cs_store_db_name(m->db));
	return sum_renamed(m, chain_out(m, k->mv_data), k, v, err);
}

/*
 * A (chain, code, host)'s reports; from a store without reports per code
 * and hostname (schema 5 or older), those too, as an upgrade makes them.
 */
static int
merge_chainhost(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	const unsigned char *d = k->mv_data;
	uint64_t n;

	if (sum_by_chain(m, k, v, err) == -1)
		return -1;
	if (cs_store_has_codes(m->cur->st) || k->mv_size <= CS_KEY_LEN + 5 ||
	    !d[CS_KEY_LEN] || v->mv_size != sizeof(n))
		return 0;
	memcpy(&n, v->mv_data, sizeof(n));
	return cs_store_whostcode(m->t, cs_key_code(d + CS_KEY_LEN + 1),
	    (const char *)d + CS_KEY_LEN + 5, k->mv_size - CS_KEY_LEN - 5, n,
	    err);
}

/*
 * A (chain, code, host) row of entries of size bytes (store.h's
 * cs_validity, cs_hostday) under the output's chain key, merged entry by
 * entry by w.
 */
static int
entries_by_chain(struct merge *m, const MDB_val *k, const MDB_val *v,
    size_t size, int (*w)(struct cs_wtxn *, const unsigned char *, size_t,
    const void *, size_t, struct cs_err *), struct cs_err *err)
{
	const unsigned char *okey;

	if (k->mv_size < CS_KEY_LEN + 5 || v->mv_size % size != 0)
		return cs_err_set(err, CS_ESTORE, "bad record in table '%s'",
		    cs_store_db_name(m->db));
	if ((okey = chain_out(m, k->mv_data)) == NULL)
		return cs_err_set(err, CS_ESTORE, "store '%s': a record of "
		    "table '%s' for nothing the store has", m->cur->path,
		    cs_store_db_name(m->db));
	cs_buf_reset(&m->buf);
	if (cs_buf_append(&m->buf, okey, CS_KEY_LEN, err) == -1 ||
	    cs_buf_append(&m->buf, (const char *)k->mv_data + CS_KEY_LEN,
	    k->mv_size - CS_KEY_LEN, err) == -1)
		return -1;
	return w(m->t, m->buf.data, m->buf.len, v->mv_data, v->mv_size / size,
	    err);
}

/* A chain's validity entries (store.h): merged entry by entry. */
static int
valid_by_chain(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	return entries_by_chain(m, k, v, sizeof(struct cs_validity),
	    cs_store_wvalidity_key, err);
}

/* A (chain, code, host)'s days (store.h): merged entry by entry. */
static int
hostday_by_chain(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	return entries_by_chain(m, k, v, sizeof(struct cs_hostday),
	    cs_store_whostday_key, err);
}

/* A chain's days: its (day, code) counts, summed into the output's. */
static int
merge_chainday(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	const unsigned char *okey;

	if (k->mv_size != CS_KEY_LEN || (okey = chain_out(m, k->mv_data)) ==
	    NULL)
		return cs_err_set(err, CS_ESTORE, "store '%s': days of an "
		    "unknown chain", m->cur->path);
	return cs_store_wchainday_raw(m->t, okey, v->mv_data, v->mv_size,
	    err);
}

/*
 * The reports a store counts without days (all of them when it has no
 * day tables) have none in the output either.
 */
static int
days_before(struct merge *m, struct cs_err *err)
{
	struct cs_daysinfo di;

	if (cs_store_days_info(m->cur->st, &di, err) == -1)
		return -1;
	if (!di.kept)
		di.reports_before = m->cur->counters[CS_N_REPORTS_ACCEPTED];
	if (di.reports_before == 0)
		return 0;
	return cs_store_wdays_before(m->t, di.reports_before, di.since, err);
}

/* The new links of the last certificate: its count of hostnames. */
static int
flush_cert_hosts(struct merge *m, struct cs_err *err)
{
	struct cs_certdelta d;

	if (m->hn == 0)
		return 0;
	memset(&d, 0, sizeof(d));
	d.hosts = m->hn;
	m->hn = 0;
	return cs_store_wcert_add(m->t, m->hkey, &d, err);
}

/* In the order of the index of hostnames (store.h): length, name, key. */
static int
newlink_cmp(const void *a, const void *b)
{
	const struct newlink *x = a, *y = b;
	int c;

	if (x->pfx != y->pfx)
		return x->pfx < y->pfx ? -1 : 1;
	if ((c = memcmp(x->host, y->host, x->len)) != 0)
		return c;
	return memcmp(x->key, y->key, CS_KEY_LEN);
}

/*
 * The transaction's new links, the other way: each in the index of
 * hostnames, and each hostname's count of certificates once, in key order
 * (sorted writes find their page without a descent from the root).
 */
static int
flush_links(struct merge *m, struct cs_err *err)
{
	const struct newlink *l, *end;
	uint64_t run;
	int hadded;

	if (flush_cert_hosts(m, err) == -1)
		return -1;
	if (m->links.n == 0)
		return 0;
	qsort(m->links.v, m->links.n, sizeof(*m->links.v), newlink_cmp);
	for (l = m->links.v, end = l + m->links.n; l < end; l++)
		if (cs_store_whostcert(m->t, l->host, l->len, l->key, err) ==
		    -1)
			return -1;
	for (l = m->links.v; l < end; l += run) {
		for (run = 1; l + run < end && l[run].len == l->len &&
		    memcmp(l[run].host, l->host, l->len) == 0; run++)
			;
		if (cs_store_whost(m->t, l->host, l->len, 0, run, &hadded,
		    err) == -1)
			return -1;
		m->n[CS_N_UNIQUE_HOSTS] += hadded;
	}
	m->links.n = 0;
	return 0;
}

static int
merge_link(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	struct newlink nl;
	const unsigned char *okey;
	const char *host;
	size_t len, i;
	uint64_t n;
	int added;

	if (k->mv_size < CS_KEY_LEN || v->mv_size != sizeof(n))
		return cs_err_set(err, CS_ESTORE, "store '%s': bad host link",
		    m->cur->path);
	if ((okey = cert_out(m, k->mv_data)) == NULL)
		return cs_err_set(err, CS_ESTORE, "store '%s': a link of an "
		    "unknown certificate", m->cur->path);
	if (m->hn > 0 && memcmp(m->hkey, okey, CS_KEY_LEN) != 0 &&
	    flush_cert_hosts(m, err) == -1)
		return -1;
	memcpy(&n, v->mv_data, sizeof(n));
	host = (const char *)k->mv_data + CS_KEY_LEN;
	len = k->mv_size - CS_KEY_LEN;
	if (cs_store_wcerthost(m->t, okey, host, len, n, &added, err) == -1)
		return -1;
	if (!added)
		return 0;
	/* A link new to the output: one more host for the certificate; the
	 * index the other way and one more certificate for the host at the
	 * step's end (flush_links()). */
	nl.pfx = (uint64_t)len << 48;
	for (i = 0; i < 6 && i < len; i++)
		nl.pfx |= (uint64_t)(unsigned char)host[i] << (40 - 8 * i);
	nl.host = host;
	nl.len = len;
	memcpy(nl.key, okey, CS_KEY_LEN);
	if (cs_vec_push(&m->links, nl) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	memcpy(m->hkey, okey, CS_KEY_LEN);
	m->hn++;
	return 0;
}

static int
merge_host(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	uint64_t reports;
	int added;

	if (v->mv_size != 2 * sizeof(reports))
		return cs_err_set(err, CS_ESTORE, "store '%s': bad host record",
		    m->cur->path);
	/* Its certificates were counted with its links. */
	memcpy(&reports, v->mv_data, sizeof(reports));
	if (cs_store_whost(m->t, k->mv_data, k->mv_size, reports, 0, &added,
	    err) == -1)
		return -1;
	m->n[CS_N_UNIQUE_HOSTS] += added;
	return 0;
}

/* A file's record: the output keeps the further of two (--allow-overlap). */
static int
merge_file(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	MDB_val ov;
	int rc;

	if (k->mv_size != 24 || v->mv_size < sizeof(struct cs_fileprog))
		return cs_err_set(err, CS_ESTORE, "store '%s': bad file "
		    "record", m->cur->path);
	if ((rc = cs_store_wget(m->t, m->db, k->mv_data, 24, &ov, err)) == -1)
		return -1;
	if (rc == 1 && ov.mv_size >= sizeof(struct cs_fileprog) &&
	    !cs_merge_further(v->mv_data, ov.mv_data))
		return 0;
	return cs_store_wput(m->t, m->db, k->mv_data, 24, v->mv_data,
	    v->mv_size, err);
}

/*
 * Records that begin with when they were made (an int64, as AIA's fetches):
 * the output keeps the later of two, ties by their bytes, so that any
 * order of merges keeps the same one.
 */
static int
keep_later(struct merge *m, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	MDB_val ov;
	int rc;

	if (v->mv_size < sizeof(int64_t))
		return cs_err_set(err, CS_ESTORE, "store '%s': bad record in "
		    "table '%s'", m->cur->path, cs_store_db_name(m->db));
	if ((rc = cs_store_wget(m->t, m->db, k->mv_data, k->mv_size, &ov,
	    err)) == -1)
		return -1;
	if (rc == 1 && ov.mv_size >= sizeof(int64_t) &&
	    !cs_merge_later(v->mv_data, v->mv_size, ov.mv_data, ov.mv_size))
		return 0;
	return cs_store_wput(m->t, m->db, k->mv_data, k->mv_size, v->mv_data,
	    v->mv_size, err);
}

/* ---- the job's record ---------------------------------------------------- */

struct job {
	uint32_t	 nin;
	uint32_t	 cur;		/* the store being merged */
	uint32_t	 row;		/* its row; NROWS: its counters */
	uint32_t	 poslen;	/* 0: the row from its start */
	unsigned char	 pos[POS_MAX];	/* the last key done */
};

static int
job_encode(const struct merge *m, const struct job *j, struct cs_buf *b,
    struct cs_err *err)
{
	size_t i;

	cs_buf_reset(b);
	if (cs_buf_append(b, m->build ? JOB_MAGIC_BUILD : JOB_MAGIC, 8,
	    err) == -1 ||
	    cs_buf_append(b, j, offsetof(struct job, pos), err) == -1 ||
	    cs_buf_append(b, j->pos, j->poslen, err) == -1)
		return -1;
	for (i = 0; i < m->nin; i++) {
		const struct input *in = &m->in[i];
		uint32_t len = (uint32_t)strlen(in->real);
		unsigned char skip = (unsigned char)in->skip;

		if (cs_buf_append(b, &skip, 1, err) == -1 ||
		    cs_buf_append(b, in->ident, 16, err) == -1 ||
		    cs_buf_append(b, &len, 4, err) == -1 ||
		    cs_buf_append(b, in->real, len, err) == -1)
			return -1;
	}
	return 0;
}

/* Writes the job's record in the step's transaction. */
static int
job_put(struct merge *m, const struct job *j, struct cs_err *err)
{
	struct cs_buf b = CS_BUF_INIT;
	int rc;

	if (job_encode(m, j, &b, err) == -1) {
		cs_buf_release(&b);
		return -1;
	}
	rc = cs_store_wput(m->t, cs_store_db_index("meta"), "merge", 5,
	    b.data, b.len, err);
	cs_buf_release(&b);
	return rc;
}

/*
 * Reads a job's record (1, 0 when there is none). Its stores must be the
 * ones given, unchanged, each once: then m->in takes the job's order and
 * skips.
 */
static int
job_resume(struct merge *m, const unsigned char *p, size_t len,
    struct job *j, const char *out, struct cs_err *err)
{
	const unsigned char *end = p + len;
	struct input tmp;
	size_t i, k;
	uint32_t n;

	if (len < 8 + offsetof(struct job, pos) || (memcmp(p, JOB_MAGIC, 8) &&
	    memcmp(p, JOB_MAGIC_BUILD, 8)))
		goto bad;
	m->build = memcmp(p, JOB_MAGIC_BUILD, 8) == 0;
	p += 8;
	memcpy(j, p, offsetof(struct job, pos));
	p += offsetof(struct job, pos);
	if (j->poslen > POS_MAX || (size_t)(end - p) < j->poslen ||
	    j->row > (m->build ? (uint32_t)cs_merge_build_phases() : NROWS))
		goto bad;
	memcpy(j->pos, p, j->poslen);
	p += j->poslen;
	if (j->nin != m->nin)
		goto other;
	for (i = 0; i < j->nin; i++) {
		if (end - p < 21)
			goto bad;
		memcpy(&n, p + 17, 4);
		if ((size_t)(end - p - 21) < n)
			goto bad;
		for (k = i; k < m->nin; k++)
			if (strlen(m->in[k].real) == n && memcmp(m->in[k].real,
			    p + 21, n) == 0)
				break;
		if (k == m->nin)
			goto other;
		if (memcmp(m->in[k].ident, p + 1, 16) != 0)
			return cs_err_set(err, CS_EUSAGE, "store '%s' has "
			    "changed since the merge into '%s' began; merge "
			    "into a new store", m->in[k].path, out);
		tmp = m->in[i];
		m->in[i] = m->in[k];
		m->in[k] = tmp;
		m->in[i].skip = p[0];
		p += 21 + n;
	}
	return 1;
bad:
	return cs_err_set(err, CS_ESTORE, "'%s': bad record of a merge", out);
other:
	return cs_err_set(err, CS_EUSAGE, "'%s' holds an unfinished merge of "
	    "other stores; run that merge again to finish it", out);
}

/* The last transaction: no record of the job left. */
static int
job_end(struct merge *m, struct cs_err *err)
{
	int meta = cs_store_db_index("meta");

	if (cs_store_wdel(m->t, meta, "merge", 5, err) == -1)
		return -1;
	return cs_store_wdel(m->t, meta, "mergeboot", 9, err);
}

/* ---- the walk ------------------------------------------------------------ */

/* Positions cur at the first key after pos (the first, when poslen 0). */
static int
seek_after(MDB_cursor *cur, const unsigned char *pos, size_t poslen,
    MDB_val *k, MDB_val *v)
{
	int rc;

	if (poslen == 0)
		return mdb_cursor_get(cur, k, v, MDB_FIRST);
	k->mv_data = (void *)pos;
	k->mv_size = poslen;
	if ((rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE)) != 0)
		return rc;
	if (k->mv_size == poslen && memcmp(k->mv_data, pos, poslen) == 0)
		return mdb_cursor_get(cur, k, v, MDB_NEXT);
	return 0;
}

/*
 * One step of a row: records after j->pos, in m->t, until *done reaches
 * m->step; j moves past them (to the next row when the table ends).
 * Returns 0 or -1.
 */
static int
step(struct merge *m, struct job *j, uint64_t *done, struct cs_err *err)
{
	const struct row *r = &rows[j->row];
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t n = 0;
	int rc;

	m->db = cs_store_db_index(r->table);
	if (!cs_store_has_db(m->cur->st, m->db)) {
		j->row++;
		j->poslen = 0;
		return 0;
	}
	if ((rc = mdb_cursor_open(m->cur->txn, cs_store_dbi(m->cur->st,
	    m->db), &cur)) != 0)
		return cs_err_set(err, CS_ESTORE, "store '%s': %s",
		    m->cur->path, mdb_strerror(rc));
	for (rc = seek_after(cur, j->pos, j->poslen, &k, &v); rc == 0 &&
	    *done + n < m->step; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT),
	    n++) {
		if (k.mv_size > POS_MAX) {
			rc = MDB_BAD_VALSIZE;
			break;
		}
		if (r->each(m, &k, &v, err) == -1) {
			mdb_cursor_close(cur);
			return -1;
		}
		memcpy(j->pos, k.mv_data, k.mv_size);
		j->poslen = (uint32_t)k.mv_size;
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return cs_err_set(err, CS_ESTORE, "store '%s': %s",
		    m->cur->path, mdb_strerror(rc));
	if (r->flush != NULL && r->flush(m, err) == -1)
		return -1;
	*done += n;
	if (rc == MDB_NOTFOUND) {
		j->row++;
		j->poslen = 0;
	}
	return 0;
}

/* The counters a store adds: all but those the merge counts itself. */
static void
store_counters(const struct input *in, uint64_t n[CS_N_COUNTERS])
{
	int i;

	for (i = 0; i < CS_N_COUNTERS; i++)
		n[i] += in->counters[i];
	n[CS_N_UNIQUE_CERTS] -= in->counters[CS_N_UNIQUE_CERTS];
	n[CS_N_UNIQUE_CHAINS] -= in->counters[CS_N_UNIQUE_CHAINS];
	n[CS_N_UNIQUE_HOSTS] -= in->counters[CS_N_UNIQUE_HOSTS];
	n[CS_N_CERTS_NEW] -= in->counters[CS_N_CERTS_NEW];
	n[CS_N_COLLISIONS] -= in->counters[CS_N_COLLISIONS];
}

/*
 * Commits one step of the job: m->step records of the current store,
 * through as many of its rows as they take (then its counters), with the
 * job's new record (none once the last store is done). A full map is
 * grown and the step done again: what the step changed in m is put back
 * first.
 */
static int
commit_step(struct merge *m, struct job *j, struct cs_err *err)
{
	struct job saved = *j;
	size_t nchains = m->chains.n;
	uint64_t hn = m->hn, done = 0;
	unsigned char hkey[CS_KEY_LEN];
	uint32_t last;
	int tries, rc;

	memcpy(hkey, m->hkey, CS_KEY_LEN);
	for (tries = 0; tries < 64; tries++) {
		*j = saved;
		m->chains.n = nchains;
		m->hn = hn;
		m->links.n = 0;
		memcpy(m->hkey, hkey, CS_KEY_LEN);
		memset(m->n, 0, sizeof(m->n));
		done = 0;
		cs_store_reserve(m->out, 64 << 20);
		if (cs_store_wbegin(m->out, &m->t, err) == -1)
			return -1;
		rc = 0;
		last = j->row;
		while (rc == 0 && j->cur == m->icur && done < m->step) {
			if (j->row < NROWS) {
				last = j->row;
				rc = step(m, j, &done, err);
				continue;
			}
			if (!m->cur->skip) {
				store_counters(m->cur, m->n);
				rc = days_before(m, err);
			}
			j->cur++;
			j->row = 0;
			j->poslen = 0;
		}
		if (rc == 0)
			rc = cs_store_wcounters(m->t, m->n, err);
		if (rc == 0 && j->cur < j->nin)
			rc = job_put(m, j, err);
		else if (rc == 0)
			rc = job_end(m, err);
		if ((rc = cs_store_wend(&m->t, rc == 0, err)) == 0) {
			m->sum->certs_added += m->n[CS_N_UNIQUE_CERTS];
			if (m->o->progress != NULL && last < NROWS)
				m->o->progress(m->o->arg, saved.cur + 1,
				    m->nin, rows[last].table, done);
			return 0;
		}
		if (rc == -1)
			return -1;
	}
	return -1;
}

/* Calls the row's each() for the keys up to the job's last key done. */
static int
rebuild_upto(struct merge *m, int row, const struct job *j,
    struct cs_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	m->db = cs_store_db_index(rows[row].table);
	if ((rc = mdb_cursor_open(m->cur->txn, cs_store_dbi(m->cur->st,
	    m->db), &cur)) != 0)
		return cs_err_set(err, CS_ESTORE, "store '%s': %s",
		    m->cur->path, mdb_strerror(rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		MDB_val p = { j->poslen, (void *)j->pos };

		if (mdb_cmp(m->cur->txn, cs_store_dbi(m->cur->st, m->db), &k,
		    &p) > 0)
			break;
		if ((ret = rows[row].each(m, &k, &v, err)) == -1)
			break;
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		return cs_err_set(err, CS_ESTORE, "store '%s': %s",
		    m->cur->path, mdb_strerror(rc));
	return ret;
}

/*
 * After a restart: the maps of the rows done (up to the last key done in
 * the current one), made again by looking each record up, in a
 * transaction that is then dropped.
 */
static int
rebuild(struct merge *m, const struct job *j, struct cs_err *err)
{
	struct job w;
	uint32_t r;
	int tries;

	for (tries = 0; tries < 64; tries++) {
		m->chains.n = 0;
		m->rebuilding = 1;
		cs_store_reserve(m->out, 64 << 20);
		if (cs_store_wbegin(m->out, &m->t, err) == -1)
			break;
		for (r = 0; r <= j->row && r < NROWS; r++) {
			if (!rows[r].maps)
				continue;
			memset(&w, 0, sizeof(w));
			w.row = r;
			m->step = UINT64_MAX;
			if (r == j->row) {
				/* Up to the last key done: walk the table
				 * from its start, stopping there. */
				if (j->poslen > 0 && rebuild_upto(m, (int)r,
				    j, err) == -1)
					goto fail;
				continue;
			}
			{
				uint64_t done = 0;

				if (step(m, &w, &done, err) == -1)
					goto fail;
			}
		}
		cs_store_wabort(m->t);
		m->t = NULL;
		m->rebuilding = 0;
		return 0;
fail:
		cs_store_wabort(m->t);
		m->t = NULL;
		if (err->code != CS_EFULL)
			break;
	}
	m->rebuilding = 0;
	return -1;
}

/* ---- the stores ---------------------------------------------------------- */

static int
open_input(struct input *in, struct cs_err *err)
{
	XXH3_state_t *xs = NULL;
	XXH128_hash_t h;
	MDB_dbi meta;
	MDB_val k, v;
	int rc;

	if ((in->real = realpath(in->path, NULL)) == NULL)
		return cs_err_set(err, errno == ENOENT ? CS_ENOTFOUND : CS_EIO,
		    "cannot open store '%s': %s", in->path, strerror(errno));
	if (cs_store_open(in->path, CS_STORE_RDONLY, &in->st, err) == -1 ||
	    cs_store_rtxn_begin(in->st, &in->txn, err) == -1)
		return -1;
	meta = cs_store_dbi(in->st, cs_store_db_index("meta"));
	k.mv_data = "counters";
	k.mv_size = 8;
	if ((rc = mdb_get(in->txn, meta, &k, &v)) == 0)
		memcpy(in->counters, v.mv_data, v.mv_size <
		    sizeof(in->counters) ? v.mv_size : sizeof(in->counters));
	else if (rc != MDB_NOTFOUND)
		return cs_err_set(err, CS_ESTORE, "store '%s': %s", in->path,
		    mdb_strerror(rc));
	k.mv_data = "merge";
	k.mv_size = 5;
	if ((rc = mdb_get(in->txn, meta, &k, &v)) == 0)
		return cs_err_set(err, CS_EUSAGE, "store '%s' holds an "
		    "unfinished merge (run that merge again to finish it)",
		    in->path);
	k.mv_data = "hosts";
	if ((rc = mdb_get(in->txn, meta, &k, &v)) == 0 && v.mv_size <=
	    sizeof(in->hosts)) {
		memcpy(in->hosts, v.mv_data, v.mv_size);
		in->hosts_len = v.mv_size;
	}
	/* What it holds, as far as a merge cares: any ingest or merge into
	 * it changes its counters. */
	if ((xs = XXH3_createState()) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	XXH3_128bits_reset(xs);
	XXH3_128bits_update(xs, in->counters, sizeof(in->counters));
	XXH3_128bits_update(xs, in->hosts, in->hosts_len);
	h = XXH3_128bits_digest(xs);
	XXH3_freeState(xs);
	memcpy(in->ident, &h, 16);
	return 0;
}

static void
close_input(struct input *in)
{
	if (in->txn != NULL)
		mdb_txn_abort(in->txn);
	cs_store_close(in->st);
	free(in->real);
}

static void
note(const struct merge *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(const struct merge *m, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (m->o->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	m->o->note(m->o->arg, msg);
}

/* The stores must keep hostnames the same way (and out, if it says). */
static int
check_hosts(struct merge *m, const unsigned char *orec, size_t olen,
    const char *out, struct cs_err *err)
{
	const unsigned char *rec = orec;
	const char *who = out;
	char a[64], b[64];
	size_t i, len = olen;

	for (i = 0; i < m->nin; i++) {
		const struct input *in = &m->in[i];

		if (in->hosts_len == 0) {
			note(m, "store '%s' does not record how it keeps "
			    "hostnames (made before schema 5): taken to be as "
			    "the others", in->path);
			continue;
		}
		if (len == 0) {
			rec = in->hosts;
			len = in->hosts_len;
			who = in->path;
			continue;
		}
		if (len != in->hosts_len || memcmp(rec, in->hosts, len) != 0) {
			cs_store_hosts_describe(rec, len, a, sizeof(a));
			cs_store_hosts_describe(in->hosts, in->hosts_len, b,
			    sizeof(b));
			return cs_err_set(err, CS_EUSAGE, "stores keep "
			    "hostnames differently: '%s' %s, '%s' %s", who, a,
			    in->path, b);
		}
	}
	return 0;
}

struct fent {
	unsigned char		 id[24];
	struct cs_fileprog	 p;
	size_t			 in;
	const char		*name;
	size_t			 namelen;
};

static int
fent_cmp(const void *a, const void *b)
{
	const struct fent *x = a, *y = b;
	int c;

	if ((c = memcmp(x->id, y->id, 24)) != 0)
		return c;
	return x->in < y->in ? -1 : x->in > y->in;
}

static void
fent_name(const struct fent *f, char *buf, size_t size)
{
	int i;

	if (f->namelen > 0) {
		snprintf(buf, size, "%.*s", (int)f->namelen, f->name);
		return;
	}
	snprintf(buf, size, "content id ");
	for (i = 0; i < 12; i++)
		snprintf(buf + 11 + 2 * i, size - 11 - 2 * i, "%02x",
		    f->id[i]);
}

/*
 * Files: a store whose files out has already, each as far, was merged
 * before and is skipped; otherwise a file in two places would be counted
 * twice.
 */
static int
check_files(struct merge *m, MDB_txn *otxn, const char *out,
    struct cs_err *err)
{
	struct fent *v = NULL, *p;
	size_t n = 0, cap = 0, i, first, nover = 0, same;
	MDB_dbi odbi = cs_store_dbi(m->out, cs_store_db_index("files"));
	MDB_cursor *cur;
	MDB_val k, val, ov;
	char name[300];
	int rc, ret = -1, inout;
	const struct fent *o1 = NULL, *o2 = NULL;
	int o2out = 0;

	for (i = 0; i < m->nin; i++) {
		struct input *in = &m->in[i];

		if ((rc = mdb_cursor_open(in->txn, cs_store_dbi(in->st,
		    cs_store_db_index("files")), &cur)) != 0) {
			cs_err_set(err, CS_ESTORE, "store '%s': %s", in->path,
			    mdb_strerror(rc));
			goto out;
		}
		first = n;
		same = 0;
		for (rc = mdb_cursor_get(cur, &k, &val, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
			if (k.mv_size != 24 || val.mv_size <
			    sizeof(struct cs_fileprog))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				if ((p = realloc(v, cap * sizeof(*v))) ==
				    NULL) {
					mdb_cursor_close(cur);
					cs_err_set(err, CS_ENOMEM, "out of "
					    "memory");
					goto out;
				}
				v = p;
			}
			p = &v[n++];
			memcpy(p->id, k.mv_data, 24);
			memcpy(&p->p, val.mv_data, sizeof(p->p));
			p->in = i;
			p->name = (const char *)val.mv_data + sizeof(p->p);
			p->namelen = val.mv_size - sizeof(p->p);
			if (mdb_get(otxn, odbi, &k, &ov) == 0 && ov.mv_size >=
			    sizeof(p->p) && memcmp(ov.mv_data, &p->p,
			    sizeof(p->p)) == 0)
				same++;
		}
		mdb_cursor_close(cur);
		if (n > first && same == n - first) {
			in->skip = 1;
			n = first;
			m->sum->skipped++;
			note(m, "store '%s' is merged into '%s' already: "
			    "skipped", in->path, out);
		}
	}
	qsort(v, n, sizeof(*v), fent_cmp);
	for (i = 0; i < n; i++) {
		k.mv_data = v[i].id;
		k.mv_size = 24;
		inout = mdb_get(otxn, odbi, &k, &ov) == 0;
		if (inout || (i > 0 && memcmp(v[i - 1].id, v[i].id, 24) == 0)) {
			nover++;
			if (o1 == NULL) {
				o1 = &v[i];
				o2 = inout ? NULL : &v[i - 1];
				o2out = inout;
			}
		}
	}
	m->sum->overlapping = nover;
	if (nover > 0 && !m->o->allow_overlap) {
		fent_name(o1, name, sizeof(name));
		cs_err_set(err, CS_EUSAGE, "file '%s' is in both '%s' and "
		    "'%s'%s: its reports would count twice (--allow-overlap "
		    "sums them)", name, o2out ? out : m->in[o2->in].path,
		    m->in[o1->in].path, nover > 1 ? ", and more files in more "
		    "than one store" : "");
		goto out;
	}
	if (nover > 0)
		note(m, "%zu files are in more than one store: their reports "
		    "are summed (--allow-overlap)", nover);
	ret = 0;
out:
	free(v);
	return ret;
}

/* This boot's id, or "" when the system does not say. */
static void
boot_id(char id[40])
{
	FILE *f;
	size_t n;

	id[0] = '\0';
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "re")) == NULL)
		return;
	n = fread(id, 1, 36, f);
	fclose(f);
	id[n == 36 ? 36 : 0] = '\0';
}

/*
 * A new output is written without waiting for the disk (it is synced
 * once, before it is renamed into place): its job's record then holds
 * the boot's id, and after a reboot (the output may be damaged) the merge
 * is begun again. 1 when the job's commits may go on without waiting,
 * 0 when they must wait, -1 when the output must be made again.
 */
static int
boot_check(const struct merge *m, MDB_txn *otxn, MDB_dbi meta)
{
	MDB_val k = { 9, "mergeboot" }, v;

	if (mdb_get(otxn, meta, &k, &v) != 0)
		return 0;
	if (m->boot[0] == '\0' || v.mv_size != 36 || memcmp(v.mv_data,
	    m->boot, 36) != 0)
		return -1;
	return 1;
}

/*
 * A new output's leftovers from a merge killed before it began, or
 * begun before a restart: none, in one transaction (a kill leaves the
 * leftovers or nothing). Only the schema's record stays.
 */
static int
wipe(struct merge *m, struct cs_err *err)
{
	int db, rc, meta = cs_store_db_index("meta");
	uint32_t schema = 0;
	MDB_val v;

	if (cs_store_wbegin(m->out, &m->t, err) == -1)
		return -1;
	if ((rc = cs_store_wget(m->t, meta, "schema", 6, &v, err)) == -1)
		goto fail;
	if (rc == 0 || v.mv_size != sizeof(schema)) {
		cs_err_set(err, CS_ESTORE, "'%s': no schema", m->out_path);
		goto fail;
	}
	memcpy(&schema, v.mv_data, sizeof(schema));
	for (db = 0, rc = 0; db < cs_store_ndb() && rc == 0; db++)
		if (cs_store_has_db(m->out, db))
			rc = mdb_drop(cs_store_wtxn_mdb(m->t),
			    cs_store_dbi(m->out, db), 0);
	if (rc != 0) {
		cs_err_set(err, CS_ESTORE, "cannot empty '%s': %s",
		    m->out_path, mdb_strerror(rc));
		goto fail;
	}
	if (cs_store_wput(m->t, meta, "schema", 6, &schema, sizeof(schema),
	    err) == -1)
		goto fail;
	rc = cs_store_wcommit(m->t, err);
	m->t = NULL;
	return rc;
fail:
	cs_store_wabort(m->t);
	m->t = NULL;
	return -1;
}

/*
 * Looks at out and the stores before anything is written: the job's
 * record if a merge was interrupted (1), else the checks (0), or -1.
 */
static int
prepare(struct merge *m, struct job *j, const char *out, int fresh,
    struct cs_err *err)
{
	MDB_txn *otxn;
	MDB_dbi meta;
	MDB_val k = { 5, "merge" }, v;
	unsigned char orec[64];
	size_t olen = 0;
	int rc;

	if (cs_store_rtxn_begin(m->out, &otxn, err) == -1)
		return -1;
	meta = cs_store_dbi(m->out, cs_store_db_index("meta"));
	if ((rc = mdb_get(otxn, meta, &k, &v)) == 0 && (!fresh ||
	    (m->nosync = boot_check(m, otxn, meta)) != -1)) {
		rc = job_resume(m, v.mv_data, v.mv_size, j, out, err);
		mdb_txn_abort(otxn);
		return rc;
	}
	if (rc == 0)
		note(m, "the interrupted merge into '%s' was written before the "
		    "system restarted: begun again", out);
	m->nosync = 0;
	if (fresh) {
		/* Made by a merge killed before its first commit, or after
		 * its last but before the rename: begun again. */
		mdb_txn_abort(otxn);
		if (wipe(m, err) == -1 || cs_store_rtxn_begin(m->out, &otxn,
		    err) == -1)
			return -1;
		meta = cs_store_dbi(m->out, cs_store_db_index("meta"));
	}
	k.mv_data = "hosts";
	if (mdb_get(otxn, meta, &k, &v) == 0 && v.mv_size <= sizeof(orec)) {
		memcpy(orec, v.mv_data, v.mv_size);
		olen = v.mv_size;
	}
	rc = check_hosts(m, orec, olen, out, err);
	if (rc == 0)
		rc = check_files(m, otxn, out, err);
	mdb_txn_abort(otxn);
	if (rc == -1)
		return -1;
	memset(j, 0, sizeof(*j));
	j->nin = (uint32_t)m->nin;
	return 0;
}

/*
 * A new output begins as a copy of the largest store of this schema
 * (LMDB's compacting copy: its pages written once, in key order), which
 * is then done: the job begins at the next store. The copy's numbers are
 * those a merge into the empty output would have given.
 */
/*
 * The largest store of this schema first (-1 when none is): the one a
 * new output begins as, or whose numbers a build keeps.
 */
static int
largest_first(struct merge *m)
{
	struct input tmp;
	uint64_t size, best = 0;
	size_t i, pick = m->nin;

	for (i = 0; i < m->nin; i++) {
		const uint64_t *c = m->in[i].counters;

		size = c[CS_N_UNIQUE_CERTS] + c[CS_N_UNIQUE_CHAINS] +
		    c[CS_N_UNIQUE_HOSTS];
		if ((pick == m->nin || size > best) &&
		    cs_store_current(m->in[i].st)) {
			pick = i;
			best = size;
		}
	}
	if (pick == m->nin)
		return -1;
	tmp = m->in[0];
	m->in[0] = m->in[pick];
	m->in[pick] = tmp;
	return 0;
}

static int
seed(struct merge *m, struct job *j, struct cs_err *err)
{
	if (largest_first(m) == -1)
		return 0;
	if (cs_store_replace(m->out, m->in[0].st, err) == -1)
		return -1;
	j->cur = 1;
	m->sum->stores++;
	m->sum->certs_added += m->in[0].counters[CS_N_UNIQUE_CERTS];
	return 0;
}

/* The first transaction: the job's record, and out's hosts mode. */
static int
begin_job(struct merge *m, const struct job *j, struct cs_err *err)
{
	int meta = cs_store_db_index("meta"), rc;
	size_t i;
	MDB_val v;

	for (;;) {
		if (cs_store_wbegin(m->out, &m->t, err) == -1)
			return -1;
		rc = job_put(m, j, err);
		if (rc == 0 && m->fresh && m->boot[0] != '\0')
			rc = cs_store_wput(m->t, meta, "mergeboot", 9, m->boot,
			    36, err);
		for (i = 0; rc == 0 && i < m->nin; i++) {
			if (m->in[i].hosts_len == 0)
				continue;
			if ((rc = cs_store_wget(m->t, meta, "hosts", 5, &v,
			    err)) == 0)
				rc = cs_store_wput(m->t, meta, "hosts", 5,
				    m->in[i].hosts, m->in[i].hosts_len, err);
			else if (rc == 1)
				rc = 0;
			break;
		}
		if ((rc = cs_store_wend(&m->t, rc == 0, err)) == 0) {
			m->nosync = m->fresh && m->boot[0] != '\0';
			return 0;
		}
		if (rc == -1)
			return -1;
	}
}

/* Merges the job's stores from where it is. */
static int
run(struct merge *m, struct job *j, int resumed, struct cs_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	while (j->cur < j->nin) {
		m->icur = j->cur;
		m->cur = &m->in[j->cur];
		input_done(m);
		free(m->cmap);
		m->cmap = NULL;
		m->chains.n = 0;
		m->hn = 0;
		if (m->cur->skip)
			j->row = NROWS;
		else {
			/* The map's size: the last certificate's number. */
			m->ncmap = 1;
			if ((rc = mdb_cursor_open(m->cur->txn, cs_store_dbi(
			    m->cur->st, cs_store_db_index("cert")), &cur)) != 0)
				return cs_err_set(err, CS_ESTORE, "store '%s': "
				    "%s", m->cur->path, mdb_strerror(rc));
			if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0 &&
			    k.mv_size == CS_KEY_LEN)
				m->ncmap = cs_be64(k.mv_data) + 1;
			mdb_cursor_close(cur);
			if (m->ncmap > SIZE_MAX / CS_KEY_LEN ||
			    (m->cmap = calloc((size_t)m->ncmap,
			    CS_KEY_LEN)) == NULL)
				return cs_err_set(err, CS_ENOMEM, "out of "
				    "memory");
			if (resumed && (j->row > 0 || j->poslen > 0) &&
			    rebuild(m, j, err) == -1)
				return -1;
		}
		resumed = 0;
		m->step = m->o->commit_every ? m->o->commit_every :
		    DEFAULT_STEP;
		while (j->cur == m->icur)
			if (commit_step(m, j, err) == -1)
				return -1;
		if (!m->cur->skip)
			m->sum->stores++;
	}
	return 0;
}

/* ---- a new output built at once (merge_build.c) -------------------------- */

/* Two stores or more, all of this schema, into a new output. */
static int
can_build(struct merge *m)
{
	size_t i;

	if (!m->fresh || m->nin < 2 || m->nin > 1024)
		return 0;
	for (i = 0; i < m->nin; i++)
		if (!cs_store_current(m->in[i].st))
			return 0;
	return 1;
}

struct buildjob {
	struct merge	*m;
	struct job	*j;
};

static int
build_mark(void *arg, struct cs_wtxn *t, int next, struct cs_err *err)
{
	struct buildjob *b = arg;
	int rc;

	b->j->row = (uint32_t)next;
	b->m->t = t;
	rc = job_put(b->m, b->j, err);
	b->m->t = NULL;
	return rc;
}

static void
build_progress(void *arg, const char *tables, uint64_t records)
{
	struct buildjob *b = arg;

	if (b->m->o->progress != NULL)
		b->m->o->progress(b->m->o->arg, b->m->nin, b->m->nin, tables,
		    records);
}

/* The last transaction: the counters, the days, no job left. */
static int
build_end(struct merge *m, const struct mb_result *res, struct cs_err *err)
{
	size_t i;
	int tries, rc;

	for (tries = 0; tries < 64; tries++) {
		memset(m->n, 0, sizeof(m->n));
		for (i = 0; i < m->nin; i++)
			store_counters(&m->in[i], m->n);
		m->n[CS_N_UNIQUE_CERTS] = res->certs;
		m->n[CS_N_CERTS_NEW] = res->certs;
		m->n[CS_N_COLLISIONS] = res->collisions;
		m->n[CS_N_UNIQUE_CHAINS] = res->chains;
		m->n[CS_N_UNIQUE_HOSTS] = res->hosts;
		if (cs_store_wbegin(m->out, &m->t, err) == -1)
			return -1;
		rc = cs_store_wcounters(m->t, m->n, err);
		for (i = 0; rc == 0 && i < m->nin; i++) {
			m->cur = &m->in[i];
			rc = days_before(m, err);
		}
		if (rc == 0)
			rc = job_end(m, err);
		if ((rc = cs_store_wend(&m->t, rc == 0, err)) != 1)
			return rc;
	}
	return -1;
}

static int
run_build(struct merge *m, struct job *j, struct cs_err *err)
{
	struct mb_input *ins;
	struct mb_result res;
	struct mb_opts bo;
	struct buildjob b = { m, j };
	size_t i;
	int ret = -1;

	if ((ins = calloc(m->nin, sizeof(*ins))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < m->nin; i++) {
		ins[i].path = m->in[i].path;
		ins[i].st = m->in[i].st;
		ins[i].txn = m->in[i].txn;
	}
	memset(&bo, 0, sizeof(bo));
	bo.step = m->o->commit_every ? m->o->commit_every : DEFAULT_STEP;
	bo.mark = build_mark;
	bo.progress = build_progress;
	bo.arg = &b;
	if (cs_merge_build(m->out, ins, m->nin, (int)j->row, &bo, &res,
	    err) == 0 && build_end(m, &res, err) == 0) {
		m->sum->stores = m->nin;
		m->sum->certs_added = res.certs;
		ret = 0;
	}
	free(ins);
	return ret;
}

/* A new store that nothing was merged into: gone. */
static void
remove_store(const char *dir)
{
	static const char *const files[] = { "data.mdb", "lock.mdb",
	    "seed.mdb", "ingest.lock" };
	char p[PATH_MAX + 16];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* Opens the input stores: 0, or -1 (one missing, damaged, or given twice). */
static int
open_inputs(struct merge *m, const char *const *inputs, size_t n,
    struct cs_err *err)
{
	size_t i, k;

	if ((m->in = calloc(n ? n : 1, sizeof(*m->in))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	m->nin = n;
	for (i = 0; i < n; i++) {
		m->in[i].path = inputs[i];
		if (open_input(&m->in[i], err) == -1)
			return -1;
		for (k = 0; k < i; k++)
			if (strcmp(m->in[k].real, m->in[i].real) == 0)
				return cs_err_set(err, CS_EUSAGE, "store '%s' "
				    "is given twice", inputs[i]);
	}
	return 0;
}

/*
 * Opens the output and takes its merge lock (*locked then 1): out itself,
 * or for a new store path, beside out (path gets which). 0, or -1.
 */
static int
open_output(struct merge *m, const char *out, char *path, size_t size,
    int *locked, struct cs_err *err)
{
	struct stat sb;
	char *oreal;
	size_t i;
	int same = 0;

	/* A new store is made beside its path and renamed into place. */
	snprintf(path, size, "%s/data.mdb", out);
	m->fresh = stat(path, &sb) == -1;
	snprintf(path, size, m->fresh ? "%s.merging" : "%s", out);
	if ((oreal = realpath(out, NULL)) != NULL)
		for (i = 0; i < m->nin && !same; i++)
			same = strcmp(oreal, m->in[i].real) == 0;
	free(oreal);
	if (same)
		return cs_err_set(err, CS_EUSAGE, "store '%s' is both the "
		    "output and an input", out);
	if (cs_store_open(path, CS_STORE_CREATE, &m->out, err) == -1 ||
	    cs_store_lock_merge(m->out, err) == -1)
		return -1;
	*locked = 1;
	if (cs_store_upgraded(m->out)) {
		char msg[512];

		cs_store_upgrade_msg(m->out, msg, sizeof(msg));
		note(m, "%s", msg);
	}
	return 0;
}

/*
 * The merge itself, from the job's record when one was interrupted (*begun
 * is 1 once the output holds the job): built table by table into a new
 * store, else store by store. 0, or -1.
 */
static int
merge_job(struct merge *m, struct job *j, const char *out, int *begun,
    struct cs_err *err)
{
	int rc;

	if ((rc = prepare(m, j, out, m->fresh, err)) == -1)
		return -1;
	if (rc == 1) {
		m->sum->resumed = 1;
		note(m, "finishing the interrupted merge into '%s'", out);
	} else if (can_build(m)) {
		m->build = 1;
		largest_first(m);
		if (begin_job(m, j, err) == -1)
			return -1;
	} else if ((m->fresh && seed(m, j, err) == -1) ||
	    (j->cur < j->nin && begin_job(m, j, err) == -1))
		return -1;
	*begun = 1;
	/* A build writes each page once: no map to write into, whose
	 * pages the system zeroes first (cs_store_set_writemap()). */
	if (m->build && cs_store_set_writemap(m->out, 0, err) == -1)
		return -1;
	if (m->nosync && cs_store_nosync(m->out, 1, err) == -1)
		return -1;
	if (m->build ? run_build(m, j, err) == -1 : run(m, j, rc == 1,
	    err) == -1)
		return -1;
	if (m->nosync && cs_store_sync(m->out, err) == -1)
		return -1;
	return 0;
}

int
cs_merge(const char *out, const char *const *inputs, size_t n,
    const struct cs_merge_opts *o, struct cs_merge_sum *sum,
    struct cs_err *err)
{
	struct merge m;
	struct job j;
	char path[PATH_MAX];
	size_t i;
	int begun = 0, locked = 0, ret = -1;

	memset(&m, 0, sizeof(m));
	memset(sum, 0, sizeof(*sum));
	m.o = o;
	m.sum = sum;
	m.out_path = out;
	boot_id(m.boot);
	if (check_rows(err) == -1)
		return -1;
	if (open_inputs(&m, inputs, n, err) == -1 ||
	    open_output(&m, out, path, sizeof(path), &locked, err) == -1 ||
	    merge_job(&m, &j, out, &begun, err) == -1)
		goto out;
	if (m.fresh) {
		cs_store_close(m.out);
		m.out = NULL;
		if (rename(path, out) == -1) {
			cs_err_set(err, CS_EIO, "cannot rename '%s' to '%s': %s",
			    path, out, strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	cs_store_wabort(m.t);
	cs_store_close(m.out);
	/* Only when the lock was ours: else it is another merge's. */
	if (ret == -1 && m.fresh && !begun && locked)
		remove_store(path);
	input_done(&m);
	for (i = 0; i < m.nin; i++)
		close_input(&m.in[i]);
	free(m.in);
	free(m.cmap);
	cs_vec_release(&m.chains);
	cs_vec_release(&m.links);
	cs_buf_release(&m.buf);
	return ret;
}
