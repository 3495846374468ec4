/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What labytrace's glue shares: the state of a run (struct app), set up
 * and driven by main.c, reported every interval by report.c; and note(),
 * the one-line messages every command writes.
 */
#ifndef LABYTRACE_APP_H
#define LABYTRACE_APP_H

#include <stdbool.h>
#include <stdio.h>

#include "gfp.h"
#include "http.h"
#include "options.h"
#include "plan.h"
#include "probe.h"
#include "stats.h"
#include "trace.h"

#define RECENT 6		/* events kept for the live view */

struct app {
	struct options opts;
	struct features feat;
	struct plan plan;
	struct gfp_table gfp;
	struct tracer tracer;
	struct out_ctx oc;
	struct ksyms *ksyms;
	bool ksyms_tried;
	bool tty;			/* live view */
	unsigned int painted;
	int output_err;			/* errno of a failed write to stdout */
	int prom_err;			/* last --prometheus error, -errno */
	struct http http;		/* --listen */
	bool listening;
	FILE *rec;			/* record -o */
	char *rec_tmp;			/* its name until the run starts */
	unsigned long rec_intervals;
	int rec_err;			/* errno of a failed write to it */
	char recent[RECENT][96];
	unsigned int nr_recent;
	unsigned int plain_shown, plain_more[2];	/* this interval */
	struct held_page held[HELD_TOP_MAX];
	size_t nr_held;
	unsigned long long start_ns;
};

/* "labytrace: ..." on stderr; kept, to be repeated in the live view. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned long long mono_ns(void);

/* report.c: each interval, and the end. */
int handle_event(void *ctx, void *data, size_t size);
/* The held pages into @cur and a->held; the owners ranked. */
void fetch_held(struct app *a, struct lt_snapshot *cur);
/* Hand /metrics both formats of @cum. */
void serve(struct app *a, const struct lt_snapshot *cum);
/* One interval: read the maps into @cur, report what changed since @prev. */
int report(struct app *a, struct lt_snapshot *cur, const struct lt_snapshot *prev);
/* The run's settings as the summaries name them. */
void run_info_final(const struct app *a, struct run_info *ri);
void final_summary(struct app *a, const struct lt_snapshot *cum);

/* The subcommands: each returns an exit status. */
int draw_heatmap(const struct options *o);	/* subcmd_heatmap.c */
int list_owners(const struct options *o);	/* subcmd_owners.c */
int list_holders(const struct options *o);	/* subcmd_holders.c */
/* subcmd_record.c */
int recording_create(struct app *a);	/* an exit status, or -1 to go on */
int start_recording(struct app *a);	/* 0, or -1 on error */
void recording_abandon(struct app *a);	/* a run that did not start */

#endif
