#include "cli.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"

static const char usage[] =
    "usage: certsift export [--db path] [--format jsonl|pem|der]\n"
    "           [-o file] [--dir dir]\n";

struct ent {
	uint64_t	count;
	unsigned char	sha[32];
	unsigned char	key[CS_KEY_LEN];
};

struct list {
	struct ent	*v;
	size_t		 n;
	size_t		 cap;
};

static int
collect(void *arg, const struct cs_certrec *r)
{
	struct list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].count = r->count;
	memcpy(l->v[l->n].sha, r->cert.sha256, 32);
	memcpy(l->v[l->n].key, r->key, CS_KEY_LEN);
	l->n++;
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

enum { F_JSONL, F_PEM, F_DER };

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

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "dir", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL;
	struct cs_certrec rec;
	struct list l = { NULL, 0, 0 };
	struct cli_out out;
	const char *db = NULL, *dir = NULL, *output = NULL;
	size_t i;
	int ch, format = F_JSONL, status = 0, opened = 0;

	while ((ch = getopt_long(argc, argv, "f:ho:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			db = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				format = F_JSONL;
			else if (strcmp(optarg, "pem") == 0)
				format = F_PEM;
			else if (strcmp(optarg, "der") == 0)
				format = F_DER;
			else {
				cli_usage_error(usage, "unknown format '%s'",
				    optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'o':
			output = optarg;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		cli_usage_error(usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	if (format == F_DER && dir == NULL) {
		cli_usage_error(usage, "--format der needs --dir");
		return 2;
	}
	if (format != F_DER && dir != NULL) {
		cli_usage_error(usage, "--dir goes with --format der");
		return 2;
	}
	if ((st = cli_open_store(db)) == NULL)
		return 1;
	if (cs_store_foreach_cert(st, CS_GET_SUMMARY, collect, &l, &err) ==
	    -1) {
		status = cli_fail(&err);
		goto out;
	}
	qsort(l.v, l.n, sizeof(*l.v), ent_cmp);
	if (format == F_DER) {
		if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
			cli_warn("cannot create '%s': %s", dir,
			    strerror(errno));
			status = 1;
			goto out;
		}
	} else {
		if (cli_out_open(&out, output) == -1) {
			status = 1;
			goto out;
		}
		opened = 1;
	}
	for (i = 0; i < l.n; i++) {
		if (cs_store_get_cert(st, l.v[i].key, CS_GET_SUMMARY |
		    (format == F_JSONL ? 0 : CS_GET_DER), &rec, &err) == -1) {
			status = cli_fail(&err);
			break;
		}
		switch (format) {
		case F_JSONL:
			cs_export_json(out.f, &rec);
			putc('\n', out.f);
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
	free(l.v);
	cs_store_close(st);
	return status;
}
