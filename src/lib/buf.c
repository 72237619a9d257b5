#include "certsift/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cs_buf_grow(struct cs_buf *b, size_t extra, struct cs_err *err)
{
	size_t need, cap;
	unsigned char *p;

	/* One byte more than asked for the NUL after data[len]. */
	if (extra > SIZE_MAX - b->len - 1)
		return cs_err_set(err, CS_ENOMEM, "buffer size overflow");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory (%zu bytes)",
		    cap);
	b->data = p;
	b->cap = cap;
	b->data[b->len] = '\0';
	return 0;
}

int
cs_buf_append(struct cs_buf *b, const void *p, size_t n, struct cs_err *err)
{
	if (cs_buf_grow(b, n, err) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
cs_buf_appendf(struct cs_buf *b, struct cs_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return cs_err_set(err, CS_EUSAGE, "bad format");
	if (cs_buf_grow(b, (size_t)n, err) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
cs_buf_reset(struct cs_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
cs_buf_release(struct cs_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

unsigned char *
cs_buf_detach(struct cs_buf *b, size_t *len)
{
	unsigned char *p = b->data;

	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
