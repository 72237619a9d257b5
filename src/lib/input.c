#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	((size_t)1 << 20)

static int
raw_fill(struct cs_input *in, struct cs_err *err)
{
	ssize_t n;

	do
		n = read(in->fd, in->raw, in->rawcap);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return cs_err_set(err, CS_EIO, "read error: %s",
		    strerror(errno));
	if (n == 0)
		in->raw_eof = 1;
	in->raw_bytes += (uint64_t)n;
	in->zs.next_in = in->raw;
	in->zs.avail_in = (uInt)n;
	return 0;
}

/* Appends up to CHUNK more uncompressed bytes to in->buf; sets eof. */
static int
fill(struct cs_input *in, struct cs_err *err)
{
	unsigned char *o;
	ssize_t n;
	int rc;

	if (in->eof)
		return 0;
	if (in->mapped) {
		in->eof = 1;
		return 0;
	}
	if (cs_buf_grow(&in->buf, CHUNK, err) == -1)
		return -1;
	o = in->buf.data + in->buf.len;
	if (!in->gz) {
		/* Bytes peeked for the magic come first. */
		if (in->zs.avail_in > 0) {
			n = (ssize_t)in->zs.avail_in;
			memcpy(o, in->zs.next_in, (size_t)n);
			in->zs.avail_in = 0;
		} else {
			do
				n = read(in->fd, o, CHUNK);
			while (n == -1 && errno == EINTR);
			if (n == -1)
				return cs_err_set(err, CS_EIO, "read error: "
				    "%s", strerror(errno));
			in->raw_bytes += (uint64_t)n;
		}
		if (n == 0)
			in->eof = 1;
		in->buf.len += (size_t)n;
		in->buf.data[in->buf.len] = '\0';
		return 0;
	}
	in->zs.next_out = o;
	in->zs.avail_out = (uInt)CHUNK;
	while (in->zs.avail_out == CHUNK) {
		if (in->zs.avail_in == 0) {
			if (in->raw_eof) {
				if (!in->gz_end)
					in->truncated = 1;
				in->eof = 1;
				break;
			}
			if (raw_fill(in, err) == -1)
				return -1;
			continue;
		}
		if (in->gz_end) {
			/* Another gzip member follows. */
			if (inflateReset(&in->zs) != Z_OK)
				return cs_err_set(err, CS_EIO, "gzip error");
			in->gz_end = 0;
		}
		rc = inflate(&in->zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			in->gz_end = 1;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			/* Corrupt data: treat like a truncated stream. */
			in->truncated = 1;
			in->eof = 1;
			break;
		}
	}
	in->buf.len += CHUNK - in->zs.avail_out;
	in->buf.data[in->buf.len] = '\0';
	return 0;
}

/* Drops consumed bytes from the front of the buffer. */
static void
compact(struct cs_input *in)
{
	if (in->pos == 0 || in->mapped)
		return;
	memmove(in->buf.data, in->buf.data + in->pos, in->buf.len - in->pos);
	in->buf.len -= in->pos;
	in->base += in->pos;
	in->pos = 0;
	in->buf.data[in->buf.len] = '\0';
}

int
cs_input_init(struct cs_input *in, int fd, uint64_t off, uint64_t line,
    int mode, struct cs_err *err)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->line = line > 0 ? line : 1;
	in->mode = mode;
	in->rawcap = CHUNK;
	if ((in->raw = malloc(in->rawcap)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	/* Peek at the first bytes: gzip has the magic 1f 8b. */
	if (raw_fill(in, err) == -1)
		return -1;
	while (!in->raw_eof && in->zs.avail_in < 2) {
		ssize_t n = read(fd, in->raw + in->zs.avail_in,
		    in->rawcap - in->zs.avail_in);

		if (n <= 0) {
			in->raw_eof = n == 0;
			if (n == -1 && errno != EINTR)
				return cs_err_set(err, CS_EIO, "read error: "
				    "%s", strerror(errno));
			continue;
		}
		in->raw_bytes += (uint64_t)n;
		in->zs.avail_in += (uInt)n;
	}
	if (in->zs.avail_in >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		z_stream zs = in->zs;

		memset(&in->zs, 0, sizeof(in->zs));
		if (inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK)
			return cs_err_set(err, CS_ENOMEM, "cannot start gzip");
		in->zs.next_in = zs.next_in;
		in->zs.avail_in = zs.avail_in;
		in->gz = 1;
	}
	/* Skip to the saved offset. */
	in->started = off > 0;
	while (in->base + in->buf.len < off && !in->eof) {
		in->pos = in->buf.len;
		compact(in);
		if (fill(in, err) == -1)
			return -1;
	}
	if (in->base + in->buf.len < off)
		return cs_err_set(err, CS_EIO, "file is shorter than its "
		    "saved progress");
	in->pos = (size_t)(off - in->base);
	return 0;
}

int
cs_input_init_map(struct cs_input *in, const unsigned char *map, size_t len,
    uint64_t off, uint64_t line, int mode, struct cs_err *err)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->line = line > 0 ? line : 1;
	in->mode = mode;
	in->mapped = 1;
	in->eof = 1;
	in->buf.data = (unsigned char *)map;
	in->buf.len = len;
	in->raw_bytes = len;
	if (off > len)
		return cs_err_set(err, CS_EIO, "file is shorter than its "
		    "saved progress");
	in->pos = (size_t)off;
	in->started = off > 0;
	return 0;
}

void
cs_input_release(struct cs_input *in)
{
	if (in->gz)
		inflateEnd(&in->zs);
	free(in->raw);
	in->raw = NULL;
	if (in->mapped)
		memset(&in->buf, 0, sizeof(in->buf));
	else
		cs_buf_release(&in->buf);
}

/* Makes at least one byte after pos available; 0 at the end. */
static int
more(struct cs_input *in, struct cs_err *err)
{
	while (in->pos >= in->buf.len && !in->eof) {
		compact(in);
		if (fill(in, err) == -1)
			return -1;
	}
	return in->pos < in->buf.len;
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips whitespace, counting lines. Returns like more(). */
static int
skip_ws(struct cs_input *in, struct cs_err *err)
{
	int rc;

	while ((rc = more(in, err)) == 1) {
		unsigned char c = in->buf.data[in->pos];

		if (!is_ws(c))
			return 1;
		if (c == '\n')
			in->line++;
		in->pos++;
	}
	return rc;
}

/* A structural scan of JSON: enough to find where a value ends. */
struct scan {
	int	depth;
	int	in_str;
	int	esc;
	int	started;
};

/*
 * Scans buf[*i..len) for the end of a value. stop_comma: a ',' or ']' at
 * depth 0 ends the value (array elements) and is not part of it. Returns
 * 1 when the value ended (at *i), 0 when more bytes are needed. Counts
 * newlines into *lines.
 */
static int
scan_value(struct scan *s, const unsigned char *b, size_t len, size_t *i,
    int stop_comma, uint64_t *lines)
{
	size_t k;

	for (k = *i; k < len; k++) {
		unsigned char c = b[k];

		if (c == '\n')
			(*lines)++;
		if (s->in_str) {
			if (s->esc)
				s->esc = 0;
			else if (c == '\\')
				s->esc = 1;
			else if (c == '"') {
				s->in_str = 0;
				if (s->depth == 0) {
					*i = k + 1;
					return 1;
				}
			}
			continue;
		}
		if (s->depth == 0 && s->started && (stop_comma ? (c == ',' ||
		    c == ']') : (is_ws(c) || c == ',' || c == ']' ||
		    c == '}' || c == '{' || c == '[' || c == '"'))) {
			*i = k;
			return 1;
		}
		if (stop_comma && s->depth == 0 && (c == ',' || c == ']')) {
			*i = k;
			return 1;
		}
		s->started = 1;
		switch (c) {
		case '"':
			s->in_str = 1;
			break;
		case '{':
		case '[':
			s->depth++;
			break;
		case '}':
		case ']':
			if (--s->depth <= 0) {
				s->depth = 0;
				if (!stop_comma) {
					*i = k + 1;
					return 1;
				}
			}
			break;
		}
	}
	*i = len;
	return 0;
}

/*
 * Reads one value (or array element) starting at pos into a document.
 * Documents over CS_DOC_MAX are skipped and reported as malformed.
 */
static int
take_value(struct cs_input *in, struct cs_doc *doc, int element,
    struct cs_err *err)
{
	struct scan s = { 0, 0, 0, 0 };
	size_t i;
	uint64_t lines = 0, start_line = in->line;
	int rc, oversize = 0;

	compact(in);
	i = in->pos;
	for (;;) {
		if (scan_value(&s, in->buf.data, in->buf.len, &i, element,
		    &lines))
			break;
		if (in->eof)
			break;
		if (i - in->pos > CS_DOC_MAX) {
			/* Keep scanning, but stop keeping the bytes. */
			oversize = 1;
			if (!in->mapped) {
				/* Dropped bytes still count as read. */
				in->base += in->buf.len - in->pos;
				in->buf.len = in->pos;
				i = in->pos;
			}
		}
		if ((rc = fill(in, err)) == -1)
			return -1;
	}
	doc->p = (const char *)in->buf.data + in->pos;
	doc->len = i - in->pos;
	doc->line = start_line;
	doc->element = element;
	if (doc->len > CS_DOC_MAX)
		oversize = 1;
	doc->bad = oversize ? "document larger than 64 MiB" : NULL;
	in->line += lines;
	in->pos = i;
	return 1;
}

int
cs_input_next(struct cs_input *in, struct cs_doc *doc, struct cs_err *err)
{
	int rc;

	if (!in->started) {
		in->started = 1;
		if ((rc = more(in, err)) <= 0)
			return rc;
		while (in->buf.len - in->pos < 3 && !in->eof)
			if (fill(in, err) == -1)
				return -1;
		if (in->buf.len - in->pos >= 3 &&
		    memcmp(in->buf.data + in->pos, "\xef\xbb\xbf", 3) == 0)
			in->pos += 3;
	}
	for (;;) {
		switch (in->mode) {
		case CS_SPLIT_LINES: {
			unsigned char *nl, *p;
			size_t len;
			int oversize = 0;

			if ((rc = more(in, err)) <= 0)
				return rc;
			for (;;) {
				nl = memchr(in->buf.data + in->pos, '\n',
				    in->buf.len - in->pos);
				if (nl != NULL || in->eof)
					break;
				if (in->buf.len - in->pos > CS_DOC_MAX) {
					oversize = 1;
					if (!in->mapped) {
						in->base += in->buf.len -
						    in->pos;
						in->buf.len = in->pos;
					}
				}
				compact(in);
				if (fill(in, err) == -1)
					return -1;
			}
			p = in->buf.data + in->pos;
			len = nl != NULL ? (size_t)(nl - p) :
			    in->buf.len - in->pos;
			in->pos += len + (nl != NULL);
			doc->line = in->line++;
			if (len > 0 && p[len - 1] == '\r')
				len--;
			doc->p = (const char *)p;
			doc->len = len;
			doc->element = 0;
			/* (A mapped file has the whole line: check here.) */
			if (len > CS_DOC_MAX)
				oversize = 1;
			doc->bad = oversize ? "line longer than 64 MiB" : NULL;
			if (!oversize) {
				size_t k;

				for (k = 0; k < len && is_ws(p[k]); k++)
					;
				if (k == len)
					continue;	/* blank */
			}
			goto out;
		}
		case CS_SPLIT_ARRAY:
			if ((rc = skip_ws(in, err)) == -1)
				return -1;
			if (rc == 0) {
				/* The array never closed: what came is
				 * counted; the rest is simply not there. */
				in->mode = CS_SPLIT_DETECT;
				return 0;
			}
			if (in->buf.data[in->pos] == ']') {
				in->pos++;
				in->mode = CS_SPLIT_DETECT;
				continue;
			}
			if (take_value(in, doc, 1, err) == -1)
				return -1;
			/* Trailing whitespace is not part of the element. */
			while (doc->len > 0 && is_ws((unsigned char)
			    doc->p[doc->len - 1]))
				doc->len--;
			if (more(in, err) == 1 && in->buf.data[in->pos] == ',')
				in->pos++;
			if (doc->len == 0 && doc->bad == NULL)
				doc->bad = "empty array element";
			goto out;
		default: {
			/* Between values: see what the first line holds. */
			struct scan s = { 0, 0, 0, 0 };
			unsigned char *nl;
			size_t i, end;
			uint64_t lines = 0;

			if ((rc = skip_ws(in, err)) <= 0)
				return rc;
			for (;;) {
				nl = memchr(in->buf.data + in->pos, '\n',
				    in->buf.len - in->pos);
				if (nl != NULL || in->eof ||
				    in->buf.len - in->pos > CS_DOC_MAX)
					break;
				compact(in);
				if (fill(in, err) == -1)
					return -1;
			}
			end = nl != NULL ? (size_t)(nl - in->buf.data) :
			    in->buf.len;
			i = in->pos;
			if (scan_value(&s, in->buf.data, end, &i, 0, &lines) ||
			    (nl != NULL && s.in_str) || (nl == NULL &&
			    in->buf.data[in->pos] != '[')) {
				/* A whole value on the first line, or a
				 * line that breaks inside a string: lines.
				 * (An array cut short on its only line is
				 * read element by element.) */
				in->mode = CS_SPLIT_LINES;
				continue;
			}
			if (in->buf.data[in->pos] == '[') {
				in->pos++;
				in->mode = CS_SPLIT_ARRAY;
				continue;
			}
			if (take_value(in, doc, 0, err) == -1)
				return -1;
			goto out;
		}
		}
	}
out:
	doc->next_offset = in->base + in->pos;
	doc->next_line = in->line;
	doc->next_mode = in->mode;
	return 1;
}
