#include "certsift/ingest.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "certsift/buf.h"
#include "input.h"
#include "ingest_int.h"

int
cs_ingest_new(struct cs_store *st, const struct cs_ingest_opts *o,
    struct cs_ingest **out, struct cs_err *err)
{
	struct cs_ingest *ing;
	pthread_rwlockattr_t ra;
	int jobs, nw, i;

	if (cs_store_lock(st, err) == -1)
		return -1;
	if ((ing = calloc(1, sizeof(*ing))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	ing->st = st;
	ing->o = *o;
	if (ing->o.commit_every == 0)
		ing->o.commit_every = DEFAULT_COMMIT;
	pthread_mutex_init(&ing->lock, NULL);
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&ing->tlock, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&ing->qlock, NULL);
	pthread_cond_init(&ing->qcond, NULL);
	pthread_cond_init(&ing->dcond, NULL);
	pthread_cond_init(&ing->thaw, NULL);
	jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	nw = jobs > 1 ? jobs : 1;
	/* Units in flight: two for each worker, and one; while a batch is
	 * written, up to all of them (mapped input costs them no copy). */
	ing->window = jobs > 1 ? (size_t)jobs * 2 + 1 : 1;
	ing->nunits = jobs > 1 ? MAX_UNITS : 1;
	if ((ing->workers = calloc((size_t)nw, sizeof(*ing->workers))) ==
	    NULL || (ing->units = calloc(ing->nunits, sizeof(*ing->units)))
	    == NULL)
		goto nomem;
	ing->nw = nw;
	/*
	 * The cache's arenas at their full size from the start (pages are
	 * taken only when written): growing one by copying it would hold the
	 * cache's lock, with the other workers waiting, for milliseconds.
	 */
	if (cs_buf_grow(&ing->texts.buf, CACHE_LIMIT, NULL) == -1 ||
	    cs_buf_grow(&ing->ders, CACHE_LIMIT, NULL) == -1)
		goto nomem;
	for (i = 0; i < nw; i++) {
		ing->workers[i].ing = ing;
		if ((ing->workers[i].reader = cs_reader_new(o->reader_mode))
		    == NULL || (ing->workers[i].xs = XXH3_createState()) ==
		    NULL)
			goto nomem;
	}
	/* The last worker is the main thread's: it parses too, rather than
	 * wait for a unit to merge. */
	for (i = 0; jobs > 1 && i < nw - 1; i++) {
		if (pthread_create(&ing->workers[i].tid, NULL,
		    cs_ing_worker_main, &ing->workers[i]) != 0) {
			cs_ingest_free(ing);
			return cs_err_set(err, CS_ENOMEM, "cannot start "
			    "threads");
		}
		ing->nworkers++;
	}
	clock_gettime(CLOCK_MONOTONIC, &ing->t0);
	*out = ing;
	return 0;
nomem:
	cs_ingest_free(ing);
	return cs_err_set(err, CS_ENOMEM, "out of memory");
}

void
cs_ingest_free(struct cs_ingest *ing)
{
	size_t k;
	int i;

	if (ing == NULL)
		return;
	pthread_mutex_lock(&ing->qlock);
	ing->quit = 1;
	pthread_cond_broadcast(&ing->qcond);
	pthread_mutex_unlock(&ing->qlock);
	for (i = 0; i < ing->nworkers; i++)
		pthread_join(ing->workers[i].tid, NULL);
	for (i = 0; ing->workers != NULL && i < ing->nw; i++) {
		cs_reader_free(ing->workers[i].reader);
		XXH3_freeState(ing->workers[i].xs);
		cs_buf_release(&ing->workers[i].der);
		cs_textmap_free(&ing->workers[i].own);
		cs_buf_release(&ing->workers[i].sumbuf);
	}
	for (k = 0; ing->units != NULL && k < ing->nunits; k++) {
		cs_buf_release(&ing->units[k].in);
		cs_buf_release(&ing->units[k].out);
		free(ing->units[k].docs.v);
	}
	free(ing->workers);
	free(ing->units);
	pthread_mutex_destroy(&ing->lock);
	pthread_rwlock_destroy(&ing->tlock);
	pthread_mutex_destroy(&ing->qlock);
	pthread_cond_destroy(&ing->qcond);
	pthread_cond_destroy(&ing->dcond);
	pthread_cond_destroy(&ing->thaw);
	cs_textmap_free(&ing->texts);
	cs_buf_release(&ing->ders);
	cs_buf_release(&ing->hosts);
	free(ing->slots.v);
	free(ing->ches.v);
	free(ing->chains.v);
	free(ing->chainslots.v);
	free(ing->cur.v);
	cs_hmap_release(&ing->der_idx);
	cs_hmap_release(&ing->che_idx);
	cs_hmap_release(&ing->host_idx);
	free(ing->bhosts.v);
	cs_hmap_release(&ing->chain_idx);
	free(ing);
}

void
cs_ingest_summary(const struct cs_ingest *ing, struct cs_ingest_sum *sum)
{
	struct timespec t1;

	*sum = ing->sum;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sum->seconds = (double)(t1.tv_sec - ing->t0.tv_sec) +
	    (double)(t1.tv_nsec - ing->t0.tv_nsec) / 1e9;
}

void
cs_ing_bad(struct cs_ingest *ing, const char *why)
{
	if (ing->o.bad != NULL)
		ing->o.bad(ing->o.arg, ing->name, ing->line, why);
	if (ing->o.strict && !ing->stop) {
		ing->stop = 1;
		cs_err_set(&ing->stop_err, CS_ESTOP, "%s:%llu: %s", ing->name,
		    (unsigned long long)ing->line, why);
	}
}

static int	fill_unit(struct cs_ingest *, struct cs_input *, struct unit *,
		    uint64_t *, struct cs_err *);

/*
 * Commits the batch while the workers go on with the next units: the
 * batch refers to the first nslots slots only, and nothing may move the
 * slots or the DER arena until it is written.
 */
static int
commit_overlapped(struct cs_ingest *ing, struct cs_input *in, uint64_t *off,
    const unsigned char *id, const struct cs_fileprog *prog,
    struct timespec *clock, struct cs_err *err)
{
	size_t maxdocs, want;
	int rc;

	pthread_mutex_lock(&ing->lock);
	ing->nslots = ing->slots.n;
	pthread_mutex_unlock(&ing->lock);
	/* Queue units for the workers: about one more batch, no more, so
	 * that commits keep to --commit-every. */
	maxdocs = ing->o.commit_every < 4096 ? (size_t)ing->o.commit_every :
	    4096;
	want = (size_t)((ing->o.commit_every + maxdocs - 1) / maxdocs);
	if (want > ing->nring)
		want = ing->nring;
	if (want < ing->window && ing->window <= ing->nring)
		want = ing->window;
	while (ing->inflight < want) {
		struct unit *u = &ing->units[(ing->head + ing->inflight) %
		    ing->nring];

		if ((rc = fill_unit(ing, in, u, off, err)) == -1)
			return -1;
		if (rc == 0)
			break;
		pthread_mutex_lock(&ing->qlock);
		u->state = U_QUEUED;
		ing->inflight++;
		pthread_cond_signal(&ing->qcond);
		pthread_mutex_unlock(&ing->qlock);
	}
	pthread_mutex_lock(&ing->lock);
	/* Room to grow into while frozen: workers wait beyond it. */
	(void)cs_vec_reserve(&ing->slots, ing->slots.n + 16384);
	(void)cs_buf_grow(&ing->ders, (size_t)16 << 20, NULL);
	ing->frozen = 1;
	pthread_mutex_unlock(&ing->lock);
	rc = cs_ing_commit(ing, id, prog, clock, err);
	pthread_mutex_lock(&ing->lock);
	ing->frozen = 0;
	pthread_cond_broadcast(&ing->thaw);
	pthread_mutex_unlock(&ing->lock);
	return rc;
}

/* Reads documents into a free unit; 0 when there are none left. */
static int
fill_unit(struct cs_ingest *ing, struct cs_input *in, struct unit *u,
    uint64_t *off, struct cs_err *err)
{
	struct cs_doc doc;
	struct udoc d;
	size_t maxdocs = ing->o.commit_every < 4096 ?
	    (size_t)ing->o.commit_every : 4096;
	int rc;

	cs_buf_reset(&u->in);
	u->docs.n = 0;
	u->bytes = 0;
	while (u->in.len < ((size_t)4 << 20) && u->docs.n < maxdocs) {
		if ((rc = cs_input_next(in, &doc, err)) == -1)
			return -1;
		if (rc == 0)
			break;
		d.ext = in->mapped ? doc.p : NULL;
		d.off = u->in.len;
		d.len = doc.len;
		d.line = doc.line;
		d.element = doc.element;
		d.bad = doc.bad;
		/* A mapped file stays put; read bytes are copied. */
		if (!in->mapped && cs_buf_append(&u->in, doc.p, doc.len, err)
		    == -1)
			return -1;
		if (cs_vec_push(&u->docs, d) == -1)
			return cs_err_set(err, CS_ENOMEM,
		    "out of memory");
		u->bytes += doc.next_offset - *off;
		*off = doc.next_offset;
		u->end_offset = doc.next_offset;
		u->end_line = doc.next_line;
		u->end_mode = doc.next_mode;
	}
	return u->docs.n > 0;
}

static void
progress(struct cs_ingest *ing, struct cs_input *in,
    struct cs_ingest_progress *pr, struct timespec *tick)
{
	struct timespec now;

	if (ing->o.progress == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec == tick->tv_sec)
		return;
	*tick = now;
	/* A mapped file is "read" at once: count where the splitter is. */
	pr->file_bytes = in->mapped ? in->pos : in->raw_bytes;
	pr->reports = ing->sum.reports_read + ing->n[CS_N_REPORTS_READ];
	ing->o.progress(ing->o.arg, pr);
}

int
cs_ingest_fd(struct cs_ingest *ing, int fd, const char *name, int flags,
    struct cs_err *err)
{
	struct cs_ingest_progress pr;
	struct cs_fileprog prog;
	struct cs_input in;
	struct timespec clock, tick;
	struct stat sb;
	unsigned char idbuf[24], *id = NULL, *map = MAP_FAILED;
	size_t maplen = 0;
	uint64_t off;
	int rc, ret = -1, full, cache_full;

	clock_gettime(CLOCK_MONOTONIC, &clock);
	tick = clock;
	memset(&in, 0, sizeof(in));
	memset(&prog, 0, sizeof(prog));
	memset(&pr, 0, sizeof(pr));
	pr.name = name;
	ing->name = name;
	ing->stop = 0;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    !(flags & CS_INGEST_STREAM)) {
		pr.file_size = (uint64_t)sb.st_size;
		/* Uncompressed files are read through a mapping: no copies. */
		if (sb.st_size > 0 && (uint64_t)sb.st_size <= SIZE_MAX &&
		    (map = mmap(NULL, (size_t)sb.st_size, PROT_READ,
		    MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
			maplen = (size_t)sb.st_size;
			madvise(map, maplen, MADV_SEQUENTIAL);
			if (cs_ing_map_id(map, maplen, ing->nw, idbuf, err) ==
			    -1) {
				munmap(map, maplen);
				return -1;
			}
			if (maplen >= 2 && map[0] == 0x1f && map[1] == 0x8b) {
				munmap(map, maplen);
				map = MAP_FAILED;
			}
		} else if (cs_ing_file_id(fd, idbuf, err) == -1)
			return -1;
		id = idbuf;
		if ((rc = cs_ing_file_progress(ing, id, &prog, err)) == -1)
			goto out;
		if (rc == 1) {
			/* Already ingested: count the file, nothing else. */
			ing->n[CS_N_FILES]++;
			ing->sum.files_skipped++;
			ret = cs_ing_commit(ing, id, &prog, &clock, err);
			goto out;
		}
	}
	if (map != MAP_FAILED)
		rc = cs_input_init_map(&in, map, maplen, prog.offset, prog.line,
		    (int)prog.mode, err);
	else
		rc = cs_input_init(&in, fd, prog.offset, prog.line,
		    (int)prog.mode, err);
	if (rc == -1)
		goto out;
	off = prog.offset;
	/* Read input is copied into units: only a window of them then, so
	 * memory stays bounded; a mapped file costs units nothing. */
	pthread_mutex_lock(&ing->qlock);
	ing->head = 0;
	ing->nring = in.mapped ? ing->nunits : ing->window;
	pthread_mutex_unlock(&ing->qlock);
	ing->done_offset = prog.offset;
	ing->done_line = prog.line;
	ing->done_mode = (int)prog.mode;
	for (;;) {
		struct unit *u;

		/* Keep the workers busy: a unit for each, and one more. */
		if (ing->inflight >= ing->window &&
		    cs_ing_merge_oldest(ing, err) == -1)
			goto fail;
		u = &ing->units[(ing->head + ing->inflight) % ing->nring];
		if ((rc = fill_unit(ing, &in, u, &off, err)) == -1)
			goto fail;
		if (rc == 1) {
			pthread_mutex_lock(&ing->qlock);
			u->state = U_QUEUED;
			ing->inflight++;
			pthread_cond_signal(&ing->qcond);
			pthread_mutex_unlock(&ing->qlock);
		}
		progress(ing, &in, &pr, &tick);
		/* Commit when the batch is full, or the cache: memory stays
		 * bounded however many new certificates come. */
		pthread_mutex_lock(&ing->lock);
		if (ing->texts.buf.len + ing->ders.len > CACHE_LIMIT &&
		    ing->texts.buf.len > CACHE_LIMIT / 4) {
			/*
			 * The texts only save decoding an entry again; the
			 * batch needs the DER and summaries. Dropping the
			 * texts first makes batches of new certificates
			 * twice as long: each batch rewrites a page of the
			 * store per new record, so fewer batches write less.
			 */
			cs_ing_texts_reset(ing);
		}
		cache_full = ing->texts.buf.len + ing->ders.len > CACHE_LIMIT;
		pthread_mutex_unlock(&ing->lock);
		full = cache_full || ing->batch_reports >= ing->o.commit_every;
		if (rc == 0 || full) {
			/* Drain, then commit what came before. */
			while (ing->inflight > 0)
				if (cs_ing_merge_oldest(ing, err) == -1)
					goto fail;
			if (rc == 0)
				break;
			if (ing->batch_reports > 0) {
				prog.offset = ing->done_offset;
				prog.line = ing->done_line;
				prog.mode = (uint32_t)ing->done_mode;
				/* With workers, and a cache that may stay,
				 * they parse on while the batch is written. */
				if (ing->nworkers > 0 && !cache_full)
					rc = commit_overlapped(ing, &in, &off,
					    id, &prog, &clock, err);
				else
					rc = cs_ing_commit(ing, id, &prog,
					    &clock, err);
				if (rc == -1)
					goto fail;
			} else if (ing->texts.buf.len + ing->ders.len >
			    CACHE_LIMIT)
				/* Nothing refers to it. */
				cs_ing_cache_reset(ing);
		}
	}
	if (in.truncated) {
		/* Its last, partial document was counted as malformed. */
		ing->line = in.line;
		cs_ing_bad(ing, "truncated or corrupt gzip stream");
		if (ing->stop) {
			*err = ing->stop_err;
			goto out;
		}
	}
	ing->n[CS_N_BYTES] += in.base + in.buf.len - off;
	prog.offset = in.base + in.buf.len;
	prog.line = in.line;
	prog.mode = (uint32_t)in.mode;
	prog.done = 1;
	ing->n[CS_N_FILES]++;
	if (id != NULL)
		ing->n[CS_N_FILES_INGESTED]++;
	ret = cs_ing_commit(ing, id, &prog, &clock, err);
	goto out;
fail:
	cs_ing_abandon(ing);
out:
	if (ret == -1)
		cs_ing_batch_reset(ing);
	cs_input_release(&in);
	if (map != MAP_FAILED)
		munmap(map, maplen);
	return ret;
}
