// SPDX-License-Identifier: GPL-2.0
/*
 * netlink page-pool-get, with libmnl: the requests, the parsing of the
 * replies (pure, unit-tested on canned messages) and the dump itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "pp_netlink.h"

struct nlmsghdr *pp_nl_family_req(void *buf, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PP_NL_FAMILY);
	return nlh;
}

struct nlmsghdr *pp_nl_dump_req(void *buf, unsigned int family, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = PP_NL_CMD_PAGE_POOL_GET;
	g->version = 1;
	return nlh;
}

/* A netlink "uint": 4 or 8 bytes, as nla_put_uint() chose. */
static int attr_uint(const struct nlattr *a, unsigned long long *v)
{
	if (mnl_attr_get_payload_len(a) == 4)
		*v = mnl_attr_get_u32(a);
	else if (mnl_attr_get_payload_len(a) == 8)
		*v = mnl_attr_get_u64(a);
	else
		return -1;
	return 0;
}

struct family_parse {
	unsigned int family;
	bool has_get;
	bool bad;
};

static int op_attr(const struct nlattr *a, void *data)
{
	struct family_parse *fp = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_OP_ID) {
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			fp->bad = true;
		else if (mnl_attr_get_u32(a) == PP_NL_CMD_PAGE_POOL_GET)
			fp->has_get = true;
	}
	return MNL_CB_OK;
}

static int ops_attr(const struct nlattr *a, void *data)
{
	struct family_parse *fp = data;

	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		fp->bad = true;
	else
		mnl_attr_parse_nested(a, op_attr, fp);
	return MNL_CB_OK;
}

static int family_attr(const struct nlattr *a, void *data)
{
	struct family_parse *fp = data;

	switch (mnl_attr_get_type(a)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
			fp->bad = true;
		else
			fp->family = mnl_attr_get_u16(a);
		break;
	case CTRL_ATTR_OPS:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			fp->bad = true;
		else
			mnl_attr_parse_nested(a, ops_attr, fp);
		break;
	}
	return MNL_CB_OK;
}

int pp_nl_family_parse(const struct nlmsghdr *nlh, unsigned int *family,
		       bool *has_get)
{
	struct family_parse fp = {};

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, &fp) < 0 ||
	    fp.bad || !fp.family)
		return -1;
	*family = fp.family;
	*has_get = fp.has_get;
	return 0;
}

struct pool_parse {
	struct pp_nl_pool *p;
	bool bad, have_id;
};

static int pool_attr(const struct nlattr *a, void *data)
{
	static const unsigned int has[] = {
		[PP_NL_A_IFINDEX] = PP_NL_HAS_IFINDEX,
		[PP_NL_A_NAPI_ID] = PP_NL_HAS_NAPI_ID,
		[PP_NL_A_INFLIGHT] = PP_NL_HAS_INFLIGHT,
		[PP_NL_A_INFLIGHT_MEM] = PP_NL_HAS_INFLIGHT_MEM,
		[PP_NL_A_DETACH_TIME] = PP_NL_HAS_DETACH_TIME,
	};
	struct pool_parse *pp = data;
	unsigned int type = mnl_attr_get_type(a);
	unsigned long long v;

	/* Newer attributes (dmabuf, io-uring) are no concern of ours. */
	if (type < PP_NL_A_ID || type > PP_NL_A_MAX)
		return MNL_CB_OK;
	if (attr_uint(a, &v)) {
		pp->bad = true;
		return MNL_CB_OK;
	}
	switch (type) {
	case PP_NL_A_ID:
		pp->p->id = v;
		pp->have_id = v && v <= 0xffffffffULL;
		break;
	case PP_NL_A_IFINDEX:
		pp->p->ifindex = v;
		break;
	case PP_NL_A_NAPI_ID:
		pp->p->napi_id = v;
		break;
	case PP_NL_A_INFLIGHT:
		pp->p->inflight = v;
		break;
	case PP_NL_A_INFLIGHT_MEM:
		pp->p->inflight_mem = v;
		break;
	case PP_NL_A_DETACH_TIME:
		pp->p->detach_time = v;
		break;
	}
	if (type < sizeof(has) / sizeof(has[0]))
		pp->p->has |= has[type];
	return MNL_CB_OK;
}

int pp_nl_pool_parse(const struct nlmsghdr *nlh, struct pp_nl_pool *p)
{
	struct pool_parse pp = { .p = p };

	memset(p, 0, sizeof(*p));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)) ||
	    mnl_attr_parse(nlh, sizeof(struct genlmsghdr), pool_attr, &pp) < 0 ||
	    pp.bad || !pp.have_id)
		return -1;
	return 0;
}

struct dump {
	struct pp_nl_pool *pools;
	size_t n, cap;
	bool bad;
	unsigned int family;
	bool has_get;
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;

	if (pp_nl_family_parse(nlh, &d->family, &d->has_get))
		d->bad = true;
	return MNL_CB_OK;
}

static int pool_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct pp_nl_pool p, *np;

	if (pp_nl_pool_parse(nlh, &p)) {
		d->bad = true;
		return MNL_CB_OK;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		np = realloc(d->pools, d->cap * sizeof(*np));
		if (!np)
			return MNL_CB_ERROR;
		d->pools = np;
	}
	d->pools[d->n++] = p;
	return MNL_CB_OK;
}

/* Send @nlh and run @cb on every reply until the ack or the dump's end. */
static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		struct dump *d, char *buf, size_t size)
{
	unsigned int portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(nl, buf, size);
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(buf, len, seq, portid, cb, d);
	} while (ret == MNL_CB_OK);
	return ret < 0 ? -errno : 0;
}

int pp_nl_dump(struct pp_nl_pool **pools, size_t *n, char *why, size_t len)
{
	size_t size = MNL_SOCKET_BUFFER_SIZE;
	struct dump d = {};
	struct mnl_socket *nl;
	char *buf;
	int err;

	*pools = NULL;
	*n = 0;
	buf = malloc(size);
	if (!buf) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		snprintf(why, len, "cannot open a generic netlink socket: %s", strerror(-err));
		goto out;
	}
	err = talk(nl, pp_nl_family_req(buf, time(NULL)), family_cb, &d, buf, size);
	if (err == -ENOENT || (!err && !d.bad && !d.has_get)) {
		snprintf(why, len, "no netlink page-pool-get on this kernel (6.8+)");
		err = -ENOENT;
		goto out;
	}
	if (!err && d.bad)
		err = -EPROTO;
	if (err) {
		snprintf(why, len, "netlink family %s: %s", PP_NL_FAMILY, strerror(-err));
		goto out;
	}
	err = talk(nl, pp_nl_dump_req(buf, d.family, time(NULL) + 1), pool_cb, &d,
		   buf, size);
	if (!err && d.bad)
		err = -EPROTO;
	if (err)
		snprintf(why, len, "netlink page-pool-get: %s", strerror(-err));
out:
	if (nl)
		mnl_socket_close(nl);
	free(buf);
	if (err) {
		free(d.pools);
		return err;
	}
	*pools = d.pools;
	*n = d.n;
	return 0;
}
