/*
 * The --known / --roots loader: a file's bytes as certsift missing reads
 * them (text with PEM blocks: a bundle, a CCADB CSV, JSON strings with
 * escapes; else one DER certificate). A certificate it takes is one
 * OpenSSL parses, taken once; it finds no more certificates, and skips no
 * more blocks, than the text has BEGIN CERTIFICATE lines. Any
 * disagreement aborts. ("A certificate" is one cs_x509_parse() summarises,
 * as ingest counts them: OpenSSL also decodes some it does not, such as
 * one whose validity time is not a time.)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/missing.h"
#include "certsift/x509.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BEGIN	"-----BEGIN CERTIFICATE-----"

static size_t
blocks(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *q;
	size_t n = 0;

	while ((q = memmem(p, (size_t)(end - p), BEGIN, sizeof(BEGIN) - 1)) !=
	    NULL) {
		n++;
		p = q + 1;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_certset *s = NULL;
	struct cs_cert cert = CS_CERT_INIT;
	size_t bad = 0, nb;
	long n;
	int rc, parsed;

	if (cs_certset_new(&s, &err) == -1)
		abort();
	/* The text reader over any bytes, as for a file with a block. */
	n = cs_certset_add_text(s, (const char *)data, size, &bad, &err);
	nb = blocks(data, size);
	if (n < 0 || (size_t)n + bad > nb || cs_certset_count(s) >
	    (size_t)n) {
		fprintf(stderr, "text: %ld found, %zu bad, %zu blocks, %zu "
		    "kept\n", n, bad, nb, cs_certset_count(s));
		abort();
	}
	cs_certset_free(s);

	/* One DER certificate: taken only when OpenSSL parses it, once. */
	if (cs_certset_new(&s, &err) == -1)
		abort();
	rc = cs_certset_add_der(s, data, size, &err);
	parsed = cs_x509_parse(data, size, &cert, &err) == 0;
	cs_cert_release(&cert);
	if (rc == 1) {
		if (!parsed ||
		    cs_certset_count(s) != 1 ||
		    cs_certset_add_der(s, data, size, &err) != 0) {
			fprintf(stderr, "der: taken, but not a certificate "
			    "or taken twice\n");
			abort();
		}
	} else if (rc != -1 || cs_certset_count(s) != 0 || parsed) {
		fprintf(stderr, "der: %d, but it is a certificate\n", rc);
		abort();
	}
	cs_certset_free(s);
	return 0;
}
