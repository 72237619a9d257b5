#ifndef CERTSIFT_SELECT_H
#define CERTSIFT_SELECT_H

/*
 * The certificate selection shared by top, export and missing (select.c):
 *
 *	--error code	(repeatable, a number or an NSS name) certificates
 *			with at least one report with one of the codes; their
 *			figures become those of the matching reports only
 *	--ca		certificates with CA:TRUE
 *	--leaf		leaf_count > 0
 *	--self-signed	self-signed certificates
 *	--min-count n	count >= n
 *	--min-hosts n	hosts >= n
 *	--issuer text	case-insensitive substring of the RFC 4514 issuer
 *	--subject text	the same for the subject
 *	--host glob	certificates linked to a hostname matching glob
 *			(fnmatch(3), case-insensitive)
 *	--valid-at t	not_before <= t <= not_after
 *	--expired-at t	not_after < t
 *
 * All given options must hold. --issuer, --subject, --host, --valid-at,
 * --expired-at, --min-count and --min-hosts take one value (the last one
 * given counts).
 *
 * Reports are selected through their leaf (the first certificate of their
 * chain): a report is selected when its code passes --error and its leaf
 * is a selected certificate. Reports without a valid certificate have no
 * chain and are never selected when a selection is active.
 *
 * Use: struct select sel = SELECT_INIT; splice SELECT_LONGOPTS into the
 * command's longopts; pass each getopt_long result to select_option();
 * after opening the store call select_prepare(); then select_cert() per
 * certificate (or select_key()/select_chain()); select_release() at the end.
 */

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/store.h"

/* getopt_long values of the selection's options: beyond any char. */
enum {
	SELECT_OPT_CA = 1000,
	SELECT_OPT_ERROR,
	SELECT_OPT_EXPIRED_AT,
	SELECT_OPT_HOST,
	SELECT_OPT_ISSUER,
	SELECT_OPT_LEAF,
	SELECT_OPT_MIN_COUNT,
	SELECT_OPT_MIN_HOSTS,
	SELECT_OPT_SELF_SIGNED,
	SELECT_OPT_SUBJECT,
	SELECT_OPT_VALID_AT
};

/* struct option entries to put in a command's longopts before its end. */
#define SELECT_LONGOPTS							\
	{ "ca", no_argument, NULL, SELECT_OPT_CA },			\
	{ "error", required_argument, NULL, SELECT_OPT_ERROR },		\
	{ "expired-at", required_argument, NULL, SELECT_OPT_EXPIRED_AT }, \
	{ "host", required_argument, NULL, SELECT_OPT_HOST },		\
	{ "issuer", required_argument, NULL, SELECT_OPT_ISSUER },	\
	{ "leaf", no_argument, NULL, SELECT_OPT_LEAF },			\
	{ "min-count", required_argument, NULL, SELECT_OPT_MIN_COUNT },	\
	{ "min-hosts", required_argument, NULL, SELECT_OPT_MIN_HOSTS },	\
	{ "self-signed", no_argument, NULL, SELECT_OPT_SELF_SIGNED },	\
	{ "subject", required_argument, NULL, SELECT_OPT_SUBJECT },	\
	{ "valid-at", required_argument, NULL, SELECT_OPT_VALID_AT }

/* Usage lines of the selection, for a command's usage text. */
#define SELECT_USAGE							\
	"           [--ca] [--leaf] [--self-signed] [--error code]\n"	\
	"           [--expired-at t] [--host glob] [--issuer text]\n"	\
	"           [--min-count n] [--min-hosts n] [--subject text]\n"	\
	"           [--valid-at t]\n"

/*
 * (row, hostname) pairs by a 128-bit hash of the name, for counting
 * distinct hostnames per row without keeping a million strings
 * (select.c).
 */
struct hpair {
	uint64_t	row;
	uint64_t	h[2];
};

struct hpairs {
	struct hpair	*v;
	size_t		 n;
	size_t		 cap;
};

void	hpair_add(struct hpairs *p, size_t row, const char *host, size_t len);
/* Sorts by row, then hash: equal pairs end up side by side. */
void	hpairs_sort(struct hpairs *p);
int	hpair_same(const struct hpair *x, const struct hpair *y);

/* A map from certificate keys to dense indexes 0, 1, ... (select.c). */
struct keyslot {
	unsigned char	key[CS_KEY_LEN];
	uint32_t	idx;		/* index + 1, or 0: empty */
};

struct keymap {
	struct keyslot	*tab;		/* keys inline: one cache miss */
	size_t		 cap;		/* a power of 2, or 0 */
	size_t		 n;
};

#define KEYMAP_INIT { 0 }

/*
 * The index of key, added (as the number of keys before it) when missing;
 * *added (may be NULL) says whether it was. Dies when out of memory.
 */
size_t	keymap_add(struct keymap *m, const unsigned char *key,
	    int *added);
/* Makes room for n keys at once. */
void	keymap_reserve(struct keymap *m, size_t n);
/* The index of key, or -1 when it is not in m. */
long	keymap_get(const struct keymap *m, const unsigned char *key);
/* Starts loading where keymap_get() will look for key: a lookup in a big
 * map is a cache miss that the caller may overlap with other work. */
void	keymap_prefetch(const struct keymap *m, const unsigned char *key);
void	keymap_release(struct keymap *m);

/* A map from byte strings (hostnames) to dense indexes (select.c). */
struct strmap {
	char		**strs;		/* copies, with a NUL */
	size_t		 *lens;
	uint32_t	 *idx;		/* cap slots: index + 1, or 0 */
	size_t		  cap;
	size_t		  n;
};

#define STRMAP_INIT { 0 }

size_t	strmap_add(struct strmap *m, const char *s, size_t len,
	    int *added);
long	strmap_get(const struct strmap *m, const char *s, size_t len);
void	strmap_release(struct strmap *m);

/* What select_cert() knows about a certificate's matching reports. */
struct select_fig {
	uint64_t	leaf_count;
	uint64_t	hosts;
	int		seen;
	int64_t		first_seen;
	int64_t		last_seen;
};

struct select {
	/* The options, as select_option() set them. */
	int32_t			*errors;	/* --error, ascending */
	size_t			 nerrors;
	int			 ca;
	int			 leaf;
	int			 self_signed;
	int			 has_min_count;
	uint64_t		 min_count;
	int			 has_min_hosts;
	uint64_t		 min_hosts;
	const char		*issuer;
	const char		*subject;
	const char		*host;
	int			 has_valid_at;
	int64_t			 valid_at;
	int			 has_expired_at;
	int64_t			 expired_at;
	/* Built by select_prepare(). */
	struct keymap		 figmap;	/* under --error */
	struct select_fig	*figs;
	struct keymap		 hostkeys;	/* --host */
	struct keymap		 keys;		/* SELECT_KEYS */
	int			 prepared;	/* 1: figures, 2: keys */
};

#define SELECT_INIT { 0 }

/*
 * Handles one getopt_long result ch with its argument. Returns 1 when ch
 * is a selection option, 0 when it is not (the caller handles it), and -1
 * when arg is bad, after a usage error (the command then exits 2).
 */
int	select_option(struct select *s, int ch, const char *arg,
	    const char *usage);

/* Whether any selection option was given. */
int	select_active(const struct select *s);
/* Whether any option other than --error was given. */
int	select_filters(const struct select *s);
/* Whether select_cert() reads the summary (rec->cert beyond sha256). */
int	select_reads_summary(const struct select *s);

/* Flags of select_prepare(). */
#define SELECT_KEYS	1	/* also find every selected certificate */

/*
 * Reads what the options need from st: per-certificate figures of the
 * matching reports for --error, the certificates of the --host names,
 * and with SELECT_KEYS the set select_key() and select_chain() use.
 * Calling it again only builds what is missing (SELECT_KEYS later).
 * Returns 0, or the exit status after saying why.
 */
int	select_prepare(struct select *s, struct cs_store *st, int flags);

/*
 * Returns 1 when rec (read with CS_GET_SUMMARY) is selected, else 0.
 * Under --error it rewrites rec's figures to those of the matching
 * reports: count, leaf_count, hosts, first/last_seen, and errs, which it
 * compacts in place to the matching codes (lowering nerrs; rec->errs
 * stays the same allocation, so cs_certrec_release() is still right). A
 * shallow copy of a cs_store_foreach_cert() record may be passed.
 */
int	select_cert(const struct select *s, struct cs_certrec *rec);

/* Whether the certificate key is selected (needs SELECT_KEYS). */
int	select_key(const struct select *s, const unsigned char *key);

/* Whether a report with this code (has_err 0: none) passes --error. */
int	select_code(const struct select *s, int has_err, int32_t code);

/*
 * The number of c's reports that are selected (needs SELECT_KEYS): 0
 * when its leaf is not selected, else its reports with a code passing
 * --error.
 */
uint64_t	select_chain(const struct select *s,
		    const struct cs_chainrec *c);

/* Frees what select_option() and select_prepare() built. Accepts NULL. */
void	select_release(struct select *s);

/*
 * Certificates as CSV (cmd_export.c): the header line, then one row per
 * certificate: sha256, count, leaf_count, hosts, subject, issuer,
 * not_before, not_after, is_ca, self_signed. Lines end in CRLF (RFC 4180).
 */
void	cert_csv_header(FILE *f);
void	cert_csv_row(FILE *f, const struct cs_certrec *rec);

#endif
