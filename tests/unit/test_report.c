/*
 * The report reader (certsift/report.h) on every shape of document. Each
 * document goes through the AUTO reader (whose result the checks look at),
 * the JANSSON reader, which must give the same, and the FAST reader, which
 * must give the same or say it is unsure.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/report.h"

#include "t.h"
#include "rcollect.h"

static struct cs_reader	*ra, *rj, *rf;
static struct rc_doc	 d, dj, df;

static int
parse_at(const char *doc, size_t len, int flags, const char *file, int line)
{
	char msg[512], what[600];
	char *copy = rc_dup(doc, len);	/* exact size, for ASan */

	rc_parse(rj, copy, len, flags, &dj);
	rc_parse(rf, copy, len, flags, &df);
	rc_parse(ra, copy, len, flags, &d);
	if (rc_compare(&d, &dj, msg, sizeof(msg)) != 0) {
		snprintf(what, sizeof(what), "AUTO and JANSSON agree: %s", msg);
		t_check(0, file, line, what);
	}
	if (df.rc != CS_READER_UNSURE &&
	    rc_compare(&df, &dj, msg, sizeof(msg)) != 0) {
		snprintf(what, sizeof(what), "FAST and JANSSON agree: %s", msg);
		t_check(0, file, line, what);
	}
	free(copy);
	return d.rc;
}

/* P: a string literal, NUL bytes and all; PS: a C string. */
#define P(lit)		parse_at((lit), sizeof(lit) - 1, 0, __FILE__, __LINE__)
#define PS(s)		parse_at((s), strlen(s), 0, __FILE__, __LINE__)
#define PF(lit, fl)	parse_at((lit), sizeof(lit) - 1, (fl), __FILE__, \
			    __LINE__)

/* Candidate i of the last AUTO parse; a zeroed one when there is none. */
static const struct rc_cand *
cand(size_t i)
{
	static struct rc_cand none = { .kind = -1 };

	return i < d.n ? &d.c[i] : &none;
}

/* The last document was one well-formed report / one malformed candidate
 * with why / invalid JSON. */
static int
is_kind(int kind, const char *why, const char *file, int line)
{
	int ok;

	ok = t_check_int(d.rc, 1, file, line, "d.rc == 1") &
	    t_check_int((int64_t)d.n, 1, file, line, "d.n == 1") &
	    t_check_int(cand(0)->kind, kind, file, line, "kind");
	if (why != NULL)
		ok &= t_check_str(cand(0)->why, why, file, line, "why");
	return ok;
}

static int
host_is(const char *s, size_t n, const char *file, int line)
{
	return t_check_int(cand(0)->has_host, 1, file, line, "has host") &
	    t_check_mem(cand(0)->host, cand(0)->host_len, s, n, file, line,
	    "host");
}

static int
no_host(const char *file, int line)
{
	return t_check_int(cand(0)->has_host, 0, file, line, "no host") &
	    t_check_int((int64_t)cand(0)->host_len, 0, file, line,
	    "host_len == 0");
}

#define IS_REPORT()	is_kind(RC_REPORT, NULL, __FILE__, __LINE__)
#define IS_MALFORMED(w)	is_kind(RC_MALFORMED, (w), __FILE__, __LINE__)
#define IS_INVALID()	is_kind(RC_INVALID, NULL, __FILE__, __LINE__)
/* The fast reader decided it alone. */
#define FAST_DECIDED()	CHECK(df.rc != CS_READER_UNSURE)
#define HOST(s)		host_is((s), sizeof(s) - 1, __FILE__, __LINE__)
#define NO_HOST()	no_host(__FILE__, __LINE__)
#define ENTRY(j, s)	CHECK(cand(0)->nchain > (j) && \
			    !cand(0)->chain[j].isnull && \
			    cand(0)->chain[j].len == sizeof(s) - 1 && \
			    memcmp(cand(0)->chain[j].p, (s), sizeof(s) - 1) == 0)
#define NULL_ENTRY(j)	CHECK(cand(0)->nchain > (j) && \
			    cand(0)->chain[j].isnull && \
			    cand(0)->chain[j].len == 0)

static void
test_flat(void)
{
	P("{\"hostname\":\"www.Example.com\",\"port\":443,\"timestamp\":"
	    "1790857793,\"errorCode\":-8179,\"failedCertChain\":[\"QUJD\","
	    "\"REVG\"],\"userAgent\":\"Mozilla/5.0\",\"version\":1}");
	IS_REPORT();
	FAST_DECIDED();
	HOST("www.example.com");
	CHECK_INT(cand(0)->has, CS_HAS_PORT | CS_HAS_TIMESTAMP | CS_HAS_ERROR);
	CHECK_INT(cand(0)->port, 443);
	CHECK_INT(cand(0)->timestamp, 1790857793);
	CHECK_INT(cand(0)->error, -8179);
	CHECK_INT(cand(0)->nchain, 2);
	ENTRY(0, "QUJD");
	ENTRY(1, "REVG");

	/* Only failedCertChain is needed. */
	P("{\"failedCertChain\":[]}");
	IS_REPORT();
	FAST_DECIDED();
	NO_HOST();
	CHECK_INT(cand(0)->has, 0);
	CHECK_INT(cand(0)->port, 0);
	CHECK_INT(cand(0)->timestamp, 0);
	CHECK_INT(cand(0)->error, 0);
	CHECK_INT(cand(0)->nchain, 0);

	/* Whitespace everywhere JSON allows it */
	P(" \t\r\n{ \"port\" :\t80 ,\r\n\"failedCertChain\" : [ \"a\" , "
	    "\"b\" ] } \n");
	IS_REPORT();
	CHECK_INT(cand(0)->port, 80);
	CHECK_INT(cand(0)->nchain, 2);
	ENTRY(1, "b");
}

static void
test_meta(void)
{
	P("{\"type\":\"tls\",\"meta\":{\"hostname\":\"A.example\",\"port\":"
	    "8443,\"timestamp\":1791000000,\"errorCode\":-16384,"
	    "\"failedCertChain\":[\"QUJD\"]},\"id\":\"x\"}");
	IS_REPORT();
	FAST_DECIDED();
	HOST("a.example");
	CHECK_INT(cand(0)->has, CS_HAS_PORT | CS_HAS_TIMESTAMP | CS_HAS_ERROR);
	CHECK_INT(cand(0)->port, 8443);
	CHECK_INT(cand(0)->timestamp, 1791000000);
	CHECK_INT(cand(0)->error, -16384);
	CHECK_INT(cand(0)->nchain, 1);
	ENTRY(0, "QUJD");

	/* With a meta object, the fields outside it do not count. */
	P("{\"hostname\":\"top\",\"port\":1,\"meta\":{\"hostname\":\"inner\","
	    "\"failedCertChain\":[\"i\"]},\"failedCertChain\":[\"t\",\"u\"]}");
	IS_REPORT();
	HOST("inner");
	CHECK_INT(cand(0)->has, 0);
	CHECK_INT(cand(0)->nchain, 1);
	ENTRY(0, "i");
	P("{\"meta\":{\"hostname\":\"inner\"},\"failedCertChain\":[\"t\"]}");
	IS_MALFORMED("no failedCertChain array");
	/* An empty meta object */
	P("{\"meta\":{},\"failedCertChain\":[]}");
	IS_MALFORMED("no failedCertChain array");
	/* "meta" inside meta is an ordinary key. */
	P("{\"meta\":{\"meta\":{\"failedCertChain\":[\"x\"]},"
	    "\"failedCertChain\":[\"y\"]}}");
	IS_REPORT();
	ENTRY(0, "y");
}

static void
test_meta_not_object(void)
{
	static const char *const docs[] = {
		"{\"meta\":\"x\",\"hostname\":\"Top\",\"failedCertChain\":[\"a\"]}",
		"{\"meta\":[{\"hostname\":\"no\"}],\"hostname\":\"Top\","
		    "\"failedCertChain\":[\"a\"]}",
		"{\"hostname\":\"Top\",\"meta\":null,\"failedCertChain\":[\"a\"]}",
		"{\"hostname\":\"Top\",\"failedCertChain\":[\"a\"],\"meta\":42}",
		"{\"hostname\":\"Top\",\"failedCertChain\":[\"a\"],\"meta\":true}",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		PS(docs[i]);
		IS_REPORT();
		HOST("top");
		CHECK_INT(cand(0)->nchain, 1);
		ENTRY(0, "a");
	}
}

static void
test_float_numbers(void)
{
	P("{\"errorCode\":-8179.0,\"port\":443.0,\"timestamp\":1.7e9,"
	    "\"failedCertChain\":[]}");
	IS_REPORT();
	FAST_DECIDED();
	CHECK_INT(cand(0)->has, CS_HAS_PORT | CS_HAS_TIMESTAMP | CS_HAS_ERROR);
	CHECK_INT(cand(0)->error, -8179);
	CHECK_INT(cand(0)->port, 443);
	CHECK_INT(cand(0)->timestamp, 1700000000);
	/* Truncated toward zero */
	P("{\"errorCode\":12.9,\"port\":0.999,\"timestamp\":-1.5,"
	    "\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->error, 12);
	CHECK_INT(cand(0)->port, 0);
	CHECK_INT(cand(0)->timestamp, -1);
	CHECK_INT(cand(0)->has, CS_HAS_PORT | CS_HAS_TIMESTAMP | CS_HAS_ERROR);
	P("{\"errorCode\":-3.7,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->error, -3);
	CHECK_INT(cand(0)->has, CS_HAS_ERROR);
}

static void
test_number_ranges(void)
{
	/* errorCode: int32 */
	P("{\"errorCode\":2147483647,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, CS_HAS_ERROR);
	CHECK_INT(cand(0)->error, INT32_MAX);
	P("{\"errorCode\":-2147483648,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, CS_HAS_ERROR);
	CHECK_INT(cand(0)->error, INT32_MIN);
	P("{\"errorCode\":2147483648,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, 0);
	P("{\"errorCode\":-2147483649,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, 0);
	P("{\"errorCode\":1e10,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, 0);
	/* port, timestamp: int64, as far as a double reaches */
	P("{\"timestamp\":-9223372036854775808,\"port\":9223372036854774784,"
	    "\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, CS_HAS_PORT | CS_HAS_TIMESTAMP);
	CHECK(cand(0)->timestamp == INT64_MIN);
	CHECK(cand(0)->port == INT64_C(9223372036854774784));
	P("{\"timestamp\":9223372036854775807,\"port\":1e300,"
	    "\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, 0);
	/* Underflow is zero, not an error. */
	P("{\"port\":1e-400,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, CS_HAS_PORT);
	CHECK_INT(cand(0)->port, 0);
}

static void
test_wrong_types(void)
{
	P("{\"errorCode\":\"-8179\",\"port\":\"443\",\"timestamp\":"
	    "\"1790857793\",\"hostname\":5,\"failedCertChain\":[\"a\"]}");
	IS_REPORT();
	FAST_DECIDED();
	CHECK_INT(cand(0)->has, 0);
	NO_HOST();
	CHECK_INT(cand(0)->nchain, 1);
	P("{\"errorCode\":null,\"port\":true,\"timestamp\":false,\"hostname\":"
	    "[\"a.example\"],\"failedCertChain\":[\"a\"]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, 0);
	NO_HOST();
	P("{\"errorCode\":[-8179],\"port\":{\"v\":1},\"hostname\":null,"
	    "\"failedCertChain\":[\"a\"]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, 0);
	NO_HOST();
	/* One wrong field does not hide the others. */
	P("{\"errorCode\":\"x\",\"port\":443,\"hostname\":\"h\","
	    "\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, CS_HAS_PORT);
	HOST("h");
}

static void
test_hostname(void)
{
	P("{\"hostname\":\"Portal.Example.COM.\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("portal.example.com");
	/* One trailing dot only */
	P("{\"hostname\":\"a.example..\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("a.example.");
	/* Nothing left: absent */
	P("{\"hostname\":\".\",\"failedCertChain\":[]}");
	IS_REPORT();
	NO_HOST();
	P("{\"hostname\":\"\",\"failedCertChain\":[]}");
	IS_REPORT();
	NO_HOST();
	/* Only ASCII letters are folded; digits and the rest stay. */
	P("{\"hostname\":\"X-1_\xc3\x89.Z\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("x-1_\xc3\x89.z");
	/* Escapes are decoded before it is normalised. */
	P("{\"hostname\":\"W\\u0057w.\\u00c9x.\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("www.\xc3\x89x");
	P("{\"hostname\":\"a\\u0000b\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("a\0b");
}

static void
test_hostname_length(void)
{
	char doc[1024], *p;
	size_t i;

	/* CS_HOST_MAX bytes: kept */
	p = doc + sprintf(doc, "{\"hostname\":\"");
	for (i = 0; i < CS_HOST_MAX; i++)
		*p++ = i % 10 == 9 ? '.' : 'A';
	sprintf(p, "\",\"failedCertChain\":[]}");
	PS(doc);
	IS_REPORT();
	CHECK_INT(cand(0)->has_host, 1);
	CHECK_INT(cand(0)->host_len, CS_HOST_MAX - 1);	/* its dot goes */
	CHECK(cand(0)->host != NULL && cand(0)->host[0] == 'a');
	/* One byte more: absent */
	p = doc + sprintf(doc, "{\"hostname\":\"");
	for (i = 0; i < CS_HOST_MAX + 1; i++)
		*p++ = 'a';
	sprintf(p, "\",\"failedCertChain\":[],\"port\":1}");
	PS(doc);
	IS_REPORT();
	NO_HOST();
	CHECK_INT(cand(0)->has, CS_HAS_PORT);
	/* Much longer */
	p = doc + sprintf(doc, "{\"hostname\":\"");
	for (i = 0; i < 900; i++)
		*p++ = 'b';
	sprintf(p, "\",\"failedCertChain\":[]}");
	PS(doc);
	IS_REPORT();
	NO_HOST();
}

static void
test_no_chain(void)
{
	P("{\"hostname\":\"a\",\"port\":443}");
	IS_MALFORMED("no failedCertChain array");
	FAST_DECIDED();
	P("{}");
	IS_MALFORMED("no failedCertChain array");
	P("{\"failedcertchain\":[]}");
	IS_MALFORMED("no failedCertChain array");
	P("{\"x\":{\"failedCertChain\":[]}}");
	IS_MALFORMED("no failedCertChain array");
}

static void
test_chain_not_array(void)
{
	static const char *const docs[] = {
		"{\"failedCertChain\":\"QUJD\"}",
		"{\"failedCertChain\":{\"0\":\"QUJD\"}}",
		"{\"failedCertChain\":null}",
		"{\"failedCertChain\":0}",
		"{\"failedCertChain\":false}",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		PS(docs[i]);
		IS_MALFORMED("no failedCertChain array");
	}
}

static void
test_chain_entries(void)
{
	P("{\"failedCertChain\":[null,12345,{},[\"QUJD\"],true,\"QUJD\",-1.5,"
	    "{\"a\":\"b\"},\"\"]}");
	IS_REPORT();
	CHECK_INT(cand(0)->nchain, 9);
	NULL_ENTRY(0);
	NULL_ENTRY(1);
	NULL_ENTRY(2);
	NULL_ENTRY(3);
	NULL_ENTRY(4);
	ENTRY(5, "QUJD");
	NULL_ENTRY(6);
	NULL_ENTRY(7);
	ENTRY(8, "");
	/* Escapes in entries are decoded. */
	P("{\"failedCertChain\":[\"QU\\/JD\\n\",\"a\\u0000b\",\"\\u00e9\"]}");
	IS_REPORT();
	CHECK_INT(cand(0)->nchain, 3);
	ENTRY(0, "QU/JD\n");
	ENTRY(1, "a\0b");
	ENTRY(2, "\xc3\xa9");
	/* Many entries, then few: the reader's storage is reused. */
	P("{\"failedCertChain\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\","
	    "\"8\",\"9\",\"10\",\"11\",\"12\",\"13\",\"14\",\"15\",\"16\","
	    "\"17\",\"18\",\"19\",\"20\",\"21\",\"22\",\"23\",\"24\",\"25\","
	    "\"26\",\"27\",\"28\",\"29\",\"30\",\"31\",\"32\",\"33\",\"34\","
	    "\"35\",\"36\",\"37\",\"38\",\"39\",\"40\",\"41\",\"42\",\"43\","
	    "\"44\",\"45\",\"46\",\"47\",\"48\",\"49\",\"50\",\"51\",\"52\","
	    "\"53\",\"54\",\"55\",\"56\",\"57\",\"58\",\"59\",\"60\",\"61\","
	    "\"62\",\"63\",\"64\",\"65\",\"66\",\"67\",\"68\",\"69\",\"70\"]}");
	IS_REPORT();
	CHECK_INT(cand(0)->nchain, 70);
	ENTRY(69, "70");
	P("{\"failedCertChain\":[\"only\"]}");
	IS_REPORT();
	CHECK_INT(cand(0)->nchain, 1);
	ENTRY(0, "only");
}

static void
test_array_of_reports(void)
{
	P("[{\"hostname\":\"one\",\"failedCertChain\":[\"a\"]},"
	    "{\"hostname\":\"two\"},42,\"s\",null,[{\"failedCertChain\":[]}],"
	    "{\"meta\":{\"hostname\":\"three\",\"failedCertChain\":[\"b\","
	    "\"c\"]}}]");
	CHECK_INT(d.rc, 7);
	CHECK_INT(d.n, 7);
	CHECK_INT(cand(0)->kind, RC_REPORT);
	HOST("one");
	CHECK_INT(cand(1)->kind, RC_MALFORMED);
	CHECK_STR(cand(1)->why, "no failedCertChain array");
	CHECK_INT(cand(2)->kind, RC_MALFORMED);
	CHECK_STR(cand(2)->why, "not an object");
	CHECK_STR(cand(3)->why, "not an object");
	CHECK_STR(cand(4)->why, "not an object");
	CHECK_STR(cand(5)->why, "not an object");
	CHECK_INT(cand(6)->kind, RC_REPORT);
	CHECK(cand(6)->host_len == 5 && cand(6)->host != NULL &&
	    memcmp(cand(6)->host, "three", 5) == 0);
	CHECK_INT(cand(6)->nchain, 2);
	/* Entries of the first element are still its own. */
	CHECK(cand(0)->nchain == 1 && cand(0)->chain[0].len == 1 &&
	    cand(0)->chain[0].p[0] == 'a');
	/* An empty array: no candidates */
	P("[]");
	CHECK_INT(d.rc, 0);
	CHECK_INT(d.n, 0);
	P(" [ ] ");
	CHECK_INT(d.rc, 0);
	/* A malformed array is one invalid candidate. */
	P("[{\"failedCertChain\":[]},");
	IS_INVALID();
}

static void
test_doc_element(void)
{
	PF("[{\"failedCertChain\":[]}]", CS_DOC_ELEMENT);
	IS_MALFORMED("not an object");
	PF("[]", CS_DOC_ELEMENT);
	IS_MALFORMED("not an object");
	/* An object is read as usual. */
	PF("{\"hostname\":\"E\",\"failedCertChain\":[\"x\"]}", CS_DOC_ELEMENT);
	IS_REPORT();
	HOST("e");
	PF("{\"failedCertChain\":[}", CS_DOC_ELEMENT);
	IS_INVALID();
}

static void
test_stop(void)
{
	static const char arr[] = "[{\"failedCertChain\":[]},{},{}]";
	static const char obj[] = "{\"failedCertChain\":[]}";
	static const char bad[] = "{\"failedCertChain\":";
	struct rc_doc s = { 0 };
	int mode;

	for (mode = CS_READER_AUTO; mode <= CS_READER_JANSSON; mode++) {
		struct cs_reader *r = mode == CS_READER_AUTO ? ra :
		    mode == CS_READER_FAST ? rf : rj;

		s.stop_after = 1;
		if (mode != CS_READER_FAST) {
			CHECK_INT(rc_parse(r, arr, sizeof(arr) - 1, 0, &s), -1);
			CHECK_INT(s.n, 1);
		}
		CHECK_INT(rc_parse(r, obj, sizeof(obj) - 1, 0, &s), -1);
		CHECK_INT(s.n, 1);
		CHECK_INT(rc_parse(r, bad, sizeof(bad) - 1, 0, &s), -1);
		CHECK_INT(s.n, 1);
		s.stop_after = 2;
		if (mode != CS_READER_FAST) {
			CHECK_INT(rc_parse(r, arr, sizeof(arr) - 1, 0, &s), -1);
			CHECK_INT(s.n, 2);
		}
	}
	rc_clear(&s);
	/* FAST does not read arrays: unsure, and fn is not called. */
	CHECK_INT(rc_parse(rf, arr, sizeof(arr) - 1, 0, &s), CS_READER_UNSURE);
	CHECK_INT(s.n, 0);
	rc_clear(&s);
}

static void
test_invalid_utf8(void)
{
	static const char *const bad[] = {
		"\xc0\xaf",		/* overlong '/' */
		"\xc1\xbf",
		"\xe0\x80\xaf",		/* overlong, 3 bytes */
		"\xe0\x9f\xbf",
		"\xf0\x80\x80\xaf",	/* overlong, 4 bytes */
		"\xf0\x8f\xbf\xbf",
		"\xed\xa0\x80",		/* U+D800 */
		"\xed\xbf\xbf",		/* U+DFFF */
		"\xf4\x90\x80\x80",	/* U+110000 */
		"\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80",
		"\xff",
		"\x80",			/* stray continuation */
		"a\xbf",
		"\xc3",			/* cut short by the quote */
		"\xe2\x82",
		"\xf0\x9f\x98",
		"\xc3\x28",		/* not a continuation */
		"\xe2\x28\xa1",
	};
	static const char *const where[][2] = {
		{ "{\"hostname\":\"", "\",\"failedCertChain\":[]}" },
		{ "{\"failedCertChain\":[\"", "\"]}" },
		{ "{\"failedCertChain\":[],\"x\":{\"k", "\":1}}" },
		{ "{\"failedCertChain\":[],\"userAgent\":\"Mozilla ", "\"}" },
		{ "{\"meta\":{\"failedCertChain\":[],\"x\":[\"", "\"]}}" },
		{ "{\"failedCertChain\":[]}", "" },
		{ "{\"failedCertChain\":[]", "}" },
	};
	char doc[256];
	size_t i, j;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (j = 0; j < sizeof(where) / sizeof(where[0]); j++) {
			snprintf(doc, sizeof(doc), "%s%s%s", where[j][0],
			    bad[i], where[j][1]);
			PS(doc);
			if (!IS_INVALID())
				printf("\tdoc %zu/%zu: %s\n", i, j, doc);
		}
	/* Valid UTF-8, up to U+10FFFF */
	P("{\"hostname\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80"
	    "\x80\xf4\x8f\xbf\xbf\",\"failedCertChain\":[\"\xe4\xb8\xad\","
	    "\"\xf0\x9f\x98\x80\"]}");
	IS_REPORT();
	FAST_DECIDED();
	HOST("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f"
	    "\xbf\xbf");
	ENTRY(1, "\xf0\x9f\x98\x80");
	/* A BOM is not whitespace to the reader (the input layer strips
	 * it). */
	P("\xef\xbb\xbf{\"failedCertChain\":[]}");
	IS_INVALID();
}

static void
test_control_chars(void)
{
	static const char *const docs[] = {
		"{\"hostname\":\"a\x01" "b\",\"failedCertChain\":[]}",
		"{\"hostname\":\"a\tb\",\"failedCertChain\":[]}",
		"{\"hostname\":\"a\nb\",\"failedCertChain\":[]}",
		"{\"failedCertChain\":[\"QU\nJD\"]}",
		"{\"failedCertChain\":[\"\x1f\"]}",
		"{\"failedCertChain\":[],\"x\":\"\r\"}",
		"{\"failedCertChain\":[],\"k\x1b\":1}",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		PS(docs[i]);
		IS_INVALID();
	}
	/* DEL is not a control character to JSON. */
	P("{\"hostname\":\"a\x7f\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("a\x7f");
}

static void
test_nul(void)
{
	/* Raw NUL bytes: never valid in a string or between tokens */
	P("{\"hostname\":\"a\0b\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"failedCertChain\":[\"QU\0JD\"]}");
	IS_INVALID();
	P("{\"failedCertChain\":[]}\0");
	IS_INVALID();
	P("\0{\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\0\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"failedCertChain\":[\"a\"\0]}");
	IS_INVALID();
	/* \u0000 escapes are valid, in values */
	P("{\"failedCertChain\":[\"\\u0000\"],\"x\":\"\\u0000\"}");
	IS_REPORT();
	ENTRY(0, "\0");
	/* ... not in keys (jansson's rule) */
	P("{\"failedCertChain\":[],\"a\\u0000\":1}");
	IS_INVALID();
}

static void
test_duplicate_keys(void)
{
	/* The last one wins, as in jansson. */
	P("{\"port\":1,\"hostname\":\"first\",\"port\":2,\"hostname\":"
	    "\"second\",\"failedCertChain\":[\"x\"],\"failedCertChain\":"
	    "[\"y\",\"z\"]}");
	IS_REPORT();
	CHECK_INT(cand(0)->port, 2);
	HOST("second");
	CHECK_INT(cand(0)->nchain, 2);
	ENTRY(0, "y");
	/* ... even when the last one has the wrong type */
	P("{\"failedCertChain\":[\"x\"],\"failedCertChain\":\"y\"}");
	IS_MALFORMED("no failedCertChain array");
	P("{\"failedCertChain\":\"y\",\"failedCertChain\":[\"x\"]}");
	IS_REPORT();
	ENTRY(0, "x");
	P("{\"errorCode\":-8179,\"errorCode\":\"x\",\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, 0);
	P("{\"hostname\":\"a\",\"hostname\":5,\"failedCertChain\":[]}");
	IS_REPORT();
	NO_HOST();
	/* meta too */
	P("{\"meta\":{\"failedCertChain\":[\"m\"]},\"meta\":5,"
	    "\"failedCertChain\":[\"t\"]}");
	IS_REPORT();
	ENTRY(0, "t");
	P("{\"meta\":5,\"meta\":{\"failedCertChain\":[\"m\"]},"
	    "\"failedCertChain\":[\"t\"]}");
	IS_REPORT();
	ENTRY(0, "m");
	/* Inside meta */
	P("{\"meta\":{\"port\":1,\"port\":3,\"failedCertChain\":[]}}");
	IS_REPORT();
	CHECK_INT(cand(0)->port, 3);
}

static void
test_escaped_keys(void)
{
	P("{\"host\\u006eame\":\"X\",\"\\u0070ort\":7,"
	    "\"failedCertChai\\u006e\":[\"a\"]}");
	IS_REPORT();
	HOST("x");
	CHECK_INT(cand(0)->port, 7);
	ENTRY(0, "a");
	P("{\"m\\u0065ta\":{\"failedCertChain\":[\"m\"]},"
	    "\"failedCertChain\":[\"t\"]}");
	IS_REPORT();
	ENTRY(0, "m");
	/* An escaped key that spells another name */
	P("{\"hostname\\n\":\"no\",\"failedCertChain\":[]}");
	IS_REPORT();
	NO_HOST();
	/* Escaped repeat: the last wins. */
	P("{\"port\":1,\"\\u0070ort\":2,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->port, 2);
}

static void
test_escapes(void)
{
	P("{\"hostname\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("\"\\/\b\f\n\r\t");
	/* A surrogate pair */
	P("{\"hostname\":\"\\ud83d\\ude00\",\"failedCertChain\":[]}");
	IS_REPORT();
	HOST("\xf0\x9f\x98\x80");
	/* Bad escapes */
	P("{\"hostname\":\"\\x41\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"hostname\":\"\\u12\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"hostname\":\"\\u12g4\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"hostname\":\"\\U0041\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"hostname\":\"\\\",\"failedCertChain\":[]}");
	IS_INVALID();
	/* Lone surrogates */
	P("{\"hostname\":\"\\ud800\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"hostname\":\"\\udc00\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"hostname\":\"\\ud800\\u0041\",\"failedCertChain\":[]}");
	IS_INVALID();
	P("{\"failedCertChain\":[],\"x\":\"\\udfff\\ud800\"}");
	IS_INVALID();
}

static void
test_deep_nesting(void)
{
	char doc[8192], *p;
	int i;

	/* 100 levels: valid */
	p = doc + sprintf(doc, "{\"failedCertChain\":[\"a\"],\"x\":");
	for (i = 0; i < 100; i++)
		*p++ = '[';
	for (i = 0; i < 100; i++)
		*p++ = ']';
	strcpy(p, "}");
	PS(doc);
	IS_REPORT();
	ENTRY(0, "a");
	p = doc + sprintf(doc, "{\"failedCertChain\":[\"a\"],\"x\":");
	for (i = 0; i < 100; i++)
		p += sprintf(p, "{\"k\":");
	p += sprintf(p, "1");
	for (i = 0; i < 100; i++)
		*p++ = '}';
	strcpy(p, "}");
	PS(doc);
	IS_REPORT();
	/* Deep and unbalanced: invalid */
	p = doc + sprintf(doc, "{\"failedCertChain\":[\"a\"],\"x\":");
	for (i = 0; i < 100; i++)
		*p++ = '[';
	for (i = 0; i < 99; i++)
		*p++ = ']';
	strcpy(p, "}");
	PS(doc);
	IS_INVALID();
}

static void
test_numbers(void)
{
	static const char *const invalid[] = {
		"1e400", "-1e400", "1E+400", "01", "-01", "00", "1.", ".5",
		"+1", "1e", "1e+", "-", "0x10", "NaN", "Infinity", "-Infinity",
		"1.e5", "--1", "1 2", "0.5.5", "1ee5", "- 1", "\"1\"1",
		"123456789012345678901234567890e400",
	};
	static const char *const valid[] = {
		"0", "-0", "1E5", "1e5", "1e+5", "1e-5", "-0.0", "0.5e-10",
		"1e-400", "123456789012345678901234567890", "-1.25E+10",
		"9999999999999999999999999999999999999999999999999999999999999"
		    "999999999999999999999999999999",
	};
	char doc[512];
	size_t i;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"failedCertChain\":[],"
		    "\"port\":%s}", invalid[i]);
		PS(doc);
		if (!IS_INVALID())
			printf("\t%s\n", doc);
		snprintf(doc, sizeof(doc), "{\"failedCertChain\":[],"
		    "\"other\":[%s]}", invalid[i]);
		PS(doc);
		if (!IS_INVALID())
			printf("\t%s\n", doc);
	}
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"failedCertChain\":[],"
		    "\"other\":[%s]}", valid[i]);
		PS(doc);
		if (!IS_REPORT())
			printf("\t%s\n", doc);
	}
	P("{\"port\":-0,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->has, CS_HAS_PORT);
	CHECK_INT(cand(0)->port, 0);
	P("{\"timestamp\":1E5,\"errorCode\":-1e3,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->timestamp, 100000);
	CHECK_INT(cand(0)->error, -1000);
	P("{\"timestamp\":17908577930e-1,\"failedCertChain\":[]}");
	IS_REPORT();
	CHECK_INT(cand(0)->timestamp, 1790857793);
}

static void
test_trailing_and_empty(void)
{
	static const char *const docs[] = {
		"{\"failedCertChain\":[]} x",
		"{\"failedCertChain\":[]}{}",
		"{\"failedCertChain\":[]},",
		"{\"failedCertChain\":[]}}",
		"{\"failedCertChain\":[]}]",
		"{\"failedCertChain\":[],}",
		"{\"failedCertChain\":[\"a\",]}",
		"{\"failedCertChain\":[]",
		"{\"failedCertChain\":[",
		"{\"failedCertChain\"",
		"{\"failedCertChain\":[]}\"",
		"{\"failedCertChain\" []}",
		"{failedCertChain:[]}",
		"{'failedCertChain':[]}",
		"{\"failedCertChain\":[]} // comment",
		"{\"failedCertChain\":[], \"a\":tru}",
		"{\"failedCertChain\":[], \"a\":nul}",
		"{\"failedCertChain\":[], \"a\":True}",
		"{\"failedCertChain\":[], \"a\":truex}",
		"",
		" ",
		" \r\n\t ",
		"42",
		"\"string\"",
		"null",
		"true",
		"}",
		"{",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		PS(docs[i]);
		if (!IS_INVALID())
			printf("\t'%s'\n", docs[i]);
	}
	/* The length given is the document, even inside a longer buffer. */
	parse_at("{\"failedCertChain\":[]} trailing", 22, 0, __FILE__,
	    __LINE__);
	IS_REPORT();
}

static void
test_host_normalise(void)
{
	char s[32];

	strcpy(s, "WwW.Example.COM.");
	CHECK_INT(cs_host_normalise(s, strlen(s)), 15);
	CHECK(memcmp(s, "www.example.com", 15) == 0);
	strcpy(s, "a..");
	CHECK_INT(cs_host_normalise(s, 3), 2);
	strcpy(s, ".");
	CHECK_INT(cs_host_normalise(s, 1), 0);
	CHECK_INT(cs_host_normalise(s, 0), 0);
	strcpy(s, "\xc3\x89@[Z]");
	CHECK_INT(cs_host_normalise(s, 6), 6);
	CHECK(memcmp(s, "\xc3\x89@[z]", 6) == 0);
	/* Only the length given is touched. */
	strcpy(s, "AB.");
	CHECK_INT(cs_host_normalise(s, 1), 1);
	CHECK_STR(s, "aB.");
}

/* What the fuzzer found in the readers (fixed). */
static void
test_fuzz_findings(void)
{
	static const char empty[] = "{\"failedCertChain\":[]}";
	struct cs_reader *fresh;
	struct rc_doc s = { 0 };

	/* jansson refuses "\u0000" in any object key; the fast reader only
	 * looks at the keys of the report and its meta object. */
	P("{\"failedCertChain\":[],\"x\":{\"a\\u0000b\":1}}");
	IS_INVALID();
	P("{\"failedCertChain\":[[{\"\\u0000\":1}]]}");
	IS_INVALID();
	/* jansson drops a NUL byte after a number or a literal: FAST must
	 * be unsure there, or agree. */
	P("{\"failedCertChain\":[\"x\"],\"port\":443\0}");
	IS_REPORT();
	CHECK_INT(cand(0)->port, 443);
	CHECK(df.rc == CS_READER_UNSURE || (df.n == 1 &&
	    df.c[0].kind == RC_REPORT));
	P("{\"failedCertChain\":[\"x\"],\"a\":[true\0]}");
	CHECK(df.rc == CS_READER_UNSURE || (df.n == 1 &&
	    df.c[0].kind == RC_REPORT));
	/* A reader that never stored an entry: an empty chain is NULL + 0
	 * in deliver() (clang's UBSan stops there). */
	fresh = cs_reader_new(CS_READER_AUTO);
	CHECK_INT(rc_parse(fresh, empty, sizeof(empty) - 1, 0, &s), 1);
	CHECK(s.n == 1 && s.c[0].kind == RC_REPORT && s.c[0].nchain == 0);
	rc_clear(&s);
	cs_reader_free(fresh);
}

int
main(void)
{
	ra = cs_reader_new(CS_READER_AUTO);
	rj = cs_reader_new(CS_READER_JANSSON);
	rf = cs_reader_new(CS_READER_FAST);
	if (!CHECK(ra != NULL && rj != NULL && rf != NULL))
		return t_done();
	test_flat();
	test_meta();
	test_meta_not_object();
	test_float_numbers();
	test_number_ranges();
	test_wrong_types();
	test_hostname();
	test_hostname_length();
	test_no_chain();
	test_chain_not_array();
	test_chain_entries();
	test_array_of_reports();
	test_doc_element();
	test_stop();
	test_invalid_utf8();
	test_control_chars();
	test_nul();
	test_duplicate_keys();
	test_escaped_keys();
	test_escapes();
	test_deep_nesting();
	test_numbers();
	test_trailing_and_empty();
	test_host_normalise();
	test_fuzz_findings();
	rc_clear(&d);
	rc_clear(&dj);
	rc_clear(&df);
	cs_reader_free(ra);
	cs_reader_free(rj);
	cs_reader_free(rf);
	cs_reader_free(NULL);
	return t_done();
}
