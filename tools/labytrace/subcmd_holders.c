// SPDX-License-Identifier: GPL-2.0
/*
 * labytrace holders: who holds each page_pool's pages in flight, read
 * once (holders.bpf.c says how; holders_out.c puts it together).
 *
 * In order: what the kernel allows; the BPF object; where the direct map
 * and vmemmap are (to find an skb head's struct page); then, in every
 * network namespace, the socket iterators and netlink's page-pool-get;
 * the task-file iterator (processes, and sockets of other kinds); the
 * netdevs' pool lists; a second of listening for destroyed pools' release
 * retries; the pools' counters read again; the report.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "app.h"
#include "holders.h"
#include "holders.skel.h"
#include "holders_out.h"
#include "ksyms.h"
#include "pp_netlink.h"

#define RELEASE_WAIT_NS	1100000000ULL	/* a destroyed pool retries every second */
#define MAX_NETNS	4096

struct hrun {
	const struct options *o;
	struct holders_bpf *skel;
	struct features feat;
	struct btf *btf;		/* feat's */
	struct bpf_link *it_tcp, *it_udp, *it_unix, *it_files, *it_netdevs;
	struct bpf_link *release;
	struct hr_report rep;
	int self_ns;
	unsigned int self_ns_ino;
	struct { int fd; unsigned int ino; } ns[MAX_NETNS];
	unsigned int nr_ns, ns_unentered;
	bool nl_missing;	/* no page-pool-get here */
	char nl_why[160];
	char layout_why[200];
};

static bool has_sys_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32));
}

static bool btf_has(const struct btf *btf, const char *name, int kind)
{
	return btf__find_by_name_kind(btf, name, kind) > 0;
}

/* The one line for what the kernel lacks; an exit status, or -1 to go on. */
static int check_kernel(struct hrun *h)
{
	static const char *const iters[] = {
		"bpf_iter__tcp", "bpf_iter__udp", "bpf_iter__task_file", "bpf_iter__task",
	};
	char why[256];
	unsigned int i;
	int err;

	if (probe_privileges(why, sizeof(why))) {
		note("%s", why);
		return EXIT_PRIVILEGE;
	}
	if (!has_sys_admin()) {
		note("missing CAP_SYS_ADMIN: holders enters every network namespace and reads physical addresses (/proc/iomem, pagemap); run as root");
		return EXIT_PRIVILEGE;
	}
	err = probe_features(&h->feat);
	if (err == -ENOENT) {
		note("the kernel has no BTF (%s: %s); CONFIG_DEBUG_INFO_BTF=y is needed",
		     VMLINUX_BTF, strerror(-err));
		return EXIT_NO_BTF;
	}
	if (err) {
		libbpf_strerror(err, why, sizeof(why));
		note("cannot read the kernel's BTF (%s: %s)", VMLINUX_BTF, why);
		return EXIT_NO_BTF;
	}
	h->btf = h->feat.btf;
	if (probe_bpf()) {
		note("the kernel refuses bpf(): %s (locked down, or bpf() restricted)",
		     strerror(errno));
		return EXIT_PRIVILEGE;
	}
	for (i = 0; i < sizeof(iters) / sizeof(iters[0]); i++) {
		if (!btf_has(h->btf, iters[i], BTF_KIND_STRUCT)) {
			note("holders cannot run on this kernel: no BPF iterator %s (5.9+)",
			     iters[i] + strlen("bpf_iter__"));
			return EXIT_UNAVAILABLE;
		}
	}
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACING, BPF_FUNC_loop, NULL) <= 0 &&
	    libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_loop, NULL) <= 0) {
		note("holders cannot run on this kernel: no bpf_loop() (5.17+)");
		return EXIT_UNAVAILABLE;
	}
	if (!btf_has(h->btf, "page_pool", BTF_KIND_STRUCT)) {
		note("holders cannot run on this kernel: it has no page_pool (CONFIG_PAGE_POOL)");
		return EXIT_UNAVAILABLE;
	}
	return -1;
}

static int iomem_read(unsigned long long *text_pa, unsigned long long *ram_top);

/* The first number in @path, or 0. */
static unsigned long long read_first(const char *path, const char *after)
{
	unsigned long long v = 0;
	char line[256], *p;
	FILE *f = fopen(path, "re");

	while (f && fgets(line, sizeof(line), f)) {
		p = after ? strstr(line, after) : line;
		if (p && sscanf(p + (after ? strlen(after) : 0), "%llu", &v) == 1)
			break;
	}
	if (f)
		fclose(f);
	return v;
}

/*
 * A hash map's buckets are allocated and initialized whole when it is
 * made, each with a lock (with lockdep, a minute for the three below at a
 * million entries each under emulation): the dedupe maps are sized for
 * this machine.  Pool pages, and socket-page pairs but for clones, are no
 * more than its pages of RAM; sockets, four times those open (files) and
 * TCP's, fileless ones included, and room to spare.  A map that fills up
 * is said in the report.
 */
static void size_maps(struct hrun *h)
{
	unsigned long long text_pa, ram_top, pages = HP_MAX_PAGES, socks = HP_MAX_PAGES;
	unsigned long long files = read_first("/proc/sys/fs/file-nr", NULL);
	unsigned long long tcp = read_first("/proc/net/sockstat", " alloc ");

	if (!iomem_read(&text_pa, &ram_top) && ram_top / sysconf(_SC_PAGESIZE) < pages)
		pages = ram_top / sysconf(_SC_PAGESIZE) < 4096 ? 4096 : ram_top / sysconf(_SC_PAGESIZE);
	if (files && 4 * (files + tcp) + 16384 < socks)
		socks = 4 * (files + tcp) + 16384;
	bpf_map__set_max_entries(h->skel->maps.sk_pages, pages);
	bpf_map__set_max_entries(h->skel->maps.pool_pages, pages);
	bpf_map__set_max_entries(h->skel->maps.socks, socks);
	if (h->o->verbose)
		note("room for %llu pool pages and %llu sockets", pages, socks);
}

static int open_load(struct hrun *h)
{
	int err;

	h->skel = holders_bpf__open();
	if (!h->skel) {
		note("cannot open the BPF object: %s", strerror(errno));
		return EXIT_ERROR;
	}
	size_maps(h);
	if (!btf_has(h->btf, "bpf_iter__unix", BTF_KIND_STRUCT)) {
		bpf_program__set_autoload(h->skel->progs.hp_unix, false);
		h->skel->rodata->unix_iter = false;
	}
	if (!btf_has(h->btf, "btf_trace_page_pool_release", BTF_KIND_TYPEDEF))
		bpf_program__set_autoload(h->skel->progs.hp_release, false);
	err = holders_bpf__load(h->skel);
	if (err) {
		note("the kernel refused the BPF programs: %s (-v shows the verifier log)",
		     strerror(-err));
		return err == -EPERM ? EXIT_PRIVILEGE : EXIT_ERROR;
	}
	return -1;
}

/* Run a raw_tp program once, here. */
static int run_once(struct bpf_program *prog)
{
	__u64 args[1] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) ? -errno : 0;
}

/* An iterator's output, whole; its records handed to the report. */
static int iter_read(struct hrun *h, struct bpf_link *link)
{
	static char buf[1 << 16];
	size_t have = 0, off;
	ssize_t n;
	int fd, err = 0;

	if (!link)
		return 0;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		have += n;
		for (off = 0; have - off >= sizeof(unsigned int);) {
			unsigned int type;
			size_t sz;

			memcpy(&type, buf + off, sizeof(type));
			sz = type == HP_REC_SOCK ? sizeof(struct hp_sock) :
			     type == HP_REC_FD ? sizeof(struct hp_fd) : 0;
			if (!sz) {
				err = -EPROTO;
				break;
			}
			if (have - off < sz)
				break;
			if (type == HP_REC_SOCK) {
				struct hp_sock s;

				memcpy(&s, buf + off, sz);
				err = hr_add_sock(&h->rep, &s);
			} else {
				struct hp_fd f;

				memcpy(&f, buf + off, sz);
				err = hr_add_fd(&h->rep, &f);
			}
			if (err)
				break;
			off += sz;
		}
		if (err)
			break;
		memmove(buf, buf + off, have - off);
		have -= off;
		if (!n)
			break;
	}
	close(fd);
	if (!err && have)
		err = -EPROTO;
	return err;
}

/* "Kernel code" (the physical _text) and the top of RAM, from /proc/iomem. */
static int iomem_read(unsigned long long *text_pa, unsigned long long *ram_top)
{
	unsigned long long a, b;
	char line[256], what[128];
	FILE *f = fopen("/proc/iomem", "re");

	*text_pa = *ram_top = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %llx-%llx : %127[^\n]", &a, &b, what) != 3)
			continue;
		if (!strcmp(what, "Kernel code") && !*text_pa)
			*text_pa = a;
		if (!strcmp(what, "System RAM") && b + 1 > *ram_top)
			*ram_top = b + 1;
	}
	fclose(f);
	return *text_pa && *ram_top ? 0 : -ENOENT;
}

static unsigned long long pagemap_pfn(const void *addr)
{
	long psize = sysconf(_SC_PAGESIZE);
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / psize * sizeof(e)) != sizeof(e))
		e = 0;
	close(fd);
	return e & (1ULL << 63) ? e & ((1ULL << 55) - 1) : 0;
}

/* The value of enumerator @name in the kernel's BTF; false if it has none. */
static bool btf_enum_value(const struct btf *btf, const char *name, long long *val)
{
	__u32 i, k, n = btf__type_cnt(btf);

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (k = 0; k < btf_vlen(t); k++) {
			if (!strcmp(btf__name_by_offset(btf, e[k].name_off), name)) {
				*val = e[k].val;
				return true;
			}
		}
	}
	return false;
}

/*
 * Classic SPARSEMEM's tables, for kernels without vmemmap: mem_section's
 * address @addr (a data symbol: /proc/kallsyms has it with KALLSYMS_ALL)
 * and its layout from BTF.  False, with nothing set and @why said, where
 * they are not known.
 */
static bool sparse_setup(struct hrun *h, unsigned long long addr, char *why, size_t len)
{
	struct holders_bpf__bss *bss = h->skel->bss;
	int id = btf__find_by_name_kind(h->btf, "mem_section", BTF_KIND_STRUCT);
	long psize = sysconf(_SC_PAGESIZE);
	long long last = 6;	/* struct pages are 64-byte aligned at least */
	long long sz;

	if (!addr) {
		snprintf(why, len, "no mem_section in /proc/kallsyms, which has it with KALLSYMS_ALL");
		return false;
	}
	sz = id > 0 ? btf__resolve_size(h->btf, id) : -ENOENT;
	if (sz <= 0 || sz > psize) {
		snprintf(why, len, "no struct mem_section in the kernel's BTF");
		return false;
	}
	btf_enum_value(h->btf, "SECTION_MAP_LAST_BIT", &last);
	if (last < 1 || last > 12) {
		snprintf(why, len, "SECTION_MAP_LAST_BIT is %lld", last);
		return false;
	}
	bss->mem_section = addr;
	bss->ms_size = sz;
	bss->ms_per_root = psize / sz;
	bss->ms_map_mask = ~((1ULL << last) - 1);
	return true;
}

/*
 * vmemmap: a page of ours, put in a pipe by vmsplice() (the page itself,
 * not a copy); the iterator reads the pipe's struct page, pagemap its pfn,
 * and, where mem_section is known, looks the pfn up there too.
 */
static int calibrate_vmemmap(struct hrun *h, unsigned int page_sz,
			     unsigned long long *vmemmap, unsigned long long *page,
			     unsigned long long *by_sparse)
{
	long psize = sysconf(_SC_PAGESIZE);
	struct holders_bpf__bss *bss = h->skel->bss;
	struct bpf_link *link;
	struct iovec iov;
	unsigned long long pfn;
	int p[2], fd, err = 0;
	char *mem, buf[64];

	mem = mmap(NULL, psize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	madvise(mem, psize, MADV_NOHUGEPAGE);
	memset(mem, 0x5a, psize);
	if (pipe2(p, O_CLOEXEC)) {
		err = -errno;
		goto out;
	}
	iov.iov_base = mem;
	iov.iov_len = psize;
	if (vmsplice(p[1], &iov, 1, 0) != psize) {
		err = errno ? -errno : -EIO;
		goto close;
	}
	pfn = pagemap_pfn(mem);
	bss->self_tgid = getpid();
	bss->calib_fd = p[0];
	bss->calib_page = 0;
	bss->calib_pfn = pfn;
	bss->calib_sparse = 0;
	link = bpf_program__attach_iter(h->skel->progs.hp_calibrate, NULL);
	if (!link) {
		err = -errno;
		goto close;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd >= 0) {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	bpf_link__destroy(link);
	if (!pfn || !bss->calib_page) {
		err = -ENOENT;
	} else {
		*vmemmap = bss->calib_page - pfn * page_sz;
		*page = bss->calib_page;
		*by_sparse = bss->calib_sparse;
	}
close:
	close(p[0]);
	close(p[1]);
out:
	munmap(mem, psize);
	return err;
}

/*
 * Where the direct map and vmemmap are, so that an skb's head (a kernel
 * address) leads to its struct page; without them only frags are read.
 * A kernel without vmemmap (CONFIG_SPARSEMEM_VMEMMAP=n) has its struct
 * pages in each memory section's mem_map, which mem_section lists: there
 * pfn * sizeof(struct page) from the pipe page's struct page back is no
 * vmemmap (it is misaligned, or in the direct map itself, where mem_maps
 * are allocated), and mem_section's word is taken where it names the pipe
 * page's struct page.
 */
static void layout(struct hrun *h)
{
	static const char *const names[] = { "_text", "_etext", "mem_section" };
	struct holders_bpf__bss *bss = h->skel->bss;
	unsigned long long addrs[3], text_pa, ram_top, vmemmap = 0, page = 0, by_sparse = 0;
	int id = btf__find_by_name_kind(h->btf, "page", BTF_KIND_STRUCT);
	unsigned int page_sz = id > 0 ? btf__resolve_size(h->btf, id) : 0;
	char sparse_why[96] = "";
	bool sparse, in_direct;
	int err;

	err = iomem_read(&text_pa, &ram_top);
	if (err) {
		snprintf(h->layout_why, sizeof(h->layout_why),
			 "no \"Kernel code\" in /proc/iomem: %s", strerror(-err));
		return;
	}
	/* One read of kallsyms (seconds under emulation) for all three. */
	ksyms_addrs("/proc/kallsyms", names, 3, addrs);
	if (!addrs[0] || addrs[1] <= addrs[0] + 16384) {
		snprintf(h->layout_why, sizeof(h->layout_why), "no _text and _etext in /proc/kallsyms");
		return;
	}
	bss->text_va = addrs[0];
	bss->text_pa = text_pa;
	bss->text2_va = (addrs[1] - 8192) & ~4095ULL;
	bss->ram_top = ram_top;
	err = run_once(h->skel->progs.hp_layout);
	if (err || !bss->found_base) {
		snprintf(h->layout_why, sizeof(h->layout_why),
			 "the direct map's base was not found%s%s", err ? ": " : "",
			 err ? strerror(-err) : "");
		return;
	}
	sparse = sparse_setup(h, addrs[2], sparse_why, sizeof(sparse_why));
	err = page_sz ? calibrate_vmemmap(h, page_sz, &vmemmap, &page, &by_sparse) : -ENOENT;
	if (err) {
		snprintf(h->layout_why, sizeof(h->layout_why),
			 "vmemmap was not found: %s", strerror(-err));
		return;
	}
	/*
	 * vmemmap's base is PUD-aligned, randomized or not, and lies above
	 * the direct map (x86_64's layout).  Without vmemmap the struct
	 * page is in a mem_map in the direct map, and mem_section must name
	 * it.
	 */
	in_direct = page >= bss->found_base && page < bss->found_base + ram_top;
	if (in_direct || vmemmap & ((1ULL << 30) - 1) || vmemmap < bss->found_base + ram_top) {
		if (sparse && by_sparse != page)
			snprintf(sparse_why, sizeof(sparse_why),
				 "mem_section gives 0x%llx for a struct page at 0x%llx", by_sparse, page);
		if (!sparse || by_sparse != page) {
			char vm_why[80];

			if (in_direct)
				snprintf(vm_why, sizeof(vm_why),
					 "struct pages in the direct map: CONFIG_SPARSEMEM_VMEMMAP=n");
			else
				snprintf(vm_why, sizeof(vm_why), "its base would be 0x%llx, %s", vmemmap,
					 vmemmap & ((1ULL << 30) - 1) ? "misaligned" : "in the direct map");
			snprintf(h->layout_why, sizeof(h->layout_why), "no vmemmap (%s), and %s",
				 vm_why, sparse_why);
			return;
		}
		vmemmap = 0;
	}
	bss->page_offset = bss->found_base;
	bss->vmemmap = vmemmap;
	h->rep.heads_known = true;
	if (h->o->verbose && vmemmap)
		note("direct map at 0x%llx, vmemmap at 0x%llx", (unsigned long long)bss->page_offset,
		     vmemmap);
	else if (h->o->verbose)
		note("direct map at 0x%llx, no vmemmap: struct pages by mem_section at 0x%llx",
		     (unsigned long long)bss->page_offset, (unsigned long long)bss->mem_section);
}

static unsigned int ns_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

static void ns_add(struct hrun *h, const char *path)
{
	unsigned int i, ino;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	ino = ns_ino(fd);
	for (i = 0; i < h->nr_ns; i++)
		if (h->ns[i].ino == ino)
			break;
	if (!ino || i < h->nr_ns || h->nr_ns == MAX_NETNS) {
		close(fd);
		return;
	}
	h->ns[h->nr_ns].fd = fd;
	h->ns[h->nr_ns++].ino = ino;
}

/* Every network namespace a process is in, or ip-netns keeps. */
static void ns_list(struct hrun *h)
{
	char path[300];
	struct dirent *d;
	DIR *dir;

	ns_add(h, "/proc/self/ns/net");
	dir = opendir("/proc");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", d->d_name);
		ns_add(h, path);
	}
	if (dir)
		closedir(dir);
	dir = opendir("/run/netns");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", d->d_name);
		ns_add(h, path);
	}
	if (dir)
		closedir(dir);
}

/* In each namespace: its sockets, or (@netlink) netlink's pools. */
static int each_ns(struct hrun *h, bool netlink)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < h->nr_ns && !err; i++) {
		if (setns(h->ns[i].fd, CLONE_NEWNET)) {
			h->ns_unentered += !netlink;
			continue;
		}
		if (netlink && !h->nl_missing) {
			struct pp_nl_pool *pools;
			size_t n, k;
			int e = pp_nl_dump(&pools, &n, h->nl_why, sizeof(h->nl_why));

			if (e == -ENOENT)
				h->nl_missing = true;
			else if (e && h->o->verbose)
				note("netns %u: %s", h->ns[i].ino, h->nl_why);
			for (k = 0; !e && k < n && !err; k++)
				err = hr_add_nl_pool(&h->rep, &pools[k], h->ns[i].ino);
			free(pools);
		} else if (!netlink) {
			err = iter_read(h, h->it_tcp);
			if (!err)
				err = iter_read(h, h->it_udp);
			if (!err)
				err = iter_read(h, h->it_unix);
		}
	}
	if (setns(h->self_ns, CLONE_NEWNET) && !err)
		err = -errno;
	return err;
}

static int maps_read(struct hrun *h)
{
	struct hp_hold_key k, *prev = NULL;
	struct hp_hold hv;
	unsigned long long pk, *pprev = NULL;
	struct hp_pool pv;
	int fd, err;

	fd = bpf_map__fd(h->skel->maps.pools);
	while (!bpf_map_get_next_key(fd, pprev, &pk)) {
		pprev = &pk;
		if (bpf_map_lookup_elem(fd, &pk, &pv))
			continue;
		err = hr_add_pool(&h->rep, &pv);
		if (err)
			return err;
	}
	fd = bpf_map__fd(h->skel->maps.holds);
	while (!bpf_map_get_next_key(fd, prev, &k)) {
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &hv))
			continue;
		err = hr_add_hold(&h->rep, &k, &hv);
		if (err)
			return err;
	}
	h->rep.stats = h->skel->bss->stats;
	return 0;
}

static long long clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct bpf_link *iter_link(struct bpf_program *prog)
{
	return bpf_program__autoload(prog) ? bpf_program__attach_iter(prog, NULL) : NULL;
}

/* The scan, from load to the maps read; an exit status, or -1 to go on. */
static int scan(struct hrun *h)
{
	unsigned long long t0;
	int err, ret;
	long long wait;

	ret = check_kernel(h);
	if (ret < 0)
		ret = open_load(h);
	if (ret >= 0)
		return ret;
	layout(h);
	if (!h->rep.heads_known)
		note("skb heads unreadable (%s): only page frags are counted", h->layout_why);

	t0 = mono_ns();
	if (bpf_program__autoload(h->skel->progs.hp_release))
		h->release = bpf_program__attach(h->skel->progs.hp_release);
	h->it_tcp = iter_link(h->skel->progs.hp_tcp);
	h->it_udp = iter_link(h->skel->progs.hp_udp);
	h->it_unix = iter_link(h->skel->progs.hp_unix);
	h->it_files = iter_link(h->skel->progs.hp_files);
	h->it_netdevs = iter_link(h->skel->progs.hp_netdevs);
	if (!h->it_tcp || !h->it_udp || !h->it_files || !h->it_netdevs) {
		err = -errno;
		note("cannot attach the BPF iterators: %s", strerror(-err));
		return err == -EPERM ? EXIT_PRIVILEGE : EXIT_UNAVAILABLE;
	}
	h->self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (h->self_ns < 0) {
		note("cannot open /proc/self/ns/net: %s", strerror(errno));
		return EXIT_ERROR;
	}
	ns_list(h);
	err = each_ns(h, false);
	if (!err)
		err = iter_read(h, h->it_files);
	if (!err)
		err = iter_read(h, h->it_netdevs);
	if (err) {
		note("cannot read the BPF iterators: %s", strerror(-err));
		return EXIT_ERROR;
	}
	/* Destroyed pools with pages out say so once a second. */
	wait = h->release ? (long long)(t0 + RELEASE_WAIT_NS - mono_ns()) : 0;
	if (wait > 0) {
		struct timespec ts = { wait / 1000000000LL, wait % 1000000000LL };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	bpf_link__destroy(h->release);
	h->release = NULL;
	err = run_once(h->skel->progs.hp_refresh);
	if (!err)
		err = each_ns(h, true);
	if (!err)
		err = maps_read(h);
	if (err) {
		note("cannot read the pools: %s", strerror(-err));
		return EXIT_ERROR;
	}
	h->rep.now_real_ns = clock_ns(CLOCK_REALTIME);
	h->rep.now_boot_s = clock_ns(CLOCK_BOOTTIME) / 1000000000LL;
	if (h->ns_unentered)
		note("%u network namespaces could not be entered: their TCP, UDP and unix sockets were read only if a process has them open",
		     h->ns_unentered);
	return -1;
}

static void hrun_free(struct hrun *h)
{
	unsigned int i;

	bpf_link__destroy(h->release);
	bpf_link__destroy(h->it_tcp);
	bpf_link__destroy(h->it_udp);
	bpf_link__destroy(h->it_unix);
	bpf_link__destroy(h->it_files);
	bpf_link__destroy(h->it_netdevs);
	holders_bpf__destroy(h->skel);
	probe_free(&h->feat);
	for (i = 0; i < h->nr_ns; i++)
		close(h->ns[i].fd);
	if (h->self_ns > 0)
		close(h->self_ns);
	hr_free(&h->rep);
}

int list_holders(const struct options *o)
{
	static struct hrun h;
	char names[512], shown[OPTIONS_SHOWN_MAX + 8];
	int ret, err, werr;

	h.o = o;
	h.self_ns = -1;
	hr_init(&h.rep, sysconf(_SC_PAGESIZE));
	ret = scan(&h);
	if (ret >= 0)
		goto out;
	hr_finish(&h.rep);
	if (!h.rep.nr_pools && !o->dev && o->pool_id < 0) {
		note("no page_pool found: none has pages in a socket, is listed on a netdev%s, or is destroyed and waiting for its pages",
		     h.nl_missing ? "" : " or by netlink");
		ret = EXIT_OK;
		goto out;
	}
	hr_pools_named(&h.rep, names, sizeof(names));
	if (!names[0])
		snprintf(names, sizeof(names), "none found");
	if (!hr_select(&h.rep, o->dev, o->pool_id)) {
		if (o->dev)
			note("bad value for --dev: '%s' (no page_pool of that device%s; pools: %s)",
			     options_shown(o->dev, shown, sizeof(shown)),
			     o->pool_id >= 0 ? " with that id" : "", names);
		else
			note("bad value for --pool: '%lld' (no page_pool has that id; pools: %s)",
			     o->pool_id, names);
		ret = EXIT_USAGE;
		goto out;
	}
	errno = 0;
	err = o->json ? hr_json(stdout, &h.rep) : hr_print(stdout, &h.rep);
	werr = errno ? errno : EIO;
	ret = EXIT_OK;
	if (err && werr != EPIPE) {
		note("cannot write to standard output: %s", strerror(werr));
		ret = EXIT_ERROR;
	}
out:
	hrun_free(&h);
	return ret;
}
