#!/usr/bin/env node
// Records this machine's kernel files into test/fixtures/<major.minor>/{t0,t1}/ (two snapshots one
// second apart, so rate computations can be tested on real deltas).
// Usage: node packages/telemetry/scripts/record-fixtures.mjs [--interval-ms 1000]
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
const kernel = release().split('.').slice(0, 2).join('.');
const outDir = join(here, '..', 'test', 'fixtures', kernel);
const intervalMs = Number(process.argv[process.argv.indexOf('--interval-ms') + 1]) || 1000;

function list(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function files() {
  const out = [
    'proc/stat', 'proc/meminfo', 'proc/vmstat', 'proc/loadavg', 'proc/diskstats', 'proc/net/dev', 'proc/net/snmp',
    'proc/pressure/cpu', 'proc/pressure/memory', 'proc/pressure/io', 'proc/version',
  ];
  for (const dev of list('/sys/block')) {
    for (const f of ['scheduler', 'nr_requests', 'read_ahead_kb', 'rotational', 'max_sectors_kb', 'wbt_lat_usec', 'nomerges']) {
      out.push(`sys/block/${dev}/queue/${f}`);
    }
  }
  for (const policy of list('/sys/devices/system/cpu/cpufreq')) {
    for (const f of ['scaling_cur_freq', 'scaling_min_freq', 'scaling_max_freq', 'cpuinfo_max_freq', 'scaling_governor', 'affected_cpus']) {
      out.push(`sys/devices/system/cpu/cpufreq/${policy}/${f}`);
    }
  }
  // cgroups: every regular stat file of the first two levels of each mounted hierarchy.
  const wanted = /^(cgroup\.(controllers|procs|subtree_control)|cpu\.(stat|max|pressure)|memory\.(current|max|stat|events|pressure|usage_in_bytes|limit_in_bytes|oom_control)|io\.(stat|pressure)|cpuacct\.usage|blkio\.throttle\.io_service_bytes)$/;
  const walk = (rel, depth) => {
    for (const name of list(`/${rel}`)) {
      const p = `${rel}/${name}`;
      let st;
      try {
        st = statSync(`/${p}`);
      } catch {
        continue;
      }
      if (st.isDirectory() && depth < 3) walk(p, depth + 1);
      else if (st.isFile() && wanted.test(name)) out.push(p);
    }
  };
  walk('sys/fs/cgroup', 0);
  // a few processes: pid 1 and the first numeric entries
  const pids = list('/proc').filter((n) => /^\d+$/.test(n)).slice(0, 12);
  for (const pid of pids) out.push(`proc/${pid}/stat`);
  return out;
}

function snapshot(target, paths) {
  let n = 0;
  for (const rel of paths) {
    const src = `/${rel}`;
    if (!existsSync(src)) continue;
    let text;
    try {
      text = readFileSync(src);
    } catch {
      continue; // unreadable (permission, write-only): not part of the fixture
    }
    const dst = join(target, rel);
    mkdirSync(dirname(dst), { recursive: true });
    writeFileSync(dst, text);
    n += 1;
  }
  return n;
}

const paths = files();
const n0 = snapshot(join(outDir, 't0'), paths);
await new Promise((r) => setTimeout(r, intervalMs));
const n1 = snapshot(join(outDir, 't1'), paths);
writeFileSync(
  join(outDir, 'RECORDED.json'),
  `${JSON.stringify({ kernel: release(), recordedAt: new Date().toISOString(), intervalMs, files: { t0: n0, t1: n1 } }, null, 2)}\n`,
);
console.log(`recorded ${n0}+${n1} files into ${outDir}`);
