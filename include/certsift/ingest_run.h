#ifndef CERTSIFT_INGEST_RUN_H
#define CERTSIFT_INGEST_RUN_H

/*
 * An ingest as `certsift ingest` runs it: the stores opened, the files a
 * user names ingested in order (ingest_files.h), what happens told as
 * ingest_notes.h tells it, and the summary. One thread's.
 */

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/files.h"
#include "certsift/ingest.h"
#include "certsift/ingest_notes.h"

/*
 * How hostnames are kept, from mode: "none", "clear" or "keyed:FILE"
 * (the HMAC key is all of FILE's bytes, read into key): sets o->hosts and,
 * keyed, o->host_key and o->host_key_len to key's (key must outlive the
 * ingest). Returns 0, or -1 with CS_EUSAGE for another mode or
 * cs_ingest_key_read()'s error.
 */
int	cs_ingest_hosts_mode(struct cs_ingest_opts *o, const char *mode,
	    struct cs_buf *key, struct cs_err *err);

/*
 * Opens the store at db (created when missing; an upgrade is told to n)
 * and, when known is not NULL, the store at known read-only (o's known:
 * the files it ingested are skipped); ingests paths in order, as many
 * files opened ahead as o->jobs (0: one per processor), o's bad, damaged
 * and progress telling n; clears n's progress line and puts the summary
 * in *sum. Returns 0, 1 when a file failed (told to n; *sum is whole), or
 * -1 when the ingest could not start (err; *sum untouched).
 */
int	cs_ingest_run(const char *db, const char *known,
	    const struct cs_ingest_opts *o, const struct cs_files *paths,
	    struct cs_ingest_notes *n, struct cs_ingest_sum *sum,
	    struct cs_err *err);

#endif
