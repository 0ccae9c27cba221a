import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

/** Repository paths. */
export const repo = resolve(import.meta.dirname, '..', '..', '..');
export const daemonMain = join(repo, 'apps', 'daemon', 'dist', 'main.js');
export const cliMain = join(repo, 'apps', 'cli', 'dist', 'main.js');
export const fixture = join(repo, 'apps', 'daemon', 'test', 'fixtures', 'pressure.jsonl');
/** 57 s recorded on a busy host (record-server.sh): a 1 MiB sequential read stream on vda, a dirty-page burst, PSI cpu ~99 %. */
export const serverFixture = join(repo, 'apps', 'daemon', 'test', 'fixtures', 'server.jsonl');

/** The eBPF objects this checkout ships (`packages/ebpf/bpf`). */
export const shippedBpfDir = join(repo, 'packages', 'ebpf', 'bpf');

/**
 * Why a test that loads the shipped eBPF objects cannot run here (not root, no kernel BTF, an object not
 * built), or undefined when it can.
 */
export function ebpfSkipReason(objects: readonly string[] = ['manifest.json']): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (loading eBPF needs CAP_BPF)';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'no kernel BTF (/sys/kernel/btf/vmlinux)';
  const missing = objects.find((f) => !existsSync(join(shippedBpfDir, f)));
  return missing === undefined ? undefined : `eBPF objects not built (${missing}: npx nx run @ainka/ebpf:build)`;
}

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Build the daemon and CLI bundles when their sources are newer than the bundle (under a lock, since test
 * files run in parallel). End-to-end tests run the real binaries.
 */
export function ensureBuilt(): void {
  for (const app of ['daemon', 'cli']) {
    const dir = join(repo, 'apps', app);
    const out = join(dir, 'dist', 'main.js');
    const src = Math.max(newest(join(dir, 'src')), app === 'cli' ? newest(join(repo, 'apps', 'daemon', 'src')) : 0);
    if (existsSync(out) && statSync(out).mtimeMs >= src) continue;
    execFileSync('flock', [join(tmpdir(), `ainka-${app}-build.lock`), 'npx', 'tsup'], { cwd: dir, env: { ...process.env, AINKA_NO_DTS: '1' }, stdio: 'pipe', timeout: 120_000 });
  }
}

const created: string[] = [];
// Registered while the importing test file is collected (modules are isolated per file).
afterAll(() => {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `ainka-${prefix}-`));
  created.push(d);
  return d;
}

/** One parsed pino line. */
export type LogLine = Record<string, unknown> & { msg?: string; event?: string };

/** A running ainkad. */
export interface RunningDaemon {
  readonly proc: ChildProcess;
  readonly socket: string;
  readonly stateDir: string;
  logs(): LogLine[];
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Write a YAML config and return its path. */
export function writeConfig(dir: string, yaml: string): string {
  const p = join(dir, 'ainkad.yaml');
  writeFileSync(p, yaml);
  return p;
}

/** Start ainkad with a state dir and socket under `dir`; resolves once its API answers. */
export async function startDaemon(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, startTimeoutMs = 20_000): Promise<RunningDaemon> {
  const socket = join(dir, 'ainkad.sock');
  const stateDir = join(dir, 'state');
  const proc = spawn(process.execPath, [daemonMain, '--state-dir', stateDir, '--socket', socket, '--metrics-port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let buf = '';
  let stderr = '';
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  proc.stdout?.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const l = JSON.parse(line) as LogLine;
        lines.push(l);
        for (const w of [...waiters]) if (w.pred(l)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      } catch {
        // not JSON
      }
    }
  });
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`ainkad exited with ${proc.exitCode}: ${stderr}`);
    if (await canConnect(socket)) break;
    if (Date.now() > deadline) throw new Error(`ainkad did not open ${socket} within ${startTimeoutMs / 1000} s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    socket,
    stateDir,
    logs: () => lines,
    waitFor(pred, timeoutMs = 20_000) {
      const found = lines.find(pred);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${lines.slice(-8).map((l) => l.msg).join('\n')}\n${stderr}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), res(l)) });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((r) => {
    if (!existsSync(path)) return r(false);
    const s = connect(path);
    s.once('connect', () => (s.destroy(), r(true)));
    s.once('error', () => r(false));
  });
}

/** Run the CLI; returns its exit code and output. */
export function cli(args: readonly string[], socket?: string, extra: { stateDir?: string } = {}): { code: number; stdout: string; stderr: string } {
  const full = [cliMain, ...(socket !== undefined ? ['--socket', socket] : []), ...(extra.stateDir !== undefined ? ['--state-dir', extra.stateDir] : []), ...args];
  const r = spawnSync(process.execPath, full, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Run the CLI with --json and parse stdout. */
export function cliJson<T>(args: readonly string[], socket: string): T {
  const r = cli(['--json', ...args], socket);
  if (r.code !== 0) throw new Error(`ainka ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Poll `fn` until it returns a value (not undefined) or time runs out. */
export async function eventually<T>(fn: () => T | undefined, timeoutMs = 20_000, stepMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last !== undefined ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Journal records (`JSON<TAB>crc` lines). */
export function journal(stateDir: string): Record<string, unknown>[] {
  const p = join(stateDir, 'journal.log');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l.split('\t')[0] as string) as Record<string, unknown>);
}
