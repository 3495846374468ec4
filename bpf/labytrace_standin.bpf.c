// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: labytrace's handlers for the __GFP_EXCLUSIVE tracepoints and
 * for fentry/fexit, attached to tracepoints every kernel has, so that the
 * host check proves they pass the running kernel's verifier and keep their
 * books straight where their real attach points do not exist.
 *
 * Every page allocation by standin_check acquires its page for it, and
 * every free by it releases it, as if by task 1; one free in 16 is first
 * reported as a violation on a page of the owner object "standin rx0"
 * (id 7, its name in this program's own memory, which is kernel memory
 * as a tracepoint's name is), and every allocation is also
 * reported as a failure (standin_failures counts them).  standin_fill, run by
 * BPF_PROG_TEST_RUN, acquires fill_n made-up pages at once, to fill the
 * held table.  The real programs stay in the object, not loaded.
 */
#include "labytrace.bpf.c"

/*
 * Only standin_check's own pages: the whole machine's allocations would fill
 * the stack map with colliding stacks, and make the counts depend on load.
 */
const volatile __u32 standin_tgid;

/* Violations handed to on_violation(), counted apart from labytrace's books. */
__u64 standin_violations;

const char standin_owner_name[LT_OWNER_NAME_LEN] = "standin rx0";

static __always_inline bool standin_other(void)
{
	return standin_tgid && bpf_get_current_pid_tgid() >> 32 != standin_tgid;
}

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(standin_acquire, struct page *page, unsigned int order, gfp_t gfp)
{
	if (!page || standin_other())
		return 0;
	return on_acquire(ctx, LT_TASK, page, order, gfp,
			  bpf_get_current_pid_tgid() >> 32, 0, NULL);
}

SEC("tp_btf/mm_page_free")
int BPF_PROG(standin_release, struct page *page, unsigned int order)
{
	if (standin_other())
		return 0;
	if (bpf_get_prandom_u32() % 16 == 0) {
		__sync_fetch_and_add(&standin_violations, 1);
		on_violation(ctx, LT_TASK, page, order, 7, LT_OBJECT,
			     bpf_get_current_pid_tgid() >> 32, 0,
			     LT_KIND_FREE, false, standin_owner_name, NULL);
	}
	return on_release(page, order, 1, 0, 1000ULL << order, NULL);
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

__u64 standin_failures;

SEC("tp_btf/mm_page_alloc")
int BPF_PROG(standin_failure, struct page *page, unsigned int order, gfp_t gfp)
{
	if (standin_other())
		return 0;
	__sync_fetch_and_add(&standin_failures, 1);
	emit_failure(ctx, order, gfp, 0, 0);
	return 0;
}

/* fill_n pages from fill_base on, 64 bytes apart, as struct page * do. */
__u64 fill_base;
__u32 fill_n;

static int fill_one(__u64 i, void *h)
{
	held_track(fill_base + i * 64, h);
	return 0;
}

SEC("raw_tp")
int BPF_PROG(standin_fill)
{
	struct lt_held h;

	held_init(ctx, LT_TASK, &h, 0, 0, bpf_get_current_pid_tgid() >> 32, 0);
	bpf_loop(fill_n, fill_one, &h, 0);
	return 0;
}
