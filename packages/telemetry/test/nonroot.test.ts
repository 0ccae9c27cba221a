import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceStatus } from '../src/index.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.log('[@ainka/telemetry] skipping the unprivileged-user test: it needs root to switch to uid 65534');

describe('without root', () => {
  it.skipIf(!isRoot)('the default hub runs as nobody, collects what it can and says why the rest is unavailable', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(process.execPath, ['--import', tsx, join(import.meta.dirname, 'nonRootProbe.ts')], {
      uid: 65534,
      gid: 65534,
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, HOME: '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, err).toBe(0);
    const r = JSON.parse(out) as { uid: number; samples: number; status: SourceStatus[] };
    expect(r.uid).toBe(65534);
    expect(r.samples).toBeGreaterThan(100);
    const byId = new Map(r.status.map((s) => [s.id, s]));
    for (const id of ['proc.stat', 'proc.meminfo', 'proc.vmstat', 'proc.diskstats', 'proc.net.dev', 'proc.processes']) expect(byId.get(id)?.available, id).toBe(true);
    for (const s of r.status) if (!s.available) expect(s.reason, s.id).toMatch(/:.+(run as root|load one|mount|boot with|grant)/);
    const kmsg = byId.get('log.kmsg');
    if (kmsg?.available === false) expect(kmsg).toMatchObject({ code: 'ERR_AINKA_TELEMETRY_PERMISSION_DENIED', reason: expect.stringMatching(/CAP_SYSLOG|dmesg_restrict/) });
  }, 30_000);
});
