/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OpenMetrics text exposition of the cumulative counts, for node_exporter's
 * textfile collector or any scraper: histograms with cumulative "le"
 * buckets, _sum and _count; counters as _total; gauges; "# EOF" last.
 */
#ifndef LABYTRACE_OPENMETRICS_H
#define LABYTRACE_OPENMETRICS_H

#include <stdio.h>
#include "stats.h"

/* Seconds from ns, exactly: 1536 -> "0.000001536", 2e9 -> "2.0". */
int om_seconds(char *buf, size_t len, unsigned long long ns);
int om_write(FILE *f, const struct out_ctx *c, const struct lt_snapshot *cum);
/*
 * Why labytrace will not write @path ("is a character device, not a
 * regular file"), or NULL: it is missing or a regular file.
 */
const char *om_target_problem(const char *path);
/*
 * Write to a temporary file next to @path (O_EXCL, mode 0644), then
 * rename() it over @path, so a reader never sees half a file.  Refuses a
 * @path that exists and is not a regular file.  Returns 0, or -errno with
 * one line in @why.
 */
int om_publish(const char *path, const struct out_ctx *c,
	       const struct lt_snapshot *cum, char *why, size_t len);

#endif
