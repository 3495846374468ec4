// SPDX-License-Identifier: GPL-2.0
/*
 * The skeleton's life: configure it from the plan and options, choose and
 * load its programs, attach, calibrate pfns, detach (trace_read.c reads
 * its maps).
 */
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
	ro->want_alloc_counts = !o->no_rates;
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
	ro->targ_any = options_filtered(o);
	ro->want_owner_stacks = o->owner_stacks;
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
 * A program of labytrace.bpf.c's LT_PROGRAM(): @name where the context can
 * be read (@ctx), else its _noctx variant.  With @per_context the kernel
 * lets it run nested in another context on its CPU
 * (BPF_F_RECURSION_PER_CONTEXT); only @name is written for that.
 */
static int load_tp(struct tracer *t, const char *name, bool ctx,
		   bool per_context)
{
	struct bpf_program *prog = find(t, name, ctx ? "" : "_noctx");

	if (!prog || t->nr_tps == TRACER_MAX_TPS)
		return -ENOENT;
	load(prog);
	if (ctx && per_context)
		bpf_program__set_flags(prog, bpf_program__flags(prog) |
				       BPF_F_RECURSION_PER_CONTEXT);
	t->tps[t->nr_tps++] = prog;
	return 0;
}

/* Turn on the programs the plan needs, in the variant the kernel accepts. */
static int choose_programs(struct tracer *t, const struct plan *p,
			   const struct features *f)
{
	static const char *const pe[] = {
		"pe_acquire", "pe_release", "pe_violation", "pe_transfer",
	};
	struct labytrace_bpf *skel = t->skel;
	struct bpf_program *prog;
	bool k = p->use_ksym;
	unsigned int i;
	int err = 0;

	t->per_context = k && f->recursion_per_ctx;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);

	if (p->lat == LAT_TRACEPOINT || p->fail == FAIL_LATENCY_TP)
		err = load_tp(t, "alloc_latency", k, t->per_context);
	if (!err && p->fail == FAIL_PAGE_ALLOC_TP)
		err = load_tp(t, "page_alloc", k, t->per_context);
	for (i = 0; p->run[PLAN_VIOLATIONS] && i < 4 && !err; i++)
		err = load_tp(t, pe[i], k, t->per_context);
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
	t->skel->rodata->ctx_hardirq_mask = f->ctx_hardirq_mask;
	t->skel->rodata->ctx_nmi_mask = f->ctx_nmi_mask;
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
	err = labytrace_bpf__attach(t->skel);
	if (err) {
		snprintf(why, len, "cannot attach the BPF programs: %s",
			 strerror(-err));
		return err;
	}
	/* page_pool gauges: where the kernel has its tracepoints; said if not */
	pool_live_start(t, f, t->live_why, sizeof(t->live_why));
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

void tracer_new_interval(struct tracer *t)
{
	t->skel->data->fail_budget = t->opts->failure_records;
	t->skel->data->viol_budget = t->opts->violation_records;
}

void tracer_detach(struct tracer *t)
{
	if (!t->skel)
		return;
	pool_live_detach(t);
	labytrace_bpf__detach(t->skel);
}

void tracer_stop(struct tracer *t)
{
	tracer_detach(t);
	pool_live_stop(t);
	ring_buffer__free(t->rb);
	labytrace_bpf__destroy(t->skel);
	free(t->pcpu);
	free(t->owners);
	free(t->next_owners);
	memset(t, 0, sizeof(*t));
}
