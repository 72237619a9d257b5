/*
 * mkstore: writes N reports whose leaves are N distinct certificates, for
 * benchmarking queries over a large store. Each leaf is a copy of a
 * template certificate with its own serial number and subject CN (the
 * signature no longer verifies, which parsing does not check); issuers
 * come from a few templates, so `top issuers` has rows to group.
 *
 *   mkstore N template.pem issuer.pem... > reports.jsonl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

static X509 *
load(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (f == NULL || (x = PEM_read_X509(f, NULL, NULL, NULL)) == NULL) {
		fprintf(stderr, "mkstore: cannot read '%s'\n", path);
		exit(1);
	}
	fclose(f);
	return x;
}

static void
b64(const unsigned char *p, int n, FILE *out)
{
	static unsigned char buf[1 << 16];
	int k = EVP_EncodeBlock(buf, p, n);

	fwrite(buf, 1, (size_t)k, out);
}

int
main(int argc, char **argv)
{
	unsigned char *ders[64], *leaf = NULL;
	int lens[64], nis, i, n;
	long count;
	X509 *tmpl;

	if (argc < 4 || (count = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: mkstore N template.pem issuer.pem...\n");
		return 2;
	}
	tmpl = load(argv[2]);
	for (nis = 0; nis < argc - 3 && nis < 64; nis++) {
		X509 *x = load(argv[3 + nis]);

		ders[nis] = NULL;
		lens[nis] = i2d_X509(x, &ders[nis]);
		X509_free(x);
	}
	for (i = 0; i < count; i++) {
		X509 *x = X509_dup(tmpl);
		X509_NAME *nm = X509_NAME_new();
		ASN1_INTEGER *serial = ASN1_INTEGER_new();
		BIGNUM *bn = BN_new();
		char cn[64];
		int is = i % nis;

		BN_set_word(bn, (BN_ULONG)i + 1000000);
		BN_to_ASN1_INTEGER(bn, serial);
		X509_set_serialNumber(x, serial);
		snprintf(cn, sizeof(cn), "host%d.bench.example", i);
		X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
		    (const unsigned char *)cn, -1, -1, 0);
		X509_set_subject_name(x, nm);
		/* The issuer name of the chosen intermediate. */
		{
			const unsigned char *p = ders[is];
			X509 *ix = d2i_X509(NULL, &p, lens[is]);

			X509_set_issuer_name(x, X509_get_subject_name(ix));
			X509_free(ix);
		}
		leaf = NULL;
		n = i2d_re_X509_tbs(x, NULL);	/* force re-encoding */
		(void)n;
		n = i2d_X509(x, &leaf);
		printf("{\"hostname\":\"host%d.bench.example\",\"port\":443,"
		    "\"timestamp\":%d,\"errorCode\":-8179,\"failedCertChain\""
		    ":[\"", i, 1790000000 + i % 2592000);
		b64(leaf, n, stdout);
		fputs("\",\"", stdout);
		b64(ders[is], lens[is], stdout);
		fputs("\"]}\n", stdout);
		OPENSSL_free(leaf);
		BN_free(bn);
		ASN1_INTEGER_free(serial);
		X509_NAME_free(nm);
		X509_free(x);
	}
	return 0;
}
