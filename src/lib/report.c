#include "certsift/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "certsift/vec.h"
#include "internal.h"

/*
 * The fields a report can carry, as either reader found them in one object
 * (the report itself or its "meta" object).
 */
struct fields {
	const char	*host;
	size_t		 host_len;
	double		 num[3];	/* port, timestamp, errorCode */
	unsigned	 num_set;	/* bit i: num[i] is a number */
	unsigned	 seen;		/* bit per key, to catch repeats */
	int		 host_set;
	int		 chain_set;	/* failedCertChain is an array */
	size_t		 chain_off;	/* its entries in r->spans */
	size_t		 chain_n;
};

enum { K_PORT, K_TIMESTAMP, K_ERROR, K_HOST, K_CHAIN, K_META };

struct cs_reader {
	int		 mode;
	struct cs_span	*spans;
	size_t		 nspans;
	size_t		 capspans;
	struct fields	 fast_top;
	char		 host[CS_HOST_MAX + 1];
};

struct cs_reader *
cs_reader_new(int mode)
{
	struct cs_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->mode = mode;
	return r;
}

void
cs_reader_free(struct cs_reader *r)
{
	if (r == NULL)
		return;
	free(r->spans);
	free(r);
}

static int
push_span(struct cs_reader *r, const char *p, size_t len)
{
	if (r->nspans == r->capspans && cs_vec_grow(&r->spans, &r->capspans,
	    r->nspans + 1, sizeof(*r->spans)) == -1)
		return -1;
	r->spans[r->nspans].p = p;
	r->spans[r->nspans].len = len;
	r->nspans++;
	return 0;
}

size_t
cs_host_normalise(char *host, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (host[i] >= 'A' && host[i] <= 'Z')
			host[i] += 'a' - 'A';
	if (len > 0 && host[len - 1] == '.')
		len--;
	return len;
}

/* A JSON number as an integer: truncated toward zero, absent when out of
 * range. */
static int
to_int64(double d, int64_t *out)
{
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* Builds the report from the fields and calls fn. */
static int
deliver(struct cs_reader *r, const struct fields *f, cs_report_fn fn,
    void *arg)
{
	struct cs_report rep;
	int64_t v;

	if (!f->chain_set)
		return fn(arg, NULL, "no failedCertChain array");
	memset(&rep, 0, sizeof(rep));
	if (f->host_set == 1 && f->host_len <= CS_HOST_MAX) {
		memcpy(r->host, f->host, f->host_len);
		rep.host_len = cs_host_normalise(r->host, f->host_len);
		r->host[rep.host_len] = '\0';
		if (rep.host_len > 0)
			rep.host = r->host;
	}
	if ((f->num_set & 1 << K_PORT) && to_int64(f->num[K_PORT], &v) == 0) {
		rep.port = v;
		rep.has |= CS_HAS_PORT;
	}
	if ((f->num_set & 1 << K_TIMESTAMP) &&
	    to_int64(f->num[K_TIMESTAMP], &v) == 0) {
		rep.timestamp = v;
		rep.has |= CS_HAS_TIMESTAMP;
	}
	if ((f->num_set & 1 << K_ERROR) && to_int64(f->num[K_ERROR], &v) == 0
	    && v >= INT32_MIN && v <= INT32_MAX) {
		rep.error = (int32_t)v;
		rep.has |= CS_HAS_ERROR;
	}
	rep.chain = f->chain_n > 0 ? r->spans + f->chain_off : NULL;
	rep.nchain = f->chain_n;
	return fn(arg, &rep, NULL);
}

/* ---- the fast reader ---------------------------------------------------- */

enum { FP_OK = 0, FP_REJECT = -1, FP_UNSURE = -2 };

#define FP_MAX_DEPTH	64

struct fp {
	struct cs_reader	*r;
	const unsigned char	*p;
	const unsigned char	*end;
	struct fields		 top;
	struct fields		 meta;
	int			 meta_set;
};

static void
skip_ws(struct fp *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' ||
	    *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

/* Checks one UTF-8 sequence at p as jansson does: no overlong forms, no
 * surrogates, nothing above U+10FFFF. Returns its length or 0. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned int c = p[0], v, n, i;

	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		n = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		n = 3;
		v = c & 0x0f;
	} else if (c < 0xf5) {
		n = 4;
		v = c & 0x07;
	} else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	return n;
}

static int
hexval(unsigned int c)
{
	if (c >= '0' && c <= '9')
		return (int)c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return (int)c - 'a' + 10;
	return -1;
}

/*
 * A string at s->p (the opening quote). Sets *str and *len to its raw
 * contents and *esc when it holds an escape.
 */
static int
fp_string(struct fp *s, const char **str, size_t *len, int *esc)
{
	const unsigned char *p = s->p + 1, *end = s->end;
	size_t n;

	*esc = 0;
	*str = (const char *)p;
	for (;;) {
		p = cs_scan_plain(p, end);
		if (p >= end)
			return FP_REJECT;
		if (*p == '"')
			break;
		if (*p == '\\') {
			*esc = 1;
			if (end - p < 2)
				return FP_REJECT;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				continue;
			case 'u': {
				int a, b, c, d;
				unsigned int v;

				if (end - p < 6)
					return FP_REJECT;
				a = hexval(p[2]), b = hexval(p[3]);
				c = hexval(p[4]), d = hexval(p[5]);
				if ((a | b | c | d) < 0)
					return FP_REJECT;
				v = (unsigned)(a << 12 | b << 8 | c << 4 | d);
				/* Surrogate pairs: let jansson judge them. */
				if (v >= 0xd800 && v <= 0xdfff)
					return FP_UNSURE;
				p += 6;
				continue;
			}
			default:
				return FP_REJECT;
			}
		}
		if (*p < 0x20)
			return FP_REJECT;
		if ((n = utf8_len(p, end)) == 0)
			return FP_REJECT;
		p += n;
	}
	*len = (size_t)(p - (const unsigned char *)*str);
	s->p = p + 1;
	return FP_OK;
}

/* A number at s->p; its value in *out when out is not NULL. */
static int
fp_number(struct fp *s, double *out)
{
	const unsigned char *p = s->p, *start = s->p, *end = s->end;
	int big = 0;
	char tmp[64], *e;
	double d;

	if (p < end && *p == '-')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return FP_REJECT;
	if (*p == '0') {
		p++;
	} else {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return FP_REJECT;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		big = 1;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return FP_REJECT;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	s->p = p;
	if ((size_t)(p - start) >= sizeof(tmp))
		return FP_UNSURE;
	/* jansson reads every number with strtod and rejects overflow. */
	if (out == NULL && !big && p - start <= 20)
		return FP_OK;
	memcpy(tmp, start, (size_t)(p - start));
	tmp[p - start] = '\0';
	errno = 0;
	d = strtod(tmp, &e);
	if (isinf(d))
		return FP_REJECT;
	if (out != NULL)
		*out = d;
	return FP_OK;
}

static int fp_value(struct fp *s, int depth);

/* After a member or element: 1 at the closing bracket, 0 after a comma. */
static int
fp_after(struct fp *s, unsigned char close)
{
	skip_ws(s);
	if (s->p >= s->end)
		return FP_REJECT;
	if (*s->p == close) {
		s->p++;
		return 1;
	}
	if (*s->p != ',')
		return FP_REJECT;
	s->p++;
	return 0;
}
static int fp_object(struct fp *s, int depth, struct fields *f, int top);

static int
fp_array(struct fp *s, int depth, struct fields *chain)
{
	int rc;

	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return FP_OK;
	}
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end)
			return FP_REJECT;
		if (chain != NULL) {
			if (*s->p == '"') {
				const char *str;
				size_t len;
				int esc;

				if ((rc = fp_string(s, &str, &len, &esc)) != 0)
					return rc;
				if (esc)
					return FP_UNSURE;
				if (push_span(s->r, str, len) == -1)
					return FP_UNSURE;
			} else {
				if ((rc = fp_value(s, depth + 1)) != 0)
					return rc;
				if (push_span(s->r, NULL, 0) == -1)
					return FP_UNSURE;
			}
			chain->chain_n++;
		} else if ((rc = fp_value(s, depth + 1)) != 0)
			return rc;
		if ((rc = fp_after(s, ']')) != 0)
			return rc == 1 ? FP_OK : rc;
	}
}

static int
fp_literal(struct fp *s, const char *lit, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return FP_REJECT;
	s->p += n;
	return FP_OK;
}

static int
fp_value(struct fp *s, int depth)
{
	const char *str;
	size_t len;
	int esc;

	if (depth > FP_MAX_DEPTH)
		return FP_UNSURE;
	skip_ws(s);
	if (s->p >= s->end)
		return FP_REJECT;
	switch (*s->p) {
	case '{':
		return fp_object(s, depth, NULL, 0);
	case '[':
		return fp_array(s, depth, NULL);
	case '"':
		return fp_string(s, &str, &len, &esc);
	case 't':
		return fp_literal(s, "true", 4);
	case 'f':
		return fp_literal(s, "false", 5);
	case 'n':
		return fp_literal(s, "null", 4);
	default:
		return fp_number(s, NULL);
	}
}

static int
key_id(const char *k, size_t n, int top)
{
	switch (n) {
	case 4:
		if (memcmp(k, "port", 4) == 0)
			return K_PORT;
		if (top && memcmp(k, "meta", 4) == 0)
			return K_META;
		break;
	case 8:
		if (memcmp(k, "hostname", 8) == 0)
			return K_HOST;
		break;
	case 9:
		if (memcmp(k, "timestamp", 9) == 0)
			return K_TIMESTAMP;
		if (memcmp(k, "errorCode", 9) == 0)
			return K_ERROR;
		break;
	case 15:
		if (memcmp(k, "failedCertChain", 15) == 0)
			return K_CHAIN;
		break;
	}
	return -1;
}

/*
 * An object at s->p. With f, the keys a report uses are captured into it
 * (top: the report itself, which may also hold "meta").
 */
/*
 * The value of an object's member whose key is id (K_*, or -1 for one
 * not used): kept in f where it is a field's, else checked and skipped.
 */
static int
fp_member(struct fp *s, int depth, struct fields *f, int id)
{
	const char *str;
	size_t len;
	int rc, esc;

	switch (id) {
	case K_HOST:
		if (*s->p == '"') {
			if ((rc = fp_string(s, &str, &len, &esc)) != 0)
				return rc;
			if (esc)
				return FP_UNSURE;
			f->host = str;
			f->host_len = len;
			f->host_set = 1;
		} else if ((rc = fp_value(s, depth + 1)) != 0)
			return rc;
		break;
	case K_PORT:
	case K_TIMESTAMP:
	case K_ERROR:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) {
			if ((rc = fp_number(s, &f->num[id])) != 0)
				return rc;
			f->num_set |= 1u << id;
		} else if ((rc = fp_value(s, depth + 1)) != 0)
			return rc;
		break;
	case K_CHAIN:
		if (*s->p == '[') {
			f->chain_set = 1;
			f->chain_off = s->r->nspans;
			f->chain_n = 0;
			if ((rc = fp_array(s, depth + 1, f)) != 0)
				return rc;
		} else if ((rc = fp_value(s, depth + 1)) != 0)
			return rc;
		break;
	case K_META:
		if (*s->p == '{') {
			s->meta_set = 1;
			if ((rc = fp_object(s, depth + 1, &s->meta, 0)) != 0)
				return rc;
		} else if ((rc = fp_value(s, depth + 1)) != 0)
			return rc;
		break;
	default:
		if ((rc = fp_value(s, depth + 1)) != 0)
			return rc;
	}
	return 0;
}

static int
fp_object(struct fp *s, int depth, struct fields *f, int top)
{
	const char *key;
	size_t klen;
	int rc, esc, id;

	if (depth > FP_MAX_DEPTH)
		return FP_UNSURE;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return FP_OK;
	}
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return FP_REJECT;
		if ((rc = fp_string(s, &key, &klen, &esc)) != 0)
			return rc;
		id = -1;
		/* An escaped key could spell one we use, or hold a NUL that
		 * jansson refuses in keys: let jansson judge those. */
		if (esc && (f != NULL || memmem(key, klen, "\\u0000", 6) !=
		    NULL))
			return FP_UNSURE;
		if (f != NULL) {
			if ((id = key_id(key, klen, top)) >= 0) {
				/* jansson keeps the last of repeated keys. */
				if (f->seen & 1u << id)
					return FP_UNSURE;
				f->seen |= 1u << id;
			}
		}
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return FP_REJECT;
		s->p++;
		skip_ws(s);
		if (s->p >= s->end)
			return FP_REJECT;
		if ((rc = fp_member(s, depth, f, id)) != 0)
			return rc;
		if ((rc = fp_after(s, '}')) != 0)
			return rc == 1 ? FP_OK : rc;
	}
}

static int
fast_parse(struct cs_reader *r, const char *doc, size_t len,
    const struct fields **out)
{
	static const struct fields empty;
	struct fp s;
	int rc;

	s.r = r;
	s.p = (const unsigned char *)doc;
	s.end = s.p + len;
	s.top = empty;
	s.meta = empty;
	s.meta_set = 0;
	r->nspans = 0;
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{')
		return FP_UNSURE;	/* arrays, scalars, errors: jansson */
	if ((rc = fp_object(&s, 1, &s.top, 1)) != 0)
		return rc;
	skip_ws(&s);
	if (s.p != s.end)
		return FP_REJECT;
	/* Copy out: the fields live in the reader from here on. */
	r->fast_top = s.meta_set ? s.meta : s.top;
	*out = &r->fast_top;
	return FP_OK;
}

/* ---- the jansson reader ------------------------------------------------- */

static void
j_fields(struct cs_reader *r, json_t *obj, struct fields *f)
{
	static const char *const numkeys[3] = {
		"port", "timestamp", "errorCode"
	};
	json_t *meta, *v, *e;
	size_t i;

	memset(f, 0, sizeof(*f));
	if ((meta = json_object_get(obj, "meta")) != NULL &&
	    json_is_object(meta))
		obj = meta;
	if ((v = json_object_get(obj, "hostname")) != NULL &&
	    json_is_string(v)) {
		f->host = json_string_value(v);
		f->host_len = json_string_length(v);
		f->host_set = 1;
	}
	for (i = 0; i < 3; i++) {
		if ((v = json_object_get(obj, numkeys[i])) != NULL &&
		    json_is_number(v)) {
			f->num[i] = json_number_value(v);
			f->num_set |= 1u << i;
		}
	}
	r->nspans = 0;
	if ((v = json_object_get(obj, "failedCertChain")) != NULL &&
	    json_is_array(v)) {
		f->chain_set = 1;
		json_array_foreach(v, i, e) {
			int rc;

			if (json_is_string(e))
				rc = push_span(r, json_string_value(e),
				    json_string_length(e));
			else
				rc = push_span(r, NULL, 0);
			if (rc == -1) {
				f->chain_set = 0;	/* out of memory */
				break;
			}
			f->chain_n++;
		}
	}
}

static int
j_candidate(struct cs_reader *r, json_t *v, cs_report_fn fn, void *arg)
{
	struct fields f;

	if (!json_is_object(v))
		return fn(arg, NULL, "not an object");
	j_fields(r, v, &f);
	return deliver(r, &f, fn, arg);
}

static int
jansson_parse(struct cs_reader *r, const char *doc, size_t len, int flags,
    cs_report_fn fn, void *arg)
{
	json_error_t jerr;
	json_t *root, *e;
	char why[256];
	size_t i;
	int n = 0;

	root = json_loadb(doc, len, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL,
	    &jerr);
	if (root == NULL) {
		snprintf(why, sizeof(why), "invalid JSON: %s (line %d, "
		    "column %d)", jerr.text, jerr.line, jerr.column);
		return fn(arg, NULL, why) == -1 ? -1 : 1;
	}
	if (json_is_array(root) && !(flags & CS_DOC_ELEMENT)) {
		json_array_foreach(root, i, e) {
			n++;
			if (j_candidate(r, e, fn, arg) == -1) {
				n = -1;
				break;
			}
		}
	} else {
		n = j_candidate(r, root, fn, arg) == -1 ? -1 : 1;
	}
	json_decref(root);
	return n;
}

int
cs_reader_parse(struct cs_reader *r, const char *doc, size_t len, int flags,
    cs_report_fn fn, void *arg)
{
	const struct fields *f;
	int rc;

	if (r->mode != CS_READER_JANSSON) {
		rc = fast_parse(r, doc, len, &f);
		if (rc == FP_OK)
			return deliver(r, f, fn, arg) == -1 ? -1 : 1;
		/* jansson reads a raw NUL after a number or a literal as the
		 * end of that token: where we reject, it may not. */
		if (rc == FP_REJECT && memchr(doc, '\0', len) != NULL)
			rc = FP_UNSURE;
		if (r->mode == CS_READER_FAST) {
			if (rc == FP_UNSURE)
				return CS_READER_UNSURE;
			return fn(arg, NULL, "invalid JSON") == -1 ? -1 : 1;
		}
	}
	return jansson_parse(r, doc, len, flags, fn, arg);
}
