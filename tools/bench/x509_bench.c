/*
 * x509_bench: the cost of cs_x509_parse() per certificate, with and
 * without its fast path, and the share of certificates that take it. The
 * certificates whose names compare equal, which may be self-signed and
 * have their signature checked, are timed apart.
 *
 *   make BUILD=build-x509 all
 *   cc -O2 -D_GNU_SOURCE -Iinclude -Isrc/lib -o build-x509/x509_bench \
 *       tools/bench/x509_bench.c build-x509/libcertsift.a \
 *       $(pkg-config --libs openssl lmdb libxxhash jansson zlib) -lpthread
 *   build-x509/x509_bench [-r rounds] source ...
 *
 * A source is a directory (its .pem, .der and .crt files, recursively) or
 * a file of JSON reports, one per line (the certificates of their
 * failedCertChain). Each distinct certificate counts once.
 */

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/report.h"
#include "certsift/x509.h"
#include "x509_int.h"

struct blob {
	unsigned char	*p;
	size_t		 n;
	int		 group;		/* FAST, SELF or OTHER */
};

enum { FAST, SELF, OTHER, NGROUPS };

static struct blob	*certs;
static size_t		 ncerts, dups;
static size_t		*table;		/* index + 1, open addressing */
static size_t		 tcap;

static uint64_t
fnv(const unsigned char *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	while (n-- > 0)
		h = (h ^ *p++) * UINT64_C(0x100000001b3);
	return h;
}

static void
die(const char *what)
{
	fprintf(stderr, "x509_bench: %s\n", what);
	exit(1);
}

static void
grow(void)
{
	size_t i, j, *t, cap = tcap ? tcap * 2 : 1024;

	if ((t = calloc(cap, sizeof(*t))) == NULL)
		die("out of memory");
	for (i = 0; i < ncerts; i++) {
		for (j = fnv(certs[i].p, certs[i].n) & (cap - 1); t[j] != 0;
		    j = (j + 1) & (cap - 1))
			;
		t[j] = i + 1;
	}
	free(table);
	table = t;
	tcap = cap;
}

static void
add(const unsigned char *p, size_t n)
{
	struct blob *b;
	size_t j;

	if ((ncerts + 1) * 2 > tcap)
		grow();
	for (j = fnv(p, n) & (tcap - 1); table[j] != 0; j = (j + 1) &
	    (tcap - 1)) {
		b = &certs[table[j] - 1];
		if (b->n == n && memcmp(b->p, p, n) == 0) {
			dups++;
			return;
		}
	}
	if ((certs = realloc(certs, (ncerts + 1) * sizeof(*certs))) == NULL ||
	    (certs[ncerts].p = malloc(n ? n : 1)) == NULL)
		die("out of memory");
	memcpy(certs[ncerts].p, p, n);
	certs[ncerts].n = n;
	table[j] = ++ncerts;
}

static int
suffix(const char *s, const char *x)
{
	size_t n = strlen(s), k = strlen(x);

	return n >= k && strcmp(s + n - k, x) == 0;
}

static int
visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	struct cs_buf der = CS_BUF_INIT;
	struct cs_err err = CS_ERR_INIT;
	char *text, *p, *b, *e;
	size_t n;
	FILE *fp;

	(void)ftw;
	if (type != FTW_F || !(suffix(path, ".pem") || suffix(path, ".der") ||
	    suffix(path, ".crt")))
		return 0;
	if ((fp = fopen(path, "rb")) == NULL ||
	    (text = malloc((size_t)st->st_size + 1)) == NULL)
		die("cannot read a file");
	n = fread(text, 1, (size_t)st->st_size, fp);
	fclose(fp);
	text[n] = '\0';
	if (memmem(text, n, "-----BEGIN ", 11) == NULL)
		add((unsigned char *)text, n);
	for (p = text; (b = strstr(p, begin)) != NULL &&
	    (e = strstr(b, end)) != NULL; p = e + sizeof(end) - 1)
		if (cs_b64_decode(b + sizeof(begin) - 1, (size_t)(e - b) -
		    (sizeof(begin) - 1), &der, &err) > 0)
			add(der.data, der.len);
	cs_buf_release(&der);
	free(text);
	return 0;
}

static int
report(void *arg, const struct cs_report *rep, const char *why)
{
	struct cs_buf *der = arg;
	struct cs_err err = CS_ERR_INIT;
	size_t i;

	(void)why;
	for (i = 0; rep != NULL && i < rep->nchain; i++)
		if (rep->chain[i].p != NULL && cs_b64_decode_cert(
		    rep->chain[i].p, rep->chain[i].len, der, &err) > 0)
			add(der->data, der->len);
	return 0;
}

static void
add_reports(const char *path)
{
	struct cs_buf der = CS_BUF_INIT;
	struct cs_reader *r;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL ||
	    (r = cs_reader_new(CS_READER_AUTO)) == NULL)
		die("cannot read reports");
	while ((n = getline(&line, &cap, fp)) > 0)
		cs_reader_parse(r, line, (size_t)n, 0, report, &der);
	cs_reader_free(r);
	cs_buf_release(&der);
	free(line);
	fclose(fp);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Microseconds per certificate of parse over certs[from, to). */
static double
timed(int (*parse)(const unsigned char *, size_t, struct cs_cert *,
    struct cs_err *), size_t from, size_t to, int rounds)
{
	struct cs_cert c;
	struct cs_err err;
	double t0 = now();
	size_t i;
	int k;

	if (from == to)
		return 0;
	for (k = 0; k < rounds; k++)
		for (i = from; i < to; i++)
			if (parse(certs[i].p, certs[i].n, &c, &err) == 0)
				cs_cert_release(&c);
	return (now() - t0) * 1e6 / ((double)(to - from) * rounds);
}

static int
group_cmp(const void *a, const void *b)
{
	return ((const struct blob *)a)->group -
	    ((const struct blob *)b)->group;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*parse)(const unsigned char *, size_t,
				    struct cs_cert *, struct cs_err *);
	} fns[] = {
		{ "cs_x509_parse_openssl", cs_x509_parse_openssl },
		{ "cs_x509_parse", cs_x509_parse },
	};
	struct cs_cert c;
	struct stat st;
	size_t i, k, g, valid = 0, fast = 0, at[NGROUPS + 1] = { 0 };
	char *end;
	long rounds = 3;
	int ch;

	while ((ch = getopt(argc, argv, "r:")) != -1) {
		if (ch != 'r' || (rounds = strtol(optarg, &end, 10)) < 1 ||
		    rounds > 1000 || *end != '\0') {
			fputs("usage: x509_bench [-r rounds] source ...\n",
			    stderr);
			return 2;
		}
	}
	for (; optind < argc; optind++) {
		if (stat(argv[optind], &st) == -1)
			die("cannot stat a source");
		if (S_ISDIR(st.st_mode))
			nftw(argv[optind], visit, 16, 0);
		else
			add_reports(argv[optind]);
	}
	/* Those OpenSSL decodes, by group. */
	for (i = 0; i < ncerts; i++) {
		if (cs_x509_parse_openssl(certs[i].p, certs[i].n, &c, NULL) !=
		    0) {
			free(certs[i].p);
			continue;
		}
		certs[valid] = certs[i];
		certs[valid].group = cs_x509_name_cmp(c.subject_der,
		    c.subject_der_len, c.issuer_der, c.issuer_der_len) == 0 ?
		    SELF : OTHER;
		cs_cert_release(&c);
		if (cs_x509_fast(certs[valid].p, certs[valid].n, &c) == 1) {
			cs_cert_release(&c);
			if (certs[valid].group == OTHER)
				certs[valid].group = FAST;
			fast++;
		}
		at[certs[valid++].group + 1]++;
	}
	qsort(certs, valid, sizeof(*certs), group_cmp);
	for (g = 1; g <= NGROUPS; g++)
		at[g] += at[g - 1];
	printf("%zu distinct certificates (%zu repeats), %zu decode; "
	    "cs_x509_fast() reads %zu (%.1f%%); names equal %zu (%.1f%%)\n",
	    ncerts, dups, valid, fast, valid ? 100.0 * fast / valid : 0.0,
	    at[SELF + 1] - at[SELF], valid ? 100.0 * (at[SELF + 1] -
	    at[SELF]) / valid : 0.0);
	printf("us/cert %21s %9s %9s %9s %9s\n", "", "all", "fast path",
	    "names eq", "others");
	for (k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
		printf("%-29s %9.2f", fns[k].name, timed(fns[k].parse, 0,
		    valid, (int)rounds));
		for (g = 0; g < NGROUPS; g++)
			printf(" %9.2f", timed(fns[k].parse, at[g], at[g + 1],
			    (int)rounds));
		printf("\n");
	}
	return 0;
}
