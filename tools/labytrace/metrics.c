// SPDX-License-Identifier: GPL-2.0
/* labytrace's metric families, from a snapshot of cumulative counts. */
#include "gfp.h"
#include "hist.h"
#include "metrics.h"

static const unsigned int les[METRICS_NR_LES] = {
	8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34,
};

/* The labels of a (order, class, exclusive, context) key; @order is storage. */
static void key_labels(const struct out_ctx *c, unsigned int key,
		       struct expo_labels *l, char *order, size_t len)
{
	unsigned int o, cls, excl, ctx;

	lt_key_split(key, &o, &cls, &excl, &ctx);
	snprintf(order, len, "%u", o);
	l->n = 0;
	expo_label(l, "order", order);
	expo_label(l, "class", gfp_class_name(cls));
	expo_label(l, "exclusive", excl ? "true" : "false");
	expo_label(l, "context", ctx_name(c, ctx));
}

static void latency(struct expo *e, const struct out_ctx *c,
		    const struct lt_snapshot *s)
{
	struct expo_labels l;
	unsigned int key;
	char order[8];

	expo_family(e, "labytrace_page_alloc_latency_seconds", EXPO_HISTOGRAM,
		    "seconds", "Page allocation latency (order 11 counts all orders above 10).");
	for (key = 0; key < LT_NR_KEYS; key++) {
		if (!hist_count(&s->latency[key]))
			continue;
		key_labels(c, key, &l, order, sizeof(order));
		expo_histogram(e, &l, &s->latency[key], les, METRICS_NR_LES);
	}
}

/*
 * Allocations or failures by key and nowarn.  A series appears with its
 * first allocation (with --no-rates, its first failure) and stays, so
 * that rate() sees every failure.
 */
static void counts(struct expo *e, const struct out_ctx *c,
		   const struct lt_snapshot *s, bool fails)
{
	struct expo_labels l;
	unsigned int ckey;
	char order[8];

	for (ckey = 0; ckey < LT_NR_COUNTS; ckey++) {
		if (!s->counts[ckey].allocs && !s->counts[ckey].fails)
			continue;
		key_labels(c, ckey / 2, &l, order, sizeof(order));
		expo_label(&l, "nowarn", ckey % 2 ? "true" : "false");
		expo_value(e, &l, fails ? s->counts[ckey].fails : s->counts[ckey].allocs);
	}
}

static void failures(struct expo *e, const struct out_ctx *c,
		     const struct lt_snapshot *s)
{
	if (!c->no_rates) {
		expo_family(e, "labytrace_page_allocs", EXPO_COUNTER, NULL,
			    "Page allocations seen (nowarn: with __GFP_NOWARN).");
		counts(e, c, s, false);
	}
	expo_family(e, "labytrace_page_alloc_failures", EXPO_COUNTER, NULL,
		    "Page allocations that failed (nowarn: expected by the caller, "
		    "with __GFP_NOWARN).");
	counts(e, c, s, true);
}

static void value1(struct expo *e, const char *name, enum expo_type type,
		   const char *help, unsigned long long v)
{
	expo_family(e, name, type, NULL, help);
	expo_value(e, NULL, v);
}

static void violations(struct expo *e, const struct out_ctx *c,
		       const struct lt_snapshot *s)
{
	struct out_ctx known = *c;
	struct expo_labels l;
	unsigned int i, d;

	expo_family(e, "labytrace_exclusive_violations", EXPO_COUNTER, NULL,
		    "__GFP_EXCLUSIVE ownership violations, by kind and whether refused.");
	for (i = 0; i < LT_NR_KINDS; i++) {
		for (d = 0; d < 2; d++) {
			l.n = 0;
			expo_label(&l, "kind", kind_name(i));
			expo_label(&l, "denied", d ? "true" : "false");
			expo_value(e, &l, s->violations[i][d]);
		}
	}
	value1(e, "labytrace_exclusive_acquired", EXPO_COUNTER,
	       "Exclusive allocations.", s->stats[LT_STAT_ACQUIRE]);
	value1(e, "labytrace_exclusive_released", EXPO_COUNTER,
	       "Ends of ownership (release or free).", s->stats[LT_STAT_RELEASE]);
	value1(e, "labytrace_exclusive_transferred", EXPO_COUNTER,
	       "Ownership transfers.", s->stats[LT_STAT_TRANSFER]);
	value1(e, "labytrace_exclusive_held_pages", EXPO_GAUGE,
	       "Exclusive allocations owned now (acquired while labytrace ran).",
	       s->held_now);
	value1(e, "labytrace_exclusive_held_over_threshold_pages", EXPO_GAUGE,
	       "Exclusive allocations held longer than --held-over.", s->held_over);
	/* The kernel names the owner's context: always known. */
	known.ctx_known = true;
	expo_family(e, "labytrace_exclusive_hold_seconds", EXPO_HISTOGRAM, "seconds",
		    "How long exclusive pages were owned, by the owner's kind.");
	for (i = 0; i < LT_NR_OWNER_CTX; i++) {
		l.n = 0;
		expo_label(&l, "context", ctx_name(&known, i));
		expo_histogram(e, &l, &s->hold[i], les, METRICS_NR_LES);
	}
}

/* The labels of an exported owner: its name (a task's without comm), and kind. */
static void owner_labels(const struct owner_row *r, struct expo_labels *l,
			 char *name, size_t len)
{
	owner_metric_label(r, name, len);
	l->n = 0;
	expo_label(l, "owner", name);
	expo_label(l, "owner_kind", r->other ? "other" :
		   owner_kind_name(lt_owner_kind(r->key)));
}

enum owner_value {
	OV_HELD, OV_HELD_PAGES, OV_ACQUIRED, OV_RELEASED, OV_IN, OV_OUT,
};

static unsigned long long owner_value(const struct owner_row *r,
				      enum owner_value v)
{
	switch (v) {
	case OV_HELD: return r->held;
	case OV_HELD_PAGES: return r->held_pages;
	case OV_ACQUIRED: return r->o.acquired;
	case OV_RELEASED: return r->o.released;
	case OV_IN: return r->o.xfer_in;
	case OV_OUT: return r->o.xfer_out;
	}
	return 0;
}

/*
 * A task's comm, out of its owner label (a comm changes, or is learnt from
 * /proc an interval late, and would split the series): an info series.
 */
static void owner_info(struct expo *e, const struct owner_row *const *rows,
		       unsigned int n)
{
	char name[96], comm[LT_OWNER_NAME_LEN + 1];
	struct expo_labels l;
	unsigned int i;

	expo_family(e, "labytrace_owner_info", EXPO_GAUGE, NULL,
		    "1 for each task owner with a known comm: its name.");
	for (i = 0; i < n; i++) {
		if (rows[i]->other || lt_owner_kind(rows[i]->key) != LT_TASK ||
		    !rows[i]->o.name[0])
			continue;
		owner_labels(rows[i], &l, name, sizeof(name));
		owner_safe_name(rows[i]->o.name, comm);
		expo_label(&l, "comm", comm);
		expo_value(e, &l, 1);
	}
}

/*
 * Per owner: those in the exported set (owners_export_new(): the first
 * METRICS_MAX_OWNERS ranked, for the whole run), in view order, then
 * "other" for every owner not in it, once there is one.  An owner never
 * moves between the two, so each counter only grows.
 */
static void owners(struct expo *e, const struct lt_snapshot *s)
{
	static const struct {
		const char *name, *help;
		enum expo_type type;
		enum owner_value v;
	} fams[] = {
		{ "labytrace_owner_held", "Exclusive allocations the owner holds now.",
		  EXPO_GAUGE, OV_HELD },
		{ "labytrace_owner_held_pages", "Pages in the allocations the owner holds now.",
		  EXPO_GAUGE, OV_HELD_PAGES },
		{ "labytrace_owner_acquired", "Exclusive allocations the owner acquired.",
		  EXPO_COUNTER, OV_ACQUIRED },
		{ "labytrace_owner_released",
		  "Ends of the owner's ownership (release, or free by anyone).",
		  EXPO_COUNTER, OV_RELEASED },
		{ "labytrace_owner_transferred_in", "Allocations transferred to the owner.",
		  EXPO_COUNTER, OV_IN },
		{ "labytrace_owner_transferred_out", "Allocations the owner transferred away.",
		  EXPO_COUNTER, OV_OUT },
	};
	const struct owner_row *rows[METRICS_MAX_OWNERS + 1];
	const struct owner_table *t = s->owners;
	struct owner_row other;
	unsigned int n, i, f, k;
	struct expo_labels l;
	char name[96];

	if (!t)
		return;
	for (i = n = 0; i < t->n && n < METRICS_MAX_OWNERS; i++)
		if (owners_at(t, i)->exported)
			rows[n++] = owners_at(t, i);
	if (owners_unexported(t, &other))
		rows[n++] = &other;
	for (f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		expo_family(e, fams[f].name, fams[f].type, NULL, fams[f].help);
		for (i = 0; i < n; i++) {
			owner_labels(rows[i], &l, name, sizeof(name));
			expo_value(e, &l, owner_value(rows[i], fams[f].v));
		}
	}
	expo_family(e, "labytrace_owner_violations", EXPO_COUNTER, NULL,
		    "Violations on the owner's pages, by kind.");
	for (i = 0; i < n; i++) {
		for (k = 0; k < LT_NR_KINDS; k++) {
			owner_labels(rows[i], &l, name, sizeof(name));
			expo_label(&l, "kind", kind_name(k));
			expo_value(e, &l, rows[i]->o.violations[k]);
		}
	}
	expo_family(e, "labytrace_owner_hold_seconds", EXPO_HISTOGRAM, "seconds",
		    "How long the owner held the pages it let go of.");
	for (i = 0; i < n; i++) {
		owner_labels(rows[i], &l, name, sizeof(name));
		expo_histogram(e, &l, &rows[i]->o.hold, les, METRICS_NR_LES);
	}
	owner_info(e, rows, n);
}

/*
 * page_pools: the first POOLS_EXPORTED seen by id (pool="12"), for the
 * whole run, then pool="other" for every other, so the series stay bounded
 * and no counter goes back; a pool's device, which can change (a netdev
 * unregistered hands its pools to lo), in an info series.
 */
static void pools(struct expo *e, const struct lt_snapshot *s)
{
	const struct pool_table *t = s->pools;
	struct expo_labels l;
	unsigned int i, f;
	char id[16];
	static const struct {
		const char *name, *help;
		enum expo_type type;
	} fams[] = {
		{ "labytrace_pool_inflight_pages",
		  "Pages the page_pool has out (taken from the page allocator, not given back).",
		  EXPO_GAUGE },
		{ "labytrace_pool_taken_pages",
		  "Pages the page_pool took from the page allocator since labytrace saw it.",
		  EXPO_COUNTER },
		{ "labytrace_pool_returned_pages",
		  "Pages the page_pool gave back to the page allocator since labytrace saw it.",
		  EXPO_COUNTER },
		{ "labytrace_pool_destroyed",
		  "1 while a destroyed page_pool waits for its pages (stalled if it stays).",
		  EXPO_GAUGE },
	};

	if (!t)
		return;
	for (f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		expo_family(e, fams[f].name, fams[f].type, NULL, fams[f].help);
		for (i = 0; i < t->n; i++) {
			const struct pool_row *r = &t->rows[i];
			unsigned long long v = f == 0 ? (unsigned long long)r->inflight :
					       f == 1 ? r->holds : f == 2 ? r->releases :
					       r->destroyed && !r->gone;

			if (!r->exported)
				continue;
			l.n = 0;
			expo_label(&l, "pool", pool_label(r, id, sizeof(id)));
			expo_value(e, &l, v);
		}
		if (t->n > t->nr_exported) {
			l.n = 0;
			expo_label(&l, "pool", "other");
			expo_value(e, &l, f == 0 ? (unsigned long long)pools_other_inflight(t) :
				   f == 1 ? t->other_holds : f == 2 ? t->other_releases : 0);
		}
	}
	expo_family(e, "labytrace_pool_info", EXPO_GAUGE, NULL,
		    "1 for each page_pool exported: its device (netdev, or struct device).");
	for (i = 0; i < t->n; i++) {
		if (!t->rows[i].exported || !t->rows[i].dev[0])
			continue;
		l.n = 0;
		expo_label(&l, "pool", pool_label(&t->rows[i], id, sizeof(id)));
		expo_label(&l, "dev", t->rows[i].dev);
		expo_value(e, &l, 1);
	}
}

struct reason {
	const char *reason;
	int stat;
};

static void by_reason(struct expo *e, const struct lt_snapshot *s,
		      const struct reason *r, unsigned int n)
{
	struct expo_labels l;
	unsigned int i;

	for (i = 0; i < n; i++) {
		l.n = 0;
		expo_label(&l, "reason", r[i].reason);
		expo_value(e, &l, s->stats[r[i].stat]);
	}
}

/* The reasons of the NDJSON "lost" and "dropped" objects, and no other. */
static void lost(struct expo *e, const struct lt_snapshot *s)
{
	static const struct reason lost_reasons[] = {
		{ "latency_unmatched", LT_STAT_LAT_UNMATCHED },
		{ "latency_table_full", LT_STAT_LAT_START_FULL },
		{ "acquire_untracked", LT_STAT_ACQUIRE_UNTRACKED },
		{ "stack_unrecorded", LT_STAT_STACK_UNRECORDED },
		{ "failure_unaggregated", LT_STAT_FAIL_UNAGGREGATED },
		{ "violation_unaggregated", LT_STAT_VIOL_UNAGGREGATED },
		{ "owner_untracked", LT_STAT_OWNER_UNTRACKED },
	}, dropped_reasons[] = {
		{ "ringbuf_full_failure", LT_STAT_RB_FULL_FAILURE },
		{ "ringbuf_full_violation", LT_STAT_RB_FULL_VIOLATION },
	};
	struct expo_labels l = {};

	expo_family(e, "labytrace_lost_events", EXPO_COUNTER, NULL,
		    "Events labytrace could not count, or not count by stack, by reason.");
	by_reason(e, s, lost_reasons, sizeof(lost_reasons) / sizeof(lost_reasons[0]));
	expo_label(&l, "reason", "bpf_recursion_misses");
	expo_value(e, &l, s->bpf_misses);
	expo_family(e, "labytrace_dropped_records", EXPO_COUNTER, NULL,
		    "Failure and violation records the ring buffer had no room for; "
		    "their events are counted.");
	by_reason(e, s, dropped_reasons,
		  sizeof(dropped_reasons) / sizeof(dropped_reasons[0]));
}

/*
 * When the counts were read, to the millisecond: a textfile no longer
 * replaced (labytrace gone, a full disk) still serves its last values, and
 * time() minus this says how old they are.
 */
static void last_update(struct expo *e, const struct out_ctx *c,
			const struct lt_snapshot *s)
{
	long long real = (long long)s->ts_ns + c->mono_to_real_ns;

	expo_family(e, "labytrace_last_update_timestamp_seconds", EXPO_GAUGE, "seconds",
		    "When labytrace last read the kernel's counts, in seconds since the epoch.");
	expo_value_seconds(e, NULL, real > 0 ? (unsigned long long)real / 1000000 * 1000000 : 0);
}

int metrics_write(FILE *f, enum expo_format fmt, const struct out_ctx *c,
		  const struct lt_snapshot *cum)
{
	struct expo e;

	expo_begin(&e, f, fmt);
	last_update(&e, c, cum);
	if (c->have_latency)
		latency(&e, c, cum);
	if (c->have_failures)
		failures(&e, c, cum);
	if (c->have_violations) {
		violations(&e, c, cum);
		owners(&e, cum);
	}
	if (c->have_pools)
		pools(&e, cum);
	lost(&e, cum);
	return expo_end(&e);
}
