// SPDX-License-Identifier: GPL-2.0
/*
 * The live per-pool counts' BPF side (holders_live.bpf.c): loaded beside
 * the tracer's own object when the kernel has page_pool's tracepoints,
 * read once an interval into the run's pool table (pools.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "holders.h"
#include "holders_live.skel.h"
#include "kbtf.h"
#include "trace.h"

#define LIVE_READ_MAX 1024

int pool_live_start(struct tracer *t, const struct features *f, char *why, size_t len)
{
	static const char *const tps[] = {
		"page_pool_state_hold", "page_pool_state_release", "page_pool_release",
	};
	struct bpf_program *progs[3];
	unsigned int i;
	int err;

	for (i = 0; i < 3; i++) {
		if (!kbtf_has_tp(f->btf, tps[i])) {
			snprintf(why, len, "no %s tracepoint (CONFIG_PAGE_POOL)", tps[i]);
			return -ENOENT;
		}
	}
	t->pools = calloc(1, sizeof(*t->pools));
	t->live = holders_live_bpf__open_and_load();
	if (!t->pools || !t->live) {
		err = t->pools ? -errno : -ENOMEM;
		snprintf(why, len, "the kernel refused the page_pool programs: %s",
			 strerror(-err));
		goto fail;
	}
	progs[0] = t->live->progs.live_hold;
	progs[1] = t->live->progs.live_release;
	progs[2] = t->live->progs.live_destroy;
	for (i = 0; i < 3; i++) {
		t->live_links[i] = bpf_program__attach(progs[i]);
		if (!t->live_links[i]) {
			err = -errno;
			snprintf(why, len, "cannot attach to %s: %s", tps[i], strerror(-err));
			goto fail;
		}
	}
	return 0;
fail:
	pool_live_stop(t);
	return err;
}

int pool_live_read(struct tracer *t)
{
	static struct hp_pool vals[LIVE_READ_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	unsigned long long key, *prev = NULL;
	__u64 args[1] = {};
	size_t n = 0, i;
	int fd;

	if (!t->live)
		return 0;
	opts.ctx_in = args;
	opts.ctx_size_in = sizeof(args);
	if (bpf_prog_test_run_opts(bpf_program__fd(t->live->progs.live_refresh), &opts))
		return -errno;
	fd = bpf_map__fd(t->live->maps.live_pools);
	while (n < LIVE_READ_MAX && !bpf_map_get_next_key(fd, prev, &key)) {
		if (!bpf_map_lookup_elem(fd, &key, &vals[n]))
			n++;
		prev = &key;
	}
	/* A freed pool is read once more, gone; its entry makes room. */
	for (i = 0; i < n; i++)
		if (vals[i].flags & HP_POOL_FREED)
			bpf_map_delete_elem(fd, &vals[i].addr);
	t->pools->kernel_full = t->live->bss->pools_full;
	pools_update(t->pools, vals, n);
	return 0;
}

void pool_live_detach(struct tracer *t)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		bpf_link__destroy(t->live_links[i]);
		t->live_links[i] = NULL;
	}
}

void pool_live_stop(struct tracer *t)
{
	pool_live_detach(t);
	holders_live_bpf__destroy(t->live);
	t->live = NULL;
	free(t->pools);
	t->pools = NULL;
}
