import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CollectContext, MetricSample } from '../src/index.js';

export const fixtures = join(import.meta.dirname, 'fixtures');
/** The recorded tree of this machine's kernel (6.18), snapshot t0 or t1 (one second later). */
export const recorded = (snap: 't0' | 't1', kernel = '6.18'): string => join(fixtures, kernel, snap);

const made: string[] = [];

/** A temp directory removed by `cleanupTemp()`. */
export function tempDir(prefix = 'ainka-telemetry-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Writes `files` (relative path → content) under `root`. */
export function writeTree(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

/**
 * Copies a recorded snapshot over `root`, rewriting existing files in place (same inode), as the
 * kernel does: sources keep procfs files open between ticks and re-read them at offset 0.
 */
export function copySnapshot(snap: 't0' | 't1', root: string): void {
  const src = recorded(snap);
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(src, rel), { withFileTypes: true })) {
      const r = join(rel, e.name);
      if (e.isDirectory()) {
        mkdirSync(join(root, r), { recursive: true });
        walk(r);
      } else writeFileSync(join(root, r), readFileSync(join(src, r)));
    }
  };
  walk('');
}

export const ctx = (monotonicMs: number, now = 1_700_000_000_000 + monotonicMs): CollectContext => ({ now, monotonicMs });

export function find(samples: readonly MetricSample[], name: string, labels?: Record<string, string>): MetricSample | undefined {
  return samples.find(
    (s) => s.name === name && (labels === undefined || Object.entries(labels).every(([k, v]) => s.labels?.[k] === v)),
  );
}

export function value(samples: readonly MetricSample[], name: string, labels?: Record<string, string>): number {
  const s = find(samples, name, labels);
  if (s === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels ?? {})}`);
  return s.value;
}

/** Polls `cond` every 10 ms until it holds or `timeoutMs` passes (timing-tolerant on a loaded box). */
export async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}
