#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/*
 * The commands, sorted by name: a command is one row here and its
 * cmd_<name>.c, which defines its struct cli_cmd (cli.h): its options,
 * from which its synopsis is made for -h, `certsift help <name>` and
 * `certsift --help`, and the one-line description shown there.
 */
static const struct cli_cmd *const commands[] = {
	&cmd_aia, &cmd_causes, &cmd_export, &cmd_hosts, &cmd_ingest,
	&cmd_merge, &cmd_missing, &cmd_report, &cmd_show, &cmd_stats,
	&cmd_top, &cmd_trend, &cmd_verify
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage_head[] =
    "usage: certsift [--version] [--help] command [options] [args]\n";

/* Each command's description, then its synopsis. */
static void
usage(FILE *f)
{
	struct cs_buf b = CS_BUF_INIT;
	const char *u, *nl;
	size_t i;

	fputs(usage_head, f);
	fputs("\ncommands:\n", f);
	for (i = 0; i < NCOMMANDS; i++) {
		fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->desc);
		cs_buf_reset(&b);
		if (cli_synopsis(commands[i], &b) == -1)
			continue;
		u = (const char *)b.data + strlen("usage: ");
		for (; *u != '\0'; u = nl + 1) {
			nl = strchr(u, '\n');
			fprintf(f, "      %.*s\n", (int)(nl - u), u);
		}
	}
	cs_buf_release(&b);
	fputs("\nEvery command takes --db path (default $CERTSIFT_DB, else "
	    "./certsift.lmdb)\nand -h; 'certsift help command' prints its "
	    "usage alone.\n", f);
}

/* The command called name, or NULL after saying that it is not one. */
static const struct cli_cmd *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i]->name) == 0)
			return commands[i];
	fprintf(stderr, "certsift: '%s' is not a command\n", name);
	usage(stderr);
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct cli_cmd *c;

	/* A file-size limit (ulimit -f) is an error to report, EFBIG, not
	 * a signal that kills the command mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	/* Every usage error is in certsift's own words (opts.c). */
	opterr = 0;
	if (argc < 2) {
		fputs("certsift: no command given\n", stderr);
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "help") == 0 && argc > 2) {
		if ((c = find(argv[2])) == NULL)
			return 2;
		if (argc > 3) {
			fputs("certsift: help takes one command\n", stderr);
			fputs(usage_head, stderr);
			return 2;
		}
		cli_usage(stdout, c);
		return cli_finish(0);
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
	if ((c = find(argv[1])) == NULL)
		return 2;
	cli_cmd = c->name;
	if (c->big)
		cli_huge_pages(argv);
	optind = 0;
	return cli_finish(c->run(argc - 1, argv + 1));
}
