/*
 * Huge pages for the commands that hold a whole store's certificates and
 * chains in memory (cli_cmd.big): glibc's malloc asks the kernel for
 * transparent huge pages on the memory it maps when its tunable
 * glibc.malloc.hugetlb is 1. Where the kernel gives them only when asked
 * (its "madvise" setting, Debian's default), the report of a million
 * certificates otherwise takes 250,000 more page faults, each zeroing and
 * mapping 4 KiB (docs/BENCHMARKS.md). A tunable is read when a process
 * starts, so certsift sets it and executes itself again, once.
 */

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#define TUNABLE	"glibc.malloc.hugetlb=1"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
/* The sanitizers' allocators read no glibc tunable. */
void
cli_huge_pages(char **argv)
{
	(void)argv;
}
#else
/* Whether the kernel gives huge pages when asked only: "[madvise]". */
static int
thp_when_asked(void)
{
	char line[128];
	FILE *f;
	int r = 0;

	if ((f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r")) ==
	    NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL)
		r = strstr(line, "[madvise]") != NULL;
	fclose(f);
	return r;
}

void
cli_huge_pages(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES"), *off, *pre;
	char *v;
	size_t n;

	/* Not when told not to, nor when a hugetlb tunable is set (by the
	 * user, or by this function before the process was executed
	 * again), nor under valgrind (its preload: executing /proc/self/exe
	 * would leave it), nor set-user-ID (the loader drops the tunable
	 * there: it would execute itself again and again), nor where it
	 * would change nothing. */
	off = getenv("CERTSIFT_HUGEPAGES");
	pre = getenv("LD_PRELOAD");
	if ((off != NULL && strcmp(off, "0") == 0) ||
	    (t != NULL && strstr(t, "glibc.malloc.hugetlb") != NULL) ||
	    (pre != NULL && strstr(pre, "vgpreload") != NULL) ||
	    getauxval(AT_SECURE) != 0 || !thp_when_asked())
		return;
	n = (t != NULL ? strlen(t) + 1 : 0) + sizeof(TUNABLE);
	if ((v = malloc(n)) == NULL)
		return;
	snprintf(v, n, "%s%s%s", t != NULL ? t : "", t != NULL ? ":" : "",
	    TUNABLE);
	if (setenv("GLIBC_TUNABLES", v, 1) == 0) {
		fflush(NULL);
		execv("/proc/self/exe", argv);
		/* Not executed (no /proc): on without them, as before. */
		if (t != NULL)
			setenv("GLIBC_TUNABLES", t, 1);
		else
			unsetenv("GLIBC_TUNABLES");
	}
	free(v);
}
#endif
