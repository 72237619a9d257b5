#ifndef CERTSIFT_SUMMARY_OUT_H
#define CERTSIFT_SUMMARY_OUT_H

/*
 * The store's counters (stats), an ingest's and a merge's summary as
 * text or JSON.
 * Every function may be called from several threads at once, on
 * different streams.
 */

#include <stdint.h>
#include <stdio.h>

#include "certsift/ingest.h"
#include "certsift/merge.h"
#include "certsift/store.h"

/*
 * The counters n (cs_store_counters()) in cs_store_counter_order: a JSON
 * object, or "name value" lines; the time in seconds, 3 decimals.
 */
void	cs_store_counters_write(FILE *f, const uint64_t n[CS_N_COUNTERS],
	    int json);

/* The summary of an ingest: a JSON object, or one line for people. */
void	cs_ingest_sum_write(FILE *f, const struct cs_ingest_sum *s,
	    int json);

/* The summary of a merge: a JSON object, or one line for people. */
void	cs_merge_sum_write(FILE *f, const struct cs_merge_sum *s, int json);

#endif
