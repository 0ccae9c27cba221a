import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HealingError, HealingErrorCode } from './errors.js';
import { readText } from './procfs.js';

/** The families a baseline covers. */
export type BaselineKind = 'sysctl' | 'module' | 'mount' | 'file' | 'unit';

/** What to record: names of sysctls, paths of files (a trailing `/*` takes a directory's files), and the ids to enforce. */
export interface BaselineSpec {
  /** Dotted sysctl names. */
  readonly sysctls?: readonly string[];
  /** Absolute file paths under `/etc` (or `/etc/dir/*`). */
  readonly files?: readonly string[];
  /** Record loaded kernel modules (default true). */
  readonly modules?: boolean;
  /** Record mounts of real file systems and their options (default true). */
  readonly mounts?: boolean;
  /** Record enabled systemd units (default true). */
  readonly units?: boolean;
  /** Item ids (`sysctl:vm.swappiness`, `file:/etc/hosts`) healing may restore in enforce mode. */
  readonly enforce?: readonly string[];
}

/** One recorded item: `sysctl:vm.swappiness` = `60`, `file:/etc/hosts` = `sha256:…`, `module:nf_tables` = `loaded`. */
export interface BaselineItem {
  readonly id: string;
  readonly kind: BaselineKind;
  readonly value: string;
  /** Restore it when it drifts (enforce mode only). */
  readonly enforce: boolean;
}

/** A declared baseline, as `ainka baseline record` writes it. */
export interface Baseline {
  readonly version: 1;
  readonly recordedAt: number;
  /** What was asked for (so a check looks at the same things, and new modules/units/mounts are seen). */
  readonly spec: BaselineSpec;
  readonly items: readonly BaselineItem[];
}

/** One difference between the baseline and the machine now. */
export interface DriftItem {
  readonly id: string;
  readonly kind: BaselineKind;
  /** Baseline value (`absent` for something that appeared since). */
  readonly expected: string;
  /** Value now (`absent` for something that disappeared). */
  readonly observed: string;
  readonly enforce: boolean;
  /** Who or what changed it, and when, when that can be known. */
  readonly who: string | undefined;
  /** A unified-style line diff for files whose baseline content was kept. */
  readonly diff: string | undefined;
}

/** Sysctls recorded by default: the tuning knobs AINKA knows and the hardening switches admins care about. */
export const defaultBaselineSysctls: readonly string[] = [
  'vm.swappiness',
  'vm.dirty_ratio',
  'vm.dirty_background_ratio',
  'vm.overcommit_memory',
  'vm.max_map_count',
  'vm.min_free_kbytes',
  'net.core.somaxconn',
  'net.core.rmem_max',
  'net.core.wmem_max',
  'net.ipv4.ip_forward',
  'net.ipv4.tcp_congestion_control',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.all.accept_redirects',
  'net.ipv6.conf.all.forwarding',
  'kernel.kptr_restrict',
  'kernel.dmesg_restrict',
  'kernel.randomize_va_space',
  'kernel.yama.ptrace_scope',
  'kernel.unprivileged_bpf_disabled',
  'kernel.panic',
  'fs.protected_symlinks',
  'fs.protected_hardlinks',
  'fs.file-max',
  'fs.suid_dumpable',
];

/** Files hashed by default (those that exist). */
export const defaultBaselineFiles: readonly string[] = [
  '/etc/sysctl.conf',
  '/etc/sysctl.d/*',
  '/etc/fstab',
  '/etc/hosts',
  '/etc/passwd',
  '/etc/group',
  '/etc/sudoers',
  '/etc/ssh/sshd_config',
  '/etc/modprobe.d/*',
  '/etc/systemd/system.conf',
];

const PSEUDO_FS = new Set(['proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf', 'autofs', 'hugetlbfs', 'configfs', 'fusectl', 'binfmt_misc', 'rpc_pipefs', 'nsfs', 'devtmpfs', 'efivarfs', 'ramfs']);
const MAX_FILE = 1024 * 1024;

/** Keeps file contents by their sha256 so drifted files can be diffed and restored. */
export class BlobStore {
  /** @param dir directory of the blobs (created on first write). */
  constructor(readonly dir: string) {}

  /** Store content; returns `sha256:<hex>`. */
  put(content: Buffer): string {
    const hash = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, hash.slice(7));
    try {
      statSync(path);
    } catch {
      writeFileSync(`${path}.tmp`, content, { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    }
    return hash;
  }

  /** Content of a hash, or `undefined` when it was never stored. */
  get(hash: string): Buffer | undefined {
    try {
      return readFileSync(join(this.dir, hash.replace(/^sha256:/, '')));
    } catch {
      return undefined;
    }
  }
}

function expandFiles(root: string, patterns: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (!p.startsWith('/')) throw new HealingError(HealingErrorCode.badBaseline, `file '${p}' is not an absolute path; write it as /etc/…`);
    if (p.endsWith('/*')) {
      const dir = p.slice(0, -2);
      try {
        for (const f of readdirSync(join(root, dir)).sort()) if (statSync(join(root, dir, f)).isFile()) out.push(`${dir}/${f}`);
      } catch {
        // absent directory: nothing to record
      }
    } else out.push(p);
  }
  return [...new Set(out)];
}

function fileValue(root: string, path: string, blobs: BlobStore | undefined): string {
  let content: Buffer;
  try {
    content = readFileSync(join(root, path));
  } catch {
    return 'absent';
  }
  if (blobs !== undefined && content.length <= MAX_FILE) return blobs.put(content);
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** Loaded modules from `/proc/modules`. */
function modules(root: string): string[] {
  return (readText(root, 'proc/modules') ?? '')
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean)
    .sort();
}

/** Real mounts from `/proc/self/mounts`: target → `fstype source options(sorted)`. */
function mounts(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (readText(root, 'proc/self/mounts') ?? '').split('\n')) {
    const [source, target, fstype, options] = line.split(' ');
    if (source === undefined || target === undefined || fstype === undefined || options === undefined) continue;
    if (PSEUDO_FS.has(fstype) || /^\/(proc|sys|run\/user|run\/credentials|run\/netns|dev)(\/|$)/.test(target)) continue;
    const opts = options.split(',').filter((o) => !/^(relatime|seclabel)$/.test(o)).sort().join(',');
    out.set(target.replace(/\\040/g, ' '), `${fstype} ${source} ${opts}`);
  }
  return out;
}

/** Enabled units: the `*.wants/` and `*.requires/` links under `/etc/systemd/system`. */
function enabledUnits(root: string): string[] {
  const base = join(root, 'etc/systemd/system');
  const out = new Set<string>();
  let dirs: string[];
  try {
    dirs = readdirSync(base).filter((d) => d.endsWith('.wants') || d.endsWith('.requires'));
  } catch {
    return [];
  }
  for (const d of dirs) {
    try {
      for (const u of readdirSync(join(base, d))) out.add(u);
    } catch {
      // not a directory
    }
  }
  return [...out].sort();
}

/** Read the current values of everything a spec names. */
function snapshot(root: string, spec: BaselineSpec, blobs: BlobStore | undefined): BaselineItem[] {
  const enforce = new Set(spec.enforce ?? []);
  const items: BaselineItem[] = [];
  const add = (kind: BaselineKind, key: string, value: string): void => {
    const id = `${kind}:${key}`;
    items.push({ id, kind, value, enforce: enforce.has(id) });
  };
  for (const name of spec.sysctls ?? defaultBaselineSysctls) {
    const v = readText(root, `proc/sys/${name.replace(/\./g, '/')}`);
    add('sysctl', name, v === undefined ? 'absent' : v.trim().replace(/\s+/g, ' '));
  }
  for (const f of expandFiles(root, spec.files ?? defaultBaselineFiles)) {
    const v = fileValue(root, f, blobs);
    if (v !== 'absent' || (spec.files ?? []).includes(f)) add('file', f, v);
  }
  if (spec.modules !== false) for (const m of modules(root)) add('module', m, 'loaded');
  if (spec.mounts !== false) for (const [target, v] of mounts(root)) add('mount', target, v);
  if (spec.units !== false) for (const u of enabledUnits(root)) add('unit', u, 'enabled');
  return items;
}

/**
 * Record a baseline of the machine under `root`: sysctl values, file hashes (contents kept in `blobs`
 * so drift can be diffed and restored), loaded modules, real mounts with their options, enabled units.
 * @throws `HealingError` `ERR_AINKA_HEALING_BAD_BASELINE` when an enforce id names nothing recorded.
 */
export function recordBaseline(root: string, spec: BaselineSpec = {}, blobs?: BlobStore, now = Date.now()): Baseline {
  const items = snapshot(root, spec, blobs);
  const ids = new Set(items.map((i) => i.id));
  const unknown = (spec.enforce ?? []).filter((e) => !ids.has(e));
  if (unknown.length > 0) {
    throw new HealingError(HealingErrorCode.badBaseline, `cannot enforce ${unknown.join(', ')}: not recorded by this baseline; enforce ids are '<kind>:<name>' of recorded items (e.g. 'sysctl:vm.swappiness', 'file:/etc/hosts')`);
  }
  return { version: 1, recordedAt: now, spec, items };
}

/** Parse a baseline file's text. @throws `HealingError` `ERR_AINKA_HEALING_BAD_BASELINE`. */
export function parseBaseline(text: string, source = 'baseline'): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new HealingError(HealingErrorCode.badBaseline, `${source} is not JSON (${(err as Error).message}); record it again with \`ainka baseline record\``, { cause: err });
  }
  const b = data as Partial<Baseline>;
  if (b.version !== 1 || !Array.isArray(b.items) || typeof b.spec !== 'object') {
    throw new HealingError(HealingErrorCode.badBaseline, `${source} is not an AINKA baseline (version 1 with spec and items); record it again with \`ainka baseline record\``);
  }
  return b as Baseline;
}

/** Who changed something, when it can be known. */
export type DriftWho = (root: string, item: { id: string; kind: BaselineKind; observed: string }) => string | undefined;

function mtimeOf(root: string, path: string): string | undefined {
  try {
    const st = statSync(join(root, path));
    return `modified ${new Date(st.mtimeMs).toISOString()} (owner uid ${st.uid})`;
  } catch {
    return undefined;
  }
}

/** Line diff of two texts (changed lines only, `-` baseline, `+` now), at most 40 lines. */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const inB = new Set(b);
  const inA = new Set(a);
  const out: string[] = [];
  for (const l of a) if (!inB.has(l)) out.push(`- ${l}`);
  for (const l of b) if (!inA.has(l)) out.push(`+ ${l}`);
  return out.slice(0, 40).join('\n') + (out.length > 40 ? `\n… ${out.length - 40} more lines` : '');
}

/**
 * Compare the machine with a baseline. `kinds` limits the check (sysctls every tick, files every
 * minute). Items that appeared since (a module loaded, a unit enabled, a mount added) drift from `absent`.
 */
export function checkDrift(root: string, baseline: Baseline, options: { kinds?: readonly BaselineKind[]; blobs?: BlobStore; who?: DriftWho } = {}): DriftItem[] {
  const kinds = new Set(options.kinds ?? ['sysctl', 'module', 'mount', 'file', 'unit']);
  const spec: BaselineSpec = {
    ...baseline.spec,
    sysctls: kinds.has('sysctl') ? (baseline.spec.sysctls ?? defaultBaselineSysctls) : [],
    files: kinds.has('file') ? (baseline.spec.files ?? defaultBaselineFiles) : [],
    modules: kinds.has('module') && baseline.spec.modules !== false,
    mounts: kinds.has('mount') && baseline.spec.mounts !== false,
    units: kinds.has('unit') && baseline.spec.units !== false,
  };
  const now = new Map(snapshot(root, { ...spec, enforce: [] }, undefined).map((i) => [i.id, i]));
  const out: DriftItem[] = [];
  const push = (id: string, kind: BaselineKind, expected: string, observed: string, enforce: boolean): void => {
    let who = options.who?.(root, { id, kind, observed });
    let diff: string | undefined;
    if (kind === 'file') {
      const path = id.slice(5);
      who ??= mtimeOf(root, path);
      const old = options.blobs?.get(expected);
      if (old !== undefined) {
        let cur = '';
        try {
          cur = readFileSync(join(root, path), 'utf8');
        } catch {
          // deleted
        }
        diff = lineDiff(old.toString('utf8'), cur);
      }
    }
    if (kind === 'unit') who ??= mtimeOf(root, 'etc/systemd/system');
    out.push({ id, kind, expected, observed, enforce, who, diff });
  };
  for (const item of baseline.items) {
    if (!kinds.has(item.kind)) continue;
    const cur = now.get(item.id);
    const observed = cur?.value ?? 'absent';
    if (observed !== item.value) push(item.id, item.kind, item.value, observed, item.enforce);
  }
  const recorded = new Set(baseline.items.map((i) => i.id));
  for (const [id, cur] of now) {
    if (recorded.has(id) || cur.kind === 'sysctl' || cur.kind === 'file') continue;
    push(id, cur.kind, 'absent', cur.value, false);
  }
  return out;
}

