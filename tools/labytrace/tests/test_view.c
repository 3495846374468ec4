// SPDX-License-Identifier: GPL-2.0
/* Text output: 80 columns, the live view's escape sequences, stacks. */
#include "test.h"
#include "gfp.h"
#include "hist.h"
#include "ksyms.h"
#include "view.h"

static struct gfp_table gfp;

static struct out_ctx ctx(void)
{
	struct out_ctx c = {
		.gfp = &gfp, .ctx_known = true, .have_latency = true,
		.have_failures = true, .have_violations = true,
		.vmemmap = 0xffffea0000000000ULL, .page_size = 64,
		.held_over_ns = 5000000000ULL,
	};

	gfp_table_fallback(&gfp, KVER(6, 12), true);	/* the patched kernel */
	return c;
}

/* Every line at most @width columns. */
static void assert_width(const char *text, int width)
{
	const char *line = text, *nl;

	while ((nl = strchr(line, '\n'))) {
		if (nl - line > width)
			fail_msg("%d columns: %.*s", (int)(nl - line), (int)(nl - line), line);
		line = nl + 1;
	}
}

static void test_report_fits_80_columns(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct owner_table *ot;
	struct held_page held[2] = {
		{ .page = 0xffffea0000000000ULL + 64 * 0x123456, .age_ns = 61000000000ULL,
		  .h = { .owner = 4194304, .ctx = LT_TASK, .order = 10,
			 .comm = "a-very-long-cmd" } },
		{ .page = 0xffffea0000000000ULL, .age_ns = 6000000000ULL,
		  .h = { .owner = 63, .ctx = LT_HARDIRQ } },
	};
	unsigned int key, i;
	struct mem m;
	char *out;

	/* the widest numbers the columns must hold */
	for (key = 0; key < LT_NR_KEYS; key++) {
		for (i = 0; i < LT_NR_SLOTS; i++)
			s->latency[key].slots[i] = 99999999;
		s->latency[key].max = 1ULL << 40;
	}
	for (key = 0; key < LT_NR_COUNTS; key++)
		s->counts[key] = (struct lt_count){ 999999999999ULL, 99999999999ULL };
	for (i = 0; i < LT_NR_KINDS; i++)
		s->violations[i][0] = s->violations[i][1] = 999999;
	for (i = 0; i < LT_NR_STATS; i++)
		s->stats[i] = 99999999;
	s->bpf_misses = 99999999;
	s->held_now = s->held_over = 262144;
	hist_add_value(&s->hold[0], 123456789);
	/* owners: a name of the longest kind, and more than the view shows */
	ot = calloc(1, sizeof(*ot));
	assert_non_null(ot);
	for (i = 0; i < VIEW_OWNER_ROWS + 3; i++) {
		struct owner_row *r = &ot->rows[ot->n++];

		r->key = lt_owner_key(i ? LT_SOFTIRQ : LT_OBJECT, i ? (int)i : 2147483647);
		snprintf(r->o.name, sizeof(r->o.name), "%s",
			 i ? "" : "mlx5_core 0000:3b:00.0 rx63");
		/* so that "3 more" sums to the widest numbers */
		r->held = 333333 - i;
		r->o.acquired = r->o.released = 33333333;
		r->o.xfer_in = r->o.xfer_out = 3333;
		r->o.violations[LT_KIND_LEAK] = 33333;
		r->oldest_ns = 61000000000ULL;
		hist_add_value(&r->o.hold, 123456789);
	}
	owners_sort_key(ot);
	owners_sort_view(ot);
	s->owners = ot;

	mem_open(&m);
	view_report(m.f, &c, s, held, 2, VIEW_MAX_ROWS);
	out = mem_close(&m);
	assert_width(out, 80);
	/* the long name on a line of its own, the rest summed */
	assert_non_null(strstr(out, "\n  mlx5_core 0000:3b:00.0 rx63 (object 2147483647)\n"
				     "                         333333 33333333 33333333 3333/3333 33333 "
				     " 123ms    61s\n"));
	assert_non_null(strstr(out, "\n  softirq@cpu1           333332 "));
	assert_non_null(strstr(out, "\n  3 more                 999972 99999999 99999999 9999/9999 99999 "));
	assert_non_null(strstr(out, "owners untracked 99999999"));
	assert_non_null(strstr(out, "... 276 more\n"));	/* latency */
	assert_non_null(strstr(out, "... 564 more\n"));	/* failures */
	assert_non_null(strstr(out, "pfn 0x123456"));
	assert_non_null(strstr(out, "task:4194304(a-very-long-cmd)"));
	assert_non_null(strstr(out, "hardirq@cpu63"));
	assert_non_null(strstr(out, "LOST    "));
	free(out);

	/* all rows without a limit (plain text) */
	mem_open(&m);
	view_report(m.f, &c, s, NULL, 0, 0);
	out = mem_close(&m);
	assert_width(out, 80);
	assert_null(strstr(out, "more\n"));
	assert_null(strstr(out, " more "));
	free(out);
	free(s);
	free(ot);
}

/*
 * Failures by order, and those their callers expected (__GFP_NOWARN) apart
 * from those the kernel warns about: a 2 MB memory cgroup's 58 NOWARN
 * failures on a stock kernel are not an alert.
 */
static char *failures_view(bool no_rates, const struct lt_snapshot *s)
{
	struct out_ctx c = ctx();
	struct mem m;

	c.have_latency = c.have_violations = false;
	c.ctx_known = false;
	c.no_rates = no_rates;
	mem_open(&m);
	view_report(m.f, &c, s, NULL, 0, 0);
	return mem_close(&m);
}

static void test_failure_table(void **state)
{
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	char *out;

	s->counts[lt_count_key(lt_key(3, LT_MAYSLEEP, 0, LT_TASK), 1)] =
		(struct lt_count){ 100, 58 };
	s->counts[lt_count_key(lt_key(0, LT_NOWAIT, 0, LT_TASK), 0)] =
		(struct lt_count){ 45432, 0 };
	out = failures_view(false, s);
	assert_string_equal(out,
		"FAILURES 58 of 45532 allocations (0.1274%)\n"
		"        warned 0, expected (NOWARN) 58\n"
		"        ORDER CLASS     EXCL CONTEXT NOWARN       ALLOCS      FAILED      RATE\n"
		"            3 may-sleep no   unknown yes             100          58  58.0000%\n"
		"            0 nowait    no   unknown no            45432           0   0.0000%\n"
		"LOST    0\n");
	free(out);
	free(s);
}

/* --no-rates: failures alone, without the allocations' columns. */
static void test_failure_table_without_rates(void **state)
{
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	char *out;

	s->counts[lt_count_key(lt_key(3, LT_MAYSLEEP, 0, LT_TASK), 1)] =
		(struct lt_count){ 0, 58 };
	s->counts[lt_count_key(lt_key(0, LT_ATOMIC, 0, LT_TASK), 0)] =
		(struct lt_count){ 0, 2 };
	out = failures_view(true, s);
	assert_string_equal(out,
		"FAILURES 60 (allocations not counted: --no-rates)\n"
		"        warned 2, expected (NOWARN) 58\n"
		"        ORDER CLASS     EXCL CONTEXT NOWARN      FAILED\n"
		"            3 may-sleep no   unknown yes             58\n"
		"            0 atomic    no   unknown no               2\n"
		"LOST    0\n");
	free(out);
	free(s);
}

static int fake_stack(void *arg, unsigned long long key, unsigned long long *ip)
{
	static const unsigned long long frames[] = {
		0xffffffffa0001040ULL, 0xffffffff81004010ULL,	/* BPF, bpf_trace_run4 */
		0xffffffff81002080ULL, 0xffffffff81003020ULL,
		0xffffffff81002480ULL, 0xffffffff81003108ULL,
	};

	memcpy(ip, frames, sizeof(frames));
	return key ? 6 : 0;
}

/* Failures by stack: the most first, a line of frames each, 80 columns. */
static void test_fail_stacks(void **state)
{
	static const char want[] =
		"FAILURE STACKS (most failures first)\n"
		"        4001 order 4 task warned GFP_HIGHUSER_MOVABLE|__GFP_COMP\n"
		"             __alloc_pages_noprof+0x80 < alloc_pages_mpol+0x20\n"
		"        3001 order 3 ";
	const char *dir = getenv("LABYTRACE_FIXTURES");
	struct out_ctx c = ctx();
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	char path[512];
	struct mem m;
	char *out;
	unsigned int i;

	snprintf(path, sizeof(path), "%s/kallsyms", dir ? dir : "tests/fixtures");
	c.ksyms = ksyms_load(path);
	c.stack = fake_stack;
	for (i = 0; i < 5; i++)
		s->fail_stacks[i] = (struct fail_stack){
			{ .stack = i + 1, .gfp = i ? 0x140cca : 0x2820, .order = i,
			  .ctx = LT_TASK }, 1000 * i + 1 };
	s->nr_fail_stacks = 5;
	mem_open(&m);
	view_fail_stacks(m.f, &c, s, 3, false);
	out = mem_close(&m);
	assert_width(out, 80);
	/* whole frames only, as many as fit */
	if (strncmp(out, want, strlen(want)))
		fail_msg("%s", out);
	assert_non_null(strstr(out, "  ... 2 more\n"));
	free(out);
	mem_open(&m);
	view_fail_stacks(m.f, &c, s, 0, true);
	out = mem_close(&m);
	assert_non_null(strstr(out, "           1 order 0 task expected GFP_ATOMIC|__GFP_NOWARN\n"
				    "        __alloc_pages_noprof+0x80\n"));
	assert_null(strstr(out, "more"));
	free(out);
	ksyms_free((struct ksyms *)c.ksyms);
	free(s);
}

/*
 * Violations by kind, owner and actor, most first, each with its actor's
 * first frames; in the summary, both stacks whole.  Records dropped and
 * events lost are told apart.
 */
static void test_viol_stacks(void **state)
{
	const char *dir = getenv("LABYTRACE_FIXTURES");
	struct out_ctx c = ctx();
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct owner_table *t = calloc(1, sizeof(*t));
	char path[512];
	struct mem m;
	char *out;

	snprintf(path, sizeof(path), "%s/kallsyms", dir ? dir : "tests/fixtures");
	c.ksyms = ksyms_load(path);
	c.stack = fake_stack;
	t->rows[t->n].key = lt_owner_key(LT_OBJECT, 1);
	strcpy(t->rows[t->n++].o.name, "eth0 rx0");
	owners_sort_key(t);
	s->owners = t;
	s->viol_stacks[0] = (struct viol_stack){
		{ .actor_stack = 1, .owner_stack = 2, .owner = 1, .actor = 300,
		  .owner_ctx = LT_OBJECT, .actor_ctx = LT_TASK,
		  .kind = LT_KIND_FREE }, { 5833, "curl" } };
	s->viol_stacks[1] = (struct viol_stack){
		{ .actor_stack = 1, .owner = 400, .actor = 2,
		  .owner_ctx = LT_TASK, .actor_ctx = LT_SOFTIRQ,
		  .kind = LT_KIND_MAP, .denied = 1 }, { 3, "" } };
	s->nr_viol_stacks = 2;
	viol_stacks_sort(s->viol_stacks, 2);
	mem_open(&m);
	view_viol_stacks(m.f, &c, s, 1, false);
	out = mem_close(&m);
	assert_width(out, 80);
	assert_string_equal(out,
		"VIOLATION STACKS (most first)\n"
		"        5833 free o0 owner eth0 rx0 (object 1) by task:300(curl)\n"
		"             __alloc_pages_noprof+0x80 < alloc_pages_mpol+0x20\n"
		"  ... 1 more\n");
	free(out);
	c.owner_stacks = true;
	mem_open(&m);
	view_viol_stacks(m.f, &c, s, 0, true);
	out = mem_close(&m);
	assert_non_null(strstr(out, "           3 map(denied) o0 owner task:400 by softirq@cpu2\n"
				    "    actor stack:\n"
				    "        __alloc_pages_noprof+0x80\n"));
	assert_non_null(strstr(out, "    owner's allocation stack: unknown\n"));
	assert_non_null(strstr(out, "    owner's allocation stack:\n"
				    "        __alloc_pages_noprof+0x80\n"));
	free(out);
	/* Without --owner-stacks a missing one is not unknown: it was not walked. */
	c.owner_stacks = false;
	mem_open(&m);
	view_viol_stacks(m.f, &c, s, 0, true);
	out = mem_close(&m);
	assert_non_null(strstr(out, "    owner's allocation stack: not walked without "
				    "--owner-stacks\n"));
	assert_null(strstr(out, "unknown"));
	free(out);

	s->stats[LT_STAT_RB_FULL_VIOLATION] = 12;
	mem_open(&m);
	view_report(m.f, &c, s, NULL, 0, 0);
	out = mem_close(&m);
	assert_width(out, 80);
	assert_non_null(strstr(out, "LOST    0\n"
				    "DROPPED 12 records: the ring buffer was full (failures 0,\n"
				    "        violations 12); their events are counted, by stack too\n"));
	free(out);
	ksyms_free((struct ksyms *)c.ksyms);
	free(t);
	free(s);
}

static void test_event_lines(void **state)
{
	struct out_ctx c = ctx();
	struct lt_event e = {
		.type = LT_EV_FAILURE, .cpu = 127, .pid = 4194304,
		.comm = "kworker/u256:99", .gfp = 0x140cca | 0x2000 | 0x10000,
		.order = 9, .ctx = LT_SOFTIRQ, .latency_ns = 123456789,
		.ts_ns = 1234567890ULL,
	};
	struct mem m;
	char *out;

	c.mono_to_real_ns = 1700000000LL * 1000000000LL;
	mem_open(&m);
	view_failure(m.f, &c, &e, false);
	e.type = LT_EV_VIOLATION;
	e.owner_ctx = LT_TASK;
	e.owner = 4194304;
	strcpy(e.owner_comm, "owner-command-x");
	e.actor_ctx = LT_TASK;
	e.kind = LT_KIND_TRANSFER;
	e.denied = 1;
	e.page = 0xffffea0000000000ULL + 64 * 0xfffffffULL;
	view_violation(m.f, &c, &e, NULL, 0, false);
	view_violation(m.f, &c, &e, NULL, 0, true);
	/* an owner object, named by the kernel, freed by a task: a leak */
	e.owner_ctx = LT_OBJECT;
	e.owner = 7;
	memcpy(e.owner_name, "e2e rx0", 8);
	e.kind = LT_KIND_LEAK;
	e.denied = 0;
	view_violation(m.f, &c, &e, NULL, 0, false);
	view_violation(m.f, &c, &e, NULL, 0, true);
	/* an object actor (a release by the wrong object) */
	e.kind = LT_KIND_RELEASE;
	e.actor_ctx = LT_OBJECT;
	e.actor = 8;
	memcpy(e.actor_name, "e2e rx1", 8);
	view_violation(m.f, &c, &e, NULL, 0, true);
	out = mem_close(&m);
	assert_width(out, 80);
	assert_non_null(strstr(out, "leak pfn 0xfffffff o9 owner e2e rx0 (object 7) by task:0(kworke\n"));
	assert_non_null(strstr(out, "\nVIOLATION 22:13:21.234Z leak allowed pfn 0xfffffff order 9 cpu 127\n"
				     "    owner e2e rx0 (object 7), actor task:0(kworker/u256:99)\n"));
	assert_non_null(strstr(out, "    owner e2e rx0 (object 7), actor e2e rx1 (object 8)\n"));
	assert_non_null(strstr(out, "owner's allocation stack: unknown (acquired before"));
	assert_non_null(strstr(out, "transfer denied pfn 0xfffffff"));
	/* times say they are UTC, as the JSON's do */
	assert_int_equal(strncmp(out, "  22:13:21.234Z cpu127 ", 23), 0);
	assert_non_null(strstr(out, "\nVIOLATION 22:13:21.234Z transfer"));
	free(out);
}

static void test_failure_detail_stack(void **state)
{
	const char *dir = getenv("LABYTRACE_FIXTURES");
	struct out_ctx c = ctx();
	struct lt_event e = {
		.type = LT_EV_FAILURE, .comm = "x", .gfp = 0x820,
		.stack = { 0xffffffffa0001040ULL, 0xffffffff81004010ULL,
			   0xffffffff81002080ULL },
		.stack_sz = 24,
	};
	char path[512];
	struct mem m;
	char *out;

	snprintf(path, sizeof(path), "%s/kallsyms", dir ? dir : "tests/fixtures");
	c.ksyms = ksyms_load(path);
	assert_non_null(c.ksyms);
	mem_open(&m);
	view_failure(m.f, &c, &e, true);
	out = mem_close(&m);
	assert_non_null(strstr(out, "GFP_ATOMIC\n        __alloc_pages_noprof+0x80\n"));
	assert_null(strstr(out, "bpf_trace_run4"));
	free(out);
	ksyms_free((struct ksyms *)c.ksyms);
}

static void test_wrap(void **state)
{
	struct mem m;
	char *out;

	mem_open(&m);
	view_wrap(m.f, "note: ", "      ",
		  "latency unavailable on this kernel: no kmem:mm_page_alloc_latency "
		  "tracepoint, and fentry on __alloc_pages_noprof refused (EPERM)", 79);
	view_wrap(m.f, "> ", "  ", "short", 79);
	view_wrap(m.f, "> ", "  ", "averyveryveryveryveryveryveryverylongwordthathasnospacesatall", 24);
	out = mem_close(&m);
	assert_string_equal(out,
		"note: latency unavailable on this kernel: no kmem:mm_page_alloc_latency\n"
		"      tracepoint, and fentry on __alloc_pages_noprof refused (EPERM)\n"
		"> short\n"
		"> averyveryveryveryveryv\n"
		"  eryveryverylongwordtha\n"
		"  thasnospacesatall\n");
	free(out);
}

static void test_repaint(void **state)
{
	struct mem m;
	char *out;

	mem_open(&m);
	view_repaint(m.f, "a\nbb\n", 5);
	out = mem_close(&m);
	/* home, every line cleared to its end, the rest of the screen cleared */
	assert_string_equal(out, "\033[Ha\033[K\nbb\033[K\n\033[J");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_fits_80_columns),
		cmocka_unit_test(test_failure_table),
		cmocka_unit_test(test_failure_table_without_rates),
		cmocka_unit_test(test_event_lines),
		cmocka_unit_test(test_fail_stacks),
		cmocka_unit_test(test_viol_stacks),
		cmocka_unit_test(test_failure_detail_stack),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_repaint),
	};

	return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}
