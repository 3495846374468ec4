// SPDX-License-Identifier: GPL-2.0
/*
 * Recordings written and read back, what heatmap selects from them, and the
 * SVG it draws; every bad recording refused with one line that says why.
 */
#include "test.h"
#include "gfp.h"
#include "heatmap.h"
#include "hist.h"
#include "record.h"

static struct gfp_table gfp;

static struct out_ctx ctx(void)
{
	struct out_ctx c = {
		.gfp = &gfp, .ctx_known = true, .have_latency = true,
		.have_failures = true, .have_violations = true,
	};

	gfp_table_fallback(&gfp, KVER(6, 12), true);
	return c;
}

/* Interval @i: 10 * (i + 1) softirq atomic exclusive samples near 2^(8 + i) ns. */
static void interval(struct lt_snapshot *d, unsigned int i)
{
	unsigned int k = lt_key(0, LT_ATOMIC, 1, LT_SOFTIRQ), n;

	memset(d, 0, sizeof(*d));
	d->ts_ns = 1000000000ULL * (i + 1);
	for (n = 0; n < 10 * (i + 1); n++)
		hist_add_value(&d->latency[k], (1ULL << (8 + i)) - 1);
	hist_add_value(&d->latency[lt_key(1, LT_MAYSLEEP, 0, LT_TASK)], 5000);
	hist_add_value(&d->hold[LT_HARDIRQ], 1ULL << 30);
	d->counts[lt_count_key(k, 0)].allocs = 10 * (i + 1);
	d->counts[lt_count_key(k, 0)].fails = i;
	d->counts[lt_count_key(lt_key(3, LT_NOWAIT, 0, LT_TASK), 1)].allocs = 2;
}

/* A recording of @n intervals, as labytrace record writes it. */
static char *recording(unsigned int n)
{
	struct out_ctx c = ctx();
	struct run_info ri = { .final = true };
	struct lt_snapshot *d = calloc(1, sizeof(*d)), *cum = calloc(1, sizeof(*cum));
	struct mem m;
	unsigned int i;

	assert_non_null(d);
	assert_non_null(cum);
	ri.src[0] = "tracepoint kmem:mm_page_alloc_latency";
	mem_open(&m);
	assert_int_equal(record_header(m.f, &c, &ri, 0), 0);
	for (i = 0; i < n; i++) {
		interval(d, i);
		assert_int_equal(record_interval(m.f, &c, d, 1.0), 0);
	}
	assert_int_equal(record_end(m.f, &c, cum, n, n), 0);
	free(d);
	free(cum);
	return mem_close(&m);
}

static int read_text(const char *text, struct record_select *sel,
		     struct heat *h, char *why, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	ret = record_read(f, "rec.ndjson", sel, h, why, len);
	fclose(f);
	return ret;
}

static void test_roundtrip_latency(void **state)
{
	struct record_select sel = { .metric = HEAT_LATENCY };
	char *text = recording(4), why[256];
	struct heat h;
	unsigned int i;

	/* small: a line per interval, buckets as pairs */
	assert_non_null(strstr(text, "\"buckets\":[[8,10]]"));
	record_select_add(&sel, "class", "atomic");
	record_select_add(&sel, "context", "softirq");
	if (read_text(text, &sel, &h, why, sizeof(why)))
		fail_msg("%s", why);
	assert_int_equal(h.cols, 4);
	assert_int_equal(h.rows, LT_NR_SLOTS);
	for (i = 0; i < 4; i++) {
		assert_int_equal(h.cells[i * h.rows + 8 + i], 10 * (i + 1));
		assert_true(h.start_s[i] >= i - 0.001 && h.start_s[i] <= i + 0.001);
	}
	assert_int_equal(h.total, 10 + 20 + 30 + 40);
	heat_free(&h);

	/* no selector: the may-sleep order-1 series too, 4 more samples */
	sel.n = 0;
	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_int_equal(h.total, 104);
	assert_int_equal(h.cells[0 * h.rows + lt_slot(5000)], 1);
	heat_free(&h);

	/* exclusive=true and order=1 select nothing in common */
	record_select_add(&sel, "exclusive", "true");
	record_select_add(&sel, "order", "1");
	assert_int_not_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "nothing selected"));
	free(text);
}

static void test_roundtrip_hold_and_allocs(void **state)
{
	struct record_select sel = { .metric = HEAT_HOLD };
	char *text = recording(3), why[256];
	struct heat h;

	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_int_equal(h.cells[2 * h.rows + 30], 1);
	assert_int_equal(h.total, 3);
	heat_free(&h);

	sel.metric = HEAT_ALLOCS;
	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_int_equal(h.rows, LT_NR_ORDERS);
	assert_int_equal(h.cells[1 * h.rows + 0], 20);
	assert_int_equal(h.cells[1 * h.rows + 3], 2);
	assert_int_equal(h.total, 60 + 6);
	heat_free(&h);

	sel.metric = HEAT_FAILURES;
	record_select_add(&sel, "nowarn", "false");
	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_int_equal(h.total, 0 + 1 + 2);
	heat_free(&h);
	free(text);
}

/* Each bad recording: refused, one line naming the file and the problem. */
static void refused(const char *text, enum heat_metric metric, const char *want)
{
	struct record_select sel = { .metric = metric };
	char why[256];
	struct heat h;

	assert_int_not_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	if (!strstr(why, want))
		fail_msg("'%s' does not say '%s'", why, want);
	assert_int_equal(strncmp(why, "rec.ndjson", 10), 0);
	assert_null(strchr(why, '\n'));
	assert_null(h.cells);
}

static void test_bad_recordings(void **state)
{
	static const char header[] = "{\"type\":\"recording\",\"version\":1}\n";
	char *text, *stock;

	refused("", HEAT_LATENCY, "an empty recording (no header line)");
	refused(header, HEAT_LATENCY, "an empty recording (no interval)");
	refused("{\"type\":\"summary\"}\n", HEAT_LATENCY, ":1: not a labytrace recording");
	refused("{\"type\":\"recording\",\"version\":2}\n", HEAT_LATENCY,
		":1: not a labytrace recording");
	refused("not json\n", HEAT_LATENCY, ":1: not a JSON object");
	refused("{\"type\":\"recording\",\"version\":1}\n{\"type\":\"interval\",\"latency\":"
		"[{\"buckets\":[[99,1]]}]}\n", HEAT_LATENCY, ":2: an interval whose series");
	refused("{\"type\":\"recording\",\"version\":1}\n{\"type\":\"interval\",\"latency\":"
		"[{\"buckets\":[[3,-1]]}]}\n", HEAT_LATENCY, ":2: an interval whose series");
	refused("{\"type\":\"recording\",\"version\":1}\n{\"type\":\"interval\",\"allocs\":"
		"[{\"order\":\"x\",\"allocs\":1}]}\n", HEAT_ALLOCS, ":2: an interval whose series");
	/* cut short by a crash: the half line is refused, not misread */
	text = recording(2);
	text[strlen(text) - 20] = '\0';
	refused(text, HEAT_LATENCY, ":4: not a JSON object");
	free(text);
	/* a stock kernel's recording has no latency; it says why */
	stock = "{\"type\":\"recording\",\"version\":1,\"unavailable\":{\"latency\":"
		"\"fentry refused\"}}\n{\"type\":\"interval\",\"allocs\":[]}\n";
	refused(stock, HEAT_LATENCY, "no latency in this recording: unavailable when recorded: fentry refused");
	refused(stock, HEAT_HOLD, "no hold in this recording");
	refused(stock, HEAT_ALLOCS, "nothing selected");
}

static void test_colour_scale(void **state)
{
	char a[8], b[8], c[8];

	heatmap_colour(0, 100, a, sizeof(a));
	assert_string_equal(a, "#ffffff");
	heatmap_colour(100, 100, a, sizeof(a));
	assert_string_equal(a, "#800026");
	heatmap_colour(1, 1, a, sizeof(a));
	assert_string_equal(a, "#800026");
	/* more is darker: the red, green and blue all fall */
	heatmap_colour(1, 1000000, a, sizeof(a));
	heatmap_colour(1000, 1000000, b, sizeof(b));
	heatmap_colour(999999, 1000000, c, sizeof(c));
	assert_true(strcmp(a, b) > 0 && strcmp(b, c) > 0);
	/* one sample of a million still shows */
	assert_string_not_equal(a, "#ffffff");
}

static void test_svg(void **state)
{
	struct record_select sel = { .metric = HEAT_LATENCY };
	char *text = recording(5), why[256], *svg, *p;
	struct heat h;
	struct mem m;
	int rects = 0;

	record_select_add(&sel, "context", "softirq");
	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	free(text);
	snprintf(h.started, sizeof(h.started), "<2026>&");
	mem_open(&m);
	assert_int_equal(heatmap_svg(m.f, &h, "Latency <&> \"x\"", "context=softirq"), 0);
	svg = mem_close(&m);
	heat_free(&h);
	assert_int_equal(strncmp(svg, "<?xml version=\"1.0\"", 19), 0);
	assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_int_equal(strcmp(svg + strlen(svg) - 7, "</svg>\n"), 0);
	/* one cell per non-empty (interval, bucket): 5 */
	for (p = svg; (p = strstr(p, "<rect x=")); p++)
		rects++;
	assert_int_equal(rects, 5 + 1);		/* and the frame */
	/* its numbers as a tooltip; the darkest is the largest count */
	assert_non_null(strstr(svg, "<title>4.000 s, &lt;=4.1us: 50</title>"));
	assert_non_null(strstr(svg, "fill=\"#800026\"><title>4.000 s"));
	assert_non_null(strstr(svg, "<title>0.000 s, &lt;=256ns: 10</title>"));
	/* rows: the slowest on top, a row of margin; columns in time order */
	assert_non_null(strstr(svg, "<rect x=\"186\" y=\"64\" width=\"24\" height=\"14\" "
				    "fill=\"#800026\"><title>4.000 s, &lt;=4.1us: 50</title></rect>\n"));
	assert_non_null(strstr(svg, "<rect x=\"90\" y=\"120\" width=\"24\" height=\"14\" fill=\"#"));
	/* text escaped */
	assert_non_null(strstr(svg, "Latency &lt;&amp;&gt; &quot;x&quot;"));
	assert_non_null(strstr(svg, "time since &lt;2026&gt;&amp;"));
	assert_null(strstr(svg, "<2026>"));
	free(svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_latency),
		cmocka_unit_test(test_roundtrip_hold_and_allocs),
		cmocka_unit_test(test_bad_recordings),
		cmocka_unit_test(test_colour_scale),
		cmocka_unit_test(test_svg),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
