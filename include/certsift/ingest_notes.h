#ifndef CERTSIFT_INGEST_NOTES_H
#define CERTSIFT_INGEST_NOTES_H

/*
 * What an ingest tells its user as it goes, written to a stream (the
 * command's stderr) behind a prefix ("certsift: ingest: "): the first
 * CS_INGEST_NOTES_SHOWN bad records, then once that more are not shown;
 * every damaged file; each file that failed (a --strict stop only when
 * its bad record was not shown) or that was ingested before; and, on a
 * terminal, one progress line rewritten in place (the file, its MB, the
 * reports per second, the ETA when the size is known), cleared before
 * any message. Every bad record and damaged file also goes to the errors
 * log, when there is one.
 *
 * The functions are cs_ingest_opts' callbacks (ingest.h) and
 * cs_ingest_files()' done (ingest_files.h), arg the struct
 * cs_ingest_notes. One thread's, as the ingest it tells of.
 */

#include <stdint.h>
#include <stdio.h>

#include "certsift/ingest.h"
#include "certsift/ingest_files.h"

#define CS_INGEST_NOTES_SHOWN	10

struct cs_ingest_notes {
	FILE		*f;		/* where notes go */
	const char	*prefix;
	FILE		*log;		/* the errors log, or NULL */
	int		 tty;		/* show the progress line */
	/* Kept by the functions. */
	uint64_t	 nbad;
	int		 shown;		/* the progress line is on f */
	double		 t0;		/* when the ingest began */
	const char	*name;		/* the file progress is about */
	double		 t_file;	/* when it began */
	double		 t_last;	/* when the last file ended */
};

/* Sets up n; the ingest's clock starts now. */
void	cs_ingest_notes_init(struct cs_ingest_notes *n, FILE *f,
	    const char *prefix, FILE *log, int tty);

void	cs_ingest_notes_bad(void *arg, const char *name, uint64_t line,
	    const char *why);
void	cs_ingest_notes_damaged(void *arg, const char *name, uint64_t line,
	    const char *why);
void	cs_ingest_notes_progress(void *arg,
	    const struct cs_ingest_progress *p);
void	cs_ingest_notes_done(void *arg, const struct cs_ingest_done *d);

/* Clears the progress line, if shown (before the summary). */
void	cs_ingest_notes_clear(struct cs_ingest_notes *n);

#endif
