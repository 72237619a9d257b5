#ifndef CERTSIFT_PEM_H
#define CERTSIFT_PEM_H

/*
 * PEM blocks of certificates, as certsift writes them: the BEGIN line,
 * the base64 of the DER in lines of 64 characters, the END line. Every
 * function may be called from several threads at once (on different
 * streams).
 */

#include <stddef.h>
#include <stdio.h>

#include "certsift/err.h"

/*
 * Writes der[0..len) to f as a "CERTIFICATE" PEM block. Returns 0, or -1
 * (CS_ENOMEM) with nothing written; errors writing to f show in ferror(f).
 */
int	cs_pem_write(FILE *f, const unsigned char *der, size_t len,
	    struct cs_err *err);

#endif
