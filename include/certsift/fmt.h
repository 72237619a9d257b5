#ifndef CERTSIFT_FMT_H
#define CERTSIFT_FMT_H

/*
 * The output formats of the commands' rows, which the library's writers
 * (aia_out.h, missing_out.h, causes_out.h, rank_out.h) take: a table for
 * people (figures right-aligned, text escaped), JSON (an array, one
 * object a line) or CSV (a header line, CRLF line ends, RFC 4180); and
 * decimal numbers read back. Every function may be called from several
 * threads at once.
 */

#include <stdint.h>

enum { CS_FMT_TABLE, CS_FMT_JSON, CS_FMT_CSV };

/* The width of v in decimal, or min when that is more. */
int	cs_fmt_width(uint64_t v, int min);

/* Reads s, decimal digits only, as a number up to max into *out: 0, or -1
 * (*out unchanged) when s is not one. */
int	cs_fmt_parse_u64(const char *s, uint64_t max, uint64_t *out);

#endif
