// Debian packages AINKA's build and tests need. `npm test` / `npm start` install the missing ones
// (as root, with --no-install-recommends) or list them when not root.
export const debianPackages = [
  // C toolchain for the layout test and the native addon
  'gcc',
  'make',
  'python3',
];

// Only `npm test` (and benchmarks) need these; `npm start` skips them.
export const testOnlyDebianPackages = [
  'qemu-system-x86',
  'linux-image-amd64',
  'busybox-static',
  'cpio',
  'chromium',
  'bpftrace',
  'tmux',
  'netdata',
];
