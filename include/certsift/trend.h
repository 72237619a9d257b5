#ifndef CERTSIFT_TREND_H
#define CERTSIFT_TREND_H

/*
 * Reports over time: the store's per-day counts (schema 5) summed per UTC
 * day and group (error code, leaf issuer, or missing's outcome or row),
 * for any selection of chains and codes and any period of days.
 *
 * Threads: a run (cs_trend_run(), cs_trend_walk_run()) and its result are
 * one thread's, with a store handle
 * and a query of that thread (store.h, query.h); cs_trend_in_period()
 * only reads its options and may be called from any thread.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/causes.h"
#include "certsift/err.h"
#include "certsift/missing.h"
#include "certsift/query.h"
#include "certsift/store.h"

/* What a trend groups reports by. */
enum {
	CS_TREND_ERROR,		/* the report's error code */
	CS_TREND_ISSUER,	/* the issuer name of the chain's leaf */
	CS_TREND_OUTCOME,	/* missing's outcome of the chain */
	CS_TREND_MISSING_ROW,	/* the given rows of missing */
	CS_TREND_CAUSE		/* the report's primary cause (causes.h) */
};

struct cs_trend_opts {
	int		 by;		/* CS_TREND_* */
	/* Days (cs_date_day()) from since, inclusive, to until, exclusive;
	 * either makes reports without a time not count. */
	int		 has_since;
	int32_t		 since;
	int		 has_until;
	int32_t		 until;
	/*
	 * The selection (NULL: every report): the reports of chains whose
	 * leaf it selects, with a code that passes; with codes only (or
	 * none), by error, also the reports without a valid certificate.
	 */
	struct cs_query	*query;
	/* CS_TREND_OUTCOME and CS_TREND_MISSING_ROW: a finished walk. */
	const struct cs_missing *missing;
	/* CS_TREND_MISSING_ROW: the indexes of the rows (in missing). */
	const size_t	*rows;
	size_t		 nrows;
	/* CS_TREND_CAUSE: the days of cs_causes_days(), which selected the
	 * reports (query is not used then). */
	const struct cs_causes *causes;
};

struct cs_trend_group {
	char		*label;		/* issuer, outcome or cause; NULL by
					   error */
	int		 has_err;	/* by error: 0 for reports without */
	int32_t		 code;
	size_t		 row;		/* CS_TREND_MISSING_ROW: its row;
					   CS_TREND_CAUSE: the cause */
	uint64_t	 reports;	/* over every day */
};

struct cs_trend_row {
	int32_t		 day;		/* or CS_NODAY */
	size_t		 group;
	uint64_t	 reports;
};

struct cs_trend {
	/* Most reports first; ties by code, label or row. */
	struct cs_trend_group	*groups;
	size_t			 ngroups;
	/* By day (CS_NODAY first), then in the order of groups. */
	struct cs_trend_row	*rows;
	size_t			 nrows;
	uint64_t		 reports;	/* all counted */
	uint64_t		 undated;	/* of them, without a day */
	int			 has_days;	/* a dated row exists: */
	int32_t			 first_day;
	int32_t			 last_day;
	struct cs_daysinfo	 info;		/* the store's */
};

#define CS_TREND_INIT { NULL, 0, NULL, 0, 0, 0, 0, 0, 0, { 0, 0, 0 } }

/*
 * Counts the selected reports of st per day and group into *out, which the
 * caller releases with cs_trend_release() (also on failure). Returns 0 or
 * -1.
 */
int	cs_trend_run(struct cs_store *st, const struct cs_trend_opts *o,
	    struct cs_trend *out, struct cs_err *err);

/*
 * cs_trend_run() after the walk its grouping needs: by outcome, missing's
 * (cs_missing_run()); by cause, the causes' per day (cs_causes_days()),
 * which selects with o->query; both with roots and known (missing.h; NULL:
 * none). o's missing and causes are not used. *days_guessed: the reports
 * whose day the causes guessed (cs_causes_days()), else 0. Returns 0 or
 * -1; the caller releases *out either way.
 */
int	cs_trend_walk_run(struct cs_store *st, const struct cs_trend_opts *o,
	    const struct cs_certset *roots, const struct cs_certset *known,
	    struct cs_trend *out, uint64_t *days_guessed, struct cs_err *err);

/* Whether a day passes o's period. */
int	cs_trend_in_period(const struct cs_trend_opts *o, int32_t day);

/* Frees what *t holds; *t is CS_TREND_INIT again. Accepts NULL. */
void	cs_trend_release(struct cs_trend *t);

#endif
