// SPDX-License-Identifier: GPL-2.0
/* Interval deltas of cumulative counters, and naming. */
#include "test.h"
#include "hist.h"
#include "stats.h"

static void test_delta_sums_to_total(void **state)
{
	struct lt_snapshot *a = calloc(3, sizeof(*a)), *b = a + 1, *d = a + 2;
	struct lt_snapshot *sum = calloc(1, sizeof(*sum));
	unsigned int k = lt_key(0, LT_ATOMIC, 0, LT_TASK);

	/* counts only grow in the kernel; deltas add back up to the total */
	a->counts[k].allocs = 100;
	a->counts[k].fails = 1;
	a->stats[LT_STAT_RB_FULL_FAILURE] = 2;
	a->bpf_misses = 1;
	*b = *a;
	b->counts[k].allocs = 250;
	b->counts[k].fails = 4;
	b->violations[LT_KIND_MAP][1] = 3;
	b->stats[LT_STAT_RB_FULL_FAILURE] = 5;
	b->held_now = 7;
	b->ts_ns = 99;

	snapshot_delta(a, sum, d);	/* first interval: from zero */
	assert_int_equal(snapshot_allocs(d), 100);
	snapshot_delta(b, a, d);
	assert_int_equal(snapshot_allocs(d), 150);
	assert_int_equal(snapshot_fails(d), 3);
	assert_int_equal(d->violations[LT_KIND_MAP][1], 3);
	assert_int_equal(d->stats[LT_STAT_RB_FULL_FAILURE], 3);
	assert_int_equal(d->bpf_misses, 0);
	/* a record dropped is not an event lost */
	assert_int_equal(snapshot_lost(d), 0);
	assert_int_equal(snapshot_dropped(d), 3);
	assert_int_equal(snapshot_lost(b), 1);
	assert_int_equal(snapshot_dropped(b), 5);
	/* gauges are not differences */
	assert_int_equal(d->held_now, 7);
	assert_int_equal(d->ts_ns, 99);
	/* a counter that went backwards (map recreated) is not negative */
	snapshot_delta(a, b, d);
	assert_int_equal(snapshot_allocs(d), 0);
	free(a);
	free(sum);
}

/* A program's recursion miss is an event it did not see: lost, and said. */
static void test_lost_misses(void **state)
{
	struct lt_snapshot *a = calloc(3, sizeof(*a)), *b = a + 1, *d = a + 2;

	a->bpf_misses = 1046;
	*b = *a;
	assert_int_equal(snapshot_lost(b), 1046);
	b->bpf_misses = 1049;
	b->stats[LT_STAT_LAT_UNMATCHED] = 2;
	assert_int_equal(snapshot_lost(b), 1051);
	snapshot_delta(b, a, d);
	assert_int_equal(d->bpf_misses, 3);
	assert_int_equal(snapshot_lost(d), 5);
	free(a);
}

#define CK(order, cls, excl, ctx, nowarn) \
	lt_count_key(lt_key(order, cls, excl, ctx), nowarn)

/*
 * One row per order, class, exclusive, context and NOWARN, most failures
 * first; the NOWARN failures (expected by their callers) counted apart.
 */
static void test_fail_rows(void **state)
{
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct fail_row r[8];
	int n;

	s->counts[CK(0, LT_ATOMIC, 0, LT_SOFTIRQ, 0)] = (struct lt_count){ 10, 1 };
	s->counts[CK(3, LT_ATOMIC, 0, LT_SOFTIRQ, 0)] = (struct lt_count){ 5, 2 };
	s->counts[CK(0, LT_ATOMIC, 1, LT_SOFTIRQ, 0)] = (struct lt_count){ 1, 0 };
	s->counts[CK(3, LT_MAYSLEEP, 0, LT_TASK, 1)] = (struct lt_count){ 58, 58 };
	n = snapshot_fail_rows(s, r, 8);
	assert_int_equal(n, 4);
	assert_true(r[0].order == 3 && r[0].cls == LT_MAYSLEEP && r[0].nowarn &&
		    r[0].ctx == LT_TASK && r[0].allocs == 58 && r[0].fails == 58);
	assert_true(r[1].order == 3 && r[1].cls == LT_ATOMIC && !r[1].nowarn &&
		    !r[1].excl && r[1].ctx == LT_SOFTIRQ && r[1].allocs == 5 &&
		    r[1].fails == 2);
	assert_true(r[2].order == 0 && !r[2].excl && r[2].allocs == 10 && r[2].fails == 1);
	assert_true(r[3].order == 0 && r[3].excl && r[3].allocs == 1 && r[3].fails == 0);
	assert_int_equal(snapshot_allocs(s), 74);
	assert_int_equal(snapshot_fails(s), 61);
	assert_int_equal(snapshot_fails_nowarn(s), 58);
	/* a short array is not overrun */
	assert_int_equal(snapshot_fail_rows(s, r, 1), 1);
	free(s);
}

/* Failures by stack: what grew in the interval, keys in any order. */
static void test_fail_stacks_delta(void **state)
{
	struct lt_snapshot *a = calloc(3, sizeof(*a)), *b = a + 1, *d = a + 2;
	unsigned int idx[4];

	a->fail_stacks[0] = (struct fail_stack){ { .stack = 9, .gfp = 1 }, 5 };
	a->fail_stacks[1] = (struct fail_stack){ { .stack = 2, .gfp = 1 }, 7 };
	a->nr_fail_stacks = 2;
	fail_stacks_sort(a->fail_stacks, 2);
	*b = *a;
	b->fail_stacks[2] = (struct fail_stack){ { .stack = 2, .gfp = 1, .order = 3 }, 4 };
	b->fail_stacks[3] = (struct fail_stack){ { .stack = 5, .gfp = 1 }, 1 };
	b->nr_fail_stacks = 4;
	b->fail_stacks[1].count = 6;	/* stack 9, key order: 2, 9, ... */
	fail_stacks_sort(b->fail_stacks, 4);

	snapshot_delta(b, a, d);
	/* stack 2/order 0 did not grow; 9 grew by 1; two are new */
	assert_int_equal(d->nr_fail_stacks, 3);
	assert_int_equal(fail_stacks_top(d, idx), 3);
	assert_true(d->fail_stacks[idx[0]].k.order == 3 && d->fail_stacks[idx[0]].count == 4);
	assert_true(d->fail_stacks[idx[1]].k.stack == 5 && d->fail_stacks[idx[1]].count == 1);
	assert_true(d->fail_stacks[idx[2]].k.stack == 9 && d->fail_stacks[idx[2]].count == 1);
	/* the first interval: everything */
	memset(a, 0, sizeof(*a));
	snapshot_delta(b, a, d);
	assert_int_equal(d->nr_fail_stacks, 4);
	free(a);
}

/* Violations by stack: the same, with their actor's comm kept. */
static void test_viol_stacks_delta(void **state)
{
	struct lt_snapshot *a = calloc(3, sizeof(*a)), *b = a + 1, *d = a + 2;
	unsigned int idx[3];

	a->viol_stacks[0] = (struct viol_stack){ { .actor_stack = 5, .kind = 2 }, { 10, "curl" } };
	a->viol_stacks[1] = (struct viol_stack){ { .actor_stack = 1, .actor = 9 }, { 2, "" } };
	a->nr_viol_stacks = 2;
	viol_stacks_sort(a->viol_stacks, 2);
	*b = *a;
	b->viol_stacks[2] = (struct viol_stack){ { .actor_stack = 5, .kind = 3 }, { 1, "" } };
	b->nr_viol_stacks = 3;
	viol_stacks_sort(b->viol_stacks, 3);
	for (unsigned int i = 0; i < 3; i++)
		if (b->viol_stacks[i].k.kind == 2)
			b->viol_stacks[i].v.count = 5843;

	snapshot_delta(b, a, d);
	assert_int_equal(d->nr_viol_stacks, 2);
	assert_int_equal(viol_stacks_top(d, idx), 2);
	assert_true(d->viol_stacks[idx[0]].k.kind == 2 &&
		    d->viol_stacks[idx[0]].v.count == 5833 &&
		    !strcmp(d->viol_stacks[idx[0]].v.actor_comm, "curl"));
	assert_true(d->viol_stacks[idx[1]].k.kind == 3 && d->viol_stacks[idx[1]].v.count == 1);
	free(a);
}

/* What the BPF side writes: every frame, zeros after the last. */
static void test_event_stack_depth(void **state)
{
	struct lt_event e = { .stack = { 1, 2, 3 } };

	e.stack_sz = sizeof(e.stack);
	assert_int_equal(event_stack_depth(&e), 3);
	e.stack_sz = 2 * sizeof(e.stack[0]);
	assert_int_equal(event_stack_depth(&e), 2);
	e.stack_sz = -14;
	assert_int_equal(event_stack_depth(&e), 0);
	e.stack_sz = 2 * sizeof(e.stack);
	e.stack[LT_MAX_STACK - 1] = 9;
	assert_int_equal(event_stack_depth(&e), LT_MAX_STACK);
}

static void test_held_sort(void **state)
{
	struct held_page v[4] = {
		{ .page = 1, .age_ns = 5 }, { .page = 2, .age_ns = 50 },
		{ .page = 3, .age_ns = 7 }, { .page = 0, .age_ns = 50 },
	};

	held_sort(v, 4);
	assert_int_equal(v[0].page, 0);
	assert_int_equal(v[1].page, 2);
	assert_int_equal(v[2].page, 3);
	assert_int_equal(v[3].page, 1);
}

static void test_names(void **state)
{
	struct out_ctx known = { .ctx_known = true }, unknown = {};
	char buf[8];

	assert_string_equal(ctx_name(&known, LT_HARDIRQ), "hardirq");
	assert_string_equal(ctx_name(&unknown, LT_HARDIRQ), "unknown");
	assert_string_equal(ctx_name(NULL, LT_NMI), "nmi");
	assert_string_equal(ctx_name(&known, 9), "?");
	assert_int_equal(ctx_parse("SoftIRQ"), LT_SOFTIRQ);
	assert_int_equal(ctx_parse("irq"), -1);
	assert_string_equal(kind_name(LT_KIND_TRANSFER), "transfer");
	assert_string_equal(kind_name(LT_NR_KINDS), "?");
	assert_string_equal(order_label(3, buf, sizeof(buf)), "3");
	assert_string_equal(order_label(LT_NR_ORDERS - 1, buf, sizeof(buf)), ">10");
}

static void test_time(void **state)
{
	struct out_ctx c = { .mono_to_real_ns = 1700000000LL * 1000000000LL };
	char buf[40];

	fmt_time(&c, 1234567890ULL, buf, sizeof(buf));
	assert_string_equal(buf, "2023-11-14T22:13:21.234Z");
	assert_true(real_seconds(&c, 500000000ULL) == 1700000000.5);
	/* the text views' clock says UTC too */
	fmt_clock(&c, 1234567890ULL, buf, sizeof(buf));
	assert_string_equal(buf, "22:13:21.234Z");
	c.mono_to_real_ns = -2000000000LL;
	fmt_clock(&c, 1000000000ULL, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

/* ring_buffer__poll() takes an int of ms: a long -i must not wrap negative. */
static void test_poll_timeout(void **state)
{
	assert_int_equal(poll_timeout_ms(0), 0);
	assert_int_equal(poll_timeout_ms(1), 1);
	assert_int_equal(poll_timeout_ms(1000000), 1);
	assert_int_equal(poll_timeout_ms(1000001), 2);
	assert_int_equal(poll_timeout_ms(2147483647ULL * 1000000), 2147483647);
	/* -i 720h: 2.6e9 ms */
	assert_int_equal(poll_timeout_ms(720ULL * 3600 * 1000000000), 2147483647);
	assert_int_equal(poll_timeout_ms(~0ULL), 2147483647);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta_sums_to_total),
		cmocka_unit_test(test_lost_misses),
		cmocka_unit_test(test_fail_rows),
		cmocka_unit_test(test_fail_stacks_delta),
		cmocka_unit_test(test_viol_stacks_delta),
		cmocka_unit_test(test_event_stack_depth),
		cmocka_unit_test(test_held_sort),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_poll_timeout),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
