#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"
#include "certsift/json.h"
#include "certsift/nss.h"
#include "certsift/query.h"
#include "select.h"

const char cmd_top_usage[] =
    "usage: certsift top [--csv] [--json] [--by field] [--db path]\n"
    "           [--min-host-reports k] [-n count]\n"
    SELECT_USAGE
    "           issuers|certs|hosts|errors\n";

#define DEFAULT_N	20

enum { O_TABLE, O_JSON, O_CSV };

struct top_opts {
	struct cs_rank_opts	 r;
	int			 format;
	uint64_t		 max;		/* 0: all */
	struct cs_sel		 sel;
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

	if (o->max != 0 && o->max < n)
		n = (size_t)o->max;
	if (o->format == O_JSON) {
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
	if (o->format == O_CSV) {
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
	if (o->max != 0 && o->max < n)
		n = (size_t)o->max;
	cs_jw_init(&w, stdout);
	if (o->format == O_JSON)
		cs_jw_array_begin_lines(&w);
	else if (o->format == O_CSV)
		cert_csv_header(stdout);
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
		switch (o->format) {
		case O_JSON:
			cs_jw_object_begin(&w);
			cs_export_json_fields(&w, &rec);
			cs_jw_object_end(&w);
			break;
		case O_CSV:
			cert_csv_row(stdout, &rec);
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
	if (o->format == O_JSON) {
		cs_jw_array_end(&w);
		putchar('\n');
	}
	return 0;
}

/* ---- the command --------------------------------------------------------- */

enum { O_BY = 1, O_CSV_OPT, O_DB, O_JSON_OPT, O_MIN_HOST_REPORTS };

int
cmd_top(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, O_BY },
		{ "csv", no_argument, NULL, O_CSV_OPT },
		{ "db", required_argument, NULL, O_DB },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, O_JSON_OPT },
		{ "min-host-reports", required_argument, NULL,
		    O_MIN_HOST_REPORTS },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cs_err err = CS_ERR_INIT;
	struct cs_ranking rank = CS_RANKING_INIT;
	const struct cs_rank_info *info;
	struct top_opts o;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	const char *db = NULL, *by = NULL;
	size_t i;
	int ch, rc, status = 0;

	memset(&o, 0, sizeof(o));
	o.max = DEFAULT_N;
	o.format = O_TABLE;
	while ((ch = getopt_long(argc, argv, "hn:", longopts, NULL)) != -1) {
		if ((rc = select_option(&o.sel, ch, optarg, cmd_top_usage)) == -1) {
			status = 2;
			goto out;
		}
		if (rc == 1)
			continue;
		switch (ch) {
		case O_BY:
			by = optarg;
			break;
		case O_CSV_OPT:
			if (cli_set_format(&o.format, O_CSV, cmd_top_usage) == -1) {
				status = 2;
				goto out;
			}
			break;
		case O_DB:
			db = optarg;
			break;
		case 'h':
			fputs(cmd_top_usage, stdout);
			goto out;
		case O_JSON_OPT:
			if (cli_set_format(&o.format, O_JSON, cmd_top_usage) == -1) {
				status = 2;
				goto out;
			}
			break;
		case O_MIN_HOST_REPORTS:
			if (cli_parse_u64(optarg, UINT64_MAX,
			    &o.r.min_host_reports) == -1) {
				cli_usage_error(cmd_top_usage, "bad "
				    "--min-host-reports '%s'", optarg);
				status = 2;
				goto out;
			}
			break;
		case 'n':
			if (cli_parse_u64(optarg, UINT32_MAX, &o.max) == -1) {
				cli_usage_error(cmd_top_usage, "bad -n '%s'", optarg);
				status = 2;
				goto out;
			}
			break;
		default:
			cli_bad_option(cmd_top_usage, argv, "hn:");
			status = 2;
			goto out;
		}
	}
	if (argc - optind == 0) {
		cli_usage_error(cmd_top_usage, "say what to rank");
		status = 2;
		goto out;
	}
	if (argc - optind > 1) {
		cli_usage_error(cmd_top_usage, "unexpected argument '%s'",
		    argv[optind + 1]);
		status = 2;
		goto out;
	}
	if ((o.r.kind = cs_rank_find(argv[optind])) == -1) {
		cli_usage_error(cmd_top_usage, "cannot rank '%s'", argv[optind]);
		status = 2;
		goto out;
	}
	info = cs_rank_info(o.r.kind);
	if (by != NULL) {
		for (i = 0; i < info->ncols; i++)
			if (strcmp(by, info->cols[i]) == 0)
				break;
		if (i == info->ncols) {
			cli_usage_error(cmd_top_usage, "cannot rank %s by '%s'",
			    info->name, by);
			status = 2;
			goto out;
		}
		o.r.by = i;
	}
	if ((st = cli_open_store(db)) == NULL ||
	    (q = select_open(st, &o.sel)) == NULL) {
		status = 1;
		goto out;
	}
	if (cs_query_rank(q, &o.r, &rank, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if (o.r.kind == CS_RANK_CERTS)
		status = print_certs(&o, q, &rank);
	else
		print_rows(&o, &rank);
out:
	cs_ranking_release(&rank);
	cs_query_close(q);
	cs_store_close(st);
	cs_sel_release(&o.sel);
	return status;
}
