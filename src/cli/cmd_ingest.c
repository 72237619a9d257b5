#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/date.h"
#include "certsift/ingest.h"
#include "certsift/ingest_files.h"
#include "certsift/ingest_notes.h"
#include "certsift/nss.h"
#include "certsift/report.h"
#include "certsift/summary_out.h"
#include "certsift/vec.h"
#include "opts.h"

const char cmd_ingest_usage[] =
    "usage: certsift ingest [--force] [--json] [--strict] [--db path]\n"
    "           [--error code] [--since t] [--until t] [--sample f]\n"
    "           [--seed n] [--errors-log file] [--commit-every n]\n"
    "           [--hosts none|clear|keyed:file] [--jobs n]\n"
    "           [--reader auto|jansson] [--skip-ingested-in store]\n"
    "           [input ...]\n";

struct ingest_opts {
	struct cli_opts		 c;
	struct cs_ingest_opts	 o;
	const char		*errors_log;
	const char		*known_path;	/* --skip-ingested-in */
	CS_VEC(int32_t)		 errors;
	struct cs_buf		 key;		/* --hosts keyed:FILE's */
	int			 seeded;	/* --seed given */
};

enum {
	O_COMMIT = 1, O_ERROR, O_FORCE, O_HOSTS, O_JOBS, O_KNOWN, O_LOG,
	O_READER, O_SAMPLE, O_SEED, O_SINCE, O_STRICT, O_UNTIL
};

/* --hosts MODE (keyed:FILE: the HMAC key is all of FILE's bytes). */
static int
hosts_opt(struct ingest_opts *io, const char *arg)
{
	struct cs_err err = CS_ERR_INIT;

	if (strcmp(arg, "clear") == 0 || strcmp(arg, "none") == 0)
		io->o.hosts = arg[0] == 'c' ? CS_HOSTS_CLEAR : CS_HOSTS_NONE;
	else if (strncmp(arg, "keyed:", 6) != 0) {
		cli_usage_error(cmd_ingest_usage, "--hosts takes none, clear or "
		    "keyed:FILE, not '%s'", arg);
		return 2;
	} else {
		io->o.hosts = CS_HOSTS_KEYED;
		if (cs_ingest_key_read(arg + 6, &io->key, &err) == -1)
			return cli_fail(&err);
	}
	return 0;
}

/* --reader, --sample, --since and --until. */
static int
value_opt(struct ingest_opts *io, int ch, const char *arg)
{
	struct cs_ingest_opts *o = &io->o;
	char *end;

	if (ch == O_READER) {
		if (strcmp(arg, "auto") != 0 && strcmp(arg, "jansson") != 0) {
			cli_usage_error(cmd_ingest_usage, "bad --reader '%s'",
			    arg);
			return 2;
		}
		o->reader_mode = arg[0] == 'a' ? CS_READER_AUTO :
		    CS_READER_JANSSON;
	} else if (ch == O_SAMPLE) {
		errno = 0;
		o->sample = strtod(arg, &end);
		if (errno != 0 || *end != '\0' || end == arg ||
		    !(o->sample >= 0.0 && o->sample <= 1.0)) {
			cli_usage_error(cmd_ingest_usage, "--sample takes a "
			    "fraction from 0 to 1, not '%s'", arg);
			return 2;
		}
		o->sampling = 1;
	} else if (cs_date_parse(arg, ch == O_SINCE ? &o->since : &o->until)
	    == -1) {
		cli_usage_error(cmd_ingest_usage, "bad time '%s' (use "
		    "YYYY-MM-DD, an ISO 8601 date-time or epoch seconds)", arg);
		return 2;
	} else
		*(ch == O_SINCE ? &o->has_since : &o->has_until) = 1;
	return 0;
}

static int
ingest_opt(void *ctx, int ch, const char *arg)
{
	struct ingest_opts *io = ctx;
	uint64_t u = 0;
	int code, rc;

	switch (ch) {
	case O_COMMIT:
		return cli_number(&io->c, "--commit-every", arg, 1, UINT64_MAX,
		    "", &io->o.commit_every);
	case O_ERROR:
		if (cs_nss_parse(arg, &code) == -1) {
			cli_usage_error(cmd_ingest_usage, "'%s' is not an error "
			    "code or name", arg);
			return 2;
		}
		if (cs_vec_push(&io->errors, code) == -1) {
			cli_warn("out of memory");
			return 1;
		}
		return 0;
	case O_HOSTS:
		return hosts_opt(io, arg);
	case O_JOBS:
		rc = cli_number(&io->c, "--jobs", arg, 1, 256, "", &u);
		io->o.jobs = (int)u;
		return rc;
	case O_SEED:
		io->seeded = 1;
		return cli_number(&io->c, "--seed", arg, 0, UINT64_MAX, "",
		    &io->o.seed);
	case O_FORCE:
	case O_STRICT:
		*(ch == O_FORCE ? &io->o.force : &io->o.strict) = 1;
		return 0;
	case O_KNOWN:
	case O_LOG:
		*(ch == O_KNOWN ? &io->known_path : &io->errors_log) = arg;
		return 0;
	}
	return value_opt(io, ch, arg);
}

/* Options: -1 to go on, else the exit status. */
static int
parse_args(struct ingest_opts *io, int argc, char **argv)
{
	static const struct option own[] = {
		{ "commit-every", required_argument, NULL, O_COMMIT },
		{ "error", required_argument, NULL, O_ERROR },
		{ "errors-log", required_argument, NULL, O_LOG },
		{ "force", no_argument, NULL, O_FORCE },
		{ "hosts", required_argument, NULL, O_HOSTS },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "reader", required_argument, NULL, O_READER },
		{ "sample", required_argument, NULL, O_SAMPLE },
		{ "seed", required_argument, NULL, O_SEED },
		{ "since", required_argument, NULL, O_SINCE },
		{ "skip-ingested-in", required_argument, NULL, O_KNOWN },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "until", required_argument, NULL, O_UNTIL },
		{ NULL, 0, NULL, 0 }
	};
	int status;

	io->c.usage = cmd_ingest_usage;
	io->c.take = CLI_DB | CLI_JSON;
	io->c.own = own;
	io->c.opt = ingest_opt;
	io->c.ctx = io;
	if ((status = cli_parse(&io->c, argc, argv)) != -1)
		return status;
	if (io->seeded && !io->o.sampling) {
		cli_usage_error(cmd_ingest_usage, "--seed goes with --sample");
		return 2;
	}
	io->o.errors = io->errors.v;
	io->o.nerrors = io->errors.n;
	io->o.host_key = io->key.data;
	io->o.host_key_len = io->key.len;
	return -1;
}

/* Opens the stores, then ingests the paths: the exit status. */
static int
run(struct ingest_opts *io, struct cs_ingest_notes *n,
    const struct cs_files *paths)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL, *known = NULL;
	struct cs_ingest *ing = NULL;
	struct cs_ingest_sum sum;
	size_t ahead;
	int status;

	if ((io->known_path != NULL && cs_store_open(io->known_path,
	    CS_STORE_RDONLY, &known, &err) == -1) ||
	    (io->o.known = known, cs_store_open(cli_db_path(io->c.db),
	    CS_STORE_CREATE, &st, &err)) == -1 ||
	    cs_ingest_new(st, &io->o, &ing, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	cli_upgrade_note(st);
	ahead = io->o.jobs > 0 ? (size_t)io->o.jobs :
	    (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	status = cs_ingest_files(ing, paths, ahead, cs_ingest_notes_done, n)
	    == -1;
	cs_ingest_notes_clear(n);
	cs_ingest_summary(ing, &sum);
	cs_ingest_sum_write(stdout, &sum, io->c.format == CS_FMT_JSON);
out:
	cs_ingest_free(ing);
	cs_store_close(st);
	cs_store_close(known);
	return status;
}

int
cmd_ingest(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct ingest_opts io;
	struct cs_files paths = CS_FILES_INIT;
	struct cs_ingest_notes n;
	FILE *log = NULL;
	int rc, status;

	memset(&io, 0, sizeof(io));
	if ((status = parse_args(&io, argc, argv)) != -1)
		goto out;
	/* A directory that could not be read: told, and exit status 1. */
	if ((status = cs_ingest_paths(&paths, argv + optind, (size_t)(argc -
	    optind), cli_warn_cb, NULL, &err) == -1) && err.code == CS_ENOMEM) {
		status = cli_fail(&err);
		goto out;
	}
	if (io.errors_log != NULL && (log = fopen(io.errors_log, "w")) ==
	    NULL) {
		cli_warn("cannot create '%s': %s", io.errors_log,
		    strerror(errno));
		status = 1;
		goto out;
	}
	cs_ingest_notes_init(&n, stderr, "certsift: ingest: ", log, isatty(2));
	io.o.bad = cs_ingest_notes_bad;
	io.o.damaged = cs_ingest_notes_damaged;
	io.o.progress = cs_ingest_notes_progress;
	io.o.arg = &n;
	if ((rc = run(&io, &n, &paths)) != 0)
		status = rc;
out:
	if (log != NULL && fclose(log) != 0) {
		cli_warn("cannot write '%s'", io.errors_log);
		status = 1;
	}
	cs_files_release(&paths);
	cs_vec_release(&io.errors);
	cs_buf_release(&io.key);
	cli_opts_release(&io.c);
	return status;
}
