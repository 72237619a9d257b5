#ifndef CERTSIFT_AIA_RUN_H
#define CERTSIFT_AIA_RUN_H

/*
 * One `aia --fetch`/`--import` run (aia.h's pieces put together): files
 * imported first (those named for a URL of the plan, round after round as
 * each round's certificates make new URLs; the rest as plain AIA
 * certificates), then the plan's URLs fetched, up to CS_AIA_LEVELS rounds,
 * each URL at most once per run. A run is one thread's; the store handle
 * follows store.h (open for writing).
 */

#include <stddef.h>

#include "certsift/aia.h"
#include "certsift/err.h"
#include "certsift/missing.h"
#include "certsift/store.h"

#define CS_AIA_IMPORT_MAX	(16 << 20)	/* bytes of one imported file */

struct cs_aia_run_opts {
	struct cs_missing_opts	 mo;	/* roots, known, query of the plan */
	struct cs_aia_fetch_opts fo;
	int			 fetch;
	int			 refresh;	/* fetch what was fetched before */
	const char *const	*imports;	/* files or directories */
	size_t			 nimports;
	/* A file skipped (not a certificate, too large), for people. */
	void			(*warn)(void *arg, const char *msg);
	void			*arg;
};

/* One URL fetched by the run. */
struct cs_aia_fetched {
	size_t		 seq;		/* the round, then the plan's order */
	char		*url;
	int		 level;
	int		 status;	/* CS_AIA_* */
	int		 http;
	size_t		 certs;
	size_t		 added;		/* new to the store */
	char		 detail[160];
};

struct cs_aia_run {
	struct cs_aia_fetched	*res;	/* by seq */
	size_t			 nres, cap;
	size_t			 skipped;	/* fetched before */
	size_t			 nstatus[CS_AIA_NSTATUS];
	size_t			 certs, added;
	size_t			 files, files_matched, files_bad;
};

#define CS_AIA_RUN_INIT { NULL, 0, 0, 0, { 0 }, 0, 0, 0, 0, 0 }

/*
 * Opens the store path for a run: it must exist already (else the error
 * of opening it to read); opened to write, with the writer's lock taken
 * at once (a write of nothing), so that a run waits for another writer
 * before it fetches; an upgrade of its schema is told to note(arg, msg).
 * Returns 0, or -1 (*st NULL).
 */
int	cs_aia_store_open(const char *path, void (*note)(void *arg,
	    const char *msg), void *arg, struct cs_store **st,
	    struct cs_err *err);

/*
 * Runs the imports, then the fetches, of o on st into *out. Returns 0 or
 * -1; release *out with cs_aia_run_release() either way.
 */
int	cs_aia_run(struct cs_store *st, const struct cs_aia_run_opts *o,
	    struct cs_aia_run *out, struct cs_err *err);
void	cs_aia_run_release(struct cs_aia_run *r);

/* The URLs tried that failed (refused and unsupported ones were not). */
size_t	cs_aia_run_failed(const struct cs_aia_run *r);

#endif
