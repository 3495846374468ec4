// SPDX-License-Identifier: GPL-2.0
/*
 * The exposition writers (classic text and OpenMetrics), labytrace's
 * families, the textfile and Accept negotiation, checked by a strict parser
 * (om_parse.c) that is itself tested here against broken inputs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "test.h"
#include "gfp.h"
#include "hist.h"
#include "expo.h"
#include "metrics.h"
#include "om_parse.h"
#include "textfile.h"

static struct gfp_table gfp;

static struct out_ctx ctx(void)
{
	struct out_ctx c = {
		.gfp = &gfp, .ctx_known = true, .have_latency = true,
		.have_failures = true, .have_violations = true,
		.held_over_ns = 5000000000ULL,
	};

	gfp_table_fallback(&gfp, KVER(6, 12), true);	/* the patched kernel */
	return c;
}

static struct lt_snapshot *sample_snapshot(void)
{
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	unsigned int k = lt_key(0, LT_ATOMIC, 1, LT_HARDIRQ);
	int i;

	for (i = 0; i < 1000; i++)
		hist_add_value(&s->latency[k], 100 + i * 7);
	hist_add_value(&s->latency[k], 1ULL << 38);	/* +Inf only */
	hist_add_value(&s->latency[lt_key(2, LT_MAYSLEEP, 0, LT_TASK)], 1500);
	s->counts[lt_count_key(k, 1)].allocs = 1001;
	s->counts[lt_count_key(k, 1)].fails = 3;
	s->counts[lt_count_key(k, 0)].allocs = 7;
	s->violations[LT_KIND_RELEASE][1] = 2;
	hist_add_value(&s->hold[LT_SOFTIRQ], 2000000);
	s->stats[LT_STAT_RB_FULL_FAILURE] = 5;
	s->held_now = 4;
	s->held_over = 1;
	return s;
}

static char *render_fmt(enum expo_format fmt, const struct out_ctx *c,
			const struct lt_snapshot *s)
{
	struct mem m;

	mem_open(&m);
	assert_int_equal(metrics_write(m.f, fmt, c, s), 0);
	return mem_close(&m);
}

static char *render(const struct out_ctx *c, const struct lt_snapshot *s)
{
	return render_fmt(EXPO_OPENMETRICS, c, s);
}

static void test_seconds(void **state)
{
	static const struct {
		unsigned long long ns;
		const char *s;
	} cases[] = {
		{ 0, "0.0" }, { 1, "0.000000001" }, { 512, "0.000000512" },
		{ 1536, "0.000001536" }, { 1000000, "0.001" },
		{ 1000000000ULL, "1.0" }, { 2000000000ULL, "2.0" },
		{ 17179869184ULL, "17.179869184" },
	};
	char buf[32];

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expo_seconds(buf, sizeof(buf), cases[i].ns);
		assert_string_equal(buf, cases[i].s);
	}
}

static void test_write_parses(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = sample_snapshot();
	struct om_result r;
	char *text = render(&c, s);

	if (om_parse(text, &r))
		fail_msg("%s", r.err);
	/* 2 latency series + 5 hold series (one per kind of owner) */
	assert_int_equal(r.histograms, 7);
	assert_non_null(strstr(text,
		"labytrace_page_alloc_latency_seconds_bucket{order=\"0\",class=\"atomic\","
		"exclusive=\"true\",context=\"hardirq\",le=\"+Inf\"} 1001\n"));
	assert_non_null(strstr(text,
		"labytrace_page_alloc_latency_seconds_count{order=\"0\",class=\"atomic\","
		"exclusive=\"true\",context=\"hardirq\"} 1001\n"));
	/* cumulative: 100 + 7i <= 4096 for 571 of the small samples, all <= 16.384 us */
	assert_non_null(strstr(text, "context=\"hardirq\",le=\"0.000004096\"} 571\n"));
	assert_non_null(strstr(text, "context=\"hardirq\",le=\"0.000016384\"} 1000\n"));
	/* every other log2 bound only, from 256 ns */
	assert_null(strstr(text, "le=\"0.000008192\""));
	assert_null(strstr(text, "le=\"0.000000128\""));
	assert_non_null(strstr(text, "le=\"0.000000256\"}"));
	assert_non_null(strstr(text, "le=\"17.179869184\"}"));
	/* expected failures (__GFP_NOWARN) apart from the ones warned about */
	assert_non_null(strstr(text, "labytrace_page_alloc_failures_total{order=\"0\","
				     "class=\"atomic\",exclusive=\"true\",context=\"hardirq\","
				     "nowarn=\"true\"} 3\n"));
	assert_non_null(strstr(text, "labytrace_page_alloc_failures_total{order=\"0\","
				     "class=\"atomic\",exclusive=\"true\",context=\"hardirq\","
				     "nowarn=\"false\"} 0\n"));
	assert_non_null(strstr(text, "labytrace_page_allocs_total{order=\"0\","
				     "class=\"atomic\",exclusive=\"true\",context=\"hardirq\","
				     "nowarn=\"false\"} 7\n"));
	assert_non_null(strstr(text, "labytrace_exclusive_violations_total{kind=\"release\",denied=\"true\"} 2\n"));
	assert_non_null(strstr(text, "labytrace_exclusive_held_pages 4\n"));
	/* a record dropped is no event lost: a family of its own */
	assert_non_null(strstr(text, "labytrace_dropped_records_total{reason=\"ringbuf_full_failure\"} 5\n"));
	assert_null(strstr(text, "labytrace_lost_events_total{reason=\"ringbuf_full_failure\""));
	assert_non_null(strstr(text, "labytrace_lost_events_total{reason=\"violation_unaggregated\"} 0\n"));
	assert_non_null(strstr(text, "# UNIT labytrace_page_alloc_latency_seconds seconds\n"));
	assert_int_equal(strcmp(text + strlen(text) - 6, "# EOF\n"), 0);
	free(text);
	free(s);
}

static void test_write_empty_and_partial(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct om_result r;
	char *text;

	text = render(&c, s);
	if (om_parse(text, &r))
		fail_msg("%s", r.err);
	free(text);

	/* a stock kernel: failures only */
	c.have_latency = c.have_violations = false;
	c.ctx_known = false;
	s->counts[lt_count_key(lt_key(0, LT_NOWAIT, 0, LT_TASK), 0)].allocs = 9;
	text = render(&c, s);
	if (om_parse(text, &r))
		fail_msg("%s", r.err);
	assert_null(strstr(text, "alloc_latency"));
	assert_null(strstr(text, "exclusive_"));
	assert_non_null(strstr(text, "context=\"unknown\",nowarn=\"false\"} 9\n"));
	free(text);
	free(s);
}

/* The checker must reject what a scraper would choke on. */
static void test_parser_is_strict(void **state)
{
	static const char *const bad[] = {
		"",
		"# TYPE a counter\na_total 1\n",
		"# TYPE a counter\na_total 1\n# EOF\nx\n",
		"# TYPE a counter\na 1\n# EOF\n",
		"# TYPE a counter\na_total -1\n# EOF\n",
		"a_total 1\n# EOF\n",
		"# TYPE a gauge\n# TYPE a gauge\n# EOF\n",
		"# TYPE a gauge\na 1\n# HELP a late\n# EOF\n",
		"# TYPE a gauge\nb 1\n# EOF\n",
		"# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n# EOF\n",
		"# TYPE a gauge\na{x=1} 1\n# EOF\n",
		"# TYPE a gauge\na one\n# EOF\n",
		"# TYPE a gauge\n\na 1\n# EOF\n",
		"# TYPE a_seconds histogram\n# UNIT a_seconds bytes\n# EOF\n",
		/* not cumulative */
		"# TYPE h histogram\nh_bucket{le=\"1.0\"} 5\nh_bucket{le=\"2.0\"} 4\n"
		"h_bucket{le=\"+Inf\"} 5\nh_count 5\nh_sum 1.0\n# EOF\n",
		/* +Inf != _count */
		"# TYPE h histogram\nh_bucket{le=\"1.0\"} 5\nh_bucket{le=\"+Inf\"} 5\n"
		"h_count 6\nh_sum 1.0\n# EOF\n",
		/* no +Inf */
		"# TYPE h histogram\nh_bucket{le=\"1.0\"} 5\nh_count 5\nh_sum 1.0\n# EOF\n",
		/* le not increasing */
		"# TYPE h histogram\nh_bucket{le=\"2.0\"} 1\nh_bucket{le=\"1.0\"} 1\n"
		"h_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1.0\n# EOF\n",
		/* no _sum */
		"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n# EOF\n",
	};
	static const char good[] =
		"# TYPE h_seconds histogram\n# UNIT h_seconds seconds\n# HELP h_seconds x y\n"
		"h_seconds_bucket{a=\"q\\\"\",le=\"0.5\"} 1\n"
		"h_seconds_bucket{a=\"q\\\"\",le=\"+Inf\"} 2\n"
		"h_seconds_sum{a=\"q\\\"\"} 3.5\nh_seconds_count{a=\"q\\\"\"} 2\n"
		"# TYPE c counter\nc_total 0\n# TYPE g gauge\ng -1.5\n# EOF\n";
	struct om_result r;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!om_parse(bad[i], &r))
			fail_msg("accepted bad input %u", i);
		assert_true(r.err[0] != '\0');
	}
	if (om_parse(good, &r))
		fail_msg("%s", r.err);
	assert_int_equal(r.families, 3);
	assert_int_equal(r.histograms, 1);
}

/*
 * The textfile's format: node_exporter's collector (expfmt's text parser)
 * types a counter only when its TYPE line names the samples, x_total; an
 * OpenMetrics "# TYPE x counter" made every labytrace counter "untyped".
 */
static void test_classic_format(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = sample_snapshot();
	struct om_result r;
	char *text = render_fmt(EXPO_CLASSIC, &c, s);

	if (prom_parse(text, &r))
		fail_msg("%s", r.err);
	assert_int_equal(r.histograms, 7);
	assert_non_null(strstr(text,
		"# HELP labytrace_page_allocs_total Page allocations seen (nowarn: with __GFP_NOWARN).\n"
		"# TYPE labytrace_page_allocs_total counter\n"
		"labytrace_page_allocs_total{order=\"0\",class=\"atomic\",exclusive=\"true\","
		"context=\"hardirq\",nowarn=\"false\"} 7\n"));
	assert_non_null(strstr(text, "# TYPE labytrace_page_alloc_failures_total counter\n"));
	assert_non_null(strstr(text, "# TYPE labytrace_exclusive_violations_total counter\n"));
	assert_non_null(strstr(text, "# TYPE labytrace_lost_events_total counter\n"));
	assert_non_null(strstr(text, "# TYPE labytrace_exclusive_acquired_total counter\n"
				     "labytrace_exclusive_acquired_total 0\n"));
	assert_non_null(strstr(text, "# TYPE labytrace_exclusive_held_pages gauge\n"
				     "labytrace_exclusive_held_pages 4\n"));
	assert_non_null(strstr(text, "# TYPE labytrace_page_alloc_latency_seconds histogram\n"));
	assert_non_null(strstr(text, "labytrace_exclusive_hold_seconds_sum{context=\"softirq\"} 0.002\n"));
	assert_non_null(strstr(text, "labytrace_exclusive_hold_seconds_bucket{context=\"softirq\","
				     "le=\"0.004194304\"} 1\n"));
	/* nothing the classic parser does not know */
	assert_null(strstr(text, "# UNIT"));
	assert_null(strstr(text, "# TYPE labytrace_page_allocs counter"));
	/* the OpenMetrics text of the same snapshot is not valid classic text */
	free(text);
	text = render(&c, s);
	assert_int_not_equal(prom_parse(text, &r), 0);
	free(text);
	free(s);
}

/*
 * --no-rates: no allocation counts, so no labytrace_page_allocs family;
 * a failure series appears with its first failure.
 */
static void test_no_rates(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	unsigned int k = lt_key(3, LT_ATOMIC, 0, LT_SOFTIRQ);
	struct om_result r;
	char *text;

	c.have_latency = c.have_violations = false;
	c.no_rates = true;
	s->counts[lt_count_key(k, 0)].fails = 2;
	text = render(&c, s);
	if (om_parse(text, &r))
		fail_msg("%s", r.err);
	assert_null(strstr(text, "labytrace_page_allocs"));
	assert_non_null(strstr(text,
		"labytrace_page_alloc_failures_total{order=\"3\",class=\"atomic\",exclusive=\"false\","
		"context=\"softirq\",nowarn=\"false\"} 2\n"));
	free(text);
	free(s);
}

/*
 * When the counts were read, in both formats: a textfile that stopped
 * being replaced (a full disk, labytrace gone) shows as time() minus it.
 */
static void test_last_update_timestamp(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = sample_snapshot();
	struct om_result r;
	char *text;

	s->ts_ns = 5000123456789ULL;			/* monotonic */
	c.mono_to_real_ns = 1765000000000000000LL - 5000000000000LL;
	text = render_fmt(EXPO_CLASSIC, &c, s);
	if (prom_parse(text, &r))
		fail_msg("%s", r.err);
	assert_non_null(strstr(text,
		"# HELP labytrace_last_update_timestamp_seconds When labytrace last read "
		"the kernel's counts, in seconds since the epoch.\n"
		"# TYPE labytrace_last_update_timestamp_seconds gauge\n"
		"labytrace_last_update_timestamp_seconds 1765000000.123\n"));
	free(text);
	text = render(&c, s);
	if (om_parse(text, &r))
		fail_msg("%s", r.err);
	assert_non_null(strstr(text,
		"# TYPE labytrace_last_update_timestamp_seconds gauge\n"
		"# UNIT labytrace_last_update_timestamp_seconds seconds\n"));
	assert_non_null(strstr(text, "\nlabytrace_last_update_timestamp_seconds 1765000000.123\n"));
	free(text);
	/* a failures-only run has it too */
	c.have_latency = c.have_violations = false;
	text = render_fmt(EXPO_CLASSIC, &c, s);
	assert_non_null(strstr(text, "\nlabytrace_last_update_timestamp_seconds 1765000000.123\n"));
	free(text);
	free(s);
}

/* Label values and HELP escaped as each format wants (owner names will be the kernel's). */
static void test_escaping(void **state)
{
	struct expo_labels l = {};
	struct expo e;
	struct mem m;
	char *text;

	expo_label(&l, "owner", "rx \"q0\" \\ \nx");
	mem_open(&m);
	expo_begin(&e, m.f, EXPO_CLASSIC);
	expo_family(&e, "t", EXPO_GAUGE, NULL, "say \"hi\" \\ bye\nnext");
	expo_value(&e, &l, 1);
	expo_family(&e, "u", EXPO_COUNTER, NULL, "u");
	expo_value(&e, NULL, 2);
	assert_int_equal(expo_end(&e), 0);
	text = mem_close(&m);
	assert_string_equal(text,
		"# HELP t say \"hi\" \\\\ bye\\nnext\n"
		"# TYPE t gauge\n"
		"t{owner=\"rx \\\"q0\\\" \\\\ \\nx\"} 1\n"
		"# HELP u_total u\n"
		"# TYPE u_total counter\n"
		"u_total 2\n"
		"# EOF\n");
	assert_int_equal(e.samples, 2);
	free(text);

	mem_open(&m);
	expo_begin(&e, m.f, EXPO_OPENMETRICS);
	expo_family(&e, "t", EXPO_GAUGE, NULL, "say \"hi\" \\ bye\nnext");
	expo_value(&e, &l, 1);
	expo_family(&e, "u", EXPO_COUNTER, NULL, "u");
	expo_value(&e, NULL, 2);
	assert_int_equal(expo_end(&e), 0);
	text = mem_close(&m);
	assert_string_equal(text,
		"# TYPE t gauge\n"
		"# HELP t say \\\"hi\\\" \\\\ bye\\nnext\n"
		"t{owner=\"rx \\\"q0\\\" \\\\ \\nx\"} 1\n"
		"# TYPE u counter\n"
		"# HELP u u\n"
		"u_total 2\n"
		"# EOF\n");
	free(text);
}

/*
 * Per-owner families: an object owner by its name, a task by tgid and comm,
 * and past METRICS_MAX_OWNERS one owner="other" that keeps the sums whole.
 */
static void test_owner_families(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = sample_snapshot();
	struct owner_table *ot = calloc(1, sizeof(*ot));
	unsigned long long acquired = 0;
	unsigned int i, n = METRICS_MAX_OWNERS + 5;
	struct om_result r;
	char *text, *p;

	assert_non_null(ot);
	for (i = 0; i < n; i++) {
		struct owner_row *o = &ot->rows[ot->n++];

		o->key = lt_owner_key(i ? LT_TASK : LT_OBJECT, i ? 1000 + i : 7);
		snprintf(o->o.name, sizeof(o->o.name), i ? "worker%u" : "e2e rx0", i);
		o->o.acquired = 100 - i;	/* the view order: i */
		o->o.released = 90 - i;
		o->o.violations[LT_KIND_FREE] = i == 0 ? 3 : 0;
		acquired += o->o.acquired;
		hist_add_value(&o->o.hold, 2000000);
	}
	ot->rows[0].held = 10;
	ot->rows[0].held_pages = 40;
	owners_sort_key(ot);
	owners_sort_view(ot);
	owners_export_new(ot);
	s->owners = ot;
	text = render(&c, s);
	if (om_parse(text, &r))
		fail_msg("%s", r.err);
	assert_non_null(strstr(text, "labytrace_owner_held{owner=\"e2e rx0 (object 7)\","
				     "owner_kind=\"object\"} 10\n"));
	assert_non_null(strstr(text, "labytrace_owner_held_pages{owner=\"e2e rx0 (object 7)\","
				     "owner_kind=\"object\"} 40\n"));
	assert_non_null(strstr(text, "labytrace_owner_acquired_total{owner=\"e2e rx0 (object 7)\","
				     "owner_kind=\"object\"} 100\n"));
	assert_non_null(strstr(text, "labytrace_owner_violations_total{owner=\"e2e rx0 (object 7)\","
				     "owner_kind=\"object\",kind=\"free\"} 3\n"));
	/* a task by its tgid alone: its comm in an info series */
	assert_non_null(strstr(text, "labytrace_owner_acquired_total{owner=\"task:1001\","
				     "owner_kind=\"task\"} 99\n"));
	assert_non_null(strstr(text, "labytrace_owner_info{owner=\"task:1001\","
				     "owner_kind=\"task\",comm=\"worker1\"} 1\n"));
	assert_null(strstr(text, "(worker1)"));
	assert_non_null(strstr(text, "labytrace_owner_hold_seconds_count{owner=\"e2e rx0 (object 7)\","
				     "owner_kind=\"object\"} 1\n"));
	/* the last 5 owners (acquired 68..64) are summed as "other" */
	assert_null(strstr(text, "task:1033\""));
	assert_non_null(strstr(text, "labytrace_owner_acquired_total{owner=\"other\","
				     "owner_kind=\"other\"} 330\n"));
	assert_non_null(strstr(text, "labytrace_owner_hold_seconds_count{owner=\"other\","
				     "owner_kind=\"other\"} 5\n"));
	/* so every owner's acquisitions are in the sum */
	for (p = text; (p = strstr(p, "\nlabytrace_owner_acquired_total{")); p++)
		acquired -= strtoull(strchr(p, '}') + 2, NULL, 10);
	assert_int_equal(acquired, 0);
	free(text);
	free(ot);
	free(s);
}

/* The samples of a classic text: "name{labels}" and its value, in order. */
struct samples {
	unsigned int n;
	char *key[2048];
	double v[2048];
};

static void samples_read(const char *text, struct samples *ss)
{
	const char *line, *end, *sp;

	ss->n = 0;
	for (line = text; *line; line = end + 1) {
		end = strchr(line, '\n');
		assert_non_null(end);
		if (*line == '#')
			continue;
		sp = memrchr(line, ' ', end - line);
		assert_non_null(sp);
		assert_true(ss->n < 2048);
		ss->key[ss->n] = strndup(line, sp - line);
		ss->v[ss->n++] = strtod(sp + 1, NULL);
	}
}

static void samples_free(struct samples *ss)
{
	while (ss->n)
		free(ss->key[--ss->n]);
}

/* A counter's samples: x_total, and a histogram's _bucket, _sum, _count. */
static bool is_counter_sample(const char *key, const char *text)
{
	char name[128], fam[160];
	size_t len = strcspn(key, "{");

	snprintf(name, sizeof(name), "%.*s", (int)len, key);
	if (len > 6 && !strcmp(name + len - 6, "_total"))
		return true;
	for (const char *suffix = "_bucket\0_sum\0_count\0"; *suffix; suffix += strlen(suffix) + 1) {
		size_t sl = strlen(suffix);

		if (len > sl && !strcmp(name + len - sl, suffix)) {
			snprintf(fam, sizeof(fam), "# TYPE %.*s histogram\n", (int)(len - sl), name);
			return strstr(text, fam) != NULL;
		}
	}
	return false;
}

/*
 * More owners than are exported, their order changing every interval, some
 * tasks named only later: every counter sample only ever grows, and the
 * owners' acquisitions still add up to the total.
 */
static void test_owner_counters_never_go_back(void **state)
{
	const unsigned int nr = METRICS_MAX_OWNERS + 8, intervals = 12;
	struct out_ctx c = ctx();
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct owner_table *prev = calloc(1, sizeof(*prev)), *cur, *tmp;
	struct samples *old = calloc(1, sizeof(*old)), *now = calloc(1, sizeof(*now)), *swap;
	unsigned long long total;
	unsigned int i, k, j, checked = 0, series;
	char *text, *p;

	cur = calloc(1, sizeof(*cur));
	assert_non_null(s);
	assert_non_null(prev);
	assert_non_null(cur);
	assert_non_null(old);
	assert_non_null(now);
	for (k = 0; k < intervals; k++) {
		/* as the tracer reads them: rows in the map's order, counts grown */
		memset(cur, 0, sizeof(*cur));
		total = 0;
		for (i = 0; i < nr - (k < 4 ? 6 : 0); i++) {
			struct owner_row *o = &cur->rows[cur->n++];

			o->key = lt_owner_key(i % 3 ? LT_TASK : LT_OBJECT, 100 + i);
			if (i % 3 == 0)
				snprintf(o->o.name, sizeof(o->o.name), "eth0 rx%u", i);
			else if (k >= 2)	/* a comm found in /proc later */
				snprintf(o->o.name, sizeof(o->o.name), "worker%u", i);
			o->o.acquired = 1000 + k * (1 + (i * 37) % nr) + k * k * (i % 3);
			o->o.released = o->o.acquired / 2;
			o->o.violations[LT_KIND_FREE] = k * (i % 5);
			for (j = 0; j <= k; j++)
				hist_add_value(&o->o.hold, 1000ULL << (i % 20));
			total += o->o.acquired;
		}
		owners_sort_key(cur);
		owners_keep(cur, prev);
		/* what each holds now: a ranking that moves every interval */
		for (i = 0; i < cur->n; i++) {
			cur->rows[i].held = (i * 7 + k * 13) % nr;
			cur->rows[i].held_pages = cur->rows[i].held;
		}
		owners_sort_view(cur);
		owners_export_new(cur);
		s->owners = cur;
		text = render_fmt(EXPO_CLASSIC, &c, s);
		samples_read(text, now);
		/* every counter that was there is still there, no smaller */
		for (i = 0; i < old->n; i++) {
			if (!is_counter_sample(old->key[i], text))
				continue;
			for (j = 0; j < now->n && strcmp(now->key[j], old->key[i]); j++)
				;
			if (j == now->n)
				fail_msg("interval %u: %s vanished", k, old->key[i]);
			if (now->v[j] < old->v[i])
				fail_msg("interval %u: %s went back from %.0f to %.0f", k,
					 old->key[i], old->v[i], now->v[j]);
			checked++;
		}
		/* at most METRICS_MAX_OWNERS owners and "other", adding up */
		series = 0;
		for (p = text; (p = strstr(p, "\nlabytrace_owner_acquired_total{")); p++) {
			total -= strtoull(strchr(p, '}') + 2, NULL, 10);
			series++;
		}
		assert_int_equal(total, 0);
		assert_true(series <= METRICS_MAX_OWNERS + 1);
		free(text);
		samples_free(old);
		swap = old;
		old = now;
		now = swap;
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	print_message("# %u counter samples compared with the interval before\n", checked);
	samples_free(old);
	free(old);
	free(now);
	free(prev);
	free(cur);
	free(s);
}

/* Every key seen at once: the worst case the man page states. */
static void test_worst_case_series(void **state)
{
	struct out_ctx c = ctx();
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct owner_table *ot;
	char want[64], *man = NULL, path[512];
	bool found;
	const char *fixtures = getenv("LABYTRACE_FIXTURES");
	unsigned int i;
	unsigned long lines = 0;
	struct om_result r;
	struct mem m;
	struct expo e;
	size_t cap = 0;
	FILE *f;
	char *text;

	assert_non_null(s);
	for (i = 0; i < LT_NR_KEYS; i++)
		hist_add_value(&s->latency[i], 1000 + i);
	for (i = 0; i < LT_NR_COUNTS; i++)
		s->counts[i].allocs = 1 + i;
	for (i = 0; i < LT_NR_OWNER_CTX; i++)
		hist_add_value(&s->hold[i], 1000000);
	/* more owners than are exported, each with every kind of violation */
	ot = calloc(1, sizeof(*ot));
	assert_non_null(ot);
	for (i = 0; i < 3 * METRICS_MAX_OWNERS; i++) {
		struct owner_row *o = &ot->rows[ot->n++];

		/* tasks with a comm: an info series each, the most */
		o->key = lt_owner_key(LT_TASK, i);
		snprintf(o->o.name, sizeof(o->o.name), "worker%u", i);
		o->o.acquired = 10 + i;
		for (unsigned int k = 0; k < LT_NR_KINDS; k++)
			o->o.violations[k] = 1;
		hist_add_value(&o->o.hold, 1000 * (i + 1));
	}
	owners_sort_key(ot);
	owners_sort_view(ot);
	owners_export_new(ot);
	s->owners = ot;
	text = render_fmt(EXPO_CLASSIC, &c, s);
	if (prom_parse(text, &r))
		fail_msg("%s", r.err);
	for (char *p = text; *p; p++)
		lines += *p == '\n' && p[1] && p[1] != '#';
	lines += text[0] != '#';
	assert_int_equal(r.samples, METRICS_MAX_SERIES);
	assert_int_equal(lines, METRICS_MAX_SERIES);
	assert_int_equal(METRICS_MAX_SERIES, 7150);
	print_message("# worst case: %d series (the kernel's 36 buckets made %d)\n",
		      r.samples, (LT_NR_KEYS + LT_NR_CTX) * (LT_NR_SLOTS + 2) +
		      2 * LT_NR_COUNTS + 24);
	free(text);
	/* the expo count agrees */
	mem_open(&m);
	expo_begin(&e, m.f, EXPO_CLASSIC);
	expo_family(&e, "h", EXPO_HISTOGRAM, NULL, "h");
	expo_histogram(&e, NULL, &s->hold[0], (unsigned int[]){ 8, 10 }, 2);
	expo_end(&e);
	free(mem_close(&m));
	assert_int_equal(e.samples, 5);
	free(s);
	free(ot);

	/* and the man page says so */
	assert_non_null(fixtures);
	snprintf(path, sizeof(path), "%s/../../../../Documentation/labytrace.8", fixtures);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(getdelim(&man, &cap, '\0', f) > 0);
	fclose(f);
	snprintf(want, sizeof(want), "at most %d series", METRICS_MAX_SERIES);
	found = strstr(man, want) != NULL;
	free(man);
	if (!found)
		fail_msg("labytrace.8 does not say '%s'", want);
}

/* Accept headers as Prometheus, node_exporter's clients and curl send them. */
static void test_negotiate(void **state)
{
	static const struct {
		const char *accept;
		enum expo_format fmt;
	} cases[] = {
		{ NULL, EXPO_CLASSIC },
		{ "", EXPO_CLASSIC },
		{ "*/*", EXPO_CLASSIC },
		{ "text/plain", EXPO_CLASSIC },
		{ "garbage", EXPO_CLASSIC },
		{ "application/json", EXPO_CLASSIC },
		/* Prometheus 2.42's scrape */
		{ "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
		  "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
		  EXPO_OPENMETRICS },
		{ "application/openmetrics-text", EXPO_OPENMETRICS },
		{ "Application/OpenMetrics-Text; version=\"1.0.0\"", EXPO_OPENMETRICS },
		/* a preference for the classic format wins */
		{ "application/openmetrics-text;q=0.3, text/plain;version=0.0.4",
		  EXPO_CLASSIC },
		{ "text/plain;q=0.2, application/openmetrics-text;q=0.9", EXPO_OPENMETRICS },
		/* refused, or of a version we do not write */
		{ "application/openmetrics-text;q=0", EXPO_CLASSIC },
		{ "application/openmetrics-text;version=2.0.0", EXPO_CLASSIC },
		{ "application/openmetrics-text;q=abc", EXPO_CLASSIC },
		{ "application/openmetrics-text;q=1.5", EXPO_CLASSIC },
		{ "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
		  "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3", EXPO_CLASSIC },
		{ ",,;;,application/openmetrics-text", EXPO_OPENMETRICS },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (expo_negotiate(cases[i].accept) != cases[i].fmt)
			fail_msg("Accept: %s: wrong format", cases[i].accept ? cases[i].accept : "(none)");
	assert_non_null(strstr(expo_content_type(EXPO_CLASSIC), "text/plain; version=0.0.4"));
	assert_non_null(strstr(expo_content_type(EXPO_OPENMETRICS),
			       "application/openmetrics-text; version=1.0.0"));
}

/* The classic checker rejects what node_exporter would mistype. */
static void test_classic_parser_is_strict(void **state)
{
	static const char *const bad[] = {
		/* the defect: OpenMetrics counter naming */
		"# HELP a x\n# TYPE a counter\na_total 1\n# EOF\n",
		"# HELP a x\n# TYPE a gauge\n# UNIT a seconds\n# EOF\n",
		"# TYPE a gauge\na 1\n# EOF\n",
		"# HELP a x\n# HELP b x\n# TYPE b gauge\n# EOF\n",
		"# HELP a x\n# TYPE b gauge\n# EOF\n",
		"# HELP a x\n# EOF\n",
		"# HELP a x\na 1\n# TYPE a gauge\n# EOF\n",
	};
	static const char good[] =
		"# HELP a_total x\n# TYPE a_total counter\na_total{x=\"1\"} 2\n"
		"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1.0\"} 1\n"
		"h_bucket{le=\"+Inf\"} 1\nh_sum 0.5\nh_count 1\n# EOF\n";
	struct om_result r;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!prom_parse(bad[i], &r))
			fail_msg("accepted bad input %u", i);
	if (prom_parse(good, &r))
		fail_msg("%s", r.err);
	assert_int_equal(r.histograms, 1);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Everything @fd has from its current offset; never NULL. */
static char *slurp_open_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	ssize_t n;

	assert_non_null(buf);
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			buf = realloc(buf, (cap *= 2) + 1);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

/* @path's text, with the descriptor left open in @fd and its stat. */
static char *slurp_fd(const char *path, int *fd, struct stat *st)
{
	*fd = open(path, O_RDONLY);
	assert_true(*fd >= 0);
	assert_int_equal(fstat(*fd, st), 0);
	return slurp_open_fd(*fd);
}

static void test_publish_atomic(void **state)
{
	char dir[] = "/tmp/labytrace-om-XXXXXX", path[256], why[256], *text;
	char *old, *again;
	struct out_ctx c = ctx();
	struct lt_snapshot *s = sample_snapshot();
	struct om_result r;
	struct stat st, old_st;
	int old_fd;
	FILE *f;
	long len;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/labytrace.prom", dir);
	assert_int_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	/* A reader that opened the old version keeps all of it. */
	old = slurp_fd(path, &old_fd, &old_st);
	s->counts[lt_count_key(lt_key(0, LT_ATOMIC, 1, LT_HARDIRQ), 1)].fails = 4;
	assert_int_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	/* replaced by a new file, no temporary file left behind */
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_true(st.st_ino != old_st.st_ino);
	assert_int_equal(lseek(old_fd, 0, SEEK_SET), 0);
	again = slurp_open_fd(old_fd);
	assert_string_equal(again, old);
	assert_null(strstr(again, "context=\"hardirq\",nowarn=\"true\"} 4\n"));
	free(again);
	free(old);

	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, len + 1);
	assert_int_equal(fread(text, 1, len, f), (size_t)len);
	fclose(f);
	/* node_exporter's textfile collector parses the classic format only */
	if (prom_parse(text, &r))
		fail_msg("%s", r.err);
	assert_non_null(strstr(text, "context=\"hardirq\",nowarn=\"true\"} 4\n"));
	free(text);
	close(old_fd);

	/* a directory that does not exist: an error, nothing created */
	snprintf(path, sizeof(path), "%s/missing/x.prom", dir);
	assert_int_not_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "No such file or directory"));
	snprintf(path, sizeof(path), "%s/labytrace.prom", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	free(s);
}

/*
 * labytrace runs as root: --prometheus /dev/null must not replace the
 * system's /dev/null with a metrics file.  Whatever is not a regular file
 * is left alone (a symbolic link too: the link, not its target, would be
 * replaced), with a reason that says so.
 */
static void test_publish_refuses_non_regular(void **state)
{
	char dir[] = "/tmp/labytrace-om-XXXXXX", path[300], target[300], why[512];
	struct out_ctx c = ctx();
	struct lt_snapshot *s = sample_snapshot();
	struct stat st;
	int fd, entries = 0;
	char *text;

	assert_non_null(mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/target", dir);
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old\n", 4), 4);
	close(fd);
	entries++;

	snprintf(path, sizeof(path), "%s/link", dir);
	assert_int_equal(symlink(target, path), 0);
	entries++;
	assert_int_not_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	if (!strstr(why, "is a symbolic link, not a regular file"))
		fail_msg("%s", why);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = slurp_fd(target, &fd, &st);
	close(fd);
	assert_string_equal(text, "old\n");
	free(text);
	assert_null(textfile_target_problem(target));

	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	entries++;
	assert_int_not_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "is a FIFO, not a regular file"));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));

	snprintf(path, sizeof(path), "%s/dir", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	entries++;
	assert_int_not_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "is a directory, not a regular file"));

	/* /dev/null's twin, where this may make one (root, as in make check) */
	snprintf(path, sizeof(path), "%s/null", dir);
	if (!mknod(path, S_IFCHR | 0666, makedev(1, 3))) {
		entries++;
		assert_int_not_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
		assert_non_null(strstr(why, "is a character device, not a regular file"));
		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	} else {
		print_message("# no character device case: mknod: %s\n", strerror(errno));
	}
	/* nothing was replaced, and no temporary file is left behind */
	assert_int_equal(count_entries(dir), entries);
	unlink(path);

	/* a missing file or a regular one is fine */
	snprintf(path, sizeof(path), "%s/new.prom", dir);
	assert_null(textfile_target_problem(path));
	assert_int_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	assert_null(textfile_target_problem(path));

	unlink(path);
	snprintf(path, sizeof(path), "%s/dir", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/link", dir);
	unlink(path);
	unlink(target);
	assert_int_equal(rmdir(dir), 0);
	free(s);
}

/*
 * A scraper that reads the file while labytrace rewrites it must only ever
 * see a whole version: with rename() it gets the old inode or the new one,
 * never a truncated or half-written file.
 */
#define PUBLISHES	2000
#define SHAPES		8

/*
 * Version @v: @v in a gauge, and 1 + v % SHAPES latency series, so that
 * consecutive versions differ in size.
 */
static void version_snapshot(struct lt_snapshot *s, unsigned long v)
{
	unsigned int i, k;

	memset(s, 0, sizeof(*s));
	for (i = 0; i <= v % SHAPES; i++) {
		k = lt_key(i, LT_ATOMIC, 1, LT_SOFTIRQ);
		hist_add_value(&s->latency[k], 100ULL << i);
		s->counts[lt_count_key(k, 0)].allocs = v + i;
	}
	s->held_now = v;
}

struct reader {
	const char *path;
	const struct out_ctx *c;
	atomic_bool stop;
	unsigned long reads, versions;
	char why[512];			/* first problem seen; empty if none */
};

/* The whole file as one string, read the way a collector reads it. */
static char *slurp(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			char *p = realloc(buf, (cap *= 2) + 1);

			if (!p)
				break;
			buf = p;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* No cmocka in here: its asserts longjmp, and only from the test's thread. */
static void *reader_main(void *arg)
{
	static const char gauge[] = "\nlabytrace_exclusive_held_pages ";
	struct reader *rd = arg;
	struct lt_snapshot *s = malloc(sizeof(*s));
	unsigned long v, last = ~0UL;
	struct om_result r;
	char *text, *want, *p;
	size_t len;
	FILE *f;

	while (s && !atomic_load(&rd->stop)) {
		text = slurp(rd->path);
		if (!text) {
			snprintf(rd->why, sizeof(rd->why), "read %lu: %s", rd->reads,
				 strerror(errno));
			break;
		}
		rd->reads++;
		if (prom_parse(text, &r)) {
			snprintf(rd->why, sizeof(rd->why), "read %lu (%zu bytes): %s",
				 rd->reads, strlen(text), r.err);
			free(text);
			break;
		}
		/* Which version this is, and is it all of that version? */
		p = strstr(text, gauge);
		v = p ? strtoul(p + sizeof(gauge) - 1, NULL, 10) : ~0UL;
		version_snapshot(s, v);
		want = NULL;
		f = open_memstream(&want, &len);
		if (!f || metrics_write(f, EXPO_CLASSIC, rd->c, s) || fclose(f) ||
		    strcmp(text, want)) {
			snprintf(rd->why, sizeof(rd->why),
				 "read %lu: not version %lu as written", rd->reads, v);
			free(want);
			free(text);
			break;
		}
		rd->versions += v != last;
		last = v;
		free(want);
		free(text);
	}
	free(s);
	return NULL;
}

static void test_publish_concurrent_reader(void **state)
{
	char dir[] = "/tmp/labytrace-om-XXXXXX", path[256], why[256];
	struct out_ctx c = ctx();
	struct lt_snapshot *s = malloc(sizeof(*s));
	struct reader rd = { .path = path, .c = &c };
	pthread_t t;
	unsigned int v;

	assert_non_null(s);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/labytrace.prom", dir);
	version_snapshot(s, 0);
	assert_int_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);

	assert_int_equal(pthread_create(&t, NULL, reader_main, &rd), 0);
	for (v = 1; v < PUBLISHES && !rd.why[0]; v++) {
		version_snapshot(s, v);
		assert_int_equal(textfile_publish(path, &c, s, why, sizeof(why)), 0);
	}
	atomic_store(&rd.stop, true);
	assert_int_equal(pthread_join(t, NULL), 0);
	print_message("# %u publishes, %lu reads, %lu versions seen\n", v,
		      rd.reads, rd.versions);
	free(s);
	assert_int_equal(count_entries(dir), 1);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	if (rd.why[0])
		fail_msg("the reader saw a partial file: %s", rd.why);
	/* it did read while the writer wrote, or this proved nothing */
	assert_true(rd.versions > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_write_parses),
		cmocka_unit_test(test_write_empty_and_partial),
		cmocka_unit_test(test_parser_is_strict),
		cmocka_unit_test(test_classic_format),
		cmocka_unit_test(test_no_rates),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_last_update_timestamp),
		cmocka_unit_test(test_owner_families),
		cmocka_unit_test(test_owner_counters_never_go_back),
		cmocka_unit_test(test_worst_case_series),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_classic_parser_is_strict),
		cmocka_unit_test(test_publish_atomic),
		cmocka_unit_test(test_publish_refuses_non_regular),
		cmocka_unit_test(test_publish_concurrent_reader),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
