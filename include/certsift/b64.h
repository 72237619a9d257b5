#ifndef CERTSIFT_B64_H
#define CERTSIFT_B64_H

/*
 * Base64 as reports carry certificates, and PEM bodies. Every function
 * may be called from several threads at once (each on its own buffers).
 */

#include <stddef.h>

#include "certsift/buf.h"
#include "certsift/err.h"

/*
 * Decodes standard base64 (RFC 4648 alphabet) into out, replacing its
 * contents. ASCII whitespace anywhere is ignored; '=' padding is optional
 * but, when present, only at the end and only as much as the length needs.
 * Returns the number of bytes decoded, or -1 (CS_EPARSE) with the reason.
 */
long	cs_b64_decode(const char *s, size_t n, struct cs_buf *out,
	    struct cs_err *err);

/*
 * Decodes a certificate as a report carries it: base64 of DER, or a PEM
 * block "-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----"
 * (text before and after the block is ignored). Same return as above.
 */
long	cs_b64_decode_cert(const char *s, size_t n, struct cs_buf *out,
	    struct cs_err *err);

/* Appends the base64 of p to out, in lines of 64 characters (PEM body). */
int	cs_b64_encode_pem(const unsigned char *p, size_t n, struct cs_buf *out,
	    struct cs_err *err);

#endif
