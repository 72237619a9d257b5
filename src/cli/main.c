#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/*
 * The commands, sorted by name: a command is one row here, its
 * cmd_<name>.c, which defines cmd_<name>() (argv[0] is the name) and
 * cmd_<name>_usage[], its synopsis ("usage: certsift <name> ...\n"), and
 * their two prototypes in cli.h. -h, `certsift help <name>` and
 * `certsift --help` all print that one text.
 */
#define COMMANDS(X)							\
	X(aia, "list, fetch and import the issuers missing finds nowhere") \
	X(causes, "diagnose why each chain failed, weighted by its reports") \
	X(export, "write certificates or chains as JSON Lines, CSV, PEM, DER") \
	X(hosts, "list the hostnames linked to a certificate")		\
	X(ingest, "read reports into the store, each file exactly once") \
	X(merge, "add whole stores to the store: their exact union")	\
	X(missing, "tell missing intermediates from untrusted roots")	\
	X(report, "write a self-contained HTML report with trends")	\
	X(show, "show one certificate: summary, counters, top hostnames") \
	X(stats, "print the store's cumulative counters")		\
	X(top, "rank issuers, certificates, hostnames or error codes")	\
	X(trend, "count reports per day by error code, issuer or outcome") \
	X(verify, "check the store's structure and figures")

struct command {
	const char	*name;
	int		(*run)(int, char **);
	const char	*usage;
	const char	*desc;
};

#define ROW(name, desc)	{ #name, cmd_##name, cmd_##name##_usage, desc },
static const struct command commands[] = { COMMANDS(ROW) };

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage_head[] =
    "usage: certsift [--version] [--help] command [options] [args]\n";

/* Each command's description, then its synopsis (its usage text). */
static void
usage(FILE *f)
{
	const char *u, *nl;
	size_t i;

	fputs(usage_head, f);
	fputs("\ncommands:\n", f);
	for (i = 0; i < NCOMMANDS; i++) {
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].desc);
		u = commands[i].usage;
		if (strncmp(u, "usage: ", 7) == 0)
			u += 7;
		for (; *u != '\0'; u = nl + 1) {
			if ((nl = strchr(u, '\n')) == NULL)
				nl = u + strlen(u) - 1;
			fprintf(f, "      %.*s\n", (int)(nl - u), u);
		}
	}
	fputs("\nEvery command takes --db path (default $CERTSIFT_DB, else "
	    "./certsift.lmdb)\nand -h; 'certsift help command' prints its "
	    "usage alone.\n", f);
}

static const struct command *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command *c;

	/* A file-size limit (ulimit -f) is an error to report, EFBIG, not
	 * a signal that kills the command mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	/* Every usage error is in certsift's own words (cli_bad_option()). */
	opterr = 0;
	if (argc < 2) {
		fputs("certsift: no command given\n", stderr);
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "help") == 0 && argc > 2) {
		if ((c = find(argv[2])) == NULL) {
			fprintf(stderr, "certsift: '%s' is not a command\n",
			    argv[2]);
			usage(stderr);
			return 2;
		}
		if (argc > 3) {
			fputs("certsift: help takes one command\n", stderr);
			fputs(usage_head, stderr);
			return 2;
		}
		fputs(c->usage, stdout);
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
	if ((c = find(argv[1])) == NULL) {
		fprintf(stderr, "certsift: '%s' is not a command\n", argv[1]);
		usage(stderr);
		return 2;
	}
	cli_cmd = c->name;
	optind = 0;
	return cli_finish(c->run(argc - 1, argv + 1));
}
