#ifndef CERTSIFT_EXPORT_FILES_H
#define CERTSIFT_EXPORT_FILES_H

/*
 * What export and missing write besides JSON (export.h): certificates as
 * CSV rows, as DER files and chains as PEM files in a directory, and
 * missing's bundle of the certificates that resolve missing
 * intermediates. Files are written whole (files.h). Every function may be
 * called from several threads at once, on different streams and files;
 * the store and query handles follow store.h and query.h.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/err.h"
#include "certsift/missing.h"
#include "certsift/query.h"
#include "certsift/store.h"

/*
 * Certificates as CSV: the header line, then one row per certificate:
 * sha256, count, leaf_count, hosts, subject, issuer, not_before,
 * not_after, is_ca, self_signed. Lines end in CRLF (RFC 4180).
 */
void	cs_export_csv_header(FILE *f);
void	cs_export_csv_row(FILE *f, const struct cs_certrec *rec);

/* Writes rec's DER as dir/<sha256 hex>.der. Returns 0 or -1. */
int	cs_export_der_file(const char *dir, const struct cs_certrec *rec,
	    struct cs_err *err);

/*
 * Writes the chain x (of q's cs_query_chains()) as dir/<chain id>.pem:
 * "# " lines (chain id, reports, hosts, errors, certificates), then its
 * certificates in the order sent, each a PEM block after "# " lines. The
 * chain id is the lowercase hex SHA-256 of the concatenated SHA-256
 * digests of the chain's certificates (DER), in the order sent: it names
 * the file from a hash only, never from report content. A file that
 * already holds these bytes is left alone. Returns 0 or -1.
 */
int	cs_export_chain_file(struct cs_store *st, const struct cs_query *q,
	    const char *dir, const struct cs_qchain *x, struct cs_err *err);

/* The formats of cs_export_certs() (and of export --format, whose names
 * jsonl, csv, pem, der and chains are in this order). */
enum {
	CS_EXPORT_JSONL, CS_EXPORT_CSV, CS_EXPORT_PEM, CS_EXPORT_DER,
	CS_EXPORT_CHAINS
};

/*
 * Writes the certificates q selects, in one snapshot of st, to f as JSON
 * Lines (export.h's objects), CSV (the header, then the rows) or PEM
 * (export.h's blocks), or (CS_EXPORT_DER) each as a file in dir (f
 * unused; dir is made when missing, "cannot create 'dir': why", and what
 * a killed writer left in it removed, files.h). *n says how many.
 * Returns 0 or -1.
 */
int	cs_export_certs(struct cs_store *st, struct cs_query *q, int format,
	    FILE *f, const char *dir, size_t *n, struct cs_err *err);

/*
 * Writes each chain of q's reports as a file in dir
 * (cs_export_chain_file(); dir made as by cs_export_certs()); *nchains
 * and *ncerts say how many. Returns 0
 * or -1.
 */
int	cs_export_chains(struct cs_store *st, struct cs_query *q,
	    const char *dir, size_t *nchains, size_t *ncerts,
	    struct cs_err *err);

/*
 * missing's bundle: the resolving certificates of the rows of m that are
 * missing intermediates, at most max (0: all), each a PEM block after
 * "# " lines (issuer, reports, hosts, source); *count says how many.
 * Returns 0 or -1.
 */
int	cs_missing_write_pem(FILE *f, const struct cs_missing *m,
	    uint64_t max, size_t *count, struct cs_err *err);

#endif
