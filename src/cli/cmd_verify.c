#include "cli.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/json.h"
#include "certsift/verify.h"
#include "opts.h"

const char cmd_verify_usage[] = "usage: certsift verify [--json] [--db path]\n";

struct vout {
	int		json;
	struct cs_jw	w;
};

/* A problem: a line "check: what" on stdout, or a JSON array element. */
static void
on_problem(void *arg, const char *check, const char *what)
{
	struct vout *o = arg;

	if (o->json) {
		cs_jw_object_begin(&o->w);
		cs_jw_key_str(&o->w, "check", check);
		cs_jw_key_str(&o->w, "problem", what);
		cs_jw_object_end(&o->w);
	} else
		printf("problem: %s: %s\n", check, what);
}

static int
finish(const char *db, const struct cs_verify_sum *sum, struct vout *o)
{
	int i;

	if (o->json) {
		cs_jw_array_end(&o->w);
		cs_jw_key_u64(&o->w, "problems_total", sum->problems);
		cs_jw_key_bool(&o->w, "sound", sum->problems == 0);
		cs_jw_key(&o->w, "checked");
		cs_jw_object_begin(&o->w);
		for (i = 0; i < CS_VERIFY_N; i++)
			cs_jw_key_u64(&o->w, cs_verify_name(i),
			    sum->checked[i]);
		cs_jw_object_end(&o->w);
		cs_jw_object_end(&o->w);
		putchar('\n');
	} else {
		for (i = 0; i < CS_VERIFY_N; i++)
			printf("checked %-14s %" PRIu64 "\n", cs_verify_name(i),
			    sum->checked[i]);
		if (sum->problems == 0)
			printf("store '%s' is sound\n", db);
	}
	if (sum->problems > 0) {
		cli_warn("store '%s' has %" PRIu64 " problem%s", db,
		    sum->problems, sum->problems == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

int
cmd_verify(int argc, char **argv)
{
	struct cs_verify_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL;
	struct cli_opts c;
	struct vout o;
	const char *db;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	c.usage = cmd_verify_usage;
	c.take = CLI_DB | CLI_JSON;
	if ((status = cli_parse(&c, argc, argv)) != -1 ||
	    (status = cli_no_operands(&c, argc, argv)) != -1)
		return status;
	o.json = c.format == CS_FMT_JSON;
	db = cli_db_path(c.db);
	if (o.json) {
		cs_jw_init(&o.w, stdout);
		cs_jw_object_begin(&o.w);
		cs_jw_key(&o.w, "problems");
		cs_jw_array_begin(&o.w);
	}
	memset(&sum, 0, sizeof(sum));
	if (cs_store_open(db, CS_STORE_RDONLY, &st, &err) == -1) {
		/* A store that cannot be opened is what verify found. */
		if (err.code == CS_ENOTFOUND)
			return cli_fail(&err);
		sum.problems = 1;
		on_problem(&o, "store", err.msg);
		return finish(db, &sum, &o);
	}
	if (cs_verify(st, on_problem, &o, &sum, &err) == -1) {
		cs_store_close(st);
		return cli_fail(&err);
	}
	cs_store_close(st);
	return finish(db, &sum, &o);
}
