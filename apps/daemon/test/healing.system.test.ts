import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActionRecord, ApiResponse, HealingRecord, StatusResult } from '../src/api.js';
import { daemonMain, repo } from './harness.js';

// Real faults in the Debian 12 systemd guest (`node tools/testbed/testbed.mjs system-test`): a crash-looping
// unit, a unit that dies once, a hung unit, a memory leak and a descriptor leak in services, a drifted
// sysctl and an edited /etc file, and a cgroup ballooning the machine into memory pressure next to a
// protected unit; ainkad heals in enforce mode, its changes roll back, and nothing protected is touched.
// ainkad is told nothing about these units: it finds them from systemd's D-Bus signals, /proc, PSI and cgroupfs.
const inSystem = process.env.AINKA_TEST_TARGET === 'system';
/** The systemd service this test runs in (the testbed's runner), from /proc/self/cgroup. */
const runnerUnit = /\/([^/\n]+\.service)(?:\/[^\n]*)?$/m.exec(readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::')) ?? '')?.[1];
const tag = `ainka-heal-${process.pid}`;
const dir = join('/run', tag);
const leaker = join(repo, 'packages', 'healing', 'test', 'fixtures', 'leaker.cjs');
const cleanups: (() => void)[] = [];

function sh(cmd: string, args: readonly string[], timeoutMs = 60_000): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

function call<T>(socket: string, method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let buf = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`${method}: no answer within ${timeoutMs} ms`))), timeoutMs);
    s.setEncoding('utf8');
    s.on('error', (e) => (clearTimeout(timer), reject(e)));
    s.on('connect', () => s.write(`${JSON.stringify({ id: 1, method, params })}\n`));
    s.on('data', (c: string) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      s.destroy();
      const msg = JSON.parse(buf.slice(0, nl)) as ApiResponse;
      if (msg.ok) resolve(msg.result as T);
      else reject(new Error(`${method} failed: ${JSON.stringify(msg)}`));
    });
  });
}

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined;
    try {
      v = await fn();
    } catch {
      v = undefined;
    }
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function unit(name: string, body: string): void {
  writeFileSync(`/etc/systemd/system/${name}`, body);
  cleanups.push(() => {
    spawnSync('systemctl', ['stop', name]);
    rmSync(`/etc/systemd/system/${name}`, { force: true });
  });
}

afterAll(() => {
  if (inSystem) {
    // ainkad's own last words, for a run that failed on its socket (one failed with ECONNRESET mid-run).
    const j = spawnSync('journalctl', ['-u', `${tag}-ainkad.service`, '-n', '200', '--no-pager', '-o', 'cat'], { encoding: 'utf8' }).stdout ?? '';
    const bad = j.split('\n').filter((l) => /"level":(50|60)|Main process exited|Failed with result|uncaught|unhandled|^(Stopping|Stopped|Started) |healing H\d+ \(leak\)[^"]*ainkad/i.test(l));
    if (bad.length > 0) console.log(`[healing] ainkad journal (errors):\n${bad.slice(-20).map((l) => l.slice(0, 600)).join('\n')}`);
  }
  for (const c of cleanups.reverse()) {
    try {
      c();
    } catch {
      // the guest is thrown away after the run
    }
  }
  spawnSync('systemctl', ['daemon-reload']);
});

describe.runIf(inSystem)('self-healing against real faults (systemd guest)', () => {
  it('detects, acts, verifies and rolls back; never touches a protected unit', async () => {
    if (!existsSync(daemonMain)) throw new Error(`${daemonMain} is missing: run \`npx nx run @ainka/daemon:build\` on the host first`);
    mkdirSync(dir, { recursive: true });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const node = process.execPath;
    const cfg = join(dir, 'ainkad.yaml');
    writeFileSync(
      cfg,
      [
        'mode: enforce',
        // Only healing is under test: the parts that make ainkad start slowly under TCG are off.
        'telemetry: { ebpf: off }',
        'policy: { builtin: false, packs: [] }',
        'ml: { anomaly: { enabled: false } }',
        'history: { enabled: false }',
        'logs: { enabled: false }',
        'kernel: { module: off }',
        'actions: { rollbackOnExit: false, maxPerMinute: 30 }',
        'healing:',
        '  mode: enforce',
        // The test's own runner (the testbed's service, whose vitest workers sit in it) is a critical unit of this
        // machine like the db: unprotected, the ladder throttled it after the balloon's kill in CI (memory.high left
        // in force for every later system test, which then crawled).
        `  protectedUnits: [${tag}-db.service${runnerUnit !== undefined ? `, ${runnerUnit}` : ''}]`,
        '  leaks: { intervalMs: 1000, windowSeconds: 40, minSpanSeconds: 20 }',
        '  drift: { fullIntervalMs: 5000 }',
        '  services: { healthyRunSeconds: 30 }',
        `  pressure: { intervalMs: 1000, sustainSeconds: 3, stepSeconds: 8, allowKill: true, avoid: [${tag}-cache.service] }`,
        '',
      ].join('\n'),
    );
    const socket = join(dir, 'ainkad.sock');
    const daemonUnit = `${tag}-ainkad.service`;
    sh('systemd-run', [`--unit=${daemonUnit}`, '--quiet', node, daemonMain, '--config', cfg, '--state-dir', join(dir, 'state'), '--socket', socket, '--no-metrics']);
    cleanups.push(() => spawnSync('systemctl', ['stop', daemonUnit]));

    unit(`${tag}-crash.service`, `[Service]\nExecStart=/bin/sh -c 'echo "config error: missing listen address" >&2; sleep 2; exit 1'\nRestart=on-failure\nRestartSec=1\nStartLimitBurst=20\n`);
    unit(`${tag}-once.service`, `[Service]\nExecStart=/bin/sh -c 'if [ ! -e ${dir}/once ]; then touch ${dir}/once; sleep 3; exit 1; fi; exec sleep 600'\nRestart=no\n`);
    unit(`${tag}-hung.service`, `[Service]\nType=notify\nExecStart=/bin/sleep 600\nTimeoutStartSec=4\nRestart=no\n`);
    unit(`${tag}-mem.service`, `[Service]\nExecStart=${node} ${leaker} memory 8\nMemoryMax=400M\n`);
    unit(`${tag}-fds.service`, `[Service]\nExecStart=${node} ${leaker} fds 20\nLimitNOFILE=1024\n`);
    unit(`${tag}-db.service`, `[Service]\nExecStart=${node} ${leaker} balloon 100 75\n`);
    unit(`${tag}-cache.service`, `[Service]\nExecStart=${node} ${leaker} balloon 100 25\n`);
    unit(`${tag}-balloon.service`, `[Service]\nExecStart=${node} ${leaker} balloon 100 6\nRestart=no\n`);
    sh('systemctl', ['daemon-reload']);
    const sysctlBefore = readFileSync('/proc/sys/vm/swappiness', 'utf8').trim();
    const hostsBefore = readFileSync('/etc/hosts', 'utf8');
    cleanups.push(() => writeFileSync('/proc/sys/vm/swappiness', `${sysctlBefore}\n`));
    cleanups.push(() => writeFileSync('/etc/hosts', hostsBefore));

    await until(() => (existsSync(socket) ? true : undefined), 300_000, 'ainkad socket');
    const mainPid = (): number => Number(spawnSync('systemctl', ['show', '-p', 'MainPID', '--value', daemonUnit], { encoding: 'utf8' }).stdout.trim());
    const daemonPid = mainPid();
    let lastParts = '';
    await until(async () => {
      const parts = (await call<StatusResult>(socket, 'status')).healing?.parts ?? [];
      lastParts = JSON.stringify(parts);
      return parts.find((p) => p.id === 'healing:services')?.available === true ? true : undefined;
    }, 120_000, 'service healing on D-Bus').catch((err: Error) => {
      throw new Error(`${err.message}; healing parts: ${lastParts}`);
    });
    const parts = (await call<StatusResult>(socket, 'status')).healing?.parts ?? [];
    expect(parts.find((p) => p.id === 'healing:pressure'), JSON.stringify(parts)).toMatchObject({ available: true });

    const t0 = Date.now();
    await call(socket, 'baseline.record', { sysctls: ['vm.swappiness'], files: ['/etc/hosts'], enforce: ['sysctl:vm.swappiness', 'file:/etc/hosts'] });
    for (const u of ['crash', 'once', 'hung', 'mem', 'fds', 'db']) sh('systemctl', ['start', '--no-block', `${tag}-${u}.service`]);
    writeFileSync('/proc/sys/vm/swappiness', sysctlBefore === '10' ? '20\n' : '10\n');
    writeFileSync('/etc/hosts', `${hostsBefore}10.6.6.6 updates.example\n`);

    // `status` lists only 20 records (open first, newest first): with many leak findings open at once the ladder's
    // record can fall out of it. The ones it leaves out are read with `explain` (resolved ones once: they no longer change).
    const settled = new Map<string, HealingRecord>();
    const records = async (): Promise<readonly HealingRecord[]> => {
      const listed = (await call<StatusResult>(socket, 'status')).healing?.records ?? [];
      const max = Math.max(0, ...listed.map((r) => Number(r.id.slice(1))));
      const shown = new Set(listed.map((r) => r.id));
      const rest: HealingRecord[] = [];
      for (let n = 1; n <= max; n++) {
        const id = `H${n}`;
        if (shown.has(id)) continue;
        const known = settled.get(id) ?? (await call<{ healing?: HealingRecord }>(socket, 'explain', { id }).then((x) => x.healing).catch(() => undefined));
        if (known === undefined) continue;
        if (known.status !== 'open') settled.set(id, known);
        rest.push(known);
      }
      return [...listed, ...rest];
    };
    const found = async (pred: (r: HealingRecord) => boolean, what: string, ms = 180_000, since = t0): Promise<HealingRecord> => {
      const r = await until(async () => (await records()).find(pred), ms, what).catch(async (err: Error) => {
        // Say what the healing parts did record meanwhile, the newest actions, and whether ainkad was restarted,
        // so a miss explains itself.
        const seen = await records().catch(() => [] as readonly HealingRecord[]);
        const byId = [...seen].sort((a, b) => Number(b.id.slice(1)) - Number(a.id.slice(1)));
        // The newest 10, and the newest pressure records even when leak findings crowd them out of those.
        const recent = [...byId.slice(0, 10), ...byId.slice(10).filter((x) => x.kind === 'pressure').slice(0, 4)];
        const lines = recent.map((x) => `${x.id} ${x.status} ${x.kind} ${x.key} (at +${((x.at - since) / 1000).toFixed(0)} s): ${x.summary} → ${x.remedy} [actions ${x.actions.join(',')}]`);
        const acts = await call<{ actions: ActionRecord[] }>(socket, 'actions').then((a) => a.actions.slice(-12).map((x) => `${x.id} ${x.status} ${x.knob}=${x.value} (at +${((x.at - since) / 1000).toFixed(0)} s)`)).catch((e: Error) => [e.message]);
        throw new Error(`${err.message}; ainkad MainPID ${mainPid()} (was ${daemonPid}); newest healing records:\n  ${lines.join('\n  ')}\nactions:\n  ${acts.join('\n  ')}`);
      });
      console.log(`[healing] ${what}: detected after ${((Date.now() - since) / 1000).toFixed(1)} s: ${r.id} ${r.summary} → ${r.remedy}`);
      return r;
    };
    const explain = (id: string) => call<{ healing: HealingRecord; actions: ActionRecord[] }>(socket, 'explain', { id });

    // Drift: restored (enforce items), with evidence, and the restore can be rolled back.
    const swap = await found((r) => r.key === 'sysctl:vm.swappiness', 'drifted sysctl');
    await until(() => (readFileSync('/proc/sys/vm/swappiness', 'utf8').trim() === sysctlBefore ? true : undefined), 60_000, 'swappiness restored');
    const hosts = await found((r) => r.key === 'file:/etc/hosts', 'edited /etc/hosts');
    await until(() => (readFileSync('/etc/hosts', 'utf8') === hostsBefore ? true : undefined), 60_000, '/etc/hosts restored');
    expect(hosts.evidence[0]?.condition).toMatch(/\+ ?10\.6\.6\.6 updates\.example/);
    const swapAction = (await explain(swap.id)).actions.find((a) => a.status === 'applied');
    expect(swapAction?.changeId).not.toBeNull();
    await call(socket, 'rollback', { id: String(swapAction?.changeId) });
    expect(readFileSync('/proc/sys/vm/swappiness', 'utf8').trim()).not.toBe(sysctlBefore);

    // Services: the one that died once is restarted and runs; the hung one (start timeout) is restarted;
    // the crash loop is reported with its journal lines and not restarted.
    const once = await found((r) => r.key === `unit:${tag}-once.service` && r.actions.length > 0, 'unit that dies once');
    expect((await explain(once.id)).actions[0]?.knob).toBe(`systemd:${tag}-once.service:restart`);
    await until(() => (spawnSync('systemctl', ['is-active', `${tag}-once.service`], { encoding: 'utf8' }).stdout.trim() === 'active' ? true : undefined), 60_000, 'once.service running again');
    const hung = await found((r) => r.key === `unit:${tag}-hung.service` && r.actions.length > 0, 'hung unit (start timeout)');
    expect(hung.evidence[0]?.condition).toMatch(/result timeout/);
    const loop = await found((r) => r.key === `unit:${tag}-crash.service` && /crash-looping/.test(r.summary), 'crash-looping unit');
    expect(loop.actions).toEqual([]);
    expect(loop.summary, 'times to failure are never negative (events in order)').not.toMatch(/-\d+\.\d s/);
    expect(loop.evidence.some((e) => /config error: missing listen address/.test(e.condition))).toBe(true);

    // Leaks: named with rate and ETA against the unit's own limits; remedy is a restart of the unit.
    const mem = await found((r) => r.kind === 'leak' && r.key.endsWith('/memory') && r.summary.includes(`${tag}-mem.service`), 'memory leak 8 MiB/s');
    expect(mem.summary).toMatch(/MiB\/s.*memory\.max of system\.slice\/.*-mem\.service.*reached in ~/);
    const fds = await found((r) => r.kind === 'leak' && r.key.endsWith('/fds') && r.summary.includes(`${tag}-fds.service`), 'fd leak 20/s');
    expect(fds.summary).toMatch(/RLIMIT_NOFILE soft limit 1024/);
    for (const u of ['mem', 'fds', 'crash', 'hung']) spawnSync('systemctl', ['stop', `${tag}-${u}.service`]);

    // Pressure: a balloon eats the machine next to a protected unit and a larger avoid-labelled one, both holding
    // memory; the ladder throttles the balloon, verifies it, freezes it, verifies that, and (allowKill) kills its
    // process. Its growth also looks like a leak: whichever part acts first owns the unit for a while, and the
    // other defers and says so (one response per target; the old code restarted it in the middle of the ladder).
    const cg = `/sys/fs/cgroup/system.slice/${tag}-balloon.service`;
    const t1 = Date.now();
    sh('systemctl', ['start', '--no-block', `${tag}-cache.service`, `${tag}-balloon.service`]);
    const pressure = await found((r) => r.kind === 'pressure' && r.key === `pressure:system.slice/${tag}-balloon.service` && r.actions.length >= 2, 'memory pressure (throttle, then freeze)', 150_000, t1);
    let steps = (await explain(pressure.id)).actions;
    console.log(`[healing] pressure steps: ${steps.map((a) => `${a.id} ${a.status} ${a.knob}=${a.value} (${a.line})`).join('; ')}`);
    // Each step was applied and read back before the next: never a skipped throttle followed by a freeze.
    expect(steps.slice(0, 2).map((a) => `${a.status} ${a.knob.split(':').pop()}`)).toEqual(['applied memory.high', 'applied cgroup.freeze']);
    expect(readFileSync(`${cg}/memory.high`, 'utf8').trim()).not.toBe('max');
    expect(readFileSync(`${cg}/cgroup.freeze`, 'utf8').trim()).toBe('1');
    const balloonPid = Number(sh('systemctl', ['show', '-p', 'MainPID', '--value', `${tag}-balloon.service`]).trim());
    const killed = await found((r) => r.key === pressure.key && r.actions.length >= 3, 'pressure kill (allowKill)', 60_000, t1);
    steps = (await explain(killed.id)).actions;
    console.log(`[healing] pressure steps: ${steps.map((a) => `${a.id} ${a.status} ${a.knob}=${a.value}`).join('; ')}`);
    expect(steps[2]).toMatchObject({ status: 'applied', knob: `process:${balloonPid}:kill` });
    await until(() => (existsSync(`/proc/${balloonPid}`) ? undefined : true), 30_000, 'balloon process gone');
    // The killed unit is not restarted by the service part, and the avoid-labelled and protected ones live on.
    await new Promise((r) => setTimeout(r, 3000));
    expect(spawnSync('systemctl', ['is-active', `${tag}-balloon.service`], { encoding: 'utf8' }).stdout.trim()).not.toBe('active');
    for (const u of ['cache', 'db']) expect(spawnSync('systemctl', ['is-active', `${tag}-${u}.service`], { encoding: 'utf8' }).stdout.trim(), u).toBe('active');
    for (const u of ['cache', 'db']) {
      const ucg = `/sys/fs/cgroup/system.slice/${tag}-${u}.service`;
      expect(readFileSync(`${ucg}/memory.high`, 'utf8').trim(), u).toBe('max');
      expect(readFileSync(`${ucg}/cgroup.freeze`, 'utf8').trim(), u).toBe('0');
    }
    // One owner at a time: no leak remedy (restart) was applied to the balloon once the ladder acted on it, and a
    // leak remedy applied before made the ladder defer (its throttle says so) instead of acting on top of it.
    const all = (await call<{ actions: ActionRecord[] }>(socket, 'actions')).actions;
    const restarts = all.filter((a) => a.knob === `systemd:${tag}-balloon.service:restart` && a.status === 'applied');
    console.log(`[healing] balloon restarts by the leak part: ${restarts.map((a) => `${a.id} at ${new Date(a.at).toISOString()}`).join(', ') || 'none'}`);
    expect(restarts.filter((a) => a.at >= (steps[0]?.at ?? 0))).toEqual([]);
    // A restart by the leak part owns the unit for max(30 s, 2 steps): a ladder step inside that hold must say it
    // deferred; after it (the restart released the memory and the balloon grew again) the ladder acts afresh.
    const lastRestart = restarts.filter((a) => a.at < (steps[0]?.at ?? 0)).at(-1);
    if (lastRestart !== undefined && (steps[0]?.at ?? 0) - lastRestart.at < 30_000) expect(steps[0]?.because).toMatch(/deferred: the leak part \(H\d+\) owns .*one response per target/);
    sh('systemctl', ['stop', `${tag}-cache.service`, `${tag}-db.service`]);

    // Nothing protected was ever asked for.
    const actions = (await call<{ actions: ActionRecord[] }>(socket, 'actions')).actions;
    console.log(`[healing] actions: ${actions.map((a) => `${a.id} ${a.status} ${a.knob}`).join('; ')}`);
    expect(actions.filter((a) => /ssh|journald|logind|dbus|ainkad|init\.scope|-db\.service|-cache\.service/.test(a.knob))).toEqual([]);
    if (runnerUnit !== undefined) expect(actions.filter((a) => a.knob.includes(runnerUnit)).map((a) => `${a.id} ${a.knob}`), 'the test runner unit was acted on').toEqual([]);
    // ainkad itself was never restarted (its own records would have been lost with it).
    expect(mainPid(), 'ainkad was restarted during the run').toBe(daemonPid);
  }, 600_000);
});
