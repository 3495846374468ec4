/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log2 latency histograms (struct lt_hist): merging, interval deltas,
 * percentiles and printing.  A percentile of a log2 histogram is only known
 * to a bucket, so it is reported as the bucket's upper bound (the true value
 * is at most that, and more than half of it), capped by the exact maximum.
 */
#ifndef LABYTRACE_HIST_H
#define LABYTRACE_HIST_H

#include <stddef.h>
#include <stdio.h>
#include "labytrace.h"

/* Percentiles in parts per million: p99.9 is 999000. */
#define PCT_P50		500000U
#define PCT_P99		990000U
#define PCT_P999	999000U

unsigned long long hist_count(const struct lt_hist *h);
/* Upper bound of a slot in ns; ~0ULL for the open-ended last slot. */
unsigned long long hist_slot_le(unsigned int slot);
void hist_add_value(struct lt_hist *h, unsigned long long ns);
void hist_merge(struct lt_hist *dst, const struct lt_hist *src);
/*
 * cur - prev.  The interval's max is exact when it set a new maximum, and
 * otherwise the upper bound of the highest bucket that grew.
 */
void hist_delta(const struct lt_hist *cur, const struct lt_hist *prev,
		struct lt_hist *out);
/* 0 for an empty histogram. */
unsigned long long hist_percentile(const struct lt_hist *h, unsigned int ppm);

/* "512ns", "1.0us", "16us", "2.1ms", "1.5s": at most 6 characters. */
int fmt_duration(char *buf, size_t len, unsigned long long ns);
/* bcc-style "(lo, hi] : count |****|", 72 columns. */
void hist_print(FILE *f, const struct lt_hist *h, const char *indent,
		const char *what);

#endif
