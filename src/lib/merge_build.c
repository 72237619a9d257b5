#include "merge_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>
#include <xxhash.h>

#include "certsift/buf.h"
#include "certsift/vec.h"
#include "internal.h"
#include "store_int.h"

/*
 * A merge into a new store writes each table once, in key order, with
 * MDB_APPEND (full pages, no tree descent, no page written twice): the
 * inputs' records of a table are read in the output's key order, one
 * stream per input, and the records of one key combined (counts summed,
 * times widened, lists merged) into one.
 *
 * Keys that hold a certificate's number or a chain's key are the output's:
 * certificates are numbered in the order of the inputs (all of in[0]'s,
 * in its order, then those new in in[1], ...: an input's own ones keep
 * their order), and a chain's key hashes its certificates' numbers. An
 * input whose numbers keep their order in the output (in[0] always) is
 * read in place; another's records of such a table are sorted by the
 * output's keys first, as pointers into its snapshot.
 *
 * The phases (each one table or a few) commit every step records; the
 * last transaction of each holds the job's record, so that a build killed
 * at any moment goes on from the phase it was in (whose tables are
 * emptied first).
 */

#define OWN		((uint64_t)1 << 63)	/* numbering: this input's */
#define REF		((uint64_t)1 << 62)	/* another's, at: */
#define REF_IN(v)	((size_t)((v) >> 40 & 0x3fffff))
#define REF_NUM(v)	((v) & (((uint64_t)1 << 40) - 1))
#define INPUTS_MAX	1024		/* store_int.h's MERGE_MAX */
#define KEY_MAX		511		/* LMDB's longest key */
#define TXN_BYTES	((uint64_t)16 << 20)	/* records' bytes at most */

enum { K_SAME, K_CERT, K_CHAIN };	/* what a table's keys hold */

/* A certificate an earlier input has too: its number here, and the
 * output's. */
struct ref {
	uint64_t	 ord;
	uint64_t	 num;
};

struct src {
	const struct mb_input *in;
	struct ref	*refs;		/* by ord */
	size_t		 nrefs;
	size_t		 i;
	uint64_t	*cmap;		/* output number of each number */
	uint64_t	 ncmap;
	uint64_t	 base;		/* output numbers above it: its own */
	uint32_t	*crank;		/* output chain of each chain, by
					 * rank, in its key order */
	size_t		 nchain;
	int		 cmono;		/* cmap keeps the order */
	int		 chmono;	/* crank too */
};

/* A host whose certificate links several inputs have: by how many. */
struct dup {
	const unsigned char *host;
	size_t		 len;
	uint64_t	 extra;
};

struct fb {
	struct cs_store	*out;
	struct src	*s;
	size_t		 n;
	const struct mb_opts *o;
	struct mb_writer *w;
	struct mb_lane	*l;		/* this thread's */
	uint64_t	 done;		/* records in the transaction */
	uint64_t	 bytes;		/* of them */
	uint64_t	 total;		/* in the phase */
	uint64_t	 ncert;
	uint64_t	 ncoll;
	unsigned char	*chkeys;	/* output chain keys, by rank */
	uint64_t	 nchain;
	int		 chained;	/* chains numbered */
	uint64_t	*links;		/* per output certificate */
	struct toplist	*top;
	uint64_t	 topcert;	/* top's certificate, 0: none */
	CS_VEC(struct dup) dups;
	size_t		 dpos;
	struct cs_buf	 key, val;
	unsigned char	 okey[KEY_MAX];	/* the output's key of a record */
	size_t		 oklen;
	MDB_val		 vals[INPUTS_MAX];
};

struct ent {
	uint64_t		 ord;	/* the output's number or chain rank */
	uint64_t		 fast;	/* orders as the key (ties: look) */
	const unsigned char	*k, *v;
	uint32_t		 klen, vlen;
};

struct phase;

/*
 * How a stream reads an input's table in the output's key order: in place
 * (its numbers keep their order); its records sorted (chains); its own
 * certificates' records in place and, as another stream, those of the
 * certificates an earlier input has too, certificate by certificate in
 * the output's order (a key that begins with a certificate's); its
 * records sorted a prefix at a time (a prefix, then a certificate).
 */
enum { S_DIRECT, S_ARRAY, S_OWN, S_REFS, S_GROUP };

struct stream {
	struct fb	*f;
	struct src	*s;
	const struct phase *ph;
	int		 db;		/* the table read */
	int		 how;		/* S_* */
	MDB_cursor	*cur;
	MDB_val		 k, v;		/* where cur is, when have */
	int		 have;
	int		 inblock;	/* S_REFS: in refs[r]'s records */
	size_t		 r;
	MDB_cursor	*ccur;		/* K_CHAIN: the input's chains */
	size_t		 cidx;
	MDB_val		 ck;
	int		 cend;
	CS_VEC(struct ent) e;		/* S_ARRAY, S_GROUP */
	size_t		 pos;
	struct ent	 now;
	int		 end;
};

typedef int (*combine_fn)(struct fb *, int, const unsigned char *, size_t,
    struct stream *const *, size_t, struct cs_err *);

struct phase {
	const char	*tables;	/* written; the first by run_table */
	int		(*run)(struct fb *, const struct phase *,
			    struct cs_err *);
	int		 kind;
	int		 pre;		/* bytes before the renumbered key;
					 * -1: all but its last CS_KEY_LEN */
	combine_fn	 combine;
};

static void
cert_key(uint64_t num, unsigned char key[CS_KEY_LEN])
{
	int i;

	memset(key, 0, CS_KEY_LEN);
	for (i = 0; i < 8; i++)
		key[i] = (unsigned char)(num >> (56 - 8 * i));
}

/* LMDB's order of keys: bytes, then the shorter first. */
static int
keycmp(const unsigned char *a, size_t la, const unsigned char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	if (c != 0)
		return c;
	return (la > lb) - (la < lb);
}

static size_t
prelen(const struct phase *ph, size_t klen)
{
	return ph->pre >= 0 ? (size_t)ph->pre : klen - CS_KEY_LEN;
}

/* The first 8 bytes of len, big-endian, zeros after the end: in the order
 * of the keys (LMDB's), where they differ. */
static uint64_t
pfx8(const unsigned char *k, size_t len)
{
	uint64_t n = 0;
	size_t i;

	if (len >= 8)
		return cs_be64(k);
	for (i = 0; i < 8; i++)
		n = n << 8 | (i < len ? k[i] : 0);
	return n;
}

/* e->fast: what orders e before its key must be looked at. */
static void
ent_fast(const struct phase *ph, struct ent *e)
{
	size_t p;

	if (ph->kind == K_SAME)
		e->fast = pfx8(e->k, e->klen);
	else if ((p = prelen(ph, e->klen)) > 0)
		e->fast = pfx8(e->k, p);
	else
		e->fast = e->ord;
}

/* In the output's key order (their ord and fast filled in). */
static int
ent_cmp(const struct phase *ph, const struct ent *a, const struct ent *b)
{
	size_t pa, pb;
	int c;

	if (a->fast != b->fast)
		return a->fast < b->fast ? -1 : 1;
	if (ph->kind == K_SAME)
		return keycmp(a->k, a->klen, b->k, b->klen);
	pa = prelen(ph, a->klen);
	pb = prelen(ph, b->klen);
	if ((pa > 0 || pb > 0) && (c = keycmp(a->k, pa, b->k, pb)) != 0)
		return c;
	if (a->ord != b->ord)
		return a->ord < b->ord ? -1 : 1;
	return keycmp(a->k + pa + CS_KEY_LEN, a->klen - pa - CS_KEY_LEN,
	    b->k + pb + CS_KEY_LEN, b->klen - pb - CS_KEY_LEN);
}

static int
bad(const struct stream *st, struct cs_err *err)
{
	return cs_err_set(err, CS_ESTORE, "store '%s': a record of table "
	    "'%s' for nothing the store has", st->s->in->path,
	    cs_store_db_name(st->db));
}

static int	ent_ord1(struct stream *, struct ent *, struct cs_err *);

/* e->ord from its key (the output's number of its certificate, or the
 * rank of its chain), and e->fast. */
static int
ent_ord(struct stream *st, struct ent *e, struct cs_err *err)
{
	if (ent_ord1(st, e, err) == -1)
		return -1;
	ent_fast(st->ph, e);
	return 0;
}

static int
ent_ord1(struct stream *st, struct ent *e, struct cs_err *err)
{
	const struct src *s = st->s;
	size_t p;
	uint64_t num;
	int rc;

	e->ord = 0;
	if (st->ph->kind == K_SAME)
		return 0;
	if (e->klen < CS_KEY_LEN)
		return bad(st, err);
	if (st->ph->kind == K_CERT) {
		p = prelen(st->ph, e->klen);
		if (e->klen < p + CS_KEY_LEN ||
		    (num = cs_be64(e->k + p)) >= s->ncmap || s->cmap[num] == 0)
			return bad(st, err);
		e->ord = s->cmap[num];
		return 0;
	}
	/* The input's chains walked beside its records (both in its key
	 * order): the chain's place among them. */
	while (!st->cend && memcmp(st->ck.mv_data, e->k, CS_KEY_LEN) < 0) {
		st->cidx++;
		if ((rc = mdb_cursor_get(st->ccur, &st->ck, NULL, MDB_NEXT))
		    == MDB_NOTFOUND)
			st->cend = 1;
		else if (rc != 0)
			return cs_err_set(err, CS_ESTORE, "store '%s': %s",
			    s->in->path, mdb_strerror(rc));
		else if (st->ck.mv_size != CS_KEY_LEN)
			return bad(st, err);
	}
	if (st->cend || memcmp(st->ck.mv_data, e->k, CS_KEY_LEN) != 0 ||
	    st->cidx >= s->nchain)
		return bad(st, err);
	e->ord = s->crank[st->cidx];
	return 0;
}

/*
 * Sorts one input's chain-keyed records (in its key order) into the
 * output's: those of one chain keep their order, so a stable sort by the
 * chain's rank does (the indexes sorted, then the records moved along
 * the permutation's cycles: no second array of records).
 */
static int
sort_ents(struct ent *e, size_t n, struct cs_err *err)
{
	struct cs_kv *kv;
	struct ent tmp;
	size_t i, j, k;

	if ((kv = cs_mallocarray(n, sizeof(*kv))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		kv[i].key = e[i].ord;
		kv[i].val = i;
	}
	if (cs_sort_kv(kv, n) == -1) {
		free(kv);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	/* kv[j].val: the record that goes to j. */
	for (i = 0; i < n; i++) {
		if (kv[i].val == i)
			continue;
		tmp = e[i];
		for (j = i; ; j = k) {
			k = (size_t)kv[j].val;
			kv[j].val = j;
			if (k == i) {
				e[j] = tmp;
				break;
			}
			e[j] = e[k];
		}
	}
	free(kv);
	return 0;
}

/* now: the record at k, v. */
static int
stream_set(struct stream *st, const MDB_val *k, const MDB_val *v,
    struct cs_err *err)
{
	st->now.k = k->mv_data;
	st->now.klen = (uint32_t)k->mv_size;
	st->now.v = v->mv_data;
	st->now.vlen = (uint32_t)v->mv_size;
	return ent_ord(st, &st->now, err);
}

static int
stream_get(struct stream *st, int op, struct cs_err *err)
{
	int rc;

	if ((rc = mdb_cursor_get(st->cur, &st->k, &st->v, op)) == 0) {
		st->have = 1;
		return 0;
	}
	st->have = 0;
	if (rc == MDB_NOTFOUND)
		return 0;
	return cs_err_set(err, CS_ESTORE, "store '%s': %s", st->s->in->path,
	    mdb_strerror(rc));
}

/* The number of the certificate whose key k begins with, or 0. */
static uint64_t
knum(const MDB_val *k)
{
	return k->mv_size >= CS_KEY_LEN ? cs_be64(k->mv_data) : 0;
}

/* S_REFS: the next record of refs[r], or of the next one that has any. */
static int
refs_next(struct stream *st, struct cs_err *err)
{
	const struct src *s = st->s;
	unsigned char key[CS_KEY_LEN];
	uint64_t want;

	for (;;) {
		if (st->inblock) {
			if (stream_get(st, MDB_NEXT, err) == -1)
				return -1;
			if (st->have && knum(&st->k) == s->refs[st->r].num)
				return stream_set(st, &st->k, &st->v, err);
			st->inblock = 0;
			st->r++;
		}
		if (st->r >= s->nrefs) {
			st->end = 1;
			return 0;
		}
		want = s->refs[st->r].num;
		if (!st->have || knum(&st->k) != want) {
			cert_key(want, key);
			st->k.mv_data = key;
			st->k.mv_size = CS_KEY_LEN;
			if (stream_get(st, MDB_SET_RANGE, err) == -1)
				return -1;
			if (!st->have || knum(&st->k) != want) {
				st->r++;	/* none in this table */
				continue;
			}
		}
		st->inblock = 1;
		return stream_set(st, &st->k, &st->v, err);
	}
}

static int
group_cmp(const void *pa, const void *pb, void *arg)
{
	const struct ent *a = pa, *b = pb;
	size_t p;

	if (a->ord != b->ord)
		return a->ord < b->ord ? -1 : 1;
	p = prelen(arg, a->klen);
	return keycmp(a->k + p + CS_KEY_LEN, a->klen - p - CS_KEY_LEN,
	    b->k + p + CS_KEY_LEN, b->klen - p - CS_KEY_LEN);
}

/* S_GROUP: the records of the next prefix, sorted. */
static int
group_load(struct stream *st, struct cs_err *err)
{
	const unsigned char *pk;
	size_t pl, i, j;

	st->e.n = 0;
	st->pos = 0;
	if (!st->have) {
		st->end = 1;
		return 0;
	}
	if (st->k.mv_size < CS_KEY_LEN)
		return bad(st, err);
	pk = st->k.mv_data;
	pl = prelen(st->ph, st->k.mv_size);
	do {
		if (stream_set(st, &st->k, &st->v, err) == -1)
			return -1;
		if (cs_vec_push(&st->e, st->now) == -1)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		if (stream_get(st, MDB_NEXT, err) == -1)
			return -1;
	} while (st->have && st->k.mv_size >= CS_KEY_LEN &&
	    keycmp(pk, pl, st->k.mv_data, prelen(st->ph, st->k.mv_size)) == 0);
	if (st->e.n > 16)
		qsort_r(st->e.v, st->e.n, sizeof(*st->e.v), group_cmp,
		    (void *)st->ph);
	else
		for (i = 1; i < st->e.n; i++) {	/* most are a few */
			struct ent x = st->e.v[i];

			for (j = i; j > 0 && group_cmp(&st->e.v[j - 1], &x,
			    (void *)st->ph) > 0; j--)
				st->e.v[j] = st->e.v[j - 1];
			st->e.v[j] = x;
		}
	st->now = st->e.v[st->pos++];
	return 0;
}

/* The stream's next record in now (end at its end). */
static int
stream_next(struct stream *st, struct cs_err *err)
{
	switch (st->how) {
	case S_ARRAY:
		if (st->pos >= st->e.n)
			st->end = 1;
		else
			st->now = st->e.v[st->pos++];
		return 0;
	case S_GROUP:
		if (st->pos < st->e.n) {
			st->now = st->e.v[st->pos++];
			return 0;
		}
		return group_load(st, err);
	case S_REFS:
		return refs_next(st, err);
	}
	for (;;) {
		if (stream_get(st, st->have ? MDB_NEXT : MDB_FIRST, err) == -1)
			return -1;
		if (!st->have) {
			st->end = 1;
			return 0;
		}
		if (stream_set(st, &st->k, &st->v, err) == -1)
			return -1;
		/* S_OWN: an earlier input's certificate is S_REFS'. */
		if (st->how == S_DIRECT || st->now.ord > st->s->base)
			return 0;
	}
}

static void
stream_close(struct stream *st)
{
	if (st->cur != NULL)
		mdb_cursor_close(st->cur);
	if (st->ccur != NULL)
		mdb_cursor_close(st->ccur);
	cs_vec_release(&st->e);
	memset(st, 0, sizeof(*st));
	st->end = 1;
}

/* S_ARRAY: every record, sorted. */
static int
array_load(struct stream *st, struct cs_err *err)
{
	const struct mb_input *in = st->s->in;
	MDB_stat ms;
	int sorted = 1;

	/* As many as it has: no array twice the size, or two at once. */
	if (mdb_stat(in->txn, cs_store_dbi(in->st, st->db), &ms) == 0 &&
	    cs_vec_reserve(&st->e, ms.ms_entries) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (;;) {
		if (stream_get(st, st->have ? MDB_NEXT : MDB_FIRST, err) == -1)
			return -1;
		if (!st->have)
			break;
		if (stream_set(st, &st->k, &st->v, err) == -1)
			return -1;
		if (st->e.n > 0 && sorted && ent_cmp(st->ph,
		    &st->e.v[st->e.n - 1], &st->now) > 0)
			sorted = 0;
		if (cs_vec_push(&st->e, st->now) == -1)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	if (!sorted && sort_ents(st->e.v, st->e.n, err) == -1)
		return -1;
	st->pos = 0;
	return 0;
}

/*
 * Opens the input's table for reading in the output's order (part 1: a
 * second stream, of its certificates an earlier input has too, or none).
 */
static int
stream_open(struct stream *st, struct fb *f, struct src *s,
    const struct phase *ph, int db, int part, struct cs_err *err)
{
	const struct mb_input *in = s->in;
	int rc;

	memset(st, 0, sizeof(*st));
	st->f = f;
	st->s = s;
	st->ph = ph;
	st->db = db;
	st->end = 1;
	if (ph->kind == K_SAME || (ph->kind == K_CERT && s->cmono) ||
	    (ph->kind == K_CHAIN && s->chmono))
		st->how = S_DIRECT;
	else if (ph->kind == K_CHAIN)
		st->how = S_ARRAY;
	else if (ph->pre != 0)
		st->how = S_GROUP;
	else
		st->how = part ? S_REFS : S_OWN;
	if ((part && st->how != S_REFS) || !cs_store_has_db(in->st, db))
		return 0;
	st->end = 0;
	if ((rc = mdb_cursor_open(in->txn, cs_store_dbi(in->st, db),
	    &st->cur)) != 0)
		goto mdb;
	if (ph->kind == K_CHAIN) {
		if ((rc = mdb_cursor_open(in->txn, cs_store_dbi(in->st,
		    cs_store_db_index("chain")), &st->ccur)) != 0)
			goto mdb;
		if ((rc = mdb_cursor_get(st->ccur, &st->ck, NULL,
		    MDB_FIRST)) == MDB_NOTFOUND)
			st->cend = 1;
		else if (rc != 0)
			goto mdb;
		else if (st->ck.mv_size != CS_KEY_LEN)
			return bad(st, err);
	}
	if (st->how == S_ARRAY && array_load(st, err) == -1)
		return -1;
	if (st->how == S_GROUP && stream_get(st, MDB_FIRST, err) == -1)
		return -1;
	return stream_next(st, err);
mdb:
	return cs_err_set(err, CS_ESTORE, "store '%s': %s", in->path,
	    mdb_strerror(rc));
}

/* The streams holding the least key: their indexes in idx, in input
 * order. Returns their number, 0 at the end. */
static size_t
least(struct stream *st, size_t n, size_t *idx)
{
	size_t i, k = 0;
	int c;

	for (i = 0; i < n; i++) {
		if (st[i].end)
			continue;
		if (k == 0 || (c = ent_cmp(st[i].ph, &st[i].now,
		    &st[idx[0]].now)) < 0) {
			idx[0] = i;
			k = 1;
		} else if (c == 0)
			idx[k++] = i;
	}
	return k;
}

/* The output's key of a stream's record, in f->okey. */
static int
out_key(struct fb *f, const struct stream *st, struct cs_err *err)
{
	const struct ent *e = &st->now;
	size_t p;

	if (e->klen > KEY_MAX)
		return bad(st, err);
	f->oklen = e->klen;
	if (st->ph->kind == K_SAME) {
		memcpy(f->okey, e->k, e->klen);
		return 0;
	}
	p = prelen(st->ph, e->klen);
	memcpy(f->okey, e->k, p);
	if (st->ph->kind == K_CERT)
		cert_key(e->ord, f->okey + p);
	else
		memcpy(f->okey + p, f->chkeys + e->ord * CS_KEY_LEN,
		    CS_KEY_LEN);
	memcpy(f->okey + p + CS_KEY_LEN, e->k + p + CS_KEY_LEN,
	    e->klen - p - CS_KEY_LEN);
	return 0;
}

/* One more record in the transaction; a commit every step. */
static int
tick(struct fb *f, struct cs_err *err)
{
	f->total++;
	/* The transaction's pages are the process's until its commit. */
	if (++f->done < f->o->step && f->bytes < TXN_BYTES)
		return 0;
	f->done = 0;
	f->bytes = 0;
	return mbw_commit(f->l, err);
}

static void
streams_close(struct stream *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		stream_close(&st[i]);
	free(st);
}

/* The first table of the phase's. */
static int
phase_db(const struct phase *ph)
{
	char name[32];
	size_t len = strcspn(ph->tables, " ");

	snprintf(name, sizeof(name), "%.*s", (int)len, ph->tables);
	return cs_store_db_index(name);
}

/* Writes the phase's table from every input's, key by key. */
static int
run_table(struct fb *f, const struct phase *ph, struct cs_err *err)
{
	struct stream *st, *src[2 * INPUTS_MAX];
	size_t idx[2 * INPUTS_MAX], i, k;
	int ret = -1, db = phase_db(ph);

	if ((st = calloc(2 * f->n, sizeof(*st))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < 2 * f->n; i++)
		if (stream_open(&st[i], f, &f->s[i / 2], ph, db, i % 2,
		    err) == -1)
			goto out;
	while ((k = least(st, 2 * f->n, idx)) > 0) {
		for (i = 0; i < k; i++)
			src[i] = &st[idx[i]];
		if (out_key(f, src[0], err) == -1 ||
		    ph->combine(f, db, f->okey, f->oklen, src, k,
		    err) == -1)
			goto out;
		for (i = 0; i < k; i++)
			if (stream_next(src[i], err) == -1)
				goto out;
		if (tick(f, err) == -1)
			goto out;
	}
	ret = 0;
out:
	streams_close(st, 2 * f->n);
	return ret;
}

/* ---- combining the records of one key ------------------------------------ */

static int
append(struct fb *f, int db, const unsigned char *k, size_t klen,
    const void *v, size_t vlen, struct cs_err *err)
{
	f->bytes += klen + vlen + 16;
	return mbw_append(f->l, db, k, klen, v, vlen, err);
}

/* The u64 counts of the records summed into acc; their size in *size. */
static int
sum(const struct stream *const *src, size_t n, uint64_t acc[32],
    size_t *size, struct cs_err *err)
{
	uint64_t x;
	size_t i, j;

	*size = src[0]->now.vlen;
	if (*size % 8 != 0 || *size > 32 * 8)
		goto bad;
	memset(acc, 0, *size);
	for (i = 0; i < n; i++) {
		if (src[i]->now.vlen != *size)
			goto bad;
		for (j = 0; j < *size / 8; j++) {
			memcpy(&x, src[i]->now.v + j * 8, 8);
			acc[j] += x;
		}
	}
	return 0;
bad:
	return cs_err_set(err, CS_ESTORE, "store '%s': bad record in table "
	    "'%s'", src[0]->s->in->path, cs_store_db_name(src[0]->db));
}

static int
c_sum(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	uint64_t acc[32];
	size_t size;

	if (n == 1 && src[0]->now.vlen % 8 == 0)
		return append(f, db, k, klen, src[0]->now.v, src[0]->now.vlen,
		    err);
	if (sum((const struct stream *const *)src, n, acc, &size, err) == -1)
		return -1;
	return append(f, db, k, klen, acc, size, err);
}

/* Any one of them: they are the same (a verdict). */
static int
c_first(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	(void)n;
	return append(f, db, k, klen, src[0]->now.v, src[0]->now.vlen, err);
}

/* A SHA-256's certificate: the output's key of it. */
static int
c_sha(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	const struct src *s = src[0]->s;
	unsigned char ok[CS_KEY_LEN];
	uint64_t num;

	(void)n;
	if (src[0]->now.vlen != CS_KEY_LEN || (num = cs_be64(src[0]->now.v)) >=
	    s->ncmap || s->cmap[num] == 0)
		return bad(src[0], err);
	cert_key(s->cmap[num], ok);
	return append(f, db, k, klen, ok, CS_KEY_LEN, err);
}

int
cs_merge_further(const void *a, const void *b)
{
	struct cs_fileprog x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return !(y.done || (!x.done && y.offset >= x.offset));
}

int
cs_merge_later(const void *a, size_t alen, const void *b, size_t blen)
{
	int64_t x, y;
	size_t m = alen < blen ? alen : blen;
	int c;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	c = x != y ? (x < y ? -1 : 1) : memcmp(a, b, m);
	if (c == 0)
		c = alen < blen ? -1 : alen > blen;
	return c > 0;
}

/*
 * Of the records of one key, the one the output keeps: the first, or a
 * later one that replaces (a file's further record, a later fetch).
 */
static int
c_keep(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, int files, struct cs_err *err)
{
	const struct ent *x, *y;
	size_t i, best = 0;

	for (i = 0; i < n; i++)
		if (src[i]->now.vlen < (files ? sizeof(struct cs_fileprog) :
		    sizeof(int64_t)))
			return cs_err_set(err, CS_ESTORE, "store '%s': bad "
			    "record in table '%s'", src[i]->s->in->path,
			    cs_store_db_name(db));
	for (i = 1; i < n; i++) {
		x = &src[i]->now;
		y = &src[best]->now;
		if (files ? cs_merge_further(x->v, y->v) :
		    cs_merge_later(x->v, x->vlen, y->v, y->vlen))
			best = i;
	}
	return append(f, db, k, klen, src[best]->now.v, src[best]->now.vlen,
	    err);
}

static int
c_file(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	return c_keep(f, db, k, klen, src, n, 1, err);
}

static int
c_later(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	return c_keep(f, db, k, klen, src, n, 0, err);
}

/* A (code, certificate)'s times: the earliest first, the latest last. */
static int
c_certcode(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	int64_t t[2], u[2];
	size_t i;

	for (i = 0; i < n; i++) {
		if (src[i]->now.vlen != sizeof(u))
			return cs_err_set(err, CS_ESTORE, "store '%s': bad "
			    "record in table '%s'", src[i]->s->in->path,
			    cs_store_db_name(db));
		memcpy(u, src[i]->now.v, sizeof(u));
		if (i == 0 || u[0] < t[0])
			t[0] = u[0];
		if (i == 0 || u[1] > t[1])
			t[1] = u[1];
	}
	return append(f, db, k, klen, t, sizeof(t), err);
}

/* Lists of entries (a chain's days, a chain-host's validity or days). */
static int
c_entries(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	size_t i;

	if (n == 1)
		return append(f, db, k, klen, src[0]->now.v, src[0]->now.vlen,
		    err);
	for (i = 0; i < n; i++) {
		f->vals[i].mv_data = (void *)src[i]->now.v;
		f->vals[i].mv_size = src[i]->now.vlen;
	}
	if (cs_store_entries_merge(db, &f->val, f->vals, n, err) == -1)
		return -1;
	return append(f, db, k, klen, f->val.data, f->val.len, err);
}

/* A chain: its certificates the output's. */
static int
c_chain(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	const struct src *s = src[0]->s;
	const unsigned char *certs;
	unsigned char ok[CS_KEY_LEN];
	struct cs_buf *b = &f->key;
	unsigned char kc[CS_KEY_LEN];
	size_t nc, i;
	uint64_t num;

	if (klen != CS_KEY_LEN)
		return bad(src[0], err);
	memcpy(kc, k, CS_KEY_LEN);
	for (i = 0; i < n; i++) {
		f->vals[i].mv_data = (void *)src[i]->now.v;
		f->vals[i].mv_size = src[i]->now.vlen;
	}
	if (cs_store_chain_certs(&f->vals[0], &certs, &nc) == -1)
		return bad(src[0], err);
	cs_buf_reset(b);
	for (i = 0; i < nc; i++) {
		if ((num = cs_be64(certs + i * CS_KEY_LEN)) >= s->ncmap ||
		    s->cmap[num] == 0)
			return bad(src[0], err);
		cert_key(s->cmap[num], ok);
		if (cs_buf_append(b, ok, CS_KEY_LEN, err) == -1)
			return -1;
	}
	if (cs_store_chainrec_merge(&f->val, f->vals, n, b->data, err) == -1)
		return -1;
	return append(f, db, kc, CS_KEY_LEN, f->val.data, f->val.len, err);
}

/* The top hostnames of the last certificate, written. */
static int
top_flush(struct fb *f, struct cs_err *err)
{
	unsigned char buf[CS_TOP_BUF], k[CS_KEY_LEN];
	size_t len;

	if (f->topcert == 0)
		return 0;
	len = cs_store_top_encode(f->top, buf);
	cert_key(f->topcert, k);
	f->topcert = 0;
	if (len == 0)
		return 0;
	return append(f, cs_store_db_index("tophost"), k, CS_KEY_LEN, buf,
	    len, err);
}

/* A certificate-host link: its count, and the certificate's top ten
 * hostnames and count of links follow. */
static int
c_certhost(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	uint64_t acc[32], ord = src[0]->now.ord;
	size_t size;

	if (sum((const struct stream *const *)src, n, acc, &size, err) == -1)
		return -1;
	if (size != 8)
		return bad(src[0], err);
	if (ord != f->topcert) {
		if (top_flush(f, err) == -1)
			return -1;
		cs_store_top_begin(f->top);
		f->topcert = ord;
	}
	cs_store_top_add(f->top, (const char *)k + CS_KEY_LEN,
	    klen - CS_KEY_LEN, acc[0]);
	f->links[ord]++;
	return append(f, db, k, klen, acc, size, err);
}

static int
c_cert(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		f->vals[i].mv_data = (void *)src[i]->now.v;
		f->vals[i].mv_size = src[i]->now.vlen;
	}
	if (cs_store_certrec_merge(&f->val, f->vals, n,
	    f->links[src[0]->now.ord], err) == -1)
		return -1;
	return append(f, db, k, klen, f->val.data, f->val.len, err);
}

/* A host-certificate entry; a link several inputs have counts once. */
static int
c_hostcert(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	struct dup d, *last;

	if (n > 1) {
		d.host = src[0]->now.k + 2;
		d.len = klen - 2 - CS_KEY_LEN;
		d.extra = n - 1;
		last = f->dups.n > 0 ? &f->dups.v[f->dups.n - 1] : NULL;
		if (last != NULL && last->len == d.len &&
		    memcmp(last->host, d.host, d.len) == 0)
			last->extra += d.extra;
		else if (cs_vec_push(&f->dups, d) == -1)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	return append(f, db, k, klen, "", 0, err);
}

static int
dup_cmp(const void *a, const void *b)
{
	const struct dup *x = a, *y = b;

	return keycmp(x->host, x->len, y->host, y->len);
}

/* A host: its reports summed, its certificates those of its links. */
static int
c_host(struct fb *f, int db, const unsigned char *k, size_t klen,
    struct stream *const *src, size_t n, struct cs_err *err)
{
	uint64_t acc[32];
	size_t size;
	int c = 1;

	if (n == 1 && src[0]->now.vlen == 16)
		return append(f, db, k, klen, src[0]->now.v, 16, err);
	if (sum((const struct stream *const *)src, n, acc, &size, err) == -1)
		return -1;
	if (size != 16)
		return bad(src[0], err);
	while (f->dpos < f->dups.n && (c = keycmp(f->dups.v[f->dpos].host,
	    f->dups.v[f->dpos].len, k, klen)) < 0)
		f->dpos++;
	if (f->dpos < f->dups.n && c == 0)
		acc[1] -= f->dups.v[f->dpos].extra;
	return append(f, db, k, klen, acc, size, err);
}

/* ---- the phases ---------------------------------------------------------- */

/* One DER hash's certificates, across the inputs. */
struct gent {
	size_t			 in;
	uint64_t		 num;
	const unsigned char	*der;
	size_t			 len;
	size_t			 cluster;
};

typedef CS_VEC(struct gent) group_t;

/* The inputs' DER indexes side by side; calls fn per hash (its first 16
 * bytes), with its entries in key order. */
static int
walk_deridx(struct fb *f, int (*fn)(struct fb *, group_t *,
    const unsigned char *, struct cs_err *), struct cs_err *err)
{
	const struct phase ph = { "deridx", NULL, K_SAME, 0, NULL };
	struct stream *st;
	size_t idx[INPUTS_MAX], i, k;
	group_t g = CS_VEC_INIT;
	unsigned char pfx[16];
	struct gent e;
	int ret = -1;

	if ((st = calloc(f->n, sizeof(*st))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < f->n; i++)
		if (stream_open(&st[i], f, &f->s[i], &ph, phase_db(&ph), 0,
		    err) == -1)
			goto out;
	for (;;) {
		k = least(st, f->n, idx);
		if (g.n > 0 && (k == 0 || memcmp(st[idx[0]].now.k, pfx, 16))) {
			if (fn(f, &g, pfx, err) == -1)
				goto out;
			g.n = 0;
		}
		if (k == 0)
			break;
		for (i = 0; i < k; i++) {
			const struct ent *x = &st[idx[i]].now;
			const struct src *s = &f->s[idx[i]];

			if (x->klen != CS_KEY_LEN || x->vlen != CS_KEY_LEN ||
			    (e.num = cs_be64(x->v)) >= s->ncmap) {
				bad(&st[idx[i]], err);
				goto out;
			}
			memcpy(pfx, x->k, 16);
			e.in = idx[i];
			e.der = NULL;
			e.len = 0;
			e.cluster = 0;
			if (cs_vec_push(&g, e) == -1) {
				cs_err_set(err, CS_ENOMEM, "out of memory");
				goto out;
			}
			if (stream_next(&st[idx[i]], err) == -1)
				goto out;
		}
	}
	ret = 0;
out:
	cs_vec_release(&g);
	streams_close(st, f->n);
	return ret;
}

/*
 * Which input owns each certificate of a hash: the first (in input
 * order) of those with the same DER; the others refer to it.
 */
static int
own_group(struct fb *f, group_t *g, const unsigned char *pfx,
    struct cs_err *err)
{
	struct gent *e = g->v, *o;
	size_t i, j, nc = 0;
	MDB_val k, v;
	unsigned char key[CS_KEY_LEN];
	int rc;

	(void)pfx;
	if (g->n == 1) {
		f->s[e->in].cmap[e->num] = OWN;
		return 0;
	}
	for (i = 0; i < g->n; i++) {
		const struct mb_input *in = f->s[e[i].in].in;

		cert_key(e[i].num, key);
		k.mv_data = key;
		k.mv_size = CS_KEY_LEN;
		if ((rc = mdb_get(in->txn, cs_store_dbi(in->st,
		    cs_store_db_index("der")), &k, &v)) != 0)
			return cs_err_set(err, CS_ESTORE, "store '%s': "
			    "certificate without its DER: %s", in->path,
			    mdb_strerror(rc));
		e[i].der = v.mv_data;
		e[i].len = v.mv_size;
		/* An input holds a DER once: its others are other DERs. */
		for (j = 0; j < i; j++)
			if (e[j].in != e[i].in && e[j].len == e[i].len &&
			    memcmp(e[j].der, e[i].der, e[i].len) == 0)
				break;
		e[i].cluster = j < i ? e[j].cluster : nc++;
	}
	f->ncoll += nc - 1;
	for (i = 0; i < g->n; i++) {
		for (o = &e[i], j = 0; j < g->n; j++)
			if (e[j].cluster == e[i].cluster && e[j].in < o->in)
				o = &e[j];
		f->s[e[i].in].cmap[e[i].num] = o == &e[i] ? OWN : REF |
		    (uint64_t)o->in << 40 | o->num;
	}
	return 0;
}

/* A hash's certificates in the output's DER index: one key each. */
static int
write_group(struct fb *f, group_t *g, const unsigned char *pfx,
    struct cs_err *err)
{
	unsigned char key[CS_KEY_LEN], val[CS_KEY_LEN];
	uint64_t seen[64], o;
	size_t i, j, ns = 0;
	uint32_t seq = 0;

	for (i = 0; i < g->n; i++) {
		o = f->s[g->v[i].in].cmap[g->v[i].num];
		/* The same certificate in several inputs: once. */
		if (ns < 64) {
			for (j = 0; j < ns && seen[j] != o; j++)
				;
			if (j < ns)
				continue;
			seen[ns] = o;
		} else {
			for (j = 0; j < i; j++)
				if (f->s[g->v[j].in].cmap[g->v[j].num] == o)
					break;
			if (j < i)
				continue;
		}
		ns++;
		memcpy(key, pfx, 16);
		key[16] = (unsigned char)(seq >> 24);
		key[17] = (unsigned char)(seq >> 16);
		key[18] = (unsigned char)(seq >> 8);
		key[19] = (unsigned char)seq;
		seq++;
		cert_key(o, val);
		if (append(f, cs_store_db_index("deridx"), key, CS_KEY_LEN, val,
		    CS_KEY_LEN, err) == -1 || tick(f, err) == -1)
			return -1;
	}
	return 0;
}

static int
run_deridx(struct fb *f, const struct phase *ph, struct cs_err *err)
{
	(void)ph;
	return walk_deridx(f, write_group, err);
}

/* Each input's own certificates' DER and summary: in the output's
 * order, input after input. */
static int
run_dersumm(struct fb *f, const struct phase *ph, struct cs_err *err)
{
	static const char *const tables[] = { "der", "summ" };
	unsigned char ok[CS_KEY_LEN];
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t num, o;
	size_t i, t;
	int rc, db;

	(void)ph;
	for (t = 0; t < 2; t++) {
		db = cs_store_db_index(tables[t]);
		for (i = 0; i < f->n; i++) {
			const struct src *s = &f->s[i];

			if ((rc = mdb_cursor_open(s->in->txn, cs_store_dbi(
			    s->in->st, db), &cur)) != 0)
				return cs_err_set(err, CS_ESTORE, "store '%s': "
				    "%s", s->in->path, mdb_strerror(rc));
			for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
			    rc == 0; rc = mdb_cursor_get(cur, &k, &v,
			    MDB_NEXT)) {
				if (k.mv_size != CS_KEY_LEN || (num = cs_be64(
				    k.mv_data)) >= s->ncmap || (o =
				    s->cmap[num]) == 0) {
					rc = MDB_CORRUPTED;
					break;
				}
				if (o <= s->base)
					continue;	/* an earlier input's */
				cert_key(o, ok);
				if (append(f, db, ok, CS_KEY_LEN, v.mv_data,
				    v.mv_size, err) == -1 ||
				    tick(f, err) == -1) {
					mdb_cursor_close(cur);
					return -1;
				}
			}
			mdb_cursor_close(cur);
			if (rc != MDB_NOTFOUND)
				return cs_err_set(err, CS_ESTORE, "store '%s': "
				    "table '%s': %s", s->in->path, tables[t],
				    mdb_strerror(rc));
		}
	}
	return 0;
}

/* The links (with the top hostnames), then the certificates, which
 * count them. */
static int
run_certs(struct fb *f, const struct phase *ph, struct cs_err *err)
{
	const struct phase links = { "certhost", NULL, K_CERT, 0,
	    c_certhost };
	const struct phase certs = { "cert", NULL, K_CERT, 0, c_cert };
	int ret = -1;

	(void)ph;
	if ((f->links = calloc(f->ncert + 1, sizeof(*f->links))) == NULL ||
	    (f->top == NULL && (f->top = cs_store_top_new()) == NULL)) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	f->topcert = 0;
	if (run_table(f, &links, err) == -1 || top_flush(f, err) == -1 ||
	    run_table(f, &certs, err) == -1)
		goto out;
	ret = 0;
out:
	free(f->links);
	f->links = NULL;
	return ret;
}

/* The index of hostnames, then the hostnames, whose counts of
 * certificates take off the links several inputs have. */
static int
run_hosts(struct fb *f, const struct phase *ph, struct cs_err *err)
{
	const struct phase idx = { "hostcert", NULL, K_CERT, -1,
	    c_hostcert };
	const struct phase hosts = { "host", NULL, K_SAME, 0, c_host };
	int ret = -1;

	(void)ph;
	f->dups.n = 0;
	f->dpos = 0;
	if (run_table(f, &idx, err) == -1)
		goto out;
	if (f->dups.n > 1)
		qsort(f->dups.v, f->dups.n, sizeof(*f->dups.v), dup_cmp);
	if (run_table(f, &hosts, err) == -1)
		goto out;
	ret = 0;
out:
	cs_vec_release(&f->dups);
	return ret;
}

static const struct phase phases[] = {
	{ "deridx",		run_deridx,	K_SAME,	0,	NULL },
	{ "sha",		run_table,	K_SAME,	0,	c_sha },
	{ "der summ",		run_dersumm,	K_SAME,	0,	NULL },
	{ "certhost tophost cert", run_certs,	K_CERT,	0,	NULL },
	{ "hostcert host",	run_hosts,	K_CERT,	-1,	NULL },
	{ "chain",		run_table,	K_CHAIN, 0,	c_chain },
	{ "chainhost",		run_table,	K_CHAIN, 0,	c_sum },
	{ "chainday",		run_table,	K_CHAIN, 0,	c_entries },
	{ "chainvalid",		run_table,	K_CHAIN, 0,	c_entries },
	{ "chainhostday",	run_table,	K_CHAIN, 0,	c_entries },
	{ "certcode",		run_table,	K_CERT,	4,	c_certcode },
	{ "files",		run_table,	K_SAME,	0,	c_file },
	{ "error",		run_table,	K_SAME,	0,	c_sum },
	{ "day",		run_table,	K_SAME,	0,	c_sum },
	{ "hostcode",		run_table,	K_SAME,	0,	c_sum },
	{ "aiaurl",		run_table,	K_SAME,	0,	c_later },
	{ "aiacert",		run_table,	K_SAME,	0,	c_later },
	{ "verdict",		run_table,	K_SAME,	0,	c_first },
};

#define NPHASES	((int)(sizeof(phases) / sizeof(phases[0])))

int
cs_merge_build_phases(void)
{
	return NPHASES;
}

/* The space-separated list's i-th name into buf; 0 past its end. */
static int
nth(const char *list, int i, char *buf, size_t size)
{
	const char *p = list, *q;

	for (; i > 0 && p != NULL; i--)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p == NULL || *p == '\0')
		return 0;
	q = strchr(p, ' ');
	snprintf(buf, size, "%.*s", (int)(q != NULL ? (size_t)(q - p) :
	    strlen(p)), p);
	return 1;
}

/* Every table but meta is some phase's; fills in the phases' db. */
static int
check_phases(struct cs_err *err)
{
	char name[32];
	int db, p, i, found;

	for (p = 0; p < NPHASES; p++)
		for (i = 0; nth(phases[p].tables, i, name, sizeof(name)); i++)
			if (cs_store_db_index(name) == -1)
				return cs_err_set(err, CS_ESTORE, "merge builds "
				    "no table '%s'", name);
	for (db = 0; db < cs_store_ndb(); db++) {
		if (strcmp(cs_store_db_name(db), "meta") == 0)
			continue;
		for (p = 0, found = 0; p < NPHASES && !found; p++)
			for (i = 0; !found && nth(phases[p].tables, i, name,
			    sizeof(name)); i++)
				found = strcmp(name, cs_store_db_name(db)) == 0;
		if (!found)
			return cs_err_set(err, CS_ESTORE, "merge has no rule "
			    "for table '%s'", cs_store_db_name(db));
	}
	return 0;
}

/* ---- numbering ----------------------------------------------------------- */

static int
ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	return (x->ord > y->ord) - (x->ord < y->ord);
}

/* The input's certificates an earlier input has, in the output's order. */
static int
refs_of(struct src *s)
{
	uint64_t num;
	size_t n = 0;

	if ((s->refs = cs_mallocarray(s->nrefs, sizeof(*s->refs))) == NULL)
		return -1;
	for (num = 0; num < s->ncmap; num++)
		if (s->cmap[num] != 0 && s->cmap[num] <= s->base) {
			s->refs[n].ord = s->cmap[num];
			s->refs[n++].num = num;
		}
	s->nrefs = n;
	if (n > 1)
		qsort(s->refs, n, sizeof(*s->refs), ref_cmp);
	return 0;
}

/* Each input's certificates: owned, or another's; then numbered. */
static int
number_certs(struct fb *f, struct cs_err *err)
{
	struct src *s;
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t next = 0, num, x, last;
	size_t i;
	int rc;

	for (i = 0; i < f->n; i++) {
		s = &f->s[i];
		s->ncmap = 1;
		if ((rc = mdb_cursor_open(s->in->txn, cs_store_dbi(s->in->st,
		    cs_store_db_index("cert")), &cur)) != 0)
			return cs_err_set(err, CS_ESTORE, "store '%s': %s",
			    s->in->path, mdb_strerror(rc));
		if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0 &&
		    k.mv_size == CS_KEY_LEN)
			s->ncmap = cs_be64(k.mv_data) + 1;
		mdb_cursor_close(cur);
		if (s->ncmap >= (uint64_t)1 << 40 ||
		    (s->cmap = calloc((size_t)s->ncmap, sizeof(*s->cmap))) ==
		    NULL)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	f->ncoll = 0;
	if (walk_deridx(f, own_group, err) == -1)
		return -1;
	for (i = 0; i < f->n; i++) {
		s = &f->s[i];
		s->base = next;
		s->cmono = 1;
		for (num = 0, last = 0; num < s->ncmap; num++) {
			if ((x = s->cmap[num]) == 0)
				continue;
			if (x == OWN)
				x = ++next;
			else {
				x = f->s[REF_IN(x)].cmap[REF_NUM(x)];
				s->nrefs++;
			}
			s->cmap[num] = x;
			if (x <= last)
				s->cmono = 0;
			last = x;
		}
		if (!s->cmono && refs_of(s) == -1)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	f->ncert = next;
	return 0;
}

struct chn {
	unsigned char		 h[16];
	uint32_t		 in;
	uint32_t		 ncerts;
	size_t			 idx;
	const unsigned char	*certs;
};

typedef CS_VEC(struct chn) chns_t;

/* Two chains' certificates, as the output numbers them. */
static int
certs_cmp(const struct fb *f, const struct chn *a, const struct chn *b)
{
	const struct src *sa = &f->s[a->in], *sb = &f->s[b->in];
	uint64_t x, y;
	size_t i;

	for (i = 0; i < a->ncerts && i < b->ncerts; i++) {
		x = sa->cmap[cs_be64(a->certs + i * CS_KEY_LEN)];
		y = sb->cmap[cs_be64(b->certs + i * CS_KEY_LEN)];
		if (x != y)
			return x < y ? -1 : 1;
	}
	return (a->ncerts > b->ncerts) - (a->ncerts < b->ncerts);
}

/* By hash, then certificates (with a context), then place. */
static int
chn_cmp(const void *pa, const void *pb, void *arg)
{
	const struct chn *a = pa, *b = pb;
	int c;

	if ((c = memcmp(a->h, b->h, 16)) != 0 ||
	    (arg != NULL && (c = certs_cmp(arg, a, b)) != 0))
		return c;
	if (a->in != b->in)
		return a->in < b->in ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/*
 * The chains sorted by hash, then certificates: those of one hash are
 * one chain in several inputs (two chains under one 128-bit hash, never
 * seen, are sorted again by their certificates).
 */
static void
sort_chains(struct fb *f, struct chn *v, size_t n)
{
	size_t i, j, k;

	if (n > 1)
		qsort_r(v, n, sizeof(*v), chn_cmp, NULL);
	for (i = 0; i < n; i = j) {
		for (j = i + 1, k = 0; j < n && memcmp(v[i].h, v[j].h, 16) ==
		    0; j++)
			k |= certs_cmp(f, &v[i], &v[j]) != 0;
		if (k)
			qsort_r(v + i, j - i, sizeof(*v), chn_cmp, f);
	}
}

/* One input's chains: their hashes as the output keys them. */
static int
chains_of(struct fb *f, size_t i, chns_t *all,
    struct cs_err *err)
{
	struct src *s = &f->s[i];
	unsigned char ok[CS_KEY_LEN];
	XXH128_hash_t h;
	MDB_cursor *cur;
	MDB_val k, v;
	struct chn c;
	size_t nc, j;
	uint64_t num;
	int rc;

	if ((rc = mdb_cursor_open(s->in->txn, cs_store_dbi(s->in->st,
	    cs_store_db_index("chain")), &cur)) != 0)
		return cs_err_set(err, CS_ESTORE, "store '%s': %s",
		    s->in->path, mdb_strerror(rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != CS_KEY_LEN ||
		    cs_store_chain_certs(&v, &c.certs, &nc) == -1)
			goto bad;
		cs_buf_reset(&f->key);
		for (j = 0; j < nc; j++) {
			if ((num = cs_be64(c.certs + j * CS_KEY_LEN)) >=
			    s->ncmap || s->cmap[num] == 0)
				goto bad;
			cert_key(s->cmap[num], ok);
			if (cs_buf_append(&f->key, ok, CS_KEY_LEN, err) == -1)
				goto fail;
		}
		h = XXH3_128bits(f->key.data, f->key.len);
		memcpy(c.h, &h, 16);
		c.in = (uint32_t)i;
		c.ncerts = (uint32_t)nc;
		c.idx = s->nchain++;
		if (cs_vec_push(all, c) == -1) {
			cs_err_set(err, CS_ENOMEM, "out of memory");
			goto fail;
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return cs_err_set(err, CS_ESTORE, "store '%s': %s",
		    s->in->path, mdb_strerror(rc));
	return 0;
bad:
	cs_err_set(err, CS_ESTORE, "store '%s': a chain of an unknown "
	    "certificate", s->in->path);
fail:
	mdb_cursor_close(cur);
	return -1;
}

/*
 * The output's chains: the inputs' in the order of the keys the output
 * gives them (hash, then a sequence number among those of one hash,
 * numbered in the order of their certificates); each input's chains
 * mapped to their rank.
 */
static int
number_chains(struct fb *f, struct cs_err *err)
{
	chns_t all = CS_VEC_INIT;
	const struct chn *c, *p;
	unsigned char *key;
	MDB_stat ms;
	uint32_t seq = 0;
	size_t i, j, n;
	uint64_t r = 0;
	int ret = -1;

	for (i = 0, n = 0; i < f->n; i++)
		if (mdb_stat(f->s[i].in->txn, cs_store_dbi(f->s[i].in->st,
		    cs_store_db_index("chain")), &ms) == 0)
			n += ms.ms_entries;
	if (cs_vec_reserve(&all, n) == -1)
		goto nomem;
	for (i = 0; i < f->n; i++)
		if (chains_of(f, i, &all, err) == -1)
			goto out;
	sort_chains(f, all.v, all.n);
	for (i = 0; i < f->n; i++)
		if ((f->s[i].crank = cs_mallocarray(f->s[i].nchain,
		    sizeof(uint32_t))) == NULL)
			goto nomem;
	if ((f->chkeys = cs_mallocarray(all.n, CS_KEY_LEN)) == NULL)
		goto nomem;
	for (j = 0; j < all.n; j++) {
		c = &all.v[j];
		p = j > 0 ? &all.v[j - 1] : NULL;
		if (p == NULL || memcmp(p->h, c->h, 16) != 0 ||
		    certs_cmp(f, p, c) != 0) {
			if (p != NULL) {
				r++;
				seq = memcmp(p->h, c->h, 16) == 0 ? seq + 1 :
				    0;
			}
			if (r > UINT32_MAX)
				goto nomem;
			key = f->chkeys + r * CS_KEY_LEN;
			memset(key, 0, CS_KEY_LEN);
			memcpy(key, c->h, 16);
			key[16] = (unsigned char)(seq >> 24);
			key[17] = (unsigned char)(seq >> 16);
			key[18] = (unsigned char)(seq >> 8);
			key[19] = (unsigned char)seq;
		}
		f->s[c->in].crank[c->idx] = (uint32_t)r;
	}
	f->nchain = all.n > 0 ? r + 1 : 0;
	for (i = 0; i < f->n; i++) {
		struct src *s = &f->s[i];

		s->chmono = 1;
		for (j = 1; j < s->nchain && s->chmono; j++)
			s->chmono = s->crank[j - 1] < s->crank[j];
	}
	ret = 0;
	goto out;
nomem:
	cs_err_set(err, CS_ENOMEM, "out of memory");
out:
	cs_vec_release(&all);
	return ret;
}

/* ---- the build ----------------------------------------------------------- */

/* Bytes of the phase's tables in the inputs: what the output may need. */
static uint64_t
phase_bytes(const struct fb *f, const struct phase *ph)
{
	char name[32];
	MDB_stat ms;
	uint64_t n = 0;
	size_t i;
	int t, db;

	for (t = 0; nth(ph->tables, t, name, sizeof(name)); t++) {
		db = cs_store_db_index(name);
		for (i = 0; i < f->n; i++) {
			const struct mb_input *in = f->s[i].in;

			if (cs_store_has_db(in->st, db) && mdb_stat(in->txn,
			    cs_store_dbi(in->st, db), &ms) == 0)
				n += ((uint64_t)ms.ms_branch_pages +
				    ms.ms_leaf_pages + ms.ms_overflow_pages) *
				    ms.ms_psize;
		}
	}
	return n;
}

/*
 * A phase, asked of the writer: its tables emptied, written, and the
 * job's record saying the next, in its last transaction.
 */
static int
run_phase(struct fb *f, int p, struct cs_err *err)
{
	const struct phase *ph = &phases[p];
	char name[32];
	int t;

	if (mbw_begin(f->l, p, phase_bytes(f, ph) + (1 << 20), err) == -1)
		return -1;
	f->done = 0;
	f->bytes = 0;
	f->total = 0;
	for (t = 0; nth(ph->tables, t, name, sizeof(name)); t++)
		if (mbw_drop(f->l, cs_store_db_index(name), err) == -1)
			return -1;
	if (ph->run(f, ph, err) == -1)
		return -1;
	return mbw_end(f->l, p, ph->tables, f->total, err);
}

/*
 * Two lanes: the phases before SPLIT (the certificates' and the hosts')
 * built on this thread, the others (the chains' and the rest) on
 * another, about half of the work each.
 */
#define SPLIT	5

struct lanejob {
	struct fb	 f;		/* a copy of the build's, but its own
					 * per-phase state */
	struct mb_input	*in;		/* its own transactions */
	int		 rc;
	struct cs_err	 err;
};

/* The phases from lo to hi not done yet, on the lane of f. */
static int
run_lane(struct fb *f, int lo, int hi, struct cs_err *err)
{
	int p, rc = 0;

	for (p = lo; rc == 0 && p < hi; p++)
		if (!mbw_done(f->w, p))
			rc = run_phase(f, p, err);
	mbw_lane_close(f->l);
	return rc;
}

/* Lane 1: the chains numbered (only its phases need them), its phases. */
static void *
lane_run(void *arg)
{
	struct lanejob *j = arg;

	if (!j->f.chained && number_chains(&j->f, &j->err) == -1) {
		j->rc = -1;
		mbw_lane_close(j->f.l);
		return NULL;
	}
	j->f.chained = 1;
	j->rc = run_lane(&j->f, SPLIT, NPHASES, &j->err);
	return NULL;
}

/* The chains' numbering lane 1 made, the build's (to free, at least). */
static void
chains_back(struct fb *f, const struct lanejob *j)
{
	size_t i;

	if (f->chained)
		return;
	f->chkeys = j->f.chkeys;
	f->nchain = j->f.nchain;
	for (i = 0; i < f->n; i++) {
		f->s[i].crank = j->f.s[i].crank;
		f->s[i].nchain = j->f.s[i].nchain;
		f->s[i].chmono = j->f.s[i].chmono;
	}
	f->chained = j->f.chained;
}

static void
lane_release(struct lanejob *j)
{
	size_t i;

	for (i = 0; j->in != NULL && i < j->f.n; i++)
		if (j->in[i].txn != NULL)
			mdb_txn_abort(j->in[i].txn);
	free(j->in);
	free(j->f.s);
	free(j->f.links);
	free(j->f.top);
	cs_vec_release(&j->f.dups);
	cs_buf_release(&j->f.key);
	cs_buf_release(&j->f.val);
	memset(j, 0, sizeof(*j));
}

/*
 * Lane 1's build: f's numbering, and the inputs read in transactions of
 * its own (a transaction is one thread's) of the same snapshots. Returns
 * -1 when there is no second lane, or an input moved on since (a writer
 * committed to it): one lane does all.
 */
static int
lane_setup(const struct fb *f, struct lanejob *j)
{
	struct cs_err e = CS_ERR_INIT;
	size_t i;

	memset(j, 0, sizeof(*j));
	j->f = *f;
	j->f.s = NULL;
	j->f.links = NULL;
	j->f.top = NULL;
	j->f.topcert = 0;
	memset(&j->f.dups, 0, sizeof(j->f.dups));
	j->f.key = (struct cs_buf)CS_BUF_INIT;
	j->f.val = (struct cs_buf)CS_BUF_INIT;
	if ((j->f.l = mbw_lane(f->w, 1)) == NULL ||
	    (j->f.s = calloc(f->n, sizeof(*f->s))) == NULL ||
	    (j->in = calloc(f->n, sizeof(*j->in))) == NULL)
		goto fail;
	for (i = 0; i < f->n; i++) {
		j->in[i] = *f->s[i].in;
		j->in[i].txn = NULL;
		j->f.s[i] = f->s[i];
		j->f.s[i].in = &j->in[i];
		if (cs_store_rtxn_begin(j->in[i].st, &j->in[i].txn, &e) == -1 ||
		    mdb_txn_id(j->in[i].txn) != mdb_txn_id(f->s[i].in->txn))
			goto fail;
	}
	return 0;
fail:
	lane_release(j);
	return -1;
}

/* Whether a phase in [lo, hi) is not done. */
static int
undone(struct fb *f, int lo, int hi)
{
	for (; lo < hi; lo++)
		if (!mbw_done(f->w, lo))
			return 1;
	return 0;
}

/*
 * The phases not done, written by the writer while the next records are
 * read, on two lanes where both have some. After a failure on a full
 * map (grown since), those not done are done again.
 */
static int
run_phases(struct fb *f, struct cs_err *err)
{
	struct cs_err werr = CS_ERR_INIT;
	struct lanejob j;
	pthread_t th;
	int tries, failed, rc, two;

	for (tries = 0; tries < 64; tries++) {
		two = undone(f, 0, SPLIT) && undone(f, SPLIT, NPHASES) &&
		    lane_setup(f, &j) == 0;
		if (two && pthread_create(&th, NULL, lane_run, &j) != 0) {
			lane_release(&j);
			two = 0;
		}
		rc = 0;
		if (!two && !f->chained) {
			rc = number_chains(f, err);
			f->chained = rc == 0;
		}
		if (rc == 0)
			rc = run_lane(f, 0, two ? SPLIT : NPHASES, err);
		else
			mbw_lane_close(f->l);
		if (two) {
			pthread_join(th, NULL);
			chains_back(f, &j);
			if (rc == 0 && j.rc == -1) {
				*err = j.err;
				rc = -1;
			}
			lane_release(&j);
		}
		if ((failed = mbw_sync(f->w, &werr)) == 0)
			return rc;
		if (failed == -1) {
			*err = werr;
			return -1;
		}
		/* What the build found wrong, if anything, it finds again. */
		*err = (struct cs_err)CS_ERR_INIT;
	}
	return cs_err_set(err, CS_ESTORE, "the output's map cannot grow "
	    "enough");
}

/* The output's hostnames: its table's records. */
static int
count_hosts(struct fb *f, uint64_t *n, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_stat ms;
	int rc;

	if (cs_store_rtxn_begin(f->out, &txn, err) == -1)
		return -1;
	rc = mdb_stat(txn, cs_store_dbi(f->out, cs_store_db_index("host")),
	    &ms);
	mdb_txn_abort(txn);
	if (rc != 0)
		return cs_err_set(err, CS_ESTORE, "cannot read the output: %s",
		    mdb_strerror(rc));
	*n = ms.ms_entries;
	return 0;
}

int
cs_merge_build(struct cs_store *out, const struct mb_input *in, size_t n,
    int from, const struct mb_opts *o, struct mb_result *res,
    struct cs_err *err)
{
	struct fb f;
	size_t i;
	int ret = -1;

	memset(&f, 0, sizeof(f));
	memset(res, 0, sizeof(*res));
	if (n == 0 || n > INPUTS_MAX)
		return cs_err_set(err, CS_EUSAGE, "merge builds from 1 to %d "
		    "stores at once", INPUTS_MAX);
	if (check_phases(err) == -1)
		return -1;
	f.out = out;
	f.n = n;
	f.o = o;
	if ((f.s = calloc(n, sizeof(*f.s))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		f.s[i].in = &in[i];
		f.s[i].i = i;
	}
	if (number_certs(&f, err) == -1)
		goto out;
	if (mbw_start(&f.w, out, from, NPHASES, o, err) == -1)
		goto out;
	f.l = mbw_lane(f.w, 0);
	if (run_phases(&f, err) == -1)
		goto out;
	mbw_stop(f.w);
	f.w = NULL;
	res->certs = f.ncert;
	res->chains = f.nchain;
	res->collisions = f.ncoll;
	if (count_hosts(&f, &res->hosts, err) == -1)
		goto out;
	ret = 0;
out:
	mbw_stop(f.w);
	for (i = 0; i < n; i++) {
		free(f.s[i].cmap);
		free(f.s[i].crank);
		free(f.s[i].refs);
	}
	free(f.s);
	free(f.chkeys);
	free(f.top);
	cs_vec_release(&f.dups);
	cs_buf_release(&f.key);
	cs_buf_release(&f.val);
	return ret;
}
