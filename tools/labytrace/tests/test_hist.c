// SPDX-License-Identifier: GPL-2.0
/* log2 buckets, percentiles and interval deltas. */
#include "test.h"
#include "hist.h"
#include "labytrace.h"

static void test_slot_bounds(void **state)
{
	/* slot i holds (2^(i-1), 2^i]: every bound is a true upper bound */
	assert_int_equal(lt_slot(0), 0);
	assert_int_equal(lt_slot(1), 0);
	assert_int_equal(lt_slot(2), 1);
	assert_int_equal(lt_slot(3), 2);
	assert_int_equal(lt_slot(4), 2);
	assert_int_equal(lt_slot(5), 3);
	assert_int_equal(lt_slot(1024), 10);
	assert_int_equal(lt_slot(1025), 11);
	assert_int_equal(lt_slot(1ULL << 34), 34);
	assert_int_equal(lt_slot((1ULL << 34) + 1), LT_NR_SLOTS - 1);
	assert_int_equal(lt_slot(~0ULL), LT_NR_SLOTS - 1);
	for (unsigned int i = 1; i < LT_NR_SLOTS - 1; i++) {
		assert_int_equal(lt_slot(hist_slot_le(i)), i);
		assert_int_equal(lt_slot(hist_slot_le(i) + 1), i + 1);
	}
	assert_int_equal(hist_slot_le(LT_NR_SLOTS - 1), ~0ULL);
}

static void test_log2(void **state)
{
	for (unsigned int i = 0; i < 64; i++) {
		assert_int_equal(lt_log2(1ULL << i), i);
		if (i > 1)
			assert_int_equal(lt_log2((1ULL << i) - 1), i - 1);
	}
}

static void test_percentiles(void **state)
{
	struct lt_hist h = {};
	int i;

	assert_int_equal(hist_percentile(&h, PCT_P50), 0);
	/* 1000 samples: 900 of 100 ns, 90 of 3000 ns, 9 of 50 us, 1 of 2 ms */
	for (i = 0; i < 900; i++)
		hist_add_value(&h, 100);
	for (i = 0; i < 90; i++)
		hist_add_value(&h, 3000);
	for (i = 0; i < 9; i++)
		hist_add_value(&h, 50000);
	hist_add_value(&h, 2000000);
	assert_int_equal(hist_count(&h), 1000);
	assert_int_equal(h.max, 2000000);
	assert_int_equal(h.sum, 900 * 100 + 90 * 3000 + 9 * 50000 + 2000000);
	assert_int_equal(hist_percentile(&h, PCT_P50), 128);
	/* rank 990 is the last 3000 ns sample */
	assert_int_equal(hist_percentile(&h, PCT_P99), 4096);
	/* rank 999, not 1000: no rounding up by floating point */
	assert_int_equal(hist_percentile(&h, PCT_P999), 65536);
	/* p100 is capped by the exact maximum */
	assert_int_equal(hist_percentile(&h, 1000000), 2000000);
}

static void test_percentile_single_and_capped(void **state)
{
	struct lt_hist h = {};

	hist_add_value(&h, 700);
	assert_int_equal(hist_percentile(&h, PCT_P50), 700);
	assert_int_equal(hist_percentile(&h, 0), 700);
	/* the open-ended last bucket reports the maximum */
	memset(&h, 0, sizeof(h));
	hist_add_value(&h, 1ULL << 40);
	assert_int_equal(hist_percentile(&h, PCT_P50), 1ULL << 40);
}

static void test_percentile_huge_counts(void **state)
{
	struct lt_hist h = {};

	/* n * ppm must not overflow 64 bits */
	h.slots[3] = 1ULL << 62;
	h.slots[5] = 1ULL << 50;
	h.max = 32;
	assert_int_equal(hist_percentile(&h, PCT_P999), 8);
	assert_int_equal(hist_percentile(&h, 1000000), 32);
}

static void test_delta(void **state)
{
	struct lt_hist prev = {}, cur, d;

	hist_add_value(&prev, 100);
	hist_add_value(&prev, 5000);
	cur = prev;
	hist_add_value(&cur, 300);
	hist_add_value(&cur, 200);
	hist_delta(&cur, &prev, &d);
	assert_int_equal(hist_count(&d), 2);
	assert_int_equal(d.sum, 500);
	/* no new maximum: the interval's max is its top bucket's bound */
	assert_int_equal(d.max, 512);
	assert_int_equal(hist_percentile(&d, PCT_P50), 256);

	/* a new maximum in the interval is exact */
	prev = cur;
	hist_add_value(&cur, 9000);
	hist_delta(&cur, &prev, &d);
	assert_int_equal(d.max, 9000);

	/* nothing happened */
	hist_delta(&cur, &cur, &d);
	assert_int_equal(hist_count(&d), 0);
	assert_int_equal(d.max, 0);
}

static void test_merge(void **state)
{
	struct lt_hist a = {}, b = {};

	hist_add_value(&a, 10);
	hist_add_value(&b, 1000);
	hist_add_value(&b, 20);
	hist_merge(&a, &b);
	assert_int_equal(hist_count(&a), 3);
	assert_int_equal(a.sum, 1030);
	assert_int_equal(a.max, 1000);
}

static void test_fmt_duration(void **state)
{
	static const struct {
		unsigned long long ns;
		const char *s;
	} cases[] = {
		{ 0, "0ns" }, { 999, "999ns" }, { 1000, "1.0us" },
		{ 4096, "4.1us" }, { 9949, "9.9us" }, { 9950, "10us" },
		{ 16384, "16us" }, { 999499, "999us" }, { 999500, "1.0ms" },
		{ 2100000, "2.1ms" }, { 524288000, "524ms" },
		{ 1500000000, "1.5s" }, { 17179869184ULL, "17s" },
	};
	char buf[16];

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_duration(buf, sizeof(buf), cases[i].ns);
		assert_string_equal(buf, cases[i].s);
		assert_true(strlen(buf) <= 6);
	}
}

static void test_print(void **state)
{
	struct lt_hist h = {};
	struct mem m;
	char *out;

	mem_open(&m);
	hist_print(m.f, &h, "", "latency");
	out = mem_close(&m);
	assert_string_equal(out, "");
	free(out);

	hist_add_value(&h, 100);
	hist_add_value(&h, 100);
	hist_add_value(&h, 3000);
	mem_open(&m);
	hist_print(m.f, &h, "  ", "latency");
	out = mem_close(&m);
	/* from the first to the last non-empty bucket, longest bar full */
	assert_non_null(strstr(out, "   64ns -> 128ns   : 2         |******************************|"));
	assert_non_null(strstr(out, "  2.0us -> 4.1us   : 1         |***************               |"));
	assert_null(strstr(out, "32ns"));
	assert_null(strstr(out, "8.2us"));
	for (char *line = out; *line; line = strchr(line, '\n') + 1)
		assert_true(strchr(line, '\n') - line <= 80);
	free(out);
}

static void test_keys(void **state)
{
	unsigned int key, o, c, e, x;

	for (key = 0; key < LT_NR_KEYS; key++) {
		lt_key_split(key, &o, &c, &e, &x);
		assert_true(o < LT_NR_ORDERS && c < LT_NR_CLASSES && e < 2 &&
			    x < LT_NR_CTX);
		assert_int_equal(lt_key(o, c, e, x), key);
	}
	/* orders above MAX_PAGE_ORDER share the last slot */
	assert_int_equal(lt_key(11, 0, 0, 0), lt_key(40, 0, 0, 0));
	assert_int_equal(lt_key(0, LT_ATOMIC, 7, LT_SOFTIRQ),
			 lt_key(0, LT_ATOMIC, 1, LT_SOFTIRQ));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_bounds),
		cmocka_unit_test(test_log2),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_percentile_single_and_capped),
		cmocka_unit_test(test_percentile_huge_counts),
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
