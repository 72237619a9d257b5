/*
 * The files commands name and write: cs_outfile's atomic output (the
 * target untouched until a good close, nothing left after a bad one),
 * cs_ingest_paths()' list (directories walked and sorted, "-" when none
 * is given) and cs_ingest_key_read().
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "certsift/files.h"
#include "certsift/ingest_files.h"
#include "t.h"

static char dir[] = "/tmp/test_files.XXXXXX";

static void
put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((f = fopen(p, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static int
has(const char *name, const char *text)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_buf b = CS_BUF_INIT;
	char p[256];
	int ok;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (cs_file_read(p, &b, &err) == -1)
		return text == NULL;
	ok = text != NULL && b.len == strlen(text) &&
	    memcmp(b.data, text, b.len) == 0;
	cs_buf_release(&b);
	return ok;
}

static int
ntemp(void)
{
	struct cs_files l = CS_FILES_INIT;
	struct cs_err err = CS_ERR_INIT;
	size_t i;
	int n = 0;

	cs_files_walk(&l, dir, 0, NULL, NULL, &err);
	for (i = 0; i < l.n; i++)
		n += strstr(l.v[i], ".tmp.") != NULL;
	cs_files_release(&l);
	return n;
}

static void
test_outfile(void)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_outfile o;
	char p[256];

	snprintf(p, sizeof(p), "%s/out", dir);
	put("out", "old\n");
	CHECK(cs_outfile_open(&o, p, &err) == 0);
	fputs("new\n", o.f);
	CHECK(has("out", "old\n"));	/* untouched until the close */
	CHECK_INT(ntemp(), 1);
	CHECK(cs_outfile_close(&o, 1, &err) == 0);
	CHECK(has("out", "new\n"));
	CHECK_INT(ntemp(), 0);

	CHECK(cs_outfile_open(&o, p, &err) == 0);
	fputs("half\n", o.f);
	CHECK(cs_outfile_close(&o, 0, &err) == -1);	/* a failed run */
	CHECK_INT(err.code, 0);
	CHECK(has("out", "new\n"));
	CHECK_INT(ntemp(), 0);

	snprintf(p, sizeof(p), "%s/no/such/dir/out", dir);
	CHECK(cs_outfile_open(&o, p, &err) == -1);
	CHECK(strncmp(err.msg, "cannot create '", 15) == 0);
	CHECK(cs_outfile_open(&o, "-", &err) == 0 && o.f == stdout);
	CHECK(cs_outfile_close(&o, 1, &err) == 0);
	CHECK(cs_outfile_open(&o, NULL, &err) == 0 && o.f == stdout);
	CHECK(cs_outfile_close(&o, 0, &err) == -1);
}

/* Not a regular file (a FIFO here, like /dev/null a device): written in
 * place, never replaced; a symbolic link: its file replaced, not it. */
static void
test_outfile_special(void)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_outfile o;
	struct stat sb;
	char p[256], q[256], buf[16];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/fifo", dir);
	CHECK(mkfifo(p, 0600) == 0);
	CHECK((fd = open(p, O_RDONLY | O_NONBLOCK)) != -1);
	CHECK(cs_outfile_open(&o, p, &err) == 0);
	CHECK_INT(ntemp(), 0);
	fputs("x\n", o.f);
	CHECK(cs_outfile_close(&o, 1, &err) == 0);
	n = read(fd, buf, sizeof(buf));
	CHECK(n == 2 && memcmp(buf, "x\n", 2) == 0);
	close(fd);
	CHECK(lstat(p, &sb) == 0 && S_ISFIFO(sb.st_mode));
	CHECK_INT(ntemp(), 0);

	snprintf(p, sizeof(p), "%s/target", dir);
	snprintf(q, sizeof(q), "%s/link", dir);
	put("target", "old\n");
	CHECK(symlink(p, q) == 0);
	CHECK(cs_outfile_open(&o, q, &err) == 0);
	fputs("new\n", o.f);
	CHECK(has("target", "old\n"));
	CHECK(cs_outfile_close(&o, 1, &err) == 0);
	CHECK(has("target", "new\n"));
	CHECK(lstat(q, &sb) == 0 && S_ISLNK(sb.st_mode));
	CHECK_INT(ntemp(), 0);
	unlink(q);
	unlink(p);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	unlink(p);
}

static void
test_paths(void)
{
	struct cs_files l = CS_FILES_INIT;
	struct cs_err err = CS_ERR_INIT;
	char d[256], sub[256], *args[3];

	snprintf(d, sizeof(d), "%s/in", dir);
	snprintf(sub, sizeof(sub), "%s/in/b", dir);
	mkdir(d, 0777);
	mkdir(sub, 0777);
	put("in/c.json", "");
	put("in/a.json", "");
	put("in/b/z.json", "");
	args[0] = "x.json";
	args[1] = d;
	args[2] = "-";
	CHECK(cs_ingest_paths(&l, args, 3, NULL, NULL, &err) == 0);
	CHECK_INT(l.n, 5);
	if (l.n == 5) {
		CHECK_STR(l.v[0], "x.json");
		CHECK(strstr(l.v[1], "/in/a.json") != NULL);
		CHECK(strstr(l.v[2], "/in/b/z.json") != NULL);
		CHECK(strstr(l.v[3], "/in/c.json") != NULL);
		CHECK_STR(l.v[4], "-");
	}
	cs_files_release(&l);
	CHECK(cs_ingest_paths(&l, NULL, 0, NULL, NULL, &err) == 0);
	CHECK(l.n == 1 && strcmp(l.v[0], "-") == 0);
	cs_files_release(&l);
}

static void
test_key(void)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_buf key = CS_BUF_INIT;
	char p[256];

	snprintf(p, sizeof(p), "%s/key", dir);
	put("key", "secret");
	CHECK(cs_ingest_key_read(p, &key, &err) == 0);
	CHECK_MEM(key.data, key.len, "secret", (size_t)6);
	CHECK(cs_ingest_key_read(p, &key, &err) == 0);	/* not appended */
	CHECK_INT(key.len, 6);
	put("key", "");
	CHECK(cs_ingest_key_read(p, &key, &err) == -1);
	CHECK(strstr(err.msg, "is empty") != NULL);
	snprintf(p, sizeof(p), "%s/nokey", dir);
	CHECK(cs_ingest_key_read(p, &key, &err) == -1);
	CHECK(strncmp(err.msg, "cannot open key file '", 22) == 0);
	cs_buf_release(&key);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_outfile();
	test_outfile_special();
	test_paths();
	test_key();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		CHECK(0);
	return t_done();
}
