/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What holders.bpf.c and holders_live.bpf.c share: a page_pool read
 * through CO-RE into struct hp_pool (holders.h).
 */
#ifndef __HOLDERS_POOL_BPF_H
#define __HOLDERS_POOL_BPF_H

static __always_inline __u64 rd64(__u64 addr)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (void *)addr);
	return v;
}

/*
 * Read a pool's identity and counters into @p (its address already set).
 * Global, as the functions that work per page or skb: the verifier checks
 * it once, not at every call.
 */
__noinline int pool_read(struct hp_pool *p)
{
	struct page_pool *pool;
	struct net_device *nd = NULL;
	struct device *dev;
	const char *name;
	__u32 prod, cons, size;
	__u64 head;

	if (!p)
		return 0;
	pool = (void *)p->addr;
	p->hold = BPF_CORE_READ(pool, pages_state_hold_cnt);
	p->release = BPF_CORE_READ(pool, pages_state_release_cnt.counter);
	p->order = BPF_CORE_READ(pool, p.order);
	p->cached = BPF_CORE_READ(pool, alloc.count);
	p->destroy_cnt = BPF_CORE_READ(pool, destroy_cnt);
	if (p->destroy_cnt)
		p->flags |= HP_POOL_DESTROYED;
	/* ptr_ring: the entries from consumer_head up to producer. */
	prod = BPF_CORE_READ(pool, ring.producer);
	cons = BPF_CORE_READ(pool, ring.consumer_head);
	size = BPF_CORE_READ(pool, ring.size);
	p->ring = 0;
	if (size && prod < size && cons < size) {
		p->ring = prod >= cons ? prod - cons : prod + size - cons;
		head = (__u64)BPF_CORE_READ(pool, ring.queue);
		if (!p->ring && head && rd64(head + (__u64)cons * 8))
			p->ring = size;
	}
	if (bpf_core_field_exists(pool->user.id)) {
		p->id = BPF_CORE_READ(pool, user.id);
		p->flags |= HP_POOL_HAS_ID;
		p->detach_time = BPF_CORE_READ(pool, user.detach_time);
		p->flags |= HP_POOL_DETACH_TIME;
	}
	if (bpf_core_field_exists(pool->slow.netdev))
		nd = BPF_CORE_READ(pool, slow.netdev);
	/* Kernels before 6.8, and drivers that do not say: its NAPI's. */
	if (!nd && bpf_core_field_exists(pool->p.napi))
		nd = BPF_CORE_READ(pool, p.napi, dev);
	/* NET_PTR_POISON and the like: no netdev there. */
	if ((__u64)nd < 0xffff000000000000ULL)
		nd = NULL;
	/* veth's: its struct device is the netdev's own (class "net"). */
	dev = BPF_CORE_READ(pool, p.dev);
	if (!nd && dev) {
		char cls[4] = {};

		name = BPF_CORE_READ(dev, class, name);
		if (name && bpf_probe_read_kernel_str(cls, sizeof(cls), name) == 4 &&
		    cls[0] == 'n' && cls[1] == 'e' && cls[2] == 't')
			nd = (void *)dev - bpf_core_field_offset(struct net_device, dev);
	}
	if (nd && BPF_CORE_READ(nd, ifindex) > 0) {
		p->ifindex = BPF_CORE_READ(nd, ifindex);
		bpf_probe_read_kernel_str(p->ifname, sizeof(p->ifname), nd->name);
		p->netns = BPF_CORE_READ(nd, nd_net.net, ns.inum);
		p->flags |= HP_POOL_NETDEV;
	}
	name = dev ? BPF_CORE_READ(dev, kobj.name) : NULL;
	if (name && bpf_probe_read_kernel_str(p->devname, sizeof(p->devname), name) > 0)
		p->flags |= HP_POOL_DEVICE;
	return 0;
}

#endif
