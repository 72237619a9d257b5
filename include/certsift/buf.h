#ifndef CERTSIFT_BUF_H
#define CERTSIFT_BUF_H

#include <stddef.h>

#include "certsift/err.h"

/*
 * A growable byte buffer. data[len] is always NUL when data is not NULL, for
 * convenience; len rules, since the contents may be binary. A buffer is
 * one thread's (or guarded by its owner's lock).
 */
struct cs_buf {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
};

#define CS_BUF_INIT { NULL, 0, 0 }

/* Make room for extra more bytes. Returns -1 with CS_ENOMEM on overflow. */
int	cs_buf_grow(struct cs_buf *b, size_t extra, struct cs_err *err);
int	cs_buf_append(struct cs_buf *b, const void *p, size_t n,
	    struct cs_err *err);
int	cs_buf_appendf(struct cs_buf *b, struct cs_err *err,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Empties the buffer and keeps its capacity. */
void	cs_buf_reset(struct cs_buf *b);
/* Frees the contents; b is CS_BUF_INIT again. Accepts NULL. */
void	cs_buf_release(struct cs_buf *b);
/* Hands the contents to the caller (free() them); b is CS_BUF_INIT again. */
unsigned char	*cs_buf_detach(struct cs_buf *b, size_t *len);

#endif
