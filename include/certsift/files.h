#ifndef CERTSIFT_FILES_H
#define CERTSIFT_FILES_H

/*
 * Files the commands name: lists of paths gathered from directories,
 * whole files read into a buffer, and files written whole and atomically
 * (a temporary file beside the target, renamed over it). Every function
 * may be called from several threads at once, on different lists.
 */

#include <stddef.h>
#include <stdio.h>

#include "certsift/buf.h"
#include "certsift/err.h"

/* A list of paths, each its own allocation. */
struct cs_files {
	char	**v;
	size_t	  n, cap;
};

#define CS_FILES_INIT { NULL, 0, 0 }

/* cs_files_walk()'s flags. */
enum {
	CS_FILES_RECURSE = 1,	/* into subdirectories (links not followed) */
	CS_FILES_FOLLOW = 2,	/* symbolic links to files count (one level,
				 * no recursion; a dangling one is passed
				 * over) */
	CS_FILES_NODOT = 4	/* names beginning with '.' are passed over */
};

/* Appends a copy of path: 0, or -1 (CS_ENOMEM). */
int	cs_files_add(struct cs_files *l, const char *path, struct cs_err *err);

/*
 * Appends the regular files of the directory dir (its entries joined to
 * it with '/'), sorted by path (strcmp). A directory that cannot be read,
 * or an entry that cannot be examined, is an error: with warn, it is
 * warn(arg, message) and the walk goes on (then it returns -1 at the end
 * with err set to the last); without, the walk stops there. Returns 0 or
 * -1; what was found stays in *l either way.
 */
int	cs_files_walk(struct cs_files *l, const char *dir, int flags,
	    void (*warn)(void *arg, const char *msg), void *arg,
	    struct cs_err *err);

/* Sorts the list and drops repeated paths. */
void	cs_files_sort_unique(struct cs_files *l);

void	cs_files_release(struct cs_files *l);

/*
 * Appends the contents of path to b. Returns 0, or -1 with err "cannot
 * open 'path': <why>" or "cannot read ..." (CS_EIO), or CS_ENOMEM.
 */
int	cs_file_read(const char *path, struct cs_buf *b, struct cs_err *err);

/*
 * Writes p[0..n) as path: into "path.tmp.<pid>", synced, then renamed
 * over path; nothing of it is left on failure. When path already holds
 * exactly these bytes and keep_same is set, path is left alone (its time
 * too). Returns 0 or -1 (CS_EIO, CS_ENOMEM).
 */
int	cs_file_write(const char *path, const void *p, size_t n, int keep_same,
	    struct cs_err *err);

/*
 * A file written as a stream, atomically: writes go to f, a temporary
 * file "path.tmp.<pid>" beside path, which cs_outfile_close() syncs and
 * renames over path. path "-" or NULL is stdout (nothing to rename).
 */
struct cs_outfile {
	FILE	*f;
	char	*path;
	char	*tmp;		/* NULL: written in place */
};

/*
 * Opens o: 0, or -1 with err "cannot create '<tmp>': <why>" (CS_EIO).
 * path "-" or NULL: standard output. A path that is not a regular file
 * (a device such as /dev/null, a FIFO, a terminal) is written in place,
 * never replaced; a symbolic link's file is replaced, not the link.
 */
int	cs_outfile_open(struct cs_outfile *o, const char *path,
	    struct cs_err *err);
/*
 * Ends o: with ok, syncs and renames the file over its path; without, or
 * when that fails, removes it. Returns 0, or -1 when !ok or with err
 * "cannot write '<tmp>': <why>" or "cannot rename ..." (CS_EIO).
 */
int	cs_outfile_close(struct cs_outfile *o, int ok, struct cs_err *err);

/*
 * Removes from dir what a writer killed in cs_file_write() left: files
 * named "<64 hex digits>.<ext>.tmp.<pid>" (ext "pem" or "der") of
 * processes that are gone. Best effort, no errors.
 */
void	cs_files_remove_stale(const char *dir);

#endif
