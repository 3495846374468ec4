/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A latency heatmap as SVG, after Brendan Gregg's: time across (one column
 * per interval, or per bin of them in a long recording), log2 buckets up (fastest at the bottom), each cell coloured
 * by how many samples fell in it, white for none.  Every cell carries its
 * numbers as a tooltip.
 */
#ifndef LABYTRACE_HEATMAP_H
#define LABYTRACE_HEATMAP_H

#include <stdio.h>
#include "record.h"

/*
 * Columns drawn, at most: cells shrink to fit, down to 1 px, then
 * intervals are summed per column.  So an SVG has at most 900 x 36 cells,
 * about 100 bytes each, whatever the recording's length.
 */
#define HEATMAP_MAX_COLUMNS 900

/* The cell's colour, "#rrggbb", for @count of at most @max (log scale). */
void heatmap_colour(unsigned long long count, unsigned long long max,
		    char *buf, size_t len);
/* Draw @h; @title and @subtitle are escaped.  0, -ENOMEM or -EIO. */
int heatmap_svg(FILE *f, const struct heat *h, const char *title,
		const char *subtitle);

#endif
