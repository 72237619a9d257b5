#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/certfind.h"

const char *cli_cmd = NULL;

static void
vwarn(const char *fmt, va_list ap)
{
	fputs("certsift: ", stderr);
	if (cli_cmd != NULL)
		fprintf(stderr, "%s: ", cli_cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
cli_warn_cb(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

void
cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s", usage);
}

int
cli_bad_option(const char *usage, char **argv, const char *optstring)
{
	const char *arg = argv[optind - 1], *p;

	if (strncmp(arg, "--", 2) == 0) {
		/* getopt_long() leaves optopt 0 for an unknown name. */
		if (optopt == 0)
			cli_usage_error(usage, "unknown option '%.*s'",
			    (int)strcspn(arg, "="), arg);
		else
			cli_usage_error(usage, "option '%.*s' needs a value",
			    (int)strcspn(arg, "="), arg);
	} else if (optopt != 0 && optopt != ':' &&
	    (p = strchr(optstring, optopt)) != NULL && p[1] == ':')
		cli_usage_error(usage, "option '-%c' needs a value", optopt);
	else
		cli_usage_error(usage, "unknown option '-%c'", optopt);
	return 2;
}

int
cli_set_format(int *format, int want, const char *usage)
{
	if (*format != 0 && *format != want) {
		cli_usage_error(usage, "--json and --csv exclude each other");
		return -1;
	}
	*format = want;
	return 0;
}

int
cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *
cli_db_path(const char *opt)
{
	const char *e;

	if (opt != NULL)
		return opt;
	if ((e = getenv("CERTSIFT_DB")) != NULL && *e != '\0')
		return e;
	return "certsift.lmdb";
}

struct cs_store *
cli_open_store(const char *db)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL;

	/* A query reads one snapshot, however many records it reads. */
	if (cs_store_open(cli_db_path(db), 0, &st, &err) == -1 ||
	    cs_store_read_begin(st, &err) == -1) {
		cli_warn("%s", err.msg);
		cs_store_close(st);
		return NULL;
	}
	return st;
}

void
cli_upgrade_note(const struct cs_store *st)
{
	char msg[512];

	if (!cs_store_upgraded(st))
		return;
	cs_store_upgrade_msg(st, msg, sizeof(msg));
	cli_warn("%s", msg);
}

int
cli_fail(const struct cs_err *err)
{
	cli_warn("%s", err->msg);
	return err->code == CS_EUSAGE ? 2 : 1;
}

int
cli_finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write output: %s", strerror(errno));
		return 1;
	}
	return status;
}

int
cli_out_open(struct cs_outfile *o, const char *path)
{
	struct cs_err err = CS_ERR_INIT;

	if (cs_outfile_open(o, path, &err) == -1) {
		cli_warn("%s", err.msg);
		return -1;
	}
	return 0;
}

int
cli_out_close(struct cs_outfile *o, int ok)
{
	struct cs_err err = CS_ERR_INIT;
	int rc = cs_outfile_close(o, ok, &err);

	if (err.code != 0)
		cli_warn("%s", err.msg);
	return rc;
}

int
cli_find_cert(struct cs_store *st, const char *arg,
    unsigned char key[CS_KEY_LEN])
{
	struct cs_err err = CS_ERR_INIT;

	if (cs_cert_find(st, arg, key, &err) == -1) {
		cli_warn("%s", err.msg);
		return -1;
	}
	return 0;
}
