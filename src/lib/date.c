#include "certsift/date.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t
cs_date_days(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
cs_date_iso(int64_t t, char out[32])
{
	int64_t z, era, doe, yoe, y, doy, mp, d, m, secs;

	/* Beyond years 0..9999 (no X.509 time is): clamp, no overflow. */
	if (t < -62167219200LL)
		t = -62167219200LL;
	if (t > 253402300799LL)
		t = 253402300799LL;
	z = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	secs = t - z * 86400;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	/* Years past 9999 cannot come from X.509 times. */
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	snprintf(out, 32, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	    (long long)y, (long long)(m % 13), (long long)(d % 32),
	    (long long)(secs / 3600 % 24), (long long)(secs / 60 % 60),
	    (long long)(secs % 60));
}

static int
digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

static int
valid_ymd(int y, int m, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	return 1;
}

int
cs_date_parse(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, zh = 0, zm = 0, sign = 0;
	size_t n = strlen(s), i;

	if (n == 0)
		return -1;
	/* Epoch seconds: all digits (not 8, which is YYYYMMDD). */
	for (i = (s[0] == '-'); i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == n && n > (size_t)(s[0] == '-') && !(n == 8 && s[0] != '-')) {
		long long v;
		char *end;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0')
			return -1;
		*out = v;
		return 0;
	}
	if (digits(&p, 4, &y) == -1)
		return -1;
	if (*p == '-') {
		p++;
		if (digits(&p, 2, &mo) == -1 || *p++ != '-' ||
		    digits(&p, 2, &d) == -1)
			return -1;
	} else if (digits(&p, 2, &mo) == -1 || digits(&p, 2, &d) == -1)
		return -1;
	if (!valid_ymd(y, mo, d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) == -1 || *p++ != ':' ||
		    digits(&p, 2, &mi) == -1)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &se) == -1)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (*p < '0' || *p > '9')
					return -1;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &zh) == -1)
				return -1;
			if (*p == ':' && *++p == '\0')
				return -1;	/* "+02:" */
			if (*p != '\0' && digits(&p, 2, &zm) == -1)
				return -1;
			if (zh > 23 || zm > 59)
				return -1;
		}
	}
	if (*p != '\0')
		return -1;
	*out = cs_date_days(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se - sign * (zh * 3600 + zm * 60);
	return 0;
}

int
cs_date_arg(const char *s, int64_t *out, struct cs_err *err)
{
	if (cs_date_parse(s, out) == -1)
		return cs_err_set(err, CS_EUSAGE, "bad time '%s' (use YYYY-MM-DD, "
		    "an ISO 8601 date-time or epoch seconds)", s);
	return 0;
}

int32_t
cs_date_day(int64_t t)
{
	int64_t d = t >= 0 ? t / 86400 : -((-(t + 1)) / 86400) - 1;

	if (d <= INT32_MIN)
		return INT32_MIN + 1;
	if (d > INT32_MAX)
		return INT32_MAX;
	return (int32_t)d;
}

void
cs_date_daystr(int32_t day, char out[16])
{
	char iso[32];

	cs_date_iso((int64_t)day * 86400, iso);
	memcpy(out, iso, 10);
	out[10] = '\0';
}
