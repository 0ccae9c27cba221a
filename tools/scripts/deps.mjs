// Debian packages AINKA's build and tests need. `npm test` / `npm start` install the missing ones
// (as root, with --no-install-recommends) or list them when not root.
export const debianPackages = [
  // C toolchain for the layout test and the native addon
  'gcc',
  'make',
  'python3',
  // eBPF (ebpf/, @ainka/native bpf.c, @ainka/ebpf): clang/llvm build the CO-RE .bpf.o, bpftool
  // generates vmlinux.h, libbpf-dev + libbpf1 are the loader (linked as libbpf.so.1), libelf/zlib are
  // libbpf's own dependencies
  'clang',
  'llvm',
  'bpftool',
  'libbpf-dev',
  'libbpf1',
  'libelf-dev',
  'zlib1g-dev',
  // kernel module (kernel/, @ainka/kmod build, tools/testbed): Debian's 6.1 kernel image and headers are
  // the guest the module is built for and booted in QEMU; kmod/xz-utils/cpio/busybox-static build the
  // initramfs; libc6-dev provides the static libc of the in-guest C tests; binutils strips the prebuilt .ko
  'linux-image-amd64',
  'linux-headers-amd64',
  'qemu-system-x86',
  'busybox-static',
  'cpio',
  'kmod',
  'xz-utils',
  'libc6-dev',
  'binutils',
];

// Only `npm test` (and benchmarks) need these; `npm start` skips them.
export const testOnlyDebianPackages = [
  'qemu-system-x86',
  'linux-image-amd64',
  'busybox-static',
  'cpio',
  'chromium',
  'bpftrace',
  // tools/bench/ebpf: perf bench sched pipe for the eBPF overhead ratio (bpftrace above is its reference)
  'linux-perf',
  // tools/bench/daemon (optional, bench only): netdata is the baseline the daemon's RSS/CPU are compared
  // with (the script starts and stops its own instance); tmux captures `ainka top` for the docs
  'tmux',
  'netdata',
];
