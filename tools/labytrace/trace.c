// SPDX-License-Identifier: GPL-2.0
/* Skeleton lifecycle and map reading. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "gfp.h"
#include "ksyms.h"
#include "labytrace.skel.h"
#include "pfn.h"
#include "trace.h"

static void set_filters(struct labytrace_bpf *skel, const struct options *o,
			const struct plan *p, const struct gfp_table *gfp)
{
	struct labytrace_bpf__rodata *ro = skel->rodata;

	ro->want_latency = p->run[PLAN_LATENCY];
	ro->want_failures = p->run[PLAN_FAILURES];
	ro->gfp_direct_reclaim = gfp_mask(gfp, "__GFP_DIRECT_RECLAIM");
	ro->gfp_high = gfp_mask(gfp, "__GFP_HIGH");
	ro->gfp_exclusive = gfp_mask(gfp, "__GFP_EXCLUSIVE");
	ro->gfp_nowarn = gfp_mask(gfp, "__GFP_NOWARN");
	ro->targ_tgid = o->pid;
	ro->targ_cpu = o->cpu;
	ro->targ_order = o->order;
	ro->targ_class = o->gfp_class;
	ro->targ_gfp_mask = o->gfp_mask;
	ro->targ_ctx = o->ctx;
	ro->targ_exclusive = o->exclusive;
	ro->targ_warned_only = o->warned_only;
}

/*
 * Stacks are cut after the interrupt entry, when kallsyms shows where it
 * is: otherwise every place an interrupt lands would make a new stack.
 */
static void set_irqentry(struct labytrace_bpf *skel)
{
	static const char *const names[] = {
		"__irqentry_text_start", "__irqentry_text_end",
	};
	unsigned long long addrs[2];

	if (ksyms_addrs("/proc/kallsyms", names, 2, addrs) == 2 &&
	    addrs[0] < addrs[1]) {
		skel->rodata->irqentry_start = addrs[0];
		skel->rodata->irqentry_end = addrs[1];
	}
}

static void load(struct bpf_program *prog)
{
	bpf_program__set_autoload(prog, true);
}

static struct bpf_program *find(struct tracer *t, const char *name,
				const char *suffix)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", name, suffix);
	return bpf_object__find_program_by_name(t->skel->obj, buf);
}

/*
 * A program of labytrace.bpf.c's LT_PROGRAMS(): when the context can be
 * read, its LT_COPIES copies, attached later in order (copy_first()
 * counts on it), and its handler, which they tail-call from @handler once
 * it is loaded; else its one _noctx program.
 */
static int load_programs(struct tracer *t, const char *name,
			 struct bpf_map *handler, bool copies)
{
	struct bpf_program *prog;
	char n[12];
	int i;

	if (!copies) {
		prog = find(t, name, "_noctx");
		if (prog)
			load(prog);
		return prog ? 0 : -ENOENT;
	}
	prog = find(t, name, "_handler");
	if (!prog || t->nr_handlers == TRACER_MAX_SETS ||
	    t->nr_copies + LT_COPIES > TRACER_MAX_COPIES)
		return -ENOENT;
	load(prog);
	bpf_program__set_autoattach(prog, false);
	t->handlers[t->nr_handlers].prog = prog;
	t->handlers[t->nr_handlers++].array = handler;
	for (i = 0; i < LT_COPIES; i++) {
		snprintf(n, sizeof(n), "%d", i);
		prog = find(t, name, n);
		if (!prog)
			return -ENOENT;
		load(prog);
		bpf_program__set_autoattach(prog, false);
		t->copies[t->nr_copies++] = prog;
	}
	return 0;
}

/* Turn on the programs the plan needs, in the variant the kernel accepts. */
static int choose_programs(struct tracer *t, const struct plan *p,
			   const struct features *f)
{
	static const char *const pe[2][4] = {
		{ "pe_acquire_nonames", "pe_release_nonames",
		  "pe_violation_nonames", "pe_transfer_nonames" },
		{ "pe_acquire", "pe_release", "pe_violation", "pe_transfer" },
	};
	struct labytrace_bpf *skel = t->skel;
	struct bpf_map *pe_handler[4] = {
		skel->maps.acquire_handler, skel->maps.release_handler,
		skel->maps.violation_handler, skel->maps.transfer_handler,
	};
	struct bpf_program *prog;
	bool k = p->use_ksym;
	int i, err = 0;

	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);

	if (p->lat == LAT_TRACEPOINT || p->fail == FAIL_LATENCY_TP)
		err = load_programs(t, "alloc_latency", skel->maps.alloc_handler, k);
	if (p->fail == FAIL_PAGE_ALLOC_TP)
		err = load_programs(t, "page_alloc", skel->maps.alloc_handler, k);
	/* Without a transfer event (the first versions), the first three. */
	for (i = 0; p->run[PLAN_VIOLATIONS] && i < (f->tp_transfer ? 4 : 3) && !err; i++)
		err = load_programs(t, pe[f->tp_owner_names][i], pe_handler[i], k);
	if (err)
		return err;
	if (p->lat == LAT_FENTRY) {
		struct bpf_program *enter = k ? skel->progs.alloc_enter :
						skel->progs.alloc_enter_noctx;
		struct bpf_program *exit = k ? skel->progs.alloc_exit :
					       skel->progs.alloc_exit_noctx;

		load(enter);
		load(exit);
		err = bpf_program__set_attach_target(enter, 0, f->alloc_func);
		if (!err)
			err = bpf_program__set_attach_target(exit, 0, f->alloc_func);
		if (err)
			return err;
	}
	if (p->run[PLAN_VIOLATIONS]) {
		load(skel->progs.calibrate);
		/* Attached only while calibrating. */
		bpf_program__set_autoattach(skel->progs.calibrate, false);
	}
	return 0;
}

/* Maps a run does not use still get created: make them tiny. */
static void shrink_maps(struct labytrace_bpf *skel, const struct plan *p)
{
	if (!p->run[PLAN_LATENCY])
		bpf_map__set_max_entries(skel->maps.latency, 1);
	if (!p->run[PLAN_FAILURES])
		bpf_map__set_max_entries(skel->maps.counts, 1);
	if (p->lat != LAT_FENTRY)
		bpf_map__set_max_entries(skel->maps.starts, 1);
	if (!p->run[PLAN_FAILURES])
		bpf_map__set_max_entries(skel->maps.fail_stacks, 1);
	if (!p->run[PLAN_VIOLATIONS]) {
		bpf_map__set_max_entries(skel->maps.hold, 1);
		bpf_map__set_max_entries(skel->maps.violations, 1);
		bpf_map__set_max_entries(skel->maps.held, 1);
		bpf_map__set_max_entries(skel->maps.owners, 1);
		bpf_map__set_max_entries(skel->maps.viol_stacks, 1);
	}
	if (!p->run[PLAN_VIOLATIONS] && !p->run[PLAN_FAILURES]) {
		bpf_map__set_max_entries(skel->maps.stacks, 1);
		bpf_map__set_max_entries(skel->maps.scratch, 1);
	}
}

int tracer_start(struct tracer *t, const struct options *o,
		 const struct features *f, const struct plan *p,
		 const struct gfp_table *gfp, ring_buffer_sample_fn fn,
		 void *ctx, char *why, size_t len)
{
	unsigned int i;
	int err;

	memset(t, 0, sizeof(*t));
	t->plan = p;
	t->opts = o;
	t->page_size = f->page_size;
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		snprintf(why, len, "cannot count the possible CPUs");
		return t->ncpus < 0 ? t->ncpus : -EINVAL;
	}
	t->pcpu = calloc(t->ncpus, sizeof(struct lt_hist));
	t->owners = calloc(1, sizeof(*t->owners));
	t->next_owners = calloc(1, sizeof(*t->next_owners));
	if (!t->pcpu || !t->owners || !t->next_owners) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}

	t->skel = labytrace_bpf__open();
	if (!t->skel) {
		err = -errno;
		snprintf(why, len, "cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	set_filters(t->skel, o, p, gfp);
	if (p->run[PLAN_VIOLATIONS] || p->run[PLAN_FAILURES])
		set_irqentry(t->skel);
	if (p->run[PLAN_VIOLATIONS])
		bpf_map__set_max_entries(t->skel->maps.held, o->held_max);
	t->skel->data->fail_budget = o->failure_records;
	t->skel->data->viol_budget = o->violation_records;
	err = choose_programs(t, p, f);
	if (err == -ENOENT) {
		snprintf(why, len, "the BPF object lacks a program this plan needs");
		return err;
	}
	if (err) {
		snprintf(why, len, "cannot set the fentry target %s: %s",
			 f->alloc_func, strerror(-err));
		return err;
	}
	shrink_maps(t->skel, p);

	err = labytrace_bpf__load(t->skel);
	if (err) {
		snprintf(why, len, "the kernel refused the BPF programs: %s (-v shows the verifier log)",
			 strerror(-err));
		return err;
	}
	for (i = 0; i < t->nr_handlers && !err; i++) {
		int key = 0, fd = bpf_program__fd(t->handlers[i].prog);

		if (bpf_map_update_elem(bpf_map__fd(t->handlers[i].array), &key, &fd, 0))
			err = -errno;
	}
	if (err) {
		snprintf(why, len, "cannot set the copies' handlers: %s",
			 strerror(-err));
		return err;
	}
	err = labytrace_bpf__attach(t->skel);
	for (i = 0; i < t->nr_copies && !err; i++) {
		t->links[i] = bpf_program__attach(t->copies[i]);
		if (!t->links[i])
			err = -errno;
	}
	if (err) {
		snprintf(why, len, "cannot attach the BPF programs: %s",
			 strerror(-err));
		return err;
	}
	t->skel->bss->armed = true;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), fn, ctx, NULL);
	if (!t->rb) {
		err = -errno;
		snprintf(why, len, "cannot open the ring buffer: %s", strerror(-err));
		return err;
	}
	return 0;
}

/* pfn of the page backing @addr in this process, or 0. */
static unsigned long long pagemap_pfn(int fd, const void *addr)
{
	long psize = sysconf(_SC_PAGESIZE);
	uint64_t e;

	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / psize * sizeof(e)) != sizeof(e))
		return 0;
	if (!(e & (1ULL << 63)))	/* not present */
		return 0;
	return e & ((1ULL << 55) - 1);
}

#define CALIB_PAGES 8

int tracer_calibrate_pfn(struct tracer *t)
{
	struct labytrace_bpf__bss *bss = t->skel->bss;
	unsigned long long pfns[CALIB_PAGES], base;
	long psize = sysconf(_SC_PAGESIZE);
	struct bpf_link *link;
	char *mem;
	int i, fd, err;

	mem = mmap(NULL, CALIB_PAGES * psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	/* One small page per fault: no THP or mTHP folio. */
	madvise(mem, CALIB_PAGES * psize, MADV_NOHUGEPAGE);

	bss->calib_n = 0;
	bss->calib_tid = gettid();
	link = bpf_program__attach(t->skel->progs.calibrate);
	if (!link) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < CALIB_PAGES; i++)
		((volatile char *)mem)[i * psize] = 1;
	bpf_link__destroy(link);

	err = -ENOENT;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < CALIB_PAGES; i++)
		pfns[i] = pagemap_pfn(fd, mem + i * psize);
	close(fd);
	if (!pfn_calibrate(bss->calib_pages,
			   bss->calib_n < LT_CALIB_MAX ? bss->calib_n : LT_CALIB_MAX,
			   pfns, CALIB_PAGES, t->page_size, &base)) {
		t->vmemmap = base;
		err = 0;
	}
out:
	munmap(mem, CALIB_PAGES * psize);
	return err;
}

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

static bool is_copy(const struct tracer *t, const struct bpf_program *prog)
{
	unsigned int i;

	for (i = 0; i < t->nr_copies; i++)
		if (t->copies[i] == prog)
			return true;
	return false;
}

/*
 * The programs' recursion misses (events skipped because the program was
 * already running on that CPU): into s->bpf_misses those of the programs
 * that count events alone, each a lost event; into s->bpf_misses_copies
 * those of the copies, each an event another copy handled (copy_first()
 * in labytrace.bpf.c); and none of calibrate's, which counts nothing.
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
		if (is_copy(t, prog))
			s->bpf_misses_copies += info.recursion_misses;
		else
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
 * Every entry of the hash table @map, @max at most, into @keys and @vals,
 * arrays of its keys and values; *@n says how many.  0 or -errno.
 */
static int read_table(struct bpf_map *map, void *keys, void *vals, __u32 max,
		      __u32 *n)
{
	size_t ksize = bpf_map__key_size(map), vsize = bpf_map__value_size(map);
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 batch, *in = NULL;	/* a bucket, for a hash table */
	__u32 count;
	int err;

	*n = 0;
	do {
		count = max - *n;
		if (!count)
			break;
		err = bpf_map_lookup_batch(bpf_map__fd(map), in, &batch,
					   (char *)keys + *n * ksize,
					   (char *)vals + *n * vsize, &count, &opts);
		if (err && errno != ENOENT)
			return -errno;
		*n += count;
		in = &batch;
	} while (!err);
	return 0;
}

/* The whole fail_stacks table, sorted, into @s. */
static int read_fail_stacks(struct tracer *t, struct lt_snapshot *s)
{
	static struct lt_fail_key keys[LT_MAX_FAIL_KEYS];
	static __u64 vals[LT_MAX_FAIL_KEYS];
	__u32 i, n;
	int err;

	err = read_table(t->skel->maps.fail_stacks, keys, vals, LT_MAX_FAIL_KEYS, &n);
	for (i = 0; i < n; i++)
		s->fail_stacks[i] = (struct fail_stack){ keys[i], vals[i] };
	s->nr_fail_stacks = n;
	fail_stacks_sort(s->fail_stacks, n);
	return err;
}

/* The whole viol_stacks table, sorted, into @s. */
static int read_viol_stacks(struct tracer *t, struct lt_snapshot *s)
{
	static struct lt_viol_key keys[LT_MAX_VIOL_KEYS];
	static struct lt_viol_val vals[LT_MAX_VIOL_KEYS];
	__u32 i, n;
	int err;

	err = read_table(t->skel->maps.viol_stacks, keys, vals, LT_MAX_VIOL_KEYS, &n);
	for (i = 0; i < n; i++)
		s->viol_stacks[i] = (struct viol_stack){ keys[i], vals[i] };
	s->nr_viol_stacks = n;
	viol_stacks_sort(s->viol_stacks, n);
	return err;
}

#define OWNERS_BATCH 1024

/*
 * The whole owners table into t->owners, sorted by key, nothing held yet,
 * with the names it had for owners the kernel side has none for.
 */
static int read_owners(struct tracer *t)
{
	static __u64 keys[OWNERS_BATCH];
	static struct lt_owner vals[OWNERS_BATCH];
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int fd = bpf_map__fd(t->skel->maps.owners), err;
	struct owner_table *ot = t->next_owners;
	__u64 batch, *in = NULL;
	__u32 i, count;

	ot->n = 0;
	do {
		count = OWNERS_BATCH;
		err = bpf_map_lookup_batch(fd, in, &batch, keys, vals, &count, &opts);
		if (err && errno != ENOENT)
			return -errno;
		for (i = 0; i < count && ot->n < LT_MAX_OWNERS; i++) {
			struct owner_row *r = &ot->rows[ot->n++];

			memset(r, 0, sizeof(*r));
			r->key = keys[i];
			r->o = vals[i];
		}
		in = &batch;
	} while (!err);
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
	return err;
}

void tracer_new_interval(struct tracer *t)
{
	t->skel->data->fail_budget = t->opts->failure_records;
	t->skel->data->viol_budget = t->opts->violation_records;
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

size_t tracer_held(struct tracer *t, struct lt_snapshot *s,
		   struct held_page *out, size_t max)
{
	int fd = bpf_map__fd(t->skel->maps.held);
	unsigned long long over = t->opts->held_over_ns, now = now_ns();
	static __u64 keys[HELD_BATCH];
	static struct lt_held vals[HELD_BATCH];
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 batch, *in = NULL;
	struct held_page hp;
	size_t n = 0;
	__u32 i, count;
	int err;

	s->held_now = s->held_over = 0;
	/* The maps before took a while to read: say when this was true. */
	s->held_ts_ns = now;
	do {
		count = HELD_BATCH;
		err = bpf_map_lookup_batch(fd, in, &batch, keys, vals, &count, &opts);
		if (err && errno != ENOENT)
			break;
		for (i = 0; i < count; i++) {
			if (!held_wanted(t->opts, &vals[i]))
				continue;
			s->held_now++;
			hp.page = keys[i];
			hp.h = vals[i];
			hp.age_ns = now > vals[i].since_ns ? now - vals[i].since_ns : 0;
			/* Room for a new row always: the BPF table has as many. */
			owners_add_held(t->owners, hp.h.ctx, hp.h.owner,
					hp.h.order, hp.age_ns);
			hp.pfn = pfn_of(hp.page, t->vmemmap, t->page_size);
			if (hp.age_ns < over)
				continue;
			s->held_over++;
			n = keep_oldest(out, n, max, &hp);
		}
		in = &batch;
	} while (!err);
	held_sort(out, n);
	owners_sort_view(t->owners);
	owners_export_new(t->owners);
	return n;
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

void tracer_detach(struct tracer *t)
{
	unsigned int i;

	if (!t->skel)
		return;
	/* The copies stop handling events at once, then go. */
	t->skel->bss->armed = false;
	for (i = 0; i < t->nr_copies; i++) {
		bpf_link__destroy(t->links[i]);
		t->links[i] = NULL;
	}
	labytrace_bpf__detach(t->skel);
}

void tracer_stop(struct tracer *t)
{
	tracer_detach(t);
	ring_buffer__free(t->rb);
	labytrace_bpf__destroy(t->skel);
	free(t->pcpu);
	free(t->owners);
	free(t->next_owners);
	memset(t, 0, sizeof(*t));
}
