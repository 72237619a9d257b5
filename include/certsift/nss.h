#ifndef CERTSIFT_NSS_H
#define CERTSIFT_NSS_H

/*
 * The NSS and mozilla::pkix error table, embedded from data/nss-errors.tsv.
 * Read-only: every function may be called from several threads at once.
 */

/* Name of code (e.g. "SEC_ERROR_UNKNOWN_ISSUER"), or NULL when unknown. */
const char	*cs_nss_name(int code);
/* NSS's English message for code, or NULL when unknown. */
const char	*cs_nss_desc(int code);
/*
 * Parses a code given as a number ("-8179") or a name (case-insensitive).
 * Returns 0 and sets *code, or -1 when it is neither.
 */
int		 cs_nss_parse(const char *s, int *code);

#endif
