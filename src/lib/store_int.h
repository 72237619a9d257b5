#ifndef CERTSIFT_STORE_INT_H
#define CERTSIFT_STORE_INT_H

/* The store's write side, for ingest: one write transaction at a time. */

#include <stdint.h>

#include <lmdb.h>

#include "certsift/buf.h"
#include "certsift/report.h"
#include "certsift/store.h"

#ifndef CS_KEY_BITS
#define CS_KEY_BITS	128	/* tests build with a few bits: collisions */
#endif

struct cs_wtxn;

/* An error code as keys hold it: 4 bytes, big-endian, sign bit flipped
 * (so keys sort by code). */
static inline int32_t
cs_key_code(const unsigned char *p)
{
	uint32_t u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];

	return (int32_t)(u ^ 0x80000000u);
}

/*
 * Takes the store's writer lock (CS_EBUSY when another process has it, or
 * when the store holds an unfinished merge). cs_store_lock_merge() takes
 * it whatever merge left: for the merge that finishes it.
 */
int	cs_store_lock(struct cs_store *st, struct cs_err *err);
int	cs_store_lock_merge(struct cs_store *st, struct cs_err *err);

/*
 * The store's hosts mode (CS_HOSTS_* of ingest.h, and for keyed a
 * fingerprint of the key, never the key) is recorded by its first writer;
 * a writer of another mode or key is refused (CS_EUSAGE, saying both).
 */
int	cs_store_hosts_check(struct cs_store *st, int mode,
	    const unsigned char *key, size_t len, struct cs_err *err);
/* Describes a stored "hosts" record (len 0: none) for messages. */
void	cs_store_hosts_describe(const unsigned char *rec, size_t len,
	    char *buf, size_t size);

/*
 * Begins a write transaction. cs_store_wcommit() ends it. A write or the
 * commit failing with CS_EFULL means the map was full: it has grown, the
 * transaction is gone (cs_store_wabort() still frees t), and the caller
 * does its writes again.
 */
int	cs_store_wbegin(struct cs_store *st, struct cs_wtxn **out,
	    struct cs_err *err);
int	cs_store_wcommit(struct cs_wtxn *t, struct cs_err *err);
void	cs_store_wabort(struct cs_wtxn *t);

/*
 * Ends *t (NULL after): commits it when ok, else aborts it. Returns 0 when
 * it committed, 1 when its writes are to be made again in a new one (the
 * map was full and has grown: CS_EFULL), else -1.
 */
int	cs_store_wend(struct cs_wtxn **t, int ok, struct cs_err *err);

/*
 * Grows the map, before a write transaction, when fewer than bytes are
 * free at its end: a batch that fills the map is written twice. No
 * transaction of this process may be open. Growing is best effort: a
 * full map during the batch still grows it (CS_EFULL above).
 */
void	cs_store_reserve(struct cs_store *st, uint64_t bytes);

int	cs_store_wcounters(struct cs_wtxn *t, const uint64_t add[CS_N_COUNTERS],
	    struct cs_err *err);

/*
 * Finds the certificate with this DER (hash is XXH3-128 of it, 16 bytes),
 * or adds it with its summary (as cs_cert_encode() wrote it, sha256 being
 * its SHA-256, issuer the XXH3-128 of its issuer name's DER) and zero
 * counters. *added says which; *collisions counts
 * other certificates under the same hash.
 */
int	cs_store_wcert(struct cs_wtxn *t, const unsigned char *der, size_t len,
	    const unsigned char hash[16], const void *summary, size_t slen,
	    const unsigned char sha256[32], const unsigned char issuer[16],
	    unsigned char key[CS_KEY_LEN], int *added, int *collisions,
	    struct cs_err *err);

/*
 * Whether the store (as last committed) holds this DER; hash as for
 * cs_store_wcert(). Any thread may ask, while a write transaction is open.
 * Returns 1, 0, or -1.
 */
int	cs_store_has_der(struct cs_store *st, const unsigned char *der,
	    size_t len, const unsigned char hash[16], struct cs_err *err);

struct cs_certdelta {
	uint64_t		 count;
	uint64_t		 leaf_count;
	uint64_t		 hosts;
	int			 seen;
	int64_t			 first_seen;
	int64_t			 last_seen;
	const struct cs_errcount *errs;	/* sorted by code */
	size_t			 nerrs;
};

int	cs_store_wcert_add(struct cs_wtxn *t, const unsigned char *key,
	    const struct cs_certdelta *d, struct cs_err *err);

/*
 * Adds n to a (certificate, host) link; *added when it is new, and the
 * caller then adds it to the index the other way, cs_store_whostcert().
 */
int	cs_store_wcerthost(struct cs_wtxn *t, const unsigned char *key,
	    const char *host, size_t len, uint64_t n, int *added,
	    struct cs_err *err);
int	cs_store_whostcert(struct cs_wtxn *t, const char *host, size_t len,
	    const unsigned char *key, struct cs_err *err);
/* Adds to a host's reports and certs; *added when the host is new. */
int	cs_store_whost(struct cs_wtxn *t, const char *host, size_t len,
	    uint64_t reports, uint64_t certs, int *added, struct cs_err *err);
int	cs_store_werror(struct cs_wtxn *t, int32_t code, uint64_t reports,
	    struct cs_err *err);

/* Adds a chain occurrence; its key in ckey, *added when new. */
int	cs_store_wchain(struct cs_wtxn *t, const unsigned char *keys,
	    size_t n, const struct cs_certdelta *d, unsigned char ckey[CS_KEY_LEN],
	    int *added, struct cs_err *err);
/* Adds n to (chain, error code, host); has_err 0 for no code, len 0 for no
 * host. */
int	cs_store_wchainhost(struct cs_wtxn *t, const unsigned char *ckey,
	    int has_err, int32_t code, const char *host, size_t len,
	    uint64_t n, struct cs_err *err);

/*
 * Widens the times of (code, certificate) to include first..last; adds n
 * reports to (code, hostname). Schema 6's tables (store.h).
 */
int	cs_store_wcertcode(struct cs_wtxn *t, int32_t code,
	    const unsigned char *key, int64_t first, int64_t last,
	    struct cs_err *err);
int	cs_store_whostcode(struct cs_wtxn *t, int32_t code, const char *host,
	    size_t len, uint64_t n, struct cs_err *err);

/*
 * Adds to the store's (day, code) count: day as cs_dayent's, has_err 0
 * for reports without a code.
 */
int	cs_store_wday(struct cs_wtxn *t, int32_t day, int has_err,
	    int32_t code, uint64_t n, struct cs_err *err);
/* Adds a chain's (day, code) counts, e sorted by day, has_err, code. */
int	cs_store_wchainday(struct cs_wtxn *t, const unsigned char *ckey,
	    const struct cs_dayent *e, size_t n, struct cs_err *err);

/*
 * Merge: adds a chain's day record as stored (another store's) to the
 * chain at ckey; adds to the reports the store counts without days
 * (another store's), since the latest of the two times.
 */
int	cs_store_wchainday_raw(struct cs_wtxn *t, const unsigned char *ckey,
	    const void *v, size_t len, struct cs_err *err);
int	cs_store_wdays_before(struct cs_wtxn *t, uint64_t reports,
	    int64_t since, struct cs_err *err);

/*
 * Adds the reports add[0..nadd) to (chain, error code, host)'s validity
 * entries (see cs_store_foreach_validity()): to the entry with the same
 * masks, or as a new one.
 */
int	cs_store_wvalidity(struct cs_wtxn *t, const unsigned char *ckey,
	    int has_err, int32_t code, const char *host, size_t len,
	    const struct cs_validity *add, size_t nadd, struct cs_err *err);
/* The same under the raw key (as the table keeps it); add may be
 * unaligned. */
int	cs_store_wvalidity_key(struct cs_wtxn *t, const unsigned char *key,
	    size_t klen, const void *add, size_t nadd, struct cs_err *err);
/*
 * Adds add[0..nadd) to (chain, error code, host)'s days (store.h's
 * cs_hostday): to the entry of the same day and masks, or as a new one.
 */
int	cs_store_whostday(struct cs_wtxn *t, const unsigned char *ckey,
	    int has_err, int32_t code, const char *host, size_t len,
	    const struct cs_hostday *add, size_t nadd, struct cs_err *err);
/* The same under the raw key; add may be unaligned. */
int	cs_store_whostday_key(struct cs_wtxn *t, const unsigned char *key,
	    size_t klen, const void *add, size_t nadd, struct cs_err *err);

/* A file's progress, keyed by the hash of its contents. */
struct cs_fileprog {
	uint64_t	offset;		/* of the next document, uncompressed */
	uint64_t	line;
	uint32_t	mode;		/* the splitter's mode there */
	uint32_t	done;
};

/* 1 when the store has ingested the file with this id to its end, 0, or
 * -1. */
int	cs_store_file_done(struct cs_store *st, const unsigned char id[24],
	    struct cs_err *err);
int	cs_store_wfile_get(struct cs_wtxn *t, const unsigned char id[24],
	    struct cs_fileprog *p, struct cs_err *err);
/* The record keeps name (NULL: none), the file's path as ingest was
 * given it, for messages (merge names a file two stores have). */
int	cs_store_wfile_put(struct cs_wtxn *t, const unsigned char id[24],
	    const struct cs_fileprog *p, const char *name, struct cs_err *err);

/*
 * Merge's access to the tables: each named database by its index (0 to
 * cs_store_ndb() - 1; its name for messages and tables), raw LMDB handles,
 * and writes that keep what ingest keeps (a write failing with CS_EFULL
 * is as above).
 */
int		 cs_store_ndb(void);
const char	*cs_store_db_name(int db);
int		 cs_store_db_index(const char *name);	/* -1: no such */
int		 cs_store_has_db(const struct cs_store *st, int db);
MDB_dbi		 cs_store_dbi(const struct cs_store *st, int db);
MDB_txn		*cs_store_wtxn_mdb(struct cs_wtxn *t);
/* A read transaction of its own (not the pinned one); the caller aborts. */
int		 cs_store_rtxn_begin(struct cs_store *st, MDB_txn **txn,
		    struct cs_err *err);
/*
 * 1 when the store is of this schema with every table (a copy of it is a
 * store of this version as it is), else 0.
 */
int		 cs_store_current(struct cs_store *st);
/*
 * Makes st (opened to be written, its lock held, no transaction open) a
 * copy of src: written beside st's file and renamed over it, so that st
 * holds a whole store whenever the process dies. Returns 0 or -1 (st then
 * may be unusable: closed by the caller).
 */
int		 cs_store_replace(struct cs_store *st, struct cs_store *src,
		    struct cs_err *err);
/*
 * Maps the store writable (on 1, as every writer does) or not (0: LMDB
 * writes a transaction's pages with write(2) at its commit, from memory
 * of its own): a store that is written once, page after page, then
 * skips the zeroing of each new page of the map on its first touch, and
 * the disk is not reserved ahead (a full disk fails a commit). The store
 * is opened again (no transaction may be open; its flags are reset);
 * st may be unusable after a failure. Returns 0 or -1.
 */
int		 cs_store_set_writemap(struct cs_store *st, int on,
		    struct cs_err *err);
/*
 * Commits without waiting for the disk (on 1), or waiting again (0);
 * cs_store_sync() writes everything committed to disk. A system crash
 * may leave a store written without waiting damaged: merge uses it only
 * for a new output, which it makes again after a reboot.
 */
int		 cs_store_nosync(struct cs_store *st, int on,
		    struct cs_err *err);
int		 cs_store_sync(struct cs_store *st, struct cs_err *err);
/* Starts writing what is committed to disk, without waiting (so that a
 * later cs_store_sync() waits less): best effort, where the system can. */
void		 cs_store_writeback(struct cs_store *st);
/* Adds the u64s of val to the record at key (zeros when absent). */
int		 cs_store_wsum(struct cs_wtxn *t, int db, const void *key,
		    size_t klen, const void *val, size_t vlen, int *added,
		    struct cs_err *err);
int		 cs_store_wput(struct cs_wtxn *t, int db, const void *key,
		    size_t klen, const void *val, size_t vlen,
		    struct cs_err *err);
/* 1 with v (valid until the next write), 0 when absent, or -1. */
int		 cs_store_wget(struct cs_wtxn *t, int db, const void *key,
		    size_t klen, MDB_val *v, struct cs_err *err);
int		 cs_store_wdel(struct cs_wtxn *t, int db, const void *key,
		    size_t klen, struct cs_err *err);
/*
 * A stored certificate's counters record into rec (counts, codes, which
 * rec owns, sha256 and issuer_id); a stored chain into rec, whose codes
 * are *errs (the caller frees them).
 */
int		 cs_store_decode_cert(const MDB_val *v, struct cs_certrec *rec,
		    struct cs_err *err);
int		 cs_store_decode_chain(const MDB_val *k, const MDB_val *v,
		    struct cs_chainrec *rec, struct cs_errcount **errs,
		    struct cs_err *err);

/*
 * Raw access to the tables, for cs_verify(): what they hold, record by
 * record, in the snapshot cs_store_read_begin() pinned (or one read
 * transaction per call). Values stay valid while that snapshot is pinned.
 */

/* The i-th table's name, from 0; NULL past the last. The last two are
 * LMDB's own, "(freelist)" and "(main)" (a read-only snapshot walks them). */
const char	*cs_store_table_name(int i);

/*
 * Calls fn for every record of the table, in key order, until it returns
 * -1. Returns 0; 1 when the store has no such table; -1 on an LMDB error
 * (err says which) or when fn returned -1 (err as fn left it).
 */
typedef int (*cs_raw_fn)(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *v, size_t vlen);
int	cs_store_table_walk(struct cs_store *st, const char *table,
	    cs_raw_fn fn, void *arg, struct cs_err *err);

/* Looks key up in the table: 1 with *v and *vlen, 0 when absent, -1. */
int	cs_store_table_get(struct cs_store *st, const char *table,
	    const void *key, size_t klen, const unsigned char **v,
	    size_t *vlen, struct cs_err *err);

/* Decodes a record of table "cert" (the counters, the error codes, the
 * SHA-256 and issuer id) as cs_store_get_cert() does. Returns 0 or -1. */
int	cs_store_rec_cert(const unsigned char *key, const void *v, size_t len,
	    struct cs_certrec *out, struct cs_err *err);
/* Decodes a record of table "chain"; *errs is its codes (free() it). */
int	cs_store_rec_chain(const unsigned char *key, size_t klen,
	    const void *v, size_t len, struct cs_chainrec *out,
	    struct cs_errcount **errs, struct cs_err *err);
/* Calls fn for each entry of a "tophost" record: 0, or -1 when the record
 * is malformed or fn returned -1. */
int	cs_store_rec_top(const void *v, size_t len, cs_host_fn fn, void *arg);

/*
 * Signature verdicts, the walk's cache (missing.c): whether a certificate's
 * signature verifies with a key depends on nothing else, so a verdict is
 * keyed by the SHA-256 of the certificate's DER and that of the issuer's
 * SubjectPublicKeyInfo (CS_VERDICT_KEY bytes), its value 1 (verified) or
 * 0. A record of another shape is ignored (as if absent).
 */
#define CS_VERDICT_KEY	64

/* The records in the table (malformed ones too) into *n: 0 or -1. */
int	cs_store_verdicts_count(struct cs_store *st, uint64_t *n,
	    struct cs_err *err);
/* Calls fn for every well-formed verdict, in key order; as scans do. */
typedef int (*cs_verdict_fn)(void *arg, const unsigned char *key, int ok);
int	cs_store_foreach_verdict(struct cs_store *st, cs_verdict_fn fn,
	    void *arg, struct cs_err *err);
/* Looks one up: 1 with *ok, 0 when the store has none, -1. */
int	cs_store_get_verdict(struct cs_store *st,
	    const unsigned char key[CS_VERDICT_KEY], int *ok,
	    struct cs_err *err);
/* Adds a new verdict, kept at cs_store_close() (see there): 0 or -1. */
int	cs_store_add_verdict(struct cs_store *st,
	    const unsigned char key[CS_VERDICT_KEY], int ok, struct cs_err *err);
/* Adds to the handle's counts (cs_store_verdict_count()). */
void	cs_store_note_verdicts(struct cs_store *st, uint64_t stored,
	    uint64_t checked);

/* 1 when cs_store_read_begin() has pinned a snapshot, else 0. */
int	cs_store_pinned(const struct cs_store *st);

/* The index key ("deridx") of a DER hash, with sequence number 0. */
void	cs_store_hash_key(const unsigned char hash[16],
	    unsigned char key[CS_KEY_LEN]);

/* Decode records of tables "aiaurl" (klen: the URL's) and "aiacert". */
int	cs_store_rec_aiaurl(size_t klen, const void *v, size_t len,
	    struct cs_aia_urlrec *out, struct cs_err *err);
int	cs_store_rec_aiacert(const unsigned char *key, size_t klen,
	    const void *v, size_t len, struct cs_aia_certrec *out,
	    struct cs_err *err);


/*
 * Merge's build of a new store (merge_build.c): each table written once,
 * in key order.
 *
 * cs_store_wappend() adds a record after the table's last (MDB_APPEND:
 * a key not after it is an error); cs_store_wdrop() empties a table.
 * cs_store_chain_certs() finds a stored chain's certificate keys.
 */
int	cs_store_wappend(struct cs_wtxn *t, int db, const void *key,
	    size_t klen, const void *val, size_t vlen, struct cs_err *err);
int	cs_store_wdrop(struct cs_wtxn *t, int db, struct cs_err *err);
int	cs_store_chain_certs(const MDB_val *v, const unsigned char **certs,
	    size_t *n);
/*
 * The record, into out, of a certificate (a chain) that n stores have,
 * from theirs (recs): counts summed, times widened, codes merged; a
 * certificate's hostnames are hosts, a chain's certificates certs (the
 * output's keys). cs_store_entries_merge() merges records of lists of
 * entries (tables "chainday", "chainvalid", "chainhostday") as the
 * store's writes merge them. Each returns 0 or -1.
 */
int	cs_store_certrec_merge(struct cs_buf *out, const MDB_val *recs,
	    size_t n, uint64_t hosts, struct cs_err *err);
int	cs_store_chainrec_merge(struct cs_buf *out, const MDB_val *recs,
	    size_t n, const unsigned char *certs, struct cs_err *err);
int	cs_store_entries_merge(int db, struct cs_buf *out, const MDB_val *recs,
	    size_t n, struct cs_err *err);
/*
 * A certificate's top hostnames (table "tophost") made from its links:
 * begin, add each (hostname, count), encode into buf (CS_TOP_BUF bytes);
 * the length is 0 when none was kept.
 */
#define CS_TOP_BUF	(CS_TOP_HOSTS * (8 + 2 + CS_HOST_MAX))
struct toplist;
struct toplist	*cs_store_top_new(void);		/* free() it */
void		 cs_store_top_begin(struct toplist *l);
void		 cs_store_top_add(struct toplist *l, const char *host,
		    size_t len, uint64_t total);
size_t		 cs_store_top_encode(const struct toplist *l,
		    unsigned char *buf);

#endif
