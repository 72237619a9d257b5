#ifndef CERTSIFT_MISSING_OUT_H
#define CERTSIFT_MISSING_OUT_H

/*
 * missing's rows as text (fmt.h's formats). Every writer may be called
 * from several threads at once, on different streams.
 */

#include <stddef.h>
#include <stdio.h>

#include "certsift/err.h"
#include "certsift/fmt.h"
#include "certsift/missing.h"

/*
 * The first n rows of m: outcome, issuer, aki, reports, chains, hosts,
 * resolved_by, source, aia_ca_issuers (in CSV, the URLs space-separated
 * in one field; the table: outcome, the figures, source, aki cut to 16
 * characters, issuer). The hosts are those cs_missing_hosts() counted.
 */
void	cs_missing_write(FILE *f, const struct cs_missing *m, size_t n,
	    int fmt);
/*
 * Counts the hosts (cs_missing_hosts()) of the rows the writers will
 * show: the first n and, with bundle, every missing intermediate's
 * (export_files.h's cs_missing_write_pem()). Returns 0 or -1. One
 * thread's, as st and m's query.
 */
int	cs_missing_hosts_shown(struct cs_store *st, struct cs_missing *m,
	    size_t n, int bundle, struct cs_err *err);

/* "reports: <outcome> N, ..." over every outcome. */
void	cs_missing_write_summary(FILE *f, const struct cs_missing *m);

#endif
