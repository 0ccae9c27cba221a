import { describe, expect, it } from 'vitest';
import { policyPacks, PolicyRuntime, type SeriesSnapshot, type SnapshotSeries } from '../src/index.js';

type Row = [name: string, labels: Record<string, string> | undefined, value: number];
const MiB = 2 ** 20;

/** Feed the shipped server pack `rows(t)` every second for `seconds`; return every planned action. */
async function drive(rows: (t: number) => Row[], seconds: number, knobs: Record<string, string> = {}): Promise<{ knob: string; value: string; reason: string }[]> {
  const rt = new PolicyRuntime({ protection: { selfPid: 4242 }, readKnob: async (k) => knobs[k] ?? '0' });
  rt.loadPack('server');
  const out: { knob: string; value: string; reason: string }[] = [];
  for (let s = 0; s <= seconds; s++) {
    const t = s * 1000;
    const by = new Map<string, SnapshotSeries[]>();
    for (const [name, labels, value] of rows(t)) by.set(name, [...(by.get(name) ?? []), { labels, value, t }]);
    const snap: SeriesSnapshot = { series: (n) => by.get(n) ?? [] };
    for (const a of rt.tick(snap, t).plan.actions) out.push({ knob: a.knob, value: a.value, reason: a.reason });
    await new Promise((r) => setImmediate(r)); // let knob reads (for adjust) complete
  }
  return out;
}

describe('the shipped server pack', () => {
  it('is the enforce-mode pack, and every rule of it that changes something names an objective', () => {
    const rt = new PolicyRuntime();
    rt.loadPack('server');
    const p = rt.loaded()[0];
    expect(p?.mode).toBe('enforce');
    expect(p?.rules.map((r) => r.name)).toEqual([
      'bbr-on-lossy-paths',
      'larger-read-ahead-for-sequential-streams',
      'hold-growing-cgroup-under-memory-pressure',
      'deprioritise-cpu-hogs',
      'smaller-writeback-bursts',
      'reclaim-earlier-under-memory-pressure',
    ]);
    for (const r of p?.rules ?? []) expect(r.then.some((a) => a.objective !== undefined), r.name).toBe(true);
    expect(policyPacks.server).not.toMatch(/\bsda\b|policy0|vda/);
  });

  it('BBR when the retransmit ratio stays high on connections that carry traffic, whatever their rate; not on an idle or clean link', async () => {
    const lossy = (ratio: number, out: number): Row[] => [
      ['net.tcp.retransmit_ratio', undefined, ratio],
      ['net.tcp.out_segments_per_second', undefined, out],
    ];
    const bbr = [{ knob: 'sysctl:net.ipv4.tcp_congestion_control', value: 'bbr', reason: 'bbr-on-lossy-paths' }];
    expect(await drive(() => lossy(0.08, 5000), 40)).toEqual(bbr);
    // A slow lossy path (cubic at 10 % loss on a 100 Mbit/s, 50 ms path sends ~56 segments/s): same answer.
    expect(await drive(() => lossy(0.1, 56), 40)).toEqual(bbr);
    // The ratio is averaged over a minute: a tick with no retransmit does not reset the condition.
    expect(await drive((t) => lossy(t % 3000 === 0 ? 0 : 0.03, 56), 45)).toEqual(bbr);
    // Not held 30 s yet; a clean path; an idle link.
    expect(await drive(() => lossy(0.1, 56), 25)).toEqual([]);
    expect(await drive(() => lossy(0.001, 5000), 60)).toEqual([]);
    expect(await drive(() => lossy(0.5, 2), 60)).toEqual([]);
  });

  it('read-ahead doubles for a disk kept busy by large (sequential) reads, whatever its speed; never for random reads or an idle disk', async () => {
    const reads = (req: number, busy: number): Row[] => [
      ['disk.read_bytes_per_second', { device: 'nvme0n1' }, 12 * MiB], // a slow disk: no absolute floor
      ['disk.read_request_bytes', { device: 'nvme0n1' }, req],
      ['disk.utilization_ratio', { device: 'nvme0n1' }, busy],
    ];
    const knobs = { 'block:nvme0n1:read_ahead_kb': '128' };
    expect((await drive(() => reads(128 * 1024, 0.9), 20, knobs)).map((a) => `${a.knob}=${a.value}`)).toEqual(['block:nvme0n1:read_ahead_kb=256']);
    expect(await drive(() => reads(4096, 0.9), 60, knobs)).toEqual([]);
    expect(await drive(() => reads(128 * 1024, 0.1), 60, knobs)).toEqual([]);
    // One idle tick restarts the 15 s: a stream, not a series of blips.
    expect(await drive((t) => reads(128 * 1024, t % 10_000 === 0 ? 0 : 0.9), 40, knobs)).toEqual([]);
  });

  it('memory.high at 1.25x for a cgroup growing under memory pressure; never slices or protected units', async () => {
    const rows = (t: number): Row[] => {
      const mib = 400 + t / 1000 * 10; // +10 MiB/s
      return [
        ['psi.memory.some_avg10', undefined, 12],
        ['cgroup.memory_current_bytes', { cgroup: '/system.slice/batch.service' }, mib * MiB],
        ['cgroup.memory_current_bytes', { cgroup: '/system.slice/ssh.service' }, mib * MiB],
        ['cgroup.memory_current_bytes', { cgroup: '/user.slice' }, mib * MiB],
      ];
    };
    const acts = await drive(rows, 20);
    expect(acts.map((a) => a.knob)).toEqual(['cgroup:system.slice/batch.service:memory.high']);
    // Fires once growth passed 20 % (400 → 480+ MiB) and the pressure held 10 s (500 MiB): 1.25 × the usage then.
    expect(Number(acts[0]?.value) / MiB).toBe(1.25 * 500);
    // No pressure: no cap.
    expect(await drive((t) => rows(t).map((r) => (r[0] === 'psi.memory.some_avg10' ? ([r[0], r[1], 0] as Row) : r)), 20)).toEqual([]);
  });

  it('nice +5 (at most 10) for the top CPU hogs when run-queue p99 is high, never pid 1, sshd, kernel threads or the daemon', async () => {
    const rows: Row[] = [
      ['sched.runq_latency_p99_seconds', undefined, 0.03],
      ['process.cpu_cores', { pid: '1', comm: 'systemd' }, 1.5],
      ['process.cpu_cores', { pid: '700', comm: 'sshd' }, 1.4],
      ['process.cpu_cores', { pid: '4242', comm: 'node' }, 1.3],
      ['process.cpu_cores', { pid: '88', comm: 'kswapd0' }, 1.2],
      ['process.rss_bytes', { pid: '88', comm: 'kswapd0' }, 0],
      ['process.cpu_cores', { pid: '1001', comm: 'stress-ng-cpu' }, 1.0],
      ['process.cpu_cores', { pid: '1002', comm: 'stress-ng-cpu' }, 0.9],
      ['process.cpu_cores', { pid: '1003', comm: 'cc1' }, 0.2],
    ];
    const acts = await drive(() => rows, 20, { 'process:1001:nice': '0', 'process:1002:nice': '0' });
    expect(acts.map((a) => `${a.knob}=${a.value}`).sort()).toEqual(['process:1001:nice=5', 'process:1002:nice=5']);
    expect(await drive(() => rows.map((r) => (r[0].startsWith('sched.') ? ([r[0], r[1], 0.002] as Row) : r)), 20)).toEqual([]);
  });

  it('the dirty limit halves when dirty memory fills over half of the kernel\'s own threshold and writes wait; watermarks under memory stalls', async () => {
    // A 2 GiB machine: the kernel's throttling threshold is 360 MiB; 300 MiB dirty (83 %), writes waiting 200 ms.
    const wbRows = (used: number, await_: number): Row[] => [
      ['vm.dirty_limit_used_ratio', undefined, used],
      ['vm.dirty_threshold_bytes', undefined, 360 * MiB],
      ['disk.write_await_seconds', { device: 'vda' }, await_],
    ];
    const wb = await drive(() => wbRows(0.83, 0.2), 15);
    expect(wb.map((a) => `${a.knob}=${a.value}`)).toEqual([`sysctl:vm.dirty_bytes=${180 * MiB}`]);
    // Fast writes, or dirty memory well under the limit: nothing.
    expect(await drive(() => wbRows(0.83, 0.004), 30)).toEqual([]);
    expect(await drive(() => wbRows(0.2, 0.2), 30)).toEqual([]);
    // Never below 32 MiB, however small the machine.
    const tiny = await drive(() => [['vm.dirty_limit_used_ratio', undefined, 0.9], ['vm.dirty_threshold_bytes', undefined, 40 * MiB], ['disk.write_await_seconds', { device: 'vda' }, 0.2]], 15);
    expect(tiny.map((a) => a.value)).toEqual([String(32 * MiB)]);
    const wm = await drive(() => [['psi.memory.some_avg10', undefined, 30], ['vm.alloc_stalls_per_second', undefined, 50]], 35, { 'sysctl:vm.watermark_scale_factor': '10' });
    expect(wm.map((a) => `${a.knob}=${a.value}`)).toEqual(['sysctl:vm.watermark_scale_factor=60']);
  });
});
