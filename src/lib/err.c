#include "certsift/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

static void
vset(struct cs_err *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int
cs_err_set(struct cs_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
cs_err_openssl(struct cs_err *err, int code, const char *fmt, ...)
{
	char reason[160];
	unsigned long e;
	size_t n;
	va_list ap;

	e = ERR_peek_error();
	if (e != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	else
		strcpy(reason, "unknown OpenSSL error");
	ERR_clear_error();
	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", reason);
	return -1;
}
