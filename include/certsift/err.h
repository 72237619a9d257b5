#ifndef CERTSIFT_ERR_H
#define CERTSIFT_ERR_H

/*
 * Errors: library functions return 0 (or a count >= 0) on success and -1 on
 * failure, and fill a caller-provided struct cs_err. Every function may
 * be called from several threads at once, each on its own struct cs_err.
 */

enum {
	CS_EOK = 0,
	CS_ENOMEM,	/* out of memory */
	CS_EIO,		/* reading or writing a file */
	CS_EPARSE,	/* malformed input */
	CS_EX509,	/* certificate decoding */
	CS_ESTORE,	/* the LMDB store */
	CS_EBUSY,	/* the store is locked by another writer */
	CS_ESCHEMA,	/* store of another schema version */
	CS_EUSAGE,	/* bad argument from the caller */
	CS_ENOTFOUND,	/* no such thing */
	CS_ESTOP,	/* stopped on purpose (strict mode) */
	CS_EFULL	/* the store's map was full and has grown: try again */
};

struct cs_err {
	int	code;
	char	msg[256];
};

#define CS_ERR_INIT { 0, "" }

/* Format msg, set code; always returns -1. err may be NULL. */
int	cs_err_set(struct cs_err *err, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Like cs_err_set() and appends ": <reason>" from the head of OpenSSL's
 * error queue, which it then clears. Returns -1.
 */
int	cs_err_openssl(struct cs_err *err, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
