// Turns the lab's raw results (guest.mjs JSON) into the table, the verdicts, the list of AINKA's
// changes and the kept-regression check, as Markdown (tools/lab/RESULTS.md).
import { SCENARIOS } from './scenarios.mjs';
import { EQUIVALENCE_MARGIN, median, ratio, summarize, verdict } from './stats.mjs';

const CONFIGS = [
  ['default', 'default'],
  ['tuned', 'TuneD'],
  ['ainka', 'AINKA'],
];

function fmt(x, digits) {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** The tuner's own CPU in the samples of one configuration: medians of % of one vCPU while measured and over the scenario. */
export function tunerCpu(samples) {
  const with_ = samples.filter((s) => s.tunerCpu && s.tunerCpu.windowS > 0);
  if (with_.length === 0) return null;
  const pct = (cpuS, wallS) => (100 * cpuS) / wallS;
  return {
    n: with_.length,
    measuredPct: median(with_.map((s) => pct(s.tunerCpu.measuredS, s.tunerCpu.windowS))),
    measuredMaxPct: Math.max(...with_.map((s) => pct(s.tunerCpu.measuredS, s.tunerCpu.windowS))),
    measuredS: median(with_.map((s) => s.tunerCpu.measuredS)),
    scenarioPct: median(with_.map((s) => pct(s.tunerCpu.scenarioS, s.tunerCpu.scenarioWindowS))),
    scenarioS: median(with_.map((s) => s.tunerCpu.scenarioS)),
  };
}

/** Settle statistics of one configuration's samples: median extra warm-up, how many hit the cap. */
export function settleStats(samples) {
  const with_ = samples.filter((s) => s.settle);
  if (with_.length === 0) return null;
  return { n: with_.length, extraS: median(with_.map((s) => s.settle.extraS)), maxS: Math.max(...with_.map((s) => s.settle.extraS)), capped: with_.filter((s) => s.settle.reason === 'cap').length };
}

function cpuCell(c) {
  return c ? `${fmt(c.measuredPct, 1)} % (max ${fmt(c.measuredMaxPct, 1)} %)` : '—';
}

function cell(s, digits) {
  if (!s || s.n === 0) return '—';
  return `${fmt(s.median, digits)} [${fmt(s.ci[0], digits)}, ${fmt(s.ci[1], digits)}]${s.n === 1 ? ' (n=1)' : ''}`;
}

/**
 * The samples of (scenario, rep) pairs every configuration of the run measured: a run cut short in
 * the middle of a repetition would otherwise compare n default samples with n−1 AINKA samples.
 */
export function balancedSamples(results) {
  const configs = results.plan?.configs ?? CONFIGS.map(([c]) => c);
  const have = new Map();
  for (const s of results.samples) {
    const k = `${s.scenario}\u0000${s.rep}`;
    have.set(k, (have.get(k) ?? new Set()).add(s.config));
  }
  return results.samples.filter((s) => configs.every((c) => have.get(`${s.scenario}\u0000${s.rep}`)?.has(c)));
}

/** Per scenario and objective: summaries per configuration and verdicts of AINKA. */
export function analyse(results) {
  const rows = [];
  const names = [...new Set(results.samples.map((s) => s.scenario))];
  for (const name of names) {
    const sc = SCENARIOS.find((s) => s.name === name);
    if (!sc) continue;
    sc.objectives.forEach((o, idx) => {
      const by = {};
      for (const [c] of CONFIGS) by[c] = summarize(results.samples.filter((s) => s.scenario === name && s.config === c).map((s) => Number(s.values?.[o.key])));
      rows.push({
        scenario: sc,
        objective: o,
        primary: idx === 0,
        by,
        vsDefault: verdict(by.ainka, by.default, o.better),
        vsTuned: verdict(by.ainka, by.tuned, o.better),
        tunedVsDefault: verdict(by.tuned, by.default, o.better),
        ratioDefault: ratio(by.ainka, by.default),
        ratioTuned: ratio(by.ainka, by.tuned),
      });
    });
  }
  return rows;
}

/** AINKA's changes per scenario, grouped (knob, before → after, rule, status) with the reps they happened in. */
export function changesByScenario(results) {
  const out = new Map();
  for (const s of results.samples.filter((x) => x.config === 'ainka')) {
    const g = out.get(s.scenario) ?? new Map();
    for (const c of s.changes ?? []) {
      const status = c.status.startsWith('kept') ? 'kept' : c.status;
      const key = [c.knob, c.before, c.after, c.reason, status].join('\u0000');
      const e = g.get(key) ?? { knob: c.knob, before: c.before, after: c.after, reason: c.reason, because: c.because, status, reps: [] };
      e.reps.push(s.rep);
      g.set(key, e);
    }
    out.set(s.scenario, g);
  }
  return new Map([...out].map(([k, g]) => [k, [...g.values()]]));
}

/** Kept changes in a scenario whose primary objective AINKA lost against default: failures of the run. */
export function keptRegressions(rows, changes) {
  const bad = [];
  for (const r of rows.filter((x) => x.primary && x.vsDefault === 'loss')) {
    for (const c of changes.get(r.scenario.name) ?? []) if (c.status === 'kept') bad.push({ scenario: r.scenario.name, objective: r.objective.label, ...c });
  }
  return bad;
}

const esc = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The RESULTS.md text. */
export function renderMarkdown(all, { command, hostInfo, wallSeconds, notes = [] }) {
  const results = { ...all, samples: balancedSamples(all) };
  const dropped = all.samples.length - results.samples.length;
  const rows = analyse(results);
  const changes = changesByScenario(results);
  const kept = keptRegressions(rows, changes);
  const m = results.meta ?? {};
  const reps = Math.max(0, ...results.samples.map((s) => s.rep));
  const L = [];
  L.push('# AINKA efficacy lab — results', '');
  L.push(`Generated by \`tools/lab/run.mjs\` on ${m.started ?? '?'} (${results.finished ? 'complete run' : '**incomplete run**'}; up to ${reps} repetitions per scenario and configuration, interleaved default → TuneD → AINKA${dropped ? `; ${dropped} sample(s) of a repetition not every configuration finished are left out` : ''}).`, '');
  L.push('```sh', command, '```', '');
  if (notes.length) {
    L.push('## Status of this run', '');
    for (const n of notes) L.push(`- ${n}`);
    L.push('');
  }
  L.push('## Table', '');
  L.push(`Median [95 % CI] per configuration. CI: percentile bootstrap of the median (10,000 resamples, fixed seed). Verdicts: win/loss when the two 95 % intervals do not overlap **and** the medians differ by more than ${EQUIVALENCE_MARGIN * 100} % of the reference's median (equivalence margin: a smaller difference is a tie), tie otherwise, n/a with fewer than 3 samples on either side. *ainkad CPU*: ainkad's own CPU time during the measured window (systemd's \`CPUUsageNSec\` of ainkad.service, read before and after), as % of one vCPU, median and max over the reps.`, '');
  L.push('| scenario | objective | default | TuneD (profile) | AINKA | ainkad CPU while measured | AINKA vs default | AINKA vs TuneD | AINKA/default |');
  L.push('|---|---|---|---|---|---|---|---|---|');
  const cpuOf = (name, config) => tunerCpu(results.samples.filter((s) => s.scenario === name && s.config === config));
  for (const r of rows) {
    const d = r.objective.digits;
    const better = r.objective.better === 'higher' ? '↑' : '↓';
    L.push(`| ${r.primary ? r.scenario.title : ''} | ${r.objective.label}, ${r.objective.unit} ${better} | ${cell(r.by.default, d)} | ${cell(r.by.tuned, d)} (${r.scenario.tunedProfile}) | ${cell(r.by.ainka, d)} | ${r.primary ? cpuCell(cpuOf(r.scenario.name, 'ainka')) : ''} | **${r.vsDefault}** | **${r.vsTuned}** | ${Number.isFinite(r.ratioDefault) ? `${fmt(r.ratioDefault, 2)}×` : '—'} |`);
  }
  const prim = rows.filter((r) => r.primary);
  const count = (k, v) => prim.filter((r) => r[k] === v).length;
  L.push('');
  L.push(`Primary objectives (first row of each scenario): AINKA vs default ${count('vsDefault', 'win')} win / ${count('vsDefault', 'tie')} tie / ${count('vsDefault', 'loss')} loss; vs TuneD ${count('vsTuned', 'win')} win / ${count('vsTuned', 'tie')} tie / ${count('vsTuned', 'loss')} loss. TuneD vs default: ${count('tunedVsDefault', 'win')} win / ${count('tunedVsDefault', 'tie')} tie / ${count('tunedVsDefault', 'loss')} loss.`);
  L.push('');
  L.push("## The tuners' own cost, and settling before the measurement", '');
  L.push(`Each configuration's tuner is given time to settle before the measured window: after the warm-up, the workload keeps running in chunks of ${results.durations?.settleChunkS ?? '?'} s until the tuner has been quiet for ${results.durations?.settleQuietS ?? '?'} s, at most ${results.durations?.settleCapS ?? '?'} s more. AINKA is quiet when its change journal has had no record (a change applied or undone) for that long and \`status\` shows no objective trial pending; TuneD when its log (/var/log/tuned/tuned.log) has not been written for that long since its profile became active; default has nothing to wait for. CPU: systemd's \`CPUUsageNSec\` of the unit (ainkad.service with the product's \`CPUQuota=25%\`, tuned.service), as % of one vCPU, median over the reps.`, '');
  L.push('| scenario | ainkad CPU while measured | ainkad CPU over the scenario | AINKA extra warm-up (median / max, capped) | TuneD CPU while measured | TuneD CPU over the scenario | TuneD extra warm-up |');
  L.push('|---|---|---|---|---|---|---|');
  for (const name of [...new Set(rows.map((r) => r.scenario.name))]) {
    const sc = rows.find((r) => r.scenario.name === name).scenario;
    const ca = cpuOf(name, 'ainka');
    const ct = cpuOf(name, 'tuned');
    const sa = settleStats(results.samples.filter((s) => s.scenario === name && s.config === 'ainka'));
    const st = settleStats(results.samples.filter((s) => s.scenario === name && s.config === 'tuned'));
    const sCell = (x) => (x ? `${fmt(x.extraS, 0)} / ${fmt(x.maxS, 0)} s, ${x.capped} of ${x.n} capped` : '—');
    L.push(`| ${sc.title} | ${cpuCell(ca)} | ${ca ? `${fmt(ca.scenarioPct, 1)} % (${fmt(ca.scenarioS, 1)} CPU-s)` : '—'} | ${sCell(sa)} | ${cpuCell(ct)} | ${ct ? `${fmt(ct.scenarioPct, 1)} % (${fmt(ct.scenarioS, 1)} CPU-s)` : '—'} | ${sCell(st)} |`);
  }
  L.push('');
  L.push('## Kept regressions', '');
  if (kept.length === 0) L.push('None: no change AINKA kept sits in a scenario whose primary objective it lost against default.');
  else {
    L.push(`**FAILURE: ${kept.length} kept change(s) in scenarios AINKA lost against default.**`, '');
    for (const k of kept) L.push(`- ${k.scenario} (${k.objective}): \`${k.knob}\` ${k.before} → ${k.after} (rule ${k.reason}; reps ${k.reps.join(', ')})`);
  }
  L.push('');
  L.push("## What AINKA changed, per scenario (from its change journal)", '');
  L.push('A change is *kept* when it was still applied at the end of the scenario\'s measured window; *rolled back* when AINKA undid it itself before that (an objective trial whose objective got worse beyond noise, or a rule). Every change was then rolled back by the reset between configurations.', '');
  for (const sc of SCENARIOS.filter((s) => rows.some((r) => r.scenario === s))) {
    const list = changes.get(sc.name) ?? [];
    L.push(`**${sc.title}** — ${list.length === 0 ? 'no change.' : ''}`);
    if (list.length) {
      L.push('', '| knob | before → after | rule | why | status | reps |', '|---|---|---|---|---|---|');
      for (const c of list) L.push(`| \`${esc(c.knob)}\` | ${esc(c.before)} → ${esc(c.after)} | ${esc(c.reason)} | ${esc(c.because)} | ${esc(c.status)} | ${c.reps.join(', ')} |`);
    }
    L.push('');
  }
  L.push('## Resets between configurations', '');
  const clean = results.resets.filter((r) => r.ok).length;
  L.push(`${clean} of ${results.resets.length} resets checked clean: after each configuration, TuneD \`disable\` (= \`tuned-adm off\`, over D-Bus) and \`systemctl stop tuned\` / AINKA \`rollback {all: true}\` (= \`ainka rollback --all\`, over its API) and \`systemctl stop ainkad\`, then ${Object.keys(results.pristine ?? {}).length} settings (sysctls under vm, kernel.sched_*, net.core, net.ipv4.tcp_*; the disks' queue settings; THP; debugfs sched tunables; cpufreq; cgroup v2 limits and weights of the slices and their services; /dev/cpu_dma_latency; nice values of long-lived processes) compared with the pristine snapshot taken before the first configuration.`);
  for (const r of results.resets.filter((x) => !x.ok)) L.push(`- **dirty** after ${r.config} rep ${r.rep}: ${esc(r.error ?? r.diffs.map((x) => `${x.key}: ${x.pristine} → ${x.now}`).join('; '))}${r.cleanAfterRestore ? ' (the lab wrote the pristine values back; clean again before the next configuration)' : ''}`);
  L.push('');
  if (results.errors.length) {
    L.push('## Errors', '');
    for (const e of results.errors) L.push(`- rep ${e.rep} ${e.config} ${e.scenario ?? e.phase}: ${esc(e.error).slice(0, 300)}`);
    L.push('');
  }
  L.push('## Setup', '');
  L.push(`- Guest: ${m.os ?? '?'}, kernel ${m.kernel ?? '?'}, ${m.cpus ?? '?'} vCPUs (${m.cpuModel ?? '?'}), ${m.memMiB ?? '?'} MiB, virtualisation: ${m.virt || '?'}; disk ${m.disk ?? '?'}; swap: ${m.swap ?? '?'}.`);
  L.push(`- Host: ${hostInfo}.`);
  if ((results.guests ?? 1) > 1) L.push(`- ${results.guests} guests booted side by side, the scenarios dealt to them round-robin; inside each guest the three configurations are interleaved rep by rep and reset between each other as described.`);
  L.push(`- TuneD ${m.tuned ?? '?'} (Debian's package, started with \`systemctl start tuned\`, profile set with \`tuned-adm profile\`); ainkad ${m.ainkad ?? '?'} (the product's unit from \`ainkad install-service\`, \`mode: enforce\`, the shipped packs, no rule written for the lab); Node ${m.node ?? '?'}.`);
  L.push(`- Wall time of the lab: ${wallSeconds ? `${(wallSeconds / 60).toFixed(1)} min` : '?'} (guest part ${m.seconds ? `${(m.seconds / 60).toFixed(1)} min` : '?'}).`);
  L.push('');
  L.push('## Scenarios, TuneD profiles and warm-up', '');
  const d = results.durations ?? {};
  L.push(`Every configuration runs the same warm-up on the workload before each measurement (AINKA learns during it; for default and TuneD it only warms the same caches): network ${d.netWarmS} s of iperf3 then ${d.netMeasureS} s measured; reads: sequential ${d.readWarmS} s of cold-cache dd passes then one measured cold fio pass (${d.readFileMb} MiB file), random ${d.randWarmS} s of fio then ${d.randMeasureS} s measured; memory one full balloon run then one measured (${d.balloonMb} MiB, ${d.balloonHotMb} MiB hot, ${d.balloonStepMb} MiB every ${d.balloonStepMs} ms, ${d.balloonPasses} passes); CPU ${d.cpuWarmS} s then ${d.cpuMeasureS} s (${d.cpuHogs} hogs); writeback ${d.wbWarmS} s then ${d.wbMeasureS} s (${d.burstMb} MiB burst file).`, '');
  L.push('| scenario | TuneD profile | why this profile | reference result |', '|---|---|---|---|');
  for (const sc of SCENARIOS.filter((s) => rows.some((r) => r.scenario === s))) L.push(`| ${sc.title} | ${sc.tunedProfile} | ${sc.tunedWhy} | ${sc.reference} |`);
  L.push('');
  L.push('## Notes (read before quoting a number)', '');
  L.push('- **Emulation, not hardware.** The guest runs under QEMU TCG (no KVM on this host): every instruction is emulated, 10–40× slower than native, so absolute numbers (Mbit/s, MB/s, latencies) say little about real machines; only the comparison between configurations measured side by side in the same guest means something. Disk I/O goes through an emulated virtio-blk backed by a copy-on-write overlay on the host.');
  L.push('- **Noise.** The host is a 2-core VM shared with other engineers\' builds, tests and guests (see the load average above): CPU time available to a guest swings by several times from minute to minute. The interleaving (default → TuneD → AINKA in every repetition) spreads that drift over the three configurations; the intervals show how much is left. A "tie" means the data cannot tell the configurations apart, not that they are equal.');
  L.push('- **Short warm-ups.** Each warm-up is just long enough for the shipped rules\' `for` windows to hold under ideal timing; the settle step above then waits for a pending trial\'s verdict, up to its cap (a capped sample may still be measured while a trial runs). On a real server AINKA would have minutes to hours.');
  L.push('- **What the lab adapts for TCG:** ainkad runs as the product\'s unit with its `CPUQuota=25%` in every measurement (its CPU is reported above); only its start-up, before the first scenario of each repetition, runs without the quota (under TCG, node\'s start-up and the eBPF verification take minutes of emulated CPU), then the quota is set back with `systemctl set-property --runtime` and checked in the cgroup\'s `cpu.max`; TuneD is driven over D-Bus with `busctl` (`switch_profile`, `disable`) rather than the Python `tuned-adm` client (same daemon calls); the modules the workloads need (veth, ifb, netem, tcp_bbr …) are loaded before the pristine snapshot, so BBR is available to every configuration and chosen by none; the memory scenario\'s zram swap is set up once, for every configuration.');
  L.push('- **Run-queue latency** comes from `@ainka/ebpf`\'s sched program filtered to the latency-critical task (`targetTgid`); its histogram has log2 buckets, so its p99 is a power-of-two bucket bound (e.g. 8.4 ms or 16.8 ms) and small changes do not show. The self-measured wake-up latency beside it has microsecond resolution.');
  L.push('');
  return { text: `${L.join('\n')}\n`, rows, kept, changes };
}
