#ifndef CERTSIFT_MERGE_NOTES_H
#define CERTSIFT_MERGE_NOTES_H

/*
 * What a merge tells its user as it goes (merge.h's note and progress,
 * arg the struct cs_merge_notes), written to a stream (the command's
 * stderr): each note behind a prefix ("certsift: merge: "), and, on a
 * terminal, one progress line rewritten in place (the store, its table,
 * the records copied), cleared before any note and by
 * cs_merge_notes_clear(). One thread's, as the merge it tells of.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cs_merge_notes {
	FILE		*f;
	const char	*prefix;
	int		 tty;		/* show the progress line */
	int		 shown;		/* the progress line is on f */
};

void	cs_merge_notes_init(struct cs_merge_notes *n, FILE *f,
	    const char *prefix, int tty);
void	cs_merge_notes_note(void *arg, const char *msg);
void	cs_merge_notes_progress(void *arg, size_t i, size_t n,
	    const char *table, uint64_t records);
/* Clears the progress line, if shown (before the summary). */
void	cs_merge_notes_clear(struct cs_merge_notes *n);

#endif
