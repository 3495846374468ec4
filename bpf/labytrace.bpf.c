// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace: page allocation latency, allocation failures and __GFP_EXCLUSIVE
 * ownership violations.
 *
 * Counts and histograms are cumulative per-CPU arrays: user space reads them
 * every interval and subtracts, so nothing is lost between a read and a reset.
 * Failures and violations are also counted by their stacks (and, for a
 * violation, its owner and actor), and the first few of an interval make a
 * record through one ring buffer; a record that does not fit is counted in
 * the per-CPU stats array.
 *
 * One program per tracepoint.  Its per-CPU state is indexed by the context
 * it runs in (task, softirq, hardirq, NMI, read from the per-CPU preempt
 * count), and what several CPUs or contexts share is updated atomically,
 * so it stays right when it runs nested in another context on its CPU.
 * Where the kernel offers BPF_F_RECURSION_PER_CONTEXT, labytrace loads the
 * tracepoint programs with it and they do nest that way: nothing is lost.
 * Elsewhere the kernel skips an event that arrives while the program runs
 * on its CPU, and counts it in the program's recursion_misses, which
 * labytrace reports.  A second variant of each, _noctx, is for kernels
 * that do not let BPF read the preempt count: everything is task context
 * then, so it is loaded without the flag (and cannot nest).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define __LT_INLINE static __always_inline
#include "labytrace.h"
#include "labytrace_core.bpf.h"

/* Set by labytrace before load; the verifier drops the code they turn off. */
const volatile bool want_latency;
const volatile bool want_failures;
/*
 * Count every allocation, for failure rates; not with --no-rates, where
 * mm_page_alloc's program returns at once for a page that was allocated.
 */
const volatile bool want_alloc_counts = true;
/* Walk each acquire's stack (--owner-stacks): most of an acquire's cost. */
const volatile bool want_owner_stacks;
const volatile __u64 gfp_direct_reclaim;	/* gfp bits, read from BTF */
const volatile __u64 gfp_high;
const volatile __u64 gfp_exclusive;		/* 0 on a stock kernel */
const volatile __u64 gfp_nowarn;

/*
 * Filters; 0 or -1 is "any".  targ_any says whether any is set: without
 * one, the verifier drops every filter's load, not only its branch
 * (28 instructions an allocation).
 */
const volatile bool targ_any;
const volatile __u32 targ_tgid;
const volatile int targ_cpu = -1;
const volatile int targ_order = -1;
const volatile int targ_class = -1;
const volatile int targ_ctx = -1;
const volatile __u64 targ_gfp_mask;
const volatile bool targ_exclusive;
const volatile bool targ_warned_only;		/* no __GFP_NOWARN */

/*
 * [start, end) of the interrupt entry text (__irqentry_text_*), set when
 * kallsyms shows it: a stack is cut after the frame there, since what the
 * interrupt interrupted says nothing about who allocated.  0: not cut.
 */
const volatile __u64 irqentry_start;
const volatile __u64 irqentry_end;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_COUNTS);
	__type(key, __u32);
	__type(value, struct lt_count);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_KEYS);
	__type(key, __u32);
	__type(value, struct lt_hist);
} latency SEC(".maps");

/* Hold time of exclusive pages, by the owner's kind. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_OWNER_CTX);
	__type(key, __u32);
	__type(value, struct lt_hist);
} hold SEC(".maps");

/* Violations: index kind * 2 + denied. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_KINDS * 2);
	__type(key, __u32);
	__type(value, __u64);
} violations SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_STATS);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LT_RINGBUF_SIZE);
} events SEC(".maps");

/*
 * Exclusive pages owned now, keyed by struct page *.  Preallocated (user
 * space sizes it, --held-max): an update then never allocates, so it cannot
 * fail in hardirq, where a BPF_F_NO_PREALLOC map's per-CPU cache runs dry
 * after a few dozen inserts and is refilled only by an irq_work.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_HELD_DEFAULT);
	__type(key, __u64);
	__type(value, struct lt_held);
} held SEC(".maps");

/*
 * Each owner's counts (struct lt_owner), by lt_owner_key().  Shared by
 * every CPU, since an owner object's pages come and go on any of them:
 * counters are added atomically.  Preallocated, so an owner's first page
 * in hardirq finds room.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_OWNERS);
	__type(key, __u64);
	__type(value, struct lt_owner);
} owners SEC(".maps");

/* What a new owner starts as: zeros (never written). */
static const struct lt_owner owner_zero;

/*
 * Stacks, each kept once under its key (lt_stack_key_step()).  Not a
 * STACK_TRACE map: that one keeps one stack per hash bucket and refuses a
 * second stack that lands in a taken bucket, so stacks were lost long
 * before the map was full.  Preallocated, like held.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_STACKS);
	__type(key, __u64);
	__type(value, struct lt_stack);
} stacks SEC(".maps");

/* Failures counted per stack, gfp flags, order and context, in total. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_FAIL_KEYS);
	__type(key, struct lt_fail_key);
	__type(value, __u64);
} fail_stacks SEC(".maps");

/*
 * Failure records still to be written this interval: user space sets it
 * to --failure-records at the start of each; past it a failure is only
 * counted, in fail_stacks, so that a storm of them costs no ring buffer.
 */
__s64 fail_budget = LT_FAIL_RECORDS;

/* Violations counted per struct lt_viol_key, in total. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LT_MAX_VIOL_KEYS);
	__type(key, struct lt_viol_key);
	__type(value, struct lt_viol_val);
} viol_stacks SEC(".maps");

/* As fail_budget, for violation records (--violation-records). */
__s64 viol_budget = LT_VIOL_RECORDS;

/*
 * Where a stack is walked before it is kept: per CPU, one slot per use and
 * context.  The kernel runs a program at most once at a time per CPU and
 * context, and a program runs to its end before another of the same
 * context starts on that CPU, so no two events walk into one slot at once.
 * That holds where BPF programs can be preempted (PREEMPT_RCU, PREEMPT_RT)
 * too: BPF_F_RECURSION_PER_CONTEXT turns preemption off for the run, and
 * without it the CPU's one recursion counter refuses the other task's run.
 */
enum {
	LT_SCRATCH_ACQUIRE,
	LT_SCRATCH_FAILURE,
	LT_SCRATCH_VIOLATION,
	LT_NR_SCRATCH,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_NR_SCRATCH * LT_NR_CTX);
	__type(key, __u32);
	__type(value, struct lt_stack);
} scratch SEC(".maps");

/* fentry timestamps, for latency on kernels without mm_page_alloc_latency. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct lt_start);
} starts SEC(".maps");

/* struct page * of this task's allocations, to calibrate page -> pfn. */
__u32 calib_tid;
__u32 calib_n;
__u64 calib_pages[LT_CALIB_MAX];

static __always_inline void stat_inc(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &stat);

	/* Several programs share this array, and may nest on a CPU. */
	if (v)
		__sync_fetch_and_add(v, 1);
}

/*
 * Single writer per CPU and key, no atomics: @key includes the context,
 * and events of one context do not nest on a CPU (see scratch).
 */
static __always_inline void hist_add(void *map, __u32 key, __u64 ns)
{
	struct lt_hist *h = bpf_map_lookup_elem(map, &key);
	__u32 slot;

	if (!h)
		return;
	slot = lt_slot(ns);
	barrier_var(slot);
	if (slot >= LT_NR_SLOTS)
		slot = LT_NR_SLOTS - 1;
	h->slots[slot]++;
	h->sum += ns;
	if (ns > h->max)
		h->max = ns;
}

static __always_inline bool alloc_filtered(unsigned int order, __u64 gfp,
					   unsigned int cls, bool excl,
					   unsigned int ctx)
{
	if (!targ_any)
		return false;
	/* In interrupt context current is whoever was interrupted. */
	if (targ_tgid && (ctx != LT_TASK ||
			  bpf_get_current_pid_tgid() >> 32 != targ_tgid))
		return true;
	if (targ_cpu >= 0 && bpf_get_smp_processor_id() != targ_cpu)
		return true;
	if (targ_order >= 0 && order != targ_order)
		return true;
	if (targ_class >= 0 && cls != targ_class)
		return true;
	if (targ_gfp_mask && (gfp & targ_gfp_mask) != targ_gfp_mask)
		return true;
	if (targ_ctx >= 0 && ctx != targ_ctx)
		return true;
	if (targ_exclusive && !excl)
		return true;
	if (targ_warned_only && (gfp & gfp_nowarn))
		return true;
	return false;
}

/*
 * hist_add() for a histogram several CPUs, or nested events on one CPU,
 * update at once: atomic adds, and a maximum that a bounded compare-and-swap
 * loop keeps exact unless it loses four races in a row.
 */
static __always_inline void hist_add_shared(struct lt_hist *h, __u64 ns)
{
	__u32 slot = lt_slot(ns);
	__u64 old, seen;
	int i;

	barrier_var(slot);
	if (slot >= LT_NR_SLOTS)
		slot = LT_NR_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum, ns);
	old = h->max;
	for (i = 0; i < 4 && ns > old; i++) {
		seen = __sync_val_compare_and_swap(&h->max, old, ns);
		if (seen == old)
			break;
		old = seen;
	}
}

/*
 * The entry of @key in the preallocated hash @map, made from @init if new;
 * NULL if the table is full.
 */
static __always_inline void *entry_get(void *map, const void *key,
				       const void *init)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	/* -EEXIST: another CPU made it meanwhile */
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/*
 * The owners table's entry of (@kind, @id), made if new; NULL (and counted)
 * if the table is full.  @name, the kernel's name of an object owner, is
 * valid only during the tracepoint, so it is copied now; a task owner gets
 * the comm of current when current is the owner.
 */
static __always_inline struct lt_owner *owner_get(unsigned int kind, int id,
						  const char *name)
{
	__u64 key = lt_owner_key(kind, id);
	struct lt_owner *o;

	o = entry_get(&owners, &key, &owner_zero);
	if (!o) {
		stat_inc(LT_STAT_OWNER_UNTRACKED);
		return NULL;
	}
	if (o->name[0])
		return o;
	if (kind == LT_OBJECT && name)
		bpf_probe_read_kernel_str(o->name, sizeof(o->name), name);
	else if (kind == LT_TASK && bpf_get_current_pid_tgid() >> 32 == id)
		bpf_get_current_comm(o->name, sizeof(o->name));
	return o;
}

static __always_inline struct lt_stack *scratch_of(__u32 use, __u32 lctx)
{
	__u32 slot = use * LT_NR_CTX + lctx;

	return bpf_map_lookup_elem(&scratch, &slot);
}

/*
 * This program's kernel stack in the scratch slot of @use at context
 * @lctx, cut after the interrupt entry; NULL if the walk failed (and the
 * slot empty).  *@key is its key in stacks.
 */
static __always_inline struct lt_stack *stack_walk(void *ctx, __u32 use,
						   __u32 lctx, __u64 *key)
{
	struct lt_stack *st = scratch_of(use, lctx);
	bool cut = false;
	__u64 ip;
	int i;

	if (!st)
		return NULL;
	/* Frames past the last are zeroed. */
	if (bpf_get_stack(ctx, st->ip, sizeof(st->ip), 0) <= 0) {
		st->ip[0] = 0;
		return NULL;
	}
	*key = LT_STACK_KEY_SEED;
	for (i = 0; i < LT_MAX_STACK; i++) {
		ip = st->ip[i];
		if (cut)
			st->ip[i] = ip = 0;
		else if (ip >= irqentry_start && ip < irqentry_end)
			cut = true;
		*key = lt_stack_key_step(*key, ip);
	}
	*key |= !*key;
	return st;
}

/*
 * @st kept once in stacks under @key: @key, or 0 if it could not be kept
 * (the table is full, or another stack has the key).
 */
static __always_inline __u64 stack_keep(const struct lt_stack *st, __u64 key)
{
	struct lt_stack *old;
	long err;
	int i;

	err = bpf_map_update_elem(&stacks, &key, st, BPF_NOEXIST);
	if (!err)
		return key;
	if (err != -17 /* EEXIST */)
		return 0;
	/* Kept already, or another stack has the key: then this one is not. */
	old = bpf_map_lookup_elem(&stacks, &key);
	if (!old)
		return 0;
	for (i = 0; i < LT_MAX_STACK; i++)
		if (old->ip[i] != st->ip[i])
			return 0;
	return key;
}

#ifndef __arg_ctx
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#endif

/*
 * This program's kernel stack, walked into the scratch slot of @use at
 * context @lctx (where a record can copy it from) and kept in stacks: its
 * key there, or 0 if it could not be kept.  A global function, so that the
 * verifier checks its two loops once, not once for every path that leads
 * to them (the acquire program: 1,200 instructions to verify, not 4,000).
 */
__noinline __u64 stack_take(void *ctx __arg_ctx, __u32 use, __u32 lctx)
{
	struct lt_stack *st;
	__u64 key;

	st = stack_walk(ctx, use, lctx, &key);
	return st ? stack_keep(st, key) : 0;
}

/* The stack stack_take() walked into the slot of @use at @lctx, into @e. */
static __always_inline void event_stack(struct lt_event *e, __u32 use,
					__u32 lctx)
{
	struct lt_stack *st = scratch_of(use, lctx);

	if (st) {
		__builtin_memcpy(e->stack, st->ip, sizeof(e->stack));
		e->stack_sz = sizeof(e->stack);
	} else {
		e->stack_sz = -1;
	}
}

/* Common part of both ring buffer records; the rest is zeroed. */
static __always_inline void event_init(struct lt_event *e, __u32 type)
{
	__u64 id = bpf_get_current_pid_tgid();

	__builtin_memset(e, 0, offsetof(struct lt_event, stack));
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* One more failure of @k; counted as unaggregated if it cannot be. */
static __always_inline void fail_count(const struct lt_fail_key *k)
{
	__u64 zero = 0, *n = entry_get(&fail_stacks, k, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	else
		stat_inc(LT_STAT_FAIL_UNAGGREGATED);
}

/*
 * One more violation of @k; counted as unaggregated if it cannot be.  A
 * task actor's comm is kept with its first one, while it is current.
 */
static __always_inline void viol_count(const struct lt_viol_key *k)
{
	struct lt_viol_val init = {}, *v;

	if (k->actor_ctx == LT_TASK &&
	    bpf_get_current_pid_tgid() >> 32 == k->actor)
		bpf_get_current_comm(init.actor_comm, sizeof(init.actor_comm));
	v = entry_get(&viol_stacks, k, &init);
	if (v)
		__sync_fetch_and_add(&v->count, 1);
	else
		stat_inc(LT_STAT_VIOL_UNAGGREGATED);
}

/* Whether this interval's @budget allows one more record; else counted. */
static __always_inline bool record_wanted(__s64 *budget, __u32 unrecorded)
{
	if (__sync_fetch_and_add(budget, -1) > 0)
		return true;
	stat_inc(unrecorded);
	return false;
}

/*
 * A failure: counted by stack, gfp flags, order and context, in the kernel,
 * as libbpf-tools' profilers count stacks; and, while this interval's
 * budget lasts, a record with its stack through the ring buffer.  One
 * stack walk serves both.
 */
static __always_inline void emit_failure(void *ctx, unsigned int order,
					 __u64 gfp, unsigned int lctx,
					 __u64 latency_ns)
{
	struct lt_fail_key k = { .gfp = gfp, .order = order, .ctx = lctx };
	struct lt_event *e;

	k.stack = stack_take(ctx, LT_SCRATCH_FAILURE, lctx);
	if (k.stack)
		fail_count(&k);
	else
		stat_inc(LT_STAT_FAIL_UNAGGREGATED);

	if (!record_wanted(&fail_budget, LT_STAT_FAIL_UNRECORDED))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LT_STAT_RB_FULL_FAILURE);
		return;
	}
	event_init(e, LT_EV_FAILURE);
	e->gfp = gfp;
	e->order = order;
	e->ctx = lctx;
	e->latency_ns = latency_ns;
	event_stack(e, LT_SCRATCH_FAILURE, lctx);
	bpf_ringbuf_submit(e, 0);
}

/*
 * One allocation in context @lctx: its latency (if measured) into the
 * histograms, and into counts whether it failed; a failure is also
 * reported with its stack.
 */
static __always_inline int on_alloc(void *ctx, unsigned int lctx,
				    struct page *page, unsigned int order,
				    __u64 gfp, __u64 latency_ns,
				    const bool do_latency,
				    const bool do_failures)
{
	unsigned int cls = lt_gfp_class(gfp, gfp_direct_reclaim, gfp_high);
	bool excl = gfp & gfp_exclusive;
	struct lt_count *c;
	__u32 key;

	if (alloc_filtered(order, gfp, cls, excl, lctx))
		return 0;
	key = lt_key(order, cls, excl, lctx);

	if (do_latency && want_latency)
		hist_add(&latency, key, latency_ns);

	if (do_failures && want_failures) {
		key = lt_count_key(key, gfp & gfp_nowarn);
		c = bpf_map_lookup_elem(&counts, &key);
		if (!c)
			return 0;
		if (want_alloc_counts)
			c->allocs++;
		if (!page) {
			c->fails++;
			emit_failure(ctx, order, gfp, lctx, latency_ns);
		}
	}
	return 0;
}

/*
 * The programs on attach point TP with arguments ARGS...: NAME, which
 * hands the event to CALL (an expression of ctx, lctx and the arguments)
 * with the context it runs in, and NAME_noctx, for kernels where the
 * context cannot be read, which counts every event as task context's.
 */
#define LT_BODY(tp, prog, context, call, args...)			\
SEC(tp)									\
int BPF_PROG(prog, args)						\
{									\
	unsigned int lctx = context;					\
									\
	/*								\
	 * Computed whether CALL uses it or not: half dropped, clang	\
	 * ORs the preempt count symbols' addresses, which the verifier	\
	 * refuses.							\
	 */								\
	barrier_var(lctx);						\
	return call;							\
}

#define LT_PROGRAM(tp, name, call, args...)				\
	LT_BODY(tp, name, current_ctx(true), call, args)		\
	LT_BODY(tp, name##_noctx, LT_TASK, call, args)

/*
 * Patched kernel: latency and failures (fault-injected ones too) in one event.
 *
 * raw_tp, not tp_btf, for the allocation events: a BTF-typed tracepoint
 * argument is a trusted pointer that the verifier (6.12 at least) assumes
 * is not NULL, and it drops the "page == NULL" branch, so failures would
 * never be counted.  A raw_tp argument is a plain number.
 */
LT_PROGRAM("raw_tp/mm_page_alloc_latency", alloc_latency,
	    on_alloc(ctx, lctx, page, order, gfp, latency_ns, true, true),
	    struct page *page, unsigned int order, gfp_t gfp, u64 latency_ns)

/*
 * Any kernel: failures (page == NULL).  With --no-rates a successful
 * allocation costs nothing past the page test, not even the context.
 */
static __always_inline int page_alloc_event(void *ctx, struct page *page,
					    unsigned int order, __u64 gfp,
					    const bool use_ksym)
{
	unsigned int lctx;

	if (page && !want_alloc_counts)
		return 0;
	lctx = current_ctx(use_ksym);
	barrier_var(lctx);	/* as in LT_BODY */
	return on_alloc(ctx, lctx, page, order, gfp, 0, false, true);
}

SEC("raw_tp/mm_page_alloc")
int BPF_PROG(page_alloc, struct page *page, unsigned int order, gfp_t gfp)
{
	return page_alloc_event(ctx, page, order, gfp, true);
}

SEC("raw_tp/mm_page_alloc")
int BPF_PROG(page_alloc_noctx, struct page *page, unsigned int order, gfp_t gfp)
{
	return page_alloc_event(ctx, page, order, gfp, false);
}

/*
 * Stock kernels: latency from fentry/fexit on the allocator's entry point
 * (the attach target is set by labytrace).  An interrupt that allocates
 * runs with current set to the task it interrupted, so the start time is
 * keyed by context as well as by task; interrupt-context allocations do not
 * migrate, so (context, CPU) identifies them.
 */
static __always_inline __u64 start_key(unsigned int lctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (lctx == LT_TASK && tid)
		return tid;
	return (1ULL << 63) | ((__u64)lctx << 32) | bpf_get_smp_processor_id();
}

static __always_inline int on_enter(gfp_t gfp, unsigned int order,
				    const bool use_ksym)
{
	unsigned int lctx = current_ctx(use_ksym);
	struct lt_start s = {
		.ts_ns = bpf_ktime_get_ns(),
		.gfp = gfp,
		.order = order,
		.ctx = lctx,
	};
	__u64 key = start_key(lctx);

	if (bpf_map_update_elem(&starts, &key, &s, BPF_ANY))
		stat_inc(LT_STAT_LAT_START_FULL);
	return 0;
}

static __always_inline int on_exit(void *ctx, struct page *page,
				   const bool use_ksym)
{
	unsigned int lctx = current_ctx(use_ksym);
	__u64 key = start_key(lctx);
	struct lt_start *s;
	__u64 now = bpf_ktime_get_ns(), ts, gfp;
	unsigned int order;

	s = bpf_map_lookup_elem(&starts, &key);
	if (!s) {
		stat_inc(LT_STAT_LAT_UNMATCHED);
		return 0;
	}
	ts = s->ts_ns;
	gfp = s->gfp;
	order = s->order;
	bpf_map_delete_elem(&starts, &key);
	return on_alloc(ctx, lctx, page, order, gfp, now - ts, true, false);
}

SEC("fentry/__alloc_pages_noprof")
int BPF_PROG(alloc_enter, gfp_t gfp, unsigned int order)
{
	return on_enter(gfp, order, true);
}

SEC("fexit/__alloc_pages_noprof")
int BPF_PROG(alloc_exit, gfp_t gfp, unsigned int order, int nid, void *nodemask,
	     struct page *ret)
{
	return on_exit(ctx, ret, true);
}

SEC("fentry/__alloc_pages_noprof")
int BPF_PROG(alloc_enter_noctx, gfp_t gfp, unsigned int order)
{
	return on_enter(gfp, order, false);
}

SEC("fexit/__alloc_pages_noprof")
int BPF_PROG(alloc_exit_noctx, gfp_t gfp, unsigned int order, int nid,
	     void *nodemask, struct page *ret)
{
	return on_exit(ctx, ret, false);
}

/*
 * __GFP_EXCLUSIVE ownership (patched kernel).  Every acquire is tracked,
 * whatever the filters, so that a violation can show the owner's stack;
 * the filters apply to what is reported.
 */
static __always_inline bool pe_filtered(unsigned int order, int owner,
					unsigned int owner_ctx, int actor,
					unsigned int actor_ctx, bool has_actor)
{
	if (!targ_any)
		return false;
	if (targ_tgid) {
		bool match = owner_ctx == LT_TASK && owner == targ_tgid;

		if (has_actor && actor_ctx == LT_TASK && actor == targ_tgid)
			match = true;
		if (!match)
			return true;
	}
	if (targ_cpu >= 0 && bpf_get_smp_processor_id() != targ_cpu)
		return true;
	if (targ_order >= 0 && order != targ_order)
		return true;
	if (targ_ctx >= 0 &&
	    (has_actor ? actor_ctx : owner_ctx) != targ_ctx)
		return true;
	return false;
}

/* Track @page as owned, as @h says; counted when the table is full. */
static __always_inline void held_track(__u64 page, const struct lt_held *h)
{
	if (bpf_map_update_elem(&held, &page, h, BPF_ANY))
		stat_inc(LT_STAT_ACQUIRE_UNTRACKED);
}

/*
 * What held records of an acquire made in context @lctx: when, who, and
 * (with --owner-stacks) the owner's stack.
 */
static __always_inline void held_init(void *ctx, unsigned int lctx,
				      struct lt_held *h, unsigned int order,
				      gfp_t gfp, int owner, int owner_ctx)
{
	__builtin_memset(h, 0, sizeof(*h));
	h->since_ns = bpf_ktime_get_ns();
	h->gfp = gfp;
	h->owner = owner;
	h->ctx = pe_ctx(owner_ctx);
	h->order = order;
	if (want_owner_stacks) {
		h->stack = stack_take(ctx, LT_SCRATCH_ACQUIRE, lctx);
		if (!h->stack)
			stat_inc(LT_STAT_STACK_UNRECORDED);
	}
	if (h->ctx == LT_TASK)
		bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* @name: the owner object's name, NULL for a context owner. */
static __always_inline int on_acquire(void *ctx, unsigned int lctx,
				      struct page *page, unsigned int order,
				      gfp_t gfp, int owner, int owner_ctx,
				      const char *name)
{
	struct lt_owner *o;
	struct lt_held h;

	stat_inc(LT_STAT_ACQUIRE);
	held_init(ctx, lctx, &h, order, gfp, owner, owner_ctx);
	held_track((__u64)page, &h);
	o = owner_get(h.ctx, owner, name);
	if (o)
		__sync_fetch_and_add(&o->acquired, 1);
	return 0;
}

/*
 * The page changes hands; the new owner's hold time starts now, as the
 * kernel's does.  Kernels before owner objects pass no @to_ctx (a task).
 */
static __always_inline int on_transfer(struct page *page, int from,
				       int from_ctx, int to, int to_ctx,
				       const char *from_name,
				       const char *to_name)
{
	unsigned int fctx = pe_ctx(from_ctx), tctx = pe_ctx(to_ctx);
	__u64 key = (__u64)page;
	struct lt_owner *o;
	struct lt_held *h;

	stat_inc(LT_STAT_TRANSFER);
	h = bpf_map_lookup_elem(&held, &key);
	if (h) {
		h->owner = to;
		h->ctx = tctx;
		h->since_ns = bpf_ktime_get_ns();
		h->comm[0] = '\0';	/* user space looks the new owner up */
	}
	o = owner_get(fctx, from, from_name);
	if (o)
		__sync_fetch_and_add(&o->xfer_out, 1);
	o = owner_get(tctx, to, to_name);
	if (o)
		__sync_fetch_and_add(&o->xfer_in, 1);
	return 0;
}

static __always_inline int on_release(struct page *page, unsigned int order,
				      int owner, int owner_ctx, __u64 held_ns,
				      const char *name)
{
	unsigned int lctx = pe_ctx(owner_ctx);
	__u64 key = (__u64)page;
	struct lt_owner *o;
	struct lt_hist *h;
	bool wanted;

	stat_inc(LT_STAT_RELEASE);
	if (bpf_map_delete_elem(&held, &key))
		stat_inc(LT_STAT_RELEASE_UNTRACKED);
	wanted = !pe_filtered(order, owner, lctx, 0, 0, false);
	/* keyed by the owner's kind: releases in nested contexts share it */
	h = wanted ? bpf_map_lookup_elem(&hold, &lctx) : NULL;
	if (h)
		hist_add_shared(h, held_ns);
	o = owner_get(lctx, owner, name);
	if (!o)
		return 0;
	__sync_fetch_and_add(&o->released, 1);
	if (wanted)
		hist_add_shared(&o->hold, held_ns);
	return 0;
}

/*
 * Zero, but not to the verifier, which cannot know what a program wrote
 * here: a value ORed with it is one it does not know either.
 */
__u32 unknown_zero;

/*
 * A violation, in context @lctx: counted by kind (and owner), and by kind,
 * owner, actor and both stacks; and, while this interval's budget lasts,
 * a record with the page, both parties and both stacks.
 */
static __always_inline int on_violation(void *ctx, unsigned int lctx,
					struct page *page, unsigned int order,
					int owner, int owner_ctx, int actor,
					int actor_ctx, int kind, bool denied,
					const char *owner_name,
					const char *actor_name)
{
	/*
	 * pe_ctx() and pe_kind() end in one constant per path: the verifier
	 * would check all that follows once per owner kind, actor kind and
	 * violation kind (36,000 instructions, not 3,400), and 14 labytraces
	 * loading at once ran a 2 GiB guest out of memory.
	 */
	unsigned int octx = pe_ctx(owner_ctx) | unknown_zero;
	unsigned int actx = pe_ctx(actor_ctx) | unknown_zero;
	unsigned int k = pe_kind(kind) | unknown_zero;
	__u64 key = (__u64)page, *n;
	struct lt_viol_key vk = {};
	struct lt_owner *o;
	struct lt_held *h;
	struct lt_event *e;
	__u32 idx;

	if (pe_filtered(order, owner, octx, actor, actx, true))
		return 0;
	idx = k * 2 + !!denied;
	n = bpf_map_lookup_elem(&violations, &idx);
	if (n)
		__sync_fetch_and_add(n, 1);	/* nested events share it */
	o = owner_get(octx, owner, owner_name);
	if (o && k < LT_NR_KINDS)
		__sync_fetch_and_add(&o->violations[k], 1);

	h = bpf_map_lookup_elem(&held, &key);
	vk.owner_stack = h ? h->stack : 0;
	vk.owner = owner;
	vk.actor = actor;
	vk.owner_ctx = octx;
	vk.actor_ctx = actx;
	vk.kind = k;
	vk.denied = !!denied;
	vk.order = order;
	vk.actor_stack = stack_take(ctx, LT_SCRATCH_VIOLATION, lctx);
	if (!vk.actor_stack)
		stat_inc(LT_STAT_STACK_UNRECORDED);
	viol_count(&vk);

	if (!record_wanted(&viol_budget, LT_STAT_VIOL_UNRECORDED))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LT_STAT_RB_FULL_VIOLATION);
		return 0;
	}
	event_init(e, LT_EV_VIOLATION);
	e->order = order;
	e->ctx = actx;
	e->page = key;
	e->owner = owner;
	e->owner_ctx = octx;
	e->actor = actor;
	e->actor_ctx = actx;
	e->kind = k;
	e->denied = denied;
	if (octx == LT_OBJECT && owner_name)
		bpf_probe_read_kernel_str(e->owner_name, sizeof(e->owner_name),
					  owner_name);
	if (actx == LT_OBJECT && actor_name)
		bpf_probe_read_kernel_str(e->actor_name, sizeof(e->actor_name),
					  actor_name);
	if (h) {
		e->owner_known = 1;
		e->owner_stack = h->stack;
		e->owner_since_ns = h->since_ns;
		e->gfp = h->gfp;
		__builtin_memcpy(e->owner_comm, h->comm, sizeof(e->owner_comm));
	}
	event_stack(e, LT_SCRATCH_VIOLATION, lctx);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Owner objects' names are the last arguments, read during the event. */
LT_PROGRAM("tp_btf/page_exclusive_acquire", pe_acquire,
	    on_acquire(ctx, lctx, page, order, gfp, owner, owner_ctx,
		       owner_name),
	    struct page *page, unsigned int order, gfp_t gfp, pid_t owner,
	    int owner_ctx, const char *owner_name)

LT_PROGRAM("tp_btf/page_exclusive_transfer", pe_transfer,
	    on_transfer(page, from, from_ctx, to, to_ctx, from_name, to_name),
	    struct page *page, unsigned int order, pid_t from, int from_ctx,
	    pid_t to, int to_ctx, const char *from_name, const char *to_name)

/* Fires for page_exclusive_release() and for the free of an owned page. */
LT_PROGRAM("tp_btf/page_exclusive_release", pe_release,
	    on_release(page, order, owner, owner_ctx, held_ns, owner_name),
	    struct page *page, unsigned int order, pid_t owner, int owner_ctx,
	    u64 held_ns, const char *owner_name)

LT_PROGRAM("tp_btf/page_exclusive_violation", pe_violation,
	    on_violation(ctx, lctx, page, order, owner, owner_ctx, actor,
			 actor_ctx, kind, denied, owner_name, actor_name),
	    struct page *page, unsigned int order, pid_t owner, int owner_ctx,
	    pid_t actor, int actor_ctx, int kind, bool denied,
	    const char *owner_name, const char *actor_name)

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(calibrate, struct page *page)
{
	__u32 i = calib_n;

	if ((__u32)bpf_get_current_pid_tgid() != calib_tid || !page)
		return 0;
	if (i < LT_CALIB_MAX) {
		calib_pages[i] = (__u64)page;
		calib_n = i + 1;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
