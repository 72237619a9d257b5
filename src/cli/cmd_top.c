#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"
#include "certsift/export_files.h"
#include "certsift/json.h"
#include "certsift/nss.h"
#include "certsift/query.h"
#include "opts.h"
#include "select.h"

const char cmd_top_usage[] =
    "usage: certsift top [--csv] [--json] [--by field] [--db path]\n"
    "           [--min-host-reports k] [-n count]\n"
    SELECT_USAGE
    "           issuers|certs|hosts|errors\n";

#define DEFAULT_N	20

struct top_opts {
	struct cli_opts		 c;
	struct cs_rank_opts	 r;
};

/* ---- output -------------------------------------------------------------- */

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
print_rows(const struct top_opts *o, const struct cs_ranking *l)
{
	const struct cs_rank_info *r = cs_rank_info(o->r.kind);
	size_t i, k, n = l->n;
	int w[4], cw = 4;
	char code[16];

	if (o->c.n != 0 && o->c.n < n)
		n = (size_t)o->c.n;
	if (o->c.format == CLI_FJSON) {
		struct cs_jw jw;

		cs_jw_init(&jw, stdout);
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
		putchar('\n');
		return;
	}
	if (o->c.format == CLI_FCSV) {
		fputs(r->key, stdout);
		if (o->r.kind == CS_RANK_ERRORS)
			fputs(",name", stdout);
		for (k = 0; k < r->ncols; k++)
			printf(",%s", r->cols[k]);
		fputs("\r\n", stdout);
		for (i = 0; i < n; i++) {
			const struct cs_rank_row *e = &l->rows[i];

			if (e->name != NULL)
				cs_csv_field(stdout, e->name, e->len);
			else {
				const char *nm = cs_nss_name(e->code);

				printf("%d,", (int)e->code);
				if (nm != NULL)
					cs_csv_field(stdout, nm, strlen(nm));
			}
			for (k = 0; k < r->ncols; k++)
				printf(",%" PRIu64, e->v[k]);
			fputs("\r\n", stdout);
		}
		return;
	}
	/* A table: the figures right-aligned, then the name, escaped. */
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
	if (o->r.kind == CS_RANK_ERRORS)
		printf("%*s  ", cw, "code");
	for (k = 0; k < r->ncols; k++)
		printf("%*s  ", w[k], r->cols[k]);
	printf("%s\n", o->r.kind == CS_RANK_ERRORS ? "name" : r->key);
	for (i = 0; i < n; i++) {
		const struct cs_rank_row *e = &l->rows[i];

		if (e->name == NULL)
			printf("%*d  ", cw, (int)e->code);
		for (k = 0; k < r->ncols; k++)
			printf("%*" PRIu64 "  ", w[k], e->v[k]);
		if (e->name != NULL)
			cs_text_string(stdout, e->name, e->len);
		else {
			const char *nm = cs_nss_name(e->code);

			fputs(nm != NULL ? nm : "-", stdout);
		}
		putchar('\n');
	}
}

/* The certificates of a ranking, each read again for its summary. */
static int
print_certs(const struct top_opts *o, struct cs_query *q,
    const struct cs_ranking *l)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_certrec rec;
	struct cs_jw w;
	size_t i, n, wd[3] = { 5, 10, 5 }, k;
	char hex[65];

	n = l->n;
	if (o->c.n != 0 && o->c.n < n)
		n = (size_t)o->c.n;
	cs_jw_init(&w, stdout);
	if (o->c.format == CLI_FJSON)
		cs_jw_array_begin_lines(&w);
	else if (o->c.format == CLI_FCSV)
		cs_export_csv_header(stdout);
	else {
		for (i = 0; i < n; i++)
			for (k = 0; k < 3; k++)
				if ((size_t)digits(l->rows[i].v[k]) > wd[k])
					wd[k] = (size_t)digits(l->rows[i].v[k]);
		printf("%*s  %*s  %*s  %-64s  subject\n", (int)wd[0], "count",
		    (int)wd[1], "leaf_count", (int)wd[2], "hosts", "sha256");
	}
	for (i = 0; i < n; i++) {
		if (cs_query_get_cert(q, l->rows[i].key, CS_GET_SUMMARY, &rec,
		    &err) == -1)
			return cli_fail(&err);
		switch (o->c.format) {
		case CLI_FJSON:
			cs_jw_object_begin(&w);
			cs_export_json_fields(&w, &rec);
			cs_jw_object_end(&w);
			break;
		case CLI_FCSV:
			cs_export_csv_row(stdout, &rec);
			break;
		default:
			cs_sha256_hex(rec.cert.sha256, hex);
			printf("%*" PRIu64 "  %*" PRIu64 "  %*" PRIu64 "  %s  ",
			    (int)wd[0], rec.count, (int)wd[1], rec.leaf_count,
			    (int)wd[2], rec.hosts, hex);
			if (rec.cert.subject != NULL)
				cs_text_string(stdout, rec.cert.subject,
				    strlen(rec.cert.subject));
			putchar('\n');
			break;
		}
		cs_certrec_release(&rec);
	}
	if (o->c.format == CLI_FJSON) {
		cs_jw_array_end(&w);
		putchar('\n');
	}
	return 0;
}

/* ---- the command --------------------------------------------------------- */

enum { O_BY = 1 };

static int
top_opt(void *ctx, int ch, const char *arg)
{
	(void)ch;
	*(const char **)ctx = arg;	/* --by */
	return 0;
}

/* What to rank and by what, from the operand and --by: -1, or 2. */
static int
rank_args(struct top_opts *o, const char *by, int argc, char **argv)
{
	const struct cs_rank_info *info;
	size_t i;

	if (argc - optind != 1) {
		if (argc == optind)
			cli_usage_error(cmd_top_usage, "say what to rank");
		else
			cli_usage_error(cmd_top_usage, "unexpected argument "
			    "'%s'", argv[optind + 1]);
		return 2;
	}
	if ((o->r.kind = cs_rank_find(argv[optind])) == -1) {
		cli_usage_error(cmd_top_usage, "cannot rank '%s'",
		    argv[optind]);
		return 2;
	}
	info = cs_rank_info(o->r.kind);
	if (by == NULL)
		return -1;
	for (i = 0; i < info->ncols; i++)
		if (strcmp(by, info->cols[i]) == 0)
			break;
	if (i == info->ncols) {
		cli_usage_error(cmd_top_usage, "cannot rank %s by '%s'",
		    info->name, by);
		return 2;
	}
	o->r.by = i;
	return -1;
}

int
cmd_top(int argc, char **argv)
{
	static const struct option own[] = {
		{ "by", required_argument, NULL, O_BY },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_err err = CS_ERR_INIT;
	struct cs_ranking rank = CS_RANKING_INIT;
	struct top_opts o;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	const char *by = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	o.c.usage = cmd_top_usage;
	o.c.take = CLI_DB | CLI_JSON | CLI_CSV | CLI_N | CLI_MHR | CLI_SEL;
	o.c.own = own;
	o.c.opt = top_opt;
	o.c.ctx = &by;
	o.c.n = DEFAULT_N;
	if ((status = cli_parse(&o.c, argc, argv)) != -1 ||
	    (status = rank_args(&o, by, argc, argv)) != -1)
		goto out;
	o.r.min_host_reports = o.c.min_host_reports;
	status = 1;
	if ((st = cli_open_store(o.c.db)) == NULL ||
	    (q = (o.r.kind == CS_RANK_ERRORS ? cli_query_counts :
	    cli_query)(&o.c, st)) == NULL)
		goto out;
	if (cs_query_rank(q, &o.r, &rank, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	status = 0;
	if (o.r.kind == CS_RANK_CERTS)
		status = print_certs(&o, q, &rank);
	else
		print_rows(&o, &rank);
out:
	cs_ranking_release(&rank);
	cs_query_close(q);
	cs_store_close(st);
	cli_opts_release(&o.c);
	return status;
}
