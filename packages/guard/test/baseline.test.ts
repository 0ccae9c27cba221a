import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaselineStore } from '../src/baseline.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('baselines', () => {
  it('explains the first time a program does something after days of history, and persists across reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-baseline-'));
    dirs.push(dir);
    const path = join(dir, 'b.db');
    let now = Date.UTC(2026, 0, 1);
    const day = 86_400_000;
    const hash = (): string => 'abc123';
    let store = new BaselineStore({ path, now: () => now, hashFile: hash });
    for (let i = 0; i < 300; i++) {
      now += day / 20;
      store.observe('/usr/sbin/nginx', 'child', i % 3 === 0 ? '/usr/bin/logrotate' : '/usr/sbin/nginx', 'nginx');
    }
    store.close();
    store = new BaselineStore({ path, now: () => now, hashFile: hash });
    const usual = store.peek('/usr/sbin/nginx', 'child', '/usr/sbin/nginx', 'nginx');
    expect(usual).toMatchObject({ novel: false, count: 200, total: 300, distinct: 2 });
    expect(usual.score).toBeLessThan(0.5);
    const v = store.observe('/usr/sbin/nginx', 'child', '/bin/sh', 'nginx');
    expect(v).toMatchObject({ novel: true, days: 14.95, total: 300 });
    expect(v.score).toBeGreaterThan(0.9);
    expect(v.explanation).toBe('nginx executed /bin/sh for the first time in 14 days of history (300 executions of 2 distinct values)');
    expect(store.observe('/usr/sbin/nginx', 'child', '/bin/sh', 'nginx').novel).toBe(false);
    store.close();
  });

  it('a different binary at the same path (another hash) starts a fresh baseline', () => {
    let h = 'one';
    const store = new BaselineStore({ hashFile: () => h });
    for (let i = 0; i < 50; i++) store.observe('/usr/bin/app', 'peer', '10.0.0.1:443');
    h = 'two';
    const v = store.observe('/usr/bin/app', 'peer', '10.0.0.1:443', 'app');
    expect(v).toMatchObject({ novel: true, total: 0, hash: 'two' });
    expect(v.explanation).toMatch(/first observation of app/);
    store.close();
  });

  it('stays bounded: values per feature and executables', () => {
    const store = new BaselineStore({ maxValuesPerFeature: 10, maxExecutables: 5, hashFile: () => 'h' });
    for (let i = 0; i < 100; i++) store.observe('/usr/bin/browser', 'peer', `10.0.0.${i}:443`);
    const v = store.peek('/usr/bin/browser', 'peer', '10.9.9.9:443', 'browser');
    expect(v.distinct).toBe(10);
    expect(v.explanation).toMatch(/saturated/);
    expect(v.score).toBeLessThan(0.3);
    for (let i = 0; i < 20; i++) store.observe(`/usr/bin/p${i}`, 'child', '/bin/true');
    store.flush();
    expect(store.size().executables).toBe(5);
    store.close();
  });
});
