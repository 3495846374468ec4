// SPDX-License-Identifier: GPL-2.0
/* Snapshots, deltas and names shared by all output formats. */
#include <limits.h>
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

void fail_stacks_sort(struct fail_stack *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_fail_stack);
}

/* The stacks that grew from @prev to @cur (both sorted), by how much. */
static void fail_stacks_delta(const struct lt_snapshot *cur,
			      const struct lt_snapshot *prev,
			      struct lt_snapshot *out)
{
	unsigned int i, j = 0, n = 0;
	unsigned long long before;
	int c = 1;

	for (i = 0; i < cur->nr_fail_stacks; i++) {
		const struct fail_stack *fs = &cur->fail_stacks[i];

		while (j < prev->nr_fail_stacks &&
		       (c = cmp_fail_key(&prev->fail_stacks[j].k, &fs->k)) < 0)
			j++;
		before = j < prev->nr_fail_stacks && !c ? prev->fail_stacks[j].count : 0;
		if (fs->count > before) {
			out->fail_stacks[n] = *fs;
			out->fail_stacks[n++].count = fs->count - before;
		}
	}
	out->nr_fail_stacks = n;
}

static int cmp_top(const void *a, const void *b, void *arg)
{
	const struct lt_snapshot *s = arg;
	const struct fail_stack *x = &s->fail_stacks[*(const unsigned int *)a];
	const struct fail_stack *y = &s->fail_stacks[*(const unsigned int *)b];

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return cmp_fail_key(&x->k, &y->k);
}

unsigned int fail_stacks_top(const struct lt_snapshot *s, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < s->nr_fail_stacks; i++)
		idx[i] = i;
	qsort_r(idx, s->nr_fail_stacks, sizeof(*idx), cmp_top, (void *)s);
	return s->nr_fail_stacks;
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
	out->bpf_misses_copies = sub(cur->bpf_misses_copies, prev->bpf_misses_copies);
	fail_stacks_delta(cur, prev, out);
	out->held_now = cur->held_now;
	out->held_over = cur->held_over;
	out->held_ts_ns = cur->held_ts_ns;
	out->owners = cur->owners;
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
	return s->stats[LT_STAT_RB_FULL_FAILURE] +
	       s->stats[LT_STAT_RB_FULL_VIOLATION] +
	       s->stats[LT_STAT_LAT_UNMATCHED] +
	       s->stats[LT_STAT_LAT_START_FULL] +
	       s->stats[LT_STAT_ACQUIRE_UNTRACKED] +
	       s->stats[LT_STAT_STACK_UNRECORDED] +
	       s->stats[LT_STAT_FAIL_UNAGGREGATED] +
	       s->stats[LT_STAT_OWNER_UNTRACKED] + s->bpf_misses;
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
