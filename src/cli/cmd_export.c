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

static const char usage[] =
    "usage: certsift export [--db path] [--format jsonl|csv|pem|der|chains]\n"
    "           [-o file] [--dir dir]\n"
    SELECT_USAGE;

/* A selected certificate: its figures as selected, and its key. */
struct ent {
	uint64_t	count;
	uint64_t	leaf_count;
	uint64_t	hosts;
	int64_t		first_seen;
	int64_t		last_seen;
	int		seen;
	size_t		errs_off;	/* in list.errs */
	size_t		nerrs;
	const void	*summ;		/* in the pinned snapshot, or NULL */
	size_t		summ_len;
	unsigned char	sha[32];
	unsigned char	key[CS_KEY_LEN];
};

struct list {
	const struct select	*sel;
	struct ent		*v;
	size_t			 n;
	size_t			 cap;
	struct cs_errcount	*errs;
	size_t			 nerrs;
	size_t			 caperrs;
};

static int
collect(void *arg, const struct cs_certrec *rec)
{
	struct list *l = arg;
	struct cs_certrec r = *rec;
	struct ent *e;

	/* select_cert() may compact r.errs, which rec owns anyway. */
	if (!select_cert(l->sel, &r))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	e = &l->v[l->n++];
	e->count = r.count;
	e->leaf_count = r.leaf_count;
	e->hosts = r.hosts;
	e->seen = r.seen;
	e->first_seen = r.first_seen;
	e->last_seen = r.last_seen;
	memcpy(e->sha, r.cert.sha256, 32);
	memcpy(e->key, r.key, CS_KEY_LEN);
	e->summ = r.raw_summary;
	e->summ_len = r.raw_summary_len;
	/* The figures are kept, so the output pass reads summaries only. */
	while (l->nerrs + r.nerrs > l->caperrs) {
		l->caperrs = l->caperrs ? l->caperrs * 2 : 1024;
		l->errs = xrealloc(l->errs, l->caperrs * sizeof(*l->errs));
	}
	e->errs_off = l->nerrs;
	e->nerrs = r.nerrs;
	if (r.nerrs > 0)
		memcpy(l->errs + l->nerrs, r.errs, r.nerrs * sizeof(*r.errs));
	l->nerrs += r.nerrs;
	return 0;
}

/* By count, most first; then by sha256. */
static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(x->sha, y->sha, 32);
}

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

/* A selected chain, copied out of the store. */
struct xchain {
	unsigned char		 key[CS_KEY_LEN];
	unsigned char		*certs;
	size_t			 ncerts;
	uint64_t		 reports;	/* selected ones */
	struct cs_errcount	*errs;
	size_t			 nerrs;
};

struct chainlist {
	const struct select	*sel;
	struct xchain		*v;
	size_t			 n;
	size_t			 cap;
};

static int
chain_collect(void *arg, const struct cs_chainrec *c)
{
	struct chainlist *l = arg;
	struct xchain *x;
	uint64_t n;
	size_t i;

	if ((n = select_chain(l->sel, c)) == 0)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	x = &l->v[l->n++];
	memcpy(x->key, c->key, CS_KEY_LEN);
	x->ncerts = c->ncerts;
	x->certs = xmalloc(c->ncerts * CS_KEY_LEN);
	memcpy(x->certs, c->certs, c->ncerts * CS_KEY_LEN);
	x->reports = n;
	x->errs = xmalloc((c->nerrs ? c->nerrs : 1) * sizeof(*x->errs));
	x->nerrs = 0;
	for (i = 0; i < c->nerrs; i++)
		if (select_code(l->sel, 1, c->errs[i].code))
			x->errs[x->nerrs++] = c->errs[i];
	return 0;
}

struct chainhosts {
	const struct select	*sel;
	struct strmap		 hosts;
};

static int
chain_host(void *arg, int has_err, int32_t code, const char *host,
    size_t len, uint64_t n)
{
	struct chainhosts *h = arg;

	(void)n;
	if (len > 0 && select_code(h->sel, has_err, code))
		strmap_add(&h->hosts, host, len, NULL);
	return 0;
}

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
write_chain(struct cs_store *st, const struct select *sel, const char *dir,
    const struct xchain *x)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_buf body = CS_BUF_INIT, pem = CS_BUF_INIT;
	struct cs_certrec *recs;
	struct chainhosts ch;
	struct cs_buf digests = CS_BUF_INIT;
	struct cli_out o;
	unsigned char id[32];
	char hex[65], *path = NULL, *text = NULL;
	size_t i, textlen = 0, n;
	FILE *f = NULL;
	int status = 1;

	recs = xmalloc((x->ncerts ? x->ncerts : 1) * sizeof(*recs));
	memset(recs, 0, (x->ncerts ? x->ncerts : 1) * sizeof(*recs));
	memset(&ch, 0, sizeof(ch));
	ch.sel = sel;
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
	if (cs_store_chain_hosts(st, x->key, chain_host, &ch, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if ((f = open_memstream(&text, &textlen)) == NULL) {
		cli_warn("out of memory");
		goto out;
	}
	fprintf(f, "# chain: %s\n# reports: %" PRIu64 "\n# hosts: %zu\n"
	    "# errors:", hex, x->reports, ch.hosts.n);
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
	strmap_release(&ch.hosts);
	return status;
}

static int
export_chains(struct cs_store *st, const struct select *sel, const char *dir)
{
	struct cs_err err = CS_ERR_INIT;
	struct chainlist l;
	size_t i, ncerts = 0;
	int status = 0;

	memset(&l, 0, sizeof(l));
	l.sel = sel;
	if (cs_store_foreach_chain(st, chain_collect, &l, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		if ((status = write_chain(st, sel, dir, &l.v[i])) != 0)
			goto out;
		ncerts += l.v[i].ncerts;
	}
	fprintf(stderr, "certsift: export: wrote %zu chains (%zu certificates) "
	    "to '%s'\n", l.n, ncerts, dir);
out:
	for (i = 0; i < l.n; i++) {
		free(l.v[i].certs);
		free(l.v[i].errs);
	}
	free(l.v);
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
export_certs(struct cs_store *st, const struct select *sel, int format,
    const char *dir, const char *output)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_certrec rec;
	struct list l;
	struct cli_out out;
	size_t i;
	int status = 0, opened = 0;

	memset(&l, 0, sizeof(l));
	l.sel = sel;
	/* One snapshot for the whole export; no summaries to sort unless a
	 * filter reads them. */
	if (cs_store_read_begin(st, &err) == -1 ||
	    cs_store_foreach_cert(st, select_filters(sel) ? CS_GET_SUMMARY :
	    CS_GET_SHA, collect, &l, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), ent_cmp);
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
		const struct ent *e = &l.v[i];

		if (e->summ != NULL && format != F_PEM && format != F_DER) {
			/* The summary the first pass saw: no second lookup. */
			memset(&rec, 0, sizeof(rec));
			memcpy(rec.key, e->key, CS_KEY_LEN);
			if (cs_cert_decode(e->summ, e->summ_len, &rec.cert,
			    &err) == -1) {
				status = cli_fail(&err);
				break;
			}
		} else if (cs_store_get_cert(st, e->key, CS_GET_SUMMARY |
		    CS_GET_NOSTAT | (format == F_PEM || format == F_DER ?
		    CS_GET_DER : 0), &rec, &err) == -1) {
			status = cli_fail(&err);
			break;
		}
		rec.count = e->count;
		rec.leaf_count = e->leaf_count;
		rec.hosts = e->hosts;
		rec.seen = e->seen;
		rec.first_seen = e->first_seen;
		rec.last_seen = e->last_seen;
		rec.errs = l.errs + e->errs_off;	/* borrowed */
		rec.nerrs = e->nerrs;
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
		rec.errs = NULL;
		rec.nerrs = 0;
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
	free(l.v);
	free(l.errs);
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
	struct select sel = SELECT_INIT;
	struct cs_store *st = NULL;
	const char *db = NULL, *dir = NULL, *output = NULL;
	size_t i;
	int ch, rc, format = F_JSONL, status = 0;

	opterr = 0;	/* our messages begin with "certsift:" */
	while ((ch = getopt_long(argc, argv, "f:ho:", longopts, NULL)) != -1) {
		if ((rc = select_option(&sel, ch, optarg, usage)) == -1) {
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
				cli_usage_error(usage, "unknown format '%s'",
				    optarg);
				status = 2;
				goto out;
			}
			format = (int)i;
			break;
		case 'h':
			fputs(usage, stdout);
			goto out;
		case 'o':
			output = optarg;
			break;
		default:
			cli_usage_error(usage, "bad option '%s'",
			    argv[optind - 1]);
			status = 2;
			goto out;
		}
	}
	if (optind != argc) {
		cli_usage_error(usage, "unexpected argument '%s'",
		    argv[optind]);
		status = 2;
		goto out;
	}
	if ((format == F_DER || format == F_CHAINS) && dir == NULL) {
		cli_usage_error(usage, "--format %s needs --dir",
		    formats[format]);
		status = 2;
		goto out;
	}
	if (format != F_DER && format != F_CHAINS && dir != NULL) {
		cli_usage_error(usage, "--dir goes with --format der or "
		    "chains");
		status = 2;
		goto out;
	}
	if ((format == F_DER || format == F_CHAINS) && output != NULL) {
		cli_usage_error(usage, "-o goes with --format jsonl, csv or "
		    "pem");
		status = 2;
		goto out;
	}
	if ((st = cli_open_store(db)) == NULL) {
		status = 1;
		goto out;
	}
	if ((status = select_prepare(&sel, st, format == F_CHAINS ?
	    SELECT_KEYS : 0)) != 0)
		goto out;
	if (dir != NULL && mkdir(dir, 0777) == -1 && errno != EEXIST) {
		cli_warn("cannot create '%s': %s", dir, strerror(errno));
		status = 1;
		goto out;
	}
	if (dir != NULL)
		remove_stale(dir);
	if (format == F_CHAINS)
		status = export_chains(st, &sel, dir);
	else
		status = export_certs(st, &sel, format, dir, output);
out:
	cs_store_close(st);
	select_release(&sel);
	return status;
}
