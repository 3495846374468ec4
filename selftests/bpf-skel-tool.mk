# SPDX-License-Identifier: GPL-2.0
# One small libbpf-skeleton tool, $(TOOL).c + $(TOOL).bpf.c, built into
# $(OUTPUT).  Set TOOL, then include this (selftests/tp_count, nest_contexts).
OUTPUT ?= $(abspath ../../build/selftests)
CLANG ?= clang
BPFTOOL ?= bpftool
CFLAGS ?= -g -O2 -Wall -Wextra -Werror
include $(dir $(lastword $(MAKEFILE_LIST)))../scripts/bpf-tool.mk

.DELETE_ON_ERROR:
.PHONY: all clean
all: $(OUTPUT)/$(TOOL)

$(OUTPUT):
	$(Q)mkdir -p $@

$(OUTPUT)/$(TOOL).bpf.o: $(TOOL).bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf $(CLANG_BPF_SYS_INCLUDES) -c $< -o $@

$(OUTPUT)/$(TOOL).skel.h: $(OUTPUT)/$(TOOL).bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(TOOL)_bpf > $@

$(OUTPUT)/$(TOOL): $(TOOL).c $(OUTPUT)/$(TOOL).skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(OUTPUT) $< -o $@ -lbpf -lelf -lz

clean:
	$(Q)rm -f $(OUTPUT)/$(TOOL) $(OUTPUT)/$(TOOL).bpf.o $(OUTPUT)/$(TOOL).skel.h
