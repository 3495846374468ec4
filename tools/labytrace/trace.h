/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF side of labytrace: open the skeleton, configure it from the plan
 * and options, load, attach, and read the maps back into snapshots.
 */
#ifndef LABYTRACE_TRACE_H
#define LABYTRACE_TRACE_H

#include <stddef.h>
#include <bpf/libbpf.h>

#include "options.h"
#include "plan.h"
#include "probe.h"
#include "stats.h"

struct gfp_table;
struct labytrace_bpf;
struct holders_live_bpf;
struct pool_table;

/* One allocation program and four page_exclusive ones. */
#define TRACER_MAX_TPS 5

struct tracer {
	struct labytrace_bpf *skel;
	/* the tracepoint programs loaded, one per event */
	struct bpf_program *tps[TRACER_MAX_TPS];
	unsigned int nr_tps;
	bool per_context;		/* loaded with BPF_F_RECURSION_PER_CONTEXT */
	struct ring_buffer *rb;
	const struct plan *plan;
	const struct options *opts;
	int ncpus;
	void *pcpu;			/* ncpus values of the largest map */
	unsigned long long vmemmap;	/* 0 until calibrated */
	unsigned int page_size;
	struct owner_table *owners;	/* what snapshots point to */
	struct owner_table *next_owners;	/* read into, then copied */
	/* page_pools, live (pool_live.c); NULL where the kernel has none */
	struct holders_live_bpf *live;
	struct bpf_link *live_links[3];
	struct pool_table *pools;
	char live_why[160];		/* why not */
};

/* Returns 0, or -errno with a one-line reason in @why. */
int tracer_start(struct tracer *t, const struct options *o,
		 const struct features *f, const struct plan *p,
		 const struct gfp_table *gfp, ring_buffer_sample_fn fn,
		 void *ctx, char *why, size_t len);
/* Learn struct page * -> pfn; 0 or -errno. */
int tracer_calibrate_pfn(struct tracer *t);
int tracer_read(struct tracer *t, struct lt_snapshot *s);
/*
 * A new interval: --failure-records more failure records, and
 * --violation-records more violation records, may be written.
 */
void tracer_new_interval(struct tracer *t);
/*
 * The exclusive pages owned now: counts into @s (held_now, held_over, and
 * each owner's held pages, after which its owners are in view order, the
 * new ones exported while there is room: owners_export_new()) and
 * the @max oldest of those over the threshold into @out.  Returns how many
 * were stored.
 */
size_t tracer_held(struct tracer *t, struct lt_snapshot *s,
		   struct held_page *out, size_t max);
/* A stack kept in the kernel, by key; returns its depth (0 if unknown). */
int tracer_stack(struct tracer *t, unsigned long long key,
		 unsigned long long *ip);
/*
 * pool_live.c: the page_pool programs started (0; else -errno, @why says),
 * read into t->pools, detached, stopped.
 */
int pool_live_start(struct tracer *t, const struct features *f, char *why, size_t len);
int pool_live_read(struct tracer *t);
void pool_live_detach(struct tracer *t);
void pool_live_stop(struct tracer *t);
/* Detach every program, so that counts stop moving; again is harmless. */
void tracer_detach(struct tracer *t);
void tracer_stop(struct tracer *t);

#endif
