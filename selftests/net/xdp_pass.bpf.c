// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_pass: passes every frame on.  Attached to a veth, it makes the veth
 * receive through XDP, which copies each skb into its page_pool's pages:
 * the page_pool path selftests/net/veth-xdp.sh counts.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
