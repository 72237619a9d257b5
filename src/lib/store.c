#include "certsift/store.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>
#include <xxhash.h>

#include <openssl/sha.h>

#include "certsift/buf.h"
#include "certsift/hex.h"
#include "certsift/vec.h"
#include "certsift/ingest.h"
#include "certsift/report.h"
#include "store_int.h"
#include "storefile.h"

/*
 * The databases. Integers are in host byte order in values; error codes in
 * keys are big-endian with the sign bit flipped, so they sort as numbers.
 */
enum {
	DB_META,	/* "schema" -> u32; "counters" -> u64[] */
	DB_FILES,	/* content id (24) -> struct cs_fileprog */
	DB_DER,		/* cert key (a number, big-endian) -> DER */
	DB_CERT,	/* cert key -> struct certstat + errcounts */
	DB_SUMM,	/* cert key -> encoded struct cs_cert */
	DB_SHA,		/* sha256 (32) -> cert key */
	DB_CERTHOST,	/* cert key + host -> u64 */
	DB_HOSTCERT,	/* u16 len + host + cert key -> "" (an index) */
	DB_HOST,	/* host -> struct hoststat */
	DB_CHAIN,	/* chain key -> struct chainstat + keys + errcounts */
	DB_CHAINHOST,	/* chain key + u8 has + code + host -> u64 */
	DB_ERROR,	/* code -> u64 reports */
	DB_DERIDX,	/* XXH3-128 of a DER + u32 sequence -> cert key */
	DB_TOPHOST,	/* cert key -> its top hostnames (struct toplist) */
	DB_AIAURL,	/* caIssuers URL -> struct aiaurl (schema 5) */
	DB_AIACERT,	/* sha256 (32) -> struct aiacert + URL + DER */
	DB_DAY,		/* day + u8 has + code -> u64 reports (schema 5) */
	DB_CHAINDAY,	/* chain key -> struct dayrec[], sorted (schema 5) */
	DB_VALID,	/* chainhost key -> struct cs_validity[] (schema 5) */
	DB_HOSTDAY,	/* chainhost key -> struct cs_hostday[] (schema 6) */
	DB_CERTCODE,	/* code + cert key -> struct codetime (schema 6) */
	DB_HOSTCODE,	/* code + host -> u64 reports (schema 6) */
	DB_VERDICT,	/* signature verdicts, a cache (any schema):
			 * CS_VERDICT_KEY bytes -> u8 1 (verified) or 0 */
	NDB
};

static const char *const dbnames[NDB] = {
	"meta", "files", "der", "cert", "summ", "sha", "certhost", "hostcert",
	"host", "chain", "chainhost", "error", "deridx", "tophost", "aiaurl",
	"aiacert", "day", "chainday", "chainvalid", "chainhostday",
	"certcode", "hostcode", "verdict"
};

static const char *const counter_names[CS_N_COUNTERS] = {
	"files", "reports_read", "reports_accepted", "reports_filtered",
	"reports_malformed", "certs_seen", "certs_invalid", "certs_new",
	"bytes", "seconds", "unique_certs", "unique_chains", "unique_hosts",
	"files_ingested", "hash_collisions", "files_skipped"
};

const int cs_store_counter_order[CS_N_COUNTERS] = {
	CS_N_FILES, CS_N_FILES_SKIPPED, CS_N_REPORTS_READ, CS_N_REPORTS_ACCEPTED,
	CS_N_REPORTS_FILTERED, CS_N_REPORTS_MALFORMED,
	CS_N_CERTS_SEEN, CS_N_CERTS_INVALID, CS_N_CERTS_NEW,
	CS_N_BYTES, CS_N_MICROSECONDS, CS_N_UNIQUE_CERTS,
	CS_N_UNIQUE_CHAINS, CS_N_UNIQUE_HOSTS, CS_N_FILES_INGESTED,
	CS_N_COLLISIONS
};

struct certstat {
	uint64_t	count;
	uint64_t	leaf_count;
	uint64_t	hosts;
	int64_t		first_seen;
	int64_t		last_seen;
	uint32_t	seen;
	uint32_t	nerrs;
	/* Copied from the summary: scans that need only these (rankings
	 * by issuer) leave the summaries unread. */
	unsigned char	sha256[32];
	unsigned char	issuer[16];	/* XXH3-128 of the issuer DER */
};

struct errrec {
	int32_t		code;
	uint32_t	pad;
	uint64_t	n;
};

struct hoststat {
	uint64_t	reports;
	uint64_t	certs;
};

struct chainstat {
	uint64_t	count;
	int64_t		first_seen;
	int64_t		last_seen;
	uint32_t	seen;
	uint32_t	ncerts;
	uint32_t	nerrs;
	uint32_t	pad;
	unsigned char	leaf_issuer[16];	/* the leaf's certstat.issuer */
};

/*
 * When reports with one code carried a certificate (DB_CERTCODE): what
 * figures under --error show. Written only for reports with a time.
 */
struct codetime {
	int64_t		first;
	int64_t		last;
};

/* meta "days": from when the day tables count (schema 4 upgrades). */
struct daysmeta {
	uint64_t	reports_before;	/* accepted reports without days */
	int64_t		since;		/* when the store was upgraded */
};

/* One (day, code) of a chain in DB_CHAINDAY, in that order. */
struct dayrec {
	int32_t		day;
	int32_t		code;
	uint32_t	has_err;
	uint32_t	pad;
	uint64_t	n;
};

struct cs_store {
	MDB_env		*env;
	/* Readers beside the writer hold it shared; growing the map, which
	 * LMDB allows only without transactions, holds it alone. */
	pthread_rwlock_t maplock;
	MDB_txn		*rtxn;		/* pinned by cs_store_read_begin() */
	MDB_dbi		 dbi[NDB];
	int		 lockfd;
	int		 rdonly;
	int		 notop;		/* schema 3: no DB_TOPHOST */
	int		 noaia;		/* schema 3 or 4: no DB_AIA* */
	int		 nodays;	/* no DB_DAY, DB_CHAINDAY (read as 4) */
	int		 writemap;
	int		 nowritemap;	/* a writer that writes its pages */
	uint64_t	 reserved;	/* bytes of data.mdb reserved on disk */
	int		 novalid;	/* schema 3, 4: no DB_VALID */
	int		 nohostday;	/* schema 5 or older: no DB_HOSTDAY */
	int		 nocode;	/* schema 3 to 5: no DB_*CODE */
	int		 noverdict;	/* no DB_VERDICT yet: none kept */
	int		 nolock;	/* opened without lock.mdb */
	int		 keepnone;	/* CS_STORE_RDONLY: writes no cache */
	/* Verdicts the walks found that the store lacks, CS_VERDICT_KEY
	 * + 1 bytes each: written at cs_store_close() (verdicts_flush()). */
	struct cs_buf	 vnew;
	struct cs_verdict_count vcount;
	int		 upgraded;	/* the schema this handle upgraded */
	int		 borrowed;	/* env is another handle's (reader) */
	char		*path;
};

/*
 * A certificate's CS_TOP_HOSTS hostnames with the most reports, most first,
 * ties by name: what `show` lists, kept with every certificate-host write
 * so that a certificate linked to a million hostnames shows as fast as one
 * with a single one. Counts only grow, so the top of the old list and the
 * hostnames just written hold the new top. Stored as, per hostname, a u64
 * count, a u16 length and the name.
 */
struct toplist {
	int		 loaded;
	int		 changed;
	unsigned char	 key[CS_KEY_LEN];
	size_t		 n;
	struct topent {
		uint64_t	 count;
		uint32_t	 off;		/* of the name, in names */
		uint32_t	 len;
	}		 e[CS_TOP_HOSTS];
	size_t		 used;		/* bytes of names taken */
	char		 names[2 * CS_TOP_HOSTS * CS_HOST_MAX];
};

#define TOPENT_MAX	(8 + 2 + CS_HOST_MAX)	/* bytes of one, stored */

/*
 * A table's last key, as far as its transaction knows: a write in key
 * order past it goes in with MDB_APPEND, which neither searches the tree
 * nor splits pages in half (a fresh store; rows of new certificates).
 */
#define TAIL_MAX	512		/* LMDB keys are at most 511 bytes */

struct tail {
	int		 state;		/* TAIL_* */
	size_t		 len;
	unsigned char	 key[TAIL_MAX];
};

enum { TAIL_UNKNOWN, TAIL_KNOWN, TAIL_EMPTY };

struct cs_wtxn {
	struct cs_store	*st;
	MDB_txn		*txn;
	MDB_cursor	*cur[NDB];	/* opened on first use; freed with txn */
	struct tail	 tail[NDB];
	struct toplist	 top;		/* the last certificate's, unwritten */
	struct cs_buf	 scratch;
	struct cs_buf	 der;
	uint64_t	 next_cert;	/* the next certificate's number, or 0 */
};

static int	top_flush(struct cs_wtxn *);
static void	verdicts_flush(struct cs_store *);
static int	get_counters(MDB_txn *, MDB_dbi, uint64_t[CS_N_COUNTERS]);
static int	map_resize(struct cs_store *, uint64_t, uint64_t,
		    struct cs_err *);
static uint64_t	map_used(struct cs_store *);
static uint64_t	map_round(uint64_t);

#ifndef CS_MAP_START
#define CS_MAP_START	(4 << 20)	/* tests start tiny: the map grows */
#endif
#define MAP_START	((size_t)CS_MAP_START)

const char *
cs_store_counter_name(int i)
{
	return i >= 0 && i < CS_N_COUNTERS ? counter_names[i] : NULL;
}

static int
mdb_fail(struct cs_err *err, int rc, const char *what)
{
	return cs_err_set(err, CS_ESTORE, "%s: %s", what, mdb_strerror(rc));
}

static int	rbegin(struct cs_store *, MDB_txn **, struct cs_err *);

static void
rend(struct cs_store *st, MDB_txn *txn)
{
	if (txn != st->rtxn)
		mdb_txn_abort(txn);
}

int
cs_store_read_begin(struct cs_store *st, struct cs_err *err)
{
	MDB_txn *txn;

	if (st->rtxn != NULL)
		return 0;
	if (rbegin(st, &txn, err) == -1)
		return -1;
	st->rtxn = txn;
	return 0;
}

int
cs_store_reader(struct cs_store *st, struct cs_store **out,
    struct cs_err *err)
{
	struct cs_store *r;

	*out = NULL;
	if (st->rtxn == NULL)
		return cs_err_set(err, CS_EUSAGE, "a reader of a store needs "
		    "its snapshot pinned");
	if ((r = malloc(sizeof(*r))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	/* LMDB opens a file once per process: the environment (and its
	 * tables, the schema's flags) is shared, and LMDB lets each thread
	 * have a read transaction on it. What is st's own is not. */
	*r = *st;
	r->borrowed = 1;
	r->rtxn = NULL;
	r->lockfd = -1;
	r->rdonly = 1;
	r->keepnone = 1;
	memset(&r->vnew, 0, sizeof(r->vnew));
	memset(&r->vcount, 0, sizeof(r->vcount));
	pthread_rwlock_init(&r->maplock, NULL);
	if ((r->path = strdup(st->path)) == NULL) {
		cs_store_close(r);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	if (cs_store_read_begin(r, err) == -1) {
		cs_store_close(r);
		return -1;
	}
	/* A writer committed in between: not the same snapshot. */
	if (mdb_txn_id(r->rtxn) != mdb_txn_id(st->rtxn)) {
		cs_store_close(r);
		return 1;
	}
	*out = r;
	return 0;
}

int
cs_store_pinned(const struct cs_store *st)
{
	return st->rtxn != NULL;
}

void
cs_store_read_end(struct cs_store *st)
{
	if (st != NULL && st->rtxn != NULL) {
		mdb_txn_abort(st->rtxn);
		st->rtxn = NULL;
	}
}

/* Begins a read transaction, following a map another process grew; the
 * pinned one when there is one. */
static int
rbegin(struct cs_store *st, MDB_txn **txn, struct cs_err *err)
{
	int rc;

	if (st->rtxn != NULL) {
		*txn = st->rtxn;
		return 0;
	}
	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn)) ==
	    MDB_MAP_RESIZED) {
		mdb_env_set_mapsize(st->env, 0);
		rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn);
	}
	if (rc != 0)
		return mdb_fail(err, rc, "cannot begin read transaction");
	return 0;
}

/* ---- top hostnames ------------------------------------------------------ */

/* 1 when (ca, ha) ranks before (cb, hb): more reports, then name order. */
static int
top_before(uint64_t ca, const char *ha, size_t la, uint64_t cb,
    const char *hb, size_t lb)
{
	size_t n = la < lb ? la : lb;
	int r;

	if (ca != cb)
		return ca > cb;
	if ((r = n > 0 ? memcmp(ha, hb, n) : 0) != 0)
		return r < 0;
	return la < lb;
}

#define TOP_NAME(l, i)	((l)->names + (l)->e[i].off)

/* Keeps the names of the list's entries only, at the start of names. */
static void
top_compact(struct toplist *l)
{
	char tmp[CS_TOP_HOSTS * CS_HOST_MAX];
	size_t i, used = 0;

	for (i = 0; i < l->n; i++) {
		memcpy(tmp + used, TOP_NAME(l, i), l->e[i].len);
		l->e[i].off = (uint32_t)used;
		used += l->e[i].len;
	}
	memcpy(l->names, tmp, used);
	l->used = used;
}

/* Puts a hostname's new total in the list, which keeps the best. */
static void
top_update(struct toplist *l, const char *host, size_t len, uint64_t total)
{
	const struct topent *last = &l->e[l->n > 0 ? l->n - 1 : 0];
	size_t i;

	if (len > CS_HOST_MAX)
		return;
	/* Not before the last of a full list: not in it, or unchanged. */
	if (l->n == CS_TOP_HOSTS && !top_before(total, host, len,
	    last->count, l->names + last->off, last->len))
		return;
	for (i = 0; i < l->n; i++)
		if (l->e[i].len == len && memcmp(TOP_NAME(l, i), host, len) ==
		    0)
			break;
	if (i < l->n) {
		if (l->e[i].count == total)
			return;
		memmove(&l->e[i], &l->e[i + 1], (l->n - i - 1) *
		    sizeof(l->e[0]));
		l->n--;
	} else if (l->n == CS_TOP_HOSTS)
		l->n--;			/* the last one goes */
	if (l->used + len > sizeof(l->names))
		top_compact(l);
	for (i = l->n; i > 0 && top_before(total, host, len,
	    l->e[i - 1].count, TOP_NAME(l, i - 1), l->e[i - 1].len); i--)
		;
	memmove(&l->e[i + 1], &l->e[i], (l->n - i) * sizeof(l->e[0]));
	l->e[i].count = total;
	l->e[i].off = (uint32_t)l->used;
	l->e[i].len = (uint32_t)len;
	memcpy(l->names + l->used, host, len);
	l->used += len;
	l->n++;
	l->changed = 1;
}

/* Reads a stored list into l; MDB_CORRUPTED when it is not one. */
static int
top_decode(struct toplist *l, const MDB_val *v)
{
	const unsigned char *p = v->mv_data, *end = p + v->mv_size;
	uint16_t len;

	l->n = 0;
	l->used = 0;
	while (p < end) {
		if (l->n == CS_TOP_HOSTS || end - p < 10)
			return MDB_CORRUPTED;
		memcpy(&l->e[l->n].count, p, 8);
		memcpy(&len, p + 8, 2);
		p += 10;
		if (len > CS_HOST_MAX || (size_t)(end - p) < len)
			return MDB_CORRUPTED;
		l->e[l->n].off = (uint32_t)l->used;
		l->e[l->n].len = len;
		memcpy(l->names + l->used, p, len);
		l->used += len;
		p += len;
		l->n++;
	}
	return 0;
}

/* The stored form of l in buf (CS_TOP_HOSTS * TOPENT_MAX bytes). */
static size_t
top_encode(const struct toplist *l, unsigned char *buf)
{
	unsigned char *p = buf;
	uint16_t len;
	size_t i;

	for (i = 0; i < l->n; i++) {
		len = (uint16_t)l->e[i].len;
		memcpy(p, &l->e[i].count, 8);
		memcpy(p + 8, &len, 2);
		memcpy(p + 10, TOP_NAME(l, i), len);
		p += 10 + len;
	}
	return (size_t)(p - buf);
}

/*
 * Schema 3 to 4: every certificate's list, from its links, in one pass
 * over them (in the key order of both).
 */
static int
top_build(MDB_txn *txn, struct cs_store *st)
{
	struct toplist *l;
	unsigned char buf[CS_TOP_HOSTS * TOPENT_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t n;
	int rc;

	if ((l = malloc(sizeof(*l))) == NULL)
		return ENOMEM;
	if ((rc = mdb_cursor_open(txn, st->dbi[DB_CERTHOST], &cur)) != 0) {
		free(l);
		return rc;
	}
	l->loaded = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); ; rc =
	    mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (rc != 0 || k.mv_size < CS_KEY_LEN || v.mv_size != 8 ||
		    (l->loaded && memcmp(k.mv_data, l->key, CS_KEY_LEN) != 0)) {
			MDB_val tk = { CS_KEY_LEN, l->key }, tv;
			int prc;

			if (l->loaded) {
				tv.mv_data = buf;
				tv.mv_size = top_encode(l, buf);
				if ((prc = mdb_put(txn, st->dbi[DB_TOPHOST], &tk,
				    &tv, MDB_APPEND)) != 0) {
					rc = prc;
					break;
				}
			}
			l->loaded = 0;
			if (rc != 0)
				break;
			if (k.mv_size < CS_KEY_LEN || v.mv_size != 8) {
				rc = MDB_CORRUPTED;
				break;
			}
		}
		if (!l->loaded) {
			memcpy(l->key, k.mv_data, CS_KEY_LEN);
			l->n = 0;
			l->used = 0;
			l->loaded = 1;
		}
		memcpy(&n, v.mv_data, 8);
		top_update(l, (const char *)k.mv_data + CS_KEY_LEN,
		    k.mv_size - CS_KEY_LEN, n);
	}
	mdb_cursor_close(cur);
	free(l);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static void	put_code(unsigned char *, int32_t);
static int	chain_decode(const MDB_val *, const MDB_val *,
		    struct cs_chainrec *, struct cs_errcount **,
		    struct cs_err *);

/* Widens the (code, certificate) record at key to first..last. */
static int
codetime_widen(MDB_txn *txn, MDB_dbi dbi, unsigned char *key, int64_t first,
    int64_t last)
{
	struct codetime ct = { first, last }, old;
	MDB_val k = { 4 + CS_KEY_LEN, key }, v;
	int rc;

	if ((rc = mdb_get(txn, dbi, &k, &v)) == 0) {
		if (v.mv_size != sizeof(old))
			return MDB_CORRUPTED;
		memcpy(&old, v.mv_data, sizeof(old));
		if (old.first <= first && old.last >= last)
			return 0;
		ct.first = old.first < first ? old.first : first;
		ct.last = old.last > last ? old.last : last;
	} else if (rc != MDB_NOTFOUND)
		return rc;
	v.mv_data = &ct;
	v.mv_size = sizeof(ct);
	return mdb_put(txn, dbi, &k, &v, 0);
}

/* Each chain's times, as its codes' for each of its certificates. */
static int
certcode_build(MDB_txn *txn, struct cs_store *st)
{
	struct cs_chainrec rec;
	struct cs_errcount *errs;
	struct cs_err err = CS_ERR_INIT;
	unsigned char key[4 + CS_KEY_LEN];
	MDB_cursor *cur;
	MDB_val k, v;
	size_t i, j;
	int rc;

	if ((rc = mdb_cursor_open(txn, st->dbi[DB_CHAIN], &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (chain_decode(&k, &v, &rec, &errs, &err) == -1) {
			rc = err.code == CS_ENOMEM ? ENOMEM : MDB_CORRUPTED;
			break;
		}
		for (i = 0; rec.seen && rc == 0 && i < rec.nerrs; i++) {
			put_code(key, errs[i].code);
			for (j = 0; rc == 0 && j < rec.ncerts; j++) {
				memcpy(key + 4, rec.certs + j * CS_KEY_LEN,
				    CS_KEY_LEN);
				rc = codetime_widen(txn, st->dbi[DB_CERTCODE],
				    key, rec.first_seen, rec.last_seen);
			}
		}
		free(errs);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The (chain, code, host) reports summed over chains. */
static int
hostcode_build(MDB_txn *txn, struct cs_store *st)
{
	unsigned char key[4 + CS_HOST_MAX];
	const unsigned char *d;
	MDB_cursor *cur;
	MDB_val k, v, hk, hv;
	uint64_t n, sum;
	size_t len;
	int rc;

	if ((rc = mdb_cursor_open(txn, st->dbi[DB_CHAINHOST], &cur)) != 0)
		return rc;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < CS_KEY_LEN + 5 || v.mv_size != sizeof(n) ||
		    k.mv_size - CS_KEY_LEN - 5 > CS_HOST_MAX) {
			rc = MDB_CORRUPTED;
			break;
		}
		d = k.mv_data;
		len = k.mv_size - CS_KEY_LEN - 5;
		if (!d[CS_KEY_LEN] || len == 0)
			continue;
		memcpy(&n, v.mv_data, sizeof(n));
		memcpy(key, d + CS_KEY_LEN + 1, 4);
		memcpy(key + 4, d + CS_KEY_LEN + 5, len);
		hk.mv_data = key;
		hk.mv_size = 4 + len;
		sum = 0;
		if ((rc = mdb_get(txn, st->dbi[DB_HOSTCODE], &hk, &hv)) == 0 &&
		    hv.mv_size == sizeof(sum))
			memcpy(&sum, hv.mv_data, sizeof(sum));
		else if (rc != 0 && rc != MDB_NOTFOUND)
			break;
		sum += n;
		hv.mv_data = &sum;
		hv.mv_size = sizeof(sum);
		if ((rc = mdb_put(txn, st->dbi[DB_HOSTCODE], &hk, &hv, 0)) !=
		    0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/*
 * Schema 6's tables of an older store, from what it kept: a chain's times
 * stand for each of its codes (they span all of them: a certificate's
 * figures under --error keep the dates schema 5 showed for the reports
 * before the upgrade), and the hosts' reports per code are those with a
 * valid certificate (schema 5 kept no others).
 */
static int
code_build(MDB_txn *txn, struct cs_store *st)
{
	int rc;

	if ((rc = certcode_build(txn, st)) != 0)
		return rc;
	return hostcode_build(txn, st);
}

/* What a writer fills in an older store: the code tables when it made them
 * (codes), and schema 3's top hostnames. */
static int
upgrade_build(MDB_txn *txn, struct cs_store *st, uint32_t schema, int codes)
{
	int rc;

	if (codes && (rc = code_build(txn, st)) != 0)
		return rc;
	return schema == 3 ? top_build(txn, st) : 0;
}

/* A failure to open a store: a damaged one says so. */
static int
open_fail(const struct cs_store *st, struct cs_err *err, int rc,
    const char *what)
{
	if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND ||
	    rc == MDB_INCOMPATIBLE)
		return cs_err_set(err, CS_ESTORE, "store '%s' is damaged: %s: "
		    "%s", st->path, what, mdb_strerror(rc));
	return mdb_fail(err, rc, what);
}

/*
 * -1 when the environment has records but no certsift "meta" table
 * (another program's), 0 when it is new or a store, or an LMDB error.
 */
static int
foreign(MDB_txn *txn)
{
	MDB_dbi dbi;
	MDB_stat ms;
	int rc;

	if ((rc = mdb_dbi_open(txn, dbnames[DB_META], 0, &dbi)) == 0)
		return 0;
	if (rc == MDB_INCOMPATIBLE)
		return -1;
	if (rc != MDB_NOTFOUND)
		return rc;
	if ((rc = mdb_dbi_open(txn, NULL, 0, &dbi)) != 0 ||
	    (rc = mdb_stat(txn, dbi, &ms)) != 0)
		return rc;
	return ms.ms_entries > 0 ? -1 : 0;
}

/*
 * The day tables of a store made before them start empty: the store says
 * from when it has days and how many reports it had then (they have none).
 */
static int
days_begin(MDB_txn *txn, struct cs_store *st)
{
	uint64_t n[CS_N_COUNTERS];
	struct daysmeta dm;
	MDB_val k = { 4, "days" }, v = { sizeof(dm), &dm };
	int rc;

	if ((rc = get_counters(txn, st->dbi[DB_META], n)) != 0)
		return rc;
	memset(&dm, 0, sizeof(dm));
	dm.reports_before = n[CS_N_REPORTS_ACCEPTED];
	dm.since = (int64_t)time(NULL);
	return mdb_put(txn, st->dbi[DB_META], &k, &v, 0);
}

/*
 * The flag that notes table i missing from an older store, or NULL for a
 * table every store has. A reader reads a missing table as empty; a
 * writer makes it (open_tables()) and, where that takes more, upgrade().
 */
static int *
lacks(struct cs_store *st, int i)
{
	switch (i) {
	case DB_TOPHOST:
		return &st->notop;	/* schema 3, checked below */
	case DB_AIAURL:
	case DB_AIACERT:
		return &st->noaia;	/* schema 3 or 4 */
	case DB_DAY:
	case DB_CHAINDAY:
		return &st->nodays;	/* 3, 4, or early 5 */
	case DB_VALID:
		return &st->novalid;	/* 3, 4, or a 5 made before it */
	case DB_HOSTDAY:
		return &st->nohostday;	/* 5 or older, read as it is: none */
	case DB_CERTCODE:
	case DB_HOSTCODE:
		return &st->nocode;	/* schema 3 to 5 */
	case DB_VERDICT:
		return &st->noverdict;	/* a cache: made when written */
	}
	return NULL;
}

/*
 * Opens every table (a writer makes those missing; *daysnew and *codenew
 * say whether the day tables or the code tables were among them). Returns 0, or -1 with txn ended.
 */
static int
open_tables(struct cs_store *st, MDB_txn *txn, int create, int *daysnew,
    int *codenew, struct cs_err *err)
{
	int rc, i, *flag;

	for (i = 0; i < NDB; i++) {
		/* A writer makes and fills schema 6's tables. */
		if ((i == DB_CERTCODE || i == DB_HOSTCODE) && create &&
		    mdb_dbi_open(txn, dbnames[i], 0, &st->dbi[i]) ==
		    MDB_NOTFOUND)
			*codenew = 1;
		/* A writer makes the day tables of an older store. */
		if ((i == DB_DAY || i == DB_CHAINDAY) && create && mdb_dbi_open(
		    txn, dbnames[i], 0, &st->dbi[i]) == MDB_NOTFOUND)
			*daysnew = 1;
		if ((rc = mdb_dbi_open(txn, dbnames[i], create ? MDB_CREATE :
		    0, &st->dbi[i])) == 0)
			continue;
		if (rc == MDB_NOTFOUND && (flag = lacks(st, i)) != NULL) {
			*flag = 1;
			continue;
		}
		rend(st, txn);
		if (rc == MDB_NOTFOUND)
			return cs_err_set(err, CS_ESCHEMA, "'%s' is not a "
			    "certsift store", st->path);
		return open_fail(st, err, rc, "cannot open database");
	}
	return 0;
}

static int
put_schema(struct cs_store *st, MDB_txn *txn, uint32_t schema)
{
	MDB_val k, v;

	k.mv_data = "schema";
	k.mv_size = 6;
	v.mv_data = &schema;
	v.mv_size = sizeof(schema);
	return mdb_put(txn, st->dbi[DB_META], &k, &v, 0);
}

/*
 * The store's schema into *schema; a writer gives a new store this
 * certsift's (*fresh: it did). Returns 0, or -1 with txn ended.
 */
static int
read_schema(struct cs_store *st, MDB_txn *txn, int create, uint32_t *schema,
    int *fresh, struct cs_err *err)
{
	MDB_val k, v;
	int rc;

	k.mv_data = "schema";
	k.mv_size = 6;
	if ((rc = mdb_get(txn, st->dbi[DB_META], &k, &v)) == MDB_NOTFOUND &&
	    create) {
		rc = put_schema(st, txn, *schema);
		*fresh = 1;
	} else if (rc == 0) {
		if (v.mv_size != sizeof(*schema))
			rc = MDB_CORRUPTED;
		else
			memcpy(schema, v.mv_data, sizeof(*schema));
	}
	if (rc != 0) {
		rend(st, txn);
		if (rc == MDB_NOTFOUND)
			return cs_err_set(err, CS_ESCHEMA, "'%s' is not a "
			    "certsift store", st->path);
		return open_fail(st, err, rc, "cannot read schema");
	}
	return 0;
}

/*
 * A writer brings an older schema up to this certsift's. Returns 0; 1
 * when the map had to grow (txn ended: begin again); -1 with txn ended.
 */
static int
upgrade(struct cs_store *st, MDB_txn *txn, uint32_t *schema, int *tries,
    int codes, struct cs_err *err)
{
	MDB_envinfo info;
	int rc;

	/*
	 * Schema 3 lacks the top hostnames, 3 to 5 the code tables (made
	 * by open_tables(), codes set): a writer fills them.
	 */
	if (*schema == 3 || codes) {
		if ((rc = upgrade_build(txn, st, *schema, codes)) ==
		    MDB_MAP_FULL && (*tries)++ < 20 &&
		    mdb_env_info(st->env, &info) == 0) {
			/* Grown with no transaction open: then again. */
			mdb_txn_abort(txn);
			if (map_resize(st, (uint64_t)info.me_mapsize * 2,
			    map_round((uint64_t)info.me_mapsize * 9 / 8), err)
			    == -1)
				return -1;
			return 1;
		}
		if (rc != 0) {
			rend(st, txn);
			return mdb_fail(err, rc, "cannot upgrade the store");
		}
		if (codes)
			st->upgraded = (int)*schema;
	}
	/*
	 * Schema 4 lacks only the AIA and validity tables, 5 the hosts' days
	 * (made by open_tables(): they count the reports ingested from now)
	 * and the code tables (filled above). 6 has every table, its
	 * summaries of version 1 (x509.h): the certificates added from now
	 * have version 2's.
	 */
	if (*schema >= 3 && *schema <= 6) {
		*schema = CS_SCHEMA;
		if ((rc = put_schema(st, txn, *schema)) != 0) {
			rend(st, txn);
			return mdb_fail(err, rc, "cannot upgrade the store");
		}
	}
	return 0;
}

static int
open_dbs(struct cs_store *st, int create, struct cs_err *err)
{
	MDB_txn *txn = NULL;
	uint32_t schema;
	int rc, tries = 0, fresh, daysnew, codenew;

again:
	fresh = daysnew = codenew = 0;
	schema = CS_SCHEMA;
	if (create) {
		if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0)
			return mdb_fail(err, rc, "cannot begin transaction");
	} else if (rbegin(st, &txn, err) == -1)
		return -1;
	st->notop = 0;
	st->noaia = 0;
	st->nodays = 0;
	/* Another program's LMDB environment is not made a store. */
	if (create && (rc = foreign(txn)) != 0) {
		rend(st, txn);
		if (rc == -1)
			return cs_err_set(err, CS_ESCHEMA, "'%s' is not a "
			    "certsift store", st->path);
		return open_fail(st, err, rc, "cannot open database");
	}
	st->novalid = 0;
	st->nohostday = 0;
	st->nocode = 0;
	st->noverdict = 0;
	if (open_tables(st, txn, create, &daysnew, &codenew, err) == -1 ||
	    read_schema(st, txn, create, &schema, &fresh, err) == -1)
		return -1;
	if (create && (rc = upgrade(st, txn, &schema, &tries,
	    codenew && !fresh, err)) != 0) {
		if (rc == 1)
			goto again;
		return -1;
	}
	if (create && daysnew && !fresh && (rc = days_begin(txn, st)) != 0) {
		rend(st, txn);
		return mdb_fail(err, rc, "cannot upgrade the store");
	}
	if (schema != CS_SCHEMA && !(schema == 3 && st->notop) &&
	    !(schema == 4 && st->noaia) && !(schema == 5 && (st->nohostday ||
	    st->nocode)) && schema != 6) {
		rend(st, txn);
		return cs_err_set(err, CS_ESCHEMA, "store '%s' has schema "
		    "version %u; this certsift reads version %d", st->path,
		    schema, CS_SCHEMA);
	}
	if (schema >= 6 && (st->notop || st->noaia ||
	    st->nohostday || st->nocode)) {
		rend(st, txn);
		return cs_err_set(err, CS_ESCHEMA, "'%s' is not a certsift "
		    "store", st->path);
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return mdb_fail(err, rc, "cannot commit");
	return 0;
}

/*
 * Opens the LMDB environment in dir and its databases. A writer maps the
 * file writable and reserves its space on disk first; a reader maps it
 * read-only, and reads without LMDB's lock file where it cannot write one
 * (read-only media, a full disk): no writer can be using it there.
 */
static int
env_open(struct cs_store *st, const char *dir, int flags, int fresh,
    struct cs_err *err)
{
	MDB_envinfo info;
	char lock[PATH_MAX];
	unsigned int mflags = MDB_NOTLS;
	int rc, e;

	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, NDB)) != 0 ||
	    (rc = mdb_env_set_maxreaders(st->env, 126)) != 0)
		return mdb_fail(err, rc, "cannot create environment");
	if (fresh && (rc = mdb_env_set_mapsize(st->env, MAP_START)) != 0)
		return mdb_fail(err, rc, "cannot set map size");
	snprintf(lock, sizeof(lock), "%s/lock.mdb", dir);
	e = cs_storefile_lock_prepare(lock);
	if (st->rdonly) {
		mflags |= MDB_RDONLY | (e != 0 ? MDB_NOLOCK : 0);
		st->nolock = e != 0;
	} else if (e == ENOSPC || e == EDQUOT) {
		return cs_err_set(err, CS_ESTORE, "store '%s': no space left "
		    "on device (1 MB needed)", st->path);
	} else if (e != 0) {
		return cs_err_set(err, CS_EIO, "cannot write store '%s': %s",
		    st->path, strerror(e));
	} else {
		/*
		 * The writer maps the file writable: a transaction's dirty
		 * pages then live in the page cache, not in the process's
		 * anonymous memory, which stays small whatever a
		 * transaction writes. Every page of the map is reserved on
		 * disk before LMDB writes into it (map_resize()).
		 */
		st->writemap = !st->nowritemap;
		if (st->writemap)
			mflags |= MDB_WRITEMAP;
	}
	if ((rc = mdb_env_open(st->env, dir, mflags, 0666)) != 0)
		return cs_err_set(err, rc == EACCES || rc == EROFS ? CS_EIO :
		    CS_ESTORE, "cannot open store '%s': %s", st->path,
		    rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH ?
		    "not an LMDB file of this LMDB version" : mdb_strerror(rc));
	/* The file as long as the map, all of it reserved; as little as
	 * the last commit when the disk holds no more. */
	if (st->writemap && (mdb_env_info(st->env, &info) != 0 ||
	    map_resize(st, info.me_mapsize, map_round(map_used(st) + 1),
	    err) == -1)) {
		if (err->code == CS_EOK)
			cs_err_set(err, CS_ESTORE, "cannot read store '%s'",
			    st->path);
		return -1;
	}
	return open_dbs(st, (flags & CS_STORE_CREATE) != 0, err);
}

/*
 * Makes a new store beside path and renames it into place, so that a
 * query never finds a store half made. Returns 0 when path holds a store
 * now (this one, or one another process made meanwhile).
 */
static int
create_store(struct cs_store *st, const char *path, int flags,
    struct cs_err *err)
{
	char tmp[PATH_MAX], f[PATH_MAX + 16];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.new.%ld", path, (long)getpid());
	if (mkdir(tmp, 0777) == -1)
		return cs_err_set(err, CS_EIO, "cannot create '%s': %s", tmp,
		    strerror(errno));
	rc = env_open(st, tmp, flags, 1, err);
	if (st->env != NULL)
		mdb_env_close(st->env);
	st->env = NULL;
	if (rc == 0 && rename(tmp, path) == -1) {
		/* A directory with other files in it, or a store made by
		 * another process in the meantime: use what is there. */
		if (errno != ENOTEMPTY && errno != EEXIST)
			rc = cs_err_set(err, CS_EIO, "cannot create '%s': %s",
			    path, strerror(errno));
	} else if (rc == 0)
		return 0;
	snprintf(f, sizeof(f), "%s/data.mdb", tmp);
	unlink(f);
	snprintf(f, sizeof(f), "%s/lock.mdb", tmp);
	unlink(f);
	rmdir(tmp);
	return rc;
}

int
cs_store_open(const char *path, int flags, struct cs_store **out,
    struct cs_err *err)
{
	struct cs_store *st;
	struct stat sb;
	char data[PATH_MAX];
	uint64_t used;
	int exists;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->path = strdup(path)) == NULL) {
		free(st);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	st->lockfd = -1;
	/* Only a store opened to be written is mapped writable. */
	st->rdonly = (flags & CS_STORE_RDONLY) || !(flags & CS_STORE_CREATE);
	st->keepnone = (flags & CS_STORE_RDONLY) != 0;
	pthread_rwlock_init(&st->maplock, NULL);
	snprintf(data, sizeof(data), "%s/data.mdb", path);
	exists = stat(data, &sb) == 0;
	if (!exists && !(flags & CS_STORE_CREATE)) {
		cs_err_set(err, CS_ENOTFOUND, "no store at '%s' (certsift "
		    "ingest makes one)", path);
		goto fail;
	}
	if (!exists) {
		if (create_store(st, path, flags, err) == -1)
			goto fail;
		exists = stat(data, &sb) == 0;
	}
	/* LMDB would map a data.mdb cut short and die reading past its
	 * end (a writer would even extend it with zeros): refused. */
	if (exists && cs_storefile_check(path, data, &used, err) == -1)
		goto fail;
	/* A directory of other files: the store is made in it. */
	if (!exists && mkdir(path, 0777) == -1 && errno != EEXIST) {
		cs_err_set(err, CS_EIO, "cannot create '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	if (env_open(st, path, flags, !exists, err) == -1)
		goto fail;
	*out = st;
	return 0;
fail:
	cs_store_close(st);
	return -1;
}

void
cs_store_close(struct cs_store *st)
{
	if (st == NULL)
		return;
	cs_store_read_end(st);
	if (!st->borrowed)
		verdicts_flush(st);
	cs_buf_release(&st->vnew);
	if (st->env != NULL && !st->borrowed)
		mdb_env_close(st->env);
	if (st->lockfd != -1)
		close(st->lockfd);
	pthread_rwlock_destroy(&st->maplock);
	free(st->path);
	free(st);
}

/* 1 when the store holds an unfinished merge's record, 0, or -1. */
static int
merge_pending(struct cs_store *st, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_val k = { 5, "merge" }, v;
	int rc;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
	rend(st, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_fail(err, rc, "cannot read the store");
	return rc == 0;
}

int
cs_store_lock(struct cs_store *st, struct cs_err *err)
{
	int rc;

	if (st->lockfd != -1)
		return 0;
	if (cs_store_lock_merge(st, err) == -1)
		return -1;
	/* Writing into a store half merged would mix the two: the merge
	 * is finished first, by the same command. */
	if ((rc = merge_pending(st, err)) != 0) {
		close(st->lockfd);
		st->lockfd = -1;
		if (rc == 1)
			return cs_err_set(err, CS_EBUSY, "store '%s' is in "
			    "use by an unfinished merge (run the same certsift "
			    "merge again to finish it)", st->path);
		return -1;
	}
	return 0;
}

int
cs_store_lock_merge(struct cs_store *st, struct cs_err *err)
{
	char p[PATH_MAX];

	if (st->lockfd != -1)
		return 0;
	snprintf(p, sizeof(p), "%s/ingest.lock", st->path);
	if ((st->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) == -1)
		return cs_err_set(err, CS_EIO, "cannot open '%s': %s", p,
		    strerror(errno));
	if (flock(st->lockfd, LOCK_EX | LOCK_NB) == -1) {
		int e = errno;

		close(st->lockfd);
		st->lockfd = -1;
		if (e == EWOULDBLOCK)
			return cs_err_set(err, CS_EBUSY, "store '%s' is in use "
			    "by another ingest or merge", st->path);
		return cs_err_set(err, CS_EIO, "cannot lock '%s': %s", p,
		    strerror(e));
	}
	return 0;
}

/* ---- keys ---------------------------------------------------------------- */

static void
put_code(unsigned char *p, int32_t code)
{
	uint32_t u = (uint32_t)code ^ 0x80000000u;

	p[0] = u >> 24;
	p[1] = u >> 16;
	p[2] = u >> 8;
	p[3] = u;
}

/* The hash part of a key, cut to CS_KEY_BITS (tests make it short). */
static void
key_prefix(const unsigned char hash[16], unsigned char key[CS_KEY_LEN])
{
	int bits = CS_KEY_BITS, i;

	memset(key, 0, CS_KEY_LEN);
	memcpy(key, hash, 16);
	for (i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		key[i] &= (unsigned char)(0xff00u >> bits);
		bits = 0;
	}
}

static uint32_t
key_seq(const unsigned char *key)
{
	return (uint32_t)key[16] << 24 | (uint32_t)key[17] << 16 |
	    (uint32_t)key[18] << 8 | key[19];
}

static void
set_seq(unsigned char *key, uint32_t seq)
{
	key[16] = seq >> 24;
	key[17] = seq >> 16;
	key[18] = seq >> 8;
	key[19] = seq;
}

/* ---- write transactions -------------------------------------------------- */

int
cs_store_wbegin(struct cs_store *st, struct cs_wtxn **out, struct cs_err *err)
{
	struct cs_wtxn *t;
	int rc;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	t->st = st;
	if ((rc = mdb_txn_begin(st->env, NULL, 0, &t->txn)) != 0) {
		free(t);
		return mdb_fail(err, rc, "cannot begin write transaction");
	}
	*out = t;
	return 0;
}

/* ---- the map and the disk ----------------------------------------------- */

#define MiB		((uint64_t)1 << 20)
#define GROW_MAX	((uint64_t)1 << 30)	/* reserved ahead, at most */

/* Bytes of data.mdb the last commit uses. */
static uint64_t
map_used(struct cs_store *st)
{
	MDB_envinfo info;
	MDB_stat ms;

	if (mdb_env_info(st->env, &info) != 0 ||
	    mdb_env_stat(st->env, &ms) != 0)
		return 0;
	return ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
}

/* Map sizes are whole MiB (64 KiB in the tiny-map test build). */
static uint64_t
map_round(uint64_t n)
{
	uint64_t unit = MAP_START < MiB ? 65536 : MiB;

	return (n + unit - 1) / unit * unit;
}

/*
 * Makes the map want bytes long, or least when the disk cannot hold want,
 * reserving the file's space first: LMDB then writes only into pages the
 * filesystem has already given it, and a full disk is an error here, not
 * SIGBUS in the middle of a transaction. No transaction may be open.
 */
static int
map_resize(struct cs_store *st, uint64_t want, uint64_t least,
    struct cs_err *err)
{
	int fd, e, rc;

	if (least > want)
		least = want;
	if (want > SIZE_MAX)
		return cs_err_set(err, CS_ESTORE, "store '%s' cannot grow",
		    st->path);
	if (st->writemap) {
		if ((rc = mdb_env_get_fd(st->env, &fd)) != 0)
			return mdb_fail(err, rc, "cannot grow the store");
		if ((e = cs_storefile_reserve(fd, st->reserved, want)) != 0 &&
		    least < want &&
		    cs_storefile_reserve(fd, st->reserved, least) == 0) {
			want = least;
			e = 0;
		}
		if (e == ENOSPC || e == EDQUOT)
			return cs_err_set(err, CS_ESTORE, "store '%s': no "
			    "space left on device (%llu MB needed)", st->path,
			    (unsigned long long)((least > st->reserved ? least
			    - st->reserved : 0) + MiB - 1) / MiB);
		if (e != 0)
			return cs_err_set(err, CS_ESTORE, "store '%s': cannot "
			    "reserve %llu MB: %s", st->path, (unsigned long
			    long)(least + MiB - 1) / MiB, strerror(e));
	}
	if ((rc = mdb_env_set_mapsize(st->env, (size_t)want)) != 0)
		return mdb_fail(err, rc, "cannot grow the store");
	st->reserved = want;
	return 0;
}

/*
 * Grows the map after MDB_MAP_FULL: doubles it (by 1 GiB at most), or by
 * an eighth when the disk holds no more. No transaction may be open.
 */
static int
grow_map(struct cs_store *st, struct cs_err *err)
{
	MDB_envinfo info;
	uint64_t size, step;
	int ret = -1;

	pthread_rwlock_wrlock(&st->maplock);
	if (mdb_env_info(st->env, &info) != 0)
		cs_err_set(err, CS_ESTORE, "cannot read the store's map");
	else {
		size = info.me_mapsize;
		step = size < GROW_MAX ? size : GROW_MAX;
		ret = map_resize(st, map_round(size + step),
		    map_round(size + size / 8 + 1), err);
	}
	pthread_rwlock_unlock(&st->maplock);
	return ret;
}

void
cs_store_reserve(struct cs_store *st, uint64_t bytes)
{
	MDB_envinfo info;
	struct cs_err err = CS_ERR_INIT;
	uint64_t used, size;

	/* The test build starts with a tiny map so that every check runs
	 * the write-again path: it grows only when full. */
	if (MAP_START < MiB)
		return;
	pthread_rwlock_wrlock(&st->maplock);
	used = map_used(st);
	if (mdb_env_info(st->env, &info) == 0 && used > 0 &&
	    info.me_mapsize < used + bytes) {
		size = info.me_mapsize;
		size += size < GROW_MAX ? size : GROW_MAX;
		if (size < used + bytes * 2)
			size = used + bytes * 2;
		/* Best effort: a full map in the batch still grows it, or
		 * says the disk is full. */
		(void)map_resize(st, map_round(size), map_round(used + bytes),
		    &err);
	}
	pthread_rwlock_unlock(&st->maplock);
}

/*
 * Turns an LMDB failure in t into err. A full map is CS_EFULL: the
 * transaction is gone, the map has grown, and the caller writes again;
 * a map that cannot grow (a full disk) is CS_ESTORE.
 */
static int
wfail(struct cs_wtxn *t, struct cs_err *err, int rc, const char *what)
{
	if (rc == MDB_MAP_FULL && t->txn != NULL) {
		mdb_txn_abort(t->txn);
		t->txn = NULL;
		if (grow_map(t->st, err) == -1)
			return -1;
		return cs_err_set(err, CS_EFULL, "%s: %s", what,
		    mdb_strerror(rc));
	}
	return mdb_fail(err, rc, what);
}

int
cs_store_wcommit(struct cs_wtxn *t, struct cs_err *err)
{
	int rc = 0;

	if (t->txn != NULL) {
		/* The last certificate's top hostnames go in first. */
		if ((rc = top_flush(t)) != 0)
			mdb_txn_abort(t->txn);
		else
			rc = mdb_txn_commit(t->txn);
		t->txn = NULL;
	} else
		rc = MDB_BAD_TXN;
	cs_buf_release(&t->scratch);
	cs_buf_release(&t->der);
	if (rc == MDB_MAP_FULL && grow_map(t->st, err) == -1) {
		free(t);
		return -1;
	}
	free(t);
	if (rc == MDB_MAP_FULL)
		return cs_err_set(err, CS_EFULL, "cannot commit: %s",
		    mdb_strerror(rc));
	if (rc != 0)
		return mdb_fail(err, rc, "cannot commit");
	return 0;
}

int
cs_store_wend(struct cs_wtxn **t, int ok, struct cs_err *err)
{
	int rc;

	if (ok) {
		rc = cs_store_wcommit(*t, err);
		*t = NULL;
		if (rc == 0)
			return 0;
	}
	cs_store_wabort(*t);
	*t = NULL;
	return err->code == CS_EFULL ? 1 : -1;
}

void
cs_store_wabort(struct cs_wtxn *t)
{
	if (t == NULL)
		return;
	if (t->txn != NULL)
		mdb_txn_abort(t->txn);
	cs_buf_release(&t->scratch);
	cs_buf_release(&t->der);
	free(t);
}

static int
get_counters(MDB_txn *txn, MDB_dbi dbi, uint64_t n[CS_N_COUNTERS])
{
	MDB_val k = { 8, "counters" }, v;
	int rc;

	memset(n, 0, sizeof(uint64_t) * CS_N_COUNTERS);
	if ((rc = mdb_get(txn, dbi, &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	memcpy(n, v.mv_data, v.mv_size < sizeof(uint64_t) * CS_N_COUNTERS ?
	    v.mv_size : sizeof(uint64_t) * CS_N_COUNTERS);
	return 0;
}

int
cs_store_wcounters(struct cs_wtxn *t, const uint64_t add[CS_N_COUNTERS],
    struct cs_err *err)
{
	uint64_t n[CS_N_COUNTERS];
	MDB_val k = { 8, "counters" }, v = { sizeof(n), n };
	int rc, i;

	if ((rc = get_counters(t->txn, t->st->dbi[DB_META], n)) != 0)
		return wfail(t, err, rc, "cannot read counters");
	for (i = 0; i < CS_N_COUNTERS; i++)
		n[i] += add[i];
	if ((rc = mdb_put(t->txn, t->st->dbi[DB_META], &k, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write counters");
	return 0;
}

static MDB_cursor *wcursor(struct cs_wtxn *, int, int *);

/*
 * Looks der up through the index of DER hashes. ikey holds the hash's
 * index key (key_prefix()); on return, when the DER is not there, it is
 * the free index key for it, and *collisions counts the other DERs under
 * the same hash. *found, with its certificate key in key.
 */
static int
find_der(MDB_txn *txn, const struct cs_store *st, const unsigned char *der,
    size_t len, unsigned char ikey[CS_KEY_LEN], unsigned char key[CS_KEY_LEN],
    int *found, int *collisions)
{
	MDB_cursor *cur;
	MDB_val k, v, dv;
	uint32_t seq = 0;
	int rc;

	*found = 0;
	*collisions = 0;
	if ((rc = mdb_cursor_open(txn, st->dbi[DB_DERIDX], &cur)) != 0)
		return rc;
	k.mv_data = ikey;
	k.mv_size = CS_KEY_LEN;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != CS_KEY_LEN || memcmp(k.mv_data, ikey, 16) != 0)
			break;
		if (v.mv_size != CS_KEY_LEN) {
			rc = MDB_CORRUPTED;
			break;
		}
		if ((rc = mdb_get(txn, st->dbi[DB_DER], &v, &dv)) != 0)
			break;
		if (dv.mv_size == len && memcmp(dv.mv_data, der, len) == 0) {
			memcpy(key, v.mv_data, CS_KEY_LEN);
			*found = 1;
			break;
		}
		(*collisions)++;
		seq = key_seq(k.mv_data) + 1;
	}
	mdb_cursor_close(cur);
	if (!*found && rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	if (!*found)
		set_seq(ikey, seq);
	return 0;
}

/*
 * The key of a new certificate: the number after the last one's, big-endian,
 * so that certificates, summaries and DER are appended to their databases
 * in the order they come, not written all over them.
 */
static int
next_cert_key(struct cs_wtxn *t, unsigned char key[CS_KEY_LEN])
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t n;
	int rc = 0, i;

	if (t->next_cert == 0) {
		if ((c = wcursor(t, DB_CERT, &rc)) == NULL)
			return rc;
		t->next_cert = 1;
		if ((rc = mdb_cursor_get(c, &k, &v, MDB_LAST)) == 0) {
			if (k.mv_size != CS_KEY_LEN)
				return MDB_CORRUPTED;
			for (i = 0, n = 0; i < 8; i++)
				n = n << 8 | ((const unsigned char *)
				    k.mv_data)[i];
			t->next_cert = n + 1;
		} else if (rc != MDB_NOTFOUND)
			return rc;
	}
	memset(key, 0, CS_KEY_LEN);
	for (i = 0, n = t->next_cert++; i < 8; i++)
		key[i] = (unsigned char)(n >> (56 - 8 * i));
	return 0;
}

int
cs_store_wcert(struct cs_wtxn *t, const unsigned char *der, size_t len,
    const unsigned char hash[16], const void *summary, size_t slen,
    const unsigned char sha256[32], const unsigned char issuer[16],
    unsigned char key[CS_KEY_LEN], int *added, int *collisions,
    struct cs_err *err)
{
	struct cs_store *st = t->st;
	struct certstat cs;
	unsigned char ikey[CS_KEY_LEN];
	MDB_val k, v;
	int rc, found;

	*added = 0;
	key_prefix(hash, ikey);
	if ((rc = find_der(t->txn, st, der, len, ikey, key, &found,
	    collisions)) != 0)
		return wfail(t, err, rc, "cannot read certificates");
	if (found)
		return 0;
	/* Only a certificate the store had comes without its summary. */
	if (slen < 54)
		return cs_err_set(err, CS_ESTORE, "certificate without its "
		    "summary is not in the store");
	if ((rc = next_cert_key(t, key)) != 0)
		goto mdb;
	k.mv_data = key;
	k.mv_size = CS_KEY_LEN;
	v.mv_data = (void *)der;
	v.mv_size = len;
	if ((rc = mdb_put(t->txn, st->dbi[DB_DER], &k, &v, MDB_APPEND)) != 0)
		goto mdb;
	v.mv_data = (void *)summary;
	v.mv_size = slen;
	if ((rc = mdb_put(t->txn, st->dbi[DB_SUMM], &k, &v, MDB_APPEND)) != 0)
		goto mdb;
	memset(&cs, 0, sizeof(cs));
	memcpy(cs.sha256, sha256, 32);
	memcpy(cs.issuer, issuer, 16);
	v.mv_data = &cs;
	v.mv_size = sizeof(cs);
	if ((rc = mdb_put(t->txn, st->dbi[DB_CERT], &k, &v, MDB_APPEND)) != 0)
		goto mdb;
	k.mv_data = ikey;
	v.mv_data = key;
	v.mv_size = CS_KEY_LEN;
	if ((rc = mdb_put(t->txn, st->dbi[DB_DERIDX], &k, &v, 0)) != 0)
		goto mdb;
	k.mv_data = (void *)sha256;
	k.mv_size = 32;
	if ((rc = mdb_put(t->txn, st->dbi[DB_SHA], &k, &v, 0)) != 0)
		goto mdb;
	*added = 1;
	return 0;
mdb:
	return wfail(t, err, rc, "cannot add certificate");
}

int
cs_store_has_der(struct cs_store *st, const unsigned char *der, size_t len,
    const unsigned char hash[16], struct cs_err *err)
{
	unsigned char ikey[CS_KEY_LEN], key[CS_KEY_LEN];
	MDB_txn *txn;
	int rc, found, coll;

	key_prefix(hash, ikey);
	pthread_rwlock_rdlock(&st->maplock);
	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0) {
		pthread_rwlock_unlock(&st->maplock);
		return mdb_fail(err, rc, "cannot begin read transaction");
	}
	rc = find_der(txn, st, der, len, ikey, key, &found, &coll);
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&st->maplock);
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read certificates");
	return found;
}

/*
 * Merges sorted error counts b into the record list a (sorted too), which
 * is read where it lies in a page: LMDB aligns values to 2 bytes only.
 */
static int
merge_errs(struct cs_buf *out, const void *a, size_t na,
    const struct cs_errcount *b, size_t nb, uint32_t *n, struct cs_err *err)
{
	size_t i = 0, j = 0;
	struct errrec r, ra;

	*n = 0;
	while (i < na || j < nb) {
		if (i < na)
			memcpy(&ra, (const char *)a + i * sizeof(ra),
			    sizeof(ra));
		memset(&r, 0, sizeof(r));
		if (j >= nb || (i < na && ra.code < b[j].code)) {
			r = ra;
			i++;
		} else if (i >= na || b[j].code < ra.code) {
			r.code = b[j].code;
			r.n = b[j++].n;
		} else {
			r = ra;
			i++;
			r.n += b[j++].n;
		}
		if (cs_buf_append(out, &r, sizeof(r), err) == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

static void
merge_seen(uint32_t *seen, int64_t *first, int64_t *last,
    const struct cs_certdelta *d)
{
	if (!d->seen)
		return;
	if (!*seen || d->first_seen < *first)
		*first = d->first_seen;
	if (!*seen || d->last_seen > *last)
		*last = d->last_seen;
	*seen = 1;
}

int
cs_store_wcert_add(struct cs_wtxn *t, const unsigned char *key,
    const struct cs_certdelta *d, struct cs_err *err)
{
	struct certstat cs;
	const struct errrec *old = NULL;
	MDB_val k = { CS_KEY_LEN, (void *)key }, v;
	MDB_cursor *c;
	uint32_t n;
	int rc = 0;

	/* The transaction's cursor: the write after the read, and a read near
	 * the last write (a certificate just added), find their page without
	 * a descent from the root. */
	if ((c = wcursor(t, DB_CERT, &rc)) == NULL)
		return wfail(t, err, rc, "cannot open cursor");
	if ((rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY)) != 0)
		return wfail(t, err, rc, "cannot read certificate counters");
	if (v.mv_size < sizeof(cs))
		return cs_err_set(err, CS_ESTORE, "bad certificate record");
	memcpy(&cs, v.mv_data, sizeof(cs));
	if (v.mv_size < sizeof(cs) + cs.nerrs * sizeof(struct errrec))
		return cs_err_set(err, CS_ESTORE, "bad certificate record");
	old = (const struct errrec *)(const void *)((const char *)v.mv_data +
	    sizeof(cs));
	cs.count += d->count;
	cs.leaf_count += d->leaf_count;
	cs.hosts += d->hosts;
	merge_seen(&cs.seen, &cs.first_seen, &cs.last_seen, d);
	cs_buf_reset(&t->scratch);
	if (cs_buf_grow(&t->scratch, sizeof(cs) + (cs.nerrs + d->nerrs) *
	    sizeof(struct errrec), err) == -1)
		return -1;
	t->scratch.len = sizeof(cs);
	if (merge_errs(&t->scratch, old, cs.nerrs, d->errs, d->nerrs, &n,
	    err) == -1)
		return -1;
	cs.nerrs = n;
	memcpy(t->scratch.data, &cs, sizeof(cs));
	k.mv_data = (void *)key;
	k.mv_size = CS_KEY_LEN;
	v.mv_data = t->scratch.data;
	v.mv_size = t->scratch.len;
	if ((rc = mdb_cursor_put(c, &k, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write certificate counters");
	return 0;
}

/* The transaction's cursor on db, opened on first use. */
static MDB_cursor *
wcursor(struct cs_wtxn *t, int db, int *rc)
{
	if (t->cur[db] == NULL &&
	    (*rc = mdb_cursor_open(t->txn, t->st->dbi[db], &t->cur[db])) != 0)
		return NULL;
	return t->cur[db];
}

/* 1 when key sorts after every key of db, 0 when not, -1 on error. */
static int
past_tail(struct cs_wtxn *t, int db, MDB_cursor *c, const MDB_val *key,
    int *rc)
{
	struct tail *tl = &t->tail[db];
	MDB_val k, v;

	if (tl->state == TAIL_UNKNOWN) {
		if ((*rc = mdb_cursor_get(c, &k, &v, MDB_LAST)) == MDB_NOTFOUND)
			tl->state = TAIL_EMPTY;
		else if (*rc != 0)
			return -1;
		else {
			tl->state = TAIL_KNOWN;
			tl->len = k.mv_size < TAIL_MAX ? k.mv_size : TAIL_MAX;
			memcpy(tl->key, k.mv_data, tl->len);
		}
	}
	if (tl->state == TAIL_EMPTY)
		return 1;
	k.mv_data = tl->key;
	k.mv_size = tl->len;
	return mdb_cmp(t->txn, t->st->dbi[db], key, &k) > 0;
}

/*
 * mdb_cursor_put(c, k, v, flags), as MDB_APPEND when k sorts after every
 * key of db: no tree search, full pages. Returns what LMDB returns.
 */
static int
tput(struct cs_wtxn *t, int db, MDB_cursor *c, MDB_val *k, MDB_val *v,
    unsigned flags)
{
	struct tail *tl = &t->tail[db];
	int rc = 0, ap;

	if ((ap = past_tail(t, db, c, k, &rc)) == -1)
		return rc;
	if (ap == 1 && k->mv_size <= TAIL_MAX) {
		if ((rc = mdb_cursor_put(c, k, v, MDB_APPEND)) == 0) {
			tl->state = TAIL_KNOWN;
			tl->len = k->mv_size;
			memcpy(tl->key, k->mv_data, k->mv_size);
			return 0;
		}
		if (rc != MDB_KEYEXIST)		/* else not last after all */
			return rc;
	}
	return mdb_cursor_put(c, k, v, flags);
}

/*
 * Adds delta to the fixed-size record at key (zeros when absent) with
 * add(): one tree descent either way, as a put that must not overwrite
 * leaves the cursor on the record it found; none past the table's last
 * key. *added when it was absent.
 */
static int
upsert(struct cs_wtxn *t, int db, const void *key, size_t klen, void *rec,
    size_t size, void (*add)(void *, const void *), const void *delta,
    int *added, struct cs_err *err)
{
	MDB_val k = { klen, (void *)key }, v = { size, rec };
	MDB_cursor *c;
	int rc = 0;

	if ((c = wcursor(t, db, &rc)) == NULL)
		return wfail(t, err, rc, "cannot open cursor");
	memset(rec, 0, size);
	add(rec, delta);
	rc = tput(t, db, c, &k, &v, MDB_NOOVERWRITE);
	if (added != NULL)
		*added = rc == 0;
	if (rc == 0)
		return 0;
	if (rc != MDB_KEYEXIST)
		return wfail(t, err, rc, "cannot write");
	/* v is the record there; one of another size counts as zeros. */
	memset(rec, 0, size);
	if (v.mv_size == size)
		memcpy(rec, v.mv_data, size);
	add(rec, delta);
	k.mv_data = (void *)key;
	k.mv_size = klen;
	v.mv_data = rec;
	v.mv_size = size;
	if ((rc = mdb_cursor_put(c, &k, &v, MDB_CURRENT)) != 0)
		return wfail(t, err, rc, "cannot write");
	return 0;
}

static void
add_n(void *rec, const void *delta)
{
	uint64_t a, b;

	memcpy(&a, rec, sizeof(a));
	memcpy(&b, delta, sizeof(b));
	a += b;
	memcpy(rec, &a, sizeof(a));
}

/* Adds n to the u64 at key in db; *added when it was not there. */
static int
add_u64(struct cs_wtxn *t, int db, const void *key, size_t klen, uint64_t n,
    int *added, struct cs_err *err)
{
	uint64_t cur;

	return upsert(t, db, key, klen, &cur, sizeof(cur), add_n, &n, added,
	    err);
}

/* Writes the list being kept, if it changed; an LMDB error or 0. */
static int
top_flush(struct cs_wtxn *t)
{
	unsigned char buf[CS_TOP_HOSTS * TOPENT_MAX];
	MDB_val k = { CS_KEY_LEN, t->top.key }, v = { 0, buf };
	MDB_cursor *c;
	int rc = 0;

	if (!t->top.loaded || !t->top.changed) {
		t->top.loaded = 0;
		return 0;
	}
	t->top.loaded = 0;
	if ((c = wcursor(t, DB_TOPHOST, &rc)) == NULL)
		return rc;
	v.mv_size = top_encode(&t->top, buf);
	return tput(t, DB_TOPHOST, c, &k, &v, 0);
}

/* Makes t->top the list of the certificate at key. */
static int
top_load(struct cs_wtxn *t, const unsigned char *key)
{
	MDB_val k = { CS_KEY_LEN, (void *)key }, v;
	MDB_cursor *c;
	int rc = 0, ap;

	if (t->top.loaded && memcmp(t->top.key, key, CS_KEY_LEN) == 0)
		return 0;
	if ((rc = top_flush(t)) != 0)
		return rc;
	t->top.n = 0;
	t->top.used = 0;
	t->top.changed = 0;
	memcpy(t->top.key, key, CS_KEY_LEN);
	/* A key past the table's last has no list: a new certificate. */
	if ((c = wcursor(t, DB_TOPHOST, &rc)) == NULL ||
	    (ap = past_tail(t, DB_TOPHOST, c, &k, &rc)) == -1)
		return rc;
	if (ap == 0 && (rc = mdb_get(t->txn, t->st->dbi[DB_TOPHOST], &k,
	    &v)) == 0)
		rc = top_decode(&t->top, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	t->top.loaded = 1;
	return 0;
}

int
cs_store_wcerthost(struct cs_wtxn *t, const unsigned char *key,
    const char *host, size_t len, uint64_t n, int *added, struct cs_err *err)
{
	unsigned char k[CS_HOST_MAX + CS_KEY_LEN];
	uint64_t total;
	int rc;

	if (len > CS_HOST_MAX)
		return cs_err_set(err, CS_EUSAGE, "hostname too long");
	memcpy(k, key, CS_KEY_LEN);
	memcpy(k + CS_KEY_LEN, host, len);
	if (upsert(t, DB_CERTHOST, k, CS_KEY_LEN + len, &total, sizeof(total),
	    add_n, &n, added, err) == -1)
		return -1;
	/* The certificate's top hostnames follow its links. */
	if ((rc = top_load(t, key)) != 0)
		return wfail(t, err, rc, "cannot read top hostnames");
	top_update(&t->top, host, len, total);
	return 0;
}

int
cs_store_whostcert(struct cs_wtxn *t, const char *host, size_t len,
    const unsigned char *key, struct cs_err *err)
{
	unsigned char k[2 + CS_HOST_MAX + CS_KEY_LEN];
	MDB_val kv, vv;
	MDB_cursor *c;
	int rc = 0;

	if (len > CS_HOST_MAX)
		return cs_err_set(err, CS_EUSAGE, "hostname too long");
	if ((c = wcursor(t, DB_HOSTCERT, &rc)) == NULL)
		return wfail(t, err, rc, "cannot open cursor");
	k[0] = (unsigned char)(len >> 8);
	k[1] = (unsigned char)len;
	memcpy(k + 2, host, len);
	memcpy(k + 2 + len, key, CS_KEY_LEN);
	kv.mv_data = k;
	kv.mv_size = 2 + len + CS_KEY_LEN;
	vv.mv_data = NULL;
	vv.mv_size = 0;
	if ((rc = tput(t, DB_HOSTCERT, c, &kv, &vv, MDB_NOOVERWRITE)) != 0 &&
	    rc != MDB_KEYEXIST)
		return wfail(t, err, rc, "cannot write");
	return 0;
}

static void
add_hoststat(void *rec, const void *delta)
{
	struct hoststat *a = rec;
	const struct hoststat *b = delta;

	a->reports += b->reports;
	a->certs += b->certs;
}

int
cs_store_whost(struct cs_wtxn *t, const char *host, size_t len,
    uint64_t reports, uint64_t certs, int *added, struct cs_err *err)
{
	struct hoststat hs, d = { reports, certs };

	return upsert(t, DB_HOST, host, len, &hs, sizeof(hs), add_hoststat, &d,
	    added, err);
}

int
cs_store_werror(struct cs_wtxn *t, int32_t code, uint64_t reports,
    struct cs_err *err)
{
	unsigned char k[4];

	put_code(k, code);
	return add_u64(t, DB_ERROR, k, sizeof(k), reports, NULL, err);
}

/* The issuer id of the certificate at key, from its counters record. */
static int
leaf_issuer(struct cs_wtxn *t, const unsigned char *key,
    unsigned char issuer[16])
{
	struct certstat cs;
	MDB_val k = { CS_KEY_LEN, (void *)key }, v;
	int rc;

	if ((rc = mdb_get(t->txn, t->st->dbi[DB_CERT], &k, &v)) != 0)
		return rc;
	if (v.mv_size < sizeof(cs))
		return MDB_CORRUPTED;
	memcpy(&cs, v.mv_data, sizeof(cs));
	memcpy(issuer, cs.issuer, 16);
	return 0;
}

int
cs_store_wchain(struct cs_wtxn *t, const unsigned char *keys, size_t n,
    const struct cs_certdelta *d, unsigned char ckey[CS_KEY_LEN], int *added,
    struct cs_err *err)
{
	struct cs_store *st = t->st;
	struct chainstat cs;
	XXH128_hash_t h;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint32_t seq = 0, nerrs;
	const struct errrec *old = NULL;
	size_t klen = n * CS_KEY_LEN;
	int rc, found = 0;

	*added = 0;
	h = XXH3_128bits(keys, klen);
	memset(ckey, 0, CS_KEY_LEN);
	memcpy(ckey, &h, 16);
	memset(&cs, 0, sizeof(cs));
	if ((rc = mdb_cursor_open(t->txn, st->dbi[DB_CHAIN], &cur)) != 0)
		return wfail(t, err, rc, "cannot open cursor");
	k.mv_data = ckey;
	k.mv_size = CS_KEY_LEN;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != CS_KEY_LEN || memcmp(k.mv_data, ckey, 16) != 0)
			break;
		if (v.mv_size >= sizeof(cs)) {
			memcpy(&cs, v.mv_data, sizeof(cs));
			if (cs.ncerts == n && v.mv_size >= sizeof(cs) + klen &&
			    memcmp((const char *)v.mv_data + sizeof(cs), keys,
			    klen) == 0) {
				memcpy(ckey, k.mv_data, CS_KEY_LEN);
				found = 1;
				break;
			}
		}
		seq = key_seq(k.mv_data) + 1;
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return wfail(t, err, rc, "cannot read chains");
	if (!found) {
		memset(&cs, 0, sizeof(cs));
		set_seq(ckey, seq);
		*added = 1;
		if (n > 0 && (rc = leaf_issuer(t, keys, cs.leaf_issuer)) != 0)
			return wfail(t, err, rc, "cannot read certificate");
	} else {
		if (v.mv_size < sizeof(cs) + klen + cs.nerrs *
		    sizeof(struct errrec))
			return cs_err_set(err, CS_ESTORE, "bad chain record");
		old = (const struct errrec *)(const void *)
		    ((const char *)v.mv_data + sizeof(cs) + klen);
	}
	cs.count += d->count;
	cs.ncerts = (uint32_t)n;
	merge_seen(&cs.seen, &cs.first_seen, &cs.last_seen, d);
	cs_buf_reset(&t->scratch);
	if (cs_buf_append(&t->scratch, &cs, sizeof(cs), err) == -1 ||
	    cs_buf_append(&t->scratch, keys, klen, err) == -1 ||
	    merge_errs(&t->scratch, old, found ? cs.nerrs : 0, d->errs,
	    d->nerrs, &nerrs, err) == -1)
		return -1;
	cs.nerrs = nerrs;
	memcpy(t->scratch.data, &cs, sizeof(cs));
	k.mv_data = ckey;
	k.mv_size = CS_KEY_LEN;
	v.mv_data = t->scratch.data;
	v.mv_size = t->scratch.len;
	if ((rc = mdb_put(t->txn, st->dbi[DB_CHAIN], &k, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write chain");
	return 0;
}

int
cs_store_wchainhost(struct cs_wtxn *t, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len, uint64_t n,
    struct cs_err *err)
{
	unsigned char k[CS_KEY_LEN + 5 + CS_HOST_MAX];

	if (len > CS_HOST_MAX)
		return cs_err_set(err, CS_EUSAGE, "hostname too long");
	memcpy(k, ckey, CS_KEY_LEN);
	k[CS_KEY_LEN] = has_err != 0;
	put_code(k + CS_KEY_LEN + 1, has_err ? code : 0);
	memcpy(k + CS_KEY_LEN + 5, host, len);
	return add_u64(t, DB_CHAINHOST, k, CS_KEY_LEN + 5 + len, n, NULL, err);
}

int
cs_store_wcertcode(struct cs_wtxn *t, int32_t code, const unsigned char *key,
    int64_t first, int64_t last, struct cs_err *err)
{
	unsigned char kb[4 + CS_KEY_LEN];
	struct codetime ct = { first, last }, old;
	MDB_val k = { sizeof(kb), kb }, v = { sizeof(ct), &ct };
	MDB_cursor *c;
	int rc = 0;

	put_code(kb, code);
	memcpy(kb + 4, key, CS_KEY_LEN);
	if ((c = wcursor(t, DB_CERTCODE, &rc)) == NULL)
		return wfail(t, err, rc, "cannot open cursor");
	if ((rc = tput(t, DB_CERTCODE, c, &k, &v, MDB_NOOVERWRITE)) == 0)
		return 0;
	if (rc != MDB_KEYEXIST)
		return wfail(t, err, rc, "cannot write certificate code times");
	/* v is the record there. */
	if (v.mv_size != sizeof(old))
		return cs_err_set(err, CS_ESTORE, "bad certificate code "
		    "record");
	memcpy(&old, v.mv_data, sizeof(old));
	if (old.first <= first && old.last >= last)
		return 0;
	ct.first = old.first < first ? old.first : first;
	ct.last = old.last > last ? old.last : last;
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = &ct;
	v.mv_size = sizeof(ct);
	if ((rc = mdb_cursor_put(c, &k, &v, MDB_CURRENT)) != 0)
		return wfail(t, err, rc, "cannot write certificate code times");
	return 0;
}

int
cs_store_whostcode(struct cs_wtxn *t, int32_t code, const char *host,
    size_t len, uint64_t n, struct cs_err *err)
{
	unsigned char k[4 + CS_HOST_MAX];

	if (len > CS_HOST_MAX)
		return cs_err_set(err, CS_EUSAGE, "hostname too long");
	put_code(k, code);
	memcpy(k + 4, host, len);
	return add_u64(t, DB_HOSTCODE, k, 4 + len, n, NULL, err);
}

static int
validity_cmp(const void *a, const void *b)
{
	const struct cs_validity *x = a, *y = b;

	if (x->expired != y->expired)
		return x->expired < y->expired ? -1 : 1;
	return x->notyet < y->notyet ? -1 : x->notyet > y->notyet;
}

int
cs_store_wvalidity(struct cs_wtxn *t, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len,
    const struct cs_validity *add, size_t nadd, struct cs_err *err)
{
	unsigned char k[CS_KEY_LEN + 5 + CS_HOST_MAX];

	if (len > CS_HOST_MAX)
		return cs_err_set(err, CS_EUSAGE, "hostname too long");
	memcpy(k, ckey, CS_KEY_LEN);
	k[CS_KEY_LEN] = has_err != 0;
	put_code(k + CS_KEY_LEN + 1, has_err ? code : 0);
	memcpy(k + CS_KEY_LEN + 5, host, len);
	return cs_store_wvalidity_key(t, k, CS_KEY_LEN + 5 + len, add, nadd,
	    err);
}

/*
 * Adds nadd entries (size bytes each, addp perhaps unaligned) to the list
 * of db under k: an entry whose first idlen bytes are those of one listed
 * adds its u64 count (its last 8 bytes) to it, another is appended; the
 * list is then sorted by cmp, so that it reads the same whatever the order
 * of the reports.
 */
static int
wentries(struct cs_wtxn *t, int db, const unsigned char *k, size_t klen,
    const void *addp, size_t nadd, size_t size, size_t idlen,
    int (*cmp)(const void *, const void *), struct cs_err *err)
{
	struct cs_buf *b = &t->scratch;	/* no allocation per record */
	const unsigned char *add;
	unsigned char *e;
	uint64_t n, m;
	MDB_val kv, v;
	MDB_cursor *c;
	size_t i, j, ne;
	int rc = 0;

	cs_buf_reset(b);
	kv.mv_data = (void *)k;
	kv.mv_size = klen;
	if ((c = wcursor(t, db, &rc)) == NULL)
		return wfail(t, err, rc, "cannot open cursor");
	if ((rc = mdb_cursor_get(c, &kv, &v, MDB_SET_KEY)) == 0) {
		if (v.mv_size % size != 0)
			return cs_err_set(err, CS_ESTORE, "bad record in "
			    "table '%s'", dbnames[db]);
		if (cs_buf_append(b, v.mv_data, v.mv_size, err) == -1)
			return -1;
	} else if (rc != MDB_NOTFOUND)
		return wfail(t, err, rc, "cannot read");
	for (i = 0; i < nadd; i++) {
		add = (const unsigned char *)addp + i * size;
		ne = b->len / size;
		for (j = 0, e = b->data; j < ne; j++, e += size)
			if (memcmp(e, add, idlen) == 0)
				break;
		if (j < ne) {
			memcpy(&n, e + size - 8, 8);
			memcpy(&m, add + size - 8, 8);
			n += m;
			memcpy(e + size - 8, &n, 8);
		} else if (cs_buf_append(b, add, size, err) == -1)
			return -1;
	}
	if (b->len > size)
		qsort(b->data, b->len / size, size, cmp);
	kv.mv_data = (void *)k;
	kv.mv_size = klen;
	v.mv_data = b->data;
	v.mv_size = b->len;
	if ((rc = tput(t, db, c, &kv, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write");
	return 0;
}

int
cs_store_wvalidity_key(struct cs_wtxn *t, const unsigned char *k,
    size_t klen, const void *addp, size_t nadd, struct cs_err *err)
{
	return wentries(t, DB_VALID, k, klen, addp, nadd,
	    sizeof(struct cs_validity), offsetof(struct cs_validity, n),
	    validity_cmp, err);
}

static int
hostday_cmp(const void *a, const void *b)
{
	const struct cs_hostday *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->expired != y->expired)
		return x->expired < y->expired ? -1 : 1;
	return x->notyet < y->notyet ? -1 : x->notyet > y->notyet;
}

int
cs_store_whostday_key(struct cs_wtxn *t, const unsigned char *k,
    size_t klen, const void *addp, size_t nadd, struct cs_err *err)
{
	if (t->st->nohostday)
		return 0;
	return wentries(t, DB_HOSTDAY, k, klen, addp, nadd,
	    sizeof(struct cs_hostday), offsetof(struct cs_hostday, n),
	    hostday_cmp, err);
}

int
cs_store_whostday(struct cs_wtxn *t, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len,
    const struct cs_hostday *add, size_t nadd, struct cs_err *err)
{
	unsigned char k[CS_KEY_LEN + 5 + CS_HOST_MAX];

	if (len > CS_HOST_MAX)
		return cs_err_set(err, CS_EUSAGE, "hostname too long");
	memcpy(k, ckey, CS_KEY_LEN);
	k[CS_KEY_LEN] = has_err != 0;
	put_code(k + CS_KEY_LEN + 1, has_err ? code : 0);
	memcpy(k + CS_KEY_LEN + 5, host, len);
	return cs_store_whostday_key(t, k, CS_KEY_LEN + 5 + len, add, nadd,
	    err);
}

int
cs_store_wfile_get(struct cs_wtxn *t, const unsigned char id[24],
    struct cs_fileprog *p, struct cs_err *err)
{
	MDB_val k = { 24, (void *)id }, v;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = mdb_get(t->txn, t->st->dbi[DB_FILES], &k, &v)) ==
	    MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return wfail(t, err, rc, "cannot read file progress");
	memcpy(p, v.mv_data, v.mv_size < sizeof(*p) ? v.mv_size : sizeof(*p));
	return 1;
}

int
cs_store_file_done(struct cs_store *st, const unsigned char id[24],
    struct cs_err *err)
{
	struct cs_fileprog p;
	MDB_txn *txn;
	MDB_val k = { 24, (void *)id }, v;
	int rc;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	memset(&p, 0, sizeof(p));
	if ((rc = mdb_get(txn, st->dbi[DB_FILES], &k, &v)) == 0)
		memcpy(&p, v.mv_data, v.mv_size < sizeof(p) ? v.mv_size :
		    sizeof(p));
	rend(st, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_fail(err, rc, "cannot read file progress");
	return p.done != 0;
}

int
cs_store_wfile_put(struct cs_wtxn *t, const unsigned char id[24],
    const struct cs_fileprog *p, const char *name, struct cs_err *err)
{
	unsigned char buf[sizeof(*p) + 256];
	MDB_val k = { 24, (void *)id }, v = { sizeof(*p), buf };
	size_t len = name != NULL ? strlen(name) : 0;
	int rc;

	/* The name after the progress, cut to its last 256 bytes (older
	 * readers take the progress alone). */
	memcpy(buf, p, sizeof(*p));
	if (len > 256) {
		name += len - 256;
		len = 256;
	}
	if (len > 0)
		memcpy(buf + sizeof(*p), name, len);
	v.mv_size += len;
	if ((rc = mdb_put(t->txn, t->st->dbi[DB_FILES], &k, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write file progress");
	return 0;
}

/* ---- reading ------------------------------------------------------------- */

int
cs_store_counters(struct cs_store *st, uint64_t n[CS_N_COUNTERS],
    struct cs_err *err)
{
	MDB_txn *txn;
	int rc;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	rc = get_counters(txn, st->dbi[DB_META], n);
	rend(st, txn);
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read counters");
	return 0;
}

void
cs_certrec_release(struct cs_certrec *r)
{
	if (r == NULL)
		return;
	free(r->errs);
	free(r->der);
	cs_cert_release(&r->cert);
	memset(r, 0, sizeof(*r));
}

static int	load_cert_at(struct cs_store *, MDB_txn *, const unsigned char *,
		    const MDB_val *, const MDB_val *, const MDB_val *, int,
		    struct cs_certrec *, struct cs_err *);

/* Fills rec from the records under key (what = CS_GET_*). */
static int
load_cert(struct cs_store *st, MDB_txn *txn, const unsigned char *key,
    const MDB_val *statv, int what, struct cs_certrec *rec,
    struct cs_err *err)
{
	return load_cert_at(st, txn, key, statv, NULL, NULL, what, rec, err);
}

/* load_cert() with the summary and DER records when the caller has them
 * (summv, derv; NULL: looked up). */
/* The record the caller has (given), else the one at k in table db. */
static int
given_or_get(struct cs_store *st, MDB_txn *txn, int db, MDB_val *k,
    const MDB_val *given, MDB_val *v)
{
	if (given != NULL) {
		*v = *given;
		return 0;
	}
	return mdb_get(txn, st->dbi[db], k, v);
}

/* A certificate's counters record into rec. */
static int
decode_stat(const MDB_val *statv, struct cs_certrec *rec,
    struct cs_err *err)
{
	struct certstat cs;
	const char *p;
	size_t i;

	if (statv->mv_size < sizeof(cs))
		return cs_err_set(err, CS_ESTORE, "bad certificate record");
	memcpy(&cs, statv->mv_data, sizeof(cs));
	if (statv->mv_size < sizeof(cs) + cs.nerrs * sizeof(struct errrec))
		return cs_err_set(err, CS_ESTORE, "bad certificate record");
	rec->count = cs.count;
	rec->leaf_count = cs.leaf_count;
	rec->hosts = cs.hosts;
	rec->seen = cs.seen != 0;
	rec->first_seen = cs.first_seen;
	rec->last_seen = cs.last_seen;
	memcpy(rec->issuer_id, cs.issuer, 16);
	memcpy(rec->cert.sha256, cs.sha256, 32);
	if (cs.nerrs > 0) {
		if ((rec->errs = calloc(cs.nerrs, sizeof(*rec->errs))) == NULL)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		p = (const char *)statv->mv_data + sizeof(cs);
		for (i = 0; i < cs.nerrs; i++) {
			struct errrec r;

			memcpy(&r, p + i * sizeof(r), sizeof(r));
			rec->errs[i].code = r.code;
			rec->errs[i].n = r.n;
		}
		rec->nerrs = cs.nerrs;
	}
	return 0;
}

/* The summary (CS_GET_SUMMARY), or only its digest (CS_GET_SHA). */
static int
load_summary(struct cs_store *st, MDB_txn *txn, MDB_val *k,
    const MDB_val *summv, int what, struct cs_certrec *rec,
    struct cs_err *err)
{
	MDB_val v;
	int rc;

	rc = given_or_get(st, txn, DB_SUMM, k, summv, &v);
	if (what & CS_GET_SUMMARY) {
		if (rc != 0)
			return mdb_fail(err, rc, "cannot read summary");
		if (cs_cert_decode(v.mv_data, v.mv_size, &rec->cert, err)
		    == -1)
			return -1;
	} else {
		/* Just the digest, from the summary's fixed header. */
		if (rc != 0 || v.mv_size < 54)
			return cs_err_set(err, CS_ESTORE, "bad summary record");
		memcpy(rec->cert.sha256, (const char *)v.mv_data + 22, 32);
	}
	rec->raw_summary = v.mv_data;
	rec->raw_summary_len = v.mv_size;
	return 0;
}

static int
load_cert_at(struct cs_store *st, MDB_txn *txn, const unsigned char *key,
    const MDB_val *statv, const MDB_val *summv, const MDB_val *derv,
    int what, struct cs_certrec *rec, struct cs_err *err)
{
	MDB_val k = { CS_KEY_LEN, (void *)key }, v;
	int rc;

	memset(rec, 0, sizeof(*rec));
	memcpy(rec->key, key, CS_KEY_LEN);
	if (!(what & CS_GET_NOSTAT)) {
		if ((rc = given_or_get(st, txn, DB_CERT, &k, statv, &v)) !=
		    0) {
			if (rc == MDB_NOTFOUND)
				return cs_err_set(err, CS_ENOTFOUND, "no such "
				    "certificate");
			return mdb_fail(err, rc, "cannot read certificate");
		}
		if (decode_stat(&v, rec, err) == -1)
			return -1;
	}
	if ((what & (CS_GET_SUMMARY | CS_GET_SHA)) &&
	    load_summary(st, txn, &k, summv, what, rec, err) == -1) {
		cs_certrec_release(rec);
		return -1;
	}
	if (what & CS_GET_DERREF) {
		if ((rc = given_or_get(st, txn, DB_DER, &k, derv, &v)) != 0) {
			cs_certrec_release(rec);
			return mdb_fail(err, rc, "cannot read DER");
		}
		rec->der_ref = v.mv_data;
		rec->der_len = v.mv_size;
	} else if (what & CS_GET_DER) {
		if ((rc = given_or_get(st, txn, DB_DER, &k, derv, &v)) != 0) {
			cs_certrec_release(rec);
			return mdb_fail(err, rc, "cannot read DER");
		}
		if ((rec->der = malloc(v.mv_size ? v.mv_size : 1)) == NULL) {
			cs_certrec_release(rec);
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		}
		memcpy(rec->der, v.mv_data, v.mv_size);
		rec->der_len = v.mv_size;
	}
	return 0;
}

int
cs_store_get_cert(struct cs_store *st, const unsigned char *key, int what,
    struct cs_certrec *out, struct cs_err *err)
{
	MDB_txn *txn;
	int rc;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	rc = load_cert(st, txn, key, NULL, what, out, err);
	rend(st, txn);
	return rc;
}

/*
 * The record under key in a cursor that walks its database in key order
 * beside another: the next record when it is the one, else a lookup.
 */
static int
cursor_at(MDB_cursor *cur, int *started, const unsigned char *key,
    MDB_val *v)
{
	MDB_val k;
	int rc;

	if (*started && (rc = mdb_cursor_get(cur, &k, v, MDB_NEXT)) == 0 &&
	    k.mv_size == CS_KEY_LEN && memcmp(k.mv_data, key, CS_KEY_LEN) == 0)
		return 0;
	*started = 1;
	k.mv_data = (void *)key;
	k.mv_size = CS_KEY_LEN;
	return mdb_cursor_get(cur, &k, v, MDB_SET_KEY);
}

/*
 * 0 when the certificates' table and a cursor's (their summaries' or
 * DER) have as many entries; else -1 with err set: a certificate lost a
 * record (a pass led by the cursor would not see it, or see it alone).
 */
static int
same_count(struct cs_store *st, MDB_txn *txn, MDB_cursor *cur,
    struct cs_err *err)
{
	MDB_stat a, b;
	int rc;

	if ((rc = mdb_stat(txn, st->dbi[DB_CERT], &a)) != 0 ||
	    (rc = mdb_stat(txn, mdb_cursor_dbi(cur), &b)) != 0)
		return mdb_fail(err, rc, "cannot read certificates");
	if (a.ms_entries != b.ms_entries)
		return cs_err_set(err, CS_ESTORE, "certificate without its "
		    "summary or DER");
	return 0;
}

struct cs_dercur {
	MDB_cursor	*cur;
	int		 started;
};

int
cs_store_dercur_open(struct cs_store *st, struct cs_dercur **out,
    struct cs_err *err)
{
	struct cs_dercur *c;
	int rc;

	*out = NULL;
	if (st->rtxn == NULL)
		return cs_err_set(err, CS_EUSAGE, "a DER cursor needs the "
		    "store's snapshot pinned");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if ((rc = mdb_cursor_open(st->rtxn, st->dbi[DB_DER], &c->cur)) != 0) {
		free(c);
		return mdb_fail(err, rc, "cannot open cursor");
	}
	/* A DER lost is found here, whether or not it is asked for. */
	if (same_count(st, st->rtxn, c->cur, err) == -1) {
		cs_store_dercur_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

int
cs_store_dercur_get(struct cs_dercur *c, const unsigned char *key,
    const unsigned char **der, size_t *len, struct cs_err *err)
{
	MDB_val v;
	int rc;

	if ((rc = cursor_at(c->cur, &c->started, key, &v)) == MDB_NOTFOUND)
		return 1;
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read DER");
	*der = v.mv_data;
	*len = v.mv_size;
	return 0;
}

void
cs_store_dercur_close(struct cs_dercur *c)
{
	if (c == NULL)
		return;
	mdb_cursor_close(c->cur);
	free(c);
}

int
cs_store_foreach_cert(struct cs_store *st, int what, cs_cert_fn fn,
    void *arg, struct cs_err *err)
{
	struct cs_certrec rec;
	MDB_txn *txn;
	MDB_cursor *cur = NULL, *scur = NULL, *dcur = NULL, *lead;
	MDB_val k, v, sv, dv;
	int rc, ret = 0, sstarted = 0, dstarted = 0;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	/* The certificates, summaries and DER share their keys: walk them
	 * side by side rather than look each up from the root. */
	if ((rc = mdb_cursor_open(txn, st->dbi[DB_CERT], &cur)) != 0 ||
	    ((what & (CS_GET_SUMMARY | CS_GET_SHA)) &&
	    (rc = mdb_cursor_open(txn, st->dbi[DB_SUMM], &scur)) != 0) ||
	    ((what & (CS_GET_DER | CS_GET_DERREF)) &&
	    (rc = mdb_cursor_open(txn, st->dbi[DB_DER], &dcur)) != 0)) {
		ret = mdb_fail(err, rc, "cannot open cursor");
		goto out;
	}
	lead = cur;
	/* Without the counters, the summaries (or the DER) lead and the
	 * counters' table is not read: its entries are as many, or a
	 * certificate lacks one. */
	if ((what & CS_GET_NOSTAT) && (scur != NULL || dcur != NULL)) {
		lead = scur != NULL ? scur : dcur;
		if ((ret = same_count(st, txn, lead, err)) == -1)
			goto out;
	}
	for (rc = mdb_cursor_get(lead, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(lead, &k, &v, MDB_NEXT)) {
		if (k.mv_size != CS_KEY_LEN)
			continue;
		if (lead == scur)
			sv = v;
		else if (lead == dcur)
			dv = v;
		if ((scur != NULL && lead != scur && cursor_at(scur, &sstarted,
		    k.mv_data, &sv) != 0) || (dcur != NULL && lead != dcur &&
		    cursor_at(dcur, &dstarted, k.mv_data, &dv) != 0)) {
			ret = cs_err_set(err, CS_ESTORE, "certificate "
			    "without its summary or DER");
			break;
		}
		if (load_cert_at(st, txn, k.mv_data, lead == cur ? &v : NULL,
		    scur ? &sv : NULL, dcur ? &dv : NULL, what, &rec,
		    err) == -1) {
			ret = -1;
			break;
		}
		ret = fn(arg, &rec);
		cs_certrec_release(&rec);
		if (ret == -1)
			break;
	}
	if (ret == 0 && rc != MDB_NOTFOUND) {
		mdb_fail(err, rc, "cannot read certificates");
		ret = -1;
	}
out:
	if (dcur != NULL)
		mdb_cursor_close(dcur);
	if (scur != NULL)
		mdb_cursor_close(scur);
	if (cur != NULL)
		mdb_cursor_close(cur);
	rend(st, txn);
	return ret;
}

static int
unhex(const char *s, unsigned char *out, size_t *n)
{
	size_t i, len = strlen(s);

	if (len > 64)
		return -1;
	memset(out, 0, 32);
	for (i = 0; i < len; i++) {
		int c = s[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (c | 0x20) - 'a' + 10;
		else
			return -1;
		out[i / 2] |= (unsigned char)(i % 2 ? v : v << 4);
	}
	*n = len;
	return 0;
}

int
cs_store_find_sha256(struct cs_store *st, const char *hexpfx,
    unsigned char key[CS_KEY_LEN], struct cs_err *err)
{
	unsigned char pfx[32];
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t ndig, nbytes;
	int rc, found = 0;

	if (unhex(hexpfx, pfx, &ndig) == -1 || ndig < 8)
		return cs_err_set(err, CS_EUSAGE, "'%s' is not a SHA-256 or a "
		    "prefix of at least 8 hex digits", hexpfx);
	nbytes = ndig / 2;
	if (rbegin(st, &txn, err) == -1)
		return -1;
	if ((rc = mdb_cursor_open(txn, st->dbi[DB_SHA], &cur)) != 0) {
		rend(st, txn);
		return mdb_fail(err, rc, "cannot open cursor");
	}
	k.mv_data = pfx;
	k.mv_size = 32;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const unsigned char *h = k.mv_data;

		if (memcmp(h, pfx, nbytes) != 0 || (ndig % 2 &&
		    (h[nbytes] & 0xf0) != pfx[nbytes]))
			break;
		if (++found > 1)
			break;
		memcpy(key, v.mv_data, CS_KEY_LEN);
	}
	mdb_cursor_close(cur);
	rend(st, txn);
	if (found == 0)
		return cs_err_set(err, CS_ENOTFOUND, "no certificate '%s' in "
		    "the store", hexpfx);
	if (found > 1)
		return cs_err_set(err, CS_EUSAGE, "'%s' matches more than one "
		    "certificate", hexpfx);
	return 0;
}

int
cs_store_find_der(struct cs_store *st, const unsigned char *der, size_t len,
    unsigned char key[CS_KEY_LEN], struct cs_err *err)
{
	unsigned char sha[32];
	char hexs[65];

	SHA256(der, len, sha);
	cs_hex(sha, 32, hexs);
	return cs_store_find_sha256(st, hexs, key, err);
}

int
cs_store_cert_hosts(struct cs_store *st, const unsigned char *key,
    cs_host_fn fn, void *arg, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t n;
	int rc, ret = 0;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	if ((rc = mdb_cursor_open(txn, st->dbi[DB_CERTHOST], &cur)) != 0) {
		rend(st, txn);
		return mdb_fail(err, rc, "cannot open cursor");
	}
	k.mv_data = (void *)key;
	k.mv_size = CS_KEY_LEN;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < CS_KEY_LEN || memcmp(k.mv_data, key,
		    CS_KEY_LEN) != 0)
			break;
		memcpy(&n, v.mv_data, sizeof(n));
		if ((ret = fn(arg, (const char *)k.mv_data + CS_KEY_LEN,
		    k.mv_size - CS_KEY_LEN, n)) == -1)
			break;
	}
	mdb_cursor_close(cur);
	rend(st, txn);
	return ret;
}

int
cs_store_top_hosts(struct cs_store *st, const unsigned char *key,
    cs_host_fn fn, void *arg, struct cs_err *err)
{
	struct toplist *l;
	MDB_txn *txn;
	MDB_val k = { CS_KEY_LEN, (void *)key }, v;
	size_t i;
	int rc, ret = 1;

	if (st->notop)
		return 0;
	if ((l = malloc(sizeof(*l))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if (rbegin(st, &txn, err) == -1) {
		free(l);
		return -1;
	}
	l->n = 0;
	if ((rc = mdb_get(txn, st->dbi[DB_TOPHOST], &k, &v)) == 0)
		rc = top_decode(l, &v);
	rend(st, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		ret = mdb_fail(err, rc, "cannot read top hostnames");
	for (i = 0; ret == 1 && i < l->n; i++)
		if (fn(arg, TOP_NAME(l, i), l->e[i].len, l->e[i].count) == -1)
			ret = -1;
	free(l);
	return ret;
}

/*
 * Walks db from the key prefix pfx (all of it when plen is 0), calling
 * each(arg2, k, v) until it returns non-zero. Returns 0, or -1.
 */
static int
scan(struct cs_store *st, int db, const void *pfx, size_t plen,
    int (*each)(void *, const MDB_val *, const MDB_val *), void *arg,
    struct cs_err *err)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	/* Past the tables: LMDB's own, for cs_store_table_walk(). */
	if ((rc = mdb_cursor_open(txn, db < NDB ? st->dbi[db] :
	    (MDB_dbi)(db - NDB), &cur)) != 0) {
		rend(st, txn);
		return mdb_fail(err, rc, "cannot open cursor");
	}
	k.mv_data = (void *)pfx;
	k.mv_size = plen;
	for (rc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE :
	    MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < plen || (plen > 0 &&
		    memcmp(k.mv_data, pfx, plen) != 0))
			break;
		if ((ret = each(arg, &k, &v)) != 0)
			break;
	}
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND) {
		mdb_fail(err, rc, "cannot read the store");
		ret = -1;
	}
	mdb_cursor_close(cur);
	rend(st, txn);
	return ret < 0 ? -1 : 0;
}

struct scanarg {
	void		*fn;
	void		*arg;
	struct cs_err	*err;
	const void	*extra;
	size_t		 extra_len;
};

/*
 * Reads a chain record into rec, its codes into buf when they fit (nbuf),
 * else into *errs (the caller frees it; NULL when buf holds them).
 */
static int
chain_decode_buf(const MDB_val *k, const MDB_val *v, struct cs_chainrec *rec,
    struct cs_errcount *buf, size_t nbuf, struct cs_errcount **errs,
    struct cs_err *err)
{
	struct chainstat cs;
	const char *d = v->mv_data;
	struct cs_errcount *e = buf;
	size_t i;

	*errs = NULL;
	if (k->mv_size != CS_KEY_LEN || v->mv_size < sizeof(cs))
		return cs_err_set(err, CS_ESTORE, "bad chain record");
	memcpy(&cs, d, sizeof(cs));
	if (v->mv_size < sizeof(cs) + (size_t)cs.ncerts * CS_KEY_LEN +
	    (size_t)cs.nerrs * sizeof(struct errrec))
		return cs_err_set(err, CS_ESTORE, "bad chain record");
	memset(rec, 0, sizeof(*rec));
	memcpy(rec->key, k->mv_data, CS_KEY_LEN);
	rec->count = cs.count;
	rec->seen = cs.seen != 0;
	rec->first_seen = cs.first_seen;
	rec->last_seen = cs.last_seen;
	rec->certs = (const unsigned char *)d + sizeof(cs);
	rec->ncerts = cs.ncerts;
	memcpy(rec->leaf_issuer_id, cs.leaf_issuer, 16);
	if (cs.nerrs > nbuf && (e = *errs = calloc(cs.nerrs,
	    sizeof(**errs))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < cs.nerrs; i++) {
		struct errrec r;

		memcpy(&r, d + sizeof(cs) + (size_t)cs.ncerts * CS_KEY_LEN +
		    i * sizeof(r), sizeof(r));
		e[i].code = r.code;
		e[i].n = r.n;
	}
	rec->errs = cs.nerrs > 0 ? e : NULL;
	rec->nerrs = cs.nerrs;
	return 0;
}

/* Reads a chain record into rec; *errs (the caller frees it) its codes. */
static int
chain_decode(const MDB_val *k, const MDB_val *v, struct cs_chainrec *rec,
    struct cs_errcount **errs, struct cs_err *err)
{
	return chain_decode_buf(k, v, rec, NULL, 0, errs, err);
}

static int
chain_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	struct cs_chainrec rec;
	struct cs_errcount buf[16], *errs;	/* a chain's few codes */
	int rc;

	if (chain_decode_buf(k, v, &rec, buf, 16, &errs, a->err) == -1)
		return -1;
	rc = ((cs_chain_fn)a->fn)(a->arg, &rec);
	free(errs);
	return rc;
}

int
cs_store_foreach_chain(struct cs_store *st, cs_chain_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	return scan(st, DB_CHAIN, NULL, 0, chain_each, &a, err);
}

static int
chainhost_all_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	const unsigned char *d = k->mv_data;
	uint64_t n;

	if (k->mv_size < CS_KEY_LEN + 5 || v->mv_size != sizeof(n))
		return cs_err_set(a->err, CS_ESTORE, "bad chain host record");
	memcpy(&n, v->mv_data, sizeof(n));
	return ((cs_chainhost_all_fn)a->fn)(a->arg, d, d[CS_KEY_LEN],
	    cs_key_code(d + CS_KEY_LEN + 1), (const char *)d + CS_KEY_LEN + 5,
	    k->mv_size - CS_KEY_LEN - 5, n);
}

int
cs_store_foreach_chainhost(struct cs_store *st, cs_chainhost_all_fn fn,
    void *arg, struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	return scan(st, DB_CHAINHOST, NULL, 0, chainhost_all_each, &a, err);
}

/* Hands one record of a table below to its caller's callback. */
typedef int (*array_call_fn)(const struct scanarg *, const unsigned char *,
    size_t, const void *, size_t);

/* The elements of an array value, aligned: copied into buf (ARRAY_BUF
 * bytes) when they fit, else onto the heap (the caller frees what is not
 * buf). NULL when out of memory. */
#define ARRAY_BUF	512

static void *
array_copy(const MDB_val *v, void *buf)
{
	void *ev = buf;

	if (v->mv_size > ARRAY_BUF && (ev = malloc(v->mv_size)) == NULL)
		return NULL;
	memcpy(ev, v->mv_data, v->mv_size);
	return ev;
}

/*
 * A record keyed by chain, error and host whose value is an array of
 * size-byte elements, maybe unaligned: copied (to the stack, or the heap
 * when long) and handed to call with its host's length and its count.
 */
static int
host_array_each(struct scanarg *a, const MDB_val *k, const MDB_val *v,
    size_t size, const char *what, array_call_fn call)
{
	_Alignas(max_align_t) unsigned char buf[ARRAY_BUF];
	void *ev;
	int rc;

	if (k->mv_size < CS_KEY_LEN + 5 || v->mv_size % size != 0)
		return cs_err_set(a->err, CS_ESTORE, "bad %s record", what);
	if ((ev = array_copy(v, buf)) == NULL)
		return cs_err_set(a->err, CS_ENOMEM, "out of memory");
	rc = call(a, k->mv_data, k->mv_size - CS_KEY_LEN - 5, ev,
	    v->mv_size / size);
	if (ev != buf)
		free(ev);
	return rc;
}

static int
call_validity(const struct scanarg *a, const unsigned char *d, size_t hlen,
    const void *ev, size_t n)
{
	return ((cs_validity_fn)a->fn)(a->arg, d, d[CS_KEY_LEN],
	    cs_key_code(d + CS_KEY_LEN + 1), (const char *)d + CS_KEY_LEN + 5,
	    hlen, ev, n);
}

static int
validity_each(void *p, const MDB_val *k, const MDB_val *v)
{
	return host_array_each(p, k, v, sizeof(struct cs_validity),
	    "chain validity", call_validity);
}

int
cs_store_foreach_validity(struct cs_store *st, cs_validity_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	if (st->novalid)
		return 0;
	return scan(st, DB_VALID, NULL, 0, validity_each, &a, err);
}

static int
call_hostday(const struct scanarg *a, const unsigned char *d, size_t hlen,
    const void *ev, size_t n)
{
	return ((cs_hostday_fn)a->fn)(a->arg, d, d[CS_KEY_LEN],
	    cs_key_code(d + CS_KEY_LEN + 1), (const char *)d + CS_KEY_LEN + 5,
	    hlen, ev, n);
}

static int
hostday_each(void *p, const MDB_val *k, const MDB_val *v)
{
	return host_array_each(p, k, v, sizeof(struct cs_hostday),
	    "chain host day", call_hostday);
}

int
cs_store_foreach_hostday(struct cs_store *st, cs_hostday_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	if (st->nohostday)
		return 0;
	return scan(st, DB_HOSTDAY, NULL, 0, hostday_each, &a, err);
}

int
cs_store_foreach_rowdays(struct cs_store *st, cs_rowdays_fn fn, void *arg,
    struct cs_err *err)
{
	_Alignas(max_align_t) unsigned char buf[ARRAY_BUF];
	MDB_txn *txn;
	MDB_cursor *rc = NULL, *dc = NULL;
	MDB_val rk, rv, dk, dv;
	const MDB_val *k;
	const unsigned char *d;
	uint64_t n;
	void *ev;
	int rr, dr = MDB_NOTFOUND, c, ret = 0;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	if ((rr = mdb_cursor_open(txn, st->dbi[DB_CHAINHOST], &rc)) != 0 ||
	    (!st->nohostday && (rr = mdb_cursor_open(txn, st->dbi[DB_HOSTDAY],
	    &dc)) != 0)) {
		ret = mdb_fail(err, rr, "cannot open cursor");
		goto out;
	}
	rr = mdb_cursor_get(rc, &rk, &rv, MDB_FIRST);
	if (dc != NULL)
		dr = mdb_cursor_get(dc, &dk, &dv, MDB_FIRST);
	while (ret == 0 && (rr == 0 || dr == 0)) {
		if (rr == 0 && dr == 0)
			c = mdb_cmp(txn, st->dbi[DB_CHAINHOST], &rk, &dk);
		else
			c = rr == 0 ? -1 : 1;
		k = c <= 0 ? &rk : &dk;
		d = k->mv_data;
		if (k->mv_size < CS_KEY_LEN + 5 || (c <= 0 && rv.mv_size !=
		    sizeof(n)) || (c >= 0 && dv.mv_size %
		    sizeof(struct cs_hostday) != 0)) {
			ret = cs_err_set(err, CS_ESTORE, "bad chain host %s",
			    c <= 0 ? "record" : "day record");
			break;
		}
		n = 0;
		if (c <= 0)
			memcpy(&n, rv.mv_data, sizeof(n));
		ev = buf;
		if (c >= 0 && (ev = array_copy(&dv, buf)) == NULL) {
			ret = cs_err_set(err, CS_ENOMEM, "out of memory");
			break;
		}
		ret = fn(arg, d, d[CS_KEY_LEN], cs_key_code(d + CS_KEY_LEN + 1),
		    (const char *)d + CS_KEY_LEN + 5, k->mv_size - CS_KEY_LEN -
		    5, c <= 0, n, c >= 0 ? ev : NULL, c >= 0 ? dv.mv_size /
		    sizeof(struct cs_hostday) : 0);
		if (ev != buf)
			free(ev);
		if (c <= 0)
			rr = mdb_cursor_get(rc, &rk, &rv, MDB_NEXT);
		if (c >= 0)
			dr = mdb_cursor_get(dc, &dk, &dv, MDB_NEXT);
	}
	if (ret == 0 && ((rr != 0 && rr != MDB_NOTFOUND) || (dr != 0 &&
	    dr != MDB_NOTFOUND)))
		ret = mdb_fail(err, rr != 0 && rr != MDB_NOTFOUND ? rr : dr,
		    "cannot read the store");
out:
	if (dc != NULL)
		mdb_cursor_close(dc);
	if (rc != NULL)
		mdb_cursor_close(rc);
	rend(st, txn);
	return ret < 0 ? -1 : 0;
}

/* One chain's rows: the same records, without the chain key. */
struct hostsof {
	cs_chainhost_fn	 fn;
	void		*arg;
};

static int
drop_ckey(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, uint64_t n)
{
	struct hostsof *h = arg;

	(void)ckey;
	return h->fn(h->arg, has_err, code, host, len, n);
}

int
cs_store_chain_hosts(struct cs_store *st, const unsigned char *ckey,
    cs_chainhost_fn fn, void *arg, struct cs_err *err)
{
	struct hostsof h = { fn, arg };
	struct scanarg a = { (void *)drop_ckey, &h, err, NULL, 0 };

	return scan(st, DB_CHAINHOST, ckey, CS_KEY_LEN, chainhost_all_each,
	    &a, err);
}

static int
host_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	struct hoststat hs;

	if (v->mv_size != sizeof(hs))
		return cs_err_set(a->err, CS_ESTORE, "bad host record");
	memcpy(&hs, v->mv_data, sizeof(hs));
	return ((cs_hoststat_fn)a->fn)(a->arg, k->mv_data, k->mv_size,
	    hs.reports, hs.certs);
}

int
cs_store_foreach_host(struct cs_store *st, cs_hoststat_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	return scan(st, DB_HOST, NULL, 0, host_each, &a, err);
}

static int
hostcert_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;

	(void)v;
	/* The prefix holds the length: longer hosts cannot match. */
	if (k->mv_size != a->extra_len + CS_KEY_LEN)
		return 0;
	return ((cs_hostcert_fn)a->fn)(a->arg, (const unsigned char *)
	    k->mv_data + a->extra_len);
}

int
cs_store_host_certs(struct cs_store *st, const char *host, size_t len,
    cs_hostcert_fn fn, void *arg, struct cs_err *err)
{
	unsigned char k[2 + CS_HOST_MAX];
	struct scanarg a = { (void *)fn, arg, err, NULL, 2 + len };

	if (len > CS_HOST_MAX)
		return 0;
	k[0] = (unsigned char)(len >> 8);
	k[1] = (unsigned char)len;
	memcpy(k + 2, host, len);
	return scan(st, DB_HOSTCERT, k, 2 + len, hostcert_each, &a, err);
}

static int
error_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	uint64_t n;

	if (k->mv_size != 4 || v->mv_size != sizeof(n))
		return cs_err_set(a->err, CS_ESTORE, "bad error record");
	memcpy(&n, v->mv_data, sizeof(n));
	return ((cs_errstat_fn)a->fn)(a->arg, cs_key_code(k->mv_data), n);
}

int
cs_store_foreach_error(struct cs_store *st, cs_errstat_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	return scan(st, DB_ERROR, NULL, 0, error_each, &a, err);
}

/* ---- signature verdicts (a cache) ------------------------------------- */

/* A verdict record as the walk may use it: else it is ignored. */
static int
verdict_ok(const MDB_val *k, const MDB_val *v)
{
	return k->mv_size == CS_VERDICT_KEY && v->mv_size == 1 &&
	    *(const unsigned char *)v->mv_data <= 1;
}

int
cs_store_verdicts_count(struct cs_store *st, uint64_t *n, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_stat ms;
	int rc;

	*n = 0;
	if (st->noverdict)
		return 0;
	if (rbegin(st, &txn, err) == -1)
		return -1;
	rc = mdb_stat(txn, st->dbi[DB_VERDICT], &ms);
	rend(st, txn);
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read the verdicts");
	*n = ms.ms_entries;
	return 0;
}

struct vscan {
	cs_verdict_fn	 fn;
	void		*arg;
};

static int
verdict_each(void *p, const MDB_val *k, const MDB_val *v)
{
	const struct vscan *a = p;

	if (!verdict_ok(k, v))
		return 0;
	return a->fn(a->arg, k->mv_data, *(const unsigned char *)v->mv_data);
}

int
cs_store_foreach_verdict(struct cs_store *st, cs_verdict_fn fn, void *arg,
    struct cs_err *err)
{
	struct vscan a = { fn, arg };

	if (st->noverdict)
		return 0;
	return scan(st, DB_VERDICT, NULL, 0, verdict_each, &a, err);
}

int
cs_store_get_verdict(struct cs_store *st,
    const unsigned char key[CS_VERDICT_KEY], int *ok, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_val k = { CS_VERDICT_KEY, (void *)key }, v;
	int rc;

	if (st->noverdict)
		return 0;
	if (rbegin(st, &txn, err) == -1)
		return -1;
	if ((rc = mdb_get(txn, st->dbi[DB_VERDICT], &k, &v)) == 0 &&
	    verdict_ok(&k, &v))
		*ok = *(const unsigned char *)v.mv_data;
	else if (rc == 0)
		rc = MDB_NOTFOUND;	/* malformed: as if absent */
	rend(st, txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read the verdicts");
	return 1;
}

int
cs_store_add_verdict(struct cs_store *st,
    const unsigned char key[CS_VERDICT_KEY], int ok, struct cs_err *err)
{
	unsigned char b = ok ? 1 : 0;

	if (cs_buf_append(&st->vnew, key, CS_VERDICT_KEY, err) == -1 ||
	    cs_buf_append(&st->vnew, &b, 1, err) == -1)
		return -1;
	st->vcount.added++;
	return 0;
}

void
cs_store_note_verdicts(struct cs_store *st, uint64_t stored,
    uint64_t checked)
{
	st->vcount.stored += stored;
	st->vcount.checked += checked;
}

void
cs_store_verdict_count(const struct cs_store *st,
    struct cs_verdict_count *out)
{
	*out = st->vcount;
}

static int
vrec_cmp(const void *a, const void *b)
{
	return memcmp(a, b, CS_VERDICT_KEY);
}

/*
 * Whether this handle may write the cache: not when it was opened
 * CS_STORE_RDONLY or without a lock file, nor when the store's directory
 * or file has no write permission at all (root could write it anyway).
 */
static int
verdicts_writable(const struct cs_store *st)
{
	char p[PATH_MAX];
	struct stat sb;

	if (st->keepnone || st->nolock)
		return 0;
	if (stat(st->path, &sb) == -1 || (sb.st_mode & 0222) == 0)
		return 0;
	snprintf(p, sizeof(p), "%s/data.mdb", st->path);
	return stat(p, &sb) == 0 && (sb.st_mode & 0222) != 0;
}

/* Writes the sorted records v[0..n) in one transaction: 0, or an LMDB
 * error (MDB_MAP_FULL: the caller grows the map and writes again). */
static int
verdicts_put(struct cs_store *st, const unsigned char *v, size_t n)
{
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, d, lk, ld;
	const size_t rl = CS_VERDICT_KEY + 1;
	unsigned int fl;
	size_t i;
	int rc, append = 0;

	if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0)
		return rc;
	if ((rc = mdb_dbi_open(txn, dbnames[DB_VERDICT], MDB_CREATE, &dbi))
	    != 0 || (rc = mdb_cursor_open(txn, dbi, &cur)) != 0) {
		mdb_txn_abort(txn);
		return rc;
	}
	/* Past the last key (a first run): appended, no search, full pages. */
	rc = mdb_cursor_get(cur, &lk, &ld, MDB_LAST);
	if (rc == MDB_NOTFOUND || (rc == 0 && lk.mv_size == CS_VERDICT_KEY &&
	    memcmp(lk.mv_data, v, CS_VERDICT_KEY) < 0))
		append = 1;
	for (i = 0, rc = 0; i < n && rc == 0; i++) {
		if (i > 0 && memcmp(v + i * rl, v + (i - 1) * rl,
		    CS_VERDICT_KEY) == 0)
			continue;
		k.mv_size = CS_VERDICT_KEY;
		k.mv_data = (void *)(v + i * rl);
		d.mv_size = 1;
		d.mv_data = (void *)(v + i * rl + CS_VERDICT_KEY);
		fl = append ? MDB_APPEND : 0;
		rc = mdb_cursor_put(cur, &k, &d, fl);
	}
	if (rc != 0) {
		mdb_txn_abort(txn);
		return rc;
	}
	return mdb_txn_commit(txn);
}

/*
 * Keeps the verdicts this handle's walks found, in one write transaction,
 * when it can without waiting: the ingest lock free, the store writable.
 * A query's handle is read-only: it is opened again to write (nothing
 * read through it is in use any more). Anything else: not kept, silently.
 */
static void
verdicts_flush(struct cs_store *st)
{
	struct cs_err e = CS_ERR_INIT;
	const size_t rl = CS_VERDICT_KEY + 1;
	size_t n = st->vnew.len / rl;
	int rc, tries;

	if (n == 0 || st->env == NULL || !verdicts_writable(st))
		return;
	if (st->lockfd == -1 && cs_store_lock(st, &e) == -1)
		return;
	if (st->rdonly) {
		mdb_env_close(st->env);
		st->env = NULL;
		st->rdonly = 0;
		if (env_open(st, st->path, 0, 0, &e) == -1)
			return;
	}
	qsort(st->vnew.data, n, rl, vrec_cmp);
	for (tries = 0; tries < 8; tries++) {
		rc = verdicts_put(st, st->vnew.data, n);
		if (rc != MDB_MAP_FULL || grow_map(st, &e) == -1)
			break;
	}
}

/* ---- raw access, for cs_verify() ---------------------------------------- */

/* LMDB's free page list (its dbi 0) and main database (1), after ours. */
int
cs_store_has_codes(const struct cs_store *st)
{
	return !st->nocode;
}

int
cs_store_upgraded(const struct cs_store *st)
{
	return st->upgraded;
}

void
cs_store_upgrade_msg(const struct cs_store *st, char *buf, size_t size)
{
	snprintf(buf, size, "store '%s' upgraded from schema %d to %d: under "
	    "--error, its reports until now keep the figures schema %d gave "
	    "(a chain's first and last seen stand for each of its codes; a "
	    "hostname counts only its reports with a valid certificate)",
	    st->path, st->upgraded, CS_SCHEMA, st->upgraded);
}

static int
certcode_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	const unsigned char *d = k->mv_data;
	struct codetime ct;

	if (k->mv_size != 4 + CS_KEY_LEN || v->mv_size != sizeof(ct))
		return cs_err_set(a->err, CS_ESTORE, "bad certificate code "
		    "record");
	memcpy(&ct, v->mv_data, sizeof(ct));
	return ((cs_certcode_fn)a->fn)(a->arg, cs_key_code(d), d + 4, ct.first,
	    ct.last);
}

int
cs_store_foreach_certcode(struct cs_store *st, int32_t code,
    cs_certcode_fn fn, void *arg, struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };
	unsigned char pfx[4];

	if (st->nocode)
		return 1;
	put_code(pfx, code);
	return scan(st, DB_CERTCODE, pfx, sizeof(pfx), certcode_each, &a, err);
}

int
cs_store_get_certcode(struct cs_store *st, int32_t code,
    const unsigned char *key, int64_t *first, int64_t *last,
    struct cs_err *err)
{
	unsigned char kb[4 + CS_KEY_LEN];
	struct codetime ct;
	MDB_txn *txn;
	MDB_val k = { sizeof(kb), kb }, v;
	int rc;

	if (st->nocode)
		return 0;
	put_code(kb, code);
	memcpy(kb + 4, key, CS_KEY_LEN);
	if (rbegin(st, &txn, err) == -1)
		return -1;
	rc = mdb_get(txn, st->dbi[DB_CERTCODE], &k, &v);
	if (rc == 0 && v.mv_size == sizeof(ct)) {
		memcpy(&ct, v.mv_data, sizeof(ct));
		*first = ct.first;
		*last = ct.last;
	}
	rend(st, txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read the store");
	if (v.mv_size != sizeof(ct))
		return cs_err_set(err, CS_ESTORE, "bad certificate code "
		    "record");
	return 1;
}

static int
hostcode_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	const unsigned char *d = k->mv_data;
	uint64_t n;

	if (k->mv_size < 4 || v->mv_size != sizeof(n))
		return cs_err_set(a->err, CS_ESTORE, "bad host code record");
	memcpy(&n, v->mv_data, sizeof(n));
	return ((cs_hostcode_fn)a->fn)(a->arg, cs_key_code(d),
	    (const char *)d + 4, k->mv_size - 4, n);
}

int
cs_store_foreach_hostcode(struct cs_store *st, int32_t code,
    cs_hostcode_fn fn, void *arg, struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };
	unsigned char pfx[4];

	if (st->nocode)
		return 1;
	put_code(pfx, code);
	return scan(st, DB_HOSTCODE, pfx, sizeof(pfx), hostcode_each, &a, err);
}

static const char *const lmdbnames[2] = { "(freelist)", "(main)" };

const char *
cs_store_table_name(int i)
{
	if (i >= 0 && i < NDB)
		return dbnames[i];
	return i >= NDB && i < NDB + 2 ? lmdbnames[i - NDB] : NULL;
}

static int
table_index(const struct cs_store *st, const char *table)
{
	int i;

	for (i = 0; i < NDB; i++)
		if (strcmp(dbnames[i], table) == 0)
			return (i == DB_TOPHOST && st->notop) || ((i == DB_DAY ||
			    i == DB_CHAINDAY) && st->nodays) || (i ==
			    DB_HOSTDAY && st->nohostday) || ((i ==
			    DB_CERTCODE || i == DB_HOSTCODE) && st->nocode) ?
			    -1 : i;
	for (i = 0; i < 2; i++)
		if (strcmp(lmdbnames[i], table) == 0)
			return NDB + i;
	return -1;
}

static int
raw_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;

	return ((cs_raw_fn)a->fn)(a->arg, k->mv_data, k->mv_size, v->mv_data,
	    v->mv_size);
}

int
cs_store_table_walk(struct cs_store *st, const char *table, cs_raw_fn fn,
    void *arg, struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };
	int i;

	if ((i = table_index(st, table)) == -1)
		return 1;
	return scan(st, i, NULL, 0, raw_each, &a, err);
}

int
cs_store_table_get(struct cs_store *st, const char *table, const void *key,
    size_t klen, const unsigned char **v, size_t *vlen, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_val k = { klen, (void *)key }, d;
	int i, rc;

	if ((i = table_index(st, table)) == -1 || i >= NDB)
		return 0;
	if (rbegin(st, &txn, err) == -1)
		return -1;
	rc = mdb_get(txn, st->dbi[i], &k, &d);
	rend(st, txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read the store");
	*v = d.mv_data;
	*vlen = d.mv_size;
	return 1;
}

/*
 * Whether a record's error list (n records from p) and its fixed part
 * are exactly as written: pads zero, nothing after the list.
 */
static int
strict_errs(const unsigned char *p, size_t n, size_t rest)
{
	static const unsigned char zero[4];
	size_t i;

	if (rest != n * sizeof(struct errrec))
		return 0;
	for (i = 0; i < n; i++)
		if (memcmp(p + i * sizeof(struct errrec) + offsetof(struct
		    errrec, pad), zero, 4) != 0)
			return 0;
	return 1;
}

int
cs_store_rec_cert(const unsigned char *key, const void *v, size_t len,
    struct cs_certrec *out, struct cs_err *err)
{
	MDB_val sv = { len, (void *)v };
	struct certstat cs;

	if (load_cert_at(NULL, NULL, key, &sv, NULL, NULL, 0, out, err) == -1)
		return -1;
	memcpy(&cs, v, sizeof(cs));
	if (cs.seen > 1 || !strict_errs((const unsigned char *)v + sizeof(cs),
	    cs.nerrs, len - sizeof(cs))) {
		cs_certrec_release(out);
		return cs_err_set(err, CS_ESTORE, "bad certificate record");
	}
	return 0;
}

int
cs_store_rec_chain(const unsigned char *key, size_t klen, const void *v,
    size_t len, struct cs_chainrec *out, struct cs_errcount **errs,
    struct cs_err *err)
{
	MDB_val k = { klen, (void *)key }, d = { len, (void *)v };
	struct chainstat cs;
	size_t off;

	if (chain_decode(&k, &d, out, errs, err) == -1)
		return -1;
	memcpy(&cs, v, sizeof(cs));
	off = sizeof(cs) + (size_t)cs.ncerts * CS_KEY_LEN;
	if (cs.seen > 1 || cs.pad != 0 || !strict_errs((const unsigned char *)
	    v + off, cs.nerrs, len - off)) {
		free(*errs);
		*errs = NULL;
		return cs_err_set(err, CS_ESTORE, "bad chain record");
	}
	return 0;
}

int
cs_store_rec_top(const void *v, size_t len, cs_host_fn fn, void *arg)
{
	struct toplist *l;
	MDB_val d = { len, (void *)v };
	size_t i;
	int ret = 0;

	if ((l = malloc(sizeof(*l))) == NULL)
		return -1;
	if (top_decode(l, &d) != 0)
		ret = -1;
	for (i = 0; ret == 0 && i < l->n; i++)
		ret = fn(arg, TOP_NAME(l, i), l->e[i].len, l->e[i].count);
	free(l);
	return ret;
}

void
cs_store_hash_key(const unsigned char hash[16], unsigned char key[CS_KEY_LEN])
{
	key_prefix(hash, key);
}

/* ---- AIA: certificates fetched from caIssuers URLs ------------------------ */

struct aiaurl {
	int64_t		fetched_at;
	int32_t		status;
	int32_t		http;
	uint32_t	ncerts;
	uint32_t	pad;
};

struct aiacert {
	int64_t		fetched_at;
	uint32_t	url_len;
	uint32_t	pad;
	/* the URL, then the DER */
};

int
cs_store_aia_url(struct cs_store *st, const char *url,
    struct cs_aia_urlrec *out, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_val k, v;
	struct aiaurl r;
	int rc;

	memset(out, 0, sizeof(*out));
	if (st->noaia)
		return 0;
	if ((k.mv_size = strlen(url)) == 0 || k.mv_size > CS_AIA_URL_MAX)
		return 0;
	k.mv_data = (void *)url;
	if (rbegin(st, &txn, err) == -1)
		return -1;
	rc = mdb_get(txn, st->dbi[DB_AIAURL], &k, &v);
	if (rc == 0 && v.mv_size == sizeof(r)) {
		memcpy(&r, v.mv_data, sizeof(r));
		out->fetched_at = r.fetched_at;
		out->status = r.status;
		out->http = r.http;
		out->ncerts = r.ncerts;
	}
	rend(st, txn);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return mdb_fail(err, rc, "cannot read the store");
	if (v.mv_size != sizeof(r))
		return cs_err_set(err, CS_ESTORE, "bad AIA URL record");
	return 1;
}

int
cs_store_rec_aiaurl(size_t klen, const void *v, size_t len,
    struct cs_aia_urlrec *out, struct cs_err *err)
{
	struct aiaurl r;

	if (klen == 0 || klen > CS_AIA_URL_MAX || len != sizeof(r))
		return cs_err_set(err, CS_ESTORE, "bad AIA URL record");
	memcpy(&r, v, sizeof(r));
	memset(out, 0, sizeof(*out));
	out->fetched_at = r.fetched_at;
	out->status = r.status;
	out->http = r.http;
	out->ncerts = r.ncerts;
	return 0;
}

int
cs_store_rec_aiacert(const unsigned char *key, size_t klen, const void *v,
    size_t len, struct cs_aia_certrec *out, struct cs_err *err)
{
	const unsigned char *d = v;
	struct aiacert r;

	if (klen != 32 || len < sizeof(r))
		return cs_err_set(err, CS_ESTORE, "bad AIA certificate");
	memcpy(&r, d, sizeof(r));
	if (r.url_len > len - sizeof(r) || r.url_len > CS_AIA_URL_MAX)
		return cs_err_set(err, CS_ESTORE, "bad AIA certificate");
	memset(out, 0, sizeof(*out));
	memcpy(out->sha256, key, 32);
	out->fetched_at = r.fetched_at;
	out->url = (const char *)d + sizeof(r);
	out->url_len = r.url_len;
	out->der = d + sizeof(r) + r.url_len;
	out->der_len = len - sizeof(r) - r.url_len;
	return 0;
}

static int
aiaurl_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	struct cs_aia_urlrec rec;
	char url[CS_AIA_URL_MAX + 1];

	if (cs_store_rec_aiaurl(k->mv_size, v->mv_data, v->mv_size, &rec,
	    a->err) == -1)
		return -1;
	memcpy(url, k->mv_data, k->mv_size);
	url[k->mv_size] = '\0';
	return ((cs_aia_url_fn)a->fn)(a->arg, url, &rec);
}

int
cs_store_foreach_aia_url(struct cs_store *st, cs_aia_url_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	if (st->noaia)
		return 0;
	return scan(st, DB_AIAURL, NULL, 0, aiaurl_each, &a, err);
}

static int
aiacert_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	struct cs_aia_certrec rec;

	if (cs_store_rec_aiacert(k->mv_data, k->mv_size, v->mv_data,
	    v->mv_size, &rec, a->err) == -1)
		return -1;
	return ((cs_aia_cert_fn)a->fn)(a->arg, &rec);
}

int
cs_store_foreach_aia_cert(struct cs_store *st, cs_aia_cert_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	if (st->noaia)
		return 0;
	return scan(st, DB_AIACERT, NULL, 0, aiacert_each, &a, err);
}

/* The writes of cs_store_aia_put(), in t. */
static int
aia_put(struct cs_wtxn *t, const char *url, const struct cs_aia_urlrec *u,
    int64_t when, const struct cs_aia_der *certs, size_t n, size_t *added,
    struct cs_err *err)
{
	MDB_dbi dbu = t->st->dbi[DB_AIAURL], dbc = t->st->dbi[DB_AIACERT];
	size_t ulen = url != NULL ? strlen(url) : 0, i;
	struct aiaurl r;
	struct aiacert c;
	MDB_val k, v;
	int rc;

	if (url != NULL && u != NULL) {
		memset(&r, 0, sizeof(r));
		r.fetched_at = u->fetched_at;
		r.status = u->status;
		r.http = u->http;
		r.ncerts = u->ncerts;
		k.mv_data = (void *)url;
		k.mv_size = ulen;
		v.mv_data = &r;
		v.mv_size = sizeof(r);
		if ((rc = mdb_put(t->txn, dbu, &k, &v, 0)) != 0)
			return wfail(t, err, rc, "cannot write");
	}
	for (i = 0; i < n; i++) {
		memset(&c, 0, sizeof(c));
		c.fetched_at = when;
		c.url_len = (uint32_t)ulen;
		cs_buf_reset(&t->scratch);
		if (cs_buf_append(&t->scratch, &c, sizeof(c), err) == -1 ||
		    cs_buf_append(&t->scratch, url, ulen, err) == -1 ||
		    cs_buf_append(&t->scratch, certs[i].der, certs[i].len,
		    err) == -1)
			return -1;
		k.mv_data = (void *)certs[i].sha256;
		k.mv_size = 32;
		v.mv_data = t->scratch.data;
		v.mv_size = t->scratch.len;
		/* Imported without a URL: what the store had stays. */
		if ((rc = mdb_put(t->txn, dbc, &k, &v, MDB_NOOVERWRITE)) ==
		    MDB_KEYEXIST && url != NULL) {
			v.mv_data = t->scratch.data;
			v.mv_size = t->scratch.len;
			rc = mdb_put(t->txn, dbc, &k, &v, 0);
		} else if (rc == 0)
			(*added)++;
		if (rc != 0 && rc != MDB_KEYEXIST)
			return wfail(t, err, rc, "cannot write");
	}
	return 0;
}

int
cs_store_aia_put(struct cs_store *st, const char *url,
    const struct cs_aia_urlrec *u, int64_t when,
    const struct cs_aia_der *certs, size_t n, size_t *added,
    struct cs_err *err)
{
	struct cs_err e = CS_ERR_INIT;
	size_t nadded = 0;
	struct cs_wtxn *t = NULL;
	int tries;

	if (st->rdonly || st->noaia)
		return cs_err_set(err, CS_EUSAGE, "store '%s' is not open for "
		    "writing", st->path);
	if (url != NULL && (strlen(url) == 0 || strlen(url) >
	    CS_AIA_URL_MAX))
		return cs_err_set(err, CS_EUSAGE, "bad AIA URL");
	if (cs_store_lock(st, err) == -1)
		return -1;
	for (tries = 0; tries < 30; tries++) {
		if (cs_store_wbegin(st, &t, &e) == -1)
			break;
		nadded = 0;
		if (aia_put(t, url, u, when, certs, n, &nadded, &e) == -1) {
			cs_store_wabort(t);	/* t is freed either way */
			if (e.code == CS_EFULL)
				continue;	/* the map has grown */
			break;
		}
		if (cs_store_wcommit(t, &e) == 0) {
			if (added != NULL)
				*added = nadded;
			return 0;
		}
		if (e.code != CS_EFULL)
			break;
	}
	if (err != NULL)
		*err = e;
	return -1;
}

/* ---- merge's access to the tables (store_int.h) -------------------------- */

int
cs_store_ndb(void)
{
	return NDB;
}

const char *
cs_store_db_name(int db)
{
	return db >= 0 && db < NDB ? dbnames[db] : NULL;
}

int
cs_store_db_index(const char *name)
{
	int i;

	for (i = 0; i < NDB; i++)
		if (strcmp(dbnames[i], name) == 0)
			return i;
	return -1;
}

int
cs_store_has_db(const struct cs_store *st, int db)
{
	return !(db == DB_TOPHOST && st->notop) && !((db == DB_AIAURL ||
	    db == DB_AIACERT) && st->noaia) && !((db == DB_DAY ||
	    db == DB_CHAINDAY) && st->nodays) && !(db == DB_HOSTDAY &&
	    st->nohostday) && !((db == DB_CERTCODE || db == DB_HOSTCODE) &&
	    st->nocode) && !(db == DB_VERDICT && st->noverdict);
}

MDB_dbi
cs_store_dbi(const struct cs_store *st, int db)
{
	return st->dbi[db];
}

MDB_txn *
cs_store_wtxn_mdb(struct cs_wtxn *t)
{
	return t->txn;
}

int
cs_store_rtxn_begin(struct cs_store *st, MDB_txn **txn, struct cs_err *err)
{
	int rc;

	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn)) ==
	    MDB_MAP_RESIZED) {
		mdb_env_set_mapsize(st->env, 0);
		rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, txn);
	}
	if (rc != 0)
		return mdb_fail(err, rc, "cannot begin read transaction");
	return 0;
}

int
cs_store_current(struct cs_store *st)
{
	MDB_txn *txn;
	MDB_val k = { 6, "schema" }, v;
	struct cs_err err = CS_ERR_INIT;
	uint32_t schema = 0;
	int db;

	/* The verdicts are a cache: a store without them is whole. */
	for (db = 0; db < NDB; db++)
		if (db != DB_VERDICT && !cs_store_has_db(st, db))
			return 0;
	if (st->novalid || rbegin(st, &txn, &err) == -1)
		return 0;
	if (mdb_get(txn, st->dbi[DB_META], &k, &v) == 0 &&
	    v.mv_size == sizeof(schema))
		memcpy(&schema, v.mv_data, sizeof(schema));
	rend(st, txn);
	return schema == CS_SCHEMA;
}

int
cs_store_replace(struct cs_store *st, struct cs_store *src,
    struct cs_err *err)
{
	char data[PATH_MAX], tmp[PATH_MAX], lock[PATH_MAX];
	int fd, rc = 0;

	snprintf(data, sizeof(data), "%s/data.mdb", st->path);
	snprintf(tmp, sizeof(tmp), "%s/seed.mdb", st->path);
	snprintf(lock, sizeof(lock), "%s/lock.mdb", st->path);
	/* LMDB's compacting copy: the pages in key order, written once,
	 * with nothing of the freed pages of src. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666)) == -1)
		return cs_err_set(err, CS_EIO, "cannot create '%s': %s", tmp,
		    strerror(errno));
	rc = mdb_env_copyfd2(src->env, fd, MDB_CP_COMPACT);
	if (close(fd) == -1 && rc == 0)
		rc = errno;
	if (rc != 0) {
		unlink(tmp);
		return cs_err_set(err, CS_ESTORE, "cannot copy store '%s': %s",
		    src->path, mdb_strerror(rc));
	}
	cs_store_read_end(st);
	mdb_env_close(st->env);
	st->env = NULL;
	st->reserved = 0;
	/* Killed before or after the rename, st holds a whole store. */
	if (rename(tmp, data) == -1)
		return cs_err_set(err, CS_EIO, "cannot replace '%s': %s", data,
		    strerror(errno));
	/* LMDB makes its lock file again for the new file. */
	unlink(lock);
	return env_open(st, st->path, CS_STORE_CREATE, 0, err);
}

int
cs_store_set_writemap(struct cs_store *st, int on, struct cs_err *err)
{
	if (st->rdonly || (on != 0) == st->writemap)
		return 0;
	cs_store_read_end(st);
	mdb_env_close(st->env);
	st->env = NULL;
	st->reserved = 0;
	st->nowritemap = !on;
	return env_open(st, st->path, CS_STORE_CREATE, 0, err);
}

int
cs_store_nosync(struct cs_store *st, int on, struct cs_err *err)
{
	int rc;

	if ((rc = mdb_env_set_flags(st->env, MDB_NOSYNC, on)) != 0)
		return mdb_fail(err, rc, "cannot set the store's flags");
	return 0;
}

int
cs_store_sync(struct cs_store *st, struct cs_err *err)
{
	int rc;

	if ((rc = mdb_env_sync(st->env, 1)) != 0)
		return cs_err_set(err, CS_ESTORE, "store '%s': cannot write to "
		    "disk: %s", st->path, mdb_strerror(rc));
	return 0;
}

void
cs_store_writeback(struct cs_store *st)
{
#ifdef SYNC_FILE_RANGE_WRITE
	mdb_filehandle_t fd;

	if (mdb_env_get_fd(st->env, &fd) == 0)
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)st;
#endif
}

/* Adds each u64 of delta to the record's (as many as delta has). */
struct sumdelta {
	const void	*v;
	size_t		 n;
};

static void
add_u64s(void *rec, const void *delta)
{
	const struct sumdelta *d = delta;
	uint64_t a, b;
	size_t i;

	for (i = 0; i < d->n; i++) {
		memcpy(&a, (char *)rec + i * 8, 8);
		memcpy(&b, (const char *)d->v + i * 8, 8);
		a += b;
		memcpy((char *)rec + i * 8, &a, 8);
	}
}

int
cs_store_wsum(struct cs_wtxn *t, int db, const void *key, size_t klen,
    const void *val, size_t vlen, int *added, struct cs_err *err)
{
	unsigned char rec[256];
	struct sumdelta d = { val, vlen / 8 };

	if (vlen % 8 != 0 || vlen > sizeof(rec))
		return cs_err_set(err, CS_ESTORE, "bad record in table '%s'",
		    dbnames[db]);
	return upsert(t, db, key, klen, rec, vlen, add_u64s, &d, added, err);
}

int
cs_store_wput(struct cs_wtxn *t, int db, const void *key, size_t klen,
    const void *val, size_t vlen, struct cs_err *err)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	int rc;

	if ((rc = mdb_put(t->txn, t->st->dbi[db], &k, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write");
	return 0;
}

int
cs_store_wget(struct cs_wtxn *t, int db, const void *key, size_t klen,
    MDB_val *v, struct cs_err *err)
{
	MDB_val k = { klen, (void *)key };
	int rc;

	if ((rc = mdb_get(t->txn, t->st->dbi[db], &k, v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return wfail(t, err, rc, "cannot read");
	return 1;
}

int
cs_store_wdel(struct cs_wtxn *t, int db, const void *key, size_t klen,
    struct cs_err *err)
{
	MDB_val k = { klen, (void *)key };
	int rc;

	if ((rc = mdb_del(t->txn, t->st->dbi[db], &k, NULL)) != 0 &&
	    rc != MDB_NOTFOUND)
		return wfail(t, err, rc, "cannot delete");
	return 0;
}

int
cs_store_decode_cert(const MDB_val *v, struct cs_certrec *rec,
    struct cs_err *err)
{
	memset(rec, 0, sizeof(*rec));
	return decode_stat(v, rec, err);
}

int
cs_store_decode_chain(const MDB_val *k, const MDB_val *v,
    struct cs_chainrec *rec, struct cs_errcount **errs, struct cs_err *err)
{
	return chain_decode(k, v, rec, errs, err);
}

/* ---- the hosts mode ------------------------------------------------------ */

/* "hosts" in meta: u32 mode, then the key's fingerprint (zeros unless
 * keyed): SHA-256 of a label and the key, which tells keys apart and
 * gives nothing of the key away. */
#define HOSTS_REC	(4 + 32)

static void
hosts_rec(int mode, const unsigned char *key, size_t len,
    unsigned char rec[HOSTS_REC])
{
	static const char label[] = "certsift hosts key fingerprint";
	unsigned char buf[sizeof(label) + 32];
	uint32_t m = (uint32_t)mode;

	memset(rec, 0, HOSTS_REC);
	memcpy(rec, &m, 4);
	if (mode != CS_HOSTS_KEYED)
		return;
	memcpy(buf, label, sizeof(label));
	SHA256(key, len, buf + sizeof(label));
	SHA256(buf, sizeof(buf), rec + 4);
}

void
cs_store_hosts_describe(const unsigned char *rec, size_t len, char *buf,
    size_t size)
{
	static const char *const names[] = { "clear", "none", "keyed" };
	uint32_t m;

	if (len != HOSTS_REC) {
		snprintf(buf, size, "unrecorded");
		return;
	}
	memcpy(&m, rec, 4);
	if (m == CS_HOSTS_KEYED)
		snprintf(buf, size, "keyed (key fingerprint %02x%02x%02x%02x"
		    "%02x%02x%02x%02x)", rec[4], rec[5], rec[6], rec[7],
		    rec[8], rec[9], rec[10], rec[11]);
	else
		snprintf(buf, size, "%s", m < 3 ? names[m] : "unknown");
}

int
cs_store_hosts_check(struct cs_store *st, int mode, const unsigned char *key,
    size_t len, struct cs_err *err)
{
	unsigned char want[HOSTS_REC];
	char had[64], asked[64];
	struct cs_wtxn *t;
	MDB_val v;
	int rc;

	hosts_rec(mode, key, len, want);
	for (;;) {
		if (cs_store_wbegin(st, &t, err) == -1)
			return -1;
		if ((rc = cs_store_wget(t, DB_META, "hosts", 5, &v, err)) ==
		    1) {
			if (v.mv_size == HOSTS_REC && memcmp(v.mv_data, want,
			    HOSTS_REC) == 0) {
				cs_store_wabort(t);
				return 0;
			}
			cs_store_hosts_describe(v.mv_data, v.mv_size, had,
			    sizeof(had));
			cs_store_hosts_describe(want, HOSTS_REC, asked,
			    sizeof(asked));
			cs_store_wabort(t);
			return cs_err_set(err, CS_EUSAGE, "store '%s' keeps "
			    "hostnames %s, not %s", st->path, had, asked);
		}
		/* Unrecorded (a new store, or one made before schema 5): this
		 * writer's mode is the store's from now on. */
		if (rc == -1) {
			cs_store_wabort(t);
			if (err != NULL && err->code == CS_EFULL)
				continue;
			return -1;
		}
		if (cs_store_wput(t, DB_META, "hosts", 5, want, HOSTS_REC,
		    err) == -1) {
			cs_store_wabort(t);
			if (err != NULL && err->code == CS_EFULL)
				continue;
			return -1;
		}
		if (cs_store_wcommit(t, err) == 0)
			return 0;
		if (err == NULL || err->code != CS_EFULL)
			return -1;
	}
}

/* ---- days ---------------------------------------------------------------- */

int
cs_store_wday(struct cs_wtxn *t, int32_t day, int has_err, int32_t code,
    uint64_t n, struct cs_err *err)
{
	unsigned char k[9];

	put_code(k, day);		/* signed, as codes are */
	k[4] = has_err != 0;
	put_code(k + 5, has_err ? code : 0);
	return add_u64(t, DB_DAY, k, sizeof(k), n, NULL, err);
}

/* <0, 0, >0 as (day, has, code) of a sorts before, with, after b's. */
static int
dayent_cmp(int32_t da, int ha, int32_t ca, int32_t db, int hb, int32_t cb)
{
	if (da != db)
		return da < db ? -1 : 1;
	if (ha != hb)
		return ha < hb ? -1 : 1;
	return (ca > cb) - (ca < cb);
}

int
cs_store_wchainday(struct cs_wtxn *t, const unsigned char *ckey,
    const struct cs_dayent *e, size_t n, struct cs_err *err)
{
	MDB_val k = { CS_KEY_LEN, (void *)ckey }, v;
	struct dayrec a, r;
	const char *old = NULL;
	MDB_cursor *cur;
	size_t na = 0, i = 0, j = 0;
	int rc = 0, c;

	/* The transaction's cursor: the write after the read finds its page
	 * without a descent, and so does a read near the last write. */
	if ((cur = wcursor(t, DB_CHAINDAY, &rc)) == NULL)
		return wfail(t, err, rc, "cannot open cursor");
	if ((rc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY)) == 0) {
		if (v.mv_size % sizeof(a) != 0)
			return cs_err_set(err, CS_ESTORE, "bad chain day "
			    "record");
		old = v.mv_data;
		na = v.mv_size / sizeof(a);
	} else if (rc != MDB_NOTFOUND)
		return wfail(t, err, rc, "cannot read chain days");
	/* Both sorted: merged into one sorted list. */
	cs_buf_reset(&t->scratch);
	if (cs_buf_grow(&t->scratch, (na + n) * sizeof(r), err) == -1)
		return -1;
	while (i < na || j < n) {
		if (i < na)
			memcpy(&a, old + i * sizeof(a), sizeof(a));
		memset(&r, 0, sizeof(r));
		c = i >= na ? 1 : j >= n ? -1 : dayent_cmp(a.day, a.has_err != 0,
		    a.code, e[j].day, e[j].has_err != 0, e[j].code);
		if (c <= 0) {
			r = a;
			i++;
		}
		if (c >= 0) {
			if (c > 0) {
				r.day = e[j].day;
				r.has_err = e[j].has_err != 0;
				r.code = e[j].has_err ? e[j].code : 0;
			}
			r.n += e[j++].n;
		}
		memcpy(t->scratch.data + t->scratch.len, &r, sizeof(r));
		t->scratch.len += sizeof(r);
	}
	k.mv_data = (void *)ckey;
	k.mv_size = CS_KEY_LEN;
	v.mv_data = t->scratch.data;
	v.mv_size = t->scratch.len;
	if ((rc = mdb_cursor_put(cur, &k, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write chain days");
	return 0;
}

int
cs_store_days_info(struct cs_store *st, struct cs_daysinfo *out,
    struct cs_err *err)
{
	struct daysmeta dm;
	MDB_txn *txn;
	MDB_val k = { 4, "days" }, v;
	int rc;

	memset(out, 0, sizeof(*out));
	if (st->nodays)
		return 0;
	out->kept = 1;
	if (rbegin(st, &txn, err) == -1)
		return -1;
	if ((rc = mdb_get(txn, st->dbi[DB_META], &k, &v)) == 0 &&
	    v.mv_size == sizeof(dm)) {
		memcpy(&dm, v.mv_data, sizeof(dm));
		out->reports_before = dm.reports_before;
		out->since = dm.since;
	}
	rend(st, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_fail(err, rc, "cannot read the store's days");
	return 0;
}

static int
day_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct scanarg *a = p;
	const unsigned char *d = k->mv_data;
	struct cs_dayent e;

	if (k->mv_size != 9 || v->mv_size != sizeof(e.n))
		return cs_err_set(a->err, CS_ESTORE, "bad day record");
	e.day = cs_key_code(d);
	e.has_err = d[4] != 0;
	e.code = cs_key_code(d + 5);
	memcpy(&e.n, v->mv_data, sizeof(e.n));
	return ((cs_day_fn)a->fn)(a->arg, &e);
}

int
cs_store_foreach_day(struct cs_store *st, cs_day_fn fn, void *arg,
    struct cs_err *err)
{
	struct scanarg a = { (void *)fn, arg, err, NULL, 0 };

	if (st->nodays)
		return 0;
	return scan(st, DB_DAY, NULL, 0, day_each, &a, err);
}

struct chaindayarg {
	struct scanarg		 a;
	struct cs_dayent	*e;
	size_t			 cap;
};

static int
chainday_each(void *p, const MDB_val *k, const MDB_val *v)
{
	struct chaindayarg *c = p;
	struct dayrec r;
	size_t i, n = v->mv_size / sizeof(r);

	if (k->mv_size != CS_KEY_LEN || v->mv_size % sizeof(r) != 0)
		return cs_err_set(c->a.err, CS_ESTORE, "bad chain day record");
	if (n > c->cap) {
		struct cs_dayent *ne = realloc(c->e, n * sizeof(*ne));

		if (ne == NULL)
			return cs_err_set(c->a.err, CS_ENOMEM,
			    "out of memory");
		c->e = ne;
		c->cap = n;
	}
	for (i = 0; i < n; i++) {
		/* Values are 2-byte aligned in a page: copied. */
		memcpy(&r, (const char *)v->mv_data + i * sizeof(r),
		    sizeof(r));
		c->e[i].day = r.day;
		c->e[i].has_err = r.has_err != 0;
		c->e[i].code = r.code;
		c->e[i].n = r.n;
	}
	return ((cs_chainday_fn)c->a.fn)(c->a.arg, k->mv_data, c->e, n);
}

int
cs_store_foreach_chainday(struct cs_store *st, cs_chainday_fn fn, void *arg,
    struct cs_err *err)
{
	struct chaindayarg c = { { (void *)fn, arg, err, NULL, 0 }, NULL, 0 };
	int rc;

	if (st->nodays)
		return 0;
	rc = scan(st, DB_CHAINDAY, NULL, 0, chainday_each, &c, err);
	free(c.e);
	return rc;
}

int
cs_store_wchainday_raw(struct cs_wtxn *t, const unsigned char *ckey,
    const void *v, size_t len, struct cs_err *err)
{
	struct cs_dayent *e;
	struct dayrec r;
	size_t i, n = len / sizeof(r);
	int ret;

	if (len % sizeof(r) != 0)
		return cs_err_set(err, CS_ESTORE, "bad chain day record");
	if ((e = cs_mallocarray(n, sizeof(*e))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		memcpy(&r, (const char *)v + i * sizeof(r), sizeof(r));
		e[i].day = r.day;
		e[i].has_err = r.has_err != 0;
		e[i].code = r.code;
		e[i].n = r.n;
	}
	ret = cs_store_wchainday(t, ckey, e, n, err);
	free(e);
	return ret;
}

int
cs_store_wdays_before(struct cs_wtxn *t, uint64_t reports, int64_t since,
    struct cs_err *err)
{
	struct daysmeta dm;
	MDB_val k = { 4, "days" }, v;
	int rc;

	memset(&dm, 0, sizeof(dm));
	if ((rc = mdb_get(t->txn, t->st->dbi[DB_META], &k, &v)) == 0 &&
	    v.mv_size == sizeof(dm))
		memcpy(&dm, v.mv_data, sizeof(dm));
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return wfail(t, err, rc, "cannot read the store's days");
	dm.reports_before += reports;
	if (since > dm.since)
		dm.since = since;
	v.mv_data = &dm;
	v.mv_size = sizeof(dm);
	if ((rc = mdb_put(t->txn, t->st->dbi[DB_META], &k, &v, 0)) != 0)
		return wfail(t, err, rc, "cannot write the store's days");
	return 0;
}

int
cs_store_hosts_mode(struct cs_store *st, struct cs_err *err)
{
	MDB_txn *txn;
	MDB_val k = { 5, "hosts" }, v;
	uint32_t m = CS_HOSTS_UNRECORDED;
	int rc;

	if (rbegin(st, &txn, err) == -1)
		return -1;
	if ((rc = mdb_get(txn, st->dbi[DB_META], &k, &v)) == 0 &&
	    v.mv_size == HOSTS_REC)
		memcpy(&m, v.mv_data, 4);
	rend(st, txn);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return mdb_fail(err, rc, "cannot read the hosts mode");
	return m <= CS_HOSTS_UNRECORDED ? (int)m : CS_HOSTS_UNRECORDED;
}

/* ---- merge's build of a new store (merge_build.c) ------------------------ */

int
cs_store_wappend(struct cs_wtxn *t, int db, const void *key, size_t klen,
    const void *val, size_t vlen, struct cs_err *err)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	MDB_cursor *c;
	int rc = 0;

	if ((c = wcursor(t, db, &rc)) == NULL)
		return wfail(t, err, rc, "cannot open cursor");
	if ((rc = mdb_cursor_put(c, &k, &v, MDB_APPEND)) != 0)
		return wfail(t, err, rc, "cannot write");
	return 0;
}

int
cs_store_wdrop(struct cs_wtxn *t, int db, struct cs_err *err)
{
	int rc;

	if ((rc = mdb_drop(t->txn, t->st->dbi[db], 0)) != 0)
		return wfail(t, err, rc, "cannot empty a table");
	t->tail[db].state = TAIL_UNKNOWN;
	return 0;
}

int
cs_store_chain_certs(const MDB_val *v, const unsigned char **certs,
    size_t *n)
{
	struct chainstat cs;

	if (v->mv_size < sizeof(cs))
		return -1;
	memcpy(&cs, v->mv_data, sizeof(cs));
	if (v->mv_size < sizeof(cs) + (size_t)cs.ncerts * CS_KEY_LEN)
		return -1;
	*certs = (const unsigned char *)v->mv_data + sizeof(cs);
	*n = cs.ncerts;
	return 0;
}

static int
errcount_cmp(const void *a, const void *b)
{
	const struct cs_errcount *x = a, *y = b;

	return (x->code > y->code) - (x->code < y->code);
}

/*
 * The codes of n records (each nerrs[i] errrecs at errs[i]), one count
 * per code, appended to out as errrecs; their number in *count.
 */
static int
errs_union(struct cs_buf *out, const void *const *errs, const uint32_t *nerrs,
    size_t n, uint32_t *count, struct cs_err *err)
{
	struct cs_errcount *e, one[16];
	struct errrec r;
	size_t i, j, total = 0, k;

	for (i = 0; i < n; i++)
		total += nerrs[i];
	*count = 0;
	if (total == 0)
		return 0;
	if ((e = total <= 16 ? one : cs_mallocarray(total, sizeof(*e))) ==
	    NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0, k = 0; i < n; i++)
		for (j = 0; j < nerrs[i]; j++, k++) {
			memcpy(&r, (const char *)errs[i] + j * sizeof(r),
			    sizeof(r));
			e[k].code = r.code;
			e[k].n = r.n;
		}
	/* A few codes, each record's in order: inserted, else sorted. */
	if (total > 32)
		qsort(e, total, sizeof(*e), errcount_cmp);
	else
		for (i = 1; i < total; i++) {
			struct cs_errcount x = e[i];

			for (j = i; j > 0 && e[j - 1].code > x.code; j--)
				e[j] = e[j - 1];
			e[j] = x;
		}
	for (i = 0; i < total; i = j) {
		memset(&r, 0, sizeof(r));
		r.code = e[i].code;
		for (j = i; j < total && e[j].code == e[i].code; j++)
			r.n += e[j].n;
		if (cs_buf_append(out, &r, sizeof(r), err) == -1)
			break;
		(*count)++;
	}
	if (e != one)
		free(e);
	return i < total ? -1 : 0;
}

#define MERGE_MAX	1024		/* records of one key merged at once */

/* Widens a sighting's first and last times by another's. */
static void
widen(uint32_t *seen, int64_t *first, int64_t *last, uint32_t s, int64_t f,
    int64_t l)
{
	if (!s)
		return;
	if (!*seen || f < *first)
		*first = f;
	if (!*seen || l > *last)
		*last = l;
	*seen = 1;
}

int
cs_store_certrec_merge(struct cs_buf *out, const MDB_val *recs, size_t n,
    uint64_t hosts, struct cs_err *err)
{
	struct certstat cs, a;
	const void *errs[MERGE_MAX];
	uint32_t nerrs[MERGE_MAX], count;
	size_t i;

	cs_buf_reset(out);
	if (n == 0 || n > MERGE_MAX)
		return cs_err_set(err, CS_ESTORE, "bad certificate records");
	for (i = 0; i < n; i++) {
		if (recs[i].mv_size < sizeof(a))
			return cs_err_set(err, CS_ESTORE, "bad certificate "
			    "record");
		memcpy(&a, recs[i].mv_data, sizeof(a));
		if (recs[i].mv_size < sizeof(a) + (size_t)a.nerrs *
		    sizeof(struct errrec))
			return cs_err_set(err, CS_ESTORE, "bad certificate "
			    "record");
		if (i == 0) {
			cs = a;
			cs.count = cs.leaf_count = 0;
			cs.seen = 0;
			cs.first_seen = cs.last_seen = 0;
		}
		cs.count += a.count;
		cs.leaf_count += a.leaf_count;
		widen(&cs.seen, &cs.first_seen, &cs.last_seen, a.seen,
		    a.first_seen, a.last_seen);
		errs[i] = (const char *)recs[i].mv_data + sizeof(a);
		nerrs[i] = a.nerrs;
	}
	cs.hosts = hosts;
	if (cs_buf_append(out, &cs, sizeof(cs), err) == -1 ||
	    errs_union(out, errs, nerrs, n, &count, err) == -1)
		return -1;
	cs.nerrs = count;
	memcpy(out->data, &cs, sizeof(cs));
	return 0;
}

int
cs_store_chainrec_merge(struct cs_buf *out, const MDB_val *recs, size_t n,
    const unsigned char *certs, struct cs_err *err)
{
	struct chainstat cs, a;
	const void *errs[MERGE_MAX];
	uint32_t nerrs[MERGE_MAX], count;
	size_t i, klen;

	cs_buf_reset(out);
	if (n == 0 || n > MERGE_MAX)
		return cs_err_set(err, CS_ESTORE, "bad chain records");
	for (i = 0; i < n; i++) {
		if (recs[i].mv_size < sizeof(a))
			return cs_err_set(err, CS_ESTORE, "bad chain record");
		memcpy(&a, recs[i].mv_data, sizeof(a));
		klen = (size_t)a.ncerts * CS_KEY_LEN;
		if (recs[i].mv_size < sizeof(a) + klen + (size_t)a.nerrs *
		    sizeof(struct errrec))
			return cs_err_set(err, CS_ESTORE, "bad chain record");
		if (i == 0) {
			cs = a;
			cs.count = 0;
			cs.seen = 0;
			cs.first_seen = cs.last_seen = 0;
		}
		cs.count += a.count;
		widen(&cs.seen, &cs.first_seen, &cs.last_seen, a.seen,
		    a.first_seen, a.last_seen);
		errs[i] = (const char *)recs[i].mv_data + sizeof(a) + klen;
		nerrs[i] = a.nerrs;
	}
	if (cs_buf_append(out, &cs, sizeof(cs), err) == -1 ||
	    cs_buf_append(out, certs, (size_t)cs.ncerts * CS_KEY_LEN,
	    err) == -1 ||
	    errs_union(out, errs, nerrs, n, &count, err) == -1)
		return -1;
	cs.nerrs = count;
	memcpy(out->data, &cs, sizeof(cs));
	return 0;
}

/*
 * The entries (size bytes each, the last 8 a u64 count) of n records:
 * sorted by cmp, entries whose first idlen bytes are the same summed, as
 * wentries() keeps them.
 */
static int
entries_merge(struct cs_buf *out, const MDB_val *recs, size_t n, size_t size,
    size_t idlen, int (*cmp)(const void *, const void *), struct cs_err *err)
{
	size_t pos[MERGE_MAX], end[MERGE_MAX], i, best, total, len = 0;
	unsigned char *d, *last = NULL;
	uint64_t a, b;

	cs_buf_reset(out);
	if (n > MERGE_MAX)
		return cs_err_set(err, CS_ESTORE, "bad records of entries");
	for (i = 0; i < n; i++) {
		if (recs[i].mv_size % size != 0)
			return cs_err_set(err, CS_ESTORE, "bad record of "
			    "entries");
		pos[i] = out->len;
		if (cs_buf_append(out, recs[i].mv_data, recs[i].mv_size,
		    err) == -1)
			return -1;
		end[i] = out->len;
	}
	if (n == 1)
		return 0;
	/* Each list is in order (as wentries() keeps it): merged into the
	 * buffer's second half, aligned as the first, then moved down. */
	total = out->len;
	if (cs_buf_grow(out, total, err) == -1)
		return -1;
	d = out->data + total;
	for (;;) {
		for (i = 0, best = n; i < n; i++)
			if (pos[i] < end[i] && (best == n || cmp(out->data +
			    pos[i], out->data + pos[best]) < 0))
				best = i;
		if (best == n)
			break;
		if (last != NULL && memcmp(last, out->data + pos[best],
		    idlen) == 0) {
			memcpy(&a, last + size - 8, 8);
			memcpy(&b, out->data + pos[best] + size - 8, 8);
			a += b;
			memcpy(last + size - 8, &a, 8);
		} else {
			last = d + len;
			memcpy(last, out->data + pos[best], size);
			len += size;
		}
		pos[best] += size;
	}
	memmove(out->data, d, len);
	out->len = len;
	return 0;
}

static int
dayrec_cmp(const void *a, const void *b)
{
	struct dayrec x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return dayent_cmp(x.day, x.has_err != 0, x.code, y.day,
	    y.has_err != 0, y.code);
}

int
cs_store_entries_merge(int db, struct cs_buf *out, const MDB_val *recs,
    size_t n, struct cs_err *err)
{
	switch (db) {
	case DB_CHAINDAY:
		return entries_merge(out, recs, n, sizeof(struct dayrec),
		    offsetof(struct dayrec, n), dayrec_cmp, err);
	case DB_VALID:
		return entries_merge(out, recs, n, sizeof(struct cs_validity),
		    offsetof(struct cs_validity, n), validity_cmp, err);
	case DB_HOSTDAY:
		return entries_merge(out, recs, n, sizeof(struct cs_hostday),
		    offsetof(struct cs_hostday, n), hostday_cmp, err);
	}
	return cs_err_set(err, CS_ESTORE, "table '%s' has no entries",
	    cs_store_db_name(db));
}

struct toplist *
cs_store_top_new(void)
{
	struct toplist *l;

	if ((l = malloc(sizeof(*l))) != NULL)
		cs_store_top_begin(l);
	return l;
}

void
cs_store_top_begin(struct toplist *l)
{
	l->n = 0;
	l->used = 0;
	l->changed = 0;
	l->loaded = 1;
}

void
cs_store_top_add(struct toplist *l, const char *host, size_t len,
    uint64_t total)
{
	top_update(l, host, len, total);
}

size_t
cs_store_top_encode(const struct toplist *l, unsigned char *buf)
{
	return top_encode(l, buf);
}
