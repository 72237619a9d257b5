#include "opts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/certfile.h"
#include "cli.h"
#include "select.h"

/* getopt_long values of the shared options: beyond the selection's. */
enum {
	O_CSV = 2000, O_DB, O_JSON, O_KNOWN, O_MHR, O_NO_ROOTS, O_ROOTS,
	O_VERBOSE
};

/* The table: each option with the CLI_* bit of the commands taking it. */
static const struct {
	unsigned	take;
	struct option	opt;
} shared[] = {
	{ CLI_CSV, { "csv", no_argument, NULL, O_CSV } },
	{ CLI_DB, { "db", required_argument, NULL, O_DB } },
	{ CLI_JSON, { "json", no_argument, NULL, O_JSON } },
	{ CLI_ROOTS, { "known", required_argument, NULL, O_KNOWN } },
	{ CLI_MHR, { "min-host-reports", required_argument, NULL, O_MHR } },
	{ CLI_ROOTS, { "no-roots", no_argument, NULL, O_NO_ROOTS } },
	{ CLI_OUTPUT, { "output", required_argument, NULL, 'o' } },
	{ CLI_ROOTS, { "roots", required_argument, NULL, O_ROOTS } },
	{ CLI_ROOTS, { "verbose", no_argument, NULL, O_VERBOSE } },
	{ ~0u, { "help", no_argument, NULL, 'h' } },
};

static const struct option selopts[] = { SELECT_LONGOPTS };

#define NSHARED	(sizeof(shared) / sizeof(shared[0]))
#define NSEL	(sizeof(selopts) / sizeof(selopts[0]))

/* The command's longopts: the shared ones it takes, its own, the
 * selection's. */
static struct option *
longopts(const struct cli_opts *o)
{
	struct option *v;
	size_t i, n = 0, nown = 0;

	while (o->own != NULL && o->own[nown].name != NULL)
		nown++;
	if ((v = cs_mallocarray(NSHARED + nown + NSEL + 1, sizeof(*v))) ==
	    NULL)
		return NULL;
	for (i = 0; i < NSHARED; i++)
		if (shared[i].take & o->take)
			v[n++] = shared[i].opt;
	for (i = 0; i < nown; i++)
		v[n++] = o->own[i];
	for (i = 0; (o->take & CLI_SEL) && i < NSEL; i++)
		v[n++] = selopts[i];
	memset(&v[n], 0, sizeof(v[n]));
	return v;
}

int
cli_number(const struct cli_opts *o, const char *name, const char *arg,
    uint64_t min, uint64_t max, const char *note, uint64_t *out)
{
	uint64_t v;

	if (cli_parse_u64(arg, max, &v) == -1 || v < min) {
		cli_usage_error(o->usage, "bad %s '%s'%s", name, arg, note);
		return 2;
	}
	*out = v;
	return 0;
}

int
cli_paths_add(struct cli_paths *l, const char *path)
{
	if (cs_vec_push(l, path) == -1) {
		cli_warn("out of memory");
		return 1;
	}
	return 0;
}

/* One shared option: 0, or the exit status. */
static int
shared_opt(struct cli_opts *o, int ch, const char *arg)
{
	switch (ch) {
	case O_CSV:
	case O_JSON:
		return cli_set_format(&o->format, ch == O_CSV ? CS_FMT_CSV :
		    CS_FMT_JSON, o->usage) == -1 ? 2 : 0;
	case O_DB:
		o->db = arg;
		return 0;
	case O_KNOWN:
	case O_ROOTS:
		return cli_paths_add(ch == O_ROOTS ? &o->roots : &o->known,
		    arg);
	case O_MHR:
		return cli_number(o, "--min-host-reports", arg, 0, UINT64_MAX,
		    "", &o->min_host_reports);
	case O_NO_ROOTS:
		o->no_roots = 1;
		return 0;
	case O_VERBOSE:
		o->verbose = 1;
		return 0;
	case 'n':
		if (!(o->take & CLI_N))
			return -1;
		o->has_n = 1;
		return cli_number(o, "-n", arg, 0, UINT32_MAX, "", &o->n);
	case 'o':
		if (!(o->take & CLI_OUTPUT))
			return -1;
		o->output = arg;
		return 0;
	}
	return -1;
}

/* Keeps a selection option as the user wrote it (o->seltext). */
static void
note_option(struct cli_opts *o, char **argv, const char *arg)
{
	const char *opt = argv[optind - (arg != NULL && arg != argv[optind -
	    1] ? 2 : 1)];

	if (o->seltext->len > 0)
		cs_buf_append(o->seltext, " ", 1, NULL);
	cs_buf_append(o->seltext, opt, strlen(opt), NULL);
	if (arg != NULL && strchr(opt, '=') == NULL) {
		cs_buf_append(o->seltext, " ", 1, NULL);
		cs_buf_append(o->seltext, arg, strlen(arg), NULL);
	}
}

int
cli_parse(struct cli_opts *o, int argc, char **argv)
{
	struct option *lo = longopts(o);
	char so[64];
	int ch, rc, status = -1;

	if (lo == NULL) {
		cli_warn("out of memory");
		return 1;
	}
	snprintf(so, sizeof(so), "h%s%s%s", (o->take & CLI_N) ? "n:" : "",
	    (o->take & CLI_OUTPUT) ? "o:" : "", o->shortopts != NULL ?
	    o->shortopts : "");
	while (status == -1 &&
	    (ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if ((o->take & CLI_SEL) &&
		    (rc = select_option(&o->sel, ch, optarg, o->usage)) != 0) {
			if (rc == -1)
				status = 2;
			else if (o->seltext != NULL)
				note_option(o, argv, optarg);
			continue;
		}
		if (ch == 'h') {
			fputs(o->usage, stdout);
			status = 0;
		} else if (ch == '?' || ch == ':')
			status = cli_bad_option(o->usage, argv, so);
		else if ((rc = shared_opt(o, ch, optarg)) >= 0) {
			if (rc > 0)
				status = rc;
		} else if (o->opt != NULL && (rc = o->opt(o->ctx, ch, optarg))
		    != 0)
			status = rc;
	}
	free(lo);
	return status;
}

int
cli_no_operands(const struct cli_opts *o, int argc, char **argv)
{
	if (optind == argc)
		return -1;
	cli_usage_error(o->usage, "unexpected argument '%s'", argv[optind]);
	return 2;
}

int
cli_one_operand(const struct cli_opts *o, int argc, const char *why)
{
	if (argc - optind == 1)
		return -1;
	cli_usage_error(o->usage, "%s", why);
	return 2;
}

int
cli_certsets(const struct cli_opts *o, struct cs_certset **roots,
    struct cs_certset **known)
{
	struct cs_err err = CS_ERR_INIT;

	if (cs_certsets_load(o->roots.v, o->roots.n, o->no_roots, o->known.v,
	    o->known.n, cli_warn_cb, NULL, roots, known, &err) == -1)
		return cli_fail(&err);
	return 0;
}

static struct cs_query *
query(const struct cli_opts *o, struct cs_store *st, int hosts)
{
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_sel s = o->sel;
	struct cs_query *q = NULL;

	/* --cause walks with --roots and --known (the system's roots). */
	if (s.causes != 0 && s.roots == NULL) {
		if (cli_certsets(o, &roots, &known) != 0)
			goto out;
		s.roots = roots;
		s.known = known;
	}
	q = hosts ? select_open(st, &s) : select_open_counts(st, &s);
out:
	cs_certset_free(roots);
	cs_certset_free(known);
	return q;
}

struct cs_query *
cli_query(const struct cli_opts *o, struct cs_store *st)
{
	return query(o, st, 1);
}

struct cs_query *
cli_query_counts(const struct cli_opts *o, struct cs_store *st)
{
	return query(o, st, 0);
}

void
cli_verdicts(const struct cli_opts *o, const struct cs_store *st)
{
	struct cs_verdict_count n;

	if (!o->verbose || st == NULL)
		return;
	cs_store_verdict_count(st, &n);
	cli_warn("signatures: %" PRIu64 " checked, %" PRIu64 " answered by "
	    "the store's verdicts, %" PRIu64 " new verdicts", n.checked,
	    n.stored, n.added);
}

void
cli_opts_release(struct cli_opts *o)
{
	cs_vec_release(&o->roots);
	cs_vec_release(&o->known);
	cs_sel_release(&o->sel);
}
