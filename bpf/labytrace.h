/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What labytrace.bpf.c and the labytrace CLI share: map layouts, event
 * records, and the few computations both sides must do identically (bucket
 * of a latency, gfp class, map index), so the unit tests exercise the code
 * the BPF programs run.
 */
#ifndef __LABYTRACE_H
#define __LABYTRACE_H

#ifndef __LT_INLINE
#define __LT_INLINE static inline
#endif

/* Orders 0..10 (MAX_PAGE_ORDER on x86), and one slot for anything above. */
#define LT_NR_ORDERS	12
#define LT_NR_CLASSES	3
#define LT_NR_CTX	4	/* contexts an allocation runs in */
#define LT_NR_OWNER_CTX	5	/* kinds of owner: those, and objects */
#define LT_NR_KEYS	(LT_NR_ORDERS * LT_NR_CLASSES * 2 * LT_NR_CTX)
/* Allocation counts are also split by __GFP_NOWARN: lt_count_key(). */
#define LT_NR_COUNTS	(LT_NR_KEYS * 2)

/*
 * log2 buckets of nanoseconds.  Slot 0 counts values <= 1, slot i values in
 * (2^(i-1), 2^i]; the last slot is open-ended.  "<= 2^i" makes every bucket
 * bound a true upper bound (OpenMetrics "le").
 */
#define LT_NR_SLOTS	36

#define LT_MAX_STACK	32	/* frames kept per stack */
#define LT_COMM_LEN	16
#define LT_NR_KINDS	6	/* enum page_exclusive_violation */
#define LT_OWNER_NAME_LEN 32	/* PAGE_EXCLUSIVE_OWNER_NAME_LEN, with the NUL */
/*
 * Kernel memory: every table is preallocated at start-up, and by default
 * all of labytrace's maps take at most LT_MEM_BUDGET as the kernel
 * accounts them (memlock in /proc/PID/fdinfo; host-check and the e2e test
 * measure it), on machines of up to about 60 CPUs (the per-CPU arrays grow
 * by about 100 kB a CPU).  Larger tables only on request (--held-max).
 */
#define LT_MEM_BUDGET	(16ULL << 20)
/*
 * Owners counted at once (the owners table, 472 bytes each): every task,
 * interrupt context and owner object that owned an exclusive page while
 * labytrace ran.  Past it an owner's counts are lost, and counted as such.
 */
#define LT_MAX_OWNERS	4096
/*
 * Exclusive pages tracked at once, by default (--held-max): about 120
 * bytes each, 4 MB.  The 500,000 pages a 100 Gbit/s NIC's rings can hold
 * need --held-max 524288 (60 MiB).  Preallocated.
 */
#define LT_HELD_DEFAULT	(32 * 1024)
#define LT_HELD_LIMIT	(16 * 1024 * 1024)	/* largest --held-max */
#define LT_MAX_STACKS	8192	/* distinct stacks kept, 330 bytes each */
#define LT_MAX_FAIL_KEYS 4096	/* distinct (stack, gfp, order, context) failing */
#define LT_FAIL_RECORDS	100	/* failure records per interval, by default */
#define LT_MAX_VIOL_KEYS 1024	/* distinct (kind, owner, actor, stacks) violating */
#define LT_VIOL_RECORDS	100	/* violation records per interval, by default */
#define LT_RINGBUF_SIZE	(1024 * 1024)
#define LT_CALIB_MAX	64	/* struct page * kept while calibrating */

enum lt_class {
	LT_ATOMIC,	/* no direct reclaim, may use reserves (__GFP_HIGH) */
	LT_NOWAIT,	/* no direct reclaim, no reserves */
	LT_MAYSLEEP,	/* __GFP_DIRECT_RECLAIM */
};

/*
 * The context of an allocation, and the kind of an owner or actor.  Owners
 * are never LT_NMI on kernels with owner objects (an NMI is its CPU's
 * hardirq there); allocations are never LT_OBJECT.
 */
enum lt_ctx {
	LT_TASK,
	LT_SOFTIRQ,
	LT_HARDIRQ,
	LT_NMI,
	LT_OBJECT,
};

enum lt_kind {
	LT_KIND_MAP,
	LT_KIND_GUP,
	LT_KIND_FREE,
	LT_KIND_TRANSFER,
	LT_KIND_RELEASE,
	LT_KIND_LEAK,		/* owner object destroyed while it owned the page */
};

/* Per-CPU counters of things that happened to labytrace itself. */
enum lt_stat {
	LT_STAT_RB_FULL_FAILURE,	/* failure record dropped: ring buffer full */
	LT_STAT_RB_FULL_VIOLATION,	/* violation record dropped: ring buffer full */
	LT_STAT_LAT_UNMATCHED,		/* fexit without its fentry timestamp */
	LT_STAT_LAT_START_FULL,		/* fentry timestamp table full */
	LT_STAT_ACQUIRE,		/* page_exclusive_acquire seen */
	LT_STAT_RELEASE,		/* page_exclusive_release seen */
	LT_STAT_TRANSFER,		/* page_exclusive_transfer seen */
	LT_STAT_RELEASE_UNTRACKED,	/* release of a page acquired before we started */
	LT_STAT_ACQUIRE_UNTRACKED,	/* acquire not tracked: --held-max reached */
	LT_STAT_STACK_UNRECORDED,	/* a stack not kept: stack table full */
	LT_STAT_FAIL_UNRECORDED,	/* failure without a record: past --failure-records */
	LT_STAT_FAIL_UNAGGREGATED,	/* failure not in fail_stacks: a table full */
	LT_STAT_OWNER_UNTRACKED,	/* an owner's event not counted: owners full */
	LT_STAT_VIOL_UNRECORDED,	/* violation without a record: past --violation-records */
	LT_STAT_VIOL_UNAGGREGATED,	/* violation not in viol_stacks: the table is full */
	LT_NR_STATS,
};

enum lt_event_type {
	LT_EV_FAILURE = 1,
	LT_EV_VIOLATION,
};

/* One latency histogram; its count is the sum of the slots. */
struct lt_hist {
	unsigned long long slots[LT_NR_SLOTS];
	unsigned long long sum;		/* ns */
	unsigned long long max;		/* ns, exact */
};

struct lt_count {
	unsigned long long allocs;
	unsigned long long fails;
};

/* Ring buffer record: an allocation failure or an ownership violation. */
struct lt_event {
	unsigned int type;		/* enum lt_event_type */
	unsigned int cpu;
	unsigned long long ts_ns;	/* CLOCK_MONOTONIC */
	unsigned int pid;		/* tgid of current */
	unsigned int tid;
	char comm[LT_COMM_LEN];
	unsigned long long gfp;
	unsigned int order;
	unsigned int ctx;		/* enum lt_ctx of current */
	unsigned long long latency_ns;	/* failures: 0 if not measured */
	/* violations */
	unsigned long long page;	/* struct page * */
	int owner;			/* tgid, CPU (interrupts) or object id */
	unsigned int owner_ctx;
	int actor;
	unsigned int actor_ctx;
	unsigned int kind;		/* enum lt_kind */
	unsigned int denied;
	unsigned long long owner_stack;	/* key in stacks; 0: unknown */
	unsigned int owner_known;	/* the acquire was seen */
	unsigned long long owner_since_ns;
	char owner_comm[LT_COMM_LEN];
	int stack_sz;			/* bytes in stack[], < 0: error */
	unsigned int pad;
	char owner_name[LT_OWNER_NAME_LEN];	/* objects only */
	char actor_name[LT_OWNER_NAME_LEN];
	unsigned long long stack[LT_MAX_STACK];
};

/*
 * Value of the held-pages table, keyed by struct page *: 48 bytes.  An
 * object owner's name is in the owners table, under lt_owner_key().
 */
struct lt_held {
	unsigned long long since_ns;	/* CLOCK_MONOTONIC at acquire or transfer */
	unsigned long long stack;	/* key in stacks; 0: unknown */
	unsigned int gfp;		/* gfp_t */
	int owner;
	unsigned short ctx;
	unsigned short order;
	char comm[LT_COMM_LEN];
};

/*
 * What happened to one owner's pages while labytrace ran, in the owners
 * table under lt_owner_key().  Acquisitions, releases and transfers are
 * counted whatever the filters (as the totals are), violations and hold
 * times as the filters say (as the violations and hold tables).
 */
struct lt_owner {
	char name[LT_OWNER_NAME_LEN];	/* object: its name; task: a comm */
	unsigned long long acquired;
	unsigned long long released;	/* release or free by anyone */
	unsigned long long xfer_in;
	unsigned long long xfer_out;
	unsigned long long violations[LT_NR_KINDS];	/* on its pages */
	struct lt_hist hold;
};

/* Failures are counted per stack, gfp flags, order and context. */
struct lt_fail_key {
	unsigned long long stack;	/* key in stacks */
	unsigned int gfp;
	unsigned short order;
	unsigned short ctx;
};

/*
 * Violations are counted per kind, owner, actor and both stacks: what an
 * operator needs to find the culprit, however many there are.  No padding,
 * so that two keys that read alike are alike.
 */
struct lt_viol_key {
	unsigned long long actor_stack;	/* key in stacks; 0: not kept */
	unsigned long long owner_stack;	/* key in stacks; 0: unknown */
	int owner;			/* as in struct lt_event */
	int actor;
	unsigned char owner_ctx;
	unsigned char actor_ctx;
	unsigned char kind;		/* enum lt_kind */
	unsigned char denied;
	unsigned int order;
};

struct lt_viol_val {
	unsigned long long count;
	char actor_comm[LT_COMM_LEN];	/* a task actor's, when first seen */
};

/* A kernel stack, innermost frame first; zeros after the last frame. */
struct lt_stack {
	unsigned long long ip[LT_MAX_STACK];
};

/* Start of an allocation, for fentry/fexit latency on stock kernels. */
struct lt_start {
	unsigned long long ts_ns;
	unsigned long long gfp;
	unsigned int order;
	unsigned int ctx;
};

/*
 * The key of a stack in the stacks table: FNV-1a over its frames, never 0
 * (0 is "no stack").  Two stacks with one key are told apart by comparing
 * them, and the second is not kept.
 */
__LT_INLINE unsigned long long lt_stack_key_step(unsigned long long h,
						 unsigned long long ip)
{
	return (h ^ ip) * 0x100000001b3ULL;
}

#define LT_STACK_KEY_SEED 0xcbf29ce484222325ULL

/* An owner's key: its kind (enum lt_ctx) and id (tgid, CPU, object id). */
__LT_INLINE unsigned long long lt_owner_key(unsigned int kind, int id)
{
	return (unsigned long long)kind << 32 | (unsigned int)id;
}

__LT_INLINE unsigned int lt_owner_kind(unsigned long long key)
{
	return key >> 32;
}

__LT_INLINE int lt_owner_id(unsigned long long key)
{
	return (int)(unsigned int)key;
}

__LT_INLINE unsigned int lt_order_slot(unsigned int order)
{
	return order < LT_NR_ORDERS - 1 ? order : LT_NR_ORDERS - 1;
}

__LT_INLINE unsigned int lt_key(unsigned int order, unsigned int cls,
				unsigned int excl, unsigned int ctx)
{
	return ((lt_order_slot(order) * LT_NR_CLASSES + cls) * 2 + !!excl) *
	       LT_NR_CTX + ctx;
}

/*
 * The counts key: a failure with __GFP_NOWARN was expected by its caller,
 * which has a fallback (THP, kvmalloc, memcg charges on stock kernels).
 */
__LT_INLINE unsigned int lt_count_key(unsigned int key, unsigned int nowarn)
{
	return key * 2 + !!nowarn;
}

__LT_INLINE void lt_key_split(unsigned int key, unsigned int *order,
			      unsigned int *cls, unsigned int *excl,
			      unsigned int *ctx)
{
	*ctx = key % LT_NR_CTX;
	key /= LT_NR_CTX;
	*excl = key % 2;
	key /= 2;
	*cls = key % LT_NR_CLASSES;
	*order = key / LT_NR_CLASSES;
}

__LT_INLINE unsigned int lt_gfp_class(unsigned long long gfp,
				      unsigned long long direct_reclaim,
				      unsigned long long high)
{
	if (gfp & direct_reclaim)
		return LT_MAYSLEEP;
	return (gfp & high) ? LT_ATOMIC : LT_NOWAIT;
}

/* floor(log2(v)) for v > 0, without loops (the verifier likes it short). */
__LT_INLINE unsigned int lt_log2(unsigned long long v)
{
	unsigned int r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* The bucket of @ns: the smallest i with ns <= 2^i, clamped. */
__LT_INLINE unsigned int lt_slot(unsigned long long ns)
{
	unsigned int slot;

	if (ns <= 1)
		return 0;
	slot = lt_log2(ns - 1) + 1;
	return slot < LT_NR_SLOTS ? slot : LT_NR_SLOTS - 1;
}

#endif /* __LABYTRACE_H */
