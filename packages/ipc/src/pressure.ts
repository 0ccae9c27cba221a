import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** PSI "some" avg10 figures in hundredths of a percent (0–10000), as the module's set-pressure takes them. */
export interface PressureFigures {
  /** `/proc/pressure/cpu` some avg10. */
  readonly cpu: number;
  /** `/proc/pressure/memory` some avg10. */
  readonly memory: number;
  /** `/proc/pressure/io` some avg10. */
  readonly io: number;
}

/** Parses the `some avg10=12.34` figure of one `/proc/pressure/*` file into hundredths of a percent. */
export function parsePressureSome(text: string): number | undefined {
  const m = /^some avg10=(\d+)\.(\d\d)/m.exec(text);
  if (!m) return undefined;
  return Math.min(10_000, Number(m[1]) * 100 + Number(m[2]));
}

/**
 * Reads the system's PSI figures under `root` (default `/`). Undefined when PSI is off or the files
 * are missing (kernel without CONFIG_PSI, or booted with psi=0): the module then keeps reporting -1.
 */
export function readPressure(root = '/'): PressureFigures | undefined {
  const read = (name: string): number | undefined => {
    try {
      return parsePressureSome(readFileSync(join(root, 'proc', 'pressure', name), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const cpu = read('cpu');
  const memory = read('memory');
  const io = read('io');
  if (cpu === undefined || memory === undefined || io === undefined) return undefined;
  return { cpu, memory, io };
}
