#ifndef CERTSIFT_CERT_OUT_H
#define CERTSIFT_CERT_OUT_H

/*
 * One certificate as show prints it, and its hostnames (query.h's
 * cs_cert_hostlist()) as show and hosts print them. Every function may
 * be called from several threads at once, on different streams.
 */

#include <stddef.h>
#include <stdio.h>

#include "certsift/json.h"
#include "certsift/query.h"
#include "certsift/store.h"

/* The first max hostnames (0: all) as a JSON array of {host, count}. */
void	cs_hostlist_write_json(struct cs_jw *w, const struct cs_hostlist *l,
	    size_t max);
/* The same as lines "<indent><count>  <host>", the host escaped. */
void	cs_hostlist_write_text(FILE *f, const struct cs_hostlist *l,
	    size_t max, const char *indent);

/*
 * r as "name value" lines (text escaped, "-" for nothing), then its
 * figures, its dates and errors, and the first top hostnames of hl.
 */
void	cs_cert_write_text(FILE *f, const struct cs_certrec *r,
	    const struct cs_hostlist *hl, size_t top);
/* r as export's JSON object with "top_hosts", and a newline. */
void	cs_cert_write_json(FILE *f, const struct cs_certrec *r,
	    const struct cs_hostlist *hl, size_t top);

#endif
