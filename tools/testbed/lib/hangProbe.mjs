// When a guest is about to hit its timeout, asks QEMU's monitor where every vCPU is: two samples of
// each vCPU's instruction pointer a second apart, named with the running kernel's own symbols (the
// busybox guest's init copies the text symbols of /proc/kallsyms into the run directory at boot). A silent hang (no console output,
// no soft-lockup report) then still says which function each CPU was in, and whether it moved.
import { existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';

/** Sends HMP commands to the monitor socket and returns what it printed. */
function monitor(socketPath, commands, waitMs = 2500) {
  return new Promise((resolve) => {
    let out = '';
    const sock = createConnection(socketPath);
    const done = () => {
      sock.destroy();
      resolve(out);
    };
    sock.on('data', (b) => {
      out += b.toString('utf8');
    });
    sock.on('error', (e) => {
      out += `\n(monitor: ${e.message})`;
      done();
    });
    sock.on('connect', () => {
      for (const c of commands) sock.write(`${c}\n`);
      setTimeout(done, waitMs);
    });
  });
}

/** `{ cpu, rip }` for every vCPU in `info registers -a` output. */
export function parseRips(text) {
  const out = [];
  let cpu = 0;
  for (const line of text.split('\n')) {
    const c = /^CPU#(\d+)/.exec(line);
    if (c) cpu = Number(c[1]);
    const r = /\bRIP=([0-9a-f]{16})/.exec(line);
    if (r) out.push({ cpu, rip: BigInt(`0x${r[1]}`) });
  }
  return out;
}

/** A symbolizer over a System.map or kallsyms file (`addr type name` lines), or null when absent or a stub. */
export function loadSymbols(mapPath) {
  if (!existsSync(mapPath)) return null;
  const syms = [];
  for (const line of readFileSync(mapPath, 'utf8').split('\n')) {
    const [addr, type, name] = line.split(' ');
    if (name && /[tTwW]/.test(type ?? '')) syms.push([BigInt(`0x${addr}`), name]);
  }
  if (syms.length < 100) return null;  // Debian's /boot/System.map is a one-line stub
  syms.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return (rip) => {
    let lo = 0;
    let hi = syms.length - 1;
    if (hi < 0 || rip < syms[0][0]) return 'not in the kernel text at boot (a module loaded later, or user space)';
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (syms[mid][0] <= rip) lo = mid;
      else hi = mid - 1;
    }
    const off = rip - syms[lo][0];
    return off > 0x100000n ? 'not in the kernel text at boot (a module loaded later, or user space)' : `${syms[lo][1]}+0x${off.toString(16)}`;
  };
}

/** Lines describing where each vCPU is (two samples), for a run that is about to time out. */
export async function probeHang(socketPath, kernelVersion, kallsymsPath) {
  const symbolize = loadSymbols(kallsymsPath) ?? loadSymbols(`/boot/System.map-${kernelVersion}`) ?? (() => '(no symbols: no kallsyms from the guest)');
  const first = await monitor(socketPath, ['info cpus', 'info registers -a']);
  await new Promise((r) => setTimeout(r, 1000));
  const second = await monitor(socketPath, ['info registers -a']);
  const a = parseRips(first);
  const b = parseRips(second);
  const lines = [`hang probe (QEMU monitor, kernel ${kernelVersion}):`];
  for (const l of first.split('\n')) if (/^\*?\s*CPU #\d+/.test(l.trim())) lines.push(`  ${l.trim()}`);
  for (const { cpu, rip } of a) {
    const later = b.find((x) => x.cpu === cpu)?.rip;
    const moved = later === undefined ? 'second sample missing' : later === rip ? 'same RIP 1 s later' : `1 s later at ${symbolize(later)}`;
    lines.push(`  CPU#${cpu} RIP ${rip.toString(16)} ${symbolize(rip)}; ${moved}`);
  }
  if (a.length === 0) lines.push(`  no registers read: ${first.slice(0, 300).replace(/\s+/g, ' ')}`);
  return lines;
}
