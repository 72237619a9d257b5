#include "certsift/report_html.h"

#include <sys/resource.h>
#include <sys/syscall.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/causes.h"
#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/nss.h"
#include "certsift/trend.h"
#include "certsift/x509.h"

#define TOP_DEFAULT	20
#define NCOLORS		8	/* series drawn; the rest is "other" */
#define CHART_W		1200
#define CHART_H		260
#define PLOT_X		60	/* the plot's left edge */
#define PLOT_Y		10
#define PLOT_W		(CHART_W - PLOT_X - 10)
#define PLOT_H		(CHART_H - PLOT_Y - 30)

struct page {
	FILE				*f;
	struct cs_store			*st;
	const struct cs_report_html_opts *o;
	struct cs_err			*err;
	size_t				 top;
	uint64_t			 n[CS_N_COUNTERS];
	struct cs_trend			 byerr;
	struct cs_trend			 bymiss;
	struct cs_trend			 bycause;
	struct cs_causes		 causes;
	struct cs_missing		 m;
	struct cs_ranking		 rank[CS_RANK_NKINDS];
	int				 hosts_mode;
};

/* ---- escaping ------------------------------------------------------------ */

/* The length of the UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

void
cs_html_text(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if (s[i] < 0x20 || s[i] == 0x7f) {
				fputs("\xef\xbf\xbd", f);	/* U+FFFD */
				break;
			}
			if ((k = utf8_len(s + i, n - i)) == 0) {
				fputs("\xef\xbf\xbd", f);
				break;
			}
			fwrite(s + i, 1, k, f);
			i += k;
			continue;
		}
		i++;
	}
}

static void
text(FILE *f, const char *s)
{
	if (s != NULL)
		cs_html_text(f, s, strlen(s));
}

/* 1 when s is an http or https URL (the only ones made links). */
static int
web_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

static void
url(FILE *f, const char *s)
{
	if (!web_url(s)) {
		text(f, s);
		return;
	}
	fputs("<a rel=\"noreferrer\" href=\"", f);
	text(f, s);
	fputs("\">", f);
	text(f, s);
	fputs("</a>", f);
}

/* A certificate by its SHA-256: a link to crt.sh, the digest shortened. */
static void
sha_link(FILE *f, const unsigned char sha[32])
{
	char hex[65];

	cs_sha256_hex(sha, hex);
	fprintf(f, "<a class=\"sha\" rel=\"noreferrer\" href=\"https://crt.sh/"
	    "?sha256=%s\" title=\"%s\">%.16s&hellip;</a>", hex, hex, hex);
}

/* ---- the page's frame ---------------------------------------------------- */

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1240px;"
    "padding:0 20px 40px;color:#1b1f24;background:#fff}"
    "h1{font-size:24px;margin:20px 0 4px}h2{font-size:18px;margin:28px 0 8px;"
    "border-bottom:1px solid #d0d7de;padding-bottom:4px}"
    "p.note{color:#57606a;margin:4px 0}"
    "table{border-collapse:collapse;margin:6px 0;font-size:13px}"
    "th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;"
    "vertical-align:top}td.n,th.n{text-align:right;"
    "font-variant-numeric:tabular-nums}"
    "th{background:#f6f8fa;cursor:pointer;user-select:none}"
    "td.w{max-width:520px;overflow-wrap:anywhere}"
    "dl.kv{display:grid;grid-template-columns:max-content auto;gap:2px 16px}"
    "dl.kv dt{color:#57606a}dl.kv dd{margin:0;overflow-wrap:anywhere}"
    "ul.legend{list-style:none;padding:0;margin:4px 0;display:flex;"
    "flex-wrap:wrap;gap:4px 16px;font-size:12px}"
    "ul.legend svg{vertical-align:middle;margin-right:4px}"
    "svg.chart{width:100%;height:auto;background:#fafbfc;"
    "border:1px solid #d0d7de}"
    "svg text{font:11px system-ui,sans-serif;fill:#57606a}"
    ".grid{stroke:#d0d7de;stroke-width:1}"
    ".c0{fill:#0969da}.c1{fill:#cf222e}.c2{fill:#1a7f37}.c3{fill:#9a6700}"
    ".c4{fill:#8250df}.c5{fill:#bc4c00}.c6{fill:#1b7c83}.c7{fill:#6e7781}"
    "a.sha{font-family:ui-monospace,monospace}code{font-size:12px}"
    "td code{white-space:nowrap}";

/* Sorts a table by the column clicked: numbers (data-type n) as numbers. */
static const char script[] =
    "document.querySelectorAll('table.sortable th').forEach(function(th){"
    "th.addEventListener('click',function(){"
    "var t=th.closest('table'),b=t.tBodies[0],"
    "i=Array.prototype.indexOf.call(th.parentNode.children,th),"
    "num=th.getAttribute('data-type')==='n',"
    "d=th.getAttribute('data-dir')==='d'?1:-1;"
    "th.setAttribute('data-dir',d>0?'a':'d');"
    "var r=Array.prototype.slice.call(b.rows);"
    "r.sort(function(x,y){var a=x.cells[i].textContent,"
    "c=y.cells[i].textContent;if(num){return ((parseFloat(a)||0)-"
    "(parseFloat(c)||0))*d;}return a<c?-d:a>c?d:0;});"
    "r.forEach(function(e){b.appendChild(e);});});});";

/* 'sha256-...' of a text, for the Content-Security-Policy. */
static int
csp_hash(const char *s, char *out, size_t size, struct cs_err *err)
{
	struct cs_buf b = CS_BUF_INIT;
	unsigned char sha[32];
	size_t i, k;

	cs_sha256(s, strlen(s), sha);
	if (cs_b64_encode_pem(sha, sizeof(sha), &b, err) == -1)
		return -1;
	for (i = 0, k = 0; i < b.len && k + 1 < size; i++)
		if (b.data[i] != '\n')
			out[k++] = (char)b.data[i];
	out[k] = '\0';
	cs_buf_release(&b);
	return 0;
}

static int
head(struct page *p)
{
	char sh[64], ch[64];

	if (csp_hash(script, sh, sizeof(sh), p->err) == -1 ||
	    csp_hash(style, ch, sizeof(ch), p->err) == -1)
		return -1;
	fprintf(p->f, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
	    "Policy\" content=\"default-src 'none'; style-src 'sha256-%s'; "
	    "script-src 'sha256-%s'; img-src data:; base-uri 'none'; "
	    "form-action 'none'\">\n<meta name=\"referrer\" content=\""
	    "no-referrer\">\n<title>certsift report: ", ch, sh);
	text(p->f, p->o->store_name);
	fprintf(p->f, "</title>\n<style>%s</style>\n</head><body>\n", style);
	return 0;
}

/* ---- charts -------------------------------------------------------------- */

/* The label of group g of t. */
static void
group_label(FILE *f, const struct cs_trend *t, size_t g, int by)
{
	const struct cs_trend_group *gr = &t->groups[g];
	const char *name;

	if (by != CS_TREND_ERROR) {
		text(f, gr->label);
		return;
	}
	if (!gr->has_err) {
		fputs("no error code", f);
		return;
	}
	name = cs_nss_name(gr->code);
	fprintf(f, "%" PRId32 " ", gr->code);
	text(f, name != NULL ? name : "(unknown)");
}

static void
swatch(FILE *f, size_t c)
{
	fprintf(f, "<svg width=\"10\" height=\"10\"><rect class=\"c%zu\" "
	    "width=\"10\" height=\"10\"/></svg>", c);
}

/*
 * Reports per day, stacked by group: the first NCOLORS - 1 groups, then
 * the others together. Days without reports are gaps.
 */
static int
chart(struct page *p, const struct cs_trend *t, int by, const char *what)
{
	FILE *f = p->f;
	uint64_t *tot = NULL, *acc = NULL, max = 0;
	size_t ndays, i, g, c;
	double bw, x, y, h, base;
	char d0[16], d1[16], dm[16];

	if (!t->has_days) {
		fprintf(f, "<p class=\"note\">No dated reports for %s.</p>\n",
		    what);
		return 0;
	}
	ndays = (size_t)((int64_t)t->last_day - t->first_day + 1);
	if ((tot = calloc(ndays, sizeof(*tot))) == NULL ||
	    (acc = calloc(ndays, sizeof(*acc))) == NULL) {
		free(tot);
		return cs_err_set(p->err, CS_ENOMEM, "out of memory");
	}
	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].day != CS_NODAY)
			tot[t->rows[i].day - t->first_day] += t->rows[i].reports;
	for (i = 0; i < ndays; i++)
		max = tot[i] > max ? tot[i] : max;
	bw = (double)PLOT_W / (double)ndays;
	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"%s\">\n", CHART_W, CHART_H, what);
	for (i = 0; i <= 4; i++) {
		y = PLOT_Y + PLOT_H - (double)PLOT_H * (double)i / 4;
		fprintf(f, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
		    "y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
		    "%.0f</text>\n", PLOT_X, PLOT_X + PLOT_W, y, y, PLOT_X - 6,
		    y + 4, (double)max * (double)i / 4);
	}
	for (i = 0; i < t->nrows; i++) {
		const struct cs_trend_row *r = &t->rows[i];

		if (r->day == CS_NODAY || max == 0)
			continue;
		g = r->group;
		c = g < NCOLORS - 1 ? g : NCOLORS - 1;
		x = PLOT_X + bw * (double)(r->day - t->first_day);
		base = (double)acc[r->day - t->first_day];
		acc[r->day - t->first_day] += r->reports;
		h = (double)PLOT_H * (double)r->reports / (double)max;
		y = PLOT_Y + PLOT_H - (double)PLOT_H * base / (double)max - h;
		cs_date_daystr(r->day, d0);
		fprintf(f, "<rect class=\"c%zu\" x=\"%.2f\" y=\"%.2f\" "
		    "width=\"%.2f\" height=\"%.2f\"><title>%s: ", c, x, y,
		    bw > 2 ? bw * 0.85 : bw, h, d0);
		group_label(f, t, g, by);
		fprintf(f, ": %" PRIu64 "</title></rect>\n", r->reports);
	}
	cs_date_daystr(t->first_day, d0);
	cs_date_daystr(t->last_day, d1);
	cs_date_daystr(t->first_day + (int32_t)(ndays / 2), dm);
	fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%.1f\" y=\"%d\" "
	    "text-anchor=\"middle\">%s</text><text x=\"%d\" y=\"%d\" "
	    "text-anchor=\"end\">%s</text>\n</svg>\n", PLOT_X, CHART_H - 8, d0,
	    PLOT_X + bw * (double)(ndays / 2) + bw / 2, CHART_H - 8, dm,
	    PLOT_X + PLOT_W, CHART_H - 8, d1);
	fputs("<ul class=\"legend\">", f);
	for (g = 0; g < t->ngroups && g < NCOLORS - 1; g++) {
		fputs("<li>", f);
		swatch(f, g);
		group_label(f, t, g, by);
		fprintf(f, " (%" PRIu64 ")</li>", t->groups[g].reports);
	}
	if (t->ngroups >= NCOLORS) {
		uint64_t rest = 0;

		for (g = NCOLORS - 1; g < t->ngroups; g++)
			rest += t->groups[g].reports;
		fputs("<li>", f);
		swatch(f, NCOLORS - 1);
		fprintf(f, "%zu others (%" PRIu64 ")</li>", t->ngroups -
		    (NCOLORS - 1), rest);
	}
	fputs("</ul>\n", f);
	free(tot);
	free(acc);
	return 0;
}

/* The data behind a chart: trend's rows. */
static void
trend_table(struct page *p, const struct cs_trend *t, int by, const char *id)
{
	FILE *f = p->f;
	char d[16];
	size_t i;

	fprintf(f, "<details><summary>The %zu rows (as <code>certsift "
	    "trend</code>)</summary>\n<table class=\"sortable\" id=\"%s\">"
	    "<thead><tr><th>day</th><th>%s</th><th class=\"n\" "
	    "data-type=\"n\">reports</th></tr></thead><tbody>\n", t->nrows, id,
	    by == CS_TREND_ERROR ? "code" : by == CS_TREND_CAUSE ? "cause" :
	    "issuer");
	for (i = 0; i < t->nrows; i++) {
		const struct cs_trend_row *r = &t->rows[i];

		if (r->day == CS_NODAY)
			strcpy(d, "-");
		else
			cs_date_daystr(r->day, d);
		fprintf(f, "<tr><td>%s</td><td>", d);
		group_label(f, t, r->group, by);
		fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
		    r->reports);
	}
	fputs("</tbody></table></details>\n", f);
}

/* ---- sections ------------------------------------------------------------ */

static void
kv(FILE *f, const char *k, const char *v)
{
	fprintf(f, "<dt>%s</dt><dd>", k);
	text(f, v);
	fputs("</dd>", f);
}

static void
coverage(struct page *p)
{
	FILE *f = p->f;
	const struct cs_daysinfo *di = &p->byerr.info;
	char a[16], b[16], buf[160];
	int i;

	fputs("<h1>certsift report</h1>\n<section id=\"coverage\">"
	    "<h2>What it covers</h2>\n<dl class=\"kv\">", f);
	kv(f, "store", p->o->store_name);
	kv(f, "selection", p->o->selection != NULL && *p->o->selection ?
	    p->o->selection : "every report");
	if (p->byerr.has_days) {
		cs_date_daystr(p->byerr.first_day, a);
		cs_date_daystr(p->byerr.last_day, b);
		snprintf(buf, sizeof(buf), "%s to %s (UTC days with reports)",
		    a, b);
	} else
		snprintf(buf, sizeof(buf), "no dated reports");
	kv(f, "period", buf);
	if (p->o->has_since || p->o->has_until) {
		a[0] = b[0] = '\0';
		if (p->o->has_since)
			cs_date_daystr(p->o->since, a);
		if (p->o->has_until)
			cs_date_daystr(p->o->until - 1, b);
		snprintf(buf, sizeof(buf), "%s to %s", p->o->has_since ? a :
		    "the first day", p->o->has_until ? b : "the last day");
		kv(f, "days asked for", buf);
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 " (%" PRIu64 " without a time)",
	    p->byerr.reports, p->byerr.undated);
	kv(f, "reports counted", buf);
	fputs("</dl>\n", f);
	if (!di->kept)
		fputs("<p class=\"note\" id=\"nodays\">This store keeps no days "
		    "yet (made before schema 5; the next ingest upgrades it): "
		    "the charts over time are empty.</p>\n", f);
	else if (di->reports_before > 0) {
		cs_date_iso(di->since, buf);
		fprintf(f, "<p class=\"note\" id=\"nodays\">This store keeps "
		    "days since %s, when it was upgraded: the %" PRIu64
		    " reports ingested before have no day and are in no chart "
		    "over time (they are in the rankings).</p>\n", buf,
		    di->reports_before);
	}
	fputs("<table id=\"counters\"><thead><tr><th>counter</th><th "
	    "class=\"n\">value</th></tr></thead><tbody>\n", f);
	for (i = 0; i < CS_N_COUNTERS; i++) {
		int k = cs_store_counter_order[i];

		if (k == CS_N_MICROSECONDS)
			continue;
		fprintf(f, "<tr><td>%s</td><td class=\"n\">%" PRIu64
		    "</td></tr>\n", cs_store_counter_name(k), p->n[k]);
	}
	fputs("</tbody></table>\n<p class=\"note\">The store's counters, over "
	    "every ingest (<code>certsift stats</code>); the figures below are "
	    "those of the selection.</p></section>\n", f);
}

/* The primary causes, most first (ties by name, as trend's groups). */
static int
primary_cmp(const void *a, const void *b, void *arg)
{
	const uint64_t *n = arg;
	int x = *(const int *)a, y = *(const int *)b;

	if (n[x] != n[y])
		return n[x] > n[y] ? -1 : 1;
	return strcmp(cs_cause_name(x), cs_cause_name(y));
}

/* A bar per primary cause with its reports and share (adding to 100%). */
static void
causes_chart(struct page *p)
{
	const struct cs_causes *c = &p->causes;
	FILE *f = p->f;
	unsigned bp[CS_CAUSE_N];
	int order[CS_CAUSE_N], n = 0, i, k;
	double w;

	cs_causes_shares(c, bp);
	for (k = 0; k < CS_CAUSE_N; k++)
		if (c->primary[k] > 0)
			order[n++] = k;
	qsort_r(order, (size_t)n, sizeof(*order), primary_cmp,
	    (void *)c->primary);
	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 1200 %d\" role=\"img\" "
	    "aria-label=\"reports per primary cause\">\n", 8 + n * 30);
	for (i = 0; i < n; i++) {
		k = order[i];
		w = 860.0 * (double)c->primary[k] / (double)c->primary[order[0]];
		fprintf(f, "<text x=\"190\" y=\"%d\" text-anchor=\"end\">%s"
		    "</text><rect class=\"c%d\" x=\"200\" y=\"%d\" width=\"%.1f\" "
		    "height=\"22\"><title>%s: %" PRIu64 "</title></rect><text "
		    "x=\"%.1f\" y=\"%d\">%" PRIu64 " (%u.%02u%%)</text>\n",
		    23 + i * 30, cs_cause_name(k), i < NCOLORS - 1 ? i :
		    NCOLORS - 1, 8 + i * 30, w, cs_cause_name(k),
		    c->primary[k], 206 + w, 23 + i * 30, c->primary[k],
		    bp[k] / 100, bp[k] % 100);
	}
	fputs("</svg>\n", f);
}

/* Chain ids (export --format chains), the first k of a row. */
static void
chain_ids(FILE *f, const struct cs_cause_row *r, size_t k)
{
	char id[65];
	size_t i;

	for (i = 0; i < r->nexamples && i < k; i++) {
		cs_sha256_hex(r->examples[i], id);
		fprintf(f, "%s<code title=\"%s\">%.16s</code>", i > 0 ? " " : "",
		    id, id);
	}
	if (r->nexamples == 0)
		fputs("-", f);
}

static void
causes_table(struct page *p)
{
	const struct cs_causes *c = &p->causes;
	const struct cs_cause_row *r;
	FILE *f = p->f;
	unsigned sh;
	size_t i;

	fputs("<table class=\"sortable\" id=\"causes-table\"><thead><tr>"
	    "<th>cause</th><th>detail</th><th class=\"n\" data-type=\"n\">"
	    "reports</th><th class=\"n\" data-type=\"n\">chains</th><th "
	    "class=\"n\" data-type=\"n\">hosts</th><th class=\"n\" "
	    "data-type=\"n\">share</th><th class=\"n\" data-type=\"n\">primary"
	    "</th><th>example chains</th></tr></thead><tbody>\n", f);
	for (i = 0; i < c->nrows && i < p->top; i++) {
		r = &c->rows[i];
		sh = cs_causes_row_share(c, r);
		fprintf(f, "<tr><td>%s</td><td class=\"w\">", cs_cause_name(
		    r->cause));
		text(f, r->detail != NULL ? r->detail : "-");
		fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
		    "%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td "
		    "class=\"n\">%u.%02u%%</td><td class=\"n\">%" PRIu64 "</td>"
		    "<td>", r->reports, r->chains, r->hosts, sh / 100, sh % 100,
		    r->primary);
		chain_ids(f, r, 3);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static int
causes(struct page *p)
{
	const struct cs_causes *c = &p->causes;
	FILE *f = p->f;

	fprintf(f, "<section id=\"causes\"><h2>Why reports failed: their "
	    "causes</h2>\n<p class=\"note\">The %" PRIu64 " selected reports "
	    "with a valid certificate, each under its primary cause (the first "
	    "that applies, in the order of <code>certsift causes</code>):"
	    "</p>\n", c->reports);
	if (c->reports > 0)
		causes_chart(p);
	causes_table(p);
	fprintf(f, "<p class=\"note\">The first %zu rows of <code>certsift "
	    "causes</code>: a report counts under every diagnosis that applies "
	    "to it (<em>reports</em>, <em>share</em>), and under one "
	    "(<em>primary</em>). Example chains are ids of <code>certsift "
	    "export --format chains</code>.</p>\n<h3>Reports per day by primary "
	    "cause</h3>\n", p->top);
	if (chart(p, &p->bycause, CS_TREND_CAUSE, "reports per day by primary "
	    "cause") == -1)
		return -1;
	if (c->days_guessed > 0)
		fprintf(f, "<p class=\"note\" id=\"guessed\">The days of %" PRIu64
		    " reports ingested before this store kept hosts' days "
		    "(schema 6) are laid over their chain's days cause by cause: "
		    "a guess.</p>\n", c->days_guessed);
	trend_table(p, &p->bycause, CS_TREND_CAUSE, "trend-cause");
	fputs("</section>\n", f);
	return 0;
}

/* The interception products: the detail of causes' interception rows. */
static void
interception(struct page *p)
{
	const struct cs_causes *c = &p->causes;
	const struct cs_cause_row *r;
	FILE *f = p->f;
	size_t i, n = 0;

	fputs("<section id=\"interception\"><h2>Interception products</h2>\n",
	    f);
	for (i = 0; i < c->nrows; i++)
		n += c->rows[i].cause == CS_CAUSE_INTERCEPTION;
	if (n == 0) {
		fputs("<p class=\"note\">No selected chain has a certificate of "
		    "a known TLS-interception product.</p></section>\n", f);
		return;
	}
	fputs("<table class=\"sortable\" id=\"interception-table\"><thead><tr>"
	    "<th>product</th><th class=\"n\" data-type=\"n\">reports</th><th "
	    "class=\"n\" data-type=\"n\">chains</th><th class=\"n\" "
	    "data-type=\"n\">hosts</th><th class=\"n\" data-type=\"n\">primary"
	    "</th><th>example chains</th></tr></thead><tbody>\n", f);
	for (i = 0, n = 0; i < c->nrows && n < p->top; i++) {
		r = &c->rows[i];
		if (r->cause != CS_CAUSE_INTERCEPTION)
			continue;
		n++;
		fputs("<tr><td class=\"w\">", f);
		text(f, r->detail != NULL ? r->detail : "-");
		fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
		    "%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td "
		    "class=\"n\">%" PRIu64 "</td><td>", r->reports, r->chains,
		    r->hosts, r->primary);
		chain_ids(f, r, 3);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n<p class=\"note\">A chain is an interception "
	    "product's when one of its certificates (sent or found) matches "
	    "Chromium's list of TLS-interception software by issuer name "
	    "(<code>certsift causes --json</code>'s interception rows)."
	    "</p></section>\n", f);
}

/* The PEM bundle of the missing intermediates' resolvers, as missing
 * --pem writes it, in a data: link. */
static int
pem_link(struct page *p)
{
	struct cs_buf pem = CS_BUF_INIT, b = CS_BUF_INIT;
	const struct cs_missing_row *r;
	char *text_buf = NULL;
	size_t len = 0, i, n = 0;
	FILE *mf;
	int ret = -1;

	if ((mf = open_memstream(&text_buf, &len)) == NULL)
		return cs_err_set(p->err, CS_ENOMEM, "out of memory");
	for (i = 0; i < p->m.nrows; i++) {
		r = &p->m.rows[i];
		if (r->outcome != CS_MISSING_INTERMEDIATE || r->der == NULL)
			continue;
		cs_buf_reset(&b);
		if (cs_b64_encode_pem(r->der, r->der_len, &b, p->err) == -1)
			goto out;
		fputs("# issuer: ", mf);
		cs_text_string(mf, r->issuer, strlen(r->issuer));
		fprintf(mf, "\n# reports: %" PRIu64 "\n# source: %s\n"
		    "-----BEGIN CERTIFICATE-----\n", r->reports,
		    cs_missing_source_name(r->source));
		fwrite(b.data, 1, b.len, mf);
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			putc('\n', mf);
		fputs("-----END CERTIFICATE-----\n", mf);
		n++;
	}
	fclose(mf);
	mf = NULL;
	if (n == 0) {
		fputs("<p class=\"note\">No missing intermediate is resolved: no "
		    "bundle to preload.</p>\n", p->f);
		ret = 0;
		goto out;
	}
	if (cs_b64_encode_pem((const unsigned char *)text_buf, len, &pem,
	    p->err) == -1)
		goto out;
	fputs("<p><a id=\"pem\" download=\"missing-intermediates.pem\" "
	    "href=\"data:application/x-pem-file;base64,", p->f);
	for (i = 0; i < pem.len; i++)
		if (pem.data[i] != '\n')
			putc(pem.data[i], p->f);
	fprintf(p->f, "\">The PEM bundle of the %zu resolving certificates</a> "
	    "(as <code>certsift missing --pem</code>): the list that feeds "
	    "intermediate preloading.</p>\n", n);
	ret = 0;
out:
	if (mf != NULL)
		fclose(mf);
	free(text_buf);
	cs_buf_release(&b);
	cs_buf_release(&pem);
	return ret;
}

static int
missing_rows(struct page *p)
{
	FILE *f = p->f;
	const struct cs_missing_row *r;
	size_t i, k, shown = 0;

	fputs("<section id=\"missing\"><h2>Missing intermediates</h2>\n", f);
	if (pem_link(p) == -1)
		return -1;
	fputs("<table class=\"sortable\" id=\"missing-table\"><thead><tr>"
	    "<th>outcome</th><th class=\"n\" data-type=\"n\">reports</th>"
	    "<th class=\"n\" data-type=\"n\">chains</th><th class=\"n\" "
	    "data-type=\"n\">hosts</th><th>issuer</th><th>aki</th><th>resolved "
	    "by</th><th>source</th><th>caIssuers</th></tr></thead><tbody>\n",
	    f);
	for (i = 0; i < p->m.nrows && shown < p->top; i++) {
		r = &p->m.rows[i];
		if (r->outcome != CS_MISSING_INTERMEDIATE &&
		    r->outcome != CS_MISSING_UNKNOWN_ISSUER)
			continue;
		if (cs_missing_hosts(p->st, &p->m, i, p->err) == -1)
			return -1;
		shown++;
		fprintf(f, "<tr><td>%s</td><td class=\"n\">%" PRIu64 "</td>"
		    "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
		    "</td><td class=\"w\">", cs_missing_outcome_name(
		    r->outcome), r->reports, r->chains, r->hosts);
		text(f, r->issuer);
		fputs("</td><td><code>", f);
		text(f, r->aki != NULL ? r->aki : "-");
		fputs("</code></td><td>", f);
		if (r->source != CS_MISSING_SRC_NONE)
			sha_link(f, r->resolved_by);
		else
			fputs("-", f);
		fprintf(f, "</td><td>%s</td><td class=\"w\">",
		    r->source != CS_MISSING_SRC_NONE ?
		    cs_missing_source_name(r->source) : "-");
		for (k = 0; k < r->naia; k++) {
			if (k > 0)
				fputs("<br>", f);
			url(f, r->aia[k]);
		}
		fputs("</td></tr>\n", f);
	}
	fprintf(f, "</tbody></table>\n<p class=\"note\">The first %zu rows of "
	    "<code>certsift missing</code> whose issuer was not sent "
	    "(missing-intermediate: found elsewhere; unknown-issuer: "
	    "nowhere).</p>\n<h3>Reports per day for the top missing "
	    "intermediates</h3>\n", p->top);
	if (chart(p, &p->bymiss, CS_TREND_MISSING_ROW,
	    "reports per day for the top missing intermediates") == -1)
		return -1;
	fputs("</section>\n", f);
	return 0;
}

static int
rank_issuers(struct page *p)
{
	const struct cs_ranking *r = &p->rank[CS_RANK_ISSUERS];
	FILE *f = p->f;
	size_t i;

	fputs("<section id=\"issuers\"><h2>Top issuers</h2>\n<table class=\""
	    "sortable\" id=\"top-issuers\"><thead><tr><th class=\"n\" "
	    "data-type=\"n\">reports</th><th class=\"n\" data-type=\"n\">"
	    "certs</th><th class=\"n\" data-type=\"n\">hosts</th><th>issuer"
	    "</th></tr></thead><tbody>\n", f);
	for (i = 0; i < r->n && i < p->top; i++) {
		fprintf(f, "<tr><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
		    "%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td "
		    "class=\"w\">", r->rows[i].v[0], r->rows[i].v[1],
		    r->rows[i].v[2]);
		cs_html_text(f, r->rows[i].name, r->rows[i].len);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
	return 0;
}

static int
rank_certs(struct page *p)
{
	const struct cs_ranking *r = &p->rank[CS_RANK_CERTS];
	struct cs_certrec rec;
	FILE *f = p->f;
	size_t i;

	fputs("<section id=\"certs\"><h2>Top certificates</h2>\n<table class=\""
	    "sortable\" id=\"top-certs\"><thead><tr><th>sha256</th><th "
	    "class=\"n\" data-type=\"n\">count</th><th class=\"n\" "
	    "data-type=\"n\">leaf_count</th><th class=\"n\" data-type=\"n\">"
	    "hosts</th><th>subject</th><th>issuer</th></tr></thead><tbody>\n",
	    f);
	for (i = 0; i < r->n && i < p->top; i++) {
		if (cs_store_get_cert(p->st, r->rows[i].key, CS_GET_SUMMARY |
		    CS_GET_NOSTAT, &rec, p->err) == -1)
			return -1;
		fputs("<tr><td>", f);
		sha_link(f, r->rows[i].sha256);
		fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
		    "%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td "
		    "class=\"w\">", r->rows[i].v[0], r->rows[i].v[1],
		    r->rows[i].v[2]);
		text(f, rec.cert.subject);
		fputs("</td><td class=\"w\">", f);
		text(f, rec.cert.issuer);
		fputs("</td></tr>\n", f);
		cs_certrec_release(&rec);
	}
	fputs("</tbody></table></section>\n", f);
	return 0;
}

static int
rank_errors(struct page *p)
{
	const struct cs_ranking *r = &p->rank[CS_RANK_ERRORS];
	FILE *f = p->f;
	const char *name;
	size_t i;

	fputs("<section id=\"errors\"><h2>Top error codes</h2>\n<table class=\""
	    "sortable\" id=\"top-errors\"><thead><tr><th class=\"n\" "
	    "data-type=\"n\">code</th><th class=\"n\" data-type=\"n\">reports"
	    "</th><th class=\"n\" data-type=\"n\">certs</th><th>name</th></tr>"
	    "</thead><tbody>\n", f);
	for (i = 0; i < r->n && i < p->top; i++) {
		name = cs_nss_name(r->rows[i].code);
		fprintf(f, "<tr><td class=\"n\">%" PRId32 "</td><td class=\"n\">"
		    "%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td>%s"
		    "</td></tr>\n", r->rows[i].code, r->rows[i].v[0],
		    r->rows[i].v[1], name != NULL ? name : "-");
	}
	fputs("</tbody></table></section>\n", f);
	return 0;
}

static int
rank_hosts(struct page *p)
{
	const struct cs_ranking *r = &p->rank[CS_RANK_HOSTS];
	FILE *f = p->f;
	size_t i;

	fputs("<section id=\"hosts\"><h2>Top hostnames</h2>\n", f);
	if (p->hosts_mode == 1 || p->hosts_mode == 2) {
		fprintf(f, "<p class=\"note\">This store keeps %s: no hostname "
		    "is shown.</p></section>\n", p->hosts_mode == 1 ? "no "
		    "hostnames (ingested with --hosts none)" : "keyed hashes of "
		    "hostnames, not the names (--hosts keyed)");
		return 0;
	}
	fprintf(f, "<p class=\"note\">Only hostnames seen in at least %" PRIu64
	    " report%s (--min-host-reports).</p>\n<table class=\"sortable\" "
	    "id=\"top-hosts\"><thead><tr><th class=\"n\" data-type=\"n\">"
	    "reports</th><th class=\"n\" data-type=\"n\">certs</th><th>host"
	    "</th></tr></thead><tbody>\n", p->o->min_host_reports,
	    p->o->min_host_reports == 1 ? "" : "s");
	for (i = 0; i < r->n && i < p->top; i++) {
		fprintf(f, "<tr><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
		    "%" PRIu64 "</td><td class=\"w\">", r->rows[i].v[0],
		    r->rows[i].v[1]);
		cs_html_text(f, r->rows[i].name, r->rows[i].len);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
	return 0;
}

/* ---- gathering ----------------------------------------------------------- */

static void
trend_opts(const struct page *p, struct cs_query *q, int by,
    struct cs_trend_opts *to)
{
	memset(to, 0, sizeof(*to));
	to->query = q;
	to->has_since = p->o->has_since;
	to->since = p->o->since;
	to->has_until = p->o->has_until;
	to->until = p->o->until;
	to->by = by;
}

/*
 * What the walk has no part in: the reports per day by error code and the
 * rankings, through st and q (the page's, or a reader of them on a thread
 * of its own: it writes only these of p).
 */
struct side {
	struct page	*p;
	struct cs_store	*st;
	struct cs_query	*q;
	struct cs_err	 err;
	int		 ret;
};

static int
side_gather(struct page *p, struct cs_store *st, struct cs_query *q,
    struct cs_err *err)
{
	struct cs_trend_opts to;
	struct cs_rank_opts ro[CS_RANK_NKINDS];
	struct cs_ranking r[CS_RANK_NKINDS];
	size_t n = 0, i;
	int k, ret;

	trend_opts(p, q, CS_TREND_ERROR, &to);
	if (cs_trend_run(st, &to, &p->byerr, err) == -1)
		return -1;
	for (k = 0; k < CS_RANK_NKINDS; k++) {
		if (k == CS_RANK_HOSTS && (p->hosts_mode == 1 ||
		    p->hosts_mode == 2))
			continue;
		memset(&ro[n], 0, sizeof(ro[n]));
		ro[n].kind = k;
		ro[n].min_host_reports = p->o->min_host_reports;
		ro[n++].limit = p->top;
	}
	ret = cs_query_ranks(q, ro, n, r, err);
	for (i = 0; i < n; i++)
		p->rank[ro[i].kind] = r[i];
	return ret;
}

/*
 * The page wants the rankings last and the walk first, and the walk's
 * first part runs on two threads of its own (causes.c's nodes): this one
 * gives way to them (Linux: a thread's nice is its own), and takes the
 * core the walk leaves idle once it goes on alone.
 */
static void
give_way(void)
{
#ifdef SYS_gettid
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
}

static void *
side_run(void *arg)
{
	struct side *s = arg;

	give_way();
	s->ret = side_gather(s->p, s->st, s->q, &s->err);
	return NULL;
}

/*
 * What needs the walk's result but not the causes: the missing rows'
 * hostnames, when a row the page shows has so many chains that they are
 * counted for every row in one pass over the reports' rows, and the
 * reports per day of the top missing intermediates. Both on a thread of
 * their own, through a reader of the snapshot, while the causes count the
 * reports (they read the walk's result, which nothing changes then, and
 * write only their own); the page takes them once both are done. Not
 * under a selection (the passes would read the query the causes use), nor
 * without a reader: then the page's thread makes them, as before.
 */
struct walkjob {
	struct page	*p;
	struct cs_store	*st;		/* the reader */
	int		 bulk;		/* the hostnames too */
	uint64_t	*hosts;
	struct cs_trend	 bymiss;
	struct cs_err	 err;
	int		 ret;
	int		 threaded;
	pthread_t	 th;
};

/* Whether missing_rows() would count every row's hostnames at once. */
static int
hosts_bulk(const struct page *p, const struct cs_missing *m)
{
	size_t i, shown = 0;

	for (i = 0; i < m->nrows && shown < p->top; i++) {
		if (m->rows[i].outcome != CS_MISSING_INTERMEDIATE &&
		    m->rows[i].outcome != CS_MISSING_UNKNOWN_ISSUER)
			continue;
		shown++;
		if (cs_missing_hosts_bulk(m, i))
			return 1;
	}
	return 0;
}

/* The reports per day of the first missing intermediates, into *out. */
static int
trend_missing(const struct page *p, struct cs_store *st,
    const struct cs_missing *m, struct cs_trend *out, struct cs_err *err)
{
	struct cs_trend_opts to;
	size_t *rows, nrows = 0, i;
	int ret;

	if ((rows = calloc(m->nrows + 1, sizeof(*rows))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < m->nrows && nrows < NCOLORS - 1; i++)
		if (m->rows[i].outcome == CS_MISSING_INTERMEDIATE)
			rows[nrows++] = i;
	trend_opts(p, p->o->query, CS_TREND_MISSING_ROW, &to);
	to.missing = m;
	to.rows = rows;
	to.nrows = nrows;
	ret = cs_trend_run(st, &to, out, err);
	free(rows);
	return ret;
}

static void *
walkjob_run(void *arg)
{
	struct walkjob *j = arg;

	j->ret = 0;
	if (j->bulk)
		j->ret = cs_missing_hosts_count(j->st, &j->p->m, &j->hosts,
		    &j->err);
	if (j->ret == 0)
		j->ret = trend_missing(j->p, j->st, &j->p->m, &j->bymiss,
		    &j->err);
	return NULL;
}

/* cs_causes_days()'s walked callback: the walk's result is complete. */
static int
walkjob_start(void *arg, const struct cs_missing *m, struct cs_err *err)
{
	struct walkjob *j = arg;
	const struct cs_query *q = j->p->o->query;

	(void)err;
	if ((q != NULL && cs_sel_active(cs_query_sel(q))) ||
	    cs_store_reader(j->p->st, &j->st, &j->err) != 0)
		return 0;
	j->bulk = hosts_bulk(j->p, m);
	if (pthread_create(&j->th, NULL, walkjob_run, j) != 0) {
		cs_store_close(j->st);
		j->st = NULL;
		return 0;
	}
	j->threaded = 1;
	return 0;
}

/* Waits for the job, and gives its results to the page when all went
 * well (ok); else the page makes them. */
static int
walkjob_join(struct walkjob *j, int ok)
{
	int ret = 0;

	if (!j->threaded)
		return ok ? trend_missing(j->p, j->p->st, &j->p->m,
		    &j->p->bymiss, j->p->err) : -1;
	pthread_join(j->th, NULL);
	j->threaded = 0;
	cs_store_close(j->st);
	j->st = NULL;
	if (ok && j->ret == -1) {
		*j->p->err = j->err;
		ret = -1;
	} else if (ok) {
		if (j->bulk)
			cs_missing_hosts_install(&j->p->m, j->hosts);
		j->hosts = NULL;
		j->p->bymiss = j->bymiss;
		memset(&j->bymiss, 0, sizeof(j->bymiss));
	}
	free(j->hosts);
	j->hosts = NULL;
	cs_trend_release(&j->bymiss);
	return ok ? ret : -1;
}

/* The walk, for missing's rows and the causes, and the trends it feeds. */
static int
walk_gather(struct page *p)
{
	const struct cs_report_html_opts *o = p->o;
	struct cs_trend_opts to;
	struct cs_missing_opts mo;
	struct walkjob sj;

	memset(&mo, 0, sizeof(mo));
	memset(&sj, 0, sizeof(sj));
	sj.p = p;
	mo.roots = o->roots;
	mo.known = o->known;
	mo.query = o->query;
	mo.walked = walkjob_start;
	mo.walked_arg = &sj;
	if (walkjob_join(&sj, cs_causes_days(p->st, &mo, 3, &p->causes, &p->m,
	    p->err) == 0) == -1)
		return -1;
	trend_opts(p, o->query, CS_TREND_CAUSE, &to);
	to.causes = &p->causes;
	if (cs_trend_run(p->st, &to, &p->bycause, p->err) == -1)
		return -1;
	return 0;
}

/*
 * Both at once on two threads when the store gives a reader of the same
 * snapshot (the walk takes most of the time, the rankings most of the
 * rest); else one after the other.
 */
static int
gather(struct page *p)
{
	struct side s;
	pthread_t th;
	int rc, threaded = 0, ret = -1;

	memset(&s, 0, sizeof(s));
	s.p = p;
	if (cs_store_counters(p->st, p->n, p->err) == -1)
		return -1;
	/* No reader (a writer came in between, LMDB's readers all taken):
	 * the same page on one thread. */
	rc = cs_store_reader(p->st, &s.st, &s.err);
	if (rc == 0 && (cs_query_twin(p->o->query, s.st, &s.q, p->err) ==
	    -1))
		goto out;
	if (s.q != NULL)
		threaded = pthread_create(&th, NULL, side_run, &s) == 0;
	ret = walk_gather(p);
	if (threaded) {
		pthread_join(th, NULL);
		if (ret == 0 && s.ret == -1) {
			*p->err = s.err;
			ret = -1;
		}
	} else if (ret == 0)
		ret = side_gather(p, p->st, p->o->query, p->err);
out:
	cs_query_close(s.q);
	cs_store_close(s.st);
	return ret;
}

int
cs_report_html(struct cs_store *st, const struct cs_report_html_opts *o,
    FILE *f, struct cs_err *err)
{
	struct page p;
	int k, ret = -1;

	memset(&p, 0, sizeof(p));
	p.f = f;
	p.st = st;
	p.o = o;
	p.err = err;
	p.top = o->top ? o->top : TOP_DEFAULT;
	if ((p.hosts_mode = cs_store_hosts_mode(st, err)) == -1)
		return -1;
	if (gather(&p) == -1 || head(&p) == -1)
		goto out;
	coverage(&p);
	fputs("<section id=\"per-day\"><h2>Reports per day, by error code</h2>"
	    "\n", f);
	if (chart(&p, &p.byerr, CS_TREND_ERROR, "reports per day by error "
	    "code") == -1)
		goto out;
	trend_table(&p, &p.byerr, CS_TREND_ERROR, "trend-error");
	fputs("</section>\n", f);
	if (causes(&p) == -1)
		goto out;
	interception(&p);
	if (missing_rows(&p) == -1 || rank_issuers(&p) == -1 ||
	    rank_certs(&p) == -1 || rank_errors(&p) == -1 ||
	    rank_hosts(&p) == -1)
		goto out;
	fprintf(f, "<p class=\"note\">Made by certsift report. Every figure "
	    "is that of the commands for the same selection: <code>top</code> "
	    "(-n %zu), <code>causes</code>, <code>missing</code>, <code>trend"
	    "</code>, <code>stats</code>.</p>\n<script>%s</script>\n</body></html>\n", p.top,
	    script);
	ret = 0;
out:
	cs_trend_release(&p.byerr);
	cs_trend_release(&p.bymiss);
	cs_trend_release(&p.bycause);
	cs_causes_release(&p.causes);
	cs_missing_release(&p.m);
	for (k = 0; k < CS_RANK_NKINDS; k++)
		cs_ranking_release(&p.rank[k]);
	return ret;
}
