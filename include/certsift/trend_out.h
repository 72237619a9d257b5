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

#endif
