/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which programs serve which mode, given what was asked for and what the
 * kernel allows; and, for what cannot run, one line saying why.
 */
#ifndef LABYTRACE_PLAN_H
#define LABYTRACE_PLAN_H

#include <stdbool.h>
#include "options.h"
#include "probe.h"

enum { PLAN_LATENCY, PLAN_FAILURES, PLAN_VIOLATIONS, PLAN_NR };

/* Each PLAN_*'s name and MODE_* flag. */
extern const char *const plan_names[PLAN_NR];
extern const unsigned int plan_modes[PLAN_NR];

enum lat_plan { LAT_NONE, LAT_TRACEPOINT, LAT_FENTRY };
enum fail_plan { FAIL_NONE, FAIL_LATENCY_TP, FAIL_PAGE_ALLOC_TP };

struct plan {
	bool run[PLAN_NR];
	enum lat_plan lat;
	enum fail_plan fail;
	bool use_ksym;			/* contexts known */
	const char *src[PLAN_NR];	/* where each mode's data comes from */
	char why[PLAN_NR][200];		/* why a requested mode cannot run */
	char fentry_src[80];
};

/* "EPERM", "ENOTSUPP", ... or "errno N"; @err is negative. */
const char *errno_name(int err, char *buf, size_t len);
/* Returns how many modes will run. */
int plan_make(const struct options *o, const struct features *f,
	      struct plan *p);

#endif
