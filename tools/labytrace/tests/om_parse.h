/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict OpenMetrics 1.0 (and classic) text checker for labytrace's tests: metadata
 * before samples, samples inside their family, counters as _total, histogram
 * buckets cumulative in increasing "le" with +Inf equal to _count, and
 * "# EOF" last.
 */
#ifndef LABYTRACE_OM_PARSE_H
#define LABYTRACE_OM_PARSE_H

struct om_result {
	int families;
	int samples;
	int histograms;		/* histogram series (label sets) checked */
	char err[256];
};

/* 0 if @text is valid, else -1 with the reason (and line) in r->err. */
int om_parse(const char *text, struct om_result *r);
/*
 * The same for the classic text format (0.0.4) as labytrace writes it:
 * HELP then TYPE for every family, counters named after their samples
 * (x_total), no UNIT, and "# EOF" (a comment there) last.
 */
int prom_parse(const char *text, struct om_result *r);

#endif
