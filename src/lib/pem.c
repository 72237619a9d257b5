#include "certsift/pem.h"

#include "certsift/b64.h"
#include "certsift/buf.h"

int
cs_pem_write(FILE *f, const unsigned char *der, size_t len,
    struct cs_err *err)
{
	struct cs_buf b = CS_BUF_INIT;

	if (cs_b64_encode_pem(der, len, &b, err) == -1)
		return -1;
	fputs("-----BEGIN CERTIFICATE-----\n", f);
	fwrite(b.data, 1, b.len, f);
	fputs("-----END CERTIFICATE-----\n", f);
	cs_buf_release(&b);
	return 0;
}
