#ifndef CERTSIFT_DECOMP_H
#define CERTSIFT_DECOMP_H

/*
 * Decompression: gzip (ISA-L's isal_inflate, or zlib where ISA-L is not
 * built in) and zstd, recognised by their magic bytes. Several gzip members
 * or zstd frames one after another are one stream. Damage (a bad header,
 * invalid data, a wrong checksum, bytes that are not another member or
 * frame, an end in the middle, a decompression bomb) ends the stream with
 * a message naming the compressed byte where it was found.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"

enum {
	CS_Z_NONE = 0,		/* not compressed */
	CS_Z_GZIP,
	CS_Z_ZSTD
};

/* Bytes cs_z_detect() wants to see, when the input has them. */
#define CS_Z_MAGIC_LEN	4

/*
 * Over this many bytes out per byte in, across CS_Z_BOMB_WINDOW bytes of
 * output, the stream is a decompression bomb. Deflate cannot go past about
 * 1,032:1; JSON reports compress about 3:1 to 15:1.
 */
#define CS_Z_BOMB_RATIO		1000
#define CS_Z_BOMB_WINDOW	((uint64_t)64 << 20)

/* The format the first n bytes of a file show: CS_Z_*. */
int	cs_z_detect(const unsigned char *p, size_t n);

/* "gzip", "zstd", or "plain". */
const char *cs_z_name(int fmt);

struct cs_z;

/* Starts a decompressor for fmt (CS_Z_GZIP or CS_Z_ZSTD). Returns 0 or -1. */
int	cs_z_new(int fmt, struct cs_z **out, struct cs_err *err);
void	cs_z_free(struct cs_z *z);

/*
 * Decompresses from *in (*inlen bytes) into out (room for *outlen bytes):
 * *in and *inlen move past what was consumed, *outlen becomes the bytes
 * written. Call with *inlen 0 at the end of the input to flush. Returns 0,
 * or -1 when the data is damaged (err: CS_EPARSE, what and where) or
 * memory ran out (CS_ENOMEM); after -1 the stream is over.
 */
int	cs_z_run(struct cs_z *z, const unsigned char **in, size_t *inlen,
	    unsigned char *out, size_t *outlen, struct cs_err *err);

/*
 * At the end of the input, after cs_z_run() gave no more output: 0 when
 * the stream ended between members or frames, -1 (CS_EPARSE) when it was
 * cut short.
 */
int	cs_z_finish(const struct cs_z *z, struct cs_err *err);

/* Compressed bytes consumed so far. */
uint64_t cs_z_consumed(const struct cs_z *z);

#endif
