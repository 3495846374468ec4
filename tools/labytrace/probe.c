// SPDX-License-Identifier: GPL-2.0
/* Probing the running kernel: capabilities, BTF, and tiny test programs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kbtf.h"
#include "probe.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

static int capget(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	memset(data, 0, 2 * sizeof(data[0]));
	return syscall(SYS_capget, &hdr, data) ? -errno : 0;
}

int probe_privileges(char *why, size_t len)
{
	struct __user_cap_data_struct data[2];
	bool bpf, perfmon;
	int err = capget(data);

	if (err) {
		snprintf(why, len, "cannot read capabilities: %s", strerror(-err));
		return -EPERM;
	}
	if (has_cap(data, CAP_SYS_ADMIN))
		return 0;
	bpf = has_cap(data, CAP_BPF);
	perfmon = has_cap(data, CAP_PERFMON);
	if (bpf && perfmon)
		return 0;
	snprintf(why, len, "missing %s%s%s (or CAP_SYS_ADMIN): run as root",
		 bpf ? "" : "CAP_BPF", !bpf && !perfmon ? " and " : "",
		 perfmon ? "" : "CAP_PERFMON");
	return -EPERM;
}

int probe_bpf(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int load_probe_flags(enum bpf_prog_type type,
			    enum bpf_attach_type attach, __u32 btf_id,
			    const struct bpf_insn *insns, size_t cnt,
			    __u32 flags)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = attach,
		.attach_btf_id = btf_id,
		.prog_flags = flags,
	);
	int fd = bpf_prog_load(type, NULL, "GPL", insns, cnt, &opts);

	return fd < 0 ? -errno : fd;
}

static int load_probe(enum bpf_prog_type type, enum bpf_attach_type attach,
		      __u32 btf_id, const struct bpf_insn *insns, size_t cnt)
{
	return load_probe_flags(type, attach, btf_id, insns, cnt, 0);
}

/*
 * Does the kernel keep raw tracepoint programs' recursion protection per
 * context?  A kernel that does not know BPF_F_RECURSION_PER_CONTEXT
 * refuses it at load (EINVAL), as libbpf's feature probes find out: load
 * "r0 = 0; exit" as a raw_tp program with it.
 */
static int probe_recursion(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = load_probe_flags(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, insns, 2,
				  BPF_F_RECURSION_PER_CONTEXT);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/*
 * Load an empty fentry program on @func and attach it: both steps can be
 * refused (EPERM with lockdown or no trampolines, ENOTSUPP on some arches).
 */
static int probe_fentry(const struct btf *btf, const char *func)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	int fd, link;

	if (id <= 0)
		return -ENOENT;
	fd = load_probe(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, id, insns, 2);
	if (fd < 0)
		return fd;
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0)
		link = -errno;
	else
		close(link);
	close(fd);
	return link < 0 ? link : 0;
}

/*
 * A typed per-CPU ksym needs its symbol in kallsyms (CONFIG_KALLSYMS_ALL):
 * load "r1 = &sym; r0 = 0; exit" and see.
 */
static int probe_percpu_ksym(const struct btf *btf, const char *sym)
{
	int id = btf__find_by_name_kind(btf, sym, BTF_KIND_VAR);
	const struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_BTF_ID, .imm = id },
		{},
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	if (id <= 0)
		return -ENOENT;
	fd = load_probe(BPF_PROG_TYPE_TRACEPOINT, 0, 0, insns, 4);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static void probe_ctx(struct features *f)
{
	static const char *const syms[] = { "__preempt_count", "pcpu_hot" };
	unsigned int i;
	int err;

	kbtf_ctx_layout(f->btf, &f->ctx_hardirq_mask, &f->ctx_nmi_mask);
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if (btf__find_by_name_kind(f->btf, syms[i], BTF_KIND_VAR) <= 0)
			continue;
		err = probe_percpu_ksym(f->btf, syms[i]);
		if (!err) {
			f->ctx_ksym = true;
			return;
		}
		f->ctx_why = err == -ENOENT ?
			"per-CPU symbols are not in /proc/kallsyms (CONFIG_KALLSYMS_ALL=n)" :
			"the kernel refused a per-CPU symbol";
		return;
	}
	f->ctx_why = "no per-CPU preempt count in BTF";
}

int probe_features(struct features *f)
{
	int id;

	memset(f, 0, sizeof(*f));
	/*
	 * The kernel's own BTF, not a file in /boot that libbpf would also
	 * try: tp_btf programs need the running kernel to have BTF.  Looked
	 * at first, for a true errno (libbpf says ESRCH, "No such process").
	 */
	if (access(VMLINUX_BTF, R_OK))
		return -errno;
	f->btf = btf__parse(VMLINUX_BTF, NULL);
	if (!f->btf)
		return errno && errno != ENOENT ? -errno : -EINVAL;

	f->tp_latency = kbtf_has_tp(f->btf, "mm_page_alloc_latency");
	f->tp_page_alloc = kbtf_has_tp(f->btf, "mm_page_alloc");
	f->tp_acquire = kbtf_has_tp(f->btf, "page_exclusive_acquire");
	f->tp_transfer = kbtf_has_tp(f->btf, "page_exclusive_transfer");
	f->tp_release = kbtf_has_tp(f->btf, "page_exclusive_release");
	f->tp_violation = kbtf_has_tp(f->btf, "page_exclusive_violation");
	f->alloc_func = kbtf_alloc_entry(f->btf);
	f->fentry_err = -ENOENT;
	id = btf__find_by_name_kind(f->btf, "page", BTF_KIND_STRUCT);
	if (id > 0)
		f->page_size = btf__resolve_size(f->btf, id);
	probe_ctx(f);
	f->recursion_err = probe_recursion();
	f->recursion_per_ctx = !f->recursion_err;
	return 0;
}

int probe_fentry_target(struct features *f)
{
	f->fentry_err = f->alloc_func ? probe_fentry(f->btf, f->alloc_func) :
					-ENOENT;
	return f->fentry_err;
}

void probe_free(struct features *f)
{
	btf__free(f->btf);
	f->btf = NULL;
}

/*
 * The BPF object names both per-CPU preempt count symbols, weakly, and any
 * kernel lacks one of them in vmlinux BTF (pcpu_hot before 6.2 and from
 * 6.15, __preempt_count in between).  libbpf then looks for it in module
 * BTF, and listing module BTF needs CAP_SYS_ADMIN: without it libbpf 1.1
 * fails the whole load.  That symbol, if this is why; else NULL.
 */
const char *probe_module_btf_denied(const struct features *f)
{
	static const char *const syms[] = { "__preempt_count", "pcpu_hot" };
	struct __user_cap_data_struct data[2];
	const char *missing = NULL;
	unsigned int i;
	__u32 id;

	if (!f->btf || capget(data) || has_cap(data, CAP_SYS_ADMIN))
		return NULL;
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (btf__find_by_name_kind(f->btf, syms[i], BTF_KIND_VAR) <= 0)
			missing = syms[i];
	if (!missing || !bpf_btf_get_next_id(0, &id) || errno != EPERM)
		return NULL;
	return missing;
}
