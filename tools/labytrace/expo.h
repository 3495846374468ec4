/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus exposition, in the two text formats scrapers read: the classic
 * one (version 0.0.4), the only one node_exporter's textfile collector
 * parses, and OpenMetrics 1.0, which Prometheus asks for first.  They differ
 * in a counter's family name (classic names the family after its samples,
 * "x_total"; OpenMetrics after the metric, "x"), in "# UNIT", in what HELP
 * escapes and in OpenMetrics' closing "# EOF".  Labels are name/value pairs
 * built by the caller, so adding one (an owner) touches no writer.
 */
#ifndef LABYTRACE_EXPO_H
#define LABYTRACE_EXPO_H

#include <stdio.h>
#include "labytrace.h"

enum expo_format {
	EXPO_CLASSIC,
	EXPO_OPENMETRICS,
};

enum expo_type {
	EXPO_COUNTER,
	EXPO_GAUGE,
	EXPO_HISTOGRAM,
};

#define EXPO_MAX_LABELS 8

struct expo_labels {
	unsigned int n;
	const char *name[EXPO_MAX_LABELS];
	const char *value[EXPO_MAX_LABELS];	/* escaped when written */
};

struct expo {
	FILE *f;
	enum expo_format fmt;
	const char *family;	/* the current one */
	enum expo_type type;
	unsigned long samples;	/* sample lines written: the series */
};

/* Add a label; at most EXPO_MAX_LABELS (more are dropped, loudly in tests). */
void expo_label(struct expo_labels *l, const char *name, const char *value);

void expo_begin(struct expo *e, FILE *f, enum expo_format fmt);
/* @name without _total; @unit (OpenMetrics only) is NULL or @name's suffix. */
void expo_family(struct expo *e, const char *name, enum expo_type type,
		 const char *unit, const char *help);
void expo_value(struct expo *e, const struct expo_labels *l,
		unsigned long long v);
/* A gauge of seconds, exactly as @ns says. */
void expo_value_seconds(struct expo *e, const struct expo_labels *l,
			unsigned long long ns);
/*
 * A log2 histogram (struct lt_hist) with buckets only at the upper bounds
 * of @les (slot indexes, increasing), then +Inf, _sum and _count.  Exact:
 * every exported bound is a bound of the kernel's buckets.
 */
void expo_histogram(struct expo *e, const struct expo_labels *l,
		    const struct lt_hist *h, const unsigned int *les,
		    unsigned int nles);
/* "# EOF" (a comment in the classic format); 0, or -EIO if @f failed. */
int expo_end(struct expo *e);

/* Seconds from ns, exactly: 1536 -> "0.000001536", 2e9 -> "2.0". */
int expo_seconds(char *buf, size_t len, unsigned long long ns);
/* The Content-Type header for @fmt. */
const char *expo_content_type(enum expo_format fmt);
/*
 * The format an HTTP Accept header asks for, as Prometheus' own
 * negotiation does: the acceptable entry of highest q (first on a tie)
 * that is OpenMetrics (version 1.0.0, 0.0.1 or none) or text/plain
 * (version 0.0.4 or none); anything else, no header, or one that does not
 * parse, gets the classic format.
 */
enum expo_format expo_negotiate(const char *accept);

#endif
