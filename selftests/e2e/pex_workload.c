// SPDX-License-Identifier: GPL-2.0
/*
 * pex_workload: a known load for labytrace's end-to-end test, made through
 * lib/test_page_exclusive (/dev/test_page_exclusive) and fail_page_alloc.
 *
 *   pex_workload [--softirq A] [--hardirq D] [--task B] [--fail C] [--violations]
 *                [--owner NAME --owner-alloc N --owner-release R --owner-free F
 *                 --owner-transfer T --owner-hold-ms MS [--owner-ready FILE]]
 *                [--hold H --hold-ms MS]
 *                [--storm-ms MS [--storm-rate PAGES_PER_MS]
 *                 [--storm-fail-percent P] [--storm-violation-every N]]
 *   pex_workload --bench kernel|atomic|exclusive [--iterations N]
 *
 * It allocates A exclusive pages in softirq, D in hardirq and B in task
 * context, each context's in one burst (one softirq, one irq_work: up to
 * PEX_MAX_PAGES at once), then frees each page from its owner; makes C
 * order-0 GFP_ATOMIC allocations of the test module fail through
 * fail_page_alloc (restricted to the module's code by its stack-trace
 * filter), commits one violation of each kind, and holds H
 * exclusive pages for MS milliseconds.  With --owner, an owner object named
 * NAME (an open file of the module, renamed) allocates N pages into itself
 * in one softirq, releases R of them from the task, lets the task free F
 * it still owns (free violations, the object the owner), transfers T to
 * the task, which frees them, and holds the rest for MS milliseconds and
 * then, with --owner-ready, until FILE, made when the hold starts, is
 * removed again (at most 120 s); closing the file releases them.  It
 * checks every step's own result
 * and prints, as one JSON object, what it did: the counts labytrace must
 * report.  --storm-ms runs the module's RX storm on every CPU (for the
 * demo and benchmarks), with P% of its allocations failing and one page in
 * N freed without a transfer; the storm's own counts are printed too.
 * --bench times N alloc_page()+free pairs in the module (pinned to CPU 0)
 * and prints the mean ns per pair.  Exit status: 0 done, 1 a step did not do what it should,
 * 2 usage, 77 the test module or fail_page_alloc is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lib/test_page_exclusive_uapi.h>

#define DEV	"/dev/test_page_exclusive"
#define FAIL	"/sys/kernel/debug/fail_page_alloc/"
#define RANGE	"/sys/kernel/debug/test_page_exclusive/text_range"
#define PAGE	4096UL

static int fd = -1;
static const char *policy = "?";

static void die(const char *what)
{
	fprintf(stderr, "pex_workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "pex_workload: %s\n", what);
	exit(1);
}

static int write_file(const char *path, const char *val)
{
	int f = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (f < 0)
		return -1;
	n = write(f, val, strlen(val));
	close(f);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static struct pex_cmd op(unsigned long req, unsigned int ctx, unsigned int index)
{
	struct pex_cmd cmd = { .ctx = ctx, .index = index };

	if (ioctl(fd, req, &cmd))
		die("ioctl");
	return cmd;
}

/* Allocate @count exclusive (or plain) pages in @ctx; the first slot. */
static unsigned int alloc_in(unsigned int ctx, unsigned int count, int plain,
			     unsigned int *failed)
{
	struct pex_cmd cmd = { .ctx = ctx, .count = count, .plain = plain };

	if (ioctl(fd, PEX_IOC_ALLOC, &cmd))
		die("PEX_IOC_ALLOC");
	if (failed)
		*failed = cmd.failed;
	else if (cmd.allocated != count)
		fail("an exclusive allocation failed");
	return cmd.index;
}

static void free_slots(unsigned int ctx, unsigned int first, unsigned int n)
{
	while (n--)
		op(PEX_IOC_FREE, ctx, first++);
}

/*
 * @n exclusive pages allocated in @ctx in one go, then freed by their
 * owner, through a file of their own: a file's slots are not reused, and
 * a burst may take all PEX_MAX_PAGES of them.
 */
static void burst(unsigned int ctx, unsigned int n)
{
	int main_fd = fd;
	unsigned int slot;

	if (!n)
		return;
	fd = open(DEV, O_RDWR);
	if (fd < 0)
		die(DEV);
	slot = alloc_in(ctx, n, 0, NULL);
	free_slots(ctx, slot, n);
	close(fd);
	fd = main_fd;
}

/* fail_page_alloc: the next @times allocations made by the module fail. */
static void inject_failures(unsigned int times)
{
	char start[32], end[32], buf[32];
	FILE *f = fopen(RANGE, "r");

	if (!f || fscanf(f, "%31s %31s", start, end) != 2) {
		fprintf(stderr, "pex_workload: no %s\n", RANGE);
		exit(77);
	}
	fclose(f);
	snprintf(buf, sizeof(buf), "%u", times);
	if (write_file(FAIL "probability", "0") ||
	    write_file(FAIL "verbose", "0") ||
	    write_file(FAIL "interval", "1") ||
	    write_file(FAIL "min-order", "0") ||
	    write_file(FAIL "ignore-gfp-wait", "N") ||
	    write_file(FAIL "ignore-gfp-highmem", "N") ||
	    write_file(FAIL "task-filter", "N") ||
	    write_file(FAIL "stacktrace-depth", "32") ||
	    write_file(FAIL "require-start", start) ||
	    write_file(FAIL "require-end", end) ||
	    write_file(FAIL "times", buf) ||
	    write_file(FAIL "probability", "100")) {
		fprintf(stderr, "pex_workload: cannot set up %s: %s\n", FAIL,
			strerror(errno));
		exit(77);
	}
}

/* fail_page_alloc: @percent of the module's allocations fail, no limit. */
static void inject_failure_share(unsigned int percent)
{
	char buf[16];

	inject_failures(0);
	snprintf(buf, sizeof(buf), "%u", percent);
	if (write_file(FAIL "times", "-1") || write_file(FAIL "probability", buf)) {
		fprintf(stderr, "pex_workload: cannot set up %s\n", FAIL);
		exit(77);
	}
}

static void stop_failures(void)
{
	write_file(FAIL "probability", "0");
	write_file(FAIL "times", "0");
	write_file(FAIL "require-start", "0");
	write_file(FAIL "require-end", "0");
}

/* Run @fn in a child process (another owner); its exit status. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int child_map(void *arg)
{
	off_t off = *(unsigned int *)arg * PAGE;
	void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, off);

	if (p == MAP_FAILED)
		return errno == EPERM ? 10 : 11;
	munmap(p, PAGE);
	return 0;
}

struct remote {
	pid_t owner;
	void *addr;
};

static int child_readv(void *arg)
{
	struct remote *r = arg;
	char buf[16];
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { r->addr, sizeof(buf) };

	if (process_vm_readv(r->owner, &local, 1, &remote, 1, 0) < 0)
		return errno == EFAULT ? 10 : 11;
	return 0;
}

/* One violation of each kind, by another process or the module's thread. */
static void violations(int enforce)
{
	unsigned int slot;
	struct remote r = { .owner = getpid() };
	struct pex_cmd cmd;
	int want = enforce ? 10 : 0;

	slot = alloc_in(PEX_CTX_TASK, 1, 0, NULL);
	if (in_child(child_map, &slot) != want)
		fail("map by another process: unexpected outcome");
	op(PEX_IOC_FREE, PEX_CTX_TASK, slot);

	slot = alloc_in(PEX_CTX_TASK, 1, 0, NULL);
	r.addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, slot * PAGE);
	if (r.addr == MAP_FAILED)
		die("mmap by the owner");
	if (in_child(child_readv, &r) != want)
		fail("process_vm_readv by another process: unexpected outcome");
	munmap(r.addr, PAGE);
	op(PEX_IOC_FREE, PEX_CTX_TASK, slot);

	slot = alloc_in(PEX_CTX_TASK, 1, 0, NULL);
	op(PEX_IOC_FREE, PEX_CTX_KTHREAD, slot);

	slot = alloc_in(PEX_CTX_TASK, 1, 0, NULL);
	cmd = op(PEX_IOC_TRANSFER, PEX_CTX_KTHREAD, slot);
	if (cmd.result != -EPERM)
		fail("transfer by the module's thread was not refused");
	cmd = op(PEX_IOC_RELEASE, PEX_CTX_KTHREAD, slot);
	if (cmd.result != -EPERM)
		fail("release by the module's thread was not refused");
	op(PEX_IOC_FREE, PEX_CTX_TASK, slot);
}

struct owner_load {
	const char *name, *ready;
	unsigned int alloc, release, free, transfer, hold_ms;
	int id;
	double hold_start, hold_end;	/* CLOCK_REALTIME, seconds */
};

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The owner object of the file @ofd, renamed to @name: its id. */
static int owner_rename(int ofd, const char *name, unsigned int *pages)
{
	struct pex_owner o = {};

	snprintf(o.name, sizeof(o.name), "%s", name);
	if (ioctl(ofd, PEX_IOC_OWNER, &o))
		die("PEX_IOC_OWNER");
	if (pages)
		*pages = o.pages;
	return o.id;
}

static struct pex_cmd owner_op(unsigned long req, unsigned int ctx,
			       unsigned int index)
{
	struct pex_cmd cmd = { .ctx = ctx, .index = index, .owner = 1 };

	if (ioctl(fd, req, &cmd))
		die("ioctl (owner)");
	return cmd;
}

/*
 * An RX queue's life, in short: a refill in softirq into the queue's owner
 * object, pages given back (released) from a task, some freed while the
 * queue still owns them (a bug: free violations), some handed to a task,
 * and the rest held until the queue goes away.
 */
static void owner_load(struct owner_load *ol)
{
	struct pex_cmd cmd = { .ctx = PEX_CTX_SOFTIRQ, .count = ol->alloc, .owner = 1 };
	unsigned int i, slot, pages, held;
	int main_fd = fd, f;

	if (ol->release + ol->free + ol->transfer > ol->alloc)
		fail("--owner-release + --owner-free + --owner-transfer > --owner-alloc");
	held = ol->alloc - ol->release - ol->free - ol->transfer;
	fd = open(DEV, O_RDWR);
	if (fd < 0)
		die(DEV);
	ol->id = owner_rename(fd, ol->name, NULL);
	if (ioctl(fd, PEX_IOC_ALLOC, &cmd))
		die("PEX_IOC_ALLOC (owner)");
	if (cmd.allocated != ol->alloc)
		fail("an allocation into the owner object failed");
	slot = cmd.index;
	for (i = 0; i < ol->release; i++, slot++) {
		if (owner_op(PEX_IOC_RELEASE, PEX_CTX_TASK, slot).result)
			fail("release by the owner object failed");
		op(PEX_IOC_FREE, PEX_CTX_TASK, slot);
	}
	for (i = 0; i < ol->free; i++)
		op(PEX_IOC_FREE, PEX_CTX_TASK, slot++);
	for (i = 0; i < ol->transfer; i++, slot++) {
		cmd = owner_op(PEX_IOC_TRANSFER, PEX_CTX_TASK, slot);
		if (cmd.result)
			fail("transfer from the owner object to the task failed");
		op(PEX_IOC_FREE, PEX_CTX_TASK, slot);
	}
	owner_rename(fd, "", &pages);
	if (pages != held)
		fail("the owner object does not own what it should");
	ol->hold_start = now_real();
	if (ol->ready) {
		f = open(ol->ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (f < 0)
			die(ol->ready);
		close(f);
	}
	nanosleep(&(struct timespec){ ol->hold_ms / 1000,
				      (ol->hold_ms % 1000) * 1000000L }, NULL);
	/* Whoever looks at what the object holds says when it is done. */
	for (i = 0; ol->ready && !access(ol->ready, F_OK); i++) {
		if (i == 1200)
			fail("--owner-ready: the file was not removed within 120 s");
		nanosleep(&(struct timespec){ 0, 100000000L }, NULL);
	}
	ol->hold_end = now_real();
	close(fd);	/* the queue goes away: what it owns is released */
	fd = main_fd;
}

static unsigned int number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > PEX_MAX_PAGES) {
		fprintf(stderr, "pex_workload: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "softirq", required_argument, NULL, 's' },
		{ "hardirq", required_argument, NULL, 'H' },
		{ "task", required_argument, NULL, 't' },
		{ "fail", required_argument, NULL, 'f' },
		{ "violations", no_argument, NULL, 'v' },
		{ "hold", required_argument, NULL, 'h' },
		{ "hold-ms", required_argument, NULL, 'm' },
		{ "storm-ms", required_argument, NULL, 'S' },
		{ "storm-rate", required_argument, NULL, 'R' },
		{ "storm-fail-percent", required_argument, NULL, 'P' },
		{ "storm-violation-every", required_argument, NULL, 'E' },
		{ "bench", required_argument, NULL, 'B' },
		{ "iterations", required_argument, NULL, 'I' },
		{ "owner", required_argument, NULL, 'o' },
		{ "owner-alloc", required_argument, NULL, 'a' },
		{ "owner-release", required_argument, NULL, 'r' },
		{ "owner-free", required_argument, NULL, 'F' },
		{ "owner-transfer", required_argument, NULL, 'T' },
		{ "owner-hold-ms", required_argument, NULL, 'M' },
		{ "owner-ready", required_argument, NULL, 'y' },
		{ }
	};
	struct owner_load ol = {};
	unsigned int softirq = 0, hardirq = 0, task = 0, nfail = 0, hold = 0;
	unsigned int hold_ms = 0;
	struct pex_storm storm = { .pages_per_ms = 1, .handoff = 1 };
	static const char *const bench_kinds[] = { "kernel", "atomic", "exclusive" };
	struct pex_bench bench = { .kind = ~0U, .iterations = 100000 };
	unsigned int slot, failed, storm_fail = 0;
	int viol = 0, enforce, c;
	char buf[16] = "";
	cpu_set_t cpu0;
	FILE *f;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': softirq = number(optarg); break;
		case 'H': hardirq = number(optarg); break;
		case 't': task = number(optarg); break;
		case 'f': nfail = number(optarg); break;
		case 'v': viol = 1; break;
		case 'h': hold = number(optarg); break;
		case 'm': hold_ms = number(optarg); break;
		case 'S': storm.duration_ms = strtoul(optarg, NULL, 10); break;
		case 'R': storm.pages_per_ms = number(optarg); break;
		case 'P': storm_fail = number(optarg); break;
		case 'E': storm.violation_every = number(optarg); break;
		case 'B':
			for (bench.kind = 0; bench.kind < 3; bench.kind++)
				if (!strcmp(optarg, bench_kinds[bench.kind]))
					break;
			if (bench.kind == 3)
				return 2;
			break;
		case 'I': bench.iterations = strtoul(optarg, NULL, 10); break;
		case 'o': ol.name = optarg; break;
		case 'a': ol.alloc = number(optarg); break;
		case 'r': ol.release = number(optarg); break;
		case 'F': ol.free = number(optarg); break;
		case 'T': ol.transfer = number(optarg); break;
		case 'M': ol.hold_ms = number(optarg); break;
		case 'y': ol.ready = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc)
		return 2;

	fd = open(DEV, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "pex_workload: %s: %s (load test_page_exclusive)\n",
			DEV, strerror(errno));
		return 77;
	}
	f = fopen("/proc/sys/vm/page_exclusive_policy", "r");
	if (f && fscanf(f, "%15s", buf) == 1)
		policy = buf;
	if (f)
		fclose(f);
	enforce = !strcmp(policy, "enforce");
	/* Softirq owners are per CPU: stay on the one that allocates. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		die("sched_setaffinity");

	burst(PEX_CTX_SOFTIRQ, softirq);
	burst(PEX_CTX_HARDIRQ, hardirq);
	if (task) {
		slot = alloc_in(PEX_CTX_TASK, task, 0, NULL);
		free_slots(PEX_CTX_TASK, slot, task);
	}
	if (nfail) {
		inject_failures(nfail);
		slot = alloc_in(PEX_CTX_TASK, nfail, 1, &failed);
		stop_failures();
		free_slots(PEX_CTX_TASK, slot, nfail - failed);
		if (failed != nfail)
			fail("fail_page_alloc did not fail every allocation asked");
	}
	if (viol)
		violations(enforce);
	if (ol.name)
		owner_load(&ol);
	if (hold) {
		struct timespec ts = { hold_ms / 1000, (hold_ms % 1000) * 1000000L };

		slot = alloc_in(PEX_CTX_TASK, hold, 0, NULL);
		nanosleep(&ts, NULL);
		free_slots(PEX_CTX_TASK, slot, hold);
	}

	if (bench.kind != ~0U) {
		if (ioctl(fd, PEX_IOC_BENCH, &bench))
			die("PEX_IOC_BENCH");
		printf("%llu\n", (unsigned long long)bench.ns);
		close(fd);
		return 0;
	}
	if (storm.duration_ms) {
		if (storm_fail)
			inject_failure_share(storm_fail);
		if (ioctl(fd, PEX_IOC_STORM, &storm))
			die("PEX_IOC_STORM");
		if (storm_fail)
			stop_failures();
		printf("{\"storm\":{\"ms\":%u,\"allocated\":%llu,\"failed\":%llu,"
		       "\"transferred\":%llu,\"violations\":%llu}}\n",
		       storm.duration_ms, (unsigned long long)storm.allocated,
		       (unsigned long long)storm.failed,
		       (unsigned long long)storm.transferred,
		       (unsigned long long)storm.violations);
		close(fd);
		return 0;
	}

	/* Exclusive allocations: each violation needs one page from a task. */
	printf("{");
	if (ol.name)
		printf("\"owner\":{\"name\":\"%s\",\"id\":%d,\"alloc_softirq\":%u,"
		       "\"released\":%u,\"freed\":%u,\"transferred\":%u,\"held\":%u,"
		       "\"hold_start\":%.6f,\"hold_end\":%.6f},",
		       ol.name, ol.id, ol.alloc, ol.release, ol.free, ol.transfer,
		       ol.alloc - ol.release - ol.free - ol.transfer,
		       ol.hold_start, ol.hold_end);
	printf("\"pid\":%d,\"policy\":\"%s\",\"alloc_softirq\":%u,"
	       "\"alloc_hardirq\":%u,"
	       "\"alloc_task\":%u,\"failures\":%u,\"held\":%u,\"hold_ms\":%u,"
	       "\"violations\":{\"map\":%d,\"gup\":%d,\"free\":%d,"
	       "\"transfer\":%d,\"release\":%d,\"leak\":0},"
	       "\"denied\":{\"map\":%d,\"gup\":%d,\"free\":0,"
	       "\"transfer\":%d,\"release\":%d,\"leak\":0}}\n",
	       getpid(), policy, softirq, hardirq, task + hold + (viol ? 4 : 0), nfail,
	       hold, hold_ms, viol, viol, viol + ol.free, viol, viol,
	       viol && enforce, viol && enforce, viol, viol);
	close(fd);
	return 0;
}
