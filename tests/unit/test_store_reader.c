/*
 * cs_store_reader(): a second handle on a store's snapshot, for another
 * thread. It reads what the first handle reads; when a writer (another
 * process) committed after the first handle pinned its snapshot, it is
 * refused (1), since LMDB cannot begin a transaction on an older snapshot,
 * and the caller goes on with one handle.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <unistd.h>

#include "certsift/ingest.h"
#include "certsift/store.h"
#include "t.h"

static char dir[] = "/tmp/test_store_reader.XXXXXX";

/* Ingests the corpus file name into the store (a new process's work). */
static int
ingest(const char *name)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_ingest_opts o;
	struct cs_ingest *ing = NULL;
	struct cs_store *st = NULL;
	const char *corpus = getenv("CORPUS");
	char path[512];
	int fd, ret = -1;

	snprintf(path, sizeof(path), "%s/sample/%s", corpus ? corpus :
	    "corpus", name);
	memset(&o, 0, sizeof(o));
	o.jobs = 1;
	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	if (cs_store_open(dir, CS_STORE_CREATE, &st, &err) == 0 &&
	    cs_ingest_new(st, &o, &ing, &err) == 0 &&
	    cs_ingest_fd(ing, fd, name, 0, &err) == 0)
		ret = 0;
	if (ret == -1)
		printf("ingest %s: %s\n", name, err.msg);
	cs_ingest_free(ing);
	cs_store_close(st);
	close(fd);
	return ret;
}

/* The same in a child process: LMDB opens a store once per process. */
static int
ingest_apart(const char *name)
{
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		_exit(ingest(name) == 0 ? 0 : 1);
	if (waitpid(pid, &status, 0) == -1)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static uint64_t
reports(struct cs_store *st)
{
	struct cs_err err = CS_ERR_INIT;
	uint64_t n[CS_N_COUNTERS];

	if (cs_store_counters(st, n, &err) == -1)
		return UINT64_MAX;
	return n[CS_N_REPORTS_ACCEPTED];
}

int
main(void)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL, *r = NULL;
	uint64_t before;
	char cmd[600];

	if (mkdtemp(dir) == NULL)
		return 1;
	CHECK(ingest_apart("flat-2026-10-w1.jsonl") == 0);
	CHECK(cs_store_open(dir, 0, &st, &err) == 0);
	if (st == NULL)
		return t_done();

	/* Unpinned: no snapshot to share. */
	CHECK(cs_store_reader(st, &r, &err) == -1 && r == NULL);
	CHECK(err.code == CS_EUSAGE);

	/* Pinned: the reader sees what st sees. */
	CHECK(cs_store_read_begin(st, &err) == 0);
	before = reports(st);
	CHECK(before > 0 && before != UINT64_MAX);
	CHECK(cs_store_reader(st, &r, &err) == 0 && r != NULL);
	CHECK_INT(reports(r), before);
	cs_store_close(r);
	r = NULL;

	/* Another process commits: st still reads its snapshot, and a
	 * reader of it cannot be had. */
	CHECK(ingest_apart("windows-2026-10-w4.jsonl") == 0);
	CHECK_INT(reports(st), before);
	CHECK(cs_store_reader(st, &r, &err) == 1 && r == NULL);

	/* A new snapshot: a reader again, of the new figures. */
	cs_store_read_end(st);
	CHECK(cs_store_read_begin(st, &err) == 0);
	CHECK(reports(st) > before);
	CHECK(cs_store_reader(st, &r, &err) == 0 && r != NULL);
	if (r != NULL)
		CHECK_INT(reports(r), reports(st));
	/* Closing the reader leaves st's environment open. */
	cs_store_close(r);
	CHECK(reports(st) > before);
	cs_store_close(st);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return t_done();
}
