# SPDX-License-Identifier: GPL-2.0
#
# Labyrinth: __GFP_EXCLUSIVE for Linux 6.12.y, and labytrace.
#
#   make              labytrace and the BPF objects
#   make check        everything, tested: deps, unit tests, patched kernel, VM tests
#   make demo         boot the patched kernel and watch labytrace live
#   make kernel-tree  build/linux = Linux 6.12.y + patches/ (KSRC=tarball|dir|git)
#   make patches      export build/linux's commits back to patches/
#   make kernel       build/kernel-test (debug) ; make kernel-bench (no debug)
#   make bench        overhead benchmarks (not part of check)
#
# Quiet by default; V=1 shows the commands.

TOP := $(abspath .)
BUILD := $(TOP)/build
KSRC ?= /usr/src/linux-source-6.12.tar.xz
KTEST := $(BUILD)/kernel-test
KBENCH := $(BUILD)/kernel-bench
VMRUN := $(TOP)/selftests/vmrun
# The guest console of the last VM test run, for splat hunting.
VMLOG := $(BUILD)/vm-check.log
VM_TIMEOUT ?= 1500

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif
export V

HAVE_LABYTRACE := $(wildcard tools/labytrace/Makefile)

.DELETE_ON_ERROR:
.PHONY: all deps kernel-tree patches kernel kernel-test kernel-bench tools \
	labytrace unit-test host-check vm-check check bench demo install clean

all: tools

deps:
	$(Q)scripts/install-deps

# --- kernel ------------------------------------------------------------------
kernel-tree: deps
	$(Q)scripts/kernel-tree $(KSRC)

patches:
	$(Q)scripts/export-patches

kernel: kernel-test

kernel-test: kernel-tree
	$(Q)scripts/build-kernel test

kernel-bench: kernel-tree
	$(Q)scripts/build-kernel bench

# --- user space ----------------------------------------------------------------
tools: deps labytrace
	$(Q)$(MAKE) -C selftests/tp_count OUTPUT=$(BUILD)/selftests

labytrace: deps
ifneq ($(HAVE_LABYTRACE),)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace
endif

unit-test: deps
ifneq ($(HAVE_LABYTRACE),)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace test
endif

# labytrace against this machine's own (stock) kernel; skips itself when the
# kernel does not allow BPF here.
host-check: tools
ifneq ($(HAVE_LABYTRACE),)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace host-check
endif

# --- tests in the VM -----------------------------------------------------------
# One boot runs every guest test (a boot costs ~20 s under TCG); the console
# goes to $(VMLOG) and any kernel splat fails the run.
vm-check: kernel-test tools
	$(Q)echo "  VM      selftests/guest-tests (console: $(VMLOG))"
	$(Q)$(VMRUN) --kernel $(KTEST)/arch/x86/boot/bzImage --log $(VMLOG) \
		--timeout $(VM_TIMEOUT) --rwdir $(BUILD) \
		-- $(TOP)/selftests/guest-tests $(BUILD)

check: unit-test host-check vm-check
	$(Q)echo "  CHECK   all passed"

# --- install / clean -------------------------------------------------------------
install: labytrace
ifneq ($(HAVE_LABYTRACE),)
	$(Q)$(MAKE) -C tools/labytrace OUTPUT=$(BUILD)/labytrace install
endif

# Keeps build/linux: it may hold work that patches/ does not.
clean:
	$(Q)rm -rf $(KTEST) $(KBENCH) $(BUILD)/labytrace $(BUILD)/selftests $(VMLOG)
