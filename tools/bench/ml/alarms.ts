/**
 * Live-host alarm bench, replayed: ainkad's own detector bank (`@ainka/ml`'s `AnomalyBank` as the
 * daemon builds it, with its detector factory, exclusions and default `ml.anomaly` settings) on every series of recordings made
 * by `hostfault/record.ts` (ainkad's collectors at 1 s in the QEMU guest, or on a host).
 *
 *   npx tsx tools/bench/ml/alarms.ts [--threshold 0.99,0.95,0.9] [--list] <raw.jsonl[.gz]> ...
 *
 * `--list` prints every alarm opened after the warm-up (time since the recording's start, phase,
 * series and the detector's reason).
 *
 * For each threshold it reports:
 * - false alarms per 100 series per day in the idle phase, the benign-load phase, and the quiet parts
 *   of fault recordings (outside every fault ± 60 s), after each series' warm-up;
 * - per injected fault: the delay from fault onset to the first alarm on the series that carries it
 *   (the first of `CARRIERS[fault]` to alarm), and that series' rank among all alarms opened in the
 *   first 60 s of the fault (1 = it leads the explanation), and whether that first alarm opened a
 *   host-level group of its own or joined one (`ml.anomaly.groupSeconds`);
 * - per phase, besides the alarms per series, the host-level groups: the alerts ainkad raises (one per
 *   group of anomalies opening within `groupSeconds` of the group's first).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseDaemonConfig } from '../../../apps/daemon/src/config.js';
import { createAnomalyBank } from '../../../apps/daemon/src/anomalyStage.js';

/** The series that carry each fault by construction (what an operator would look at first). */
const CARRIERS: Record<string, readonly string[]> = {
  cpu_hog: ['cpu.busy_ratio', 'cpu.user_ratio', 'psi.cpu.some_avg10', 'load.avg1'],
  memory_leak: ['mem.anon_bytes', 'mem.available_bytes', 'mem.used_ratio', 'mem.committed_bytes'],
  fork_storm: ['cpu.forks_per_second', 'load.threads_count', 'cpu.system_ratio'],
  disk_fill: ['mem.shmem_bytes', 'mem.available_bytes', 'mem.cached_bytes'],
  io_storm: ['mem.cached_bytes', 'cpu.system_ratio', 'psi.io.some_avg10', 'vm.page_faults_per_second'],
  network_loss: ['net.rx_bytes_per_second{interface="lo"}', 'net.tcp.retransmits_per_second', 'net.tx_bytes_per_second{interface="lo"}'],
};

const args = process.argv.slice(2);
let thresholds = [0.99, 0.95, 0.9];
let list = false;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threshold') thresholds = (args[++i] ?? '').split(',').map(Number);
  else if (args[i] === '--list') list = true;
  else files.push(args[i] as string);
}
if (files.length === 0) {
  console.error('usage: npx tsx tools/bench/ml/alarms.ts [--threshold a,b] <raw.jsonl[.gz]> ...');
  process.exit(2);
}

interface Tick {
  t: number;
  s: Record<string, number>;
}
interface Marker {
  fault?: string;
  phase?: string;
  start: number;
  end?: number;
}
function read(file: string): { ticks: Tick[]; markers: Marker[] } {
  const buf = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
  const ticks: Tick[] = [];
  const markers: Marker[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line) as Partial<Tick & Marker>;
    if (o.s !== undefined) ticks.push(o as Tick);
    else markers.push(o as Marker);
  }
  return { ticks, markers };
}

const base = parseDaemonConfig({}).ml.anomaly;
for (const threshold of thresholds) {
  const settings = { ...base, threshold };
  console.log(`\nthreshold ${threshold} (nominal ${((1 - threshold) / threshold).toPrecision(2)} chance alarms per series per day; warm-up ${settings.warmup} rows and ${settings.warmupSeconds} s)`);
  for (const file of files) {
    const { ticks, markers } = read(file);
    const stage = createAnomalyBank(settings);
    const faults = markers.filter((m) => m.fault !== undefined);
    const phases = markers.filter((m) => m.phase !== undefined).sort((a, b) => a.start - b.start);
    const t0 = ticks[0]?.t ?? 0;
    const warmMs = Math.max(settings.warmupSeconds * 1000, settings.warmup * 1000);
    const phaseOf = (t: number): string => {
      if (faults.some((f) => t >= f.start - 60_000 && t <= (f.end ?? f.start) + 60_000)) return 'fault';
      let p = phases.length > 0 ? 'before' : 'quiet';
      for (const m of phases) if (t >= m.start) p = m.phase as string;
      return p === 'busy' && faults.length > 0 ? 'quiet' : p;
    };
    const exposure = new Map<string, number>();
    const alarms = new Map<string, number>();
    // Host-level groups (ml.anomaly.groupSeconds): what ainkad raises as alerts, one per group.
    const groups = new Map<string, number>();
    // Alarms in the first minute of a phase (the benign load starting after the idle phase).
    const early = new Map<string, number>();
    const phaseStart = (t: number): number => {
      let s = t0;
      for (const m of phases) if (t >= m.start) s = m.start;
      return s;
    };
    const opened: Array<{ t: number; series: string; score: number; group: string; groupIndex: number }> = [];
    let prevT = t0;
    for (const tick of ticks) {
      const dt = tick.t - prevT;
      prevT = tick.t;
      const phase = phaseOf(tick.t);
      let n = 0;
      for (const [key, v] of Object.entries(tick.s)) {
        const name = key.replace(/\{.*$/, '');
        const rec = stage.update(key, name, tick.t, v);
        if (rec !== undefined) {
          opened.push({ t: tick.t, series: key, score: rec.score, group: rec.group, groupIndex: rec.groupIndex });
          if (tick.t - t0 >= warmMs) {
            alarms.set(phase, (alarms.get(phase) ?? 0) + 1);
            if (rec.group === rec.id) groups.set(phase, (groups.get(phase) ?? 0) + 1);
            if (phases.length > 0 && tick.t - phaseStart(tick.t) < 60_000) early.set(phase, (early.get(phase) ?? 0) + 1);
          }
          if (list && tick.t - t0 >= warmMs) console.log(`    +${((tick.t - t0) / 1000).toFixed(0)} s ${phase} ${key} ${rec.score.toFixed(4)} [group ${rec.group}]: ${rec.reason}`);
        }
        n++;
      }
      if (tick.t - t0 >= warmMs) exposure.set(phase, (exposure.get(phase) ?? 0) + Math.min(n, stage.detectorCount) * dt);
    }
    console.log(`  ${file}: ${ticks.length} ticks, ${stage.detectorCount} series`);
    for (const [phase, ms] of exposure) {
      if (phase === 'fault') continue;
      const seriesDays = ms / 86_400_000;
      const a = alarms.get(phase) ?? 0;
      // One-sided 95 % upper bound of a Poisson rate from `a` events (exact for a ≤ 4, else normal approx.),
      // so a short recording with 0 alarms is not read as "≤ 1 per 100 series per day".
      const upper = [3.0, 4.74, 6.3, 7.75, 9.15][a] ?? a + 1.645 * Math.sqrt(a) + 1.5;
      console.log(
        `    ${phase.padEnd(6)} ${(ms / 3_600_000 / Math.max(1, stage.detectorCount)).toFixed(2)} h × ${stage.detectorCount} series: ${a} alarms → ${((100 * a) / seriesDays).toFixed(1)} per 100 series per day (95 % upper bound ${((100 * upper) / seriesDays).toFixed(0)})` +
          (early.has(phase) ? `; ${early.get(phase)} of them in the phase's first minute` : '') +
          `; ${groups.get(phase) ?? 0} host-level groups (alerts ainkad raises)`,
      );
    }
    for (const f of faults) {
      const carriers = CARRIERS[f.fault as string] ?? [];
      const during = opened.filter((o) => o.t >= f.start && o.t <= f.start + 60_000).sort((a, b) => a.t - b.t || b.score - a.score);
      const hit = during.find((o) => carriers.includes(o.series));
      const rank = hit === undefined ? null : during.indexOf(hit) + 1;
      // Whether the fault's first alarm opened a group of its own (its own alert) or joined an earlier one.
      const first = during[0];
      const groupStart = first === undefined ? undefined : opened.find((o) => o.group === first.group)?.t;
      const own =
        first === undefined || groupStart === undefined
          ? ''
          : groupStart >= f.start
            ? `; its alarms open their own host-level group (${during.filter((o) => o.group === first.group).length} of the ${during.length} in it)`
            : `; its first alarm joins a group opened ${((f.start - groupStart) / 1000).toFixed(0)} s before the fault`;
      console.log(
        `    ${(f.fault as string).padEnd(13)} ${hit === undefined ? 'no alarm on its carriers in 60 s' : `first alarm on ${hit.series} after ${((hit.t - f.start) / 1000).toFixed(1)} s, rank ${rank} of ${during.length} alarms`}${own}`,
      );
    }
  }
}
