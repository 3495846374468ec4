// SPDX-License-Identifier: GPL-2.0
/* Choosing sources by what the kernel offers, never by its version. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

const char *const plan_names[PLAN_NR] = { "latency", "failures", "violations" };
const unsigned int plan_modes[PLAN_NR] = { MODE_LATENCY, MODE_FAILURES, MODE_VIOLATIONS };

const char *errno_name(int err, char *buf, size_t len)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINVAL, "EINVAL" },
		{ EACCES, "EACCES" }, { E2BIG, "E2BIG" }, { ENOMEM, "ENOMEM" },
		{ EBUSY, "EBUSY" }, { ENODEV, "ENODEV" }, { ESRCH, "ESRCH" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { 524, "ENOTSUPP" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == -err)
			return names[i].name;
	snprintf(buf, len, "errno %d", -err);
	return buf;
}

static void plan_latency(const struct options *o, const struct features *f,
			 struct plan *p)
{
	char *why = p->why[PLAN_LATENCY], e[24];
	size_t len = sizeof(p->why[0]);

	if (f->tp_latency && o->lat_source != LATSRC_FENTRY) {
		p->lat = LAT_TRACEPOINT;
		p->src[PLAN_LATENCY] = "tracepoint kmem:mm_page_alloc_latency";
		return;
	}
	if (o->lat_source == LATSRC_TRACEPOINT) {
		snprintf(why, len, "no kmem:mm_page_alloc_latency tracepoint");
		return;
	}
	if (!f->alloc_func) {
		snprintf(why, len, "%sno allocator entry for fentry in BTF (__alloc_frozen_pages_noprof, __alloc_pages_noprof, __alloc_pages or __alloc_pages_nodemask)",
			 o->lat_source == LATSRC_FENTRY ? "" :
			 "no kmem:mm_page_alloc_latency tracepoint, and ");
		return;
	}
	if (f->fentry_err) {
		snprintf(why, len, "%sfentry on %s refused (%s)",
			 o->lat_source == LATSRC_FENTRY ? "" :
			 "no kmem:mm_page_alloc_latency tracepoint, and ",
			 f->alloc_func, errno_name(f->fentry_err, e, sizeof(e)));
		return;
	}
	p->lat = LAT_FENTRY;
	snprintf(p->fentry_src, sizeof(p->fentry_src), "fentry/fexit %s",
		 f->alloc_func);
	p->src[PLAN_LATENCY] = p->fentry_src;
}

int plan_make(const struct options *o, const struct features *f,
	      struct plan *p)
{
	int i, n = 0;

	memset(p, 0, sizeof(*p));
	p->use_ksym = f->ctx_ksym;

	if (o->modes & MODE_LATENCY)
		plan_latency(o, f, p);
	if (o->modes & MODE_FAILURES) {
		/*
		 * With latency from its tracepoint, the one program counts
		 * failures too (fault-injected ones as well); alone, failures
		 * cost least on mm_page_alloc (a NULL page is a failure).
		 */
		if (p->lat == LAT_TRACEPOINT) {
			p->fail = FAIL_LATENCY_TP;
			p->src[PLAN_FAILURES] = "tracepoint kmem:mm_page_alloc_latency";
		} else if (f->tp_page_alloc) {
			p->fail = FAIL_PAGE_ALLOC_TP;
			p->src[PLAN_FAILURES] = "tracepoint kmem:mm_page_alloc";
		} else {
			snprintf(p->why[PLAN_FAILURES], sizeof(p->why[0]),
				 "no kmem:mm_page_alloc tracepoint in BTF");
		}
	}
	if (o->modes & MODE_VIOLATIONS) {
		if (f->tp_acquire && f->tp_transfer && f->tp_release &&
		    f->tp_violation)
			p->src[PLAN_VIOLATIONS] = "tracepoints page_exclusive:*";
		else
			snprintf(p->why[PLAN_VIOLATIONS], sizeof(p->why[0]),
				 "no page_exclusive tracepoints (not a __GFP_EXCLUSIVE kernel)");
	}

	/* Without the preempt count every allocation looks like task context. */
	if (o->ctx >= 0 && !f->ctx_ksym) {
		for (i = PLAN_LATENCY; i <= PLAN_FAILURES; i++) {
			if (!p->src[i])
				continue;
			p->src[i] = NULL;
			snprintf(p->why[i], sizeof(p->why[0]),
				 "--context needs the per-CPU preempt count: %s",
				 f->ctx_why ? f->ctx_why : "not available");
		}
		p->lat = LAT_NONE;
		p->fail = FAIL_NONE;
	}

	for (i = 0; i < PLAN_NR; i++) {
		p->run[i] = p->src[i] != NULL;
		n += p->run[i];
	}
	return n;
}
