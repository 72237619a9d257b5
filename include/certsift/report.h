#ifndef CERTSIFT_REPORT_H
#define CERTSIFT_REPORT_H

/*
 * The report reader: one JSON document in, report candidates out. A fast
 * validating reader handles the common shape of a report without building a
 * tree; whatever it is not sure of goes to a jansson reader. Both give the
 * same fields for every document, or both reject it. A reader is one
 * thread's; several readers may parse at once (ingest's workers each have
 * one). cs_host_normalise() may be called from any thread.
 */

#include <stddef.h>
#include <stdint.h>

#define CS_HOST_MAX	400	/* longer hostnames are treated as absent */

/* One failedCertChain entry: its text, unescaped. p is NULL when the entry
 * is not a JSON string. */
struct cs_span {
	const char	*p;
	size_t		 len;
};

enum {
	CS_HAS_PORT = 1,
	CS_HAS_TIMESTAMP = 2,
	CS_HAS_ERROR = 4
};

/* A well-formed report. Everything points into the reader or the document
 * and is valid only during the callback. */
struct cs_report {
	const char		*host;	/* normalised; NULL when absent */
	size_t			 host_len;
	int64_t			 port;
	int64_t			 timestamp;
	int32_t			 error;
	unsigned		 has;	/* CS_HAS_* */
	const struct cs_span	*chain;
	size_t			 nchain;
};

/*
 * Called once per report candidate: rep is the report, or NULL when the
 * candidate is malformed and why says how. Return 0 to go on, -1 to stop.
 */
typedef int (*cs_report_fn)(void *arg, const struct cs_report *rep,
    const char *why);

enum {
	CS_READER_AUTO,		/* fast reader, jansson when unsure */
	CS_READER_FAST,		/* fast reader only (tests) */
	CS_READER_JANSSON	/* jansson only (tests, reference) */
};

/* Flags for cs_reader_parse(). */
#define CS_DOC_ELEMENT	1	/* doc is an element of a top-level array:
				   an array here is not a list of reports */

/* cs_reader_parse() in CS_READER_FAST mode when it would defer. */
#define CS_READER_UNSURE	(-2)

struct cs_reader;

/* Returns NULL when out of memory. Free with cs_reader_free(). */
struct cs_reader	*cs_reader_new(int mode);
void			 cs_reader_free(struct cs_reader *r);

/*
 * Parses doc[0..len) and calls fn for each report candidate: the document
 * itself or, when it is an array (and flags lacks CS_DOC_ELEMENT), each of
 * its elements. Returns the number of candidates, -1 when fn stopped, or
 * CS_READER_UNSURE (fast mode only; fn not called).
 */
int	cs_reader_parse(struct cs_reader *r, const char *doc, size_t len,
	    int flags, cs_report_fn fn, void *arg);

/* Lowercases ASCII letters and drops one trailing dot, in place; returns
 * the new length. */
size_t	cs_host_normalise(char *host, size_t len);

#endif
