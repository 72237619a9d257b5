#include "certsift/files.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/vec.h"

int
cs_files_add(struct cs_files *l, const char *path, struct cs_err *err)
{
	char *p;

	if ((p = strdup(path)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if (cs_vec_push(l, p) == -1) {
		free(p);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	return 0;
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p;

	if ((p = malloc(n)) != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* An error of the walk: told and passed over with warn, else the end. */
static int
walk_error(struct cs_err *err, void (*warn)(void *, const char *),
    void *arg, const char *what, const char *path, int errnum)
{
	cs_err_set(err, CS_EIO, "cannot %s '%s': %s", what, path,
	    strerror(errnum));
	if (warn != NULL)
		warn(arg, err->msg);
	return -1;
}

/* One directory's entries, unsorted; *bad: an error was passed over. */
static int
walk_dir(struct cs_files *l, const char *dir, int flags,
    void (*warn)(void *, const char *), void *arg, int *bad,
    struct cs_err *err)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	char *p;
	int rc, ret = 0;

	if ((d = opendir(dir)) == NULL) {
		*bad = 1;
		return walk_error(err, warn, arg, "open", dir, errno);
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..")
		    == 0 || ((flags & CS_FILES_NODOT) && de->d_name[0] == '.'))
			continue;
		if ((p = join(dir, de->d_name)) == NULL) {
			ret = cs_err_set(err, CS_ENOMEM, "out of memory");
			break;
		}
		rc = (flags & CS_FILES_FOLLOW) ? stat(p, &sb) : lstat(p, &sb);
		if (rc == -1 && (flags & CS_FILES_FOLLOW))
			sb.st_mode = 0;		/* a dangling link */
		else if (rc == -1) {
			*bad = 1;
			if (walk_error(err, warn, arg, "stat", p,
			    errno) == -1 && warn == NULL)
				ret = -1;
		}
		if (rc == 0 && S_ISDIR(sb.st_mode) &&
		    (flags & CS_FILES_RECURSE)) {
			if (walk_dir(l, p, flags, warn, arg, bad, err) == -1 &&
			    (warn == NULL || err->code == CS_ENOMEM))
				ret = -1;
		} else if (rc == 0 && S_ISREG(sb.st_mode)) {
			if (cs_vec_push(l, p) == -1)
				ret = cs_err_set(err, CS_ENOMEM,
				    "out of memory");
			else
				p = NULL;
		}
		free(p);
	}
	closedir(d);
	return ret;
}

int
cs_files_walk(struct cs_files *l, const char *dir, int flags,
    void (*warn)(void *arg, const char *msg), void *arg, struct cs_err *err)
{
	size_t from = l->n;
	int bad = 0, rc;

	rc = walk_dir(l, dir, flags, warn, arg, &bad, err);
	if (l->n - from > 1)
		qsort(l->v + from, l->n - from, sizeof(*l->v), path_cmp);
	return rc == -1 || bad ? -1 : 0;
}

void
cs_files_sort_unique(struct cs_files *l)
{
	size_t i, k;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), path_cmp);
	for (i = 0, k = 0; i < l->n; i++) {
		if (k > 0 && strcmp(l->v[k - 1], l->v[i]) == 0) {
			free(l->v[i]);
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

void
cs_files_release(struct cs_files *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	cs_vec_release(l);
}

int
cs_file_read(const char *path, struct cs_buf *b, struct cs_err *err)
{
	char tmp[65536];
	FILE *f;
	size_t n;
	int ret = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return cs_err_set(err, CS_EIO, "cannot open '%s': %s", path,
		    strerror(errno));
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (cs_buf_append(b, tmp, n, err) == -1) {
			ret = -1;
			break;
		}
	if (ret == 0 && ferror(f))
		ret = cs_err_set(err, CS_EIO, "cannot read '%s': %s", path,
		    strerror(errno));
	fclose(f);
	return ret;
}

/* Whether path holds exactly p[0..n). */
static int
same_file(const char *path, const unsigned char *p, size_t n)
{
	char tmp[8192];
	FILE *f;
	size_t off = 0, k;
	int same = 1;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	while (same && (k = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (k > n - off || memcmp(tmp, p + off, k) != 0)
			same = 0;
		off += k;
	}
	if (ferror(f) || off != n)
		same = 0;
	fclose(f);
	return same;
}

int
cs_file_write(const char *path, const void *p, size_t n, int keep_same,
    struct cs_err *err)
{
	char *tmp;
	FILE *f;
	size_t len = strlen(path) + 32;
	int ret = -1;

	if (keep_same && same_file(path, p, n))
		return 0;
	if ((tmp = malloc(len)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		cs_err_set(err, CS_EIO, "cannot create '%s': %s", tmp,
		    strerror(errno));
		goto out;
	}
	if ((n > 0 && fwrite(p, 1, n, f) != n) || fflush(f) != 0 ||
	    ferror(f) || fsync(fileno(f)) != 0) {
		cs_err_set(err, CS_EIO, "cannot write '%s': %s", tmp,
		    strerror(errno));
		fclose(f);
	} else if (fclose(f) != 0)
		cs_err_set(err, CS_EIO, "cannot write '%s': %s", tmp,
		    strerror(errno));
	else if (rename(tmp, path) == -1)
		cs_err_set(err, CS_EIO, "cannot rename '%s': %s", tmp,
		    strerror(errno));
	else
		ret = 0;
	if (ret == -1)
		unlink(tmp);
out:
	free(tmp);
	return ret;
}

int
cs_outfile_open(struct cs_outfile *o, const char *path, struct cs_err *err)
{
	struct stat sb;
	size_t len;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if ((o->f = fopen(path, "w")) == NULL)
			return cs_err_set(err, CS_EIO, "cannot open '%s': %s",
			    path, strerror(errno));
		if ((o->path = strdup(path)) == NULL) {
			fclose(o->f);
			o->f = NULL;
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		}
		return 0;
	}
	/* A link's file is replaced beside it, not the link. */
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
		o->path = realpath(path, NULL);
	else
		o->path = strdup(path);
	len = (o->path != NULL ? strlen(o->path) : 0) + 32;
	if (o->path == NULL || (o->tmp = malloc(len)) == NULL) {
		free(o->path);
		o->path = NULL;
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	snprintf(o->tmp, len, "%s.tmp.%ld", o->path, (long)getpid());
	if ((o->f = fopen(o->tmp, "w")) == NULL) {
		cs_err_set(err, CS_EIO, "cannot create '%s': %s", o->tmp,
		    strerror(errno));
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return -1;
	}
	return 0;
}

/* Ends a file written in place: no sync (a device may not have one). */
static int
outfile_close_direct(struct cs_outfile *o, int ok, struct cs_err *err)
{
	int ret = ok ? 0 : -1;

	if (fflush(o->f) != 0 || ferror(o->f)) {
		cs_err_set(err, CS_EIO, "cannot write '%s': %s", o->path,
		    strerror(errno));
		ret = -1;
	}
	if (fclose(o->f) != 0 && ret == 0) {
		cs_err_set(err, CS_EIO, "cannot write '%s': %s", o->path,
		    strerror(errno));
		ret = -1;
	}
	free(o->path);
	o->path = NULL;
	o->f = NULL;
	return ret;
}

int
cs_outfile_close(struct cs_outfile *o, int ok, struct cs_err *err)
{
	int ret = 0;

	if (o->f == stdout || o->f == NULL)
		return ok ? 0 : -1;
	if (o->tmp == NULL)
		return outfile_close_direct(o, ok, err);
	if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0) {
		cs_err_set(err, CS_EIO, "cannot write '%s': %s", o->tmp,
		    strerror(errno));
		ok = 0;
		ret = -1;
	}
	fclose(o->f);
	if (ok && rename(o->tmp, o->path) == -1) {
		cs_err_set(err, CS_EIO, "cannot rename '%s': %s", o->tmp,
		    strerror(errno));
		ok = 0;
		ret = -1;
	}
	if (!ok) {
		unlink(o->tmp);
		ret = -1;
	}
	free(o->path);
	free(o->tmp);
	o->f = NULL;
	return ret;
}

/* The pid of a temporary file of cs_file_write() named name, or 0. */
static long
stale_pid(const char *name)
{
	const char *p = name;
	char *end;
	long pid;
	int i;

	for (i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' &&
		    p[i] <= 'f')))
			return 0;
	if (strncmp(p + 64, ".pem.tmp.", 9) != 0 &&
	    strncmp(p + 64, ".der.tmp.", 9) != 0)
		return 0;
	p += 64 + 9;
	if (*p < '1' || *p > '9')
		return 0;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno != 0 || *end != '\0' || pid <= 0 || pid > INT32_MAX)
		return 0;
	return pid;
}

void
cs_files_remove_stale(const char *dir)
{
	struct dirent *de;
	DIR *d;
	char *path;
	long pid;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((pid = stale_pid(de->d_name)) == 0 ||
		    pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((path = join(dir, de->d_name)) != NULL)
			(void)unlink(path);
		free(path);
	}
	closedir(d);
}
