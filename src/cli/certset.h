#ifndef CERTSIFT_CERTSET_CLI_H
#define CERTSIFT_CERTSET_CLI_H

#include "certsift/missing.h"

/*
 * Adds the certificates of path to s: a PEM bundle, a DER file, any text
 * with PEM blocks in it (a CSV field, a JSON string with \n escapes), or
 * a directory of such files (not recursive; files without certificates
 * are skipped there). Returns the number of certificates found, or -1
 * after saying why (a file named directly must hold one).
 */
long	certset_load(struct cs_certset *s, const char *path);

#endif
