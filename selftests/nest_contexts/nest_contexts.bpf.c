// SPDX-License-Identifier: GPL-2.0
/*
 * On kmem:mm_page_alloc: at the first allocation of the armed task, ask the
 * test module's kfunc for an allocation of NEST_ORDER in hard interrupt
 * context on this CPU, which nests inside this very run, and count the runs
 * of that nested event.  Whether it runs depends on how the program was
 * loaded (BPF_F_RECURSION_PER_CONTEXT or not); user space reads the rest
 * from the program's recursion_misses.  The task's run also notes whether
 * it could be preempted (its preempt count), where the kernel says.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NEST_ORDER 2

extern int bpf_test_page_exclusive_nest_hardirq(unsigned int order) __ksym;
/* x86's preempt count; 6.12 keeps it in pcpu_hot instead. */
extern unsigned long __preempt_count __ksym __weak;

const volatile __u32 target_tgid;
__u32 armed;		/* set by user space once attached */
__u32 fired;		/* the task's run has called the kfunc */
__s32 kfunc_ret;
__u32 inside;		/* the task's run is in the kfunc */
__u32 inside_cpu;
__u64 nested_runs;	/* runs for the kfunc's allocation, inside it */
__s64 task_preempt_count = -1;	/* the task's run's; -1: not readable */

SEC("tp_btf/mm_page_alloc")
int on_alloc(__u64 *ctx)
{
	__u32 order = ctx[1];

	if (inside) {
		if (order == NEST_ORDER && bpf_get_smp_processor_id() == inside_cpu)
			__sync_fetch_and_add(&nested_runs, 1);
		return 0;
	}
	if (!armed || fired || bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	fired = 1;
	if (&__preempt_count)
		task_preempt_count = *(unsigned long *)bpf_this_cpu_ptr(&__preempt_count) & 0xff;
	inside_cpu = bpf_get_smp_processor_id();
	inside = 1;
	kfunc_ret = bpf_test_page_exclusive_nest_hardirq(NEST_ORDER);
	inside = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
