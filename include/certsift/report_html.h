#ifndef CERTSIFT_REPORT_HTML_H
#define CERTSIFT_REPORT_HTML_H

/*
 * certsift report: one self-contained HTML page (inline CSS and SVG, a
 * little inline JavaScript to sort tables, a Content-Security-Policy that
 * allows nothing else: no request leaves the page) with the figures of
 * a selection, each computed by the library calls behind the commands:
 * cs_store_counters() (stats), cs_trend_run() (trend), cs_missing_run()
 * (missing), cs_causes_days() (causes, trend --by cause) and
 * cs_query_rank() (top). Every string from a report or a
 * certificate is escaped for HTML; URLs are links only when http(s).
 *
 * Threads: a report is written by one thread, with a store handle (its
 * snapshot pinned) and a query of that thread (store.h, query.h). While
 * the walk runs, the trend by error code and the rankings are computed on
 * a second thread of its own, through a reader of the same snapshot
 * (cs_store_reader(), cs_query_twin()), at a lower priority than the
 * walk's; while the causes count the reports, the missing rows'
 * hostnames are counted on another (without a selection).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/err.h"
#include "certsift/missing.h"
#include "certsift/query.h"
#include "certsift/store.h"

struct cs_report_html_opts {
	struct cs_query		*query;		/* the selection (not NULL) */
	const char		*store_name;	/* shown as given */
	const char		*selection;	/* its options, as text */
	const struct cs_certset	*roots;		/* for missing; NULL: none */
	const struct cs_certset	*known;
	size_t			 top;		/* rows per ranking (0: 20) */
	uint64_t		 min_host_reports;	/* K: hosts listed */
	int			 has_since;	/* the period, as trend's */
	int32_t			 since;
	int			 has_until;
	int32_t			 until;
};

/*
 * Writes the page for st to f. Returns 0, or -1 (the page is then
 * incomplete: write it to a temporary file).
 */
int	cs_report_html(struct cs_store *st, const struct cs_report_html_opts *o,
	    FILE *f, struct cs_err *err);

/* Writes s[0..n) as HTML text or a double-quoted attribute's value:
 * & < > " ' escaped, invalid UTF-8 and control characters as U+FFFD. */
void	cs_html_text(FILE *f, const char *s, size_t n);

#endif
