#include "ingest_int.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "decomp.h"

/*
 * Uncompressed bytes a decompressing thread may hold ahead of the reader:
 * 16 MiB shared by the files decompressed at once (up to --jobs), at least
 * 4 MiB and at most 8 MiB each. (The parser takes 4 MiB units; 32 MiB
 * ahead was no faster, only fresh memory to fault in.)
 */
static size_t
budget(const struct cs_ingest *ing)
{
	size_t b = ((size_t)16 << 20) / (size_t)ing->jobs;

	if (b < ((size_t)4 << 20))
		b = (size_t)4 << 20;
	return b > ((size_t)8 << 20) ? (size_t)8 << 20 : b;
}

/* Starts decompressing a mapped compressed file. */
static int
start(struct cs_ingest *ing, struct cs_ing_file *f, struct cs_err *err)
{
	struct cs_zsrc_opts zo;

	memset(&zo, 0, sizeof(zo));
	zo.fmt = f->fmt;
	zo.map = f->map;
	zo.maplen = f->maplen;
	zo.fd = -1;
	zo.threaded = ing->zpool != NULL;
	zo.budget = budget(ing);
	zo.pool = ing->zpool;
	return cs_zsrc_open(&zo, &f->z, err);
}

/*
 * Maps fd when it is a regular file (recognised unless CS_INGEST_STREAM)
 * and works out its identity and format.
 */
static int
prepare(struct cs_ingest *ing, int fd, int flags, struct cs_ing_file *f,
    struct cs_err *err)
{
	struct stat sb;
	void *map;

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (flags & CS_INGEST_STREAM))
		return 0;
	f->regular = 1;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->size = (uint64_t)sb.st_size;
	/* Read through a mapping: no copies, and no reads to decompress. */
	if (sb.st_size > 0 && (uint64_t)sb.st_size <= SIZE_MAX &&
	    (map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) != MAP_FAILED) {
		f->map = map;
		f->maplen = (size_t)sb.st_size;
		madvise(map, f->maplen, MADV_SEQUENTIAL);
		f->fmt = cs_z_detect(f->map, f->maplen);
		/*
		 * Decompression starts before the file is hashed: the hash
		 * of a 170 MB gzip file took 0.2 s in which nothing else
		 * ran. (A file found done after all only wasted a head
		 * start.)
		 */
		if (f->fmt != CS_Z_NONE && ing->zpool != NULL &&
		    start(ing, f, err) == -1)
			return -1;
		return cs_ing_map_id(f->map, f->maplen, ing->nw, f->id, err);
	}
	return cs_ing_file_id(fd, f->id, err);
}

int
cs_ingest_ahead(struct cs_ingest *ing, int fd, struct cs_err *err)
{
	struct cs_ing_file f;
	struct cs_fileprog prog;
	unsigned char magic[CS_Z_MAGIC_LEN];
	ssize_t n;
	int rc;

	/* One thread, or enough files ahead already: nothing to gain. */
	if (ing->zpool == NULL || ing->nahead >= (size_t)ing->jobs)
		return 0;
	/* Only compressed files gain: see before mapping and hashing. */
	do
		n = pread(fd, magic, sizeof(magic), 0);
	while (n == -1 && errno == EINTR);
	if (n <= 0 || cs_z_detect(magic, (size_t)n) == CS_Z_NONE)
		return 0;
	if (prepare(ing, fd, 0, &f, err) == -1)
		goto fail;
	if (f.map == NULL || f.fmt == CS_Z_NONE) {
		cs_ing_file_close(&f);
		return 0;
	}
	/* A file ingested already is not decompressed for nothing. */
	if ((rc = cs_ing_file_progress(ing, f.id, &prog, err)) == -1)
		goto fail;
	if (rc == 1) {
		cs_zsrc_close(f.z);
		f.z = NULL;
	}
	ing->ahead[ing->nahead++] = f;
	return 0;
fail:
	cs_ing_file_close(&f);
	return -1;
}

int
cs_ing_file_open(struct cs_ingest *ing, int fd, int flags,
    struct cs_ing_file *f, struct cs_err *err)
{
	struct stat sb;
	size_t i;

	if (!(flags & CS_INGEST_STREAM) && ing->nahead > 0 &&
	    fstat(fd, &sb) == 0) {
		for (i = 0; i < ing->nahead; i++) {
			if (ing->ahead[i].fd != fd || ing->ahead[i].dev !=
			    sb.st_dev || ing->ahead[i].ino != sb.st_ino)
				continue;
			*f = ing->ahead[i];
			memmove(&ing->ahead[i], &ing->ahead[i + 1],
			    (ing->nahead - i - 1) * sizeof(*ing->ahead));
			ing->nahead--;
			return 0;
		}
	}
	if (prepare(ing, fd, flags, f, err) == -1) {
		cs_ing_file_close(f);
		return -1;
	}
	return 0;
}

int
cs_ing_file_input(struct cs_ingest *ing, struct cs_ing_file *f,
    const struct cs_fileprog *prog, struct cs_input *in, struct cs_err *err)
{
	struct cs_zsrc_opts zo;
	struct cs_zsrc *z;

	if (f->map != NULL && f->fmt != CS_Z_NONE) {
		if (f->z == NULL && start(ing, f, err) == -1)
			return -1;
		z = f->z;
		f->z = NULL;		/* the input closes it */
		return cs_input_init_src(in, z, prog->offset, prog->line,
		    (int)prog->mode, err);
	}
	if (f->map != NULL)
		return cs_input_init_map(in, f->map, f->maplen, prog->offset,
		    prog->line, (int)prog->mode, err);
	memset(&zo, 0, sizeof(zo));
	zo.threaded = ing->zpool != NULL;
	zo.budget = budget(ing);
	zo.pool = ing->zpool;
	return cs_input_init(in, f->fd, prog->offset, prog->line,
	    (int)prog->mode, &zo, err);
}

void
cs_ing_file_close(struct cs_ing_file *f)
{
	cs_zsrc_close(f->z);
	f->z = NULL;
	if (f->map != NULL)
		munmap(f->map, f->maplen);
	f->map = NULL;
}

void
cs_ing_ahead_clear(struct cs_ingest *ing)
{
	while (ing->nahead > 0)
		cs_ing_file_close(&ing->ahead[--ing->nahead]);
}
