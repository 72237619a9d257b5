#ifndef CERTSIFT_SELOPT_H
#define CERTSIFT_SELOPT_H

/*
 * The selection (query.h's struct cs_sel) as options by name, the form a
 * command line or a page gives it. The options, in cs_sel_opts[]:
 *
 *	ca		certificates with CA:TRUE
 *	cause name	(repeatable) the reports with that diagnosis
 *			(causes.h's names), walked with the caller's roots
 *			and known certificates (s->roots, s->known)
 *	error code	(repeatable, a number or an NSS name) certificates
 *			with at least one report with one of the codes; their
 *			figures become those of the matching reports only
 *	expired-at t	not_after < t
 *	host glob	certificates linked to a hostname matching glob
 *			(fnmatch(3), case-insensitive)
 *	issuer text	case-insensitive substring of the RFC 4514 issuer
 *	leaf		leaf_count > 0
 *	min-count n	count >= n
 *	min-hosts n	hosts >= n
 *	self-signed	self-signed certificates
 *	since t		the reports of the UTC days from the one t falls in
 *	subject text	the same as issuer for the subject
 *	until t		the reports of the UTC days before the one t ends
 *			in; either leaves out the reports without a time
 *	valid-at t	not_before <= t <= not_after
 *
 * Times are those of cs_date_arg(). All given options must hold; all but
 * error and cause take one value (the last one given counts). query.h
 * says how reports and figures are counted under them. A new option is a
 * field in struct cs_sel, a row in cs_sel_opts[] and a case in selopt.c.
 *
 * Threads: cs_sel_opts[] is constant; cs_sel_set() writes only *s.
 */

#include <stddef.h>

#include "certsift/err.h"
#include "certsift/query.h"

struct cs_sel_opt {
	const char	*name;		/* without the dashes */
	const char	*arg;		/* its value's name; NULL: a flag */
	int		 many;		/* repeatable */
};

/* The options, flags first, each group sorted by name. */
extern const struct cs_sel_opt	cs_sel_opts[];
extern const size_t		cs_sel_nopts;

/*
 * Sets the option name (cs_sel_opts[]) of s to value (NULL for a flag;
 * the strings of issuer, subject and host are kept by pointer: the
 * caller's). Returns 0, or -1 with CS_EUSAGE for an unknown name or a bad
 * value, saying why in the command line's words ("bad --min-count 'x'").
 */
int	cs_sel_set(struct cs_sel *s, const char *name, const char *value,
	    struct cs_err *err);

#endif
