#include "certsift/certfind.h"

#include <sys/stat.h>

#include <string.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/files.h"

int
cs_cert_find(struct cs_store *st, const char *arg,
    unsigned char key[CS_KEY_LEN], struct cs_err *err)
{
	struct cs_buf file = CS_BUF_INIT, der = CS_BUF_INIT;
	struct stat sb;
	int rc = -1;

	if (stat(arg, &sb) != 0 || !S_ISREG(sb.st_mode))
		return cs_store_find_sha256(st, arg, key, err);
	if (cs_file_read(arg, &file, err) == -1)
		goto out;
	if (memmem(file.data, file.len, "-----BEGIN", 10) != NULL) {
		if (cs_b64_decode_cert((const char *)file.data, file.len, &der,
		    err) == -1) {
			struct cs_err e = *err;

			cs_err_set(err, e.code, "'%s': %s", arg, e.msg);
			goto out;
		}
	} else if (cs_buf_append(&der, file.data, file.len, err) == -1)
		goto out;
	rc = cs_store_find_der(st, der.data, der.len, key, err);
out:
	cs_buf_release(&file);
	cs_buf_release(&der);
	return rc;
}
