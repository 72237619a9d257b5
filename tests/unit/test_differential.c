/*
 * The fast report reader against the jansson reader, on generated
 * documents: report-like JSON from a seeded PRNG (flat, meta and array
 * forms, numbers of every form, escapes, UTF-8, repeated keys, fields of
 * the wrong type), half of them then mutated (bytes flipped, cut, inserted
 * and deleted). For each, FAST must say CS_READER_UNSURE, or give what
 * JANSSON gives: the same reports with the same fields, or the same
 * rejection. AUTO must always give what JANSSON gives. The lines of the
 * sample corpus ($CORPUS/sample) go through the same comparison first.
 *
 * Set DIFF_CASES and DIFF_SEED in the environment for another run.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certsift/report.h"

#include "rng.h"
#include "t.h"
#include "rcollect.h"

/* true with probability pct % */
static int
chance(unsigned pct)
{
	return below(100) < pct;
}

#define PICK(a)	(a)[below(sizeof(a) / sizeof((a)[0]))]

/* ---- the document being built ------------------------------------------ */

static char	*doc;
static size_t	 doclen, doccap;

static void
put(const char *p, size_t n)
{
	if (doclen + n + 1 > doccap) {
		doccap = (doclen + n + 1) * 2;
		if ((doc = realloc(doc, doccap)) == NULL)
			abort();
	}
	memcpy(doc + doclen, p, n);
	doclen += n;
	doc[doclen] = '\0';
}

static void
puts_(const char *s)
{
	put(s, strlen(s));
}

static void
ws(void)
{
	static const char *const w[] = { " ", "\n", "\t", "\r\n", "  " };

	if (chance(15))
		puts_(PICK(w));
}

static void gen_value(int depth);

static void
gen_number(void)
{
	static const char *const odd[] = {
		"0", "-0", "-0.0", "1E5", "1e+5", "1e-5", "1e400", "-1e400",
		"1e-400", "0.5", "-3.7", "12.9", "-8179.0", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "2147483648",
		"-2147483649", "1.7e9", "17908577930e-1", "01", "-", "1.", ".5",
		"+1", "1e", "0x10", "NaN", "-Infinity", "00",
		"123456789012345678901234567890", "4.9e-324", "1.8e308",
		"1234567890123456789012345678901234567890123456789012345678901234"
		    "567890",
	};
	char buf[64];
	double v;
	int a, neg;

	switch (below(6)) {
	case 0:
		puts_(PICK(odd));
		break;
	case 1:
		snprintf(buf, sizeof(buf), "%d", -(int)below(20000));
		puts_(buf);
		break;
	case 2:
		/* one call per statement: argument order is unspecified */
		a = (int)below(4);
		v = (double)(int64_t)(rnd() % 4000000000u) / 1000 - 2e6;
		snprintf(buf, sizeof(buf), "%.*f", a, v);
		puts_(buf);
		break;
	case 3:
		a = (int)below(100);
		neg = chance(50);
		snprintf(buf, sizeof(buf), "%de%s%d", a, neg ? "-" : "",
		    (int)below(30));
		puts_(buf);
		break;
	default:
		a = (int)below(64);
		snprintf(buf, sizeof(buf), "%" PRIu64, rnd() >> a);
		puts_(buf);
	}
}

/* The body of a string (without quotes): plain ASCII, escapes, UTF-8. */
static void
gen_chars(size_t n, int host)
{
	static const char *const esc[] = {
		"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
		"\\u0041", "\\u00e9", "\\u4e2d", "\\u0000", "\\ud83d\\ude00",
		"\\uFFFF", "\\u002E",
	};
	static const char *const utf8[] = {
		"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xc2\x80",
		"\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "\x7f",
	};
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char hostc[] = "abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123-.";
	size_t i;
	int fancy = chance(6);	/* most strings are plain, as in reports */
	char c;

	for (i = 0; i < n; i++) {
		if (fancy && chance(10))
			puts_(PICK(esc));
		else if (fancy && chance(10))
			puts_(PICK(utf8));
		else {
			c = host ? hostc[below(sizeof(hostc) - 1)] :
			    b64[below(sizeof(b64) - 1)];
			put(&c, 1);
		}
	}
}

static void
gen_string(int host)
{
	put("\"", 1);
	gen_chars(host ? below(24) : below(40), host);
	if (host && chance(10))
		put(".", 1);
	put("\"", 1);
}

static void
gen_array(int depth)
{
	size_t i, n = below(4);

	put("[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			put(",", 1);
		ws();
		gen_value(depth + 1);
	}
	put("]", 1);
}

static void
gen_object(int depth)
{
	static const char *const keys[] = {
		"a", "version", "build", "product", "channel", "hostname",
		"port", "failedCertChain", "meta", "k\\u0065y", "",
	};
	size_t i, n = below(4);

	put("{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			put(",", 1);
		put("\"", 1);
		puts_(PICK(keys));
		put("\":", 2);
		gen_value(depth + 1);
	}
	put("}", 1);
}

static void
gen_value(int depth)
{
	switch (depth > 4 ? below(4) : below(7)) {
	case 0:
		gen_number();
		break;
	case 1:
		gen_string(0);
		break;
	case 2:
		puts_(chance(50) ? "true" : chance(50) ? "false" : "null");
		break;
	case 3:
		gen_number();
		break;
	case 4:
		gen_array(depth);
		break;
	default:
		gen_object(depth);
	}
}

static void
gen_chain(void)
{
	size_t i, n = below(5);

	put("[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			put(",", 1);
		ws();
		if (chance(85))
			gen_string(0);
		else
			gen_value(3);
		ws();
	}
	put("]", 1);
}

/* One report object; meta: the fields a meta object holds. */
static void
gen_report(int depth)
{
	enum { F_HOST, F_PORT, F_TS, F_ERR, F_CHAIN, F_EXTRA, F_META, NF };
	static const char *const names[NF] = {
		"hostname", "port", "timestamp", "errorCode", "failedCertChain",
		NULL, "meta"
	};
	static const char *const extra[] = {
		"userAgent", "version", "build", "product", "channel", "type",
		"id", "isChild", "hostnam", "failedCertChainX", "Port",
	};
	int order[16], n = 0, i, j, t;

	/* Which fields, in which order, some twice */
	for (i = 0; i < NF; i++) {
		if (i == F_META && (depth > 0 || !chance(25)))
			continue;
		if (i != F_CHAIN && i != F_EXTRA && !chance(80))
			continue;
		if (i == F_CHAIN && !chance(92))
			continue;
		order[n++] = i;
		if (chance(2) && n < 15)
			order[n++] = i;
	}
	if (chance(50))
		order[n++] = F_EXTRA;
	for (i = n - 1; i > 0; i--) {
		j = (int)below((size_t)i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	put("{", 1);
	ws();
	for (i = 0; i < n; i++) {
		int f = order[i];

		if (i > 0) {
			put(",", 1);
			ws();
		}
		put("\"", 1);
		if (f == F_EXTRA)
			puts_(PICK(extra));
		else if (chance(3) && f == F_HOST)
			puts_("host\\u006eame");	/* escaped key */
		else
			puts_(names[f]);
		put("\"", 1);
		ws();
		put(":", 1);
		ws();
		/* the wrong type now and then */
		if (f != F_META && f != F_EXTRA && chance(8)) {
			gen_value(depth + 1);
			continue;
		}
		switch (f) {
		case F_HOST:
			gen_string(1);
			break;
		case F_PORT:
		case F_TS:
		case F_ERR:
			gen_number();
			break;
		case F_CHAIN:
			gen_chain();
			break;
		case F_META:
			if (chance(85))
				gen_report(depth + 1);
			else
				gen_value(depth + 1);
			break;
		default:
			gen_value(depth + 1);
		}
		ws();
	}
	put("}", 1);
}

static void
gen_doc(void)
{
	size_t i, n;

	doclen = 0;
	put("", 0);
	ws();
	if (chance(8)) {
		n = below(4);
		put("[", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				put(",", 1);
			if (chance(90))
				gen_report(0);
			else
				gen_value(2);
		}
		put("]", 1);
	} else if (chance(2))
		gen_value(0);
	else
		gen_report(0);
	ws();
}

/* ---- mutations --------------------------------------------------------- */

static void
insert_at(size_t at, const char *p, size_t n)
{
	put(p, n);	/* grow */
	memmove(doc + at + n, doc + at, doclen - n - at);
	memcpy(doc + at, p, n);
}

static void
mutate(void)
{
	static const char *const ins[] = {
		"\"", "\\", "\\u", "\\u0000", "\\ud800", "\\udc00",
		"\\ud83d\\ude00", "\\x", "\\", "{", "}", "[", "]", ",", ":",
		"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xc3",
		"\xe2\x82", "\xf0\x9f\x98\x80", "\xc3\xa9", "\xef\xbb\xbf",
		"\x01", "\x1f", "\n", "\t", "\x7f", "e", "E", "-", ".", "0",
		"1e400", "null", "true", "\"failedCertChain\":[],",
		"\"hostname\":\"X\",", "\"port\":1,", "\"meta\":{},",
	};
	size_t at, n, len;
	char c;

	if (doclen == 0)
		return;
	at = below(doclen + 1);
	switch (below(7)) {
	case 0:			/* flip a bit */
		if (at < doclen)
			doc[at] ^= (char)(1u << below(8));
		break;
	case 1:			/* cut */
		doclen = at;
		doc[doclen] = '\0';
		break;
	case 2:			/* a NUL or a control byte */
		c = chance(50) ? '\0' : (char)below(0x20);
		insert_at(at, &c, 1);
		break;
	case 3:			/* delete a range */
		n = below(8) + 1;
		if (at + n > doclen)
			n = doclen - at;
		memmove(doc + at, doc + at + n, doclen - at - n);
		doclen -= n;
		doc[doclen] = '\0';
		break;
	case 4:			/* repeat a range (keys, values) */
		n = below(40) + 1;
		if (at + n > doclen)
			n = doclen - at;
		if (n > 0) {
			char tmp[64];

			memcpy(tmp, doc + at, n);
			insert_at(at, tmp, n);
		}
		break;
	default: {		/* insert a token */
		const char *s = PICK(ins);

		len = strlen(s);
		insert_at(at, s, len);
	}
	}
}

/* ---- the comparison ---------------------------------------------------- */

/* No disagreement is tolerated. */
static int
known_bug(const char *msg)
{
	(void)msg;
	return 0;
}

static void
show(const char *what, const char *msg)
{
	size_t i;

	printf("\t%s: %s\n\tdoc (%zu bytes): ", what, msg, doclen);
	for (i = 0; i < doclen && i < 400; i++) {
		unsigned char c = (unsigned char)doc[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('\n');
}

/*
 * The sample corpus, line by line ($CORPUS/sample): real report lines,
 * where the fast reader must decide (almost) every well-formed one.
 */
static void
test_sample(struct cs_reader *rf, struct cs_reader *rj, struct cs_reader *ra)
{
	static const char *const files[] = {
		"sample/flat-2026-10-w1.jsonl",
		"sample/windows-2026-10-w4.jsonl",
		"sample/malformed-mixed.jsonl",
	};
	struct rc_doc f = { 0 }, j = { 0 }, a = { 0 };
	size_t i, lines = 0, reports = 0, decided = 0, differ = 0;
	char *text, *line, *next, msg[512];

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((text = t_read_file(t_corpus(files[i]), NULL)) == NULL)
			continue;
		line = text;
		if (i == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			line += 3;		/* the input layer's job */
		for (; line != NULL && *line != '\0'; line = next) {
			size_t n;

			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			n = strlen(line);
			if (n > 0 && line[n - 1] == '\r')
				line[--n] = '\0';
			if (strspn(line, " \t") == n)
				continue;
			lines++;
			doclen = 0;
			put(line, n);
			rc_parse(rj, line, n, 0, &j);
			rc_parse(rf, line, n, 0, &f);
			rc_parse(ra, line, n, 0, &a);
			if (j.n == 1 && j.c[0].kind == RC_REPORT) {
				reports++;
				if (f.rc != CS_READER_UNSURE)
					decided++;
			}
			if ((f.rc != CS_READER_UNSURE &&
			    rc_compare(&f, &j, msg, sizeof(msg)) != 0) ||
			    rc_compare(&a, &j, msg, sizeof(msg)) != 0) {
				if (++differ <= 5)
					show("sample line differs", msg);
			}
		}
		free(text);
	}
	rc_clear(&f);
	rc_clear(&j);
	rc_clear(&a);
	printf("sample: %zu lines, %zu single reports, FAST decided %zu\n",
	    lines, reports, decided);
	CHECK(lines >= 700);
	CHECK(reports >= 700);
	CHECK_INT(differ, 0);
	/* The corpus has a few escapes and repeats; all else is FAST's. */
	CHECK(decided * 100 >= reports * 95);
}

int
main(void)
{
	struct cs_reader *rf, *rj, *ra;
	struct rc_doc f = { 0 }, j = { 0 }, a = { 0 };
	size_t cases = 60000, i, fast_decided = 0, wellformed = 0,
	    wf_decided = 0, mutated = 0, differ = 0, auto_differ = 0,
	    known = 0, reports = 0;
	const char *env;
	char msg[512];
	clock_t t0 = clock();

	rng_state = UINT64_C(0x9e3779b97f4a7c15);
	if ((env = getenv("DIFF_CASES")) != NULL)
		cases = strtoul(env, NULL, 10);
	if ((env = getenv("DIFF_SEED")) != NULL)
		rng_state ^= strtoull(env, NULL, 0);
	rf = cs_reader_new(CS_READER_FAST);
	rj = cs_reader_new(CS_READER_JANSSON);
	ra = cs_reader_new(CS_READER_AUTO);
	if (!CHECK(rf != NULL && rj != NULL && ra != NULL))
		return t_done();
	test_sample(rf, rj, ra);
	for (i = 0; i < cases; i++) {
		char *copy;
		int k, m, is_known = 0;

		gen_doc();
		if (chance(50)) {
			mutated++;
			for (m = (int)below(3) + 1; m > 0; m--)
				mutate();
		}
		copy = rc_dup(doc, doclen);	/* exact size, for ASan */
		rc_parse(rj, copy, doclen, 0, &j);
		rc_parse(rf, copy, doclen, 0, &f);
		rc_parse(ra, copy, doclen, 0, &a);
		free(copy);
		for (k = 0; k < (int)j.n; k++)
			if (j.c[k].kind == RC_REPORT)
				reports++;
		/* well-formed: one report, as most real lines are */
		if (j.n == 1 && j.c[0].kind == RC_REPORT) {
			wellformed++;
			if (f.rc != CS_READER_UNSURE)
				wf_decided++;
		}
		if (f.rc != CS_READER_UNSURE) {
			fast_decided++;
			if (rc_compare(&f, &j, msg, sizeof(msg)) != 0) {
				if (known_bug(msg) || known_bug(j.n > 0 ?
				    j.c[0].why : ""))
					is_known = 1;
				else if (++differ <= 5)
					show("FAST and JANSSON differ", msg);
			}
		} else if (f.n != 0 && ++differ <= 5)
			show("FAST", "callback called when unsure");
		if (rc_compare(&a, &j, msg, sizeof(msg)) != 0) {
			if (known_bug(msg) || known_bug(j.n > 0 ?
			    j.c[0].why : ""))
				is_known = 1;
			else if (++auto_differ <= 5)
				show("AUTO and JANSSON differ", msg);
		}
		known += is_known;
	}
	rc_clear(&f);
	rc_clear(&j);
	rc_clear(&a);
	cs_reader_free(rf);
	cs_reader_free(rj);
	cs_reader_free(ra);
	free(doc);

	printf("differential: %zu inputs (%zu mutated), %zu reports; FAST "
	    "decided %zu (%zu of %zu well-formed single reports); %zu "
	    "known disagreements tolerated; %.1f s\n", cases, mutated,
	    reports, fast_decided, wf_decided, wellformed, known,
	    (double)(clock() - t0) / CLOCKS_PER_SEC);
	CHECK(cases >= 10000 || getenv("DIFF_CASES") != NULL);
	CHECK_INT(differ, 0);
	CHECK_INT(auto_differ, 0);
	/* The generator must produce what it is meant to. */
	CHECK(wellformed > cases / 4);
	CHECK(mutated > cases / 3);
	/* The fast reader must take most of the well-formed ones itself. */
	CHECK(wf_decided * 10 > wellformed * 7);
	CHECK(fast_decided > cases / 3);
	return t_done();
}
