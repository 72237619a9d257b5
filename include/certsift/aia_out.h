#ifndef CERTSIFT_AIA_OUT_H
#define CERTSIFT_AIA_OUT_H

/*
 * aia's rows as text (fmt.h's formats): the plan (`aia --list`) and a
 * run's results. Every function may be called from several threads at
 * once, on different streams.
 */

#include <stdio.h>

#include "certsift/aia.h"
#include "certsift/aia_run.h"
#include "certsift/fmt.h"

/*
 * The plan, a row per URL: url, file, level, reports, chains, issuer,
 * status (of its last fetch), http_status, certs, fetched_at (the table:
 * level, reports, chains, status, file, url).
 */
void	cs_aia_plan_write(FILE *f, const struct cs_aia_plan *p, int fmt);
/* "urls: N, never fetched N; unknown-issuer reports N" */
void	cs_aia_plan_summary(FILE *f, const struct cs_aia_plan *p);

/*
 * The URLs a run fetched: url, level, status, http_status, certs,
 * certs_new, detail. As JSON, one object with the run's totals and the
 * rows as "results".
 */
void	cs_aia_run_write(FILE *f, const struct cs_aia_run *r, int fmt);
/*
 * The run's totals, a line each after pfx: the URLs by outcome (fetch),
 * the files (import), then the certificates.
 */
void	cs_aia_run_summary(FILE *f, const struct cs_aia_run *r, int fetch,
	    int import, const char *pfx);

#endif
