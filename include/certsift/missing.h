#ifndef CERTSIFT_MISSING_H
#define CERTSIFT_MISSING_H

/*
 * Why chains fail: walks every unique chain of the store up from its leaf,
 * by issuer name, key identifier and signature, and sorts where each walk
 * ends into outcomes (a trusted root, an intermediate the server did not
 * send, a root nobody trusts, nothing), grouped by the issuer it ended at.
 * At each step the roots are tried before the certificates sent, as
 * Firefox's path builder does: a root that issues a certificate ends the
 * walk complete there, even when a cross-signed copy of it was sent too.
 * A set, a run and its result are one thread's (the walk checks signatures
 * on threads of its own); runs on different sets may go at once.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"
#include "certsift/query.h"
#include "certsift/store.h"
#include "certsift/x509.h"

struct cs_missing;		/* below: the options name it */

/* A set of certificates held as DER, each once (roots, known ones). */
struct cs_certset;

/* Makes an empty set. Free with cs_certset_free(). */
int	cs_certset_new(struct cs_certset **out, struct cs_err *err);
void	cs_certset_free(struct cs_certset *s);
size_t	cs_certset_count(const struct cs_certset *s);

/*
 * Adds one certificate given as DER (trailing bytes make it invalid).
 * Returns 1 when added, 0 when the set has it already, -1 (CS_EX509 when
 * it is not a certificate, CS_ENOMEM).
 */
int	cs_certset_add_der(struct cs_certset *s, const unsigned char *der,
	    size_t len, struct cs_err *err);

/*
 * Adds every "-----BEGIN CERTIFICATE-----" block found in text, wherever
 * it is: a PEM bundle, a CSV field, or a JSON string (the escapes \n, \r,
 * \t, \/ and \uXXXX inside a block are understood). A block that does not
 * decode to a certificate is skipped and counted in *bad (may be NULL).
 * Returns the number of blocks found that hold a certificate (new or
 * not), or -1 (CS_ENOMEM).
 */
long	cs_certset_add_text(struct cs_certset *s, const char *text,
	    size_t len, size_t *bad, struct cs_err *err);

/* Outcomes of a walk, in the order of their rank (best first). */
enum {
	CS_MISSING_COMPLETE,		/* ends at a trusted root */
	CS_MISSING_INTERMEDIATE,	/* issuer not sent, found elsewhere */
	CS_MISSING_UNTRUSTED_ROOT,	/* ends at an untrusted root */
	CS_MISSING_UNKNOWN_ISSUER,	/* issuer not sent, found nowhere */
	CS_MISSING_NOUTCOMES
};

/* "complete", "missing-intermediate", "untrusted-root", "unknown-issuer". */
const char	*cs_missing_outcome_name(int outcome);

/* Where the certificate that resolves a row comes from. */
enum {
	CS_MISSING_SRC_NONE,
	CS_MISSING_SRC_KNOWN,		/* the known set */
	CS_MISSING_SRC_CORPUS,	/* the store */
	CS_MISSING_SRC_AIA	/* fetched from a caIssuers URL (aia.h) */
};

/* "known", "corpus", "aia", or NULL for CS_MISSING_SRC_NONE. */
const char	*cs_missing_source_name(int source);

/* Where a certificate the walk knows comes from (bits). */
#define CS_MISSING_NODE_STORE	1	/* the store */
#define CS_MISSING_NODE_ROOT	2	/* the roots */
#define CS_MISSING_NODE_KNOWN	4	/* the known set */
#define CS_MISSING_NODE_SELF	8	/* self-signed */

/* A certificate on a walked path. */
struct cs_missing_step {
	uint32_t	 node;		/* as numbered for opts.node */
	int		 sent;		/* in the chain as sent (else found) */
	unsigned	 flags;		/* CS_MISSING_NODE_* */
	int		 source;	/* CS_MISSING_SRC_* when found */
	/* Its subject (RFC 4514); NULL for a store certificate that is
	 * neither self-signed nor a candidate issuer of another (most
	 * leaves): the run keeps no more. */
	const char	*subject;
};

/*
 * A chain's whole walk: up from its leaf through the certificates sent
 * and, past an issuer that was not sent, through those the roots, the
 * known set or the store have, to a root or a dead end.
 */
struct cs_missing_walk {
	const unsigned char		*key;	/* the chain's store key */
	const unsigned char		*id;	/* chain id: SHA-256 of its
						   certificates' SHA-256s */
	uint64_t			 weight;
	int				 outcome; /* as the rows count it */
	/* CS_MISSING_COMPLETE (a trusted root), _UNTRUSTED_ROOT (another
	 * self-signed certificate) or _UNKNOWN_ISSUER (a dead end). */
	int				 end;
	const char			*end_issuer; /* the issuer found nowhere */
	const struct cs_missing_step	*path;	/* leaf first */
	size_t				 npath;
	/*
	 * The positions in the chain as sent (cs_chainrec.certs) of the
	 * path's sent certificates, as bits; bit 63 stands for 63 and later.
	 */
	uint64_t			 posmask;
};

/*
 * Where one walk ended (cs_missing_opts.on_end): a chain's, or with
 * walk_aia an AIA certificate's that resolved a walk, walked up on its own.
 */
struct cs_missing_end {
	const unsigned char	*chain;		/* its key; NULL: an AIA cert */
	const unsigned char	*start;		/* sha256 of where it began */
	int			 depth;		/* 0: a chain; n: n AIA steps up */
	uint64_t		 reports;	/* of the chains below */
	uint64_t		 chains;	/* 1, or the chains below */
	int			 outcome;
	const char		*issuer;	/* as in the row */
	const unsigned char	*resolved;	/* sha256, or NULL */
	int			 source;	/* CS_MISSING_SRC_* */
	/* The caIssuers URLs of the certificate lacking its issuer (with
	 * outcome unknown-issuer): naia strings, each after the last NUL. */
	const char		*aia;
	size_t			 naia;
};

/*
 * The reports walked are those the query selects (query.h: a chain's
 * selected reports are those whose code passes and whose leaf is
 * selected); the query must outlive the struct cs_missing it fills
 * (cs_missing_hosts() uses it).
 */
struct cs_missing_opts {
	const struct cs_certset	*roots;	/* trusted; NULL: none */
	const struct cs_certset	*known;	/* NULL: none */
	struct cs_query		*query;	/* NULL: every report */
	int			 nthreads; /* signatures; 0: per CPU */
	/*
	 * Called for each walk's end (NULL: not); returns 0, or -1 to stop
	 * (then cs_missing_run() fails with what it set in err).
	 */
	int			(*on_end)(void *end_arg,
				    const struct cs_missing_end *e,
				    struct cs_err *err);
	void			*end_arg;
	/*
	 * The AIA certificates of the store are a source, after --known and
	 * the store. walk_aia n > 0: each that resolves a walk is walked up
	 * on its own too, to depth n, and reported to on_end only.
	 */
	int			 walk_aia;
	/*
	 * For diagnoses (may be NULL): node is called once for every
	 * certificate the walk may use, numbered densely from 0, with its
	 * summary and DER (valid during the call); walk once per walked
	 * chain, in chain key order, after every node. Either returns 0, or
	 * -1 to stop the run (which then fails with walk_arg's error).
	 */
	int			(*node)(void *walk_arg, uint32_t node,
				    const struct cs_cert *c,
				    const unsigned char *der, size_t len);
	int			(*walk)(void *walk_arg,
				    const struct cs_missing_walk *w);
	void			*walk_arg;
	/*
	 * 1: node is not called for the store's certificates, which are
	 * numbered from 0 in the order cs_store_foreach_cert() gives them:
	 * the caller reads them itself (on a thread of its own, through a
	 * reader of the snapshot), and node sees the others only.
	 */
	int			 node_others;
	/*
	 * With node_others (may be NULL): each store certificate's summary
	 * as stored (cs_cert_decode() reads it), with its key, in node
	 * order as the run reads them, on the run's thread: valid while
	 * the run's snapshot is pinned, and the caller's own read then
	 * need not read the summaries again.
	 */
	void			(*node_summary)(void *walk_arg,
				    const unsigned char *key,
				    const void *sum, size_t len);
	/*
	 * cs_causes_days() only (may be NULL): called on its caller's
	 * thread once the walk's result (its walk argument) is complete,
	 * before the reports are counted; returns 0, or -1 to stop the run
	 * (which then fails with what it set in err).
	 */
	int			(*walked)(void *walked_arg,
				    const struct cs_missing *m,
				    struct cs_err *err);
	void			*walked_arg;
};

/*
 * One row per (outcome, issuer name, AKI): the issuer where the walks
 * ended and the key identifier by which the certificate below it names it.
 */
struct cs_missing_row {
	int		 outcome;
	char		*issuer;	/* RFC 4514 */
	char		*aki;		/* lowercase hex, or NULL */
	uint64_t	 reports;	/* matching reports */
	uint64_t	 chains;	/* unique chains */
	uint64_t	 hosts;		/* see cs_missing_hosts() */
	int		 has_hosts;
	int		 source;	/* CS_MISSING_SRC_* */
	/* With a source: the resolving certificate's sha256 and DER. */
	unsigned char	 resolved_by[32];
	unsigned char	*der;
	size_t		 der_len;
	/* The caIssuers URLs of the certificates lacking the issuer. */
	char		**aia;		/* sorted, each once */
	size_t		 naia;
};

struct cs_missing {
	struct cs_missing_row	*rows;	/* most reports first; issuer */
	size_t			 nrows;
	uint64_t		 reports[CS_MISSING_NOUTCOMES];
	uint64_t		 chains[CS_MISSING_NOUTCOMES];
	uint64_t		 certs;	/* certificates considered */
	uint64_t		 sigchecks; /* signatures verified */
	uint64_t		 verdicts; /* pairs the store's verdicts
					    answered (store.h) */
	void			*priv;	/* the chains of each row */
};

#define CS_MISSING_INIT { NULL, 0, { 0 }, { 0 }, 0, 0, 0, NULL }

/*
 * Walks every chain of st that has matching reports (see opts) and fills
 * *out, which the caller releases with cs_missing_release() (also on
 * failure). Hosts are not counted: see cs_missing_hosts(). Returns 0 or -1.
 */
int	cs_missing_run(struct cs_store *st, const struct cs_missing_opts *opts,
	    struct cs_missing *out, struct cs_err *err);

/*
 * Counts the distinct hostnames of the matching reports of row i's chains
 * into rows[i].hosts (and sets has_hosts). Returns 0 or -1.
 */
int	cs_missing_hosts(struct cs_store *st, struct cs_missing *m, size_t i,
	    struct cs_err *err);

/*
 * Whether cs_missing_hosts() counts row i's hostnames with every row's,
 * in one pass over all the reports' rows (a row of many chains): 1 or 0.
 */
int	cs_missing_hosts_bulk(const struct cs_missing *m, size_t i);

/*
 * That pass, apart: every row's hostname count into *hosts (m->nrows of
 * them, which the caller frees or gives to cs_missing_hosts_install()).
 * It only reads *m (and its query, whose selection must then be
 * inactive: query.h), through st, which may be a reader of m's snapshot
 * (cs_store_reader()) on another thread while m's own thread reads m too.
 * Returns 0 or -1.
 */
int	cs_missing_hosts_count(struct cs_store *st, const struct cs_missing *m,
	    uint64_t **hosts, struct cs_err *err);

/* Gives m those counts (it frees them), for cs_missing_hosts() to use. */
void	cs_missing_hosts_install(struct cs_missing *m, uint64_t *hosts);

/*
 * The unique chains behind row i: *n chain keys (CS_KEY_LEN bytes each)
 * at *keys, valid until cs_missing_release(). Returns 0 or -1.
 */
int	cs_missing_row_chains(const struct cs_missing *m, size_t i,
	    const unsigned char **keys, size_t *n, struct cs_err *err);

/* Frees what *m holds; *m is CS_MISSING_INIT again. Accepts NULL. */
void	cs_missing_release(struct cs_missing *m);

#endif
