// SPDX-License-Identifier: GPL-2.0
/*
 * standin_check: load bpf/labytrace_standin.bpf.c (labytrace's violation and
 * fentry handlers on stand-in tracepoints), make this process allocate and
 * free pages, and check the books: every violation counted was delivered,
 * dropped (the ring full) or past its budget, and is in the counts by
 * stack; every release is in the hold histogram, owners' stacks resolve.
 * The ring buffer is made small and is not read until the churn is over,
 * so it overflows: the dropped count is checked, not just 0.
 * Prints the numbers and "ok"; exits 1 on a mismatch, 3 if the programs
 * cannot be loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "labytrace.h"
#include "labytrace_standin.skel.h"

static long delivered, owner_known, owner_stacks, failure_records, owner_named;
static int stacks_fd;

static int on_event(void *ctx, void *data, size_t size)
{
	const struct lt_event *e = data;
	struct lt_stack st;

	failure_records += e->type == LT_EV_FAILURE;
	if (e->type != LT_EV_VIOLATION)
		return 0;
	delivered++;
	owner_named += e->owner_ctx == LT_OBJECT && e->owner == 7 &&
		       !strcmp(e->owner_name, "standin rx0");
	if (!e->owner_known)
		return 0;
	owner_known++;
	if (e->owner_stack && !bpf_map_lookup_elem(stacks_fd, &e->owner_stack, &st) &&
	    st.ip[0])
		owner_stacks++;
	return 0;
}

/* Entries in the held table, read in batches. */
static long held_count(int fd)
{
	static __u64 keys[4096];
	static struct lt_held vals[4096];
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 batch, *in = NULL;
	long n = 0;
	__u32 count;
	int err;

	do {
		count = 4096;
		err = bpf_map_lookup_batch(fd, in, &batch, keys, vals, &count, &opts);
		if (err && errno != ENOENT)
			return -1;
		n += count;
		in = &batch;
	} while (!err);
	return n;
}

/*
 * Failures counted per stack: how many, in how many entries, and whether
 * every entry's stack resolves and is cut where the kernel side cuts.
 */
static unsigned long long fail_stack_sum(struct labytrace_standin_bpf *skel,
					 long *entries, long *resolved)
{
	int fd = bpf_map__fd(skel->maps.fail_stacks);
	struct lt_fail_key key, *prev = NULL;
	unsigned long long sum = 0;
	struct lt_stack st;
	__u64 n;

	*entries = *resolved = 0;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		if (!bpf_map_lookup_elem(fd, &key, &n)) {
			sum += n;
			(*entries)++;
			*resolved += !bpf_map_lookup_elem(stacks_fd, &key.stack, &st) &&
				     st.ip[0];
		}
		prev = &key;
	}
	return sum;
}

/*
 * Violations counted by kind, owner, actor and stacks: how many, and
 * whether each entry is this process's free of the object's pages, with
 * its stacks resolving.
 */
static unsigned long long viol_stack_sum(struct labytrace_standin_bpf *skel,
					 long *entries, long *wrong)
{
	static struct lt_viol_key keys[LT_MAX_VIOL_KEYS];
	static struct lt_viol_val vals[LT_MAX_VIOL_KEYS];
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	unsigned long long sum = 0;
	__u32 i, n = LT_MAX_VIOL_KEYS;
	struct lt_stack st;
	__u64 batch;
	int err;

	err = bpf_map_lookup_batch(bpf_map__fd(skel->maps.viol_stacks), NULL, &batch,
				   keys, vals, &n, &opts);
	*entries = err && errno != ENOENT ? -1 : (long)n;
	*wrong = 0;
	for (i = 0; i < n; i++) {
		sum += vals[i].count;
		*wrong += keys[i].owner != 7 || keys[i].owner_ctx != LT_OBJECT ||
			  keys[i].kind != LT_KIND_FREE || keys[i].actor != getpid() ||
			  strcmp(vals[i].actor_comm, "standin_check") ||
			  bpf_map_lookup_elem(stacks_fd, &keys[i].actor_stack, &st) ||
			  (keys[i].owner_stack &&	/* 0: acquired before we were */
			   bpf_map_lookup_elem(stacks_fd, &keys[i].owner_stack, &st));
	}
	return sum;
}

/* The kernel memory a map takes, as /proc/self/fdinfo says (memlock). */
static long long map_memory(int fd)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* The owners table's entry of @kind/@id; zeros if it has none. */
static struct lt_owner owner_of(struct labytrace_standin_bpf *skel,
				unsigned int kind, int id)
{
	__u64 key = lt_owner_key(kind, id);
	struct lt_owner o = {};

	bpf_map_lookup_elem(bpf_map__fd(skel->maps.owners), &key, &o);
	return o;
}

static unsigned long long hist_total(const struct lt_hist *h)
{
	unsigned long long n = 0;
	unsigned int i;

	for (i = 0; i < LT_NR_SLOTS; i++)
		n += h->slots[i];
	return n;
}

/* standin_fill: @n more made-up pages acquired at once, from @base on. */
static int fill(struct labytrace_standin_bpf *skel, __u64 base, __u32 n)
{
	__u64 args[1] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args,
		    .ctx_size_in = sizeof(args));

	skel->bss->fill_base = base;
	skel->bss->fill_n = n;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.standin_fill), &opts))
		return -errno;
	return opts.retval;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

/* Sum a per-CPU u64 (or the slots of a struct lt_hist) over the CPUs. */
static unsigned long long sum(struct bpf_map *map, __u32 key, int hist)
{
	int ncpus = libbpf_num_possible_cpus(), cpu, i;
	size_t size = hist ? sizeof(struct lt_hist) : 8;
	unsigned long long n = 0;
	char *buf = calloc(ncpus, size);

	if (!buf || bpf_map_lookup_elem(bpf_map__fd(map), &key, buf))
		exit(1);
	for (cpu = 0; cpu < ncpus; cpu++) {
		if (!hist) {
			n += ((unsigned long long *)buf)[cpu];
			continue;
		}
		for (i = 0; i < LT_NR_SLOTS; i++)
			n += ((struct lt_hist *)(buf + cpu * size))->slots[i];
	}
	free(buf);
	return n;
}

static void churn(void)
{
	size_t len = 16 << 20, off;
	int round;

	for (round = 0; round < 8; round++) {
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			exit(1);
		madvise(m, len, MADV_NOHUGEPAGE);
		for (off = 0; off < len; off += 4096)
			m[off] = 1;
		munmap(m, len);
	}
}

/* Cleans up on the way out: a leak report would hide the error line. */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("error: %s\n", #cond);				\
		err = 1;						\
		goto out;						\
	}								\
} while (0)

int main(void)
{
	struct labytrace_standin_bpf *skel;
	struct bpf_program *prog;
	struct ring_buffer *rb = NULL;
	unsigned long long st[LT_NR_STATS], viol = 0, hold = 0, lat = 0, held = 0;
	unsigned long long made, untracked, failures, by_stack, viol_by_stack;
	struct lt_owner me, releaser, object;
	long cap, before, filled, fail_entries, fail_resolved, viol_entries, viol_wrong;
	__u32 k;
	int err = 0;

	libbpf_set_print(quiet);
	skel = labytrace_standin_bpf__open();
	if (!skel)
		return 3;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog),
							 "standin_", 8));
	/* 16 pages hold ~160 records; the churn makes ~2000 violations. */
	CHECK(!bpf_map__set_max_entries(skel->maps.events,
					16 * sysconf(_SC_PAGESIZE)));
	skel->rodata->standin_tgid = getpid();
	skel->rodata->want_latency = true;
	skel->rodata->want_owner_stacks = true;
	skel->rodata->gfp_direct_reclaim = 0x400;
	skel->rodata->gfp_high = 0x20;
	/* 50 failure records, the rest only counted by stack */
	skel->data->fail_budget = 50;
	/* 1000 violation records: more than the ring holds, fewer than made */
	skel->data->viol_budget = 1000;
	bpf_program__set_autoattach(skel->progs.standin_fill, false);
	/* as labytrace --held-max 524288 sizes it, for a 100 Gbit/s NIC */
	CHECK(!bpf_map__set_max_entries(skel->maps.held, 524288));
	if (labytrace_standin_bpf__load(skel) || labytrace_standin_bpf__attach(skel)) {
		printf("error: cannot load or attach the stand-ins: %s\n", strerror(errno));
		err = 3;
		goto out;
	}
	stacks_fd = bpf_map__fd(skel->maps.stacks);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	CHECK(rb);
	/* Nothing reads the ring until the programs are gone. */
	churn();
	labytrace_standin_bpf__detach(skel);
	made = skel->bss->standin_violations;
	failures = skel->bss->standin_failures;
	ring_buffer__consume(rb);

	for (k = 0; k < LT_NR_STATS; k++)
		st[k] = sum(skel->maps.stats, k, 0);
	for (k = 0; k < LT_NR_KINDS * 2; k++)
		viol += sum(skel->maps.violations, k, 0);
	for (k = 0; k < LT_NR_OWNER_CTX; k++)
		hold += sum(skel->maps.hold, k, 1);
	for (k = 0; k < LT_NR_KEYS; k++)
		lat += sum(skel->maps.latency, k, 1);
	held = held_count(bpf_map__fd(skel->maps.held));
	printf("acquired %llu released %llu (untracked %llu) held %llu\n",
	       st[LT_STAT_ACQUIRE], st[LT_STAT_RELEASE],
	       st[LT_STAT_RELEASE_UNTRACKED], held);
	viol_by_stack = viol_stack_sum(skel, &viol_entries, &viol_wrong);
	printf("violations made %llu counted %llu delivered %ld dropped %llu "
	       "unrecorded %llu, owner known %ld, owner stack %ld; by stack %llu "
	       "in %ld entries (%ld wrong), %llu unaggregated\n",
	       made, viol, delivered, st[LT_STAT_RB_FULL_VIOLATION],
	       st[LT_STAT_VIOL_UNRECORDED], owner_known, owner_stacks,
	       viol_by_stack, viol_entries, viol_wrong,
	       st[LT_STAT_VIOL_UNAGGREGATED]);
	printf("latency samples %llu unmatched %llu, stacks unrecorded %llu, acquires untracked %llu\n",
	       lat, st[LT_STAT_LAT_UNMATCHED], st[LT_STAT_STACK_UNRECORDED],
	       st[LT_STAT_ACQUIRE_UNTRACKED]);

	by_stack = fail_stack_sum(skel, &fail_entries, &fail_resolved);
	printf("failures %llu: %ld records (%llu dropped), %llu unrecorded; "
	       "by stack %llu in %ld entries (%ld resolve), %llu unaggregated\n",
	       failures, failure_records, st[LT_STAT_RB_FULL_FAILURE],
	       st[LT_STAT_FAIL_UNRECORDED], by_stack, fail_entries, fail_resolved,
	       st[LT_STAT_FAIL_UNAGGREGATED]);

	/* this process faulted in 8 x 4096 pages and freed them */
	CHECK(st[LT_STAT_ACQUIRE] >= 8 * 4096);
	CHECK(st[LT_STAT_RELEASE] >= 8 * 4096);
	CHECK(held <= st[LT_STAT_ACQUIRE]);
	CHECK(hold == st[LT_STAT_RELEASE]);
	CHECK(made > 1000 && viol == made);
	/*
	 * the ring overflowed, and every violation is delivered, dropped for
	 * the ring full, or past the budget: counted either way
	 */
	CHECK(delivered > 0 && st[LT_STAT_RB_FULL_VIOLATION] > 0);
	CHECK(delivered + st[LT_STAT_RB_FULL_VIOLATION] == 1000);
	CHECK(st[LT_STAT_VIOL_UNRECORDED] == made - 1000);
	/* and every one is in the counts by stack, as it was made */
	CHECK(st[LT_STAT_VIOL_UNAGGREGATED] == 0 && viol_by_stack == made);
	CHECK(viol_entries > 0 && viol_wrong == 0);
	CHECK(owner_known > 0 && owner_stacks == owner_known);
	CHECK(lat > 0);
	CHECK(st[LT_STAT_ACQUIRE_UNTRACKED] == 0 && st[LT_STAT_STACK_UNRECORDED] == 0);
	/* the first 50 failures made records, the rest were only counted */
	CHECK(failures > 50 && failure_records + st[LT_STAT_RB_FULL_FAILURE] == 50);
	CHECK(st[LT_STAT_FAIL_UNRECORDED] == failures - 50);
	/* and every one is in the counts by stack, whose stacks resolve */
	CHECK(st[LT_STAT_FAIL_UNAGGREGATED] == 0 && by_stack == failures);
	CHECK(fail_entries > 0 && fail_resolved == fail_entries);

	/*
	 * Per owner: this process acquired every page (and is named by its
	 * comm), task 1 released them, each with a hold time, and the object
	 * owned every page a violation was made on, under its name.
	 */
	me = owner_of(skel, LT_TASK, getpid());
	releaser = owner_of(skel, LT_TASK, 1);
	object = owner_of(skel, LT_OBJECT, 7);
	printf("owners: task:%d(%s) acquired %llu, task:1 released %llu (hold count %llu), "
	       "%s (object 7) free violations %llu, %ld records named it\n",
	       getpid(), me.name, me.acquired, releaser.released,
	       hist_total(&releaser.hold), object.name,
	       object.violations[LT_KIND_FREE], owner_named);
	CHECK(me.acquired == st[LT_STAT_ACQUIRE] && !strcmp(me.name, "standin_check"));
	CHECK(releaser.released == st[LT_STAT_RELEASE] &&
	      hist_total(&releaser.hold) == st[LT_STAT_RELEASE]);
	CHECK(!strcmp(object.name, "standin rx0") &&
	      object.violations[LT_KIND_FREE] == made && object.acquired == 0);
	CHECK(owner_named == delivered && st[LT_STAT_OWNER_UNTRACKED] == 0);

	/*
	 * The held table at --held-max 524288 holds 500,000 pages at once
	 * with nothing lost, and counts exactly what it cannot hold.
	 */
	cap = bpf_map__max_entries(skel->maps.held);
	before = held_count(bpf_map__fd(skel->maps.held));
	CHECK(cap >= 500000 && before >= 0 && before + 500000 <= cap);
	CHECK(!fill(skel, 0xffff000000000000ULL, 500000));
	filled = held_count(bpf_map__fd(skel->maps.held));
	untracked = sum(skel->maps.stats, LT_STAT_ACQUIRE_UNTRACKED, 0);
	printf("held table: %ld pages at most, %lld bytes of kernel memory; "
	       "500000 acquired at once: %ld held, %llu untracked\n",
	       cap, map_memory(bpf_map__fd(skel->maps.held)), filled - before,
	       untracked);
	CHECK(filled == before + 500000 && untracked == 0);
	CHECK(!fill(skel, 0xfffe000000000000ULL, cap - filled + 1000));
	untracked = sum(skel->maps.stats, LT_STAT_ACQUIRE_UNTRACKED, 0);
	printf("%ld more: table full at %ld, %llu untracked, counted\n",
	       cap - filled + 1000, held_count(bpf_map__fd(skel->maps.held)),
	       untracked);
	CHECK(held_count(bpf_map__fd(skel->maps.held)) == cap && untracked == 1000);
	printf("ok\n");
out:
	ring_buffer__free(rb);
	labytrace_standin_bpf__destroy(skel);
	return err;
}
