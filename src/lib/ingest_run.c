#include "certsift/ingest_run.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "certsift/ingest_files.h"
#include "certsift/store.h"

int
cs_ingest_hosts_mode(struct cs_ingest_opts *o, const char *mode,
    struct cs_buf *key, struct cs_err *err)
{
	if (strcmp(mode, "clear") == 0 || strcmp(mode, "none") == 0) {
		o->hosts = mode[0] == 'c' ? CS_HOSTS_CLEAR : CS_HOSTS_NONE;
		return 0;
	}
	if (strncmp(mode, "keyed:", 6) != 0)
		return cs_err_set(err, CS_EUSAGE, "--hosts takes none, clear "
		    "or keyed:FILE, not '%s'", mode);
	if (cs_ingest_key_read(mode + 6, key, err) == -1)
		return -1;
	o->hosts = CS_HOSTS_KEYED;
	o->host_key = key->data;
	o->host_key_len = key->len;
	return 0;
}

int
cs_ingest_run(const char *db, const char *known,
    const struct cs_ingest_opts *o, const struct cs_files *paths,
    struct cs_ingest_notes *n, struct cs_ingest_sum *sum, struct cs_err *err)
{
	struct cs_ingest_opts io = *o;
	struct cs_store *st = NULL;
	struct cs_ingest *ing = NULL;
	char msg[512];
	size_t ahead;
	int ret = -1;

	io.known = NULL;
	io.bad = cs_ingest_notes_bad;
	io.damaged = cs_ingest_notes_damaged;
	io.progress = cs_ingest_notes_progress;
	io.arg = n;
	if ((known != NULL && cs_store_open(known, CS_STORE_RDONLY, &io.known,
	    err) == -1) || cs_store_open(db, CS_STORE_CREATE, &st, err) == -1 ||
	    cs_ingest_new(st, &io, &ing, err) == -1)
		goto out;
	if (cs_store_upgraded(st)) {
		cs_store_upgrade_msg(st, msg, sizeof(msg));
		fprintf(n->f, "%s%s\n", n->prefix, msg);
	}
	ahead = io.jobs > 0 ? (size_t)io.jobs :
	    (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	ret = cs_ingest_files(ing, paths, ahead, cs_ingest_notes_done, n) ==
	    -1;
	cs_ingest_notes_clear(n);
	cs_ingest_summary(ing, sum);
out:
	cs_ingest_free(ing);
	cs_store_close(st);
	cs_store_close(io.known);
	return ret;
}
