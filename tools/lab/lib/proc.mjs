// Process and file helpers for the lab (plain Node ESM, no dependencies: runs in the guest as-is).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Error of the lab: `code` is stable, the message names the problem and the fix. */
export class LabError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * Runs `cmd` with bash and returns { rc, out, err }. Throws ERR_AINKA_LAB_COMMAND on a non-zero
 * status unless `allowFail`.
 */
export function sh(cmd, { allowFail = false, timeoutMs = 600_000, input } = {}) {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: timeoutMs, input, maxBuffer: 64 * 1024 * 1024 });
  const rc = r.status ?? (r.signal ? 128 : 1);
  const res = { rc, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
  if (rc !== 0 && !allowFail) {
    throw new LabError('ERR_AINKA_LAB_COMMAND', `command failed (exit ${rc}${r.signal ? `, ${r.signal}` : ''}): ${cmd}\n${res.err || res.out}`);
  }
  return res;
}

/** Starts `cmd` (bash) in the background; returns { child, done, stdout() }; done resolves to { rc, out, err }. */
export function shBg(cmd) {
  const child = spawn('bash', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  const done = new Promise((res) => child.on('close', (code, sig) => res({ rc: code ?? (sig ? 128 : 1), out: out.trim(), err: err.trim() })));
  return { child, done, stdout: () => out };
}

/** True when `bin` is on PATH. */
export function have(bin) {
  return sh(`command -v ${bin}`, { allowFail: true }).rc === 0;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** File text trimmed, or null when unreadable. */
export function readText(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Writes a sysfs/procfs value; throws with the path on failure. */
export function writeValue(path, value) {
  if (!existsSync(path)) throw new LabError('ERR_AINKA_LAB_KNOB', `${path} does not exist on this kernel`);
  writeFileSync(path, `${value}\n`);
}

/** Single-quotes for bash. */
export const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** Drops the page cache (cold-cache runs): sync, then drop page cache, dentries and inodes. */
export function dropCaches() {
  sh('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '3\n');
}

/** Percentile (0..1) of numbers by nearest rank on a sorted copy. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
  return s[i];
}
