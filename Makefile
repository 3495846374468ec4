# SPDX-License-Identifier: GPL-2.0
#
# Labyrinth: __GFP_EXCLUSIVE for Linux 7.3 (and its 6.12.y LTS branch), and labytrace.
#
#   make              labytrace and the BPF objects
#   make check        everything, tested: deps, unit tests, exporters, the
#                     patched 7.3 kernel (every VM test), and the 6.12.y
#                     branch applied to its base with what it touches built
#   make check-lts    the 6.12.y branch's kernel booted: KUnit, the kselftest
#                     and the virtio_net download (a second debug kernel, 23
#                     minutes cold on 2 cores: not in CI's hour)
#   make demo         boot the patched kernel and watch labytrace live
#   make kernel-tree  build/linux = the base patches/BASE pins + patches/
#                     (KSRC=tarball|dir|git for another tree of that line)
#   make patches      export build/linux's commits back to patches/
#   make check-bases  does the series apply to every base version Debian serves?
#   make kernel       build/kernel-test (debug) ; make kernel-bench (no debug)
#                     make kernel-bench-off (no debug, CONFIG_PAGE_EXCLUSIVE=n)
#   make bench        overhead benchmarks (not part of check)
#
# BASE=6.12.y: the same for the LTS branch, patches/6.12.y/: kernel-tree,
# patches, kernel-test, kselftests, check-bases and check-rt work on
# build/linux-6.12.y and build/kernel-*-6.12.y (scripts/base-line.sh).
#
# Quiet by default; V=1 shows the commands.

TOP := $(abspath .)
BUILD := $(TOP)/build
# Empty: the exact Debian version patches/BASE names (scripts/fetch-base).
KSRC ?=

# The line of the series: empty (or the primary line, 7.3) for patches/ and
# build/linux; 6.12.y for patches/6.12.y/ and build/linux-6.12.y.
BASE ?=
LTS_LINE := 6.12.y
PRIMARY_LINE := $(shell awk '!/^[[:space:]]*(\#|$$)/ { sub(/\.[0-9]+$$/, "", $$1); print $$1; exit }' patches/BASE)
KSUFFIX := $(if $(filter-out $(PRIMARY_LINE) $(PRIMARY_LINE).y,$(BASE)),-$(BASE:%.y=%).y)
export LABYRINTH_BASE := $(BASE)
LINUX := $(BUILD)/linux$(KSUFFIX)
KTEST := $(BUILD)/kernel-test$(KSUFFIX)
KBENCH := $(BUILD)/kernel-bench
VMRUN := $(TOP)/selftests/vmrun
VM_TIMEOUT ?= 2400
CLANG ?= clang

# Stages log their output into build/results/ for the closing summary;
# pipefail so that tee does not hide a failure.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
RESULTS := $(BUILD)/results

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif
export V

HAVE_LABYTRACE := $(wildcard tools/labytrace/Makefile)
# CLANG_BPF_SYS_INCLUDES, for the test XDP program.
include scripts/bpf-tool.mk

.DELETE_ON_ERROR:
.PHONY: all deps kernel-tree patches check-bases newest-base base-check kernel kernel-rt check-rt check-holders-on kernel-test kernel-bench kernel-bench-off pair-bench tools \
	labytrace unit-test host-check exporters-check kselftests vm-check lts-series check-lts vm-check-short guest-build check-clean check bench demo install clean

all: tools

deps:
	$(Q)scripts/install-deps

# --- kernel ------------------------------------------------------------------
kernel-tree: deps
	$(Q)scripts/kernel-tree $(KSRC)

patches:
	$(Q)scripts/export-patches

# Every version of the base's line that Debian serves: does the series
# apply, do the directories it touches build?  The README's table.
check-bases: deps
	$(Q)scripts/check-bases patches/BASE
	$(Q)scripts/check-bases patches/$(LTS_LINE)/BASE

kernel: kernel-test

kernel-test: kernel-tree
	$(Q)scripts/build-kernel test

kernel-bench: kernel-tree
	$(Q)scripts/build-kernel bench

# --- user space ----------------------------------------------------------------
tools: deps labytrace
	$(Q)$(MAKE) -C selftests/tp_count OUTPUT=$(BUILD)/selftests
	$(Q)$(MAKE) -C selftests/nest_contexts OUTPUT=$(BUILD)/selftests

labytrace: deps
ifneq ($(HAVE_LABYTRACE),)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace
endif

unit-test: deps
ifneq ($(HAVE_LABYTRACE),)
	$(Q)mkdir -p $(RESULTS)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace test | tee $(RESULTS)/unit.log
endif

# labytrace against this machine's own (stock) kernel; skips itself when the
# kernel does not allow BPF here.
host-check: tools
ifneq ($(HAVE_LABYTRACE),)
	$(Q)mkdir -p $(RESULTS)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace host-check | tee $(RESULTS)/host.log
endif

# labytrace's Prometheus outputs read by Debian's node_exporter and
# prometheus, on loopback; skips itself as host-check does.
exporters-check: tools
ifneq ($(HAVE_LABYTRACE),)
	$(Q)mkdir -p $(RESULTS)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace exporters-check | tee $(RESULTS)/exporters.log
endif

# --- tests in the VM -----------------------------------------------------------
# The mm kselftest and its wrapper, built from build/linux with its own Makefile.
KSELFTESTS := $(BUILD)/selftests$(KSUFFIX)
KSELFTEST_MM := $(KSELFTESTS)/mm

kselftests: kernel-tree
	$(Q)mkdir -p $(KSELFTEST_MM)
	$(Q)$(MAKE) -C $(LINUX)/tools/testing/selftests/mm -s \
		OUTPUT=$(KSELFTEST_MM) $(KSELFTEST_MM)/page_exclusive_tests
	$(Q)cp $(LINUX)/tools/testing/selftests/mm/test_page_exclusive.sh $(KSELFTEST_MM)/
	$(Q)mkdir -p $(KSELFTESTS)/e2e
	$(Q)echo "  CC      $(KSELFTESTS:$(TOP)/%=%)/e2e/pex_workload"
	$(Q)$(CC) -O2 -Wall -Wextra -I$(LINUX) -o $(KSELFTESTS)/e2e/pex_workload \
		selftests/e2e/pex_workload.c
	$(Q)mkdir -p $(KSELFTESTS)/net
	$(Q)echo "  CLANG   $(KSELFTESTS:$(TOP)/%=%)/net/xdp_pass.bpf.o"
	$(Q)$(CLANG) -O2 -g -target bpf $(CLANG_BPF_SYS_INCLUDES) -c selftests/net/xdp_pass.bpf.c \
		-o $(KSELFTESTS)/net/xdp_pass.bpf.o

# A boot costs ~20 s under TCG, so each boot runs a batch: one with tracking
# on and owner stacks (page_exclusive=report,stacks, so that the cases on
# stacks run too), one with it off.  boot-checks boots the default, report
# without owner stacks.  The console goes to
# $(BUILD)/vm-*.log and any kernel splat fails the run.
VM_RUN = $(VMRUN) --kernel $(KTEST)/arch/x86/boot/bzImage --timeout $(VM_TIMEOUT) \
	--rwdir $(BUILD)

# The guests download from the host: files served on 127.0.0.1 only.
SERVE = selftests/net/serve-blobs $(BUILD)/net --

# The on and off boots run side by side: each keeps about one of the
# host's cores busy (TCG), and neither's verdict depends on speed.  The off
# boot's log is shown when both are done.
vm-check: kernel-test tools kselftests
	$(Q)mkdir -p $(RESULTS)
	$(Q)echo "  VM      boot checks: vmrun's canaries, page_exclusive=enforce"
	$(Q)selftests/boot-checks $(KTEST)/arch/x86/boot/bzImage | tee $(RESULTS)/boot-checks.log
	$(Q)echo "  VM      guest-tests on and off, side by side (consoles: build/vm-on.log, build/vm-off.log)"
	$(Q)$(SERVE) $(VM_RUN) --net --log $(BUILD)/vm-off.log \
		-- $(TOP)/selftests/guest-tests $(BUILD) off >$(RESULTS)/guest-off.log 2>&1 & off=$$!; \
	$(SERVE) $(VM_RUN) --net --log $(BUILD)/vm-on.log --append page_exclusive=report,stacks \
		-- $(TOP)/selftests/guest-tests $(BUILD) on | tee $(RESULTS)/guest-on.log; on=$$?; \
	wait $$off; off=$$?; \
	echo "  VM      guest-tests off (console: build/vm-off.log)"; \
	cat $(RESULTS)/guest-off.log; \
	[ $$on -eq 0 ] && [ $$off -eq 0 ]

# Another line's guest (BASE=6.12.y) sees build/guest-6.12.y/ as its build
# directory: that line's kernels and selftests, the one labytrace and file
# server, and results of its own.
GUEST_BUILD := $(if $(KSUFFIX),$(BUILD)/guest$(KSUFFIX),$(BUILD))

guest-build:
ifneq ($(KSUFFIX),)
	$(Q)mkdir -p $(GUEST_BUILD)/results
	$(Q)for d in kernel-test kernel-rt selftests; do ln -sfn ../$$d$(KSUFFIX) $(GUEST_BUILD)/$$d; done
	$(Q)for d in labytrace net; do ln -sfn ../$$d $(GUEST_BUILD)/$$d; done
endif

# The LTS branch (patches/6.12.y/) in make check: every patch applies to its
# pinned base and what the series touches builds.  make check starts it at
# nice 19; it finishes during the 7.3 kernel build, on the time that build's
# single-threaded link and BTF steps leave (1.8 min more on a cold run).
lts-series: deps
	$(Q)mkdir -p $(RESULTS)
	$(Q)echo "  LTS     patches/$(LTS_LINE): applies to its base, what it touches builds"
	$(Q)scripts/tests/lts-series.sh $(LTS_LINE) >$(RESULTS)/lts.log

# The LTS branch booted, in one boot: KUnit, the kselftest and the
# virtio_net download counted exactly by labytrace.  Not in make check: its
# debug kernel alone takes 23 minutes to build cold on CI's two cores, and
# with it make check took 81 minutes on a fresh machine.  Run it before a
# change to the branch lands.
check-lts:
	$(Q)$(MAKE) BASE=$(LTS_LINE) vm-check-short
	$(Q)scripts/summarize-tests --layers guest-short-$(LTS_LINE) $(RESULTS)

vm-check-short: kernel-test tools kselftests guest-build
	$(Q)mkdir -p $(RESULTS)
	$(Q)echo "  VM      guest-tests short, Linux $(BASE) (console: build/vm-short$(KSUFFIX).log)"
	$(Q)$(SERVE) $(VM_RUN) --net --log $(BUILD)/vm-short$(KSUFFIX).log --append page_exclusive=report,stacks \
		-- $(TOP)/selftests/guest-tests $(GUEST_BUILD) short | tee $(RESULTS)/guest-short$(KSUFFIX).log

# The README's first command: everything built, then ~2 minutes of labytrace
# watching real traffic through virtio_net and a veth page_pool.  On a
# terminal labytrace draws its live screen; into a pipe, a log.
demo: kernel-test tools kselftests
	$(Q)live=never; [ -t 1 ] && live=always; \
	$(SERVE) $(VMRUN) --net --kernel $(KTEST)/arch/x86/boot/bzImage --timeout 900 --rwdir $(BUILD) \
		--log $(BUILD)/vm-demo.log --append page_exclusive=report,stacks \
		-- $(TOP)/selftests/demo.sh $(BUILD) $$live

# Overhead, in the benchmark kernel (no debug options): five boots, tracking
# off (every tracer in turn), page_exclusive=report,stacks (every owner
# stack), report,stacks=64 (one in 64), report (no owner stacks, the
# default), and build/kernel-bench-off, built without CONFIG_PAGE_EXCLUSIVE;
# each also measures per received packet (selftests/net/bench-net.sh),
# through veth's page_pool and through virtio_net downloading from the
# host.  Then two short boots, of 2 and 8 GiB, time destroying an owner
# that still owns pages (selftests/bench-destroy.sh).  BENCH_RUNS rounds,
# configurations alternating.  The guests count instructions (vmrun
# --icount), which repeat to well under 1%, so three rounds are enough.
# Not part of check: cost never decides a test.
BENCH_RUNS ?= 3
BENCH_ITERATIONS ?= 20000
KBENCH_OFF := $(BUILD)/kernel-bench-off
# pair_bench is an out-of-tree module: it taints the guest with O (bit 12).
BENCH_RUN = $(SERVE) $(VMRUN) --icount --timeout 2400 --rwdir $(BUILD) --net \
	--allow-taint $$((1 << 12))
BENCH_GUEST = $(TOP)/selftests/bench.sh $(BUILD) $(1) $(BENCH_RUNS) $(BENCH_ITERATIONS) \
	'&&' $(TOP)/selftests/net/bench-net.sh $(BUILD) $(1) $(BENCH_RUNS)

kernel-bench-off: kernel-tree
	$(Q)scripts/build-kernel bench-off

# selftests/pair_bench, out of tree, for each benchmark kernel.
pair-bench: kernel-bench kernel-bench-off
	$(Q)for k in bench bench-off; do \
		mkdir -p $(BUILD)/pair_bench/$$k && \
		cp selftests/pair_bench/pair_bench.c selftests/pair_bench/Kbuild $(BUILD)/pair_bench/$$k/ && \
		echo "  MODULE  build/pair_bench/$$k/pair_bench.ko" && \
		$(MAKE) -s -C $(BUILD)/kernel-$$k M=$(BUILD)/pair_bench/$$k modules || exit 1; \
	done

bench: kernel-bench kernel-bench-off pair-bench tools kselftests
	$(Q)scripts/install-deps scripts/debian-packages.bench
	$(Q)mkdir -p $(RESULTS)
	$(Q)rm -f $(RESULTS)/bench-net.tsv
	$(Q)echo "  BENCH   tracking off, every tracer, then per packet (console: build/vm-bench-off.log)"
	$(Q)$(BENCH_RUN) --kernel $(KBENCH)/arch/x86/boot/bzImage --log $(BUILD)/vm-bench-off.log \
		-- $(call BENCH_GUEST,off)
	$(Q)echo "  BENCH   page_exclusive=report,stacks, then per packet (console: build/vm-bench-report.log)"
	$(Q)$(BENCH_RUN) --kernel $(KBENCH)/arch/x86/boot/bzImage --log $(BUILD)/vm-bench-report.log \
		--append page_exclusive=report,stacks -- $(call BENCH_GUEST,report)
	$(Q)echo "  BENCH   page_exclusive=report,stacks=64, then per packet (console: build/vm-bench-sampled.log)"
	$(Q)$(BENCH_RUN) --kernel $(KBENCH)/arch/x86/boot/bzImage --log $(BUILD)/vm-bench-sampled.log \
		--append page_exclusive=report,stacks=64 -- $(call BENCH_GUEST,sampled)
	$(Q)echo "  BENCH   page_exclusive=report (no owner stacks), then per packet (console: build/vm-bench-nostacks.log)"
	$(Q)$(BENCH_RUN) --kernel $(KBENCH)/arch/x86/boot/bzImage --log $(BUILD)/vm-bench-nostacks.log \
		--append page_exclusive=report -- $(call BENCH_GUEST,nostacks)
	$(Q)echo "  BENCH   CONFIG_PAGE_EXCLUSIVE=n, then per packet (console: build/vm-bench-notbuilt.log)"
	$(Q)$(BENCH_RUN) --kernel $(KBENCH_OFF)/arch/x86/boot/bzImage --log $(BUILD)/vm-bench-notbuilt.log \
		-- $(call BENCH_GUEST,notbuilt)
	$(Q)for mem in 2 8; do \
		echo "  BENCH   owner destroy, $${mem} GiB guest (console: build/vm-bench-destroy-$${mem}g.log)"; \
		$(BENCH_RUN) --memory $${mem}G --kernel $(KBENCH)/arch/x86/boot/bzImage \
			--log $(BUILD)/vm-bench-destroy-$${mem}g.log --append page_exclusive=report \
			-- $(TOP)/selftests/bench-destroy.sh $(BUILD) $${mem}g $(BENCH_RUNS) || exit 1; \
	done
	$(Q)scripts/bench-report $(RESULTS) | tee Documentation/benchmarks.md

# The newest version of the base that Debian serves, tried as users will
# meet it.  Never fails the run (the pinned base is what check tests); a
# newer version the series does not apply to or build on is a WARNING line,
# repeated in the closing summary.
newest-base: deps
	$(Q)mkdir -p $(RESULTS)
	$(Q)rm -f $(RESULTS)/bases.txt
	$(Q)for b in patches/BASE patches/$(LTS_LINE)/BASE; do \
		scripts/check-bases --newest $$b 2>&1 | tee -a $(RESULTS)/bases.txt || \
		echo "WARNING: the drift check could not run (scripts/check-bases --newest $$b)" | tee -a $(RESULTS)/bases.txt; \
	done

# The base pinning fails as it says: a version Debian does not serve, or a
# malformed BASE, stops kernel-tree in one line with nothing left behind.
base-check: deps kernel-tree
	$(Q)mkdir -p $(RESULTS)
	$(Q)scripts/tests/base-pin.sh | tee $(RESULTS)/base.log

# PREEMPT_RT (not part of check: a third kernel build does not fit CI's
# time): the test kernel with PREEMPT_RT, booted with page_exclusive=report,
# runs the KUnit suite and the virtio_net download with its exact counts;
# any splat ("sleeping function called from invalid context") fails it.
KRT := $(BUILD)/kernel-rt$(KSUFFIX)

kernel-rt: kernel-tree
	$(Q)scripts/build-kernel rt

check-rt: kernel-rt tools kselftests guest-build
	$(Q)mkdir -p $(RESULTS)
	$(Q)echo "  VM      PREEMPT_RT: KUnit and the virtio_net download (console: build/vm-rt$(KSUFFIX).log)"
	$(Q)$(SERVE) $(VMRUN) --kernel $(KRT)/arch/x86/boot/bzImage --timeout $(VM_TIMEOUT) \
		--rwdir $(BUILD) --net --log $(BUILD)/vm-rt$(KSUFFIX).log --append page_exclusive=report,stacks \
		-- $(TOP)/selftests/guest-tests $(GUEST_BUILD) rt | tee $(RESULTS)/rt$(KSUFFIX).txt

# labytrace holders on the patched kernel with tracking on (make check runs
# it in the off boot only: a second ~5-minute run does not fit CI's time).
check-holders-on: kernel-test tools kselftests
	$(Q)mkdir -p $(RESULTS)
	$(Q)echo "  VM      labytrace holders, page_exclusive=report (console: build/vm-holders.log)"
	$(Q)$(SERVE) $(VM_RUN) --net --log $(BUILD)/vm-holders.log --append page_exclusive=report,stacks \
		-- $(TOP)/selftests/guest-tests $(BUILD) holders | tee $(RESULTS)/holders-on.txt

# Results of an earlier run must not count in this one.
check-clean:
	$(Q)rm -rf $(RESULTS)

# The LTS branch's check runs in the background from the start, niced: it
# takes what the 7.3 kernel build leaves of the two cores.
check: check-clean
	$(Q)$(MAKE) newest-base
	$(Q)nice -n 19 $(MAKE) lts-series & lts=$$!; \
	$(MAKE) base-check unit-test host-check exporters-check vm-check; rc=$$?; \
	wait $$lts || rc=1; \
	cat $(RESULTS)/lts.log; \
	exit $$rc
	$(Q)scripts/summarize-tests $(RESULTS)

# --- install / clean -------------------------------------------------------------
install: labytrace
ifneq ($(HAVE_LABYTRACE),)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace install
endif

# Keeps build/linux: it may hold work that patches/ does not.
clean:
	$(Q)rm -rf $(KTEST) $(KBENCH) $(KBENCH_OFF) $(BUILD)/pair_bench $(BUILD)/labytrace $(BUILD)/selftests $(BUILD)/vm-*.log
