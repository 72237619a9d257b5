#include "certsift/query.h"

#include <inttypes.h>
#include <stdio.h>

#include "certsift/date.h"

int
cs_query_period_notes(struct cs_store *st, const struct cs_query *q,
    int hosts, void (*warn)(void *arg, const char *msg), void *arg,
    struct cs_err *err)
{
	struct cs_daysinfo di;
	uint64_t pairs, reports;
	char buf[32], msg[512];

	if (cs_store_days_info(st, &di, err) == -1)
		return -1;
	if (!di.kept)
		warn(arg, "the store keeps no days yet (an older schema; the "
		    "next ingest upgrades it): --since and --until select no "
		    "report");
	else if (di.reports_before > 0) {
		cs_date_iso(di.since, buf);
		snprintf(msg, sizeof(msg), "the store keeps days since %s "
		    "(upgraded then): the %" PRIu64 " reports ingested before "
		    "are in no period", buf, di.reports_before);
		warn(arg, msg);
	}
	cs_query_uncertain(q, &pairs, &reports);
	if (hosts && pairs > 0) {
		snprintf(msg, sizeof(msg), "%" PRIu64 " (chain, error code) "
		    "pairs have reports inside and outside the period and "
		    "several hostnames: figures by hostname count, of their %"
		    PRIu64 " reports in it, only those that must be there "
		    "(lower bounds)", pairs, reports);
		warn(arg, msg);
	}
	return 0;
}
