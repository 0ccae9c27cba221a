import { getPriority, setPriority } from 'node:os';
import type { Actuator } from './actuator.js';
import { ActuatorError, ActuatorErrorCode } from './errors.js';
import { checkBounds, FileActuator, readRootFile } from './fileActuator.js';
import type { KnobId } from '@ainka/knobs';
import { runCommand, type CommandRunner } from './runCommand.js';

/** How nice and I/O class are read and set; the default uses `os.setPriority` and the `ionice` command. */
export interface ProcessBackend {
  /** Current niceness of a pid. */
  getNice(pid: number): number;
  /** Set the niceness of a pid. */
  setNice(pid: number, nice: number): void;
  /** Current I/O class as `idle`, `none` or `be/N`. */
  getIoClass(pid: number): Promise<string>;
  /** Set the I/O class (`idle`, `none` or `be/N`). */
  setIoClass(pid: number, ioClass: string): Promise<void>;
}

/** Parse `ionice -p` output (`best-effort: prio 4`, `idle`, `none: prio 4`, `realtime: prio 0`). */
export function parseIoniceOutput(text: string): string {
  const t = text.trim();
  if (t.startsWith('idle')) return 'idle';
  if (t.startsWith('none')) return 'none';
  if (t.startsWith('realtime')) return `rt/${/prio (\d)/.exec(t)?.[1] ?? '4'}`;
  const prio = /prio (\d)/.exec(t)?.[1] ?? '4';
  return `be/${prio}`;
}

/** A {@link ProcessBackend} on top of `os.getPriority`/`os.setPriority` and the `ionice` binary. */
export function systemProcessBackend(run: CommandRunner = runCommand, ionice = 'ionice'): ProcessBackend {
  return {
    getNice: (pid) => getPriority(pid),
    setNice: (pid, nice) => setPriority(pid, nice),
    getIoClass: async (pid) => parseIoniceOutput(await run(ionice, ['-p', String(pid)])),
    setIoClass: async (pid, ioClass) => {
      const args =
        ioClass === 'idle' ? ['-c', '3'] : ioClass === 'none' ? ['-c', '0'] : ['-c', '2', '-n', ioClass.slice(3)];
      await run(ionice, [...args, '-p', String(pid)]);
    },
  };
}

/** `stopped` when field 3 of `/proc/<pid>/stat` is T or t, else `running`; undefined when gone. */
function runState(root: string, pid: number): string | undefined {
  const stat = readRootFile(root, `proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'T' || state === 't' ? 'stopped' : 'running';
}

/**
 * Process priorities: `process:<pid>:nice`, `process:<pid>:ionice` (through the backend) and
 * `process:<pid>:oom_score_adj` (the file `<root>/proc/<pid>/oom_score_adj`); security responses:
 * `process:<pid>:state` (`stopped` by SIGSTOP, `running` by SIGCONT; reversible) and
 * `process:<pid>:kill` (SIGKILL; irreversible).
 */
export class ProcessActuator implements Actuator {
  readonly kind = 'process' as const;
  private readonly backend: ProcessBackend;
  private readonly files = new FileActuator('process');

  /** @param backend how nice and I/O class are changed (default: the real system). */
  constructor(backend: ProcessBackend = systemProcessBackend()) {
    this.backend = backend;
  }

  private pid(knob: KnobId): number {
    if (!/^\d+$/.test(knob.target)) {
      throw new ActuatorError(ActuatorErrorCode.unknownKnob, `knob '${knob.id}' needs a numeric pid; write 'process:<pid>:${knob.attribute}'`, knob.id);
    }
    return Number(knob.target);
  }

  async read(root: string, knob: KnobId): Promise<string> {
    const pid = this.pid(knob);
    if (knob.attribute === 'state' || knob.attribute === 'kill') {
      const state = runState(root, pid);
      if (state === undefined) throw new ActuatorError(ActuatorErrorCode.unavailable, `cannot read ${knob.id}: process ${pid} does not exist; check the pid`, knob.id);
      return knob.attribute === 'kill' ? 'alive' : state;
    }
    try {
      if (knob.attribute === 'nice') return String(this.backend.getNice(pid));
      if (knob.attribute === 'ionice') return await this.backend.getIoClass(pid);
    } catch (error) {
      if (error instanceof ActuatorError) throw error;
      throw new ActuatorError(ActuatorErrorCode.unavailable, `cannot read ${knob.id}: ${(error as Error).message}; check the process still exists`, knob.id, { cause: error });
    }
    return this.files.readSync(root, knob);
  }

  async validate(root: string, knob: KnobId, value: string): Promise<void> {
    checkBounds(root, knob, value, await this.read(root, knob));
  }

  async apply(root: string, knob: KnobId, value: string): Promise<void> {
    const pid = this.pid(knob);
    if (knob.attribute === 'state' || knob.attribute === 'kill') {
      const signal = knob.attribute === 'kill' ? 'SIGKILL' : value === 'stopped' ? 'SIGSTOP' : 'SIGCONT';
      try {
        process.kill(pid, signal);
      } catch (error) {
        throw new ActuatorError(ActuatorErrorCode.writeFailed, `failed to send ${signal} to ${pid} for ${knob.id}: ${(error as Error).message}; check the process exists and AINKA runs as root`, knob.id, { cause: error });
      }
      return;
    }
    try {
      if (knob.attribute === 'nice') return this.backend.setNice(pid, Number(value));
      if (knob.attribute === 'ionice') return await this.backend.setIoClass(pid, value);
    } catch (error) {
      if (error instanceof ActuatorError) throw error;
      throw new ActuatorError(ActuatorErrorCode.writeFailed, `failed to set ${knob.id} to '${value}': ${(error as Error).message}; lowering niceness needs CAP_SYS_NICE`, knob.id, { cause: error });
    }
    this.files.writeSync(root, knob, value);
  }

  async verify(root: string, knob: KnobId, value: string): Promise<boolean> {
    if (knob.attribute === 'state') {
      // signals are delivered asynchronously: give the state up to 500 ms to show
      for (let i = 0; i < 50; i++) {
        if (runState(root, this.pid(knob)) === value) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    }
    return (await this.read(root, knob)) === value;
  }

  /** The process start time (field 22 of `/proc/<pid>/stat`), or `undefined` when it cannot be read. */
  async identity(root: string, knob: KnobId): Promise<string | undefined> {
    const stat = readRootFile(root, `proc/${knob.target}/stat`);
    if (stat === undefined) return undefined;
    // Fields after the command name (which may contain spaces) start at field 3; start time is field 22.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  }

  async revert(root: string, knob: KnobId, previous: string): Promise<void> {
    if (knob.attribute === 'kill') return; // a killed process cannot be brought back
    await this.apply(root, knob, previous);
  }
}
