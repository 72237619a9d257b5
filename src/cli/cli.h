#ifndef CERTSIFT_CLI_H
#define CERTSIFT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/store.h"

int	cmd_aia(int, char **);
int	cmd_causes(int, char **);
int	cmd_export(int, char **);
int	cmd_hosts(int, char **);
int	cmd_ingest(int, char **);
int	cmd_merge(int, char **);
int	cmd_missing(int, char **);
int	cmd_report(int, char **);
int	cmd_show(int, char **);
int	cmd_stats(int, char **);
int	cmd_top(int, char **);
int	cmd_trend(int, char **);
int	cmd_verify(int, char **);

/* The command being run, for messages. */
extern const char *cli_cmd;

/* "certsift: <cmd>: <message>" on stderr. */
void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	cli_usage_error(const char *usage, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	*xmalloc(size_t n);
void	*xrealloc(void *p, size_t n);

int	cli_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* The store path: --db, else $CERTSIFT_DB, else ./certsift.lmdb. */
const char	*cli_db_path(const char *opt);
/* Opens the store for reading; prints why not and returns NULL. */
struct cs_store	*cli_open_store(const char *db);
/* Exit status for a library error: 1 (2 for CS_EUSAGE). */
int	cli_fail(const struct cs_err *err);
/* Checks stdout was written; returns the exit status to use. */
int	cli_finish(int status);

/*
 * Atomic output: writes go to a temporary file beside path, renamed over
 * it by cli_out_close(). path "-" or NULL is stdout.
 */
struct cli_out {
	FILE	*f;
	char	*path;
	char	*tmp;
};
int	cli_out_open(struct cli_out *o, const char *path);
int	cli_out_close(struct cli_out *o, int ok);

/* Appends the contents of path to b: 0, or -1 with errno. */
int	cli_read_file(const char *path, struct cs_buf *b);

/* Finds a certificate by sha256 prefix or PEM/DER file path. */
int	cli_find_cert(struct cs_store *st, const char *arg,
	    unsigned char key[CS_KEY_LEN]);

#endif
