#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/b64.h"
#include "certsift/export.h"
#include "certsift/json.h"
#include "certsift/missing.h"
#include "certset.h"
#include "select.h"

const char cmd_missing_usage[] =
    "usage: certsift missing [--csv] [--json] [--no-roots] [--pem]\n"
    "           [--db path] [--known path] [-n count] [-o file]\n"
    "           [--roots path]\n"
    SELECT_USAGE;

#define DEFAULT_N	20
#define SYSTEM_ROOTS	"/etc/ssl/certs/ca-certificates.crt"

enum { O_TABLE, O_JSON, O_CSV };

enum { O_CSV_OPT = 1, O_DB, O_JSON_OPT, O_KNOWN, O_NO_ROOTS, O_PEM, O_ROOTS };

struct missing_opts {
	struct cs_sel	 sel;
	int		 format;
	int		 pem;
	int		 no_roots;
	int		 has_n;
	uint64_t	 max;
	const char	*output;
	const char	*db;
	const char	**roots;
	size_t		 nroots;
	const char	**known;
	size_t		 nknown;
};

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

static int
width(uint64_t v, int min)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);

	return n > min ? n : min;
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
		w[0] = width(r->reports, w[0]);
		w[1] = width(r->chains, w[1]);
		w[2] = width(r->hosts, w[2]);
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

static void
print_summary(FILE *f, const struct cs_missing *m)
{
	int k;

	fputs("reports:", f);
	for (k = 0; k < CS_MISSING_NOUTCOMES; k++)
		fprintf(f, "%s %s %" PRIu64, k > 0 ? "," : "",
		    cs_missing_outcome_name(k), m->reports[k]);
	putc('\n', f);
}

/* The bundle: the resolving certificates of the missing intermediates. */
static int
write_pem(FILE *f, const struct cs_missing *m, uint64_t max, size_t *count)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_buf b = CS_BUF_INIT;
	const struct cs_missing_row *r;
	size_t i;

	*count = 0;
	for (i = 0; i < m->nrows; i++) {
		r = &m->rows[i];
		if (r->outcome != CS_MISSING_INTERMEDIATE || r->der == NULL)
			continue;
		if (max != 0 && *count >= max)
			break;
		cs_buf_reset(&b);
		if (cs_b64_encode_pem(r->der, r->der_len, &b, &err) == -1) {
			cs_buf_release(&b);
			return cli_fail(&err);
		}
		fputs("# issuer: ", f);
		cs_text_string(f, r->issuer, strlen(r->issuer));
		fprintf(f, "\n# reports: %" PRIu64 "\n# hosts: %" PRIu64
		    "\n# source: %s\n-----BEGIN CERTIFICATE-----\n",
		    r->reports, r->hosts, cs_missing_source_name(r->source));
		fwrite(b.data, 1, b.len, f);
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			putc('\n', f);
		fputs("-----END CERTIFICATE-----\n", f);
		(*count)++;
	}
	cs_buf_release(&b);
	return 0;
}

static int
parse_args(struct missing_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "csv", no_argument, NULL, O_CSV_OPT },
		{ "db", required_argument, NULL, O_DB },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, O_JSON_OPT },
		{ "known", required_argument, NULL, O_KNOWN },
		{ "no-roots", no_argument, NULL, O_NO_ROOTS },
		{ "output", required_argument, NULL, 'o' },
		{ "pem", no_argument, NULL, O_PEM },
		{ "roots", required_argument, NULL, O_ROOTS },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "hn:o:", longopts, NULL)) !=
	    -1) {
		if ((rc = select_option(&o->sel, ch, optarg, cmd_missing_usage)) == -1)
			return 2;
		if (rc == 1)
			continue;
		switch (ch) {
		case O_CSV_OPT:
			if (cli_set_format(&o->format, O_CSV, cmd_missing_usage) == -1)
				return 2;
			break;
		case O_DB:
			o->db = optarg;
			break;
		case 'h':
			fputs(cmd_missing_usage, stdout);
			return 0;
		case O_JSON_OPT:
			if (cli_set_format(&o->format, O_JSON, cmd_missing_usage) == -1)
				return 2;
			break;
		case O_KNOWN:
			o->known = xrealloc(o->known, (o->nknown + 1) *
			    sizeof(*o->known));
			o->known[o->nknown++] = optarg;
			break;
		case 'n':
			if (cli_parse_u64(optarg, UINT32_MAX, &o->max) == -1) {
				cli_usage_error(cmd_missing_usage, "bad -n '%s'", optarg);
				return 2;
			}
			o->has_n = 1;
			break;
		case O_NO_ROOTS:
			o->no_roots = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case O_PEM:
			o->pem = 1;
			break;
		case O_ROOTS:
			o->roots = xrealloc(o->roots, (o->nroots + 1) *
			    sizeof(*o->roots));
			o->roots[o->nroots++] = optarg;
			break;
		default:
			cli_bad_option(cmd_missing_usage, argv, "hn:o:");
			return 2;
		}
	}
	if (optind != argc) {
		cli_usage_error(cmd_missing_usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	if (o->output != NULL && !o->pem) {
		cli_usage_error(cmd_missing_usage, "-o goes with --pem");
		return 2;
	}
	if (o->pem && o->output == NULL && o->format != O_TABLE) {
		cli_usage_error(cmd_missing_usage, "--pem writes to standard output: "
		    "give -o file to have --%s too",
		    o->format == O_JSON ? "json" : "csv");
		return 2;
	}
	return -1;
}

int
missing_sets(const char **rootp, size_t nroots, int no_roots,
    const char **knownp, size_t nknown, struct cs_certset **roots,
    struct cs_certset **known)
{
	struct cs_err err = CS_ERR_INIT;
	size_t i;

	if (cs_certset_new(roots, &err) == -1 ||
	    cs_certset_new(known, &err) == -1)
		return cli_fail(&err);
	for (i = 0; i < nroots; i++)
		if (certset_load(*roots, rootp[i]) == -1)
			return 1;
	if (nroots == 0 && !no_roots && access(SYSTEM_ROOTS, R_OK) == 0 &&
	    certset_load(*roots, SYSTEM_ROOTS) == -1)
		return 1;
	for (i = 0; i < nknown; i++)
		if (certset_load(*known, knownp[i]) == -1)
			return 1;
	return 0;
}

int
missing_select(struct cs_missing_opts *mo, const struct cs_sel *sel,
    struct cs_store *st, struct cs_query **q)
{
	if ((*q = select_open(st, sel)) == NULL)
		return 1;
	mo->query = *q;
	return 0;
}

int
cmd_missing(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct missing_opts o;
	struct cs_missing_opts mo;
	struct cs_missing m = CS_MISSING_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	struct cli_out out;
	FILE *sum;
	size_t i, n, npem;
	int status;

	memset(&o, 0, sizeof(o));
	o.format = O_TABLE;
	o.max = DEFAULT_N;
	if ((status = parse_args(&o, argc, argv)) >= 0)
		goto out;
	status = 0;
	if ((status = missing_sets(o.roots, o.nroots, o.no_roots, o.known,
	    o.nknown, &roots, &known)) != 0)
		goto out;
	if ((st = cli_open_store(o.db)) == NULL) {
		status = 1;
		goto out;
	}
	memset(&mo, 0, sizeof(mo));
	mo.roots = roots;
	mo.known = known;
	if ((status = missing_select(&mo, &o.sel, st, &q)) != 0)
		goto out;
	if (cs_missing_run(st, &mo, &m, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	/* Rows shown: -n (default 20); the bundle: all, or -n if given. */
	n = o.max != 0 && o.max < m.nrows ? (size_t)o.max : m.nrows;
	for (i = 0; i < m.nrows; i++) {
		if (i >= n && !(o.pem && m.rows[i].outcome ==
		    CS_MISSING_INTERMEDIATE))
			continue;
		if (cs_missing_hosts(st, &m, i, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
	}
	sum = stderr;
	if (!o.pem || o.output != NULL) {
		switch (o.format) {
		case O_JSON:
			print_json(stdout, &m, n);
			break;
		case O_CSV:
			print_csv(stdout, &m, n);
			break;
		default:
			print_table(stdout, &m, n);
			sum = stdout;
		}
	}
	if (sum == stderr)
		fputs("certsift: missing: ", stderr);
	print_summary(sum, &m);
	if (o.pem) {
		if (cli_out_open(&out, o.output) == -1) {
			status = 1;
			goto out;
		}
		status = write_pem(out.f, &m, o.has_n ? o.max : 0, &npem);
		if (cli_out_close(&out, status == 0) == -1)
			status = 1;
		if (status == 0 && o.output != NULL &&
		    strcmp(o.output, "-") != 0)
			fprintf(stderr, "certsift: missing: wrote %zu "
			    "certificates to '%s'\n", npem, o.output);
	}
out:
	cs_missing_release(&m);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_query_close(q);
	cs_sel_release(&o.sel);
	free(o.roots);
	free(o.known);
	return status;
}
