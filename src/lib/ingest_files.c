#include "certsift/ingest_files.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/vec.h"

int
cs_ingest_paths(struct cs_files *out, char *const *args, size_t n,
    void (*warn)(void *arg, const char *msg), void *arg, struct cs_err *err)
{
	struct stat sb;
	size_t i;
	int ret = 0;

	if (n == 0)
		return cs_files_add(out, "-", err);
	for (i = 0; i < n; i++) {
		if (strcmp(args[i], "-") != 0 && stat(args[i], &sb) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			if (cs_files_walk(out, args[i], CS_FILES_RECURSE, warn,
			    arg, err) == -1)
				ret = -1;
		} else if (cs_files_add(out, args[i], err) == -1)
			return -1;
		if (ret == -1 && err->code == CS_ENOMEM)
			return -1;
	}
	return ret;
}

int
cs_ingest_key_read(const char *path, struct cs_buf *key, struct cs_err *err)
{
	FILE *f;

	cs_buf_reset(key);
	if ((f = fopen(path, "rb")) == NULL)
		return cs_err_set(err, CS_EIO, "cannot open key file '%s': %s",
		    path, strerror(errno));
	fclose(f);
	if (cs_file_read(path, key, err) == -1)
		return -1;
	if (key->len == 0)
		return cs_err_set(err, CS_EIO, "key file '%s' is empty", path);
	return 0;
}

/* The files opened before their turn. */
struct opener {
	struct cs_ingest	*ing;
	const struct cs_files	*l;
	int			*fd;	/* per path: open, or -1 (errnum) */
	int			*errnum;
	size_t			 next;	/* paths opened so far */
	size_t			 ahead;
};

static void
open_ahead(struct opener *op, size_t k)
{
	struct cs_err err = CS_ERR_INIT;
	size_t i;

	for (; op->next < op->l->n && op->next < k + op->ahead; op->next++) {
		i = op->next;
		op->fd[i] = -1;
		op->errnum[i] = 0;
		if (strcmp(op->l->v[i], "-") == 0)
			continue;
		if ((op->fd[i] = open(op->l->v[i], O_RDONLY | O_CLOEXEC)) == -1)
			op->errnum[i] = errno;
		else	/* a hint */
			(void)cs_ingest_ahead(op->ing, op->fd[i], &err);
	}
}

static int
ingest_one(struct opener *op, size_t k, struct cs_err *err)
{
	const char *path = op->l->v[k];
	int rc;

	if (strcmp(path, "-") == 0)
		return cs_ingest_fd(op->ing, 0, "-", CS_INGEST_STREAM, err);
	if (op->fd[k] == -1)
		return cs_err_set(err, CS_EIO, "cannot open '%s': %s", path,
		    strerror(op->errnum[k]));
	/* More paths: the batch may go on into the next file. */
	rc = cs_ingest_fd(op->ing, op->fd[k], path, k + 1 < op->l->n ?
	    CS_INGEST_MORE : 0, err);
	close(op->fd[k]);
	op->fd[k] = -1;
	return rc;
}

int
cs_ingest_files(struct cs_ingest *ing, const struct cs_files *l,
    size_t ahead, void (*done)(void *arg, const struct cs_ingest_done *d),
    void *arg)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_ingest_sum before, after;
	struct cs_ingest_done d;
	struct opener op;
	size_t k;
	int ret = 0;

	memset(&op, 0, sizeof(op));
	op.ing = ing;
	op.l = l;
	op.ahead = ahead > 0 ? ahead : 1;
	if ((op.fd = cs_mallocarray(l->n, sizeof(*op.fd))) == NULL ||
	    (op.errnum = cs_mallocarray(l->n, sizeof(*op.errnum))) == NULL) {
		cs_err_set(&err, CS_ENOMEM, "out of memory");
		d.path = NULL;
		d.err = &err;
		d.skipped = 0;
		done(arg, &d);
		ret = -1;
		goto out;
	}
	for (k = 0; k < l->n; k++) {
		cs_ingest_summary(ing, &before);
		open_ahead(&op, k);
		d.path = l->v[k];
		d.err = NULL;
		d.skipped = 0;
		if (ingest_one(&op, k, &err) == -1) {
			ret = -1;
			d.err = &err;
		} else {
			cs_ingest_summary(ing, &after);
			d.skipped = after.files_skipped > before.files_skipped;
		}
		done(arg, &d);
		if (d.err != NULL && (err.code == CS_ESTOP ||
		    err.code == CS_ESTORE || err.code == CS_ENOMEM))
			break;
	}
	/* The last batch, when the last path could not be read. */
	if (cs_ingest_flush(ing, &err) == -1) {
		d.path = NULL;
		d.err = &err;
		d.skipped = 0;
		done(arg, &d);
		ret = -1;
	}
out:
	for (k = 0; k < op.next; k++)
		if (op.fd[k] != -1)
			close(op.fd[k]);	/* opened ahead, not reached */
	free(op.fd);
	free(op.errnum);
	return ret;
}
