import { KnobError } from './knobError.js';

/** The families of knobs AINKA can change. */
export type KnobKind = 'sysctl' | 'block' | 'cpufreq' | 'cgroup' | 'process' | 'thp' | 'systemd';

/**
 * A parsed knob id. Ids are strings so they can live in policies, journals and logs:
 *
 * | id | meaning |
 * | --- | --- |
 * | `sysctl:vm.swappiness` | `/proc/sys/vm/swappiness` |
 * | `block:sda:read_ahead_kb` | `/sys/block/sda/queue/read_ahead_kb` |
 * | `cpufreq:policy0:scaling_governor` | `/sys/devices/system/cpu/cpufreq/policy0/scaling_governor` |
 * | `cgroup:system.slice/nginx.service:cpu.weight` | `/sys/fs/cgroup/system.slice/nginx.service/cpu.weight` |
 * | `cgroup:app.slice:io.max[8:0]` | the `8:0` line of `/sys/fs/cgroup/app.slice/io.max` |
 * | `process:1234:nice` | nice, `ionice` or `oom_score_adj` of pid 1234 |
 * | `thp:enabled` | `/sys/kernel/mm/transparent_hugepage/enabled` |
 * | `systemd:nginx.service:restart` | restart a unit through `systemctl` |
 */
export interface KnobId {
  /** The whole id, as given. */
  readonly id: string;
  /** The family. */
  readonly kind: KnobKind;
  /** The object inside the family (device, cpufreq policy, cgroup path, pid, unit); empty for sysctl/thp. */
  readonly target: string;
  /** The attribute (`vm.swappiness`, `read_ahead_kb`, `cpu.weight`, `io.max`, `nice`, `enabled`, `restart`). */
  readonly attribute: string;
  /** The bracketed key of keyed attributes (`8:0` in `io.max[8:0]`), else empty. */
  readonly key: string;
}

const KINDS: readonly KnobKind[] = ['sysctl', 'block', 'cpufreq', 'cgroup', 'process', 'thp', 'systemd'];

/**
 * Parse a knob id such as `sysctl:vm.swappiness` or `cgroup:app.slice:memory.high`.
 * @throws {@link KnobError} `ERR_AINKA_KNOB_UNKNOWN` when the id is malformed.
 */
export function parseKnobId(id: string): KnobId {
  const colon = id.indexOf(':');
  const kind = (colon < 0 ? '' : id.slice(0, colon)) as KnobKind;
  if (!KINDS.includes(kind)) {
    throw new KnobError(
      'ERR_AINKA_KNOB_UNKNOWN',
      `knob id '${id}' has no known family; write '<family>:…' with family one of ${KINDS.join(', ')} (e.g. 'sysctl:vm.swappiness')`,
      id,
    );
  }
  const rest = id.slice(colon + 1);
  if (kind === 'sysctl' || kind === 'thp') {
    if (!/^[a-z0-9_.-]+$/i.test(rest)) {
      throw new KnobError(
        'ERR_AINKA_KNOB_UNKNOWN',
        `knob id '${id}' has an invalid name '${rest}'; use the dotted sysctl name or the THP file name, e.g. '${kind === 'thp' ? 'thp:enabled' : 'sysctl:vm.swappiness'}'`,
        id,
      );
    }
    return { id, kind, target: '', attribute: rest, key: '' };
  }
  // The attribute never contains ':' except inside the [key] of io.max, so split on the last ':' outside brackets.
  const bracket = rest.lastIndexOf('[');
  const searchEnd = bracket >= 0 ? bracket : rest.length;
  const split = rest.lastIndexOf(':', searchEnd);
  if (split <= 0 || split === rest.length - 1) {
    throw new KnobError(
      'ERR_AINKA_KNOB_UNKNOWN',
      `knob id '${id}' needs a target and an attribute; write '${kind}:<target>:<attribute>' (e.g. ${example(kind)})`,
      id,
    );
  }
  const target = rest.slice(0, split);
  let attribute = rest.slice(split + 1);
  let key = '';
  const keyed = /^([a-z0-9_.]+)\[([^\]]+)\]$/i.exec(attribute);
  if (keyed) {
    attribute = keyed[1] ?? '';
    key = keyed[2] ?? '';
  }
  if (target.split('/').some((part) => part === '..') || target.startsWith('/')) {
    throw new KnobError(
      'ERR_AINKA_KNOB_UNKNOWN',
      `knob id '${id}' has target '${target}' that leaves its directory; use a relative path without '..'`,
      id,
    );
  }
  return { id, kind, target, attribute, key };
}

function example(kind: KnobKind): string {
  switch (kind) {
    case 'block':
      return "'block:sda:read_ahead_kb'";
    case 'cpufreq':
      return "'cpufreq:policy0:scaling_governor'";
    case 'cgroup':
      return "'cgroup:system.slice/nginx.service:cpu.weight'";
    case 'process':
      return "'process:1234:nice'";
    case 'systemd':
      return "'systemd:nginx.service:restart'";
    default:
      return `'${kind}:…'`;
  }
}

/** Collapse whitespace so `4096\t131072\t6291456` and `4096 131072 6291456` compare equal. */
export function normalizeValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}
