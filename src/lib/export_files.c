#include "certsift/export_files.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/buf.h"
#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/files.h"
#include "certsift/pem.h"

void
cs_export_csv_header(FILE *f)
{
	fputs("sha256,count,leaf_count,hosts,subject,issuer,not_before,"
	    "not_after,is_ca,self_signed\r\n", f);
}

static void
csv_str(FILE *f, const char *s)
{
	if (s != NULL)
		cs_csv_field(f, s, strlen(s));
}

void
cs_export_csv_row(FILE *f, const struct cs_certrec *rec)
{
	const struct cs_cert *c = &rec->cert;
	char hex[65], nb[32], na[32];

	cs_sha256_hex(c->sha256, hex);
	cs_date_iso(c->not_before, nb);
	cs_date_iso(c->not_after, na);
	fprintf(f, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", hex, rec->count,
	    rec->leaf_count, rec->hosts);
	csv_str(f, c->subject);
	putc(',', f);
	csv_str(f, c->issuer);
	fprintf(f, ",%s,%s,%s,%s\r\n", nb, na, c->is_ca ? "true" : "false",
	    c->self_signed ? "true" : "false");
}

/* dir/<64 hex digits>.<ext>, or NULL (out of memory). */
static char *
hex_path(const char *dir, const unsigned char sha[32], const char *ext)
{
	size_t n = strlen(dir) + 80;
	char hex[65], *path;

	if ((path = malloc(n)) == NULL)
		return NULL;
	cs_sha256_hex(sha, hex);
	snprintf(path, n, "%s/%s.%s", dir, hex, ext);
	return path;
}

int
cs_export_der_file(const char *dir, const struct cs_certrec *rec,
    struct cs_err *err)
{
	char *path;
	int rc;

	if ((path = hex_path(dir, rec->cert.sha256, "der")) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	rc = cs_file_write(path, rec->der, rec->der_len, 0, err);
	free(path);
	return rc;
}

/* The chain's text: its "# " lines, then each certificate's. */
static int
chain_text(FILE *f, const struct cs_qchain *x, const struct cs_certrec *recs,
    const char *id, uint64_t hosts, struct cs_err *err)
{
	const struct cs_cert *c;
	char hex[65];
	size_t i;

	fprintf(f, "# chain: %s\n# reports: %" PRIu64 "\n# hosts: %zu\n"
	    "# errors:", id, x->reports, (size_t)hosts);
	for (i = 0; i < x->nerrs; i++)
		fprintf(f, " %d=%" PRIu64, (int)x->errs[i].code, x->errs[i].n);
	fprintf(f, "\n# certificates: %zu\n", x->ncerts);
	for (i = 0; i < x->ncerts; i++) {
		c = &recs[i].cert;
		cs_sha256_hex(c->sha256, hex);
		fprintf(f, "# [%zu] sha256: %s\n# [%zu] subject: ", i, hex, i);
		if (c->subject != NULL)
			cs_text_string(f, c->subject, strlen(c->subject));
		fprintf(f, "\n# [%zu] issuer: ", i);
		if (c->issuer != NULL)
			cs_text_string(f, c->issuer, strlen(c->issuer));
		putc('\n', f);
		if (cs_pem_write(f, recs[i].der, recs[i].der_len, err) == -1)
			return -1;
	}
	return 0;
}

int
cs_export_chain_file(struct cs_store *st, const struct cs_query *q,
    const char *dir, const struct cs_qchain *x, struct cs_err *err)
{
	struct cs_certrec *recs;
	struct cs_buf digests = CS_BUF_INIT;
	unsigned char id[32];
	uint64_t hosts;
	char hex[65], *path = NULL, *text = NULL;
	size_t i, textlen = 0;
	FILE *f = NULL;
	int ret = -1;

	if ((recs = calloc(x->ncerts ? x->ncerts : 1, sizeof(*recs))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < x->ncerts; i++)
		if (cs_store_get_cert(st, x->certs + i * CS_KEY_LEN,
		    CS_GET_SUMMARY | CS_GET_DER, &recs[i], err) == -1 ||
		    cs_buf_append(&digests, recs[i].cert.sha256, 32, err) == -1)
			goto out;
	cs_sha256(digests.data, digests.len, id);
	cs_sha256_hex(id, hex);
	if (cs_query_chain_hosts(q, x->key, &hosts, err) == -1)
		goto out;
	if ((f = open_memstream(&text, &textlen)) == NULL ||
	    (path = hex_path(dir, id, "pem")) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	if (chain_text(f, x, recs, hex, hosts, err) == -1)
		goto out;
	if (fclose(f) != 0) {
		f = NULL;
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	f = NULL;
	/* An unchanged file is left alone (its time too). */
	ret = cs_file_write(path, text, textlen, 1, err);
out:
	if (f != NULL)
		fclose(f);
	for (i = 0; i < x->ncerts; i++)
		cs_certrec_release(&recs[i]);
	free(recs);
	cs_buf_release(&digests);
	free(text);
	free(path);
	return ret;
}

int
cs_missing_write_pem(FILE *f, const struct cs_missing *m, uint64_t max,
    size_t *count, struct cs_err *err)
{
	const struct cs_missing_row *r;
	size_t i;

	*count = 0;
	for (i = 0; i < m->nrows; i++) {
		r = &m->rows[i];
		if (r->outcome != CS_MISSING_INTERMEDIATE || r->der == NULL)
			continue;
		if (max != 0 && *count >= max)
			break;
		fputs("# issuer: ", f);
		cs_text_string(f, r->issuer, strlen(r->issuer));
		fprintf(f, "\n# reports: %" PRIu64 "\n# hosts: %" PRIu64
		    "\n# source: %s\n", r->reports, r->hosts,
		    cs_missing_source_name(r->source));
		if (cs_pem_write(f, r->der, r->der_len, err) == -1)
			return -1;
		(*count)++;
	}
	return 0;
}

/* The directory of the files: made when missing, its stale temporary
 * files removed. */
static int
dir_ready(const char *dir, struct cs_err *err)
{
	if (mkdir(dir, 0777) == -1 && errno != EEXIST)
		return cs_err_set(err, CS_EIO, "cannot create '%s': %s", dir,
		    strerror(errno));
	cs_files_remove_stale(dir);
	return 0;
}

int
cs_export_chains(struct cs_store *st, struct cs_query *q, const char *dir,
    size_t *nchains, size_t *ncerts, struct cs_err *err)
{
	struct cs_chainlist l = CS_CHAINLIST_INIT;
	size_t i;
	int ret = -1;

	*nchains = *ncerts = 0;
	if (dir_ready(dir, err) == -1 || cs_query_chains(q, &l, err) == -1)
		goto out;
	for (i = 0; i < l.n; i++) {
		if (cs_export_chain_file(st, q, dir, &l.v[i], err) == -1)
			goto out;
		*ncerts += l.v[i].ncerts;
	}
	*nchains = l.n;
	ret = 0;
out:
	cs_chainlist_release(&l);
	return ret;
}

/* One certificate in format: to f, or as a file in dir. */
static int
export_one(const struct cs_certrec *rec, int format, FILE *f,
    const char *dir, struct cs_err *err)
{
	switch (format) {
	case CS_EXPORT_JSONL:
		cs_export_json(f, rec);
		putc('\n', f);
		return 0;
	case CS_EXPORT_CSV:
		cs_export_csv_row(f, rec);
		return 0;
	case CS_EXPORT_PEM:
		return cs_export_pem(f, rec, err);
	}
	return cs_export_der_file(dir, rec, err);
}

int
cs_export_certs(struct cs_store *st, struct cs_query *q, int format,
    FILE *f, const char *dir, size_t *n, struct cs_err *err)
{
	struct cs_certrec rec;
	struct cs_certlist l = CS_CERTLIST_INIT;
	size_t i;
	int rc = -1;

	*n = 0;
	if (format == CS_EXPORT_DER && dir_ready(dir, err) == -1)
		return -1;
	/* One snapshot for the whole export. */
	if (cs_store_read_begin(st, err) == -1 ||
	    cs_query_certs(q, &l, err) == -1)
		goto out;
	if (format == CS_EXPORT_CSV)
		cs_export_csv_header(f);
	for (i = 0; i < l.n; i++) {
		if (cs_certlist_get(q, &l, i, format == CS_EXPORT_PEM ||
		    format == CS_EXPORT_DER ? CS_GET_DER : 0, &rec, err) == -1)
			goto out;
		rc = export_one(&rec, format, f, dir, err);
		cs_certrec_release(&rec);
		if (rc == -1)
			goto out;
	}
	*n = l.n;
	rc = 0;
out:
	cs_store_read_end(st);
	cs_certlist_release(&l);
	return rc;
}
