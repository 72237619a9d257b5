#include "certsift/ingest.h"

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

	if (cs_store_lock(st, err) == -1 || cs_store_hosts_check(st, o->hosts,
	    o->host_key, o->host_key_len, err) == -1)
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
	ing->jobs = jobs;
	if (jobs > 1 && (cs_zpool_new(&ing->zpool, err) == -1 ||
	    (ing->ahead = calloc((size_t)jobs, sizeof(*ing->ahead))) == NULL)) {
		cs_ingest_free(ing);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
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
	cs_ing_ahead_clear(ing);
	free(ing->ahead);
	cs_zpool_free(ing->zpool);
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
	free(ing->pending.v);
	cs_hmap_release(&ing->der_idx);
	cs_hmap_release(&ing->che_idx);
	cs_hmap_release(&ing->host_idx);
	free(ing->bhosts.v);
	cs_hmap_release(&ing->chain_idx);
	cs_daybatch_release(&ing->days);
	cs_ing_valid_free(ing);
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

static void
stop_if_strict(struct cs_ingest *ing, const char *why)
{
	if (ing->o.strict && !ing->stop) {
		ing->stop = 1;
		cs_err_set(&ing->stop_err, CS_ESTOP, "%s:%llu: %s", ing->name,
		    (unsigned long long)ing->line, why);
	}
}

void
cs_ing_bad(struct cs_ingest *ing, const char *why)
{
	if (ing->o.bad != NULL)
		ing->o.bad(ing->o.arg, ing->name, ing->line, why);
	stop_if_strict(ing, why);
}

/* Compressed input that ended damaged: one message for the file. */
static void
damaged(struct cs_ingest *ing, const char *why)
{
	ing->sum.files_damaged++;
	if (ing->o.damaged != NULL)
		ing->o.damaged(ing->o.arg, ing->name, ing->line, why);
	else if (ing->o.bad != NULL)
		ing->o.bad(ing->o.arg, ing->name, ing->line, why);
	stop_if_strict(ing, why);
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
	pr->file_bytes = cs_input_file_bytes(in);
	pr->reports = ing->sum.reports_read + ing->n[CS_N_REPORTS_READ];
	ing->o.progress(ing->o.arg, pr);
}

/* One file being ingested: where it came from and how far it got. */
struct ingfile {
	struct cs_ingest_progress pr;
	struct cs_fileprog	 prog;		/* saved progress */
	struct cs_input		 in;
	struct timespec		 clock;		/* since the last commit */
	struct timespec		 tick;		/* the last progress report */
	struct cs_ing_file	 file;		/* mapped, maybe decompressing */
	unsigned char		*id;		/* NULL: a stream, no identity */
	uint64_t		 off;		/* read up to here */
};

/*
 * A file the batch ends already (given twice, or a copy): 1 with its
 * progress, as done as if it were committed; 2 under --force (read it
 * again); 0 when it is not one.
 */
static int
pending_progress(const struct cs_ingest *ing, const unsigned char *id,
    struct cs_fileprog *p)
{
	size_t i;

	for (i = 0; i < ing->pending.n; i++) {
		if (memcmp(ing->pending.v[i].id, id, 24) != 0)
			continue;
		*p = ing->pending.v[i].prog;
		if (!ing->o.force)
			return 1;
		memset(p, 0, sizeof(*p));
		return 2;
	}
	return 0;
}

/*
 * Identifies a regular file (mapping it; it may be decompressing already,
 * started by cs_ingest_ahead()) and reads its saved progress: 1 when it is
 * done already (then it is counted, nothing else), 0 to go on, -1 on
 * failure.
 */
static int
file_identify(struct cs_ingest *ing, int fd, int flags, struct ingfile *f,
    struct cs_err *err)
{
	int rc;

	if (cs_ing_file_open(ing, fd, flags, &f->file, err) == -1)
		return -1;
	if (!f->file.regular)
		return 0;
	f->pr.file_size = f->file.size;
	f->id = f->file.id;
	/* Done in the store this one is to be merged into: not a file of
	 * this store at all. */
	if (ing->o.known != NULL && (rc = cs_store_file_done(ing->o.known,
	    f->id, err)) != 0) {
		if (rc == 1)
			ing->sum.files_skipped++;
		return rc;
	}
	if ((rc = pending_progress(ing, f->id, &f->prog)) == 0 &&
	    (rc = cs_ing_file_progress(ing, f->id, &f->prog, err)) != 1)
		return rc;
	if (rc == 2)
		return 0;	/* ended in this batch, and --force */
	/* Already ingested: count the file, nothing else. */
	ing->n[CS_N_FILES_SKIPPED]++;
	return cs_ing_commit(ing, f->id, &f->prog, &f->clock, err) == -1 ?
	    -1 : 1;
}

/* Opens the input where the saved progress left it. */
static int
file_open(struct cs_ingest *ing, struct ingfile *f, struct cs_err *err)
{
	const struct cs_fileprog *p = &f->prog;

	if (cs_ing_file_input(ing, &f->file, p, &f->in, err) == -1)
		return -1;
	f->off = p->offset;
	/* Read input is copied into units: only a window of them then, so
	 * memory stays bounded; a mapped file costs units nothing. */
	pthread_mutex_lock(&ing->qlock);
	ing->head = 0;
	ing->nring = f->in.mapped ? ing->nunits : ing->window;
	pthread_mutex_unlock(&ing->qlock);
	ing->done_offset = p->offset;
	ing->done_line = p->line;
	ing->done_mode = (int)p->mode;
	return 0;
}

/*
 * Whether the batch is full, or the cache: memory stays bounded however
 * many new certificates come. *cache_full says which.
 */
static int
batch_full(struct cs_ingest *ing, int *cache_full)
{
	pthread_mutex_lock(&ing->lock);
	if (ing->texts.buf.len + ing->ders.len > CACHE_LIMIT &&
	    ing->texts.buf.len > CACHE_LIMIT / 4) {
		/*
		 * The texts only save decoding an entry again; the batch
		 * needs the DER and summaries. Dropping the texts first
		 * makes batches of new certificates twice as long: each
		 * batch rewrites a page of the store per new record, so
		 * fewer batches write less.
		 */
		cs_ing_texts_reset(ing);
	}
	*cache_full = ing->texts.buf.len + ing->ders.len > CACHE_LIMIT;
	pthread_mutex_unlock(&ing->lock);
	return *cache_full || ing->batch_reports >= ing->o.commit_every;
}

/* Commits the batch merged so far, with the progress after it. */
static int
batch_commit(struct cs_ingest *ing, struct ingfile *f, int cache_full,
    struct cs_err *err)
{
	if (ing->batch_reports == 0) {
		if (ing->texts.buf.len + ing->ders.len > CACHE_LIMIT)
			cs_ing_cache_reset(ing);	/* nothing refers to it */
		return 0;
	}
	f->prog.offset = ing->done_offset;
	f->prog.line = ing->done_line;
	f->prog.mode = (uint32_t)ing->done_mode;
	/* With workers, and a cache that may stay, they parse on while the
	 * batch is written. */
	if (ing->nworkers > 0 && !cache_full)
		return commit_overlapped(ing, &f->in, &f->off, f->id, &f->prog,
		    &f->clock, err);
	return cs_ing_commit(ing, f->id, &f->prog, &f->clock, err);
}

/* Reads, parses and merges the whole input, committing full batches. */
static int
file_loop(struct cs_ingest *ing, struct ingfile *f, struct cs_err *err)
{
	struct unit *u;
	int rc, cache_full;

	for (;;) {
		/* Keep the workers busy: a unit for each, and one more. */
		if (ing->inflight >= ing->window &&
		    cs_ing_merge_oldest(ing, err) == -1)
			return -1;
		u = &ing->units[(ing->head + ing->inflight) % ing->nring];
		if ((rc = fill_unit(ing, &f->in, u, &f->off, err)) == -1)
			return -1;
		if (rc == 1) {
			pthread_mutex_lock(&ing->qlock);
			u->state = U_QUEUED;
			ing->inflight++;
			pthread_cond_signal(&ing->qcond);
			pthread_mutex_unlock(&ing->qlock);
		}
		progress(ing, &f->in, &f->pr, &f->tick);
		if (!batch_full(ing, &cache_full) && rc != 0)
			continue;
		/* Drain, then commit what came before. */
		while (ing->inflight > 0)
			if (cs_ing_merge_oldest(ing, err) == -1)
				return -1;
		if (rc == 0)
			return 0;
		if (batch_commit(ing, f, cache_full, err) == -1)
			return -1;
	}
}

/*
 * The batch goes on into the next file: this one's progress waits for the
 * commit that ends the batch (cs_ing_commit() writes it).
 */
static int
defer(struct cs_ingest *ing, struct ingfile *f, struct cs_err *err)
{
	struct pending p;
	struct timespec now;
	const char *name = ing->name != NULL ? ing->name : "";
	size_t len = strlen(name);

	memset(&p, 0, sizeof(p));
	memcpy(p.id, f->id, sizeof(p.id));
	p.prog = f->prog;
	if (len > sizeof(p.name) - 1) {
		name += len - (sizeof(p.name) - 1);
		len = sizeof(p.name) - 1;
	}
	memcpy(p.name, name, len);
	if (cs_vec_push(&ing->pending, p) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	clock_gettime(CLOCK_MONOTONIC, &now);
	ing->n[CS_N_MICROSECONDS] += (uint64_t)(now.tv_sec -
	    f->clock.tv_sec) * 1000000u + (uint64_t)((now.tv_nsec -
	    f->clock.tv_nsec) / 1000);
	return 0;
}

/*
 * Counts the file as done and commits the last batch with it; with more
 * files to come (CS_INGEST_MORE) the batch goes on into them unless it is
 * full: a directory of small files costs one commit per batch, not per
 * file.
 */
static int
file_finish(struct cs_ingest *ing, struct ingfile *f, int flags,
    struct cs_err *err)
{
	struct cs_input *in = &f->in;
	uint64_t end;
	int cache_full;

	if (in->damage != NULL) {
		/* Reported where the reports stop: after the last whole one. */
		ing->line = in->line;
		damaged(ing, in->damage);
		if (ing->stop) {
			*err = ing->stop_err;
			return -1;
		}
	}
	/* Damaged input ends after its last whole document. */
	end = in->base + (in->damage != NULL ? in->pos : in->buf.len);
	ing->n[CS_N_BYTES] += end - f->off;
	f->prog.offset = end;
	f->prog.line = in->line;
	f->prog.mode = (uint32_t)in->mode;
	f->prog.done = 1;
	ing->n[CS_N_FILES]++;
	if (f->id != NULL)
		ing->n[CS_N_FILES_INGESTED]++;
	if ((flags & CS_INGEST_MORE) && f->id != NULL && ing->pending.n <
	    MAX_PENDING && !batch_full(ing, &cache_full))
		return defer(ing, f, err);
	return cs_ing_commit(ing, f->id, &f->prog, &f->clock, err);
}

/*
 * A file failed. Alone in its batch, the batch is dropped: the file
 * resumes from its last commit. With files the batch ends before it
 * (pending), a read error leaves whole units merged: the batch is
 * committed with this file's progress after them, as a full batch would
 * have been. A stop inside a unit (--strict, no memory) cannot be undone
 * by halves: the batch is dropped, and those files too go back to their
 * last commit (the run stops there; the next one ingests them).
 */
static void
file_fail(struct cs_ingest *ing, struct ingfile *f, int opened,
    struct cs_err *err)
{
	struct cs_err e = CS_ERR_INIT;
	struct cs_fileprog p = f->prog;

	if (ing->pending.n == 0 || err->code != CS_EIO || ing->stop) {
		cs_ing_batch_reset(ing);
		return;
	}
	if (opened) {
		p.offset = ing->done_offset;
		p.line = ing->done_line;
		p.mode = (uint32_t)ing->done_mode;
		p.done = 0;
	}
	if (cs_ing_commit(ing, opened ? f->id : NULL, &p, &f->clock, &e) ==
	    -1) {
		cs_ing_batch_reset(ing);
		*err = e;
	}
}

int
cs_ingest_flush(struct cs_ingest *ing, struct cs_err *err)
{
	struct timespec now;

	if (ing->pending.n == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (cs_ing_commit(ing, NULL, NULL, &now, err) == 0)
		return 0;
	cs_ing_batch_reset(ing);
	return -1;
}

int
cs_ingest_fd(struct cs_ingest *ing, int fd, const char *name, int flags,
    struct cs_err *err)
{
	struct ingfile f;
	int rc, ret = -1, opened = 0;

	memset(&f, 0, sizeof(f));
	clock_gettime(CLOCK_MONOTONIC, &f.clock);
	f.tick = f.clock;
	f.pr.name = name;
	ing->name = name;
	ing->stop = 0;
	if ((rc = file_identify(ing, fd, flags, &f, err)) != 0)
		ret = rc == 1 ? 0 : -1;
	else if (file_open(ing, &f, err) == 0) {
		opened = 1;
		if (file_loop(ing, &f, err) == 0)
			ret = file_finish(ing, &f, flags, err);
		else
			cs_ing_abandon(ing);
	}
	if (ret == -1)
		file_fail(ing, &f, opened, err);
	cs_input_release(&f.in);
	cs_ing_file_close(&f.file);
	return ret;
}
