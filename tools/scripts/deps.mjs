// Debian packages AINKA needs, by purpose. `npm start` installs `debianPackages`; `npm test` installs
// `debianPackages` and `testOnlyDebianPackages`; benchmarks name `benchDebianPackages` in their own
// error messages. Missing ones are installed with apt-get --no-install-recommends as root, or listed
// with the command to run when not root (tools/scripts/bootstrap.mjs).
export const debianPackages = [
  // C toolchain for the layout test and the native addon (node-gyp)
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
];

// `npm test` only.
export const testOnlyDebianPackages = [
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
  // the 6.12 guest kernel image is zstd-compressed; its modules are xz-compressed
  'zstd',
  'libc6-dev',
  'binutils',
  // tools/testbed system guest (*.system.test.ts): mmdebstrap builds the Debian 12 root filesystem from
  // Debian's packages, mkfs.ext4 -d (e2fsprogs) turns it into the disk image
  'mmdebstrap',
  'e2fsprogs',
  // @ainka/kmod test: DKMS builds the shipped source against the 6.1 and 6.12 header trees
  'dkms',
  // apps/docs test: the docs site opened in headless Chromium (playwright-core drives Debian's build)
  'chromium',
  // apps/daemon prometheus test: Debian's Prometheus scrapes three ainkad; promtool checks the exposition
  // and tests deploy/prometheus rules
  'prometheus',
  // @ainka/guard pipeline reverse-shell test: the mkfifo + nc reverse shell, with a real nc (OpenBSD netcat)
  'netcat-openbsd',
];

// Benchmarks only (tools/bench): never installed by `npm start` or `npm test`.
export const benchDebianPackages = [
  // tools/bench/ebpf: perf bench sched pipe for the overhead ratio; bpftrace is the reference tool
  'linux-perf',
  'bpftrace',
  // tools/bench/daemon: netdata is the RSS/CPU baseline (the script starts and stops its own instance);
  // tmux captures `ainka top`
  'netdata',
  'tmux',
];

// `npm test` only, resolved when installing: package-name patterns of which the newest release the
// archive offers is installed unless one is installed already. Debian's 6.12 kernel (bookworm-security
// / backports) is the second guest the module is built for and tested in; its ABI number changes with
// every security update, so it is not a fixed name. `{}` is replaced by the chosen release.
export const testOnlyDebianPackagePatterns = [
  { release: /^linux-image-(6\.12\.\d+\+deb12-amd64)$/, packages: ['linux-image-{}', 'linux-headers-{}'] },
];
