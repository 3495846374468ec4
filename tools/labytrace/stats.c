// SPDX-License-Identifier: GPL-2.0
/* Snapshots, deltas and names shared by all output formats. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hist.h"
#include "stats.h"

static unsigned long long sub(unsigned long long a, unsigned long long b)
{
	return a > b ? a - b : 0;
}

static int cmp_fail_key(const struct lt_fail_key *x, const struct lt_fail_key *y)
{
	if (x->stack != y->stack)
		return x->stack < y->stack ? -1 : 1;
	if (x->gfp != y->gfp)
		return x->gfp < y->gfp ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (int)x->ctx - (int)y->ctx;
}

static int cmp_fail_stack(const void *a, const void *b)
{
	return cmp_fail_key(&((const struct fail_stack *)a)->k,
			    &((const struct fail_stack *)b)->k);
}

/* Keys without padding: any total order will do. */
static int cmp_viol_stack(const void *a, const void *b)
{
	return memcmp(&((const struct viol_stack *)a)->k,
		      &((const struct viol_stack *)b)->k, sizeof(struct lt_viol_key));
}

/* A table of counts by key: failures or violations by stack. */
struct counted {
	size_t size;			/* of an entry */
	size_t count_off;		/* of its count, an unsigned long long */
	int (*cmp)(const void *, const void *);	/* by key */
};

static const struct counted fail_table = {
	sizeof(struct fail_stack), offsetof(struct fail_stack, count),
	cmp_fail_stack,
};

static const struct counted viol_table = {
	sizeof(struct viol_stack), offsetof(struct viol_stack, v.count),
	cmp_viol_stack,
};

static const void *entry_at(const struct counted *t, const void *v,
			    unsigned int i)
{
	return (const char *)v + i * t->size;
}

static unsigned long long count_of(const struct counted *t, const void *e)
{
	return *(const unsigned long long *)((const char *)e + t->count_off);
}

/*
 * The entries of @cur that grew since @prev (both sorted by key), by how
 * much, into @out; returns how many.
 */
static unsigned int counted_delta(const struct counted *t, const void *cur,
				  unsigned int ncur, const void *prev,
				  unsigned int nprev, void *out)
{
	unsigned int i, j = 0, n = 0;
	unsigned long long before;
	const void *e;
	char *o;
	int c = 1;

	for (i = 0; i < ncur; i++) {
		e = entry_at(t, cur, i);
		while (j < nprev && (c = t->cmp(entry_at(t, prev, j), e)) < 0)
			j++;
		before = j < nprev && !c ? count_of(t, entry_at(t, prev, j)) : 0;
		if (count_of(t, e) <= before)
			continue;
		o = (char *)out + n++ * t->size;
		memcpy(o, e, t->size);
		*(unsigned long long *)(o + t->count_off) = count_of(t, e) - before;
	}
	return n;
}

struct top_arg {
	const struct counted *t;
	const void *v;
};

static int cmp_top(const void *a, const void *b, void *arg)
{
	const struct top_arg *ta = arg;
	const void *x = entry_at(ta->t, ta->v, *(const unsigned int *)a);
	const void *y = entry_at(ta->t, ta->v, *(const unsigned int *)b);

	if (count_of(ta->t, x) != count_of(ta->t, y))
		return count_of(ta->t, x) > count_of(ta->t, y) ? -1 : 1;
	return ta->t->cmp(x, y);
}

/* Indexes of the @n entries of @v, most counted first. */
static unsigned int counted_top(const struct counted *t, const void *v,
				unsigned int n, unsigned int *idx)
{
	struct top_arg arg = { t, v };
	unsigned int i;

	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_top, &arg);
	return n;
}

void fail_stacks_sort(struct fail_stack *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_fail_stack);
}

unsigned int fail_stacks_top(const struct lt_snapshot *s, unsigned int *idx)
{
	return counted_top(&fail_table, s->fail_stacks, s->nr_fail_stacks, idx);
}

void viol_stacks_sort(struct viol_stack *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_viol_stack);
}

unsigned int viol_stacks_top(const struct lt_snapshot *s, unsigned int *idx)
{
	return counted_top(&viol_table, s->viol_stacks, s->nr_viol_stacks, idx);
}

int event_stack_depth(const struct lt_event *e)
{
	int n = e->stack_sz > 0 ? e->stack_sz / (int)sizeof(e->stack[0]) : 0;

	if (n > LT_MAX_STACK)
		n = LT_MAX_STACK;
	while (n && !e->stack[n - 1])
		n--;
	return n;
}

void snapshot_delta(const struct lt_snapshot *cur,
		    const struct lt_snapshot *prev, struct lt_snapshot *out)
{
	int i, j;

	out->ts_ns = cur->ts_ns;
	for (i = 0; i < LT_NR_COUNTS; i++) {
		out->counts[i].allocs = sub(cur->counts[i].allocs,
					    prev->counts[i].allocs);
		out->counts[i].fails = sub(cur->counts[i].fails,
					   prev->counts[i].fails);
	}
	for (i = 0; i < LT_NR_KEYS; i++)
		hist_delta(&cur->latency[i], &prev->latency[i], &out->latency[i]);
	for (i = 0; i < LT_NR_OWNER_CTX; i++)
		hist_delta(&cur->hold[i], &prev->hold[i], &out->hold[i]);
	for (i = 0; i < LT_NR_KINDS; i++)
		for (j = 0; j < 2; j++)
			out->violations[i][j] = sub(cur->violations[i][j],
						    prev->violations[i][j]);
	for (i = 0; i < LT_NR_STATS; i++)
		out->stats[i] = sub(cur->stats[i], prev->stats[i]);
	out->bpf_misses = sub(cur->bpf_misses, prev->bpf_misses);
	out->nr_fail_stacks = counted_delta(&fail_table, cur->fail_stacks,
					    cur->nr_fail_stacks, prev->fail_stacks,
					    prev->nr_fail_stacks, out->fail_stacks);
	out->nr_viol_stacks = counted_delta(&viol_table, cur->viol_stacks,
					    cur->nr_viol_stacks, prev->viol_stacks,
					    prev->nr_viol_stacks, out->viol_stacks);
	out->held_now = cur->held_now;
	out->held_over = cur->held_over;
	out->held_ts_ns = cur->held_ts_ns;
	out->owners = cur->owners;
	out->pools = cur->pools;
}

/* Allocations or failures over every @step-th count from @first. */
static unsigned long long count_sum(const struct lt_snapshot *s, bool fails,
				    int first, int step)
{
	unsigned long long n = 0;
	int i;

	for (i = first; i < LT_NR_COUNTS; i += step)
		n += fails ? s->counts[i].fails : s->counts[i].allocs;
	return n;
}

unsigned long long snapshot_allocs(const struct lt_snapshot *s)
{
	return count_sum(s, false, 0, 1);
}

unsigned long long snapshot_fails(const struct lt_snapshot *s)
{
	return count_sum(s, true, 0, 1);
}

/* The NOWARN counts are the odd ones: lt_count_key(). */
unsigned long long snapshot_fails_nowarn(const struct lt_snapshot *s)
{
	return count_sum(s, true, 1, 2);
}

unsigned long long snapshot_lost(const struct lt_snapshot *s)
{
	return s->stats[LT_STAT_LAT_UNMATCHED] +
	       s->stats[LT_STAT_LAT_START_FULL] +
	       s->stats[LT_STAT_ACQUIRE_UNTRACKED] +
	       s->stats[LT_STAT_STACK_UNRECORDED] +
	       s->stats[LT_STAT_FAIL_UNAGGREGATED] +
	       s->stats[LT_STAT_VIOL_UNAGGREGATED] +
	       s->stats[LT_STAT_OWNER_UNTRACKED] + s->bpf_misses;
}

unsigned long long snapshot_dropped(const struct lt_snapshot *s)
{
	return s->stats[LT_STAT_RB_FULL_FAILURE] +
	       s->stats[LT_STAT_RB_FULL_VIOLATION];
}

static unsigned int fail_row_key(const struct fail_row *r)
{
	return lt_count_key(lt_key(r->order, r->cls, r->excl, r->ctx), r->nowarn);
}

static int cmp_fail_row(const void *a, const void *b)
{
	const struct fail_row *x = a, *y = b;

	if (x->fails != y->fails)
		return x->fails > y->fails ? -1 : 1;
	if (x->allocs != y->allocs)
		return x->allocs > y->allocs ? -1 : 1;
	return (int)fail_row_key(x) - (int)fail_row_key(y);
}

int snapshot_fail_rows(const struct lt_snapshot *s, struct fail_row *out,
		       int max)
{
	unsigned int ckey;
	int n = 0;

	for (ckey = 0; ckey < LT_NR_COUNTS && n < max; ckey++) {
		const struct lt_count *c = &s->counts[ckey];
		struct fail_row *r = &out[n];

		if (!c->allocs && !c->fails)
			continue;
		lt_key_split(ckey / 2, &r->order, &r->cls, &r->excl, &r->ctx);
		r->nowarn = ckey % 2;
		r->allocs = c->allocs;
		r->fails = c->fails;
		n++;
	}
	qsort(out, n, sizeof(*out), cmp_fail_row);
	return n;
}

static int cmp_age(const void *a, const void *b)
{
	const struct held_page *x = a, *y = b;

	if (x->age_ns != y->age_ns)
		return x->age_ns > y->age_ns ? -1 : 1;
	return x->page < y->page ? -1 : x->page > y->page;
}

void held_sort(struct held_page *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_age);
}

const char *ctx_name(const struct out_ctx *c, unsigned int ctx)
{
	if (c && !c->ctx_known)
		return "unknown";
	return owner_kind_name(ctx);
}

/* Allocation contexts only: no allocation runs in an object. */
int ctx_parse(const char *s)
{
	int i;

	for (i = 0; i < LT_NR_CTX; i++)
		if (!strcasecmp(s, owner_kind_name(i)))
			return i;
	return -1;
}

const char *kind_name(unsigned int kind)
{
	static const char *const names[LT_NR_KINDS] = {
		"map", "gup", "free", "transfer", "release", "leak",
	};

	return kind < LT_NR_KINDS ? names[kind] : "?";
}

const char *order_label(unsigned int order_slot, char *buf, size_t len)
{
	if (order_slot >= LT_NR_ORDERS - 1)
		snprintf(buf, len, ">%u", LT_NR_ORDERS - 2);
	else
		snprintf(buf, len, "%u", order_slot);
	return buf;
}

double real_seconds(const struct out_ctx *c, unsigned long long mono_ns)
{
	return ((long long)mono_ns + c->mono_to_real_ns) / 1e9;
}

int fmt_time(const struct out_ctx *c, unsigned long long mono_ns, char *buf,
	     size_t len)
{
	long long real = (long long)mono_ns + c->mono_to_real_ns;
	time_t secs = real / 1000000000LL;
	struct tm tm;

	if (real < 0 || !gmtime_r(&secs, &tm))
		return snprintf(buf, len, "?");
	return snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec,
			(real % 1000000000LL) / 1000000);
}

int fmt_clock(const struct out_ctx *c, unsigned long long mono_ns, char *buf,
	      size_t len)
{
	char iso[40];

	/* "2026-11-24T06:20:01.123Z" -> "06:20:01.123Z" */
	if (fmt_time(c, mono_ns, iso, sizeof(iso)) < 12)
		return snprintf(buf, len, "?");
	return snprintf(buf, len, "%s", iso + 11);
}

int poll_timeout_ms(unsigned long long wait_ns)
{
	unsigned long long ms = wait_ns / 1000000 + !!(wait_ns % 1000000);

	return ms < INT_MAX ? (int)ms : INT_MAX;
}
