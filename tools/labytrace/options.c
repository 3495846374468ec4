// SPDX-License-Identifier: GPL-2.0
/*
 * Option parsing.  argp runs with ARGP_NO_EXIT | ARGP_NO_ERRS | ARGP_NO_HELP
 * so that it never exits or prints on its own: the unit tests call this, and
 * every error is one line from us.
 */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "http.h"
#include "labytrace.h"
#include "options.h"
#include "stats.h"

const char *argp_program_version = "labytrace 1.0";

static const char doc[] =
"labytrace -- page allocation latency, failures and __GFP_EXCLUSIVE "
"ownership violations, live.\n"
"\n"
"MODE is latency, failures or violations; without one, labytrace shows all "
"that the running kernel supports.  \"record -o FILE\" also keeps each "
"interval's histograms in FILE (NDJSON); \"heatmap FILE -o OUT.svg\" draws "
"one of a recording (no privilege needed).  \"owners\" lists who owns "
"exclusive pages now, with their oldest pages and stacks, from the "
"kernel's debugfs lists.  \"holders\" says who holds each page_pool's "
"pages in flight: which sockets (and the processes that have them open), "
"the pool's own cache, and what no socket holds.  It needs root (CAP_BPF and CAP_PERFMON, "
"or CAP_SYS_ADMIN where libbpf needs it; it says which) and a kernel with "
"BTF.  Times are UTC.\n"
"\v"
"Examples:\n"
"  labytrace                      all modes, live view, every second\n"
"  labytrace latency -i 5         latency percentiles every 5 s\n"
"  labytrace latency --gfp atomic --context softirq\n"
"                                 atomic allocations from softirq only\n"
"  labytrace failures -d 60 -j    failed allocations for a minute, NDJSON\n"
"  labytrace violations --held-over 2s\n"
"                                 violations, and pages held over 2 s\n"
"  labytrace --prometheus /var/lib/node_exporter/labytrace.prom\n"
"                                 also export for node_exporter\n"
"  labytrace --listen 127.0.0.1:9435\n"
"                                 also serve /metrics to Prometheus\n"
"  labytrace record -o rec.ndjson -d 10m\n"
"                                 keep every interval's histograms\n"
"  labytrace heatmap rec.ndjson -o lat.svg --gfp atomic --context softirq\n"
"                                 latency over time, as a heatmap\n"
"  labytrace owners --held-top 5  who holds exclusive pages now, each\n"
"                                 owner's 5 oldest pages with stacks\n"
"  labytrace holders --dev eth0   which sockets and processes hold the\n"
"                                 pages of eth0's page_pools\n"
"\n"
"Exit status:\n"
"  0  success (Ctrl-C, SIGTERM or -d ends a run normally, and so does a\n"
"     reader that closes the pipe early: | head)\n"
"  1  runtime error (standard output closed or full, a map unreadable, a\n"
"     --prometheus, record or heatmap file that cannot be written, a\n"
"     recording that cannot be read)\n"
"  2  unknown option or bad value, or an option where it does nothing (a\n"
"     --prometheus or -o FILE that exists must be a regular file; a\n"
"     --listen address that cannot be bound; a heatmap FILE that is not a\n"
"     regular file or not a recording, or has nothing selected)\n"
"  3  missing privilege: CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN where\n"
"     libbpf needs it (the line says which), or the kernel refused bpf()\n"
"  4  the kernel has no BTF (/sys/kernel/btf/vmlinux)\n"
"  5  the mode asked for cannot run on this kernel (missing tracepoints,\n"
"     fentry refused, ...; for owners, no page_exclusive debugfs; for\n"
"     holders, no BPF iterators); the reason is printed\n";

static const char args_doc[] = "[latency|failures|violations]\n"
"record -o FILE [latency|failures|violations]\n"
"heatmap FILE -o OUT.svg\n"
"owners [-j] [--held-top N]\n"
"holders [-j] [--dev IFNAME] [--pool ID]";

enum {
	OPT_PROMETHEUS = 256,
	OPT_LIVE,
	OPT_LISTEN,
	OPT_METRIC,
	OPT_ORDER,
	OPT_GFP,
	OPT_CONTEXT,
	OPT_EXCLUSIVE,
	OPT_WARNED_ONLY,
	OPT_HELD_OVER,
	OPT_HELD_TOP,
	OPT_HELD_MAX,
	OPT_OWNER_STACKS,
	OPT_FAILURE_RECORDS,
	OPT_NO_RATES,
	OPT_VIOLATION_RECORDS,
	OPT_LAT_SOURCE,
	OPT_USAGE,
	OPT_DEV,
	OPT_POOL,
	OPT_GFP_MASK,		/* --gfp with a mask: not an option of its own */
};

static const struct argp_option argp_opts[] = {
	{ NULL, 0, NULL, 0, "Output:", 1 },
	{ "interval", 'i', "SECONDS", 0,
	  "Refresh/report every SECONDS (default 1; units ms, s, m allowed)", 1 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: Ctrl-C)", 1 },
	{ "json", 'j', NULL, 0, "NDJSON on stdout, one object per line", 1 },
	{ "live", OPT_LIVE, "WHEN", OPTION_ARG_OPTIONAL,
	  "Repaint one screen per interval: auto (default: when stdout is a "
	  "terminal), always (alone: --live) or never (plain text, appended); "
	  "not with -j", 1 },
	{ "prometheus", OPT_PROMETHEUS, "FILE", 0,
	  "Also write the counts to FILE every interval (atomically), in the "
	  "text format node_exporter's textfile collector reads; FILE must be a "
	  "regular file or not exist", 1 },
	{ "listen", OPT_LISTEN, "ADDRESS:PORT", 0,
	  "Also serve the counts over HTTP at /metrics (classic text, or "
	  "OpenMetrics when asked for); :PORT for every address, port 0 picks "
	  "a free one", 1 },
	{ "output", 'o', "FILE", 0,
	  "record: the recording; heatmap: the SVG (a regular file or new)", 1 },
	{ "failure-records", OPT_FAILURE_RECORDS, "N", 0,
	  "Write a record (with its stack) for the first N failures of each "
	  "interval (default 100); all are counted, by stack, in the kernel", 1 },
	{ "no-rates", OPT_NO_RATES, NULL, 0,
	  "failures alone: count failures only, not every allocation, so no "
	  "failure rates; the cheapest way to watch for failures", 1 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 1 },
	{ NULL, 0, NULL, 0, "Filters (applied in the kernel):", 2 },
	{ "pid", 'p', "PID", 0, "Only this process (task context)", 2 },
	{ "cpu", 'C', "CPU", 0, "Only this CPU", 2 },
	{ "order", OPT_ORDER, "N", 0, "Only allocations of order N", 2 },
	{ "gfp", OPT_GFP, "CLASS|MASK", 0,
	  "atomic, nowait, kernel (may sleep), or a gfp MASK whose bits must all "
	  "be set", 2 },
	{ "context", OPT_CONTEXT, "CTX", 0, "task, softirq, hardirq or nmi", 2 },
	{ "exclusive", OPT_EXCLUSIVE, NULL, 0, "Only __GFP_EXCLUSIVE allocations", 2 },
	{ "warned-only", OPT_WARNED_ONLY, NULL, 0,
	  "Only allocations without __GFP_NOWARN (whose failure the kernel "
	  "warns about)", 2 },
	{ NULL, 0, NULL, 0, "Violations:", 3 },
	{ "held-over", OPT_HELD_OVER, "DURATION", 0,
	  "List pages held longer than DURATION as leak suspects (default 5s)", 3 },
	{ "held-top", OPT_HELD_TOP, "N", 0,
	  "Show at most N leak suspects per interval (default 10, at most 1000); "
	  "owners: the N oldest pages of each owner (default 3)", 3 },
	{ "held-max", OPT_HELD_MAX, "N", 0,
	  "Track up to N exclusive pages at once (default 32768: 4 MB of "
	  "kernel memory, about 120 bytes a page, taken at start)", 3 },
	{ "owner-stacks", OPT_OWNER_STACKS, NULL, 0,
	  "Walk the stack of every exclusive page's acquire, for violation "
	  "records and leak suspects: most of what labytrace costs per "
	  "exclusive page, so off by default (a kernel booted with "
	  "page_exclusive=...,stacks keeps them for owners)", 3 },
	{ "violation-records", OPT_VIOLATION_RECORDS, "N", 0,
	  "Write a record (with its stacks) for the first N violations of each "
	  "interval (default 100); all are counted, by owner, actor and stacks, "
	  "in the kernel", 3 },
	{ NULL, 0, NULL, 0, "Heatmap (the filters above select what is drawn):", 4 },
	{ "metric", OPT_METRIC, "WHAT", 0,
	  "latency (default), hold (time pages were owned), allocs or failures "
	  "(by order)", 4 },
	{ NULL, 0, NULL, 0, "Holders:", 5 },
	{ "dev", OPT_DEV, "IFNAME", 0,
	  "Only the page_pools of this network device (any namespace)", 5 },
	{ "pool", OPT_POOL, "ID", 0,
	  "Only the page_pool with this id (as netlink and the kernel's "
	  "\"stalled pool shutdown: id N\" name it; 6.8+)", 5 },
	{ NULL, 0, NULL, 0, "Other:", 6 },
	{ "latency-source", OPT_LAT_SOURCE, "SRC", 0,
	  "auto (default), tracepoint or fentry", 6 },
	{ "help", 'h', NULL, 0, "Give this help list", -1 },
	{ "usage", OPT_USAGE, NULL, 0, "Give a short usage message", -1 },
	{ "version", 'V', NULL, 0, "Print program version", -1 },
	{},
};

struct parse_state {
	struct options *o;
	FILE *out, *err;
	int result;
	unsigned int given;	/* of scope[], a bit each */
	bool live_alone;	/* --live with no "=WHEN" */
};

#define TRACING		(1U << CMD_TRACE | 1U << CMD_RECORD)
#define HEATMAP		(1U << CMD_HEATMAP)
#define OWNERS		(1U << CMD_OWNERS)
#define HOLDERS		(1U << CMD_HOLDERS)

/*
 * Where each option does something: the commands that take it and, when
 * tracing (record too), the modes it serves, one of which must run (0: any).
 * An option given anywhere else is refused with one line (check_scope()),
 * never silently ignored.  --live, -v, --help and the like go anywhere.
 */
static const struct {
	int key;
	const char *name;
	unsigned int cmds;
	unsigned int modes;
	const char *where;	/* "is for ..." */
} scope[] = {
	{ 'i', "-i", TRACING, 0, "tracing and record" },
	{ 'd', "-d", TRACING, 0, "tracing and record" },
	{ 'j', "-j", TRACING | OWNERS | HOLDERS, 0, "tracing, record, owners and holders" },
	{ OPT_PROMETHEUS, "--prometheus", TRACING, 0, "tracing and record" },
	{ OPT_LISTEN, "--listen", TRACING, 0, "tracing and record" },
	{ 'o', "-o", 1U << CMD_RECORD | HEATMAP, 0, "record and heatmap" },
	{ 'p', "-p", TRACING, 0, "tracing and record" },
	{ 'C', "-C", TRACING, 0, "tracing and record" },
	{ OPT_ORDER, "--order", TRACING | HEATMAP, 0, "tracing, record and heatmap" },
	{ OPT_CONTEXT, "--context", TRACING | HEATMAP, 0, "tracing, record and heatmap" },
	/* the kernel's violation events carry no gfp flags, and are all exclusive */
	{ OPT_GFP, "--gfp", TRACING | HEATMAP, MODE_LATENCY | MODE_FAILURES,
	  "latency and failures" },
	{ OPT_GFP_MASK, "--gfp MASK", TRACING, MODE_LATENCY | MODE_FAILURES,
	  "latency and failures" },
	{ OPT_EXCLUSIVE, "--exclusive", TRACING | HEATMAP, MODE_LATENCY | MODE_FAILURES,
	  "latency and failures" },
	{ OPT_WARNED_ONLY, "--warned-only", TRACING, MODE_LATENCY | MODE_FAILURES,
	  "latency and failures" },
	{ OPT_FAILURE_RECORDS, "--failure-records", TRACING, MODE_FAILURES, "failures" },
	{ OPT_NO_RATES, "--no-rates", 1U << CMD_TRACE, MODE_FAILURES, "tracing failures" },
	{ OPT_HELD_OVER, "--held-over", TRACING, MODE_VIOLATIONS, "violations" },
	{ OPT_HELD_TOP, "--held-top", TRACING | OWNERS, MODE_VIOLATIONS,
	  "violations and owners" },
	{ OPT_HELD_MAX, "--held-max", TRACING, MODE_VIOLATIONS, "violations" },
	{ OPT_OWNER_STACKS, "--owner-stacks", TRACING, MODE_VIOLATIONS, "violations" },
	{ OPT_VIOLATION_RECORDS, "--violation-records", TRACING, MODE_VIOLATIONS,
	  "violations" },
	{ OPT_LAT_SOURCE, "--latency-source", TRACING, MODE_LATENCY, "latency" },
	{ OPT_METRIC, "--metric", HEATMAP, 0, "heatmap" },
	{ OPT_DEV, "--dev", HOLDERS, 0, "holders" },
	{ OPT_POOL, "--pool", HOLDERS, 0, "holders" },
};

/* Remember that the option @key was given (--gfp: a class or a mask). */
static void given(struct parse_state *ps, int key, const char *arg)
{
	unsigned int i;

	if (key == OPT_GFP && gfp_class_parse(arg) < 0)
		key = OPT_GFP_MASK;
	for (i = 0; i < sizeof(scope) / sizeof(scope[0]); i++)
		if (scope[i].key == key)
			ps->given |= 1U << i;
}

const char *text_escaped(const char *s, char *buf, size_t len)
{
	size_t n = 0, cap = len > 4 ? len - 4 : 0, elen;
	unsigned char c;
	char esc[8];

	for (; *s; s++) {
		c = *s;
		if (c == '\n' || c == '\r' || c == '\t')
			snprintf(esc, sizeof(esc), "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
		else if (c < 0x20 || c == 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			snprintf(esc, sizeof(esc), "%c", c);
		elen = strlen(esc);
		if (n + elen > cap) {
			memcpy(buf + n, "...", 4);
			return buf;
		}
		memcpy(buf + n, esc, elen);
		n += elen;
	}
	if (len)
		buf[n] = '\0';
	return buf;
}

const char *options_shown(const char *s, char *buf, size_t len)
{
	return text_escaped(s, buf, len < OPTIONS_SHOWN_MAX + 4 ? len : OPTIONS_SHOWN_MAX + 4);
}

void options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ns = 1000000000ULL;
	o->cpu = -1;
	o->order = -1;
	o->gfp_class = -1;
	o->ctx = -1;
	o->held_over_ns = 5000000000ULL;
	o->held_top = 10;
	o->held_max = LT_HELD_DEFAULT;
	o->failure_records = LT_FAIL_RECORDS;
	o->violation_records = LT_VIOL_RECORDS;
	o->pool_id = -1;
}

bool options_filtered(const struct options *o)
{
	struct options any;

	options_init(&any);
	return o->pid != any.pid || o->cpu != any.cpu ||
	       o->order != any.order || o->gfp_class != any.gfp_class ||
	       o->gfp_mask != any.gfp_mask || o->ctx != any.ctx ||
	       o->exclusive != any.exclusive ||
	       o->warned_only != any.warned_only;
}

int parse_duration(const char *s, unsigned long long unit_ns,
		   unsigned long long *ns)
{
	static const struct {
		const char *name;
		unsigned long long ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	double v, total;
	unsigned int i;
	char *end;

	if (!s || !*s || strchr(s, '-') || strchr(s, '+'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0)
		return -1;
	if (*end) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(end, units[i].name))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -1;
		unit_ns = units[i].ns;
	}
	total = v * unit_ns;
	if (total < 1 || total > 1e18)
		return -1;
	*ns = (unsigned long long)(total + 0.5);
	return 0;
}

/*
 * Decimal digits only (a leading 0 is not octal: -p 010 is 10), or hex
 * after "0x" when @hex: nothing before the number, not even a space, which
 * strtoull() would skip and then accept a sign.
 */
static int parse_uint(const char *s, unsigned long long max, bool hex,
		      unsigned long long *v)
{
	int base = 10;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return -1;
	}
	errno = 0;
	*v = strtoull(s, &end, base);
	if (errno || *end || *v > max)
		return -1;
	return 0;
}

/* A single mode's name. */
static const char *mode_name(unsigned int mode)
{
	return mode == MODE_LATENCY ? "latency" : mode == MODE_FAILURES ? "failures" :
	       mode == MODE_VIOLATIONS ? "violations" : "these modes";
}

static int parse_mode(const char *s, unsigned int *mode)
{
	if (!strcmp(s, "latency"))
		*mode = MODE_LATENCY;
	else if (!strcmp(s, "failures"))
		*mode = MODE_FAILURES;
	else if (!strcmp(s, "violations"))
		*mode = MODE_VIOLATIONS;
	else
		return -1;
	return 0;
}

static const struct argp_option *find_option(const char *arg)
{
	const struct argp_option *opt;
	size_t len;

	for (opt = argp_opts; opt->name || opt->key || opt->doc; opt++) {
		if (!strncmp(arg, "--", 2) && opt->name) {
			len = strcspn(arg + 2, "=");
			if (len == strlen(opt->name) && !strncmp(arg + 2, opt->name, len))
				return opt;
		} else if (arg[0] == '-' && arg[1] != '-' && arg[1] &&
			   opt->key == arg[1]) {
			return opt;
		}
	}
	return NULL;
}

static error_t __attribute__((format(printf, 2, 3)))
bad(struct argp_state *state, const char *fmt, ...)
{
	struct parse_state *ps = state->input;
	va_list ap;

	fprintf(ps->err, "labytrace: ");
	va_start(ap, fmt);
	vfprintf(ps->err, fmt, ap);
	va_end(ap);
	fputc('\n', ps->err);
	ps->result = OPTIONS_BAD;
	return EINVAL;
}

/* Values of --metric, --latency-source and --live, in their enums' order. */
static const char *const metric_words[] = { "latency", "hold", "allocs", "failures" };
static const char *const lat_source_words[] = { "auto", "tracepoint", "fentry" };
static const char *const live_words[] = { "auto", "always", "never" };

/* The index of @arg among @words, or -1. */
static int word_index(const char *arg, const char *const *words, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(arg, words[i]))
			return i;
	return -1;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct options *o = ps->o;
	unsigned long long v;
	int w;
	const struct argp_option *opt;
	const char *a;
	char shown[OPTIONS_SHOWN_MAX + 8];

	/* The value as messages echo it: escaped, cut. */
	if (arg)
		options_shown(arg, shown, sizeof(shown));
	if (key > 0 && key < ARGP_KEY_END)	/* an option, not argp's own keys */
		given(ps, key, arg);
	switch (key) {
	case ARGP_KEY_INIT:
		state->out_stream = ps->out;
		state->err_stream = ps->err;
		break;
	case 'i':
		if (parse_duration(arg, 1000000000ULL, &o->interval_ns) ||
		    o->interval_ns < 10000000ULL)
			return bad(state, "bad value for %s: '%s' (seconds, at least 0.01)",
				   "-i", shown);
		break;
	case 'd':
		if (parse_duration(arg, 1000000000ULL, &o->duration_ns))
			return bad(state, "bad value for %s: '%s' (seconds, e.g. 10 or 500ms)",
				   "-d", shown);
		break;
	case 'j':
		o->json = true;
		break;
	case OPT_LIVE:
		/* --live alone is --live=always, as ls --color is --color=always. */
		w = LIVE_ALWAYS;
		ps->live_alone = !arg;
		if (arg)
			w = word_index(arg, live_words, sizeof(live_words) / sizeof(*live_words));
		if (w < 0)
			return bad(state, "bad value for %s: '%s' (auto, always or never)",
				   "--live", shown);
		o->live = w;
		break;
	case OPT_PROMETHEUS:
		if (!*arg)
			return bad(state, "bad value for %s: '%s' (a file name)",
				   "--prometheus", shown);
		o->prometheus = arg;
		break;
	case OPT_LISTEN: {
		char host[256];
		unsigned int port;

		if (http_parse_listen(arg, host, sizeof(host), &port))
			return bad(state, "bad value for %s: '%s' (ADDRESS:PORT or :PORT, e.g. 127.0.0.1:9435, [::1]:9435 or :9435)",
				   "--listen", shown);
		o->listen = arg;
		break;
	}
	case 'o':
		if (!*arg)
			return bad(state, "bad value for %s: '%s' (a file name)", "-o", shown);
		o->output = arg;
		break;
	case OPT_METRIC:
		w = word_index(arg, metric_words, sizeof(metric_words) / sizeof(*metric_words));
		if (w < 0)
			return bad(state, "bad value for %s: '%s' (latency, hold, allocs or failures)",
				   "--metric", shown);
		o->metric = w;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'p':
		if (parse_uint(arg, INT_MAX, false, &v) || !v)
			return bad(state, "bad value for %s: '%s' (a process ID)",
				   "-p", shown);
		o->pid = v;
		break;
	case 'C':
		if (parse_uint(arg, 65535, false, &v))
			return bad(state, "bad value for %s: '%s' (a CPU number)",
				   "-C", shown);
		o->cpu = v;
		break;
	case OPT_ORDER:
		if (parse_uint(arg, OPTIONS_MAX_ORDER, false, &v))
			return bad(state, "bad value for %s: '%s' (an order, 0 to %d)",
				   "--order", shown, OPTIONS_MAX_ORDER);
		o->order = v;
		break;
	case OPT_GFP:
		o->gfp_class = gfp_class_parse(arg);
		if (o->gfp_class >= 0)
			break;
		if (parse_uint(arg, ~0ULL, true, &v) || !v)
			return bad(state, "bad value for %s: '%s' (atomic, nowait, kernel or a mask such as 0x820)",
				   "--gfp", shown);
		o->gfp_mask = v;
		break;
	case OPT_CONTEXT:
		o->ctx = ctx_parse(arg);
		if (o->ctx < 0)
			return bad(state, "bad value for %s: '%s' (task, softirq, hardirq or nmi)",
				   "--context", shown);
		break;
	case OPT_EXCLUSIVE:
		o->exclusive = true;
		break;
	case OPT_NO_RATES:
		o->no_rates = true;
		break;
	case OPT_OWNER_STACKS:
		o->owner_stacks = true;
		break;
	case OPT_WARNED_ONLY:
		o->warned_only = true;
		break;
	case OPT_HELD_OVER:
		if (parse_duration(arg, 1000000000ULL, &o->held_over_ns))
			return bad(state, "bad value for %s: '%s' (a duration, e.g. 500ms or 5s)",
				   "--held-over", shown);
		break;
	case OPT_HELD_TOP:
		if (parse_uint(arg, HELD_TOP_MAX, false, &v))
			return bad(state, "bad value for %s: '%s' (a count, at most %d)",
				   "--held-top", shown, HELD_TOP_MAX);
		o->held_top = v;
		o->held_top_set = true;
		break;
	case OPT_HELD_MAX:
		if (parse_uint(arg, LT_HELD_LIMIT, false, &v) || !v)
			return bad(state, "bad value for %s: '%s' (pages, 1 to %d)",
				   "--held-max", shown, LT_HELD_LIMIT);
		o->held_max = v;
		break;
	case OPT_FAILURE_RECORDS:
	case OPT_VIOLATION_RECORDS:
		if (parse_uint(arg, 1000000, false, &v))
			return bad(state, "bad value for %s: '%s' (a count, 0 to 1000000)",
				   key == OPT_FAILURE_RECORDS ? "--failure-records" :
				   "--violation-records", shown);
		if (key == OPT_FAILURE_RECORDS)
			o->failure_records = v;
		else
			o->violation_records = v;
		break;
	case OPT_LAT_SOURCE:
		w = word_index(arg, lat_source_words,
			       sizeof(lat_source_words) / sizeof(*lat_source_words));
		if (w < 0)
			return bad(state, "bad value for %s: '%s' (auto, tracepoint or fentry)",
				   "--latency-source", shown);
		o->lat_source = w;
		break;
	case OPT_DEV:
		/* IFNAMSIZ less its NUL; no '/' or space, as dev_valid_name() */
		if (!*arg || strlen(arg) > 15 || strpbrk(arg, "/: \t\n") ||
		    !strcmp(arg, ".") || !strcmp(arg, ".."))
			return bad(state, "bad value for %s: '%s' (an interface name, at most 15 characters)",
				   "--dev", shown);
		o->dev = arg;
		break;
	case OPT_POOL:
		if (parse_uint(arg, 0xffffffffULL, false, &v) || !v)
			return bad(state, "bad value for %s: '%s' (a page_pool id, 1 to 4294967295)",
				   "--pool", shown);
		o->pool_id = v;
		break;
	case 'h':
		/* argp_state_help() is silenced by ARGP_NO_ERRS. */
		argp_help(state->root_argp, ps->out, ARGP_HELP_STD_HELP &
			  ~(ARGP_HELP_EXIT_ERR | ARGP_HELP_EXIT_OK), "labytrace");
		ps->result = OPTIONS_EXIT;
		break;
	case OPT_USAGE:
		argp_help(state->root_argp, ps->out, ARGP_HELP_USAGE, "labytrace");
		ps->result = OPTIONS_EXIT;
		break;
	case 'V':
		fprintf(state->out_stream, "%s\n", argp_program_version);
		ps->result = OPTIONS_EXIT;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0 && !strcmp(arg, "record")) {
			o->cmd = CMD_RECORD;
			break;
		}
		if (state->arg_num == 0 && !strcmp(arg, "heatmap")) {
			o->cmd = CMD_HEATMAP;
			break;
		}
		if (state->arg_num == 0 && !strcmp(arg, "owners")) {
			o->cmd = CMD_OWNERS;
			break;
		}
		if (state->arg_num == 0 && !strcmp(arg, "holders")) {
			o->cmd = CMD_HOLDERS;
			break;
		}
		if (o->cmd == CMD_OWNERS)
			return bad(state, "'%s': owners takes no mode", shown);
		if (o->cmd == CMD_HOLDERS)
			return bad(state, "'%s': holders takes no mode", shown);
		if (o->cmd == CMD_HEATMAP) {
			if (o->input)
				return bad(state, "'%s': heatmap draws one recording", shown);
			if (!*arg)
				return bad(state, "heatmap: an empty file name");
			o->input = arg;
			break;
		}
		/* "--live always": the value apart, read as a mode; say so */
		if (ps->live_alone && word_index(arg, live_words, 3) >= 0)
			return bad(state, "unknown mode '%s' (latency, failures or violations; --live=%s takes its value after '=')",
				   shown, shown);
		if (state->arg_num > (o->cmd == CMD_RECORD))
			return bad(state, "'%s': only one mode may be given", shown);
		if (parse_mode(arg, &o->modes))
			return bad(state, "unknown mode '%s' (latency, failures or violations)",
				   shown);
		o->all_modes = false;
		break;
	case ARGP_KEY_ERROR:
		/* Only reached for getopt's errors, thanks to ARGP_NO_ERRS. */
		if (ps->result == OPTIONS_BAD)
			break;
		a = state->next > 0 && state->next <= state->argc ?
			state->argv[state->next - 1] : "?";
		opt = find_option(a);
		options_shown(a, shown, sizeof(shown));
		if (opt && opt->arg)
			return bad(state, "option '%s' needs a value", shown);
		return bad(state, "unknown option '%s'", shown);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The first option given where it does nothing (scope[]): one line, or 0. */
static int check_scope(const struct options *o, unsigned int given, FILE *err)
{
	static const char *const cmds[] = {
		[CMD_TRACE] = "tracing", [CMD_RECORD] = "record",
		[CMD_HEATMAP] = "heatmap", [CMD_OWNERS] = "owners",
		[CMD_HOLDERS] = "holders",
	};
	unsigned int i;
	const char *not = NULL;

	for (i = 0; i < sizeof(scope) / sizeof(scope[0]) && !not; i++) {
		if (!(given & 1U << i))
			continue;
		if (!(scope[i].cmds & 1U << o->cmd))
			not = cmds[o->cmd];
		else if ((o->cmd == CMD_TRACE || o->cmd == CMD_RECORD) &&
			 scope[i].modes && !(o->modes & scope[i].modes))
			not = mode_name(o->modes);
	}
	if (!not)
		return OPTIONS_RUN;
	i--;
	fprintf(err, "labytrace: %s is for %s, not %s\n", scope[i].name, scope[i].where, not);
	return OPTIONS_BAD;
}

/* What only some commands take, and what they need. */
static int check_command(const struct options *o, unsigned int given, FILE *err)
{
	const char *why = NULL;

	if (o->cmd == CMD_HEATMAP) {
		if (!o->input)
			why = "heatmap needs a recording: heatmap FILE -o OUT.svg";
		else if (!o->output)
			why = "heatmap needs -o OUT.svg";
	} else if (o->cmd == CMD_RECORD) {
		if (!o->output)
			why = "record needs -o FILE";
	}
	if (!why && check_scope(o, given, err))
		return OPTIONS_BAD;
	if (!why && o->no_rates && (o->modes & MODE_LATENCY))
		why = "--no-rates is for failures without latency, which counts every allocation anyway";
	/* never is what these do anyway: a script may always pass it. */
	if (o->live == LIVE_ALWAYS && (o->cmd == CMD_HEATMAP || o->cmd == CMD_OWNERS ||
				       o->cmd == CMD_HOLDERS))
		why = "--live is for tracing: heatmap, owners and holders run once";
	else if (o->live == LIVE_ALWAYS && o->json)
		why = "--live and -j exclude each other: one repaints a screen, the other writes NDJSON";
	if (!why)
		return OPTIONS_RUN;
	fprintf(err, "labytrace: %s\n", why);
	return OPTIONS_BAD;
}

bool options_live(const struct options *o, bool stdout_tty)
{
	if (o->json || o->live == LIVE_NEVER)
		return false;
	return o->live == LIVE_ALWAYS || stdout_tty;
}

int options_parse(struct options *o, int argc, char **argv, FILE *out,
		  FILE *err)
{
	struct parse_state ps = {
		.o = o, .out = out, .err = err, .result = OPTIONS_RUN,
	};
	const struct argp argp = {
		.options = argp_opts,
		.parser = parse_opt,
		.args_doc = args_doc,
		.doc = doc,
	};
	int rc;

	o->modes = MODE_ALL;
	o->all_modes = true;
	rc = argp_parse(&argp, argc, argv,
			ARGP_NO_EXIT | ARGP_NO_ERRS | ARGP_NO_HELP, NULL, &ps);
	/* Help nobody could read is not a success (--help >/dev/full). */
	if (ps.result == OPTIONS_EXIT && (fflush(out) || ferror(out))) {
		fprintf(err, "labytrace: cannot write to standard output: %s\n",
			strerror(errno ? errno : EIO));
		return OPTIONS_WRITE_ERROR;
	}
	if (ps.result != OPTIONS_RUN)
		return ps.result;
	if (rc) {
		fprintf(err, "labytrace: bad command line\n");
		return OPTIONS_BAD;
	}
	return check_command(o, ps.given, err);
}
