/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of labytrace (argp), parsed into struct options. */
#ifndef LABYTRACE_OPTIONS_H
#define LABYTRACE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses, documented in --help and labytrace(8). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* unexpected runtime error */
	EXIT_USAGE = 2,		/* unknown option, bad value */
	EXIT_PRIVILEGE = 3,	/* no CAP_BPF + CAP_PERFMON, or bpf() refused */
	EXIT_NO_BTF = 4,	/* kernel without BTF */
	EXIT_UNAVAILABLE = 5,	/* nothing asked for can run on this kernel */
};

enum {
	MODE_LATENCY = 1,
	MODE_FAILURES = 2,
	MODE_VIOLATIONS = 4,
	MODE_ALL = 7,
};

enum lat_source {
	LATSRC_AUTO,
	LATSRC_TRACEPOINT,
	LATSRC_FENTRY,
};

/*
 * What labytrace does: trace (the default), record, draw a recording,
 * list the owners of exclusive pages now, or who holds page_pools' pages.
 */
enum command {
	CMD_TRACE,
	CMD_RECORD,
	CMD_HEATMAP,
	CMD_OWNERS,
	CMD_HOLDERS,
};

/*
 * --live: whether tracing repaints one screen per interval, or appends
 * plain text.  Auto: the screen when standard output is a terminal.
 */
enum live_when {
	LIVE_AUTO,
	LIVE_ALWAYS,
	LIVE_NEVER,
};

/* What a heatmap draws (--metric). */
enum heat_metric {
	HEAT_LATENCY,
	HEAT_HOLD,
	HEAT_ALLOCS,
	HEAT_FAILURES,
};

struct options {
	enum command cmd;
	unsigned int modes;
	bool all_modes;			/* no subcommand: show what works */
	unsigned long long interval_ns;
	unsigned long long duration_ns;	/* 0: until Ctrl-C */
	bool json;
	enum live_when live;
	const char *prometheus;
	const char *listen;		/* --listen ADDRESS:PORT, or NULL */
	const char *output;		/* -o: the recording, or the SVG */
	const char *input;		/* heatmap: the recording */
	enum heat_metric metric;
	/* filters, applied in the kernel */
	unsigned int pid;		/* 0: any */
	int cpu;			/* -1: any */
	int order;			/* -1: any */
	int gfp_class;			/* -1: any, else enum lt_class */
	unsigned long long gfp_mask;	/* all these bits set; 0: any */
	int ctx;			/* -1: any, else enum lt_ctx */
	bool exclusive;
	bool warned_only;		/* no __GFP_NOWARN */
	/* violations */
	unsigned long long held_over_ns;
	unsigned int held_top;
	bool held_top_set;		/* owners lists fewer by default */
	unsigned int held_max;		/* exclusive pages tracked at once */
	bool owner_stacks;		/* walk each acquire's stack */
	bool no_rates;			/* failures alone, allocations not counted */
	unsigned int failure_records;	/* per interval */
	unsigned int violation_records;	/* per interval */
	enum lat_source lat_source;
	/* holders */
	const char *dev;		/* --dev IFNAME, or NULL */
	long long pool_id;		/* --pool ID; -1: any */
	bool verbose;
};

enum {
	OPTIONS_RUN = 0,	/* go on */
	OPTIONS_EXIT = 1,	/* --help, --usage, --version printed */
	OPTIONS_BAD = -1,	/* one line printed to @err */
	OPTIONS_WRITE_ERROR = -2, /* help or version not written; one line to @err */
};

/* Leak suspects listed per interval, at most. */
#define HELD_TOP_MAX 1000
/*
 * --order, at most: the kernel's MAX_PAGE_ORDER, which x86 (the only
 * architecture labytrace builds for) fixes at 10; no allocation is larger.
 */
#define OPTIONS_MAX_ORDER 10
/* Characters of a value that an error message echoes, at most. */
#define OPTIONS_SHOWN_MAX 200

void options_init(struct options *o);
/* Whether any allocation filter (pid to warned_only) is set. */
bool options_filtered(const struct options *o);
/* Prints help to @out, errors to @err, never exits. */
int options_parse(struct options *o, int argc, char **argv, FILE *out,
		  FILE *err);
/*
 * Whether tracing draws the live view, given whether standard output is a
 * terminal: --live, else the terminal decides; never with -j.
 */
bool options_live(const struct options *o, bool stdout_tty);
/*
 * @s with its control characters escaped (\n, \x1b), so that it prints as
 * one line and moves no cursor; cut with "..." if it would take more than
 * @len - 4 bytes (4 * strlen(@s) + 4 never does).  @buf.
 */
const char *text_escaped(const char *s, char *buf, size_t len);
/* The same for a value a message echoes: cut after OPTIONS_SHOWN_MAX characters. */
const char *options_shown(const char *s, char *buf, size_t len);
/*
 * "1.5" (in @unit_ns), "250ms", "2s", "1m": the unit is one of ns, us, ms,
 * s, m, h.  Returns 0, or -1 for anything else, including 0 and overflow.
 */
int parse_duration(const char *s, unsigned long long unit_ns,
		   unsigned long long *ns);

#endif
