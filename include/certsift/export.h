#ifndef CERTSIFT_EXPORT_H
#define CERTSIFT_EXPORT_H

/*
 * Output formats. Report content is forgeable: every string is escaped for
 * the format it goes into (JSON, CSV, a terminal). Every function may be
 * called from several threads at once, on different streams.
 */

#include <stddef.h>
#include <stdio.h>

#include "certsift/json.h"
#include "certsift/store.h"

/* Writes s as a JSON string: quotes, escapes, invalid UTF-8 as U+FFFD. */
void	cs_json_string(FILE *f, const char *s, size_t n);
/* The same for a C string, or null when s is NULL. */
void	cs_json_cstring(FILE *f, const char *s);
/* Writes s as an RFC 4180 CSV field (quoted when it needs to be). */
void	cs_csv_field(FILE *f, const char *s, size_t n);
/* Writes s for a terminal: control characters and invalid UTF-8 as \xNN. */
void	cs_text_string(FILE *f, const char *s, size_t n);

/* XXH3-128 of p[0..n), for hash tables (not a cryptographic hash). */
void	cs_hash128(const void *p, size_t n, unsigned char out[16]);

/* SHA-256 of p[0..n). */
void	cs_sha256(const void *p, size_t n, unsigned char out[32]);

/* Writes the sha256 of rec as lowercase hex (64 characters, NUL). */
void	cs_sha256_hex(const unsigned char sha[32], char out[65]);

/*
 * Writes rec (with its summary) as one JSON object without a newline:
 * sha256, count, leaf_count, hosts, first_seen, last_seen, errors, subject,
 * issuer, serial, not_before, not_after, is_ca, self_signed, ski, aki, key,
 * sig_alg, san, aia_ca_issuers.
 */
void	cs_export_json(FILE *f, const struct cs_certrec *rec);
/* The same keys, into an object w has open (for callers that add keys). */
void	cs_export_json_fields(struct cs_jw *w, const struct cs_certrec *rec);

/* Writes rec's DER as a PEM block preceded by "# " comment lines. */
int	cs_export_pem(FILE *f, const struct cs_certrec *rec, struct cs_err *err);

#endif
