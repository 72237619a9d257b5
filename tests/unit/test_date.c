/* Dates (certsift/date.h): parsing every accepted form, ISO output. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "certsift/date.h"

#include "t.h"

static void
ok_at(const char *s, int64_t want, const char *file, int line)
{
	int64_t t = INT64_C(0x5a5a5a5a);
	char what[160];

	snprintf(what, sizeof(what), "cs_date_parse(\"%s\") == 0", s);
	if (t_check(cs_date_parse(s, &t) == 0, file, line, what)) {
		snprintf(what, sizeof(what), "cs_date_parse(\"%s\") value", s);
		t_check_int(t, want, file, line, what);
	}
}

static void
bad_at(const char *s, const char *file, int line)
{
	int64_t t = 42;
	char what[160];

	snprintf(what, sizeof(what), "cs_date_parse(\"%s\") == -1", s);
	t_check(cs_date_parse(s, &t) == -1, file, line, what);
}

#define OK(s, want)	ok_at((s), (want), __FILE__, __LINE__)
#define BAD(s)		bad_at((s), __FILE__, __LINE__)

static void
test_dates(void)
{
	OK("2026-10-01", 1790812800);
	OK("20261001", 1790812800);
	OK("1970-01-01", 0);
	OK("19700102", 86400);
	OK("1969-12-31", -86400);
	OK("2000-02-29", 951782400);
	OK("2024-02-29", 1709164800);
	OK("0001-01-01", INT64_C(-62135596800));
	OK("9999-12-31", INT64_C(253402214400));
}

static void
test_datetimes(void)
{
	OK("2026-10-01T12:34:56Z", 1790858096);
	OK("2026-10-01T12:34:56", 1790858096);	/* UTC without a zone */
	OK("2026-10-01t12:34:56z", 1790858096);
	OK("2026-10-01 12:34:56Z", 1790858096);
	OK("20261001T12:34:56Z", 1790858096);
	/* Zones: local time minus the offset */
	OK("2026-10-01T12:34:56+02:00", 1790850896);
	OK("2026-10-01T12:34:56+0200", 1790850896);
	OK("2026-10-01T12:34:56-05:30", 1790877896);
	OK("2026-10-01T12:34:56-0530", 1790877896);
	OK("2026-10-01T12:34:56+00:00", 1790858096);
	OK("2026-10-01T00:30:00+01:00", 1790812800 - 1800);
	/* Fractional seconds are dropped. */
	OK("2026-10-01T12:34:56.789Z", 1790858096);
	OK("2026-10-01T12:34:56,5Z", 1790858096);
	OK("2026-10-01T12:34:56.999999999+02:00", 1790850896);
	/* Without seconds */
	OK("2026-10-01T12:34Z", 1790858096 - 56);
	OK("2026-10-01T12:34", 1790858096 - 56);
	OK("2024-02-29T23:59:59Z", 1709251199);
	OK("1969-07-20T20:17:40Z", -14182940);
	/* A leap second rolls over. */
	OK("2016-12-31T23:59:60Z", 1483228800);
}

static void
test_epoch(void)
{
	OK("1790857793", 1790857793);
	OK("0", 0);
	OK("-1", -1);
	OK("-86400", -86400);
	OK("123", 123);
	OK("1234567", 1234567);
	OK("123456789", 123456789);
	OK("9223372036854775807", INT64_MAX);
	OK("-922337203685477580", INT64_C(-922337203685477580));
	/* Other all-digit strings are seconds, even year-like ones ... */
	OK("2026", 2026);
	OK("202610", 202610);
	/* ... but 8 digits are YYYYMMDD. */
	OK("20260101", 1767225600);
	BAD("12345678");
}

static void
test_invalid(void)
{
	static const char *const bad[] = {
		"", "junk", "-", "--1", "2026-02-30", "2026-13-01",
		"2026-00-10", "2026-01-00", "2026-01-32", "2025-02-29",
		"1900-02-29", "2026-04-31", "20261301", "20260230", "2026-1-01",
		"2026-10-1", "2026/10/01", "2026-10", "2026-", "2026-1001",
		"2026-10-01T", "2026-10-01T12", "2026-10-01T12:", "2026-10-01T1:00",
		"2026-10-01T24:00Z", "2026-10-01T12:60Z", "2026-10-01T12:00:61Z",
		"2026-10-01T12:00:00.Z", "2026-10-01T12:00:00.", "2026-10-01X",
		"2026-10-01T12:00:00Zjunk", "2026-10-01T12:00:00+24:00",
		"2026-10-01T12:00:00+02:60", "2026-10-01T12:00:00+2",
		"2026-10-01T12:00:00 +02:00", " 2026-10-01", "2026-10-01 ",
		"12345678901234567890", "-12345678901234567890", "1e9", "0x10",
		"17908577930.5", "+1790857793", "1790857793Z",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		BAD(bad[i]);
}

static void
iso_at(int64_t t, const char *want, const char *file, int line)
{
	char out[32];
	int64_t back = 0;

	memset(out, 'x', sizeof(out));
	cs_date_iso(t, out);
	if (t_check_str(out, want, file, line, "cs_date_iso"))
		t_check(cs_date_parse(out, &back) == 0 && back == t, file,
		    line, "cs_date_parse(cs_date_iso(t)) == t");
}

#define ISO(t, want)	iso_at((t), (want), __FILE__, __LINE__)

static void
test_iso(void)
{
	uint64_t x = 88172645463325252u;
	size_t i, bad = 0;

	ISO(0, "1970-01-01T00:00:00Z");
	ISO(1, "1970-01-01T00:00:01Z");
	ISO(86399, "1970-01-01T23:59:59Z");
	ISO(86400, "1970-01-02T00:00:00Z");
	ISO(-1, "1969-12-31T23:59:59Z");
	ISO(-86400, "1969-12-31T00:00:00Z");
	ISO(-86401, "1969-12-30T23:59:59Z");
	ISO(-14182940, "1969-07-20T20:17:40Z");
	ISO(951782400, "2000-02-29T00:00:00Z");
	ISO(1790858096, "2026-10-01T12:34:56Z");
	ISO(INT64_C(4102444800), "2100-01-01T00:00:00Z");
	ISO(INT64_C(253402300799), "9999-12-31T23:59:59Z");
	ISO(INT64_C(-62135596800), "0001-01-01T00:00:00Z");
	ISO(INT64_C(-62167219200), "0000-01-01T00:00:00Z");

	/* Every second from year 1 to 9999 round trips: a sample. */
	for (i = 0; i < 20000; i++) {
		int64_t t, back = 0;
		char out[32];

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (int64_t)(x % (uint64_t)(INT64_C(253402300799) +
		    INT64_C(62135596800))) - INT64_C(62135596800);
		cs_date_iso(t, out);
		if (strlen(out) != 20 || out[10] != 'T' ||
		    cs_date_parse(out, &back) != 0 || back != t)
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void
test_days(void)
{
	CHECK_INT(cs_date_days(1970, 1, 1), 0);
	CHECK_INT(cs_date_days(1969, 12, 31), -1);
	CHECK_INT(cs_date_days(2000, 3, 1), 11017);
	CHECK_INT(cs_date_days(2000, 2, 29), 11016);
	CHECK_INT(cs_date_days(1, 1, 1), -719162);
	CHECK_INT(cs_date_days(2026, 10, 1), 1790812800 / 86400);
}

/* Overflows found by UBSan (fixed). */
static void
test_overflow(void)
{
	char out[32];

	/* (t - 86399) overflows for the smallest times (UBSan stops). */
	cs_date_iso(INT64_MIN, out);
	CHECK_STR(out, "0000-01-01T00:00:00Z");
	/* 19 digits beyond INT64_MAX: sscanf's overflow, accepted */
	BAD("9999999999999999999");
	BAD("2026-10-01T12:00+02:");
}

int
main(void)
{
	test_dates();
	test_datetimes();
	test_epoch();
	test_invalid();
	test_iso();
	test_days();
	test_overflow();
	return t_done();
}
