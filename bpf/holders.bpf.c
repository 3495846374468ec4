// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace holders: who holds a page_pool's pages, read once, read-only.
 *
 * BPF iterators over TCP, UDP and unix sockets walk each socket's receive,
 * error and out-of-order queues, every skb's head and frags, and count the
 * pages that carry page_pool's signature, each once per socket and once per
 * pool (hash maps of what was seen), by the pool page->pp names.  An
 * iterator over every task's files then names the processes that have
 * those sockets open, and scans the sockets of other kinds (packet, raw,
 * MPTCP, UDP-Lite...) and of network namespaces the socket iterators did
 * not visit.  An iterator over tasks walks each network namespace's
 * netdevs and, from 6.8, each netdev's pools; page_pool_release, which a
 * destroyed pool fires every second while pages are still out, finds the
 * rest that matter.
 *
 * An skb's head is a kernel virtual address: its struct page is found
 * from the direct map's base and vmemmap, or on kernels without vmemmap
 * (classic SPARSEMEM) from the kernel's own mem_section tables, which user
 * space learns first (hp_layout, hp_calibrate) and writes into .bss.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "holders.h"
#include "holders_pool.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SOCKFS_MAGIC	0x534F434B
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define SOCK_STREAM	1
#define TCP_TIME_WAIT	6
#define TCP_NEW_SYN_RECV 12

/* False where the kernel has no unix socket iterator (before 5.17). */
const volatile bool unix_iter = true;

/* Written by user space once the layout is known (0: unknown). */
__u64 page_offset;		/* the direct map's base */
__u64 vmemmap;			/* struct page of pfn 0 */
/*
 * Classic SPARSEMEM (CONFIG_SPARSEMEM_VMEMMAP=n), where a section's
 * struct pages are wherever its mem_map was allocated: mem_section
 * (SPARSEMEM_EXTREME's root table, a struct mem_section **), the size of
 * a struct mem_section, SECTIONS_PER_ROOT and SECTION_MAP_MASK.  Used
 * when vmemmap is 0.
 */
__u64 mem_section;
__u64 ms_size;
__u64 ms_per_root;
__u64 ms_map_mask;
struct hp_stats stats;

/* hp_layout's inputs and result. */
__u64 text_va, text_pa;		/* _text, by its own mapping and physically */
__u64 text2_va;			/* a second place in the kernel text */
__u64 ram_top;			/* end of the highest System RAM range */
__u64 found_base;		/* the direct map's base, 0: not found */
/* hp_calibrate's: a pipe of ours whose first buffer is a page we know. */
__u32 self_tgid;
__u32 calib_fd;
__u64 calib_page;
__u64 calib_pfn;		/* its pfn, from pagemap */
__u64 calib_sparse;		/* its struct page by mem_section, 0: none */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, HP_MAX_PAGES);	/* size_maps() */
	__type(key, struct hp_hold_key);	/* socket, page */
	__type(value, __u8);
} sk_pages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, HP_MAX_PAGES);	/* size_maps() */
	__type(key, __u64);		/* page */
	__type(value, __u8);
} pool_pages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct hp_hold_key);	/* socket, pool */
	__type(value, struct hp_hold);
} holds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct hp_pool);
} pools SEC(".maps");

/* Sockets that hold pool pages, and every socket already scanned. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, HP_MAX_PAGES);	/* size_maps() */
	__type(key, __u64);
	__type(value, __u8);		/* 1: holds pages */
} socks SEC(".maps");

/* Network namespaces the socket iterators walked (inum), and netdev walks. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} netns_done SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} nets_walked SEC(".maps");

/* One socket's scan, shared with the loop callbacks. */
struct scan {
	__u64 sk;
	__u64 end;		/* the queue's head: where the list ends */
	__u64 top;		/* the queue's skb being read */
	__u64 cur;		/* top, or an skb of its frag_list */
	__u32 queue;
	__u32 found;		/* pages found in this socket */
};

/* The pool's entry, made on first sight. */
static struct hp_pool *pool_get(__u64 addr, __u32 found)
{
	struct hp_pool *p, zero = {};

	p = bpf_map_lookup_elem(&pools, &addr);
	if (p) {
		p->found |= found;
		return p;
	}
	zero.addr = addr;
	zero.found = found;
	pool_read(&zero);
	if (bpf_map_update_elem(&pools, &addr, &zero, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&pools, &addr)) {
		stats.pools_full++;
		return NULL;
	}
	return bpf_map_lookup_elem(&pools, &addr);
}

/*
 * (Global, as pool_read(): verified once.)
 * @page (a struct page, or a net_iov, laid out alike) referenced by an
 * skb of @s's socket: counted if page_pool's, once per socket, once per
 * pool.  A tail page counts as its compound head, as the pool does.
 */
__noinline int page_seen(struct scan *s, __u64 page, __u64 tstamp)
{
	__u64 magic_off = bpf_core_field_offset(struct page, pp_magic);
	__u64 pp_off = bpf_core_field_offset(struct page, pp);
	struct hp_hold_key key;
	struct hp_hold *h, zero = {};
	struct hp_pool *p;
	__u64 magic, pool;
	__u8 one = 1;
	int err;

	if (!s || !page)
		return 0;
	magic = rd64(page + magic_off);	/* compound_head, too */
	if (magic & 1) {
		page = magic - 1;
		magic = rd64(page + magic_off);
	}
	if ((magic & HP_PP_MAGIC_MASK) != HP_PP_SIGNATURE)
		return 0;
	pool = rd64(page + pp_off);
	if (!pool)
		return 0;
	stats.page_refs++;

	key.sk = s->sk;
	key.pool = page;
	err = bpf_map_update_elem(&sk_pages, &key, &one, BPF_NOEXIST);
	if (err == -17)		/* EEXIST: this socket's page, seen already */
		return 0;
	if (err)
		stats.dedupe_full++;
	p = pool_get(pool, HP_FOUND_SOCKET);
	err = bpf_map_update_elem(&pool_pages, &page, &one, BPF_NOEXIST);
	if (!err && p)
		__sync_fetch_and_add(&p->in_sockets, 1);
	else if (err && err != -17)
		stats.dedupe_full++;

	key.pool = pool;
	h = bpf_map_lookup_elem(&holds, &key);
	if (!h) {
		bpf_map_update_elem(&holds, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&holds, &key);
	}
	if (!h) {
		stats.holds_full++;
		return 0;
	}
	h->pages++;
	if (s->queue < HP_NR_QUEUES)
		h->queue[s->queue]++;
	if (tstamp && (!h->oldest_ns || tstamp < h->oldest_ns))
		h->oldest_ns = tstamp;
	s->found++;
	return 0;
}

/* x86_64: SECTION_SIZE_BITS (27) less PAGE_SHIFT */
#define HP_PFN_SECTION_SHIFT	15

/*
 * pfn_to_page() of classic SPARSEMEM_EXTREME: the section's entry in its
 * root, whose section_mem_map (less its flag bits) is its mem_map less the
 * section's first pfn.  0 if there is none.
 */
static __always_inline __u64 sparse_pfn_to_page(__u64 pfn)
{
	__u64 nr = pfn >> HP_PFN_SECTION_SHIFT, roots, root, map;

	if (!mem_section || !ms_per_root || !ms_size)
		return 0;
	roots = rd64(mem_section);
	if (!roots)
		return 0;
	root = rd64(roots + nr / ms_per_root * 8);
	if (!root)
		return 0;
	map = rd64(root + nr % ms_per_root * ms_size) & ms_map_mask;
	if (!map)
		return 0;
	return map + pfn * bpf_core_type_size(struct page);
}

/* The struct page of a direct-map address, or 0 if the layout is unknown. */
static __always_inline __u64 virt_to_page(__u64 va)
{
	__u64 pfn;

	if (!page_offset || va < page_offset)
		return 0;
	pfn = (va - page_offset) >> 12;
	if (vmemmap)
		return vmemmap + pfn * bpf_core_type_size(struct page);
	return sparse_pfn_to_page(pfn);
}

/*
 * Receive timestamps are CLOCK_REALTIME when taken (SO_TIMESTAMP* on any
 * socket turns them on); anything before 2001 is another clock, or none.
 */
#define HP_TSTAMP_MIN	1000000000000000000ULL

/* One skb: its head, if a page fragment, and its frags. */
__noinline int skb_read(struct scan *s, __u64 addr)
{
	struct sk_buff *skb = (void *)addr;
	__u64 frag_sz = bpf_core_type_size(skb_frag_t);
	__u64 frags_off = bpf_core_field_offset(struct skb_shared_info, frags);
	__u64 head, shinfo, tstamp, page;
	unsigned int end;
	__u8 nr = 0;
	int i;

	if (!s)
		return 0;
	stats.skbs++;
	head = (__u64)BPF_CORE_READ(skb, head);
	end = BPF_CORE_READ(skb, end);	/* an offset on 64-bit */
	tstamp = BPF_CORE_READ(skb, tstamp);
	if (tstamp < HP_TSTAMP_MIN)
		tstamp = 0;
	if (BPF_CORE_READ_BITFIELD_PROBED(skb, head_frag)) {
		page = virt_to_page(head);
		if (page)
			page_seen(s, page, tstamp);
		else
			stats.heads_unmapped++;
	}
	shinfo = head + end;
	bpf_probe_read_kernel(&nr, 1, (void *)shinfo +
			      bpf_core_field_offset(struct skb_shared_info, nr_frags));
	for (i = 0; i < HP_MAX_FRAGS; i++) {
		if (i >= nr)
			break;
		/* netmem (or, before 6.10, bv_page) is a frag's first word */
		page = rd64(shinfo + frags_off + i * frag_sz);
		page_seen(s, page & ~1ULL, tstamp);	/* bit 0: a net_iov */
	}
	return 0;
}

/* The first skb of @addr's frag_list, or 0. */
static __always_inline __u64 skb_frag_list(__u64 addr)
{
	struct sk_buff *skb = (void *)addr;
	__u64 shinfo = (__u64)BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, end);

	return rd64(shinfo + bpf_core_field_offset(struct skb_shared_info, frag_list));
}

/* Each skb of a list queue, and of each one's frag_list. */
static long list_step(__u32 i, struct scan *s)
{
	struct sk_buff *top = (void *)s->top, *cur = (void *)s->cur;
	__u64 next;

	if (!s->cur || s->cur == s->end)
		return 1;
	skb_read(s, s->cur);
	if (s->cur == s->top) {
		next = skb_frag_list(s->top);
		if (next) {
			s->cur = next;
			return 0;
		}
	} else {
		next = (__u64)BPF_CORE_READ(cur, next);
		if (next) {
			s->cur = next;
			return 0;
		}
	}
	s->top = (__u64)BPF_CORE_READ(top, next);
	s->cur = s->top;
	return 0;
}

static void scan_list(struct scan *s, __u64 queue_head, __u32 queue)
{
	s->end = queue_head;
	s->top = s->cur = rd64(queue_head);	/* ->next */
	s->queue = queue;
	if (bpf_loop(HP_MAX_SKBS, list_step, s, 0) == HP_MAX_SKBS)
		stats.walks_cut++;
}

/* The in-order successor of an rb_node, or 0. */
static __u64 rb_next(__u64 node)
{
	struct rb_node *n = (void *)node, *r;
	__u64 parent;
	int i;

	r = BPF_CORE_READ(n, rb_right);
	if (r) {
		for (i = 0; i < 64 && BPF_CORE_READ(r, rb_left); i++)
			r = BPF_CORE_READ(r, rb_left);
		return (__u64)r;
	}
	for (i = 0; i < 64; i++) {
		parent = BPF_CORE_READ(n, __rb_parent_color) & ~3ULL;
		if (!parent)
			return 0;
		if ((__u64)BPF_CORE_READ((struct rb_node *)parent, rb_right) != (__u64)n)
			return parent;
		n = (void *)parent;
	}
	return 0;
}

static long rb_step(__u32 i, struct scan *s)
{
	if (!s->cur)
		return 1;
	skb_read(s, s->cur - bpf_core_field_offset(struct sk_buff, rbnode));
	s->cur = rb_next(s->cur);
	return 0;
}

static void scan_rbtree(struct scan *s, __u64 root)
{
	struct rb_node *n = (void *)rd64(root);
	int i;

	for (i = 0; i < 64 && n && BPF_CORE_READ(n, rb_left); i++)
		n = BPF_CORE_READ(n, rb_left);
	s->cur = (__u64)n;
	s->queue = HP_OFO;
	if (bpf_loop(HP_MAX_SKBS, rb_step, s, 0) == HP_MAX_SKBS)
		stats.walks_cut++;
}

/* Every queue of a full socket that can hold received pages. */
static __noinline int sock_scan(struct sock *sk, struct scan *s)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);
	__u16 type = BPF_CORE_READ(sk, sk_type);

	s->sk = (__u64)sk;
	s->found = 0;
	stats.sockets++;
	scan_list(s, (__u64)&sk->sk_receive_queue, HP_RECEIVE);
	scan_list(s, (__u64)&sk->sk_error_queue, HP_ERROR);
	if ((family == AF_INET || family == AF_INET6) && proto == IPPROTO_TCP &&
	    type == SOCK_STREAM)
		scan_rbtree(s, (__u64)&((struct tcp_sock *)sk)->out_of_order_queue);
	if ((family == AF_INET || family == AF_INET6) && proto == IPPROTO_UDP &&
	    bpf_core_field_exists(((struct udp_sock *)sk)->reader_queue))
		scan_list(s, (__u64)&((struct udp_sock *)sk)->reader_queue, HP_RECEIVE);
	return s->found;
}

/* The socket's record, for a socket that holds pages. */
static __noinline int sock_emit(struct seq_file *seq, struct sock *sk, __u32 uid)
{
	struct hp_sock r = { .type = HP_REC_SOCK };
	struct socket *so;
	struct unix_address *ua;
	int len;

	r.sk = (__u64)sk;
	r.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	r.sotype = BPF_CORE_READ(sk, sk_type);
	r.protocol = BPF_CORE_READ(sk, sk_protocol);
	r.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	r.netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	r.uid = uid;
	r.rmem = BPF_CORE_READ(sk, sk_backlog.rmem_alloc.counter);
	r.rcvbuf = BPF_CORE_READ(sk, sk_rcvbuf);
	so = BPF_CORE_READ(sk, sk_socket);
	if (so)
		r.ino = BPF_CORE_READ((struct socket_alloc *)so, vfs_inode.i_ino);
	if (r.family == AF_INET || r.family == AF_INET6) {
		r.sport = BPF_CORE_READ(sk, __sk_common.skc_num);
		r.dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
		if (r.family == AF_INET) {
			bpf_probe_read_kernel(r.saddr, 4, &sk->__sk_common.skc_rcv_saddr);
			bpf_probe_read_kernel(r.daddr, 4, &sk->__sk_common.skc_daddr);
		} else if (bpf_core_field_exists(sk->__sk_common.skc_v6_rcv_saddr) &&
			   bpf_core_field_exists(sk->__sk_common.skc_v6_daddr)) {
			bpf_probe_read_kernel(r.saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
			bpf_probe_read_kernel(r.daddr, 16, &sk->__sk_common.skc_v6_daddr);
		} else {
			/* CONFIG_IPV6=n: sock_common has no IPv6 addresses */
			r.flags |= HP_SOCK_NO_ADDR;
		}
	} else if (r.family == AF_UNIX) {
		ua = BPF_CORE_READ((struct unix_sock *)sk, addr);
		len = ua ? BPF_CORE_READ(ua, len) - 2 : 0;	/* less sun_family */
		if (len > 0) {
			if (len > HP_PATH_LEN - 1)
				len = HP_PATH_LEN - 1;
			bpf_probe_read_kernel(r.path, len & (HP_PATH_LEN - 1),
					      (void *)ua->name[0].sun_path);
		}
	}
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

/* Scan @sk once; its record if it holds pages. */
static __always_inline int sock_visit(struct seq_file *seq, struct sock *sk, __u32 uid)
{
	struct scan s = {};
	__u64 key = (__u64)sk;
	__u8 v = 0;
	int err;

	err = bpf_map_update_elem(&socks, &key, &v, BPF_NOEXIST);
	if (err == -17)
		return 0;
	if (err)
		stats.socks_full++;
	if (!sock_scan(sk, &s))
		return 0;
	v = 1;
	bpf_map_update_elem(&socks, &key, &v, 0);
	return sock_emit(seq, sk, uid);
}

static __always_inline void netns_mark(struct sock *sk)
{
	__u32 inum = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	__u8 one = 1;

	bpf_map_update_elem(&netns_done, &inum, &one, BPF_ANY);
}

SEC("iter/tcp")
int hp_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct sock *sk;
	__u8 state;

	if (!skc)
		return 0;
	state = skc->skc_state;
	if (state == TCP_TIME_WAIT || state == TCP_NEW_SYN_RECV)
		return 0;	/* no queues: not a full socket */
	sk = (struct sock *)skc;
	netns_mark(sk);
	return sock_visit(ctx->meta->seq, sk, ctx->uid);
}

SEC("iter/udp")
int hp_udp(struct bpf_iter__udp *ctx)
{
	struct sock *sk = (struct sock *)ctx->udp_sk;

	if (!sk)
		return 0;
	netns_mark(sk);
	return sock_visit(ctx->meta->seq, sk, ctx->uid);
}

SEC("iter/unix")
int hp_unix(struct bpf_iter__unix *ctx)
{
	struct sock *sk = (struct sock *)ctx->unix_sk;

	if (!sk)
		return 0;
	netns_mark(sk);
	return sock_visit(ctx->meta->seq, sk, ctx->uid);
}

/*
 * Whether the socket iterators covered @sk: TCP, UDP and unix sockets of
 * a namespace they walked.
 */
static __always_inline bool covered(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);
	__u32 inum = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);

	if (!bpf_map_lookup_elem(&netns_done, &inum))
		return false;
	if (family == AF_UNIX)
		return unix_iter;
	return (family == AF_INET || family == AF_INET6) &&
	       (proto == IPPROTO_TCP || proto == IPPROTO_UDP);
}

SEC("iter/task_file")
int hp_files(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct hp_fd r = { .type = HP_REC_FD };
	struct socket *so;
	struct inode *ino;
	struct sock *sk;
	__u8 *holds_pages;
	__u64 key;

	if (!task || !file)
		return 0;
	ino = file->f_inode;
	if (!ino || BPF_CORE_READ(ino, i_sb, s_magic) != SOCKFS_MAGIC)
		return 0;
	so = file->private_data;
	sk = so ? BPF_CORE_READ(so, sk) : NULL;
	if (!sk)
		return 0;
	if (!covered(sk))
		sock_visit(seq, sk, BPF_CORE_READ(task, cred, uid.val));
	key = (__u64)sk;
	holds_pages = bpf_map_lookup_elem(&socks, &key);
	if (!holds_pages || !*holds_pages)
		return 0;
	r.tgid = task->tgid;
	r.sk = key;
	r.fd = ctx->fd;
	bpf_probe_read_kernel_str(r.comm, sizeof(r.comm), task->comm);
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

/* A netns's netdevs and, where the kernel lists them (6.8+), their pools. */
struct devwalk {
	__u64 end;	/* &net->dev_base_head */
	__u64 cur;	/* a netdev's dev_list */
};

static long dev_step(__u32 i, struct devwalk *w)
{
	__u64 dev, node;
	int j;

	if (!w->cur || w->cur == w->end)
		return 1;
	dev = w->cur - bpf_core_field_offset(struct net_device, dev_list);
	node = rd64(dev + bpf_core_field_offset(struct net_device, page_pools));
	for (j = 0; j < HP_MAX_POOLS_DEV && node; j++) {
		pool_get(node - bpf_core_field_offset(struct page_pool, user.list),
			 HP_FOUND_NETDEV);
		node = rd64(node);	/* hlist_node.next */
	}
	w->cur = rd64(w->cur);
	return 0;
}

SEC("iter/task")
int hp_netdevs(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct devwalk w;
	struct net *net;
	__u64 key;
	__u8 one = 1;

	if (!task || !bpf_core_field_exists(struct net_device, page_pools))
		return 0;
	net = BPF_CORE_READ(task, nsproxy, net_ns);
	key = (__u64)net;
	if (!net || bpf_map_update_elem(&nets_walked, &key, &one, BPF_NOEXIST))
		return 0;
	w.end = key + bpf_core_field_offset(struct net, dev_base_head);
	w.cur = rd64(w.end);
	bpf_loop(HP_MAX_DEVS, dev_step, &w, 0);
	return 0;
}

/* A destroyed pool with pages out retries its release every second. */
SEC("tp_btf/page_pool_release")
int BPF_PROG(hp_release, const struct page_pool *pool)
{
	pool_get((__u64)pool, HP_FOUND_RELEASE);
	return 0;
}

static long refresh_one(void *map, __u64 *key, struct hp_pool *p, void *ctx)
{
	pool_read(p);
	return 0;
}

/* Every pool's counters read again, once the sockets have been counted. */
SEC("raw_tp")
int hp_refresh(void *ctx)
{
	bpf_for_each_map_elem(&pools, refresh_one, NULL, 0);
	return 0;
}

/*
 * The direct map's base: the 1 GiB-aligned address (x86_64 randomizes it
 * in PUD steps) where the kernel's text, read at its physical address,
 * reads as it does through the kernel's own mapping.  It lies at most
 * ram_top below the task_struct running this, which the direct map holds
 * (slab), so only those candidates are read: never a vmalloc or ioremap
 * address.
 */
#define HP_GIB		(1ULL << 30)
#define HP_LAYOUT_MAX	4096	/* 4 TiB of RAM */

static __always_inline bool same16(__u64 a, __u64 b)
{
	__u64 x[2] = {}, y[2] = {};

	if (bpf_probe_read_kernel(x, sizeof(x), (void *)a) ||
	    bpf_probe_read_kernel(y, sizeof(y), (void *)b))
		return false;
	return x[0] == y[0] && x[1] == y[1];
}

static long layout_step(__u32 i, __u64 *top)
{
	__u64 base = *top - (__u64)i * HP_GIB;

	if ((__u64)i * HP_GIB > ram_top)
		return 1;
	if (same16(base + text_pa, text_va) &&
	    same16(base + text_pa + (text2_va - text_va), text2_va) &&
	    same16(base + text_pa + 4096, text_va + 4096)) {
		found_base = base;
		return 1;
	}
	return 0;
}

SEC("raw_tp")
int hp_layout(void *ctx)
{
	__u64 top = bpf_get_current_task() & ~(HP_GIB - 1);

	found_base = 0;
	bpf_loop(HP_LAYOUT_MAX, layout_step, &top, 0);
	return 0;
}

/*
 * vmemmap: the struct page our pipe's first buffer holds (see layout() in
 * subcmd_holders.c), and the one mem_section gives for its pfn.
 */
SEC("iter/task_file")
int hp_calibrate(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct pipe_inode_info *pipe;
	struct pipe_buffer *bufs;

	if (!task || !file || task->tgid != self_tgid || ctx->fd != calib_fd)
		return 0;
	pipe = file->private_data;
	bufs = BPF_CORE_READ(pipe, bufs);
	calib_page = (__u64)BPF_CORE_READ(bufs, page);
	calib_sparse = calib_pfn ? sparse_pfn_to_page(calib_pfn) : 0;
	return 0;
}
