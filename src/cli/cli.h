#ifndef CERTSIFT_CLI_H
#define CERTSIFT_CLI_H

/*
 * The command line: main.c's table of commands, each a struct cli_cmd in
 * its cmd_<name>.c that declares its options once, as data (struct
 * cli_opt rows). One parser (opts.c's cli_parse()) fills the command's
 * options struct from them, and the same rows make its synopsis for -h,
 * `certsift help <name>`, `certsift --help` and every usage error.
 * opts.c also opens what a run needs (cli_open()); util.c: messages, the
 * store's path and output files.
 */

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/files.h"
#include "certsift/fmt.h"
#include "certsift/query.h"
#include "certsift/store.h"
#include "certsift/vec.h"

/* ---- options ------------------------------------------------------------ */

/* What an option does with its value (struct cli_opt's kind). */
enum {
	CLI_FLAG,	/* sets an int to 1 */
	CLI_NUM,	/* a decimal uint64_t from min to max */
	CLI_STR,	/* keeps the const char * */
	CLI_PATHS,	/* appends to a struct cli_paths (repeatable) */
	CLI_TIME,	/* an int64_t of cs_date_arg() */
	CLI_CHOICE,	/* an int: the index of the value among arg's
			   |-separated names, or values[index] */
	CLI_FORMAT,	/* the output format (struct cli_opts's) is min, a
			   CS_FMT_*; --json and --csv exclude each other */
	CLI_FN,		/* fn() says: 0, or the exit status after saying why */
	CLI_KIND = 0xff,
	CLI_SHORT = 0x100,	/* or'ed in: the synopsis shows -letter */
	CLI_MANY = 0x200	/* or'ed in: repeatable ("[--x v]...") */
};

struct cli_opts;

/*
 * One option of a command. Its value goes at offset off in the command's
 * options struct, which begins with a struct cli_opts (so the shared
 * rows below write there); has, when not 0, is the offset of an int set
 * to 1 when the option is given.
 */
struct cli_opt {
	const char	*name;		/* --name, or NULL: -letter only */
	int		 letter;	/* -letter, or 0 */
	const char	*arg;		/* the value's name; NULL: a flag */
	int		 kind;		/* CLI_* */
	size_t		 off;
	size_t		 has;
	uint64_t	 min, max;	/* CLI_NUM */
	int		(*fn)(struct cli_opts *, const char *);
	const int	*values;	/* CLI_CHOICE, or NULL */
};

/* A command: main.c's table row. */
struct cli_cmd {
	const char		*name;
	const char		*desc;		/* one line for --help */
	int			(*run)(int, char **);	/* argv[0]: name */
	const struct cli_opt	*opts;		/* ends with a zero row */
	int			 sel;		/* takes the selection */
	/* Its operands: their synopsis (or NULL: none), how many it takes,
	 * and the usage error when there are fewer. */
	const char		*operands;
	int			 nmin, nmax;
	const char		*few;
	int			 big;	/* holds the store's certificates
					   in memory: cli_huge_pages() */
};

/*
 * Before a big command runs: executes certsift again with glibc's malloc
 * asking for transparent huge pages (hugepages.c), unless that is set,
 * turned off (CERTSIFT_HUGEPAGES=0) or would change nothing. Returns only
 * when it did not.
 */
void	cli_huge_pages(char **argv);

/* The commands (main.c's table). */
extern const struct cli_cmd cmd_aia, cmd_causes, cmd_export, cmd_hosts,
    cmd_ingest, cmd_merge, cmd_missing, cmd_report, cmd_show, cmd_stats,
    cmd_top, cmd_trend, cmd_verify;

/* Paths given to a repeatable option (a vec.h array). */
struct cli_paths {
	const char	**v;
	size_t		  n, cap;
};

/*
 * The options several commands share, and what their run opened. A
 * command's options struct begins with one, zeroed, with the defaults of
 * n and min_host_reports set before cli_parse().
 */
struct cli_opts {
	const struct cli_cmd	*cmd;
	const char		*db;		/* --db */
	int			 format;	/* CS_FMT_*: --json, --csv */
	uint64_t		 n;		/* -n */
	int			 has_n;
	uint64_t		 min_host_reports;
	const char		*output;	/* -o, --output */
	int			 no_roots;
	int			 verbose;
	struct cli_paths	 roots;
	struct cli_paths	 known;
	struct cs_sel		 sel;
	/* Not NULL: the selection's options as given, for a page to show. */
	struct cs_buf		*seltext;
	/* cli_open()'s. */
	struct cs_store		*st;
	struct cs_query		*q;
	int			 loaded;	/* roots_set and known_set */
	struct cs_certset	*roots_set, *known_set;
};

/* Rows of a command's table, by kind; off and has are offsetof()s. */
#define CLI_OPT(name, letter, arg, kind, off)				\
	{ name, letter, arg, kind, off, 0, 0, 0, NULL, NULL }
#define CLI_OPT_NUM(name, arg, off, has, min, max)			\
	{ name, 0, arg, CLI_NUM, off, has, min, max, NULL, NULL }
#define CLI_OPT_FN(name, letter, arg, kind, fn)				\
	{ name, letter, arg, CLI_FN | (kind), 0, 0, 0, 0, fn, NULL }
#define CLI_OPT_CHOICE(name, arg, off, values)				\
	{ name, 0, arg, CLI_CHOICE, off, 0, 0, 0, NULL, values }
#define CLI_END	CLI_OPT(NULL, 0, NULL, 0, 0)

/* The shared rows. */
#define CLI_OFF(f)	offsetof(struct cli_opts, f)
#define CLI_DB		CLI_OPT("db", 0, "path", CLI_STR, CLI_OFF(db))
#define CLI_JSON							\
	{ "json", 0, NULL, CLI_FORMAT, 0, 0, CS_FMT_JSON, 0, NULL, NULL }
#define CLI_CSV								\
	{ "csv", 0, NULL, CLI_FORMAT, 0, 0, CS_FMT_CSV, 0, NULL, NULL }
#define CLI_N(min, max)							\
	{ NULL, 'n', "count", CLI_NUM, CLI_OFF(n), CLI_OFF(has_n), min, max, \
	    NULL, NULL }
#define CLI_MHR								\
	CLI_OPT_NUM("min-host-reports", "k", CLI_OFF(min_host_reports), 0, \
	    0, UINT64_MAX)
#define CLI_OUTPUT							\
	CLI_OPT("output", 'o', "file", CLI_STR | CLI_SHORT, CLI_OFF(output))
/* The walk's sources (missing.h; cli_open()), and with --verbose what
 * the walks did for their signatures, on stderr (cli_close()). */
#define CLI_ROOTS							\
	CLI_OPT("known", 0, "path", CLI_PATHS, CLI_OFF(known)),		\
	CLI_OPT("no-roots", 0, NULL, CLI_FLAG, CLI_OFF(no_roots)),	\
	CLI_OPT("roots", 0, "path", CLI_PATHS, CLI_OFF(roots)),		\
	CLI_OPT("verbose", 0, NULL, CLI_FLAG, CLI_OFF(verbose))

/*
 * Parses argv into o (the command's options struct, its struct cli_opts
 * first) by c's table, then checks the operands' count. Returns -1 to go
 * on (optind is at the operands), else the exit status: 0 after -h, 2
 * after a usage error in certsift's words.
 */
int	cli_parse(void *o, const struct cli_cmd *c, int argc, char **argv);
/* Appends c's synopsis ("usage: certsift name ...\n") to b: 0, or -1;
 * cli_usage() writes it to f. */
int	cli_synopsis(const struct cli_cmd *c, struct cs_buf *b);
void	cli_usage(FILE *f, const struct cli_cmd *c);

/* What cli_open() opens. */
enum {
	CLI_OPEN_ROOTS = 1,	/* the walk's sources */
	CLI_OPEN_STORE = 2,	/* the store, to read */
	CLI_OPEN_QUERY = 4,	/* the store and the selection's query */
	CLI_OPEN_COUNTS = 8	/* the same, for an output without figures
				   by hostname (no notes about them) */
};
/*
 * Opens what a run needs into o, each unless it is already open: the
 * sources of --roots (default: the system's, unless --no-roots) and
 * --known, also for --cause's walk; the store to read; the query, saying
 * on stderr what a period cannot count. Returns 0, or the exit status
 * after saying why.
 */
int	cli_open(struct cli_opts *o, int what);
/* Closes and frees what o holds (after --verbose's note when status is
 * 0) and returns status. */
int	cli_close(struct cli_opts *o, int status);

/* ---- util.c ------------------------------------------------------------- */

/* The command being run, for messages. */
extern const char *cli_cmd;

/* "certsift: <cmd>: <message>" on stderr. */
void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_warn(msg) as a library's warn callback (arg unused). */
void	cli_warn_cb(void *arg, const char *msg);
/* The message, then c's synopsis, on stderr: returns 2. */
int	cli_usage_error(const struct cli_cmd *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The store path: --db, else $CERTSIFT_DB, else ./certsift.lmdb. */
const char	*cli_db_path(const char *opt);
/* Exit status for a library error: 1 (2 for CS_EUSAGE). */
int	cli_fail(const struct cs_err *err);
/* Checks stdout was written; returns the exit status to use. */
int	cli_finish(int status);

/* An output file (files.h's cs_outfile; "-" or NULL: stdout), opened and
 * closed as the library does, saying why when they fail: 0, or -1. */
int	cli_out_open(struct cs_outfile *o, const char *path);
int	cli_out_close(struct cs_outfile *o, int ok);

#endif
