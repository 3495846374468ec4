// SPDX-License-Identifier: GPL-2.0
/*
 * spin: keep every CPU busy at the lowest priority and count how much.
 *
 *   spin SECONDS      run alone for SECONDS: prints guest ns per iteration
 *   spin              run until SIGTERM or SIGINT; on each SIGUSR1 print the
 *                     iterations done so far
 *
 * Under QEMU -icount a guest nanosecond is one instruction, but an idle
 * vCPU lets the clock jump: time spent waiting for the host is no one's
 * instructions.  One SCHED_IDLE spinner per CPU leaves no idle time, and
 * runs only when nothing else can, so
 *   instructions of everything else = elapsed ns - iterations * ns/iteration,
 * with ns/iteration measured by a run alone (timer ticks included).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 64

static volatile sig_atomic_t stop, report;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else
		stop = 1;
}

static unsigned long sum(volatile unsigned long *counts, int cpus)
{
	unsigned long total = 0;
	int cpu;

	for (cpu = 0; cpu < cpus; cpu++)
		total += counts[cpu];
	return total;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The child for @cpu: count until told to stop, in shared memory. */
static void spin_on(int cpu, volatile unsigned long *count)
{
	struct sched_param sp = { 0 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) ||
	    sched_setscheduler(0, SCHED_IDLE, &sp)) {
		perror("spin: affinity or SCHED_IDLE");
		_exit(1);
	}
	while (!stop)
		(*count)++;
	_exit(0);
}

int main(int argc, char **argv)
{
	int cpus = sysconf(_SC_NPROCESSORS_ONLN), cpu, status, bad = 0;
	double alone = argc > 1 ? atof(argv[1]) : 0, start;
	volatile unsigned long *counts;
	pid_t pids[MAX_CPUS];
	unsigned long total = 0;

	if (cpus < 1 || cpus > MAX_CPUS) {
		fprintf(stderr, "spin: %d CPUs\n", cpus);
		return 1;
	}
	counts = mmap(NULL, sizeof(*counts) * MAX_CPUS, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("spin: mmap");
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);
	start = now_ns();
	for (cpu = 0; cpu < cpus; cpu++) {
		pids[cpu] = fork();
		if (pids[cpu] < 0) {
			perror("spin: fork");
			return 1;
		}
		if (!pids[cpu])
			spin_on(cpu, &counts[cpu]);
	}
	if (alone > 0) {
		struct timespec ts = { (time_t)alone, (long)((alone - (time_t)alone) * 1e9) };

		while (nanosleep(&ts, &ts) && !stop)
			;
	} else {
		while (!stop) {
			pause();
			if (report) {
				report = 0;
				printf("%lu\n", sum(counts, cpus));
				fflush(stdout);
			}
		}
	}
	for (cpu = 0; cpu < cpus; cpu++)
		kill(pids[cpu], SIGTERM);
	for (cpu = 0; cpu < cpus; cpu++) {
		waitpid(pids[cpu], &status, 0);
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	}
	total = sum(counts, cpus);
	if (bad)
		return 1;
	if (alone > 0)
		printf("%.4f\n", (now_ns() - start) / total);
	return 0;
}
