#!/usr/bin/env node
// CPU cost of one leak-detector sample (every process and cgroup on this machine), against a baseline
// measured in the same run, the two interleaved so host load hits both alike:
//
//   npx nx run @ainka/healing:build && node tools/bench/healing/sampler.mjs [--samples 40] [--keep-open 512] [--baseline <healing dist/index.js>]
//
// Without --baseline the baseline is the same build with nothing remembered between samples
// (`processRefreshMs: 0`: cgroup and limits read and sockets walked every time). With --baseline, another
// build of @ainka/healing (e.g. main's checkout, for before/after). The clock advances 5 s per sample, as
// ainkad samples, so the once-a-minute refreshes happen at their real rate. --keep-open N: this build keeps the
// stat/status descriptors of up to N processes open between samples (`keepOpenProcesses`; ainkad's 512, the default here).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const samples = Number(opt('samples', 40));
const baselinePath = opt('baseline', undefined);
const keepOpen = Number(opt('keep-open', 512));
const current = await import(join(repo, 'packages', 'healing', 'dist', 'index.js'));
const base = baselinePath === undefined ? current : await import(resolve(baselinePath));
const detectors = {
  current: new current.LeakDetector({ keepOpenProcesses: keepOpen }),
  baseline: baselinePath === undefined ? new base.LeakDetector({ processRefreshMs: 0 }) : new base.LeakDetector({}),
};
const cpu = { current: 0, baseline: 0 };
let now = Date.now();
for (const d of Object.values(detectors)) d.sample(now); // first sample: everything is read
for (let i = 0; i < samples; i++) {
  now += 5000;
  for (const k of i % 2 === 0 ? ['current', 'baseline'] : ['baseline', 'current']) {
    const c0 = process.cpuUsage();
    detectors[k].sample(now);
    const c = process.cpuUsage(c0);
    cpu[k] += c.user + c.system;
  }
}
const pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
const ms = (us) => (us / samples / 1000).toFixed(2);
console.log(`leak sampler: ${samples} samples (5 s apart on the detector's clock), ${pids} pids, ${detectors.current.size} subjects followed, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
console.log(`CPU per sample: current (keepOpenProcesses ${keepOpen}) ${ms(cpu.current)} ms, baseline (${baselinePath ?? 'same build, nothing remembered'}) ${ms(cpu.baseline)} ms, ratio ${(cpu.current / cpu.baseline).toFixed(2)}`);
console.log(`reproduce: npx nx run @ainka/healing:build && node tools/bench/healing/sampler.mjs ${args.join(' ')}`.trimEnd());
