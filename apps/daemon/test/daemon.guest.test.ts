import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient, type ActionRecord, type StatusResult } from '../src/index.js';
import { startDaemon, tempDir, writeConfig, type LogLine, type RunningDaemon } from './harness.js';

// Runs only in the QEMU guest (tools/testbed), against the real ainka.ko and the built ainkad (dist).
const inGuest = process.env.AINKA_TEST_TARGET === 'guest';
const children: ChildProcess[] = [];
let d: RunningDaemon | undefined;
let dir: string;
let loadedHere = false;
let mountedCgroup2 = false;

function procAinka(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of readFileSync('/proc/ainka', 'utf8').split('\n')) {
    const m = /^(\w+):\s*(.*)$/.exec(l);
    if (m !== null) out[m[1] as string] = m[2] as string;
  }
  return out;
}

async function api<T>(method: Parameters<DaemonClient['call']>[0], params?: Record<string, unknown>): Promise<T> {
  const c = await DaemonClient.connect((d as RunningDaemon).socket, 10_000);
  try {
    return await c.call<T>(method, params, 30_000);
  } finally {
    c.close();
  }
}

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A cgroup v2 hierarchy with the memory controller at /sys/fs/cgroup (mounted here when nothing is). */
function cgroup2(): string | undefined {
  const root = '/sys/fs/cgroup';
  try {
    if (!existsSync(join(root, 'cgroup.controllers'))) {
      if (existsSync(root) && readdirSync(root).length > 0) return `${root} holds a cgroup v1 layout`;
      mkdirSync(root, { recursive: true });
      execFileSync('mount', ['-t', 'cgroup2', 'none', root]);
      mountedCgroup2 = true;
    }
    if (!readFileSync(join(root, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory')) return 'no memory controller in cgroup v2';
    writeFileSync(join(root, 'cgroup.subtree_control'), '+memory');
    return undefined;
  } catch (err) {
    return `cgroup2 setup failed: ${(err as Error).message}`;
  }
}
let cgroupProblem: string | undefined;

describe.runIf(inGuest)('ainkad with the kernel module loaded (guest)', () => {
  beforeAll(async () => {
    if (!existsSync('/sys/module/ainka')) {
      const kmod = process.env.AINKA_KMOD;
      if (kmod === undefined || !existsSync(kmod)) throw new Error(`AINKA_KMOD=${kmod ?? '(unset)'} is not a built ainka.ko; run through tools/testbed`);
      execFileSync('insmod', [kmod, 'sample_interval_ms=50'], { stdio: 'inherit' });
      loadedHere = true;
    }
    cgroupProblem = cgroup2();
    dir = tempDir('guest');
    const kernelPolicy = join(dir, 'kernel.yaml');
    writeFileSync(
      kernelPolicy,
      [
        'apiVersion: ainka.dev/v1',
        'kind: Policy',
        'name: guest-runnable',
        'mode: advise',
        'rules:',
        '  - name: many-runnable',
        '    description: More runnable tasks than the guest has CPUs.',
        '    when: load.runnable_count > 2 for 1s',
        '    then:',
        '      - knob: sysctl:vm.watermark_scale_factor',
        '        set: 20',
        '    cooldown: 5s',
        '',
      ].join('\n'),
    );
    const builtinPolicy = join(dir, 'growth.json');
    writeFileSync(
      builtinPolicy,
      [
        '{',
        '  "apiVersion": "ainka.dev/v1", "kind": "Policy", "name": "guest-builtin", "mode": "advise",',
        '  "rules": [{',
        '    "name": "memory-growth",',
        '    "scope": {"each": "cgroup"},',
        '    "when": "delta(cgroup.memory_current_bytes{cgroup=\\"{cgroup}\\"}, 10s) > 64MiB",',
        '    "then": [{"knob": "cgroup:{cgroup}:memory.high", "from": {"metric": "cgroup.memory_current_bytes{cgroup=\\"{cgroup}\\"}", "factor": 1.25}}]',
        '  }]',
        '}',
        '',
      ].join('\n'),
    );
    const cfg = writeConfig(
      dir,
      [
        'policy:',
        '  packs: []',
        `  files: [${JSON.stringify(kernelPolicy)}, ${JSON.stringify(builtinPolicy)}]`,
        'telemetry:',
        '  processes: { intervalMs: 2000, topN: 10 }',
        '  ebpf: off',
        'logs: { enabled: false }',
        'history: { enabled: false }',
        'actions: { cooldownSeconds: 1 }',
        'ml: { anomaly: { enabled: false } }',
        '',
      ].join('\n'),
    );
    d = await startDaemon(dir, ['--config', cfg, '--interval', '1000'], {}, 120_000);
  }, 240_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await d?.stop();
    if (loadedHere && existsSync('/sys/module/ainka')) execFileSync('rmmod', ['ainka'], { stdio: 'inherit' });
    if (mountedCgroup2) execFileSync('umount', ['/sys/fs/cgroup']);
  }, 60_000);

  it('drives the immediate layer: pushes the compiled policy, records kernel events, measures latency, clears on exit', async () => {
    const s = await until(async () => {
      const st = await api<StatusResult>('status');
      const im = st.layers.find((l) => l.name === 'immediate');
      return im?.available === true && im.latency !== null && (im.latency.count ?? 0) > 0 ? st : undefined;
    }, 60_000, 'immediate layer on');
    const im = s.layers.find((l) => l.name === 'immediate');
    expect(im?.rules).toBe(1);
    expect(Number(procAinka().policy_count)).toBeGreaterThan(0);

    // Provoke load: CPU hogs raise the runnable count above the rule's threshold of 2.
    const start = Date.now();
    for (let i = 0; i < 4; i++) children.push(spawn('bash', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    const line = await (d as RunningDaemon).waitFor((l: LogLine) => l.event === 'kernel' && (l.action as ActionRecord | undefined)?.rule === 'many-runnable' && ((l.action as ActionRecord).at ?? 0) >= start, 90_000);
    const hit = line.action as ActionRecord;
    expect(hit.policy).toBe('guest-runnable');
    expect(String(line.msg)).toMatch(/^kernel: /);
    for (const c of children.splice(0)) c.kill('SIGKILL');

    const acts = await api<{ actions: ActionRecord[] }>('actions');
    const kernelRecords = acts.actions.filter((a) => a.id.startsWith('K'));
    expect(kernelRecords.length).toBeGreaterThan(0);
    const withEvidence = kernelRecords.find((a) => a.status === 'kernel-hit');
    expect(withEvidence?.evidence[0]?.series).toBe('load.runnable_count');
    expect(withEvidence?.evidence[0]?.value).toBeGreaterThan(2);
    expect(withEvidence?.because).toContain('load.runnable_count > 2');

    const after = await api<StatusResult>('status');
    const lat = after.layers.find((l) => l.name === 'immediate')?.latency;
    console.log(`immediate layer (kernel eval): p50 ${lat?.p50} ms, p99 ${lat?.p99} ms, max ${lat?.max} ms over ${lat?.count} polls; kernel decisions: ${kernelRecords.map((r) => r.status).join(', ')}`);
    expect(lat?.p99).toBeGreaterThan(0);
    expect(lat?.p99).toBeLessThan(1);
    if (after.metricsUrl !== null) {
      const text = await (await fetch(after.metricsUrl)).text();
      expect(text).toMatch(/ainka_decision_latency_seconds_count\{layer="immediate"\} [1-9]/);
    }
  }, 240_000);

  it('advises capping a cgroup whose memory balloons (cgroup v2, mounted in the guest)', async (ctx) => {
    if (cgroupProblem !== undefined) {
      console.log(`skipped: memory balloon in a cgroup: ${cgroupProblem}`);
      ctx.skip();
      return;
    }
    const name = `ainka-balloon-${process.pid}`;
    const cg = join('/sys/fs/cgroup', name);
    mkdirSync(cg);
    // The cgroup collector re-walks the hierarchy every 10 s: let it see the empty cgroup first, so the
    // balloon's growth is inside the rule's window.
    await new Promise((r) => setTimeout(r, 12_000));
    const b = spawn(process.execPath, ['-e', 'const a=[];setTimeout(()=>{const t=setInterval(()=>{a.push(Buffer.alloc(32<<20,1));if(a.length>=14)clearInterval(t)},700)},1500);setTimeout(()=>{},120000)'], { stdio: 'ignore' });
    children.push(b);
    const exited = new Promise((r) => b.once('exit', r));
    try {
      writeFileSync(join(cg, 'cgroup.procs'), String(b.pid));
      const line = await (d as RunningDaemon).waitFor((l) => l.event === 'action' && (l.action as ActionRecord).rule === 'memory-growth' && (l.action as ActionRecord).knob.includes(name), 120_000);
      const a = line.action as ActionRecord;
      expect(a.knob).toMatch(/:memory\.high$/);
      expect(a.status).toBe('proposed');
      expect(a.evidence.some((e) => e.series.includes(name))).toBe(true);
      console.log(`balloon advice: ${String(line.msg)}; evidence ${a.evidence.map((e) => `${e.series} = ${e.value} (${e.condition})`).join(', ')}`);
    } finally {
      b.kill('SIGKILL');
      await exited;
      await new Promise((r) => setTimeout(r, 300));
      rmdirSync(cg);
    }
  }, 240_000);

  it('clears the kernel policy cache when ainkad stops', async () => {
    expect(await (d as RunningDaemon).stop('SIGTERM')).toBe(0);
    expect(Number(procAinka().policy_count)).toBe(0);
    expect((d as RunningDaemon).logs().some((l) => String(l.msg).includes('kernel policy cache cleared'))).toBe(true);
  }, 60_000);
});
