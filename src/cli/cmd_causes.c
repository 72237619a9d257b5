#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/causes.h"
#include "certsift/export.h"
#include "certset.h"
#include "select.h"

const char cmd_causes_usage[] =
    "usage: certsift causes [--csv] [--json] [--no-roots] [--db path]\n"
    "           [--examples k] [--known path] [-n count] [--roots path]\n"
    SELECT_USAGE;

#define DEFAULT_N		20
#define DEFAULT_EXAMPLES	3

enum { O_TABLE, O_JSON, O_CSV };

enum { O_CSV_OPT = 1, O_DB, O_EXAMPLES, O_JSON_OPT, O_KNOWN, O_NO_ROOTS,
    O_ROOTS };

struct causes_opts {
	struct cs_sel	 sel;
	int		 format;
	int		 no_roots;
	uint64_t	 max;
	uint64_t	 examples;
	const char	*db;
	const char	**roots;
	size_t		 nroots;
	const char	**known;
	size_t		 nknown;
};

static void
print_share(FILE *f, unsigned bp)
{
	fprintf(f, "%u.%02u", bp / 100, bp % 100);
}

static void
print_json(FILE *f, const struct cs_causes *c, size_t n)
{
	const struct cs_cause_row *r;
	char id[65];
	size_t i, k;

	fputs("[", f);
	for (i = 0; i < n; i++) {
		r = &c->rows[i];
		fprintf(f, "%s{\"cause\":\"%s\",\"detail\":", i > 0 ? ",\n" :
		    "\n", cs_cause_name(r->cause));
		cs_json_cstring(f, r->detail);
		fprintf(f, ",\"reports\":%" PRIu64 ",\"chains\":%" PRIu64
		    ",\"hosts\":%" PRIu64 ",\"share\":", r->reports, r->chains,
		    r->hosts);
		print_share(f, cs_causes_row_share(c, r));
		fprintf(f, ",\"primary\":%" PRIu64 ",\"examples\":[",
		    r->primary);
		for (k = 0; k < r->nexamples; k++) {
			cs_sha256_hex(r->examples[k], id);
			fprintf(f, "%s\"%s\"", k > 0 ? "," : "", id);
		}
		fputs("]}", f);
	}
	fputs(n > 0 ? "\n]\n" : "]\n", f);
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

static int
width(uint64_t v, int min)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);

	return n > min ? n : min;
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
		w[0] = width(r->reports, w[0]);
		w[1] = width(r->primary, w[1]);
		w[2] = width(r->chains, w[2]);
		w[3] = width(r->hosts, w[3]);
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
static void
print_summary(FILE *f, const struct cs_causes *c)
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

static int
parse_args(struct causes_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "csv", no_argument, NULL, O_CSV_OPT },
		{ "db", required_argument, NULL, O_DB },
		{ "examples", required_argument, NULL, O_EXAMPLES },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, O_JSON_OPT },
		{ "known", required_argument, NULL, O_KNOWN },
		{ "no-roots", no_argument, NULL, O_NO_ROOTS },
		{ "roots", required_argument, NULL, O_ROOTS },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc;

	opterr = 0;	/* our messages begin with "certsift:" */
	while ((ch = getopt_long(argc, argv, "hn:", longopts, NULL)) != -1) {
		if ((rc = select_option(&o->sel, ch, optarg, cmd_causes_usage)) == -1)
			return 2;
		if (rc == 1)
			continue;
		switch (ch) {
		case O_CSV_OPT:
			if (cli_set_format(&o->format, O_CSV,
			    cmd_causes_usage) == -1)
				return 2;
			break;
		case O_DB:
			o->db = optarg;
			break;
		case O_EXAMPLES:
			if (cli_parse_u64(optarg, 1000, &o->examples) == -1) {
				cli_usage_error(cmd_causes_usage, "bad --examples '%s'",
				    optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(cmd_causes_usage, stdout);
			return 0;
		case O_JSON_OPT:
			if (cli_set_format(&o->format, O_JSON,
			    cmd_causes_usage) == -1)
				return 2;
			break;
		case O_KNOWN:
			o->known = xrealloc(o->known, (o->nknown + 1) *
			    sizeof(*o->known));
			o->known[o->nknown++] = optarg;
			break;
		case 'n':
			if (cli_parse_u64(optarg, UINT32_MAX, &o->max) == -1) {
				cli_usage_error(cmd_causes_usage, "bad -n '%s'", optarg);
				return 2;
			}
			break;
		case O_NO_ROOTS:
			o->no_roots = 1;
			break;
		case O_ROOTS:
			o->roots = xrealloc(o->roots, (o->nroots + 1) *
			    sizeof(*o->roots));
			o->roots[o->nroots++] = optarg;
			break;
		default:
			return cli_bad_option(cmd_causes_usage, argv, "hn:");
		}
	}
	if (optind != argc) {
		cli_usage_error(cmd_causes_usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	return -1;
}

int
cmd_causes(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct causes_opts o;
	struct cs_missing_opts mo;
	struct cs_causes c = CS_CAUSES_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	size_t n;
	int status;

	memset(&o, 0, sizeof(o));
	o.format = O_TABLE;
	o.max = DEFAULT_N;
	o.examples = DEFAULT_EXAMPLES;
	if ((status = parse_args(&o, argc, argv)) >= 0)
		goto out;
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
	if (cs_causes_run(st, &mo, (size_t)o.examples, &c, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	n = o.max != 0 && o.max < c.nrows ? (size_t)o.max : c.nrows;
	switch (o.format) {
	case O_JSON:
		print_json(stdout, &c, n);
		break;
	case O_CSV:
		print_csv(stdout, &c, n);
		break;
	default:
		print_table(stdout, &c, n);
	}
	if (o.format != O_TABLE)
		fputs("certsift: causes: ", stderr);
	print_summary(o.format == O_TABLE ? stdout : stderr, &c);
out:
	cs_causes_release(&c);
	cs_query_close(q);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_sel_release(&o.sel);
	free(o.roots);
	free(o.known);
	return status;
}
