#ifndef CERTSIFT_STORE_H
#define CERTSIFT_STORE_H

/*
 * The certificate store: an LMDB environment (a directory). Each unique
 * certificate is kept once, keyed by XXH3-128 of its DER (a key hit is
 * confirmed by comparing the DER), with its counters, its summary and its
 * links to hostnames and chains.
 *
 * A handle (struct cs_store) is one thread's, the read transaction
 * cs_store_read_begin() pins included; only ingest's workers look up DER
 * through it (store_int.h) from several threads at once. Any number of
 * processes (or handles) may read while one writes: a reader sees the last
 * committed snapshot.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"
#include "certsift/x509.h"

#define CS_KEY_LEN	20	/* XXH3-128 of the DER, then a sequence number */
#define CS_SCHEMA	7	/* 3 to 6 are read as they are and
				 * upgraded by a writer (6: summaries of
				 * version 1 only, x509.h) */
#define CS_TOP_HOSTS	10	/* hostnames kept per certificate, most first */

struct cs_store;

/* Open flags. */
#define CS_STORE_CREATE	1	/* make the store when it is missing */
#define CS_STORE_RDONLY	2

/*
 * Opens the store at path (a directory). Without CS_STORE_CREATE a missing
 * store is CS_ENOTFOUND; a store of another schema is CS_ESCHEMA.
 * Close with cs_store_close().
 */
int	cs_store_open(const char *path, int flags, struct cs_store **out,
	    struct cs_err *err);
/*
 * Closes the store. The signature verdicts the walks on this handle found
 * (missing.h) are kept in the store's table "verdict" first, in one write
 * transaction, when that needs no waiting: unless the handle was opened
 * CS_STORE_RDONLY, the store's directory or file has no write permission,
 * it has no lock file, or an ingest or merge holds it; then, and on any
 * error, they are not kept, silently (the table is a cache).
 */
void	cs_store_close(struct cs_store *st);

/* What the walks on a handle did for their signature checks. */
struct cs_verdict_count {
	uint64_t	stored;		/* (certificate, issuer key) pairs the
					 * store's verdicts answered */
	uint64_t	checked;	/* signatures checked */
	uint64_t	added;		/* verdicts to keep at close */
};

void	cs_store_verdict_count(const struct cs_store *st,
	    struct cs_verdict_count *out);

/*
 * Pins one read transaction: the reads that follow, until
 * cs_store_read_end(), see one snapshot and skip a transaction each (for
 * callers that read a million records). Returns 0 or -1.
 */
int	cs_store_read_begin(struct cs_store *st, struct cs_err *err);
void	cs_store_read_end(struct cs_store *st);

/*
 * A second handle on st (whose snapshot is pinned), for another thread: it
 * reads the same snapshot on a read transaction of its own, and never
 * writes. Returns 0 with *out, 1 when a writer committed since st's
 * snapshot (no handle: use st alone), or -1. Close it before st.
 */
int	cs_store_reader(struct cs_store *st, struct cs_store **out,
	    struct cs_err *err);

/* The cumulative counters. */
enum {
	CS_N_FILES,
	CS_N_REPORTS_READ,
	CS_N_REPORTS_ACCEPTED,
	CS_N_REPORTS_FILTERED,
	CS_N_REPORTS_MALFORMED,
	CS_N_CERTS_SEEN,
	CS_N_CERTS_INVALID,
	CS_N_CERTS_NEW,
	CS_N_BYTES,
	CS_N_MICROSECONDS,
	CS_N_UNIQUE_CERTS,
	CS_N_UNIQUE_CHAINS,
	CS_N_UNIQUE_HOSTS,
	CS_N_FILES_INGESTED,
	CS_N_COLLISIONS,
	CS_N_FILES_SKIPPED,	/* already ingested (not in CS_N_FILES) */
	CS_N_COUNTERS
};

/* The JSON key of counter i ("reports_read", ...). */
const char	*cs_store_counter_name(int i);
/* The counters in the order stats and the report list them. */
extern const int cs_store_counter_order[CS_N_COUNTERS];

int	cs_store_counters(struct cs_store *st, uint64_t n[CS_N_COUNTERS],
	    struct cs_err *err);

struct cs_errcount {
	int32_t		code;
	uint64_t	n;
};

/* A certificate as the store has it. */
struct cs_certrec {
	unsigned char		 key[CS_KEY_LEN];
	uint64_t		 count;
	uint64_t		 leaf_count;
	uint64_t		 hosts;
	int			 seen;		/* first/last_seen are set */
	int64_t			 first_seen;
	int64_t			 last_seen;
	struct cs_errcount	*errs;		/* by code, ascending */
	size_t			 nerrs;
	/*
	 * Unless CS_GET_NOSTAT: XXH3-128 of the issuer name's DER, which
	 * groups certificates by issuer without their summaries, and
	 * cert.sha256.
	 */
	unsigned char		 issuer_id[16];
	struct cs_cert		 cert;
	unsigned char		*der;
	size_t			 der_len;
	const unsigned char	*der_ref;	/* CS_GET_DERREF: valid as
						   raw_summary */
	/*
	 * With CS_GET_SHA or CS_GET_SUMMARY: the stored summary as it is (cs_cert_decode()
	 * reads it), valid until cs_store_read_end() while a snapshot is
	 * pinned, else during the callback only.
	 */
	const void		*raw_summary;
	size_t			 raw_summary_len;
};

/* What cs_store_get_cert() and cs_store_foreach_cert() fill in. */
#define CS_GET_SUMMARY	1
#define CS_GET_DER	2
#define CS_GET_SHA	4	/* only cert.sha256 of the summary */
#define CS_GET_NOSTAT	8	/* not the counters (the caller has them) */
#define CS_GET_DERREF	16	/* the DER as stored, in der_ref: not copied */

/* Frees what a cs_certrec holds. Accepts NULL. */
void	cs_certrec_release(struct cs_certrec *r);

/*
 * Finds a certificate by the lowercase or uppercase hex of its SHA-256 or a
 * unique prefix of it (at least 8 digits). Returns 0 with its key;
 * CS_ENOTFOUND when none, CS_EUSAGE when the prefix is ambiguous.
 */
int	cs_store_find_sha256(struct cs_store *st, const char *hexpfx,
	    unsigned char key[CS_KEY_LEN], struct cs_err *err);
/* Finds a certificate by its DER. */
int	cs_store_find_der(struct cs_store *st, const unsigned char *der,
	    size_t len, unsigned char key[CS_KEY_LEN], struct cs_err *err);

/* Reads one certificate (what = CS_GET_*). Release with cs_certrec_release. */
int	cs_store_get_cert(struct cs_store *st, const unsigned char *key,
	    int what, struct cs_certrec *out, struct cs_err *err);

/*
 * Certificates' DER by key, for keys asked in ascending order: each
 * lookup goes on from the last one (a step when it is the next record).
 * Through a cursor of st's pinned snapshot (cs_store_read_begin()); the
 * DER is the store's, valid as long as that snapshot. get returns 0, 1
 * when the store has no such certificate, or -1. For the few certificates
 * whose summary lacks what a caller reads from the DER.
 */
struct cs_dercur;

int	cs_store_dercur_open(struct cs_store *st, struct cs_dercur **out,
	    struct cs_err *err);
int	cs_store_dercur_get(struct cs_dercur *c, const unsigned char *key,
	    const unsigned char **der, size_t *len, struct cs_err *err);
void	cs_store_dercur_close(struct cs_dercur *c);

/*
 * Calls fn for every certificate, in key order; rec is valid during the
 * call only. fn returns 0 to go on, -1 to stop (then this returns -1 and
 * leaves err as fn set it).
 */
typedef int (*cs_cert_fn)(void *arg, const struct cs_certrec *rec);
int	cs_store_foreach_cert(struct cs_store *st, int what, cs_cert_fn fn,
	    void *arg, struct cs_err *err);

/* Calls fn for each hostname linked to the certificate, in host order. */
typedef int (*cs_host_fn)(void *arg, const char *host, size_t len,
    uint64_t count);
int	cs_store_cert_hosts(struct cs_store *st, const unsigned char *key,
	    cs_host_fn fn, void *arg, struct cs_err *err);

/*
 * Calls fn for the certificate's CS_TOP_HOSTS hostnames with the most
 * reports, most first (ties by name), from a list kept up to date at
 * ingest: one read however many hostnames it has. Returns 1, 0 when the
 * store keeps no such lists (schema 3, not yet upgraded: walk all with
 * cs_store_cert_hosts()), or -1.
 */
int	cs_store_top_hosts(struct cs_store *st, const unsigned char *key,
	    cs_host_fn fn, void *arg, struct cs_err *err);

/* A unique chain: the certificates in the order sent, and its counts. */
struct cs_chainrec {
	unsigned char			 key[CS_KEY_LEN];
	uint64_t			 count;		/* reports */
	int				 seen;
	int64_t				 first_seen;
	int64_t				 last_seen;
	const unsigned char		*certs;		/* ncerts keys */
	size_t				 ncerts;
	unsigned char			 leaf_issuer_id[16];	/* as issuer_id */
	const struct cs_errcount	*errs;		/* by code */
	size_t				 nerrs;
};

/* Calls fn for every chain (valid during the call), in key order. */
typedef int (*cs_chain_fn)(void *arg, const struct cs_chainrec *rec);
int	cs_store_foreach_chain(struct cs_store *st, cs_chain_fn fn, void *arg,
	    struct cs_err *err);

/*
 * Calls fn for each (error code, hostname) of a chain's reports with their
 * number: has_err 0 for reports without a code, len 0 for reports without
 * a hostname.
 */
typedef int (*cs_chainhost_fn)(void *arg, int has_err, int32_t code,
    const char *host, size_t len, uint64_t n);
int	cs_store_chain_hosts(struct cs_store *st, const unsigned char *ckey,
	    cs_chainhost_fn fn, void *arg, struct cs_err *err);

/*
 * The same for every chain's rows at once, in chain key order: one pass
 * over the store instead of a lookup per chain.
 */
typedef int (*cs_chainhost_all_fn)(void *arg, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len, uint64_t n);
int	cs_store_foreach_chainhost(struct cs_store *st,
	    cs_chainhost_all_fn fn, void *arg, struct cs_err *err);

/*
 * Reports during which certificates of their chain were outside their
 * validity (decided at ingest from the report's timestamp; reports without
 * one are never counted): the positions in the chain (cs_chainrec.certs)
 * of the certificates expired and of those not yet valid, as bits (bit 63
 * stands for 63 and later), and the number of reports with just those.
 */
struct cs_validity {
	uint64_t	expired;
	uint64_t	notyet;
	uint64_t	n;
};

/*
 * Calls fn for every (chain, error code, hostname) with such reports, in
 * the order of cs_store_foreach_chainhost(), with its entries (v[0..nv),
 * valid during the call). A store made before these counts (schema 4) has
 * none.
 */
typedef int (*cs_validity_fn)(void *arg, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len,
    const struct cs_validity *v, size_t nv);
int	cs_store_foreach_validity(struct cs_store *st, cs_validity_fn fn,
	    void *arg, struct cs_err *err);

/*
 * Hosts' days (schema 6): per (chain, error code, hostname), the key of
 * cs_store_foreach_chainhost(), its reports per UTC day, each day's split
 * by the certificates out of their validity at the report's time as in
 * cs_validity (both masks 0: all valid, or a report without a time). So
 * the per-report diagnoses (the hostname, the validity) can be counted per
 * day. A store upgraded from schema 5 or older has them only for the
 * reports ingested since: the rest of chainhost's count has no such row.
 */
struct cs_hostday {
	int32_t		day;		/* or CS_NODAY */
	uint32_t	pad;		/* 0 */
	uint64_t	expired;
	uint64_t	notyet;
	uint64_t	n;
};

/*
 * Calls fn for every (chain, error code, hostname) with its entries
 * (e[0..n), sorted by day, then masks; valid during the call), in the order
 * of cs_store_foreach_chainhost().
 */
typedef int (*cs_hostday_fn)(void *arg, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len,
    const struct cs_hostday *e, size_t n);
int	cs_store_foreach_hostday(struct cs_store *st, cs_hostday_fn fn,
	    void *arg, struct cs_err *err);

/*
 * The reports' rows and their days side by side (the two tables above,
 * which share their keys): fn gets every key of either in their order,
 * with the row's reports (has_row 1) or none (0: days without a row), and
 * the days' entries (NULL, 0: none; valid during the call). fn returns 0,
 * -1 to fail, or 1 to stop.
 */
typedef int (*cs_rowdays_fn)(void *arg, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len, int has_row,
    uint64_t n, const struct cs_hostday *e, size_t ne);
int	cs_store_foreach_rowdays(struct cs_store *st, cs_rowdays_fn fn,
	    void *arg, struct cs_err *err);

/* Calls fn for every hostname: accepted reports and distinct certs. */
typedef int (*cs_hoststat_fn)(void *arg, const char *host, size_t len,
    uint64_t reports, uint64_t certs);
int	cs_store_foreach_host(struct cs_store *st, cs_hoststat_fn fn,
	    void *arg, struct cs_err *err);

/* Calls fn for each certificate linked to a hostname (the number of
 * reports that link them is the certificate's, cs_store_cert_hosts()). */
typedef int (*cs_hostcert_fn)(void *arg, const unsigned char *key);
int	cs_store_host_certs(struct cs_store *st, const char *host, size_t len,
	    cs_hostcert_fn fn, void *arg, struct cs_err *err);

/*
 * Per error code (schema 6): when reports with that code carried each
 * certificate, and how many reports each hostname sent with it (those
 * without a valid certificate included). What an older store kept before
 * a writer upgraded it: a chain's times for each of its codes, and the
 * hostnames' reports with a valid certificate only.
 *
 * cs_store_has_codes() is 0 for a store of schema 3 to 5 read as it is
 * (the foreach calls then return 1 and call nothing); cs_store_upgraded()
 * the schema this handle upgraded the store from, or 0.
 */
int	cs_store_has_codes(const struct cs_store *st);
int	cs_store_upgraded(const struct cs_store *st);
/* What to tell of that upgrade, one line (no newline) into buf. */
void	cs_store_upgrade_msg(const struct cs_store *st, char *buf,
	    size_t size);

/* Calls fn for each certificate with reports of code that had a time, in
 * key order. Returns 0, 1 (no such table), or -1. */
typedef int (*cs_certcode_fn)(void *arg, int32_t code,
    const unsigned char *key, int64_t first, int64_t last);
int	cs_store_foreach_certcode(struct cs_store *st, int32_t code,
	    cs_certcode_fn fn, void *arg, struct cs_err *err);
/* One certificate's: 1 with *first and *last, 0 when none, or -1. */
int	cs_store_get_certcode(struct cs_store *st, int32_t code,
	    const unsigned char *key, int64_t *first, int64_t *last,
	    struct cs_err *err);

/* Calls fn for each hostname with reports of code, in byte order.
 * Returns 0, 1 (no such table), or -1. */
typedef int (*cs_hostcode_fn)(void *arg, int32_t code, const char *host,
    size_t len, uint64_t reports);
int	cs_store_foreach_hostcode(struct cs_store *st, int32_t code,
	    cs_hostcode_fn fn, void *arg, struct cs_err *err);

/* Calls fn for every error code with its number of accepted reports. */
typedef int (*cs_errstat_fn)(void *arg, int32_t code, uint64_t reports);
int	cs_store_foreach_error(struct cs_store *st, cs_errstat_fn fn,
	    void *arg, struct cs_err *err);

/*
 * AIA (certsift aia, aia.h): the certificates fetched from caIssuers URLs,
 * each with the URL it came from and when, and per URL the outcome of
 * its last fetch. Stores of schema 3 and 4 have none until a writer opens
 * them.
 */
#define CS_AIA_URL_MAX	500	/* longer URLs are neither fetched nor kept */

struct cs_aia_urlrec {
	int64_t		fetched_at;	/* epoch seconds */
	int32_t		status;		/* CS_AIA_OK or a failure (aia.h) */
	int32_t		http;		/* the last HTTP status, 0: none */
	uint32_t	ncerts;		/* certificates the response held */
};

/*
 * Reads url's record into *out. Returns 1 when there is one, 0 when not
 * (*out zeroed), or -1.
 */
int	cs_store_aia_url(struct cs_store *st, const char *url,
	    struct cs_aia_urlrec *out, struct cs_err *err);

/* Calls fn for every URL record, in URL byte order. */
typedef int (*cs_aia_url_fn)(void *arg, const char *url,
    const struct cs_aia_urlrec *rec);
int	cs_store_foreach_aia_url(struct cs_store *st, cs_aia_url_fn fn,
	    void *arg, struct cs_err *err);

/* An AIA certificate as stored; valid during the callback only. */
struct cs_aia_certrec {
	unsigned char		 sha256[32];
	int64_t			 fetched_at;
	const char		*url;		/* url_len bytes, no NUL */
	size_t			 url_len;	/* 0: imported without one */
	const unsigned char	*der;
	size_t			 der_len;
};

/* Calls fn for every AIA certificate, in sha256 order. */
typedef int (*cs_aia_cert_fn)(void *arg, const struct cs_aia_certrec *rec);
int	cs_store_foreach_aia_cert(struct cs_store *st, cs_aia_cert_fn fn,
	    void *arg, struct cs_err *err);

/* A certificate to keep: its DER and SHA-256. */
struct cs_aia_der {
	const unsigned char	*der;
	size_t			 len;
	unsigned char		 sha256[32];
};

/*
 * In one transaction (taking the writer lock, as ingest does: CS_EBUSY
 * while an ingest runs): sets url's record to *u (when both are given)
 * and keeps the n certificates with url and the time when, replacing
 * what the store had for them (with url NULL, a certificate the store
 * has keeps its record). *added (may be NULL) gets the number of
 * certificates new to the AIA table. The store must have been opened
 * with CS_STORE_CREATE. Returns 0 or -1.
 */
int	cs_store_aia_put(struct cs_store *st, const char *url,
	    const struct cs_aia_urlrec *u, int64_t when,
	    const struct cs_aia_der *certs, size_t n, size_t *added,
	    struct cs_err *err);

/*
 * How the store keeps hostnames: CS_HOSTS_CLEAR, _NONE or _KEYED
 * (ingest.h) as its first writer recorded it, or CS_HOSTS_UNRECORDED (a
 * store from before schema 5 records, not yet written to). -1 on error.
 */
#define CS_HOSTS_UNRECORDED	3
int	cs_store_hosts_mode(struct cs_store *st, struct cs_err *err);

/*
 * Days (schema 5): report counts per UTC day (days since 1970-01-01, see
 * cs_date_day()) and error code, for the store and per unique chain.
 * Reports without a time are counted under CS_NODAY.
 */
#define CS_NODAY	INT32_MIN

struct cs_dayent {
	int32_t		day;		/* or CS_NODAY */
	int		has_err;	/* 0: the reports had no code */
	int32_t		code;
	uint64_t	n;		/* reports */
};

/* From when a store counts days. */
struct cs_daysinfo {
	int		kept;		/* 0: a schema 3 or 4 store, not
					   yet upgraded: no days at all */
	uint64_t	reports_before;	/* accepted reports ingested before
					   the store kept days (an upgraded
					   store); they have no day */
	int64_t		since;		/* when it was upgraded, or 0 */
};

int	cs_store_days_info(struct cs_store *st, struct cs_daysinfo *out,
	    struct cs_err *err);

/*
 * Calls fn for every (day, code) with its number of accepted reports, in
 * order of day (CS_NODAY first), then code.
 */
typedef int (*cs_day_fn)(void *arg, const struct cs_dayent *e);
int	cs_store_foreach_day(struct cs_store *st, cs_day_fn fn, void *arg,
	    struct cs_err *err);

/*
 * Calls fn for every chain's (day, code) counts, in chain key order (that
 * of cs_store_foreach_chain()): e holds n entries, sorted by day then
 * code, valid during the call.
 */
typedef int (*cs_chainday_fn)(void *arg, const unsigned char *ckey,
    const struct cs_dayent *e, size_t n);
int	cs_store_foreach_chainday(struct cs_store *st, cs_chainday_fn fn,
	    void *arg, struct cs_err *err);

#endif
