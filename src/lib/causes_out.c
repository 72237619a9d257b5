#include "certsift/causes_out.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/export.h"
#include "certsift/json.h"

static void
print_share(FILE *f, unsigned bp)
{
	fprintf(f, "%u.%02u", bp / 100, bp % 100);
}

static void
print_json(FILE *f, const struct cs_causes *c, size_t n)
{
	const struct cs_cause_row *r;
	struct cs_jw w;
	char id[65];
	size_t i, k;

	cs_jw_init(&w, f);
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < n; i++) {
		r = &c->rows[i];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "cause", cs_cause_name(r->cause));
		cs_jw_key_str(&w, "detail", r->detail);
		cs_jw_key_u64(&w, "reports", r->reports);
		cs_jw_key_u64(&w, "chains", r->chains);
		cs_jw_key_u64(&w, "hosts", r->hosts);
		cs_jw_key(&w, "share");
		cs_jw_double(&w, cs_causes_row_share(c, r) / 100.0,
		    2);
		cs_jw_key_u64(&w, "primary", r->primary);
		cs_jw_key(&w, "examples");
		cs_jw_array_begin(&w);
		for (k = 0; k < r->nexamples; k++) {
			cs_sha256_hex(r->examples[k], id);
			cs_jw_str(&w, id);
		}
		cs_jw_array_end(&w);
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	putc('\n', f);
}

static void
print_csv(FILE *f, const struct cs_causes *c, size_t n)
{
	const struct cs_cause_row *r;
	char id[65];
	size_t i, k;

	fputs("cause,detail,reports,chains,hosts,share,primary,examples\r\n",
	    f);
	for (i = 0; i < n; i++) {
		r = &c->rows[i];
		fprintf(f, "%s,", cs_cause_name(r->cause));
		if (r->detail != NULL)
			cs_csv_field(f, r->detail, strlen(r->detail));
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", r->reports,
		    r->chains, r->hosts);
		print_share(f, cs_causes_row_share(c, r));
		fprintf(f, ",%" PRIu64 ",", r->primary);
		/* The ids, space-separated, in one field. */
		for (k = 0; k < r->nexamples; k++) {
			cs_sha256_hex(r->examples[k], id);
			fprintf(f, "%s%s", k > 0 ? " " : "", id);
		}
		fputs("\r\n", f);
	}
}

/* For people: figures right-aligned, an example's id cut to 16 digits. */
static void
print_table(FILE *f, const struct cs_causes *c, size_t n)
{
	const struct cs_cause_row *r;
	int w[4] = { 7, 7, 6, 5 }, cw = 5;
	char id[65];
	size_t i;

	for (i = 0; i < n; i++) {
		r = &c->rows[i];
		w[0] = cs_fmt_width(r->reports, w[0]);
		w[1] = cs_fmt_width(r->primary, w[1]);
		w[2] = cs_fmt_width(r->chains, w[2]);
		w[3] = cs_fmt_width(r->hosts, w[3]);
		if ((int)strlen(cs_cause_name(r->cause)) > cw)
			cw = (int)strlen(cs_cause_name(r->cause));
	}
	fprintf(f, "%-*s  %*s   share  %*s  %*s  %*s  %-16s  detail\n", cw,
	    "cause", w[0], "reports", w[1], "primary", w[2], "chains", w[3],
	    "hosts", "example");
	for (i = 0; i < n; i++) {
		r = &c->rows[i];
		fprintf(f, "%-*s  %*" PRIu64 "  ", cw, cs_cause_name(r->cause),
		    w[0], r->reports);
		fprintf(f, "%6.2f%%", cs_causes_row_share(c, r) /
		    100.0);
		strcpy(id, "-");
		if (r->nexamples > 0)
			cs_sha256_hex(r->examples[0], id);
		fprintf(f, "  %*" PRIu64 "  %*" PRIu64 "  %*" PRIu64
		    "  %-16.16s  ", w[1], r->primary, w[2], r->chains, w[3],
		    r->hosts, id);
		if (r->detail != NULL)
			cs_text_string(f, r->detail, strlen(r->detail));
		else
			putc('-', f);
		putc('\n', f);
	}
}

/* "reports N; primary: cause share%, ..." with the shares adding to 100. */
void
cs_causes_write_summary(FILE *f, const struct cs_causes *c)
{
	unsigned bp[CS_CAUSE_N];
	int k, first = 1;

	cs_causes_shares(c, bp);
	fprintf(f, "reports %" PRIu64 "; primary:", c->reports);
	for (k = 0; k < CS_CAUSE_N; k++) {
		if (c->primary[k] == 0)
			continue;
		fprintf(f, "%s %s ", first ? "" : ",", cs_cause_name(k));
		print_share(f, bp[k]);
		putc('%', f);
		first = 0;
	}
	if (first)
		fputs(" none", f);
	putc('\n', f);
}


void
cs_causes_write(FILE *f, const struct cs_causes *c, size_t n, int fmt)
{
	if (fmt == CS_FMT_JSON)
		print_json(f, c, n);
	else if (fmt == CS_FMT_CSV)
		print_csv(f, c, n);
	else
		print_table(f, c, n);
}
