import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, filter, take, timeout, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionStatus,
  AINKA_ABI_VERSION,
  Comparison,
  encodeAttr,
  encodeGenl,
  encodeKernelRule,
  encodeNlmsg,
  family,
  KernelMetric,
  KERNEL_RULE_SIZE,
  Mode,
  NlmFlags,
  RuleAction,
  RuleTarget,
  type KernelRule,
  type KernelSample,
} from '@ainka/protocol';
import { AinkaKernel, AinkaKernelError, GenlConnection, type KernelEvent } from '../src/index.js';
import { ainkaMappings, inGuest, loadModule, moduleRefcount, openFds, unloadModule } from './fixtures/guestModule.js';

// Runs only in the QEMU guest (tools/testbed), against the real ainka.ko. When this file loads the
// module it asks for a 64-record ring; if the module was already loaded, the tests adapt to its ring.
let RING_CAPACITY = 64;
const root = join(import.meta.dirname, '..', '..', '..');
let loadedHere = false;
let kernel: AinkaKernel;

const rule = (over: Partial<KernelRule>): KernelRule => ({
  id: 1,
  metric: KernelMetric.MEM_TOTAL_KB,
  cmp: Comparison.GT,
  threshold: 0,
  action: RuleAction.REPORT,
  arg: 0,
  target: RuleTarget.NONE,
  targetPid: 0,
  forMs: 0,
  cooldownMs: 0,
  priority: 0,
  ...over,
});

function rejection(p: Promise<unknown>): Promise<AinkaKernelError> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(AinkaKernelError);
      return e as AinkaKernelError;
    },
  );
}

function nextEvent<T extends KernelEvent['type']>(k: AinkaKernel, type: T, match: (e: Extract<KernelEvent, { type: T }>) => boolean = () => true, ms = 30_000): Promise<Extract<KernelEvent, { type: T }>> {
  return firstValueFrom(
    k.events$.pipe(
      filter((e): e is Extract<KernelEvent, { type: T }> => e.type === type && match(e as Extract<KernelEvent, { type: T }>)),
      take(1),
      timeout(ms),
    ),
  );
}

describe.runIf(inGuest)('@ainka/ipc against the real module (guest)', () => {
  beforeAll(async () => {
    loadedHere = loadModule({ ring_capacity: RING_CAPACITY, sample_interval_ms: 10, watchdog_timeout_ms: 0 });
    kernel = await AinkaKernel.open({ requestTimeoutMs: 10_000 });
    await kernel.setConfig({ sampleIntervalMs: 10, watchdogTimeoutMs: 0 });
    RING_CAPACITY = kernel.device!.ringInfo().capacity;
  });

  afterEach(async () => {
    if (!kernel.closed) {
      await kernel.clearPolicies();
      await kernel.setMode('observe');
    }
  });

  afterAll(async () => {
    await kernel?.close();
    if (loadedHere) unloadModule();
  });

  describe('every command round-trip', () => {
    it('get-status reports the ABI, version, mode, state and counters', async () => {
      const s = await kernel.status();
      expect(s.abiVersion).toBe(AINKA_ABI_VERSION);
      expect(s.version).toMatch(/^\d+\.\d+\.\d+/);
      expect([Mode.OBSERVE, Mode.ENFORCE]).toContain(s.mode);
      expect(s.uptimeNs).toBeGreaterThan(0n);
      expect(s.counters.samples).toBeGreaterThan(0n);
      expect(s.sampleIntervalMs).toBe(10);
    });

    it('set-mode switches enforce and observe, and get-status agrees', async () => {
      expect(await kernel.setMode('enforce')).toBe(Mode.ENFORCE);
      expect((await kernel.status()).mode).toBe(Mode.ENFORCE);
      expect(await kernel.setMode('observe')).toBe(Mode.OBSERVE);
      expect((await kernel.status()).mode).toBe(Mode.OBSERVE);
    });

    it('set-config changes the sampler period and the watchdog timeout', async () => {
      expect(await kernel.setConfig({ sampleIntervalMs: 20, watchdogTimeoutMs: 0 })).toEqual({ sampleIntervalMs: 20, watchdogTimeoutMs: 0 });
      expect((await kernel.status()).sampleIntervalMs).toBe(20);
      await kernel.setConfig({ sampleIntervalMs: 10 });
    });

    it('policy-load appends, replaces atomically, and policy-clear empties', async () => {
      expect(await kernel.loadPolicies([rule({ id: 1 }), rule({ id: 2 })])).toBe(2);
      expect(await kernel.loadPolicies([rule({ id: 3 })])).toBe(3);
      expect(await kernel.loadPolicies([rule({ id: 9 })], { replace: true })).toBe(1);
      expect((await kernel.status()).policyCount).toBe(1);
      expect(await kernel.clearPolicies()).toBe(0);
      expect((await kernel.status()).policyCount).toBe(0);
    });

    it('heartbeat is echoed in status and counted; the automatic heartbeat runs while open', async () => {
      const before = (await kernel.status()).counters.heartbeats;
      await kernel.heartbeat(0xabcdef123n);
      const s = await kernel.status();
      expect(s.heartbeatCookie).toBe(0xabcdef123n);
      expect(s.counters.heartbeats).toBe(before + 1n);
      const auto = await AinkaKernel.open({ heartbeat: 50, ring: false });
      try {
        const start = (await auto.status()).counters.heartbeats;
        await new Promise((r) => setTimeout(r, 600));
        expect((await auto.status()).counters.heartbeats).toBeGreaterThan(start);
      } finally {
        await auto.close();
      }
    });

    it('actions-get dumps the actions of a REPORT rule in observe mode', async () => {
      await kernel.loadPolicies([rule({ id: 41, cooldownMs: 0 })], { replace: true });
      await nextEvent(kernel, 'policy-hit', (e) => e.ruleId === 41);
      await new Promise((r) => setTimeout(r, 200));
      const actions = await kernel.recentActions(16);
      expect(actions.length).toBeLessThanOrEqual(16);
      for (let i = 1; i < actions.length; i++) expect(actions[i]!.id).toBeGreaterThan(actions[i - 1]!.id);
    });

    it('the ioctl path agrees with netlink: version, state, set-mode, heartbeat, ring info', async () => {
      const dev = kernel.device!;
      expect(dev.version().abiVersion).toBe(AINKA_ABI_VERSION);
      dev.setMode(Mode.ENFORCE);
      expect(dev.state().mode).toBe(Mode.ENFORCE);
      expect((await kernel.status()).mode).toBe(Mode.ENFORCE);
      dev.setMode(Mode.OBSERVE);
      dev.heartbeat(777n);
      expect((await kernel.status()).heartbeatCookie).toBe(777n);
      const info = dev.ringInfo();
      expect(info).toMatchObject({ recordSize: 128, capacity: RING_CAPACITY, dataOffset: 4096 });
      expect(info.mmapSize).toBeGreaterThanOrEqual(4096 + RING_CAPACITY * 128);
    });
  });

  describe('events', () => {
    it('policy hits arrive as typed events with the rule id and metric value', async () => {
      const hit = nextEvent(kernel, 'policy-hit', (e) => e.ruleId === 7);
      await kernel.loadPolicies([rule({ id: 7 })], { replace: true });
      const e = await hit;
      expect(e.metricValue).toBeGreaterThan(0n);
      expect(e.timestampNs).toBeGreaterThan(0n);
    });

    it('a policy hit the guest provokes (a burst of forks) arrives', async () => {
      const hit = nextEvent(kernel, 'policy-hit', (e) => e.ruleId === 8);
      await kernel.loadPolicies([rule({ id: 8, metric: KernelMetric.FORKS_PER_SEC, cmp: Comparison.GT, threshold: 20 })], { replace: true });
      const burst = spawn('/bin/sh', ['-c', 'i=0; while [ $i -lt 400 ]; do /bin/true; i=$((i+1)); done']);
      const e = await hit;
      burst.kill();
      expect(e.metricValue).toBeGreaterThan(20n);
    });

    it('a REQUEST rule asks userspace to act with its code', async () => {
      const req = nextEvent(kernel, 'request', (e) => e.ruleId === 5);
      await kernel.loadPolicies([rule({ id: 5, action: RuleAction.REQUEST, arg: 4242 })], { replace: true });
      expect((await req).requestCode).toBe(4242);
    });

    it('mode changes are multicast', async () => {
      const change = nextEvent(kernel, 'mode-change', (e) => e.mode === Mode.ENFORCE);
      await kernel.setMode('enforce');
      await change;
    });

    it('an event flood that overruns the socket is counted and reported, and events keep flowing', async () => {
      const k = await AinkaKernel.open({ rcvbufBytes: 4096, ring: false, heartbeat: false });
      const errors: AinkaKernelError[] = [];
      const seen: KernelEvent[] = [];
      k.errors$.subscribe((e) => errors.push(e));
      const sub = k.events$.subscribe((e) => seen.push(e));
      try {
        await kernel.setConfig({ sampleIntervalMs: 1 });
        await kernel.loadPolicies(Array.from({ length: 16 }, (_, i) => rule({ id: 100 + i })), { replace: true });
        // Block this thread so nothing reads the events socket while the kernel multicasts ~16 events/ms.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
        for (let i = 0; i < 100 && k.eventOverruns === 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(k.eventOverruns).toBeGreaterThan(0);
        expect(errors.some((e) => e.code === 'ERR_AINKA_KERNEL_OVERRUN' && e.errno === 105)).toBe(true);
        const before = seen.length;
        for (let i = 0; i < 250 && seen.length === before; i++) await new Promise((r) => setTimeout(r, 20));
        expect(seen.length).toBeGreaterThan(before);
        expect((await k.status()).abiVersion).toBe(AINKA_ABI_VERSION);
      } finally {
        sub.unsubscribe();
        await kernel.clearPolicies();
        await kernel.setConfig({ sampleIntervalMs: 10 });
        await k.close();
      }
    });

    it('enforce applies a RENICE to a provoked task and observe reverts it, with ACTION events and the action log', async () => {
      const victim = spawn('/bin/sleep', ['60']);
      const niceOf = (): number => Number(readFileSync(`/proc/${victim.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
      try {
        const before = niceOf();
        await kernel.setMode('enforce');
        const applied = nextEvent(kernel, 'action', (e) => e.ruleId === 11 && e.action?.status === ActionStatus.APPLIED);
        await kernel.loadPolicies([rule({ id: 11, action: RuleAction.RENICE, arg: 10, target: RuleTarget.PID, targetPid: victim.pid!, cooldownMs: 60_000 })], { replace: true });
        const a = (await applied).action!;
        expect(a).toMatchObject({ pid: victim.pid, newValue: 10, oldValue: before });
        expect(niceOf()).toBe(10);
        const reverted = nextEvent(kernel, 'action', (e) => e.ruleId === 11 && e.action?.status === ActionStatus.REVERTED);
        await kernel.setMode('observe');
        await reverted;
        expect(niceOf()).toBe(before);
        const log = await kernel.recentActions();
        expect(log.some((x) => x.ruleId === 11 && x.status === ActionStatus.APPLIED)).toBe(true);
      } finally {
        victim.kill();
      }
    });
  });

  describe('the sample ring', () => {
    it('samples arrive in order, whole, at the sampler rate', async () => {
      kernel.drainSamples(); // start from now
      const samples: KernelSample[] = await firstValueFrom(kernel.samples$.pipe(take(40), toArray(), timeout(60_000)));
      for (let i = 1; i < samples.length; i++) expect(samples[i]!.seq).toBe(samples[i - 1]!.seq + 1n);
      for (const s of samples) expect(s.metrics.length).toBe(KernelMetric.BLOCKED + 1);
      const deltas = samples.slice(1).map((s, i) => Number(s.timestampNs - samples[i]!.timestampNs) / 1e6).sort((a, b) => a - b);
      const median = deltas[Math.floor(deltas.length / 2)]!;
      // Kernel timestamps of consecutive samples: the hrtimer period (10 ms), allowing for TCG jitter.
      expect(median).toBeGreaterThan(5);
      expect(median).toBeLessThan(30);
      expect(kernel.ringStats()!.torn).toBe(0);
    });

    it('set-pressure hands the module PSI figures, which the next samples carry', async () => {
      await kernel.setPressure({ cpu: 1234, memory: 56, io: 7 });
      await new Promise((r) => setTimeout(r, 200));
      const last = kernel.drainSamples().at(-1);
      expect(last).toBeDefined();
      expect([last!.metrics[KernelMetric.PSI_CPU_SOME_AVG10], last!.metrics[KernelMetric.PSI_MEM_SOME_AVG10], last!.metrics[KernelMetric.PSI_IO_SOME_AVG10]]).toEqual([1234, 56, 7]);
    });

    it('a reader that falls behind sees overflows counted, not corrupted data', async () => {
      kernel.drainSamples();
      const before = kernel.ringStats()!.kernelOverflows;
      await new Promise((r) => setTimeout(r, RING_CAPACITY * 10 * 3)); // three rings' worth at 10 ms
      const samples = kernel.drainSamples();
      const stats = kernel.ringStats()!;
      expect(stats.kernelOverflows).toBeGreaterThan(before);
      expect(samples.length).toBe(RING_CAPACITY);
      for (let i = 1; i < samples.length; i++) expect(samples[i]!.seq).toBe(samples[i - 1]!.seq + 1n);
      expect(stats.torn).toBe(0);
      const status = await kernel.status();
      expect(status.counters.ringOverflows).toBe(BigInt(stats.kernelOverflows));
    });
  });

  describe('malformed messages sent raw', () => {
    const familyId = (): number => kernel.family.id;
    const raw = (cmd: number, attrs: Uint8Array, flags = NlmFlags.REQUEST | NlmFlags.ACK) => (seq: number) =>
      encodeNlmsg({ type: familyId(), flags, seq, pid: 0 }, encodeGenl({ cmd, version: family.version }, attrs));
    const u8 = (type: number, v: number) => encodeAttr(type, new Uint8Array([v]));

    it('are rejected with errno, extack and the blamed attribute, and the client keeps working', async () => {
      const conn = new GenlConnection({ timeoutMs: 10_000 });
      try {
        const opts = { name: 'raw', describeOffset: (req: Uint8Array, off: number) => `@${off}` };
        const outOfRange = await rejection(conn.request(raw(2, u8(3, 7)), opts)); // set-mode mode=7
        expect(outOfRange.code).toBe('ERR_AINKA_KERNEL_REJECTED');
        expect(outOfRange.extack).toBeTruthy();
        expect(outOfRange.attribute).toBe('@20');

        const missing = await rejection(conn.request(raw(2, new Uint8Array(0)), { ...opts, describeMissing: (t) => `type ${t}` })); // set-mode without mode
        expect(missing.errno).toBe(22);
        expect(missing.attribute).toBe('type 3');

        const shortRule = await rejection(conn.request(raw(4, encodeAttr(6, new Uint8Array(KERNEL_RULE_SIZE - 1))), opts));
        expect(shortRule.code).toBe('ERR_AINKA_KERNEL_REJECTED');

        const badRule = encodeKernelRule(rule({ id: 3 }));
        badRule[6] = 9; // cmp out of range, past TypeScript's validation
        const invalid = await rejection(conn.request(raw(4, encodeAttr(6, badRule)), opts));
        expect(invalid.code).toBe('ERR_AINKA_KERNEL_REJECTED');
        expect(invalid.extack ?? invalid.message).toBeTruthy();

        const unknownCmd = await rejection(conn.request(raw(99, new Uint8Array(0)), opts));
        expect(unknownCmd.errno).toBeGreaterThan(0);

        const truncated = new Uint8Array([8, 0, 3, 0]); // nla_len 8, only the header present
        const cut = await rejection(conn.request(raw(2, truncated), opts));
        expect(cut.errno).toBeGreaterThan(0);
      } finally {
        conn.close();
      }
      expect((await kernel.status()).policyCount).toBe(0);
      expect((await kernel.status()).abiVersion).toBe(AINKA_ABI_VERSION);
    });

    it('the typed client refuses the same inputs before sending, naming the attribute', async () => {
      const e = await rejection(kernel.loadPolicies([rule({ id: 1 }), rule({ id: 2, cmp: 9 as never })]));
      expect(e).toMatchObject({ code: 'ERR_AINKA_KERNEL_INVALID_ARGUMENT', attribute: 'rules[1].cmp' });
    });
  });

  it('an unprivileged process (nobody) is refused by the kernel, and by open()', () => {
    const script = `import { AinkaKernel } from '${join(root, 'packages/ipc/src/index.ts')}';
const out = {};
try { await AinkaKernel.open(); out.open = 'opened'; } catch (e) { out.open = e.code; }
const k = await AinkaKernel.open({ readOnly: true, ring: false });
out.status = (await k.status()).abiVersion;
try { await k.setMode('enforce'); out.setMode = 'accepted'; } catch (e) { out.setMode = e.code; out.errno = e.errno; }
try { await k.loadPolicies([${JSON.stringify(rule({ id: 99 }))}]); out.load = 'accepted'; } catch (e) { out.load = e.code; }
await k.close();
console.log(JSON.stringify(out));`;
    const r = spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json'), HOME: '/tmp' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(out).toMatchObject({ open: 'ERR_AINKA_KERNEL_PERMISSION', status: AINKA_ABI_VERSION, setMode: 'ERR_AINKA_KERNEL_PERMISSION', errno: 1, load: 'ERR_AINKA_KERNEL_PERMISSION' });
  });

  it('closing mid-stream leaks nothing: fds, mappings, module references, in-flight requests', async () => {
    let fds: string[] = [];
    let maps = 0;
    let refs = 0;
    // Round 0 is a warm-up: Node opens some descriptors lazily on first use; the baseline is taken after it.
    for (let round = 0; round <= 5; round++) {
      if (round === 1) {
        fds = openFds();
        maps = ainkaMappings();
        refs = moduleRefcount();
      }
      const k = await AinkaKernel.open({ heartbeat: 20, samplePollMs: 1 });
      const events = k.events$.subscribe();
      let completed = false;
      k.samples$.subscribe({ complete: () => (completed = true) });
      await k.loadPolicies([rule({ id: 31 })], { replace: true });
      await new Promise((r) => setTimeout(r, 50));
      const inFlight = Array.from({ length: 20 }, () => k.status().then(() => 'ok', (e: AinkaKernelError) => e.code));
      await k.close();
      const outcomes = await Promise.all(inFlight);
      expect(outcomes.every((o) => o === 'ok' || o === 'ERR_AINKA_KERNEL_CLOSED')).toBe(true);
      expect(completed).toBe(true);
      events.unsubscribe();
      await expect(k.status()).rejects.toMatchObject({ code: 'ERR_AINKA_KERNEL_CLOSED' });
    }
    await kernel.clearPolicies();
    expect(openFds()).toEqual(fds);
    expect(ainkaMappings()).toBe(maps);
    expect(moduleRefcount()).toBe(refs);
  });
});
