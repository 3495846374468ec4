// SPDX-License-Identifier: GPL-2.0
/* What the kernel's BTF says: allocator entry point, gfp bits, tracepoints. */
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

#include "gfp.h"
#include "kbtf.h"

/* @id with typedefs and qualifiers peeled off, as long as @name is not met. */
static const struct btf_type *resolve(const struct btf *btf, __u32 id,
				      const char *stop_at)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		if (stop_at && btf_is_typedef(t) &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), stop_at))
			return t;
		t = btf__type_by_id(btf, t->type);
	}
	return t;
}

static bool is_named(const struct btf *btf, const struct btf_type *t,
		     const char *name)
{
	return t && !strcmp(btf__name_by_offset(btf, t->name_off), name);
}

/* (gfp_t, unsigned int, int, nodemask_t *) -> struct page * */
static bool alloc_shape(const struct btf *btf, int func_id)
{
	const struct btf_type *fn = btf__type_by_id(btf, func_id), *proto, *t;
	const struct btf_param *p;

	proto = fn ? btf__type_by_id(btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) != 4)
		return false;
	t = resolve(btf, proto->type, NULL);
	if (!t || !btf_is_ptr(t))
		return false;
	t = resolve(btf, t->type, NULL);
	if (!t || !btf_is_struct(t) || !is_named(btf, t, "page"))
		return false;
	p = btf_params(proto);
	if (!is_named(btf, resolve(btf, p[0].type, "gfp_t"), "gfp_t"))
		return false;
	t = resolve(btf, p[1].type, NULL);
	if (!t || !btf_is_int(t) || t->size != 4)
		return false;
	t = resolve(btf, p[3].type, NULL);
	return t && btf_is_ptr(t);
}

const char *kbtf_alloc_entry(const struct btf *btf)
{
	static const char *const funcs[] = {
		"__alloc_frozen_pages_noprof", "__alloc_pages_noprof",
		"__alloc_pages", "__alloc_pages_nodemask",
	};
	unsigned int i;
	int id;

	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		id = btf__find_by_name_kind(btf, funcs[i], BTF_KIND_FUNC);
		if (id > 0 && alloc_shape(btf, id))
			return funcs[i];
	}
	return NULL;
}

bool kbtf_gfp(const struct btf *btf, struct gfp_table *t)
{
	unsigned int id, n = btf__type_cnt(btf), i;
	const struct btf_type *type;
	const struct btf_enum *e;
	const char *name;

	gfp_table_init(t);
	for (id = 1; id < n; id++) {
		type = btf__type_by_id(btf, id);
		if (!btf_is_enum(type) || !btf_vlen(type))
			continue;
		e = btf_enum(type);
		name = btf__name_by_offset(btf, e->name_off);
		if (!name || strncmp(name, "___GFP_", 7))
			continue;
		for (i = 0; i < btf_vlen(type); i++, e++)
			gfp_table_add_bit(t, btf__name_by_offset(btf, e->name_off),
					  e->val);
		t->from_btf = t->nr > 0;
		return t->from_btf;
	}
	return false;
}

bool kbtf_has_tp(const struct btf *btf, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}

void kbtf_ctx_layout(const struct btf *btf, unsigned int *hardirq_mask,
		     unsigned int *nmi_mask)
{
	const struct btf_type *var;
	int id;

	*hardirq_mask = 0x000f0000;
	*nmi_mask = 0x00f00000;
	if (btf__find_by_name_kind(btf, "local_interrupt_disable_state",
				   BTF_KIND_VAR) <= 0)
		return;
	*hardirq_mask = 0x0f000000;
	*nmi_mask = 0x10000000;
	id = btf__find_by_name_kind(btf, "__preempt_count", BTF_KIND_VAR);
	var = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (var && btf__resolve_size(btf, var->type) == 8)
		*nmi_mask = 0xf0000000;
}
