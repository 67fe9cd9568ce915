/* The score as text: a table grouped by heading, one JSON document, or one
 * self-contained HTML page (inline CSS and SVG bar charts, no external
 * assets, so it opens from a file anywhere). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/score.h"
#include "lab/score_env.h"

struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (b->len + (size_t)n + 1 > b->cap)) {
		size_t cap = (b->cap + (size_t)(n < 0 ? 0 : n) + 1) * 2;
		char *s = n < 0 ? NULL : realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static char *btake(struct buf *b)
{
	if (b->oom || !b->s) {
		free(b->s);
		return b->oom ? NULL : strdup("");
	}
	return b->s;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

char *score_to_table(const struct score *s)
{
	struct buf b = {0};
	const char *heading = NULL;
	size_t counts[SG_SKIP + 1] = {0};
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct score_row *r = &s->rows[i];
		counts[r->grade]++;
		if (!heading || strcmp(heading, nz(r->heading))) {
			heading = nz(r->heading);
			bprintf(&b, "%s%s\n", i ? "\n" : "", heading);
			for (const char *p = heading; *p; p++)
				bprintf(&b, "=");
			bprintf(&b, "\n");
		}
		bprintf(&b, "[%s] %-14s %s\n", score_grade_name(r->grade), nz(r->name),
			nz(r->verdict));
		bprintf(&b, "       did:      %s\n", nz(r->did));
		bprintf(&b, "       measured: %s\n", nz(r->measured));
		bprintf(&b, "       knob:     %s\n", nz(r->knob));
	}
	bprintf(&b, "\nscore of %s: %zu PASS, %zu WEAK, %zu FAIL, %zu INFO, %zu SKIP in %.1f s\n",
		nz(s->bundle), counts[SG_PASS], counts[SG_WEAK], counts[SG_FAIL], counts[SG_INFO],
		counts[SG_SKIP], s->seconds);
	return btake(&b);
}

static void jstr(struct buf *b, const char *s)
{
	char *q = score_json_quote(nz(s));
	if (!q) {
		b->oom = true;
		return;
	}
	bprintf(b, "%s", q);
	free(q);
}

char *score_to_json(const struct score *s)
{
	struct buf b = {0};
	bprintf(&b, "{\"bundle\":");
	jstr(&b, s->bundle);
	bprintf(&b, ",\"seconds\":%.3f,\"experiments\":[", s->seconds);
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct score_row *r = &s->rows[i];
		bprintf(&b, "%s\n{\"heading\":", i ? "," : "");
		jstr(&b, r->heading);
		bprintf(&b, ",\"name\":");
		jstr(&b, r->name);
		bprintf(&b, ",\"grade\":\"%s\",\"verdict\":", score_grade_name(r->grade));
		jstr(&b, r->verdict);
		bprintf(&b, ",\"did\":");
		jstr(&b, r->did);
		bprintf(&b, ",\"measured\":");
		jstr(&b, r->measured);
		bprintf(&b, ",\"knob\":");
		jstr(&b, r->knob);
		if (r->has_chart) {
			bprintf(&b, ",\"value\":%.6g,\"value_label\":", r->value);
			jstr(&b, r->value_label);
			bprintf(&b, ",\"reference\":%.6g,\"reference_label\":", r->reference);
			jstr(&b, r->reference_label);
			bprintf(&b, ",\"unit\":");
			jstr(&b, r->unit);
		}
		bprintf(&b, "}");
	}
	bprintf(&b, "\n]}\n");
	return btake(&b);
}

static void html_esc(struct buf *b, const char *s)
{
	for (const char *p = nz(s); *p; p++) {
		switch (*p) {
		case '<':
			bprintf(b, "&lt;");
			break;
		case '>':
			bprintf(b, "&gt;");
			break;
		case '&':
			bprintf(b, "&amp;");
			break;
		case '"':
			bprintf(b, "&quot;");
			break;
		default:
			bprintf(b, "%c", *p);
		}
	}
}

static const char *grade_color(enum score_grade g)
{
	switch (g) {
	case SG_PASS:
		return "#2e7d32";
	case SG_WEAK:
		return "#ef6c00";
	case SG_FAIL:
		return "#c62828";
	default:
		return "#616161";
	}
}

/* Two horizontal bars, value and reference, scaled to the larger; each
 * labelled with its number. */
static void svg_bars(struct buf *b, const struct score_row *r)
{
	double max = r->value > r->reference ? r->value : r->reference;
	if (max <= 0)
		max = 1;
	const double w = 220;
	bprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"420\" height=\"44\" "
		   "role=\"img\">");
	const struct {
		const char *label;
		double v;
		const char *color;
	} bars[2] = {{r->value_label, r->value, grade_color(r->grade)},
		     {r->reference_label, r->reference, "#90a4ae"}};
	for (int i = 0; i < 2; i++) {
		double y = 2 + i * 21;
		bprintf(b, "<text x=\"0\" y=\"%.0f\" font-size=\"11\">", y + 13);
		html_esc(b, bars[i].label);
		bprintf(b,
			"</text><rect x=\"110\" y=\"%.0f\" width=\"%.1f\" height=\"17\" "
			"fill=\"%s\"/><text x=\"%.1f\" y=\"%.0f\" font-size=\"11\">%.6g %s</text>",
			y, bars[i].v / max * w + 1, bars[i].color, 110 + bars[i].v / max * w + 5,
			y + 13, bars[i].v, nz(r->unit));
	}
	bprintf(b, "</svg>");
}

char *score_to_html(const struct score *s)
{
	struct buf b = {0};
	size_t counts[SG_SKIP + 1] = {0};
	for (size_t i = 0; i < s->n_rows; i++)
		counts[s->rows[i].grade]++;
	bprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<title>isorun lab score</title><style>"
		    "body{font-family:sans-serif;margin:1.5em;color:#212121}"
		    "table{border-collapse:collapse;width:100%%}"
		    "td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;font-size:13px}"
		    "th{background:#eceff1;text-align:left}"
		    "tr.h td{background:#cfd8dc;font-weight:bold;font-size:15px}"
		    ".g{color:#fff;font-weight:bold;padding:2px 6px;border-radius:3px}"
		    "code{font-size:12px}</style></head><body>\n");
	bprintf(&b, "<h1>isorun lab score</h1>\n<p>bundle <code>");
	html_esc(&b, s->bundle);
	bprintf(
	    &b,
	    "</code>: <b id=\"summary\">%zu PASS, %zu WEAK, %zu FAIL, %zu INFO, %zu SKIP</b> in "
	    "%.1f s</p>\n",
	    counts[SG_PASS], counts[SG_WEAK], counts[SG_FAIL], counts[SG_INFO], counts[SG_SKIP],
	    s->seconds);
	bprintf(&b, "<table>\n<tr><th>experiment</th><th>verdict</th><th>what it did</th>"
		    "<th>measured</th><th>chart</th><th>knob</th></tr>\n");
	const char *heading = NULL;
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct score_row *r = &s->rows[i];
		if (!heading || strcmp(heading, nz(r->heading))) {
			heading = nz(r->heading);
			bprintf(&b, "<tr class=\"h\"><td colspan=\"6\">");
			html_esc(&b, heading);
			bprintf(&b, "</td></tr>\n");
		}
		bprintf(&b, "<tr id=\"%s\"><td>", nz(r->name));
		html_esc(&b, r->name);
		bprintf(&b, "</td><td><span class=\"g\" style=\"background:%s\">%s</span> ",
			grade_color(r->grade), score_grade_name(r->grade));
		html_esc(&b, r->verdict);
		bprintf(&b, "</td><td>");
		html_esc(&b, r->did);
		bprintf(&b, "</td><td>");
		html_esc(&b, r->measured);
		bprintf(&b, "</td><td>");
		if (r->has_chart)
			svg_bars(&b, r);
		bprintf(&b, "</td><td><code>");
		html_esc(&b, r->knob);
		bprintf(&b, "</code></td></tr>\n");
	}
	bprintf(&b, "</table>\n</body></html>\n");
	return btake(&b);
}
