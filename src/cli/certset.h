#ifndef CERTSIFT_CERTSET_CLI_H
#define CERTSIFT_CERTSET_CLI_H

#include "certsift/missing.h"

struct cs_query;
struct cs_sel;
struct cs_store;

/*
 * The walk's sources for missing and aia (cmd_missing.c): the --roots
 * (default: the system's unless no_roots) and --known sets, made here.
 * Returns 0, or the exit status after saying why.
 */
int	missing_sets(const char **rootp, size_t nroots, int no_roots,
	    const char **knownp, size_t nknown, struct cs_certset **roots,
	    struct cs_certset **known);
/* Opens the query of sel on st as mo's (*q: close it after the walk):
 * 0, or the exit status after saying why. */
int	missing_select(struct cs_missing_opts *mo, const struct cs_sel *sel,
	    struct cs_store *st, struct cs_query **q);

#endif
