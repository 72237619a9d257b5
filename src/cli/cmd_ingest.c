#include "cli.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "certsift/date.h"
#include "certsift/ingest.h"
#include "certsift/json.h"
#include "certsift/nss.h"
#include "certsift/report.h"

const char cmd_ingest_usage[] =
    "usage: certsift ingest [--force] [--json] [--strict] [--db path]\n"
    "           [--error code] [--since t] [--until t] [--sample f]\n"
    "           [--seed n] [--errors-log file] [--commit-every n]\n"
    "           [--hosts none|clear|keyed:file] [--jobs n]\n"
    "           [--reader auto|jansson] [--skip-ingested-in store]\n"
    "           [input ...]\n";

#define MAX_SHOWN	10	/* bad records shown on stderr */

struct ingest_opts {
	const char	*db;
	int		 json;
	const char	*errors_log;
	int32_t		*errors;
	size_t		 nerrors;
	unsigned char	*key;		/* --hosts keyed:FILE's */
	size_t		 keylen;
	const char	*known_path;	/* --skip-ingested-in */
	int		 seeded;	/* --seed given */
};

struct ctx {
	FILE		*log;
	uint64_t	 nbad;
	int		 tty;
	int		 progress_shown;
	double		 t0;		/* when the ingest began */
	uint64_t	 reports0;
	const char	*name;		/* the file progress is about */
	double		 t_file;	/* when it began */
	double		 t_last;	/* when the last file ended */
};

/* Clears the progress line, if shown, before a message. */
static void
progress_clear(struct ctx *c)
{
	if (c->progress_shown)
		fputs("\r\033[K", stderr);
	c->progress_shown = 0;
}

static void
on_bad(void *arg, const char *name, uint64_t line, const char *why)
{
	struct ctx *c = arg;

	if (c->log != NULL)
		fprintf(c->log, "%s:%" PRIu64 ": %s\n", name, line, why);
	if (c->nbad++ < MAX_SHOWN) {
		progress_clear(c);
		cli_warn("%s:%" PRIu64 ": %s", name, line, why);
	} else if (c->nbad == MAX_SHOWN + 1)
		cli_warn("more bad records not shown%s", c->log != NULL ?
		    " (see the errors log)" : " (use --errors-log)");
}

/* A damaged file is told always: it is one message per file. */
static void
on_damaged(void *arg, const char *name, uint64_t line, const char *why)
{
	struct ctx *c = arg;

	if (c->log != NULL)
		fprintf(c->log, "%s:%" PRIu64 ": %s\n", name, line, why);
	progress_clear(c);
	cli_warn("%s:%" PRIu64 ": %s", name, line, why);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line, rewritten in place: bytes, reports/s, ETA when the size is
 * known. */
static void
on_progress(void *arg, const struct cs_ingest_progress *p)
{
	struct ctx *c = arg;
	double t, rate;

	if (!c->tty)
		return;
	if (c->name != p->name) {
		/* A new file: its own clock for the rate and the ETA. */
		c->name = p->name;
		c->t_file = c->t_last;
	}
	t = now() - c->t_file;
	fprintf(stderr, "\r\033[K%s: %.1f MB", p->name,
	    (double)p->file_bytes / 1e6);
	if (p->file_size > 0)
		fprintf(stderr, " of %.1f MB (%.0f%%)",
		    (double)p->file_size / 1e6,
		    100.0 * (double)p->file_bytes / (double)p->file_size);
	fprintf(stderr, ", %" PRIu64 " reports", p->reports);
	if (t > 0) {
		fprintf(stderr, ", %.0f reports/s", (double)(p->reports -
		    c->reports0) / (now() - c->t0));
		rate = (double)p->file_bytes / t;
		if (p->file_size > p->file_bytes && rate > 0)
			fprintf(stderr, ", ETA %.0f s", (double)(p->file_size -
			    p->file_bytes) / rate);
	}
	c->progress_shown = 1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct paths {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static void
add_path(struct paths *p, char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = s;
}

/* Every regular file below dir; symbolic links are not followed. */
static int
walk(const char *dir, struct paths *out)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		cli_warn("cannot open '%s': %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *p;
		size_t n;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n = strlen(dir) + strlen(de->d_name) + 2;
		p = xmalloc(n);
		snprintf(p, n, "%s/%s", dir, de->d_name);
		if (lstat(p, &sb) == -1) {
			cli_warn("cannot stat '%s': %s", p, strerror(errno));
			free(p);
			rc = -1;
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (walk(p, out) == -1)
				rc = -1;
			free(p);
		} else if (S_ISREG(sb.st_mode))
			add_path(out, p);
		else
			free(p);
	}
	closedir(d);
	return rc;
}

/* The HMAC key for --hosts keyed:FILE: all of the file's bytes. */
static int
read_key(const char *path, unsigned char **key, size_t *len)
{
	unsigned char tmp[4096];
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		cli_warn("cannot open key file '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	*len = 0;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		*key = xrealloc(*key, *len + n);
		memcpy(*key + *len, tmp, n);
		*len += n;
	}
	fclose(f);
	if (*len == 0) {
		cli_warn("key file '%s' is empty", path);
		return -1;
	}
	return 0;
}

/*
 * Files are opened some paths before their turn and announced to the
 * ingest: compressed ones start decompressing while earlier ones are read.
 */
struct opener {
	int	*fd;		/* per path: open, or -1 (errnum why) */
	int	*errnum;
	size_t	 next;		/* paths opened so far */
	size_t	 ahead;		/* how many paths ahead */
	size_t	 npaths;
};

static void
open_ahead(struct cs_ingest *ing, const struct paths *p, struct opener *op,
    size_t k)
{
	struct cs_err err = CS_ERR_INIT;
	size_t i;

	for (; op->next < p->n && op->next < k + op->ahead; op->next++) {
		i = op->next;
		op->fd[i] = -1;
		op->errnum[i] = 0;
		if (strcmp(p->v[i], "-") == 0)
			continue;
		if ((op->fd[i] = open(p->v[i], O_RDONLY | O_CLOEXEC)) == -1)
			op->errnum[i] = errno;
		else
			(void)cs_ingest_ahead(ing, op->fd[i], &err); /* a hint */
	}
}

static int
ingest_one(struct cs_ingest *ing, const char *path, struct opener *op,
    size_t k, struct cs_err *err)
{
	int rc;

	if (strcmp(path, "-") == 0)
		return cs_ingest_fd(ing, 0, "-", CS_INGEST_STREAM, err);
	if (op->fd[k] == -1)
		return cs_err_set(err, CS_EIO, "cannot open '%s': %s", path,
		    strerror(op->errnum[k]));
	/* More paths: the batch may go on into the next file. */
	rc = cs_ingest_fd(ing, op->fd[k], path, k + 1 < op->npaths ?
	    CS_INGEST_MORE : 0, err);
	close(op->fd[k]);
	op->fd[k] = -1;
	return rc;
}

static void
print_summary(const struct cs_ingest_sum *s, int json)
{
	if (json) {
		struct cs_jw w;

		cs_jw_init(&w, stdout);
		cs_jw_object_begin(&w);
		cs_jw_key_u64(&w, "files", s->files);
		cs_jw_key_u64(&w, "files_skipped", s->files_skipped);
		cs_jw_key_u64(&w, "files_damaged", s->files_damaged);
		cs_jw_key_u64(&w, "reports_read", s->reports_read);
		cs_jw_key_u64(&w, "reports_accepted", s->reports_accepted);
		cs_jw_key_u64(&w, "reports_filtered", s->reports_filtered);
		cs_jw_key_u64(&w, "reports_malformed", s->reports_malformed);
		cs_jw_key_u64(&w, "certs_seen", s->certs_seen);
		cs_jw_key_u64(&w, "certs_invalid", s->certs_invalid);
		cs_jw_key_u64(&w, "certs_new", s->certs_new);
		cs_jw_key_u64(&w, "bytes", s->bytes);
		cs_jw_key(&w, "seconds");
		cs_jw_double(&w, s->seconds, 3);
		cs_jw_object_end(&w);
		putchar('\n');
		return;
	}
	printf("ingested %" PRIu64 " file%s", s->files, s->files == 1 ? "" :
	    "s");
	if (s->files_skipped > 0)
		printf(" (%" PRIu64 " already ingested)", s->files_skipped);
	if (s->files_damaged > 0)
		printf(" (%" PRIu64 " damaged)", s->files_damaged);
	printf(": %" PRIu64 " reports read, %" PRIu64 " accepted, %" PRIu64
	    " filtered, %" PRIu64 " malformed; %" PRIu64 " certs seen, %"
	    PRIu64 " invalid, %" PRIu64 " new; %.1f MB in %.2f s\n",
	    s->reports_read, s->reports_accepted, s->reports_filtered,
	    s->reports_malformed, s->certs_seen, s->certs_invalid,
	    s->certs_new, (double)s->bytes / 1e6, s->seconds);
}

enum { O_SINCE = 256, O_UNTIL, O_SAMPLE, O_SEED, O_FORCE, O_STRICT, O_LOG,
    O_COMMIT, O_JOBS, O_READER, O_DB, O_JSON, O_HOSTS, O_KNOWN };

static const struct option longopts[] = {
	{ "commit-every", required_argument, NULL, O_COMMIT },
	{ "db", required_argument, NULL, O_DB },
	{ "error", required_argument, NULL, 'e' },
	{ "errors-log", required_argument, NULL, O_LOG },
	{ "force", no_argument, NULL, O_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ "hosts", required_argument, NULL, O_HOSTS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, O_JSON },
	{ "reader", required_argument, NULL, O_READER },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "since", required_argument, NULL, O_SINCE },
	{ "skip-ingested-in", required_argument, NULL, O_KNOWN },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "until", required_argument, NULL, O_UNTIL },
	{ NULL, 0, NULL, 0 }
};

/* --hosts MODE. Returns -1 to go on, else the exit status. */
static int
hosts_option(const char *arg, struct ingest_opts *io, struct cs_ingest_opts *o)
{
	if (strcmp(arg, "clear") == 0)
		o->hosts = CS_HOSTS_CLEAR;
	else if (strcmp(arg, "none") == 0)
		o->hosts = CS_HOSTS_NONE;
	else if (strncmp(arg, "keyed:", 6) == 0) {
		o->hosts = CS_HOSTS_KEYED;
		if (read_key(arg + 6, &io->key, &io->keylen) == -1)
			return 1;
	} else {
		cli_usage_error(cmd_ingest_usage, "--hosts takes none, clear or "
		    "keyed:FILE, not '%s'", arg);
		return 2;
	}
	return -1;
}

/* --reader, --sample, --since and --until. Returns -1, or 2. */
static int
value_option(int ch, const char *arg, struct cs_ingest_opts *o)
{
	char *end;

	switch (ch) {
	case O_READER:
		if (strcmp(arg, "auto") == 0)
			o->reader_mode = CS_READER_AUTO;
		else if (strcmp(arg, "jansson") == 0)
			o->reader_mode = CS_READER_JANSSON;
		else {
			cli_usage_error(cmd_ingest_usage, "bad --reader '%s'",
			    arg);
			return 2;
		}
		return -1;
	case O_SAMPLE:
		errno = 0;
		o->sample = strtod(arg, &end);
		if (errno != 0 || *end != '\0' || end == arg ||
		    !(o->sample >= 0.0 && o->sample <= 1.0)) {
			cli_usage_error(cmd_ingest_usage, "--sample takes a "
			    "fraction from 0 to 1, not '%s'", arg);
			return 2;
		}
		o->sampling = 1;
		return -1;
	}
	if (cs_date_parse(arg, ch == O_SINCE ? &o->since : &o->until) == -1) {
		cli_usage_error(cmd_ingest_usage, "bad time '%s' (use "
		    "YYYY-MM-DD, an ISO 8601 date-time or epoch seconds)", arg);
		return 2;
	}
	if (ch == O_SINCE)
		o->has_since = 1;
	else
		o->has_until = 1;
	return -1;
}

/* One option. Returns -1 to go on, else the exit status. */
static int
ingest_option(int ch, const char *arg, char **argv, struct ingest_opts *io,
    struct cs_ingest_opts *o)
{
	uint64_t u;
	int code;

	switch (ch) {
	case 'e':
		if (cs_nss_parse(arg, &code) == -1) {
			cli_usage_error(cmd_ingest_usage, "'%s' is not an error "
			    "code or name", arg);
			return 2;
		}
		io->errors = xrealloc(io->errors, (io->nerrors + 1) *
		    sizeof(*io->errors));
		io->errors[io->nerrors++] = code;
		return -1;
	case 'h':
		fputs(cmd_ingest_usage, stdout);
		return 0;
	case 'j':
		if (cli_parse_u64(arg, 256, &u) == -1 || u == 0) {
			cli_usage_error(cmd_ingest_usage, "bad --jobs '%s'", arg);
			return 2;
		}
		o->jobs = (int)u;
		return -1;
	case O_COMMIT:
		if (cli_parse_u64(arg, UINT64_MAX, &u) == -1 || u == 0) {
			cli_usage_error(cmd_ingest_usage, "bad --commit-every "
			    "'%s'", arg);
			return 2;
		}
		o->commit_every = u;
		return -1;
	case O_SEED:
		if (cli_parse_u64(arg, UINT64_MAX, &o->seed) == -1) {
			cli_usage_error(cmd_ingest_usage, "bad --seed '%s'", arg);
			return 2;
		}
		io->seeded = 1;
		return -1;
	case O_HOSTS:
		return hosts_option(arg, io, o);
	case O_READER:
	case O_SAMPLE:
	case O_SINCE:
	case O_UNTIL:
		return value_option(ch, arg, o);
	case O_DB:
		io->db = arg;
		return -1;
	case O_FORCE:
		o->force = 1;
		return -1;
	case O_JSON:
		io->json = 1;
		return -1;
	case O_LOG:
		io->errors_log = arg;
		return -1;
	case O_STRICT:
		o->strict = 1;
		return -1;
	case O_KNOWN:
		io->known_path = arg;
		return -1;
	}
	return cli_bad_option(cmd_ingest_usage, argv, "h");
}

/*
 * The paths to ingest, in order: a directory's files sorted, "-" when
 * none is given. Returns 0, or 1 when a directory could not be read.
 */
static int
collect_paths(int argc, char **argv, struct paths *paths)
{
	struct stat sb;
	size_t k;
	int i, status = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &sb) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			struct paths sub = { NULL, 0, 0 };

			if (walk(argv[i], &sub) == -1)
				status = 1;
			if (sub.n > 1)
				qsort(sub.v, sub.n, sizeof(*sub.v), cmp_str);
			for (k = 0; k < sub.n; k++)
				add_path(paths, sub.v[k]);
			free(sub.v);
		} else
			add_path(paths, strdup(argv[i]));
	}
	if (argc == 0)
		add_path(paths, strdup("-"));
	return status;
}

/*
 * Ingests every path (opened ahead), then the last batch. Returns 0, or 1
 * when a file failed; stops at --strict's stop or a store failure.
 */
static int
ingest_paths(struct cs_ingest *ing, const struct paths *paths,
    struct opener *op, struct ctx *c, struct cs_err *err)
{
	struct cs_ingest_sum before, after;
	size_t k;
	int status = 0;

	c->t0 = c->t_last = now();
	for (k = 0; k < paths->n; k++) {
		cs_ingest_summary(ing, &before);
		c->t_last = now();
		open_ahead(ing, paths, op, k);
		if (ingest_one(ing, paths->v[k], op, k, err) == -1) {
			progress_clear(c);
			/* --strict stops at a bad record on_bad() showed. */
			if (err->code != CS_ESTOP || c->nbad == 0 ||
			    c->nbad > MAX_SHOWN)
				cli_warn("%s", err->msg);
			status = 1;
			if (err->code == CS_ESTOP || err->code == CS_ESTORE ||
			    err->code == CS_ENOMEM)
				break;
			continue;
		}
		cs_ingest_summary(ing, &after);
		if (after.files_skipped > before.files_skipped) {
			progress_clear(c);
			cli_warn("'%s' was ingested already: skipped "
			    "(--force ingests it again)", paths->v[k]);
		}
	}
	/* The last batch, when the last path could not be read. */
	if (cs_ingest_flush(ing, err) == -1) {
		cli_warn("%s", err->msg);
		status = 1;
	}
	progress_clear(c);
	return status;
}

int
cmd_ingest(int argc, char **argv)
{
	struct ingest_opts io;
	struct cs_ingest_opts o;
	struct cs_ingest_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL, *known = NULL;
	struct cs_ingest *ing = NULL;
	struct paths paths = { NULL, 0, 0 };
	struct opener op = { NULL, NULL, 0, 1, 0 };
	struct ctx c;
	size_t k;
	int ch, status;

	memset(&io, 0, sizeof(io));
	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		if ((status = ingest_option(ch, optarg, argv, &io, &o)) != -1)
			goto out;
	if (io.seeded && !o.sampling) {
		cli_usage_error(cmd_ingest_usage, "--seed goes with --sample");
		status = 2;
		goto out;
	}
	status = collect_paths(argc - optind, argv + optind, &paths);
	o.errors = io.errors;
	o.nerrors = io.nerrors;
	o.host_key = io.key;
	o.host_key_len = io.keylen;
	o.bad = on_bad;
	o.damaged = on_damaged;
	o.progress = on_progress;
	o.arg = &c;
	c.tty = isatty(2);
	if (io.errors_log != NULL && (c.log = fopen(io.errors_log, "w")) ==
	    NULL) {
		cli_warn("cannot create '%s': %s", io.errors_log,
		    strerror(errno));
		status = 1;
		goto out;
	}
	if (io.known_path != NULL && cs_store_open(io.known_path,
	    CS_STORE_RDONLY, &known, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	o.known = known;
	if (cs_store_open(cli_db_path(io.db), CS_STORE_CREATE, &st, &err) ==
	    -1 || cs_ingest_new(st, &o, &ing, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	cli_upgrade_note(st);
	op.fd = xmalloc((paths.n + 1) * sizeof(*op.fd));
	op.errnum = xmalloc((paths.n + 1) * sizeof(*op.errnum));
	op.ahead = o.jobs > 0 ? (size_t)o.jobs :
	    (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (op.ahead < 1)
		op.ahead = 1;
	op.npaths = paths.n;
	status |= ingest_paths(ing, &paths, &op, &c, &err);
	cs_ingest_summary(ing, &sum);
	print_summary(&sum, io.json);
out:
	if (c.log != NULL && fclose(c.log) != 0) {
		cli_warn("cannot write '%s'", io.errors_log);
		status = 1;
	}
	cs_ingest_free(ing);
	cs_store_close(st);
	for (k = 0; k < op.next; k++)
		if (op.fd[k] != -1)
			close(op.fd[k]);	/* opened ahead, not reached */
	free(op.fd);
	free(op.errnum);
	cs_store_close(known);
	for (k = 0; k < paths.n; k++)
		free(paths.v[k]);
	free(paths.v);
	free(io.errors);
	free(io.key);
	return status;
}
