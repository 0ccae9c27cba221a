import { createHash } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Actuator } from './actuator.js';
import { ActuatorError, ActuatorErrorCode } from './errors.js';
import { checkBounds } from './fileActuator.js';
import type { KnobId } from '@ainka/knobs';

/** `sha256:<hex>` of some bytes. */
export function contentHash(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/**
 * `file:<path under the root>:content` — the whole content of a configuration file, named by its hash
 * (`sha256:<hex>`, or `absent`). Contents live in a blob directory as files named by their hex digest
 * (the layout `@ainka/healing`'s baseline uses), so a restore writes recorded bytes and its rollback
 * writes back the bytes it replaced, which `apply` stores before overwriting. Writes are atomic (temp
 * file, same mode and owner, rename). Only files under `etc/` are accepted.
 */
export class ContentActuator implements Actuator {
  readonly kind = 'file' as const;

  /** @param blobDir the blob directory (`<stateDir>/blobs` in ainkad). */
  constructor(readonly blobDir: string) {}

  private path(root: string, knob: KnobId): string {
    return join(root, knob.target);
  }

  private blob(hash: string, knob: KnobId): Buffer {
    try {
      return readFileSync(join(this.blobDir, hash.replace(/^sha256:/, '')));
    } catch (error) {
      throw new ActuatorError(ActuatorErrorCode.unavailable, `no stored content ${hash} for ${knob.id} in ${this.blobDir}; record a baseline of the file first (ainka baseline record)`, knob.id, { cause: error });
    }
  }

  private store(content: Buffer): string {
    const hash = contentHash(content);
    mkdirSync(this.blobDir, { recursive: true, mode: 0o700 });
    const p = join(this.blobDir, hash.slice(7));
    writeFileSync(`${p}.tmp`, content, { mode: 0o600 });
    renameSync(`${p}.tmp`, p);
    return hash;
  }

  async read(root: string, knob: KnobId): Promise<string> {
    try {
      return contentHash(readFileSync(this.path(root, knob)));
    } catch {
      return 'absent';
    }
  }

  async validate(root: string, knob: KnobId, value: string): Promise<void> {
    checkBounds(root, knob, value, await this.read(root, knob));
    if (value !== 'absent') this.blob(value, knob);
  }

  async apply(root: string, knob: KnobId, value: string): Promise<void> {
    const path = this.path(root, knob);
    let mode = 0o644;
    let owner: { uid: number; gid: number } | undefined;
    try {
      const current = readFileSync(path);
      this.store(current); // what a rollback writes back
      const st = statSync(path);
      mode = st.mode & 0o7777;
      owner = { uid: st.uid, gid: st.gid };
    } catch {
      // absent now
    }
    try {
      if (value === 'absent') {
        unlinkSync(path);
        return;
      }
      const content = this.blob(value, knob);
      const tmp = join(dirname(path), `.${knob.target.split('/').pop() ?? 'file'}.ainka-tmp`);
      writeFileSync(tmp, content, { mode });
      if (owner !== undefined) chownSync(tmp, owner.uid, owner.gid);
      renameSync(tmp, path);
    } catch (error) {
      if (error instanceof ActuatorError) throw error;
      throw new ActuatorError(ActuatorErrorCode.writeFailed, `failed to write ${knob.id} (${path}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; run ainkad as root or use advise mode`, knob.id, { cause: error });
    }
  }

  async verify(root: string, knob: KnobId, value: string): Promise<boolean> {
    return (await this.read(root, knob)) === value;
  }

  async revert(root: string, knob: KnobId, previous: string): Promise<void> {
    await this.apply(root, knob, previous);
  }
}
