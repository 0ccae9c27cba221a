import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChangeManager, contentHash, createActuators } from '../src/index.js';

describe('file:<path>:content knobs', () => {
  it('restores recorded content atomically, keeps the mode, and rolls back to the bytes it replaced', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ainka-content-'));
    const blobs = join(root, 'var/lib/ainka/blobs');
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(blobs, { recursive: true });
    const good = Buffer.from('127.0.0.1 localhost\n');
    const hash = contentHash(good);
    writeFileSync(join(blobs, hash.slice(7)), good);
    const file = join(root, 'etc/hosts');
    writeFileSync(file, '127.0.0.1 localhost\n10.6.6.6 evil.example\n');
    chmodSync(file, 0o640);
    const m = await ChangeManager.open({ root, stateDir: join(root, 'state'), mode: 'enforce', actuators: createActuators({ blobDir: blobs }), flap: false });
    const r = await m.apply([{ knob: 'file:etc/hosts:content', value: hash, reason: 'drift', because: 'baseline says so' }]);
    expect(r.outcomes[0]?.status).toBe('applied');
    expect(readFileSync(file, 'utf8')).toBe(good.toString());
    expect(statSync(file).mode & 0o777).toBe(0o640);
    await m.rollback(r.outcomes[0]?.id as number);
    expect(readFileSync(file, 'utf8')).toBe('127.0.0.1 localhost\n10.6.6.6 evil.example\n');
    await m.close();
  });

  it('refuses content it never recorded and files outside /etc', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ainka-content-'));
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    writeFileSync(join(root, 'etc/hosts'), 'x\n');
    writeFileSync(join(root, 'usr/bin/sh'), 'x\n');
    const m = await ChangeManager.open({ root, stateDir: join(root, 'state'), mode: 'enforce', actuators: createActuators({ blobDir: join(root, 'blobs') }), flap: false });
    const r = await m.apply([
      { knob: 'file:etc/hosts:content', value: `sha256:${'a'.repeat(64)}`, reason: 'drift', because: 'test' },
      { knob: 'file:usr/bin/sh:content', value: `sha256:${'a'.repeat(64)}`, reason: 'drift', because: 'test' },
    ]);
    expect(r.outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(r.outcomes[0]?.line).toMatch(/no stored content/);
    expect(r.outcomes[1]?.line).toMatch(/not a file under etc/);
    expect(readFileSync(join(root, 'etc/hosts'), 'utf8')).toBe('x\n');
    await m.close();
  });
});
