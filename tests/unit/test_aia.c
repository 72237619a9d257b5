/*
 * AIA (certsift/aia.h): which addresses a fetch may connect to, which URLs
 * it fetches, the names --list suggests, and reading responses.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/aia.h"
#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/export.h"

#include "t.h"

/* Whether the address in text (IPv4 or IPv6) is global. */
static int
global(const char *text)
{
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;

	memset(&v4, 0, sizeof(v4));
	memset(&v6, 0, sizeof(v6));
	if (inet_pton(AF_INET, text, &v4.sin_addr) == 1) {
		v4.sin_family = AF_INET;
		return cs_aia_addr_global((struct sockaddr *)&v4, sizeof(v4));
	}
	if (inet_pton(AF_INET6, text, &v6.sin6_addr) == 1) {
		v6.sin6_family = AF_INET6;
		return cs_aia_addr_global((struct sockaddr *)&v6, sizeof(v6));
	}
	printf("bad address in the test: %s\n", text);
	return -1;
}

static void
test_addresses(void)
{
	static const char *const bad[] = {
		"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255",
		"100.64.0.1", "100.127.255.254", "127.0.0.1", "127.255.0.9",
		"169.254.169.254", "172.16.0.1", "172.31.255.255",
		"192.0.0.8", "192.0.2.1", "192.88.99.1", "192.168.1.1",
		"198.18.0.1", "198.19.255.1", "198.51.100.7", "203.0.113.9",
		"224.0.0.1", "239.255.255.250", "240.0.0.1",
		"255.255.255.255",
		"::", "::1", "::127.0.0.1", "::ffff:127.0.0.1",
		"::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:0:0",
		"64:ff9b::127.0.0.1", "64:ff9b::a00:1", "64:ff9b:1::1",
		"fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1",
		"ff02::1", "ff0e::1", "2001::1", "2001:0:4136:e378::1",
		"2001:2::1", "2001:10::1", "2001:20::1", "2001:db8::1",
		"2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101::1",
		"3fff::1", "100::1", "4000::1", "::2:3:4:5",
	};
	static const char *const good[] = {
		"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.1",
		"100.63.255.255", "100.128.0.0", "126.255.255.255",
		"128.0.0.1", "169.253.0.1", "172.15.255.255", "172.32.0.1",
		"192.0.1.1", "192.167.1.1", "192.169.0.1", "198.17.0.1",
		"198.20.0.1", "203.0.114.1", "223.255.255.254",
		"2606:4700:4700::1111", "2a00:1450:4001::1", "2001:200::1",
		"2001:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
		"2002:808:808::1", "3ffe::1",
	};
	struct sockaddr sa;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK(global(bad[i]) == 0))
			printf("\t%s counts as global\n", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!CHECK(global(good[i]) == 1))
			printf("\t%s does not count as global\n", good[i]);
	/* Other families and short lengths are refused. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	CHECK_INT(cs_aia_addr_global(&sa, sizeof(sa)), 0);
	sa.sa_family = AF_INET6;
	CHECK_INT(cs_aia_addr_global(&sa, sizeof(sa)), 0);
	CHECK_INT(cs_aia_addr_global(NULL, 0), 0);
}

static void
test_urls(void)
{
	static const char *const ok[] = {
		"http://crt.example.com/ca.crt",
		"https://crt.example.com:8443/a/b.p7c?x=1",
		"HTTP://EXAMPLE.COM/x.der",
		"http://127.0.0.1/x",		/* refused when connecting */
	};
	static const char *const no[] = {
		"ldap://ldap.example.com/cn=ca",
		"ftp://ftp.example.com/ca.der",
		"file:///etc/passwd",
		"gopher://example.com/1",
		"http://user@example.com/ca.der",
		"http://user:pw@example.com/ca.der",
		"http://:pw@example.com/ca.der",
		"http://",
		"http://exa mple.com/",
		"http://example.com/\x01",
		"http://example.com/\xc3\xa9",
		"crt.example.com/ca.crt",
		"",
	};
	char why[96], big[600];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!CHECK_INT(cs_aia_url_ok(ok[i], why, sizeof(why)), 1))
			printf("\t%s: %s\n", ok[i], why);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!CHECK_INT(cs_aia_url_ok(no[i], why, sizeof(why)), 0))
			printf("\t%s is fetched\n", no[i]);
	CHECK(cs_aia_url_ok("http://u@example.com/", why, sizeof(why)) == 0 &&
	    strstr(why, "credentials") != NULL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "http://example.com/", 19);
	CHECK_INT(cs_aia_url_ok(big, why, sizeof(why)), 0);
	big[CS_AIA_URL_MAX] = '\0';
	CHECK_INT(cs_aia_url_ok(big, why, sizeof(why)), 1);
}

static void
test_names(void)
{
	char f[CS_AIA_FILE_LEN + 1];

	/* SHA-256 of the URL's bytes, then ".cer": nothing else of it. */
	cs_aia_file_name("http://x/", f);
	CHECK_STR(f, "37844e1d35c3b9ff99fb483814d3f860fe8ae757f236cac8"
	    "def2502f48f8639d.cer");
	CHECK_INT(strlen(f), CS_AIA_FILE_LEN);
	CHECK(strspn(f, "0123456789abcdef") == 64);
	CHECK_STR(f + 64, ".cer");
	{
		char g[CS_AIA_FILE_LEN + 1];
		unsigned char sha[32];
		char hex[65];

		cs_sha256("http://x/", 9, sha);
		cs_sha256_hex(sha, hex);
		cs_aia_file_name("http://x/", g);
		CHECK_MEM(g, 64, hex, 64);
		cs_aia_file_name("../../etc/passwd", g);
		CHECK(strchr(g, '/') == NULL);
	}
}

static int
slurp(const char *path, struct cs_buf *b)
{
	char tmp[4096];
	FILE *f;
	size_t n;

	cs_buf_reset(b);
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		cs_buf_append(b, tmp, n, NULL);
	fclose(f);
	return 0;
}

/* Parses the file and checks the number of certificates found. */
static long
parse_file(const char *path)
{
	struct cs_buf b = CS_BUF_INIT;
	struct cs_aia_certs c = CS_AIA_CERTS_INIT;
	struct cs_err err = CS_ERR_INIT;
	long n;

	if (slurp(path, &b) == -1) {
		printf("cannot read %s\n", path);
		return -2;
	}
	n = cs_aia_parse(b.data, b.len, &c, &err);
	CHECK_INT(c.n, n < 0 ? 0 : n);
	cs_aia_certs_release(&c);
	cs_buf_release(&b);
	return n;
}

static void
test_parse(void)
{
	const char *corpus = getenv("CORPUS") ? getenv("CORPUS") : "corpus";
	struct cs_aia_certs c = CS_AIA_CERTS_INIT;
	struct cs_err err = CS_ERR_INIT;
	struct cs_buf b = CS_BUF_INIT, two = CS_BUF_INIT;
	char path[512];
	unsigned char sha[32];

	snprintf(path, sizeof(path), "%s/certs/gen/sample-int1.pem", corpus);
	CHECK_INT(parse_file(path), 1);
	/* Two PEM blocks, with text around them. */
	slurp(path, &b);
	cs_buf_appendf(&two, NULL, "junk\n%s\nmore junk\n%s", b.data, b.data);
	snprintf(path, sizeof(path), "%s/certs/gen/sample-root.pem", corpus);
	slurp(path, &b);
	cs_buf_append(&two, b.data, b.len, NULL);
	CHECK_INT(cs_aia_parse(two.data, two.len, &c, &err), 3);
	CHECK_INT(c.n, 3);
	cs_sha256(c.v[2].der, c.v[2].len, sha);
	CHECK_MEM(sha, 32, c.v[2].sha256, 32);
	cs_aia_certs_release(&c);
	/* Not certificates. */
	CHECK_INT(cs_aia_parse((const unsigned char *)"", 0, &c, &err), 0);
	CHECK_INT(cs_aia_parse((const unsigned char *)"<html>404</html>", 16,
	    &c, &err), 0);
	CHECK_INT(cs_aia_parse((const unsigned char *)"\x30\x82\x01\x00", 4,
	    &c, &err), 0);
	CHECK_INT(cs_aia_parse((const unsigned char *)"-----BEGIN "
	    "CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 56, &c,
	    &err), 0);
	CHECK_INT(c.n, 0);
	/* A DER certificate with a byte more is none. */
	snprintf(path, sizeof(path), "%s/certs/gen/sample-int1.pem", corpus);
	slurp(path, &b);
	CHECK(cs_aia_parse(b.data, b.len, &c, &err) == 1);
	cs_buf_reset(&two);
	cs_buf_append(&two, c.v[0].der, c.v[0].len, NULL);
	cs_aia_certs_release(&c);
	CHECK_INT(cs_aia_parse(two.data, two.len, &c, &err), 1);
	cs_aia_certs_release(&c);
	cs_buf_append(&two, "", 1, NULL);
	CHECK_INT(cs_aia_parse(two.data, two.len, &c, &err), 0);
	cs_aia_certs_release(&c);
	/* Truncated at every length: never a certificate, never a crash. */
	{
		size_t n;

		for (n = 0; n + 1 < two.len; n += 7) {
			CHECK_INT(cs_aia_parse(two.data, n, &c, &err), 0);
			cs_aia_certs_release(&c);
		}
	}
	cs_buf_release(&b);
	cs_buf_release(&two);
}

int
main(void)
{
	test_addresses();
	test_urls();
	test_names();
	test_parse();
	return t_done();
}
