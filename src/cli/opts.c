#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/certfile.h"
#include "certsift/date.h"
#include "certsift/fmt.h"
#include "certsift/missing.h"
#include "certsift/selopt.h"
#include "certsift/vec.h"

/* getopt_long values: a row of the command's table, a selection option. */
#define ROW	1000
#define SEL	2000

/* The synopsis's width, and its lines' indent after the first. */
#define WIDTH	72
#define INDENT	"           "

/* The rows of c's table, before its zero row. */
static size_t
nrows(const struct cli_cmd *c)
{
	size_t n = 0;

	while (c->opts[n].name != NULL || c->opts[n].letter != 0)
		n++;
	return n;
}

/* ---- the synopsis -------------------------------------------------------- */

/* "[--name arg]..." of an option into w (at least 64 bytes). */
static void
word(char *w, size_t size, const char *name, int letter, const char *arg,
    int kind)
{
	if (name == NULL || (kind & CLI_SHORT))
		snprintf(w, size, "[-%c%s%s]", letter, arg ? " " : "",
		    arg ? arg : "");
	else
		snprintf(w, size, "[--%s%s%s]", name, arg ? " " : "",
		    arg ? arg : "");
	if ((kind & CLI_MANY) || (kind & CLI_KIND) == CLI_PATHS)
		strcat(w, "...");
}

/* Appends w, on a new line when it does not fit on the current one. */
static void
fill(struct cs_buf *b, size_t *col, const char *w, int newline)
{
	size_t n = strlen(w);

	if (newline || *col + 1 + n > WIDTH) {
		cs_buf_append(b, "\n" INDENT, 1 + strlen(INDENT), NULL);
		*col = strlen(INDENT);
	} else {
		cs_buf_append(b, " ", 1, NULL);
		(*col)++;
	}
	cs_buf_append(b, w, n, NULL);
	*col += n;
}

/* Sorts flags first, then options with a value, each by name. */
static int
cmp_rows(const void *a, const void *b)
{
	const struct cli_opt *x = *(const struct cli_opt *const *)a;
	const struct cli_opt *y = *(const struct cli_opt *const *)b;
	char kx[2] = { (char)x->letter, 0 }, ky[2] = { (char)y->letter, 0 };

	if ((x->arg == NULL) != (y->arg == NULL))
		return x->arg == NULL ? -1 : 1;
	return strcmp(x->name == NULL || (x->kind & CLI_SHORT) ? kx : x->name,
	    y->name == NULL || (y->kind & CLI_SHORT) ? ky : y->name);
}

int
cli_synopsis(const struct cli_cmd *c, struct cs_buf *b)
{
	const struct cli_opt **rows = NULL;
	struct cs_err err = CS_ERR_INIT;
	char w[128];
	size_t i, n = nrows(c), col;

	if (n > 0 && (rows = cs_mallocarray(n, sizeof(*rows))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		rows[i] = &c->opts[i];
	qsort(rows, n, sizeof(*rows), cmp_rows);
	cs_buf_appendf(b, &err, "usage: certsift %s", c->name);
	col = b->len;
	for (i = 0; i < n; i++) {
		word(w, sizeof(w), rows[i]->name, rows[i]->letter, rows[i]->arg,
		    rows[i]->kind);
		fill(b, &col, w, 0);
	}
	for (i = 0; c->sel && i < cs_sel_nopts; i++) {
		word(w, sizeof(w), cs_sel_opts[i].name, 0, cs_sel_opts[i].arg,
		    cs_sel_opts[i].many ? CLI_MANY : 0);
		fill(b, &col, w, i == 0);
	}
	if (c->operands != NULL)
		fill(b, &col, c->operands, 0);
	cs_buf_append(b, "\n", 1, &err);
	free(rows);
	return err.code != 0 ? -1 : 0;
}

void
cli_usage(FILE *f, const struct cli_cmd *c)
{
	struct cs_buf b = CS_BUF_INIT;

	if (cli_synopsis(c, &b) == 0)
		fputs((const char *)b.data, f);
	cs_buf_release(&b);
}

/* ---- parsing ------------------------------------------------------------- */

/* The command's longopts (its rows, the selection's, --help) and
 * shortopts into so (3 bytes a row). NULL when out of memory. */
static struct option *
longopts(const struct cli_cmd *c, size_t n, char *so)
{
	struct option *v;
	size_t i, k = 0, nsel = c->sel ? cs_sel_nopts : 0;

	/* so: 'h', then up to 2 bytes a row with a letter, and NUL */
	if ((v = cs_mallocarray(n + nsel + 2, sizeof(*v))) == NULL)
		return NULL;
	*so++ = 'h';
	for (i = 0; i < n; i++) {
		if (c->opts[i].name != NULL)
			v[k++] = (struct option){ c->opts[i].name,
			    c->opts[i].arg ? required_argument : no_argument,
			    NULL, ROW + (int)i };
		if (c->opts[i].letter != 0) {
			*so++ = (char)c->opts[i].letter;
			if (c->opts[i].arg != NULL)
				*so++ = ':';
		}
	}
	*so = '\0';
	for (i = 0; i < nsel; i++)
		v[k++] = (struct option){ cs_sel_opts[i].name,
		    cs_sel_opts[i].arg ? required_argument : no_argument, NULL,
		    SEL + (int)i };
	v[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	memset(&v[k], 0, sizeof(v[k]));
	return v;
}

/* The value of a choice: its index among the |-separated names of opt's
 * arg, or opt->values[index]. 0, or 2 after a usage error. */
static int
choice(struct cli_opts *o, const struct cli_opt *opt, const char *v, int *out)
{
	const char *p = opt->arg, *e;
	char names[256];
	size_t n = 0, len = strlen(v);
	int i;

	for (i = 0; p != NULL; i++, p = e != NULL ? e + 1 : NULL) {
		e = strchr(p, '|');
		if ((size_t)(e != NULL ? e - p : (ptrdiff_t)strlen(p)) == len &&
		    strncmp(p, v, len) == 0) {
			*out = opt->values != NULL ? opt->values[i] : i;
			return 0;
		}
		/* "a, b or c" for the message */
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%.*s",
		    i == 0 ? "" : e == NULL ? " or " : ", ", e != NULL ?
		    (int)(e - p) : (int)strlen(p), p);
		if (n >= sizeof(names))
			n = sizeof(names) - 1;
	}
	return cli_usage_error(o->cmd, "bad --%s '%s' (%s)", opt->name, v,
	    names);
}

/* One option of the command's table with its value v: 0, or the exit
 * status after saying why. */
static int
apply(struct cli_opts *o, const struct cli_opt *opt, const char *v)
{
	struct cs_err err = CS_ERR_INIT;
	char *at = (char *)o + opt->off, range[64] = "";
	uint64_t u;
	int rc = 0;

	switch (opt->kind & CLI_KIND) {
	case CLI_FLAG:
		*(int *)at = 1;
		break;
	case CLI_NUM:
		if (cs_fmt_parse_u64(v, opt->max, &u) == -1 || u < opt->min) {
			/* a range worth saying: not just any count */
			if (opt->max < UINT32_MAX)
				snprintf(range, sizeof(range), " (%" PRIu64
				    " to %" PRIu64 ")", opt->min, opt->max);
			if (opt->name == NULL)
				return cli_usage_error(o->cmd, "bad -%c '%s'%s",
				    opt->letter, v, range);
			return cli_usage_error(o->cmd, "bad --%s '%s'%s",
			    opt->name, v, range);
		}
		*(uint64_t *)at = u;
		break;
	case CLI_STR:
		*(const char **)at = v;
		break;
	case CLI_PATHS:
		if (cs_vec_push((struct cli_paths *)at, v) == -1) {
			cli_warn("out of memory");
			return 1;
		}
		break;
	case CLI_TIME:
		if (cs_date_arg(v, (int64_t *)at, &err) == -1)
			return cli_usage_error(o->cmd, "%s", err.msg);
		break;
	case CLI_CHOICE:
		rc = choice(o, opt, v, (int *)at);
		break;
	case CLI_FORMAT:
		if (o->format != 0 && o->format != (int)opt->min)
			return cli_usage_error(o->cmd, "--json and --csv "
			    "exclude each other");
		o->format = (int)opt->min;
		break;
	case CLI_FN:
		rc = opt->fn(o, v);
		break;
	}
	if (rc == 0 && opt->has != 0)
		*(int *)((char *)o + opt->has) = 1;
	return rc;
}

/* A selection option: 0, or the exit status after saying why. */
static int
sel_opt(struct cli_opts *o, const struct cs_sel_opt *so, char **argv,
    const char *v)
{
	struct cs_err err = CS_ERR_INIT;
	const char *as;

	if (cs_sel_set(&o->sel, so->name, v, &err) == -1)
		return err.code == CS_EUSAGE ? cli_usage_error(o->cmd, "%s",
		    err.msg) : cli_fail(&err);
	if (o->seltext == NULL)
		return 0;
	/* As the user wrote it: "--x v" or "--x=v". */
	as = argv[optind - (v != NULL && v != argv[optind - 1] ? 2 : 1)];
	if (o->seltext->len > 0)
		cs_buf_append(o->seltext, " ", 1, NULL);
	cs_buf_append(o->seltext, as, strlen(as), NULL);
	if (v != NULL && strchr(as, '=') == NULL) {
		cs_buf_append(o->seltext, " ", 1, NULL);
		cs_buf_append(o->seltext, v, strlen(v), NULL);
	}
	return 0;
}

/*
 * The usage error for getopt_long()'s '?' (opterr is 0: certsift says
 * what is wrong in its own words): an unknown option or one missing its
 * value.
 */
static int
bad_option(const struct cli_cmd *c, char **argv, const char *so)
{
	const char *arg = argv[optind - 1], *p;
	int n = (int)strcspn(arg, "=");

	if (strncmp(arg, "--", 2) == 0)	/* optopt 0: an unknown name */
		return cli_usage_error(c, optopt == 0 ? "unknown option "
		    "'%.*s'" : "option '%.*s' needs a value", n, arg);
	if (optopt != 0 && optopt != ':' && (p = strchr(so, optopt)) != NULL &&
	    p[1] == ':')
		return cli_usage_error(c, "option '-%c' needs a value", optopt);
	return cli_usage_error(c, "unknown option '-%c'", optopt);
}

/* The operands' count: -1 when right, else 2 after saying why. */
static int
operands(const struct cli_cmd *c, int argc, char **argv)
{
	if (argc - optind < c->nmin)
		return cli_usage_error(c, "%s", c->few);
	if (c->nmax >= 0 && argc - optind > c->nmax)
		return cli_usage_error(c, "unexpected argument '%s'",
		    argv[optind + c->nmax]);
	return -1;
}

int
cli_parse(void *opts, const struct cli_cmd *c, int argc, char **argv)
{
	struct cli_opts *o = opts;
	struct option *lo;
	char so[128];
	size_t i;
	int ch, rc, status = -1;

	o->cmd = c;
	if ((lo = longopts(c, nrows(c), so)) == NULL) {
		cli_warn("out of memory");
		return 1;
	}
	while (status == -1 &&
	    (ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (ch == 'h') {
			cli_usage(stdout, c);
			status = 0;
			continue;
		}
		if (ch == '?' || ch == ':')
			rc = bad_option(c, argv, so);
		else if (ch >= SEL)
			rc = sel_opt(o, &cs_sel_opts[ch - SEL], argv, optarg);
		else {
			i = (size_t)(ch - ROW);
			if (ch < ROW)	/* by its letter */
				for (i = 0; c->opts[i].letter != ch; i++)
					;
			rc = apply(o, &c->opts[i], optarg);
		}
		if (rc != 0)
			status = rc;
	}
	free(lo);
	return status != -1 ? status : operands(c, argc, argv);
}

/* ---- a run --------------------------------------------------------------- */

static int
open_query(struct cli_opts *o, int hosts)
{
	struct cs_err err = CS_ERR_INIT;

	if (cs_query_open(o->st, &o->sel, &o->q, &err) == -1 ||
	    (cs_sel_window(&o->sel) && cs_query_period_notes(o->st, o->q,
	    hosts, cli_warn_cb, NULL, &err) == -1)) {
		cli_warn("%s", err.msg);
		return 1;
	}
	return 0;
}

int
cli_open(struct cli_opts *o, int what)
{
	struct cs_err err = CS_ERR_INIT;
	int query = what & (CLI_OPEN_QUERY | CLI_OPEN_COUNTS);

	if (!o->loaded && ((what & CLI_OPEN_ROOTS) || (query &&
	    o->sel.causes != 0))) {
		if (cs_certsets_load(o->roots.v, o->roots.n, o->no_roots,
		    o->known.v, o->known.n, cli_warn_cb, NULL, &o->roots_set,
		    &o->known_set, &err) == -1)
			return cli_fail(&err);
		o->loaded = 1;
		o->sel.roots = o->roots_set;
		o->sel.known = o->known_set;
	}
	/* A query reads one snapshot, however many records it reads. */
	if (o->st == NULL && (query || (what & CLI_OPEN_STORE)) &&
	    (cs_store_open(cli_db_path(o->db), 0, &o->st, &err) == -1 ||
	    cs_store_read_begin(o->st, &err) == -1)) {
		cli_warn("%s", err.msg);
		return 1;
	}
	return query ? open_query(o, (what & CLI_OPEN_QUERY) != 0) : 0;
}

int
cli_close(struct cli_opts *o, int status)
{
	struct cs_verdict_count n;

	cs_query_close(o->q);
	if (status == 0 && o->verbose && o->st != NULL) {
		cs_store_verdict_count(o->st, &n);
		cli_warn("signatures: %" PRIu64 " checked, %" PRIu64
		    " answered by the store's verdicts, %" PRIu64
		    " new verdicts", n.checked, n.stored, n.added);
	}
	cs_store_close(o->st);
	cs_certset_free(o->roots_set);
	cs_certset_free(o->known_set);
	cs_vec_release(&o->roots);
	cs_vec_release(&o->known);
	cs_sel_release(&o->sel);
	return status;
}
