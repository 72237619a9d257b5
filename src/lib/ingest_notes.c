#include "certsift/ingest_notes.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
cs_ingest_notes_init(struct cs_ingest_notes *n, FILE *f, const char *prefix,
    FILE *log, int tty)
{
	memset(n, 0, sizeof(*n));
	n->f = f;
	n->prefix = prefix;
	n->log = log;
	n->tty = tty;
	n->t0 = n->t_last = now();
}

void
cs_ingest_notes_clear(struct cs_ingest_notes *n)
{
	if (n->shown)
		fputs("\r\033[K", n->f);
	n->shown = 0;
}

/* A file's line: to the errors log, and to f when show. */
static void
note_line(struct cs_ingest_notes *n, const char *name, uint64_t line,
    const char *why, int show)
{
	if (n->log != NULL)
		fprintf(n->log, "%s:%" PRIu64 ": %s\n", name, line, why);
	if (!show)
		return;
	cs_ingest_notes_clear(n);
	fprintf(n->f, "%s%s:%" PRIu64 ": %s\n", n->prefix, name, line, why);
}

void
cs_ingest_notes_bad(void *arg, const char *name, uint64_t line,
    const char *why)
{
	struct cs_ingest_notes *n = arg;

	note_line(n, name, line, why, n->nbad++ < CS_INGEST_NOTES_SHOWN);
	if (n->nbad == CS_INGEST_NOTES_SHOWN + 1)
		fprintf(n->f, "%smore bad records not shown%s\n", n->prefix,
		    n->log != NULL ? " (see the errors log)" :
		    " (use --errors-log)");
}

/* A damaged file is told always: it is one message per file. */
void
cs_ingest_notes_damaged(void *arg, const char *name, uint64_t line,
    const char *why)
{
	note_line(arg, name, line, why, 1);
}

void
cs_ingest_notes_progress(void *arg, const struct cs_ingest_progress *p)
{
	struct cs_ingest_notes *n = arg;
	double t, rate;

	if (!n->tty)
		return;
	if (n->name != p->name) {
		/* A new file: its own clock for the rate and the ETA. */
		n->name = p->name;
		n->t_file = n->t_last;
	}
	t = now() - n->t_file;
	fprintf(n->f, "\r\033[K%s: %.1f MB", p->name,
	    (double)p->file_bytes / 1e6);
	if (p->file_size > 0)
		fprintf(n->f, " of %.1f MB (%.0f%%)",
		    (double)p->file_size / 1e6,
		    100.0 * (double)p->file_bytes / (double)p->file_size);
	fprintf(n->f, ", %" PRIu64 " reports", p->reports);
	if (t > 0) {
		fprintf(n->f, ", %.0f reports/s", (double)p->reports /
		    (now() - n->t0));
		rate = (double)p->file_bytes / t;
		if (p->file_size > p->file_bytes && rate > 0)
			fprintf(n->f, ", ETA %.0f s", (double)(p->file_size -
			    p->file_bytes) / rate);
	}
	n->shown = 1;
}

void
cs_ingest_notes_done(void *arg, const struct cs_ingest_done *d)
{
	struct cs_ingest_notes *n = arg;

	n->t_last = now();
	if (d->err == NULL && !d->skipped)
		return;
	cs_ingest_notes_clear(n);
	if (d->skipped)
		fprintf(n->f, "%s'%s' was ingested already: skipped (--force "
		    "ingests it again)\n", n->prefix, d->path);
	/* --strict stops at a bad record shown already. */
	else if (d->path == NULL || d->err->code != CS_ESTOP ||
	    n->nbad == 0 || n->nbad > CS_INGEST_NOTES_SHOWN)
		fprintf(n->f, "%s%s\n", n->prefix, d->err->msg);
}
