// SPDX-License-Identifier: GPL-2.0
/*
 * nest_contexts: does a raw tracepoint program see an event that interrupts
 * its own run?  Loaded with BPF_F_RECURSION_PER_CONTEXT it must (and count
 * no recursion miss); loaded without, it must not, and count the event as a
 * miss: the kernel's default stays as it was.  The nested event is made on
 * demand by test_page_exclusive's kfunc (an allocation in a hard irq_work on
 * the program's CPU), so the outcome never depends on timing.
 *
 * A flagged program's counters are per CPU, so its run must not be
 * preempted (PREEMPT_RCU kernels would otherwise allow it) and it may not
 * be sleepable: the run's preempt count is read, and a sleepable program
 * asking for the flag must be refused.
 *
 *   nest_contexts        (test_page_exclusive loaded, module BTF)
 *
 * Prints TAP; exits 1 if a check failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "nest_contexts.skel.h"

#ifndef BPF_F_RECURSION_PER_CONTEXT
#define BPF_F_RECURSION_PER_CONTEXT (1U << 8)
#endif

static int failed, n;

static void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed |= !cond;
}

/* @count checks this kernel cannot make, for @why. */
static void skip(int count, const char *why)
{
	while (count--)
		printf("ok %d - # SKIP %s\n", ++n, why);
}

struct outcome {
	int loaded;
	int kfunc_ret;
	unsigned long long nested_runs, misses;
	long long preempt_count;	/* -1: not readable here */
};

/* Load, attach, make the task allocate once, and read what the program saw. */
static struct outcome run(int per_context)
{
	struct outcome o = { .kfunc_ret = -1, .preempt_count = -1 };
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct nest_contexts_bpf *skel;
	volatile char *page;
	long psz = sysconf(_SC_PAGESIZE);

	skel = nest_contexts_bpf__open();
	if (!skel)
		return o;
	skel->rodata->target_tgid = getpid();
	if (per_context)
		bpf_program__set_flags(skel->progs.on_alloc,
				       bpf_program__flags(skel->progs.on_alloc) |
				       BPF_F_RECURSION_PER_CONTEXT);
	if (nest_contexts_bpf__load(skel) || nest_contexts_bpf__attach(skel)) {
		printf("# cannot load or attach (%s): %s\n",
		       per_context ? "BPF_F_RECURSION_PER_CONTEXT" : "default", strerror(errno));
		nest_contexts_bpf__destroy(skel);
		return o;
	}
	o.loaded = 1;
	/* A fresh anonymous page, faulted in: an allocation with IRQs on. */
	page = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		perror("# mmap");
		nest_contexts_bpf__destroy(skel);
		return o;
	}
	skel->bss->armed = 1;
	page[0] = 1;
	skel->bss->armed = 0;
	munmap((void *)page, psz);

	o.kfunc_ret = skel->bss->fired ? skel->bss->kfunc_ret : -ENOENT;
	o.nested_runs = skel->bss->nested_runs;
	o.preempt_count = skel->data->task_preempt_count;
	if (!bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.on_alloc), &info, &len))
		o.misses = info.recursion_misses;
	nest_contexts_bpf__destroy(skel);
	return o;
}

/*
 * Load "return 0" as a sleepable program on the faultable sys_enter
 * tracepoint, with @flags added: 0 or -errno.
 */
static int load_sleepable(__u32 flags)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_RAW_TP,
		    .prog_flags = BPF_F_SLEEPABLE | flags);
	int id = libbpf_find_vmlinux_btf_id("sys_enter", BPF_TRACE_RAW_TP);
	int fd;

	if (id < 0)
		return id;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "sleepy", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * The kfunc's nested allocation, as @how's program saw it: run once with
 * no miss (@ran), or refused and counted.  PREEMPT_RT cannot make it.
 */
static void check_nested(const struct outcome *o, const char *how, int ran)
{
	if (o->kfunc_ret == -EOPNOTSUPP) {
		skip(2, "PREEMPT_RT allocates no pages in hard interrupts");
		return;
	}
	check(o->kfunc_ret == 0, "%s: the kfunc nested a hardirq allocation (returned %d)",
	      how, o->kfunc_ret);
	if (ran)
		check(o->nested_runs == 1 && o->misses == 0,
		      "%s: the nested event ran the program (runs %llu, want 1; recursion misses %llu, want 0)",
		      how, o->nested_runs, o->misses);
	else
		check(o->nested_runs == 0 && o->misses >= 1,
		      "%s: the nested event was refused and counted (runs %llu, want 0; recursion misses %llu, want >= 1)",
		      how, o->nested_runs, o->misses);
}

int main(void)
{
	struct outcome pc, def;
	int plain;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..8\n");
	pc = run(1);
	check(pc.loaded, "a raw tracepoint program loads with BPF_F_RECURSION_PER_CONTEXT");
	check_nested(&pc, "per context", 1);
	if (pc.preempt_count < 0)
		skip(1, "this kernel has no __preempt_count variable (6.12 keeps it in pcpu_hot)");
	else
		check(pc.preempt_count >= 1,
		      "per context: the task's run cannot be preempted (preempt count %lld, want >= 1)",
		      pc.preempt_count);
	def = run(0);
	check(def.loaded, "the same program loads without the flag");
	check_nested(&def, "default", 0);
	if (def.preempt_count >= 0)
		printf("# default: the task's run had preempt count %lld\n", def.preempt_count);

	plain = load_sleepable(0);
	if (plain)
		skip(1, "no sleepable raw tracepoint programs here");
	else
		check(load_sleepable(BPF_F_RECURSION_PER_CONTEXT) == -EINVAL,
		      "a sleepable program is refused BPF_F_RECURSION_PER_CONTEXT (EINVAL)");
	return failed;
}
