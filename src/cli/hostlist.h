#ifndef CERTSIFT_HOSTLIST_H
#define CERTSIFT_HOSTLIST_H

/* A certificate's hostnames (query.h's cs_cert_hostlist()) printed, for
 * show and hosts (cmd_hosts.c). max 0: all. */

#include <stddef.h>
#include <stdio.h>

#include "certsift/json.h"
#include "certsift/query.h"

void	hostlist_json(struct cs_jw *w, const struct cs_hostlist *l,
	    size_t max);
void	hostlist_text(FILE *f, const struct cs_hostlist *l, size_t max,
	    const char *indent);

#endif
