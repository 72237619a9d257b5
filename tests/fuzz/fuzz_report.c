/*
 * The report reader, differentially: the fast reader must either say it is
 * unsure or agree with the jansson reader on every field; AUTO mode must
 * give what the jansson reader gives. Any disagreement aborts.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/report.h"

#include "rcollect.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_reader	*fast, *jans, *autom;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fast = cs_reader_new(CS_READER_FAST);
	jans = cs_reader_new(CS_READER_JANSSON);
	autom = cs_reader_new(CS_READER_AUTO);
	if (fast == NULL || jans == NULL || autom == NULL)
		abort();
	return 0;
}

static void
disagree(const char *what, const char *msg, const uint8_t *data, size_t size)
{
	size_t i;


	fprintf(stderr, "fuzz_report: %s disagree: %s\ninput (%zu bytes): ",
	    what, msg, size);
	for (i = 0; i < size && i < 512; i++)
		fputc(data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.',
		    stderr);
	fputc('\n', stderr);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rc_doc f = { 0 }, j = { 0 }, a = { 0 };
	const char *doc;
	char msg[512];
	int flags;

	/* Copy, so that ASan sees any read past the end. */
	doc = rc_dup((const char *)data, size);
	for (flags = 0; flags <= CS_DOC_ELEMENT; flags += CS_DOC_ELEMENT) {
		rc_parse(jans, doc, size, flags, &j);
		if (rc_parse(fast, doc, size, flags, &f) != CS_READER_UNSURE &&
		    rc_compare(&f, &j, msg, sizeof(msg)) != 0)
			disagree("FAST and JANSSON", msg, data, size);
		if (f.rc == CS_READER_UNSURE && f.n != 0)
			disagree("FAST", "callback called when unsure", data,
			    size);
		rc_parse(autom, doc, size, flags, &a);
		if (rc_compare(&a, &j, msg, sizeof(msg)) != 0)
			disagree("AUTO and JANSSON", msg, data, size);
	}
	/* Stopping from the callback: -1, and no call after it. */
	rc_parse(autom, doc, size, 0, &a);
	if (a.n > 0) {
		a.stop_after = 1;
		if (rc_parse(autom, doc, size, 0, &a) != -1 || a.n != 1)
			disagree("AUTO", "stop from the callback ignored",
			    data, size);
	}
	rc_clear(&f);
	rc_clear(&j);
	rc_clear(&a);
	free((void *)doc);
	return 0;
}
