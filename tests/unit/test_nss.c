/* NSS error codes (certsift/nss.h), against data/nss-errors.tsv. */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/nss.h"

#include "t.h"

static void
parse_at(const char *s, int want, const char *file, int line)
{
	int code = 12345678;
	char what[160];

	snprintf(what, sizeof(what), "cs_nss_parse(\"%s\") == 0", s);
	if (t_check(cs_nss_parse(s, &code) == 0, file, line, what))
		t_check_int(code, want, file, line, "code");
}

static void
bad_at(const char *s, const char *file, int line)
{
	int code = 7;
	char what[160];

	snprintf(what, sizeof(what), "cs_nss_parse(\"%s\") == -1", s);
	t_check(cs_nss_parse(s, &code) == -1, file, line, what);
	t_check_int(code, 7, file, line, "code untouched");
}

#define PARSE(s, want)	parse_at((s), (want), __FILE__, __LINE__)
#define BAD(s)		bad_at((s), __FILE__, __LINE__)

static void
test_known(void)
{
	CHECK_STR(cs_nss_name(-8179), "SEC_ERROR_UNKNOWN_ISSUER");
	CHECK_STR(cs_nss_desc(-8179),
	    "Peer's Certificate issuer is not recognized.");
	CHECK_STR(cs_nss_name(-8181), "SEC_ERROR_EXPIRED_CERTIFICATE");
	CHECK_STR(cs_nss_name(-12276), "SSL_ERROR_BAD_CERT_DOMAIN");
	CHECK_STR(cs_nss_name(-16384),
	    "MOZILLA_PKIX_ERROR_KEY_PINNING_FAILURE");
	CHECK_STR(cs_nss_name(-16370), "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT");
	CHECK_STR(cs_nss_name(-8156), "SEC_ERROR_CA_CERT_INVALID");
	/* Unknown codes */
	CHECK(cs_nss_name(0) == NULL);
	CHECK(cs_nss_name(1) == NULL);
	CHECK(cs_nss_name(-1) == NULL);
	CHECK(cs_nss_name(-16385) == NULL);
	CHECK(cs_nss_name(-7999) == NULL);
	CHECK(cs_nss_desc(12345) == NULL);
}

static void
test_parse(void)
{
	PARSE("-8179", -8179);
	PARSE("-12276", -12276);
	PARSE("0", 0);
	PARSE("42", 42);		/* any number, in the table or not */
	PARSE("-99999", -99999);
	PARSE("2147483647", 2147483647);
	PARSE("SEC_ERROR_UNKNOWN_ISSUER", -8179);
	PARSE("sec_error_unknown_issuer", -8179);
	PARSE("Sec_Error_Unknown_Issuer", -8179);
	PARSE("ssl_error_bad_cert_domain", -12276);
	PARSE("MOZILLA_PKIX_ERROR_KEY_PINNING_FAILURE", -16384);
	BAD("NO_SUCH_ERROR");
	BAD("SEC_ERROR_UNKNOWN_ISSUE");
	BAD("SEC_ERROR_UNKNOWN_ISSUERX");
	BAD("");
	BAD("-");
	BAD("12x");
	BAD("-8179 ");
	BAD(" -8179");
	BAD("--8179");
	BAD("8179.0");
	BAD("99999999999");
	BAD("-99999999999");
	BAD("2147483648");
	BAD("SEC_ERROR_UNKNOWN_ISSUER ");
}

/* Every row of the table, both ways, and its name in lower case. */
static void
test_table(void)
{
	char *tsv, *line, *next, lower[128];
	size_t rows = 0, bad = 0, i;

	if ((tsv = t_read_file("data/nss-errors.tsv", NULL)) == NULL)
		return;
	for (line = tsv; line != NULL && *line != '\0'; line = next) {
		char *name, *desc, *end;
		long code;
		int back = 0;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "code\t", 5) == 0)
			continue;		/* the header */
		code = strtol(line, &end, 10);
		if (*end != '\t' || (name = end + 1) == NULL ||
		    (desc = strchr(name, '\t')) == NULL) {
			bad++;
			continue;
		}
		*desc++ = '\0';
		rows++;
		if (cs_nss_name((int)code) == NULL ||
		    strcmp(cs_nss_name((int)code), name) != 0 ||
		    cs_nss_desc((int)code) == NULL ||
		    strcmp(cs_nss_desc((int)code), desc) != 0 ||
		    cs_nss_parse(name, &back) != 0 || back != code) {
			printf("\trow %ld %s\n", code, name);
			bad++;
			continue;
		}
		for (i = 0; name[i] != '\0' && i + 1 < sizeof(lower); i++)
			lower[i] = (char)tolower((unsigned char)name[i]);
		lower[i] = '\0';
		back = 0;
		if (cs_nss_parse(lower, &back) != 0 || back != code) {
			printf("\trow %ld %s (lower case)\n", code, name);
			bad++;
		}
	}
	CHECK(rows > 300);
	CHECK_INT(bad, 0);
	free(tsv);
}

int
main(void)
{
	test_known();
	test_parse();
	test_table();
	return t_done();
}
