// SPDX-License-Identifier: GPL-2.0
/* Option parsing: every option, and one clear line for each bad input. */
#include "test.h"
#include "labytrace.h"
#include "options.h"

struct run {
	struct options o;
	int ret;
	char *out, *err;
};

/* Parse @argv, capturing both streams. */
static void parse_argv(struct run *r, int argc, char **argv)
{
	struct mem out, err;

	mem_open(&out);
	mem_open(&err);
	options_init(&r->o);
	r->ret = options_parse(&r->o, argc, argv, out.f, err.f);
	r->out = mem_close(&out);
	r->err = mem_close(&err);
}

/* Parse a NULL-terminated argument list, capturing both streams. */
static void parse(struct run *r, ...)
{
	char *argv[48] = { "labytrace" };
	int argc = 1;
	va_list ap;

	va_start(ap, r);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	parse_argv(r, argc, argv);
}

static void done(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_defaults(void **state)
{
	struct run r;

	parse(&r, NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.modes, MODE_ALL);
	assert_true(r.o.all_modes);
	assert_int_equal(r.o.interval_ns, 1000000000ULL);
	assert_int_equal(r.o.duration_ns, 0);
	assert_false(r.o.json);
	assert_null(r.o.prometheus);
	assert_int_equal(r.o.pid, 0);
	assert_int_equal(r.o.cpu, -1);
	assert_int_equal(r.o.order, -1);
	assert_int_equal(r.o.gfp_class, -1);
	assert_int_equal(r.o.ctx, -1);
	assert_int_equal(r.o.held_over_ns, 5000000000ULL);
	assert_int_equal(r.o.held_top, 10);
	/* 4 MB of kernel memory; a 100 Gbit/s NIC's rings ask for more */
	assert_int_equal(r.o.held_max, 32768);
	/* owner stacks cost most of an acquire: asked for, not given */
	assert_false(r.o.owner_stacks);
	assert_int_equal(r.o.lat_source, LATSRC_AUTO);
	assert_string_equal(r.err, "");
	done(&r);
}

static void test_modes(void **state)
{
	struct run r;

	parse(&r, "latency", NULL);
	assert_int_equal(r.o.modes, MODE_LATENCY);
	assert_false(r.o.all_modes);
	done(&r);
	parse(&r, "-j", "failures", "-d", "3", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.modes, MODE_FAILURES);
	assert_true(r.o.json);
	assert_int_equal(r.o.duration_ns, 3000000000ULL);
	done(&r);
	parse(&r, "violations", NULL);
	assert_int_equal(r.o.modes, MODE_VIOLATIONS);
	done(&r);
}

static void test_all_options(void **state)
{
	struct run r;

	/* every option at once: no mode, so every mode's options apply */
	parse(&r, "-i", "250ms", "-d", "1.5", "--json",
	      "--prometheus", "/tmp/x.prom", "-p", "42", "-C", "3",
	      "--order", "2", "--gfp", "atomic", "--context", "softirq",
	      "--exclusive", "--warned-only", "--held-over", "2s", "--held-top", "5", "--held-max", "1000000",
	      "--owner-stacks", "--latency-source", "fentry", "--violation-records", "7", "-v", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.interval_ns, 250000000ULL);
	assert_int_equal(r.o.duration_ns, 1500000000ULL);
	assert_true(r.o.json);
	assert_string_equal(r.o.prometheus, "/tmp/x.prom");
	assert_int_equal(r.o.pid, 42);
	assert_int_equal(r.o.cpu, 3);
	assert_int_equal(r.o.order, 2);
	assert_int_equal(r.o.gfp_class, LT_ATOMIC);
	assert_int_equal(r.o.gfp_mask, 0);
	assert_int_equal(r.o.ctx, LT_SOFTIRQ);
	assert_true(r.o.exclusive);
	assert_true(r.o.warned_only);
	assert_int_equal(r.o.held_over_ns, 2000000000ULL);
	assert_int_equal(r.o.held_top, 5);
	assert_int_equal(r.o.held_max, 1000000);
	assert_true(r.o.owner_stacks);
	assert_int_equal(r.o.lat_source, LATSRC_FENTRY);
	assert_int_equal(r.o.violation_records, 7);
	assert_int_equal(r.o.failure_records, LT_FAIL_RECORDS);
	assert_true(r.o.verbose);
	done(&r);

	parse(&r, "--gfp=0x820", "--context=hardirq", "--interval=2", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.gfp_mask, 0x820);
	assert_int_equal(r.o.gfp_class, -1);
	assert_int_equal(r.o.ctx, LT_HARDIRQ);
	assert_int_equal(r.o.interval_ns, 2000000000ULL);
	done(&r);
	parse(&r, "--gfp", "kernel", NULL);
	assert_int_equal(r.o.gfp_class, LT_MAYSLEEP);
	done(&r);
}

/* --no-rates: failures alone, while tracing; one line anywhere else. */
static void test_no_rates_is_for_failures_alone(void **state)
{
	struct run r;

	parse(&r, "failures", "--no-rates", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_true(r.o.no_rates);
	done(&r);
	parse(&r, "--no-rates", NULL);
	assert_int_equal(r.ret, OPTIONS_BAD);
	assert_string_equal(r.err, "labytrace: --no-rates is for failures without latency, "
			    "which counts every allocation anyway\n");
	done(&r);
	parse(&r, "latency", "failures", "--no-rates", NULL);
	assert_int_equal(r.ret, OPTIONS_BAD);
	done(&r);
	parse(&r, "violations", "--no-rates", NULL);
	assert_int_equal(r.ret, OPTIONS_BAD);
	assert_string_equal(r.err, "labytrace: --no-rates is for tracing failures, not violations\n");
	done(&r);
	parse(&r, "record", "-o", "/tmp/x", "failures", "--no-rates", NULL);
	assert_int_equal(r.ret, OPTIONS_BAD);
	assert_string_equal(r.err, "labytrace: --no-rates is for tracing failures, not record\n");
	done(&r);
}

/* options_filtered(): false with no filter, true with any one of them. */
static void test_filtered_means_any_filter_given(void **state)
{
	static const char *const filters[][2] = {
		{ "-p", "42" }, { "-C", "0" }, { "--order", "0" },
		{ "--gfp", "atomic" }, { "--gfp", "0x20" },
		{ "--context", "task" }, { "--exclusive", NULL },
		{ "--warned-only", NULL },
	};
	struct run r;
	size_t i;

	parse(&r, NULL);
	assert_false(options_filtered(&r.o));
	done(&r);
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		parse(&r, filters[i][0], filters[i][1], NULL);
		assert_int_equal(r.ret, OPTIONS_RUN);
		if (!options_filtered(&r.o))
			fail_msg("%s %s: not a filter", filters[i][0],
				 filters[i][1] ? filters[i][1] : "");
		done(&r);
	}
}

/* Each bad input: OPTIONS_BAD and exactly one line naming the problem. */
static void bad(const char *want, ...)
{
	char *argv[16] = { "labytrace" };
	struct run r;
	int argc = 1;
	va_list ap;

	va_start(ap, want);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	parse_argv(&r, argc, argv);
	assert_int_equal(r.ret, OPTIONS_BAD);
	assert_int_equal(lines(r.err), 1);
	if (!strstr(r.err, want))
		fail_msg("'%s' does not say '%s'", r.err, want);
	assert_int_equal(strncmp(r.err, "labytrace: ", 11), 0);
	done(&r);
}

static void test_bad_input(void **state)
{
	bad("unknown option '--frobnicate'", "--frobnicate", NULL);
	bad("unknown option '-x'", "-x", NULL);
	bad("option '-i' needs a value", "-i", NULL);
	bad("option '--prometheus' needs a value", "--prometheus", NULL);
	bad("bad value for -i: 'abc'", "-i", "abc", NULL);
	bad("bad value for -i: '0'", "-i", "0", NULL);
	bad("bad value for -i: '5ms'", "-i", "5ms", NULL);
	bad("bad value for -i: '-1'", "-i", "-1", NULL);
	bad("bad value for -d: '1x'", "-d", "1x", NULL);
	bad("bad value for -d: 'inf'", "-d", "inf", NULL);
	bad("bad value for -d: 'nan'", "-d", "nan", NULL);
	bad("bad value for -p: '0'", "-p", "0", NULL);
	bad("bad value for -p: '-5'", "-p", "-5", NULL);
	bad("bad value for -p: '12abc'", "-p", "12abc", NULL);
	bad("bad value for -p: '99999999999'", "-p", "99999999999", NULL);
	bad("bad value for -C: 'one'", "-C", "one", NULL);
	bad("bad value for --order: '64'", "--order", "64", NULL);
	bad("bad value for --gfp: 'sometimes'", "--gfp", "sometimes", NULL);
	bad("bad value for --gfp: '0'", "--gfp", "0", NULL);
	bad("bad value for --context: 'user'", "--context", "user", NULL);
	bad("bad value for --held-over: 'soon'", "--held-over", "soon", NULL);
	bad("bad value for --held-top: '1e9'", "--held-top", "1e9", NULL);
	bad("bad value for --latency-source: 'kprobe'", "--latency-source", "kprobe", NULL);
	bad("bad value for --prometheus: ''", "--prometheus", "", NULL);
	/* numbers are decimal digits, nothing before them */
	bad("bad value for --gfp: ' -1'", "--gfp", " -1", NULL);
	bad("bad value for --gfp: ' 0x20'", "--gfp", " 0x20", NULL);
	bad("bad value for -C: ' -0'", "-C", " -0", NULL);
	bad("bad value for --order: ' 1'", "--order", " 1", NULL);
	bad("bad value for -p: '\\t42'", "-p", "\t42", NULL);
	bad("bad value for -p: '0x10'", "-p", "0x10", NULL);
	/* what is parsed is what is used: no silent cap */
	bad("bad value for --held-top: '1001' (a count, at most 1000)",
	    "--held-top", "1001", NULL);
	bad("bad value for --held-max: '0' (pages, 1 to 16777216)", "--held-max", "0", NULL);
	bad("bad value for --held-max: '16777217'", "--held-max", "16777217", NULL);
	bad("bad value for --violation-records: '1000001' (a count, 0 to 1000000)",
	    "--violation-records", "1000001", NULL);
	bad("bad value for --failure-records: '-1'", "--failure-records", "-1", NULL);
	bad("unknown mode 'everything'", "everything", NULL);
	bad("only one mode may be given", "latency", "failures", NULL);
}

/* What argv says is shown escaped and cut: one line, of a sane length. */
static void test_echoed_values_are_escaped_and_capped(void **state)
{
	char *huge = malloc(5001);
	struct run r;

	assert_non_null(huge);
	memset(huge, '7', 5000);
	huge[5000] = '\0';
	bad("bad value for --held-top: '1\\n' (a count", "--held-top", "1\n", NULL);
	bad("bad value for -p: '\\x1b[2J'", "-p", "\x1b[2J", NULL);
	bad("unknown mode 'a\\rb'", "a\rb", NULL);
	bad("unknown option '--x\\ny'", "--x\ny", NULL);
	parse(&r, "--held-top", huge, NULL);
	assert_int_equal(r.ret, OPTIONS_BAD);
	assert_int_equal(lines(r.err), 1);
	if (strlen(r.err) > 300 || !strstr(r.err, "777...' (a count"))
		fail_msg("%zu bytes: %.100s", strlen(r.err), r.err);
	done(&r);
	free(huge);
}

/* Orders stop at MAX_PAGE_ORDER, 10 on x86. */
static void test_order_at_most_max_page_order(void **state)
{
	struct run r;

	parse(&r, "--order", "10", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.order, 10);
	done(&r);
	bad("bad value for --order: '11' (an order, 0 to 10)", "--order", "11", NULL);
	bad("bad value for --order: '63'", "heatmap", "r", "-o", "x.svg", "--order", "63", NULL);
}

/* --live takes its value after '=': a word after it is a mode, said so. */
static void test_live_value_apart_is_named(void **state)
{
	bad("unknown mode 'always' (latency, failures or violations; --live=always takes its value after '=')",
	    "--live", "always", NULL);
	bad("--live=never takes its value after '='", "--live", "never", NULL);
}

/* An option that would do nothing where it was given is refused, not ignored. */
static void test_options_that_do_not_apply_are_refused(void **state)
{
	static const char *const refused[][12] = {
		{ "--held-over is for violations, not failures", "failures", "--held-over", "2s" },
		{ "--held-top is for violations and owners, not failures", "failures", "--held-top", "3" },
		{ "--held-max is for violations, not latency", "latency", "--held-max", "9" },
		{ "--owner-stacks is for violations, not failures", "failures", "--owner-stacks" },
		{ "--violation-records is for violations, not failures", "failures",
		  "--violation-records", "5" },
		{ "--failure-records is for failures, not violations", "violations",
		  "--failure-records", "5" },
		{ "--latency-source is for latency, not failures", "record", "-o", "r", "failures",
		  "--latency-source", "fentry" },
		{ "--warned-only is for latency and failures, not violations", "violations",
		  "--warned-only" },
		{ "--gfp is for latency and failures, not violations", "violations", "--gfp", "atomic" },
		{ "--exclusive is for latency and failures, not violations", "violations", "--exclusive" },
		{ "-i is for tracing and record, not heatmap", "heatmap", "r", "-o", "x.svg", "-i", "2" },
		{ "--held-top is for violations and owners, not heatmap", "heatmap", "r", "-o", "x.svg",
		  "--held-top", "3" },
		{ "-p is for tracing and record, not heatmap", "heatmap", "r", "-o", "x.svg", "-p", "1" },
		{ "--gfp MASK is for latency and failures, not heatmap", "heatmap", "r", "-o", "x.svg",
		  "--gfp", "0x20" },
		{ "-j is for tracing, record, owners and holders, not heatmap", "heatmap", "r", "-o", "x.svg", "-j" },
		{ "-d is for tracing and record, not heatmap", "heatmap", "r", "-o", "x.svg", "-d", "1" },
		{ "--listen is for tracing and record, not heatmap", "heatmap", "r", "-o", "x.svg",
		  "--listen", "127.0.0.1:1" },
		{ "-i is for tracing and record, not owners", "owners", "-i", "2" },
		{ "-p is for tracing and record, not owners", "owners", "-p", "1" },
		{ "--order is for tracing, record and heatmap, not owners", "owners", "--order", "0" },
		{ "-d is for tracing and record, not owners", "owners", "-d", "1" },
		{ "--prometheus is for tracing and record, not owners", "owners", "--prometheus", "x" },
		{ "-o is for record and heatmap, not tracing", "-o", "x" },
		{ "--metric is for heatmap, not tracing", "--metric", "hold" },
		{ "--metric is for heatmap, not owners", "owners", "--metric", "hold" },
	};
	static const char *const fine[][12] = {
		{ "--held-over", "2s", "--failure-records", "3", "--latency-source", "fentry" },
		{ "record", "-o", "r", "violations", "--held-over", "2s", "--held-top", "1" },
		{ "violations", "-p", "1", "-C", "0", "--order", "0", "--context", "task" },
		{ "latency", "--warned-only", "--gfp", "0x20", "--exclusive" },
		{ "owners", "--held-top", "2", "-j", "-v" },
		{ "heatmap", "r", "-o", "x.svg", "--order", "3", "--context", "softirq",
		  "--exclusive", "--gfp", "atomic" },
		{ "heatmap", "r", "-o", "x.svg", "-v", "--metric", "hold" },
	};
	char *argv[16] = { "labytrace" };
	unsigned int i;
	struct run r;
	int argc;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]) + sizeof(fine) / sizeof(fine[0]); i++) {
		bool ok = i >= sizeof(refused) / sizeof(refused[0]);
		const char *const *args = ok ? fine[i - sizeof(refused) / sizeof(refused[0])] :
					       refused[i] + 1;

		for (argc = 1; args[argc - 1]; argc++)
			argv[argc] = (char *)args[argc - 1];
		argv[argc] = NULL;
		parse_argv(&r, argc, argv);
		if (ok && r.ret != OPTIONS_RUN)
			fail_msg("%s ...: refused: %s", args[0], r.err);
		if (!ok && (r.ret != OPTIONS_BAD || lines(r.err) != 1 ||
			    !strstr(r.err, refused[i][0])))
			fail_msg("%s %s: '%s' does not say '%s'", args[0], args[1], r.err,
				 refused[i][0]);
		done(&r);
	}
}

/* --listen, record and heatmap: what each command takes and needs. */
static void test_commands(void **state)
{
	struct run r;

	parse(&r, "--listen", "127.0.0.1:9435", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.cmd, CMD_TRACE);
	assert_string_equal(r.o.listen, "127.0.0.1:9435");
	done(&r);
	parse(&r, "--listen", "[::1]:0", "failures", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.modes, MODE_FAILURES);
	done(&r);
	/* :PORT, every address, as exporters take it */
	parse(&r, "--listen", ":9435", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_string_equal(r.o.listen, ":9435");
	done(&r);

	parse(&r, "record", "-o", "rec.ndjson", "-i", "2", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.cmd, CMD_RECORD);
	assert_int_equal(r.o.modes, MODE_ALL);
	assert_string_equal(r.o.output, "rec.ndjson");
	done(&r);
	parse(&r, "record", "latency", "-o", "rec.ndjson", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.modes, MODE_LATENCY);
	done(&r);

	parse(&r, "heatmap", "rec.ndjson", "-o", "h.svg", "--metric", "hold",
	      "--context", "softirq", "--gfp", "atomic", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.cmd, CMD_HEATMAP);
	assert_string_equal(r.o.input, "rec.ndjson");
	assert_string_equal(r.o.output, "h.svg");
	assert_int_equal(r.o.metric, HEAT_HOLD);
	assert_int_equal(r.o.ctx, LT_SOFTIRQ);
	assert_int_equal(r.o.gfp_class, LT_ATOMIC);
	done(&r);

	/* owners: once, from the kernel's lists; 3 oldest pages unless asked */
	parse(&r, "owners", "-j", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.cmd, CMD_OWNERS);
	assert_true(r.o.json);
	assert_false(r.o.held_top_set);
	done(&r);
	parse(&r, "owners", "--held-top", "0", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_true(r.o.held_top_set);
	assert_int_equal(r.o.held_top, 0);
	done(&r);
	bad("'violations': owners takes no mode", "owners", "violations", NULL);
	bad("-d is for tracing and record, not owners", "owners", "-d", "1", NULL);
	bad("--prometheus is for tracing and record, not owners", "owners", "--prometheus",
	    "x.prom", NULL);
	bad("-o is for record and heatmap, not owners", "owners", "-o", "x", NULL);

	bad("bad value for --listen: '9435' (ADDRESS:PORT", "--listen", "9435", NULL);
	bad("bad value for --listen: '[]:9435'", "--listen", "[]:9435", NULL);
	bad("bad value for --listen: ':'", "--listen", ":", NULL);
	bad("bad value for --listen: '127.0.0.1:65536'", "--listen", "127.0.0.1:65536", NULL);
	bad("bad value for --listen: '127.0.0.1:-1'", "--listen", "127.0.0.1:-1", NULL);
	bad("bad value for --listen: '127.0.0.1:http'", "--listen", "127.0.0.1:http", NULL);
	bad("bad value for --listen: '::1:9435'", "--listen", "::1:9435", NULL);
	bad("bad value for --listen: '[::1]9435'", "--listen", "[::1]9435", NULL);
	bad("bad value for -o: ''", "record", "-o", "", NULL);
	bad("record needs -o FILE", "record", NULL);
	bad("only one mode may be given", "record", "-o", "x", "latency", "failures", NULL);
	bad("-o is for record and heatmap, not tracing", "-o", "x", NULL);
	bad("heatmap needs a recording", "heatmap", "-o", "x.svg", NULL);
	bad("heatmap needs -o OUT.svg", "heatmap", "rec", NULL);
	bad("heatmap draws one recording", "heatmap", "a", "b", "-o", "x.svg", NULL);
	bad("-p is for tracing and record, not heatmap", "heatmap", "a", "-o", "x.svg", "-p", "1",
	    NULL);
	bad("--listen is for tracing and record, not heatmap", "heatmap", "a",
	    "-o", "x.svg", "--listen", "127.0.0.1:1", NULL);
	bad("bad value for --metric: 'speed'", "heatmap", "a", "-o", "x.svg",
	    "--metric", "speed", NULL);
	bad("--metric is for heatmap, not tracing", "--metric", "hold", NULL);
}

/* A leading 0 is not octal: -p 010 is process 10, not 8. */
static void test_numbers_are_decimal(void **state)
{
	struct run r;

	parse(&r, "-p", "010", "-C", "010", "--order", "010", "--held-top", "0100", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.pid, 10);
	assert_int_equal(r.o.cpu, 10);
	assert_int_equal(r.o.order, 10);
	assert_int_equal(r.o.held_top, 100);
	done(&r);
	/* a gfp mask may be hex, and is never octal */
	parse(&r, "--gfp", "0x820", NULL);
	assert_int_equal(r.o.gfp_mask, 0x820);
	done(&r);
	parse(&r, "--gfp", "0200", NULL);
	assert_int_equal(r.o.gfp_mask, 200);
	done(&r);
	parse(&r, "--held-top", "1000", NULL);
	assert_int_equal(r.o.held_top, 1000);
	done(&r);
}

/* --help or -V that cannot be written is an error, said on stderr. */
static void test_help_write_error(void **state)
{
	static const char *const args[][2] = {
		{ "--help", NULL }, { "-V", NULL }, { "--usage", NULL },
	};
	char *argv[3] = { "labytrace" };
	struct options o;
	struct mem err;
	unsigned int i;
	FILE *full;
	char *e;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		full = fopen("/dev/full", "w");
		assert_non_null(full);
		mem_open(&err);
		argv[1] = (char *)args[i][0];
		options_init(&o);
		assert_int_equal(options_parse(&o, 2, argv, full, err.f),
				 OPTIONS_WRITE_ERROR);
		fclose(full);
		e = mem_close(&err);
		assert_string_equal(e, "labytrace: cannot write to standard output: "
				       "No space left on device\n");
		free(e);
	}
}

static void test_help_and_version(void **state)
{
	struct run r;

	parse(&r, "--help", NULL);
	assert_int_equal(r.ret, OPTIONS_EXIT);
	assert_non_null(strstr(r.out, "Usage: labytrace"));
	assert_non_null(strstr(r.out, "Examples:"));
	assert_non_null(strstr(r.out, "Exit status:"));
	assert_non_null(strstr(r.out, "  5  the mode asked for cannot run"));
	assert_string_equal(r.err, "");
	done(&r);
	parse(&r, "-h", NULL);
	assert_int_equal(r.ret, OPTIONS_EXIT);
	done(&r);
	parse(&r, "--usage", NULL);
	assert_int_equal(r.ret, OPTIONS_EXIT);
	assert_non_null(strstr(r.out, "[--prometheus=FILE]"));
	assert_non_null(strstr(r.out, "[--live[=WHEN]]"));
	done(&r);
	parse(&r, "-V", NULL);
	assert_int_equal(r.ret, OPTIONS_EXIT);
	assert_string_equal(r.out, "labytrace 1.0\n");
	done(&r);
}

static void test_parse_duration(void **state)
{
	static const struct {
		const char *s;
		unsigned long long ns;
	} good[] = {
		{ "1", 1000000000ULL }, { "0.5", 500000000ULL },
		{ "250ms", 250000000ULL }, { "10us", 10000ULL }, { "7ns", 7 },
		{ "2s", 2000000000ULL }, { "1.5m", 90000000000ULL },
		{ "1h", 3600000000000ULL },
	};
	static const char *const bad_values[] = {
		"", "s", "1 s", "1sec", "-1", "+1", "0", "0.0000000001", "1e30",
		"inf", "nan", "0x10q", NULL,
	};
	unsigned long long ns;
	unsigned int i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_duration(good[i].s, 1000000000ULL, &ns), 0);
		assert_int_equal(ns, good[i].ns);
	}
	for (i = 0; bad_values[i]; i++)
		if (!parse_duration(bad_values[i], 1000000000ULL, &ns))
			fail_msg("accepted '%s'", bad_values[i]);
	assert_int_equal(parse_duration(NULL, 1, &ns), -1);
}

/* --live: no option, the terminal decides, as before it existed. */
static void test_live_auto_by_default_follows_the_terminal(void **state)
{
	struct run r;

	parse(&r, NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.live, LIVE_AUTO);
	assert_true(options_live(&r.o, true));
	assert_false(options_live(&r.o, false));
	done(&r);
	parse(&r, "--live=auto", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.live, LIVE_AUTO);
	assert_true(options_live(&r.o, true));
	assert_false(options_live(&r.o, false));
	done(&r);
	/* -j was never live, and auto leaves it so */
	parse(&r, "--live=auto", "-j", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_false(options_live(&r.o, true));
	done(&r);
}

/* A VM's console is a pipe: always draws the live view to it. */
static void test_live_always_draws_without_a_terminal(void **state)
{
	struct run r;

	parse(&r, "--live=always", "latency", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.live, LIVE_ALWAYS);
	assert_int_equal(r.o.modes, MODE_LATENCY);
	assert_true(options_live(&r.o, false));
	assert_true(options_live(&r.o, true));
	assert_string_equal(r.err, "");
	done(&r);
	/* record keeps its file and still shows the live view */
	parse(&r, "record", "-o", "rec.ndjson", "--live=always", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_true(options_live(&r.o, false));
	done(&r);
}

static void test_live_never_appends_on_a_terminal(void **state)
{
	struct run r;

	parse(&r, "--live=never", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.live, LIVE_NEVER);
	assert_false(options_live(&r.o, true));
	assert_false(options_live(&r.o, false));
	done(&r);
	/* the last one given wins, as for every other option */
	parse(&r, "--live", "--live=never", NULL);
	assert_int_equal(r.o.live, LIVE_NEVER);
	done(&r);
	/* never is what -j, heatmap and owners do anyway: a script may pass it */
	parse(&r, "--live=never", "-j", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_false(options_live(&r.o, true));
	done(&r);
	parse(&r, "owners", "--live=never", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	done(&r);
}

/* --live alone is always; a mode after it is a mode, not its value. */
static void test_live_alone_means_always(void **state)
{
	struct run r;

	parse(&r, "--live", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.live, LIVE_ALWAYS);
	assert_true(options_live(&r.o, false));
	done(&r);
	parse(&r, "--live", "failures", NULL);
	assert_int_equal(r.ret, OPTIONS_RUN);
	assert_int_equal(r.o.live, LIVE_ALWAYS);
	assert_int_equal(r.o.modes, MODE_FAILURES);
	done(&r);
}

static void test_live_bad_value_is_a_usage_error(void **state)
{
	bad("bad value for --live: 'sometimes' (auto, always or never)",
	    "--live=sometimes", NULL);
	bad("bad value for --live: '' (auto, always or never)", "--live=", NULL);
	bad("bad value for --live: 'ALWAYS'", "--live=ALWAYS", NULL);
	bad("bad value for --live: 'yes'", "latency", "--live=yes", NULL);
}

/* A repainted screen and NDJSON on one stdout: refused, whatever the order. */
static void test_live_with_json_is_a_usage_error(void **state)
{
	static const char want[] =
		"--live and -j exclude each other: one repaints a screen, the other writes NDJSON";

	bad(want, "--live", "-j", NULL);
	bad(want, "-j", "--live", NULL);
	bad(want, "--json", "--live=always", "failures", NULL);
	bad(want, "record", "-o", "rec.ndjson", "-j", "--live", NULL);
	bad("--live is for tracing: heatmap, owners and holders run once",
	    "owners", "-j", "--live", NULL);
	bad("--live is for tracing: heatmap, owners and holders run once",
	    "heatmap", "rec.ndjson", "-o", "x.svg", "--live", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_filtered_means_any_filter_given),
		cmocka_unit_test(test_no_rates_is_for_failures_alone),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_numbers_are_decimal),
		cmocka_unit_test(test_help_write_error),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_echoed_values_are_escaped_and_capped),
		cmocka_unit_test(test_order_at_most_max_page_order),
		cmocka_unit_test(test_live_value_apart_is_named),
		cmocka_unit_test(test_options_that_do_not_apply_are_refused),
		cmocka_unit_test(test_live_auto_by_default_follows_the_terminal),
		cmocka_unit_test(test_live_always_draws_without_a_terminal),
		cmocka_unit_test(test_live_never_appends_on_a_terminal),
		cmocka_unit_test(test_live_alone_means_always),
		cmocka_unit_test(test_live_bad_value_is_a_usage_error),
		cmocka_unit_test(test_live_with_json_is_a_usage_error),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
