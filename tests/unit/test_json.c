/* The JSON writer: commas, colons and line breaks placed by the writer,
 * strings escaped; every document checked byte for byte. */
#include "certsift/json.h"

#include "t.h"

/* Runs fn on a writer into memory and compares with want. */
static int
same(void (*fn)(struct cs_jw *), const char *want)
{
	struct cs_jw w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ok;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return 0;
	cs_jw_init(&w, f);
	fn(&w);
	fclose(f);
	ok = len == strlen(want) && memcmp(buf, want, len) == 0;
	if (!ok)
		printf("got  %.*s\nwant %s\n", (int)len, buf, want);
	free(buf);
	return ok;
}

static void
nested(struct cs_jw *w)
{
	cs_jw_object_begin(w);
	cs_jw_key_u64(w, "a", 1);
	cs_jw_key(w, "b");
	cs_jw_array_begin(w);
	cs_jw_i64(w, -2);
	cs_jw_str(w, NULL);
	cs_jw_bool(w, 1);
	cs_jw_object_begin(w);
	cs_jw_object_end(w);
	cs_jw_array_begin(w);
	cs_jw_array_end(w);
	cs_jw_double(w, 0.25, 3);
	cs_jw_array_end(w);
	cs_jw_key_bool(w, "c", 0);
	cs_jw_key_null(w, "d");
	cs_jw_key_str(w, "e", "x");
	cs_jw_object_end(w);
}

static void
escaped(struct cs_jw *w)
{
	cs_jw_array_begin(w);
	cs_jw_string(w, "q\"b\\n\n\x01\x7f", 8);
	cs_jw_string(w, "nul\0x", 5);
	cs_jw_string(w, "\xff\xc3\xa9", 3);	/* invalid, then é */
	cs_jw_array_end(w);
}

static void
lines(struct cs_jw *w)
{
	cs_jw_array_begin_lines(w);
	cs_jw_object_begin(w);
	cs_jw_key_i64(w, "code", -8179);
	cs_jw_object_end(w);
	cs_jw_object_begin(w);
	cs_jw_key(w, "l");
	cs_jw_array_begin(w);
	cs_jw_u64(w, 1);
	cs_jw_u64(w, 2);
	cs_jw_array_end(w);
	cs_jw_object_end(w);
	cs_jw_array_end(w);
}

static void
lines_empty(struct cs_jw *w)
{
	cs_jw_array_begin_lines(w);
	cs_jw_array_end(w);
}

static void
two_documents(struct cs_jw *w)
{
	/* Top-level values follow each other without a comma. */
	cs_jw_object_begin(w);
	cs_jw_object_end(w);
	cs_jw_u64(w, 7);
}

int
main(void)
{
	CHECK(same(nested,
	    "{\"a\":1,\"b\":[-2,null,true,{},[],0.250],\"c\":false,"
	    "\"d\":null,\"e\":\"x\"}"));
	CHECK(same(escaped, "[\"q\\\"b\\\\n\\u000a\\u0001\\u007f\","
	    "\"nul\\u0000x\",\"\\ufffd\xc3\xa9\"]"));
	CHECK(same(lines, "[\n{\"code\":-8179},\n{\"l\":[1,2]}\n]"));
	CHECK(same(lines_empty, "[]"));
	CHECK(same(two_documents, "{}7"));
	return t_done();
}
