#include "certsift/aia_out.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/json.h"

static const char *
last_status(const struct cs_aia_target *t)
{
	if (!t->supported)
		return "unsupported";
	if (!t->fetched)
		return NULL;
	return cs_aia_status_name(t->rec.status);
}

static void
list_json(FILE *f, const struct cs_aia_plan *p)
{
	const struct cs_aia_target *t;
	struct cs_jw w;
	char when[32];
	size_t i;

	cs_jw_init(&w, f);
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "url", t->url);
		cs_jw_key_str(&w, "file", t->file);
		cs_jw_key_u64(&w, "level", (uint64_t)t->level);
		cs_jw_key_u64(&w, "reports", t->reports);
		cs_jw_key_u64(&w, "chains", t->chains);
		cs_jw_key_str(&w, "issuer", t->issuer);
		cs_jw_key_str(&w, "status", last_status(t));
		if (t->fetched && t->rec.http > 0)
			cs_jw_key_u64(&w, "http_status", (uint64_t)t->rec.http);
		else
			cs_jw_key_null(&w, "http_status");
		if (t->fetched) {
			cs_date_iso(t->rec.fetched_at, when);
			cs_jw_key_u64(&w, "certs", t->rec.ncerts);
			cs_jw_key_str(&w, "fetched_at", when);
		} else {
			cs_jw_key_null(&w, "certs");
			cs_jw_key_null(&w, "fetched_at");
		}
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	putc('\n', f);
}

static void
list_csv(FILE *f, const struct cs_aia_plan *p)
{
	const struct cs_aia_target *t;
	const char *s;
	char when[32];
	size_t i;

	fputs("url,file,level,reports,chains,issuer,status,http_status,certs,"
	    "fetched_at\r\n", f);
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		cs_csv_field(f, t->url, strlen(t->url));
		fprintf(f, ",%s,%d,%" PRIu64 ",%" PRIu64 ",", t->file,
		    t->level, t->reports, t->chains);
		cs_csv_field(f, t->issuer, strlen(t->issuer));
		s = last_status(t);
		fprintf(f, ",%s,", s != NULL ? s : "");
		if (t->fetched) {
			cs_date_iso(t->rec.fetched_at, when);
			if (t->rec.http > 0)
				fprintf(f, "%d", t->rec.http);
			fprintf(f, ",%" PRIu32 ",%s", t->rec.ncerts, when);
		} else
			fputs(",,", f);
		fputs("\r\n", f);
	}
}

static void
list_table(FILE *f, const struct cs_aia_plan *p)
{
	const struct cs_aia_target *t;
	const char *s;
	char st[32];
	int w[2] = { 7, 6 };
	size_t i;

	for (i = 0; i < p->n; i++) {
		w[0] = cs_fmt_width(p->v[i].reports, w[0]);
		w[1] = cs_fmt_width(p->v[i].chains, w[1]);
	}
	fprintf(f, "level  %*s  %*s  %-17s  %-68s  url\n", w[0], "reports",
	    w[1], "chains", "status", "file");
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		s = last_status(t);
		if (t->fetched && t->rec.status == CS_AIA_HTTP)
			snprintf(st, sizeof(st), "http %d", t->rec.http);
		else
			snprintf(st, sizeof(st), "%s", s != NULL ? s : "-");
		fprintf(f, "%5d  %*" PRIu64 "  %*" PRIu64 "  %-17s  %s  ",
		    t->level, w[0], t->reports, w[1], t->chains, st, t->file);
		cs_text_string(f, t->url, strlen(t->url));
		putc('\n', f);
	}
}

void
cs_aia_plan_summary(FILE *f, const struct cs_aia_plan *p)
{
	size_t i, never = 0;

	for (i = 0; i < p->n; i++)
		if (p->v[i].supported && !p->v[i].fetched)
			never++;
	fprintf(f, "urls: %zu, never fetched %zu; unknown-issuer reports "
	    "%" PRIu64 "\n", p->n, never, p->reports);
}

static void
result_json(FILE *f, const struct cs_aia_run *r)
{
	const struct cs_aia_fetched *x;
	struct cs_jw w;
	size_t i;
	int k;

	cs_jw_init(&w, f);
	cs_jw_object_begin(&w);
	cs_jw_key_u64(&w, "fetched", r->nstatus[CS_AIA_OK]);
	cs_jw_key_u64(&w, "failed", cs_aia_run_failed(r));
	cs_jw_key(&w, "failures");
	cs_jw_object_begin(&w);
	for (k = CS_AIA_OK + 1; k < CS_AIA_NSTATUS; k++)
		if (k != CS_AIA_REFUSED && k != CS_AIA_UNSUPPORTED)
			cs_jw_key_u64(&w, cs_aia_status_name(k),
			    r->nstatus[k]);
	cs_jw_object_end(&w);
	cs_jw_key_u64(&w, "refused", r->nstatus[CS_AIA_REFUSED]);
	cs_jw_key_u64(&w, "unsupported", r->nstatus[CS_AIA_UNSUPPORTED]);
	cs_jw_key_u64(&w, "skipped", r->skipped);
	cs_jw_key_u64(&w, "certs", r->certs);
	cs_jw_key_u64(&w, "certs_new", r->added);
	cs_jw_key_u64(&w, "files", r->files);
	cs_jw_key_u64(&w, "files_matched", r->files_matched);
	cs_jw_key_u64(&w, "files_not_certs", r->files_bad);
	cs_jw_key(&w, "results");
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < r->nres; i++) {
		x = &r->res[i];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "url", x->url);
		cs_jw_key_u64(&w, "level", (uint64_t)x->level);
		cs_jw_key_str(&w, "status", cs_aia_status_name(x->status));
		if (x->http > 0)
			cs_jw_key_u64(&w, "http_status", (uint64_t)x->http);
		else
			cs_jw_key_null(&w, "http_status");
		cs_jw_key_u64(&w, "certs", x->certs);
		cs_jw_key_u64(&w, "certs_new", x->added);
		cs_jw_key_str(&w, "detail", x->detail[0] != '\0' ? x->detail :
		    NULL);
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	cs_jw_object_end(&w);
	putc('\n', f);
}

static void
result_csv(FILE *f, const struct cs_aia_run *r)
{
	const struct cs_aia_fetched *x;
	size_t i;

	fputs("url,level,status,http_status,certs,certs_new,detail\r\n", f);
	for (i = 0; i < r->nres; i++) {
		x = &r->res[i];
		cs_csv_field(f, x->url, strlen(x->url));
		fprintf(f, ",%d,%s,", x->level, cs_aia_status_name(x->status));
		if (x->http > 0)
			fprintf(f, "%d", x->http);
		fprintf(f, ",%zu,%zu,", x->certs, x->added);
		cs_csv_field(f, x->detail, strlen(x->detail));
		fputs("\r\n", f);
	}
}

static void
result_table(FILE *f, const struct cs_aia_run *r)
{
	const struct cs_aia_fetched *x;
	size_t i;

	fputs("status             http  certs  new  level  url\n", f);
	for (i = 0; i < r->nres; i++) {
		x = &r->res[i];
		fprintf(f, "%-17s  ", cs_aia_status_name(x->status));
		if (x->http > 0)
			fprintf(f, "%4d", x->http);
		else
			fputs("   -", f);
		fprintf(f, "  %5zu  %3zu  %5d  ", x->certs, x->added,
		    x->level);
		cs_text_string(f, x->url, strlen(x->url));
		if (x->status != CS_AIA_OK && x->detail[0] != '\0') {
			fputs(" (", f);
			cs_text_string(f, x->detail, strlen(x->detail));
			putc(')', f);
		}
		putc('\n', f);
	}
}

/* The summary table: URLs by outcome, then certificates. */
void
cs_aia_run_summary(FILE *f, const struct cs_aia_run *r, int fetch,
    int import, const char *pfx)
{
	int k;

	if (fetch) {
		fprintf(f, "%sfetched            %6zu\n", pfx,
		    r->nstatus[CS_AIA_OK]);
		fprintf(f, "%sfailed             %6zu\n", pfx, cs_aia_run_failed(r));
		for (k = CS_AIA_OK + 1; k < CS_AIA_NSTATUS; k++)
			if (k != CS_AIA_REFUSED && k != CS_AIA_UNSUPPORTED)
				fprintf(f, "%s  %-17s%6zu\n", pfx,
				    cs_aia_status_name(k), r->nstatus[k]);
		fprintf(f, "%srefused            %6zu\n", pfx,
		    r->nstatus[CS_AIA_REFUSED]);
		fprintf(f, "%sunsupported        %6zu\n", pfx,
		    r->nstatus[CS_AIA_UNSUPPORTED]);
		fprintf(f, "%sskipped            %6zu\n", pfx, r->skipped);
	}
	if (import) {
		fprintf(f, "%sfiles              %6zu\n", pfx, r->files);
		fprintf(f, "%sfiles matched      %6zu\n", pfx,
		    r->files_matched);
		fprintf(f, "%sfiles not certs    %6zu\n", pfx, r->files_bad);
	}
	fprintf(f, "%scertificates       %6zu\n", pfx, r->certs);
	fprintf(f, "%scertificates new   %6zu\n", pfx, r->added);
}


void
cs_aia_plan_write(FILE *f, const struct cs_aia_plan *p, int fmt)
{
	if (fmt == CS_FMT_JSON)
		list_json(f, p);
	else if (fmt == CS_FMT_CSV)
		list_csv(f, p);
	else
		list_table(f, p);
}

void
cs_aia_run_write(FILE *f, const struct cs_aia_run *r, int fmt)
{
	if (fmt == CS_FMT_JSON)
		result_json(f, r);
	else if (fmt == CS_FMT_CSV)
		result_csv(f, r);
	else
		result_table(f, r);
}
