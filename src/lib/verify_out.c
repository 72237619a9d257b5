#include "certsift/verify_out.h"

#include <inttypes.h>
#include <string.h>

void
cs_verify_out_begin(struct cs_verify_out *o, FILE *f, int json)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = json;
	if (!json)
		return;
	cs_jw_init(&o->w, f);
	cs_jw_object_begin(&o->w);
	cs_jw_key(&o->w, "problems");
	cs_jw_array_begin(&o->w);
}

void
cs_verify_out_problem(void *arg, const char *check, const char *what)
{
	struct cs_verify_out *o = arg;

	if (!o->json) {
		fprintf(o->f, "problem: %s: %s\n", check, what);
		return;
	}
	cs_jw_object_begin(&o->w);
	cs_jw_key_str(&o->w, "check", check);
	cs_jw_key_str(&o->w, "problem", what);
	cs_jw_object_end(&o->w);
}

void
cs_verify_out_end(struct cs_verify_out *o, const char *db,
    const struct cs_verify_sum *sum)
{
	int i;

	if (!o->json) {
		for (i = 0; i < CS_VERIFY_N; i++)
			fprintf(o->f, "checked %-14s %" PRIu64 "\n",
			    cs_verify_name(i), sum->checked[i]);
		if (sum->problems == 0)
			fprintf(o->f, "store '%s' is sound\n", db);
		return;
	}
	cs_jw_array_end(&o->w);
	cs_jw_key_u64(&o->w, "problems_total", sum->problems);
	cs_jw_key_bool(&o->w, "sound", sum->problems == 0);
	cs_jw_key(&o->w, "checked");
	cs_jw_object_begin(&o->w);
	for (i = 0; i < CS_VERIFY_N; i++)
		cs_jw_key_u64(&o->w, cs_verify_name(i), sum->checked[i]);
	cs_jw_object_end(&o->w);
	cs_jw_object_end(&o->w);
	putc('\n', o->f);
}
