// SPDX-License-Identifier: GPL-2.0
/*
 * Recordings written and read back, what heatmap selects from them, and the
 * SVG it draws; every bad recording refused with one line that says why.
 */
#include <errno.h>
#include <unistd.h>
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
	/* a damaged line, whole (it ends in a newline): refused, not skipped */
	text = recording(2);
	text[strlen(text) - 2] = '#';	/* the end line's closing brace */
	refused(text, HEAT_LATENCY, ":4: not a JSON object");
	free(text);
	/* a stock kernel's recording has no latency; it says why */
	stock = "{\"type\":\"recording\",\"version\":1,\"unavailable\":{\"latency\":"
		"\"fentry refused\"}}\n{\"type\":\"interval\",\"allocs\":[]}\n";
	refused(stock, HEAT_LATENCY, "no latency in this recording: unavailable when recorded: fentry refused");
	refused(stock, HEAT_HOLD, "no hold in this recording");
	refused(stock, HEAT_ALLOCS, "nothing selected");
}

static const char header1[] = "{\"type\":\"recording\",\"version\":1}\n";

/* The review's reproducers: JSON null where a string or number is read. */
static void test_null_and_wrong_types_are_refused_not_crashes(void **state)
{
	struct record_select sel = { .metric = HEAT_ALLOCS };
	char text[512], why[256];
	struct heat h;

	refused("{\"type\":null}\n", HEAT_LATENCY, ":1: not a JSON object with a \"type\"");
	refused("{\"type\":5}\n", HEAT_LATENCY, ":1: not a JSON object with a \"type\"");
	snprintf(text, sizeof(text), "%s{\"type\":null}\n", header1);
	refused(text, HEAT_LATENCY, ":2: not a JSON object with a \"type\"");
	refused("{\"type\":\"recording\",\"version\":\"1\"}\n", HEAT_LATENCY,
		":1: not a labytrace recording");
	refused("{\"type\":\"recording\",\"version\":null}\n", HEAT_LATENCY,
		":1: not a labytrace recording");

	/* --metric allocs --order 0 on "order":null */
	snprintf(text, sizeof(text), "%s{\"type\":\"interval\",\"allocs\":"
		 "[{\"order\":null,\"allocs\":1,\"failures\":0}]}\n", header1);
	record_select_add(&sel, "order", "0");
	assert_int_not_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "rec.ndjson:2: an interval whose series do not parse"));
	/* --gfp nowait on "class":null, and on a class that is an object */
	snprintf(text, sizeof(text), "%s{\"type\":\"interval\",\"allocs\":"
		 "[{\"order\":0,\"class\":null,\"allocs\":1,\"failures\":0}]}\n", header1);
	sel.n = 0;
	record_select_add(&sel, "class", "nowait");
	assert_int_not_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "rec.ndjson:2: an interval whose series do not parse"));
	snprintf(text, sizeof(text), "%s{\"type\":\"interval\",\"allocs\":"
		 "[{\"order\":0,\"class\":{},\"allocs\":1,\"failures\":0}]}\n", header1);
	assert_int_not_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);

	/* "time":null is no start time, not "(null)"; "ts":null is no time */
	snprintf(text, sizeof(text), "{\"type\":\"recording\",\"version\":1,\"time\":null,"
		 "\"unavailable\":null}\n{\"type\":\"interval\",\"ts\":null,\"allocs\":"
		 "[{\"order\":0,\"class\":\"atomic\",\"allocs\":3,\"failures\":0}]}\n");
	sel.n = 0;
	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_string_equal(h.started, "");
	assert_int_equal(h.total, 3);
	heat_free(&h);
	/* and a missing metric still names what "unavailable" says, if a string */
	refused("{\"type\":\"recording\",\"version\":1,\"unavailable\":{\"latency\":null}}\n"
		"{\"type\":\"interval\",\"allocs\":[]}\n", HEAT_LATENCY, "no latency in this recording");
	refused("{\"type\":\"recording\",\"version\":1,\"unavailable\":[1]}\n"
		"{\"type\":\"interval\",\"allocs\":[]}\n", HEAT_LATENCY, "no latency in this recording");
}

/* record stopped mid-line (a full disk, a kill): its whole intervals are drawn. */
static void test_cut_last_line_keeps_the_whole_intervals(void **state)
{
	struct record_select sel = { .metric = HEAT_LATENCY };
	char *text = recording(3), why[256], *last;
	struct heat h;

	/* cut inside the third interval: the end line and half of it gone */
	last = strrchr(text, '\n');
	*last = '\0';
	last = strrchr(text, '\n');
	*last = '\0';
	last = strrchr(text, '\n');
	last[30] = '\0';
	if (read_text(text, &sel, &h, why, sizeof(why)))
		fail_msg("%s", why);
	assert_int_equal(h.cols, 2);
	assert_int_equal(h.cut_line, 4);
	heat_free(&h);
	free(text);

	/* a last line with no newline that parses is whole */
	text = recording(2);
	text[strlen(text) - 1] = '\0';
	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	assert_int_equal(h.cols, 2);
	assert_int_equal(h.cut_line, 0);
	heat_free(&h);
	free(text);

	/* a header cut short is no recording */
	refused("{\"type\":\"recording\",\"vers", HEAT_LATENCY, ":1: not a JSON object");
}

/* A line longer than any labytrace writes is refused, not read to the end. */
static void test_lines_are_capped(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *d = calloc(1, sizeof(*d));
	size_t n = RECORD_MAX_LINE + 100, longest = 0, len;
	char *text = malloc(n + 1), *p, *q;
	unsigned int i, s;
	struct mem m;

	assert_non_null(d);
	assert_non_null(text);
	/* the longest line labytrace can write: every series, every bucket, huge */
	for (i = 0; i < LT_NR_KEYS; i++)
		for (s = 0; s < LT_NR_SLOTS; s++)
			d->latency[i].slots[s] = ~0ULL / 64;
	for (i = 0; i < LT_NR_KEYS; i++)
		d->latency[i].sum = ~0ULL;
	for (i = 0; i < LT_NR_OWNER_CTX; i++)
		d->hold[i] = d->latency[0];
	for (i = 0; i < LT_NR_COUNTS; i++)
		d->counts[i] = (struct lt_count){ ~0ULL, ~0ULL };
	mem_open(&m);
	assert_int_equal(record_interval(m.f, &c, d, 1e9), 0);
	p = mem_close(&m);
	for (q = p; *q; q += len + 1) {
		len = strcspn(q, "\n");
		longest = len > longest ? len : longest;
	}
	print_message("# the longest interval line: %zu bytes, cap %d\n", longest,
		      RECORD_MAX_LINE);
	assert_true(longest < RECORD_MAX_LINE);
	free(p);
	free(d);

	/* one byte over the cap: refused, named by its line */
	len = snprintf(text, n + 1, "%s{\"type\":\"interval\",\"x\":\"", header1);
	memset(text + len, 'a', n - len);
	text[n] = '\0';
	refused(text, HEAT_LATENCY, ":2: a line longer than");
	free(text);
}

/* A FILE whose reads fail with @errno after @ok bytes of a header. */
struct failing {
	size_t ok, pos;
	int err;
};

static ssize_t failing_read(void *cookie, char *buf, size_t size)
{
	struct failing *f = cookie;
	size_t n = f->ok - f->pos < size ? f->ok - f->pos : size;

	if (!n) {
		errno = f->err;
		return -1;
	}
	memcpy(buf, header1 + f->pos, n);
	f->pos += n;
	return n;
}

static void test_read_errors_are_reported_as_such(void **state)
{
	static const int errs[] = { EIO, ENOMEM };
	struct record_select sel = { .metric = HEAT_LATENCY };
	char why[256];
	struct heat h;
	unsigned int i, ok;

	for (i = 0; i < 2; i++) {
		for (ok = 0; ok <= strlen(header1); ok += strlen(header1)) {
			struct failing c = { .ok = ok, .err = errs[i] };
			FILE *f = fopencookie(&c, "r", (cookie_io_functions_t){
						      .read = failing_read });

			assert_non_null(f);
			assert_int_equal(record_read(f, "rec.ndjson", &sel, &h, why,
						     sizeof(why)), -errs[i]);
			fclose(f);
			if (!strstr(why, strerror(errs[i])) || strstr(why, "empty"))
				fail_msg("'%s' does not say '%s'", why, strerror(errs[i]));
			assert_int_equal(strncmp(why, "rec.ndjson: cannot read", 23), 0);
		}
	}
}

/* heatmap's input: a regular file, never a directory or a device. */
static void test_open_refuses_what_is_not_a_regular_file(void **state)
{
	char dir[] = "/tmp/labytrace-test-XXXXXX", why[256];
	FILE *f;

	f = record_open("/dev/zero", why, sizeof(why));
	if (f)
		fclose(f);
	assert_null(f);
	assert_string_equal(why, "/dev/zero is a character device, not a regular file");
	assert_non_null(mkdtemp(dir));
	f = record_open(dir, why, sizeof(why));
	assert_null(f);
	assert_non_null(strstr(why, " is a directory, not a regular file"));
	rmdir(dir);
	f = record_open("/nonexistent/rec.ndjson", why, sizeof(why));
	assert_null(f);
	assert_string_equal(why, "/nonexistent/rec.ndjson: No such file or directory");
}

/* Whatever bytes the recording's strings hold, the SVG is XML. */
static void test_svg_is_xml_whatever_the_recording_holds(void **state)
{
	struct record_select sel = { .metric = HEAT_ALLOCS };
	static const char text[] = "{\"type\":\"recording\",\"version\":1,\"time\":"
		"\"\\u0001\\u001b[2J\\ud800\\uffff\xff\\u00e9<&\"}\n"
		"{\"type\":\"interval\",\"allocs\":[{\"order\":0,\"allocs\":3}]}\n";
	char why[256], *svg;
	const unsigned char *p;
	struct heat h;
	struct mem m;

	assert_int_equal(read_text(text, &sel, &h, why, sizeof(why)), 0);
	mem_open(&m);
	assert_int_equal(heatmap_svg(m.f, &h, "T\x01\x7f", "s\x1b[2J"), 0);
	svg = mem_close(&m);
	heat_free(&h);
	/* printable ASCII and newlines only: no character XML 1.0 forbids */
	for (p = (const unsigned char *)svg; *p; p++)
		if (*p != '\n' && (*p < 0x20 || *p >= 0x7f))
			fail_msg("byte 0x%02x at %td", *p, (const char *)p - svg);
	assert_non_null(strstr(svg, "time since ??[2J"));
	assert_non_null(strstr(svg, "&lt;&amp;"));
	free(svg);
}

/* A day of one-second intervals is binned to the page: a small SVG. */
static void test_long_recordings_are_binned_to_the_page(void **state)
{
	const unsigned int cols = 86400, rows_used = 4;
	struct heat h = { .metric = HEAT_LATENCY, .rows = LT_NR_SLOTS, .cols = cols };
	unsigned int c, r, cells = 0, width;
	char *svg, *p;
	struct mem m;

	h.cells = calloc((size_t)cols * h.rows, sizeof(*h.cells));
	h.start_s = calloc(cols, sizeof(*h.start_s));
	assert_non_null(h.cells);
	assert_non_null(h.start_s);
	for (c = 0; c < cols; c++) {
		h.start_s[c] = c;
		for (r = 10; r < 10 + rows_used; r++)
			h.cells[(size_t)c * h.rows + r] = c % 7 + r;
		h.total += 4;
	}
	mem_open(&m);
	assert_int_equal(heatmap_svg(m.f, &h, "t", "s"), 0);
	svg = mem_close(&m);
	heat_free(&h);
	for (p = svg; (p = strstr(p, "<title>")); p++)
		cells++;
	assert_int_equal(sscanf(strstr(svg, "<svg "), "<svg xmlns=\"http://www.w3.org/2000/svg\" "
				"width=\"%u\"", &width), 1);
	print_message("# %u intervals: %zu bytes, %u cells, %u px wide\n", cols,
		      strlen(svg), cells, width);
	/* at most HEATMAP_MAX_COLUMNS columns, ~100 bytes a cell */
	assert_true(width <= 90 + HEATMAP_MAX_COLUMNS + 20);
	assert_true(cells <= HEATMAP_MAX_COLUMNS * rows_used);
	assert_true(strlen(svg) < 512 * 1024);
	/* the bins say how many intervals they sum */
	assert_non_null(strstr(svg, " intervals)"));
	free(svg);
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
		cmocka_unit_test(test_null_and_wrong_types_are_refused_not_crashes),
		cmocka_unit_test(test_cut_last_line_keeps_the_whole_intervals),
		cmocka_unit_test(test_lines_are_capped),
		cmocka_unit_test(test_read_errors_are_reported_as_such),
		cmocka_unit_test(test_open_refuses_what_is_not_a_regular_file),
		cmocka_unit_test(test_svg_is_xml_whatever_the_recording_holds),
		cmocka_unit_test(test_long_recordings_are_binned_to_the_page),
		cmocka_unit_test(test_colour_scale),
		cmocka_unit_test(test_svg),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
