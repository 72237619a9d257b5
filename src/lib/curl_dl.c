#include "curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "certsift/err.h"

struct cs_curl		 cs_curl_fns;
static const char	*failed;	/* why it cannot be loaded */
static char		 why[256];
static pthread_once_t	 once = PTHREAD_ONCE_INIT;

static void
load(void)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} syms[] = {
#define SYM(f)	{ "curl_" #f, offsetof(struct cs_curl, f) }
		SYM(url), SYM(url_set), SYM(url_get), SYM(url_cleanup),
		SYM(free), SYM(global_init), SYM(global_cleanup),
		SYM(easy_init), SYM(easy_setopt), SYM(easy_getinfo),
		SYM(easy_strerror), SYM(easy_cleanup), SYM(multi_init),
		SYM(multi_add_handle), SYM(multi_remove_handle),
		SYM(multi_perform), SYM(multi_info_read), SYM(multi_poll),
		SYM(multi_cleanup)
#undef SYM
	};
	void *h, *f;
	size_t i;

	/* Never closed: its functions are used until the process ends. */
	if ((h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(why, sizeof(why), "cannot load libcurl: %s",
		    dlerror());
		failed = why;
		return;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((f = dlsym(h, syms[i].name)) == NULL) {
			snprintf(why, sizeof(why), "libcurl has no %s (7.80 "
			    "or later is needed)", syms[i].name);
			failed = why;
			return;
		}
		/* POSIX: a function pointer converts to and from void *. */
		*(void **)((char *)&cs_curl_fns + syms[i].off) = f;
	}
}

int
cs_curl_load(struct cs_err *err)
{
	pthread_once(&once, load);
	if (failed == NULL)
		return 0;
	if (err != NULL)
		cs_err_set(err, CS_EIO, "%s", failed);
	return -1;
}
