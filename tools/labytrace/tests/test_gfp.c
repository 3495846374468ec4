// SPDX-License-Identifier: GPL-2.0
/* gfp names come from BTF enumerators, so decoding follows the kernel. */
#include "test.h"
#include "gfp.h"
#include "labytrace.h"

/* The ___GFP_*_BIT enum of a 6.12 kernel with the series applied. */
static const char *const patched[] = {
	"___GFP_DMA_BIT", "___GFP_HIGHMEM_BIT", "___GFP_DMA32_BIT",
	"___GFP_MOVABLE_BIT", "___GFP_RECLAIMABLE_BIT", "___GFP_HIGH_BIT",
	"___GFP_IO_BIT", "___GFP_FS_BIT", "___GFP_ZERO_BIT",
	"___GFP_EXCLUSIVE_BIT", "___GFP_DIRECT_RECLAIM_BIT",
	"___GFP_KSWAPD_RECLAIM_BIT", "___GFP_WRITE_BIT", "___GFP_NOWARN_BIT",
	"___GFP_RETRY_MAYFAIL_BIT", "___GFP_NOFAIL_BIT", "___GFP_NORETRY_BIT",
	"___GFP_MEMALLOC_BIT", "___GFP_COMP_BIT", "___GFP_NOMEMALLOC_BIT",
	"___GFP_HARDWALL_BIT", "___GFP_THISNODE_BIT", "___GFP_ACCOUNT_BIT",
	"___GFP_ZEROTAGS_BIT", "___GFP_NO_OBJ_EXT_BIT", "___GFP_LAST_BIT",
};

static void load(struct gfp_table *t, const char *const *names, int n,
		 const char *replace_bit9)
{
	int i;

	gfp_table_init(t);
	for (i = 0; i < n; i++)
		assert_int_equal(gfp_table_add_bit(t, i == 9 && replace_bit9 ?
						   replace_bit9 : names[i], i), 0);
	t->from_btf = true;
}

#define N (int)(sizeof(patched) / sizeof(patched[0]))

static void test_table_from_enum(void **state)
{
	struct gfp_table t;

	load(&t, patched, N, NULL);
	/* LAST is a marker, not a flag. */
	assert_int_equal(t.nr, N - 1);
	assert_int_equal(gfp_mask(&t, "__GFP_HIGH"), 0x20);
	assert_int_equal(gfp_mask(&t, "__GFP_EXCLUSIVE"), 0x200);
	assert_int_equal(gfp_mask(&t, "__GFP_DIRECT_RECLAIM"), 0x400);
	assert_int_equal(gfp_mask(&t, "__GFP_NOWARN"), 0x2000);
	assert_int_equal(gfp_mask(&t, "__GFP_NO_OBJ_EXT"), 1 << 24);
	assert_int_equal(gfp_mask(&t, "__GFP_LAST"), 0);
	assert_int_equal(gfp_mask(&t, "__GFP_NOPE"), 0);
}

static void test_ignores_other_enumerators(void **state)
{
	struct gfp_table t;

	gfp_table_init(&t);
	assert_int_equal(gfp_table_add_bit(&t, "PAGE_EXCLUSIVE_TASK", 0), 0);
	assert_int_equal(gfp_table_add_bit(&t, "___GFP_UNUSED_BIT", 9), 0);
	assert_int_equal(gfp_table_add_bit(&t, "___GFP_BIT", 1), 0);
	assert_int_equal(gfp_table_add_bit(&t, "__GFP_HIGH_BIT", 5), 0);
	assert_int_equal(t.nr, 0);
	assert_true(gfp_table_add_bit(&t, "___GFP_HIGH_BIT", -1) < 0);
	assert_true(gfp_table_add_bit(&t, "___GFP_HIGH_BIT", 64) < 0);
	assert_int_equal(gfp_table_add_bit(&t, "___GFP_HIGH_BIT", 5), 0);
	assert_true(gfp_table_add_bit(&t, "___GFP_OTHER_BIT", 5) < 0);
	assert_int_equal(t.nr, 1);
}

static void expect(const struct gfp_table *t, unsigned long long gfp,
		   const char *want)
{
	char buf[256];
	size_t n = gfp_format(t, gfp, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_format_composites(void **state)
{
	struct gfp_table t;

	load(&t, patched, N, NULL);
	expect(&t, 0, "0");
	expect(&t, 0x820, "GFP_ATOMIC");
	expect(&t, 0x2820, "GFP_ATOMIC|__GFP_NOWARN");
	expect(&t, 0xa20, "GFP_ATOMIC|__GFP_EXCLUSIVE");
	expect(&t, 0xcc0, "GFP_KERNEL");
	expect(&t, 0x400cc0, "GFP_KERNEL_ACCOUNT");
	expect(&t, 0x2800, "GFP_NOWAIT");
	expect(&t, 0x800, "__GFP_KSWAPD_RECLAIM");
	expect(&t, 0x140cca, "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	/* bits this kernel has no name for stay visible */
	expect(&t, 0x820 | (1ULL << 40), "GFP_ATOMIC|0x10000000000");
}

/* A stock kernel: bit 9 is unused, so 0x200 has no name. */
static void test_format_stock_kernel(void **state)
{
	struct gfp_table t;

	load(&t, patched, N, "___GFP_UNUSED_BIT");
	assert_int_equal(gfp_mask(&t, "__GFP_EXCLUSIVE"), 0);
	expect(&t, 0xa20, "GFP_ATOMIC|0x200");
}

/* Bits are taken from the table, never assumed. */
static void test_format_follows_moved_bits(void **state)
{
	struct gfp_table t;

	gfp_table_init(&t);
	assert_int_equal(gfp_table_add_bit(&t, "___GFP_NOWARN_BIT", 3), 0);
	assert_int_equal(gfp_table_add_bit(&t, "___GFP_HIGH_BIT", 1), 0);
	assert_int_equal(gfp_table_add_bit(&t, "___GFP_KSWAPD_RECLAIM_BIT", 0), 0);
	/* kept in bit order whatever the insertion order */
	assert_string_equal(t.flags[0].name, "__GFP_KSWAPD_RECLAIM");
	assert_string_equal(t.flags[2].name, "__GFP_NOWARN");
	expect(&t, 0xb, "GFP_ATOMIC|__GFP_NOWARN");
	expect(&t, 0x8, "__GFP_NOWARN");
}

static void test_flag_names(void **state)
{
	const char *names[GFP_MAX_FLAGS];
	unsigned long long unknown;
	struct gfp_table t;
	int n;

	load(&t, patched, N, NULL);
	n = gfp_flag_names(&t, 0x2a20 | (1ULL << 33), names, GFP_MAX_FLAGS, &unknown);
	assert_int_equal(n, 4);
	assert_string_equal(names[0], "__GFP_HIGH");
	assert_string_equal(names[1], "__GFP_EXCLUSIVE");
	assert_string_equal(names[2], "__GFP_KSWAPD_RECLAIM");
	assert_string_equal(names[3], "__GFP_NOWARN");
	assert_int_equal(unknown, 1ULL << 33);
	/* a short array is not overrun */
	n = gfp_flag_names(&t, 0x2a20, names, 2, &unknown);
	assert_int_equal(n, 2);
}

static void test_format_truncates_safely(void **state)
{
	struct gfp_table t;
	char buf[8];
	size_t n;

	load(&t, patched, N, NULL);
	memset(buf, 'x', sizeof(buf));
	n = gfp_format(&t, 0x2820, buf, sizeof(buf));
	assert_int_equal(n, strlen("GFP_ATOMIC|__GFP_NOWARN"));
	assert_int_equal(buf[sizeof(buf) - 1], '\0');
	assert_int_equal(gfp_format(&t, 0x820, NULL, 0), strlen("GFP_ATOMIC"));
}

/*
 * Kernels without the enum (before 6.10) are stock kernels: bit 9 is
 * __GFP_ATOMIC up to 6.2 (5.15 and 6.1 LTS) and unused from 6.3, never
 * __GFP_EXCLUSIVE, so an atomic allocation is not reported as exclusive.
 */
static void test_fallback_6_1_bit9_is_atomic(void **state)
{
	struct gfp_table t;

	gfp_table_fallback(&t, KVER(6, 1), false);
	assert_false(t.from_btf);
	assert_int_equal(gfp_mask(&t, "__GFP_EXCLUSIVE"), 0);
	assert_int_equal(gfp_mask(&t, "__GFP_ATOMIC"), 0x200);
	assert_int_equal(gfp_mask(&t, "__GFP_NOWARN"), 0x2000);
	assert_int_equal(gfp_mask(&t, "__GFP_ZEROTAGS"), 0x800000);
	expect(&t, 0xa20, "GFP_ATOMIC");
	expect(&t, 0x2a20, "GFP_ATOMIC|__GFP_NOWARN");
	expect(&t, 0x200, "__GFP_ATOMIC");
	gfp_table_fallback(&t, KVER(5, 15), false);
	expect(&t, 0xa20, "GFP_ATOMIC");
}

static void test_fallback_6_5_bit9_is_a_number(void **state)
{
	struct gfp_table t;

	gfp_table_fallback(&t, KVER(6, 5), false);
	assert_int_equal(gfp_mask(&t, "__GFP_EXCLUSIVE"), 0);
	assert_int_equal(gfp_mask(&t, "__GFP_ATOMIC"), 0);
	expect(&t, 0x820, "GFP_ATOMIC");
	expect(&t, 0xa20, "GFP_ATOMIC|0x200");
	/* an unknown version names neither bit 9 nor bit 23 */
	gfp_table_fallback(&t, 0, false);
	expect(&t, 0xa20, "GFP_ATOMIC|0x200");
	expect(&t, 0x800000, "0x800000");
	gfp_table_fallback(&t, KVER(5, 10), false);
	expect(&t, 0x800000, "0x800000");
}

/* Only the kernel's own page_exclusive tracepoints make bit 9 exclusive. */
static void test_fallback_exclusive_only_when_the_kernel_says(void **state)
{
	struct gfp_table t;

	gfp_table_fallback(&t, KVER(6, 1), true);
	assert_int_equal(gfp_mask(&t, "__GFP_EXCLUSIVE"), 0x200);
	assert_int_equal(gfp_mask(&t, "__GFP_ATOMIC"), 0);
	expect(&t, 0xa20, "GFP_ATOMIC|__GFP_EXCLUSIVE");
}

static void test_kver_parse(void **state)
{
	assert_int_equal(kver_parse("6.1.0-18-amd64"), KVER(6, 1));
	assert_int_equal(kver_parse("6.18.44-fc-v595"), KVER(6, 18));
	assert_int_equal(kver_parse("5.15.0"), KVER(5, 15));
	assert_true(kver_parse("6.2.16") < KVER(6, 3));
	assert_true(kver_parse("6.10.1") > KVER(6, 9));
	assert_int_equal(kver_parse("linux"), 0);
	assert_int_equal(kver_parse(""), 0);
	assert_int_equal(kver_parse(NULL), 0);
}

static void test_classes(void **state)
{
	struct gfp_table t;
	unsigned long long dr, hi;

	load(&t, patched, N, NULL);
	dr = gfp_mask(&t, "__GFP_DIRECT_RECLAIM");
	hi = gfp_mask(&t, "__GFP_HIGH");
	assert_int_equal(lt_gfp_class(0x820, dr, hi), LT_ATOMIC);
	assert_int_equal(lt_gfp_class(0x2800, dr, hi), LT_NOWAIT);
	assert_int_equal(lt_gfp_class(0, dr, hi), LT_NOWAIT);
	assert_int_equal(lt_gfp_class(0xcc0, dr, hi), LT_MAYSLEEP);
	/* __GFP_HIGH with direct reclaim can sleep */
	assert_int_equal(lt_gfp_class(0xce0, dr, hi), LT_MAYSLEEP);

	assert_int_equal(gfp_class_parse("atomic"), LT_ATOMIC);
	assert_int_equal(gfp_class_parse("NOWAIT"), LT_NOWAIT);
	assert_int_equal(gfp_class_parse("kernel"), LT_MAYSLEEP);
	assert_int_equal(gfp_class_parse("may-sleep"), LT_MAYSLEEP);
	assert_int_equal(gfp_class_parse("0x20"), -1);
	assert_string_equal(gfp_class_name(LT_ATOMIC), "atomic");
	assert_string_equal(gfp_class_name(LT_MAYSLEEP), "may-sleep");
	assert_string_equal(gfp_class_name(99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_from_enum),
		cmocka_unit_test(test_ignores_other_enumerators),
		cmocka_unit_test(test_format_composites),
		cmocka_unit_test(test_format_stock_kernel),
		cmocka_unit_test(test_format_follows_moved_bits),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_format_truncates_safely),
		cmocka_unit_test(test_fallback_6_1_bit9_is_atomic),
		cmocka_unit_test(test_fallback_6_5_bit9_is_a_number),
		cmocka_unit_test(test_fallback_exclusive_only_when_the_kernel_says),
		cmocka_unit_test(test_kver_parse),
		cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests_name("gfp", tests, NULL, NULL);
}
