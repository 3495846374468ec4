/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NDJSON records, built with json-c: one object per line, each with a
 * "type": latency, failure, failure_stack, violation, violation_stack, held,
 * owner, lost or summary.
 * Every function writes one or more complete lines and returns 0, or -1
 * if the stream failed.
 */
#ifndef LABYTRACE_JSON_OUT_H
#define LABYTRACE_JSON_OUT_H

#include <stdio.h>
#include <json-c/json.h>
#include "stats.h"

/*
 * For every NDJSON writer (record.c too): a line's object, with its
 * "type", "time" (ISO 8601, UTC) and "ts" (seconds since the epoch); a
 * double with a short, stable text (@decimals, or %g if < 0); and the
 * line written out (the object put).  0, or -1 if the stream failed.
 */
json_object *json_line(const struct out_ctx *c, const char *type,
		       unsigned long long mono_ns);
json_object *json_num(double v, int decimals);
int json_emit(FILE *f, json_object *o);
/*
 * What ran: "sources", "unavailable" (why not), "contexts_known" and
 * "recursion_per_context".
 */
void json_add_run(json_object *o, const struct out_ctx *c,
		  const struct run_info *ri);

int json_failure(FILE *f, const struct out_ctx *c, const struct lt_event *e);
int json_violation(FILE *f, const struct out_ctx *c, const struct lt_event *e,
		   const unsigned long long *owner_stack, int owner_depth);
/* One line per histogram with samples; @d is a delta or a cumulative. */
int json_latency(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		 const struct run_info *ri);
/*
 * One line per (stack, gfp flags, order, context) that failed in @d, most
 * failures first: in the interval, or the whole run (@ri->final).
 */
int json_fail_stacks(FILE *f, const struct out_ctx *c,
		     const struct lt_snapshot *d, const struct run_info *ri);
/*
 * One line per (kind, denied, order, owner, actor, actor's and owner's
 * stacks) that violated in @d, most first, as json_fail_stacks().
 */
int json_viol_stacks(FILE *f, const struct out_ctx *c,
		     const struct lt_snapshot *d, const struct run_info *ri);
int json_held(FILE *f, const struct out_ctx *c, const struct held_page *hp,
	      const unsigned long long *stack, int depth);
/* Writes nothing when no event was lost (dropped records are no loss). */
int json_lost(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d);
/* Owner records of an interval: the first JSON_OWNERS_MAX in view order. */
#define JSON_OWNERS_MAX 100
int json_owner(FILE *f, const struct out_ctx *c, const struct owner_row *r,
	       unsigned long long mono_ns, const struct run_info *ri);
/* Each owner (all of them if @ri->final), most pages held first. */
int json_owners(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		const struct run_info *ri);
/*
 * One "page_pool" line per pool seen (pools.h): in flight now, pages taken
 * from and returned to the page allocator since labytrace saw it (and in
 * the interval, unless @ri->final), destroyed, gone.
 */
int json_pools(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
	       const struct run_info *ri);
int json_summary(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		 const struct run_info *ri);

#endif
