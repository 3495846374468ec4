// SPDX-License-Identifier: GPL-2.0
/* NDJSON records, parsed back with json-c in strict mode. */
#include <json-c/json.h>
#include "test.h"
#include "gfp.h"
#include "hist.h"
#include "json_out.h"
#include "ksyms.h"

struct fixture {
	struct gfp_table gfp;
	struct ksyms *ks;
	struct out_ctx oc;
	struct mem m;
	json_object *lines[256];
	int n;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *dir = getenv("LABYTRACE_FIXTURES");
	char path[512];

	snprintf(path, sizeof(path), "%s/kallsyms", dir ? dir : "tests/fixtures");
	gfp_table_fallback(&fx->gfp, KVER(6, 12), true);	/* the patched kernel */
	fx->ks = ksyms_load(path);
	if (!fx->ks)
		return -1;
	fx->oc.gfp = &fx->gfp;
	fx->oc.ksyms = fx->ks;
	fx->oc.ctx_known = true;
	fx->oc.have_latency = fx->oc.have_failures = fx->oc.have_violations = true;
	fx->oc.mono_to_real_ns = 1700000000LL * 1000000000LL;
	fx->oc.vmemmap = 0xffffea0000000000ULL;
	fx->oc.page_size = 64;
	fx->oc.held_over_ns = 5000000000ULL;
	mem_open(&fx->m);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int i;

	for (i = 0; i < fx->n; i++)
		json_object_put(fx->lines[i]);
	if (fx->m.f)
		free(mem_close(&fx->m));
	ksyms_free(fx->ks);
	free(fx);
	return 0;
}

/* Every line one complete, strictly valid JSON object with a "type". */
static void parse_output(struct fixture *fx)
{
	char *out = mem_close(&fx->m), *line = out, *nl;
	json_tokener *tok = json_tokener_new();
	json_object *o, *type;

	fx->m.f = NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	while ((nl = strchr(line, '\n'))) {
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, line, nl - line);
		assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
		assert_int_equal(json_tokener_get_parse_end(tok), (size_t)(nl - line));
		assert_true(json_object_is_type(o, json_type_object));
		assert_true(json_object_object_get_ex(o, "type", &type));
		assert_true(json_object_is_type(type, json_type_string));
		assert_true(fx->n < 256);
		fx->lines[fx->n++] = o;
		line = nl + 1;
	}
	assert_string_equal(line, "");	/* nothing after the last newline */
	json_tokener_free(tok);
	free(out);
}

static json_object *get(json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	json_object *v = o;

	while (v && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path), path);
		if (!json_object_object_get_ex(v, key, &v))
			return NULL;
		path = dot ? dot + 1 : "";
	}
	return v;
}

static const char *str(json_object *o, const char *path)
{
	json_object *v = get(o, path);

	assert_non_null(v);
	return json_object_get_string(v);
}

static unsigned long long u(json_object *o, const char *path)
{
	json_object *v = get(o, path);

	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_uint64(v);
}

static void failure_event(struct lt_event *e)
{
	memset(e, 0, sizeof(*e));
	e->type = LT_EV_FAILURE;
	e->cpu = 3;
	e->ts_ns = 5000000000ULL;
	e->pid = 1234;
	e->tid = 1240;
	/* not UTF-8, with JSON's special characters */
	memcpy(e->comm, "nic\"rx\\\n\xff\x01q", 11);
	e->gfp = 0x2820;
	e->order = 2;
	e->ctx = LT_SOFTIRQ;
	e->stack[0] = 0xffffffffa0001040ULL;	/* BPF program */
	e->stack[1] = 0xffffffff81004010ULL;	/* bpf_trace_run4 */
	e->stack[2] = 0xffffffff81002080ULL;
	e->stack[3] = 0xffffffff81003020ULL;
	/* as the BPF side writes it: every frame, zeros after the last */
	e->stack_sz = sizeof(e->stack);
}

static void test_failure(void **state)
{
	struct fixture *fx = *state;
	struct lt_event e;
	json_object *o, *a;

	failure_event(&e);
	assert_int_equal(json_failure(fx->m.f, &fx->oc, &e), 0);
	e.latency_ns = 12345;
	e.gfp = 0xa20;
	e.stack_sz = -14;	/* -EFAULT from bpf_get_stack */
	assert_int_equal(json_failure(fx->m.f, &fx->oc, &e), 0);
	parse_output(fx);
	assert_int_equal(fx->n, 2);

	o = fx->lines[0];
	assert_string_equal(str(o, "type"), "failure");
	assert_string_equal(str(o, "time"), "2023-11-14T22:13:25.000Z");
	assert_string_equal(str(o, "ts"), "1700000005.000000");
	assert_int_equal(u(o, "cpu"), 3);
	assert_int_equal(u(o, "pid"), 1234);
	assert_int_equal(u(o, "tid"), 1240);
	assert_string_equal(str(o, "comm"), "nic\"rx\\???q");
	assert_string_equal(str(o, "context"), "softirq");
	assert_int_equal(u(o, "order"), 2);
	assert_string_equal(str(o, "gfp"), "0x2820");
	assert_string_equal(str(o, "gfp_flags"), "GFP_ATOMIC|__GFP_NOWARN");
	a = get(o, "gfp_names");
	assert_int_equal(json_object_array_length(a), 3);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 2)),
			    "__GFP_NOWARN");
	assert_string_equal(str(o, "class"), "atomic");
	assert_false(json_object_get_boolean(get(o, "exclusive")));
	/* a caller that expects to fail says so: */
	assert_true(json_object_get_boolean(get(o, "nowarn")));
	assert_null(get(o, "latency_ns"));
	a = get(o, "stack");
	/* the BPF program and bpf_trace_run4 are not shown */
	assert_int_equal(json_object_array_length(a), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 0)),
			    "__alloc_pages_noprof+0x80");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(a, 1)),
			    "alloc_pages_mpol+0x20");

	o = fx->lines[1];
	assert_int_equal(u(o, "latency_ns"), 12345);
	assert_true(json_object_get_boolean(get(o, "exclusive")));
	assert_false(json_object_get_boolean(get(o, "nowarn")));
	assert_string_equal(str(o, "gfp_flags"), "GFP_ATOMIC|__GFP_EXCLUSIVE");
	assert_int_equal(json_object_array_length(get(o, "stack")), 0);
}

static void test_failure_unknown_context(void **state)
{
	struct fixture *fx = *state;
	struct lt_event e;

	failure_event(&e);
	fx->oc.ctx_known = false;
	json_failure(fx->m.f, &fx->oc, &e);
	parse_output(fx);
	assert_string_equal(str(fx->lines[0], "context"), "unknown");
}

static void violation_event(struct lt_event *e)
{
	memset(e, 0, sizeof(*e));
	e->type = LT_EV_VIOLATION;
	e->cpu = 1;
	e->ts_ns = 9000000000ULL;
	e->pid = 77;
	e->tid = 78;
	strcpy(e->comm, "intruder");
	e->order = 0;
	e->page = 0xffffea0000000000ULL + 0x12345 * 64;
	e->owner = 3;
	e->owner_ctx = LT_SOFTIRQ;
	e->actor = 77;
	e->actor_ctx = LT_TASK;
	e->kind = LT_KIND_GUP;
	e->denied = 1;
	e->owner_known = 1;
	e->owner_since_ns = 6000000000ULL;
	e->gfp = 0xa20;
	e->owner_stack = 5;
	e->stack[0] = 0xffffffff81003020ULL;
	e->stack_sz = sizeof(e->stack[0]);
}

static void test_violation(void **state)
{
	struct fixture *fx = *state;
	unsigned long long ostack[2] = { 0xffffffff81002080ULL, 0xffffffffc0200404ULL };
	struct lt_event e;
	json_object *o;

	violation_event(&e);
	json_violation(fx->m.f, &fx->oc, &e, ostack, 2);
	/* a task owner, unknown stack, no pfn calibration */
	e.owner_ctx = LT_TASK;
	e.owner = 500;
	strcpy(e.owner_comm, "owner");
	e.owner_known = 0;
	fx->oc.vmemmap = 0;
	json_violation(fx->m.f, &fx->oc, &e, NULL, 0);
	parse_output(fx);

	o = fx->lines[0];
	assert_string_equal(str(o, "type"), "violation");
	assert_int_equal(u(o, "pfn"), 0x12345);
	assert_string_equal(str(o, "page"), "0xffffea000048d140");
	assert_string_equal(str(o, "kind"), "gup");
	assert_true(json_object_get_boolean(get(o, "denied")));
	assert_string_equal(str(o, "owner.context"), "softirq");
	assert_int_equal(u(o, "owner.cpu"), 3);
	assert_null(get(o, "owner.pid"));
	assert_string_equal(str(o, "actor.context"), "task");
	assert_int_equal(u(o, "actor.pid"), 77);
	assert_int_equal(u(o, "actor.tid"), 78);
	assert_string_equal(str(o, "actor.comm"), "intruder");
	assert_int_equal(u(o, "held_ns"), 3000000000ULL);
	assert_string_equal(str(o, "gfp_flags"), "GFP_ATOMIC|__GFP_EXCLUSIVE");
	assert_int_equal(json_object_array_length(get(o, "actor_stack")), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
				get(o, "owner_stack"), 1)), "mod_other+0x4 [nfs]");

	o = fx->lines[1];
	assert_true(json_object_is_type(get(o, "pfn"), json_type_null));
	assert_true(json_object_is_type(get(o, "owner_stack"), json_type_null));
	assert_string_equal(str(o, "owner.comm"), "owner");
	assert_int_equal(u(o, "owner.pid"), 500);
	assert_null(get(o, "held_ns"));
}

static void test_latency_and_summary(void **state)
{
	struct fixture *fx = *state;
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct run_info ri = { .seconds = 1.0 };
	unsigned int k1 = lt_key(0, LT_ATOMIC, 0, LT_SOFTIRQ);
	unsigned int k2 = lt_key(3, LT_MAYSLEEP, 0, LT_TASK);
	json_object *o, *b, *r;
	int i;

	s->ts_ns = 7000000000ULL;
	for (i = 0; i < 99; i++)
		hist_add_value(&s->latency[k1], 300);
	hist_add_value(&s->latency[k1], 1ULL << 40);	/* open-ended bucket */
	hist_add_value(&s->latency[k2], 20000);
	s->counts[lt_count_key(k1, 0)].allocs = 100;
	s->counts[lt_count_key(k1, 0)].fails = 2;
	s->counts[lt_count_key(k1, 1)].allocs = 8;
	s->counts[lt_count_key(k1, 1)].fails = 5;
	s->counts[lt_count_key(k2, 0)].allocs = 1;
	s->violations[LT_KIND_MAP][1] = 4;
	s->violations[LT_KIND_FREE][0] = 1;
	s->stats[LT_STAT_ACQUIRE] = 10;
	s->held_now = 3;

	json_latency(fx->m.f, &fx->oc, s, &ri);
	json_lost(fx->m.f, &fx->oc, s);		/* nothing lost: no line */
	json_summary(fx->m.f, &fx->oc, s, &ri);
	/* records dropped, no event lost: no line */
	s->stats[LT_STAT_RB_FULL_FAILURE] = 7;
	s->stats[LT_STAT_VIOL_UNRECORDED] = 40;
	json_lost(fx->m.f, &fx->oc, s);
	s->bpf_misses = 1;
	s->stats[LT_STAT_VIOL_UNAGGREGATED] = 2;
	json_lost(fx->m.f, &fx->oc, s);
	ri.final = true;
	ri.seconds = 12.5;
	fx->oc.recursion_per_ctx = true;
	ri.src[0] = "tracepoint kmem:mm_page_alloc_latency";
	ri.why[2] = "no page_exclusive tracepoints";
	json_summary(fx->m.f, &fx->oc, s, &ri);
	parse_output(fx);
	assert_int_equal(fx->n, 5);

	o = fx->lines[0];
	assert_string_equal(str(o, "type"), "latency");
	assert_int_equal(u(o, "order"), 0);
	assert_string_equal(str(o, "class"), "atomic");
	assert_string_equal(str(o, "context"), "softirq");
	assert_int_equal(u(o, "count"), 100);
	assert_int_equal(u(o, "p50_ns"), 512);
	assert_int_equal(u(o, "p99_ns"), 512);
	assert_int_equal(u(o, "p999_ns"), 1ULL << 40);
	assert_int_equal(u(o, "max_ns"), 1ULL << 40);
	b = get(o, "buckets");
	assert_int_equal(json_object_array_length(b), 2);
	assert_int_equal(u(json_object_array_get_idx(b, 0), "le_ns"), 512);
	assert_int_equal(u(json_object_array_get_idx(b, 0), "count"), 99);
	assert_int_equal(u(json_object_array_get_idx(b, 1), "le_ns"), 1ULL << 40);
	assert_int_equal(u(fx->lines[1], "order"), 3);

	o = fx->lines[2];
	assert_string_equal(str(o, "type"), "summary");
	assert_false(json_object_get_boolean(get(o, "final")));
	assert_int_equal(u(o, "allocs"), 109);
	assert_int_equal(u(o, "failures"), 7);
	assert_int_equal(u(o, "failures_warned"), 2);
	assert_int_equal(u(o, "failures_nowarn"), 5);
	assert_string_equal(str(o, "failure_rate"), "0.0642202");
	/* one row per order, class, context and NOWARN, most failures first */
	assert_int_equal(json_object_array_length(get(o, "classes")), 3);
	r = json_object_array_get_idx(get(o, "classes"), 0);
	assert_int_equal(u(r, "order"), 0);
	assert_true(json_object_get_boolean(get(r, "nowarn")));
	assert_int_equal(u(r, "allocs"), 8);
	assert_int_equal(u(r, "failures"), 5);
	r = json_object_array_get_idx(get(o, "classes"), 2);
	assert_int_equal(u(r, "order"), 3);
	assert_false(json_object_get_boolean(get(r, "nowarn")));
	assert_string_equal(str(r, "class"), "may-sleep");
	assert_int_equal(u(o, "violations.map.count"), 4);
	assert_int_equal(u(o, "violations.map.denied"), 4);
	assert_int_equal(u(o, "violations.free.count"), 1);
	assert_int_equal(u(o, "exclusive.acquired"), 10);
	assert_int_equal(u(o, "exclusive.held_now"), 3);
	assert_int_equal(u(o, "lost.total"), 0);
	assert_int_equal(u(o, "dropped.total"), 0);
	assert_int_equal(u(o, "violations_unrecorded"), 0);
	assert_null(get(o, "sources"));

	/* lost events only: dropped records are not */
	o = fx->lines[3];
	assert_string_equal(str(o, "type"), "lost");
	assert_int_equal(u(o, "total"), 3);
	assert_int_equal(u(o, "bpf_recursion_misses"), 1);
	assert_int_equal(u(o, "violation_unaggregated"), 2);
	assert_null(get(o, "ringbuf_full_failure"));

	o = fx->lines[4];
	assert_true(json_object_get_boolean(get(o, "final")));
	assert_string_equal(str(o, "duration_s"), "12.500");
	assert_string_equal(str(o, "sources.latency"), "tracepoint kmem:mm_page_alloc_latency");
	assert_string_equal(str(o, "unavailable.violations"), "no page_exclusive tracepoints");
	assert_true(json_object_get_boolean(get(o, "recursion_per_context")));
	assert_int_equal(u(o, "lost.total"), 3);
	assert_int_equal(u(o, "dropped.total"), 7);
	assert_int_equal(u(o, "dropped.ringbuf_full_failure"), 7);
	assert_int_equal(u(o, "dropped.ringbuf_full_violation"), 0);
	assert_int_equal(u(o, "violations_unrecorded"), 40);
	free(s);
}

/* --no-rates: failures without allocations or rates, in the summary and its rows. */
static void test_summary_without_rates(void **state)
{
	struct fixture *fx = *state;
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct run_info ri = { .seconds = 1.0 };
	unsigned int k = lt_key(3, LT_ATOMIC, 0, LT_SOFTIRQ);
	json_object *o, *r;

	fx->oc.have_latency = fx->oc.have_violations = false;
	fx->oc.no_rates = true;
	s->counts[lt_count_key(k, 0)].fails = 2;
	json_summary(fx->m.f, &fx->oc, s, &ri);
	parse_output(fx);
	assert_int_equal(fx->n, 1);
	o = fx->lines[0];
	assert_int_equal(u(o, "failures"), 2);
	assert_null(get(o, "allocs"));
	assert_null(get(o, "failure_rate"));
	assert_int_equal(json_object_array_length(get(o, "classes")), 1);
	r = json_object_array_get_idx(get(o, "classes"), 0);
	assert_int_equal(u(r, "order"), 3);
	assert_int_equal(u(r, "failures"), 2);
	assert_null(get(r, "allocs"));
	assert_null(get(r, "rate"));
	free(s);
}

static void test_held(void **state)
{
	struct fixture *fx = *state;
	struct held_page hp = {
		.page = 0xffffea0000000000ULL + 640,
		.age_ns = 7000000000ULL,
		.h = { .since_ns = 1000000000ULL, .gfp = 0xa20, .owner = 42,
		       .ctx = LT_TASK, .order = 1, .stack = 3, .comm = "rxd" },
	};
	json_object *o;

	json_held(fx->m.f, &fx->oc, &hp, NULL, 0);
	parse_output(fx);
	o = fx->lines[0];
	assert_string_equal(str(o, "type"), "held");
	assert_int_equal(u(o, "pfn"), 10);
	assert_int_equal(u(o, "held_ns"), 7000000000ULL);
	assert_string_equal(str(o, "owner.comm"), "rxd");
	assert_string_equal(str(o, "time"), "2023-11-14T22:13:28.000Z");
}

/*
 * Owner objects: by id and name in a violation (owner and actor), in a
 * held page (its name from the owners table), and in the owner records.
 */
static void test_owners(void **state)
{
	struct fixture *fx = *state;
	struct owner_table *t = calloc(1, sizeof(*t));
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct run_info ri = { .seconds = 1.0 };
	struct held_page hp = {
		.page = 0xffffea0000000000ULL + 640, .age_ns = 7000000000ULL,
		.h = { .since_ns = 1000000000ULL, .owner = 7, .ctx = LT_OBJECT },
	};
	struct owner_row *r;
	struct lt_event e;
	json_object *o;
	unsigned int i;

	assert_non_null(t);
	assert_non_null(s);
	for (i = 0; i < JSON_OWNERS_MAX + 1; i++) {
		r = &t->rows[t->n++];
		r->key = lt_owner_key(i ? LT_TASK : LT_OBJECT, i ? 100 + (int)i : 7);
		strcpy(r->o.name, i ? "worker" : "e2e rx0");
		r->o.acquired = 1000 - i;
	}
	r = &t->rows[0];
	r->o.released = 990;
	r->o.xfer_out = 2;
	r->o.violations[LT_KIND_FREE] = 3;
	r->o.violations[LT_KIND_LEAK] = 1;
	hist_add_value(&r->o.hold, 2000000);
	owners_sort_key(t);
	owners_add_held(t, LT_OBJECT, 7, 0, 7000000000ULL);
	owners_sort_view(t);
	s->owners = fx->oc.owners = t;

	violation_event(&e);
	e.owner_ctx = LT_OBJECT;
	e.owner = 7;
	strcpy(e.owner_name, "e2e rx0");
	e.actor_ctx = LT_OBJECT;
	e.actor = 8;
	strcpy(e.actor_name, "e2e \"rx1\"");
	e.kind = LT_KIND_LEAK;
	json_violation(fx->m.f, &fx->oc, &e, NULL, 0);
	json_held(fx->m.f, &fx->oc, &hp, NULL, 0);
	json_owners(fx->m.f, &fx->oc, s, &ri);
	ri.final = true;
	json_owners(fx->m.f, &fx->oc, s, &ri);
	json_summary(fx->m.f, &fx->oc, s, &ri);
	parse_output(fx);

	o = fx->lines[0];
	assert_string_equal(str(o, "kind"), "leak");
	assert_string_equal(str(o, "owner.context"), "object");
	assert_int_equal(u(o, "owner.id"), 7);
	assert_string_equal(str(o, "owner.name"), "e2e rx0");
	assert_null(get(o, "owner.cpu"));
	assert_string_equal(str(o, "actor.context"), "object");
	assert_string_equal(str(o, "actor.name"), "e2e \"rx1\"");
	o = fx->lines[1];
	assert_string_equal(str(o, "type"), "held");
	assert_string_equal(str(o, "owner.name"), "e2e rx0");
	/* an interval lists JSON_OWNERS_MAX owners, most held first */
	o = fx->lines[2];
	assert_string_equal(str(o, "type"), "owner");
	assert_false(json_object_get_boolean(get(o, "final")));
	assert_string_equal(str(o, "label"), "e2e rx0 (object 7)");
	assert_string_equal(str(o, "owner.name"), "e2e rx0");
	assert_int_equal(u(o, "held"), 1);
	assert_int_equal(u(o, "oldest_held_ns"), 7000000000ULL);
	assert_int_equal(u(o, "acquired"), 1000);
	assert_int_equal(u(o, "released"), 990);
	assert_int_equal(u(o, "transferred_out"), 2);
	assert_int_equal(u(o, "violations.free"), 3);
	assert_int_equal(u(o, "violations.leak"), 1);
	assert_int_equal(u(o, "violations.total"), 4);
	assert_int_equal(u(o, "hold.count"), 1);
	assert_string_equal(str(fx->lines[3], "label"), "task:101(worker)");
	assert_string_equal(str(fx->lines[2 + JSON_OWNERS_MAX], "type"), "owner");
	assert_true(json_object_get_boolean(get(fx->lines[2 + JSON_OWNERS_MAX], "final")));
	/* the final one lists them all, and the summary says how many */
	o = fx->lines[fx->n - 1];
	assert_string_equal(str(o, "type"), "summary");
	assert_int_equal(fx->n, 2 + JSON_OWNERS_MAX + JSON_OWNERS_MAX + 1 + 1);
	assert_int_equal(u(o, "exclusive.owners"), JSON_OWNERS_MAX + 1);
	assert_int_equal(u(o, "exclusive.owners_listed"), JSON_OWNERS_MAX + 1);
	fx->oc.owners = NULL;
	free(s);
	free(t);
}

static void test_write_error(void **state)
{
	struct fixture *fx = *state;
	struct lt_event e;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	failure_event(&e);
	assert_int_equal(json_failure(f, &fx->oc, &e), -1);
	fclose(f);
}

/* A stack kept in the kernel: key 7 is a failure under alloc_pages_mpol(). */
static int fake_stack(void *arg, unsigned long long key, unsigned long long *ip)
{
	if (key != 7)
		return 0;
	ip[0] = 0xffffffff81002080ULL;	/* __alloc_pages_noprof+0x80 */
	ip[1] = 0xffffffff81003020ULL;	/* alloc_pages_mpol+0x20 */
	return 2;
}

/* Failures counted by stack in the kernel: one line each, most first. */
static void test_fail_stacks(void **state)
{
	struct fixture *fx = *state;
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct run_info ri = { .final = true, .seconds = 60 };
	json_object *o;

	fx->oc.stack = fake_stack;
	s->fail_stacks[0] = (struct fail_stack){
		{ .stack = 7, .gfp = 0x2820, .order = 0, .ctx = LT_SOFTIRQ }, 3 };
	s->fail_stacks[1] = (struct fail_stack){
		{ .stack = 7, .gfp = 0x140cca, .order = 3, .ctx = LT_TASK }, 58 };
	s->nr_fail_stacks = 2;
	assert_int_equal(json_fail_stacks(fx->m.f, &fx->oc, s, &ri), 0);
	parse_output(fx);
	assert_int_equal(fx->n, 2);
	o = fx->lines[0];
	assert_string_equal(str(o, "type"), "failure_stack");
	assert_true(json_object_get_boolean(get(o, "final")));
	assert_string_equal(str(o, "duration_s"), "60.000");
	assert_int_equal(u(o, "count"), 58);
	assert_int_equal(u(o, "order"), 3);
	assert_string_equal(str(o, "gfp_flags"), "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	assert_false(json_object_get_boolean(get(o, "nowarn")));
	assert_string_equal(str(o, "class"), "may-sleep");
	assert_string_equal(str(o, "context"), "task");
	assert_int_equal(json_object_array_length(get(o, "stack")), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(get(o, "stack"), 1)),
			    "alloc_pages_mpol+0x20");
	o = fx->lines[1];
	assert_int_equal(u(o, "count"), 3);
	assert_true(json_object_get_boolean(get(o, "nowarn")));
	assert_string_equal(str(o, "context"), "softirq");
	free(s);
}

/*
 * Violations counted by kind, owner, actor and stacks: one line each, most
 * first, the owner object named from the owners table, a task actor by
 * the comm kept with its first violation, an unknown owner stack null.
 */
static void test_viol_stacks(void **state)
{
	struct fixture *fx = *state;
	struct lt_snapshot *s = calloc(1, sizeof(*s));
	struct owner_table *t = calloc(1, sizeof(*t));
	struct run_info ri = { .seconds = 1 };
	json_object *o;

	fx->oc.stack = fake_stack;
	t->rows[t->n].key = lt_owner_key(LT_OBJECT, 1);
	strcpy(t->rows[t->n++].o.name, "eth0 rx0");
	owners_sort_key(t);
	fx->oc.owners = t;
	s->viol_stacks[0] = (struct viol_stack){
		{ .actor_stack = 7, .owner_stack = 7, .owner = 1, .actor = 300,
		  .owner_ctx = LT_OBJECT, .actor_ctx = LT_TASK,
		  .kind = LT_KIND_FREE }, { 5833, "curl" } };
	s->viol_stacks[1] = (struct viol_stack){
		{ .actor_stack = 7, .owner = 400, .actor = 2,
		  .owner_ctx = LT_TASK, .actor_ctx = LT_SOFTIRQ,
		  .kind = LT_KIND_MAP, .denied = 1, .order = 2 }, { 3, "" } };
	s->nr_viol_stacks = 2;
	viol_stacks_sort(s->viol_stacks, 2);
	assert_int_equal(json_viol_stacks(fx->m.f, &fx->oc, s, &ri), 0);
	parse_output(fx);
	assert_int_equal(fx->n, 2);
	o = fx->lines[0];
	assert_string_equal(str(o, "type"), "violation_stack");
	assert_false(json_object_get_boolean(get(o, "final")));
	assert_string_equal(str(o, "interval_s"), "1.000");
	assert_int_equal(u(o, "count"), 5833);
	assert_string_equal(str(o, "kind"), "free");
	assert_false(json_object_get_boolean(get(o, "denied")));
	assert_string_equal(str(o, "owner.context"), "object");
	assert_int_equal(u(o, "owner.id"), 1);
	assert_string_equal(str(o, "owner.name"), "eth0 rx0");
	assert_string_equal(str(o, "actor.context"), "task");
	assert_int_equal(u(o, "actor.pid"), 300);
	assert_string_equal(str(o, "actor.comm"), "curl");
	assert_int_equal(json_object_array_length(get(o, "actor_stack")), 2);
	assert_int_equal(json_object_array_length(get(o, "owner_stack")), 2);
	o = fx->lines[1];
	assert_int_equal(u(o, "count"), 3);
	assert_string_equal(str(o, "kind"), "map");
	assert_true(json_object_get_boolean(get(o, "denied")));
	assert_int_equal(u(o, "order"), 2);
	assert_int_equal(u(o, "owner.pid"), 400);
	assert_null(get(o, "owner.comm"));
	assert_string_equal(str(o, "actor.context"), "softirq");
	assert_int_equal(u(o, "actor.cpu"), 2);
	assert_true(json_object_object_get_ex(o, "owner_stack", NULL));
	assert_null(get(o, "owner_stack"));
	fx->oc.owners = NULL;
	free(t);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_unknown_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_violation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency_and_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_without_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owners, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_stacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_viol_stacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
