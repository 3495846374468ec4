// SPDX-License-Identifier: GPL-2.0
/*
 * Live page_pool gauges without a kernel: the kernel's entries folded into
 * the run's table (counted from the event that showed a pool, wrap-safe,
 * a freed pool kept as gone, an address reused), the exported set and
 * "other" that never goes back, and what the metrics and the view make of
 * it, parsed as Prometheus and OpenMetrics would.
 */
#include "test.h"
#include "metrics.h"
#include "om_parse.h"
#include "pools.h"
#include "view.h"

static struct hp_pool kpool(unsigned long long addr, unsigned int id, unsigned int hold,
			    unsigned int release)
{
	struct hp_pool p = { .addr = addr, .id = id, .hold = hold, .release = release,
			     .hold0 = hold, .release0 = release, .ifindex = 3,
			     .flags = HP_POOL_HAS_ID | HP_POOL_NETDEV };

	snprintf(p.ifname, sizeof(p.ifname), "eth%u", id);
	return p;
}

static void test_update(void **state)
{
	struct pool_table *t = calloc(1, sizeof(*t));
	struct hp_pool k[2];
	const struct pool_row *rows[4];
	char id[16];

	assert_non_null(t);
	/* first seen by a hold event: that page counts, the past does not */
	k[0] = kpool(0x1000, 12, 1000, 900);
	k[0].hold0 = 999;
	pools_update(t, k, 1);
	assert_int_equal(t->n, 1);
	assert_int_equal(t->rows[0].holds, 1);
	assert_int_equal(t->rows[0].releases, 0);
	assert_int_equal(t->rows[0].inflight, 100);
	assert_string_equal(t->rows[0].dev, "eth12");
	assert_string_equal(pool_label(&t->rows[0], id, sizeof(id)), "12");

	/* the u32 counters wrap */
	k[0].hold = 0xfffffff0;
	k[0].release = 0xffffff00;
	pools_update(t, k, 1);
	k[0].hold = 0x10;
	k[0].release = 0x5;
	pools_update(t, k, 1);
	assert_int_equal(t->rows[0].holds, 1 + (0xfffffff0U - 1000) + 0x20);
	assert_int_equal(t->rows[0].holds - t->rows[0].holds_prev, 0x20);
	assert_int_equal(t->rows[0].inflight, 0xb);

	/* destroyed, then freed: gone, its last counts kept */
	k[0].flags |= HP_POOL_DESTROYED;
	k[0].destroyed_ns = 5000000000ULL;
	pools_update(t, k, 1);
	assert_true(t->rows[0].destroyed);
	assert_false(t->rows[0].gone);
	k[0].flags |= HP_POOL_FREED;
	k[0].release = 0x10;
	pools_update(t, k, 1);
	assert_true(t->rows[0].gone);
	assert_int_equal(t->rows[0].inflight, 0);
	/* a new pool at the same address: a row of its own */
	k[1] = kpool(0x1000, 13, 64, 0);
	k[1].gen = 1;
	k[1].hold0 = 63;
	pools_update(t, &k[1], 1);
	assert_int_equal(t->n, 2);
	assert_int_equal(t->rows[1].holds, 1);
	/* living first, most in flight first */
	assert_int_equal(pools_order(t, rows, 4), 2);
	assert_int_equal(rows[0]->id, 13);
	assert_true(rows[1]->gone);
	/* before 6.8, no id: its place in the run */
	t->rows[1].has_id = false;
	assert_string_equal(pool_label(&t->rows[1], id, sizeof(id)), "#2");
	free(t);
}

/* Past POOLS_EXPORTED, pools are "other", whose counters only grow. */
static void test_other(void **state)
{
	struct pool_table *t = calloc(1, sizeof(*t));
	struct hp_pool k[POOLS_EXPORTED + 8];
	unsigned int i, n = POOLS_EXPORTED + 8;
	unsigned long long before;

	assert_non_null(t);
	for (i = 0; i < n; i++)
		k[i] = kpool(0x1000 + i, i + 1, 10, 0);
	pools_update(t, k, n);
	assert_int_equal(t->nr_exported, POOLS_EXPORTED);
	assert_false(t->rows[POOLS_EXPORTED].exported);
	for (i = 0; i < n; i++)
		k[i].hold = 20;
	pools_update(t, k, n);
	assert_int_equal(t->other_holds, 8 * 10);
	assert_int_equal(pools_other_inflight(t), 8 * 20);
	/* an "other" pool goes: in flight drops, the counters stay */
	before = t->other_holds;
	k[n - 1].flags |= HP_POOL_FREED;
	k[n - 1].release = 20;
	pools_update(t, k, n);
	assert_int_equal(t->other_holds, before);
	assert_int_equal(t->other_releases, 20);
	assert_int_equal(pools_other_inflight(t), 7 * 20);
	free(t);
}

static struct lt_snapshot *with_pools(struct pool_table *t, unsigned int n)
{
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct hp_pool k[POOLS_EXPORTED + 8];
	unsigned int i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		k[i] = kpool(0x1000 + i, i + 1, 100 + i, 0);
		k[i].hold0 = 0;
	}
	if (n > 1) {
		k[1].flags |= HP_POOL_DESTROYED;
		k[1].destroyed_ns = 1000000000ULL;
	}
	pools_update(t, k, n);
	s->pools = t;
	s->ts_ns = 36000000000ULL;
	return s;
}

static void test_metrics(void **state)
{
	struct out_ctx c = { .have_pools = true };
	struct pool_table *t = calloc(1, sizeof(*t));
	struct lt_snapshot *s = with_pools(t, POOLS_EXPORTED + 8);
	struct om_result r;
	unsigned long lines = 0;
	struct mem m;
	char *text;
	int fmt;

	for (fmt = 0; fmt < 2; fmt++) {
		mem_open(&m);
		assert_int_equal(metrics_write(m.f, fmt ? EXPO_OPENMETRICS : EXPO_CLASSIC, &c, s), 0);
		text = mem_close(&m);
		if (fmt ? om_parse(text, &r) : prom_parse(text, &r))
			fail_msg("%s", r.err);
		assert_non_null(strstr(text, "labytrace_pool_inflight_pages{pool=\"1\"} 100\n"));
		assert_non_null(strstr(text, "labytrace_pool_taken_pages_total{pool=\"32\"} 131\n"));
		assert_non_null(strstr(text, "labytrace_pool_destroyed{pool=\"2\"} 1\n"));
		assert_non_null(strstr(text, "labytrace_pool_destroyed{pool=\"1\"} 0\n"));
		assert_non_null(strstr(text, "labytrace_pool_info{pool=\"2\",dev=\"eth2\"} 1\n"));
		/* the 8 past the exported: 132 to 139 taken, summed */
		assert_non_null(strstr(text, "labytrace_pool_taken_pages_total{pool=\"other\"} 1084\n"));
		assert_null(strstr(text, "pool=\"33\""));
		if (!fmt) {
			for (char *p = text; *p; p++)
				lines += *p == '\n' && p[1] && p[1] != '#';
			lines += text[0] != '#';
			/* the last-update gauge and the lost/dropped reasons besides */
			assert_int_equal(r.samples, lines);
			assert_true(lines <= METRICS_MAX_POOL_SERIES + 1 + 8 + 2);
			assert_int_equal(METRICS_MAX_POOL_SERIES, 164);
		}
		free(text);
	}
	free(s);
	free(t);
}

static void test_view(void **state)
{
	struct out_ctx c = { .have_pools = true };
	struct pool_table *t = calloc(1, sizeof(*t));
	struct lt_snapshot *s = with_pools(t, 2);
	struct mem m;
	char *out;

	mem_open(&m);
	view_report(m.f, &c, s, NULL, 0, VIEW_MAX_ROWS);
	out = mem_close(&m);
	assert_non_null(strstr(out,
		"POOLS   (page_pool, since start) INFLIGHT    TAKEN RETURNED        LAST STATE\n"
		"  2      eth2                 101      101        0     +101/-0 destroyed 35s ago\n"
		"  1      eth1                 100      100        0     +100/-0 live\n"));
	free(out);
	free(s);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_view),
	};

	return cmocka_run_group_tests_name("pools", tests, NULL, NULL);
}
