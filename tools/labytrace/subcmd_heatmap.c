// SPDX-License-Identifier: GPL-2.0
/* labytrace heatmap FILE -o OUT.svg: a recording drawn. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "heatmap.h"
#include "record.h"
#include "textfile.h"

/*
 * labytrace heatmap FILE -o OUT.svg: the selected series of a recording,
 * summed per interval.  No BPF, no privilege.
 */
int draw_heatmap(const struct options *o)
{
	static const char *const what[] = {
		[HEAT_LATENCY] = "Page allocation latency",
		[HEAT_HOLD] = "Exclusive page hold time",
		[HEAT_ALLOCS] = "Page allocations by order",
		[HEAT_FAILURES] = "Page allocation failures by order",
	};
	struct record_select sel = { .metric = o->metric };
	char why[512], sub[256] = "", buf[16];
	struct heat h;
	FILE *in, *out;
	unsigned int i;
	int err;

	if (o->order >= 0) {
		snprintf(buf, sizeof(buf), "%d", o->order);
		record_select_add(&sel, "order", buf);
	}
	if (o->gfp_class >= 0)
		record_select_add(&sel, "class", gfp_class_name(o->gfp_class));
	if (o->exclusive)
		record_select_add(&sel, "exclusive", "true");
	if (o->ctx >= 0)
		record_select_add(&sel, "context", ctx_name(NULL, o->ctx));
	for (i = 0; i < sel.n; i++)
		snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "%s%s=%s",
			 i ? ", " : "", sel.name[i], sel.value[i]);
	if (!sel.n)
		snprintf(sub, sizeof(sub), "all series");

	in = record_open(o->input, why, sizeof(why));
	if (!in) {
		note("bad value for heatmap FILE: %s", why);
		return EXIT_USAGE;
	}
	err = record_read(in, o->input, &sel, &h, why, sizeof(why));
	fclose(in);
	if (err) {
		note("%s", why);
		return err == -EINVAL ? EXIT_USAGE : EXIT_ERROR;
	}
	if (h.cut_line)
		note("%s:%lu: the last line is cut short (record stopped mid-line): drawing the %u whole intervals before it",
		     o->input, h.cut_line, h.cols);
	if (textfile_target_problem(o->output)) {
		note("bad value for -o: %s %s", o->output,
		     textfile_target_problem(o->output));
		heat_free(&h);
		return EXIT_USAGE;
	}
	out = fopen(o->output, "we");
	if (!out) {
		note("cannot write %s: %s", o->output, strerror(errno));
		heat_free(&h);
		return EXIT_ERROR;
	}
	snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "; %u intervals, %llu %s",
		 h.cols, h.total, o->metric == HEAT_LATENCY || o->metric == HEAT_HOLD ?
		 "samples" : o->metric == HEAT_ALLOCS ? "allocations" : "failures");
	err = heatmap_svg(out, &h, what[o->metric], sub);
	heat_free(&h);
	if (fclose(out) || err) {
		note("cannot write %s: %s", o->output, strerror(errno ? errno : EIO));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
