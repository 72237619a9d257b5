#ifndef CERTSIFT_INPUT_H
#define CERTSIFT_INPUT_H

/*
 * Input: bytes from a file descriptor, a mapping or a decompressing source
 * (gzip and zstd are recognised by their magic bytes), cut into JSON
 * documents: the lines of JSON Lines, the elements of a top-level array,
 * or whole documents.
 */

#include <stdint.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "zsrc.h"

#define CS_DOC_MAX	((size_t)64 << 20)	/* larger: malformed */

/* Where the splitter is; saved with a file's progress to resume there. */
enum {
	CS_SPLIT_DETECT = 0,	/* between top-level values */
	CS_SPLIT_LINES,		/* JSON Lines */
	CS_SPLIT_ARRAY		/* inside a top-level array */
};

struct cs_input {
	int		 fd;
	struct cs_zsrc	*z;		/* compressed: the bytes come here */
	unsigned char	 peek[8];	/* read from fd to recognise it */
	size_t		 npeek;
	uint64_t	 raw_bytes;	/* bytes read from fd */
	const char	*damage;	/* the stream ended damaged: why */

	struct cs_buf	 buf;		/* uncompressed bytes */
	size_t		 pos;		/* next byte to look at in buf */
	uint64_t	 base;		/* offset of buf.data[0] */
	int		 eof;
	uint64_t	 line;		/* line number at pos (1-based) */
	int		 mode;		/* CS_SPLIT_* */
	int		 started;	/* BOM check done */
	int		 mapped;	/* buf is a read-only file mapping */
};

struct cs_doc {
	const char	*p;
	size_t		 len;
	uint64_t	 line;		/* where it starts */
	int		 element;	/* an element of a top-level array */
	const char	*bad;		/* not NULL: malformed before parsing */
	uint64_t	 next_offset;	/* resume here to go on after it */
	uint64_t	 next_line;
	int		 next_mode;
};

/*
 * Starts reading fd at uncompressed offset off (a document boundary saved
 * from cs_doc.next_*), line and mode. Compressed bytes are decompressed
 * through a source opened with zo (its fmt, map and fd are not used).
 * Returns 0 or -1.
 */
int	cs_input_init(struct cs_input *in, int fd, uint64_t off,
	    uint64_t line, int mode, const struct cs_zsrc_opts *zo,
	    struct cs_err *err);
/* The same over a decompressing source, which it takes over. */
int	cs_input_init_src(struct cs_input *in, struct cs_zsrc *z,
	    uint64_t off, uint64_t line, int mode, struct cs_err *err);
/*
 * The same over a mapped, uncompressed file: documents then point into
 * the mapping, which must outlive them.
 */
int	cs_input_init_map(struct cs_input *in, const unsigned char *map,
	    size_t len, uint64_t off, uint64_t line, int mode,
	    struct cs_err *err);
/*
 * Returns 1 with the next document, 0 at the end, -1 on an I/O error. The
 * document is valid until the next call. When the stream ends damaged
 * (damage set), a document it cuts short is not returned: the input ends
 * at pos, after the last whole one.
 */
int	cs_input_next(struct cs_input *in, struct cs_doc *doc,
	    struct cs_err *err);
void	cs_input_release(struct cs_input *in);
/* Bytes of the file read so far (compressed bytes when it is). */
uint64_t cs_input_file_bytes(struct cs_input *in);

#endif
