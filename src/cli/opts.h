#ifndef CERTSIFT_CLI_OPTS_H
#define CERTSIFT_CLI_OPTS_H

/*
 * The options several commands share, declared once (opts.c's table),
 * parsed once (cli_parse()) and documented once (main.c's --help):
 *
 *	--db path	the store (cli_db_path())
 *	--json, --csv	the output format (they exclude each other)
 *	-n count	rows shown (0: all)
 *	--min-host-reports k
 *	-o, --output file
 *	--roots path..., --known path..., --no-roots
 *			the walk's sources (missing.h), cli_certsets()
 *	--verbose	with them: the walk's signature checks on stderr
 *			(cli_verdicts())
 *	the selection	select.h
 *	-h, --help	the usage text, on stdout
 *
 * A command fills usage, take (which of them it takes) and its own
 * options (own, shortopts, opt) and calls cli_parse(); unknown options
 * and missing values are usage errors in certsift's words.
 */

#include <getopt.h>
#include <stdint.h>

#include "certsift/buf.h"
#include "certsift/fmt.h"
#include "certsift/missing.h"
#include "certsift/query.h"
#include "certsift/vec.h"

enum {
	CLI_DB = 1 << 0,
	CLI_JSON = 1 << 1,
	CLI_CSV = 1 << 2,
	CLI_N = 1 << 3,
	CLI_MHR = 1 << 4,	/* --min-host-reports */
	CLI_OUTPUT = 1 << 5,
	CLI_ROOTS = 1 << 6,
	CLI_SEL = 1 << 7
};

/* Paths given to a repeatable option (a vec.h array). */
struct cli_paths {
	const char	**v;
	size_t		  n, cap;
};

struct cli_opts {
	/* The command's. */
	const char		*usage;
	unsigned		 take;		/* CLI_* */
	const struct option	*own;		/* NULL-terminated, or NULL */
	const char		*shortopts;	/* its own, or NULL */
	/* One of its own options: 0, or the exit status (after saying why). */
	int			(*opt)(void *ctx, int ch, const char *arg);
	void			*ctx;
	/* What was given (n and min_host_reports: set defaults before). */
	const char		*db;
	int			 format;	/* CS_FMT_* */
	uint64_t		 n;
	int			 has_n;
	uint64_t		 min_host_reports;
	const char		*output;
	int			 no_roots;
	int			 verbose;
	struct cli_paths	 roots;
	struct cli_paths	 known;
	struct cs_sel		 sel;
	/* Not NULL: the selection's options as given, for a page to show. */
	struct cs_buf		*seltext;
};

/*
 * Parses argv's options. Returns -1 to go on (optind is at the operands),
 * else the exit status (0 after -h, 2 after a usage error).
 */
int	cli_parse(struct cli_opts *o, int argc, char **argv);

/*
 * A number option's value: arg as a decimal from min to max into *out,
 * 0; else the usage error "bad NAME 'arg'NOTE" (name with its dashes) and
 * 2.
 */
int	cli_number(const struct cli_opts *o, const char *name, const char *arg,
	    uint64_t min, uint64_t max, const char *note, uint64_t *out);

/* Appends path to l: 0, or 1 (out of memory, said). */
int	cli_paths_add(struct cli_paths *l, const char *path);

/* A usage error (why) unless exactly one operand is left: -1, or 2. */
int	cli_one_operand(const struct cli_opts *o, int argc, const char *why);

/* A usage error when operands are left: -1 when none, else 2. */
int	cli_no_operands(const struct cli_opts *o, int argc, char **argv);

/*
 * The walk's sources of --roots (default: the system's, unless
 * --no-roots) and --known. Returns 0, or the exit status after saying why.
 */
int	cli_certsets(const struct cli_opts *o, struct cs_certset **roots,
	    struct cs_certset **known);

/* Opens the selection's query on st; NULL after saying why. */
struct cs_query	*cli_query(const struct cli_opts *o, struct cs_store *st);
/* The same for an output without figures by hostname (select.h). */
struct cs_query	*cli_query_counts(const struct cli_opts *o,
		    struct cs_store *st);

/*
 * With --verbose, says on stderr what the walks did for their signatures:
 * checked, answered by the store's verdicts, new verdicts to keep. Call it
 * before closing st (which keeps them, see store.h).
 */
void	cli_verdicts(const struct cli_opts *o, const struct cs_store *st);

void	cli_opts_release(struct cli_opts *o);

#endif
