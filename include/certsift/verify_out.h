#ifndef CERTSIFT_VERIFY_OUT_H
#define CERTSIFT_VERIFY_OUT_H

/*
 * verify's findings as text: "problem: check: what" lines, then a
 * "checked <table> <count>" line per check and, when none was found,
 * "store '<db>' is sound"; or one JSON object {"problems": [{"check",
 * "problem"}...], "problems_total", "sound", "checked": {...}}. A writer
 * is one thread's; several may write at once, to different streams.
 */

#include <stdio.h>

#include "certsift/json.h"
#include "certsift/verify.h"

struct cs_verify_out {
	FILE		*f;
	int		 json;
	struct cs_jw	 w;
};

/* Begins the findings on f. */
void	cs_verify_out_begin(struct cs_verify_out *o, FILE *f, int json);
/* One problem (cs_verify()'s callback; arg: the struct cs_verify_out). */
void	cs_verify_out_problem(void *arg, const char *check, const char *what);
/* Ends them with the summary of the check of store db. */
void	cs_verify_out_end(struct cs_verify_out *o, const char *db,
	    const struct cs_verify_sum *sum);

#endif
