// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace holders: the report, from what the BPF side and netlink said.
 *
 * A pool's pages in flight (netlink's count where the kernel gives it,
 * else the pool's own hold and release counters) are split into those
 * sockets hold (each page once, however many skbs and sockets share it),
 * those in the pool's own cache and ring, and the rest: in a driver's
 * ring, a qdisc, a pipe, a CPU's list of skbs to free, or leaked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "holders_out.h"
#include "json_out.h"
#include "options.h"

#define AF_UNIX_	1
#define AF_INET_	2
#define AF_INET6_	10
#define AF_NETLINK_	16
#define AF_PACKET_	17

static const char elsewhere_why[] =
	"in a driver, a qdisc, a CPU's deferred skb frees, or leaked by a stray put_page()";

void hr_init(struct hr_report *r, unsigned int page_size)
{
	memset(r, 0, sizeof(*r));
	r->page_size = page_size;
}

void hr_free(struct hr_report *r)
{
	free(r->pools);
	free(r->socks);
	free(r->holders);
	memset(r, 0, sizeof(*r));
}

/* Room for one more of @n in *@arr (@size each); NULL if out of memory. */
static void *grow(void *arrp, size_t *n, size_t *cap, size_t size)
{
	void **arr = arrp;
	void *na;

	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;

		na = realloc(*arr, c * size);
		if (!na)
			return NULL;
		*arr = na;
		*cap = c;
	}
	na = (char *)*arr + (*n)++ * size;
	memset(na, 0, size);
	return na;
}

int hr_add_pool(struct hr_report *r, const struct hp_pool *p)
{
	struct hr_pool *hp = grow(&r->pools, &r->nr_pools, &r->cap_pools, sizeof(*hp));

	if (!hp)
		return -ENOMEM;
	hp->b = *p;
	hp->have_bpf = true;
	return 0;
}

int hr_add_nl_pool(struct hr_report *r, const struct pp_nl_pool *p,
		   unsigned int netns)
{
	struct hr_pool *hp = grow(&r->pools, &r->nr_pools, &r->cap_pools, sizeof(*hp));

	if (!hp)
		return -ENOMEM;
	hp->nl = *p;
	hp->have_nl = true;
	hp->nl_netns = netns;
	return 0;
}

int hr_add_sock(struct hr_report *r, const struct hp_sock *s)
{
	struct hr_sock *hs = grow(&r->socks, &r->nr_socks, &r->cap_socks, sizeof(*hs));

	if (!hs)
		return -ENOMEM;
	hs->s = *s;
	hs->s.path[HP_PATH_LEN - 1] = '\0';
	return 0;
}

static struct hr_sock *sock_find(const struct hr_report *r, unsigned long long sk)
{
	size_t i;

	for (i = r->nr_socks; i-- > 0;)
		if (r->socks[i].s.sk == sk)
			return &r->socks[i];
	return NULL;
}

int hr_add_fd(struct hr_report *r, const struct hp_fd *f)
{
	struct hr_sock *s = sock_find(r, f->sk);
	struct hr_proc *p = NULL;
	unsigned int i;

	if (!s)
		return 0;	/* its socket's record was not read */
	for (i = 0; i < s->nr_procs; i++)
		if (s->procs[i].pid == f->tgid)
			p = &s->procs[i];
	if (!p) {
		if (s->nr_procs == HR_PROCS_MAX) {
			s->more_procs++;
			return 0;
		}
		p = &s->procs[s->nr_procs++];
		p->pid = f->tgid;
		memcpy(p->comm, f->comm, sizeof(p->comm));
		p->comm[HP_COMM_LEN - 1] = '\0';
	}
	if (p->nr_fds == HR_FDS_MAX)
		p->more_fds++;
	else
		p->fds[p->nr_fds++] = f->fd;
	return 0;
}

int hr_add_hold(struct hr_report *r, const struct hp_hold_key *k,
		const struct hp_hold *h)
{
	struct hr_holder *hh = grow(&r->holders, &r->nr_holders, &r->cap_holders,
				    sizeof(*hh));

	if (!hh)
		return -ENOMEM;
	hh->sk = k->sk;
	hh->pool = k->pool;
	hh->h = *h;
	return 0;
}

static bool has_id(const struct hr_pool *p)
{
	return p->have_nl || (p->have_bpf && p->b.flags & HP_POOL_HAS_ID);
}

static unsigned int pool_id(const struct hr_pool *p)
{
	return p->have_bpf && p->b.flags & HP_POOL_HAS_ID ? p->b.id : p->nl.id;
}

static const char *pool_ifname(const struct hr_pool *p)
{
	if (p->have_bpf && p->b.flags & HP_POOL_NETDEV && p->b.ifname[0])
		return p->b.ifname;
	return NULL;
}

static const char *pool_devname(const struct hr_pool *p)
{
	if (p->have_bpf && p->b.flags & HP_POOL_DEVICE && p->b.devname[0])
		return p->b.devname;
	return NULL;
}

static int pool_cmp(const void *a, const void *b)
{
	const struct hr_pool *x = a, *y = b;
	const char *nx, *ny;
	int c;

	if (has_id(x) != has_id(y))
		return has_id(x) ? -1 : 1;
	if (has_id(x) && pool_id(x) != pool_id(y))
		return pool_id(x) < pool_id(y) ? -1 : 1;
	nx = pool_ifname(x) ? pool_ifname(x) : pool_devname(x);
	ny = pool_ifname(y) ? pool_ifname(y) : pool_devname(y);
	c = strcmp(nx ? nx : "", ny ? ny : "");
	if (c)
		return c;
	return x->b.addr < y->b.addr ? -1 : x->b.addr > y->b.addr;
}

static int holder_cmp(const void *a, const void *b)
{
	const struct hr_holder *x = a, *y = b;

	if (x->pool != y->pool)
		return x->pool < y->pool ? -1 : 1;
	if (x->h.pages != y->h.pages)
		return x->h.pages > y->h.pages ? -1 : 1;
	return x->sk < y->sk ? -1 : x->sk > y->sk;
}

void hr_finish(struct hr_report *r)
{
	size_t i, j, n;
	struct hr_pool *p;

	/* Netlink's word joins the pool BPF read, by id (ids are global). */
	for (i = 0; i < r->nr_pools; i++) {
		p = &r->pools[i];
		if (!p->have_nl || p->have_bpf)
			continue;
		for (j = 0; j < r->nr_pools; j++) {
			struct hr_pool *q = &r->pools[j];

			if (q->have_bpf && !q->have_nl && q->b.flags & HP_POOL_HAS_ID &&
			    q->b.id == p->nl.id) {
				q->nl = p->nl;
				q->have_nl = true;
				q->nl_netns = p->nl_netns;
				p->have_nl = false;	/* merged: dropped below */
				break;
			}
		}
	}
	for (i = n = 0; i < r->nr_pools; i++)
		if (r->pools[i].have_bpf || r->pools[i].have_nl)
			r->pools[n++] = r->pools[i];
	r->nr_pools = n;
	if (r->nr_pools)
		qsort(r->pools, r->nr_pools, sizeof(*r->pools), pool_cmp);

	for (i = 0; i < r->nr_holders; i++)
		r->holders[i].sock = sock_find(r, r->holders[i].sk);
	if (r->nr_holders)
		qsort(r->holders, r->nr_holders, sizeof(*r->holders), holder_cmp);

	for (i = 0; i < r->nr_pools; i++) {
		long long left;

		p = &r->pools[i];
		p->seq = i + 1;
		p->selected = true;
		if (p->have_nl && p->nl.has & PP_NL_HAS_INFLIGHT) {
			p->inflight = p->nl.inflight;
			p->source = "netlink";
		} else if (p->have_bpf) {
			p->inflight = (int)(p->b.hold - p->b.release);
			if (p->inflight < 0)
				p->inflight = 0;
			p->source = "counters";
		} else {
			p->source = "unknown";
		}
		if (p->have_bpf) {
			p->in_sockets = p->b.in_sockets;
			p->cached = (unsigned long long)p->b.cached + p->b.ring;
		}
		left = p->inflight - (long long)p->in_sockets - (long long)p->cached;
		p->moved = left < 0;
		p->elsewhere = left < 0 ? 0 : left;
		p->first_holder = 0;
		p->nr_holders = 0;
		if (!p->have_bpf)
			continue;
		for (j = 0; j < r->nr_holders; j++) {
			if (r->holders[j].pool != p->b.addr)
				continue;
			if (!p->nr_holders)
				p->first_holder = j;
			p->nr_holders++;
		}
	}
}

size_t hr_select(struct hr_report *r, const char *dev, long long pool_id_want)
{
	size_t i, n = 0;

	for (i = 0; i < r->nr_pools; i++) {
		struct hr_pool *p = &r->pools[i];
		const char *ifn = pool_ifname(p), *devn = pool_devname(p);

		p->selected = true;
		if (pool_id_want >= 0 && (!has_id(p) || pool_id(p) != pool_id_want))
			p->selected = false;
		if (dev && !(ifn && !strcmp(ifn, dev)) && !(devn && !strcmp(devn, dev)))
			p->selected = false;
		n += p->selected;
	}
	return n;
}

/* "veth1 pool 3" or "pool 3" or "veth1": how a message names a pool. */
static void hr_pool_label(const struct hr_pool *p, char *buf, size_t len)
{
	const char *n = pool_ifname(p) ? pool_ifname(p) : pool_devname(p);

	if (has_id(p))
		snprintf(buf, len, "%s%s%u", n ? n : "", n ? " pool " : "pool ", pool_id(p));
	else
		snprintf(buf, len, "%s", n ? n : "a pool with no name");
}

void hr_pools_named(const struct hr_report *r, char *buf, size_t len)
{
	size_t i, off = 0;
	char one[64];

	if (len)
		buf[0] = '\0';
	for (i = 0; i < r->nr_pools && off + 1 < len; i++) {
		hr_pool_label(&r->pools[i], one, sizeof(one));
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", one);
	}
	if (off >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

const char *hr_proto(const struct hp_sock *s, char *buf, size_t len)
{
	const char *six = s->family == AF_INET6_ ? "6" : "";

	switch (s->family) {
	case AF_INET_:
	case AF_INET6_:
		if (s->protocol == 6)
			snprintf(buf, len, "tcp%s", six);
		else if (s->protocol == 17)
			snprintf(buf, len, "udp%s", six);
		else if (s->protocol == 136)
			snprintf(buf, len, "udplite%s", six);
		else if (s->protocol == 262)
			snprintf(buf, len, "mptcp%s", six);
		else if (s->sotype == 3)
			snprintf(buf, len, "raw%s", six);
		else
			snprintf(buf, len, "ip%s/%u", six, s->protocol);
		break;
	case AF_UNIX_:
		snprintf(buf, len, "unix/%s", s->sotype == 1 ? "stream" :
			 s->sotype == 2 ? "dgram" : s->sotype == 5 ? "seqpacket" : "?");
		break;
	case AF_PACKET_:
		snprintf(buf, len, "packet");
		break;
	case AF_NETLINK_:
		snprintf(buf, len, "netlink");
		break;
	default:
		snprintf(buf, len, "family%u/%u", s->family, s->protocol);
	}
	return buf;
}

/* Whether the kernel let the socket's addresses be read (see HP_SOCK_NO_ADDR). */
static bool addr_known(const struct hp_sock *s)
{
	return !(s->flags & HP_SOCK_NO_ADDR);
}

void hr_addr(const struct hp_sock *s, bool local, char *buf, size_t len)
{
	const unsigned char *a = local ? s->saddr : s->daddr;
	unsigned int port = local ? s->sport : s->dport;
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	if (s->family == AF_UNIX_) {
		if (!local || (!s->path[0] && !s->path[1])) {
			snprintf(buf, len, "*");
			return;
		}
		/* An abstract name starts with a NUL: shown as '@', as ss does. */
		snprintf(buf, len, "%s%s", s->path[0] ? "" : "@",
			 s->path[0] ? s->path : s->path + 1);
		for (i = 0; buf[i]; i++)
			if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
				buf[i] = '?';
		return;
	}
	if (!addr_known(s)) {
		snprintf(buf, len, "-");
		return;
	}
	if (s->family == AF_INET_ ||
	    (s->family == AF_INET6_ && !memcmp(a, mapped, sizeof(mapped)))) {
		inet_ntop(AF_INET, s->family == AF_INET_ ? a : a + 12, ip, sizeof(ip));
		if (!strcmp(ip, "0.0.0.0"))
			strcpy(ip, "*");
		if (port)
			snprintf(buf, len, "%s:%u", ip, port);
		else
			snprintf(buf, len, "%s:*", ip);
		return;
	}
	if (s->family == AF_INET6_) {
		inet_ntop(AF_INET6, a, ip, sizeof(ip));
		if (!strcmp(ip, "::"))
			snprintf(buf, len, port ? "*:%u" : "*:*", port);
		else if (port)
			snprintf(buf, len, "[%s]:%u", ip, port);
		else
			snprintf(buf, len, "[%s]:*", ip);
		return;
	}
	snprintf(buf, len, "-");
}

static const char *tcp_state(unsigned int st)
{
	static const char *const names[] = {
		"?", "established", "syn-sent", "syn-recv", "fin-wait-1",
		"fin-wait-2", "time-wait", "close", "close-wait", "last-ack",
		"listen", "closing",
	};

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

static bool is_tcp(const struct hp_sock *s)
{
	return (s->family == AF_INET_ || s->family == AF_INET6_) && s->protocol == 6;
}

static bool connected(const struct hp_sock *s)
{
	return (s->family == AF_INET_ || s->family == AF_INET6_) && s->dport;
}

/* Seconds since the oldest skb was received, or < 0 if unknown. */
static double age_s(const struct hr_report *r, const struct hp_hold *h)
{
	if (!h->oldest_ns || !r->now_real_ns || (long long)h->oldest_ns > r->now_real_ns)
		return -1;
	return (r->now_real_ns - (long long)h->oldest_ns) / 1e9;
}

static void bytes_str(unsigned long long b, char *buf, size_t len)
{
	if (b >= 10ULL << 30)
		snprintf(buf, len, "%llu GiB", b >> 30);
	else if (b >= 10ULL << 20)
		snprintf(buf, len, "%llu MiB", b >> 20);
	else
		snprintf(buf, len, "%llu KiB", b >> 10);
}

static unsigned long long page_bytes(const struct hr_report *r, const struct hr_pool *p)
{
	unsigned int order = p->have_bpf ? p->b.order : 0;

	if (p->have_nl && p->nl.has & PP_NL_HAS_INFLIGHT_MEM)
		return p->nl.inflight_mem;
	return (unsigned long long)p->inflight * r->page_size << (order < 20 ? order : 0);
}

/* Seconds since the pool was destroyed, or -1 if unknown (or live). */
static long long destroyed_s(const struct hr_report *r, const struct hr_pool *p)
{
	unsigned long long t = 0;

	if (p->have_nl && p->nl.has & PP_NL_HAS_DETACH_TIME)
		t = p->nl.detach_time;
	else if (p->have_bpf && p->b.flags & HP_POOL_DETACH_TIME)
		t = p->b.detach_time;
	if (!t || !r->now_boot_s || (long long)t > r->now_boot_s)
		return -1;
	return r->now_boot_s - (long long)t;
}

static bool destroyed(const struct hr_pool *p)
{
	return (p->have_bpf && p->b.flags & HP_POOL_DESTROYED) ||
	       (p->have_nl && p->nl.has & PP_NL_HAS_DETACH_TIME && p->nl.detach_time);
}

static int print_procs(FILE *f, const struct hr_sock *s)
{
	unsigned int i, k;

	if (!s || !s->nr_procs)
		return fprintf(f, "  no process: not accepted yet, or closed") < 0;
	for (i = 0; i < s->nr_procs; i++) {
		const struct hr_proc *p = &s->procs[i];
		char comm[4 * HP_COMM_LEN + 8];

		if (fprintf(f, "%s%s (pid %u, fd", i ? "; " : "  ",
			    text_escaped(p->comm, comm, sizeof(comm)), p->pid) < 0)
			return -1;
		for (k = 0; k < p->nr_fds; k++)
			fprintf(f, "%s%u", k ? "," : " ", p->fds[k]);
		if (p->more_fds)
			fprintf(f, " +%u more", p->more_fds);
		fputc(')', f);
	}
	if (s->more_procs)
		fprintf(f, "; +%u more processes", s->more_procs);
	return 0;
}

int hr_print(FILE *f, const struct hr_report *r)
{
	size_t i, j;
	char b[64], loc[160], rem[160], pr[32], name[64];

	for (i = 0; i < r->nr_pools; i++) {
		const struct hr_pool *p = &r->pools[i];
		const char *ifn = pool_ifname(p), *devn = pool_devname(p);
		long long ds = destroyed_s(r, p);
		int w;

		if (!p->selected)
			continue;
		if (has_id(p))
			fprintf(f, "page_pool %u", pool_id(p));
		else
			fprintf(f, "page_pool");
		if (ifn)
			fprintf(f, " of %s (ifindex %d, netns %u)", ifn, p->b.ifindex, p->b.netns);
		else if (devn)
			fprintf(f, " of device %s", devn);
		else if (p->have_nl && p->nl.has & PP_NL_HAS_IFINDEX)
			fprintf(f, " of ifindex %d (netns %u)", p->nl.ifindex, p->nl_netns);
		if (p->have_bpf)
			fprintf(f, ", order %u", p->b.order);
		if (destroyed(p) && ds >= 0)
			fprintf(f, ", destroyed %llds ago", ds);
		else if (destroyed(p))
			fprintf(f, ", destroyed");
		bytes_str(page_bytes(r, p), b, sizeof(b));
		fprintf(f, ": %lld pages in flight (%s, %s)\n", p->inflight, b,
			p->source[0] == 'n' ? "netlink" : p->source[0] == 'c' ?
			"the pool's counters" : "unknown");
		snprintf(name, sizeof(name), "%lld", p->inflight);
		w = strlen(name) < 4 ? 4 : strlen(name);
		if (!p->have_bpf) {
			fprintf(f, "  %*s  not read: the pool was not found by BPF\n", w, "?");
			continue;
		}
		fprintf(f, "  %*llu  in %zu socket%s\n", w, p->in_sockets, p->nr_holders,
			p->nr_holders == 1 ? "" : "s");
		for (j = p->first_holder; j < p->first_holder + p->nr_holders; j++) {
			const struct hr_holder *h = &r->holders[j];
			const struct hr_sock *s = h->sock;
			double age = age_s(r, &h->h);

			fprintf(f, "  %*s  %*llu  ", w, "", w, h->h.pages);
			if (!s) {
				fprintf(f, "a socket whose record was lost\n");
				continue;
			}
			hr_addr(&s->s, true, loc, sizeof(loc));
			fprintf(f, "%-5s %s", hr_proto(&s->s, pr, sizeof(pr)), loc);
			if (connected(&s->s)) {
				hr_addr(&s->s, false, rem, sizeof(rem));
				fprintf(f, " <- %s", rem);
			}
			if (is_tcp(&s->s))
				fprintf(f, " %s", tcp_state(s->s.state));
			fprintf(f, ", inode %llu", s->s.ino);
			if (h->h.queue[HP_ERROR] || h->h.queue[HP_OFO])
				fprintf(f, ", %llu in the error queue, %llu out of order",
					h->h.queue[HP_ERROR], h->h.queue[HP_OFO]);
			if (age >= 0)
				fprintf(f, ", oldest %.1fs", age);
			print_procs(f, s);
			fputc('\n', f);
		}
		if (p->cached || !destroyed(p))
			fprintf(f, "  %*llu  in the pool's cache and ring\n", w, p->cached);
		fprintf(f, "  %*llu  elsewhere: %s\n", w, p->elsewhere, elsewhere_why);
		if (p->moved)
			fprintf(f, "  (the counts moved while they were read: traffic)\n");
	}
	if (r->stats.dedupe_full || r->stats.holds_full || r->stats.socks_full ||
	    r->stats.walks_cut || r->stats.pools_full)
		fprintf(f, "warning: counts incomplete: maps full (%llu pages, %llu holders, %llu sockets, %llu pools), %llu queues cut\n",
			r->stats.dedupe_full, r->stats.holds_full, r->stats.socks_full,
			r->stats.pools_full, r->stats.walks_cut);
	return fflush(f) || ferror(f) ? -1 : 0;
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *line(const struct hr_report *r, const char *type)
{
	json_object *o = json_object_new_object();
	char buf[64];
	time_t t = r->now_real_ns / 1000000000LL;
	struct tm tm;

	add(o, "type", json_object_new_string(type));
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)(r->now_real_ns % 1000000000LL / 1000000));
	add(o, "time", json_object_new_string(buf));
	add(o, "ts", json_num(r->now_real_ns / 1e9, 6));
	return o;
}

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void add_pool_ref(json_object *o, const struct hr_pool *p)
{
	add(o, "pool", has_id(p) ? json_object_new_int64(pool_id(p)) : NULL);
	add(o, "pool_seq", json_object_new_int64(p->seq));
}

static json_object *procs_json(const struct hr_sock *s)
{
	json_object *a = json_object_new_array(), *po, *fds;
	unsigned int i, k;

	for (i = 0; s && i < s->nr_procs; i++) {
		po = json_object_new_object();
		fds = json_object_new_array();
		add(po, "pid", json_object_new_int64(s->procs[i].pid));
		add(po, "comm", json_object_new_string(s->procs[i].comm));
		for (k = 0; k < s->procs[i].nr_fds; k++)
			json_object_array_add(fds, json_object_new_int64(s->procs[i].fds[k]));
		add(po, "fds", fds);
		if (s->procs[i].more_fds)
			add(po, "more_fds", json_object_new_int64(s->procs[i].more_fds));
		json_object_array_add(a, po);
	}
	return a;
}

int hr_json(FILE *f, const struct hr_report *r)
{
	static const char *const found[] = { "socket", "netdev", "release" };
	size_t i, j, k;
	char buf[160];

	for (i = 0; i < r->nr_pools; i++) {
		const struct hr_pool *p = &r->pools[i];
		json_object *o, *a;
		long long ds = destroyed_s(r, p);

		if (!p->selected)
			continue;
		o = line(r, "pool");
		add_pool_ref(o, p);
		add(o, "ifname", str_or_null(pool_ifname(p)));
		add(o, "ifindex", p->have_bpf && p->b.flags & HP_POOL_NETDEV ?
		    json_object_new_int64(p->b.ifindex) :
		    p->have_nl && p->nl.has & PP_NL_HAS_IFINDEX ?
		    json_object_new_int64(p->nl.ifindex) : NULL);
		add(o, "netns", p->have_bpf && p->b.flags & HP_POOL_NETDEV ?
		    json_object_new_int64(p->b.netns) :
		    p->have_nl ? json_object_new_int64(p->nl_netns) : NULL);
		add(o, "device", str_or_null(pool_devname(p)));
		add(o, "order", p->have_bpf ? json_object_new_int64(p->b.order) : NULL);
		add(o, "inflight", json_object_new_int64(p->inflight));
		add(o, "inflight_bytes", json_object_new_int64(page_bytes(r, p)));
		add(o, "inflight_source", json_object_new_string(p->source));
		add(o, "destroyed", json_object_new_boolean(destroyed(p)));
		add(o, "destroyed_s", ds >= 0 ? json_object_new_int64(ds) : NULL);
		add(o, "in_sockets", p->have_bpf ? json_object_new_int64(p->in_sockets) : NULL);
		add(o, "sockets", json_object_new_int64(p->nr_holders));
		add(o, "in_cache", p->have_bpf ? json_object_new_int64(p->cached) : NULL);
		add(o, "unattributed", p->have_bpf ? json_object_new_int64(p->elsewhere) : NULL);
		add(o, "moved", json_object_new_boolean(p->moved));
		a = json_object_new_array();
		for (k = 0; k < 3; k++)
			if (p->have_bpf && p->b.found & 1U << k)
				json_object_array_add(a, json_object_new_string(found[k]));
		if (p->have_nl)
			json_object_array_add(a, json_object_new_string("netlink"));
		add(o, "found_by", a);
		if (json_emit(f, o))
			return -1;

		for (j = p->first_holder; j < p->first_holder + p->nr_holders; j++) {
			const struct hr_holder *h = &r->holders[j];
			const struct hr_sock *s = h->sock;
			json_object *q;
			double age = age_s(r, &h->h);

			o = line(r, "holder");
			add_pool_ref(o, p);
			add(o, "pages", json_object_new_int64(h->h.pages));
			q = json_object_new_object();
			add(q, "receive", json_object_new_int64(h->h.queue[HP_RECEIVE]));
			add(q, "error", json_object_new_int64(h->h.queue[HP_ERROR]));
			add(q, "out_of_order", json_object_new_int64(h->h.queue[HP_OFO]));
			add(o, "queues", q);
			add(o, "oldest_age_s", age >= 0 ? json_num(age, 3) : NULL);
			if (s) {
				add(o, "protocol", json_object_new_string(hr_proto(&s->s, buf, sizeof(buf))));
				hr_addr(&s->s, true, buf, sizeof(buf));
				add(o, "local", addr_known(&s->s) ?
				    json_object_new_string(buf) : NULL);
				hr_addr(&s->s, false, buf, sizeof(buf));
				add(o, "remote", addr_known(&s->s) &&
				    (connected(&s->s) || s->s.family == AF_UNIX_) ?
				    json_object_new_string(buf) : NULL);
				add(o, "state", is_tcp(&s->s) ?
				    json_object_new_string(tcp_state(s->s.state)) : NULL);
				add(o, "inode", s->s.ino ? json_object_new_int64(s->s.ino) : NULL);
				add(o, "netns", json_object_new_int64(s->s.netns));
				add(o, "uid", json_object_new_int64(s->s.uid));
				add(o, "rmem_bytes", json_object_new_int64(s->s.rmem));
			}
			add(o, "processes", procs_json(s));
			if (s && s->more_procs)
				add(o, "more_processes", json_object_new_int64(s->more_procs));
			if (json_emit(f, o))
				return -1;
		}
		if (!p->have_bpf)
			continue;
		o = line(r, "unattributed");
		add_pool_ref(o, p);
		add(o, "pages", json_object_new_int64(p->elsewhere));
		add(o, "where", json_object_new_string(elsewhere_why));
		if (json_emit(f, o))
			return -1;
	}
	return fflush(f) || ferror(f) ? -1 : 0;
}
