#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# Generates vmlinux.h (every kernel type, for CO-RE) from the running kernel's BTF.
#
# vmlinux.h is NOT committed: it is ~3 MB of one kernel's types, and CO-RE relocations make the
# .bpf.o portable to any kernel with BTF anyway, so the header only has to contain the fields we
# read, under their current names. Regenerating it from /sys/kernel/btf/vmlinux keeps it honest.
# Set VMLINUX_BTF=/path/to/vmlinux (an ELF with .BTF or a raw BTF file) to build on a machine whose
# kernel has no BTF.
set -eu
out=${1:-vmlinux.h}
btf=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}
if [ ! -r "$btf" ]; then
	echo "gen-vmlinux: $btf is not readable: this kernel was built without CONFIG_DEBUG_INFO_BTF;" >&2
	echo "gen-vmlinux: set VMLINUX_BTF to a vmlinux with BTF (e.g. from the distribution's debug package)" >&2
	exit 1
fi
if ! command -v bpftool >/dev/null 2>&1; then
	echo "gen-vmlinux: bpftool not found: apt-get install bpftool" >&2
	exit 1
fi
tmp="$out.tmp.$$"
bpftool btf dump file "$btf" format c > "$tmp"
mv "$tmp" "$out"
