#include "certsift/aia.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "certsift/export.h"
#include "certsift/vec.h"
#include "certsift/x509.h"
#include "curl_dl.h"

const char *
cs_aia_status_name(int status)
{
	static const char *const names[CS_AIA_NSTATUS] = { "ok", "dns",
	    "connect", "tls", "http", "timeout", "too-large",
	    "not-a-certificate", "redirect", "refused", "unsupported",
	    "error" };

	if (status < 0 || status >= CS_AIA_NSTATUS)
		return "error";
	return names[status];
}

/* ---- addresses ------------------------------------------------------------ */

/* Whether a (host order) is a global unicast IPv4 address. */
static int
v4_global(uint32_t a)
{
	static const struct {
		uint32_t	net;
		int		bits;
	} bad[] = {
		{ 0x00000000, 8 },	/* "this network", 0.0.0.0 */
		{ 0x0a000000, 8 },	/* RFC 1918 */
		{ 0x64400000, 10 },	/* shared address space, RFC 6598 */
		{ 0x7f000000, 8 },	/* loopback */
		{ 0xa9fe0000, 16 },	/* link-local */
		{ 0xac100000, 12 },	/* RFC 1918 */
		{ 0xc0000000, 24 },	/* IETF protocol assignments */
		{ 0xc0000200, 24 },	/* TEST-NET-1 */
		{ 0xc01fc400, 24 },	/* AS112 */
		{ 0xc034c100, 24 },	/* AMT */
		{ 0xc0586300, 24 },	/* 6to4 relay anycast */
		{ 0xc0a80000, 16 },	/* RFC 1918 */
		{ 0xc0af3000, 24 },	/* direct delegation AS112 */
		{ 0xc6120000, 15 },	/* benchmarking */
		{ 0xc6336400, 24 },	/* TEST-NET-2 */
		{ 0xcb007100, 24 },	/* TEST-NET-3 */
		{ 0xe0000000, 4 },	/* multicast */
		{ 0xf0000000, 4 },	/* reserved, broadcast */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if ((a & (0xffffffffu << (32 - bad[i].bits))) == bad[i].net)
			return 0;
	return 1;
}

static uint32_t
v4_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int
v6_global(const unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };
	static const unsigned char zero[12];

	/* IPv4 inside: mapped, NAT64 (as its embedded address). */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return v4_global(v4_at(a + 12));
	if (memcmp(a, zero, 12) == 0)
		return 0;	/* ::, ::1, IPv4-compatible (deprecated) */
	if ((a[0] & 0xe0) != 0x20)
		return 0;	/* not 2000::/3: ULA, link-local, multicast */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02)
		return 0;	/* 2001::/23: Teredo, benchmarking, ORCHID */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return 0;	/* documentation */
	if (a[0] == 0x3f && a[1] == 0xff && a[2] < 0x10)
		return 0;	/* documentation, 3fff::/20 */
	if (a[0] == 0x20 && a[1] == 0x02)
		return v4_global(v4_at(a + 2));		/* 6to4 */
	return 1;
}

int
cs_aia_addr_global(const struct sockaddr *a, socklen_t len)
{
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;

	if (a == NULL)
		return 0;
	if (a->sa_family == AF_INET && len >= (socklen_t)sizeof(v4)) {
		memcpy(&v4, a, sizeof(v4));
		return v4_global(ntohl(v4.sin_addr.s_addr));
	}
	if (a->sa_family == AF_INET6 && len >= (socklen_t)sizeof(v6)) {
		memcpy(&v6, a, sizeof(v6));
		return v6_global(v6.sin6_addr.s6_addr);
	}
	return 0;
}

/* Whether host (as libcurl's URL parser gives it) is a refused literal. */
static int
host_refused(const char *host)
{
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	char b[64];
	size_t n = strlen(host);

	memset(&v4, 0, sizeof(v4));
	memset(&v6, 0, sizeof(v6));
	v4.sin_family = AF_INET;
	v6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET, host, &v4.sin_addr) == 1)
		return !cs_aia_addr_global((struct sockaddr *)&v4,
		    sizeof(v4));
	if (n > 2 && n < sizeof(b) && host[0] == '[') {
		memcpy(b, host + 1, n - 2);
		b[n - 2] = '\0';
		if (strchr(b, '%') != NULL)
			return 1;	/* a zone: link-local */
		if (inet_pton(AF_INET6, b, &v6.sin6_addr) == 1)
			return !cs_aia_addr_global((struct sockaddr *)&v6,
			    sizeof(v6));
	}
	return 0;
}

/* ---- URLs ----------------------------------------------------------------- */

static void
say(char *why, size_t whylen, const char *s)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", s);
}

/*
 * A name that is this machine by definition (RFC 6761 6.3): localhost,
 * and any name under .localhost, in any case, with or without the root's
 * dot.
 */
static int
loopback_name(const char *host)
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (n > 10 && strncasecmp(host + n - 10, ".localhost", 10) == 0);
}

/* What url_check() refuses besides bad URLs. */
enum {
	CHECK_URL,		/* only the URL's form */
	CHECK_LITERAL,		/* and non-global addresses written out */
	CHECK_NAMES		/* and loopback names: a proxy resolves */
};

/*
 * Checks url as cs_aia_url_ok() does; from CHECK_LITERAL on, also refuses
 * a host that is a non-global address written out (libcurl has already
 * turned 2130706433 and 0x7f.1 into 127.0.0.1); with CHECK_NAMES, also a
 * loopback name, for a proxy that resolves names where certsift cannot
 * check the address.
 */
static int
url_check(const char *url, int check, char *why, size_t whylen)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *part = NULL;
	const char *p;
	int ok = 0;

	if (strlen(url) > CS_AIA_URL_MAX) {
		say(why, whylen, "URL longer than 500 bytes");
		return 0;
	}
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			say(why, whylen, "URL with spaces, controls or "
			    "non-ASCII bytes");
			return 0;
		}
	if (cs_curl_load(NULL) == -1) {
		say(why, whylen, "libcurl cannot be loaded");
		return 0;
	}
	if ((u = cs_curl_fns.url()) == NULL) {
		say(why, whylen, "out of memory");
		return 0;
	}
	if (cs_curl_fns.url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    cs_curl_fns.url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		/* libcurl refuses schemes it was built without. */
		say(why, whylen, "not an http or https URL");
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		say(why, whylen, "not an http or https URL");
		goto out;
	}
	if (cs_curl_fns.url_get(u, CURLUPART_USER, &part, 0) !=
	    CURLUE_NO_USER || cs_curl_fns.url_get(u, CURLUPART_PASSWORD,
	    &part, 0) != CURLUE_NO_PASSWORD) {
		say(why, whylen, "URL with credentials");
		goto out;
	}
	if (cs_curl_fns.url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    host[0] == '\0') {
		say(why, whylen, "URL without a host");
		goto out;
	}
	if (check >= CHECK_LITERAL && host_refused(host)) {
		say(why, whylen, "a non-global address");
		goto out;
	}
	if (check >= CHECK_NAMES && loopback_name(host)) {
		say(why, whylen, "a loopback name");
		goto out;
	}
	ok = 1;
out:
	cs_curl_fns.free(part);
	cs_curl_fns.free(host);
	cs_curl_fns.free(scheme);
	cs_curl_fns.url_cleanup(u);
	return ok;
}

int
cs_aia_url_ok(const char *url, char *why, size_t whylen)
{
	return url_check(url, CHECK_URL, why, whylen);
}

void
cs_aia_file_name(const char *url, char out[CS_AIA_FILE_LEN + 1])
{
	unsigned char sha[32];

	cs_sha256(url, strlen(url), sha);
	cs_sha256_hex(sha, out);
	memcpy(out + 64, ".cer", 5);
}

/* ---- the plan ------------------------------------------------------------- */

struct planacc {
	CS_VEC(struct cs_aia_target) t;
	uint64_t		 reports;
};

static int
on_end(void *arg, const struct cs_missing_end *e, struct cs_err *err)
{
	struct planacc *a = arg;
	struct cs_aia_target t;
	const char *s = e->aia;
	size_t i;

	if (e->outcome != CS_MISSING_UNKNOWN_ISSUER)
		return 0;
	if (e->chain != NULL)
		a->reports += e->reports;
	for (i = 0; i < e->naia; i++, s += strlen(s) + 1) {
		memset(&t, 0, sizeof(t));
		t.level = e->depth + 1;
		t.reports = e->reports;
		t.chains = e->chains;
		if ((t.url = strdup(s)) == NULL || (t.issuer =
		    strdup(e->issuer != NULL ? e->issuer : "")) == NULL ||
		    cs_vec_push(&a->t, t) == -1) {
			free(t.url);
			free(t.issuer);
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int
by_url(const void *a, const void *b)
{
	const struct cs_aia_target *x = a, *y = b;
	int c;

	if ((c = strcmp(x->url, y->url)) != 0)
		return c;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (x->reports != y->reports)
		return x->reports > y->reports ? -1 : 1;
	return strcmp(x->issuer, y->issuer);
}

static int
by_reports(const void *a, const void *b)
{
	const struct cs_aia_target *x = a, *y = b;

	if (x->reports != y->reports)
		return x->reports > y->reports ? -1 : 1;
	return strcmp(x->url, y->url);
}

int
cs_aia_plan(struct cs_store *st, const struct cs_missing_opts *mo,
    struct cs_aia_plan *out, struct cs_err *err)
{
	struct cs_missing_opts o = *mo;
	struct cs_missing m = CS_MISSING_INIT;
	struct planacc a;
	struct cs_aia_target *t;
	size_t i, j;
	int ret = -1;

	memset(&a, 0, sizeof(a));
	memset(out, 0, sizeof(*out));
	o.on_end = on_end;
	o.end_arg = &a;
	o.walk_aia = CS_AIA_LEVELS - 1;
	if (cs_missing_run(st, &o, &m, err) == -1)
		goto out;
	/* One target per URL: the lowest level, the sums, the issuer
	 * behind the most reports. */
	if (a.t.n > 1)
		qsort(a.t.v, a.t.n, sizeof(*a.t.v), by_url);
	for (i = 0, j = 0; i < a.t.n; i++) {
		if (j > 0 && strcmp(a.t.v[j - 1].url, a.t.v[i].url) == 0) {
			t = &a.t.v[j - 1];
			t->reports += a.t.v[i].reports;
			t->chains += a.t.v[i].chains;
			free(a.t.v[i].url);
			free(a.t.v[i].issuer);
			continue;
		}
		a.t.v[j++] = a.t.v[i];
	}
	a.t.n = j;
	for (i = 0; i < a.t.n; i++) {
		t = &a.t.v[i];
		cs_aia_file_name(t->url, t->file);
		t->supported = cs_aia_url_ok(t->url, NULL, 0);
		if (strlen(t->url) <= CS_AIA_URL_MAX &&
		    (t->fetched = cs_store_aia_url(st, t->url, &t->rec,
		    err)) == -1)
			goto out;
	}
	if (a.t.n > 1)
		qsort(a.t.v, a.t.n, sizeof(*a.t.v), by_reports);
	out->reports = a.reports;
	ret = 0;
out:
	out->v = a.t.v;		/* the caller releases it, also on failure */
	out->n = a.t.n;
	cs_missing_release(&m);
	return ret;
}

void
cs_aia_plan_release(struct cs_aia_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].url);
		free(p->v[i].issuer);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* ---- responses ------------------------------------------------------------ */

void
cs_aia_certs_release(struct cs_aia_certs *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free((void *)c->v[i].der);
	cs_vec_release(c);
}

/* Adds der when it is exactly one certificate: 1, 0 when not, -1. */
static int
add_der(struct cs_aia_certs *c, const unsigned char *der, size_t len,
    struct cs_err *err)
{
	struct cs_aia_der d;
	unsigned char *copy;

	if (len == 0 || cs_x509_check(der, len, NULL) == -1)
		return 0;
	if (c->n >= CS_AIA_MAX_CERTS)
		return 1;
	if ((copy = malloc(len)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	memcpy(copy, der, len);
	d.der = copy;
	d.len = len;
	cs_sha256(der, len, d.sha256);
	if (cs_vec_push(c, d) == -1) {
		free(copy);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	return 1;
}

/* The certificates of a PKCS#7 SignedData in DER: 1, 0 when not one, -1. */
static int
add_p7(struct cs_aia_certs *c, const unsigned char *p, size_t len,
    struct cs_err *err)
{
	const unsigned char *q = p;
	STACK_OF(X509) *certs;
	PKCS7 *p7;
	unsigned char *der = NULL;
	int i, n, ret = 0;

	if (len > 16 << 20 || (p7 = d2i_PKCS7(NULL, &q, (long)len)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	if (q != p + len || !PKCS7_type_is_signed(p7) || p7->d.sign == NULL)
		goto out;
	certs = p7->d.sign->cert;
	ret = 1;
	for (i = 0; i < sk_X509_num(certs); i++) {
		der = NULL;
		if ((n = i2d_X509(sk_X509_value(certs, i), &der)) <= 0)
			continue;
		if (add_der(c, der, (size_t)n, err) == -1)
			ret = -1;
		OPENSSL_free(der);
		if (ret == -1)
			break;
	}
out:
	PKCS7_free(p7);
	ERR_clear_error();
	return ret;
}

/* Every CERTIFICATE and PKCS7 block of a PEM text. */
static int
add_pem(struct cs_aia_certs *c, const unsigned char *p, size_t len,
    struct cs_err *err)
{
	BIO *bio;
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long n;
	int ret = 0;

	if (len > 16 << 20 ||
	    (bio = BIO_new_mem_buf(p, (int)len)) == NULL)
		return 0;
	while (ret == 0 && PEM_read_bio(bio, &name, &header, &data, &n) ==
	    1) {
		if (strcmp(name, "CERTIFICATE") == 0 ||
		    strcmp(name, "X509 CERTIFICATE") == 0)
			ret = add_der(c, data, (size_t)n, err) == -1 ? -1 : 0;
		else if (strcmp(name, "PKCS7") == 0)
			ret = add_p7(c, data, (size_t)n, err) == -1 ? -1 : 0;
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
		name = header = NULL;
		data = NULL;
	}
	BIO_free(bio);
	ERR_clear_error();
	return ret;
}

long
cs_aia_parse(const unsigned char *p, size_t len, struct cs_aia_certs *out,
    struct cs_err *err)
{
	static const char begin[] = "-----BEGIN ";
	int rc;

	if ((rc = add_der(out, p, len, err)) != 0)
		return rc == -1 ? -1 : (long)out->n;
	if (len > 0 && p[0] == 0x30) {
		if (add_p7(out, p, len, err) == -1)
			return -1;
	} else if (memmem(p, len, begin, sizeof(begin) - 1) != NULL) {
		if (add_pem(out, p, len, err) == -1)
			return -1;
	}
	return (long)out->n;
}

int
cs_aia_keep(struct cs_store *st, const char *url, int64_t when, int status,
    int http, const struct cs_aia_certs *certs, size_t *added,
    struct cs_err *err)
{
	struct cs_aia_urlrec rec;
	size_t n = certs != NULL ? certs->n : 0;

	if (added != NULL)
		*added = 0;
	if (status == CS_AIA_REFUSED || status == CS_AIA_UNSUPPORTED)
		return 0;
	memset(&rec, 0, sizeof(rec));
	rec.fetched_at = when;
	rec.status = status;
	rec.http = http;
	rec.ncerts = (uint32_t)n;
	return cs_store_aia_put(st, url, url != NULL ? &rec : NULL, when,
	    n > 0 ? certs->v : NULL, n, added, err);
}

/* ---- fetching ------------------------------------------------------------- */

struct xfer {
	CURL			*h;
	size_t			 i;		/* which URL */
	const struct cs_aia_fetch_opts *o;
	int64_t			 deadline;	/* ms, monotonic */
	int			 refused;	/* by the address check */
	int			 too_large;
	struct cs_aia_result	 r;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a URL to connect to is checked for under o. */
static int
checks(const struct cs_aia_fetch_opts *o)
{
	if (o->allow_private)
		return CHECK_URL;
	return o->proxy != NULL ? CHECK_NAMES : CHECK_LITERAL;
}

static size_t
max_bytes(const struct cs_aia_fetch_opts *o)
{
	return o->max_bytes != 0 ? o->max_bytes : 256 << 10;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (n > max_bytes(x->o) - x->r.body.len) {
		x->too_large = 1;
		return 0;		/* ends the transfer */
	}
	if (cs_buf_append(&x->r.body, p, n, NULL) == -1)
		return 0;
	return n;
}

/*
 * Every connection, to any address a name resolved to, goes through here:
 * the check is on the address connected, after resolution and for every
 * redirect, so a name that resolves to a private address, now or on the
 * second lookup (DNS rebinding), is refused.
 */
static curl_socket_t
on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = arg;
	struct sockaddr_storage ss;
	char host[INET6_ADDRSTRLEN];
	socklen_t len = a->addrlen;
	int fd;

	(void)purpose;
	memset(&ss, 0, sizeof(ss));
	if (len > sizeof(ss))
		len = sizeof(ss);
	memcpy(&ss, &a->addr, len);
	/* With a proxy, the connection is to the proxy the user named. */
	if (!x->o->allow_private && x->o->proxy == NULL &&
	    !cs_aia_addr_global((struct sockaddr *)&ss, len)) {
		x->refused = 1;
		host[0] = '\0';
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->
			    sin_addr, host, sizeof(host));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->
			    sin6_addr, host, sizeof(host));
		snprintf(x->r.detail, sizeof(x->r.detail), "refused to "
		    "connect to %s: not a global address", host);
		return CURL_SOCKET_BAD;
	}
	if ((fd = socket(a->family, a->socktype | SOCK_CLOEXEC,
	    a->protocol)) == -1)
		return CURL_SOCKET_BAD;
	return fd;
}

/* Points x's handle at url, with what is left of its time. */
static int
aim(struct xfer *x, const char *url)
{
	int64_t left = x->deadline - now_ms();

	if (left < 1)
		left = 1;
	cs_buf_reset(&x->r.body);
	x->refused = 0;
	x->too_large = 0;
	x->r.detail[0] = '\0';
	return cs_curl_fns.easy_setopt(x->h, CURLOPT_URL, url) != CURLE_OK ||
	    cs_curl_fns.easy_setopt(x->h, CURLOPT_TIMEOUT_MS, (long)left) !=
	    CURLE_OK ? -1 : 0;
}

/* The options that make a fetch safe; every one is checked. */
static int
setup(struct xfer *x)
{
	CURLcode (*set)(CURL *, CURLoption, ...) = cs_curl_fns.easy_setopt;
	CURL *h = x->h;
	const struct cs_aia_fetch_opts *o = x->o;

	if (set(h, CURLOPT_PRIVATE, x) != CURLE_OK ||
	    set(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    set(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    set(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    /* Redirects are followed here, each URL checked as the first. */
	    set(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    /* Not the environment's proxy: only --proxy. */
	    set(h, CURLOPT_PROXY, o->proxy != NULL ? o->proxy : "") !=
	    CURLE_OK ||
	    set(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED) != CURLE_OK ||
	    set(h, CURLOPT_USERAGENT, "certsift-aia") != CURLE_OK ||
	    set(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_bytes(o)) !=
	    CURLE_OK ||
	    set(h, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    set(h, CURLOPT_WRITEDATA, x) != CURLE_OK ||
	    set(h, CURLOPT_OPENSOCKETFUNCTION, on_open) != CURLE_OK ||
	    set(h, CURLOPT_OPENSOCKETDATA, x) != CURLE_OK)
		return -1;
	return 0;
}

static int
tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return 1;
	default:
		return 0;
	}
}

/* The status of a transfer that failed in libcurl. */
static int
curl_status(const struct xfer *x, CURLcode rc)
{
	if (x->refused && rc == CURLE_COULDNT_CONNECT)
		return CS_AIA_REFUSED;
	if (x->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return CS_AIA_TOO_LARGE;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return CS_AIA_DNS;
	case CURLE_COULDNT_CONNECT:
		return CS_AIA_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return CS_AIA_TIMEOUT;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return CS_AIA_UNSUPPORTED;
	default:
		return tls_error(rc) ? CS_AIA_TLS : CS_AIA_ERROR;
	}
}

/*
 * What a finished transfer means: 1 when it goes on to a redirect (the
 * handle is aimed at it), else 0 with x->r filled.
 */
static int
finish(struct xfer *x, CURLcode rc)
{
	struct cs_aia_result *r = &x->r;
	char *loc = NULL, why[96];
	long code = 0;

	cs_curl_fns.easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
	r->http = (int)code;
	if (rc != CURLE_OK) {
		r->status = curl_status(x, rc);
		if (r->status == CS_AIA_TOO_LARGE)
			snprintf(r->detail, sizeof(r->detail), "more than "
			    "%zu bytes", max_bytes(x->o));
		else if (r->status != CS_AIA_REFUSED || r->detail[0] == '\0')
			snprintf(r->detail, sizeof(r->detail), "%s",
			    cs_curl_fns.easy_strerror(rc));
		return 0;
	}
	if (code >= 300 && code < 400 && cs_curl_fns.easy_getinfo(x->h,
	    CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc != NULL) {
		r->status = CS_AIA_REDIRECT;
		if (r->redirects >= CS_AIA_REDIRECTS) {
			snprintf(r->detail, sizeof(r->detail), "more than %d "
			    "redirects", CS_AIA_REDIRECTS);
			return 0;
		}
		if (!url_check(loc, checks(x->o), why, sizeof(why))) {
			snprintf(r->detail, sizeof(r->detail), "redirect: %s",
			    why);
			return 0;
		}
		if (now_ms() >= x->deadline) {
			r->status = CS_AIA_TIMEOUT;
			snprintf(r->detail, sizeof(r->detail), "timed out");
			return 0;
		}
		r->redirects++;
		if (aim(x, loc) == -1) {
			r->status = CS_AIA_ERROR;
			snprintf(r->detail, sizeof(r->detail), "cannot set "
			    "the redirect URL");
			return 0;
		}
		return 1;
	}
	if (code < 200 || code >= 300) {
		r->status = CS_AIA_HTTP;
		snprintf(r->detail, sizeof(r->detail), "HTTP status %ld",
		    code);
		return 0;
	}
	r->status = CS_AIA_OK;
	return 0;
}

static void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	cs_curl_fns.easy_cleanup(x->h);
	cs_buf_release(&x->r.body);
	free(x);
}

/*
 * Starts urls[i]: 1 when it runs, 0 when it ended at once (r filled: a
 * URL that is not fetched), -1.
 */
static int
start(CURLM *m, const char *url, size_t i, const struct cs_aia_fetch_opts *o,
    struct xfer **out, struct cs_err *err)
{
	struct xfer *x;
	char why[96];
	long ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	*out = x;
	x->i = i;
	x->o = o;
	x->deadline = now_ms() + ms;
	if (!url_check(url, CHECK_URL, why, sizeof(why))) {
		x->r.status = CS_AIA_UNSUPPORTED;
		snprintf(x->r.detail, sizeof(x->r.detail), "%s", why);
		return 0;
	}
	/* Written out, an address is refused before any connection (with
	 * a proxy too, which resolves names itself). */
	if (!url_check(url, checks(o), why, sizeof(why))) {
		x->r.status = CS_AIA_REFUSED;
		snprintf(x->r.detail, sizeof(x->r.detail), "%s", why);
		return 0;
	}
	if ((x->h = cs_curl_fns.easy_init()) == NULL || setup(x) == -1 ||
	    aim(x, url) == -1 ||
	    cs_curl_fns.multi_add_handle(m, x->h) != CURLM_OK)
		return cs_err_set(err, CS_ENOMEM, "cannot set up libcurl");
	return 1;
}

int
cs_aia_fetch(const char *const *urls, size_t n,
    const struct cs_aia_fetch_opts *opts,
    int (*done)(void *arg, size_t i, struct cs_aia_result *r,
    struct cs_err *err), void *arg, struct cs_err *err)
{
	struct xfer **run = NULL, *x;
	CURLM *m = NULL;
	CURLMsg *msg;
	size_t next = 0, active = 0, k, jobs;
	int left, still, rc, ret = -1;

	jobs = opts->jobs > 0 ? (size_t)opts->jobs : 8;
	if (cs_curl_load(err) == -1)
		return -1;
	if (cs_curl_fns.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return cs_err_set(err, CS_ENOMEM, "cannot start libcurl");
	if ((m = cs_curl_fns.multi_init()) == NULL ||
	    (run = calloc(jobs, sizeof(*run))) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	while (next < n || active > 0) {
		while (active < jobs && next < n) {
			for (k = 0; run[k] != NULL; k++)
				;
			rc = start(m, urls[next], next, opts, &run[k], err);
			next++;
			if (rc == -1)
				goto out;
			if (rc == 1) {
				active++;
				continue;
			}
			rc = done(arg, run[k]->i, &run[k]->r, err);
			xfer_free(run[k]);
			run[k] = NULL;
			if (rc == -1)
				goto out;
		}
		if (active == 0)
			continue;
		if (cs_curl_fns.multi_perform(m, &still) != CURLM_OK) {
			cs_err_set(err, CS_EIO, "libcurl failed");
			goto out;
		}
		while ((msg = cs_curl_fns.multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			x = NULL;
			cs_curl_fns.easy_getinfo(msg->easy_handle,
			    CURLINFO_PRIVATE, (char **)&x);
			rc = msg->data.result;
			cs_curl_fns.multi_remove_handle(m, x->h);
			if (finish(x, (CURLcode)rc) == 1 &&
			    cs_curl_fns.multi_add_handle(m, x->h) == CURLM_OK)
				continue;
			for (k = 0; run[k] != x; k++)
				;
			active--;
			rc = done(arg, x->i, &x->r, err);
			xfer_free(x);
			run[k] = NULL;
			if (rc == -1)
				goto out;
		}
		if (active > 0 && cs_curl_fns.multi_poll(m, NULL, 0, 1000,
		    NULL) != CURLM_OK) {
			cs_err_set(err, CS_EIO, "libcurl failed");
			goto out;
		}
	}
	ret = 0;
out:
	for (k = 0; run != NULL && k < jobs; k++) {
		if (run[k] != NULL && run[k]->h != NULL)
			cs_curl_fns.multi_remove_handle(m, run[k]->h);
		xfer_free(run[k]);
	}
	free(run);
	cs_curl_fns.multi_cleanup(m);
	cs_curl_fns.global_cleanup();
	return ret;
}
