/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text output: the per-interval report (live, or appended when stdout is not
 * a terminal), one-line and detailed event records, and the final summary.
 * Lines fit 80 columns, stacks excepted.
 */
#ifndef LABYTRACE_VIEW_H
#define LABYTRACE_VIEW_H

#include <stdbool.h>
#include <stdio.h>
#include "stats.h"

#define VIEW_MAX_ROWS 12	/* latency rows in the live view */
#define VIEW_OWNER_ROWS 8	/* owners in the live view; the rest summed */
#define VIEW_OWNER_ROWS_PLAIN 50	/* and in plain text and the summary */
#define VIEW_OWNER_HISTS 10	/* owners' hold histograms in the summary */

void view_failure(FILE *f, const struct out_ctx *c, const struct lt_event *e,
		  bool detail);
void view_violation(FILE *f, const struct out_ctx *c, const struct lt_event *e,
		    const unsigned long long *owner_stack, int owner_depth,
		    bool detail);
/* @max_rows 0: all. */
void view_report(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		 const struct held_page *held, size_t nr_held, int max_rows);
/*
 * Failures by stack, gfp flags, order and context, most first: at most @max
 * (0: all), each with its first frames on one line, or, if @full, its
 * whole stack.
 */
void view_fail_stacks(FILE *f, const struct out_ctx *c,
		      const struct lt_snapshot *d, unsigned int max, bool full);
/*
 * Violations by kind, owner, actor and stacks, most first, as
 * view_fail_stacks(); @full adds the owner's allocation stack.
 */
void view_viol_stacks(FILE *f, const struct out_ctx *c,
		      const struct lt_snapshot *d, unsigned int max, bool full);
void view_final(FILE *f, const struct out_ctx *c, const struct lt_snapshot *cum,
		const struct run_info *ri);
/* @text folded at spaces to @width columns, continuation lines indented. */
void view_wrap(FILE *f, const char *first, const char *indent,
	       const char *text, int width);
/* Repaint a terminal in place: home, each line cleared to its end, rest cleared. */
void view_repaint(FILE *tty, const char *frame, size_t len);

#endif
