#ifndef CERTSIFT_QUERY_INT_H
#define CERTSIFT_QUERY_INT_H

/*
 * What query.c, query_rank.c and missing.c share: maps from certificate
 * keys and from hostnames to dense indexes (over hmap.h), and
 * (row, hostname hash) pairs for counting distinct hostnames per row
 * without keeping a million strings.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "certsift/hmap.h"
#include "certsift/query.h"
#include "certsift/store.h"
#include "certsift/vec.h"

struct qkey {
	unsigned char	key[CS_KEY_LEN];
};

/* Certificate (or chain) keys -> 0, 1, ... in the order added. */
struct keymap {
	struct cs_hmap	 idx;
	CS_VEC(struct qkey) keys;
};

#define KEYMAP_INIT { CS_HMAP_INIT, CS_VEC_INIT }

uint64_t	key_hash(const unsigned char *key);
/* The index of key, added when missing (*added, may be NULL, says so);
 * -1 when out of memory. */
long	keymap_add(struct keymap *m, const unsigned char *key, int *added);
/* Room for n keys: 0 or -1. */
int	keymap_reserve(struct keymap *m, size_t n);
/* The index of key, or -1 when it is not in m. */
static inline long
keymap_get(const struct keymap *m, const unsigned char *key)
{
	uint64_t h = key_hash(key);
	size_t pos;
	uint32_t e;

	if (m->idx.cap == 0)
		return -1;
	for (pos = cs_hmap_start(&m->idx, h);
	    cs_hmap_next(&m->idx, h, &pos, &e);)
		if (memcmp(m->keys.v[e].key, key, CS_KEY_LEN) == 0)
			return (long)e;
	return -1;
}
/* Starts loading where keymap_get() will look for key. */
static inline void
keymap_prefetch(const struct keymap *m, const unsigned char *key)
{
	cs_hmap_prefetch(&m->idx, key_hash(key));
}
void	keymap_release(struct keymap *m);

/* Byte strings (hostnames) -> 0, 1, ... in the order added. */
struct qstr {
	char	*s;		/* a copy, with a NUL */
	size_t	 len;
};

struct strmap {
	struct cs_hmap	 idx;
	CS_VEC(struct qstr) strs;
};

#define STRMAP_INIT { CS_HMAP_INIT, CS_VEC_INIT }

long	strmap_add(struct strmap *m, const char *s, size_t len, int *added);
long	strmap_get(const struct strmap *m, const char *s, size_t len);
void	strmap_release(struct strmap *m);

struct hpair {
	uint64_t	row;
	uint64_t	h[2];
};

typedef CS_VEC(struct hpair) hpairs_t;

/* Adds (row, hash of host): 0 or -1. */
int	hpair_add(hpairs_t *p, size_t row, const char *host, size_t len);
/*
 * Sorts p and calls fn once per distinct (row, hostname): the number of
 * distinct hostnames per row is how often fn sees the row.
 */
void	hpairs_count(hpairs_t *p, void (*fn)(void *, uint64_t), void *arg);

/* The distinct certificates of a chain, as indexes in a keymap. */
typedef CS_VEC(size_t) idxvec_t;
int	chain_distinct(idxvec_t *cc, struct keymap *m,
	    const struct cs_chainrec *c);

typedef CS_VEC(uint64_t) u64vec_t;

/* A query's figures of a certificate under its codes and period. */
struct qfig {
	uint64_t	count;		/* under a period */
	uint64_t	leaf_count;
	uint64_t	hosts;
	int		seen;
	int64_t		first_seen;
	int64_t		last_seen;
	size_t		errs_off;	/* under a period: in ferrs */
	size_t		nerrs;
};

/* A certificate's reports with a code under a period. */
struct qferr {
	size_t		fig;
	int32_t		code;
	uint64_t	n;
};

/* Under a period: a chain's reports of one code, those in it, and those
 * in it that the hosts' days (schema 6) put on a hostname. */
struct qwent {
	uint64_t	total;
	uint64_t	in;
	uint64_t	hin;
	int32_t		code;
	int		has_err;
};

/* Under a period: a chain (in wmap's order), its entries (in went) and
 * the first and last days in the period with reports that pass. */
struct qwchain {
	size_t		off;
	size_t		n;
	int		dated;
	int32_t		first_day;
	int32_t		last_day;
};

struct cs_query {
	struct cs_store		*st;
	int			 twin;		/* shares another's tables */
	struct cs_sel		 sel;
	struct keymap		 figmap;	/* with codes */
	CS_VEC(struct qfig)	 figs;
	struct keymap		 hostkeys;	/* --host */
	struct keymap		 keys;		/* cs_query_keys() */
	int			 has_keys;
	/* under a period (query_days.c) */
	CS_VEC(struct qferr)	 ferrs;		/* by fig, then code */
	struct keymap		 wmap;		/* every chain */
	CS_VEC(struct qwchain)	 wch;
	CS_VEC(struct qwent)	 went;
	struct keymap		 wrow;		/* (chain, code, hostname) */
	u64vec_t		 wrow_n;	/* its reports in the period */
	struct keymap		 wval;		/* the same, by validity */
	u64vec_t		 wval_n;
	uint64_t		 unc_pairs;
	uint64_t		 unc_reports;
	/* under causes (query_causes.c): selected reports per (chain, code,
	 * hostname), per (chain, code) and per chain, by hashed keys */
	struct keymap		 crow, ccode, cchain, ctot;
	u64vec_t		 crow_n, ccode_n, cchain_n, ctot_n;
	/* and by day from the hosts' days: selected reports per (chain,
	 * code, day), and per (chain, code) all those in the period */
	struct keymap		 cday, chd;
	u64vec_t		 cday_n, chd_n;
};

/*
 * Tables of counts by hashed keys (query_causes.c): the key of a chain
 * (with_host 0 and no code: use the chain key itself), of a (chain, code)
 * or of a (chain, code, hostname); add k to a key's count (0, or -1 when
 * out of memory); a key's count, 0 when absent.
 */
void	qtab_key(unsigned char out[CS_KEY_LEN], const unsigned char *ckey,
	    int has_err, int32_t code, const char *host, size_t len,
	    int with_host);
int	qtab_add(struct keymap *m, u64vec_t *v, const unsigned char *key,
	    uint64_t k);
uint64_t	qtab_get(const struct keymap *m, const uint64_t *v,
		    const unsigned char *key);

/* Under causes: diagnoses every report (query_causes.c). 0 or -1. */
int	prepare_causes(struct cs_query *q, struct cs_err *err);
/* The selected reports of a (chain, code, hostname) row (host NULL: the
 * pair's), of a chain: under causes. */
uint64_t	qc_row(const struct cs_query *q, const unsigned char *ckey,
		    int has_err, int32_t code, const char *host, size_t len);
uint64_t	qc_pair(const struct cs_query *q, const unsigned char *ckey,
		    int has_err, int32_t code);
uint64_t	qc_chain(const struct cs_query *q, const unsigned char *ckey);
void		query_causes_release(struct cs_query *q);

/* Under a period: reads the chains' days (query_days.c). 0 or -1. */
int	prepare_days(struct cs_query *q, struct cs_err *err);
/* The chain's days, or NULL (no period, or an unknown chain). */
const struct qwchain	*qw_chain(const struct cs_query *q,
			    const unsigned char *ckey);
/* A chain's first and last sightings clamped to its days in the period
 * (query.h); 0 when it has none there. */
int	qw_seen(const struct qwchain *w, const struct cs_chainrec *c,
	    int64_t *first, int64_t *last);

/* Whether cs_query_cert() reads a certificate's summary (rec->cert
 * beyond its sha256): 1 or 0. */
int	query_summary_needed(const struct cs_query *q);

/* "out of memory", CS_ENOMEM: returns -1. */
int	query_nomem(struct cs_err *err);

#endif
