#ifndef CERTSIFT_DATE_H
#define CERTSIFT_DATE_H

/*
 * Dates: epoch seconds, UTC. Every function may be called from several
 * threads at once.
 */

#include <stdint.h>

#include "certsift/err.h"

/* Formats epoch seconds as ISO 8601 UTC "YYYY-MM-DDThh:mm:ssZ". */
void	cs_date_iso(int64_t t, char out[32]);

/*
 * Parses s as YYYY-MM-DD, YYYYMMDD, an ISO 8601 date-time
 * (YYYY-MM-DDThh:mm[:ss[.frac]], zone Z or +hh:mm or +hhmm; UTC without
 * one) or epoch seconds (digits, optionally negative). Returns 0 or -1.
 */
int	cs_date_parse(const char *s, int64_t *out);
/* cs_date_parse() for a value a user gave: 0, or -1 with CS_EUSAGE and
 * "bad time 's' (use ...)". */
int	cs_date_arg(const char *s, int64_t *out, struct cs_err *err);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t	cs_date_days(int64_t y, unsigned m, unsigned d);

/*
 * The UTC day of epoch seconds t: days since 1970-01-01, rounded down,
 * within int32_t (INT32_MIN excluded: it means "no day" elsewhere).
 */
int32_t	cs_date_day(int64_t t);

/* Formats a day of cs_date_day() as "YYYY-MM-DD". */
void	cs_date_daystr(int32_t day, char out[16]);

#endif
