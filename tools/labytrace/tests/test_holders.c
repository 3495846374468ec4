// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace holders without a kernel: netlink page-pool-get's messages
 * (built, and parsed from canned bytes as the kernel sends them), and the
 * report put together from what the BPF side would have read: netlink
 * joined by id, what is left over, the text and the NDJSON.
 */
#include "test.h"
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <json-c/json.h>
#include "holders_out.h"
#include "pp_netlink.h"

/* A netlink message: header, genl header, then attributes put by @fill. */
static struct nlmsghdr *msg(void *buf, unsigned int type)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = type;
	g->cmd = PP_NL_CMD_PAGE_POOL_GET;
	g->version = 1;
	return nlh;
}

static void test_requests(void **state)
{
	static char buf[8192];
	struct nlmsghdr *nlh = pp_nl_family_req(buf, 7);
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a = mnl_nlmsg_get_payload_offset(nlh, sizeof(*g));

	assert_int_equal(nlh->nlmsg_type, GENL_ID_CTRL);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 7);
	assert_int_equal(g->cmd, CTRL_CMD_GETFAMILY);
	assert_int_equal(mnl_attr_get_type(a), CTRL_ATTR_FAMILY_NAME);
	assert_string_equal(mnl_attr_get_str(a), "netdev");

	nlh = pp_nl_dump_req(buf, 0x22, 8);
	g = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, 0x22);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(g->cmd, 5);	/* NETDEV_CMD_PAGE_POOL_GET */
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(*g));
}

static void test_family(void **state)
{
	static char buf[8192];
	struct nlmsghdr *nlh = msg(buf, GENL_ID_CTRL);
	struct nlattr *ops, *op;
	unsigned int fam = 0, i;
	bool get = true;

	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1b);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "netdev");
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	for (i = 1; i <= 4; i++) {	/* 6.3-6.7: dev-get and its notifications */
		op = mnl_attr_nest_start(nlh, i);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, i);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, 0);
		mnl_attr_nest_end(nlh, op);
	}
	mnl_attr_nest_end(nlh, ops);
	assert_int_equal(pp_nl_family_parse(nlh, &fam, &get), 0);
	assert_int_equal(fam, 0x1b);
	assert_false(get);

	nlh = msg(buf, GENL_ID_CTRL);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	op = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, 5);
	mnl_attr_nest_end(nlh, op);
	mnl_attr_nest_end(nlh, ops);
	assert_int_equal(pp_nl_family_parse(nlh, &fam, &get), 0);
	assert_int_equal(fam, 0x1c);
	assert_true(get);

	/* no id, or an id of the wrong size: malformed */
	nlh = msg(buf, GENL_ID_CTRL);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "netdev");
	assert_int_equal(pp_nl_family_parse(nlh, &fam, &get), -1);
	nlh = msg(buf, GENL_ID_CTRL);
	mnl_attr_put_u64(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	assert_int_equal(pp_nl_family_parse(nlh, &fam, &get), -1);
}

/* As the kernel sends one pool: nla_put_uint() is 4 bytes or 8. */
static void test_pool(void **state)
{
	static char buf[8192];
	struct nlmsghdr *nlh = msg(buf, 0x1c);
	struct pp_nl_pool p;

	mnl_attr_put_u32(nlh, PP_NL_A_ID, 6);
	mnl_attr_put_u32(nlh, PP_NL_A_IFINDEX, 3);
	mnl_attr_put_u32(nlh, PP_NL_A_NAPI_ID, 8193);
	mnl_attr_put_u32(nlh, PP_NL_A_INFLIGHT, 505602);
	mnl_attr_put_u64(nlh, PP_NL_A_INFLIGHT_MEM, 505602ULL * 4096 * 4096);
	mnl_attr_put_u32(nlh, PP_NL_A_DETACH_TIME, 1234);
	mnl_attr_put_u32(nlh, 7, 9);	/* dmabuf (6.12): not ours */
	mnl_attr_put_u32(nlh, 99, 1);	/* from a kernel newer than us */
	assert_int_equal(pp_nl_pool_parse(nlh, &p), 0);
	assert_int_equal(p.id, 6);
	assert_int_equal(p.ifindex, 3);
	assert_int_equal(p.napi_id, 8193);
	assert_int_equal(p.inflight, 505602);
	assert_true(p.inflight_mem == 505602ULL * 4096 * 4096);
	assert_int_equal(p.detach_time, 1234);
	assert_int_equal(p.has, PP_NL_HAS_IFINDEX | PP_NL_HAS_NAPI_ID |
			 PP_NL_HAS_INFLIGHT | PP_NL_HAS_INFLIGHT_MEM | PP_NL_HAS_DETACH_TIME);

	/* a live pool without a netdev's napi: only what was sent */
	nlh = msg(buf, 0x1c);
	mnl_attr_put_u64(nlh, PP_NL_A_ID, 7);
	mnl_attr_put_u32(nlh, PP_NL_A_INFLIGHT, 0);
	assert_int_equal(pp_nl_pool_parse(nlh, &p), 0);
	assert_int_equal(p.id, 7);
	assert_int_equal(p.has, PP_NL_HAS_INFLIGHT);

	/* no id, an id of 0, a 2-byte uint, a truncated attribute */
	nlh = msg(buf, 0x1c);
	mnl_attr_put_u32(nlh, PP_NL_A_INFLIGHT, 1);
	assert_int_equal(pp_nl_pool_parse(nlh, &p), -1);
	nlh = msg(buf, 0x1c);
	mnl_attr_put_u32(nlh, PP_NL_A_ID, 0);
	assert_int_equal(pp_nl_pool_parse(nlh, &p), -1);
	nlh = msg(buf, 0x1c);
	mnl_attr_put_u32(nlh, PP_NL_A_ID, 6);
	mnl_attr_put_u16(nlh, PP_NL_A_INFLIGHT, 1);
	assert_int_equal(pp_nl_pool_parse(nlh, &p), -1);
	nlh = msg(buf, 0x1c);
	mnl_attr_put_u32(nlh, PP_NL_A_ID, 6);
	nlh->nlmsg_len -= 4;	/* the id's value cut in half */
	assert_int_equal(pp_nl_pool_parse(nlh, &p), -1);
}

static struct hp_sock sock4(unsigned long long sk, unsigned int proto, const char *l,
			    unsigned int lp, const char *r, unsigned int rp)
{
	struct hp_sock s = { .type = HP_REC_SOCK, .family = 2, .protocol = proto,
			     .sotype = proto == 6 ? 1 : 2, .state = proto == 6 ? 1 : 7,
			     .sk = sk, .ino = sk & 0xffff, .sport = lp, .dport = rp,
			     .netns = 4026531840U };

	inet_pton(2, l, s.saddr);
	if (r)
		inet_pton(2, r, s.daddr);
	return s;
}

/*
 * Two pools: 3 (veth1, no netlink) with a UDP and a TCP socket, and 6
 * (eth0, netlink) with pages no socket holds; what each adds up to.
 */
static void build(struct hr_report *r)
{
	struct hp_pool veth = {
		.addr = 0xffff888100000000ULL, .id = 3, .hold = 192, .release = 0,
		.cached = 18, .ring = 3, .ifindex = 2, .netns = 4026531840U,
		.in_sockets = 171, .found = HP_FOUND_SOCKET,
		.flags = HP_POOL_HAS_ID | HP_POOL_NETDEV | HP_POOL_DEVICE,
		.ifname = "veth1", .devname = "veth1",
	};
	struct hp_pool nsim = {
		.addr = 0xffff888200000000ULL, .id = 6, .hold = 64, .release = 0,
		.cached = 63, .ifindex = 4, .netns = 4026531840U,
		.found = HP_FOUND_NETDEV,
		.flags = HP_POOL_HAS_ID | HP_POOL_NETDEV | HP_POOL_DEVICE,
		.ifname = "eth0", .devname = "netdevsim7",
	};
	struct pp_nl_pool nl = { .id = 6, .ifindex = 4, .inflight = 64,
				 .inflight_mem = 64 * 4096,
				 .has = PP_NL_HAS_IFINDEX | PP_NL_HAS_INFLIGHT | PP_NL_HAS_INFLIGHT_MEM };
	struct hp_sock u = sock4(0xffff888300001000ULL, 17, "10.9.0.2", 9000, NULL, 0);
	struct hp_sock t = sock4(0xffff888300002000ULL, 6, "10.9.0.2", 9001, "10.9.0.1", 51516);
	struct hp_fd fu = { .type = HP_REC_FD, .tgid = 1234, .sk = u.sk, .fd = 3, .comm = "udp-hold" };
	struct hp_fd ft = { .type = HP_REC_FD, .tgid = 1240, .sk = t.sk, .fd = 4, .comm = "tcp\033[2J" };
	struct hp_fd ft2 = { .type = HP_REC_FD, .tgid = 1240, .sk = t.sk, .fd = 9, .comm = "tcp\033[2J" };
	struct hp_hold_key ku = { u.sk, veth.addr }, kt = { t.sk, veth.addr };
	struct hp_hold hu = { .pages = 40, .queue = { 40 }, .oldest_ns = 1000000000000000000ULL };
	struct hp_hold ht = { .pages = 131, .queue = { 130, 0, 1 } };

	hr_init(r, 4096);
	r->now_real_ns = 1000000012500000000LL;		/* 12.5 s after hu's skb */
	r->now_boot_s = 5000;
	assert_int_equal(hr_add_nl_pool(r, &nl, 4026531840U), 0);
	assert_int_equal(hr_add_pool(r, &nsim), 0);
	assert_int_equal(hr_add_pool(r, &veth), 0);
	assert_int_equal(hr_add_sock(r, &u), 0);
	assert_int_equal(hr_add_sock(r, &t), 0);
	assert_int_equal(hr_add_fd(r, &fu), 0);
	assert_int_equal(hr_add_fd(r, &ft), 0);
	assert_int_equal(hr_add_fd(r, &ft2), 0);
	assert_int_equal(hr_add_hold(r, &ku, &hu), 0);
	assert_int_equal(hr_add_hold(r, &kt, &ht), 0);
	hr_finish(r);
}

static void test_report(void **state)
{
	struct hr_report r;
	char buf[128];

	build(&r);
	assert_int_equal(r.nr_pools, 2);	/* netlink's 6 joined BPF's */
	assert_int_equal(r.pools[0].b.id, 3);
	assert_string_equal(r.pools[0].source, "counters");
	assert_int_equal(r.pools[0].inflight, 192);
	assert_int_equal(r.pools[0].cached, 21);
	assert_int_equal(r.pools[0].elsewhere, 0);
	assert_int_equal(r.pools[0].nr_holders, 2);
	/* most pages first */
	assert_int_equal(r.holders[r.pools[0].first_holder].h.pages, 131);
	assert_int_equal(r.pools[1].b.id, 6);
	assert_true(r.pools[1].have_nl);
	assert_string_equal(r.pools[1].source, "netlink");
	assert_int_equal(r.pools[1].elsewhere, 1);	/* netdevsim's pp_hold */
	assert_false(r.pools[1].moved);

	hr_pools_named(&r, buf, sizeof(buf));
	assert_string_equal(buf, "veth1 pool 3, eth0 pool 6");
	assert_int_equal(hr_select(&r, "eth0", -1), 1);
	assert_false(r.pools[0].selected);
	assert_int_equal(hr_select(&r, "netdevsim7", -1), 1);	/* by device */
	assert_int_equal(hr_select(&r, NULL, 3), 1);
	assert_int_equal(hr_select(&r, "eth0", 3), 0);
	assert_int_equal(hr_select(&r, NULL, 4), 0);
	assert_int_equal(hr_select(&r, NULL, -1), 2);
	hr_free(&r);
}

/* More in sockets and cache than in flight: the counts moved. */
static void test_moved(void **state)
{
	struct hp_pool p = { .addr = 1, .id = 9, .hold = 10, .release = 5, .cached = 2,
			     .in_sockets = 4, .flags = HP_POOL_HAS_ID };
	struct hr_report r;

	hr_init(&r, 4096);
	hr_add_pool(&r, &p);
	hr_finish(&r);
	assert_int_equal(r.pools[0].inflight, 5);
	assert_int_equal(r.pools[0].elsewhere, 0);
	assert_true(r.pools[0].moved);
	hr_free(&r);
}

static void test_text(void **state)
{
	struct hr_report r;
	struct mem m;
	char *out;

	build(&r);
	mem_open(&m);
	assert_int_equal(hr_print(m.f, &r), 0);
	out = mem_close(&m);
	assert_string_equal(out,
"page_pool 3 of veth1 (ifindex 2, netns 4026531840), order 0: 192 pages in flight (768 KiB, the pool's counters)\n"
"   171  in 2 sockets\n"
"         131  tcp   10.9.0.2:9001 <- 10.9.0.1:51516 established, inode 8192, 0 in the error queue, 1 out of order  tcp\\x1b[2J (pid 1240, fd 4,9)\n"
"          40  udp   10.9.0.2:9000, inode 4096, oldest 12.5s  udp-hold (pid 1234, fd 3)\n"
"    21  in the pool's cache and ring\n"
"     0  elsewhere: in a driver, a qdisc, a CPU's deferred skb frees, or leaked by a stray put_page()\n"
"page_pool 6 of eth0 (ifindex 4, netns 4026531840), order 0: 64 pages in flight (256 KiB, netlink)\n"
"     0  in 0 sockets\n"
"    63  in the pool's cache and ring\n"
"     1  elsewhere: in a driver, a qdisc, a CPU's deferred skb frees, or leaked by a stray put_page()\n");
	free(out);
	hr_free(&r);
}

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, k, &v));
	return v;
}

static void test_json(void **state)
{
	struct hr_report r;
	json_object *o[8];
	char *out, *line, *save = NULL;
	int n = 0;
	struct mem m;

	build(&r);
	hr_select(&r, NULL, -1);
	mem_open(&m);
	assert_int_equal(hr_json(m.f, &r), 0);
	out = mem_close(&m);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(n < 8);
		o[n] = json_tokener_parse(line);
		assert_non_null(o[n]);
		n++;
	}
	/* pool 3, its two holders, its unattributed; pool 6 and its unattributed */
	assert_int_equal(n, 6);
	assert_string_equal(json_object_get_string(get(o[0], "type")), "pool");
	assert_int_equal(json_object_get_int64(get(o[0], "pool")), 3);
	assert_int_equal(json_object_get_int64(get(o[0], "inflight")), 192);
	assert_int_equal(json_object_get_int64(get(o[0], "in_sockets")), 171);
	assert_int_equal(json_object_get_int64(get(o[0], "in_cache")), 21);
	assert_string_equal(json_object_get_string(get(o[0], "ifname")), "veth1");
	assert_string_equal(json_object_get_string(get(o[1], "type")), "holder");
	assert_int_equal(json_object_get_int64(get(o[1], "pages")), 131);
	assert_string_equal(json_object_get_string(get(o[1], "protocol")), "tcp");
	assert_string_equal(json_object_get_string(get(o[1], "remote")), "10.9.0.1:51516");
	assert_int_equal(json_object_get_int64(get(get(o[1], "queues"), "out_of_order")), 1);
	assert_null(get(o[1], "oldest_age_s"));
	assert_int_equal(json_object_array_length(get(json_object_array_get_idx(
		get(o[1], "processes"), 0), "fds")), 2);
	assert_string_equal(json_object_get_string(get(o[2], "local")), "10.9.0.2:9000");
	assert_null(get(o[2], "remote"));
	assert_true(json_object_get_double(get(o[2], "oldest_age_s")) == 12.5);
	assert_string_equal(json_object_get_string(get(o[3], "type")), "unattributed");
	assert_int_equal(json_object_get_int64(get(o[3], "pages")), 0);
	assert_string_equal(json_object_get_string(get(o[4], "inflight_source")), "netlink");
	assert_int_equal(json_object_get_int64(get(o[5], "pages")), 1);
	assert_int_equal(json_object_get_int64(get(o[5], "pool_seq")), 2);
	while (n--)
		json_object_put(o[n]);
	free(out);
	hr_free(&r);
}

static void test_addresses(void **state)
{
	struct hp_sock s = { .family = 10, .protocol = 17, .sport = 53 };
	char buf[160];

	hr_addr(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "*:53");
	inet_pton(10, "fe80::1", s.saddr);
	hr_addr(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "[fe80::1]:53");
	inet_pton(10, "::ffff:10.0.0.1", s.saddr);
	hr_addr(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1:53");
	assert_string_equal(hr_proto(&s, buf, sizeof(buf)), "udp6");
	s = (struct hp_sock){ .family = 1, .sotype = 1 };
	memcpy(s.path, "\0abstract\n", 10);
	hr_addr(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "@abstract?");
	assert_string_equal(hr_proto(&s, buf, sizeof(buf)), "unix/stream");
	s = (struct hp_sock){ .family = 17, .protocol = 768 };
	assert_string_equal(hr_proto(&s, buf, sizeof(buf)), "packet");
}

/*
 * A kernel without IPv6 in its BTF (CONFIG_IPV6=n): no address read, "-"
 * in text and null in NDJSON, the socket and its pages all the same.
 */
static void test_no_address(void **state)
{
	struct hp_pool p = { .addr = 1, .id = 2, .hold = 3, .release = 0,
			     .in_sockets = 3, .flags = HP_POOL_HAS_ID };
	struct hp_sock s = { .type = HP_REC_SOCK, .family = 10, .protocol = 6,
			     .sotype = 1, .state = 1, .sk = 0x1000, .ino = 77,
			     .sport = 80, .dport = 4242, .flags = HP_SOCK_NO_ADDR };
	struct hp_hold_key k = { s.sk, p.addr };
	struct hp_hold h = { .pages = 3, .queue = { 3 } };
	struct hr_report r;
	json_object *o;
	char buf[160], *out, *line, *save = NULL;
	struct mem m;

	memset(s.saddr, 0xab, sizeof(s.saddr));	/* not to be shown */
	hr_addr(&s, true, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	hr_addr(&s, false, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	hr_init(&r, 4096);
	hr_add_pool(&r, &p);
	hr_add_sock(&r, &s);
	hr_add_hold(&r, &k, &h);
	hr_finish(&r);
	mem_open(&m);
	assert_int_equal(hr_print(m.f, &r), 0);
	out = mem_close(&m);
	assert_non_null(strstr(out, "\n           3  tcp6  - <- - established, inode 77  no process:"));
	free(out);
	mem_open(&m);
	assert_int_equal(hr_json(m.f, &r), 0);
	out = mem_close(&m);
	line = strtok_r(out, "\n", &save);
	line = strtok_r(NULL, "\n", &save);
	assert_non_null(line);
	o = json_tokener_parse(line);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(get(o, "type")), "holder");
	assert_string_equal(json_object_get_string(get(o, "protocol")), "tcp6");
	assert_null(get(o, "local"));
	assert_null(get(o, "remote"));
	assert_int_equal(json_object_get_int64(get(o, "pages")), 3);
	json_object_put(o);
	free(out);
	hr_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_family),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_moved),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_no_address),
	};

	return cmocka_run_group_tests_name("holders", tests, NULL, NULL);
}
