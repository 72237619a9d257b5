#include "certsift/certfile.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "certsift/buf.h"
#include "certsift/files.h"

/* One file; in_dir: a file without certificates is no error. */
static long
load_file(struct cs_certset *s, const char *path, int in_dir,
    void (*warn)(void *, const char *), void *arg, struct cs_err *err)
{
	struct cs_buf b = CS_BUF_INIT;
	char msg[512];
	size_t bad = 0;
	long n = -1;

	if (cs_file_read(path, &b, err) == -1)
		goto out;
	if (memmem(b.data, b.len, "-----BEGIN", 10) != NULL) {
		if ((n = cs_certset_add_text(s, (const char *)b.data, b.len,
		    &bad, err)) == -1)
			goto fail;
		if (bad > 0 && warn != NULL) {
			snprintf(msg, sizeof(msg), "'%s': skipped %zu PEM "
			    "blocks that are not certificates", path, bad);
			warn(arg, msg);
		}
	} else if (cs_certset_add_der(s, b.data, b.len, err) == -1) {
		if (err->code == CS_ENOMEM)
			goto fail;
		n = 0;
	} else
		n = 1;
	if (n == 0 && !in_dir)
		n = cs_err_set(err, CS_EPARSE, "no certificates in '%s'",
		    path);
out:
	cs_buf_release(&b);
	return n;
fail:
	{
		struct cs_err e = *err;

		n = cs_err_set(err, e.code, "'%s': %s", path, e.msg);
	}
	goto out;
}

long
cs_certset_load(struct cs_certset *s, const char *path,
    void (*warn)(void *arg, const char *msg), void *arg, struct cs_err *err)
{
	struct cs_files l = CS_FILES_INIT;
	struct stat sb;
	size_t i;
	long total = 0, k;

	if (stat(path, &sb) == -1)
		return cs_err_set(err, CS_EIO, "cannot open '%s': %s", path,
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return load_file(s, path, 0, warn, arg, err);
	/* Symbolic links count (/etc/ssl/certs is made of them). */
	if (cs_files_walk(&l, path, CS_FILES_FOLLOW | CS_FILES_NODOT, NULL,
	    NULL, err) == -1)
		total = -1;
	for (i = 0; total >= 0 && i < l.n; i++) {
		if ((k = load_file(s, l.v[i], 1, warn, arg, err)) == -1)
			total = -1;
		else
			total += k;
	}
	cs_files_release(&l);
	return total;
}

int
cs_certsets_load(const char *const *rootp, size_t nroots, int no_roots,
    const char *const *knownp, size_t nknown,
    void (*warn)(void *arg, const char *msg), void *arg,
    struct cs_certset **roots, struct cs_certset **known, struct cs_err *err)
{
	size_t i;

	if (cs_certset_new(roots, err) == -1 ||
	    cs_certset_new(known, err) == -1)
		return -1;
	for (i = 0; i < nroots; i++)
		if (cs_certset_load(*roots, rootp[i], warn, arg, err) == -1)
			return -1;
	if (nroots == 0 && !no_roots && access(CS_SYSTEM_ROOTS, R_OK) == 0 &&
	    cs_certset_load(*roots, CS_SYSTEM_ROOTS, warn, arg, err) == -1)
		return -1;
	for (i = 0; i < nknown; i++)
		if (cs_certset_load(*known, knownp[i], warn, arg, err) == -1)
			return -1;
	return 0;
}
