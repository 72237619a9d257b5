#ifndef CERTSIFT_CAUSES_H
#define CERTSIFT_CAUSES_H

/*
 * Why reports failed: every selected report gets each diagnosis that
 * applies to it and one primary cause, the first of them in the order of
 * the enum below. Chain-wide diagnoses come from the whole walk of
 * missing.h (up from the leaf, past an issuer that was not sent, to a root
 * or a dead end) and the certificates on it; per report, the hostname
 * (name-mismatch) and the validity at the report's time, which ingest
 * decides and the store keeps (expired, not-yet-valid).
 *
 * Threads: a run and its result are one thread's (the walk beneath it
 * checks signatures and makes the chain ids on threads of its own; the
 * store's certificates' facts are made on one from the summaries the walk
 * loads, and cs_causes_days() reads the chains' days on one, each through
 * a reader of the handle's pinned snapshot, cs_store_reader()), on a
 * store handle of that thread
 * (store.h); the callbacks of cs_causes_parts() are called on the
 * caller's thread.
 * cs_cause_name() and cs_cause_parse() may be called from any thread.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"
#include "certsift/missing.h"
#include "certsift/store.h"

/* The diagnoses, in the order that picks a report's primary cause. */
enum {
	CS_CAUSE_INTERCEPTION,		/* detail: the product */
	CS_CAUSE_CAPTIVE_PORTAL,	/* detail: the portal */
	CS_CAUSE_MISSING_INTERMEDIATE,	/* detail: resolver and source */
	CS_CAUSE_UNTRUSTED_ROOT,	/* detail: the root's subject */
	CS_CAUSE_UNKNOWN_ISSUER,	/* detail: the issuer found nowhere */
	CS_CAUSE_SELF_SIGNED_LEAF,
	CS_CAUSE_EXPIRED,
	CS_CAUSE_NOT_YET_VALID,
	CS_CAUSE_NAME_MISMATCH,
	CS_CAUSE_WEAK_SIGNATURE,	/* detail: the algorithm */
	CS_CAUSE_WEAK_KEY,		/* detail: the key */
	CS_CAUSE_NOT_A_CA,		/* detail: "v1" or "no cA" */
	CS_CAUSE_OTHER,
	CS_CAUSE_N
};

/* "interception", "captive-portal", ..., "other"; "?" out of range. */
const char	*cs_cause_name(int cause);

/* The cause of that name, or -1. */
int		 cs_cause_parse(const char *name);

/* Adds the cause of that name to mask (1 << CS_CAUSE_*, as struct
 * cs_sel's causes). Returns 0, or -1 for an unknown name. */
int		 cs_cause_mask_parse(const char *name, uint32_t *mask);

/* One row per (cause, detail). */
struct cs_cause_row {
	int		 cause;
	char		*detail;	/* NULL for causes without one */
	uint64_t	 reports;	/* selected reports it applies to */
	uint64_t	 chains;	/* unique chains of those */
	uint64_t	 hosts;		/* distinct hostnames of those */
	uint64_t	 primary;	/* reports whose primary cause it is */
	/* Chain ids (export --format chains names them) of the chains with
	 * the most of its reports, ties by id. */
	unsigned char	(*examples)[32];
	size_t		 nexamples;
};

/* Reports of one primary cause on one UTC day (cs_causes_days()). */
struct cs_cause_day {
	int32_t		 day;		/* or CS_NODAY */
	int		 cause;
	uint64_t	 reports;
};

struct cs_causes {
	struct cs_cause_row	*rows;	/* most reports first, then cause
					   order, then detail */
	size_t			 nrows;
	uint64_t		 reports;	/* selected */
	uint64_t		 chains;	/* unique chains with them */
	uint64_t		 primary[CS_CAUSE_N];	/* by cause */
	/* cs_causes_days() only: by day (CS_NODAY first), then cause. */
	struct cs_cause_day	*days;
	size_t			 ndays;
	/* Of them, reports whose day is a guess (see cs_causes_days()). */
	uint64_t		 days_guessed;
};

#define CS_CAUSES_INIT { NULL, 0, 0, 0, { 0 }, NULL, 0, 0 }

/*
 * Diagnoses the selected reports of st: the chains and reports that
 * mo selects (its roots, known set and selection callbacks; its node and
 * walk members are this function's), with up to examples chain ids per
 * row. Fills *out, which the caller releases with cs_causes_release()
 * (also on failure). Returns 0 or -1.
 */
int	cs_causes_run(struct cs_store *st, const struct cs_missing_opts *mo,
	    size_t examples, struct cs_causes *out, struct cs_err *err);

/*
 * As cs_causes_run(), and also the selected reports per UTC day and
 * primary cause (out->days): each cause's days add up to its primary
 * count, and each day's causes to that day's reports. Exact from the
 * store's hosts' days (schema 6) for the reports ingested since a store
 * kept them. For older reports (a store upgraded from schema 5) the days
 * of a chain's reports with one error code are known (the chain's days)
 * and so are their causes, but not which report had which: when they
 * have more than one primary cause over more than one day, the causes are
 * laid over the days in order (not-yet-valid on the first days, expired
 * on the last, the others in cause order between) and out->days_guessed
 * counts those reports. Reports without any day (those ingested before
 * a store kept days) are in no day. walk (NULL: not)
 * gets the result of the walk behind the diagnoses, as cs_missing_run()
 * returns it for mo, which the caller releases with cs_missing_release()
 * (also on failure): one walk for both. Returns 0 or -1.
 */
int	cs_causes_days(struct cs_store *st, const struct cs_missing_opts *mo,
	    size_t examples, struct cs_causes *out, struct cs_missing *walk,
	    struct cs_err *err);

/*
 * Every group of the selected reports that share a chain, an error code
 * (has_err 0: none), a hostname (host NULL: none, or not known under a
 * period) and their diagnoses (mask: 1 << CS_CAUSE_*): k reports. fn
 * returns 0, or -1 to stop (after setting err).
 */
typedef int (*cs_causes_part_fn)(void *arg, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len, uint32_t mask,
    uint64_t k, struct cs_err *err);

/*
 * From the hosts' days (schema 6): the selected reports of a chain, error
 * code and day (CS_NODAY: without a time) with the diagnoses of mask: n
 * (several calls may add up for one key). The reports a store holds from
 * before it kept the hosts' days have none.
 */
typedef int (*cs_causes_day_fn)(void *arg, const unsigned char *ckey,
    int has_err, int32_t code, int32_t day, uint32_t mask, uint64_t n,
    struct cs_err *err);

/* Diagnoses as cs_causes_run() does, calling fn for every group of
 * reports counted, and dayfn (may be NULL) for the reports by day.
 * Returns 0 or -1. */
int	cs_causes_parts(struct cs_store *st, const struct cs_missing_opts *mo,
	    cs_causes_part_fn fn, cs_causes_day_fn dayfn, void *arg,
	    struct cs_err *err);

/*
 * Each cause's share of the selected reports as their primary cause, in
 * hundredths of a percent, rounded so that they add up to exactly 10000
 * (largest remainders, ties to the earlier cause); all 0 when no report
 * is selected.
 */
void	cs_causes_shares(const struct cs_causes *c, unsigned bp[CS_CAUSE_N]);

/*
 * A row's reports as a share of the selected reports, in hundredths of a
 * percent, rounded half up (its "share"); 0 when none is selected.
 */
unsigned	cs_causes_row_share(const struct cs_causes *c,
		    const struct cs_cause_row *r);

/* Frees what *c holds; *c is CS_CAUSES_INIT again. Accepts NULL. */
void	cs_causes_release(struct cs_causes *c);

#endif
