import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRootFile } from './fileActuator.js';
import { normalizeValue, parseKnobId } from '@ainka/knobs';

/** Tells who or what probably wrote a knob; `undefined` when unknown. */
export type WhoChanged = (root: string, knob: string, observed: string) => string | undefined;

const SYSCTL_DIRS = ['etc/sysctl.d', 'run/sysctl.d', 'usr/local/lib/sysctl.d', 'usr/lib/sysctl.d'];

/**
 * The default {@link WhoChanged}: for sysctls, a `sysctl.d` or `sysctl.conf` line that sets the observed
 * value (applied by systemd-sysctl or `sysctl --system`); otherwise an active TuneD profile; else unknown.
 */
export const defaultWhoChanged: WhoChanged = (root, knob, observed) => {
  const id = parseKnobId(knob);
  if (id.kind === 'sysctl') {
    const files = ['etc/sysctl.conf'];
    for (const dir of SYSCTL_DIRS) {
      try {
        for (const f of readdirSync(join(root, dir)).sort()) if (f.endsWith('.conf')) files.push(`${dir}/${f}`);
      } catch {
        // directory absent
      }
    }
    const names = [id.attribute, id.attribute.replace(/\./g, '/')];
    for (const file of files) {
      const text = readRootFile(root, file);
      if (!text) continue;
      for (const line of text.split('\n')) {
        const m = /^\s*-?\s*([^#;=\s]+)\s*=\s*(.*)$/.exec(line);
        if (m && names.includes(m[1] ?? '') && normalizeValue(m[2] ?? '') === observed) {
          return `/${file} (applied by systemd-sysctl or 'sysctl --system')`;
        }
      }
    }
  }
  const tuned = readRootFile(root, 'etc/tuned/active_profile');
  if (tuned?.trim()) return `possibly TuneD (active profile '${tuned.trim()}')`;
  return undefined;
};
