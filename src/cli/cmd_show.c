#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/nss.h"
#include "hostlist.h"

const char cmd_show_usage[] =
    "usage: certsift show [--json] [--db path] [--min-host-reports k] cert\n";

#define TOP_HOSTS	10

static void
field(const char *name, const char *value)
{
	printf("%-15s ", name);
	if (value == NULL)
		fputs("-", stdout);
	else
		cs_text_string(stdout, value, strlen(value));
	putchar('\n');
}

static void
list(const char *name, char *const *l, size_t n)
{
	size_t i;

	if (n == 0)
		field(name, NULL);
	for (i = 0; i < n; i++)
		field(i == 0 ? name : "", l[i]);
}

static void
show_text(const struct cs_certrec *r, const struct cs_hostlist *hl)
{
	const struct cs_cert *c = &r->cert;
	char hex[65], t[32];
	size_t i;

	cs_sha256_hex(c->sha256, hex);
	field("sha256", hex);
	field("subject", c->subject);
	field("issuer", c->issuer);
	field("serial", c->serial);
	cs_date_iso(c->not_before, t);
	field("not_before", t);
	cs_date_iso(c->not_after, t);
	field("not_after", t);
	field("key", c->key);
	field("sig_alg", c->sig_alg);
	field("is_ca", c->is_ca ? "yes" : "no");
	field("self_signed", c->self_signed ? "yes" : "no");
	field("ski", c->ski);
	field("aki", c->aki);
	list("san", c->san, c->nsan);
	list("aia_ca_issuers", c->aia, c->naia);
	printf("%-15s %" PRIu64 "\n%-15s %" PRIu64 "\n%-15s %" PRIu64 "\n",
	    "count", r->count, "leaf_count", r->leaf_count, "hosts", r->hosts);
	if (r->seen) {
		cs_date_iso(r->first_seen, t);
		field("first_seen", t);
		cs_date_iso(r->last_seen, t);
		field("last_seen", t);
	}
	for (i = 0; i < r->nerrs; i++) {
		const char *name = cs_nss_name(r->errs[i].code);

		printf("%-15s %d %s %" PRIu64 "\n", i == 0 ? "errors" : "",
		    (int)r->errs[i].code, name != NULL ? name : "?",
		    r->errs[i].n);
	}
	if (hl->n > 0) {
		printf("top hosts:\n");
		hostlist_text(stdout, hl, TOP_HOSTS, "  ");
	}
}

int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "min-host-reports", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char key[CS_KEY_LEN];
	struct cs_err err = CS_ERR_INIT;
	struct cs_certrec rec;
	struct cs_store *st;
	struct cs_hostlist hl = CS_HOSTLIST_INIT;
	const char *db = NULL;
	uint64_t minrep = 0;
	int ch, json = 0, status;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(cmd_show_usage, stdout);
			return 0;
		case 'J':
			json = 1;
			break;
		case 'K':
			if (cli_parse_u64(optarg, UINT64_MAX, &minrep) == -1) {
				cli_usage_error(cmd_show_usage, "bad --min-host-reports "
				    "'%s'", optarg);
				return 2;
			}
			break;
		default:
			return cli_bad_option(cmd_show_usage, argv, "h");
		}
	}
	if (argc - optind != 1) {
		cli_usage_error(cmd_show_usage, "name one certificate");
		return 2;
	}
	if ((st = cli_open_store(db)) == NULL)
		return 1;
	if (cli_find_cert(st, argv[optind], key) == -1) {
		cs_store_close(st);
		return 1;
	}
	if (cs_store_get_cert(st, key, CS_GET_SUMMARY, &rec, &err) == -1) {
		cs_store_close(st);
		return cli_fail(&err);
	}
	/* Without --min-host-reports only the top ten are kept. */
	status = 0;
	if (cs_cert_hostlist(st, key, TOP_HOSTS, minrep, &hl, &err) == -1)
		status = cli_fail(&err);
	else {
		if (json) {
			struct cs_jw w;

			cs_jw_init(&w, stdout);
			cs_jw_object_begin(&w);
			cs_export_json_fields(&w, &rec);
			cs_jw_key(&w, "top_hosts");
			hostlist_json(&w, &hl, TOP_HOSTS);
			cs_jw_object_end(&w);
			putchar('\n');
		}
	}
	cs_store_close(st);
	if (status == 0 && !json)
		show_text(&rec, &hl);
	cs_certrec_release(&rec);
	cs_hostlist_release(&hl);
	return status;
}
