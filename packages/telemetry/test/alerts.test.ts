import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  alertFromDetection,
  AlertManager,
  type AlertNotification,
  AlertRuleEngine,
  type AlertSink,
  detectOomKill,
  logSink,
  type MetricSample,
  stdoutJsonSink,
  webhookSink,
} from '../src/index.js';
import { until } from './helpers.js';

function collecting(): { sink: AlertSink; got: AlertNotification[] } {
  const got: AlertNotification[] = [];
  return { sink: { name: 'memory', send: (n) => void got.push(n) }, got };
}

const evidence = { note: 'test', series: [{ name: 'x', points: [{ timestamp: 1, value: 2 }] }] };

describe('AlertManager', () => {
  it('dedups by name + labels and re-sends only after the repeat interval or on escalation', async () => {
    let now = 1000;
    const { sink, got } = collecting();
    const m = new AlertManager({ sinks: [sink], groupWaitMs: 0, repeatIntervalMs: 10_000, now: () => now });
    m.raise({ name: 'disk_slow', severity: 'warning', summary: 'slow', labels: { device: 'sda' }, evidence });
    m.raise({ name: 'disk_slow', severity: 'warning', summary: 'slow', labels: { device: 'sda' }, evidence });
    await m.flush();
    expect(got).toHaveLength(1);
    expect(m.active()[0]?.occurrences).toBe(2);
    m.raise({ name: 'disk_slow', severity: 'critical', summary: 'slower', labels: { device: 'sda' }, evidence });
    await m.flush();
    expect(got).toHaveLength(2);
    expect(got[1]?.alerts[0]?.severity).toBe('critical');
    now += 10_000;
    m.raise({ name: 'disk_slow', severity: 'warning', summary: 'slow', labels: { device: 'sda' }, evidence });
    await m.flush();
    expect(got).toHaveLength(3);
    expect(got[2]?.alerts[0]?.severity).toBe('critical'); // severity never silently drops while firing
    expect(m.resolve('disk_slow', { device: 'sda' })?.status).toBe('resolved');
    await m.flush();
    expect(got[3]?.alerts[0]?.status).toBe('resolved');
    expect(m.active()).toHaveLength(0);
  });

  it('groups alerts of the same name raised within the group wait into one notification', async () => {
    const { sink, got } = collecting();
    const m = new AlertManager({ sinks: [sink], groupWaitMs: 30 });
    for (const device of ['sda', 'sdb', 'sdc']) m.raise({ name: 'io_error', severity: 'critical', summary: device, labels: { device }, evidence });
    m.raise({ name: 'oom_kill', severity: 'critical', summary: 'oom', evidence });
    expect(got).toHaveLength(0); // nothing before the group wait
    await until(() => got.length >= 2);
    expect(got).toHaveLength(2);
    const io = got.find((n) => n.groupLabels['name'] === 'io_error');
    expect(io?.alerts.map((a) => a.labels['device'])).toEqual(['sda', 'sdb', 'sdc']);
  });

  it('rate-limits notifications and reports how many were dropped', async () => {
    let now = 0;
    const { sink, got } = collecting();
    const m = new AlertManager({ sinks: [sink], groupWaitMs: 0, rateLimit: { max: 2, perMs: 1000 }, now: () => now });
    for (let i = 0; i < 5; i++) {
      m.raise({ name: `a${i}`, severity: 'warning', summary: '', evidence });
      await m.flush();
    }
    expect(got).toHaveLength(2);
    now = 1500;
    m.raise({ name: 'late', severity: 'warning', summary: '', evidence });
    await m.flush();
    expect(got).toHaveLength(3);
    expect(got[2]?.suppressed).toBe(3);
  });

  it('silences matching alerts until the silence ends, but keeps tracking them', async () => {
    let now = 0;
    const { sink, got } = collecting();
    const m = new AlertManager({ sinks: [sink], groupWaitMs: 0, repeatIntervalMs: 0, now: () => now });
    const id = m.silence({ name: 'segfault', labels: { comm: 'flaky' }, endsAt: 1000, comment: 'known bug #12' });
    m.raise({ name: 'segfault', severity: 'warning', summary: '', labels: { comm: 'flaky' }, evidence });
    m.raise({ name: 'segfault', severity: 'warning', summary: '', labels: { comm: 'other' }, evidence });
    await m.flush();
    expect(got.flatMap((n) => n.alerts.map((a) => a.labels['comm']))).toEqual(['other']);
    expect(m.active().find((a) => a.labels['comm'] === 'flaky')?.silenced).toBe(true);
    now = 1001;
    m.raise({ name: 'segfault', severity: 'warning', summary: '', labels: { comm: 'flaky' }, evidence });
    await m.flush();
    expect(got.flatMap((n) => n.alerts.map((a) => a.labels['comm']))).toContain('flaky');
    expect(m.unsilence(id)).toBe(true);
    expect(m.activeSilences()).toHaveLength(0);
  });

  it('turns a log detection into an alert whose evidence is the log record', () => {
    const m = new AlertManager({ groupWaitMs: 0 });
    const d = detectOomKill({ source: 'kmsg', timestamp: 5, level: 3, facility: 0, message: 'Out of memory: Killed process 9 (hog) total-vm:1kB' });
    if (d === undefined) throw new Error('no detection');
    const a = m.raise(alertFromDetection(d));
    expect(a.name).toBe('oom_kill');
    expect(a.labels).toEqual({ comm: 'hog', scope: 'system' });
    expect(a.evidence.logs?.[0]?.message).toMatch(/Killed process 9/);
  });

  it('reports sink failures on errors$ without throwing', async () => {
    const m = new AlertManager({ groupWaitMs: 0, sinks: [{ name: 'bad', send: () => Promise.reject(new Error('down')) }] });
    const errors: string[] = [];
    m.errors$.subscribe((e) => errors.push(e.sink));
    m.raise({ name: 'x', severity: 'info', summary: '', evidence });
    await m.flush();
    expect(errors).toEqual(['bad']);
  });
});

describe('AlertRuleEngine', () => {
  it('fires after forMs with the series values as evidence, and resolves when the condition clears', async () => {
    const { sink, got } = collecting();
    const m = new AlertManager({ sinks: [sink], groupWaitMs: 0 });
    const e = new AlertRuleEngine(m, [
      { name: 'memory_pressure_high', metric: 'psi.memory.some_avg10', op: '>', threshold: 20, forMs: 2000, severity: 'warning', summary: 'memory pressure {value}% > {threshold}%' },
    ]);
    const s = (t: number, value: number): MetricSample => ({ name: 'psi.memory.some_avg10', unit: 'percent', value, timestamp: t });
    e.evaluate([s(0, 25)]);
    e.evaluate([s(1000, 30)]);
    await m.flush();
    expect(got).toHaveLength(0);
    e.evaluate([s(2000, 35)]);
    await m.flush();
    expect(got).toHaveLength(1);
    const a = got[0]?.alerts[0];
    expect(a?.summary).toBe('memory pressure 35% > 20%');
    expect(a?.evidence.series?.[0]?.points.map((p) => p.value)).toEqual([25, 30, 35]);
    e.evaluate([s(3000, 5)]);
    await m.flush();
    expect(got[1]?.alerts[0]?.status).toBe('resolved');
  });
});

describe('sinks', () => {
  const n: AlertNotification = {
    groupLabels: { name: 'oom_kill' },
    suppressed: 0,
    timestamp: 1,
    alerts: [{ name: 'oom_kill', severity: 'critical', summary: 'boom', labels: { comm: 'x' }, fingerprint: 'f', status: 'firing', startsAt: 1, lastSeenAt: 1, occurrences: 1, silenced: false, evidence }],
  };

  it('stdout JSON writes one parseable line per notification', () => {
    const lines: string[] = [];
    stdoutJsonSink({ write: (c: string) => lines.push(c) }).send(n);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ type: 'ainka.alert', alerts: [{ name: 'oom_kill', evidence: { note: 'test' } }] });
  });

  it('log writes critical alerts at error level', () => {
    const out: string[] = [];
    logSink({ info: (l) => out.push(`I ${l}`), warn: (l) => out.push(`W ${l}`), error: (l) => out.push(`E ${l}`) }).send(n);
    expect(out).toEqual(['E [ainka] CRITICAL oom_kill {comm=x}: boom']);
  });

  it('webhook POSTs JSON and turns a 500 into ERR_AINKA_TELEMETRY_WEBHOOK_FAILED', async () => {
    const bodies: string[] = [];
    let status = 200;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      await webhookSink(url).send(n);
      expect(JSON.parse(bodies[0] as string).alerts[0].name).toBe('oom_kill');
      status = 500;
      await expect(webhookSink(url).send(n)).rejects.toMatchObject({ code: 'ERR_AINKA_TELEMETRY_WEBHOOK_FAILED' });
    } finally {
      server.close();
    }
  });
});
