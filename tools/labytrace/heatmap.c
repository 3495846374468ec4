// SPDX-License-Identifier: GPL-2.0
/* Heatmap SVG: layout, colour scale, axes. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "heatmap.h"
#include "stats.h"

#define LEFT	90	/* room for the bucket labels */
#define TOP	50
#define BOTTOM	50
#define RIGHT	20
#define ROW_H	14

void heatmap_colour(unsigned long long count, unsigned long long max,
		    char *buf, size_t len)
{
	/* light yellow, orange, dark red: a sequential scale (ColorBrewer YlOrRd) */
	static const double stops[3][3] = {
		{ 255, 237, 160 }, { 253, 141, 60 }, { 128, 0, 38 },
	};
	double t, u;
	int i, c[3];

	if (!count || !max) {
		snprintf(buf, len, "#ffffff");
		return;
	}
	/* log: a few slow allocations stay visible beside millions of fast ones */
	t = max > 1 ? log1p((double)count) / log1p((double)max) : 1;
	i = t < 0.5 ? 0 : 1;
	u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
	for (int k = 0; k < 3; k++)
		c[k] = (int)lround(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * u);
	snprintf(buf, len, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/*
 * Text as XML: the four specials escaped, and anything but printable ASCII
 * (a control character XML 1.0 cannot hold even as a reference, an escape
 * sequence, a byte of broken UTF-8 from a recording) shown as '?'.
 */
static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s >= 0x20 && *s < 0x7f ? *s : '?', f);
		}
	}
}

/* A row's label: the bucket's upper bound, or the order. */
static void row_label(const struct heat *h, unsigned int row, char *buf,
		      size_t len)
{
	char o[8];

	if (h->metric == HEAT_ALLOCS || h->metric == HEAT_FAILURES) {
		snprintf(buf, len, "order %s", order_label(row, o, sizeof(o)));
		return;
	}
	if (row == LT_NR_SLOTS - 1) {
		char lo[16];

		fmt_duration(lo, sizeof(lo), hist_slot_le(row - 1));
		snprintf(buf, len, "> %s", lo);
		return;
	}
	buf[0] = '<';
	buf[1] = '=';
	fmt_duration(buf + 2, len - 2, hist_slot_le(row));
}

/*
 * Intervals summed per column, so that a long recording still fits the page
 * (a day of one-second intervals is 96 to a column): @per intervals each,
 * the last column maybe fewer.  NULL if out of memory.
 */
static unsigned long long *bin_columns(const struct heat *h, unsigned int per,
				       unsigned int ncols)
{
	unsigned long long *bins = calloc((size_t)ncols * h->rows, sizeof(*bins));
	unsigned int c, r;

	if (!bins)
		return NULL;
	for (c = 0; c < h->cols; c++)
		for (r = 0; r < h->rows; r++)
			bins[(size_t)(c / per) * h->rows + r] += h->cells[(size_t)c * h->rows + r];
	return bins;
}

int heatmap_svg(FILE *f, const struct heat *h, const char *title,
		const char *subtitle)
{
	unsigned long long max = 0, v, *bins;
	unsigned int c, r, lo = h->rows, hi = 0, step, per, ncols, n;
	int cw, width, height, x, y;
	char colour[8], label[32];

	per = h->cols > HEATMAP_MAX_COLUMNS ?
	      (h->cols + HEATMAP_MAX_COLUMNS - 1) / HEATMAP_MAX_COLUMNS : 1;
	ncols = (h->cols + per - 1) / per;
	bins = bin_columns(h, per, ncols);
	if (!bins)
		return -ENOMEM;
	for (c = 0; c < ncols; c++) {
		for (r = 0; r < h->rows; r++) {
			v = bins[(size_t)c * h->rows + r];
			if (!v)
				continue;
			if (v > max)
				max = v;
			lo = r < lo ? r : lo;
			hi = r > hi ? r : hi;
		}
	}
	if (!max)
		lo = hi = 0;
	/* A row either side of the data, so its edges show. */
	lo = lo ? lo - 1 : 0;
	hi = hi + 1 < h->rows ? hi + 1 : hi;
	cw = ncols ? HEATMAP_MAX_COLUMNS / (int)ncols : 1;
	cw = cw < 1 ? 1 : cw > 24 ? 24 : cw;
	width = LEFT + cw * (int)ncols + RIGHT;
	height = TOP + ROW_H * (int)(hi - lo + 1) + BOTTOM;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n",
		width, height, width, height);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height);
	fprintf(f, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">", LEFT);
	xml(f, title);
	fprintf(f, "</text>\n<text x=\"%d\" y=\"34\" fill=\"#555555\">", LEFT);
	xml(f, subtitle);
	fprintf(f, "</text>\n");

	/* Cells: one column per interval (or bin of them), slowest row on top. */
	fprintf(f, "<g shape-rendering=\"crispEdges\">\n");
	for (c = 0; c < ncols; c++) {
		n = c + 1 < ncols ? per : h->cols - c * per;
		for (r = lo; r <= hi; r++) {
			v = bins[(size_t)c * h->rows + r];
			if (!v)
				continue;
			heatmap_colour(v, max, colour, sizeof(colour));
			row_label(h, r, label, sizeof(label));
			x = LEFT + (int)c * cw;
			y = TOP + (int)(hi - r) * ROW_H;
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				"fill=\"%s\"><title>%.3f s, ", x, y, cw, ROW_H, colour,
				h->start_s[c * per]);
			xml(f, label);
			if (per > 1)
				fprintf(f, ": %llu (%u intervals)</title></rect>\n", v, n);
			else
				fprintf(f, ": %llu</title></rect>\n", v);
		}
	}
	fprintf(f, "</g>\n");
	free(bins);

	/* Axes: every row of orders, every other bucket; about ten time labels. */
	for (r = lo; r <= hi; r++) {
		if ((hi - r) % 2 && h->rows == LT_NR_SLOTS)
			continue;
		row_label(h, r, label, sizeof(label));
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			LEFT - 6, TOP + (int)(hi - r) * ROW_H + ROW_H - 3);
		xml(f, label);
		fprintf(f, "</text>\n");
	}
	y = TOP + ROW_H * (int)(hi - lo + 1);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
		"stroke=\"#999999\"/>\n", LEFT, TOP, cw * (int)ncols, y - TOP);
	step = ncols > 10 ? (ncols + 9) / 10 : 1;
	for (c = 0; c < ncols; c += step)
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.0fs</text>\n",
			LEFT + (int)c * cw + cw / 2, y + 14, h->start_s[c * per]);
	fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#555555\">time since ", LEFT, y + 34);
	xml(f, h->started[0] ? h->started : "the start");
	if (per > 1)
		fprintf(f, "; %u intervals a column", per);
	fprintf(f, "; colour: count per cell, log scale, white none, darkest %llu</text>\n",
		max);
	fprintf(f, "</svg>\n");
	return ferror(f) ? -EIO : 0;
}
