/**
 * The executable hash cache on real files: an unchanged binary is hashed once, a binary rewritten in
 * place (same inode, same size, mtime set back as an attacker would) is hashed again, and a file changed
 * in the last two seconds is never served from the cache.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaselineStore } from '../src/baseline.js';
import { ExeHashCache } from '../src/exeHashCache.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const nextTurn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Overwrites the file's bytes in place (same inode, same size) and sets atime/mtime back to what they were. */
function rewriteInPlaceKeepingMtime(path: string): void {
  const before = statSync(path, { bigint: true });
  const bytes = readFileSync(path);
  bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  // to the nanosecond, as an attacker would (utimensat): only ctime then tells the rewrite
  const ns = before.mtimeNs;
  execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, path]);
  const after = statSync(path, { bigint: true });
  expect(after.ino).toBe(before.ino);
  expect(after.size).toBe(before.size);
  expect(after.mtimeNs).toBe(before.mtimeNs);
  expect(after.ctimeNs).not.toBe(before.ctimeNs);
}

describe('ExeHashCache', () => {
  it('hashes an unchanged binary once, however often it is asked', async () => {
    const cache = new ExeHashCache();
    const h = cache.hash(process.execPath);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    for (let i = 0; i < 5; i++) {
      await nextTurn();
      expect(cache.hash(process.execPath)).toBe(h);
    }
    expect(cache.hashed).toBe(1);
  });

  it('re-hashes a binary rewritten in place with its mtime set back (ctime moves)', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-exehash-'));
    dirs.push(dir);
    const exe = join(dir, 'tool');
    copyFileSync('/bin/true', exe);
    await sleep(2_100); // past the racy window: from now on the stamps are trusted
    const cache = new ExeHashCache();
    const h1 = cache.hash(exe);
    await nextTurn();
    expect(cache.hash(exe)).toBe(h1);
    expect(cache.hashed).toBe(1);

    rewriteInPlaceKeepingMtime(exe);
    await nextTurn();
    const h2 = cache.hash(exe);
    expect(h2).not.toBe(h1);
    expect(cache.hashed).toBe(2);
  });

  it('does not trust the stamps of a file changed in the last two seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-exehash-'));
    dirs.push(dir);
    const exe = join(dir, 'fresh');
    copyFileSync('/bin/true', exe);
    const cache = new ExeHashCache();
    cache.hash(exe);
    await nextTurn();
    cache.hash(exe);
    expect(cache.hashed).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('reuses a stat within one synchronous turn only', async () => {
    const cache = new ExeHashCache();
    for (let i = 0; i < 100; i++) cache.hash('/bin/true');
    expect(cache.hashed).toBe(1);
    await nextTurn();
    expect(cache.hash('/bin/true')).toBe(cache.hash('/bin/true'));
  });

  it('stays bounded, dropping the least recently used path', async () => {
    const cache = new ExeHashCache({ maxEntries: 2 });
    cache.hash('/bin/true');
    cache.hash('/bin/false');
    await nextTurn();
    cache.hash('/bin/true'); // now /bin/false is the least recently used
    cache.hash(process.execPath);
    expect(cache.size).toBe(2);
    const n = cache.hashed;
    await nextTurn();
    cache.hash('/bin/true');
    expect(cache.hashed).toBe(n);
    await nextTurn();
    cache.hash('/bin/false');
    expect(cache.hashed).toBe(n + 1);
  });

  it('gives - for a file that cannot be read', () => {
    expect(new ExeHashCache().hash('/nonexistent/ainka-exe')).toBe('-');
  });

  it('is what BaselineStore uses by default: a rewritten binary starts a new baseline', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-exehash-'));
    dirs.push(dir);
    const exe = join(dir, 'daemon');
    copyFileSync('/bin/true', exe);
    await sleep(2_100);
    const store = new BaselineStore();
    store.observe(exe, 'peer', '10.0.0.1:443');
    await nextTurn();
    expect(store.observe(exe, 'peer', '10.0.0.1:443').count).toBe(1);
    rewriteInPlaceKeepingMtime(exe);
    await nextTurn();
    const v = store.observe(exe, 'peer', '10.0.0.1:443');
    expect(v.count).toBe(0);
    expect(v.total).toBe(0);
    store.close();
  });
});
