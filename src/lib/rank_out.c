#include "certsift/rank_out.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/export.h"
#include "certsift/export_files.h"
#include "certsift/json.h"
#include "certsift/nss.h"

static int
digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void
rank_json(FILE *f, const struct cs_ranking *l, const struct cs_rank_info *r,
    size_t n)
{
	struct cs_jw jw;
	size_t i, k;

	cs_jw_init(&jw, f);
	cs_jw_array_begin_lines(&jw);
	for (i = 0; i < n; i++) {
		const struct cs_rank_row *e = &l->rows[i];

		cs_jw_object_begin(&jw);
		if (e->name != NULL)
			cs_jw_key_string(&jw, r->key, e->name, e->len);
		else {
			cs_jw_key_i64(&jw, r->key, e->code);
			cs_jw_key_str(&jw, "name", cs_nss_name(e->code));
		}
		for (k = 0; k < r->ncols; k++)
			cs_jw_key_u64(&jw, r->cols[k], e->v[k]);
		cs_jw_object_end(&jw);
	}
	cs_jw_array_end(&jw);
	putc('\n', f);
}

static void
rank_csv(FILE *f, const struct cs_ranking *l, const struct cs_rank_info *r,
    int kind, size_t n)
{
	size_t i, k;

	fputs(r->key, f);
	if (kind == CS_RANK_ERRORS)
		fputs(",name", f);
	for (k = 0; k < r->ncols; k++)
		fprintf(f, ",%s", r->cols[k]);
	fputs("\r\n", f);
	for (i = 0; i < n; i++) {
		const struct cs_rank_row *e = &l->rows[i];

		if (e->name != NULL)
			cs_csv_field(f, e->name, e->len);
		else {
			const char *nm = cs_nss_name(e->code);

			fprintf(f, "%d,", (int)e->code);
			if (nm != NULL)
				cs_csv_field(f, nm, strlen(nm));
		}
		for (k = 0; k < r->ncols; k++)
			fprintf(f, ",%" PRIu64, e->v[k]);
		fputs("\r\n", f);
	}
}

/* A table: the figures right-aligned, then the name, escaped. */
static void
rank_table(FILE *f, const struct cs_ranking *l, const struct cs_rank_info *r,
    int kind, size_t n)
{
	size_t i, k;
	int w[4], cw = 4;
	char code[16];

	for (k = 0; k < r->ncols; k++)
		w[k] = (int)strlen(r->cols[k]);
	for (i = 0; i < n; i++) {
		for (k = 0; k < r->ncols; k++)
			if (digits(l->rows[i].v[k]) > w[k])
				w[k] = digits(l->rows[i].v[k]);
		if (l->rows[i].name == NULL) {
			snprintf(code, sizeof(code), "%d", (int)l->rows[i].code);
			if ((int)strlen(code) > cw)
				cw = (int)strlen(code);
		}
	}
	if (kind == CS_RANK_ERRORS)
		fprintf(f, "%*s  ", cw, "code");
	for (k = 0; k < r->ncols; k++)
		fprintf(f, "%*s  ", w[k], r->cols[k]);
	fprintf(f, "%s\n", kind == CS_RANK_ERRORS ? "name" : r->key);
	for (i = 0; i < n; i++) {
		const struct cs_rank_row *e = &l->rows[i];

		if (e->name == NULL)
			fprintf(f, "%*d  ", cw, (int)e->code);
		for (k = 0; k < r->ncols; k++)
			fprintf(f, "%*" PRIu64 "  ", w[k], e->v[k]);
		if (e->name != NULL)
			cs_text_string(f, e->name, e->len);
		else {
			const char *nm = cs_nss_name(e->code);

			fputs(nm != NULL ? nm : "-", f);
		}
		putc('\n', f);
	}
}

/* The certificates of a ranking, each read again for its summary. */
int
cs_rank_write_certs(FILE *f, const struct cs_query *q,
    const struct cs_ranking *l, size_t n, int fmt, struct cs_err *err)
{
	struct cs_certrec rec;
	struct cs_jw w;
	size_t i, wd[3] = { 5, 10, 5 }, k;
	char hex[65];

	if (n > l->n)
		n = l->n;
	cs_jw_init(&w, f);
	if (fmt == CS_FMT_JSON)
		cs_jw_array_begin_lines(&w);
	else if (fmt == CS_FMT_CSV)
		cs_export_csv_header(f);
	else {
		for (i = 0; i < n; i++)
			for (k = 0; k < 3; k++)
				if ((size_t)digits(l->rows[i].v[k]) > wd[k])
					wd[k] = (size_t)digits(l->rows[i].v[k]);
		fprintf(f, "%*s  %*s  %*s  %-64s  subject\n", (int)wd[0], "count",
		    (int)wd[1], "leaf_count", (int)wd[2], "hosts", "sha256");
	}
	for (i = 0; i < n; i++) {
		if (cs_query_get_cert(q, l->rows[i].key, CS_GET_SUMMARY, &rec,
		    err) == -1)
			return -1;
		switch (fmt) {
		case CS_FMT_JSON:
			cs_jw_object_begin(&w);
			cs_export_json_fields(&w, &rec);
			cs_jw_object_end(&w);
			break;
		case CS_FMT_CSV:
			cs_export_csv_row(f, &rec);
			break;
		default:
			cs_sha256_hex(rec.cert.sha256, hex);
			fprintf(f, "%*" PRIu64 "  %*" PRIu64 "  %*" PRIu64 "  %s  ",
			    (int)wd[0], rec.count, (int)wd[1], rec.leaf_count,
			    (int)wd[2], rec.hosts, hex);
			if (rec.cert.subject != NULL)
				cs_text_string(f, rec.cert.subject,
				    strlen(rec.cert.subject));
			putc('\n', f);
			break;
		}
		cs_certrec_release(&rec);
	}
	if (fmt == CS_FMT_JSON) {
		cs_jw_array_end(&w);
		putc('\n', f);
	}
	return 0;
}


void
cs_rank_write(FILE *f, const struct cs_ranking *l, int kind, size_t n,
    int fmt)
{
	const struct cs_rank_info *r = cs_rank_info(kind);

	if (n > l->n)
		n = l->n;
	if (fmt == CS_FMT_JSON)
		rank_json(f, l, r, n);
	else if (fmt == CS_FMT_CSV)
		rank_csv(f, l, r, kind, n);
	else
		rank_table(f, l, r, kind, n);
}
