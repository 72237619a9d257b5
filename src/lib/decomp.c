#include "decomp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CS_HAVE_ISAL
#include <isa-l.h>
#else
#include <zlib.h>
#endif
#include <zstd.h>
#include <zstd_errors.h>

/* Largest piece handed to a library whose lengths are 32 bits. */
#define PIECE	((size_t)1 << 30)

struct cs_z {
	int		 fmt;
	uint64_t	 in_total;	/* compressed bytes consumed */
	uint64_t	 out_total;	/* uncompressed bytes produced */
	uint64_t	 mark_in;	/* where the bomb window began */
	uint64_t	 mark_out;
	uint64_t	 unit;		/* where the member or frame began */
	int		 boundary;	/* after a whole member or frame */
#ifdef CS_HAVE_ISAL
	struct inflate_state *isal;
#else
	z_stream	 zs;
	int		 zs_ready;
#endif
	ZSTD_DCtx	*zd;
};

int
cs_z_detect(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return CS_Z_GZIP;
	/* A zstd frame, or a skippable frame (magic 0x184D2A5?). */
	if (n >= 4 && ((p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f &&
	    p[3] == 0xfd) || ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a &&
	    p[2] == 0x4d && p[3] == 0x18)))
		return CS_Z_ZSTD;
	return CS_Z_NONE;
}

const char *
cs_z_name(int fmt)
{
	return fmt == CS_Z_GZIP ? "gzip" : fmt == CS_Z_ZSTD ? "zstd" : "plain";
}

int
cs_z_new(int fmt, struct cs_z **out, struct cs_err *err)
{
	struct cs_z *z;

	*out = NULL;
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	z->fmt = fmt;
	if (fmt == CS_Z_ZSTD) {
		if ((z->zd = ZSTD_createDCtx()) == NULL)
			goto nomem;
	} else if (fmt == CS_Z_GZIP) {
#ifdef CS_HAVE_ISAL
		if ((z->isal = malloc(sizeof(*z->isal))) == NULL)
			goto nomem;
		isal_inflate_init(z->isal);
		z->isal->crc_flag = ISAL_GZIP;
#else
		if (inflateInit2(&z->zs, 16 + MAX_WBITS) != Z_OK)
			goto nomem;
		z->zs_ready = 1;
#endif
	} else {
		free(z);
		return cs_err_set(err, CS_EUSAGE, "not a compressed format");
	}
	*out = z;
	return 0;
nomem:
	cs_z_free(z);
	return cs_err_set(err, CS_ENOMEM, "cannot start %s decompression",
	    cs_z_name(fmt));
}

void
cs_z_free(struct cs_z *z)
{
	if (z == NULL)
		return;
#ifdef CS_HAVE_ISAL
	free(z->isal);
#else
	if (z->zs_ready)
		inflateEnd(&z->zs);
#endif
	ZSTD_freeDCtx(z->zd);
	free(z);
}

uint64_t
cs_z_consumed(const struct cs_z *z)
{
	return z->in_total;
}

static int
damaged(struct cs_err *err, const struct cs_z *z, const char *what)
{
	return cs_err_set(err, CS_EPARSE, "%s at byte %llu", what,
	    (unsigned long long)z->in_total);
}

/*
 * A checksum is checked at the end of its member or frame: say which (the
 * byte it was found at depends on the library).
 */
static int
checksum(struct cs_err *err, const struct cs_z *z)
{
	return cs_err_set(err, CS_EPARSE, "%s checksum mismatch in the %s "
	    "that begins at byte %llu", cs_z_name(z->fmt), z->fmt == CS_Z_GZIP ?
	    "member" : "frame", (unsigned long long)z->unit);
}

/*
 * Between gzip members: another member must follow. (gzip(1) ignores what
 * is not one, with a warning; here it is damage like any other.)
 */
static int
gz_next_member(struct cs_z *z, const unsigned char *in, size_t inlen,
    struct cs_err *err)
{
	if (in[0] != 0x1f || (inlen > 1 && in[1] != 0x8b))
		return damaged(err, z, "not gzip data after a gzip member");
	z->boundary = 0;
	z->unit = z->in_total;
#ifdef CS_HAVE_ISAL
	isal_inflate_reset(z->isal);
	z->isal->crc_flag = ISAL_GZIP;
#else
	if (inflateReset(&z->zs) != Z_OK)
		return damaged(err, z, "cannot restart gzip");
#endif
	return 0;
}

#ifdef CS_HAVE_ISAL
/* One call of isal_inflate(); *done when the member ended. */
static int
gz_step(struct cs_z *z, const unsigned char *in, size_t inlen, size_t *used,
    unsigned char *out, size_t room, size_t *made, struct cs_err *err)
{
	struct inflate_state *s = z->isal;
	int rc;

	s->next_in = (uint8_t *)(uintptr_t)in;
	s->avail_in = (uint32_t)(inlen < PIECE ? inlen : PIECE);
	s->next_out = out;
	s->avail_out = (uint32_t)(room < PIECE ? room : PIECE);
	rc = isal_inflate(s);
	*used = (size_t)(s->next_in - in);
	*made = (size_t)(s->next_out - out);
	z->in_total += *used;
	switch (rc) {
	case ISAL_DECOMP_OK:
		break;
	case ISAL_INVALID_WRAPPER:
	case ISAL_UNSUPPORTED_METHOD:
		return damaged(err, z, "bad gzip header");
	case ISAL_INCORRECT_CHECKSUM:
		return checksum(err, z);
	default:
		return damaged(err, z, "corrupt gzip data");
	}
	if (s->block_state == ISAL_BLOCK_FINISH)
		z->boundary = 1;
	return 0;
}
#else
static int
gz_step(struct cs_z *z, const unsigned char *in, size_t inlen, size_t *used,
    unsigned char *out, size_t room, size_t *made, struct cs_err *err)
{
	z_stream *s = &z->zs;
	const char *m;
	int rc;

	s->next_in = (Bytef *)(uintptr_t)in;
	s->avail_in = (uInt)(inlen < PIECE ? inlen : PIECE);
	s->next_out = out;
	s->avail_out = (uInt)(room < PIECE ? room : PIECE);
	rc = inflate(s, Z_NO_FLUSH);
	*used = (size_t)(s->next_in - in);
	*made = (size_t)(s->next_out - out);
	z->in_total += *used;
	switch (rc) {
	case Z_STREAM_END:
		z->boundary = 1;
		/* FALLTHROUGH */
	case Z_OK:
	case Z_BUF_ERROR:	/* no progress possible: more input */
		return 0;
	case Z_MEM_ERROR:
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	/* The same words as ISA-L's codes above, whichever library. */
	m = s->msg != NULL ? s->msg : "";
	if (strstr(m, "header") != NULL || strstr(m, "method") != NULL ||
	    strstr(m, "window size") != NULL)
		return damaged(err, z, "bad gzip header");
	if (strstr(m, "data check") != NULL || strstr(m, "length check") !=
	    NULL)
		return checksum(err, z);
	return damaged(err, z, "corrupt gzip data");
}
#endif

static int
zstd_step(struct cs_z *z, const unsigned char *in, size_t inlen,
    size_t *used, unsigned char *out, size_t room, size_t *made,
    struct cs_err *err)
{
	ZSTD_inBuffer ib = { in, inlen, 0 };
	ZSTD_outBuffer ob = { out, room, 0 };
	size_t r;
	char what[160];

	if (z->boundary && inlen > 0)
		z->unit = z->in_total;
	r = ZSTD_decompressStream(z->zd, &ob, &ib);
	*used = ib.pos;
	*made = ob.pos;
	z->in_total += ib.pos;
	if (ZSTD_isError(r)) {
		if (ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation)
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		if (ZSTD_getErrorCode(r) == ZSTD_error_checksum_wrong)
			return checksum(err, z);
		snprintf(what, sizeof(what), "corrupt zstd data (%s)",
		    ZSTD_getErrorName(r));
		return damaged(err, z, what);
	}
	/* 0: a frame is whole and flushed; the next input starts another.
	 * (A call that did nothing says nothing.) */
	if (ib.pos > 0 || ob.pos > 0)
		z->boundary = r == 0;
	return 0;
}

int
cs_z_run(struct cs_z *z, const unsigned char **in, size_t *inlen,
    unsigned char *out, size_t *outlen, struct cs_err *err)
{
	size_t room = *outlen, made = 0, u, m, cap;
	int rc = 0;

	*outlen = 0;
	while (made < room) {
		/*
		 * The bomb check runs at fixed output offsets, so that
		 * where a stream stops does not depend on how its output
		 * was cut into calls.
		 */
		if (z->out_total - z->mark_out >= CS_Z_BOMB_WINDOW) {
			if (z->out_total - z->mark_out > CS_Z_BOMB_RATIO *
			    (z->in_total - z->mark_in)) {
				*outlen = made;
				return damaged(err, z, "decompression bomb "
				    "(over 1000 bytes out per byte in)");
			}
			z->mark_in = z->in_total;
			z->mark_out = z->out_total;
		}
		cap = room - made;
		if (cap > z->mark_out + CS_Z_BOMB_WINDOW - z->out_total)
			cap = (size_t)(z->mark_out + CS_Z_BOMB_WINDOW -
			    z->out_total);
		if (z->fmt == CS_Z_GZIP) {
			if (z->boundary && *inlen > 0 && (rc =
			    gz_next_member(z, *in, *inlen, err)) == -1)
				break;
			rc = gz_step(z, *in, *inlen, &u, out + made, cap, &m,
			    err);
		} else
			rc = zstd_step(z, *in, *inlen, &u, out + made, cap, &m,
			    err);
		*in += u;
		*inlen -= u;
		made += m;
		z->out_total += m;
		if (rc == -1)
			break;
		if (u == 0 && m == 0)
			break;		/* wants more input */
	}
	*outlen = made;
	return rc == -1 ? -1 : 0;
}

int
cs_z_finish(const struct cs_z *z, struct cs_err *err)
{
	char what[64];

	if (z->boundary)
		return 0;
	snprintf(what, sizeof(what), "truncated %s stream", cs_z_name(z->fmt));
	return damaged(err, z, what);
}
