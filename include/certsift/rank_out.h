#ifndef CERTSIFT_RANK_OUT_H
#define CERTSIFT_RANK_OUT_H

/*
 * top's rankings (query.h) as text (fmt.h's formats). Every function may
 * be called from several threads at once, on different streams; the
 * query follows query.h.
 */

#include <stddef.h>
#include <stdio.h>

#include "certsift/err.h"
#include "certsift/fmt.h"
#include "certsift/query.h"

/*
 * The first n rows of l, a ranking of kind (not CS_RANK_CERTS): the name
 * (or the code and its name), then the kind's columns (cs_rank_info()).
 */
void	cs_rank_write(FILE *f, const struct cs_ranking *l, int kind,
	    size_t n, int fmt);

/*
 * The first n certificates of l (CS_RANK_CERTS), each read again from q
 * for its summary: JSON objects as export writes them, CSV rows as
 * export's (export_files.h), or a table of count, leaf_count, hosts,
 * sha256 and subject. Returns 0 or -1.
 */
int	cs_rank_write_certs(FILE *f, const struct cs_query *q,
	    const struct cs_ranking *l, size_t n, int fmt, struct cs_err *err);

#endif
