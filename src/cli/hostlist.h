#ifndef CERTSIFT_HOSTLIST_H
#define CERTSIFT_HOSTLIST_H

/* A certificate's hostnames, most reports first (cmd_hosts.c). */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/json.h"
#include "certsift/store.h"

struct hostent {
	char		*host;
	size_t		 len;
	uint64_t	 count;
};

struct hostlist {
	struct hostent	*v;
	size_t		 n;
	size_t		 cap;
};

/* Returns 0, or the exit status after saying why. */
int	hostlist_load(struct cs_store *st, const unsigned char *key,
	    struct hostlist *l);
/* The first max hostnames of hostlist_load()'s order (max 0: all). */
int	hostlist_top(struct cs_store *st, const unsigned char *key,
	    size_t max, struct hostlist *l);
/*
 * Drops the hostnames seen in fewer than k reports in all (not only with
 * this certificate), for --min-host-reports. Returns 0, or the exit
 * status after saying why.
 */
int	hostlist_min_reports(struct cs_store *st, struct hostlist *l,
	    uint64_t k);
void	hostlist_release(struct hostlist *l);
/* max 0: all. */
void	hostlist_json(struct cs_jw *w, const struct hostlist *l, size_t max);
void	hostlist_text(FILE *f, const struct hostlist *l, size_t max,
	    const char *indent);

#endif
