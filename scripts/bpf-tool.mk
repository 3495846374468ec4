# SPDX-License-Identifier: GPL-2.0
# What the BPF tool Makefiles (tools/labytrace, selftests/bpf-skel-tool.mk) share:
# quiet output unless V=1, and the system include dirs clang -target bpf
# needs.  Include it after CLANG is set.
LABYRINTH_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

# -target bpf loses the multiarch include dir (asm/types.h); ask clang for it.
CLANG_BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(LABYRINTH_TOP)/%,%,$(2))";
endif
