// SPDX-License-Identifier: GPL-2.0
/* NDJSON output through json-c, which does the escaping. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "gfp.h"
#include "hist.h"
#include "json_out.h"
#include "ksyms.h"

#define SRC_NAMES { "latency", "failures", "violations" }

int json_emit(FILE *f, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int ret = fprintf(f, "%s\n", s) < 0 ? -1 : 0;

	json_object_put(o);
	return ret;
}

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *u64(unsigned long long v)
{
	return json_object_new_uint64(v);
}

json_object *json_num(double v, int decimals)
{
	char buf[64];

	if (decimals < 0)
		snprintf(buf, sizeof(buf), "%.6g", v);
	else
		snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

/* comm is bytes, not UTF-8: keep printable ASCII so the line stays valid. */
static json_object *comm_str(const char *comm, size_t len)
{
	char buf[LT_COMM_LEN + 1];
	size_t i;

	for (i = 0; i < len && i < LT_COMM_LEN && comm[i]; i++)
		buf[i] = comm[i] >= 0x20 && comm[i] < 0x7f ? comm[i] : '?';
	buf[i] = '\0';
	return json_object_new_string(buf);
}

json_object *json_line(const struct out_ctx *c, const char *type,
		       unsigned long long mono_ns)
{
	json_object *o = json_object_new_object();
	char buf[40];

	add(o, "type", json_object_new_string(type));
	fmt_time(c, mono_ns, buf, sizeof(buf));
	add(o, "time", json_object_new_string(buf));
	add(o, "ts", json_num(real_seconds(c, mono_ns), 6));
	return o;
}

static json_object *stack(const struct out_ctx *c,
			  const unsigned long long *ip, int depth)
{
	json_object *a = json_object_new_array();
	char buf[160];
	int i;

	for (i = ksyms_skip_tracing(c->ksyms, ip, depth); i < depth; i++) {
		ksyms_format(c->ksyms, ip[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

static void add_gfp(json_object *o, const struct out_ctx *c,
		    unsigned long long gfp)
{
	const char *names[GFP_MAX_FLAGS];
	unsigned long long unknown;
	json_object *a;
	char buf[512];
	int i, n;

	snprintf(buf, sizeof(buf), "%#llx", gfp);
	add(o, "gfp", json_object_new_string(buf));
	gfp_format(c->gfp, gfp, buf, sizeof(buf));
	add(o, "gfp_flags", json_object_new_string(buf));
	n = gfp_flag_names(c->gfp, gfp, names, GFP_MAX_FLAGS, &unknown);
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(names[i]));
	if (unknown) {
		snprintf(buf, sizeof(buf), "%#llx", unknown);
		json_object_array_add(a, json_object_new_string(buf));
	}
	add(o, "gfp_names", a);
}

int json_failure(FILE *f, const struct out_ctx *c, const struct lt_event *e)
{
	json_object *o = json_line(c, "failure", e->ts_ns);
	unsigned long long dr = gfp_mask(c->gfp, "__GFP_DIRECT_RECLAIM");
	unsigned long long hi = gfp_mask(c->gfp, "__GFP_HIGH");
	unsigned long long ex = gfp_mask(c->gfp, "__GFP_EXCLUSIVE");

	add(o, "cpu", u64(e->cpu));
	add(o, "pid", u64(e->pid));
	add(o, "tid", u64(e->tid));
	add(o, "comm", comm_str(e->comm, sizeof(e->comm)));
	add(o, "context", json_object_new_string(ctx_name(c, e->ctx)));
	add(o, "order", u64(e->order));
	add_gfp(o, c, e->gfp);
	add(o, "class", json_object_new_string(
		gfp_class_name(lt_gfp_class(e->gfp, dr, hi))));
	add(o, "exclusive", json_object_new_boolean(ex && (e->gfp & ex)));
	add(o, "nowarn", json_object_new_boolean(gfp_is_nowarn(c->gfp, e->gfp)));
	if (e->latency_ns)
		add(o, "latency_ns", u64(e->latency_ns));
	add(o, "stack", stack(c, e->stack, event_stack_depth(e)));
	return json_emit(f, o);
}

/*
 * {"context": "task", "pid": N[, "comm"]}, {"context": "softirq", "cpu": N}
 * or {"context": "object", "id": N, "name": "eth0 rx0"}: @name is a task's
 * comm (@len bytes at most) or an object's name, NULL if unknown.
 */
static json_object *party(const struct out_ctx *c, unsigned int ctx, int id,
			  const char *name, size_t len)
{
	struct out_ctx known = *c;
	json_object *o = json_object_new_object();
	char safe[LT_OWNER_NAME_LEN + 1];

	/* The kernel says which context owns a page: always known. */
	known.ctx_known = true;
	add(o, "context", json_object_new_string(ctx_name(&known, ctx)));
	if (ctx == LT_TASK) {
		add(o, "pid", json_object_new_int(id));
		if (name && name[0])
			add(o, "comm", comm_str(name, len));
	} else if (ctx == LT_OBJECT) {
		add(o, "id", json_object_new_int(id));
		snprintf(safe, sizeof(safe), "%.*s", (int)len, name ? name : "");
		owner_safe_name(safe, safe);
		add(o, "name", safe[0] ? json_object_new_string(safe) : NULL);
	} else {
		add(o, "cpu", json_object_new_int(id));
	}
	return o;
}

/* The name the owners table has for @kind/@id, or NULL. */
static const char *owner_name_of(const struct out_ctx *c, unsigned int kind,
				 int id)
{
	const struct owner_row *r;

	if (!c->owners)
		return NULL;
	r = owners_find(c->owners, lt_owner_key(kind, id));
	return r && r->o.name[0] ? r->o.name : NULL;
}

static void add_page(json_object *o, const struct out_ctx *c,
		     unsigned long long page)
{
	unsigned long long pfn = pfn_of(page, c->vmemmap, c->page_size);
	char buf[24];

	if (pfn != PFN_UNKNOWN)
		add(o, "pfn", u64(pfn));
	else
		add(o, "pfn", NULL);
	snprintf(buf, sizeof(buf), "%#llx", page);
	add(o, "page", json_object_new_string(buf));
}

int json_violation(FILE *f, const struct out_ctx *c, const struct lt_event *e,
		   const unsigned long long *owner_stack, int owner_depth)
{
	json_object *o = json_line(c, "violation", e->ts_ns), *actor;

	add_page(o, c, e->page);
	add(o, "order", u64(e->order));
	add(o, "kind", json_object_new_string(kind_name(e->kind)));
	add(o, "denied", json_object_new_boolean(e->denied));
	add(o, "cpu", u64(e->cpu));
	if (e->owner_ctx == LT_OBJECT)
		add(o, "owner", party(c, e->owner_ctx, e->owner, e->owner_name,
				      sizeof(e->owner_name)));
	else
		add(o, "owner", party(c, e->owner_ctx, e->owner, e->owner_comm,
				      sizeof(e->owner_comm)));
	if (e->actor_ctx == LT_OBJECT)
		actor = party(c, e->actor_ctx, e->actor, e->actor_name,
			      sizeof(e->actor_name));
	else
		actor = party(c, e->actor_ctx, e->actor,
			      e->actor_ctx == LT_TASK ? e->comm : NULL,
			      sizeof(e->comm));
	if (e->actor_ctx == LT_TASK)
		add(actor, "tid", u64(e->tid));
	add(o, "actor", actor);
	if (e->owner_known) {
		add(o, "held_ns", u64(e->ts_ns > e->owner_since_ns ?
				      e->ts_ns - e->owner_since_ns : 0));
		add_gfp(o, c, e->gfp);
	}
	add(o, "actor_stack", stack(c, e->stack, event_stack_depth(e)));
	if (owner_stack && owner_depth > 0)
		add(o, "owner_stack", stack(c, owner_stack, owner_depth));
	else
		add(o, "owner_stack", NULL);
	return json_emit(f, o);
}

static json_object *hist_obj(json_object *o, const struct lt_hist *h)
{
	json_object *b = json_object_new_array(), *bucket;
	unsigned int i;

	add(o, "count", u64(hist_count(h)));
	add(o, "sum_ns", u64(h->sum));
	add(o, "p50_ns", u64(hist_percentile(h, PCT_P50)));
	add(o, "p99_ns", u64(hist_percentile(h, PCT_P99)));
	add(o, "p999_ns", u64(hist_percentile(h, PCT_P999)));
	add(o, "max_ns", u64(h->max));
	for (i = 0; i < LT_NR_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		bucket = json_object_new_object();
		/* The open-ended last bucket is bounded by the maximum. */
		add(bucket, "le_ns", u64(i == LT_NR_SLOTS - 1 ? h->max :
					 hist_slot_le(i)));
		add(bucket, "count", u64(h->slots[i]));
		json_object_array_add(b, bucket);
	}
	add(o, "buckets", b);
	return o;
}

int json_latency(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		 const struct run_info *ri)
{
	unsigned int key, order, cls, excl, ctx;
	json_object *o;

	for (key = 0; key < LT_NR_KEYS; key++) {
		if (!hist_count(&d->latency[key]))
			continue;
		lt_key_split(key, &order, &cls, &excl, &ctx);
		o = json_line(c, "latency", d->ts_ns);
		add(o, "final", json_object_new_boolean(ri->final));
		add(o, "interval_s", json_num(ri->seconds, 3));
		add(o, "order", u64(order));
		add(o, "class", json_object_new_string(gfp_class_name(cls)));
		add(o, "exclusive", json_object_new_boolean(excl));
		add(o, "context", json_object_new_string(ctx_name(c, ctx)));
		hist_obj(o, &d->latency[key]);
		if (json_emit(f, o))
			return -1;
	}
	return 0;
}

int json_fail_stacks(FILE *f, const struct out_ctx *c,
		     const struct lt_snapshot *d, const struct run_info *ri)
{
	static unsigned int idx[LT_MAX_FAIL_KEYS];
	unsigned long long ip[LT_MAX_STACK], dr, hi, ex;
	unsigned int i, n = fail_stacks_top(d, idx);
	const struct fail_stack *fs;
	json_object *o;
	int depth;

	dr = gfp_mask(c->gfp, "__GFP_DIRECT_RECLAIM");
	hi = gfp_mask(c->gfp, "__GFP_HIGH");
	ex = gfp_mask(c->gfp, "__GFP_EXCLUSIVE");
	for (i = 0; i < n; i++) {
		fs = &d->fail_stacks[idx[i]];
		o = json_line(c, "failure_stack", d->ts_ns);
		add(o, "final", json_object_new_boolean(ri->final));
		add(o, ri->final ? "duration_s" : "interval_s", json_num(ri->seconds, 3));
		add(o, "count", u64(fs->count));
		add(o, "order", u64(fs->k.order));
		add_gfp(o, c, fs->k.gfp);
		add(o, "class", json_object_new_string(
			gfp_class_name(lt_gfp_class(fs->k.gfp, dr, hi))));
		add(o, "exclusive", json_object_new_boolean(ex && (fs->k.gfp & ex)));
		add(o, "nowarn", json_object_new_boolean(gfp_is_nowarn(c->gfp, fs->k.gfp)));
		add(o, "context", json_object_new_string(ctx_name(c, fs->k.ctx)));
		depth = c->stack ? c->stack(c->stack_arg, fs->k.stack, ip) : 0;
		add(o, "stack", stack(c, ip, depth));
		if (json_emit(f, o))
			return -1;
	}
	return 0;
}

/* A stack kept in the kernel, by key: null if unknown. */
static json_object *kept_stack(const struct out_ctx *c, unsigned long long key)
{
	unsigned long long ip[LT_MAX_STACK];
	int depth = c->stack ? c->stack(c->stack_arg, key, ip) : 0;

	return depth > 0 ? stack(c, ip, depth) : NULL;
}

int json_viol_stacks(FILE *f, const struct out_ctx *c,
		     const struct lt_snapshot *d, const struct run_info *ri)
{
	static unsigned int idx[LT_MAX_VIOL_KEYS];
	unsigned int i, n = viol_stacks_top(d, idx);
	const struct viol_stack *vs;
	const char *name;
	json_object *o;

	for (i = 0; i < n; i++) {
		vs = &d->viol_stacks[idx[i]];
		o = json_line(c, "violation_stack", d->ts_ns);
		add(o, "final", json_object_new_boolean(ri->final));
		add(o, ri->final ? "duration_s" : "interval_s", json_num(ri->seconds, 3));
		add(o, "count", u64(vs->v.count));
		add(o, "kind", json_object_new_string(kind_name(vs->k.kind)));
		add(o, "denied", json_object_new_boolean(vs->k.denied));
		add(o, "order", u64(vs->k.order));
		name = owner_name_of(c, vs->k.owner_ctx, vs->k.owner);
		add(o, "owner", party(c, vs->k.owner_ctx, vs->k.owner, name,
				      LT_OWNER_NAME_LEN));
		name = vs->k.actor_ctx == LT_TASK ? vs->v.actor_comm :
		       owner_name_of(c, vs->k.actor_ctx, vs->k.actor);
		add(o, "actor", party(c, vs->k.actor_ctx, vs->k.actor, name,
				      vs->k.actor_ctx == LT_TASK ? LT_COMM_LEN :
				      LT_OWNER_NAME_LEN));
		add(o, "actor_stack", kept_stack(c, vs->k.actor_stack));
		add(o, "owner_stack", kept_stack(c, vs->k.owner_stack));
		if (json_emit(f, o))
			return -1;
	}
	return 0;
}

int json_held(FILE *f, const struct out_ctx *c, const struct held_page *hp,
	      const unsigned long long *stk, int depth)
{
	json_object *o = json_line(c, "held", hp->h.since_ns + hp->age_ns);

	add_page(o, c, hp->page);
	add(o, "order", u64(hp->h.order));
	if (hp->h.ctx == LT_OBJECT)
		add(o, "owner", party(c, LT_OBJECT, hp->h.owner,
				      owner_name_of(c, LT_OBJECT, hp->h.owner),
				      LT_OWNER_NAME_LEN));
	else
		add(o, "owner", party(c, hp->h.ctx, hp->h.owner, hp->h.comm,
				      sizeof(hp->h.comm)));
	add(o, "held_ns", u64(hp->age_ns));
	add_gfp(o, c, hp->h.gfp);
	if (stk && depth > 0)
		add(o, "owner_stack", stack(c, stk, depth));
	else
		add(o, "owner_stack", NULL);
	return json_emit(f, o);
}

static json_object *lost_obj(const struct lt_snapshot *d)
{
	json_object *o = json_object_new_object();

	add(o, "total", u64(snapshot_lost(d)));
	add(o, "bpf_recursion_misses", u64(d->bpf_misses));
	add(o, "latency_unmatched", u64(d->stats[LT_STAT_LAT_UNMATCHED]));
	add(o, "latency_table_full", u64(d->stats[LT_STAT_LAT_START_FULL]));
	add(o, "acquire_untracked", u64(d->stats[LT_STAT_ACQUIRE_UNTRACKED]));
	add(o, "stack_unrecorded", u64(d->stats[LT_STAT_STACK_UNRECORDED]));
	add(o, "failure_unaggregated", u64(d->stats[LT_STAT_FAIL_UNAGGREGATED]));
	add(o, "violation_unaggregated", u64(d->stats[LT_STAT_VIOL_UNAGGREGATED]));
	add(o, "owner_untracked", u64(d->stats[LT_STAT_OWNER_UNTRACKED]));
	return o;
}

/* Records without room in the ring buffer: their events are counted. */
static json_object *dropped_obj(const struct lt_snapshot *d)
{
	json_object *o = json_object_new_object();

	add(o, "total", u64(snapshot_dropped(d)));
	add(o, "ringbuf_full_failure", u64(d->stats[LT_STAT_RB_FULL_FAILURE]));
	add(o, "ringbuf_full_violation", u64(d->stats[LT_STAT_RB_FULL_VIOLATION]));
	return o;
}

int json_lost(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d)
{
	json_object *o, *l;

	if (!snapshot_lost(d))
		return 0;
	o = json_line(c, "lost", d->ts_ns);
	l = lost_obj(d);
	json_object_object_foreach(l, k, v)
		add(o, k, json_object_get(v));
	json_object_put(l);
	return json_emit(f, o);
}

int json_owner(FILE *f, const struct out_ctx *c, const struct owner_row *r,
	       unsigned long long mono_ns, const struct run_info *ri)
{
	json_object *o = json_line(c, "owner", mono_ns), *v;
	char label[96];
	unsigned int k;

	add(o, "final", json_object_new_boolean(ri->final));
	add(o, "owner", party(c, lt_owner_kind(r->key), lt_owner_id(r->key),
			      r->o.name, sizeof(r->o.name)));
	owner_row_format(r, label, sizeof(label));
	add(o, "label", json_object_new_string(label));
	add(o, "held", u64(r->held));
	add(o, "held_pages", u64(r->held_pages));
	add(o, "oldest_held_ns", u64(r->oldest_ns));
	add(o, "acquired", u64(r->o.acquired));
	add(o, "released", u64(r->o.released));
	add(o, "transferred_in", u64(r->o.xfer_in));
	add(o, "transferred_out", u64(r->o.xfer_out));
	v = json_object_new_object();
	for (k = 0; k < LT_NR_KINDS; k++)
		add(v, kind_name(k), u64(r->o.violations[k]));
	add(v, "total", u64(owner_violations(r)));
	add(o, "violations", v);
	add(o, "hold", hist_obj(json_object_new_object(), &r->o.hold));
	return json_emit(f, o);
}

int json_owners(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		const struct run_info *ri)
{
	const struct owner_table *t = d->owners;
	unsigned int i, n;

	if (!t)
		return 0;
	n = ri->final || t->n < JSON_OWNERS_MAX ? t->n : JSON_OWNERS_MAX;
	/* What they hold is as of the held table's reading. */
	for (i = 0; i < n; i++)
		if (json_owner(f, c, owners_at(t, i),
			       d->held_ts_ns ? d->held_ts_ns : d->ts_ns, ri))
			return -1;
	return 0;
}

int json_pools(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
	       const struct run_info *ri)
{
	const struct pool_row *rows[POOLS_MAX];
	const struct pool_table *t = d->pools;
	size_t i, n;
	json_object *o;
	char id[16];

	if (!t)
		return 0;
	n = pools_order(t, rows, POOLS_MAX);
	for (i = 0; i < n; i++) {
		const struct pool_row *r = rows[i];

		o = json_line(c, "page_pool", d->ts_ns);
		add(o, "pool", r->has_id ? u64(r->id) : json_object_new_string(pool_label(r, id, sizeof(id))));
		add(o, "dev", r->dev[0] ? json_object_new_string(r->dev) : NULL);
		add(o, "ifindex", r->ifindex ? u64(r->ifindex) : NULL);
		add(o, "inflight", json_object_new_int64(r->inflight));
		add(o, "taken", u64(r->holds));
		add(o, "returned", u64(r->releases));
		if (!ri->final) {
			add(o, "taken_interval", u64(r->holds - r->holds_prev));
			add(o, "returned_interval", u64(r->releases - r->releases_prev));
		}
		add(o, "destroyed", json_object_new_boolean(r->destroyed));
		add(o, "destroyed_s", r->destroyed && r->destroyed_ns && d->ts_ns > r->destroyed_ns ?
		    json_num((d->ts_ns - r->destroyed_ns) / 1e9, 3) : NULL);
		add(o, "gone", json_object_new_boolean(r->gone));
		add(o, "final", json_object_new_boolean(ri->final));
		if (json_emit(f, o))
			return -1;
	}
	return 0;
}

static double rate(unsigned long long fails, unsigned long long allocs)
{
	return allocs ? (double)fails / allocs : 0;
}

static void add_failures(json_object *o, const struct out_ctx *c,
			 const struct lt_snapshot *d)
{
	static struct fail_row r[LT_NR_COUNTS];
	unsigned long long allocs = snapshot_allocs(d), fails = snapshot_fails(d);
	unsigned long long nowarn = snapshot_fails_nowarn(d);
	json_object *a = json_object_new_array(), *e;
	int i, n = snapshot_fail_rows(d, r, LT_NR_COUNTS);

	/* --no-rates: allocations were not counted, so neither they nor rates */
	if (!c->no_rates)
		add(o, "allocs", u64(allocs));
	add(o, "failures", u64(fails));
	add(o, "failures_warned", u64(fails - nowarn));
	add(o, "failures_nowarn", u64(nowarn));
	/* past --failure-records: counted by stack, without a record */
	add(o, "failures_unrecorded", u64(d->stats[LT_STAT_FAIL_UNRECORDED]));
	if (!c->no_rates)
		add(o, "failure_rate", json_num(rate(fails, allocs), -1));
	for (i = 0; i < n; i++) {
		e = json_object_new_object();
		add(e, "order", u64(r[i].order));
		add(e, "class", json_object_new_string(gfp_class_name(r[i].cls)));
		add(e, "exclusive", json_object_new_boolean(r[i].excl));
		add(e, "context", json_object_new_string(ctx_name(c, r[i].ctx)));
		add(e, "nowarn", json_object_new_boolean(r[i].nowarn));
		if (!c->no_rates)
			add(e, "allocs", u64(r[i].allocs));
		add(e, "failures", u64(r[i].fails));
		if (!c->no_rates)
			add(e, "rate", json_num(rate(r[i].fails, r[i].allocs), -1));
		json_object_array_add(a, e);
	}
	add(o, "classes", a);
}

static void add_violations(json_object *o, const struct out_ctx *c,
			   const struct lt_snapshot *d, const struct run_info *ri)
{
	json_object *v = json_object_new_object(), *k, *x;
	struct lt_hist hold = {};
	unsigned int i;

	for (i = 0; i < LT_NR_KINDS; i++) {
		k = json_object_new_object();
		add(k, "count", u64(d->violations[i][0] + d->violations[i][1]));
		add(k, "denied", u64(d->violations[i][1]));
		add(v, kind_name(i), k);
	}
	add(o, "violations", v);
	/* past --violation-records: counted by stack, without a record */
	add(o, "violations_unrecorded", u64(d->stats[LT_STAT_VIOL_UNRECORDED]));

	x = json_object_new_object();
	add(x, "acquired", u64(d->stats[LT_STAT_ACQUIRE]));
	add(x, "released", u64(d->stats[LT_STAT_RELEASE]));
	add(x, "transferred", u64(d->stats[LT_STAT_TRANSFER]));
	add(x, "released_untracked", u64(d->stats[LT_STAT_RELEASE_UNTRACKED]));
	add(x, "held_now", u64(d->held_now));
	add(x, "held_over", u64(d->held_over));
	add(x, "held_over_ns", u64(c->held_over_ns));
	for (i = 0; i < LT_NR_OWNER_CTX; i++)
		hist_merge(&hold, &d->hold[i]);
	add(x, "hold", hist_obj(json_object_new_object(), &hold));
	if (d->owners) {
		unsigned int n = d->owners->n;

		/* owner records: all at the end, the first JSON_OWNERS_MAX before */
		add(x, "owners", u64(n));
		add(x, "owners_listed", u64(ri->final || n < JSON_OWNERS_MAX ?
					    n : JSON_OWNERS_MAX));
	}
	add(o, "exclusive", x);
}

void json_add_run(json_object *o, const struct out_ctx *c,
		  const struct run_info *ri)
{
	static const char *const names[3] = SRC_NAMES;
	json_object *src = json_object_new_object();
	json_object *why = json_object_new_object();
	int i;

	for (i = 0; i < 3; i++) {
		if (ri->src[i])
			add(src, names[i], json_object_new_string(ri->src[i]));
		if (ri->why[i])
			add(why, names[i], json_object_new_string(ri->why[i]));
	}
	add(o, "sources", src);
	add(o, "unavailable", why);
	add(o, "contexts_known", json_object_new_boolean(c->ctx_known));
	add(o, "recursion_per_context",
	    json_object_new_boolean(c->recursion_per_ctx));
}

int json_summary(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		 const struct run_info *ri)
{
	json_object *o = json_line(c, "summary", d->ts_ns);

	add(o, "final", json_object_new_boolean(ri->final));
	add(o, ri->final ? "duration_s" : "interval_s", json_num(ri->seconds, 3));
	if (c->have_failures)
		add_failures(o, c, d);
	if (c->have_violations)
		add_violations(o, c, d, ri);
	add(o, "lost", lost_obj(d));
	add(o, "dropped", dropped_obj(d));
	if (ri->final)
		json_add_run(o, c, ri);
	return json_emit(f, o);
}
