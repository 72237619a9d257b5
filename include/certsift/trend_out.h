#ifndef CERTSIFT_TREND_OUT_H
#define CERTSIFT_TREND_OUT_H

/*
 * trend's rows (trend.h) as text (fmt.h's formats). Every function may be
 * called from several threads at once, on different streams.
 */

#include <stdio.h>

#include "certsift/fmt.h"
#include "certsift/trend.h"

/*
 * The rows of t, grouped by by (CS_TREND_ERROR, _ISSUER, _OUTCOME or
 * _CAUSE): a table of day, reports and the group (by error, its code and
 * name; "-" for reports without a day or an error code); JSON objects
 * {"day", the group ("code" and "name" by error, else "issuer",
 * "outcome" or "cause"), "reports"}, null where the table has "-"; CSV
 * rows of the same columns, empty fields for null.
 */
void	cs_trend_write(FILE *f, const struct cs_trend *t, int by, int fmt);

/*
 * What t's counts leave out or guess, one message each to warn(arg, msg):
 * the days the store does not keep (unless period: a selection's period,
 * for which cs_query_period_notes() says it), and the reports whose days
 * were guessed (days_guessed of cs_trend_walk_run()).
 */
void	cs_trend_notes(const struct cs_trend *t, int period,
	    uint64_t days_guessed, void (*warn)(void *arg, const char *msg),
	    void *arg);

#endif
