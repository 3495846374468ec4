// SPDX-License-Identifier: GPL-2.0
/*
 * Count the hits of one raw tracepoint.  The attach point is chosen by the
 * loader (bpf_program__set_attach_target), so one object serves any event;
 * raw_tp needs no BTF types, which keeps this usable as an independent
 * oracle next to labytrace.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 hits;

SEC("raw_tp")
int count_hit(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
