#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
cli_usage_error(const struct cli_cmd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	cli_usage(stderr, c);
	return 2;
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
