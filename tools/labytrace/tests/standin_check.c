// SPDX-License-Identifier: GPL-2.0
/*
 * standin_check: load bpf/labytrace_standin.bpf.c (labytrace's violation and
 * fentry handlers on stand-in tracepoints), make this process allocate and
 * free pages, and check the books: every violation counted was delivered
 * or counted as lost, every release is in the hold histogram, owners'
 * stacks resolve.  The ring buffer is made small and is not read until the
 * churn is over, so it overflows: the lost count is checked, not just 0.
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

static long delivered, owner_known, owner_stacks;
static int stacks_fd;

static int on_event(void *ctx, void *data, size_t size)
{
	const struct lt_event *e = data;
	unsigned long long ip[LT_MAX_STACK] = {};
	__u32 id;

	if (e->type != LT_EV_VIOLATION)
		return 0;
	delivered++;
	if (!e->owner_known)
		return 0;
	owner_known++;
	id = e->owner_stackid;
	if (e->owner_stackid >= 0 && !bpf_map_lookup_elem(stacks_fd, &id, ip) && ip[0])
		owner_stacks++;
	return 0;
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
	unsigned long long made;
	__u64 key, next, *prev = NULL;
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
	skel->rodata->gfp_direct_reclaim = 0x400;
	skel->rodata->gfp_high = 0x20;
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
	ring_buffer__consume(rb);

	for (k = 0; k < LT_NR_STATS; k++)
		st[k] = sum(skel->maps.stats, k, 0);
	for (k = 0; k < LT_NR_KINDS * 2; k++)
		viol += sum(skel->maps.violations, k, 0);
	for (k = 0; k < LT_NR_CTX; k++)
		hold += sum(skel->maps.hold, k, 1);
	for (k = 0; k < LT_NR_KEYS; k++)
		lat += sum(skel->maps.latency, k, 1);
	while (!bpf_map_get_next_key(bpf_map__fd(skel->maps.held), prev, &next)) {
		held++;
		key = next;
		prev = &key;
	}
	printf("acquired %llu released %llu (untracked %llu) held %llu\n",
	       st[LT_STAT_ACQUIRE], st[LT_STAT_RELEASE],
	       st[LT_STAT_RELEASE_UNTRACKED], held);
	printf("violations made %llu counted %llu delivered %ld dropped %llu, "
	       "owner known %ld, owner stack %ld\n",
	       made, viol, delivered, st[LT_STAT_RB_FULL_VIOLATION], owner_known,
	       owner_stacks);
	printf("latency samples %llu unmatched %llu, stack errors %llu, held table full %llu\n",
	       lat, st[LT_STAT_LAT_UNMATCHED], st[LT_STAT_STACKID_ERR],
	       st[LT_STAT_HELD_FULL]);

	/* this process faulted in 8 x 4096 pages and freed them */
	CHECK(st[LT_STAT_ACQUIRE] >= 8 * 4096);
	CHECK(st[LT_STAT_RELEASE] >= 8 * 4096);
	CHECK(held <= st[LT_STAT_ACQUIRE]);
	CHECK(hold == st[LT_STAT_RELEASE]);
	CHECK(made > 0 && viol == made);
	/* the ring overflowed, and every record is delivered or counted lost */
	CHECK(delivered > 0 && st[LT_STAT_RB_FULL_VIOLATION] > 0);
	CHECK(delivered + st[LT_STAT_RB_FULL_VIOLATION] == made);
	CHECK(owner_known > 0 && owner_stacks == owner_known);
	CHECK(lat > 0);
	CHECK(st[LT_STAT_HELD_FULL] == 0 && st[LT_STAT_STACKID_ERR] == 0);
	printf("ok\n");
out:
	ring_buffer__free(rb);
	labytrace_standin_bpf__destroy(skel);
	return err;
}
