#include "certsift/cert_out.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/nss.h"

void
cs_hostlist_write_json(struct cs_jw *w, const struct cs_hostlist *l, size_t max)
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
cs_hostlist_write_text(FILE *f, const struct cs_hostlist *l, size_t max,
    const char *indent)
{
	size_t i;

	for (i = 0; i < l->n && (max == 0 || i < max); i++) {
		fprintf(f, "%s%8" PRIu64 "  ", indent, l->v[i].count);
		cs_text_string(f, l->v[i].host, l->v[i].len);
		putc('\n', f);
	}
}

static void
field(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%-15s ", name);
	if (value == NULL)
		fputs("-", f);
	else
		cs_text_string(f, value, strlen(value));
	putc('\n', f);
}

static void
list(FILE *f, const char *name, char *const *l, size_t n)
{
	size_t i;

	if (n == 0)
		field(f, name, NULL);
	for (i = 0; i < n; i++)
		field(f, i == 0 ? name : "", l[i]);
}

void
cs_cert_write_text(FILE *f, const struct cs_certrec *r,
    const struct cs_hostlist *hl, size_t top)
{
	const struct cs_cert *c = &r->cert;
	char hex[65], t[32];
	size_t i;

	cs_sha256_hex(c->sha256, hex);
	field(f, "sha256", hex);
	field(f, "subject", c->subject);
	field(f, "issuer", c->issuer);
	field(f, "serial", c->serial);
	cs_date_iso(c->not_before, t);
	field(f, "not_before", t);
	cs_date_iso(c->not_after, t);
	field(f, "not_after", t);
	field(f, "key", c->key);
	field(f, "sig_alg", c->sig_alg);
	field(f, "is_ca", c->is_ca ? "yes" : "no");
	field(f, "self_signed", c->self_signed ? "yes" : "no");
	field(f, "ski", c->ski);
	field(f, "aki", c->aki);
	list(f, "san", c->san, c->nsan);
	list(f, "aia_ca_issuers", c->aia, c->naia);
	fprintf(f, "%-15s %" PRIu64 "\n%-15s %" PRIu64 "\n%-15s %" PRIu64 "\n",
	    "count", r->count, "leaf_count", r->leaf_count, "hosts", r->hosts);
	if (r->seen) {
		cs_date_iso(r->first_seen, t);
		field(f, "first_seen", t);
		cs_date_iso(r->last_seen, t);
		field(f, "last_seen", t);
	}
	for (i = 0; i < r->nerrs; i++) {
		const char *name = cs_nss_name(r->errs[i].code);

		fprintf(f, "%-15s %d %s %" PRIu64 "\n", i == 0 ? "errors" : "",
		    (int)r->errs[i].code, name != NULL ? name : "?",
		    r->errs[i].n);
	}
	if (hl->n > 0) {
		fputs("top hosts:\n", f);
		cs_hostlist_write_text(f, hl, top, "  ");
	}
}

void
cs_cert_write_json(FILE *f, const struct cs_certrec *r,
    const struct cs_hostlist *hl, size_t top)
{
	struct cs_jw w;

	cs_jw_init(&w, f);
	cs_jw_object_begin(&w);
	cs_export_json_fields(&w, r);
	cs_jw_key(&w, "top_hosts");
	cs_hostlist_write_json(&w, hl, top);
	cs_jw_object_end(&w);
	putc('\n', f);
}
