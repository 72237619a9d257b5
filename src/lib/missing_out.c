#include "certsift/missing_out.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/buf.h"
#include "certsift/export.h"
#include "certsift/json.h"

static void
print_json(FILE *f, const struct cs_missing *m, size_t n)
{
	const struct cs_missing_row *r;
	struct cs_jw w;
	char sha[65];
	size_t i, k;

	cs_jw_init(&w, f);
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < n; i++) {
		r = &m->rows[i];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "outcome",
		    cs_missing_outcome_name(r->outcome));
		cs_jw_key_str(&w, "issuer", r->issuer);
		cs_jw_key_str(&w, "aki", r->aki);
		cs_jw_key_u64(&w, "reports", r->reports);
		cs_jw_key_u64(&w, "chains", r->chains);
		cs_jw_key_u64(&w, "hosts", r->hosts);
		if (r->source != CS_MISSING_SRC_NONE) {
			cs_sha256_hex(r->resolved_by, sha);
			cs_jw_key_str(&w, "resolved_by", sha);
		} else
			cs_jw_key_null(&w, "resolved_by");
		cs_jw_key_str(&w, "source", cs_missing_source_name(r->source));
		cs_jw_key(&w, "aia_ca_issuers");
		cs_jw_array_begin(&w);
		for (k = 0; k < r->naia; k++)
			cs_jw_str(&w, r->aia[k]);
		cs_jw_array_end(&w);
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	putc('\n', f);
}

static void
print_csv(FILE *f, const struct cs_missing *m, size_t n)
{
	const struct cs_missing_row *r;
	struct cs_buf aia = CS_BUF_INIT;
	const char *src;
	char sha[65];
	size_t i, k;

	fputs("outcome,issuer,aki,reports,chains,hosts,resolved_by,source,"
	    "aia_ca_issuers\r\n", f);
	for (i = 0; i < n; i++) {
		r = &m->rows[i];
		fprintf(f, "%s,", cs_missing_outcome_name(r->outcome));
		cs_csv_field(f, r->issuer, strlen(r->issuer));
		fprintf(f, ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
		    r->aki != NULL ? r->aki : "", r->reports, r->chains,
		    r->hosts);
		if (r->source != CS_MISSING_SRC_NONE) {
			cs_sha256_hex(r->resolved_by, sha);
			fputs(sha, f);
		}
		src = cs_missing_source_name(r->source);
		fprintf(f, ",%s,", src != NULL ? src : "");
		/* The URLs, space-separated, in one field. */
		cs_buf_reset(&aia);
		for (k = 0; k < r->naia; k++)
			if ((k > 0 && cs_buf_append(&aia, " ", 1, NULL) ==
			    -1) || cs_buf_append(&aia, r->aia[k],
			    strlen(r->aia[k]), NULL) == -1)
				break;
		cs_csv_field(f, aia.len ? (const char *)aia.data : "",
		    aia.len);
		fputs("\r\n", f);
	}
	cs_buf_release(&aia);
}

/* A table for people: figures right-aligned, then the issuer, escaped. */
static void
print_table(FILE *f, const struct cs_missing *m, size_t n)
{
	const struct cs_missing_row *r;
	const char *src;
	int w[3] = { 7, 6, 5 }, ow = 7;
	size_t i;

	for (i = 0; i < n; i++) {
		r = &m->rows[i];
		w[0] = cs_fmt_width(r->reports, w[0]);
		w[1] = cs_fmt_width(r->chains, w[1]);
		w[2] = cs_fmt_width(r->hosts, w[2]);
		if ((int)strlen(cs_missing_outcome_name(r->outcome)) > ow)
			ow = (int)strlen(cs_missing_outcome_name(r->outcome));
	}
	fprintf(f, "%-*s  %*s  %*s  %*s  %-6s  %-16s  issuer\n", ow,
	    "outcome", w[0], "reports", w[1], "chains", w[2], "hosts",
	    "source", "aki");
	for (i = 0; i < n; i++) {
		r = &m->rows[i];
		src = cs_missing_source_name(r->source);
		fprintf(f, "%-*s  %*" PRIu64 "  %*" PRIu64 "  %*" PRIu64
		    "  %-6s  %-16.16s  ", ow,
		    cs_missing_outcome_name(r->outcome), w[0], r->reports,
		    w[1], r->chains, w[2], r->hosts, src != NULL ? src : "-",
		    r->aki != NULL ? r->aki : "-");
		cs_text_string(f, r->issuer, strlen(r->issuer));
		putc('\n', f);
	}
}

void
cs_missing_write_summary(FILE *f, const struct cs_missing *m)
{
	int k;

	fputs("reports:", f);
	for (k = 0; k < CS_MISSING_NOUTCOMES; k++)
		fprintf(f, "%s %s %" PRIu64, k > 0 ? "," : "",
		    cs_missing_outcome_name(k), m->reports[k]);
	putc('\n', f);
}


void
cs_missing_write(FILE *f, const struct cs_missing *m, size_t n, int fmt)
{
	if (fmt == CS_FMT_JSON)
		print_json(f, m, n);
	else if (fmt == CS_FMT_CSV)
		print_csv(f, m, n);
	else
		print_table(f, m, n);
}

int
cs_missing_hosts_shown(struct cs_store *st, struct cs_missing *m, size_t n,
    int bundle, struct cs_err *err)
{
	size_t i;

	for (i = 0; i < m->nrows; i++)
		if ((i < n || (bundle && m->rows[i].outcome ==
		    CS_MISSING_INTERMEDIATE)) &&
		    cs_missing_hosts(st, m, i, err) == -1)
			return -1;
	return 0;
}
