import { closeSync, openSync, readFileSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { Actuator } from './actuator.js';
import { ActuatorError, ActuatorErrorCode } from './errors.js';
import { findKnobSpec, type KnobSpec } from '@ainka/knobs';
import { normalizeValue, type KnobId, type KnobKind } from '@ainka/knobs';

/** File-backed families: every knob is one file under the root. */
export type FileKnobKind = Exclude<KnobKind, 'systemd' | 'file'>;

/** The file behind a file-backed knob, relative to the root (e.g. `proc/sys/vm/swappiness`). */
export function knobPath(knob: KnobId): string {
  switch (knob.kind) {
    case 'sysctl':
      return `proc/sys/${knob.attribute.replace(/\./g, '/')}`;
    case 'block':
      return `sys/block/${knob.target}/queue/${knob.attribute}`;
    case 'cpufreq':
      return `sys/devices/system/cpu/cpufreq/${knob.target}/${knob.attribute}`;
    case 'cgroup':
      return `sys/fs/cgroup/${knob.target}/${knob.attribute}`;
    case 'thp':
      return `sys/kernel/mm/transparent_hugepage/${knob.attribute}`;
    case 'process':
      return `proc/${knob.target}/${knob.attribute}`;
    case 'systemd':
      return '';
    case 'file':
      return knob.target;
  }
}

/** Read a file relative to a root; `undefined` when it does not exist or cannot be read. */
export function readRootFile(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** Look up the catalogue row for a knob or throw `ERR_AINKA_KNOB_UNKNOWN`. */
export function specOf(knob: KnobId): KnobSpec {
  const spec = findKnobSpec(knob.kind, knob.attribute);
  if (!spec) {
    throw new ActuatorError(
      ActuatorErrorCode.unknownKnob,
      `knob '${knob.id}' is not in the knob table, so AINKA will not write it; use one of the knobs listed in the @ainka/actuators README`,
      knob.id,
    );
  }
  return spec;
}

/** Run a spec's bounds check and throw `ERR_AINKA_KNOB_OUT_OF_BOUNDS` with its sentence. */
export function checkBounds(root: string, knob: KnobId, value: string, current: string): void {
  const spec = specOf(knob);
  const problem = spec.check(normalizeValue(value), { knob, current, read: (path) => readRootFile(root, path) });
  if (problem !== undefined) {
    throw new ActuatorError(ActuatorErrorCode.outOfBounds, `refusing ${knob.id} = '${value}': ${problem}`, knob.id);
  }
}

const SELECTED = /\[([^\]]+)\]/;

function parseRead(knob: KnobId, raw: string): string {
  if (knob.attribute === 'scheduler' || knob.kind === 'thp') {
    const m = SELECTED.exec(raw);
    if (m?.[1]) return m[1];
  }
  if (knob.kind === 'cgroup' && knob.attribute === 'io.weight') {
    const first = raw.split('\n')[0] ?? '';
    return normalizeValue(first.replace(/^default\s+/, ''));
  }
  if (knob.kind === 'cgroup' && knob.attribute === 'io.max') {
    const line = raw.split('\n').find((l) => l.startsWith(`${knob.key} `));
    return line ? normalizeValue(line) : `${knob.key} rbps=max wbps=max riops=max wiops=max`;
  }
  return normalizeValue(raw);
}

/**
 * `vm.dirty_bytes` and `vm.dirty_background_bytes` are one setting with `vm.dirty_ratio` /
 * `vm.dirty_background_ratio`: writing one zeroes the other. A bytes knob that reads 0 is reported as
 * `ratio:<n>`, and writing `ratio:<n>` (a revert) restores the ratio, which zeroes the bytes again.
 */
function dirtyRatioOf(knob: KnobId): string | undefined {
  if (knob.kind !== 'sysctl') return undefined;
  if (knob.attribute === 'vm.dirty_bytes') return 'proc/sys/vm/dirty_ratio';
  if (knob.attribute === 'vm.dirty_background_bytes') return 'proc/sys/vm/dirty_background_ratio';
  return undefined;
}

/** Does the read-back value hold what was written? `io.max` compares only the fields written. */
function holds(knob: KnobId, readBack: string, written: string): boolean {
  const want = normalizeValue(written);
  if (knob.kind === 'cgroup' && knob.attribute === 'io.max') {
    const have = new Set(readBack.split(' '));
    return want.split(' ').every((field) => have.has(field));
  }
  return readBack === want;
}

/**
 * Actuator for every family that is a file under the root: sysctl (`/proc/sys`), block queue, cpufreq,
 * cgroup v2, THP and `/proc/<pid>/oom_score_adj`. Writes open the existing file (never create it) with
 * `O_WRONLY|O_TRUNC` and write the value in one `write(2)`, as `echo value > file` would.
 */
export class FileActuator implements Actuator {
  readonly kind: FileKnobKind;

  /** @param kind the family this instance handles. */
  constructor(kind: FileKnobKind) {
    this.kind = kind;
  }

  async read(root: string, knob: KnobId): Promise<string> {
    return this.readSync(root, knob);
  }

  /** Synchronous read, for callers (recovery, the crash-safety child) that must not yield. */
  readSync(root: string, knob: KnobId): string {
    const path = knobPath(knob);
    let raw: string;
    try {
      raw = readFileSync(join(root, path), 'utf8');
    } catch (error) {
      const spec = findKnobSpec(knob.kind, knob.attribute);
      throw new ActuatorError(
        ActuatorErrorCode.unavailable,
        `cannot read ${knob.id} at ${join(root, path)} (${(error as NodeJS.ErrnoException).code ?? 'error'}); ${
          spec?.optional ? 'this kernel does not have it, leave it out of the policy' : 'check the device, cgroup or pid exists and that AINKA may read it'
        }`,
        knob.id,
        { cause: error },
      );
    }
    const value = parseRead(knob, raw);
    const ratio = dirtyRatioOf(knob);
    if (ratio !== undefined && value === '0') {
      // The kernel keeps either *_bytes or *_ratio; 0 bytes means the ratio rules, so remember the ratio.
      return `ratio:${normalizeValue(readRootFile(root, ratio) ?? '')}`;
    }
    return value;
  }

  async validate(root: string, knob: KnobId, value: string): Promise<void> {
    specOf(knob);
    const current = this.readSync(root, knob);
    checkBounds(root, knob, value, current);
  }

  async apply(root: string, knob: KnobId, value: string): Promise<void> {
    this.writeSync(root, knob, value);
  }

  /** Synchronous write of a value (no bounds check). */
  writeSync(root: string, knob: KnobId, value: string): void {
    const ratio = dirtyRatioOf(knob);
    const viaRatio = ratio !== undefined && value.startsWith('ratio:');
    const path = join(root, viaRatio ? (ratio as string) : knobPath(knob));
    if (viaRatio) value = value.slice('ratio:'.length);
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
    } catch (error) {
      throw writeError(knob, path, value, error);
    }
    try {
      writeSync(fd, `${normalizeValue(value)}\n`);
    } catch (error) {
      throw writeError(knob, path, value, error);
    } finally {
      closeSync(fd);
    }
  }

  async verify(root: string, knob: KnobId, value: string): Promise<boolean> {
    return holds(knob, this.readSync(root, knob), value);
  }

  async revert(root: string, knob: KnobId, previous: string): Promise<void> {
    this.writeSync(root, knob, previous);
  }
}

function writeError(knob: KnobId, path: string, value: string, error: unknown): ActuatorError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  const fix =
    code === 'EACCES' || code === 'EPERM'
      ? 'run ainkad as root (or with CAP_SYS_ADMIN), or use advise mode'
      : code === 'ENOENT'
        ? 'the knob does not exist on this machine; remove it from the policy'
        : code === 'EINVAL'
          ? 'the kernel refused the value; check it against the knob table'
          : 'check the file is writable';
  return new ActuatorError(ActuatorErrorCode.writeFailed, `failed to write '${value}' to ${knob.id} (${path}): ${code}; ${fix}`, knob.id, { cause: error });
}

/** Is this actuator file-backed (synchronous reads and writes available)? */
export function isFileActuator(actuator: Actuator): actuator is FileActuator {
  return actuator instanceof FileActuator;
}
