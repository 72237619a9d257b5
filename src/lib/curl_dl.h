#ifndef CERTSIFT_CURL_DL_H
#define CERTSIFT_CURL_DL_H

/*
 * libcurl, loaded the first time a URL is checked or fetched (dlopen of
 * libcurl.so.4): linked in, it and the 17 libraries it pulls in cost every
 * certsift command ~11 ms to load, and only `aia` uses it.
 */

#include <curl/curl.h>

struct cs_err;

struct cs_curl {
	CURLU		*(*url)(void);
	CURLUcode	 (*url_set)(CURLU *, CURLUPart, const char *,
			    unsigned int);
	CURLUcode	 (*url_get)(const CURLU *, CURLUPart, char **,
			    unsigned int);
	void		 (*url_cleanup)(CURLU *);
	void		 (*free)(void *);
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char	*(*easy_strerror)(CURLcode);
	void		 (*easy_cleanup)(CURL *);
	CURLM		*(*multi_init)(void);
	CURLMcode	 (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode	 (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode	 (*multi_perform)(CURLM *, int *);
	CURLMsg		*(*multi_info_read)(CURLM *, int *);
	CURLMcode	 (*multi_poll)(CURLM *, struct curl_waitfd *,
			    unsigned int, int, int *);
	CURLMcode	 (*multi_cleanup)(CURLM *);
};

/* Its functions, once cs_curl_load() has returned 0. */
extern struct cs_curl	cs_curl_fns;

/*
 * Loads libcurl once (whichever thread comes first): 0, or -1 when it
 * cannot be loaded, then err (if not NULL) says why.
 */
int	cs_curl_load(struct cs_err *err);

#endif
