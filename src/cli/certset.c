#include "certset.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/buf.h"
#include "cli.h"

static int
slurp(const char *path, struct cs_buf *b)
{
	struct cs_err err = CS_ERR_INIT;
	char tmp[65536];
	FILE *f;
	size_t n;
	int ret = 0;

	if ((f = fopen(path, "rb")) == NULL) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (cs_buf_append(b, tmp, n, &err) == -1) {
			cli_warn("cannot read '%s': %s", path, err.msg);
			ret = -1;
			break;
		}
	if (ret == 0 && ferror(f)) {
		cli_warn("cannot read '%s': %s", path, strerror(errno));
		ret = -1;
	}
	fclose(f);
	return ret;
}

/* One file; in_dir: a file without certificates is no error. */
static long
load_file(struct cs_certset *s, const char *path, int in_dir)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_buf b = CS_BUF_INIT;
	size_t bad = 0;
	long n = -1;

	if (slurp(path, &b) == -1)
		goto out;
	if (memmem(b.data, b.len, "-----BEGIN", 10) != NULL) {
		if ((n = cs_certset_add_text(s, (const char *)b.data, b.len,
		    &bad, &err)) == -1) {
			cli_warn("'%s': %s", path, err.msg);
			goto out;
		}
		if (bad > 0)
			cli_warn("'%s': skipped %zu PEM blocks that are not "
			    "certificates", path, bad);
	} else if (cs_certset_add_der(s, b.data, b.len, &err) == -1) {
		if (err.code == CS_ENOMEM) {
			cli_warn("'%s': %s", path, err.msg);
			goto out;
		}
		n = 0;
	} else
		n = 1;
	if (n == 0 && !in_dir) {
		cli_warn("no certificates in '%s'", path);
		n = -1;
	}
out:
	cs_buf_release(&b);
	return n;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static long
load_dir(struct cs_certset *s, const char *path)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	char **names = NULL, *p;
	size_t n = 0, cap = 0, i, len;
	long total = 0, k;

	if ((d = opendir(path)) == NULL) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		len = strlen(path) + strlen(de->d_name) + 2;
		p = xmalloc(len);
		snprintf(p, len, "%s/%s", path, de->d_name);
		names[n++] = p;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		/* Symbolic links count (/etc/ssl/certs is made of them). */
		if (total >= 0 && stat(names[i], &sb) == 0 &&
		    S_ISREG(sb.st_mode)) {
			if ((k = load_file(s, names[i], 1)) == -1)
				total = -1;
			else
				total += k;
		}
		free(names[i]);
	}
	free(names);
	return total;
}

long
certset_load(struct cs_certset *s, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode))
		return load_dir(s, path);
	return load_file(s, path, 0);
}
