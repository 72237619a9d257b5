/*
 * AIA responses: cs_aia_parse() on arbitrary bytes (what a server sends
 * is hostile) never crashes, and every certificate it returns is one
 * OpenSSL decodes, exactly, with the SHA-256 it says. The bytes as a URL
 * go through cs_aia_url_ok(); one it accepts is http(s) without
 * credentials.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "certsift/aia.h"
#include "certsift/x509.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_aia: %s\n", what);
	abort();
}

/*
 * An accepted URL: http or https (libcurl takes "http:/host" too), no '@'
 * in its authority.
 */
static void
check_url(const char *url)
{
	const char *p;
	size_t n;

	if (strncasecmp(url, "http:", 5) == 0)
		p = url + 5;
	else if (strncasecmp(url, "https:", 6) == 0)
		p = url + 6;
	else
		fail("a URL of another scheme accepted");
	p += strspn(p, "/\\");
	n = strcspn(p, "/\\?#");
	if (memchr(p, '@', n) != NULL)
		fail("a URL with credentials accepted");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_aia_certs c = CS_AIA_CERTS_INIT;
	struct cs_err err = CS_ERR_INIT;
	unsigned char sha[32];
	char *url, why[96];
	long n;
	size_t i;

	if ((n = cs_aia_parse(data, size, &c, &err)) < 0)
		fail("cs_aia_parse failed");
	if ((size_t)n != c.n || c.n > CS_AIA_MAX_CERTS)
		fail("count");
	for (i = 0; i < c.n; i++) {
		if (cs_x509_check(c.v[i].der, c.v[i].len, NULL) == -1)
			fail("a certificate OpenSSL does not decode");
		SHA256(c.v[i].der, c.v[i].len, sha);
		if (memcmp(sha, c.v[i].sha256, 32) != 0)
			fail("sha256");
	}
	cs_aia_certs_release(&c);
	if (size < 1024 && (url = malloc(size + 1)) != NULL) {
		memcpy(url, data, size);
		url[size] = '\0';
		if (cs_aia_url_ok(url, why, sizeof(why)))
			check_url(url);
		free(url);
	}
	return 0;
}
