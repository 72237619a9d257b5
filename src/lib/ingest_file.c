#include "ingest_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "store_int.h"

/*
 * A file's identity: XXH3-128 of the XXH3-128 digests of its 32 MiB
 * pieces, then its size. Pieces let threads hash a mapped file at once:
 * the identity must be known before its first report is merged.
 */
#define ID_PIECE	((size_t)32 << 20)

static void
id_finish(const XXH128_hash_t *pieces, size_t n, uint64_t size,
    unsigned char id[24])
{
	XXH128_hash_t h = XXH3_128bits(pieces, n * sizeof(*pieces));

	memcpy(id, &h, 16);
	memcpy(id + 16, &size, 8);
}

int
cs_ing_file_id(int fd, unsigned char id[24], struct cs_err *err)
{
	XXH3_state_t *st;
	XXH128_hash_t *pieces = NULL;
	unsigned char *buf;
	uint64_t size = 0;
	size_t n = 0, cap = 0, fill = 0;
	ssize_t r;
	int ret = -1;

	if ((buf = malloc(1 << 20)) == NULL || (st = XXH3_createState()) ==
	    NULL) {
		free(buf);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	XXH3_128bits_reset(st);
	for (;;) {
		/* A read never crosses a piece's end. */
		r = read(fd, buf, ID_PIECE - fill < (1 << 20) ?
		    ID_PIECE - fill : (1 << 20));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cs_err_set(err, CS_EIO, "read error: %s",
			    strerror(errno));
			goto out;
		}
		XXH3_128bits_update(st, buf, (size_t)r);
		size += (uint64_t)r;
		fill += (size_t)r;
		if (fill == ID_PIECE || (r == 0 && (fill > 0 || n == 0))) {
			if (cs_vec_grow(&pieces, &cap, n + 1,
			    sizeof(*pieces)) == -1) {
				cs_err_set(err, CS_ENOMEM, "out of memory");
				goto out;
			}
			pieces[n++] = XXH3_128bits_digest(st);
			XXH3_128bits_reset(st);
			fill = 0;
		}
		if (r == 0)
			break;
	}
	id_finish(pieces, n, size, id);
	if (lseek(fd, 0, SEEK_SET) == -1) {
		cs_err_set(err, CS_EIO, "cannot rewind: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	XXH3_freeState(st);
	free(pieces);
	free(buf);
	return ret;
}

struct id_part {
	const unsigned char	*map;
	size_t			 len;
	XXH128_hash_t		*pieces;
	size_t			 first;		/* pieces [first, last) */
	size_t			 last;
	pthread_t		 tid;
};

static void *
id_hash_part(void *arg)
{
	struct id_part *p = arg;
	size_t i, off, n;

	for (i = p->first; i < p->last; i++) {
		off = i * ID_PIECE;
		n = p->len - off < ID_PIECE ? p->len - off : ID_PIECE;
		p->pieces[i] = XXH3_128bits(p->map + off, n);
	}
	return NULL;
}

/* The identity of a mapped file (as cs_ing_file_id()), on up to nthreads. */
int
cs_ing_map_id(const unsigned char *map, size_t len, int nthreads,
    unsigned char id[24], struct cs_err *err)
{
	struct id_part part[16];
	XXH128_hash_t *pieces;
	size_t n = len / ID_PIECE + (len % ID_PIECE != 0 || len == 0), k;
	int started[16] = { 0 };

	if ((pieces = calloc(n, sizeof(*pieces))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if (nthreads > 16)
		nthreads = 16;
	if ((size_t)nthreads > n)
		nthreads = (int)n;
	if (nthreads < 1)
		nthreads = 1;
	for (k = 0; k < (size_t)nthreads; k++) {
		part[k].map = map;
		part[k].len = len;
		part[k].pieces = pieces;
		part[k].first = n * k / (size_t)nthreads;
		part[k].last = n * (k + 1) / (size_t)nthreads;
	}
	/* Part 0 is this thread's; a part whose thread will not start is
	 * hashed here too. */
	for (k = 1; k < (size_t)nthreads; k++)
		started[k] = pthread_create(&part[k].tid, NULL, id_hash_part,
		    &part[k]) == 0;
	id_hash_part(&part[0]);
	for (k = 1; k < (size_t)nthreads; k++) {
		if (started[k])
			pthread_join(part[k].tid, NULL);
		else
			id_hash_part(&part[k]);
	}
	id_finish(pieces, n, len, id);
	free(pieces);
	return 0;
}

/* Reads the saved progress of a file; 1 when it is done already. */
int
cs_ing_file_progress(struct cs_ingest *ing, const unsigned char *id,
    struct cs_fileprog *p, struct cs_err *err)
{
	struct cs_wtxn *t;
	int rc;

	if (cs_store_wbegin(ing->st, &t, err) == -1)
		return -1;
	rc = cs_store_wfile_get(t, id, p, err);
	cs_store_wabort(t);
	if (rc == -1)
		return -1;
	if (p->done && ing->o.force)
		memset(p, 0, sizeof(*p));
	return p->done ? 1 : 0;
}

