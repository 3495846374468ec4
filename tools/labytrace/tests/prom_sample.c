// SPDX-License-Identifier: GPL-2.0
/*
 * prom_sample [--openmetrics]: every family labytrace exports, histograms
 * and gauges included, from a fixed snapshot, in the classic text format
 * (or OpenMetrics).  For exporters-check.sh: a stock kernel has no latency
 * or violations, so node_exporter reads these families from this instead,
 * and the dashboard's queries are checked against their names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gfp.h"
#include "hist.h"
#include "metrics.h"

int main(int argc, char **argv)
{
	static struct gfp_table gfp;
	static struct lt_snapshot s;
	static struct owner_table owners;
	struct owner_row *r;
	struct out_ctx c = {
		.gfp = &gfp, .ctx_known = true, .have_latency = true,
		.have_failures = true, .have_violations = true,
	};
	unsigned int k = lt_key(0, LT_ATOMIC, 1, LT_SOFTIRQ);
	bool om = argc == 2 && !strcmp(argv[1], "--openmetrics");
	int i;

	if (argc > 1 + om) {
		fprintf(stderr, "usage: prom_sample [--openmetrics]\n");
		return 2;
	}
	gfp_table_fallback(&gfp, KVER(6, 12), true);
	for (i = 0; i < 1000; i++)
		hist_add_value(&s.latency[k], 100 + i * 37);
	hist_add_value(&s.latency[k], 1ULL << 40);	/* +Inf only */
	hist_add_value(&s.latency[lt_key(3, LT_MAYSLEEP, 0, LT_TASK)], 123456);
	s.counts[lt_count_key(k, 0)].allocs = 1001;
	s.counts[lt_count_key(k, 0)].fails = 7;
	s.counts[lt_count_key(k, 1)].allocs = 5;
	s.counts[lt_count_key(k, 1)].fails = 5;
	s.violations[LT_KIND_MAP][1] = 3;
	s.violations[LT_KIND_FREE][0] = 2;
	s.stats[LT_STAT_ACQUIRE] = 1006;
	s.stats[LT_STAT_RELEASE] = 1000;
	s.stats[LT_STAT_TRANSFER] = 12;
	s.stats[LT_STAT_RB_FULL_VIOLATION] = 1;
	s.held_now = 6;
	s.held_over = 2;
	s.bpf_misses = 4;
	for (i = 0; i < 50; i++)
		hist_add_value(&s.hold[LT_SOFTIRQ], 1000000ULL * (i + 1));
	hist_add_value(&s.hold[LT_TASK], 3000000000ULL);
	/* an RX queue's owner object and a task, for the per-owner families */
	r = &owners.rows[owners.n++];
	r->key = lt_owner_key(LT_OBJECT, 7);
	strcpy(r->o.name, "eth0 rx0");
	r->o.acquired = 1000;
	r->o.released = 994;
	r->o.xfer_out = 12;
	r->o.violations[LT_KIND_FREE] = 2;
	for (i = 0; i < 50; i++)
		hist_add_value(&r->o.hold, 1000000ULL * (i + 1));
	r->held = r->held_pages = 6;
	r->oldest_ns = 7000000000ULL;
	r = &owners.rows[owners.n++];
	r->key = lt_owner_key(LT_TASK, 4242);
	strcpy(r->o.name, "rx-consumer");
	r->o.acquired = 6;
	r->o.released = 18;
	r->o.xfer_in = 12;
	r->o.violations[LT_KIND_MAP] = 3;
	hist_add_value(&r->o.hold, 3000000000ULL);
	owners_sort_key(&owners);
	owners_sort_view(&owners);
	owners_export_new(&owners);
	s.owners = &owners;
	if (metrics_write(stdout, om ? EXPO_OPENMETRICS : EXPO_CLASSIC, &c, &s) ||
	    fflush(stdout)) {
		perror("prom_sample");
		return 1;
	}
	return 0;
}
