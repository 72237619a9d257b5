#ifndef CERTSIFT_DATE_H
#define CERTSIFT_DATE_H

#include <stdint.h>

/* Formats epoch seconds as ISO 8601 UTC "YYYY-MM-DDThh:mm:ssZ". */
void	cs_date_iso(int64_t t, char out[32]);

/*
 * Parses s as YYYY-MM-DD, YYYYMMDD, an ISO 8601 date-time
 * (YYYY-MM-DDThh:mm[:ss[.frac]], zone Z or +hh:mm or +hhmm; UTC without
 * one) or epoch seconds (digits, optionally negative). Returns 0 or -1.
 */
int	cs_date_parse(const char *s, int64_t *out);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t	cs_date_days(int64_t y, unsigned m, unsigned d);

#endif
