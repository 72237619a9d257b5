#ifndef CERTSIFT_JSON_H
#define CERTSIFT_JSON_H

/*
 * A JSON writer (after git's json-writer): objects, arrays, strings and
 * numbers go out to a FILE as they are written, and the writer places the
 * commas and colons itself, so no caller writes one. Strings are escaped
 * (cs_json_string(): invalid UTF-8 as U+FFFD), so report content cannot
 * break the document.
 *
 *	struct cs_jw w;
 *
 *	cs_jw_init(&w, stdout);
 *	cs_jw_object_begin(&w);
 *	cs_jw_key_u64(&w, "reports", 42);
 *	cs_jw_key(&w, "hosts");
 *	cs_jw_array_begin(&w);
 *	cs_jw_str(&w, "a.example");
 *	cs_jw_array_end(&w);
 *	cs_jw_object_end(&w);		-> {"reports":42,"hosts":["a.example"]}
 *
 * A value inside an object must follow cs_jw_key(); the cs_jw_key_*()
 * calls write a key and its value at once. A struct cs_jw belongs to one
 * thread; two writers may run in two threads on two FILEs.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CS_JW_DEPTH	16	/* deeper nesting is a programming error */

struct cs_jw {
	FILE		*f;
	int		 depth;
	int		 after_key;
	/* per level: items written so far; whether each item is a line */
	size_t		 n[CS_JW_DEPTH];
	unsigned char	 lines[CS_JW_DEPTH];
};

void	cs_jw_init(struct cs_jw *w, FILE *f);

void	cs_jw_object_begin(struct cs_jw *w);
void	cs_jw_object_end(struct cs_jw *w);
void	cs_jw_array_begin(struct cs_jw *w);
/*
 * An array whose items each begin a line: "[\n1,\n2\n]" ("[]" when empty),
 * the layout of certsift's --json lists.
 */
void	cs_jw_array_begin_lines(struct cs_jw *w);
void	cs_jw_array_end(struct cs_jw *w);

/* The key of the next value, in an object. */
void	cs_jw_key(struct cs_jw *w, const char *key);

/* Values. */
void	cs_jw_string(struct cs_jw *w, const char *s, size_t n);
void	cs_jw_str(struct cs_jw *w, const char *s);	/* NULL: null */
void	cs_jw_u64(struct cs_jw *w, uint64_t v);
void	cs_jw_i64(struct cs_jw *w, int64_t v);
void	cs_jw_bool(struct cs_jw *w, int v);
void	cs_jw_null(struct cs_jw *w);
/* A number with decimals digits after the point ("%.*f"). */
void	cs_jw_double(struct cs_jw *w, double v, int decimals);

/* A key and its value. */
void	cs_jw_key_str(struct cs_jw *w, const char *key, const char *s);
void	cs_jw_key_string(struct cs_jw *w, const char *key, const char *s,
	    size_t n);
void	cs_jw_key_u64(struct cs_jw *w, const char *key, uint64_t v);
void	cs_jw_key_i64(struct cs_jw *w, const char *key, int64_t v);
void	cs_jw_key_bool(struct cs_jw *w, const char *key, int v);
void	cs_jw_key_null(struct cs_jw *w, const char *key);

#endif
