// SPDX-License-Identifier: GPL-2.0
/*
 * Owners: how each kind is named, what the held table adds to the owners
 * table, the views' order and the "other" row; and the kernel's debugfs
 * lists as labytrace owners parses them.
 */
#include "test.h"
#include "kowners.h"
#include "owners.h"

static void test_format(void **state)
{
	char buf[96], name[LT_OWNER_NAME_LEN];

	owner_format(buf, sizeof(buf), LT_OBJECT, 7, "eth0 rx0");
	assert_string_equal(buf, "eth0 rx0 (object 7)");
	owner_format(buf, sizeof(buf), LT_TASK, 1234, "pex_workload");
	assert_string_equal(buf, "task:1234(pex_workload)");
	owner_format(buf, sizeof(buf), LT_TASK, 1234, "");
	assert_string_equal(buf, "task:1234");
	owner_format(buf, sizeof(buf), LT_SOFTIRQ, 3, NULL);
	assert_string_equal(buf, "softirq@cpu3");
	owner_format(buf, sizeof(buf), LT_HARDIRQ, 0, NULL);
	assert_string_equal(buf, "hardirq@cpu0");
	owner_format(buf, sizeof(buf), LT_NMI, 1, NULL);
	assert_string_equal(buf, "nmi@cpu1");
	/* a name the kernel did not pass, and one with bytes a terminal must not see */
	owner_format(buf, sizeof(buf), LT_OBJECT, 9, NULL);
	assert_string_equal(buf, "? (object 9)");
	owner_format(buf, sizeof(buf), LT_OBJECT, 9, "rx\033[2J\n");
	assert_string_equal(buf, "rx?[2J? (object 9)");
	/* a full-length name, unterminated, stops at LT_OWNER_NAME_LEN */
	memset(name, 'a', sizeof(name));
	owner_format(buf, sizeof(buf), LT_OBJECT, 2147483647, name);
	assert_int_equal(strlen(buf), LT_OWNER_NAME_LEN + strlen(" (object 2147483647)"));
	assert_string_equal(owner_kind_name(LT_OBJECT), "object");
	assert_string_equal(owner_kind_name(LT_NR_OWNER_CTX), "?");
	assert_int_equal(lt_owner_kind(lt_owner_key(LT_OBJECT, 7)), LT_OBJECT);
	assert_int_equal(lt_owner_id(lt_owner_key(LT_TASK, -1)), -1);
}

static struct owner_table *table(void)
{
	struct owner_table *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	return t;
}

static struct owner_row *row(struct owner_table *t, unsigned int kind, int id,
			     const char *name, unsigned long long acquired)
{
	struct owner_row *r = &t->rows[t->n++];

	r->key = lt_owner_key(kind, id);
	snprintf(r->o.name, sizeof(r->o.name), "%s", name);
	r->o.acquired = acquired;
	return r;
}

/* Held pages land in their owner's row, a row is made if the BPF table had none. */
static void test_held_and_order(void **state)
{
	struct owner_table *t = table();
	struct owner_row other;
	char buf[96];

	row(t, LT_TASK, 500, "a", 50);
	row(t, LT_OBJECT, 7, "e2e rx0", 10);
	row(t, LT_SOFTIRQ, 0, "", 30);
	owners_sort_key(t);
	assert_int_equal(owners_add_held(t, LT_OBJECT, 7, 0, 1000), 0);
	assert_int_equal(owners_add_held(t, LT_OBJECT, 7, 2, 5000), 0);
	assert_int_equal(owners_add_held(t, LT_OBJECT, 7, 0, 3000), 0);
	/* an owner the BPF table missed (it was full) */
	assert_int_equal(owners_add_held(t, LT_HARDIRQ, 1, 0, 10), 0);
	assert_int_equal(t->n, 4);
	owners_sort_view(t);
	/* most held first, then most acquired */
	assert_int_equal(owners_at(t, 0)->key, lt_owner_key(LT_OBJECT, 7));
	assert_int_equal(owners_at(t, 0)->held, 3);
	assert_int_equal(owners_at(t, 0)->held_pages, 6);
	assert_int_equal(owners_at(t, 0)->oldest_ns, 5000);
	assert_int_equal(owners_at(t, 1)->key, lt_owner_key(LT_HARDIRQ, 1));
	assert_int_equal(owners_at(t, 2)->key, lt_owner_key(LT_TASK, 500));
	assert_int_equal(owners_at(t, 3)->key, lt_owner_key(LT_SOFTIRQ, 0));
	/* found by key whatever the view order */
	assert_non_null(owners_find(t, lt_owner_key(LT_TASK, 500)));
	assert_null(owners_find(t, lt_owner_key(LT_TASK, 501)));
	owner_row_format(owners_at(t, 0), buf, sizeof(buf));
	assert_string_equal(buf, "e2e rx0 (object 7)");

	/* the rest past 2 rows, summed */
	assert_int_equal(owners_rest(t, 2, &other), 2);
	assert_int_equal(other.o.acquired, 80);
	owner_row_format(&other, buf, sizeof(buf));
	assert_string_equal(buf, "other");
	assert_int_equal(owners_rest(t, 4, &other), 0);
	assert_int_equal(other.o.acquired, 0);
	free(t);
}

/* A comm found once (in /proc) stays after the task is gone. */
static void test_keep_names(void **state)
{
	struct owner_table *prev = table(), *t = table();

	row(prev, LT_TASK, 500, "consumer", 1);
	row(prev, LT_OBJECT, 7, "e2e rx0", 1);
	owners_sort_key(prev);
	row(t, LT_OBJECT, 7, "", 2);
	row(t, LT_TASK, 500, "", 2);
	row(t, LT_TASK, 501, "", 2);
	row(t, LT_SOFTIRQ, 0, "mine", 2);
	owners_sort_key(t);
	owners_keep(t, prev);
	assert_string_equal(owners_find(t, lt_owner_key(LT_TASK, 500))->o.name, "consumer");
	assert_string_equal(owners_find(t, lt_owner_key(LT_OBJECT, 7))->o.name, "e2e rx0");
	assert_string_equal(owners_find(t, lt_owner_key(LT_TASK, 501))->o.name, "");
	assert_string_equal(owners_find(t, lt_owner_key(LT_SOFTIRQ, 0))->o.name, "mine");
	free(prev);
	free(t);
}

/* A full table refuses a new row rather than writing past its end. */
static void test_held_table_full(void **state)
{
	struct owner_table *t = table();
	unsigned int i;

	for (i = 0; i < LT_MAX_OWNERS; i++)
		row(t, LT_TASK, i + 1, "", 1);
	owners_sort_key(t);
	assert_int_equal(owners_add_held(t, LT_TASK, 5, 0, 1), 0);
	assert_int_equal(owners_add_held(t, LT_OBJECT, 5, 0, 1), -1);
	assert_int_equal(t->n, LT_MAX_OWNERS);
	free(t);
}

/* As the kernel writes them: a name with spaces and parentheses, stacks. */
static const char owners_txt[] =
	"id=7 pages=3 name=e2e rx0\n"
	"id=8 pages=0 name=idle (pool)\n";
static const char pages_txt[] =
	"pfn=0x1000 order=0 owner=object:7 (e2e rx0) age_ms=1500\n"
	" acquired by:\n"
	"  do_alloc+0x5a/0x120 [test_page_exclusive]\n"
	"  run_op+0x10/0x80 [test_page_exclusive]\n"
	"pfn=0x1001 order=0 owner=task:1234 age_ms=20\n"
	" acquired by:\n"
	"  do_alloc+0x5a/0x120 [test_page_exclusive]\n"
	" last transferred by:\n"
	"  do_transfer+0x1/0x2 [test_page_exclusive]\n"
	"pfn=0x1002 order=1 owner=object:7 (e2e rx0) age_ms=2500\n"
	" acquired by:\n"
	"  napi_poll+0x1/0x2\n"
	"pfn=0x1004 order=0 owner=softirq:cpu1 age_ms=7\n"
	"pfn=0x1005 order=0 owner=object:7 (e2e rx0) age_ms=100\n"
	" acquired by:\n"
	"  do_alloc+0x5a/0x120 [test_page_exclusive]\n"
	"pfn=0x1006 order=0 owner=object:9 (a (b) c) age_ms=1\n";

static void parse(struct kowners *k, const char *owners, const char *pages,
		  unsigned int top)
{
	FILE *o = owners ? fmemopen((void *)owners, strlen(owners), "r") : NULL;
	FILE *p = fmemopen((void *)pages, strlen(pages), "r");
	char why[128] = "";

	if (kowners_parse(o, p, top, k, why, sizeof(why)))
		fail_msg("%s", why);
	if (o)
		fclose(o);
	fclose(p);
}

static void test_kernel_lists(void **state)
{
	struct kowners k;
	const struct kowner *o;

	parse(&k, owners_txt, pages_txt, 2);
	assert_int_equal(k.n, 5);
	assert_int_equal(k.allocations, 6);
	assert_int_equal(k.pages, 7);
	/* most pages first */
	o = &k.v[0];
	assert_int_equal(o->kind, LT_OBJECT);
	assert_int_equal(o->id, 7);
	assert_string_equal(o->name, "e2e rx0");
	assert_int_equal(o->allocations, 3);
	assert_int_equal(o->pages, 4);
	assert_int_equal(o->listed_pages, 3);
	/* its 2 oldest, oldest first, each with its own stack */
	assert_int_equal(o->nr_oldest, 2);
	assert_int_equal(o->oldest[0].pfn, 0x1002);
	assert_int_equal(o->oldest[0].age_ms, 2500);
	assert_string_equal(o->oldest[0].acquired, "napi_poll+0x1/0x2\n");
	assert_null(o->oldest[0].transferred);
	assert_int_equal(o->oldest[1].pfn, 0x1000);
	assert_string_equal(o->oldest[1].acquired,
			    "do_alloc+0x5a/0x120 [test_page_exclusive]\n"
			    "run_op+0x10/0x80 [test_page_exclusive]\n");
	/* the task's transfer stack */
	for (o = k.v; o < k.v + k.n && o->kind != LT_TASK; o++)
		;
	assert_int_equal(o->id, 1234);
	assert_string_equal(o->oldest[0].transferred,
			    "do_transfer+0x1/0x2 [test_page_exclusive]\n");
	/* the name runs to the last ')'; a live owner with no pages is listed */
	for (o = k.v; o < k.v + k.n && o->id != 9; o++)
		;
	assert_string_equal(o->name, "a (b) c");
	assert_int_equal(o->listed_pages, -1);
	assert_int_equal(k.v[k.n - 1].id, 8);
	assert_int_equal(k.v[k.n - 1].pages, 0);
	assert_int_equal(k.v[k.n - 1].listed_pages, 0);
	assert_string_equal(k.v[k.n - 1].name, "idle (pool)");
	kowners_free(&k);

	/* no "owners" file (before owner objects), no oldest pages kept */
	parse(&k, NULL, pages_txt, 0);
	assert_int_equal(k.n, 4);
	assert_int_equal(k.v[0].nr_oldest, 0);
	kowners_free(&k);
}

static void test_kernel_lists_print(void **state)
{
	struct kowners k;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	parse(&k, owners_txt, pages_txt, 1);
	assert_int_equal(kowners_print(f, &k, 0), 0);
	fclose(f);
	assert_non_null(strstr(text, "\ne2e rx0 (object 7)                            3          4    2.5s\n"
				     "    pfn 0x1002 order 1 held 2.5s\n"
				     "      acquired by:\n"
				     "        napi_poll+0x1/0x2\n"));
	assert_non_null(strstr(text, "\ntask:1234 "));
	assert_non_null(strstr(text, "\nsoftirq@cpu1 "));
	assert_non_null(strstr(text, "        do_transfer+0x1/0x2 [test_page_exclusive]\n"));
	assert_non_null(strstr(text, "\n5 owners, 6 allocations, 7 pages\n"));
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(kowners_json(f, &k), 0);
	fclose(f);
	assert_non_null(strstr(text, "{\"type\":\"kernel_owner\",\"owner\":{\"context\":\"object\","
				     "\"id\":7,\"name\":\"e2e rx0\"},\"label\":\"e2e rx0 (object 7)\","
				     "\"allocations\":3,\"pages\":4,\"registry_pages\":3,"
				     "\"oldest\":[{\"pfn\":4098,\"order\":1,\"held_ns\":2500000000,"
				     "\"acquired_stack\":[\"napi_poll+0x1/0x2\"],"
				     "\"transferred_stack\":null}]}\n"));
	free(text);
	kowners_free(&k);
}

static void test_kernel_lists_bad(void **state)
{
	static const char *const bad_pages[] = {
		"pfn=0x1 order=0 owner=object:7 age_ms=1\n",		/* no name */
		"pfn=0x1 order=0 owner=thread:7 age_ms=1\n",		/* no such kind */
		"pfn=0x1 order=0 owner=task:7\n",			/* no age */
		"pfn=0x1 owner=task:7 age_ms=1\n",			/* no order */
		"pfn=0x1 order=0 owner=softirq:cpux age_ms=1\n",
	};
	char why[128];
	unsigned int i;
	struct kowners k;
	FILE *p;

	for (i = 0; i < sizeof(bad_pages) / sizeof(bad_pages[0]); i++) {
		p = fmemopen((void *)bad_pages[i], strlen(bad_pages[i]), "r");
		why[0] = '\0';
		assert_int_equal(kowners_parse(NULL, p, 3, &k, why, sizeof(why)), -1);
		assert_non_null(strstr(why, "pages line 1"));
		fclose(p);
		kowners_free(&k);
	}
	p = fmemopen("id=x\n", 5, "r");
	assert_int_equal(kowners_parse(p, p, 3, &k, why, sizeof(why)), -1);
	assert_string_equal(why, "owners line 1 does not parse: id=x");
	fclose(p);
	kowners_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_held_and_order),
		cmocka_unit_test(test_held_table_full),
		cmocka_unit_test(test_keep_names),
		cmocka_unit_test(test_kernel_lists),
		cmocka_unit_test(test_kernel_lists_print),
		cmocka_unit_test(test_kernel_lists_bad),
	};

	return cmocka_run_group_tests_name("owners", tests, NULL, NULL);
}
