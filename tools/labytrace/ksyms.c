// SPDX-License-Identifier: GPL-2.0
/* A /proc/kallsyms resolver, in the manner of libbpf-tools' trace_helpers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

struct arena {
	char *buf;
	size_t len, cap;
};

/* Returns the offset of the copy, or -1. */
static long arena_add(struct arena *a, const char *s, size_t n)
{
	size_t need = a->len + n + 1;
	char *p;
	long off;

	if (need > a->cap) {
		size_t cap = a->cap ? a->cap : 1 << 20;

		while (cap < need)
			cap *= 2;
		p = realloc(a->buf, cap);
		if (!p)
			return -1;
		a->buf = p;
		a->cap = cap;
	}
	off = a->len;
	memcpy(a->buf + off, s, n);
	a->buf[off + n] = '\0';
	a->len = need;
	return off;
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Stable choice among aliases: the first name alphabetically. */
	return strcmp(x->name, y->name);
}

/* Text symbols only: t/T, and weak ones (w/W), which are mostly text. */
static int is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/*
 * While loading, name and module hold arena offsets (+1, so that 0 means
 * "no module"); they become pointers once the arena stops moving.
 */
static int parse_line(char *line, struct ksym *sym, struct arena *a,
		      unsigned long long *addr_or)
{
	char *p = line, *end, *name, *mod = NULL;
	unsigned long long addr;
	long off;
	char type;

	addr = strtoull(p, &end, 16);
	if (end == p || *end != ' ')
		return 0;
	p = end + 1;
	type = *p;
	if (!type || p[1] != ' ' || !is_text(type))
		return 0;
	name = p + 2;
	p = name + strcspn(name, "\t\n ");
	if (p == name)
		return 0;
	if (*p == '\t' && p[1] == '[') {
		mod = p + 2;
		end = strchr(mod, ']');
		if (!end)
			mod = NULL;
		else
			*end = '\0';
	}
	*p = '\0';

	off = arena_add(a, name, strlen(name));
	if (off < 0)
		return -ENOMEM;
	sym->addr = addr;
	sym->name = (const char *)(off + 1);
	sym->module = NULL;
	if (mod) {
		off = arena_add(a, mod, strlen(mod));
		if (off < 0)
			return -ENOMEM;
		sym->module = (const char *)(off + 1);
	}
	*addr_or |= addr;
	return 1;
}

struct ksyms *ksyms_load(const char *path)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	struct arena a = {};
	unsigned long long addr_or = 0;
	size_t cap = 0, linecap = 0, i;
	char *line = NULL;
	FILE *f;
	int err = 0, r;

	if (!ks)
		return NULL;
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		goto fail;
	}
	while (getline(&line, &linecap, f) > 0) {
		if (ks->nr == cap) {
			struct ksym *s;

			cap = cap ? cap * 2 : 65536;
			s = realloc(ks->syms, cap * sizeof(*s));
			if (!s) {
				err = -ENOMEM;
				break;
			}
			ks->syms = s;
		}
		r = parse_line(line, &ks->syms[ks->nr], &a, &addr_or);
		if (r < 0) {
			err = r;
			break;
		}
		ks->nr += r;
	}
	free(line);
	fclose(f);
	if (err)
		goto fail;

	ks->strs = a.buf;
	for (i = 0; i < ks->nr; i++) {
		ks->syms[i].name = a.buf + ((size_t)ks->syms[i].name - 1);
		if (ks->syms[i].module)
			ks->syms[i].module = a.buf + ((size_t)ks->syms[i].module - 1);
	}
	ks->hidden = ks->nr && !addr_or;
	if (ks->nr)
		qsort(ks->syms, ks->nr, sizeof(*ks->syms), cmp_ksym);
	return ks;
fail:
	free(a.buf);
	free(ks->syms);
	free(ks);
	errno = -err;
	return NULL;
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->strs);
	free(ks);
}

const struct ksym *ksyms_find(const struct ksyms *ks, unsigned long long addr,
			      unsigned long long *off)
{
	size_t lo = 0, hi, mid;
	const struct ksym *s;

	if (!ks || !ks->nr || ks->hidden || addr < ks->syms[0].addr)
		return NULL;
	/* The last symbol at or below addr. */
	hi = ks->nr;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Of several names at one address, the first in sort order. */
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	s = &ks->syms[lo];
	if (addr - s->addr >= KSYM_MAX_OFF)
		return NULL;
	if (off)
		*off = addr - s->addr;
	return s;
}

int ksyms_format(const struct ksyms *ks, unsigned long long addr, char *buf,
		 size_t len)
{
	unsigned long long off;
	const struct ksym *s = ksyms_find(ks, addr, &off);

	if (!s)
		return snprintf(buf, len, "%#llx", addr);
	if (s->module)
		return snprintf(buf, len, "%s+0x%llx [%s]", s->name, off, s->module);
	return snprintf(buf, len, "%s+0x%llx", s->name, off);
}

static int is_tracing_glue(const struct ksym *s)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__bpf_trace_", "__traceiter_",
		"bpf_trampoline_", "__bpf_prog_enter", "__bpf_prog_exit",
		"perf_trace_", "trace_call_bpf",
	};
	unsigned int i;

	if (!s)
		return 1;	/* a JITed program with no kallsyms entry */
	if (s->module && !strcmp(s->module, "bpf"))
		return 1;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s->name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

#define GLUE_DEPTH 6

int ksyms_skip_tracing(const struct ksyms *ks, const unsigned long long *ip,
		       int nr)
{
	int i, first = 0;

	if (!ks || ks->hidden)
		return 0;
	for (i = 0; i < nr && i < GLUE_DEPTH; i++)
		if (is_tracing_glue(ksyms_find(ks, ip[i], NULL)))
			first = i + 1;
	return first < nr ? first : 0;
}

int ksyms_addrs(const char *path, const char *const *names, int n,
		unsigned long long *addrs)
{
	char line[512], name[256];
	unsigned long long addr;
	int i, found = 0;
	FILE *f = fopen(path, "re");

	for (i = 0; i < n; i++)
		addrs[i] = 0;
	if (!f)
		return -errno;
	while (found < n && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %*c %255s", &addr, name) != 2)
			continue;
		for (i = 0; i < n; i++) {
			if (!addrs[i] && !strcmp(name, names[i])) {
				addrs[i] = addr;
				found += addr != 0;
			}
		}
	}
	fclose(f);
	return found;
}
