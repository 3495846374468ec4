// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace's live per-pool view: which page_pools exist, from page_pool's
 * own tracepoints, and their counters, read each interval.
 *
 * page_pool_state_hold and _release fire per page on a pool's slow paths
 * only (a page taken from, or given back to, the page allocator; the
 * recycling fast path has none): they cost one hash lookup, to learn a
 * pool the first time.  page_pool_release fires when a destroyed pool
 * tries to go, then every second while pages are out; with none out, the
 * pool is freed.  The counts themselves are the pool's own
 * (pages_state_hold_cnt, pages_state_release_cnt), read by live_refresh,
 * which labytrace runs once an interval: exact whatever events a busy CPU
 * skipped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "holders.h"
#include "holders_pool.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 pools_full;	/* pools not tracked: the map was full */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct hp_pool);
} live_pools SEC(".maps");

/*
 * The pool's entry; a new one if the address was a freed pool's, counting
 * from before the event that showed it (@hold, @release: 1 for the event).
 */
static __always_inline struct hp_pool *pool_seen(__u64 addr, __u32 hold, __u32 release)
{
	struct hp_pool *p = bpf_map_lookup_elem(&live_pools, &addr), z = {};

	if (p && !(p->flags & HP_POOL_FREED))
		return p;
	z.addr = addr;
	z.gen = p ? p->gen + 1 : 0;
	pool_read(&z);
	z.hold0 = z.hold - hold;
	z.release0 = z.release - release;
	if (bpf_map_update_elem(&live_pools, &addr, &z, BPF_ANY)) {
		__sync_fetch_and_add(&pools_full, 1);
		return NULL;
	}
	return bpf_map_lookup_elem(&live_pools, &addr);
}

SEC("tp_btf/page_pool_state_hold")
int BPF_PROG(live_hold, const struct page_pool *pool)
{
	pool_seen((__u64)pool, 1, 0);
	return 0;
}

SEC("tp_btf/page_pool_state_release")
int BPF_PROG(live_release, const struct page_pool *pool)
{
	pool_seen((__u64)pool, 0, 1);
	return 0;
}

SEC("tp_btf/page_pool_release")
int BPF_PROG(live_destroy, const struct page_pool *pool, __s32 inflight, __u32 hold,
	     __u32 release)
{
	struct hp_pool *p = pool_seen((__u64)pool, 0, 0);

	if (!p)
		return 0;
	if (!p->destroyed_ns)
		p->destroyed_ns = bpf_ktime_get_ns();
	p->flags |= HP_POOL_DESTROYED;
	if (inflight <= 0) {
		/* __page_pool_destroy() frees it next: never read it again */
		p->hold = hold;
		p->release = release;
		p->flags |= HP_POOL_FREED;
	}
	return 0;
}

static long refresh_one(void *map, __u64 *key, struct hp_pool *p, void *ctx)
{
	if (!(p->flags & HP_POOL_FREED))
		pool_read(p);
	return 0;
}

/* Every pool's counters, now (bpf_prog_test_run, once an interval). */
SEC("raw_tp")
int live_refresh(void *ctx)
{
	bpf_for_each_map_elem(&live_pools, refresh_one, NULL, 0);
	return 0;
}
