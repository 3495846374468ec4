// SPDX-License-Identifier: GPL-2.0
/*
 * tp_count: count how often a kernel tracepoint fires while a command runs.
 *
 *   tp_count EVENT CMD [ARGS...]
 *
 * EVENT is the tracepoint name without its category (mm_page_alloc).  Prints
 * "EVENT COUNT" and exits with the command's status.  Used by the smoke test
 * to prove that tracepoint BPF programs load and run in the guest kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "tp_count.skel.h"

int main(int argc, char **argv)
{
	struct tp_count_bpf *skel;
	struct bpf_link *link;
	int status, err;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: tp_count EVENT CMD [ARGS...]\n");
		return 2;
	}
	skel = tp_count_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "tp_count: cannot load the BPF program: %s\n", strerror(errno));
		return 1;
	}
	link = bpf_program__attach_raw_tracepoint(skel->progs.count_hit, argv[1]);
	err = libbpf_get_error(link);
	if (err) {
		fprintf(stderr, "tp_count: cannot attach to %s: %s\n", argv[1], strerror(-err));
		tp_count_bpf__destroy(skel);
		return 1;
	}

	pid = fork();
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("tp_count: exec");
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		perror("tp_count");
		return 1;
	}
	bpf_link__destroy(link);
	printf("%s %llu\n", argv[1], (unsigned long long)skel->bss->hits);
	tp_count_bpf__destroy(skel);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
