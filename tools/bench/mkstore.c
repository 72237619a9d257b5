/*
 * mkstore: writes N reports whose leaves are N distinct certificates, for
 * benchmarking queries over a large store. Each leaf is a copy of a
 * template certificate with its own serial number and subject CN (the
 * signature no longer verifies, which parsing does not check); issuers
 * come from a few templates, so `top issuers` has rows to group.
 *
 *   mkstore [-f first] N template.pem issuer.pem... > reports.jsonl
 *
 * -f numbers the leaves from first (default 0): two runs with disjoint
 * ranges make stores with no certificate in common, to merge.
 */
#define _GNU_SOURCE
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
	unsigned char *ders[64], *leaves[64], *leaf, *cnp, *snp;
	size_t cnoff[64], snoff[64];
	int lens[64], leaflen[64], nis, is, i, n;
	long count, first = 0;
	X509 *tmpl;

	if (argc > 2 && strcmp(argv[1], "-f") == 0) {
		first = atol(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 4 || (count = atol(argv[1])) <= 0 || first < 0) {
		fprintf(stderr, "usage: mkstore [-f first] N template.pem "
		    "issuer.pem...\n");
		return 2;
	}
	tmpl = load(argv[2]);
	for (nis = 0; nis < argc - 3 && nis < 64; nis++) {
		X509 *x = load(argv[3 + nis]);

		ders[nis] = NULL;
		lens[nis] = i2d_X509(x, &ders[nis]);
		X509_free(x);
	}
	if (count > 7000000 - first) {
		fprintf(stderr, "mkstore: at most 7000000 certificates\n");
		return 2;
	}
	/*
	 * One leaf per issuer is made with OpenSSL; every other is a copy
	 * of it with its serial (1000000 + i, always 3 bytes) and the digits
	 * of its CN (host%07d.bench.example) patched in place: the same
	 * length, so nothing else in the DER moves, and 100 times faster
	 * than encoding each.
	 */
	for (is = 0; is < nis; is++) {
		X509 *x = X509_dup(tmpl), *ix;
		X509_NAME *nm = X509_NAME_new();
		ASN1_INTEGER *serial = ASN1_INTEGER_new();
		BIGNUM *bn = BN_new();
		const unsigned char *p = ders[is];

		BN_set_word(bn, 1000000);
		BN_to_ASN1_INTEGER(bn, serial);
		X509_set_serialNumber(x, serial);
		X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
		    (const unsigned char *)"host0000000.bench.example", -1, -1,
		    0);
		X509_set_subject_name(x, nm);
		ix = d2i_X509(NULL, &p, lens[is]);
		X509_set_issuer_name(x, X509_get_subject_name(ix));
		X509_free(ix);
		leaves[is] = NULL;
		(void)i2d_re_X509_tbs(x, NULL);	/* force re-encoding */
		leaflen[is] = n = i2d_X509(x, &leaves[is]);
		if ((cnp = memmem(leaves[is], n, "host0000000", 11)) == NULL ||
		    (snp = memmem(leaves[is], n, "\x02\x03\x0f\x42\x40", 5)) ==
		    NULL) {
			fprintf(stderr, "mkstore: cannot find the fields\n");
			return 1;
		}
		cnoff[is] = (size_t)(cnp - leaves[is]) + 4;
		snoff[is] = (size_t)(snp - leaves[is]) + 2;
		BN_free(bn);
		ASN1_INTEGER_free(serial);
		X509_NAME_free(nm);
		X509_free(x);
	}
	for (i = (int)first; i < first + count; i++) {
		unsigned long sn = 1000000ul + (unsigned long)i;
		char digits[8];

		is = i % nis;
		leaf = leaves[is];
		snprintf(digits, sizeof(digits), "%07d", i);
		memcpy(leaf + cnoff[is], digits, 7);
		leaf[snoff[is]] = (unsigned char)(sn >> 16);
		leaf[snoff[is] + 1] = (unsigned char)(sn >> 8);
		leaf[snoff[is] + 2] = (unsigned char)sn;
		printf("{\"hostname\":\"host%07d.bench.example\",\"port\":443,"
		    "\"timestamp\":%d,\"errorCode\":-8179,\"failedCertChain\""
		    ":[\"", i, 1790000000 + i % 2592000);
		b64(leaf, leaflen[is], stdout);
		fputs("\",\"", stdout);
		b64(ders[is], lens[is], stdout);
		fputs("\"]}\n", stdout);
	}
	return 0;
}
