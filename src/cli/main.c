#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

struct command {
	const char	*name;
	int		(*run)(int, char **);	/* argv[0] is the name */
	const char	*synopsis;
};

static const struct command commands[] = {	/* sorted by name */
	{ "aia",	cmd_aia,	"aia [--list | --fetch] [--import path]... [--jobs n] [--timeout s] [--max-bytes n] [--refresh] [--allow-private] [--proxy url] [selection] [--json|--csv]" },
	{ "causes",	cmd_causes,	"causes [--roots path]... [--no-roots] [--known path]... [selection] [-n count] [--examples k] [--json|--csv]" },
	{ "export",	cmd_export,	"export [--format jsonl|csv|pem|der|chains] [-o file] [--dir dir] [selection]" },
	{ "hosts",	cmd_hosts,	"hosts [--json] [-n count] [--min-host-reports k] cert" },
	{ "ingest",	cmd_ingest,	"ingest [--force] [--json] [--strict] [--error code] [--since t] [--until t] [--sample f --seed n] [--hosts mode] [--jobs n] [input ...]" },
	{ "merge",	cmd_merge,	"merge [--allow-overlap] [--json] [--commit-every n] store ..." },
	{ "missing",	cmd_missing,	"missing [--roots path]... [--no-roots] [--known path]... [selection] [-n count] [--json|--csv] [--pem [-o file]]" },
	{ "report",	cmd_report,	"report [--roots path]... [--known path]... [--min-host-reports k] [-n count] [-o file] [selection]" },
	{ "show",	cmd_show,	"show [--json] [--min-host-reports k] cert" },
	{ "stats",	cmd_stats,	"stats [--json]" },
	{ "top",	cmd_top,	"top [--json|--csv] [-n count] [--by field] [selection] issuers|certs|hosts|errors" },
	{ "trend",	cmd_trend,	"trend [--json|--csv] [--by error|issuer|outcome] [selection]" },
	{ "verify",	cmd_verify,	"verify [--json]" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: certsift command [options] [args]\n\ncommands:\n", f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].synopsis);
	fputs("\nEvery command takes --db path (default $CERTSIFT_DB, else "
	    "./certsift.lmdb)\nand -h for its options.\n", f);
}

int
main(int argc, char **argv)
{
	size_t i;

	/* A file-size limit (ulimit -f) is an error to report, EFBIG, not
	 * a signal that kills the command mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		fputs("certsift: no command given\n", stderr);
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return cli_finish(0);
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("certsift 0.1");
		return cli_finish(0);
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			static char label[64];

			cli_cmd = commands[i].name;
			/* getopt's own messages start with argv[0]. */
			snprintf(label, sizeof(label), "certsift: %s",
			    commands[i].name);
			argv[1] = label;
			optind = 0;
			return cli_finish(commands[i].run(argc - 1, argv + 1));
		}
	}
	fprintf(stderr, "certsift: '%s' is not a command\n", argv[1]);
	usage(stderr);
	return 2;
}
