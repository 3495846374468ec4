// SPDX-License-Identifier: GPL-2.0
/*
 * Each interval of a run: the records the ring buffer hands over, then the
 * snapshot of the maps rendered in the chosen format (NDJSON, the live
 * view or plain text), to the recording, the textfile and /metrics; and
 * the final summary.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "json_out.h"
#include "ksyms.h"
#include "metrics.h"
#include "record.h"
#include "textfile.h"
#include "view.h"

/*
 * Plain text prints the first few events of an interval with their stacks
 * and counts the rest, so a storm of failures cannot bury the report;
 * --json has every record, and every stack.
 */
#define PLAIN_EVENTS 5
#define PLAIN_STACKS 5		/* failure and violation stacks per interval, plain text */
#define TTY_STACKS 3		/* and in the live view */

/* What note() said, repeated in the live view (which clears the screen). */
#define NOTES 6
static char *notes[NOTES];
static unsigned int nr_notes;

/*
 * Whole, however long (a file name of 250 characters and its errno), and
 * one line: a name from argv or a recording may hold a newline or an
 * escape sequence, shown escaped.
 */
void note(const char *fmt, ...)
{
	char *raw, *line;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (len < 0) {
		fprintf(stderr, "labytrace: %s\n", fmt);
		return;
	}
	line = malloc(4 * (size_t)len + 4);
	if (line)
		text_escaped(raw, line, 4 * (size_t)len + 4);
	fprintf(stderr, "labytrace: %s\n", line ? line : raw);
	free(raw);
	if (!line)
		return;
	if (nr_notes == NOTES)
		free(notes[--nr_notes]);	/* the last one goes: the first say most */
	notes[nr_notes++] = line;
}

/* kallsyms takes ~0.1 s to read: only when the first stack needs it. */
static void want_ksyms(struct app *a)
{
	if (a->ksyms_tried)
		return;
	a->ksyms_tried = true;
	a->ksyms = ksyms_load("/proc/kallsyms");
	if (!a->ksyms)
		note("stacks shown as addresses: cannot read /proc/kallsyms: %s",
		     strerror(errno));
	else if (a->ksyms->hidden)
		note("stacks shown as addresses: /proc/kallsyms hides them (kernel.kptr_restrict)");
	a->oc.ksyms = a->ksyms;
}

/* A task owner's comm, when the kernel side could not record it. */
static void fill_comm(char *comm, unsigned int ctx, int pid)
{
	char path[64];
	FILE *f;
	size_t n;

	if (comm[0] || ctx != LT_TASK || pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	n = fread(comm, 1, LT_COMM_LEN - 1, f);
	fclose(f);
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

static void remember(struct app *a, const struct lt_event *e,
		     const unsigned long long *ostack, int odepth)
{
	char *line = a->recent[a->nr_recent++ % RECENT];
	FILE *f = fmemopen(line, sizeof(a->recent[0]), "w");

	if (!f)
		return;
	if (e->type == LT_EV_FAILURE)
		view_failure(f, &a->oc, e, false);
	else
		view_violation(f, &a->oc, e, ostack, odepth, false);
	fclose(f);
}

int handle_event(void *ctx, void *data, size_t size)
{
	struct app *a = ctx;
	struct lt_event e;
	unsigned long long ostack[LT_MAX_STACK];
	int odepth = 0, err = 0;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	want_ksyms(a);
	if (e.type == LT_EV_VIOLATION) {
		odepth = tracer_stack(&a->tracer, e.owner_stack, ostack);
		fill_comm(e.owner_comm, e.owner_ctx, e.owner);
	}

	if (a->opts.json) {
		err = e.type == LT_EV_FAILURE ?
			json_failure(stdout, &a->oc, &e) :
			json_violation(stdout, &a->oc, &e, ostack, odepth);
	} else if (a->tty) {
		remember(a, &e, ostack, odepth);
	} else if (a->plain_shown >= PLAIN_EVENTS) {
		a->plain_more[e.type == LT_EV_FAILURE]++;
	} else if (e.type == LT_EV_FAILURE) {
		a->plain_shown++;
		view_failure(stdout, &a->oc, &e, true);
	} else {
		a->plain_shown++;
		view_violation(stdout, &a->oc, &e, ostack, odepth, true);
	}
	if (err || ferror(stdout))
		a->output_err = errno ? errno : EIO;
	return 0;
}

void fetch_held(struct app *a, struct lt_snapshot *cur)
{
	struct owner_table *t = a->tracer.owners;
	size_t i;

	a->nr_held = 0;
	if (!a->plan.run[PLAN_VIOLATIONS])
		return;
	a->nr_held = tracer_held(&a->tracer, cur, a->held, a->opts.held_top);
	for (i = 0; i < a->nr_held; i++)
		fill_comm(a->held[i].h.comm, a->held[i].h.ctx, a->held[i].h.owner);
	/* A task that got its pages by transfer never allocated: no comm yet. */
	for (i = 0; i < t->n; i++)
		fill_comm(t->rows[i].o.name, lt_owner_kind(t->rows[i].key),
			  lt_owner_id(t->rows[i].key));
}

static void report_json(struct app *a, const struct lt_snapshot *d,
			const struct run_info *ri)
{
	unsigned long long ip[LT_MAX_STACK];
	size_t i;
	int depth;

	if (a->plan.run[PLAN_LATENCY])
		json_latency(stdout, &a->oc, d, ri);
	if (d->nr_fail_stacks || d->nr_viol_stacks || a->nr_held)
		want_ksyms(a);
	json_fail_stacks(stdout, &a->oc, d, ri);
	json_viol_stacks(stdout, &a->oc, d, ri);
	for (i = 0; i < a->nr_held; i++) {
		depth = tracer_stack(&a->tracer, a->held[i].h.stack, ip);
		json_held(stdout, &a->oc, &a->held[i], ip, depth);
	}
	json_owners(stdout, &a->oc, d, ri);
	json_pools(stdout, &a->oc, d, ri);
	json_lost(stdout, &a->oc, d);
	json_summary(stdout, &a->oc, d, ri);
}

static void report_tty(struct app *a, const struct lt_snapshot *d,
		       const struct run_info *ri)
{
	char *frame = NULL, t[40];
	size_t len = 0;
	unsigned int i, n;
	FILE *f = open_memstream(&frame, &len);

	if (!f)
		return;
	fmt_clock(&a->oc, d->ts_ns, t, sizeof(t));
	fprintf(f, "labytrace %s  last %.1fs  %s%s%s Ctrl-C to end\n",
		t, ri->seconds,
		a->plan.run[PLAN_LATENCY] ? "latency " : "",
		a->plan.run[PLAN_FAILURES] ? "failures " : "",
		a->plan.run[PLAN_VIOLATIONS] ? "violations " : "");
	for (i = 0; i < nr_notes; i++)
		view_wrap(f, "note: ", "      ", notes[i], 79);
	view_report(f, &a->oc, d, a->held, a->nr_held, VIEW_MAX_ROWS);
	if (d->nr_fail_stacks || d->nr_viol_stacks)
		want_ksyms(a);
	view_fail_stacks(f, &a->oc, d, TTY_STACKS, false);
	view_viol_stacks(f, &a->oc, d, TTY_STACKS, false);
	n = a->nr_recent < RECENT ? a->nr_recent : RECENT;
	if (n) {
		fprintf(f, "RECENT EVENTS\n");
		for (i = a->nr_recent - n; i < a->nr_recent; i++)
			fputs(a->recent[i % RECENT], f);
	}
	fclose(f);
	if (!a->painted++)
		fputs("\033[2J", stdout);	/* the first frame starts clean */
	view_repaint(stdout, frame, len);
	free(frame);
}

static void report_plain(struct app *a, const struct lt_snapshot *d,
			 const struct run_info *ri)
{
	char t[40];

	fmt_time(&a->oc, d->ts_ns, t, sizeof(t));
	if (a->plain_more[0] || a->plain_more[1])
		printf("(%u more failure and %u more violation records not shown; --json has them)\n",
		       a->plain_more[1], a->plain_more[0]);
	a->plain_shown = 0;
	a->plain_more[0] = a->plain_more[1] = 0;
	printf("--- %s (%.3f s)\n", t, ri->seconds);
	view_report(stdout, &a->oc, d, a->held, a->nr_held, 0);
	if (d->nr_fail_stacks || d->nr_viol_stacks)
		want_ksyms(a);
	view_fail_stacks(stdout, &a->oc, d, PLAIN_STACKS, false);
	view_viol_stacks(stdout, &a->oc, d, PLAIN_STACKS, false);
	fflush(stdout);
}

/*
 * Hand the endpoint both formats of @cum.  Rendered here, in the tracing
 * loop, so the server's thread only ever sends finished text.
 */
void serve(struct app *a, const struct lt_snapshot *cum)
{
	char *text[2] = {};
	size_t len[2] = {};
	FILE *f;
	int i;

	for (i = 0; i < 2; i++) {
		f = open_memstream(&text[i], &len[i]);
		if (!f || metrics_write(f, i ? EXPO_OPENMETRICS : EXPO_CLASSIC,
					&a->oc, cum) | fclose(f)) {
			free(text[0]);
			free(text[1]);
			return;		/* the previous text stays up */
		}
	}
	http_publish(&a->http, text[0], len[0], text[1], len[1]);
}

/* One interval: what changed since @prev, in the chosen format. */
int report(struct app *a, struct lt_snapshot *cur,
		  const struct lt_snapshot *prev)
{
	static struct lt_snapshot d;
	struct run_info ri = {};
	int err;

	err = tracer_read(&a->tracer, cur);
	if (err)
		return err;
	tracer_new_interval(&a->tracer);
	fetch_held(a, cur);
	snapshot_delta(cur, prev, &d);
	ri.seconds = (cur->ts_ns - prev->ts_ns) / 1e9;
	if (a->opts.json)
		report_json(a, &d, &ri);
	else if (a->tty)
		report_tty(a, &d, &ri);
	else
		report_plain(a, &d, &ri);
	if (a->rec && !a->rec_err) {
		if (record_interval(a->rec, &a->oc, &d, ri.seconds))
			a->rec_err = errno ? errno : EIO;
		else
			a->rec_intervals++;
	}
	if (a->opts.prometheus) {
		char why[512];

		err = textfile_publish(a->opts.prometheus, &a->oc, cur, why, sizeof(why));
		/* Keep tracing; say it once per change of error. */
		if (err && err != a->prom_err)
			note("%s", why);
		a->prom_err = err;
	}
	if (a->listening)
		serve(a, cur);
	if (ferror(stdout))
		a->output_err = errno ? errno : EIO;
	return 0;
}

/* The run's settings as the summaries name them. */
void run_info_final(const struct app *a, struct run_info *ri)
{
	int i;

	ri->final = true;
	for (i = 0; i < PLAN_NR; i++) {
		ri->src[i] = a->plan.src[i];
		if (a->opts.modes & plan_modes[i] && a->plan.why[i][0])
			ri->why[i] = a->plan.why[i];
	}
}

void final_summary(struct app *a, const struct lt_snapshot *cum)
{
	struct run_info ri = {};

	run_info_final(a, &ri);
	ri.seconds = (cum->ts_ns - a->start_ns) / 1e9;
	if (a->rec && !a->rec_err &&
	    record_end(a->rec, &a->oc, cum, a->rec_intervals, ri.seconds))
		a->rec_err = errno ? errno : EIO;
	if (a->opts.json) {
		if (a->plan.run[PLAN_LATENCY])
			json_latency(stdout, &a->oc, cum, &ri);
		if (cum->nr_fail_stacks || cum->nr_viol_stacks)
			want_ksyms(a);
		json_fail_stacks(stdout, &a->oc, cum, &ri);
		json_viol_stacks(stdout, &a->oc, cum, &ri);
		json_owners(stdout, &a->oc, cum, &ri);
		json_pools(stdout, &a->oc, cum, &ri);
		json_summary(stdout, &a->oc, cum, &ri);
	} else {
		if (cum->nr_fail_stacks || cum->nr_viol_stacks)
			want_ksyms(a);
		view_final(stdout, &a->oc, cum, &ri);
	}
	fflush(stdout);
}
