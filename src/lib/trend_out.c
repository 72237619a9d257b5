#include "certsift/trend_out.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/json.h"
#include "certsift/nss.h"

/* The day as text: "YYYY-MM-DD", or NULL for reports without one. */
static const char *
day_text(int32_t day, char buf[16])
{
	if (day == CS_NODAY)
		return NULL;
	cs_date_daystr(day, buf);
	return buf;
}

static const char *
group_key(int by)
{
	return by == CS_TREND_ERROR ? "code" : by == CS_TREND_ISSUER ?
	    "issuer" : by == CS_TREND_CAUSE ? "cause" : "outcome";
}

static void
write_json(FILE *f, const struct cs_trend *t, int by)
{
	const struct cs_trend_row *r;
	const struct cs_trend_group *g;
	struct cs_jw w;
	char buf[16];
	size_t i;

	cs_jw_init(&w, f);
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		g = &t->groups[r->group];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "day", day_text(r->day, buf));
		if (by != CS_TREND_ERROR)
			cs_jw_key_str(&w, group_key(by), g->label);
		else if (!g->has_err) {
			cs_jw_key_null(&w, "code");
			cs_jw_key_null(&w, "name");
		} else {
			cs_jw_key_i64(&w, "code", g->code);
			cs_jw_key_str(&w, "name", cs_nss_name(g->code));
		}
		cs_jw_key_u64(&w, "reports", r->reports);
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	putc('\n', f);
}

static void
write_csv(FILE *f, const struct cs_trend *t, int by)
{
	const struct cs_trend_row *r;
	const struct cs_trend_group *g;
	const char *name;
	char buf[16];
	size_t i;

	fprintf(f, "day,%s%s,reports\r\n", group_key(by), by ==
	    CS_TREND_ERROR ? ",name" : "");
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		g = &t->groups[r->group];
		fprintf(f, "%s,", r->day == CS_NODAY ? "" : day_text(r->day,
		    buf));
		if (by != CS_TREND_ERROR)
			cs_csv_field(f, g->label, strlen(g->label));
		else if (g->has_err) {
			name = cs_nss_name(g->code);
			fprintf(f, "%" PRId32 ",%s", g->code, name != NULL ?
			    name : "");
		} else
			putc(',', f);
		fprintf(f, ",%" PRIu64 "\r\n", r->reports);
	}
}

static void
write_table(FILE *f, const struct cs_trend *t, int by)
{
	const struct cs_trend_row *r;
	const struct cs_trend_group *g;
	const char *name;
	char buf[32];
	size_t i;
	int w = 7;

	for (i = 0; i < t->nrows; i++)
		w = cs_fmt_width(t->rows[i].reports, w);
	if (by == CS_TREND_ERROR)
		fprintf(f, "%-10s  %*s  %6s  %s\n", "day", w, "reports", "code",
		    "name");
	else
		fprintf(f, "%-10s  %*s  %s\n", "day", w, "reports",
		    group_key(by));
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		g = &t->groups[r->group];
		fprintf(f, "%-10s  %*" PRIu64 "  ", r->day == CS_NODAY ? "-" :
		    day_text(r->day, buf), w, r->reports);
		if (by != CS_TREND_ERROR)
			cs_text_string(f, g->label, strlen(g->label));
		else if (g->has_err) {
			name = cs_nss_name(g->code);
			fprintf(f, "%6" PRId32 "  %s", g->code, name != NULL ?
			    name : "-");
		} else
			fprintf(f, "%6s  -", "-");
		putc('\n', f);
	}
}

void
cs_trend_write(FILE *f, const struct cs_trend *t, int by, int fmt)
{
	if (fmt == CS_FMT_JSON)
		write_json(f, t, by);
	else if (fmt == CS_FMT_CSV)
		write_csv(f, t, by);
	else
		write_table(f, t, by);
}

void
cs_trend_notes(const struct cs_trend *t, int period, uint64_t days_guessed,
    void (*warn)(void *arg, const char *msg), void *arg)
{
	char buf[32], msg[256];

	if (!period && !t->info.kept)
		warn(arg, "the store keeps no days yet (an older schema; the "
		    "next ingest upgrades it)");
	else if (!period && t->info.reports_before > 0) {
		cs_date_iso(t->info.since, buf);
		snprintf(msg, sizeof(msg), "the store keeps days since %s "
		    "(upgraded then): the %" PRIu64 " reports ingested before "
		    "are not counted", buf, t->info.reports_before);
		warn(arg, msg);
	}
	if (days_guessed > 0) {
		snprintf(msg, sizeof(msg), "the days of %" PRIu64 " reports "
		    "ingested before the store kept hosts' days (schema 6) are "
		    "laid over their chain's days cause by cause: a guess",
		    days_guessed);
		warn(arg, msg);
	}
}
