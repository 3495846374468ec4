// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace: page allocation latency, failures and __GFP_EXCLUSIVE ownership
 * violations, live.
 *
 * main() reads top to bottom: options, privileges, BTF and probes, the plan
 * of which programs serve which mode, load and attach, then a loop that
 * reports every interval (report.c) until -d runs out or a signal arrives,
 * and a final summary.  heatmap, owners and holders are files of their own
 * (subcmd_*.c).
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

#include "app.h"
#include "kbtf.h"
#include "ksyms.h"
#include "record.h"
#include "textfile.h"

static volatile sig_atomic_t exiting;

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

unsigned long long mono_ns(void)
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

static void say_unavailable(struct app *a)
{
	int i;

	for (i = 0; i < PLAN_NR; i++)
		if (a->opts.modes & plan_modes[i] && !a->plan.run[i])
			note("%s unavailable on this kernel: %s", plan_names[i],
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
	/* The run can start: the recording's file now, and before any BPF. */
	if (a->opts.output) {
		err = recording_create(a);
		if (err >= 0)
			return err;
	}
	say_unavailable(a);

	a->oc.gfp = &a->gfp;
	a->oc.ctx_known = a->plan.use_ksym;
	a->oc.have_latency = a->plan.run[PLAN_LATENCY];
	a->oc.have_failures = a->plan.run[PLAN_FAILURES];
	a->oc.no_rates = a->opts.no_rates;
	a->oc.have_violations = a->plan.run[PLAN_VIOLATIONS];
	a->oc.mono_to_real_ns = mono_to_real();
	a->oc.page_size = a->feat.page_size;
	a->oc.held_over_ns = a->opts.held_over_ns;
	a->oc.owner_stacks = a->opts.owner_stacks;
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
	a->oc.recursion_per_ctx = a->tracer.per_context;
	a->oc.have_pools = a->tracer.live != NULL;
	if (!a->tracer.live)
		note("page_pool gauges unavailable: %s", a->tracer.live_why);
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

/*
 * One line: the events the kernel skipped because labytrace's program for
 * them was already running on their CPU, which the counts lack.  Always
 * said where the kernel keeps that protection per program (any event that
 * interrupts the program is skipped), else only when there were some.
 */
static void say_misses(const struct app *a, const struct lt_snapshot *s)
{
	char e[24];

	if (a->tracer.per_context) {
		if (s->bpf_misses)
			note("%llu events not seen: BPF recursion misses (each arrived while labytrace's program for it ran in the same context on its CPU)",
			     s->bpf_misses);
		return;
	}
	if (a->feat.recursion_per_ctx)
		note("%llu events not seen: BPF recursion misses (an event that arrives while labytrace's program for it runs on its CPU is skipped: contexts unknown, so no BPF_F_RECURSION_PER_CONTEXT)",
		     s->bpf_misses);
	else
		note("%llu events not seen: BPF recursion misses (an event that arrives while labytrace's program for it runs on its CPU is skipped: the kernel refused BPF_F_RECURSION_PER_CONTEXT, %s)",
		     s->bpf_misses,
		     errno_name(a->feat.recursion_err, e, sizeof(e)));
}

/* One line: what is traced, and from where. */
static void banner(const struct app *a)
{
	const char *sep = ": ";
	int i;

	fprintf(stderr, "Tracing page allocations");
	for (i = 0; i < PLAN_NR; i++) {
		if (!a->plan.run[i])
			continue;
		fprintf(stderr, "%s%s from %s", sep, plan_names[i], a->plan.src[i]);
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
		say_misses(a, &cur);
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
	if (app.opts.cmd == CMD_HOLDERS)
		return list_holders(&app.opts);
	ret = setup(&app);
	if (ret < 0)
		ret = run(&app);
	if (app.listening)
		http_stop(&app.http);
	recording_abandon(&app);
	tracer_stop(&app.tracer);
	ksyms_free(app.ksyms);
	probe_free(&app.feat);
	return ret;
}
