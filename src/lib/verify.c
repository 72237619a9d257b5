#include "certsift/verify.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "certsift/aia.h"
#include "certsift/buf.h"
#include "certsift/export.h"
#include "certsift/hex.h"
#include "certsift/report.h"
#include "certsift/vec.h"
#include "certsift/x509.h"
#include "input.h"
#include "store_int.h"

/*
 * The layouts verify reads beside store.c's decoders (see its table
 * enum): certificate keys are a number, big-endian, in the first 8 of
 * their CS_KEY_LEN bytes; "certhost" keys are a certificate key and a
 * hostname, values a u64; "hostcert" keys a u16 length (big-endian), the
 * hostname and a certificate key; "host" values two u64 (reports,
 * certificates); "chainhost" keys a chain key, a u8 (has a code), the code
 * (big-endian, sign bit flipped) and a hostname, values a u64; "error"
 * keys the code so, values a u64; "sha" keys a SHA-256, "deridx" keys a
 * DER hash index key, values both a certificate key; "summ" values begin
 * with 22 bytes and the SHA-256.
 */
#define SUMM_SHA_OFF	22
#define SHOWN_MAX	50	/* problems shown per check */
#define BATCH		4096	/* certificates parsed at once */
#define THREADS_MAX	8
#define MIX_HOST	0x9e3779b97f4a7c15ULL	/* seeds of the mixes */
#define MIX_CODE	0xc2b2ae3d27d4eb4fULL
#define MIX_LINK	0x165667b19e3779f9ULL

static const char *const names[CS_VERIFY_N] = {
	"tables", "records", "certificates", "chains", "links", "hosts",
	"top hostnames", "error codes", "files", "counters"
};

/* Flags of a certificate number: the records found for it. */
enum {
	V_CERT = 1, V_DER = 2, V_SUMM = 4, V_SHA = 8, V_IDX = 16, V_LINKS = 32,
	V_TOP = 64
};

/*
 * One certificate's figures as stored minus what the records they sum up
 * give (wrapping): all zero when the store agrees with itself.
 */
struct vcert {
	uint64_t	 d_count;	/* count - its chains' reports */
	uint64_t	 d_leaf;	/* leaf_count - as first of them */
	uint64_t	 d_err;		/* codes' mix - its chains' */
	uint64_t	 d_host;	/* links' mix - its chains' rows' */
	uint64_t	 d_hosts;	/* hosts - its links */
	int64_t		 first, last;	/* stored */
	int64_t		 efirst, elast;	/* from its chains */
	unsigned char	 sha[8];	/* of its DER (stored when no DER) */
	unsigned char	 idx[8];	/* its DER hash's index key */
	unsigned char	 issuer[8];	/* stored issuer id */
	const unsigned char *der, *summ;	/* where LMDB has them */
	size_t		 dlen, slen;
	uint8_t		 flags, seen, eseen;
};

/*
 * A chain as its record has it, kept from the walk of the chains for the
 * walk of their report rows (in the same key order): what the rows must
 * add up to, and its distinct certificates (numbers in v->chaincerts).
 */
struct vchain {
	unsigned char	 key[CS_KEY_LEN];
	uint64_t	 count;
	uint64_t	 emix;		/* its error codes, mixed */
	uint32_t	 dist;
	uint32_t	 ndist;
	uint32_t	 ncerts;	/* positions */
};

struct deritem;

struct codesum {
	int32_t		 code;
	uint64_t	 n;
};

typedef CS_VEC(struct codesum) codesums_t;

struct ver {
	struct cs_store		*st;
	cs_verify_fn		 fn;
	void			*arg;
	struct cs_verify_sum	*sum;
	struct cs_err		*err;
	uint64_t		 shown[CS_VERIFY_N];
	int			 nomem;

	struct vcert		*c;
	uint64_t		 nc;		/* numbers 1 .. nc-1 */
	uint64_t		 ncert, maxkey;
	uint64_t		 counters[CS_N_COUNTERS];
	int			 have_counters;
	int			 have_top;

	/* Totals over the chains. */
	uint64_t		 nchain, chain_reports, chain_certs;
	CS_VEC(struct vchain)	 chains;
	CS_VEC(uint32_t)	 chaincerts;
	size_t			 nextchain;	/* of chains, in the rows' walk */
	CS_VEC(struct codesum)	 codes;
	codesums_t		 errtot;	/* table "error" */
	codesums_t		 hostcode;	/* its sums by code */
	uint64_t		 ncoll, nhost, nfiles_done;
	/* Both sides of the links, mixed. */
	uint64_t		 links_ch, links_hc, nlinks_ch, nlinks_hc;
	uint64_t		 host_certs, hc_hosts;

	/* The run of rows walked (one chain's, one certificate's). */
	unsigned char		 runkey[CS_KEY_LEN];
	int			 inrun;
	uint64_t		 run_n, run_err, run_host;
	struct topent {
		uint64_t	 n;
		const char	*host;
		size_t		 len;
	}			 top[CS_TOP_HOSTS];
	size_t			 ntop;

	struct deritem		*items;		/* BATCH of them */
	size_t			 nitems;
	int			 nthreads;
	struct cs_buf		 enc[THREADS_MAX];
	unsigned		 dist[64];	/* a chain's distinct numbers */
};

const char *
cs_verify_name(int i)
{
	return i >= 0 && i < CS_VERIFY_N ? names[i] : NULL;
}

static void	problem(struct ver *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
problem(struct ver *v, int check, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	v->sum->problems++;
	if (++v->shown[check] > SHOWN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	v->fn(v->arg, names[check], line);
}

/*
 * A record's hash, odd: the sums weigh counts by it modulo 2^64, and a
 * multiplier with low zero bits would hide a change in a count's high bits
 * (an even one hid a flipped top bit of a per-code count).
 */
static uint64_t
mix(const void *p, size_t n, uint64_t seed)
{
	return XXH3_64bits_withSeed(p, n, seed) | 1;
}

static uint64_t
mix_code(int32_t code)
{
	return mix(&code, sizeof(code), MIX_CODE);
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t x = 0;
	int i;

	for (i = 0; i < n; i++)
		x = x << 8 | p[i];
	return x;
}

/* The number of a certificate key; 0 when it is not one. */
static uint64_t
keynum(const unsigned char *k)
{
	static const unsigned char zero[CS_KEY_LEN - 8];

	if (memcmp(k + 8, zero, sizeof(zero)) != 0)
		return 0;
	return get_be(k, 8);
}

/* The certificate of a key, when it is one the certificates have. */
static struct vcert *
vc_of(struct ver *v, const unsigned char *k)
{
	uint64_t n = keynum(k);

	return n > 0 && n < v->nc && (v->c[n].flags & V_CERT) ? &v->c[n] :
	    NULL;
}

/* A short name of a certificate for messages: its SHA-256's first bytes. */
static const char *
vc_name(const struct vcert *c, char buf[24])
{
	cs_hex(c->sha, 8, buf);
	return buf;
}

/* Walks a table, counting its records; a read error is a problem. */
static int
walk(struct ver *v, const char *table, cs_raw_fn fn)
{
	struct cs_err err = CS_ERR_INIT;
	int rc;

	if ((rc = cs_store_table_walk(v->st, table, fn, v, &err)) == -1) {
		if (v->nomem || err.code == CS_ENOMEM) {
			v->nomem = 1;
			return -1;
		}
		problem(v, CS_VERIFY_TABLES, "table '%s' cannot be read "
		    "through: %s", table, err.msg);
	}
	if (rc != 1)
		v->sum->checked[CS_VERIFY_TABLES]++;
	return 0;
}

/* ---- the certificates ------------------------------------------------ */

static int
count_cert(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;

	(void)val;
	(void)vlen;
	if (klen == CS_KEY_LEN && keynum(k) > v->maxkey)
		v->maxkey = keynum(k);
	v->ncert++;
	return 0;
}

/*
 * The certificates' DER is checked in batches, on as many threads as
 * there are processors: parsing it again is most of verify's work. The
 * values stay where LMDB has them (the snapshot is pinned), and the
 * problems are told in certificate order after each batch.
 */

enum { D_PARSE = 1, D_SHA = 2, D_ISSUER = 4, D_SUMM = 8, D_NOMEM = 16 };

struct deritem {
	struct vcert		*c;
	uint64_t		 n;
	const unsigned char	*der, *summ;	/* summ NULL: none */
	size_t			 dlen, slen;
	unsigned char		 sha[32];	/* stored */
	unsigned char		 issuer[16];
	unsigned		 bad;		/* D_* */
	char			 why[256];	/* D_PARSE: why (an err.msg) */
};

struct derjob {
	struct deritem	*v;
	size_t		 n;
	struct cs_buf	 enc;
};

/* Compares what one certificate's DER says with what is stored about it;
 * writes only to its item and its struct vcert. */
static void
check_item(struct deritem *it, struct cs_buf *enc)
{
	struct cs_cert cert = CS_CERT_INIT;
	struct cs_err err = CS_ERR_INIT;
	unsigned char ikey[CS_KEY_LEN];
	XXH128_hash_t h;

	h = XXH3_128bits(it->der, it->dlen);
	cs_store_hash_key((const unsigned char *)&h, ikey);
	memcpy(it->c->idx, ikey, 8);
	if (cs_x509_parse(it->der, it->dlen, &cert, &err) == -1) {
		it->bad |= err.code == CS_ENOMEM ? D_NOMEM : D_PARSE;
		snprintf(it->why, sizeof(it->why), "%s", err.msg);
		return;
	}
	memcpy(it->c->sha, cert.sha256, 8);
	if (memcmp(cert.sha256, it->sha, 32) != 0)
		it->bad |= D_SHA;
	h = XXH3_128bits(cert.issuer_der, cert.issuer_der_len);
	if (memcmp(&h, it->issuer, 16) != 0)
		it->bad |= D_ISSUER;
	/* A summary of a store made before version 2 is without the facts:
	 * it is compared to the same. */
	if (it->summ != NULL && cs_cert_summary_version(it->summ, it->slen) ==
	    1)
		cert.facts = CS_FACTS_UNKNOWN;
	cs_buf_reset(enc);
	if (cs_cert_encode(&cert, enc, &err) == -1)
		it->bad |= D_NOMEM;
	else if (it->summ != NULL && (enc->len != it->slen ||
	    memcmp(enc->data, it->summ, it->slen) != 0))
		it->bad |= D_SUMM;
	cs_cert_release(&cert);
}

static void *
der_worker(void *arg)
{
	struct derjob *j = arg;
	size_t i;

	for (i = 0; i < j->n; i++)
		check_item(&j->v[i], &j->enc);
	return NULL;
}

/* Checks the batch, then tells its problems in order. */
static int
der_flush(struct ver *v)
{
	struct derjob jobs[THREADS_MAX];
	pthread_t tid[THREADS_MAX];
	size_t i, per, at = 0;
	int t, nt = v->nthreads, started = 0;
	char nm[24];

	if (v->nitems == 0)
		return 0;
	if ((size_t)nt > v->nitems / 64 + 1)
		nt = (int)(v->nitems / 64 + 1);
	if (nt < 1)
		nt = 1;
	per = (v->nitems + (size_t)nt - 1) / (size_t)nt;
	for (t = 0; t < nt; t++) {
		jobs[t].v = v->items + at;
		jobs[t].n = v->nitems - at < per ? v->nitems - at : per;
		jobs[t].enc = v->enc[t];
		at += jobs[t].n;
	}
	/* Job 0 is this thread's; a thread that cannot start is too. */
	for (t = 1; t < nt; t++)
		if (pthread_create(&tid[t], NULL, der_worker, &jobs[t]) != 0)
			break;
	started = t;
	der_worker(&jobs[0]);
	for (t = 1; t < nt; t++) {
		if (t < started)
			pthread_join(tid[t], NULL);
		else
			der_worker(&jobs[t]);
		v->enc[t] = jobs[t].enc;
	}
	v->enc[0] = jobs[0].enc;
	for (i = 0; i < v->nitems; i++) {
		const struct deritem *it = &v->items[i];
		unsigned long long n = it->n;

		if (it->bad & D_NOMEM)
			v->nomem = 1;
		if (it->bad & D_PARSE)
			problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu): "
			    "its DER does not parse: %s", vc_name(it->c, nm), n,
			    it->why);
		if (it->bad & D_SHA)
			problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu): "
			    "its DER hashes to another SHA-256 than the one "
			    "stored", vc_name(it->c, nm), n);
		if (it->bad & D_ISSUER)
			problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu): "
			    "its issuer id is not its issuer name's",
			    vc_name(it->c, nm), n);
		if (it->bad & D_SUMM)
			problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu): "
			    "its summary is not its DER's", vc_name(it->c, nm),
			    n);
	}
	v->nitems = 0;
	return v->nomem ? cs_err_set(v->err, CS_ENOMEM, "out of memory") : 0;
}

/* Queues a certificate's DER check. */
static int
check_der(struct ver *v, struct vcert *c, uint64_t n,
    const struct cs_certrec *rec, const unsigned char *der, size_t dlen,
    const unsigned char *summ, size_t slen)
{
	struct deritem *it = &v->items[v->nitems++];

	memset(it, 0, sizeof(*it));
	it->c = c;
	it->n = n;
	it->der = der;
	it->dlen = dlen;
	it->summ = summ;
	it->slen = slen;
	memcpy(it->sha, rec->cert.sha256, 32);
	memcpy(it->issuer, rec->issuer_id, 16);
	return v->nitems == BATCH ? der_flush(v) : 0;
}

static int
each_cert(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_certrec rec;
	struct cs_err err = CS_ERR_INIT;
	const unsigned char *der, *summ;
	size_t dlen, slen, i;
	struct vcert *c;
	uint64_t n;
	char nm[24];
	int rc;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	v->sum->checked[CS_VERIFY_CERTS]++;
	if (klen != CS_KEY_LEN || (n = keynum(k)) == 0 || n >= v->nc) {
		problem(v, CS_VERIFY_CERTS, "a certificate record has a key "
		    "that is not a certificate number");
		return 0;
	}
	c = &v->c[n];
	if (cs_store_rec_cert(k, val, vlen, &rec, &err) == -1) {
		problem(v, CS_VERIFY_CERTS, "certificate #%llu: its record "
		    "is malformed (%s)", (unsigned long long)n, err.msg);
		return 0;
	}
	c->flags |= V_CERT;
	memcpy(c->sha, rec.cert.sha256, 8);
	memcpy(c->issuer, rec.issuer_id, 8);
	c->d_count = rec.count;
	c->d_leaf = rec.leaf_count;
	c->d_hosts = rec.hosts;
	c->seen = (uint8_t)rec.seen;
	c->first = rec.first_seen;
	c->last = rec.last_seen;
	for (i = 0; i < rec.nerrs; i++) {
		if (i > 0 && rec.errs[i].code <= rec.errs[i - 1].code)
			problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu): "
			    "its error codes are out of order",
			    vc_name(c, nm), (unsigned long long)n);
		c->d_err += rec.errs[i].n * mix_code(rec.errs[i].code);
	}
	if (rec.count < rec.leaf_count || (rec.seen && rec.first_seen >
	    rec.last_seen))
		problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu): its "
		    "counters contradict each other", vc_name(c, nm),
		    (unsigned long long)n);
	/* The walks of "der" and "summ" before this one found them. */
	der = c->der;
	dlen = c->dlen;
	summ = c->summ;
	slen = c->slen;
	if (!(c->flags & V_DER))
		problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu) has no "
		    "DER", vc_name(c, nm), (unsigned long long)n);
	if (!(c->flags & V_SUMM))
		problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu) has no "
		    "summary", vc_name(c, nm), (unsigned long long)n);
	else if (slen < SUMM_SHA_OFF + 32 || memcmp(summ + SUMM_SHA_OFF,
	    rec.cert.sha256, 32) != 0)
		problem(v, CS_VERIFY_CERTS, "certificate %s (#%llu): its "
		    "summary holds another SHA-256", vc_name(c, nm),
		    (unsigned long long)n);
	if (c->flags & V_DER)
		rc = check_der(v, c, n, &rec, der, dlen, summ, slen);
	else
		rc = 0;
	cs_certrec_release(&rec);
	return rc;
}

/* The records kept beside each certificate: none without one. */
static int
each_orphan(struct ver *v, const unsigned char *k, size_t klen,
    const char *table, int flag)
{
	struct vcert *c;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen != CS_KEY_LEN || (c = vc_of(v, k)) == NULL) {
		problem(v, CS_VERIFY_CERTS, "table '%s' has a record of no "
		    "certificate", table);
		return 0;
	}
	if (flag == V_TOP)
		c->flags |= V_TOP;
	return 0;
}

/* The DER and the summary of each number, for the walk of the
 * certificates: a lookup each would cost more than the walks. */
static int
each_stash(struct ver *v, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen, const char *table, int flag)
{
	struct vcert *c;
	uint64_t n;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen != CS_KEY_LEN || (n = keynum(k)) == 0 || n >= v->nc) {
		problem(v, CS_VERIFY_CERTS, "table '%s' has a record of no "
		    "certificate", table);
		return 0;
	}
	c = &v->c[n];
	c->flags |= flag;
	if (flag == V_DER) {
		c->der = val;
		c->dlen = vlen;
	} else {
		c->summ = val;
		c->slen = vlen;
	}
	return 0;
}

static int
each_der(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	return each_stash(arg, k, klen, val, vlen, "der", V_DER);
}

static int
each_summ(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	return each_stash(arg, k, klen, val, vlen, "summ", V_SUMM);
}

/*
 * The two indexes to certificates, each entry a certificate's key under
 * a value of its own: what the entry's key must be (where in the vcert
 * its first 8 bytes are kept), the flag that it was found, and the words
 * for problems.
 */
static const struct vindex {
	const char	*name;		/* "the SHA-256 index" */
	size_t		 klen;
	size_t		 field;		/* offsetof(struct vcert, ...) */
	uint8_t		 flag;
	int		 colls;		/* count key collisions */
	const char	*other;		/* found "under another ..." */
} vindexes[] = {
	{ "the SHA-256 index", 32, offsetof(struct vcert, sha), V_SHA, 0,
	    "SHA-256" },
	{ "the DER index", CS_KEY_LEN, offsetof(struct vcert, idx), V_IDX, 1,
	    "hash than its DER's" },
};

static int
each_index(struct ver *v, const struct vindex *ix, const unsigned char *k,
    size_t klen, const unsigned char *val, size_t vlen)
{
	struct vcert *c;
	char nm[24];

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen != ix->klen || vlen != CS_KEY_LEN ||
	    (c = vc_of(v, val)) == NULL) {
		problem(v, CS_VERIFY_CERTS, "%s has an entry of no "
		    "certificate", ix->name);
		return 0;
	}
	if (ix->colls && get_be(k + 16, 4) > 0)
		v->ncoll++;
	if (memcmp((const unsigned char *)c + ix->field, k, 8) != 0)
		problem(v, CS_VERIFY_CERTS, "%s finds certificate %s under "
		    "another %s", ix->name, vc_name(c, nm), ix->other);
	else if (c->flags & ix->flag)
		problem(v, CS_VERIFY_CERTS, "%s has certificate %s twice",
		    ix->name, vc_name(c, nm));
	else
		c->flags |= ix->flag;
	return 0;
}

static int
each_sha(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	return each_index(arg, &vindexes[0], k, klen, val, vlen);
}

static int
each_deridx(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	return each_index(arg, &vindexes[1], k, klen, val, vlen);
}

/* ---- chains ---------------------------------------------------------- */

/* The distinct certificates of a chain, as numbers, in v->dist (at most
 * 64: longer chains are checked on their first 64 distinct ones). */
static size_t
distinct(struct ver *v, const struct cs_chainrec *r, int *bad)
{
	size_t i, j, n = 0;
	uint64_t x;

	*bad = 0;
	for (i = 0; i < r->ncerts; i++) {
		if (vc_of(v, r->certs + i * CS_KEY_LEN) == NULL) {
			*bad = 1;
			continue;
		}
		x = keynum(r->certs + i * CS_KEY_LEN);
		for (j = 0; j < n && v->dist[j] != x; j++)
			;
		if (j == n && n < sizeof(v->dist) / sizeof(v->dist[0]))
			v->dist[n++] = (unsigned)x;
	}
	return n;
}

static int
add_code(struct ver *v, int32_t code, uint64_t n)
{
	struct codesum c = { code, n };
	size_t i;

	for (i = 0; i < v->codes.n; i++)
		if (v->codes.v[i].code == code) {
			v->codes.v[i].n += n;
			return 0;
		}
	return cs_vec_push(&v->codes, c);
}

static int
each_chain(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_chainrec r;
	struct cs_errcount *errs = NULL;
	struct cs_err err = CS_ERR_INIT;
	struct vchain vch;
	XXH128_hash_t h;
	struct vcert *c, *leaf;
	uint64_t emix = 0;
	size_t i, nd;
	int bad;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	v->sum->checked[CS_VERIFY_CHAINS]++;
	v->nchain++;
	if (cs_store_rec_chain(k, klen, val, vlen, &r, &errs, &err) == -1) {
		if (err.code == CS_ENOMEM)
			return -1;
		problem(v, CS_VERIFY_CHAINS, "a chain record is malformed");
		return 0;
	}
	h = XXH3_128bits(r.certs, r.ncerts * CS_KEY_LEN);
	if (memcmp(&h, k, 16) != 0)
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: its key is not "
		    "the hash of its certificates", (unsigned long long)
		    get_be(k, 8));
	for (i = 0; i < r.nerrs; i++) {
		if (i > 0 && r.errs[i].code <= r.errs[i - 1].code)
			problem(v, CS_VERIFY_CHAINS, "chain %016llx: its error "
			    "codes are out of order", (unsigned long long)
			    get_be(k, 8));
		emix += r.errs[i].n * mix_code(r.errs[i].code);
		if (add_code(v, r.errs[i].code, r.errs[i].n) == -1)
			goto nomem;
	}
	v->chain_reports += r.count;
	v->chain_certs += r.count * r.ncerts;
	nd = distinct(v, &r, &bad);
	if (bad)
		problem(v, CS_VERIFY_CHAINS, "chain %016llx holds a "
		    "certificate the store does not have", (unsigned long long)
		    get_be(k, 8));
	memcpy(vch.key, k, CS_KEY_LEN);
	vch.count = r.count;
	vch.emix = emix;
	vch.dist = (uint32_t)v->chaincerts.n;
	vch.ndist = (uint32_t)nd;
	vch.ncerts = (uint32_t)r.ncerts;
	for (i = 0; i < nd; i++)
		if (cs_vec_push(&v->chaincerts, (uint32_t)v->dist[i]) == -1)
			goto nomem;
	if (cs_vec_push(&v->chains, vch) == -1)
		goto nomem;
	if (r.ncerts > 0 && (leaf = vc_of(v, r.certs)) != NULL) {
		leaf->d_leaf -= r.count;
		if (memcmp(leaf->issuer, r.leaf_issuer_id, 8) != 0)
			problem(v, CS_VERIFY_CHAINS, "chain %016llx: its leaf "
			    "issuer id is not its leaf's", (unsigned long long)
			    get_be(k, 8));
	}
	for (i = 0; i < nd; i++) {
		c = &v->c[v->dist[i]];
		c->d_count -= r.count;
		c->d_err -= emix;
		if (r.seen) {
			if (!c->eseen || r.first_seen < c->efirst)
				c->efirst = r.first_seen;
			if (!c->eseen || r.last_seen > c->elast)
				c->elast = r.last_seen;
			c->eseen = 1;
		}
	}
	free(errs);
	return 0;
nomem:
	free(errs);
	return cs_err_set(v->err, CS_ENOMEM, "out of memory");
}

/* A chain without report rows: every report of a chain has one. */
static void
no_rows(struct ver *v, const struct vchain *c)
{
	problem(v, CS_VERIFY_CHAINS, "chain %016llx has no report rows",
	    (unsigned long long)get_be(c->key, 8));
}

/* The end of one chain's rows: they must add up to its record. */
static void
chain_run_end(struct ver *v)
{
	const struct vchain *c = NULL;
	uint32_t i;
	int r = 1;

	if (!v->inrun)
		return;
	v->inrun = 0;
	/* The chains and their rows are walked in the same key order. */
	while (v->nextchain < v->chains.n && (r = memcmp(
	    v->chains.v[v->nextchain].key, v->runkey, CS_KEY_LEN)) < 0)
		no_rows(v, &v->chains.v[v->nextchain++]);
	if (v->nextchain == v->chains.n || r != 0) {
		problem(v, CS_VERIFY_CHAINS, "chain %016llx has report rows "
		    "but no record", (unsigned long long)get_be(v->runkey, 8));
		return;
	}
	c = &v->chains.v[v->nextchain++];
	if (v->run_n != c->count)
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: its report rows "
		    "add up to %llu, its record says %llu", (unsigned long long)
		    get_be(v->runkey, 8), (unsigned long long)v->run_n,
		    (unsigned long long)c->count);
	if (v->run_err != c->emix)
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: its report rows' "
		    "error codes are not its record's", (unsigned long long)
		    get_be(v->runkey, 8));
	for (i = 0; i < c->ndist; i++)
		v->c[v->chaincerts.v[c->dist + i]].d_host -= v->run_host;
}

/* After the rows: chains none of them reached. */
static void
chains_end(struct ver *v)
{
	chain_run_end(v);
	while (v->nextchain < v->chains.n)
		no_rows(v, &v->chains.v[v->nextchain++]);
}

static int
each_chainhost(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	uint64_t n;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen < CS_KEY_LEN + 5 || vlen != 8 || k[CS_KEY_LEN] > 1) {
		problem(v, CS_VERIFY_CHAINS, "a chain's report row is "
		    "malformed");
		return 0;
	}
	if (!v->inrun || memcmp(v->runkey, k, CS_KEY_LEN) != 0) {
		chain_run_end(v);
		memcpy(v->runkey, k, CS_KEY_LEN);
		v->inrun = 1;
		v->run_n = v->run_err = v->run_host = 0;
	}
	memcpy(&n, val, 8);
	v->run_n += n;
	if (k[CS_KEY_LEN])
		v->run_err += n * mix_code(cs_key_code(k + CS_KEY_LEN + 1));
	if (klen > CS_KEY_LEN + 5)
		v->run_host += n * mix(k + CS_KEY_LEN + 5, klen - CS_KEY_LEN -
		    5, MIX_HOST);
	return 0;
}

/*
 * A (chain, code, host)'s days (store.h's cs_hostday): well formed, in
 * order, and no more reports than the chain's row of that key has (fewer
 * when the store was upgraded from schema 5 since).
 */
static int
each_hostday(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_hostday e, prev = { 0, 0, 0, 0, 0 };
	struct cs_err err = CS_ERR_INIT;
	const unsigned char *cv;
	uint64_t sum = 0, n;
	size_t i, cvlen;
	int bad = 0, masked = 0;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen < CS_KEY_LEN + 5 || k[CS_KEY_LEN] > 1 || vlen == 0 ||
	    vlen % sizeof(e) != 0)
		bad = 1;
	for (i = 0; !bad && i < vlen / sizeof(e); i++) {
		memcpy(&e, val + i * sizeof(e), sizeof(e));
		if (e.n == 0 || e.pad != 0 || (i > 0 && (e.day < prev.day ||
		    (e.day == prev.day && (e.expired < prev.expired ||
		    (e.expired == prev.expired && e.notyet <= prev.notyet))))))
			bad = 1;
		sum += e.n;
		masked |= (e.expired | e.notyet) != 0;
		prev = e;
	}
	if (bad) {
		problem(v, CS_VERIFY_CHAINS, "a chain's row of days is "
		    "malformed");
		return 0;
	}
	if (cs_store_table_get(v->st, "chainhost", k, klen, &cv, &cvlen,
	    &err) != 1 || cvlen != sizeof(n))
		problem(v, CS_VERIFY_CHAINS, "a chain's row of days has no "
		    "report row");
	else if (memcpy(&n, cv, sizeof(n)), n < sum)
		problem(v, CS_VERIFY_CHAINS, "a chain's row of days has more "
		    "reports than its report row");
	if (masked && cs_store_table_get(v->st, "chainvalid", k, klen, &cv,
	    &cvlen, &err) != 1)
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: its days hold "
		    "reports out of validity but it has no validity row",
		    (unsigned long long)get_be(k, 8));
	return 0;
}

static int
vchain_cmp(const void *key, const void *elem)
{
	return memcmp(key, ((const struct vchain *)elem)->key, CS_KEY_LEN);
}

/* The chain record of a chain key, or NULL (v->chains is in key order). */
static const struct vchain *
chain_of(const struct ver *v, const unsigned char *k)
{
	if (v->chains.n == 0)
		return NULL;
	return bsearch(k, v->chains.v, v->chains.n, sizeof(*v->chains.v),
	    vchain_cmp);
}

/* Whether a validity entry is well formed for a chain of n positions. */
static int
valid_entry_ok(const struct cs_validity *e, uint32_t n)
{
	uint64_t pos = n >= 64 ? UINT64_MAX : ((uint64_t)1 << n) - 1;

	/* Bit 63 holds every position from 63 on: both may be set there. */
	return e->n > 0 && (e->expired | e->notyet) != 0 &&
	    ((e->expired | e->notyet) & ~pos) == 0 &&
	    (e->expired & e->notyet & ~((uint64_t)1 << 63)) == 0;
}

/*
 * The reports of a (chain, code, host)'s days (chainhostday) with
 * certificates out of their validity that its validity row (val) lacks:
 * the days hold no more of any positions than it (fewer when the store
 * was upgraded from schema 5 since).
 */
static uint64_t
valid_days_excess(struct ver *v, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_hostday d;
	struct cs_validity e;
	const unsigned char *dv;
	uint64_t days = 0, matched = 0, excess = 0, sum;
	size_t i, j, nd, dvlen;

	if (cs_store_table_get(v->st, "chainhostday", k, klen, &dv, &dvlen,
	    &err) != 1 || dvlen % sizeof(d) != 0)
		return 0;		/* none, or each_hostday tells */
	nd = dvlen / sizeof(d);
	for (i = 0; i < nd; i++) {
		memcpy(&d, dv + i * sizeof(d), sizeof(d));
		if ((d.expired | d.notyet) != 0)
			days += d.n;
	}
	for (j = 0; j < vlen / sizeof(e); j++) {
		memcpy(&e, val + j * sizeof(e), sizeof(e));
		for (i = 0, sum = 0; i < nd; i++) {
			memcpy(&d, dv + i * sizeof(d), sizeof(d));
			if (d.expired == e.expired && d.notyet == e.notyet)
				sum += d.n;
		}
		matched += sum;
		if (sum > e.n)
			excess += sum - e.n;
	}
	return excess + (days - matched);
}

/*
 * A (chain, code, host)'s reports with certificates out of their validity
 * at the report's time: well formed (positions within its chain, none both
 * expired and not yet valid, in order), of a chain the store has, no more
 * reports than the chain's row of that key, and at least its days' split.
 */
static int
each_valid(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_validity e, prev = { 0, 0, 0 };
	struct cs_err err = CS_ERR_INIT;
	const struct vchain *c;
	const unsigned char *cv;
	uint64_t sum = 0, n;
	size_t i, cvlen;
	int bad = 0;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen < CS_KEY_LEN + 5 || k[CS_KEY_LEN] > 1 || vlen == 0 ||
	    vlen % sizeof(e) != 0) {
		problem(v, CS_VERIFY_CHAINS, "a chain's validity row is "
		    "malformed");
		return 0;
	}
	if ((c = chain_of(v, k)) == NULL) {
		problem(v, CS_VERIFY_CHAINS, "chain %016llx has a validity "
		    "row but no record", (unsigned long long)get_be(k, 8));
		return 0;
	}
	for (i = 0; !bad && i < vlen / sizeof(e); i++) {
		memcpy(&e, val + i * sizeof(e), sizeof(e));
		if (!valid_entry_ok(&e, c->ncerts) || (i > 0 &&
		    (e.expired < prev.expired || (e.expired == prev.expired &&
		    e.notyet <= prev.notyet))))
			bad = 1;
		sum += e.n;
		prev = e;
	}
	if (bad) {
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: a validity row is "
		    "malformed", (unsigned long long)get_be(k, 8));
		return 0;
	}
	if (cs_store_table_get(v->st, "chainhost", k, klen, &cv, &cvlen,
	    &err) != 1 || cvlen != sizeof(n))
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: a validity row "
		    "has no report row", (unsigned long long)get_be(k, 8));
	else if (memcpy(&n, cv, sizeof(n)), n < sum)
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: a validity row "
		    "has more reports (%llu) than its report row (%llu)",
		    (unsigned long long)get_be(k, 8), (unsigned long long)sum,
		    (unsigned long long)n);
	if ((n = valid_days_excess(v, k, klen, val, vlen)) > 0)
		problem(v, CS_VERIFY_CHAINS, "chain %016llx: its days hold "
		    "%llu reports out of validity that its validity row "
		    "lacks", (unsigned long long)get_be(k, 8),
		    (unsigned long long)n);
	return 0;
}

/* ---- links and their top ten ----------------------------------------- */

static int
top_cmp(const struct topent *a, const struct topent *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	if ((r = n ? memcmp(a->host, b->host, n) : 0) != 0)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Keeps the CS_TOP_HOSTS best in v->top, in order. */
static void
top_add(struct ver *v, uint64_t n, const char *host, size_t len)
{
	struct topent e = { n, host, len };
	size_t i;

	if (v->ntop == CS_TOP_HOSTS && top_cmp(&e, &v->top[v->ntop - 1]) >= 0)
		return;
	if (v->ntop < CS_TOP_HOSTS)
		v->ntop++;
	for (i = v->ntop - 1; i > 0 && top_cmp(&e, &v->top[i - 1]) < 0; i--)
		v->top[i] = v->top[i - 1];
	v->top[i] = e;
}

struct topcheck {
	struct ver	*v;
	size_t		 i;
	int		 bad;
};

static int
top_each(void *arg, const char *host, size_t len, uint64_t count)
{
	struct topcheck *t = arg;
	const struct topent *e = &t->v->top[t->i];

	if (t->i >= t->v->ntop || e->n != count || e->len != len ||
	    memcmp(e->host, host, len) != 0)
		t->bad = 1;
	t->i++;
	return 0;
}

static void
cert_run_end(struct ver *v)
{
	struct topcheck t = { v, 0, 0 };
	struct cs_err err = CS_ERR_INIT;
	const unsigned char *val;
	struct vcert *c;
	size_t vlen;
	char nm[24];

	if (!v->inrun)
		return;
	v->inrun = 0;
	if (!v->have_top || (c = vc_of(v, v->runkey)) == NULL)
		return;
	v->sum->checked[CS_VERIFY_TOPHOSTS]++;
	if (cs_store_table_get(v->st, "tophost", v->runkey, CS_KEY_LEN, &val,
	    &vlen, &err) != 1)
		t.bad = 1;
	else if (cs_store_rec_top(val, vlen, top_each, &t) == -1)
		t.bad = 2;
	if (t.bad || t.i != v->ntop)
		problem(v, CS_VERIFY_TOPHOSTS, "certificate %s: its top "
		    "hostnames are %s", vc_name(c, nm), t.bad == 2 ?
		    "malformed" : "not the ten with the most reports");
}

static int
each_certhost(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct vcert *c;
	uint64_t n;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	v->sum->checked[CS_VERIFY_LINKS]++;
	if (klen <= CS_KEY_LEN || vlen != 8 || (c = vc_of(v, k)) == NULL) {
		problem(v, CS_VERIFY_LINKS, "a certificate-host link is "
		    "malformed or of no certificate");
		return 0;
	}
	if (!v->inrun || memcmp(v->runkey, k, CS_KEY_LEN) != 0) {
		cert_run_end(v);
		memcpy(v->runkey, k, CS_KEY_LEN);
		v->inrun = 1;
		v->ntop = 0;
	}
	memcpy(&n, val, 8);
	c->flags |= V_LINKS;
	c->d_hosts--;
	c->d_host += n * mix(k + CS_KEY_LEN, klen - CS_KEY_LEN, MIX_HOST);
	v->nlinks_ch++;
	v->links_ch += mix(k, klen, MIX_LINK);
	if (klen - CS_KEY_LEN <= CS_HOST_MAX)
		top_add(v, n, (const char *)k + CS_KEY_LEN, klen - CS_KEY_LEN);
	return 0;
}

static int
each_hostcert(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	unsigned char buf[CS_KEY_LEN + CS_HOST_MAX];
	size_t len;

	(void)val;
	(void)vlen;
	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen < 2 + CS_KEY_LEN || (len = get_be(k, 2)) != klen - 2 -
	    CS_KEY_LEN || len > CS_HOST_MAX) {
		problem(v, CS_VERIFY_LINKS, "an entry of the index of hosts' "
		    "certificates is malformed");
		return 0;
	}
	/* The same bytes as the link's key: certificate, then host. */
	memcpy(buf, k + 2 + len, CS_KEY_LEN);
	memcpy(buf + CS_KEY_LEN, k + 2, len);
	v->nlinks_hc++;
	v->links_hc += mix(buf, CS_KEY_LEN + len, MIX_LINK);
	v->hc_hosts += mix(k + 2, len, MIX_HOST);
	return 0;
}

static int
each_host(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	uint64_t st[2];

	v->sum->checked[CS_VERIFY_RECORDS]++;
	v->sum->checked[CS_VERIFY_HOSTS]++;
	v->nhost++;
	if (vlen != sizeof(st) || klen > CS_HOST_MAX) {
		problem(v, CS_VERIFY_HOSTS, "a host record is malformed");
		return 0;
	}
	memcpy(st, val, sizeof(st));
	if (st[0] == 0)
		problem(v, CS_VERIFY_HOSTS, "a hostname has no reports");
	v->host_certs += st[1] * mix(k, klen, MIX_HOST);
	return 0;
}

static int
each_tophost(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	(void)val;
	(void)vlen;
	return each_orphan(arg, k, klen, "tophost", V_TOP);
}

/* ---- the rest -------------------------------------------------------- */

/* Adds n to code's sum in l (few codes: a linear search). */
static int
codesum_add(codesums_t *l, int32_t code, uint64_t n)
{
	struct codesum e = { code, n };
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].code == code) {
			l->v[i].n += n;
			return 0;
		}
	return cs_vec_push(l, e);
}

/* A certificate's times under a code: within its times of all codes. */
static int
each_certcode(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	const struct vcert *c;
	int64_t t[2];
	char nm[24];

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen != 4 + CS_KEY_LEN || vlen != sizeof(t)) {
		problem(v, CS_VERIFY_CERTS, "a certificate code record is "
		    "malformed");
		return 0;
	}
	if ((c = vc_of(v, k + 4)) == NULL) {
		problem(v, CS_VERIFY_CERTS, "table 'certcode' has a record of "
		    "no certificate");
		return 0;
	}
	memcpy(t, val, sizeof(t));
	if (t[0] > t[1] || !c->seen || t[0] < c->first || t[1] > c->last)
		problem(v, CS_VERIFY_CERTS, "certificate %s: its times under "
		    "error %d are not within its first and last seen",
		    vc_name(c, nm), (int)cs_key_code(k));
	return 0;
}

/* A hostname's reports under a code: at most its reports, and the
 * hostnames' at most the code's. */
static int
each_hostcode(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_err err = CS_ERR_INIT;
	const unsigned char *hv;
	uint64_t n, st[2];
	size_t hlen;
	int rc;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen <= 4 || klen > 4 + CS_HOST_MAX || vlen != sizeof(n)) {
		problem(v, CS_VERIFY_HOSTS, "a host code record is malformed");
		return 0;
	}
	memcpy(&n, val, sizeof(n));
	if (codesum_add(&v->hostcode, cs_key_code(k), n) == -1) {
		v->nomem = 1;
		return -1;
	}
	rc = cs_store_table_get(v->st, "host", k + 4, klen - 4, &hv, &hlen,
	    &err);
	if (rc == 1 && hlen == sizeof(st)) {
		memcpy(st, hv, sizeof(st));
		if (n == 0 || n > st[0])
			problem(v, CS_VERIFY_HOSTS, "a hostname has %llu "
			    "reports under error %d, of %llu in all",
			    (unsigned long long)n, (int)cs_key_code(k),
			    (unsigned long long)st[0]);
	} else if (rc != -1)
		problem(v, CS_VERIFY_HOSTS, "table 'hostcode' has a record "
		    "of no hostname");
	else
		problem(v, CS_VERIFY_HOSTS, "%s", err.msg);
	return 0;
}

static int
each_error(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	uint64_t n;
	int32_t code;
	size_t i;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	v->sum->checked[CS_VERIFY_ERRORS]++;
	if (klen != 4 || vlen != 8) {
		problem(v, CS_VERIFY_ERRORS, "an error code record is "
		    "malformed");
		return 0;
	}
	code = cs_key_code(k);
	memcpy(&n, val, 8);
	if (codesum_add(&v->errtot, code, n) == -1) {
		v->nomem = 1;
		return -1;
	}
	for (i = 0; i < v->codes.n && v->codes.v[i].code != code; i++)
		;
	/* Reports without a valid certificate count here, in no chain. */
	if (i < v->codes.n) {
		if (n < v->codes.v[i].n)
			problem(v, CS_VERIFY_ERRORS, "error %d: %llu reports, "
			    "fewer than its chains' %llu", (int)code,
			    (unsigned long long)n, (unsigned long long)
			    v->codes.v[i].n);
		v->codes.v[i] = v->codes.v[--v->codes.n];	/* seen */
	}
	return 0;
}

static int
each_file(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_fileprog p;

	(void)k;
	v->sum->checked[CS_VERIFY_RECORDS]++;
	v->sum->checked[CS_VERIFY_FILES]++;
	/* The progress, then the file's name (schema 5). */
	if (klen != 24 || vlen < sizeof(p)) {
		problem(v, CS_VERIFY_FILES, "a file record is malformed");
		return 0;
	}
	memcpy(&p, val, sizeof(p));
	if (p.done > 1 || p.mode > CS_SPLIT_ARRAY || p.line > p.offset + 1)
		problem(v, CS_VERIFY_FILES, "a file record is malformed "
		    "(offset %llu, line %llu, mode %u, done %u)",
		    (unsigned long long)p.offset, (unsigned long long)p.line,
		    p.mode, p.done);
	v->nfiles_done += p.done;
	return 0;
}

/* A URL's last fetch (certsift aia): refusals are never kept. */
static int
each_aiaurl(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_aia_urlrec r;
	struct cs_err e = CS_ERR_INIT;

	(void)k;
	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (cs_store_rec_aiaurl(klen, val, vlen, &r, &e) == -1 ||
	    r.status < 0 || r.status >= CS_AIA_NSTATUS ||
	    r.status == CS_AIA_REFUSED || r.status == CS_AIA_UNSUPPORTED ||
	    (r.status == CS_AIA_OK && r.ncerts == 0) ||
	    r.ncerts > CS_AIA_MAX_CERTS)
		problem(v, CS_VERIFY_CERTS, "an AIA URL record is malformed");
	return 0;
}

/* An AIA certificate: one DER certificate under its SHA-256. */
static int
each_aiacert(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	struct cs_aia_certrec r;
	struct cs_err e = CS_ERR_INIT;
	unsigned char sha[32];
	char hex[65];

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (cs_store_rec_aiacert(k, klen, val, vlen, &r, &e) == -1) {
		problem(v, CS_VERIFY_CERTS, "an AIA certificate record is "
		    "malformed");
		return 0;
	}
	cs_sha256_hex(r.sha256, hex);
	if (cs_x509_check(r.der, r.der_len, NULL) == -1)
		problem(v, CS_VERIFY_CERTS, "AIA certificate %s is not a "
		    "certificate", hex);
	else if (cs_sha256(r.der, r.der_len, sha), memcmp(sha, r.sha256, 32)
	    != 0)
		problem(v, CS_VERIFY_CERTS, "AIA certificate %s: its DER has "
		    "another SHA-256", hex);
	return 0;
}

/*
 * A signature verdict (store_int.h): a certificate's SHA-256 and its issuer
 * key's, then 1 or 0. The walk ignores a record of another shape; whether
 * a well-formed one is true only the signature check can say (a verdict
 * is trusted as the store is).
 */
static int
each_verdict(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	char hex[17];

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen != CS_VERDICT_KEY || vlen != 1 || val[0] > 1) {
		cs_hex(k, klen < 8 ? klen : 8, hex);
		problem(v, CS_VERIFY_RECORDS, "a signature verdict record is "
		    "malformed (key %s..., %zu bytes; value of %zu bytes): "
		    "the walk ignores it", hex, klen, vlen);
	}
	return 0;
}

static int
each_other(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;

	(void)k;
	(void)klen;
	(void)val;
	(void)vlen;
	v->sum->checked[CS_VERIFY_RECORDS]++;
	return 0;
}

static int
each_meta(void *arg, const unsigned char *k, size_t klen,
    const unsigned char *val, size_t vlen)
{
	struct ver *v = arg;
	uint32_t schema;

	v->sum->checked[CS_VERIFY_RECORDS]++;
	if (klen == 6 && memcmp(k, "schema", 6) == 0) {
		if (vlen != 4)
			problem(v, CS_VERIFY_COUNTERS, "the schema record is "
			    "malformed");
		else {
			memcpy(&schema, val, 4);
			v->have_top = schema >= 4;
		}
	} else if (klen == 8 && memcmp(k, "counters", 8) == 0) {
		if (vlen % 8 != 0 || vlen > sizeof(v->counters))
			problem(v, CS_VERIFY_COUNTERS, "the counters record "
			    "is malformed");
		else {
			memcpy(v->counters, val, vlen);
			v->have_counters = 1;
		}
	}
	return 0;
}

/* ---- the figures that must agree ------------------------------------- */

static void
expect(struct ver *v, int i, uint64_t want, int atleast)
{
	uint64_t got = v->counters[i];

	v->sum->checked[CS_VERIFY_COUNTERS]++;
	if (atleast ? got < want : got != want)
		problem(v, CS_VERIFY_COUNTERS, "%s is %llu, the store holds "
		    "%s%llu", cs_store_counter_name(i), (unsigned long long)got,
		    atleast ? "at least " : "", (unsigned long long)want);
}

static void
check_counters(struct ver *v)
{
	const uint64_t *n = v->counters;

	if (!v->have_counters) {
		if (v->ncert > 0)
			problem(v, CS_VERIFY_COUNTERS, "the store has no "
			    "counters");
		return;
	}
	expect(v, CS_N_UNIQUE_CERTS, v->ncert, 0);
	expect(v, CS_N_CERTS_NEW, v->ncert, 0);
	expect(v, CS_N_UNIQUE_CHAINS, v->nchain, 0);
	expect(v, CS_N_UNIQUE_HOSTS, v->nhost, 0);
	expect(v, CS_N_COLLISIONS, v->ncoll, 0);
	expect(v, CS_N_REPORTS_ACCEPTED, v->chain_reports, 1);
	expect(v, CS_N_CERTS_SEEN, v->chain_certs, 1);
	expect(v, CS_N_FILES_INGESTED, v->nfiles_done, 1);
	expect(v, CS_N_REPORTS_READ, n[CS_N_REPORTS_ACCEPTED] +
	    n[CS_N_REPORTS_FILTERED] + n[CS_N_REPORTS_MALFORMED], 0);
	expect(v, CS_N_FILES, n[CS_N_FILES_INGESTED], 1);
}

static void
check_certs(struct ver *v)
{
	struct vcert *c;
	uint64_t i;
	char nm[24];

	for (i = 1; i < v->nc; i++) {
		c = &v->c[i];
		if (!(c->flags & V_CERT)) {
			if (c->flags & V_DER)
				problem(v, CS_VERIFY_CERTS, "table 'der' has a "
				    "record of no certificate (#%llu)",
				    (unsigned long long)i);
			if (c->flags & V_SUMM)
				problem(v, CS_VERIFY_CERTS, "table 'summ' has "
				    "a record of no certificate (#%llu)",
				    (unsigned long long)i);
			continue;
		}
		if (!(c->flags & V_SHA))
			problem(v, CS_VERIFY_CERTS, "certificate %s is not in "
			    "the SHA-256 index", vc_name(c, nm));
		if ((c->flags & V_DER) && !(c->flags & V_IDX))
			problem(v, CS_VERIFY_CERTS, "certificate %s is not in "
			    "the DER index", vc_name(c, nm));
		if (c->d_count != 0)
			problem(v, CS_VERIFY_CERTS, "certificate %s: its count "
			    "differs from its chains' reports by %lld",
			    vc_name(c, nm), (long long)c->d_count);
		if (c->d_leaf != 0)
			problem(v, CS_VERIFY_CERTS, "certificate %s: its leaf "
			    "count differs from its chains' by %lld",
			    vc_name(c, nm), (long long)c->d_leaf);
		if (c->d_err != 0)
			problem(v, CS_VERIFY_CERTS, "certificate %s: its error "
			    "counts are not its chains'", vc_name(c, nm));
		if (c->d_hosts != 0)
			problem(v, CS_VERIFY_LINKS, "certificate %s: its hosts "
			    "figure differs from its links by %lld",
			    vc_name(c, nm), (long long)c->d_hosts);
		if (c->d_host != 0)
			problem(v, CS_VERIFY_LINKS, "certificate %s: its "
			    "links' report counts are not its chains'",
			    vc_name(c, nm));
		if (c->seen != c->eseen || (c->seen && (c->first != c->efirst ||
		    c->last != c->elast)))
			problem(v, CS_VERIFY_CERTS, "certificate %s: its first "
			    "and last seen are not its chains'", vc_name(c, nm));
		if (v->have_top && !!(c->flags & V_LINKS) != !!(c->flags &
		    V_TOP))
			problem(v, CS_VERIFY_TOPHOSTS, "certificate %s: %s",
			    vc_name(c, nm), c->flags & V_TOP ? "a top hostname "
			    "list without links" : "links without a top "
			    "hostname list");
	}
}

static void
check_totals(struct ver *v)
{
	size_t i;

	for (i = 0; i < v->codes.n; i++)
		if (v->codes.v[i].n > 0)
			problem(v, CS_VERIFY_ERRORS, "error %d: in chains, "
			    "not in the error codes", (int)v->codes.v[i].code);
	for (i = 0; i < v->hostcode.n; i++) {
		const struct codesum *h = &v->hostcode.v[i];
		size_t j;

		for (j = 0; j < v->errtot.n && v->errtot.v[j].code != h->code;
		    j++)
			;
		if (j == v->errtot.n || h->n > v->errtot.v[j].n)
			problem(v, CS_VERIFY_ERRORS, "error %d: its hostnames "
			    "have %llu reports, more than the code's",
			    (int)h->code, (unsigned long long)h->n);
	}
	if (v->nlinks_ch != v->nlinks_hc || v->links_ch != v->links_hc)
		problem(v, CS_VERIFY_LINKS, "the certificate-host links "
		    "(%llu) and the index of hosts' certificates (%llu) "
		    "disagree", (unsigned long long)v->nlinks_ch,
		    (unsigned long long)v->nlinks_hc);
	if (v->host_certs != v->hc_hosts)
		problem(v, CS_VERIFY_HOSTS, "hosts' certificate figures are "
		    "not the index of hosts' certificates");
	check_counters(v);
}

/* ---- the walk -------------------------------------------------------- */

static const struct {
	const char	*table;
	cs_raw_fn	 fn;
	int		 run;		/* 1: chain rows, 2: links */
} steps[] = {
	/* After the certificates: checked against them. */
	{ "sha",	each_sha,	0 },
	{ "deridx",	each_deridx,	0 },
	{ "chain",	each_chain,	0 },
	{ "chainhost",	each_chainhost,	1 },
	{ "chainhostday", each_hostday,	0 },
	{ "chainvalid",	each_valid,	0 },
	{ "certhost",	each_certhost,	2 },
	{ "hostcert",	each_hostcert,	0 },
	{ "host",	each_host,	0 },
	{ "tophost",	each_tophost,	0 },
	{ "error",	each_error,	0 },
	{ "certcode",	each_certcode,	0 },
	{ "hostcode",	each_hostcode,	0 },
	{ "files",	each_file,	0 },
	{ "aiaurl",	each_aiaurl,	0 },
	{ "aiacert",	each_aiacert,	0 },
	{ "verdict",	each_verdict,	0 },
};

static int
known(const char *table)
{
	size_t i;

	if (strcmp(table, "meta") == 0 || strcmp(table, "cert") == 0 ||
	    strcmp(table, "der") == 0 || strcmp(table, "summ") == 0)
		return 1;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(steps[i].table, table) == 0)
			return 1;
	return 0;
}

int
cs_verify(struct cs_store *st, cs_verify_fn fn, void *arg,
    struct cs_verify_sum *sum, struct cs_err *err)
{
	struct ver *v;
	const char *name;
	size_t i;
	long ncpu;
	int ret = -1;

	memset(sum, 0, sizeof(*sum));
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	v->st = st;
	v->fn = fn;
	v->arg = arg;
	v->sum = sum;
	v->err = err;
	if (cs_store_read_begin(st, err) == -1) {
		problem(v, CS_VERIFY_TABLES, "%s", err->msg);
		ret = 0;
		goto out;
	}
	if (walk(v, "meta", each_meta) == -1 ||
	    walk(v, "cert", count_cert) == -1)
		goto nomem;
	sum->checked[CS_VERIFY_TABLES]--;	/* "cert" twice */
	/* Numbers run from 1: a damaged key makes no huge array. */
	v->nc = v->maxkey + 1;
	if (v->nc > 2 * v->ncert + 1024)
		v->nc = 2 * v->ncert + 1024;
	if ((v->c = calloc(v->nc, sizeof(*v->c))) == NULL ||
	    (v->items = cs_mallocarray(BATCH, sizeof(*v->items))) == NULL)
		goto nomem;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	v->nthreads = ncpu < 1 ? 1 : ncpu > THREADS_MAX ? THREADS_MAX :
	    (int)ncpu;
	if (walk(v, "der", each_der) == -1 ||
	    walk(v, "summ", each_summ) == -1 ||
	    walk(v, "cert", each_cert) == -1 || der_flush(v) == -1)
		goto nomem;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		v->inrun = 0;
		if (walk(v, steps[i].table, steps[i].fn) == -1)
			goto nomem;
		if (steps[i].run == 1)
			chains_end(v);
		else if (steps[i].run == 2)
			cert_run_end(v);
	}
	/* Tables this verify knows nothing of: read through. */
	for (i = 0; (name = cs_store_table_name((int)i)) != NULL; i++)
		if (!known(name) && walk(v, name, each_other) == -1)
			goto nomem;
	check_certs(v);
	check_totals(v);
	for (i = 0; i < CS_VERIFY_N; i++)
		if (v->shown[i] > SHOWN_MAX) {
			char line[128];

			snprintf(line, sizeof(line), "%llu more problems of "
			    "this kind not shown", (unsigned long long)
			    (v->shown[i] - SHOWN_MAX));
			fn(arg, names[i], line);
		}
	ret = 0;
	goto out;
nomem:
	ret = cs_err_set(err, CS_ENOMEM, "out of memory");
out:
	cs_store_read_end(st);
	for (i = 0; i < THREADS_MAX; i++)
		cs_buf_release(&v->enc[i]);
	free(v->items);
	cs_vec_release(&v->codes);
	cs_vec_release(&v->errtot);
	cs_vec_release(&v->hostcode);
	cs_vec_release(&v->chains);
	cs_vec_release(&v->chaincerts);
	free(v->c);
	free(v);
	return ret;
}

int
cs_verify_path(const char *path, cs_verify_fn fn, void *arg,
    struct cs_verify_sum *sum, struct cs_err *err)
{
	struct cs_store *st = NULL;
	int ret;

	memset(sum, 0, sizeof(*sum));
	if (cs_store_open(path, CS_STORE_RDONLY, &st, err) == -1) {
		if (err->code == CS_ENOTFOUND)
			return -1;
		sum->problems = 1;
		fn(arg, "store", err->msg);
		return 0;
	}
	ret = cs_verify(st, fn, arg, sum, err);
	cs_store_close(st);
	return ret;
}
