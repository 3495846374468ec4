// SPDX-License-Identifier: GPL-2.0
/* Live per-pool counts: the kernel's entries folded into the run's table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pools.h"

static struct pool_row *find(struct pool_table *t, const struct hp_pool *k)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].addr == k->addr && t->rows[i].gen == k->gen && !t->rows[i].gone)
			return &t->rows[i];
	return NULL;
}

static void name(struct pool_row *r, const struct hp_pool *k)
{
	const char *n = k->flags & HP_POOL_NETDEV ? k->ifname :
			k->flags & HP_POOL_DEVICE ? k->devname : "";

	snprintf(r->dev, sizeof(r->dev), "%.*s", (int)sizeof(r->dev) - 1, n);
	r->ifindex = k->flags & HP_POOL_NETDEV ? k->ifindex : 0;
	r->has_id = k->flags & HP_POOL_HAS_ID;
	r->id = k->id;
}

void pools_update(struct pool_table *t, const struct hp_pool *k, size_t n)
{
	struct pool_row *r;
	unsigned int dh, dr;
	size_t i;

	for (i = 0; i < t->n; i++) {
		t->rows[i].holds_prev = t->rows[i].holds;
		t->rows[i].releases_prev = t->rows[i].releases;
		t->rows[i].seen = false;
	}
	for (i = 0; i < n; i++) {
		r = find(t, &k[i]);
		if (!r) {
			if (t->n == POOLS_MAX) {
				t->untracked++;
				continue;
			}
			r = &t->rows[t->n++];
			memset(r, 0, sizeof(*r));
			r->addr = k[i].addr;
			r->gen = k[i].gen;
			r->seq = t->n;
			/* counted from the event that showed it: before is its past */
			r->hold = k[i].hold0;
			r->release = k[i].release0;
			r->exported = t->nr_exported < POOLS_EXPORTED;
			t->nr_exported += r->exported;
		}
		r->seen = true;
		name(r, &k[i]);
		/* u32 counters, wrap-safe */
		dh = k[i].hold - r->hold;
		dr = k[i].release - r->release;
		r->holds += dh;
		r->releases += dr;
		if (!r->exported) {
			t->other_holds += dh;
			t->other_releases += dr;
		}
		r->hold = k[i].hold;
		r->release = k[i].release;
		r->inflight = (int)(r->hold - r->release);
		if (r->inflight < 0)
			r->inflight = 0;
		r->destroyed = k[i].flags & HP_POOL_DESTROYED;
		if (k[i].destroyed_ns)
			r->destroyed_ns = k[i].destroyed_ns;
		if (k[i].flags & HP_POOL_FREED) {
			r->gone = true;
			r->inflight = 0;
		}
	}
}

static int cmp(const void *a, const void *b)
{
	const struct pool_row *x = *(const struct pool_row *const *)a;
	const struct pool_row *y = *(const struct pool_row *const *)b;

	if (x->gone != y->gone)
		return x->gone ? 1 : -1;
	if (x->inflight != y->inflight)
		return x->inflight > y->inflight ? -1 : 1;
	return x < y ? -1 : x > y;
}

size_t pools_order(const struct pool_table *t, const struct pool_row **rows,
		   size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < t->n && n < max; i++)
		rows[n++] = &t->rows[i];
	if (n)
		qsort(rows, n, sizeof(*rows), cmp);
	return n;
}

long long pools_other_inflight(const struct pool_table *t)
{
	long long sum = 0;
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (!t->rows[i].exported)
			sum += t->rows[i].inflight;
	return sum;
}

const char *pool_label(const struct pool_row *r, char *buf, size_t len)
{
	if (r->has_id)
		snprintf(buf, len, "%u", r->id);
	else
		snprintf(buf, len, "#%u", r->seq);
	return buf;
}
