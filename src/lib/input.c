#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decomp.h"

#define CHUNK	((size_t)1 << 20)

/* Appends up to CHUNK more uncompressed bytes to in->buf; sets eof. */
static int
fill(struct cs_input *in, struct cs_err *err)
{
	unsigned char *o;
	size_t n;
	ssize_t r;

	if (in->eof)
		return 0;
	if (in->mapped) {
		in->eof = 1;
		return 0;
	}
	if (cs_buf_grow(&in->buf, CHUNK, err) == -1)
		return -1;
	o = in->buf.data + in->buf.len;
	if (in->z != NULL) {
		if (cs_zsrc_read(in->z, o, CHUNK, &n, err) == -1)
			return -1;
		if (n == 0)
			in->damage = cs_zsrc_damage(in->z);
	} else if (in->npeek > 0) {
		/* Bytes peeked for the magic come first. */
		memcpy(o, in->peek, in->npeek);
		n = in->npeek;
		in->npeek = 0;
	} else {
		do
			r = read(in->fd, o, CHUNK);
		while (r == -1 && errno == EINTR);
		if (r == -1)
			return cs_err_set(err, CS_EIO, "read error: %s",
			    strerror(errno));
		in->raw_bytes += (uint64_t)r;
		n = (size_t)r;
	}
	if (n == 0)
		in->eof = 1;
	in->buf.len += n;
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

/* Reads up to the saved offset off. */
static int
skip_to(struct cs_input *in, uint64_t off, struct cs_err *err)
{
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
cs_input_init(struct cs_input *in, int fd, uint64_t off, uint64_t line,
    int mode, const struct cs_zsrc_opts *zo, struct cs_err *err)
{
	struct cs_zsrc_opts o;
	ssize_t r;

	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->line = line > 0 ? line : 1;
	in->mode = mode;
	/* Peek at the first bytes: gzip and zstd have magic numbers. */
	while (in->npeek < CS_Z_MAGIC_LEN) {
		r = read(fd, in->peek + in->npeek, CS_Z_MAGIC_LEN - in->npeek);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return cs_err_set(err, CS_EIO, "read error: %s",
			    strerror(errno));
		if (r == 0)
			break;
		in->npeek += (size_t)r;
		in->raw_bytes += (uint64_t)r;
	}
	if ((o.fmt = cs_z_detect(in->peek, in->npeek)) != CS_Z_NONE) {
		if (zo != NULL) {
			o.threaded = zo->threaded;
			o.budget = zo->budget;
			o.pool = zo->pool;
		} else {
			o.threaded = 0;
			o.budget = 0;
			o.pool = NULL;
		}
		o.map = NULL;
		o.maplen = 0;
		o.fd = fd;
		o.head = in->peek;
		o.headlen = in->npeek;
		if (cs_zsrc_open(&o, &in->z, err) == -1)
			return -1;
		in->npeek = 0;
	}
	return skip_to(in, off, err);
}

int
cs_input_init_src(struct cs_input *in, struct cs_zsrc *z, uint64_t off,
    uint64_t line, int mode, struct cs_err *err)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->z = z;
	in->line = line > 0 ? line : 1;
	in->mode = mode;
	return skip_to(in, off, err);
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

uint64_t
cs_input_file_bytes(struct cs_input *in)
{
	if (in->z != NULL)
		return cs_zsrc_consumed(in->z);
	/* A mapped file is "read" at once: count where the splitter is. */
	return in->mapped ? in->base + in->pos : in->raw_bytes;
}

void
cs_input_release(struct cs_input *in)
{
	cs_zsrc_close(in->z);
	in->z = NULL;
	in->damage = NULL;
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
 * Documents over CS_DOC_MAX are skipped and reported as malformed. Returns
 * 1, or 0 when a damaged stream ends inside it.
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
		if (in->eof && in->damage != NULL)
			return 0;	/* cut by the damage: not a document */
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
	/*
	 * A string ends its value at the last byte read: read on now, so
	 * that looking for the comma after it cannot compact the buffer
	 * under the document (found by tests/fuzz/fuzz_input.c).
	 */
	if (i == in->buf.len && !in->eof && fill(in, err) == -1)
		return -1;
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

/*
 * Finds the next newline at or after pos, reading more as needed; bytes
 * already searched are not searched again. NULL at the end of the input
 * or, with stop_at_max, once a line passes CS_DOC_MAX bytes. A line that
 * passes it is dropped as it is read (*oversize): memory stays bounded.
 */
static unsigned char *
find_newline(struct cs_input *in, int stop_at_max, int *oversize,
    struct cs_err *err)
{
	unsigned char *nl;
	size_t seen = 0;	/* bytes after pos with no newline */

	*oversize = 0;
	for (;;) {
		nl = memchr(in->buf.data + in->pos + seen, '\n',
		    in->buf.len - in->pos - seen);
		if (nl != NULL || in->eof)
			return nl;
		seen = in->buf.len - in->pos;
		if (seen > CS_DOC_MAX) {
			if (stop_at_max)
				return NULL;
			*oversize = 1;
			if (!in->mapped) {
				/* Dropped bytes still count as read. */
				in->base += seen;
				in->buf.len = in->pos;
				seen = 0;
			}
		}
		compact(in);
		if (fill(in, err) == -1) {
			*oversize = -1;
			return NULL;
		}
	}
}

/* JSON Lines: the next line that is not blank. Returns like
 * cs_input_next(). */
static int
next_line(struct cs_input *in, struct cs_doc *doc, struct cs_err *err)
{
	unsigned char *nl, *p;
	size_t len, k;
	int rc, oversize;

	for (;;) {
		if ((rc = more(in, err)) <= 0)
			return rc;
		nl = find_newline(in, 0, &oversize, err);
		if (oversize == -1)
			return -1;
		/* A damaged stream's last line, cut short, is not a
		 * report: it is part of the damage. */
		if (nl == NULL && in->damage != NULL)
			return 0;
		p = in->buf.data + in->pos;
		len = nl != NULL ? (size_t)(nl - p) : in->buf.len - in->pos;
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
		if (oversize)
			return 1;
		for (k = 0; k < len && is_ws(p[k]); k++)
			;
		if (k < len)
			return 1;
	}
}

/*
 * Inside a top-level array: the next element; 2 after the closing bracket
 * (mode back to DETECT: another value may follow); 0 at the end of the
 * input, where an array that never closed simply ends.
 */
static int
next_element(struct cs_input *in, struct cs_doc *doc, struct cs_err *err)
{
	int rc;

	if ((rc = skip_ws(in, err)) <= 0) {
		if (rc == 0)
			in->mode = CS_SPLIT_DETECT;
		return rc;
	}
	if (in->buf.data[in->pos] == ']') {
		in->pos++;
		in->mode = CS_SPLIT_DETECT;
		return 2;
	}
	if ((rc = take_value(in, doc, 1, err)) <= 0)
		return rc;
	/* Trailing whitespace is not part of the element. */
	while (doc->len > 0 && is_ws((unsigned char)doc->p[doc->len - 1]))
		doc->len--;
	if (more(in, err) == 1 && in->buf.data[in->pos] == ',')
		in->pos++;
	if (doc->len == 0 && doc->bad == NULL)
		doc->bad = "empty array element";
	return 1;
}

/*
 * Between top-level values: the first line tells the form. A whole value
 * on it, or a line that breaks inside a string: JSON Lines. An opening
 * bracket: an array, read element by element (also one cut short on its
 * only line). Else one value over several lines. Returns 1 with a
 * document, 2 when the mode changed (read again), 0 at the end, -1.
 */
static int
next_detect(struct cs_input *in, struct cs_doc *doc, struct cs_err *err)
{
	struct scan s = { 0, 0, 0, 0 };
	unsigned char *nl;
	size_t i, end;
	uint64_t lines = 0;
	int rc, oversize;

	if ((rc = skip_ws(in, err)) <= 0)
		return rc;
	nl = find_newline(in, 1, &oversize, err);
	if (oversize == -1)
		return -1;
	end = nl != NULL ? (size_t)(nl - in->buf.data) : in->buf.len;
	i = in->pos;
	if (scan_value(&s, in->buf.data, end, &i, 0, &lines) || (nl != NULL &&
	    s.in_str) || (nl == NULL && in->buf.data[in->pos] != '[')) {
		in->mode = CS_SPLIT_LINES;
		return 2;
	}
	if (in->buf.data[in->pos] == '[') {
		in->pos++;
		in->mode = CS_SPLIT_ARRAY;
		return 2;
	}
	return take_value(in, doc, 0, err);
}

/* Skips a UTF-8 byte order mark at the very start. */
static int
skip_bom(struct cs_input *in, struct cs_err *err)
{
	int rc;

	in->started = 1;
	if ((rc = more(in, err)) <= 0)
		return rc;
	while (in->buf.len - in->pos < 3 && !in->eof)
		if (fill(in, err) == -1)
			return -1;
	if (in->buf.len - in->pos >= 3 &&
	    memcmp(in->buf.data + in->pos, "\xef\xbb\xbf", 3) == 0)
		in->pos += 3;
	return 1;
}

int
cs_input_next(struct cs_input *in, struct cs_doc *doc, struct cs_err *err)
{
	int rc;

	if (!in->started && (rc = skip_bom(in, err)) <= 0)
		return rc;
	do {
		switch (in->mode) {
		case CS_SPLIT_LINES:
			rc = next_line(in, doc, err);
			break;
		case CS_SPLIT_ARRAY:
			rc = next_element(in, doc, err);
			break;
		default:
			rc = next_detect(in, doc, err);
			break;
		}
	} while (rc == 2);
	if (rc != 1)
		return rc;
	doc->next_offset = in->base + in->pos;
	doc->next_line = in->line;
	doc->next_mode = in->mode;
	return 1;
}
