#include "certsift/json.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "certsift/export.h"

void
cs_jw_init(struct cs_jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* What goes before a value: a comma between items, a line break in a
 * lines array; nothing after a key (the key wrote its colon). */
static void
sep(struct cs_jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->n[w->depth - 1]++ > 0)
		putc(',', w->f);
	if (w->lines[w->depth - 1])
		putc('\n', w->f);
}

static void
open_level(struct cs_jw *w, int c, int lines)
{
	sep(w);
	assert(w->depth < CS_JW_DEPTH);
	putc(c, w->f);
	w->n[w->depth] = 0;
	w->lines[w->depth] = (unsigned char)lines;
	w->depth++;
}

static void
close_level(struct cs_jw *w, int c)
{
	assert(w->depth > 0 && !w->after_key);
	w->depth--;
	if (w->lines[w->depth] && w->n[w->depth] > 0)
		putc('\n', w->f);
	putc(c, w->f);
}

void
cs_jw_object_begin(struct cs_jw *w)
{
	open_level(w, '{', 0);
}

void
cs_jw_object_end(struct cs_jw *w)
{
	close_level(w, '}');
}

void
cs_jw_array_begin(struct cs_jw *w)
{
	open_level(w, '[', 0);
}

void
cs_jw_array_begin_lines(struct cs_jw *w)
{
	open_level(w, '[', 1);
}

void
cs_jw_array_end(struct cs_jw *w)
{
	close_level(w, ']');
}

void
cs_jw_key(struct cs_jw *w, const char *key)
{
	sep(w);
	cs_json_string(w->f, key, strlen(key));
	putc(':', w->f);
	w->after_key = 1;
}

void
cs_jw_string(struct cs_jw *w, const char *s, size_t n)
{
	sep(w);
	cs_json_string(w->f, s, n);
}

void
cs_jw_str(struct cs_jw *w, const char *s)
{
	if (s == NULL)
		cs_jw_null(w);
	else
		cs_jw_string(w, s, strlen(s));
}

void
cs_jw_u64(struct cs_jw *w, uint64_t v)
{
	sep(w);
	fprintf(w->f, "%" PRIu64, v);
}

void
cs_jw_i64(struct cs_jw *w, int64_t v)
{
	sep(w);
	fprintf(w->f, "%" PRId64, v);
}

void
cs_jw_bool(struct cs_jw *w, int v)
{
	sep(w);
	fputs(v ? "true" : "false", w->f);
}

void
cs_jw_null(struct cs_jw *w)
{
	sep(w);
	fputs("null", w->f);
}

void
cs_jw_double(struct cs_jw *w, double v, int decimals)
{
	sep(w);
	fprintf(w->f, "%.*f", decimals, v);
}

void
cs_jw_key_str(struct cs_jw *w, const char *key, const char *s)
{
	cs_jw_key(w, key);
	cs_jw_str(w, s);
}

void
cs_jw_key_string(struct cs_jw *w, const char *key, const char *s,
    size_t n)
{
	cs_jw_key(w, key);
	cs_jw_string(w, s, n);
}

void
cs_jw_key_u64(struct cs_jw *w, const char *key, uint64_t v)
{
	cs_jw_key(w, key);
	cs_jw_u64(w, v);
}

void
cs_jw_key_i64(struct cs_jw *w, const char *key, int64_t v)
{
	cs_jw_key(w, key);
	cs_jw_i64(w, v);
}

void
cs_jw_key_bool(struct cs_jw *w, const char *key, int v)
{
	cs_jw_key(w, key);
	cs_jw_bool(w, v);
}

void
cs_jw_key_null(struct cs_jw *w, const char *key)
{
	cs_jw_key(w, key);
	cs_jw_null(w);
}
