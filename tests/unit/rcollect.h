/*
 * What cs_reader_parse() reported for one document, copied out of the
 * callback so that two readers can be compared: shared by
 * test_report.c, test_differential.c and tests/fuzz/fuzz_report.c.
 */

#ifndef CERTSIFT_TEST_RCOLLECT_H
#define CERTSIFT_TEST_RCOLLECT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/report.h"

enum { RC_REPORT, RC_INVALID, RC_MALFORMED };

struct rc_entry {
	int		 isnull;
	char		*p;
	size_t		 len;
};

struct rc_cand {
	int		 kind;		/* RC_* */
	char		 why[128];	/* RC_MALFORMED: the reason */
	int		 has_host;	/* rep->host != NULL */
	char		*host;
	size_t		 host_len;
	unsigned	 has;
	int64_t		 port;
	int64_t		 timestamp;
	int32_t		 error;
	struct rc_entry	*chain;
	size_t		 nchain;
};

struct rc_doc {
	int		 rc;		/* cs_reader_parse()'s return */
	struct rc_cand	*c;
	size_t		 n;
	int		 stop_after;	/* return -1 from the n-th call; 0: never */
};

static inline void *
rc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	return p;
}

static inline char *
rc_dup(const char *p, size_t n)
{
	char *s = rc_xmalloc(n + 1);

	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static inline int
rc_cb(void *arg, const struct cs_report *rep, const char *why)
{
	struct rc_doc *d = arg;
	struct rc_cand *c;
	size_t i;

	d->c = realloc(d->c, (d->n + 1) * sizeof(*d->c));
	if (d->c == NULL)
		abort();
	c = &d->c[d->n++];
	memset(c, 0, sizeof(*c));
	if (rep == NULL) {
		if (why == NULL)
			why = "(null why)";
		if (strncmp(why, "invalid JSON", 12) == 0)
			c->kind = RC_INVALID;
		else
			c->kind = RC_MALFORMED;
		snprintf(c->why, sizeof(c->why), "%s", why);
	} else {
		c->kind = RC_REPORT;
		c->has_host = rep->host != NULL;
		if (rep->host != NULL)
			c->host = rc_dup(rep->host, rep->host_len);
		c->host_len = rep->host_len;
		c->has = rep->has;
		c->port = rep->port;
		c->timestamp = rep->timestamp;
		c->error = rep->error;
		c->nchain = rep->nchain;
		c->chain = rc_xmalloc(rep->nchain * sizeof(*c->chain));
		for (i = 0; i < rep->nchain; i++) {
			c->chain[i].isnull = rep->chain[i].p == NULL;
			c->chain[i].len = rep->chain[i].len;
			c->chain[i].p = rep->chain[i].p == NULL ? NULL :
			    rc_dup(rep->chain[i].p, rep->chain[i].len);
		}
	}
	if (d->stop_after > 0 && d->n == (size_t)d->stop_after)
		return -1;
	return 0;
}

static inline void
rc_clear(struct rc_doc *d)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		free(d->c[i].host);
		for (j = 0; j < d->c[i].nchain; j++)
			free(d->c[i].chain[j].p);
		free(d->c[i].chain);
	}
	free(d->c);
	d->c = NULL;
	d->n = 0;
	d->rc = 0;
}

/* Runs r over doc into d (cleared first). */
static inline int
rc_parse(struct cs_reader *r, const char *doc, size_t len, int flags,
    struct rc_doc *d)
{
	rc_clear(d);
	d->rc = cs_reader_parse(r, doc, len, flags, rc_cb, d);
	return d->rc;
}

/*
 * Compares two results; 0 when equal, else -1 with the first difference in
 * msg. Reasons of invalid JSON are not compared (the fast reader has no
 * line and column).
 */
static inline int
rc_compare(const struct rc_doc *a, const struct rc_doc *b, char *msg,
    size_t msgsz)
{
	size_t i, j;

	if (a->rc != b->rc) {
		snprintf(msg, msgsz, "return %d vs %d", a->rc, b->rc);
		return -1;
	}
	if (a->n != b->n) {
		snprintf(msg, msgsz, "%zu vs %zu candidates", a->n, b->n);
		return -1;
	}
	for (i = 0; i < a->n; i++) {
		const struct rc_cand *x = &a->c[i], *y = &b->c[i];

		if (x->kind != y->kind) {
			snprintf(msg, msgsz, "candidate %zu: kind %d (%s) vs "
			    "%d (%s)", i, x->kind, x->why, y->kind, y->why);
			return -1;
		}
		if (x->kind == RC_MALFORMED && strcmp(x->why, y->why) != 0) {
			snprintf(msg, msgsz, "candidate %zu: why '%s' vs '%s'",
			    i, x->why, y->why);
			return -1;
		}
		if (x->kind != RC_REPORT)
			continue;
		if (x->has_host != y->has_host || x->host_len != y->host_len ||
		    (x->has_host && memcmp(x->host, y->host, x->host_len)
		    != 0)) {
			snprintf(msg, msgsz, "candidate %zu: host '%s' (%zu) vs "
			    "'%s' (%zu)", i, x->host ? x->host : "(null)",
			    x->host_len, y->host ? y->host : "(null)",
			    y->host_len);
			return -1;
		}
		if (x->has != y->has || x->port != y->port ||
		    x->timestamp != y->timestamp || x->error != y->error) {
			snprintf(msg, msgsz, "candidate %zu: has %u/%u port "
			    "%" PRId64 "/%" PRId64 " timestamp %" PRId64 "/%"
			    PRId64 " error %" PRId32 "/%" PRId32, i, x->has,
			    y->has, x->port, y->port, x->timestamp,
			    y->timestamp, x->error, y->error);
			return -1;
		}
		if (x->nchain != y->nchain) {
			snprintf(msg, msgsz, "candidate %zu: %zu vs %zu chain "
			    "entries", i, x->nchain, y->nchain);
			return -1;
		}
		for (j = 0; j < x->nchain; j++) {
			const struct rc_entry *e = &x->chain[j],
			    *f = &y->chain[j];

			if (e->isnull != f->isnull || e->len != f->len ||
			    (!e->isnull && memcmp(e->p, f->p, e->len) != 0)) {
				snprintf(msg, msgsz, "candidate %zu: chain "
				    "entry %zu differs (null %d/%d, len "
				    "%zu/%zu)", i, j, e->isnull, f->isnull,
				    e->len, f->len);
				return -1;
			}
		}
	}
	return 0;
}

#endif
