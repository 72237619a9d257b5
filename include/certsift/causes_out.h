#ifndef CERTSIFT_CAUSES_OUT_H
#define CERTSIFT_CAUSES_OUT_H

/*
 * causes' rows as text (fmt.h's formats). Every function may be called
 * from several threads at once, on different streams.
 */

#include <stddef.h>
#include <stdio.h>

#include "certsift/causes.h"
#include "certsift/fmt.h"

/*
 * The first n rows of c: cause, detail, reports, chains, hosts, share (of
 * all the reports, a percentage with two decimals), primary, examples (in
 * CSV the ids space-separated in one field; the table shows the first,
 * cut to 16 digits).
 */
void	cs_causes_write(FILE *f, const struct cs_causes *c, size_t n,
	    int fmt);
/* "reports N; primary: cause share%, ..." with the shares adding to 100. */
void	cs_causes_write_summary(FILE *f, const struct cs_causes *c);

#endif
