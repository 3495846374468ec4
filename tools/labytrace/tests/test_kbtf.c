// SPDX-License-Identifier: GPL-2.0
/*
 * The BTF probes, on BTF built in memory to the shape of real kernels:
 * which function fentry/fexit latency attaches to, where gfp names come
 * from, and where the preempt count keeps hardirq and NMI.
 */
#include <bpf/btf.h>
#include "test.h"
#include "gfp.h"
#include "kbtf.h"

/* Types every fixture needs; the ids of the ones functions use. */
struct fixture {
	struct btf *btf;
	int uint, sint, gfp_t, page_ptr, nodemask_ptr;
};

static void fixture_init(struct fixture *fx)
{
	int page, nodemask;

	fx->btf = btf__new_empty();
	assert_non_null(fx->btf);
	fx->uint = btf__add_int(fx->btf, "unsigned int", 4, 0);
	fx->sint = btf__add_int(fx->btf, "int", 4, BTF_INT_SIGNED);
	fx->gfp_t = btf__add_typedef(fx->btf, "gfp_t", fx->uint);
	page = btf__add_struct(fx->btf, "page", 64);
	fx->page_ptr = btf__add_ptr(fx->btf, page);
	nodemask = btf__add_struct(fx->btf, "nodemask_t", 8);
	fx->nodemask_ptr = btf__add_ptr(fx->btf, nodemask);
	assert_true(fx->uint > 0 && fx->sint > 0 && fx->gfp_t > 0 &&
		    fx->page_ptr > 0 && fx->nodemask_ptr > 0);
}

/* struct page *NAME(gfp_t gfp, unsigned int order, int nid, nodemask_t *nm) */
static void add_alloc(struct fixture *fx, const char *name)
{
	int proto = btf__add_func_proto(fx->btf, fx->page_ptr);

	assert_true(proto > 0);
	assert_int_equal(btf__add_func_param(fx->btf, "gfp", fx->gfp_t), 0);
	assert_int_equal(btf__add_func_param(fx->btf, "order", fx->uint), 0);
	assert_int_equal(btf__add_func_param(fx->btf, "preferred_nid", fx->sint), 0);
	assert_int_equal(btf__add_func_param(fx->btf, "nodemask", fx->nodemask_ptr), 0);
	assert_true(btf__add_func(fx->btf, name, BTF_FUNC_GLOBAL, proto) > 0);
}

/* A function of that name with another prototype: struct page *NAME(gfp_t, unsigned int) */
static void add_other(struct fixture *fx, const char *name)
{
	int proto = btf__add_func_proto(fx->btf, fx->page_ptr);

	assert_true(proto > 0);
	assert_int_equal(btf__add_func_param(fx->btf, "gfp", fx->gfp_t), 0);
	assert_int_equal(btf__add_func_param(fx->btf, "order", fx->uint), 0);
	assert_true(btf__add_func(fx->btf, name, BTF_FUNC_GLOBAL, proto) > 0);
}

static const char *entry_of(struct fixture *fx)
{
	const char *name = kbtf_alloc_entry(fx->btf);

	btf__free(fx->btf);
	return name;
}

/* 6.18: alloc_pages_mpol() and slab call __alloc_frozen_pages_noprof(). */
static void test_entry_6_18(void **state)
{
	struct fixture fx;

	fixture_init(&fx);
	add_alloc(&fx, "__alloc_pages_noprof");
	add_alloc(&fx, "__alloc_frozen_pages_noprof");
	add_other(&fx, "alloc_pages_noprof");
	assert_string_equal(entry_of(&fx), "__alloc_frozen_pages_noprof");
}

/* 6.12 (the patched kernel too): __alloc_pages_noprof(). */
static void test_entry_6_12(void **state)
{
	struct fixture fx;

	fixture_init(&fx);
	add_other(&fx, "alloc_pages_noprof");
	add_alloc(&fx, "__alloc_pages_noprof");
	assert_string_equal(entry_of(&fx), "__alloc_pages_noprof");
}

/* 6.1 (and 5.13 on): __alloc_pages(). */
static void test_entry_6_1(void **state)
{
	struct fixture fx;

	fixture_init(&fx);
	add_alloc(&fx, "__alloc_pages");
	add_other(&fx, "alloc_pages");
	assert_string_equal(entry_of(&fx), "__alloc_pages");

	fixture_init(&fx);
	add_alloc(&fx, "__alloc_pages_nodemask");	/* 5.10 */
	assert_string_equal(entry_of(&fx), "__alloc_pages_nodemask");
}

/* A name alone is not enough: the programs read these four arguments. */
static void test_entry_needs_the_shape(void **state)
{
	struct fixture fx;

	fixture_init(&fx);
	add_other(&fx, "__alloc_frozen_pages_noprof");
	add_alloc(&fx, "__alloc_pages_noprof");
	assert_string_equal(entry_of(&fx), "__alloc_pages_noprof");

	fixture_init(&fx);
	add_other(&fx, "__alloc_pages_noprof");
	assert_null(entry_of(&fx));

	fixture_init(&fx);
	assert_null(entry_of(&fx));
}

/* enum { ___GFP_DMA_BIT, ..., ___GFP_LAST_BIT } with bit 9 as @bit9. */
static void add_gfp_enum(struct fixture *fx, const char *bit9)
{
	static const char *const names[] = {
		"___GFP_DMA_BIT", "___GFP_HIGHMEM_BIT", "___GFP_DMA32_BIT",
		"___GFP_MOVABLE_BIT", "___GFP_RECLAIMABLE_BIT", "___GFP_HIGH_BIT",
		"___GFP_IO_BIT", "___GFP_FS_BIT", "___GFP_ZERO_BIT", NULL,
		"___GFP_DIRECT_RECLAIM_BIT", "___GFP_KSWAPD_RECLAIM_BIT",
		"___GFP_WRITE_BIT", "___GFP_NOWARN_BIT", "___GFP_LAST_BIT",
	};
	unsigned int i;

	assert_true(btf__add_enum(fx->btf, NULL, 4) > 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(btf__add_enum_value(fx->btf, names[i] ? names[i] : bit9, i), 0);
}

static void test_gfp_from_enum(void **state)
{
	struct gfp_table t;
	struct fixture fx;

	/* 6.12 with the series */
	fixture_init(&fx);
	btf__add_enum(fx.btf, "page_exclusive_ctx", 4);
	btf__add_enum_value(fx.btf, "PAGE_EXCLUSIVE_TASK", 0);
	add_gfp_enum(&fx, "___GFP_EXCLUSIVE_BIT");
	assert_true(kbtf_gfp(fx.btf, &t));
	assert_true(t.from_btf);
	assert_int_equal(gfp_mask(&t, "__GFP_EXCLUSIVE"), 0x200);
	assert_int_equal(gfp_mask(&t, "__GFP_NOWARN"), 0x2000);
	btf__free(fx.btf);

	/* 6.12 stock */
	fixture_init(&fx);
	add_gfp_enum(&fx, "___GFP_UNUSED_BIT");
	assert_true(kbtf_gfp(fx.btf, &t));
	assert_int_equal(gfp_mask(&t, "__GFP_EXCLUSIVE"), 0);
	btf__free(fx.btf);

	/* 6.1: no enum, so labytrace falls back to 6.1's table */
	fixture_init(&fx);
	add_alloc(&fx, "__alloc_pages");
	assert_false(kbtf_gfp(fx.btf, &t));
	assert_false(t.from_btf);
	btf__free(fx.btf);
}

static void test_has_tp(void **state)
{
	struct fixture fx;

	fixture_init(&fx);
	assert_true(btf__add_typedef(fx.btf, "btf_trace_mm_page_alloc", fx.page_ptr) > 0);
	assert_true(kbtf_has_tp(fx.btf, "mm_page_alloc"));
	assert_false(kbtf_has_tp(fx.btf, "mm_page_alloc_latency"));
	btf__free(fx.btf);
}

/* A per-CPU variable NAME of TYPE, as pahole lists it. */
static void add_percpu(struct fixture *fx, const char *name, int type)
{
	assert_true(btf__add_var(fx->btf, name, BTF_VAR_GLOBAL_ALLOCATED, type) > 0);
}

/*
 * The preempt count's layout: 6.12 (and 6.18) keep hardirq in bits 16-19
 * and NMI in 20-23; 7.3 on x86-64 (a 64-bit __preempt_count) keeps them in
 * 24-27 and 28-31; a 7.3 with a 32-bit count has NMI in bit 28 alone.
 */
/* The preempt count's layout as a kernel's BTF describes it. */
struct ctx_layout_case {
	const char *kernel;
	int count_size;			/* of __preempt_count */
	bool irq_disable_state;		/* local_interrupt_disable_state, 7.x */
	unsigned int hardirq, nmi;
};

static void test_ctx_layout(void **state)
{
	static const struct ctx_layout_case cases[] = {
		{ "6.12",                4, false, 0x000f0000, 0x00f00000 },
		{ "7.3, x86-64",         8, true,  0x0f000000, 0xf0000000 },
		{ "7.3, a 32-bit count", 4, true,  0x0f000000, 0x10000000 },
	};
	unsigned int hardirq, nmi;
	struct fixture fx;
	size_t i;
	int ulong;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ctx_layout_case *c = &cases[i];

		print_message("# %s\n", c->kernel);
		fixture_init(&fx);
		ulong = btf__add_int(fx.btf, "long unsigned int", 8, 0);
		add_percpu(&fx, "__preempt_count", c->count_size == 8 ? ulong : fx.sint);
		if (c->irq_disable_state)
			add_percpu(&fx, "local_interrupt_disable_state", ulong);
		kbtf_ctx_layout(fx.btf, &hardirq, &nmi);
		assert_int_equal(hardirq, c->hardirq);
		assert_int_equal(nmi, c->nmi);
		btf__free(fx.btf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_6_18),
		cmocka_unit_test(test_entry_6_12),
		cmocka_unit_test(test_entry_6_1),
		cmocka_unit_test(test_entry_needs_the_shape),
		cmocka_unit_test(test_gfp_from_enum),
		cmocka_unit_test(test_has_tp),
		cmocka_unit_test(test_ctx_layout),
	};

	return cmocka_run_group_tests_name("kbtf", tests, NULL, NULL);
}
