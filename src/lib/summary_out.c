#include "certsift/summary_out.h"

#include <inttypes.h>

#include "certsift/json.h"

void
cs_store_counters_write(FILE *f, const uint64_t n[CS_N_COUNTERS], int json)
{
	struct cs_jw w;
	const char *name;
	size_t i;
	int k;

	cs_jw_init(&w, f);
	if (json)
		cs_jw_object_begin(&w);
	for (i = 0; i < CS_N_COUNTERS; i++) {
		k = cs_store_counter_order[i];
		name = cs_store_counter_name(k);
		if (json) {
			cs_jw_key(&w, name);
			if (k == CS_N_MICROSECONDS)
				cs_jw_double(&w, (double)n[k] / 1e6, 3);
			else
				cs_jw_u64(&w, n[k]);
		} else if (k == CS_N_MICROSECONDS)
			fprintf(f, "%-18s %.3f\n", name, (double)n[k] / 1e6);
		else
			fprintf(f, "%-18s %" PRIu64 "\n", name, n[k]);
	}
	if (json) {
		cs_jw_object_end(&w);
		putc('\n', f);
	}
}

void
cs_ingest_sum_write(FILE *f, const struct cs_ingest_sum *s, int json)
{
	if (json) {
		struct cs_jw w;

		cs_jw_init(&w, f);
		cs_jw_object_begin(&w);
		cs_jw_key_u64(&w, "files", s->files);
		cs_jw_key_u64(&w, "files_skipped", s->files_skipped);
		cs_jw_key_u64(&w, "files_damaged", s->files_damaged);
		cs_jw_key_u64(&w, "reports_read", s->reports_read);
		cs_jw_key_u64(&w, "reports_accepted", s->reports_accepted);
		cs_jw_key_u64(&w, "reports_filtered", s->reports_filtered);
		cs_jw_key_u64(&w, "reports_malformed", s->reports_malformed);
		cs_jw_key_u64(&w, "certs_seen", s->certs_seen);
		cs_jw_key_u64(&w, "certs_invalid", s->certs_invalid);
		cs_jw_key_u64(&w, "certs_new", s->certs_new);
		cs_jw_key_u64(&w, "bytes", s->bytes);
		cs_jw_key(&w, "seconds");
		cs_jw_double(&w, s->seconds, 3);
		cs_jw_object_end(&w);
		putc('\n', f);
		return;
	}
	fprintf(f, "ingested %" PRIu64 " file%s", s->files, s->files == 1 ? "" :
	    "s");
	if (s->files_skipped > 0)
		fprintf(f, " (%" PRIu64 " already ingested)", s->files_skipped);
	if (s->files_damaged > 0)
		fprintf(f, " (%" PRIu64 " damaged)", s->files_damaged);
	fprintf(f, ": %" PRIu64 " reports read, %" PRIu64 " accepted, %" PRIu64
	    " filtered, %" PRIu64 " malformed; %" PRIu64 " certs seen, %"
	    PRIu64 " invalid, %" PRIu64 " new; %.1f MB in %.2f s\n",
	    s->reports_read, s->reports_accepted, s->reports_filtered,
	    s->reports_malformed, s->certs_seen, s->certs_invalid,
	    s->certs_new, (double)s->bytes / 1e6, s->seconds);
}

void
cs_merge_sum_write(FILE *f, const struct cs_merge_sum *s, int json)
{
	struct cs_jw w;

	if (!json) {
		fprintf(f, "merged %" PRIu64 " stores (%" PRIu64 " skipped), %"
		    PRIu64 " new certificates\n", s->stores, s->skipped,
		    s->certs_added);
		return;
	}
	cs_jw_init(&w, f);
	cs_jw_object_begin(&w);
	cs_jw_key_u64(&w, "stores", s->stores);
	cs_jw_key_u64(&w, "skipped", s->skipped);
	cs_jw_key_u64(&w, "certs_added", s->certs_added);
	cs_jw_key_u64(&w, "overlapping_files", s->overlapping);
	cs_jw_key_bool(&w, "resumed", s->resumed);
	cs_jw_object_end(&w);
	putc('\n', f);
}
