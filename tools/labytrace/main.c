// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace: page allocation latency, failures and __GFP_EXCLUSIVE ownership
 * violations, live.
 *
 * main() reads top to bottom: options, privileges, BTF and probes, the plan
 * of which programs serve which mode, load and attach, then a loop that
 * reports every interval until -d runs out or a signal arrives, and a final
 * summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>

#include "gfp.h"
#include "heatmap.h"
#include "http.h"
#include "json_out.h"
#include "kbtf.h"
#include "kowners.h"
#include "ksyms.h"
#include "metrics.h"
#include "textfile.h"
#include "options.h"
#include "plan.h"
#include "probe.h"
#include "record.h"
#include "stats.h"
#include "trace.h"
#include "view.h"

#define RECENT 6		/* events kept for the live view */
/*
 * Plain text prints the first few events of an interval with their stacks
 * and counts the rest, so a storm of failures cannot bury the report;
 * --json has every record, and every stack.
 */
#define PLAIN_EVENTS 5
#define PLAIN_STACKS 5		/* failure and violation stacks per interval, plain text */
#define TTY_STACKS 3		/* and in the live view */

struct app {
	struct options opts;
	struct features feat;
	struct plan plan;
	struct gfp_table gfp;
	struct tracer tracer;
	struct out_ctx oc;
	struct ksyms *ksyms;
	bool ksyms_tried;
	bool tty;			/* live view */
	unsigned int painted;
	int output_err;			/* errno of a failed write to stdout */
	int prom_err;			/* last --prometheus error, -errno */
	struct http http;		/* --listen */
	bool listening;
	FILE *rec;			/* record -o */
	unsigned long rec_intervals;
	int rec_err;			/* errno of a failed write to it */
	char recent[RECENT][96];
	unsigned int nr_recent;
	unsigned int plain_shown, plain_more[2];	/* this interval */
	struct held_page held[HELD_TOP_MAX];
	size_t nr_held;
	unsigned long long start_ns;
};

static volatile sig_atomic_t exiting;

/* What note() said, repeated in the live view (which clears the screen). */
static char notes[6][256];
static unsigned int nr_notes;

static void on_signal(int sig)
{
	exiting = 1;
}

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	char *line = notes[nr_notes < 6 ? nr_notes++ : 5];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(notes[0]), fmt, ap);
	va_end(ap);
	fprintf(stderr, "labytrace: %s\n", line);
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long long mono_to_real(void)
{
	struct timespec m, r;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	return (r.tv_sec - m.tv_sec) * 1000000000LL + (r.tv_nsec - m.tv_nsec);
}

/* kallsyms takes ~0.1 s to read: only when the first stack needs it. */
static void want_ksyms(struct app *a)
{
	if (a->ksyms_tried)
		return;
	a->ksyms_tried = true;
	a->ksyms = ksyms_load("/proc/kallsyms");
	if (!a->ksyms)
		note("stacks shown as addresses: cannot read /proc/kallsyms: %s",
		     strerror(errno));
	else if (a->ksyms->hidden)
		note("stacks shown as addresses: /proc/kallsyms hides them (kernel.kptr_restrict)");
	a->oc.ksyms = a->ksyms;
}

/* A task owner's comm, when the kernel side could not record it. */
static void fill_comm(char *comm, unsigned int ctx, int pid)
{
	char path[64];
	FILE *f;
	size_t n;

	if (comm[0] || ctx != LT_TASK || pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	n = fread(comm, 1, LT_COMM_LEN - 1, f);
	fclose(f);
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

static void remember(struct app *a, const struct lt_event *e,
		     const unsigned long long *ostack, int odepth)
{
	char *line = a->recent[a->nr_recent++ % RECENT];
	FILE *f = fmemopen(line, sizeof(a->recent[0]), "w");

	if (!f)
		return;
	if (e->type == LT_EV_FAILURE)
		view_failure(f, &a->oc, e, false);
	else
		view_violation(f, &a->oc, e, ostack, odepth, false);
	fclose(f);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct app *a = ctx;
	struct lt_event e;
	unsigned long long ostack[LT_MAX_STACK];
	int odepth = 0, err = 0;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	want_ksyms(a);
	if (e.type == LT_EV_VIOLATION) {
		odepth = tracer_stack(&a->tracer, e.owner_stack, ostack);
		fill_comm(e.owner_comm, e.owner_ctx, e.owner);
	}

	if (a->opts.json) {
		err = e.type == LT_EV_FAILURE ?
			json_failure(stdout, &a->oc, &e) :
			json_violation(stdout, &a->oc, &e, ostack, odepth);
	} else if (a->tty) {
		remember(a, &e, ostack, odepth);
	} else if (a->plain_shown >= PLAIN_EVENTS) {
		a->plain_more[e.type == LT_EV_FAILURE]++;
	} else if (e.type == LT_EV_FAILURE) {
		a->plain_shown++;
		view_failure(stdout, &a->oc, &e, true);
	} else {
		a->plain_shown++;
		view_violation(stdout, &a->oc, &e, ostack, odepth, true);
	}
	if (err || ferror(stdout))
		a->output_err = errno ? errno : EIO;
	return 0;
}

static void fetch_held(struct app *a, struct lt_snapshot *cur)
{
	struct owner_table *t = a->tracer.owners;
	size_t i;

	a->nr_held = 0;
	if (!a->plan.run[PLAN_VIOLATIONS])
		return;
	a->nr_held = tracer_held(&a->tracer, cur, a->held, a->opts.held_top);
	for (i = 0; i < a->nr_held; i++)
		fill_comm(a->held[i].h.comm, a->held[i].h.ctx, a->held[i].h.owner);
	/* A task that got its pages by transfer never allocated: no comm yet. */
	for (i = 0; i < t->n; i++)
		fill_comm(t->rows[i].o.name, lt_owner_kind(t->rows[i].key),
			  lt_owner_id(t->rows[i].key));
}

static void report_json(struct app *a, const struct lt_snapshot *d,
			const struct run_info *ri)
{
	unsigned long long ip[LT_MAX_STACK];
	size_t i;
	int depth;

	if (a->plan.run[PLAN_LATENCY])
		json_latency(stdout, &a->oc, d, ri);
	if (d->nr_fail_stacks || d->nr_viol_stacks || a->nr_held)
		want_ksyms(a);
	json_fail_stacks(stdout, &a->oc, d, ri);
	json_viol_stacks(stdout, &a->oc, d, ri);
	for (i = 0; i < a->nr_held; i++) {
		depth = tracer_stack(&a->tracer, a->held[i].h.stack, ip);
		json_held(stdout, &a->oc, &a->held[i], ip, depth);
	}
	json_owners(stdout, &a->oc, d, ri);
	json_lost(stdout, &a->oc, d);
	json_summary(stdout, &a->oc, d, ri);
}

static void report_tty(struct app *a, const struct lt_snapshot *d,
		       const struct run_info *ri)
{
	char *frame = NULL, t[40];
	size_t len = 0;
	unsigned int i, n;
	FILE *f = open_memstream(&frame, &len);

	if (!f)
		return;
	fmt_clock(&a->oc, d->ts_ns, t, sizeof(t));
	fprintf(f, "labytrace %s  last %.1fs  %s%s%s Ctrl-C to end\n",
		t, ri->seconds,
		a->plan.run[PLAN_LATENCY] ? "latency " : "",
		a->plan.run[PLAN_FAILURES] ? "failures " : "",
		a->plan.run[PLAN_VIOLATIONS] ? "violations " : "");
	for (i = 0; i < nr_notes; i++)
		view_wrap(f, "note: ", "      ", notes[i], 79);
	view_report(f, &a->oc, d, a->held, a->nr_held, VIEW_MAX_ROWS);
	if (d->nr_fail_stacks || d->nr_viol_stacks)
		want_ksyms(a);
	view_fail_stacks(f, &a->oc, d, TTY_STACKS, false);
	view_viol_stacks(f, &a->oc, d, TTY_STACKS, false);
	n = a->nr_recent < RECENT ? a->nr_recent : RECENT;
	if (n) {
		fprintf(f, "RECENT EVENTS\n");
		for (i = a->nr_recent - n; i < a->nr_recent; i++)
			fputs(a->recent[i % RECENT], f);
	}
	fclose(f);
	if (!a->painted++)
		fputs("\033[2J", stdout);	/* the first frame starts clean */
	view_repaint(stdout, frame, len);
	free(frame);
}

static void report_plain(struct app *a, const struct lt_snapshot *d,
			 const struct run_info *ri)
{
	char t[40];

	fmt_time(&a->oc, d->ts_ns, t, sizeof(t));
	if (a->plain_more[0] || a->plain_more[1])
		printf("(%u more failure and %u more violation records not shown; --json has them)\n",
		       a->plain_more[1], a->plain_more[0]);
	a->plain_shown = 0;
	a->plain_more[0] = a->plain_more[1] = 0;
	printf("--- %s (%.3f s)\n", t, ri->seconds);
	view_report(stdout, &a->oc, d, a->held, a->nr_held, 0);
	if (d->nr_fail_stacks || d->nr_viol_stacks)
		want_ksyms(a);
	view_fail_stacks(stdout, &a->oc, d, PLAIN_STACKS, false);
	view_viol_stacks(stdout, &a->oc, d, PLAIN_STACKS, false);
	fflush(stdout);
}

/*
 * Hand the endpoint both formats of @cum.  Rendered here, in the tracing
 * loop, so the server's thread only ever sends finished text.
 */
static void serve(struct app *a, const struct lt_snapshot *cum)
{
	char *text[2] = {};
	size_t len[2] = {};
	FILE *f;
	int i;

	for (i = 0; i < 2; i++) {
		f = open_memstream(&text[i], &len[i]);
		if (!f || metrics_write(f, i ? EXPO_OPENMETRICS : EXPO_CLASSIC,
					&a->oc, cum) | fclose(f)) {
			free(text[0]);
			free(text[1]);
			return;		/* the previous text stays up */
		}
	}
	http_publish(&a->http, text[0], len[0], text[1], len[1]);
}

/* One interval: what changed since @prev, in the chosen format. */
static int report(struct app *a, struct lt_snapshot *cur,
		  const struct lt_snapshot *prev)
{
	static struct lt_snapshot d;
	struct run_info ri = {};
	int err;

	err = tracer_read(&a->tracer, cur);
	if (err)
		return err;
	tracer_new_interval(&a->tracer);
	fetch_held(a, cur);
	snapshot_delta(cur, prev, &d);
	ri.seconds = (cur->ts_ns - prev->ts_ns) / 1e9;
	if (a->opts.json)
		report_json(a, &d, &ri);
	else if (a->tty)
		report_tty(a, &d, &ri);
	else
		report_plain(a, &d, &ri);
	if (a->rec && !a->rec_err) {
		if (record_interval(a->rec, &a->oc, &d, ri.seconds))
			a->rec_err = errno ? errno : EIO;
		else
			a->rec_intervals++;
	}
	if (a->opts.prometheus) {
		char why[512];

		err = textfile_publish(a->opts.prometheus, &a->oc, cur, why, sizeof(why));
		/* Keep tracing; say it once per change of error. */
		if (err && err != a->prom_err)
			note("%s", why);
		a->prom_err = err;
	}
	if (a->listening)
		serve(a, cur);
	if (ferror(stdout))
		a->output_err = errno ? errno : EIO;
	return 0;
}

/* The run's settings as the summaries name them. */
static void run_info_final(const struct app *a, struct run_info *ri)
{
	static const int modes[PLAN_NR] = {
		MODE_LATENCY, MODE_FAILURES, MODE_VIOLATIONS,
	};
	int i;

	ri->final = true;
	for (i = 0; i < PLAN_NR; i++) {
		ri->src[i] = a->plan.src[i];
		if (a->opts.modes & modes[i] && a->plan.why[i][0])
			ri->why[i] = a->plan.why[i];
	}
}

static void final_summary(struct app *a, const struct lt_snapshot *cum)
{
	struct run_info ri = {};

	run_info_final(a, &ri);
	ri.seconds = (cum->ts_ns - a->start_ns) / 1e9;
	if (a->rec && !a->rec_err &&
	    record_end(a->rec, &a->oc, cum, a->rec_intervals, ri.seconds))
		a->rec_err = errno ? errno : EIO;
	if (a->opts.json) {
		if (a->plan.run[PLAN_LATENCY])
			json_latency(stdout, &a->oc, cum, &ri);
		if (cum->nr_fail_stacks || cum->nr_viol_stacks)
			want_ksyms(a);
		json_fail_stacks(stdout, &a->oc, cum, &ri);
		json_viol_stacks(stdout, &a->oc, cum, &ri);
		json_owners(stdout, &a->oc, cum, &ri);
		json_summary(stdout, &a->oc, cum, &ri);
	} else {
		if (cum->nr_fail_stacks || cum->nr_viol_stacks)
			want_ksyms(a);
		view_final(stdout, &a->oc, cum, &ri);
	}
	fflush(stdout);
}

static void say_unavailable(struct app *a)
{
	static const char *const names[PLAN_NR] = {
		"latency", "failures", "violations",
	};
	static const int modes[PLAN_NR] = {
		MODE_LATENCY, MODE_FAILURES, MODE_VIOLATIONS,
	};
	int i;

	for (i = 0; i < PLAN_NR; i++)
		if (a->opts.modes & modes[i] && !a->plan.run[i])
			note("%s unavailable on this kernel: %s", names[i],
			     a->plan.why[i]);
	if (!a->plan.use_ksym &&
	    (a->plan.run[PLAN_LATENCY] || a->plan.run[PLAN_FAILURES]))
		note("allocation contexts unavailable on this kernel: %s; shown as 'unknown'",
		     a->feat.ctx_why);
}

static int stack_of(void *tracer, unsigned long long key, unsigned long long *ip)
{
	return tracer_stack(tracer, key, ip);
}

/* record -o FILE: its first line, what runs (opened in setup()). */
static int start_recording(struct app *a)
{
	struct run_info ri = {};

	run_info_final(a, &ri);
	if (record_header(a->rec, &a->oc, &ri, mono_ns())) {
		note("cannot write %s: %s", a->opts.output, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* Everything before the loop; returns an exit status, or -1 to go on. */
static int setup(struct app *a)
{
	char why[512];
	int err, ncpus = libbpf_num_possible_cpus();

	if (a->opts.cpu >= 0 && ncpus > 0 && a->opts.cpu >= ncpus) {
		note("bad value for -C: '%d' (this machine has CPUs 0-%d)",
		     a->opts.cpu, ncpus - 1);
		return EXIT_USAGE;
	}
	/* Root may replace anything: only ever a regular file (or a new one). */
	if (a->opts.prometheus && textfile_target_problem(a->opts.prometheus)) {
		note("bad value for --prometheus: %s %s", a->opts.prometheus,
		     textfile_target_problem(a->opts.prometheus));
		return EXIT_USAGE;
	}
	if (a->opts.output && textfile_target_problem(a->opts.output)) {
		note("bad value for -o: %s %s", a->opts.output,
		     textfile_target_problem(a->opts.output));
		return EXIT_USAGE;
	}
	/* Created (or emptied) now: a file that cannot be, said before any BPF. */
	if (a->opts.output) {
		a->rec = fopen(a->opts.output, "we");
		if (!a->rec) {
			note("cannot write %s: %s", a->opts.output, strerror(errno));
			return EXIT_ERROR;
		}
	}
	/* A port taken or an address not ours: said now, before any BPF. */
	if (a->opts.listen) {
		if (http_start(&a->http, a->opts.listen, why, sizeof(why))) {
			note("bad value for --listen: %s", why);
			return EXIT_USAGE;
		}
		a->listening = true;
	}
	err = probe_privileges(why, sizeof(why));
	if (err) {
		note("%s", why);
		return EXIT_PRIVILEGE;
	}
	err = probe_features(&a->feat);
	if (err == -ENOENT) {
		note("the kernel has no BTF (%s: %s); CONFIG_DEBUG_INFO_BTF=y is needed",
		     VMLINUX_BTF, strerror(-err));
		return EXIT_NO_BTF;
	}
	if (err) {
		libbpf_strerror(err, why, sizeof(why));	/* libbpf's own errnos too */
		note("cannot read the kernel's BTF (%s: %s)", VMLINUX_BTF, why);
		return EXIT_NO_BTF;
	}
	err = probe_bpf();
	if (err) {
		note("the kernel refuses bpf(): %s (locked down, or bpf() restricted)",
		     strerror(-err));
		return err == -EPERM ? EXIT_PRIVILEGE : EXIT_ERROR;
	}
	if (!kbtf_gfp(a->feat.btf, &a->gfp)) {
		struct utsname u = {};

		gfp_table_fallback(&a->gfp, uname(&u) ? 0 : kver_parse(u.release),
				   a->feat.tp_acquire);
		if (a->opts.verbose)
			note("gfp flag names: built-in table for %s (no ___GFP_*_BIT in BTF)",
			     u.release);
	}
	if (a->opts.exclusive && !gfp_mask(&a->gfp, "__GFP_EXCLUSIVE")) {
		note("--exclusive: this kernel has no __GFP_EXCLUSIVE");
		return EXIT_UNAVAILABLE;
	}

	/* Load-probe fentry only when it could be the latency source. */
	if (a->opts.modes & MODE_LATENCY && a->opts.lat_source != LATSRC_TRACEPOINT &&
	    (!a->feat.tp_latency || a->opts.lat_source == LATSRC_FENTRY))
		probe_fentry_target(&a->feat);
	if (!plan_make(&a->opts, &a->feat, &a->plan)) {
		say_unavailable(a);
		return EXIT_UNAVAILABLE;
	}
	say_unavailable(a);

	a->oc.gfp = &a->gfp;
	a->oc.ctx_known = a->plan.use_ksym;
	a->oc.have_latency = a->plan.run[PLAN_LATENCY];
	a->oc.have_failures = a->plan.run[PLAN_FAILURES];
	a->oc.have_violations = a->plan.run[PLAN_VIOLATIONS];
	a->oc.mono_to_real_ns = mono_to_real();
	a->oc.page_size = a->feat.page_size;
	a->oc.held_over_ns = a->opts.held_over_ns;
	a->oc.stack = stack_of;
	a->oc.stack_arg = &a->tracer;

	err = tracer_start(&a->tracer, &a->opts, &a->feat, &a->plan, &a->gfp,
			   handle_event, a, why, sizeof(why));
	if (err && probe_module_btf_denied(&a->feat)) {
		note("missing CAP_SYS_ADMIN: libbpf %u.%u searches module BTF for %s, which this kernel's vmlinux BTF lacks, and that needs CAP_SYS_ADMIN; run as root",
		     libbpf_major_version(), libbpf_minor_version(),
		     probe_module_btf_denied(&a->feat));
		return EXIT_PRIVILEGE;
	}
	if (err) {
		note("%s", why);
		return err == -EPERM ? EXIT_PRIVILEGE : EXIT_ERROR;
	}
	a->oc.owners = a->tracer.owners;
	/* A file the collector can read from the start, or a clear error now. */
	if (a->opts.prometheus) {
		static struct lt_snapshot now;

		err = tracer_read(&a->tracer, &now);
		if (err)
			snprintf(why, sizeof(why), "cannot read the BPF maps: %s",
				 strerror(-err));
		else
			fetch_held(a, &now);	/* ranks the owners */
		if (!err)
			err = textfile_publish(a->opts.prometheus, &a->oc, &now, why,
					 sizeof(why));
		if (err) {
			note("%s", why);
			return EXIT_ERROR;
		}
	}
	if (a->opts.output && start_recording(a))
		return EXIT_ERROR;
	if (a->listening) {
		static struct lt_snapshot now;

		err = tracer_read(&a->tracer, &now);
		if (err) {
			note("cannot read the BPF maps: %s", strerror(-err));
			return EXIT_ERROR;
		}
		fetch_held(a, &now);	/* ranks the owners */
		serve(a, &now);
		note("serving http://%s/metrics", a->http.where);
	}
	if (a->plan.run[PLAN_VIOLATIONS]) {
		err = tracer_calibrate_pfn(&a->tracer);
		if (err)
			note("pfns unavailable (pages shown as struct page pointers): cannot learn vmemmap: %s",
			     strerror(-err));
		a->oc.vmemmap = a->tracer.vmemmap;
	}
	return -1;
}

/* One line: what is traced, and from where. */
static void banner(const struct app *a)
{
	static const char *const names[PLAN_NR] = {
		"latency", "failures", "violations",
	};
	const char *sep = ": ";
	int i;

	fprintf(stderr, "Tracing page allocations");
	for (i = 0; i < PLAN_NR; i++) {
		if (!a->plan.run[i])
			continue;
		fprintf(stderr, "%s%s from %s", sep, names[i], a->plan.src[i]);
		sep = ", ";
	}
	fprintf(stderr, ".%s\n", a->opts.duration_ns ? "" : " Hit Ctrl-C to end.");
}

static int run(struct app *a)
{
	static struct lt_snapshot prev, cur;
	unsigned long long next, end = 0, now, wait;
	int err;

	a->start_ns = prev.ts_ns = mono_ns();
	next = a->start_ns + a->opts.interval_ns;
	if (a->opts.duration_ns)
		end = a->start_ns + a->opts.duration_ns;
	if (!a->tty)
		banner(a);

	while (!exiting && !a->output_err && !a->rec_err) {
		now = mono_ns();
		if (end && now >= end)
			break;
		if (now >= next) {
			err = report(a, &cur, &prev);
			if (err) {
				note("cannot read the BPF maps: %s", strerror(-err));
				return EXIT_ERROR;
			}
			prev = cur;
			while (next <= now)
				next += a->opts.interval_ns;
			continue;
		}
		wait = (end && end < next ? end : next) - now;
		err = ring_buffer__poll(a->tracer.rb, poll_timeout_ms(wait));
		if (err < 0 && err != -EINTR) {
			note("ring buffer: %s", strerror(-err));
			return EXIT_ERROR;
		}
	}

	/* Stop the counts, take the records still queued, then report. */
	tracer_detach(&a->tracer);
	ring_buffer__consume(a->tracer.rb);
	if (!a->output_err) {
		if (report(a, &cur, &prev))
			return EXIT_ERROR;
		final_summary(a, &cur);
		if (a->opts.verbose)
			note("recursion misses: %llu of copies (events another copy counted), %llu lost",
			     cur.bpf_misses_copies, cur.bpf_misses);
	}
	if (a->rec && fclose(a->rec) && !a->rec_err)
		a->rec_err = errno ? errno : EIO;
	a->rec = NULL;
	if (a->rec_err) {
		note("cannot write %s: %s", a->opts.output, strerror(a->rec_err));
		return EXIT_ERROR;
	}
	if (a->output_err && a->output_err != EPIPE) {
		note("cannot write to standard output: %s", strerror(a->output_err));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/*
 * labytrace heatmap FILE -o OUT.svg: the selected series of a recording,
 * summed per interval.  No BPF, no privilege.
 */
static int draw_heatmap(const struct options *o)
{
	static const char *const what[] = {
		[HEAT_LATENCY] = "Page allocation latency",
		[HEAT_HOLD] = "Exclusive page hold time",
		[HEAT_ALLOCS] = "Page allocations by order",
		[HEAT_FAILURES] = "Page allocation failures by order",
	};
	struct record_select sel = { .metric = o->metric };
	char why[512], sub[256] = "", buf[16];
	struct heat h;
	FILE *in, *out;
	unsigned int i;
	int err;

	if (o->order >= 0) {
		snprintf(buf, sizeof(buf), "%d", o->order);
		record_select_add(&sel, "order", buf);
	}
	if (o->gfp_class >= 0)
		record_select_add(&sel, "class", gfp_class_name(o->gfp_class));
	if (o->exclusive)
		record_select_add(&sel, "exclusive", "true");
	if (o->ctx >= 0)
		record_select_add(&sel, "context", ctx_name(NULL, o->ctx));
	for (i = 0; i < sel.n; i++)
		snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "%s%s=%s",
			 i ? ", " : "", sel.name[i], sel.value[i]);
	if (!sel.n)
		snprintf(sub, sizeof(sub), "all series");

	in = record_open(o->input, why, sizeof(why));
	if (!in) {
		note("bad value for heatmap FILE: %s", why);
		return EXIT_USAGE;
	}
	err = record_read(in, o->input, &sel, &h, why, sizeof(why));
	fclose(in);
	if (err) {
		note("%s", why);
		return err == -EINVAL ? EXIT_USAGE : EXIT_ERROR;
	}
	if (h.cut_line)
		note("%s:%lu: the last line is cut short (record stopped mid-line): drawing the %u whole intervals before it",
		     o->input, h.cut_line, h.cols);
	if (textfile_target_problem(o->output)) {
		note("bad value for -o: %s %s", o->output,
		     textfile_target_problem(o->output));
		heat_free(&h);
		return EXIT_USAGE;
	}
	out = fopen(o->output, "we");
	if (!out) {
		note("cannot write %s: %s", o->output, strerror(errno));
		heat_free(&h);
		return EXIT_ERROR;
	}
	snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "; %u intervals, %llu %s",
		 h.cols, h.total, o->metric == HEAT_LATENCY || o->metric == HEAT_HOLD ?
		 "samples" : o->metric == HEAT_ALLOCS ? "allocations" : "failures");
	err = heatmap_svg(out, &h, what[o->metric], sub);
	heat_free(&h);
	if (fclose(out) || err) {
		note("cannot write %s: %s", o->output, strerror(errno ? errno : EIO));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/*
 * labytrace owners: the kernel's lists, read once.  "owners" is missing on
 * kernels from before owner objects: the pages alone still say who.
 */
static int list_owners(const struct options *o)
{
	unsigned int top = o->held_top_set ? o->held_top : 3;
	FILE *owners, *pages;
	struct kowners k;
	char why[256];
	int err;

	pages = fopen(KOWNERS_DIR "/pages", "re");
	if (!pages) {
		err = errno;
		if (err == EACCES || err == EPERM) {
			note("cannot read %s/pages: %s (needs root)", KOWNERS_DIR,
			     strerror(err));
			return EXIT_PRIVILEGE;
		}
		note("cannot read %s/pages: %s (not a __GFP_EXCLUSIVE kernel, page_exclusive=off, or debugfs not mounted)",
		     KOWNERS_DIR, strerror(err));
		return err == ENOENT ? EXIT_UNAVAILABLE : EXIT_ERROR;
	}
	owners = fopen(KOWNERS_DIR "/owners", "re");
	err = kowners_parse(owners, pages, top, &k, why, sizeof(why));
	if (owners)
		fclose(owners);
	fclose(pages);
	if (err) {
		note("%s/%s", KOWNERS_DIR, why);
		kowners_free(&k);
		return EXIT_ERROR;
	}
	err = o->json ? kowners_json(stdout, &k) : kowners_print(stdout, &k, 0);
	kowners_free(&k);
	if (err || fflush(stdout)) {
		note("cannot write to standard output: %s", strerror(errno ? errno : EIO));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* Open /dev/null on any of fds 0-2 that is closed; a mask of those. */
static unsigned int std_fds(void)
{
	unsigned int closed = 0;
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		closed |= 1U << fd;
		/* The lowest free descriptor: this one. */
		open("/dev/null", O_RDWR);
	}
	return closed;
}

int main(int argc, char **argv)
{
	static struct app app;
	struct sigaction sa = { .sa_handler = on_signal };
	int ret;

	/*
	 * A closed stdout would be taken by the first descriptor libbpf
	 * opens, and output would go to a BPF link: say so instead.
	 */
	if (std_fds() & 1 << STDOUT_FILENO) {
		note("cannot write to standard output: it is closed");
		return EXIT_ERROR;
	}
	options_init(&app.opts);
	ret = options_parse(&app.opts, argc, argv, stdout, stderr);
	if (ret == OPTIONS_WRITE_ERROR)
		return EXIT_ERROR;
	if (ret != OPTIONS_RUN)
		return ret == OPTIONS_EXIT ? EXIT_OK : EXIT_USAGE;
	verbose = app.opts.verbose;
	libbpf_set_print(libbpf_print);
	/* --live=always draws it to a pipe too: a VM's console, tee. */
	app.tty = options_live(&app.opts, isatty(STDOUT_FILENO));
	/* Whole lines to a pipe or file, so a reader (tail -f, jq) never sees half a record. */
	if (!app.tty)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (app.opts.json)
		setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (app.opts.cmd == CMD_HEATMAP)
		return draw_heatmap(&app.opts);
	if (app.opts.cmd == CMD_OWNERS)
		return list_owners(&app.opts);
	ret = setup(&app);
	if (ret < 0)
		ret = run(&app);
	if (app.listening)
		http_stop(&app.http);
	if (app.rec)
		fclose(app.rec);
	tracer_stop(&app.tracer);
	ksyms_free(app.ksyms);
	probe_free(&app.feat);
	return ret;
}
