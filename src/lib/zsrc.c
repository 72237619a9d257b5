#include "zsrc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decomp.h"

#define RAW	((size_t)1 << 20)	/* compressed bytes per read() */

struct chunk {
	struct chunk	*next;		/* in the pool's free list */
	size_t		 len;
	unsigned char	 data[];
};

struct cs_zpool {
	pthread_mutex_t	 lock;
	struct chunk	*free;
};

struct cs_zsrc {
	struct cs_z		*z;
	const unsigned char	*map;
	size_t			 maplen;
	size_t			 mpos;
	int			 fd;
	unsigned char		*raw;		/* read from fd */
	size_t			 rawpos;
	size_t			 rawlen;
	int			 raw_eof;
	int			 ended;		/* no more output */
	int			 failed;	/* ... because of fail */
	struct cs_err		 fail;		/* a read error, no memory */
	struct cs_err		 damage;	/* code 0: ended cleanly */

	/* Threaded: a ring of full chunks, filled by the thread. */
	int			 threaded;
	struct cs_zpool		*pool;
	pthread_t		 tid;
	pthread_mutex_t		 lock;
	pthread_cond_t		 more;		/* the reader waits */
	pthread_cond_t		 room;		/* the thread waits */
	struct chunk		**ring;
	size_t			 nring;
	size_t			 head;		/* the reader's chunk */
	size_t			 count;		/* full chunks */
	size_t			 cpos;		/* read of ring[head] */
	int			 stop;		/* closing: the thread ends */
	int			 done;		/* the thread ended */
	uint64_t		 consumed;	/* as of the last chunk */
};

int
cs_zpool_new(struct cs_zpool **out, struct cs_err *err)
{
	struct cs_zpool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return 0;
}

void
cs_zpool_free(struct cs_zpool *p)
{
	struct chunk *c;

	if (p == NULL)
		return;
	while ((c = p->free) != NULL) {
		p->free = c->next;
		free(c);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static struct chunk *
chunk_get(struct cs_zpool *p)
{
	struct chunk *c;

	pthread_mutex_lock(&p->lock);
	if ((c = p->free) != NULL)
		p->free = c->next;
	pthread_mutex_unlock(&p->lock);
	if (c == NULL)
		c = malloc(sizeof(*c) + CS_ZSRC_CHUNK);
	return c;
}

static void
chunk_put(struct cs_zpool *p, struct chunk *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	c->next = p->free;
	p->free = c;
	pthread_mutex_unlock(&p->lock);
}

/* The next compressed bytes; *eof when there are no others. */
static int
input(struct cs_zsrc *s, const unsigned char **in, size_t *inlen, int *eof)
{
	ssize_t r;

	if (s->map != NULL) {
		*in = s->map + s->mpos;
		*inlen = s->maplen - s->mpos;
		*eof = 1;
		return 0;
	}
	if (s->rawpos == s->rawlen && !s->raw_eof) {
		do
			r = read(s->fd, s->raw, RAW);
		while (r == -1 && errno == EINTR);
		if (r == -1)
			return cs_err_set(&s->fail, CS_EIO, "read error: %s",
			    strerror(errno));
		s->rawpos = 0;
		s->rawlen = (size_t)r;
		s->raw_eof = r == 0;
	}
	*in = s->raw + s->rawpos;
	*inlen = s->rawlen - s->rawpos;
	*eof = s->raw_eof;
	return 0;
}

/*
 * Decompresses up to cap bytes into out; *n 0 at the end (ended, with
 * damage or fail set when it ended badly).
 */
static void
produce(struct cs_zsrc *s, unsigned char *out, size_t cap, size_t *n)
{
	const unsigned char *in = NULL, *p;
	size_t inlen = 0, left, made;
	int eof = 0;

	*n = 0;
	while (*n < cap && !s->ended) {
		if (input(s, &in, &inlen, &eof) == -1) {
			s->failed = s->ended = 1;
			break;
		}
		p = in;
		left = inlen;
		made = cap - *n;
		if (cs_z_run(s->z, &p, &left, out + *n, &made,
		    &s->damage) == -1) {
			*n += made;
			if (s->damage.code != CS_EPARSE) {
				s->fail = s->damage;
				s->failed = 1;
			}
			s->ended = 1;
			break;
		}
		*n += made;
		if (s->map != NULL)
			s->mpos += (size_t)(p - in);
		else
			s->rawpos += (size_t)(p - in);
		if (made > 0)
			continue;
		if (eof && left == 0) {
			/* Flushed, and nothing more comes. */
			(void)cs_z_finish(s->z, &s->damage);
			s->ended = 1;
		} else if (p == in && left > 0) {
			/* Input it neither takes nor reports: never loop. */
			cs_err_set(&s->damage, CS_EPARSE, "decompression "
			    "stalls at byte %llu",
			    (unsigned long long)cs_z_consumed(s->z));
			s->ended = 1;
		}
	}
}

static void *
run(void *arg)
{
	struct cs_zsrc *s = arg;
	struct chunk *c;
	size_t slot;
	int ended = 0;

	while (!ended) {
		pthread_mutex_lock(&s->lock);
		while (s->count == s->nring && !s->stop)
			pthread_cond_wait(&s->room, &s->lock);
		if (s->stop) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		slot = (s->head + s->count) % s->nring;
		pthread_mutex_unlock(&s->lock);
		if ((c = s->ring[slot]) == NULL &&
		    (c = s->ring[slot] = chunk_get(s->pool)) == NULL) {
			cs_err_set(&s->fail, CS_ENOMEM, "out of memory");
			s->failed = s->ended = 1;
		} else
			produce(s, c->data, CS_ZSRC_CHUNK, &c->len);
		ended = s->ended;
		pthread_mutex_lock(&s->lock);
		if (c != NULL && c->len > 0)
			s->count++;
		s->consumed = cs_z_consumed(s->z);
		s->done = ended;
		pthread_cond_signal(&s->more);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

int
cs_zsrc_open(const struct cs_zsrc_opts *o, struct cs_zsrc **out,
    struct cs_err *err)
{
	struct cs_zsrc *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	s->map = o->map;
	s->maplen = o->maplen;
	s->fd = o->fd;
	if (cs_z_new(o->fmt, &s->z, err) == -1)
		goto fail;
	if (o->map == NULL) {
		if ((s->raw = malloc(RAW)) == NULL) {
			cs_err_set(err, CS_ENOMEM, "out of memory");
			goto fail;
		}
		memcpy(s->raw, o->head, o->headlen);
		s->rawlen = o->headlen;
	}
	if (!o->threaded || o->pool == NULL) {
		*out = s;
		return 0;
	}
	s->pool = o->pool;
	s->nring = o->budget / CS_ZSRC_CHUNK;
	if (s->nring < 2)
		s->nring = 2;
	if ((s->ring = calloc(s->nring, sizeof(*s->ring))) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto fail;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->more, NULL);
	pthread_cond_init(&s->room, NULL);
	s->threaded = 1;
	if (pthread_create(&s->tid, NULL, run, s) != 0) {
		/* No thread: decompress as it is read. */
		s->threaded = 0;
		pthread_cond_destroy(&s->room);
		pthread_cond_destroy(&s->more);
		pthread_mutex_destroy(&s->lock);
	}
	*out = s;
	return 0;
fail:
	cs_zsrc_close(s);
	return -1;
}

int
cs_zsrc_read(struct cs_zsrc *s, unsigned char *dst, size_t cap, size_t *n,
    struct cs_err *err)
{
	struct chunk *c;
	size_t k;

	*n = 0;
	if (!s->threaded) {
		produce(s, dst, cap, n);
		if (*n == 0 && s->failed) {
			*err = s->fail;
			return -1;
		}
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	while (*n < cap) {
		while (s->count == 0 && !s->done)
			pthread_cond_wait(&s->more, &s->lock);
		if (s->count == 0)
			break;
		c = s->ring[s->head];
		k = c->len - s->cpos < cap - *n ? c->len - s->cpos : cap - *n;
		/* The thread does not touch a full chunk: copy unlocked. */
		pthread_mutex_unlock(&s->lock);
		memcpy(dst + *n, c->data + s->cpos, k);
		pthread_mutex_lock(&s->lock);
		*n += k;
		s->cpos += k;
		if (s->cpos == c->len) {
			s->cpos = 0;
			s->head = (s->head + 1) % s->nring;
			s->count--;
			pthread_cond_signal(&s->room);
		}
		/* Return what there is rather than wait for more. */
		if (s->count == 0)
			break;
	}
	pthread_mutex_unlock(&s->lock);
	if (*n == 0 && s->failed) {
		*err = s->fail;
		return -1;
	}
	return 0;
}

const char *
cs_zsrc_damage(const struct cs_zsrc *s)
{
	return s->ended && s->damage.code != 0 && !s->failed ?
	    s->damage.msg : NULL;
}

uint64_t
cs_zsrc_consumed(struct cs_zsrc *s)
{
	uint64_t n;

	if (!s->threaded)
		return cs_z_consumed(s->z);
	pthread_mutex_lock(&s->lock);
	n = s->consumed;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void
cs_zsrc_close(struct cs_zsrc *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->threaded) {
		pthread_mutex_lock(&s->lock);
		s->stop = 1;
		pthread_cond_signal(&s->room);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->tid, NULL);
		pthread_cond_destroy(&s->room);
		pthread_cond_destroy(&s->more);
		pthread_mutex_destroy(&s->lock);
	}
	for (i = 0; i < s->nring; i++)
		chunk_put(s->pool, s->ring[i]);
	free(s->ring);
	free(s->raw);
	cs_z_free(s->z);
	free(s);
}
