#ifndef CERTSIFT_SELECT_H
#define CERTSIFT_SELECT_H

/*
 * The command-line form of the certificate selection (query.h) shared by
 * top, export and missing (select.c):
 *
 *	--error code	(repeatable, a number or an NSS name) certificates
 *			with at least one report with one of the codes; their
 *			figures become those of the matching reports only
 *	--ca		certificates with CA:TRUE
 *	--leaf		leaf_count > 0
 *	--self-signed	self-signed certificates
 *	--min-count n	count >= n
 *	--min-hosts n	hosts >= n
 *	--issuer text	case-insensitive substring of the RFC 4514 issuer
 *	--subject text	the same for the subject
 *	--host glob	certificates linked to a hostname matching glob
 *			(fnmatch(3), case-insensitive)
 *	--valid-at t	not_before <= t <= not_after
 *	--expired-at t	not_after < t
 *	--cause name	(repeatable) the reports with that diagnosis
 *			(causes.h's names), walked with the command's
 *			--roots and --known (top and export: the system's
 *			roots)
 *	--since t	the reports of the UTC days from the one t falls in
 *	--until t	the reports of the UTC days before the one t ends
 *			in (t as in ingest); either leaves out the reports
 *			without a time
 *
 * All given options must hold. --issuer, --subject, --host, --valid-at,
 * --expired-at, --since, --until, --min-count and --min-hosts take one
 * value (the last one given counts).
 *
 * query.h says how reports and figures are counted under them.
 *
 * Use: struct cs_sel sel = CS_SEL_INIT; splice SELECT_LONGOPTS into the
 * command's longopts; pass each getopt_long result to select_option();
 * after opening the store, select_open() prepares the query that the
 * library's calls take; cs_sel_release() at the end. A new selection
 * option is a field in struct cs_sel, a case in select_option(), a row
 * in SELECT_LONGOPTS and SELECT_USAGE.
 */

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certsift/query.h"
#include "certsift/store.h"

/* getopt_long values of the selection's options: beyond any char. */
enum {
	SELECT_OPT_CA = 1000,
	SELECT_OPT_CAUSE,
	SELECT_OPT_ERROR,
	SELECT_OPT_EXPIRED_AT,
	SELECT_OPT_HOST,
	SELECT_OPT_ISSUER,
	SELECT_OPT_LEAF,
	SELECT_OPT_MIN_COUNT,
	SELECT_OPT_MIN_HOSTS,
	SELECT_OPT_SELF_SIGNED,
	SELECT_OPT_SINCE,
	SELECT_OPT_SUBJECT,
	SELECT_OPT_UNTIL,
	SELECT_OPT_VALID_AT
};

/* struct option entries to put in a command's longopts before its end. */
#define SELECT_LONGOPTS							\
	{ "ca", no_argument, NULL, SELECT_OPT_CA },			\
	{ "cause", required_argument, NULL, SELECT_OPT_CAUSE },		\
	{ "error", required_argument, NULL, SELECT_OPT_ERROR },		\
	{ "expired-at", required_argument, NULL, SELECT_OPT_EXPIRED_AT }, \
	{ "host", required_argument, NULL, SELECT_OPT_HOST },		\
	{ "issuer", required_argument, NULL, SELECT_OPT_ISSUER },	\
	{ "leaf", no_argument, NULL, SELECT_OPT_LEAF },			\
	{ "min-count", required_argument, NULL, SELECT_OPT_MIN_COUNT },	\
	{ "min-hosts", required_argument, NULL, SELECT_OPT_MIN_HOSTS },	\
	{ "self-signed", no_argument, NULL, SELECT_OPT_SELF_SIGNED },	\
	{ "since", required_argument, NULL, SELECT_OPT_SINCE },		\
	{ "subject", required_argument, NULL, SELECT_OPT_SUBJECT },	\
	{ "until", required_argument, NULL, SELECT_OPT_UNTIL },		\
	{ "valid-at", required_argument, NULL, SELECT_OPT_VALID_AT }

/* Usage lines of the selection, for a command's usage text. */
#define SELECT_USAGE							\
	"           [--ca] [--leaf] [--self-signed] [--cause name]\n"	\
	"           [--error code] [--expired-at t] [--host glob]\n"	\
	"           [--issuer text] [--min-count n] [--min-hosts n]\n"	\
	"           [--since t] [--subject text] [--until t]\n"		\
	"           [--valid-at t]\n"

/*
 * Handles one getopt_long result ch with its argument into s. Returns 1
 * when ch is a selection option, 0 when it is not (the caller handles
 * it), and -1 when arg is bad, after a usage error (the command then
 * exits 2).
 */
int	select_option(struct cs_sel *s, int ch, const char *arg,
	    const char *usage);

/*
 * Opens a query of s on st; NULL after saying why. Under a period, says
 * on stderr what the store cannot count in it: days it does not keep (a
 * store upgraded from schema 4), hostnames of reports partly in it.
 */
struct cs_query	*select_open(struct cs_store *st, const struct cs_sel *s);
/* The same for an output without figures by hostname (it says nothing
 * about them). */
struct cs_query	*select_open_counts(struct cs_store *st,
		    const struct cs_sel *s);

#endif
