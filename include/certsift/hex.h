#ifndef CERTSIFT_HEX_H
#define CERTSIFT_HEX_H

/*
 * Lowercase hexadecimal, as certsift prints digests, keys and serials.
 * Every function may be called from several threads at once.
 */

#include <stddef.h>

/* Writes the hex of p[0..n) to out, 2n digits and a NUL. */
void	cs_hex(const unsigned char *p, size_t n, char *out);

/* The hex of p[0..n), malloc'ed (free() it); NULL when out of memory. */
char	*cs_hex_dup(const unsigned char *p, size_t n);

#endif
