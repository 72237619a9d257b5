#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/ingest.h"
#include "certsift/ingest_files.h"
#include "certsift/ingest_run.h"
#include "certsift/nss.h"
#include "certsift/report.h"
#include "certsift/summary_out.h"
#include "certsift/vec.h"

struct ingest_opts {
	struct cli_opts		 c;
	struct cs_ingest_opts	 o;
	const char		*errors_log;
	const char		*known_path;	/* --skip-ingested-in */
	CS_VEC(int32_t)		 errors;
	struct cs_buf		 key;		/* --hosts keyed:FILE's */
	int			 seeded;	/* --seed given */
	uint64_t		 jobs;
};

static int
error_opt(struct cli_opts *c, const char *arg)
{
	struct ingest_opts *io = (struct ingest_opts *)c;
	int code;

	if (cs_nss_parse(arg, &code) == -1)
		return cli_usage_error(&cmd_ingest, "'%s' is not an error code "
		    "or name", arg);
	if (cs_vec_push(&io->errors, code) == -1) {
		cli_warn("out of memory");
		return 1;
	}
	return 0;
}

static int
hosts_opt(struct cli_opts *c, const char *arg)
{
	struct ingest_opts *io = (struct ingest_opts *)c;
	struct cs_err err = CS_ERR_INIT;

	if (cs_ingest_hosts_mode(&io->o, arg, &io->key, &err) == 0)
		return 0;
	if (err.code == CS_EUSAGE)
		return cli_usage_error(&cmd_ingest, "%s", err.msg);
	return cli_fail(&err);
}

static int
sample_opt(struct cli_opts *c, const char *arg)
{
	struct cs_ingest_opts *o = &((struct ingest_opts *)c)->o;
	char *end;

	errno = 0;
	o->sample = strtod(arg, &end);
	if (errno != 0 || *end != '\0' || end == arg ||
	    !(o->sample >= 0.0 && o->sample <= 1.0))
		return cli_usage_error(&cmd_ingest, "--sample takes a fraction "
		    "from 0 to 1, not '%s'", arg);
	o->sampling = 1;
	return 0;
}

static const int readers[] = { CS_READER_AUTO, CS_READER_JANSSON };

#define OFF(f)	offsetof(struct ingest_opts, f)
static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON,
	CLI_OPT_NUM("commit-every", "n", OFF(o.commit_every), 0, 1,
	    UINT64_MAX),
	CLI_OPT_FN("error", 0, "code", CLI_MANY, error_opt),
	CLI_OPT("errors-log", 0, "file", CLI_STR, OFF(errors_log)),
	CLI_OPT("force", 0, NULL, CLI_FLAG, OFF(o.force)),
	CLI_OPT_FN("hosts", 0, "none|clear|keyed:file", 0, hosts_opt),
	CLI_OPT_NUM("jobs", "n", OFF(jobs), 0, 1, 256),
	CLI_OPT_CHOICE("reader", "auto|jansson", OFF(o.reader_mode), readers),
	CLI_OPT_FN("sample", 0, "f", 0, sample_opt),
	CLI_OPT_NUM("seed", "n", OFF(o.seed), OFF(seeded), 0, UINT64_MAX),
	{ "since", 0, "t", CLI_TIME, OFF(o.since), OFF(o.has_since), 0, 0, NULL,
	    NULL },
	CLI_OPT("skip-ingested-in", 0, "store", CLI_STR, OFF(known_path)),
	CLI_OPT("strict", 0, NULL, CLI_FLAG, OFF(o.strict)),
	{ "until", 0, "t", CLI_TIME, OFF(o.until), OFF(o.has_until), 0, 0, NULL,
	    NULL },
	CLI_END
};

/* Ingests the operands' files (bad records also to --errors-log): the
 * exit status. */
static int
run_paths(struct ingest_opts *io, int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_files paths = CS_FILES_INIT;
	struct cs_ingest_notes n;
	struct cs_ingest_sum sum;
	FILE *log = NULL;
	int rc, status;

	/* A directory that could not be read: told, and exit status 1. */
	if ((status = cs_ingest_paths(&paths, argv + optind, (size_t)(argc -
	    optind), cli_warn_cb, NULL, &err) == -1) && err.code == CS_ENOMEM) {
		status = cli_fail(&err);
		goto out;
	}
	if (io->errors_log != NULL && (log = fopen(io->errors_log, "w")) ==
	    NULL) {
		cli_warn("cannot create '%s': %s", io->errors_log,
		    strerror(errno));
		status = 1;
		goto out;
	}
	cs_ingest_notes_init(&n, stderr, "certsift: ingest: ", log, isatty(2));
	if ((rc = cs_ingest_run(cli_db_path(io->c.db), io->known_path, &io->o,
	    &paths, &n, &sum, &err)) == -1)
		status = cli_fail(&err);
	else {
		cs_ingest_sum_write(stdout, &sum, io->c.format == CS_FMT_JSON);
		status = rc != 0 ? rc : status;
	}
out:
	if (log != NULL && fclose(log) != 0) {
		cli_warn("cannot write '%s'", io->errors_log);
		status = 1;
	}
	cs_files_release(&paths);
	return status;
}

static int
run(int argc, char **argv)
{
	struct ingest_opts io;
	int status;

	memset(&io, 0, sizeof(io));
	if ((status = cli_parse(&io, &cmd_ingest, argc, argv)) == -1 &&
	    io.seeded && !io.o.sampling)
		status = cli_usage_error(&cmd_ingest, "--seed goes with "
		    "--sample");
	if (status == -1) {
		io.o.errors = io.errors.v;
		io.o.nerrors = io.errors.n;
		io.o.jobs = (int)io.jobs;
		status = run_paths(&io, argc, argv);
	}
	cs_vec_release(&io.errors);
	cs_buf_release(&io.key);
	return cli_close(&io.c, status);
}

const struct cli_cmd cmd_ingest = {
	"ingest", "read reports into the store, each file exactly once", run,
	opts, 0, "[input ...]", 0, -1, NULL, 0
};
