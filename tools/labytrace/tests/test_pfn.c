// SPDX-License-Identifier: GPL-2.0
/* Learning vmemmap from (struct page *, pfn) pairs. */
#include "test.h"
#include "pfn.h"

#define BASE 0xffffea0000000000ULL

static void test_calibrate(void **state)
{
	unsigned long long pfns[8] = {
		0x20364d, 0x127279, 0x15cd62, 0x1f9eb0,
		0x11ffde, 0x1470b4, 0x1470ac, 0x10f8c8,
	};
	unsigned long long pages[12], base = 0;
	int i;

	/* the 8 pages, in another order, among other allocations */
	for (i = 0; i < 8; i++)
		pages[i] = BASE + pfns[7 - i] * 64;
	pages[8] = BASE + 0x99999 * 64;		/* a page table */
	pages[9] = 0xffff888100000000ULL;
	pages[10] = BASE + 0x1470b4 * 64 + 64;	/* neighbour of one */
	pages[11] = BASE + 0x1470ac * 64 - 64;
	assert_int_equal(pfn_calibrate(pages, 12, pfns, 8, 64, &base), 0);
	assert_int_equal(base, BASE);
	assert_int_equal(pfn_of(BASE + 0x1234 * 64, base, 64), 0x1234);
}

static void test_needs_a_majority(void **state)
{
	unsigned long long pfns[4] = { 100, 200, 300, 400 };
	unsigned long long pages[4], base = 0;

	/* only two of four agree */
	pages[0] = BASE + 100 * 64;
	pages[1] = BASE + 200 * 64;
	pages[2] = 0xffffea1000000000ULL + 300 * 64;
	pages[3] = 0xffffea2000000000ULL + 400 * 64;
	assert_int_equal(pfn_calibrate(pages, 4, pfns, 4, 64, &base), -1);
	/* three of four do */
	pages[2] = BASE + 300 * 64;
	assert_int_equal(pfn_calibrate(pages, 4, pfns, 4, 64, &base), 0);
	assert_int_equal(base, BASE);
}

static void test_degenerate(void **state)
{
	unsigned long long pfns[2] = { 0, 0 }, pages[1] = { BASE }, base = 1;

	/* pagemap gives 0 for pages it will not show */
	assert_int_equal(pfn_calibrate(pages, 1, pfns, 2, 64, &base), -1);
	assert_int_equal(pfn_calibrate(pages, 0, pfns, 0, 64, &base), -1);
	assert_int_equal(pfn_calibrate(pages, 1, pfns, 2, 0, &base), -1);
	assert_int_equal(base, 1);
	assert_int_equal(pfn_of(BASE, 0, 64), PFN_UNKNOWN);
	assert_int_equal(pfn_of(BASE - 64, BASE, 64), PFN_UNKNOWN);
	assert_int_equal(pfn_of(BASE + 640, BASE, 0), PFN_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calibrate),
		cmocka_unit_test(test_needs_a_majority),
		cmocka_unit_test(test_degenerate),
	};

	return cmocka_run_group_tests_name("pfn", tests, NULL, NULL);
}
