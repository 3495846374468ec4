// SPDX-License-Identifier: GPL-2.0
/* Sources are chosen by what the kernel offers, and refusals are explained. */
#include <errno.h>
#include "test.h"
#include "plan.h"

/* This development host: stock 6.18, tracepoints only, fentry refused. */
static struct features stock(void)
{
	return (struct features){
		.tp_page_alloc = true,
		.alloc_func = "__alloc_frozen_pages_noprof",
		.fentry_err = -EPERM,
		.ctx_why = "per-CPU symbols are not in /proc/kallsyms (CONFIG_KALLSYMS_ALL=n)",
	};
}

/* The test kernel: 6.12 with the series. */
static struct features patched(void)
{
	return (struct features){
		.tp_latency = true, .tp_page_alloc = true, .tp_acquire = true,
		.tp_transfer = true, .tp_release = true, .tp_violation = true,
		.alloc_func = "__alloc_pages_noprof", .ctx_ksym = true,
	};
}

static struct options opts(unsigned int modes)
{
	struct options o;

	options_init(&o);
	o.modes = modes;
	return o;
}

static void test_stock_kernel(void **state)
{
	struct features f = stock();
	struct options o = opts(MODE_ALL);
	struct plan p;

	assert_int_equal(plan_make(&o, &f, &p), 1);
	assert_false(p.run[PLAN_LATENCY]);
	assert_string_equal(p.why[PLAN_LATENCY],
		"no kmem:mm_page_alloc_latency tracepoint, and fentry on "
		"__alloc_frozen_pages_noprof refused (EPERM)");
	assert_true(p.run[PLAN_FAILURES]);
	assert_int_equal(p.fail, FAIL_PAGE_ALLOC_TP);
	assert_string_equal(p.src[PLAN_FAILURES], "tracepoint kmem:mm_page_alloc");
	assert_false(p.run[PLAN_VIOLATIONS]);
	assert_string_equal(p.why[PLAN_VIOLATIONS],
		"no page_exclusive tracepoints (not a __GFP_EXCLUSIVE kernel)");
	assert_false(p.use_ksym);

	o = opts(MODE_LATENCY);
	assert_int_equal(plan_make(&o, &f, &p), 0);
	o = opts(MODE_VIOLATIONS);
	assert_int_equal(plan_make(&o, &f, &p), 0);
}

static void test_stock_kernel_with_fentry(void **state)
{
	struct features f = stock();
	struct options o = opts(MODE_LATENCY);
	struct plan p;

	f.fentry_err = 0;
	assert_int_equal(plan_make(&o, &f, &p), 1);
	assert_int_equal(p.lat, LAT_FENTRY);
	assert_string_equal(p.src[PLAN_LATENCY], "fentry/fexit __alloc_frozen_pages_noprof");
	/* failures were not asked for */
	assert_int_equal(p.fail, FAIL_NONE);

	f.alloc_func = NULL;
	assert_int_equal(plan_make(&o, &f, &p), 0);
	assert_non_null(strstr(p.why[PLAN_LATENCY], "no allocator entry for fentry in BTF"));
	f = stock();
	f.fentry_err = -524;
	plan_make(&o, &f, &p);
	assert_non_null(strstr(p.why[PLAN_LATENCY], "refused (ENOTSUPP)"));
}

static void test_patched_kernel(void **state)
{
	struct features f = patched();
	struct options o = opts(MODE_ALL);
	struct plan p;

	assert_int_equal(plan_make(&o, &f, &p), 3);
	assert_int_equal(p.lat, LAT_TRACEPOINT);
	/* one source for failures: the latency event sees injected ones too */
	assert_int_equal(p.fail, FAIL_LATENCY_TP);
	assert_string_equal(p.src[PLAN_FAILURES], "tracepoint kmem:mm_page_alloc_latency");
	assert_string_equal(p.src[PLAN_VIOLATIONS], "tracepoints page_exclusive:*");
	assert_true(p.use_ksym);

	o.lat_source = LATSRC_FENTRY;
	f.fentry_err = 0;
	plan_make(&o, &f, &p);
	assert_int_equal(p.lat, LAT_FENTRY);
	/* the latency event is not listened to: failures from mm_page_alloc */
	assert_int_equal(p.fail, FAIL_PAGE_ALLOC_TP);
}

/* Failures alone take the cheaper event: mm_page_alloc, not the latency one. */
static void test_failures_only_patched(void **state)
{
	struct features f = patched();
	struct options o = opts(MODE_FAILURES);
	struct plan p;

	assert_int_equal(plan_make(&o, &f, &p), 1);
	assert_int_equal(p.lat, LAT_NONE);
	assert_int_equal(p.fail, FAIL_PAGE_ALLOC_TP);
	assert_string_equal(p.src[PLAN_FAILURES], "tracepoint kmem:mm_page_alloc");

	o = opts(MODE_FAILURES | MODE_VIOLATIONS);
	assert_int_equal(plan_make(&o, &f, &p), 2);
	assert_int_equal(p.fail, FAIL_PAGE_ALLOC_TP);
}

/* A kernel of the series without the transfer event is not ours any more. */
static void test_violations_need_every_event(void **state)
{
	struct features f = patched();
	struct options o = opts(MODE_VIOLATIONS);
	struct plan p;

	f.tp_transfer = false;
	assert_int_equal(plan_make(&o, &f, &p), 0);
	assert_false(p.run[PLAN_VIOLATIONS]);
}

static void test_forced_tracepoint(void **state)
{
	struct features f = stock();
	struct options o = opts(MODE_LATENCY);
	struct plan p;

	o.lat_source = LATSRC_TRACEPOINT;
	f.fentry_err = 0;
	assert_int_equal(plan_make(&o, &f, &p), 0);
	assert_string_equal(p.why[PLAN_LATENCY], "no kmem:mm_page_alloc_latency tracepoint");
}

static void test_context_filter_needs_ksym(void **state)
{
	struct features f = stock();
	struct options o = opts(MODE_ALL);
	struct plan p;

	o.ctx = 1;
	assert_int_equal(plan_make(&o, &f, &p), 0);
	assert_string_equal(p.why[PLAN_FAILURES],
		"--context needs the per-CPU preempt count: per-CPU symbols are "
		"not in /proc/kallsyms (CONFIG_KALLSYMS_ALL=n)");
	assert_int_equal(p.fail, FAIL_NONE);

	/* violations carry the context in the event */
	f = patched();
	f.ctx_ksym = false;
	f.ctx_why = "x";
	assert_int_equal(plan_make(&o, &f, &p), 1);
	assert_true(p.run[PLAN_VIOLATIONS]);
}

static void test_no_tracepoints_at_all(void **state)
{
	struct features f = {};
	struct options o = opts(MODE_FAILURES);
	struct plan p;

	assert_int_equal(plan_make(&o, &f, &p), 0);
	assert_string_equal(p.why[PLAN_FAILURES], "no kmem:mm_page_alloc tracepoint in BTF");
}

static void test_errno_names(void **state)
{
	char buf[24];

	assert_string_equal(errno_name(-EPERM, buf, sizeof(buf)), "EPERM");
	assert_string_equal(errno_name(-524, buf, sizeof(buf)), "ENOTSUPP");
	assert_string_equal(errno_name(-4242, buf, sizeof(buf)), "errno 4242");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stock_kernel),
		cmocka_unit_test(test_stock_kernel_with_fentry),
		cmocka_unit_test(test_patched_kernel),
		cmocka_unit_test(test_failures_only_patched),
		cmocka_unit_test(test_violations_need_every_event),
		cmocka_unit_test(test_forced_tracepoint),
		cmocka_unit_test(test_context_filter_needs_ksym),
		cmocka_unit_test(test_no_tracepoints_at_all),
		cmocka_unit_test(test_errno_names),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
