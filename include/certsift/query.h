#ifndef CERTSIFT_QUERY_H
#define CERTSIFT_QUERY_H

/*
 * Questions about a store: which certificates a selection keeps, their
 * figures under it, and the rankings of `certsift top`. One layer for the
 * command line, missing.h, exports and reports, so that they all count
 * the same way.
 *
 * A selection (struct cs_sel) is plain data: the command line's parser
 * fills it by name (selopt.h), a program may fill it by hand. A query
 * (struct cs_query) is that selection prepared against one store: the
 * figures of every certificate over the matching reports under --error,
 * the certificates of the --host names, and (on demand) the set of
 * selected certificates. Rankings and missing.h take a query.
 *
 * Counting rules: a certificate is selected when every given condition
 * holds; with error codes, a period or causes, when at least one of its
 * reports passes them, and its figures become those of the matching reports only
 * (count, leaf_count, hosts, first_seen, last_seen, errors), summed over
 * the chains that hold it. A report is selected when its code and day
 * pass and its leaf (first certificate) is a selected certificate;
 * reports without a valid certificate have no chain and are never
 * selected when a filter other than codes and the period is given.
 *
 * Causes: a report is selected when its diagnoses (causes.h) include one
 * of them. Chain-wide diagnoses hold for all a chain's reports; expired,
 * not-yet-valid and name-mismatch for those of the (chain, code,
 * hostname) rows and validity counts that have them, so a chain's figures
 * under causes are those of its reports that have one, exactly (with a
 * period, by the rules below).
 *
 * The period: the store keeps report counts per (chain, day, code), and
 * (schema 6) per (chain, code, hostname, day). Counts of reports (count,
 * leaf_count, errors, chains' reports) are exact under a period, and so
 * is a figure by hostname (hosts, a hostname's reports), from the
 * hostnames' days. Reports ingested before a store kept the hostnames'
 * days (schema 5) have none: of a (chain, code) with such reports, a row
 * counts the reports that must be in the period: all when every report
 * of the (chain, code) is, none when none is, else those beyond the
 * (chain, code)'s reports outside it. That is exact unless the (chain,
 * code) has reports both inside and outside the period and several
 * hostnames; cs_query_uncertain() says how many do. Under a
 * period first_seen and last_seen are clamped to the first and last days
 * of the period with matching reports: the sighting's own second when it
 * falls on that day, else that day's first (last) second.
 *
 * Threads: a cs_sel is plain data. cs_query_open(), cs_query_keys() and
 * the rankings read the store and build the query: one thread at a time
 * per query. Once built, cs_query_code(), cs_query_cert(), cs_query_key()
 * and cs_query_chain() only read it and may be called from several
 * threads at once. The store's read snapshot (cs_store_read_begin()) is
 * the caller's: pin one for a query, so all its reads agree.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"
#include "certsift/store.h"

struct cs_certset;

/* ---- the selection ------------------------------------------------------- */

struct cs_sel {
	int32_t		*errors;	/* codes, ascending, each once */
	size_t		 nerrors;
	int		 ca;		/* CA:TRUE */
	int		 leaf;		/* leaf_count > 0 */
	int		 self_signed;
	int		 has_min_count;
	uint64_t	 min_count;	/* count >= min_count */
	int		 has_min_hosts;
	uint64_t	 min_hosts;	/* hosts >= min_hosts */
	/* case-insensitive (ASCII) substrings of the RFC 4514 names */
	const char	*issuer;
	const char	*subject;
	/* fnmatch(3) pattern (case-insensitive) of a linked hostname */
	const char	*host;
	int		 has_valid_at;
	int64_t		 valid_at;	/* not_before <= t <= not_after */
	int		 has_expired_at;
	int64_t		 expired_at;	/* not_after < t */
	/* the period: reports of the UTC days (cs_date_day()) from since,
	 * inclusive, to until, exclusive; either leaves out the reports
	 * without a time */
	int		 has_since;
	int32_t		 since;
	int		 has_until;
	int32_t		 until;
	/*
	 * --cause: the reports with any of these diagnoses (bits 1 <<
	 * CS_CAUSE_*, causes.h), as causes.h finds them walking with these
	 * trust anchors and known certificates (the caller's; NULL: none)
	 */
	uint32_t	 causes;
	const struct cs_certset *roots;
	const struct cs_certset *known;
};

#define CS_SEL_INIT { 0 }

/* Adds an error code (kept ascending, each once). Returns 0 or -1. */
int	cs_sel_add_error(struct cs_sel *s, int32_t code, struct cs_err *err);
/* Frees the codes; *s is CS_SEL_INIT again (the strings are the
 * caller's). Accepts NULL. */
void	cs_sel_release(struct cs_sel *s);

/* Whether any condition is given. */
int	cs_sel_active(const struct cs_sel *s);
/* Whether any condition other than the codes is given. */
int	cs_sel_filters(const struct cs_sel *s);
/* Whether the conditions read a certificate's summary. */
int	cs_sel_reads_summary(const struct cs_sel *s);
/* Whether a report with this code (has_err 0: none) passes the codes. */
int	cs_sel_code(const struct cs_sel *s, int has_err, int32_t code);
/* Whether a period (since or until) is given. */
int	cs_sel_window(const struct cs_sel *s);
/* Whether a day (or CS_NODAY) passes the period. */
int	cs_sel_day(const struct cs_sel *s, int32_t day);
/*
 * Sets the period from times (epoch seconds) as the command line gives
 * them: the days from the one since falls in, to the one before until
 * ends in (a day counts when any second of it is in [since, until)).
 */
void	cs_sel_set_since(struct cs_sel *s, int64_t t);
void	cs_sel_set_until(struct cs_sel *s, int64_t t);

/* ---- the query ----------------------------------------------------------- */

struct cs_query;

/*
 * Prepares sel (copied: the caller may release it; its strings must
 * outlive the query) against st, which must outlive the query. Returns 0,
 * or -1 (*out NULL). Close with cs_query_close().
 */
int	cs_query_open(struct cs_store *st, const struct cs_sel *sel,
	    struct cs_query **out, struct cs_err *err);
void	cs_query_close(struct cs_query *q);

/*
 * A query of q's selection reading through st, a reader of q's store
 * (cs_store_reader()), for another thread: it shares q's tables, which it
 * builds first (cs_query_keys()), so that from then on the rankings, the
 * trends and the walks only read them, on either query at once. Close it
 * before q.
 */
int	cs_query_twin(struct cs_query *q, struct cs_store *st,
	    struct cs_query **out, struct cs_err *err);

/* The selection of q. */
const struct cs_sel	*cs_query_sel(const struct cs_query *q);

/*
 * Builds the set of selected certificates, which cs_query_key() and
 * cs_query_chain() need (one pass over the store; a second call does
 * nothing). Returns 0 or -1.
 */
int	cs_query_keys(struct cs_query *q, struct cs_err *err);

/*
 * Returns 1 when rec (read with CS_GET_SUMMARY, unless
 * cs_sel_reads_summary() is false) is selected, else 0. With codes it
 * rewrites rec's figures to those of the matching reports, compacting
 * rec->errs in place (rec keeps the same allocation, so
 * cs_certrec_release() is still right). A shallow copy of a
 * cs_store_foreach_cert() record may be passed.
 */
int	cs_query_cert(const struct cs_query *q, struct cs_certrec *rec);

/* cs_store_get_cert() (with what), then rec's figures under q. */
int	cs_query_get_cert(const struct cs_query *q, const unsigned char *key,
	    int what, struct cs_certrec *rec, struct cs_err *err);

/* Whether a certificate is selected (after cs_query_keys()). */
int	cs_query_key(const struct cs_query *q, const unsigned char *key);

/*
 * The number of c's reports that are selected (after cs_query_keys()):
 * 0 when its leaf is not selected, else its reports whose code passes.
 */
uint64_t	cs_query_chain(const struct cs_query *q,
		    const struct cs_chainrec *c);

/*
 * The number of c's reports that pass the codes and the period, whatever
 * its leaf (no cs_query_keys() needed).
 */
uint64_t	cs_query_chain_reports(const struct cs_query *q,
		    const struct cs_chainrec *c);

/* Of those, the ones with this code (has_err 0: without one). */
uint64_t	cs_query_chain_code(const struct cs_query *q,
		    const struct cs_chainrec *c, int has_err, int32_t code);

/*
 * Of the n reports of a row of cs_store_foreach_chainhost() (chain ckey,
 * this code and hostname), the number that are selected, whatever the
 * leaf: n or 0 by the code; under a period, those in it (exact where the
 * hosts' days cover the pair, else those that must be in it: see the
 * counting rules above); under causes, those with one of them.
 */
uint64_t	cs_query_row(const struct cs_query *q, const unsigned char *ckey,
		    int has_err, int32_t code, const char *host, size_t len,
		    uint64_t n);

/*
 * Under a period, when the hosts' days (schema 6) cover the pair (chain
 * ckey, code) and it has reports on both sides of the period: 1, with *n
 * the reports in the period of this hostname whose certificates out of
 * their validity at the report's time are those of the masks (as in
 * struct cs_validity; both 0: all valid, or no time). Otherwise 0: no
 * period, the pair is wholly in or out of it, or it has reports from
 * before the store kept the hosts' days (cs_query_period() then says).
 */
int	cs_query_row_valid(const struct cs_query *q, const unsigned char *ckey,
	    int has_err, int32_t code, const char *host, size_t len,
	    uint64_t expired, uint64_t notyet, uint64_t *n);

/*
 * Of a chain's reports of one day and code (cs_store_foreach_chainday()),
 * the number selected, whatever the leaf: exact by codes and the period;
 * under causes, exact from the hosts' days (schema 6); for a (chain, code)
 * with reports from before the store kept them, all when every report of
 * the chain with that code (in the period) has one, else those beyond the
 * ones that have none (a lower bound).
 */
uint64_t	cs_query_day(const struct cs_query *q, const unsigned char *ckey,
		    const struct cs_dayent *e);

/* Of n reports of the chain with this code (any part of them), those
 * that the codes and the period select (as cs_query_row() without
 * causes). */
uint64_t	cs_query_period(const struct cs_query *q,
		    const unsigned char *ckey, int has_err, int32_t code,
		    uint64_t n);

/*
 * Under a period: the (chain, code) pairs whose reports are partly in it
 * and hold several hostnames, some of them ingested before the store kept
 * the hosts' days (their figures by hostname are lower bounds), and their
 * reports in the period. Both 0 otherwise.
 */
void	cs_query_uncertain(const struct cs_query *q, uint64_t *pairs,
	    uint64_t *reports);

/*
 * Under a period: what the query cannot count in it, each as one message
 * to warn(arg, msg) (query_notes.c): days the store does not keep (a
 * store upgraded from an older schema) and, with hosts (an output with
 * figures by hostname), cs_query_uncertain()'s lower bounds. Returns 0 or
 * -1.
 */
int	cs_query_period_notes(struct cs_store *st, const struct cs_query *q,
	    int hosts, void (*warn)(void *arg, const char *msg), void *arg,
	    struct cs_err *err);

/* ---- lists ------------------------------------------------------------- */

/* A selected certificate with its figures under the query. */
struct cs_qcert {
	unsigned char		 key[CS_KEY_LEN];
	unsigned char		 sha256[32];
	uint64_t		 count;
	uint64_t		 leaf_count;
	uint64_t		 hosts;
	int			 seen;
	int64_t			 first_seen;
	int64_t			 last_seen;
	size_t			 errs_off;	/* in the list's errs */
	size_t			 nerrs;
	/* the stored summary (cs_cert_decode()), valid while the store's
	 * snapshot is pinned, or NULL */
	const void		*summ;
	size_t			 summ_len;
};

struct cs_certlist {
	struct cs_qcert		*v;	/* by count, most first; sha256 */
	size_t			 n;
	struct cs_errcount	*errs;
	size_t			 nerrs;
};

#define CS_CERTLIST_INIT { NULL, 0, NULL, 0 }

/*
 * The selected certificates, in export order. With a pinned snapshot
 * (cs_store_read_begin()) each keeps its summary, when the selection read
 * it. Release with cs_certlist_release() (also on failure). Returns 0 or
 * -1.
 */
int	cs_query_certs(struct cs_query *q, struct cs_certlist *out,
	    struct cs_err *err);
void	cs_certlist_release(struct cs_certlist *l);

/*
 * Reads certificate i of l into rec with its figures under the query:
 * what is CS_GET_DER or 0 (the summary is always read). Release rec with
 * cs_certrec_release(). Returns 0 or -1.
 */
int	cs_certlist_get(const struct cs_query *q, const struct cs_certlist *l,
	    size_t i, int what, struct cs_certrec *rec, struct cs_err *err);

/* A chain with selected reports. */
struct cs_qchain {
	unsigned char		 key[CS_KEY_LEN];
	unsigned char		*certs;		/* ncerts keys, as sent */
	size_t			 ncerts;
	uint64_t		 reports;	/* selected ones */
	struct cs_errcount	*errs;		/* of those, by code */
	size_t			 nerrs;
};

struct cs_chainlist {
	struct cs_qchain	*v;	/* in chain key order */
	size_t			 n;
};

#define CS_CHAINLIST_INIT { NULL, 0 }

/* The chains with selected reports. Release with cs_chainlist_release()
 * (also on failure). Returns 0 or -1. */
int	cs_query_chains(struct cs_query *q, struct cs_chainlist *out,
	    struct cs_err *err);
void	cs_chainlist_release(struct cs_chainlist *l);

/* The number of distinct hostnames of a chain's reports whose code
 * passes. Returns 0 or -1. */
int	cs_query_chain_hosts(const struct cs_query *q,
	    const unsigned char *ckey, uint64_t *hosts, struct cs_err *err);

/* ---- a certificate's hostnames ------------------------------------------ */

struct cs_hostcount {
	char		*host;		/* len bytes and a NUL */
	size_t		 len;
	uint64_t	 count;		/* reports linking it to the cert */
};

struct cs_hostlist {
	struct cs_hostcount	*v;	/* most reports first; by name */
	size_t			 n;
};

#define CS_HOSTLIST_INIT { NULL, 0 }

/*
 * The hostnames linked to a certificate, most reports first (ties by
 * name): the first max (0: all). A hostname seen in fewer than
 * min_reports reports in all (not only with this certificate) is left
 * out. With max <= CS_TOP_HOSTS and no min_reports it is one read of the
 * list the store keeps, however many hostnames the certificate has.
 * Release with cs_hostlist_release() (also on failure). Returns 0 or -1.
 */
int	cs_cert_hostlist(struct cs_store *st, const unsigned char *key,
	    size_t max, uint64_t min_reports, struct cs_hostlist *out,
	    struct cs_err *err);
void	cs_hostlist_release(struct cs_hostlist *l);

/* ---- rankings ------------------------------------------------------------ */

enum {
	CS_RANK_ISSUERS,	/* issuer names, grouped as X.509 names */
	CS_RANK_CERTS,
	CS_RANK_HOSTS,
	CS_RANK_ERRORS,
	CS_RANK_NKINDS
};

/* What a ranking's rows hold: its name, its key column, its figures. */
struct cs_rank_info {
	const char	*name;		/* "issuers", ... */
	const char	*key;		/* "issuer", "sha256", "host", "code" */
	const char	*cols[3];	/* the figures, in row order */
	size_t		 ncols;
};

/* The ranking called name, or -1. */
int	cs_rank_find(const char *name);
const struct cs_rank_info	*cs_rank_info(int kind);

/*
 * A row. issuers and hosts: name (len bytes; NUL-terminated); errors:
 * code; certs: key and sha256. v[] in the order of cs_rank_info's cols:
 *	issuers: reports (whose leaf it issued), certs (it issued, in any
 *		 position), hosts (distinct, of the counted reports)
 *	certs:   count, leaf_count, hosts (as cs_query_cert() gives them)
 *	hosts:   reports, certs (distinct valid certificates in them)
 *	errors:  reports, certs
 */
struct cs_rank_row {
	char		*name;
	size_t		 len;
	int32_t		 code;
	unsigned char	 key[CS_KEY_LEN];
	unsigned char	 sha256[32];
	uint64_t	 v[3];
	/* issuers: the group's name as DER, which breaks ties of equal
	 * text (owned by the ranking) */
	const unsigned char *der;
	size_t		 der_len;
};

struct cs_rank_opts {
	int		 kind;		/* CS_RANK_* */
	size_t		 by;		/* index in cols: the order */
	uint64_t	 min_host_reports; /* hosts: fewer reports, not listed */
	size_t		 limit;		/* the first rows only; 0: all */
};

struct cs_ranking {
	struct cs_rank_row	*rows;	/* by v[by], most first, then key */
	size_t			 n;
	void			*priv;
};

#define CS_RANKING_INIT { NULL, 0, NULL }

/*
 * Ranks under q. Ties are broken by the key ascending (names as bytes,
 * then as X.509 names; codes; sha256), so a store always gives the same
 * order. With opts->limit, only the first limit rows (the same as the
 * whole ranking's), chosen without sorting the rest. Fills *out, which
 * the caller releases with cs_ranking_release() (also on failure).
 * Returns 0 or -1.
 */
int	cs_query_rank(struct cs_query *q, const struct cs_rank_opts *opts,
	    struct cs_ranking *out, struct cs_err *err);

/*
 * The rankings opts[0..n) at once, as cs_query_rank() makes each (the
 * same rows), into out[0..n), which the caller releases with
 * cs_ranking_release() (also on failure): the issuers' and certificates'
 * from one pass over the certificates. Returns 0 or -1.
 */
int	cs_query_ranks(struct cs_query *q, const struct cs_rank_opts *opts,
	    size_t n, struct cs_ranking *out, struct cs_err *err);

void	cs_ranking_release(struct cs_ranking *r);

#endif
