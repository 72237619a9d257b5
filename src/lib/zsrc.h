#ifndef CERTSIFT_ZSRC_H
#define CERTSIFT_ZSRC_H

/*
 * A source of uncompressed bytes: compressed data from a mapping or a file
 * descriptor, decompressed as it is read or, threaded, by a thread of its
 * own that runs ahead of the reader into a bounded ring of chunks.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"

#define CS_ZSRC_CHUNK	((size_t)1 << 20)

/*
 * Chunks for threaded sources, kept for the next source: fresh anonymous
 * memory costs a page fault per 4 KiB. Shared by the sources of one
 * ingest.
 */
struct cs_zpool;

int	cs_zpool_new(struct cs_zpool **out, struct cs_err *err);
void	cs_zpool_free(struct cs_zpool *pool);

struct cs_zsrc;

struct cs_zsrc_opts {
	int			 fmt;		/* CS_Z_GZIP or CS_Z_ZSTD */
	const unsigned char	*map;		/* the compressed bytes, or */
	size_t			 maplen;
	int			 fd;		/* (map NULL) read to the end */
	const unsigned char	*head;		/* read from fd already */
	size_t			 headlen;
	int			 threaded;	/* decompress in a thread */
	size_t			 budget;	/* threaded: bytes held ahead */
	struct cs_zpool		*pool;		/* threaded: its chunks */
};

/*
 * Opens a source; a mapping must outlive it, fd must stay open until it is
 * closed. Returns 0 or -1.
 */
int	cs_zsrc_open(const struct cs_zsrc_opts *o, struct cs_zsrc **out,
	    struct cs_err *err);

/*
 * Puts up to cap uncompressed bytes at dst; *n is 0 at the end. Returns 0,
 * or -1 on a read error or when memory ran out. Damaged data is not an
 * error: the bytes end where it begins, and cs_zsrc_damage() tells.
 */
int	cs_zsrc_read(struct cs_zsrc *s, unsigned char *dst, size_t cap,
	    size_t *n, struct cs_err *err);

/*
 * After the end: NULL when the stream ended cleanly, else what was wrong
 * and at which compressed byte.
 */
const char *cs_zsrc_damage(const struct cs_zsrc *s);

/* Compressed bytes decompressed so far (for progress). */
uint64_t cs_zsrc_consumed(struct cs_zsrc *s);

/* Stops its thread and frees it. */
void	cs_zsrc_close(struct cs_zsrc *s);

#endif
