// The guest's /init (busybox sh, PID 1). Parameters come from the kernel command line, which the
// kernel hands to init as environment variables: tb_repo (repository path, mounted at the same
// path as on the host), tb_run (run directory relative to the repo, holding cmd.sh) and tb_nonce
// (makes the result marker unforgeable by test output).

/** Marker prefix of lines the guest writes for the host; never shown to the user. */
export const MARKER = '@@AINKA-TB';

/** The /init script for the given 9p module paths (in load order). */
export function initScript(modules) {
  return `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
exec </dev/null >/dev/console 2>&1
die() { echo "testbed guest: $*"; echo "${MARKER}-$tb_nonce rc=125"; poweroff -f; sleep 5; }
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/shm /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t devpts devpts /dev/pts
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
for m in ${modules.join(' ')}; do insmod "$m" || die "insmod $m failed"; done
O=trans=virtio,version=9p2000.L,msize=512000,cache=loose
mount -t 9p -o $O,ro hostusr /usr || die "mounting the host /usr over 9p failed"
ln -s usr/lib /lib
[ -d /usr/lib64 ] && ln -s usr/lib64 /lib64
mkdir -p "$tb_repo"
mount -t 9p -o $O hostrepo "$tb_repo" || die "mounting the repository over 9p failed"
ip link set lo up 2>/dev/null
hostname ainka-guest
# Text symbols of the running kernel (KASLR applied) for the host's hang probe (lib/hangProbe.mjs).
grep -i ' t ' /proc/kallsyms > "$tb_repo/$tb_run/kallsyms" 2>/dev/null
echo "${MARKER}-$tb_nonce booted uptime=$(cut -d' ' -f1 /proc/uptime)"
cd "$tb_repo" || die "no repository at $tb_repo"
# npx spends ~15 s of TCG time resolving a local binary; this shim runs node_modules/.bin/<name>
# directly when it exists and falls back to the real npx otherwise.
mkdir -p /tmp/testbed-bin
cat > /tmp/testbed-bin/npx <<'NPX'
#!/bin/sh
case "$1" in -*|'') ;; *) [ -x "node_modules/.bin/$1" ] && { b="node_modules/.bin/$1"; shift; exec "$b" "$@"; } ;; esac
exec /usr/bin/npx "$@"
NPX
chmod 755 /tmp/testbed-bin/npx
export HOME=/root PATH=/tmp/testbed-bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb CI=1 NO_COLOR=1
SH=/bin/sh
[ -x /usr/bin/bash ] && SH=/usr/bin/bash
$SH "$tb_repo/$tb_run/cmd.sh" </dev/null
rc=$?
echo "$rc" > "$tb_repo/$tb_run/rc"
sync
cd /
umount "$tb_repo" 2>/dev/null
echo "${MARKER}-$tb_nonce rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
sleep 5
`;
}
