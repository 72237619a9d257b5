#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"
#include "hostlist.h"
#include "select.h"

static const char usage[] =
    "usage: certsift hosts [--json] [--db path] [--min-host-reports k]\n"
    "           [-n count] cert\n";

static int
collect(void *arg, const char *host, size_t len, uint64_t count)
{
	struct hostlist *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].host = xmalloc(len + 1);
	memcpy(l->v[l->n].host, host, len);
	l->v[l->n].host[len] = '\0';
	l->v[l->n].len = len;
	l->v[l->n].count = count;
	l->n++;
	return 0;
}

static int
host_cmp(const void *a, const void *b)
{
	const struct hostent *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((r = memcmp(x->host, y->host, n)) != 0)
		return r;
	return (x->len > y->len) - (x->len < y->len);
}

int
hostlist_load(struct cs_store *st, const unsigned char *key,
    struct hostlist *l)
{
	struct cs_err err = CS_ERR_INIT;

	memset(l, 0, sizeof(*l));
	if (cs_store_cert_hosts(st, key, collect, l, &err) == -1)
		return cli_fail(&err);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), host_cmp);
	return 0;
}

/* Keeps the best max hostnames only: show needs ten of a million. */
struct topk {
	struct hostlist	*l;
	size_t		 max;
};

static int
collect_top(void *arg, const char *host, size_t len, uint64_t count)
{
	struct topk *t = arg;
	struct hostlist *l = t->l;
	struct hostent e = { (char *)host, len, count };
	size_t i;

	/* The list stays sorted; most hostnames rank below its last. */
	if (l->n == t->max && host_cmp(&e, &l->v[l->n - 1]) >= 0)
		return 0;
	if (l->n == t->max)
		free(l->v[--l->n].host);
	else if (l->n == l->cap) {
		l->cap = t->max;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	for (i = l->n; i > 0 && host_cmp(&e, &l->v[i - 1]) < 0; i--)
		l->v[i] = l->v[i - 1];
	l->v[i].host = xmalloc(len + 1);
	memcpy(l->v[i].host, host, len);
	l->v[i].host[len] = '\0';
	l->v[i].len = len;
	l->v[i].count = count;
	l->n++;
	return 0;
}

int
hostlist_top(struct cs_store *st, const unsigned char *key, size_t max,
    struct hostlist *l)
{
	struct cs_err err = CS_ERR_INIT;
	struct topk t = { l, max };
	int rc;

	memset(l, 0, sizeof(*l));
	if (max == 0)
		return hostlist_load(st, key, l);
	/* The store keeps the first CS_TOP_HOSTS, in this order. */
	if (max <= CS_TOP_HOSTS) {
		if ((rc = cs_store_top_hosts(st, key, collect_top, &t, &err))
		    == -1)
			return cli_fail(&err);
		if (rc == 1)
			return 0;
	}
	if (cs_store_cert_hosts(st, key, collect_top, &t, &err) == -1)
		return cli_fail(&err);
	return 0;
}

struct minrep {
	struct strmap	 names;		/* index i: l->v[i] */
	uint64_t	*total;
};

static int
total_reports(void *arg, const char *host, size_t len, uint64_t reports,
    uint64_t certs)
{
	struct minrep *m = arg;
	long i;

	(void)certs;
	if ((i = strmap_get(&m->names, host, len)) >= 0)
		m->total[i] = reports;
	return 0;
}

int
hostlist_min_reports(struct cs_store *st, struct hostlist *l, uint64_t k)
{
	struct cs_err err = CS_ERR_INIT;
	struct minrep m = { STRMAP_INIT, NULL };
	size_t i, j;
	int status = 0;

	if (k <= 1 || l->n == 0)
		return 0;
	m.total = xmalloc(l->n * sizeof(*m.total));
	for (i = 0; i < l->n; i++) {
		strmap_add(&m.names, l->v[i].host, l->v[i].len, NULL);
		m.total[i] = 0;
	}
	if (cs_store_foreach_host(st, total_reports, &m, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	/* The list holds each host once: names' index i is l->v[i]. */
	for (i = 0, j = 0; i < l->n; i++) {
		if (m.total[i] < k) {
			free(l->v[i].host);
			continue;
		}
		l->v[j++] = l->v[i];
	}
	l->n = j;
out:
	strmap_release(&m.names);
	free(m.total);
	return status;
}

void
hostlist_release(struct hostlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].host);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
hostlist_json(struct cs_jw *w, const struct hostlist *l, size_t max)
{
	size_t i;

	cs_jw_array_begin(w);
	for (i = 0; i < l->n && (max == 0 || i < max); i++) {
		cs_jw_object_begin(w);
		cs_jw_key_string(w, "host", l->v[i].host, l->v[i].len);
		cs_jw_key_u64(w, "count", l->v[i].count);
		cs_jw_object_end(w);
	}
	cs_jw_array_end(w);
}

void
hostlist_text(FILE *f, const struct hostlist *l, size_t max,
    const char *indent)
{
	size_t i;

	for (i = 0; i < l->n && (max == 0 || i < max); i++) {
		fprintf(f, "%s%8" PRIu64 "  ", indent, l->v[i].count);
		cs_text_string(f, l->v[i].host, l->v[i].len);
		putc('\n', f);
	}
}

int
cmd_hosts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "min-host-reports", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char key[CS_KEY_LEN];
	struct cs_store *st;
	struct hostlist l;
	const char *db = NULL;
	uint64_t max = 0, minrep = 0;
	int ch, json = 0, status = 0;

	while ((ch = getopt_long(argc, argv, "hn:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'J':
			json = 1;
			break;
		case 'K':
			if (cli_parse_u64(optarg, UINT64_MAX, &minrep) == -1) {
				cli_usage_error(usage, "bad --min-host-reports "
				    "'%s'", optarg);
				return 2;
			}
			break;
		case 'n':
			if (cli_parse_u64(optarg, UINT32_MAX, &max) == -1) {
				cli_usage_error(usage, "bad -n '%s'", optarg);
				return 2;
			}
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		cli_usage_error(usage, "name one certificate");
		return 2;
	}
	if ((st = cli_open_store(db)) == NULL)
		return 1;
	if (cli_find_cert(st, argv[optind], key) == -1) {
		cs_store_close(st);
		return 1;
	}
	if ((status = hostlist_load(st, key, &l)) == 0 &&
	    (status = hostlist_min_reports(st, &l, minrep)) == 0) {
		if (json) {
			struct cs_jw w;

			cs_jw_init(&w, stdout);
			hostlist_json(&w, &l, (size_t)max);
			putchar('\n');
		} else
			hostlist_text(stdout, &l, (size_t)max, "");
	}
	hostlist_release(&l);
	cs_store_close(st);
	return status;
}
