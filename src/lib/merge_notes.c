#include "certsift/merge_notes.h"

#include <inttypes.h>

void
cs_merge_notes_init(struct cs_merge_notes *n, FILE *f, const char *prefix,
    int tty)
{
	n->f = f;
	n->prefix = prefix;
	n->tty = tty;
	n->shown = 0;
}

void
cs_merge_notes_clear(struct cs_merge_notes *n)
{
	if (n->shown)
		fputs("\r\033[K", n->f);
	n->shown = 0;
}

void
cs_merge_notes_note(void *arg, const char *msg)
{
	struct cs_merge_notes *n = arg;

	cs_merge_notes_clear(n);
	fprintf(n->f, "%s%s\n", n->prefix, msg);
}

void
cs_merge_notes_progress(void *arg, size_t i, size_t n, const char *table,
    uint64_t records)
{
	struct cs_merge_notes *m = arg;

	if (!m->tty)
		return;
	fprintf(m->f, "\r\033[Kstore %zu of %zu: %s, %" PRIu64 " records", i,
	    n, table, records);
	m->shown = 1;
}
