// SPDX-License-Identifier: GPL-2.0
/* The kallsyms resolver, against a fixture file. */
#include <errno.h>
#include <unistd.h>
#include "test.h"
#include "ksyms.h"

static char fixture[512];

static int setup(void **state)
{
	const char *dir = getenv("LABYTRACE_FIXTURES");

	snprintf(fixture, sizeof(fixture), "%s/kallsyms", dir ? dir : "tests/fixtures");
	*state = ksyms_load(fixture);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	ksyms_free(*state);
	return 0;
}

static void test_only_text_symbols(void **state)
{
	struct ksyms *ks = *state;
	size_t i;

	/* 12 text symbols in vmlinux, 1 BPF program, 2 in a module */
	assert_int_equal(ks->nr, 15);
	assert_false(ks->hidden);
	for (i = 0; i < ks->nr; i++) {
		assert_null(strstr(ks->syms[i].name, "data"));
		assert_null(strstr(ks->syms[i].name, "thing"));
		if (i)
			assert_true(ks->syms[i - 1].addr <= ks->syms[i].addr);
	}
}

static void test_find(void **state)
{
	struct ksyms *ks = *state;
	unsigned long long off;
	const struct ksym *s;

	s = ksyms_find(ks, 0xffffffff81002000ULL, &off);
	assert_string_equal(s->name, "__alloc_pages_noprof");
	assert_int_equal(off, 0);
	s = ksyms_find(ks, 0xffffffff810023ffULL, &off);
	assert_string_equal(s->name, "__alloc_pages_noprof");
	assert_int_equal(off, 0x3ff);
	s = ksyms_find(ks, 0xffffffff81002400ULL, &off);
	assert_string_equal(s->name, "get_page_from_freelist");
	/* of two names at one address, the first in sort order */
	s = ksyms_find(ks, 0xffffffff81000010ULL, &off);
	assert_string_equal(s->name, "_stext");
	s = ksyms_find(ks, 0xffffffff81003104ULL, &off);
	assert_string_equal(s->name, "weak_text_func");
	/* below the first symbol */
	assert_null(ksyms_find(ks, 0xffffffff80000000ULL, &off));
	assert_null(ksyms_find(ks, 0, NULL));
	/* far past the last text symbol of a region: not "_etext+0x3000000" */
	assert_null(ksyms_find(ks, 0xffffffff82000100ULL, &off));
	assert_non_null(ksyms_find(ks, 0xffffffff81005000ULL + KSYM_MAX_OFF - 1, &off));
	assert_null(ksyms_find(ks, 0xffffffff81005000ULL + KSYM_MAX_OFF, &off));
	assert_null(ksyms_find(NULL, 0xffffffff81002000ULL, &off));
}

static void test_format(void **state)
{
	struct ksyms *ks = *state;
	char buf[128];

	ksyms_format(ks, 0xffffffff8100201aULL, buf, sizeof(buf));
	assert_string_equal(buf, "__alloc_pages_noprof+0x1a");
	ksyms_format(ks, 0xffffffff81002000ULL, buf, sizeof(buf));
	assert_string_equal(buf, "__alloc_pages_noprof+0x0");
	ksyms_format(ks, 0xffffffffc0200410ULL, buf, sizeof(buf));
	assert_string_equal(buf, "mod_other+0x10 [nfs]");
	ksyms_format(ks, 0xffffffff90000000ULL, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffff90000000");
	ksyms_format(NULL, 0xffffffff8100201aULL, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffff8100201a");
	/* truncation is safe */
	ksyms_format(ks, 0xffffffff8100201aULL, buf, 6);
	assert_string_equal(buf, "__all");
}

static void test_skip_tracing(void **state)
{
	struct ksyms *ks = *state;
	unsigned long long stack[] = {
		0xffffffffa0001040ULL,	/* the BPF program */
		0xffffffff81004010ULL,	/* bpf_trace_run4 */
		0xffffffff81004210ULL,	/* __traceiter_mm_page_alloc */
		0xffffffff81002080ULL,	/* __alloc_pages_noprof */
		0xffffffff81003020ULL,	/* alloc_pages_mpol */
	};
	unsigned long long jit[] = {
		0xffffffffa1000000ULL,	/* a program kallsyms does not list */
		0xffffffff81004010ULL,
		0xffffffff81002080ULL,
	};
	unsigned long long plain[] = {
		0xffffffff81002080ULL, 0xffffffff81003020ULL,
	};

	assert_int_equal(ksyms_skip_tracing(ks, stack, 5), 3);
	assert_int_equal(ksyms_skip_tracing(ks, jit, 3), 2);
	assert_int_equal(ksyms_skip_tracing(ks, plain, 2), 0);
	/* never skip everything */
	assert_int_equal(ksyms_skip_tracing(ks, stack, 2), 0);
	assert_int_equal(ksyms_skip_tracing(NULL, stack, 5), 0);
}

static void test_hidden_addresses(void **state)
{
	char path[] = "/tmp/labytrace-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct ksyms *ks;
	char buf[64];

	assert_non_null(f);
	fputs("0000000000000000 T _text\n0000000000000000 t func_a\n", f);
	fclose(f);
	ks = ksyms_load(path);
	unlink(path);
	assert_non_null(ks);
	assert_true(ks->hidden);
	assert_null(ksyms_find(ks, 0x10, NULL));
	ksyms_format(ks, 0xffffffff81000010ULL, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffff81000010");
	ksyms_free(ks);
}

static void test_missing_file(void **state)
{
	assert_null(ksyms_load("/nonexistent/kallsyms"));
	assert_int_equal(errno, ENOENT);
}

static void test_garbage_lines(void **state)
{
	char path[] = "/tmp/labytrace-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct ksyms *ks;

	fputs("garbage\n\nffffffff81000000\nffffffff81000000 T\n"
	      "ffffffff81000000 TT x\nzz T y\nffffffff81000100 t ok_func\n", f);
	fclose(f);
	ks = ksyms_load(path);
	unlink(path);
	assert_non_null(ks);
	assert_int_equal(ks->nr, 1);
	assert_string_equal(ks->syms[0].name, "ok_func");
	ksyms_free(ks);
}

/* The interrupt entry text's bounds, for cutting stacks in the kernel. */
static void test_addrs(void **state)
{
	static const char *const names[] = {
		"__irqentry_text_start", "__irqentry_text_end", "no_such_symbol",
	};
	unsigned long long addrs[3] = { 1, 1, 1 };

	assert_int_equal(ksyms_addrs(fixture, names, 3, addrs), 2);
	assert_int_equal(addrs[0], 0xffffffff81000300ULL);
	assert_int_equal(addrs[1], 0xffffffff81000f70ULL);
	assert_int_equal(addrs[2], 0);
	assert_int_equal(ksyms_addrs("/nonexistent/kallsyms", names, 3, addrs), -ENOENT);
	assert_int_equal(addrs[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_text_symbols),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_skip_tracing),
		cmocka_unit_test(test_hidden_addresses),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_garbage_lines),
		cmocka_unit_test(test_addrs),
	};

	return cmocka_run_group_tests_name("ksyms", tests, setup, teardown);
}
