#ifndef CERTSIFT_CLI_H
#define CERTSIFT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/files.h"
#include "certsift/store.h"

/* The commands (main.c's table): each runs with argv[0] its name, and its
 * usage text is its synopsis for -h, help and --help. */
int	cmd_aia(int, char **);
extern const char cmd_aia_usage[];
int	cmd_causes(int, char **);
extern const char cmd_causes_usage[];
int	cmd_export(int, char **);
extern const char cmd_export_usage[];
int	cmd_hosts(int, char **);
extern const char cmd_hosts_usage[];
int	cmd_ingest(int, char **);
extern const char cmd_ingest_usage[];
int	cmd_merge(int, char **);
extern const char cmd_merge_usage[];
int	cmd_missing(int, char **);
extern const char cmd_missing_usage[];
int	cmd_report(int, char **);
extern const char cmd_report_usage[];
int	cmd_show(int, char **);
extern const char cmd_show_usage[];
int	cmd_stats(int, char **);
extern const char cmd_stats_usage[];
int	cmd_top(int, char **);
extern const char cmd_top_usage[];
int	cmd_trend(int, char **);
extern const char cmd_trend_usage[];
int	cmd_verify(int, char **);
extern const char cmd_verify_usage[];

/* The command being run, for messages. */
extern const char *cli_cmd;

/* "certsift: <cmd>: <message>" on stderr. */
void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_warn(msg) as a library's warn callback (arg unused). */
void	cli_warn_cb(void *arg, const char *msg);
/* Says so when opening st (to write) upgraded it. */
void	cli_upgrade_note(const struct cs_store *st);
void	cli_usage_error(const char *usage, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * The usage error for getopt_long()'s '?' (opterr is 0: certsift says
 * what is wrong in its own words): an unknown option or one missing its
 * value. Returns 2, the exit status.
 */
int	cli_bad_option(const char *usage, char **argv, const char *optstring);
/*
 * Sets *format (0: the table) to want, or says that two output formats
 * were asked for (a usage error) and returns -1.
 */
int	cli_set_format(int *format, int want, const char *usage);

int	cli_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* The store path: --db, else $CERTSIFT_DB, else ./certsift.lmdb. */
const char	*cli_db_path(const char *opt);
/* Opens the store for reading; prints why not and returns NULL. */
struct cs_store	*cli_open_store(const char *db);
/* Exit status for a library error: 1 (2 for CS_EUSAGE). */
int	cli_fail(const struct cs_err *err);
/* Checks stdout was written; returns the exit status to use. */
int	cli_finish(int status);

/* An output file (files.h's cs_outfile; "-" or NULL: stdout), opened and
 * closed as the library does, saying why when they fail: 0, or -1. */
int	cli_out_open(struct cs_outfile *o, const char *path);
int	cli_out_close(struct cs_outfile *o, int ok);

/* Finds a certificate by sha256 prefix or PEM/DER file path. */
int	cli_find_cert(struct cs_store *st, const char *arg,
	    unsigned char key[CS_KEY_LEN]);

#endif
