/*
 * t.h: the unit test harness. A test binary is one test_<name>.c that
 * includes this file, makes its checks from main() and ends with
 * "return t_done();". CHECK(expr) prints "file:line: expr" when expr is
 * false and counts every check; t_done() prints exactly one line,
 * "test_<name>: N passed, N failed", and returns the exit status (1 when
 * any check failed). Binaries run from the repository root; $CORPUS names
 * the corpus directory (default "corpus").
 */

#ifndef CERTSIFT_TEST_T_H
#define CERTSIFT_TEST_T_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	t_passed, t_failed;

static inline int
t_check(int ok, const char *file, int line, const char *expr)
{
	if (ok)
		t_passed++;
	else {
		t_failed++;
		printf("%s:%d: %s\n", file, line, expr);
		fflush(stdout);
	}
	return ok;
}

/* Every CHECK is an expression that is 1 when it passed. */
#define CHECK(expr)	t_check((expr) ? 1 : 0, __FILE__, __LINE__, #expr)

/* The same, with both values shown on failure. */
#define CHECK_INT(a, b)	t_check_int((int64_t)(a), (int64_t)(b), __FILE__, \
			    __LINE__, #a " == " #b)
#define CHECK_STR(a, b)	t_check_str((a), (b), __FILE__, __LINE__, \
			    #a " == " #b)
#define CHECK_MEM(a, an, b, bn) t_check_mem((a), (an), (b), (bn), \
			    __FILE__, __LINE__, #a " == " #b)

static inline int
t_check_int(int64_t a, int64_t b, const char *file, int line,
    const char *expr)
{
	if (!t_check(a == b, file, line, expr))
		printf("\t%" PRId64 " != %" PRId64 "\n", a, b);
	return a == b;
}

static inline int
t_check_str(const char *a, const char *b, const char *file, int line,
    const char *expr)
{
	int ok = a != NULL && b != NULL && strcmp(a, b) == 0;

	if (!t_check(ok, file, line, expr))
		printf("\t\"%s\" != \"%s\"\n", a ? a : "(null)",
		    b ? b : "(null)");
	return ok;
}

static inline int
t_check_mem(const void *a, size_t an, const void *b, size_t bn,
    const char *file, int line, const char *expr)
{
	int ok = a != NULL && b != NULL && an == bn &&
	    (an == 0 || memcmp(a, b, an) == 0);

	if (!t_check(ok, file, line, expr))
		printf("\t%zu bytes != %zu bytes\n", an, bn);
	return ok;
}

/*
 * Prints the closing line, named for the test's file ("tests/unit/
 * test_b64.c" gives "test_b64"), and returns the exit status. A binary
 * whose checks did not run fails.
 */
static inline int
t_done_at(const char *file)
{
	const char *b = strrchr(file, '/'), *dot;

	b = b != NULL ? b + 1 : file;
	if ((dot = strrchr(b, '.')) == NULL)
		dot = b + strlen(b);
	if (t_passed + t_failed == 0) {
		printf("%s: no checks ran\n", file);
		t_failed = 1;
	}
	printf("%.*s: %d passed, %d failed\n", (int)(dot - b), b, t_passed,
	    t_failed);
	return t_failed > 0 ? 1 : 0;
}

#define t_done()	t_done_at(__FILE__)

/* $CORPUS/rel, in a static buffer. */
static inline const char *
t_corpus(const char *rel)
{
	static char path[4096];
	const char *dir = getenv("CORPUS");

	snprintf(path, sizeof(path), "%s/%s", dir != NULL && *dir != '\0' ?
	    dir : "corpus", rel);
	return path;
}

/*
 * Reads a whole file; NUL-terminated, the caller frees it. A missing or
 * unreadable file is a failed check (never a silent skip), and gives NULL.
 */
static inline char *
t_read_file_at(const char *path, size_t *len, const char *file, int line)
{
	FILE *fp;
	char *buf = NULL;
	size_t n = 0, cap = 0, r;
	char what[4200];

	snprintf(what, sizeof(what), "cannot read '%s'", path);
	if ((fp = fopen(path, "rb")) == NULL) {
		t_check(0, file, line, what);
		printf("\t%s\n", strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (nb == NULL) {
				free(buf);
				fclose(fp);
				t_check(0, file, line, what);
				return NULL;
			}
			buf = nb;
		}
		if ((r = fread(buf + n, 1, cap - n - 1, fp)) == 0)
			break;
		n += r;
	}
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		t_check(0, file, line, what);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

#define t_read_file(path, len)	t_read_file_at((path), (len), __FILE__, \
				    __LINE__)

#endif
