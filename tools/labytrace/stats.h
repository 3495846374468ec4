/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What labytrace reports: a snapshot of the kernel's cumulative counters,
 * the interval deltas between two snapshots, and the context every writer
 * (terminal, JSON, OpenMetrics) needs to name things.
 */
#ifndef LABYTRACE_STATS_H
#define LABYTRACE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include "labytrace.h"
#include "owners.h"
#include "pfn.h"
#include "pools.h"

struct gfp_table;
struct ksyms;

/* Failures of one stack, gfp flags, order and context. */
struct fail_stack {
	struct lt_fail_key k;
	unsigned long long count;
};

/* Violations of one kind, owner, actor and pair of stacks. */
struct viol_stack {
	struct lt_viol_key k;
	struct lt_viol_val v;
};

struct lt_snapshot {
	unsigned long long ts_ns;		/* CLOCK_MONOTONIC */
	struct lt_count counts[LT_NR_COUNTS];	/* by lt_count_key() */
	struct lt_hist latency[LT_NR_KEYS];
	struct lt_hist hold[LT_NR_OWNER_CTX];	/* by the owner's kind */
	unsigned long long violations[LT_NR_KINDS][2];	/* [kind][denied] */
	unsigned long long stats[LT_NR_STATS];
	/*
	 * The programs' recursion misses (bpf_prog_info): events the kernel
	 * skipped because the program was already running on their CPU (in
	 * their context, where the kernel keeps it per context).  Each is a
	 * lost event.
	 */
	unsigned long long bpf_misses;
	/* sorted by key (fail_stacks_sort()); in a delta, only those that grew */
	struct fail_stack fail_stacks[LT_MAX_FAIL_KEYS];
	unsigned int nr_fail_stacks;
	/* the same for violations (viol_stacks_sort()) */
	struct viol_stack viol_stacks[LT_MAX_VIOL_KEYS];
	unsigned int nr_viol_stacks;
	/* gauges, not deltas */
	unsigned long long held_now;
	unsigned long long held_over;
	unsigned long long held_ts_ns;		/* when those were counted; 0: never */
	/*
	 * Each owner's counts, cumulative even in a delta, and what it holds
	 * now; the tracer's table, or NULL.
	 */
	const struct owner_table *owners;
	/* page_pools seen, cumulative even in a delta; NULL if not traced */
	const struct pool_table *pools;
};

/* An exclusive page owned now (the held table), with its age. */
struct held_page {
	unsigned long long page;
	unsigned long long pfn;			/* PFN_UNKNOWN if not known */
	unsigned long long age_ns;
	struct lt_held h;
};

/* Allocations and failures of one (order, class, exclusive, context, nowarn). */
struct fail_row {
	unsigned int order, cls, excl, ctx, nowarn;
	unsigned long long allocs, fails;
};

/* How to name and decode things; filled once by main. */
struct out_ctx {
	const struct gfp_table *gfp;
	const struct ksyms *ksyms;		/* NULL: stacks stay hex */
	bool ctx_known;				/* else contexts are "unknown" */
	/* BPF_F_RECURSION_PER_CONTEXT: else events that nest are missed */
	bool recursion_per_ctx;
	bool have_latency, have_failures, have_violations;
	bool have_pools;			/* page_pool gauges (pools.h) */
	bool no_rates;				/* --no-rates: counts.allocs 0 */
	long long mono_to_real_ns;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	unsigned long long vmemmap;		/* 0: pfn unknown */
	unsigned int page_size;			/* sizeof(struct page) */
	unsigned long long held_over_ns;
	bool owner_stacks;			/* --owner-stacks: acquires walked */
	/* A stack kept in the kernel, by key: its depth, frames in @ip. */
	int (*stack)(void *arg, unsigned long long key, unsigned long long *ip);
	void *stack_arg;
	/* The owners table, for object owners' names; NULL if none. */
	const struct owner_table *owners;
};

/* What ran and what could not, for the summaries. */
struct run_info {
	bool final;
	double seconds;				/* interval, or whole run */
	const char *src[3];			/* latency, failures, violations */
	const char *why[3];			/* reason unavailable, or NULL */
};

void snapshot_delta(const struct lt_snapshot *cur,
		    const struct lt_snapshot *prev, struct lt_snapshot *out);
unsigned long long snapshot_allocs(const struct lt_snapshot *s);
unsigned long long snapshot_fails(const struct lt_snapshot *s);
/* Failures with __GFP_NOWARN: expected by their callers. */
unsigned long long snapshot_fails_nowarn(const struct lt_snapshot *s);
/*
 * Events lost, or their place in an aggregate, for any reason; 0 means
 * every event was counted, and counted by its stack.
 */
unsigned long long snapshot_lost(const struct lt_snapshot *s);
/*
 * Records the ring buffer had no room for: detail only, since their events
 * are counted, by stack too.
 */
unsigned long long snapshot_dropped(const struct lt_snapshot *s);
/* The rows with allocations, most failures first; at most @max. */
int snapshot_fail_rows(const struct lt_snapshot *s, struct fail_row *out,
		       int max);

/* Oldest first. */
void held_sort(struct held_page *v, size_t n);
/* By key, as snapshot_delta() wants them. */
void fail_stacks_sort(struct fail_stack *v, size_t n);
/* Indexes of @s's failure stacks, most failures first; returns how many. */
unsigned int fail_stacks_top(const struct lt_snapshot *s, unsigned int *idx);
void viol_stacks_sort(struct viol_stack *v, size_t n);
unsigned int viol_stacks_top(const struct lt_snapshot *s, unsigned int *idx);
/* Frames in an event's stack, those after the last one left out. */
int event_stack_depth(const struct lt_event *e);

/* An allocation's context, or an owner's kind ("object"). */
const char *ctx_name(const struct out_ctx *c, unsigned int ctx);
const char *kind_name(unsigned int kind);
int ctx_parse(const char *s);
/* "order N" label: "0".."10", and ">10" for the last slot. */
const char *order_label(unsigned int order_slot, char *buf, size_t len);
/* ISO 8601 UTC with milliseconds, from a CLOCK_MONOTONIC time. */
int fmt_time(const struct out_ctx *c, unsigned long long mono_ns, char *buf,
	     size_t len);
/* The time of day of the same, "06:20:01.123Z", for the text views; "?" if unknown. */
int fmt_clock(const struct out_ctx *c, unsigned long long mono_ns, char *buf,
	      size_t len);
double real_seconds(const struct out_ctx *c, unsigned long long mono_ns);
/* @wait_ns as ring_buffer__poll()'s int of ms: rounded up, at most INT_MAX. */
int poll_timeout_ms(unsigned long long wait_ns);

#endif
