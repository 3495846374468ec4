// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the BPF maps back: per-CPU counters summed, hash tables read a
 * batch at a time (map_read_batches()), into snapshots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "labytrace.skel.h"
#include "pfn.h"
#include "trace.h"

/* Sum (max, for .max) a per-CPU value over the CPUs. */
static int read_percpu(struct tracer *t, struct bpf_map *map, __u32 key,
		       void *out, size_t size)
{
	size_t stride = (size + 7) & ~7UL, i;
	unsigned long long *dst = out, *src;
	int cpu, err;

	err = bpf_map_lookup_elem(bpf_map__fd(map), &key, t->pcpu);
	if (err)
		return -errno;
	memset(out, 0, size);
	for (cpu = 0; cpu < t->ncpus; cpu++) {
		src = (unsigned long long *)((char *)t->pcpu + cpu * stride);
		for (i = 0; i < size / 8; i++) {
			if (size == sizeof(struct lt_hist) &&
			    i == offsetof(struct lt_hist, max) / 8)
				dst[i] = src[i] > dst[i] ? src[i] : dst[i];
			else
				dst[i] += src[i];
		}
	}
	return 0;
}

/*
 * The programs' recursion misses (events skipped because the program was
 * already running on that CPU, in that context where the kernel keeps it
 * per context), each a lost event, into s->bpf_misses; none of
 * calibrate's, which counts nothing.
 */
static void read_misses(struct tracer *t, struct lt_snapshot *s)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || prog == t->skel->progs.calibrate ||
		    bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		s->bpf_misses += info.recursion_misses;
	}
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Every entry of the hash table @map, read @batch at a time into @keys and
 * @vals (arrays of that many) and handed to @fn, @n of them each time: one
 * bpf() call a batch, not one an entry.  0 or -errno.
 */
static int map_read_batches(struct bpf_map *map, void *keys, void *vals,
			    __u32 batch, void (*fn)(void *arg, const void *keys,
						    const void *vals, __u32 n),
			    void *arg)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 token, *in = NULL;	/* where the last batch ended: a bucket */
	__u32 n;
	int err;

	do {
		n = batch;
		err = bpf_map_lookup_batch(bpf_map__fd(map), in, &token, keys, vals,
					   &n, &opts);
		if (err && errno != ENOENT)
			return -errno;
		fn(arg, keys, vals, n);
		in = &token;
	} while (!err);
	return 0;
}

static void add_fail_stacks(void *arg, const void *keys, const void *vals, __u32 n)
{
	const struct lt_fail_key *k = keys;
	const __u64 *v = vals;
	struct lt_snapshot *s = arg;
	__u32 i;

	for (i = 0; i < n && s->nr_fail_stacks < LT_MAX_FAIL_KEYS; i++)
		s->fail_stacks[s->nr_fail_stacks++] = (struct fail_stack){ k[i], v[i] };
}

/* The whole fail_stacks table, sorted, into @s. */
static int read_fail_stacks(struct tracer *t, struct lt_snapshot *s)
{
	static struct lt_fail_key keys[LT_MAX_FAIL_KEYS];
	static __u64 vals[LT_MAX_FAIL_KEYS];
	int err;

	s->nr_fail_stacks = 0;
	err = map_read_batches(t->skel->maps.fail_stacks, keys, vals, LT_MAX_FAIL_KEYS,
			       add_fail_stacks, s);
	fail_stacks_sort(s->fail_stacks, s->nr_fail_stacks);
	return err;
}

static void add_viol_stacks(void *arg, const void *keys, const void *vals, __u32 n)
{
	const struct lt_viol_key *k = keys;
	const struct lt_viol_val *v = vals;
	struct lt_snapshot *s = arg;
	__u32 i;

	for (i = 0; i < n && s->nr_viol_stacks < LT_MAX_VIOL_KEYS; i++)
		s->viol_stacks[s->nr_viol_stacks++] = (struct viol_stack){ k[i], v[i] };
}

/* The whole viol_stacks table, sorted, into @s. */
static int read_viol_stacks(struct tracer *t, struct lt_snapshot *s)
{
	static struct lt_viol_key keys[LT_MAX_VIOL_KEYS];
	static struct lt_viol_val vals[LT_MAX_VIOL_KEYS];
	int err;

	s->nr_viol_stacks = 0;
	err = map_read_batches(t->skel->maps.viol_stacks, keys, vals, LT_MAX_VIOL_KEYS,
			       add_viol_stacks, s);
	viol_stacks_sort(s->viol_stacks, s->nr_viol_stacks);
	return err;
}

#define OWNERS_BATCH 1024

static void add_owners(void *arg, const void *keys, const void *vals, __u32 n)
{
	const struct lt_owner *v = vals;
	const __u64 *k = keys;
	struct owner_table *ot = arg;
	struct owner_row *r;
	__u32 i;

	for (i = 0; i < n && ot->n < LT_MAX_OWNERS; i++) {
		r = &ot->rows[ot->n++];
		memset(r, 0, sizeof(*r));
		r->key = k[i];
		r->o = v[i];
	}
}

/*
 * The whole owners table into t->owners, sorted by key, nothing held yet,
 * with what the last reading knew of each owner (owners_keep()).
 */
static int read_owners(struct tracer *t)
{
	static __u64 keys[OWNERS_BATCH];
	static struct lt_owner vals[OWNERS_BATCH];
	struct owner_table *ot = t->next_owners;
	int err;

	ot->n = 0;
	err = map_read_batches(t->skel->maps.owners, keys, vals, OWNERS_BATCH,
			       add_owners, ot);
	if (err)
		return err;
	owners_sort_key(ot);
	owners_keep(ot, t->owners);
	t->owners->n = ot->n;
	memcpy(t->owners->rows, ot->rows, ot->n * sizeof(ot->rows[0]));
	memcpy(t->owners->view, ot->view, ot->n * sizeof(ot->view[0]));
	return 0;
}

int tracer_read(struct tracer *t, struct lt_snapshot *s)
{
	struct labytrace_bpf *skel = t->skel;
	const struct plan *p = t->plan;
	__u32 k;
	int err = 0;

	memset(s, 0, sizeof(*s));
	s->ts_ns = now_ns();
	for (k = 0; p->run[PLAN_FAILURES] && k < LT_NR_COUNTS && !err; k++)
		err = read_percpu(t, skel->maps.counts, k, &s->counts[k],
				  sizeof(s->counts[k]));
	for (k = 0; p->run[PLAN_LATENCY] && k < LT_NR_KEYS && !err; k++)
		err = read_percpu(t, skel->maps.latency, k, &s->latency[k],
				  sizeof(s->latency[k]));
	for (k = 0; p->run[PLAN_VIOLATIONS] && k < LT_NR_OWNER_CTX && !err; k++)
		err = read_percpu(t, skel->maps.hold, k, &s->hold[k],
				  sizeof(s->hold[k]));
	for (k = 0; p->run[PLAN_VIOLATIONS] && k < LT_NR_KINDS * 2 && !err; k++)
		err = read_percpu(t, skel->maps.violations, k,
				  &s->violations[k / 2][k % 2],
				  sizeof(s->violations[0][0]));
	for (k = 0; k < LT_NR_STATS && !err; k++)
		err = read_percpu(t, skel->maps.stats, k, &s->stats[k],
				  sizeof(s->stats[k]));
	read_misses(t, s);
	if (!err && p->run[PLAN_FAILURES])
		err = read_fail_stacks(t, s);
	if (!err && p->run[PLAN_VIOLATIONS])
		err = read_viol_stacks(t, s);
	if (!err && p->run[PLAN_VIOLATIONS]) {
		err = read_owners(t);
		s->owners = t->owners;
	}
	if (!err && t->live) {
		err = pool_live_read(t);
		s->pools = t->pools;
	}
	return err;
}


/* The filters of the options, on a held page (the kernel tracks them all). */
static bool held_wanted(const struct options *o, const struct lt_held *h)
{
	if (o->pid && (h->ctx != LT_TASK || (unsigned int)h->owner != o->pid))
		return false;
	if (o->order >= 0 && h->order != (unsigned int)o->order)
		return false;
	if (o->ctx >= 0 && h->ctx != (unsigned int)o->ctx)
		return false;
	return true;
}

/* Keep the @max oldest in @out, unsorted; returns how many are stored. */
static size_t keep_oldest(struct held_page *out, size_t n, size_t max,
			  const struct held_page *hp)
{
	size_t i, young = 0;

	if (n < max) {
		out[n] = *hp;
		return n + 1;
	}
	if (!max)
		return n;
	for (i = 1; i < n; i++)
		if (out[i].age_ns < out[young].age_ns)
			young = i;
	if (hp->age_ns > out[young].age_ns)
		out[young] = *hp;
	return n;
}

#define HELD_BATCH 4096

/* What the held table's batches are counted into. */
struct held_reading {
	struct tracer *t;
	struct lt_snapshot *s;
	struct held_page *out;
	size_t max, n;
	unsigned long long now;
};

static void add_held(void *arg, const void *keys, const void *vals, __u32 n)
{
	struct held_reading *hr = arg;
	struct tracer *t = hr->t;
	const struct lt_held *v = vals;
	const __u64 *k = keys;
	struct held_page hp;
	__u32 i;

	for (i = 0; i < n; i++) {
		if (!held_wanted(t->opts, &v[i]))
			continue;
		hr->s->held_now++;
		hp.page = k[i];
		hp.h = v[i];
		hp.age_ns = hr->now > v[i].since_ns ? hr->now - v[i].since_ns : 0;
		/* Room for a new row always: the BPF table has as many. */
		owners_add_held(t->owners, hp.h.ctx, hp.h.owner, hp.h.order, hp.age_ns);
		hp.pfn = pfn_of(hp.page, t->vmemmap, t->page_size);
		if (hp.age_ns < t->opts->held_over_ns)
			continue;
		hr->s->held_over++;
		hr->n = keep_oldest(hr->out, hr->n, hr->max, &hp);
	}
}

size_t tracer_held(struct tracer *t, struct lt_snapshot *s,
		   struct held_page *out, size_t max)
{
	static __u64 keys[HELD_BATCH];
	static struct lt_held vals[HELD_BATCH];
	struct held_reading hr = {
		.t = t, .s = s, .out = out, .max = max, .now = now_ns(),
	};

	s->held_now = s->held_over = 0;
	/* The maps before took a while to read: say when this was true. */
	s->held_ts_ns = hr.now;
	/* A read that fails midway counts what it read, as it always did. */
	map_read_batches(t->skel->maps.held, keys, vals, HELD_BATCH, add_held, &hr);
	held_sort(out, hr.n);
	owners_sort_view(t->owners);
	owners_export_new(t->owners);
	return hr.n;
}

int tracer_stack(struct tracer *t, unsigned long long key,
		 unsigned long long *ip)
{
	struct lt_stack st;
	int depth;

	if (!key || bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.stacks), &key, &st))
		return 0;
	for (depth = 0; depth < LT_MAX_STACK && st.ip[depth]; depth++)
		ip[depth] = st.ip[depth];
	return depth;
}
