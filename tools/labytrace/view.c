// SPDX-License-Identifier: GPL-2.0
/* Terminal and plain-text output. */
#include <stdlib.h>
#include <string.h>

#include "gfp.h"
#include "hist.h"
#include "ksyms.h"
#include "view.h"

static void safe_comm(const char *comm, char *out)
{
	int i;

	for (i = 0; i < LT_COMM_LEN && comm[i]; i++)
		out[i] = comm[i] >= 0x20 && comm[i] < 0x7f ? comm[i] : '?';
	out[i] = '\0';
}

static void print_stack(FILE *f, const struct out_ctx *c,
			const unsigned long long *ip, int depth)
{
	char buf[160];
	int i;

	for (i = ksyms_skip_tracing(c->ksyms, ip, depth); i < depth; i++) {
		ksyms_format(c->ksyms, ip[i], buf, sizeof(buf));
		fprintf(f, "        %s\n", buf);
	}
}

void view_failure(FILE *f, const struct out_ctx *c, const struct lt_event *e,
		  bool detail)
{
	char t[16], comm[LT_COMM_LEN + 1], gfp[256], lat[16] = "";

	fmt_clock(c, e->ts_ns, t, sizeof(t));
	safe_comm(e->comm, comm);
	gfp_format(c->gfp, e->gfp, gfp, sizeof(gfp));
	if (e->latency_ns) {
		lat[0] = ' ';
		fmt_duration(lat + 1, sizeof(lat) - 1, e->latency_ns);
	}
	if (!detail) {
		char line[400];

		snprintf(line, sizeof(line), "%s cpu%-3u %-7s %s[%u] o%u %s %s%s",
			 t, e->cpu, ctx_name(c, e->ctx), comm, e->pid, e->order,
			 gfp_is_nowarn(c->gfp, e->gfp) ? "expected" : "warned",
			 gfp, lat);
		fprintf(f, "  %.77s\n", line);
		return;
	}
	fprintf(f, "FAILURE %s cpu %u %s pid %u tid %u (%s) order %u %s %s%s\n",
		t, e->cpu, ctx_name(c, e->ctx), e->pid, e->tid, comm, e->order,
		gfp_is_nowarn(c->gfp, e->gfp) ? "expected (NOWARN)" : "warned",
		gfp, lat);
	print_stack(f, c, e->stack, event_stack_depth(e));
}

/*
 * "task:1234(comm)", "softirq@cpu3" or "eth0 rx0 (object 7)": @name is a
 * task's comm or an object's name (NULL: none known).
 */
static void party(char *buf, size_t len, unsigned int ctx, int id,
		  const char *name)
{
	char n[LT_OWNER_NAME_LEN + 1] = "";

	/* comm fields are LT_COMM_LEN, not always terminated */
	if (name)
		snprintf(n, sizeof(n), "%.*s",
			 ctx == LT_OBJECT ? LT_OWNER_NAME_LEN : LT_COMM_LEN, name);
	owner_format(buf, len, ctx, id, n);
}

/* The name the owners table has for @kind/@id, or NULL. */
static const char *owner_name_of(const struct lt_snapshot *d, unsigned int kind,
				 int id)
{
	const struct owner_row *r;

	if (!d || !d->owners)
		return NULL;
	r = owners_find(d->owners, lt_owner_key(kind, id));
	return r && r->o.name[0] ? r->o.name : NULL;
}

static void page_str(const struct out_ctx *c, unsigned long long page,
		     char *buf, size_t len)
{
	unsigned long long pfn = pfn_of(page, c->vmemmap, c->page_size);

	if (pfn == PFN_UNKNOWN)
		snprintf(buf, len, "page %#llx", page);
	else
		snprintf(buf, len, "pfn %#llx", pfn);
}

void view_violation(FILE *f, const struct out_ctx *c, const struct lt_event *e,
		    const unsigned long long *owner_stack, int owner_depth,
		    bool detail)
{
	char t[16], owner[64], actor[64], pg[40];

	fmt_clock(c, e->ts_ns, t, sizeof(t));
	party(owner, sizeof(owner), e->owner_ctx, e->owner,
	      e->owner_ctx == LT_OBJECT ? e->owner_name : e->owner_comm);
	party(actor, sizeof(actor), e->actor_ctx, e->actor,
	      e->actor_ctx == LT_TASK ? e->comm :
	      e->actor_ctx == LT_OBJECT ? e->actor_name : NULL);
	page_str(c, e->page, pg, sizeof(pg));
	if (!detail) {
		char line[256];

		snprintf(line, sizeof(line), "%s %s%s %s o%u owner %s by %s",
			 t, kind_name(e->kind), e->denied ? "(denied)" : "",
			 pg, e->order, owner, actor);
		fprintf(f, "  %.77s\n", line);
		return;
	}
	fprintf(f, "VIOLATION %s %s %s %s order %u cpu %u\n", t,
		kind_name(e->kind), e->denied ? "denied" : "allowed", pg,
		e->order, e->cpu);
	fprintf(f, "    owner %s, actor %s\n", owner, actor);
	fprintf(f, "    actor stack:\n");
	print_stack(f, c, e->stack, event_stack_depth(e));
	if (owner_stack && owner_depth > 0) {
		fprintf(f, "    owner's allocation stack:\n");
		print_stack(f, c, owner_stack, owner_depth);
	} else {
		fprintf(f, "    owner's allocation stack: unknown%s\n",
			!e->owner_known ? " (acquired before labytrace started)" :
			!c->owner_stacks ? " (not walked without --owner-stacks)" : "");
	}
}

static int cmp_count_desc(const void *a, const void *b, void *arg)
{
	const struct lt_snapshot *s = arg;
	unsigned long long x = hist_count(&s->latency[*(const unsigned int *)a]);
	unsigned long long y = hist_count(&s->latency[*(const unsigned int *)b]);

	if (x != y)
		return x > y ? -1 : 1;
	return *(const unsigned int *)a - *(const unsigned int *)b;
}

static void latency_table(FILE *f, const struct out_ctx *c,
			  const struct lt_snapshot *d, int max_rows)
{
	unsigned int keys[LT_NR_KEYS], order, cls, excl, ctx;
	char o[8], p50[8], p99[8], p999[8], mx[8];
	int i, n = 0;

	for (i = 0; i < LT_NR_KEYS; i++)
		if (hist_count(&d->latency[i]))
			keys[n++] = i;
	qsort_r(keys, n, sizeof(keys[0]), cmp_count_desc, (void *)d);
	fprintf(f, "LATENCY %-5s %-9s %-4s %-8s %10s %6s %6s %6s %6s\n", "ORDER",
		"CLASS", "EXCL", "CONTEXT", "COUNT", "P50", "P99", "P99.9", "MAX");
	if (!n)
		fprintf(f, "        (no allocations)\n");
	for (i = 0; i < n && (!max_rows || i < max_rows); i++) {
		const struct lt_hist *h = &d->latency[keys[i]];

		lt_key_split(keys[i], &order, &cls, &excl, &ctx);
		fmt_duration(p50, sizeof(p50), hist_percentile(h, PCT_P50));
		fmt_duration(p99, sizeof(p99), hist_percentile(h, PCT_P99));
		fmt_duration(p999, sizeof(p999), hist_percentile(h, PCT_P999));
		fmt_duration(mx, sizeof(mx), h->max);
		fprintf(f, "        %5s %-9s %-4s %-8s %10llu %6s %6s %6s %6s\n",
			order_label(order, o, sizeof(o)), gfp_class_name(cls),
			excl ? "yes" : "no", ctx_name(c, ctx), hist_count(h),
			p50, p99, p999, mx);
	}
	if (i < n)
		fprintf(f, "        ... %d more\n", n - i);
}

static void pct(char *buf, size_t len, unsigned long long fails,
		unsigned long long allocs)
{
	snprintf(buf, len, "%.4f%%", allocs ? 100.0 * fails / allocs : 0.0);
}

/*
 * Failures split into those the kernel warns about and those their
 * callers expected (__GFP_NOWARN: THP, kvmalloc, memcg charges on stock
 * kernels), then one row per order, class, context and NOWARN.
 */
static void failure_table(FILE *f, const struct out_ctx *c,
			  const struct lt_snapshot *d, int max_rows)
{
	static struct fail_row r[LT_NR_COUNTS];
	unsigned long long allocs = snapshot_allocs(d), fails = snapshot_fails(d);
	unsigned long long nowarn = snapshot_fails_nowarn(d);
	int i, n = snapshot_fail_rows(d, r, LT_NR_COUNTS);
	char rate[32], o[8];

	pct(rate, sizeof(rate), fails, allocs);
	if (c->no_rates)
		fprintf(f, "FAILURES %llu (allocations not counted: --no-rates)\n", fails);
	else
		fprintf(f, "FAILURES %llu of %llu allocations (%s)\n", fails, allocs, rate);
	fprintf(f, "        warned %llu, expected (NOWARN) %llu\n", fails - nowarn,
		nowarn);
	if (!n)
		return;
	/* --no-rates: no ALLOCS and RATE columns, which would read 0 */
	fprintf(f, "        %5s %-9s %-4s %-7s %-6s", "ORDER", "CLASS", "EXCL",
		"CONTEXT", "NOWARN");
	if (!c->no_rates)
		fprintf(f, " %12s", "ALLOCS");
	fprintf(f, " %11s", "FAILED");
	fprintf(f, c->no_rates ? "\n" : " %9s\n", "RATE");
	for (i = 0; i < n && (!max_rows || i < max_rows); i++) {
		fprintf(f, "        %5s %-9s %-4s %-7s %-6s",
			order_label(r[i].order, o, sizeof(o)),
			gfp_class_name(r[i].cls), r[i].excl ? "yes" : "no",
			ctx_name(c, r[i].ctx), r[i].nowarn ? "yes" : "no");
		if (!c->no_rates)
			fprintf(f, " %12llu", r[i].allocs);
		fprintf(f, " %11llu", r[i].fails);
		pct(rate, sizeof(rate), r[i].fails, r[i].allocs);
		fprintf(f, c->no_rates ? "\n" : " %9s\n", rate);
	}
	if (i < n)
		fprintf(f, "        ... %d more\n", n - i);
}

static void violation_lines(FILE *f, const struct out_ctx *c,
			    const struct lt_snapshot *d,
			    const struct held_page *held, size_t nr_held)
{
	struct lt_hist hold = {};
	char buf[3][8], owner[64], pg[40], age[8];
	unsigned int i;

	fprintf(f, "VIOLATIONS");
	for (i = 0; i < LT_NR_KINDS; i++)
		fprintf(f, " %9s", kind_name(i));
	fprintf(f, "\n  seen    ");
	for (i = 0; i < LT_NR_KINDS; i++)
		fprintf(f, " %9llu", d->violations[i][0] + d->violations[i][1]);
	fprintf(f, "\n  denied  ");
	for (i = 0; i < LT_NR_KINDS; i++)
		fprintf(f, " %9llu", d->violations[i][1]);
	fputc('\n', f);
	for (i = 0; i < LT_NR_OWNER_CTX; i++)
		hist_merge(&hold, &d->hold[i]);
	fmt_duration(buf[0], sizeof(buf[0]), hist_percentile(&hold, PCT_P50));
	fmt_duration(buf[1], sizeof(buf[1]), hist_percentile(&hold, PCT_P99));
	fmt_duration(buf[2], sizeof(buf[2]), hold.max);
	fprintf(f, "HELD    acquired %llu released %llu transferred %llu\n",
		d->stats[LT_STAT_ACQUIRE], d->stats[LT_STAT_RELEASE],
		d->stats[LT_STAT_TRANSFER]);
	fmt_duration(age, sizeof(age), c->held_over_ns);
	fprintf(f, "        hold p50 %s p99 %s max %s; owned now %llu, over %s: %llu\n",
		buf[0], buf[1], buf[2], d->held_now, age, d->held_over);
	for (i = 0; i < nr_held; i++) {
		party(owner, sizeof(owner), held[i].h.ctx, held[i].h.owner,
		      held[i].h.ctx == LT_OBJECT ?
		      owner_name_of(d, LT_OBJECT, held[i].h.owner) : held[i].h.comm);
		page_str(c, held[i].page, pg, sizeof(pg));
		fmt_duration(age, sizeof(age), held[i].age_ns);
		fprintf(f, "        %-24s o%-2u %6s %s\n", pg, held[i].h.order,
			age, owner);
	}
}

/*
 * Owners, most pages held first: what each holds now (and for how long its
 * oldest), and its counts since labytrace started.  An owner too long for
 * its column gets a line of its own.
 */
static void owners_lines(FILE *f, const struct lt_snapshot *d, int max_rows)
{
	const struct owner_table *t = d->owners;
	struct owner_row other;
	char name[96], p99[8], old[8], io[24];
	unsigned int i, n, rest;

	if (!t)
		return;
	n = max_rows && (unsigned int)max_rows < t->n ? (unsigned int)max_rows : t->n;
	fprintf(f, "OWNERS  %-16s %6s %8s %8s %9s %5s %6s %6s\n", "(since start)",
		"HELD", "ACQUIRED", "RELEASED", "IN/OUT", "VIOL", "P99", "OLDEST");
	if (!t->n)
		fprintf(f, "        (none)\n");
	rest = owners_rest(t, n, &other);
	for (i = 0; i <= n; i++) {
		const struct owner_row *r = i < n ? owners_at(t, i) : &other;

		if (i == n && !rest)
			break;
		owner_row_format(r, name, sizeof(name));
		if (i == n)
			snprintf(name, sizeof(name), "%u more", rest);
		fmt_duration(p99, sizeof(p99), hist_percentile(&r->o.hold, PCT_P99));
		fmt_duration(old, sizeof(old), r->oldest_ns);
		snprintf(io, sizeof(io), "%llu/%llu", r->o.xfer_in, r->o.xfer_out);
		if (strlen(name) > 22) {
			fprintf(f, "  %s\n", name);
			name[0] = '\0';
		}
		fprintf(f, "  %-22s %6llu %8llu %8llu %9s %5llu %6s %6s\n", name,
			r->held, r->o.acquired, r->o.released, io,
			owner_violations(r), r->o.hold.max ? p99 : "-",
			r->held ? old : "-");
	}
}

/*
 * page_pools: pages in flight now, pages taken from and given back to the
 * page allocator since labytrace saw the pool and in the last interval,
 * and whether it was destroyed (and still waits for pages).
 */
static void pools_lines(FILE *f, const struct lt_snapshot *d, int max_rows)
{
	const struct pool_row *rows[POOLS_MAX];
	const struct pool_table *t = d->pools;
	size_t i, n;
	char id[16], state[40], last[32];

	if (!t)
		return;
	n = pools_order(t, rows, POOLS_MAX);
	fprintf(f, "POOLS   %-22s %8s %8s %8s %11s %s\n", "(page_pool, since start)",
		"INFLIGHT", "TAKEN", "RETURNED", "LAST", "STATE");
	if (!n)
		fprintf(f, "        (none seen yet)\n");
	for (i = 0; i < n && (!max_rows || i < (size_t)max_rows); i++) {
		const struct pool_row *r = rows[i];

		if (r->gone)
			snprintf(state, sizeof(state), "gone");
		else if (r->destroyed && r->destroyed_ns && d->ts_ns > r->destroyed_ns)
			snprintf(state, sizeof(state), "destroyed %llus ago",
				 (d->ts_ns - r->destroyed_ns) / 1000000000ULL);
		else
			snprintf(state, sizeof(state), r->destroyed ? "destroyed" : "live");
		snprintf(last, sizeof(last), "+%llu/-%llu", r->holds - r->holds_prev,
			 r->releases - r->releases_prev);
		fprintf(f, "  %-6s %-15.15s %8lld %8llu %8llu %11s %s\n",
			pool_label(r, id, sizeof(id)), r->dev[0] ? r->dev : "-",
			r->inflight, r->holds, r->releases, last, state);
	}
	if (i < n)
		fprintf(f, "  (%zu more)\n", n - i);
}

/*
 * Events lost, and records dropped: a record the ring buffer had no room
 * for is detail lost, not an event, which the counts by stack still have.
 */
static void lost_line(FILE *f, const struct lt_snapshot *d)
{
	fprintf(f, "LOST    %llu\n", snapshot_lost(d));
	if (snapshot_lost(d))
		fprintf(f, "        bpf recursion %llu, latency unmatched %llu,\n"
			   "        latency table full %llu, acquires untracked %llu,\n"
			   "        stacks unrecorded %llu, failures unaggregated %llu,\n"
			   "        violations unaggregated %llu, owners untracked %llu\n",
			d->bpf_misses, d->stats[LT_STAT_LAT_UNMATCHED],
			d->stats[LT_STAT_LAT_START_FULL],
			d->stats[LT_STAT_ACQUIRE_UNTRACKED],
			d->stats[LT_STAT_STACK_UNRECORDED],
			d->stats[LT_STAT_FAIL_UNAGGREGATED],
			d->stats[LT_STAT_VIOL_UNAGGREGATED],
			d->stats[LT_STAT_OWNER_UNTRACKED]);
	if (snapshot_dropped(d))
		fprintf(f, "DROPPED %llu records: the ring buffer was full (failures %llu,\n"
			   "        violations %llu); their events are counted, by stack too\n",
			snapshot_dropped(d), d->stats[LT_STAT_RB_FULL_FAILURE],
			d->stats[LT_STAT_RB_FULL_VIOLATION]);
}

void view_report(FILE *f, const struct out_ctx *c, const struct lt_snapshot *d,
		 const struct held_page *held, size_t nr_held, int max_rows)
{
	if (c->have_latency)
		latency_table(f, c, d, max_rows);
	if (c->have_failures)
		failure_table(f, c, d, max_rows);
	if (c->have_violations) {
		violation_lines(f, c, d, held, nr_held);
		owners_lines(f, d, max_rows ? VIEW_OWNER_ROWS : VIEW_OWNER_ROWS_PLAIN);
	}
	if (c->have_pools)
		pools_lines(f, d, max_rows ? VIEW_OWNER_ROWS : VIEW_OWNER_ROWS_PLAIN);
	lost_line(f, d);
}

/*
 * A stack kept in the kernel, by key: whole, or the first frames that fit
 * on one line, innermost first.  Returns its depth, 0 if it is unknown.
 */
static int kept_stack(FILE *f, const struct out_ctx *c, unsigned long long key,
		      bool full)
{
	unsigned long long ip[LT_MAX_STACK];
	int depth = c->stack ? c->stack(c->stack_arg, key, ip) : 0, j;
	char line[512], frame[160];
	size_t pos;

	if (full) {
		print_stack(f, c, ip, depth);
		return depth;
	}
	j = ksyms_skip_tracing(c->ksyms, ip, depth);
	for (pos = 0, line[0] = '\0'; j < depth; j++) {
		ksyms_format(c->ksyms, ip[j], frame, sizeof(frame));
		if (pos && pos + 3 + strlen(frame) > 66)
			break;
		pos += snprintf(line + pos, sizeof(line) - pos, "%s%s",
				pos ? " < " : "", frame);
	}
	fprintf(f, "             %.66s\n", line);
	return depth;
}

void view_fail_stacks(FILE *f, const struct out_ctx *c,
		      const struct lt_snapshot *d, unsigned int max, bool full)
{
	static unsigned int idx[LT_MAX_FAIL_KEYS];
	unsigned int i, n = fail_stacks_top(d, idx);
	char gfp[256], line[512], o[8];
	const struct fail_stack *fs;

	if (!n)
		return;
	fprintf(f, "FAILURE STACKS%s\n", full ? "" : " (most failures first)");
	for (i = 0; i < n && (!max || i < max); i++) {
		fs = &d->fail_stacks[idx[i]];
		gfp_format(c->gfp, fs->k.gfp, gfp, sizeof(gfp));
		snprintf(line, sizeof(line), "%10llu order %s %s %s %s", fs->count,
			 order_label(lt_order_slot(fs->k.order), o, sizeof(o)),
			 ctx_name(c, fs->k.ctx),
			 gfp_is_nowarn(c->gfp, fs->k.gfp) ? "expected" : "warned", gfp);
		fprintf(f, "  %.77s\n", line);
		kept_stack(f, c, fs->k.stack, full);
	}
	if (i < n)
		fprintf(f, "  ... %u more\n", n - i);
}

void view_viol_stacks(FILE *f, const struct out_ctx *c,
		      const struct lt_snapshot *d, unsigned int max, bool full)
{
	static unsigned int idx[LT_MAX_VIOL_KEYS];
	unsigned int i, n = viol_stacks_top(d, idx);
	char owner[64], actor[64], line[256];
	const struct viol_stack *vs;

	if (!n)
		return;
	fprintf(f, "VIOLATION STACKS%s\n", full ? "" : " (most first)");
	for (i = 0; i < n && (!max || i < max); i++) {
		vs = &d->viol_stacks[idx[i]];
		party(owner, sizeof(owner), vs->k.owner_ctx, vs->k.owner,
		      owner_name_of(d, vs->k.owner_ctx, vs->k.owner));
		party(actor, sizeof(actor), vs->k.actor_ctx, vs->k.actor,
		      vs->k.actor_ctx == LT_TASK ? vs->v.actor_comm :
		      owner_name_of(d, vs->k.actor_ctx, vs->k.actor));
		snprintf(line, sizeof(line), "%10llu %s%s o%u owner %s by %s",
			 vs->v.count, kind_name(vs->k.kind),
			 vs->k.denied ? "(denied)" : "", vs->k.order, owner, actor);
		fprintf(f, "  %.77s\n", line);
		if (!full) {
			kept_stack(f, c, vs->k.actor_stack, false);
			continue;
		}
		fprintf(f, "    actor stack:\n");
		kept_stack(f, c, vs->k.actor_stack, true);
		fprintf(f, "    owner's allocation stack:%s\n",
			vs->k.owner_stack ? "" : c->owner_stacks ? " unknown" :
			" not walked without --owner-stacks");
		kept_stack(f, c, vs->k.owner_stack, true);
	}
	if (i < n)
		fprintf(f, "  ... %u more\n", n - i);
}

void view_final(FILE *f, const struct out_ctx *c, const struct lt_snapshot *cum,
		const struct run_info *ri)
{
	static const char *const names[3] = { "latency", "failures", "violations" };
	unsigned int key, order, cls, excl, ctx, i;
	struct out_ctx known = *c;
	char o[8];

	char first[32], why[256];

	fprintf(f, "\nSUMMARY over %.1f s\n", ri->seconds);
	for (i = 0; i < 3; i++) {
		snprintf(first, sizeof(first), "  %-10s ", names[i]);
		if (ri->src[i])
			fprintf(f, "%sfrom %s\n", first, ri->src[i]);
		else if (ri->why[i]) {
			snprintf(why, sizeof(why), "unavailable: %s", ri->why[i]);
			view_wrap(f, first, "             ", why, 79);
		}
	}
	view_report(f, c, cum, NULL, 0, 0);
	if (c->have_failures)
		view_fail_stacks(f, c, cum, 0, true);
	if (c->have_violations)
		view_viol_stacks(f, c, cum, 0, true);
	if (c->have_latency) {
		for (key = 0; key < LT_NR_KEYS; key++) {
			if (!hist_count(&cum->latency[key]))
				continue;
			lt_key_split(key, &order, &cls, &excl, &ctx);
			fprintf(f, "\norder %s, %s%s, %s:\n",
				order_label(order, o, sizeof(o)),
				gfp_class_name(cls), excl ? " exclusive" : "",
				ctx_name(c, ctx));
			hist_print(f, &cum->latency[key], "  ", "latency");
		}
	}
	if (c->have_violations && cum->owners) {
		const struct owner_table *t = cum->owners;
		char name[96];

		for (i = 0; i < t->n && i < VIEW_OWNER_HISTS; i++) {
			const struct owner_row *r = owners_at(t, i);

			if (!hist_count(&r->o.hold))
				continue;
			owner_row_format(r, name, sizeof(name));
			fprintf(f, "\nhold time of pages owned by %s:\n", name);
			hist_print(f, &r->o.hold, "  ", "held for");
		}
		if (t->n > VIEW_OWNER_HISTS)
			fprintf(f, "\n(hold times of %u more owners: --json has them)\n",
				t->n - VIEW_OWNER_HISTS);
	}
	if (c->have_violations) {
		known.ctx_known = true;
		for (i = 0; i < LT_NR_OWNER_CTX; i++) {
			if (!hist_count(&cum->hold[i]))
				continue;
			fprintf(f, "\nhold time of pages owned by %s context:\n",
				ctx_name(&known, i));
			hist_print(f, &cum->hold[i], "  ", "held for");
		}
	}
}

void view_wrap(FILE *f, const char *first, const char *indent,
	       const char *text, int width)
{
	const char *lead = first;
	int room, n, brk;

	while (*text) {
		room = width - (int)strlen(lead);
		if (room < 20)
			room = 20;
		n = strlen(text);
		if (n <= room) {
			fprintf(f, "%s%s\n", lead, text);
			return;
		}
		/* the last space that fits, or a hard cut */
		for (brk = room; brk > 0 && text[brk] != ' '; brk--)
			;
		if (!brk)
			brk = room;
		fprintf(f, "%s%.*s\n", lead, brk, text);
		text += brk;
		while (*text == ' ')
			text++;
		lead = indent;
	}
}

void view_repaint(FILE *tty, const char *frame, size_t len)
{
	size_t i;

	fputs("\033[H", tty);
	for (i = 0; i < len; i++) {
		if (frame[i] == '\n')
			fputs("\033[K", tty);
		fputc(frame[i], tty);
	}
	fputs("\033[J", tty);
	fflush(tty);
}
