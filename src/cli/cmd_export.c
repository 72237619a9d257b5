#include "cli.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/date.h"
#include "certsift/export.h"
#include "select.h"

const char cmd_export_usage[] =
    "usage: certsift export [--db path] [--format jsonl|csv|pem|der|chains]\n"
    "           [-o file] [--dir dir]\n"
    SELECT_USAGE;

enum { F_JSONL, F_CSV, F_PEM, F_DER, F_CHAINS };

/* ---- csv ----------------------------------------------------------------- */

void
cert_csv_header(FILE *f)
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
cert_csv_row(FILE *f, const struct cs_certrec *rec)
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

/* ---- chains -------------------------------------------------------------- */

/* Whether path holds exactly b (then there is nothing to write). */
static int
same_file(const char *path, const struct cs_buf *b)
{
	char tmp[8192];
	FILE *f;
	size_t off = 0, n;
	int same = 1;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	while (same && (n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (n > b->len - off || memcmp(tmp, b->data + off, n) != 0)
			same = 0;
		off += n;
	}
	if (ferror(f) || off != b->len)
		same = 0;
	fclose(f);
	return same;
}

/*
 * Writes one chain as DIR/<chain id>.pem: "# " lines, then its
 * certificates in the order sent, each a PEM block after "# " lines.
 * The chain id is the lowercase hex SHA-256 of the concatenated SHA-256
 * digests of the chain's certificates (DER), in the order sent: it names
 * the file from a hash only, never from report content.
 */
static int
write_chain(struct cs_store *st, const struct cs_query *q, const char *dir,
    const struct cs_qchain *x)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_buf body = CS_BUF_INIT, pem = CS_BUF_INIT;
	struct cs_certrec *recs;
	uint64_t hosts;
	struct cs_buf digests = CS_BUF_INIT;
	struct cli_out o;
	unsigned char id[32];
	char hex[65], *path = NULL, *text = NULL;
	size_t i, textlen = 0, n;
	FILE *f = NULL;
	int status = 1;

	recs = xmalloc((x->ncerts ? x->ncerts : 1) * sizeof(*recs));
	memset(recs, 0, (x->ncerts ? x->ncerts : 1) * sizeof(*recs));
	for (i = 0; i < x->ncerts; i++) {
		if (cs_store_get_cert(st, x->certs + i * CS_KEY_LEN,
		    CS_GET_SUMMARY | CS_GET_DER, &recs[i], &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		if (cs_buf_append(&digests, recs[i].cert.sha256, 32, &err)
		    == -1) {
			status = cli_fail(&err);
			goto out;
		}
	}
	cs_sha256(digests.data, digests.len, id);
	cs_sha256_hex(id, hex);
	if (cs_query_chain_hosts(q, x->key, &hosts, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if ((f = open_memstream(&text, &textlen)) == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	fprintf(f, "# chain: %s\n# reports: %" PRIu64 "\n# hosts: %zu\n"
	    "# errors:", hex, x->reports, (size_t)hosts);
	for (i = 0; i < x->nerrs; i++)
		fprintf(f, " %d=%" PRIu64, (int)x->errs[i].code, x->errs[i].n);
	fprintf(f, "\n# certificates: %zu\n", x->ncerts);
	for (i = 0; i < x->ncerts; i++) {
		const struct cs_cert *c = &recs[i].cert;

		cs_buf_reset(&pem);
		if (cs_b64_encode_pem(recs[i].der, recs[i].der_len, &pem,
		    &err) == -1) {
			fclose(f);
			f = NULL;
			status = cli_fail(&err);
			goto out;
		}
		cs_sha256_hex(c->sha256, hex);
		fprintf(f, "# [%zu] sha256: %s\n# [%zu] subject: ", i, hex, i);
		if (c->subject != NULL)
			cs_text_string(f, c->subject, strlen(c->subject));
		fprintf(f, "\n# [%zu] issuer: ", i);
		if (c->issuer != NULL)
			cs_text_string(f, c->issuer, strlen(c->issuer));
		fputs("\n-----BEGIN CERTIFICATE-----\n", f);
		fwrite(pem.data, 1, pem.len, f);
		fputs("-----END CERTIFICATE-----\n", f);
	}
	if (fclose(f) != 0) {
		f = NULL;
		cli_warn("out of memory");
		goto out;
	}
	f = NULL;
	body.data = (unsigned char *)text;
	body.len = textlen;
	cs_sha256_hex(id, hex);
	n = strlen(dir) + 80;
	path = xmalloc(n);
	snprintf(path, n, "%s/%s.pem", dir, hex);
	/* An unchanged file is left alone (its time too). */
	if (same_file(path, &body)) {
		status = 0;
		goto out;
	}
	if (cli_out_open(&o, path) == -1)
		goto out;
	fwrite(text, 1, textlen, o.f);
	if (cli_out_close(&o, 1) == -1)
		goto out;
	status = 0;
out:
	if (f != NULL)
		fclose(f);
	for (i = 0; i < x->ncerts; i++)
		cs_certrec_release(&recs[i]);
	free(recs);
	cs_buf_release(&digests);
	free(text);
	free(path);
	cs_buf_release(&pem);
	return status;
}

static int
export_chains(struct cs_store *st, struct cs_query *q, const char *dir)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_chainlist l = CS_CHAINLIST_INIT;
	size_t i, ncerts = 0;
	int status = 0;

	if (cs_query_chains(q, &l, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		if ((status = write_chain(st, q, dir, &l.v[i])) != 0)
			goto out;
		ncerts += l.v[i].ncerts;
	}
	fprintf(stderr, "certsift: export: wrote %zu chains (%zu certificates) "
	    "to '%s'\n", l.n, ncerts, dir);
out:
	cs_chainlist_release(&l);
	return status;
}

/* ---- single certificates ------------------------------------------------- */

static int
write_der(const char *dir, const struct cs_certrec *r)
{
	struct cli_out o;
	char hex[65], *path;
	size_t n = strlen(dir) + 80;
	int rc;

	cs_sha256_hex(r->cert.sha256, hex);
	path = xmalloc(n);
	snprintf(path, n, "%s/%s.der", dir, hex);
	if (cli_out_open(&o, path) == -1) {
		free(path);
		return -1;
	}
	fwrite(r->der, 1, r->der_len, o.f);
	rc = cli_out_close(&o, 1);
	free(path);
	return rc;
}

static int
export_certs(struct cs_store *st, struct cs_query *q, int format,
    const char *dir, const char *output)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_certrec rec;
	struct cs_certlist l = CS_CERTLIST_INIT;
	struct cli_out out;
	size_t i;
	int status = 0, opened = 0;

	/* One snapshot for the whole export. */
	if (cs_store_read_begin(st, &err) == -1 ||
	    cs_query_certs(q, &l, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if (format != F_DER) {
		if (cli_out_open(&out, output) == -1) {
			status = 1;
			goto out;
		}
		opened = 1;
	}
	if (format == F_CSV)
		cert_csv_header(out.f);
	for (i = 0; i < l.n; i++) {
		if (cs_certlist_get(q, &l, i, format == F_PEM ||
		    format == F_DER ? CS_GET_DER : 0, &rec, &err) == -1) {
			status = cli_fail(&err);
			break;
		}
		switch (format) {
		case F_JSONL:
			cs_export_json(out.f, &rec);
			putc('\n', out.f);
			break;
		case F_CSV:
			cert_csv_row(out.f, &rec);
			break;
		case F_PEM:
			if (cs_export_pem(out.f, &rec, &err) == -1)
				status = cli_fail(&err);
			break;
		case F_DER:
			if (write_der(dir, &rec) == -1)
				status = 1;
			break;
		}
		cs_certrec_release(&rec);
		if (status != 0)
			break;
	}
	if (opened && cli_out_close(&out, status == 0) == -1)
		status = 1;
	if (status == 0 && output != NULL && strcmp(output, "-") != 0)
		fprintf(stderr, "certsift: export: wrote %zu certificates to "
		    "'%s'\n", l.n, output);
	else if (status == 0 && format == F_DER)
		fprintf(stderr, "certsift: export: wrote %zu certificates to "
		    "'%s'\n", l.n, dir);
out:
	cs_store_read_end(st);
	cs_certlist_release(&l);
	return status;
}

/*
 * Removes what an export killed while writing into dir left: our
 * temporary files ("<sha256 or chain id>.<ext>.tmp.<pid>", see
 * cli_out_open()) of processes that are gone. Best effort.
 */
static void
remove_stale(const char *dir)
{
	struct dirent *de;
	DIR *d;
	char *path, *end;
	const char *p;
	size_t n;
	long pid;
	int i;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		p = de->d_name;
		for (i = 0; i < 64; i++)
			if (!((p[i] >= '0' && p[i] <= '9') ||
			    (p[i] >= 'a' && p[i] <= 'f')))
				break;
		if (i < 64 || (strncmp(p + 64, ".pem.tmp.", 9) != 0 &&
		    strncmp(p + 64, ".der.tmp.", 9) != 0))
			continue;
		p += 64 + 9;
		if (*p < '1' || *p > '9')
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0 || pid > INT32_MAX ||
		    pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		n = strlen(dir) + strlen(de->d_name) + 2;
		path = xmalloc(n);
		snprintf(path, n, "%s/%s", dir, de->d_name);
		(void)unlink(path);
		free(path);
	}
	closedir(d);
}

enum { O_DB = 1, O_DIR, O_FORMAT };

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "dir", required_argument, NULL, O_DIR },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	static const char *const formats[] = {
		[F_JSONL] = "jsonl", [F_CSV] = "csv", [F_PEM] = "pem",
		[F_DER] = "der", [F_CHAINS] = "chains"
	};
	struct cs_sel sel = CS_SEL_INIT;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	const char *db = NULL, *dir = NULL, *output = NULL;
	size_t i;
	int ch, rc, format = F_JSONL, status = 0;

	while ((ch = getopt_long(argc, argv, "f:ho:", longopts, NULL)) != -1) {
		if ((rc = select_option(&sel, ch, optarg, cmd_export_usage)) == -1) {
			status = 2;
			goto out;
		}
		if (rc == 1)
			continue;
		switch (ch) {
		case O_DB:
			db = optarg;
			break;
		case O_DIR:
			dir = optarg;
			break;
		case 'f':
			for (i = 0; i < sizeof(formats) / sizeof(formats[0]);
			    i++)
				if (strcmp(optarg, formats[i]) == 0)
					break;
			if (i == sizeof(formats) / sizeof(formats[0])) {
				cli_usage_error(cmd_export_usage, "unknown format '%s'",
				    optarg);
				status = 2;
				goto out;
			}
			format = (int)i;
			break;
		case 'h':
			fputs(cmd_export_usage, stdout);
			goto out;
		case 'o':
			output = optarg;
			break;
		default:
			cli_bad_option(cmd_export_usage, argv, "f:ho:");
			status = 2;
			goto out;
		}
	}
	if (optind != argc) {
		cli_usage_error(cmd_export_usage, "unexpected argument '%s'",
		    argv[optind]);
		status = 2;
		goto out;
	}
	if ((format == F_DER || format == F_CHAINS) && dir == NULL) {
		cli_usage_error(cmd_export_usage, "--format %s needs --dir",
		    formats[format]);
		status = 2;
		goto out;
	}
	if (format != F_DER && format != F_CHAINS && dir != NULL) {
		cli_usage_error(cmd_export_usage, "--dir goes with --format der or "
		    "chains");
		status = 2;
		goto out;
	}
	if ((format == F_DER || format == F_CHAINS) && output != NULL) {
		cli_usage_error(cmd_export_usage, "-o goes with --format jsonl, csv or "
		    "pem");
		status = 2;
		goto out;
	}
	if ((st = cli_open_store(db)) == NULL ||
	    (q = select_open(st, &sel)) == NULL) {
		status = 1;
		goto out;
	}
	if (dir != NULL && mkdir(dir, 0777) == -1 && errno != EEXIST) {
		cli_warn("cannot create '%s': %s", dir, strerror(errno));
		status = 1;
		goto out;
	}
	if (dir != NULL)
		remove_stale(dir);
	if (format == F_CHAINS)
		status = export_chains(st, q, dir);
	else
		status = export_certs(st, q, format, dir, output);
out:
	cs_query_close(q);
	cs_store_close(st);
	cs_sel_release(&sel);
	return status;
}
