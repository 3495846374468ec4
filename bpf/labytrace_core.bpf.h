/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local CO-RE definitions of kernel types that the vmlinux.h of the build
 * host may lack: the __GFP_EXCLUSIVE series' enums (a stock kernel has none;
 * their values are whatever the running kernel says, enumerator by name)
 * and x86's per-CPU preempt count, which moved from pcpu_hot (6.2-6.14) to
 * __preempt_count (6.15+).  libbpf matches them to the running kernel's BTF
 * by their names without the ___lt suffix.
 */
#ifndef __LABYTRACE_CORE_BPF_H
#define __LABYTRACE_CORE_BPF_H

enum page_exclusive_ctx___lt {
	PAGE_EXCLUSIVE_TASK___lt,
	PAGE_EXCLUSIVE_SOFTIRQ___lt,
	PAGE_EXCLUSIVE_HARDIRQ___lt,
	PAGE_EXCLUSIVE_NMI___lt,	/* before owner objects; gone since */
	PAGE_EXCLUSIVE_OBJECT___lt,
};

enum page_exclusive_violation___lt {
	PAGE_EXCLUSIVE_VIOLATION_MAP___lt,
	PAGE_EXCLUSIVE_VIOLATION_GUP___lt,
	PAGE_EXCLUSIVE_VIOLATION_FREE___lt,
	PAGE_EXCLUSIVE_VIOLATION_TRANSFER___lt,
	PAGE_EXCLUSIVE_VIOLATION_RELEASE___lt,
	PAGE_EXCLUSIVE_VIOLATION_LEAK___lt,
};

struct pcpu_hot___lt {
	int preempt_count;
} __attribute__((preserve_access_index));

/*
 * Typed per-CPU ksyms need the symbol in kallsyms (CONFIG_KALLSYMS_ALL), so
 * only programs built with use_ksym reference them; labytrace probes that
 * before it chooses between the two variants of a program.
 */
extern int __preempt_count __ksym __weak;
extern struct pcpu_hot___lt pcpu_hot __ksym __weak;

/*
 * Where this kernel's preempt count keeps hardirq and NMI: user space sets
 * them from BTF (probe_ctx_layout()); these defaults are the layout before
 * 7.x.  Softirq has not moved.
 */
const volatile __u32 ctx_hardirq_mask = 0x000f0000;
const volatile __u32 ctx_nmi_mask = 0x00f00000;
#define LT_SOFTIRQ_OFFSET	0x00000100

/*
 * The context the program runs in, as in_nmi(), in_hardirq() and
 * in_serving_softirq() see it.  Without the per-CPU symbols everything is
 * LT_TASK, and user space labels it "unknown".
 */
static __always_inline unsigned int current_ctx(const bool use_ksym)
{
	int pc;

	if (!use_ksym)
		return LT_TASK;
	if (&__preempt_count)
		pc = *(int *)bpf_this_cpu_ptr(&__preempt_count);
	else if (&pcpu_hot)
		pc = ((struct pcpu_hot___lt *)bpf_this_cpu_ptr(&pcpu_hot))->preempt_count;
	else
		return LT_TASK;

	if (pc & ctx_nmi_mask)
		return LT_NMI;
	if (pc & ctx_hardirq_mask)
		return LT_HARDIRQ;
	if (pc & LT_SOFTIRQ_OFFSET)
		return LT_SOFTIRQ;
	return LT_TASK;
}

/* @v is the kernel's enumerator @e of enum page_exclusive_ctx, if it has one. */
#define pe_ctx_is(v, e)							\
	(bpf_core_enum_value_exists(enum page_exclusive_ctx___lt, e) &&	\
	 (v) == bpf_core_enum_value(enum page_exclusive_ctx___lt, e))

/*
 * The kernel's enum page_exclusive_ctx value as our enum lt_ctx.  Each
 * enumerator is looked up only if the running kernel has it: the series
 * dropped NMI (an NMI owner is its CPU's hardirq) and added OBJECT, and a
 * relocation against a missing one would make the kernel refuse the
 * program.  A kernel without the enum at all (the stand-ins on a stock
 * kernel) passes our own values.
 */
static __always_inline unsigned int pe_ctx(int v)
{
	if (!bpf_core_enum_value_exists(enum page_exclusive_ctx___lt,
					PAGE_EXCLUSIVE_TASK___lt))
		return v >= 0 && v < LT_NR_OWNER_CTX ? v : LT_TASK;
	if (pe_ctx_is(v, PAGE_EXCLUSIVE_SOFTIRQ___lt))
		return LT_SOFTIRQ;
	if (pe_ctx_is(v, PAGE_EXCLUSIVE_HARDIRQ___lt))
		return LT_HARDIRQ;
	if (pe_ctx_is(v, PAGE_EXCLUSIVE_NMI___lt))
		return LT_NMI;
	if (pe_ctx_is(v, PAGE_EXCLUSIVE_OBJECT___lt))
		return LT_OBJECT;
	return LT_TASK;
}

#define pe_kind_is(v, e)						\
	(bpf_core_enum_value_exists(enum page_exclusive_violation___lt, e) && \
	 (v) == bpf_core_enum_value(enum page_exclusive_violation___lt, e))

/* The kernel's enum page_exclusive_violation value as our enum lt_kind. */
static __always_inline unsigned int pe_kind(int v)
{
	if (!bpf_core_enum_value_exists(enum page_exclusive_violation___lt,
					PAGE_EXCLUSIVE_VIOLATION_MAP___lt))
		return v >= 0 && v < LT_NR_KINDS ? v : LT_KIND_MAP;
	if (pe_kind_is(v, PAGE_EXCLUSIVE_VIOLATION_GUP___lt))
		return LT_KIND_GUP;
	if (pe_kind_is(v, PAGE_EXCLUSIVE_VIOLATION_FREE___lt))
		return LT_KIND_FREE;
	if (pe_kind_is(v, PAGE_EXCLUSIVE_VIOLATION_TRANSFER___lt))
		return LT_KIND_TRANSFER;
	if (pe_kind_is(v, PAGE_EXCLUSIVE_VIOLATION_RELEASE___lt))
		return LT_KIND_RELEASE;
	if (pe_kind_is(v, PAGE_EXCLUSIVE_VIOLATION_LEAK___lt))
		return LT_KIND_LEAK;
	return LT_KIND_MAP;
}

#endif /* __LABYTRACE_CORE_BPF_H */
