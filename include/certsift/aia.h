#ifndef CERTSIFT_AIA_H
#define CERTSIFT_AIA_H

/*
 * Chasing AIA: the caIssuers URLs of the certificates whose issuer the
 * walk of missing (missing.h) found nowhere, fetching them (libcurl, as an
 * attack surface: the URLs come from forgeable reports) or importing what
 * was fetched elsewhere, and keeping every certificate found as an AIA
 * certificate of the store (store.h), which missing then uses as a source.
 * Each call is one thread's (a fetch runs its transfers side by side in
 * the calling thread, through libcurl's multi interface); the store
 * handle it is given follows store.h.
 */

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/missing.h"
#include "certsift/store.h"

/* How a URL's fetch ended (cs_aia_urlrec.status). */
enum {
	CS_AIA_OK,
	CS_AIA_DNS,		/* the name does not resolve */
	CS_AIA_CONNECT,		/* no connection */
	CS_AIA_TLS,		/* handshake or certificate verification */
	CS_AIA_HTTP,		/* a status other than 2xx (http says which) */
	CS_AIA_TIMEOUT,
	CS_AIA_TOO_LARGE,	/* more than max_bytes */
	CS_AIA_NOT_CERT,	/* no certificate in the response */
	CS_AIA_REDIRECT,	/* more than CS_AIA_REDIRECTS, or to a bad URL */
	CS_AIA_REFUSED,		/* a non-global address (not kept) */
	CS_AIA_UNSUPPORTED,	/* not http(s), credentials, too long (not
				 * fetched, not kept) */
	CS_AIA_ERROR,		/* anything else */
	CS_AIA_NSTATUS
};

#define CS_AIA_REDIRECTS	3	/* followed per URL, each checked */
#define CS_AIA_LEVELS		3	/* a chain's issuer, and two above */
#define CS_AIA_MAX_CERTS	64	/* kept from one response */

/* "ok", "dns", "connect", "tls", "http", "timeout", "too-large",
 * "not-a-certificate", "redirect", "refused", "unsupported", "error". */
const char	*cs_aia_status_name(int status);

/*
 * Whether a is an address certsift may connect to: a global unicast
 * address. Loopback, private (RFC 1918, unique-local), shared (RFC 6598),
 * link-local, multicast, unspecified, documentation, benchmarking and
 * reserved addresses are not, nor IPv6 addresses embedding such an IPv4
 * address (IPv4-mapped, IPv4-compatible, NAT64, 6to4), nor Teredo's.
 * Returns 1 or 0.
 */
int	cs_aia_addr_global(const struct sockaddr *a, socklen_t len);

/*
 * Whether url is one certsift fetches: http or https, with a host, no
 * user name or password, at most CS_AIA_URL_MAX bytes. Returns 1, or 0
 * with the reason in why (may be NULL).
 */
int	cs_aia_url_ok(const char *url, char *why, size_t whylen);

/* The name `aia --list` suggests for url's response: SHA-256 hex + ".cer". */
#define CS_AIA_FILE_LEN	68
void	cs_aia_file_name(const char *url, char out[CS_AIA_FILE_LEN + 1]);

/* A URL to fetch, and what is behind it. */
struct cs_aia_target {
	char			*url;
	char			 file[CS_AIA_FILE_LEN + 1];
	int			 level;		/* 1: a chain's certificate
						 * lacks its issuer; 2, 3: an
						 * AIA certificate above */
	uint64_t		 reports;	/* behind it, matching */
	uint64_t		 chains;
	char			*issuer;	/* the issuer it should hold */
	int			 supported;	/* cs_aia_url_ok() */
	int			 fetched;	/* rec is its last fetch */
	struct cs_aia_urlrec	 rec;
};

struct cs_aia_plan {
	struct cs_aia_target	*v;	/* most reports first, then URL */
	size_t			 n;
	uint64_t		 reports;	/* unknown-issuer, in all */
};

#define CS_AIA_PLAN_INIT { NULL, 0, 0 }

/*
 * The URLs of the walks of missing (mo: roots, known, selection; its
 * on_end and walk_aia are set here) that end unknown-issuer, up to
 * CS_AIA_LEVELS, with the store's record of each. Release *out with
 * cs_aia_plan_release() (also on failure). Returns 0 or -1.
 */
int	cs_aia_plan(struct cs_store *st, const struct cs_missing_opts *mo,
	    struct cs_aia_plan *out, struct cs_err *err);
void	cs_aia_plan_release(struct cs_aia_plan *p);

/* The certificates of a response. */
struct cs_aia_certs {
	struct cs_aia_der	*v;	/* each der its own allocation */
	size_t			 n, cap;
};

#define CS_AIA_CERTS_INIT { NULL, 0, 0 }

/*
 * Reads the certificates of a response or file: one DER certificate, PEM
 * blocks (CERTIFICATE, PKCS7), or a PKCS#7 SignedData (DER), each of its
 * certificates. At most CS_AIA_MAX_CERTS are kept. Returns how many (0:
 * none, the body is not a certificate), or -1 (CS_ENOMEM). Release *out
 * with cs_aia_certs_release().
 */
long	cs_aia_parse(const unsigned char *p, size_t len,
	    struct cs_aia_certs *out, struct cs_err *err);
void	cs_aia_certs_release(struct cs_aia_certs *c);

/* Fetching. */
struct cs_aia_fetch_opts {
	int		 jobs;		/* at once; 0: 8 */
	long		 timeout_ms;	/* per URL, redirects included */
	size_t		 max_bytes;	/* read at most; 0: 256 KiB */
	int		 allow_private;	/* connect to any address */
	const char	*proxy;		/* NULL: none (not the environment's) */
};

/* How one URL went. */
struct cs_aia_result {
	int		 status;	/* CS_AIA_* */
	int		 http;		/* the last HTTP status, 0: none */
	int		 redirects;
	char		 detail[160];	/* why it failed, for people */
	struct cs_buf	 body;		/* the response (CS_AIA_OK) */
};

/*
 * Fetches urls[0, n), opts->jobs at a time, and calls done(arg, i, r) as
 * each ends (r is valid during the call). done returns 0, or -1 to stop
 * (then this returns -1 with err as done set it). Returns 0 or -1.
 */
int	cs_aia_fetch(const char *const *urls, size_t n,
	    const struct cs_aia_fetch_opts *opts,
	    int (*done)(void *arg, size_t i, struct cs_aia_result *r,
	    struct cs_err *err), void *arg, struct cs_err *err);

/*
 * Keeps the outcome of fetching url at time when (url NULL: certificates
 * imported without one): its record (status, http, the number of
 * certificates) and the certificates, whose number new to the store's
 * AIA certificates goes to *added (may be NULL). A status of
 * CS_AIA_REFUSED or CS_AIA_UNSUPPORTED keeps nothing. Returns 0 or -1.
 */
int	cs_aia_keep(struct cs_store *st, const char *url, int64_t when,
	    int status, int http, const struct cs_aia_certs *certs,
	    size_t *added, struct cs_err *err);

#endif
