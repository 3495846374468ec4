// SPDX-License-Identifier: GPL-2.0
/*
 * nest_contexts: does a raw tracepoint program see an event that interrupts
 * its own run?  Loaded with BPF_F_RECURSION_PER_CONTEXT it must (and count
 * no recursion miss); loaded without, it must not, and count the event as a
 * miss: the kernel's default stays as it was.  The nested event is made on
 * demand by test_page_exclusive's kfunc (an allocation in a hard irq_work on
 * the program's CPU), so the outcome never depends on timing.
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

struct outcome {
	int loaded;
	int kfunc_ret;
	unsigned long long nested_runs, misses;
};

/* Load, attach, make the task allocate once, and read what the program saw. */
static struct outcome run(int per_context)
{
	struct outcome o = { .kfunc_ret = -1 };
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
	if (!bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.on_alloc), &info, &len))
		o.misses = info.recursion_misses;
	nest_contexts_bpf__destroy(skel);
	return o;
}

int main(void)
{
	struct outcome pc, def;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..6\n");
	pc = run(1);
	check(pc.loaded, "a raw tracepoint program loads with BPF_F_RECURSION_PER_CONTEXT");
	check(pc.kfunc_ret == 0, "per context: the kfunc nested a hardirq allocation (returned %d)",
	      pc.kfunc_ret);
	check(pc.nested_runs == 1 && pc.misses == 0,
	      "per context: the nested event ran the program (runs %llu, want 1; recursion misses %llu, want 0)",
	      pc.nested_runs, pc.misses);
	def = run(0);
	check(def.loaded, "the same program loads without the flag");
	check(def.kfunc_ret == 0, "default: the kfunc nested a hardirq allocation (returned %d)",
	      def.kfunc_ret);
	check(def.nested_runs == 0 && def.misses >= 1,
	      "default: the nested event was refused and counted (runs %llu, want 0; recursion misses %llu, want >= 1)",
	      def.nested_runs, def.misses);
	return failed;
}
