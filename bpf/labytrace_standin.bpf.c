// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: labytrace's handlers for the __GFP_EXCLUSIVE tracepoints and
 * for fentry/fexit, attached to tracepoints every kernel has, so that the
 * host check proves they pass the running kernel's verifier and keep their
 * books straight where their real attach points do not exist.
 *
 * Every page allocation acquires its page for the allocating task, and every
 * free releases it; one free in 16 is first reported as a violation, as if
 * by softirq on CPU 1.  The real programs stay in the object, not loaded.
 */
#include "labytrace.bpf.c"

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(standin_acquire, struct page *page, unsigned int order, gfp_t gfp)
{
	if (!page)
		return 0;
	return on_acquire(ctx, page, order, gfp,
			  bpf_get_current_pid_tgid() >> 32, 0);
}

SEC("tp_btf/mm_page_free")
int BPF_PROG(standin_release, struct page *page, unsigned int order)
{
	if (bpf_get_prandom_u32() % 16 == 0)
		on_violation(ctx, page, order, 1, 1,
			     bpf_get_current_pid_tgid() >> 32, 0,
			     LT_KIND_FREE, false);
	return on_release(page, order, 1, 0, 1000ULL << order);
}

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(standin_enter, struct page *page, unsigned int order, gfp_t gfp)
{
	return on_enter(gfp, order, false);
}

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(standin_exit, struct page *page)
{
	return on_exit(ctx, page, false);
}
