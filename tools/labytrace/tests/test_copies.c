// SPDX-License-Identifier: GPL-2.0
/*
 * lt_copy_first(): of the LT_COPIES copies of a tracepoint program, exactly
 * one handles each event, however events in interrupts nest into the
 * copies running for the events they interrupted.
 */
#include "test.h"
#include "labytrace.h"

/*
 * One event in context @lctx, with the copies in @busy (a bit each) busy
 * for the events it interrupted: how many copies handle it.
 */
static int run_event(unsigned int *after, unsigned int lctx, unsigned int busy)
{
	unsigned int copy;
	int handled = 0;

	for (copy = 0; copy < LT_COPIES; copy++)
		if (!(busy & 1U << copy))
			handled += lt_copy_first(after, copy, lctx);
	return handled;
}

static unsigned int bits(unsigned int v)
{
	return __builtin_popcount(v);
}

/*
 * Every state the rule can reach, from its start, by events that find any
 * L copies busy (a context-L event interrupts at most L events, each
 * running one copy): each event is handled exactly once.
 */
static void test_each_event_once(void **state)
{
	unsigned int lctx, s, busy, after, reached, seen;

	for (lctx = LT_TASK; lctx <= LT_HARDIRQ; lctx++) {
		reached = 1U << 0;	/* the start: after = 0 */
		do {
			seen = reached;
			for (s = 0; s < LT_COPIES; s++) {
				if (!(seen & 1U << s))
					continue;
				for (busy = 0; busy < 1U << LT_COPIES; busy++) {
					if (bits(busy) > lctx)
						continue;
					after = s;
					assert_int_equal(run_event(&after, lctx, busy), 1);
					reached |= 1U << after;
				}
			}
		} while (reached != seen);
	}
}

/*
 * The bound is tight: one more copy busy than the context allows (as an
 * NMI would find, which neither allocates nor frees pages), or one copy
 * fewer, and some sequence of events loses one.
 */
static void test_bound_is_tight(void **state)
{
	unsigned int after = 0;

	/* hardirq events: 2, 3, 4 busy, copy 1 runs last ... */
	assert_int_equal(run_event(&after, LT_HARDIRQ, 0x1c), 1);
	/* ... then 0, 1, 2 busy: copy 3 takes the event for the same one */
	assert_int_equal(run_event(&after, LT_HARDIRQ, 0x07), 0);
	/* softirq events without copy 2: copy 1 busy, then copy 0 busy */
	after = 0;
	assert_int_equal(lt_copy_first(&after, 0, LT_SOFTIRQ), 1);
	assert_int_equal(lt_copy_first(&after, 1, LT_SOFTIRQ), 0);
}

/* Copies past 2L take no part in context L, and leave its memory alone. */
static void test_bystanders(void **state)
{
	unsigned int after = 3;

	assert_int_equal(lt_copy_first(&after, 1, LT_TASK), 0);
	assert_int_equal(lt_copy_first(&after, 3, LT_SOFTIRQ), 0);
	assert_int_equal(lt_copy_first(&after, 4, LT_SOFTIRQ), 0);
	assert_int_equal(after, 3);
	/* task context: copy 0 alone, never busy, handles them all */
	for (int i = 0; i < 3; i++)
		assert_int_equal(run_event(&after, LT_TASK, 0), 1);
}

/*
 * What the kernel does, simulated on one CPU: each copy runs with its
 * "active" count held (__bpf_trace_run()), and an interrupt may arrive at
 * any point -- while a copy runs, or between two -- with an event of a
 * higher context, which in turn may be interrupted.
 */
struct cpu {
	unsigned int after[LT_NR_CTX];
	unsigned int active;		/* copies running, a bit each */
	unsigned long long rnd;
	unsigned long long events, handled, misses, twice;
};

static unsigned int rnd(struct cpu *c, unsigned int n)
{
	c->rnd ^= c->rnd << 13;
	c->rnd ^= c->rnd >> 7;
	c->rnd ^= c->rnd << 17;
	return c->rnd % n;
}

static void event(struct cpu *c, unsigned int lctx);

/* Maybe an interrupt here, with an event of a higher context. */
static void interrupt(struct cpu *c, unsigned int lctx)
{
	if (lctx < LT_HARDIRQ && !rnd(c, 3))
		event(c, lctx + 1 + rnd(c, LT_HARDIRQ - lctx));
}

static void event(struct cpu *c, unsigned int lctx)
{
	unsigned int copy, n = 0;

	c->events++;
	for (copy = 0; copy < LT_COPIES; copy++) {
		interrupt(c, lctx);
		if (c->active & 1U << copy) {
			c->misses++;	/* the kernel skips it */
			continue;
		}
		c->active |= 1U << copy;
		interrupt(c, lctx);	/* before the program's first insn */
		n += lt_copy_first(&c->after[lctx], copy, lctx);
		interrupt(c, lctx);	/* while it handles, or after */
		c->active &= ~(1U << copy);
	}
	c->handled += n;
	c->twice += n > 1;
}

static void test_nested_interrupts(void **state)
{
	struct cpu c = { .rnd = 0x9e3779b97f4a7c15ULL };
	int i;

	for (i = 0; i < 200000; i++)
		event(&c, rnd(&c, 4) ? LT_TASK : LT_SOFTIRQ);
	print_message("# %llu events, %llu copies skipped as busy\n", c.events,
		      c.misses);
	assert_true(c.misses > c.events / 10);	/* they did nest */
	assert_int_equal(c.twice, 0);
	assert_int_equal(c.handled, c.events);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_event_once),
		cmocka_unit_test(test_bound_is_tight),
		cmocka_unit_test(test_bystanders),
		cmocka_unit_test(test_nested_interrupts),
	};

	return cmocka_run_group_tests_name("copies", tests, NULL, NULL);
}
