/*
 * The input splitter (JSON Lines, arrays, single documents, gzip, a BOM,
 * CRLF), differentially: the same bytes read from a mapping, from a file
 * descriptor and gzipped through a file descriptor give the same documents
 * (bytes, lines, whether they are array elements or malformed), and going
 * on from any document's saved position (as a resumed ingest does) gives
 * the documents after it. Any disagreement aborts.
 */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"
#include "zsrc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXDOCS	4096

struct doc {
	unsigned char	*p;
	size_t		 len;
	uint64_t	 line;
	int		 element;
	int		 bad;
	uint64_t	 next_offset, next_line;
	int		 next_mode;
};

struct docs {
	struct doc	 v[MAXDOCS];
	size_t		 n;
	int		 rc;		/* cs_input_next's last: 0 or -1 */
};

static struct docs	mapped, fromfd, resumed;

static void
clear(struct docs *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].p);
	d->n = 0;
}

/* Reads every document of in into d (at most MAXDOCS). */
static void
collect(struct cs_input *in, struct docs *d)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_doc doc;
	struct doc *x;

	clear(d);
	while (d->n < MAXDOCS && (d->rc = cs_input_next(in, &doc, &err)) == 1) {
		x = &d->v[d->n++];
		if (doc.len > 0 && (x->p = malloc(doc.len)) == NULL)
			abort();
		if (doc.len > 0)
			memcpy(x->p, doc.p, doc.len);
		else
			x->p = NULL;
		x->len = doc.len;
		x->line = doc.line;
		x->element = doc.element;
		x->bad = doc.bad != NULL;
		x->next_offset = doc.next_offset;
		x->next_line = doc.next_line;
		x->next_mode = doc.next_mode;
	}
}

static void
same(const struct docs *a, size_t from, const struct docs *b, const char *what)
{
	size_t i;

	if (a->n - from != b->n) {
		fprintf(stderr, "%s: %zu documents, not %zu\n", what, b->n,
		    a->n - from);
		abort();
	}
	for (i = 0; i < b->n; i++) {
		const struct doc *x = &a->v[from + i], *y = &b->v[i];

		if (x->len != y->len || (x->len > 0 && memcmp(x->p, y->p,
		    x->len) != 0) || x->line != y->line || x->element !=
		    y->element || x->bad != y->bad || x->next_offset !=
		    y->next_offset || x->next_line != y->next_line ||
		    x->next_mode != y->next_mode) {
			fprintf(stderr, "%s: document %zu differs\n", what,
			    from + i);
			abort();
		}
	}
}

/* A memfd holding data, at offset 0. */
static int
memfd(const void *data, size_t size)
{
	int fd = memfd_create("fuzz_input", 0);

	if (fd == -1 || (size > 0 && write(fd, data, size) != (ssize_t)size) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

static unsigned char *
gzip(const uint8_t *data, size_t size, size_t *outlen)
{
	z_stream zs;
	unsigned char *out;
	size_t cap = size + size / 8 + 64;

	memset(&zs, 0, sizeof(zs));
	if ((out = malloc(cap)) == NULL || deflateInit2(&zs, 6, Z_DEFLATED,
	    16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)size;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_zsrc_opts zo;		/* unthreaded */
	struct cs_input in;
	unsigned char *copy, *gz;
	size_t gzlen, k;
	int fd, isgz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;

	memset(&zo, 0, sizeof(zo));
	/* The mapping exactly as long as the data: ASan sees overreads. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	if (cs_input_init_map(&in, copy, size, 0, 1, CS_SPLIT_DETECT,
	    &err) == -1)
		abort();
	collect(&in, &mapped);
	cs_input_release(&in);

	/* The same bytes through a file descriptor (gunzipped when they
	 * are gzip, then nothing to compare with). */
	fd = memfd(data, size);
	if (cs_input_init(&in, fd, 0, 1, CS_SPLIT_DETECT, &zo, &err) == 0) {
		collect(&in, &fromfd);
		if (!isgz && mapped.n < MAXDOCS)
			same(&mapped, 0, &fromfd, "read from a descriptor");
	} else if (!isgz)
		abort();
	cs_input_release(&in);
	close(fd);

	if (!isgz && mapped.n < MAXDOCS) {
		/* Gzipped: the same documents. */
		gz = gzip(data, size, &gzlen);
		fd = memfd(gz, gzlen);
		if (cs_input_init(&in, fd, 0, 1, CS_SPLIT_DETECT, &zo,
		    &err) == -1)
			abort();
		collect(&in, &fromfd);
		same(&mapped, 0, &fromfd, "gzipped");
		cs_input_release(&in);
		close(fd);
		free(gz);

		/* Resumed after one of them: the rest. */
		if (mapped.n > 0) {
			k = size % mapped.n;
			if (cs_input_init_map(&in, copy, size,
			    mapped.v[k].next_offset, mapped.v[k].next_line,
			    mapped.v[k].next_mode, &err) == -1)
				abort();
			collect(&in, &resumed);
			same(&mapped, k + 1, &resumed, "resumed");
			cs_input_release(&in);
		}
	}
	clear(&mapped);
	clear(&fromfd);
	clear(&resumed);
	free(copy);
	return 0;
}
