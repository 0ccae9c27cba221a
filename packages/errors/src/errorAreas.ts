/**
 * The `<AREA>` words of `ERR_AINKA_<AREA>_<WHAT>` codes and who raises them. A new area is added here
 * (a test checks every code in the repository against this table).
 */
export const errorAreas = {
  PROTOCOL: { source: '@ainka/protocol', what: 'decoding and validating wire formats' },
  KERNEL: { source: '@ainka/ipc', what: 'talking to the AINKA kernel module (generic netlink, /dev/ainka, ring)' },
  BPF: { source: '@ainka/native', what: 'loading and running eBPF programs through libbpf' },
  EBPF: { source: '@ainka/ebpf', what: 'the prebuilt eBPF programs and their streams' },
  KMOD: { source: '@ainka/kmod', what: 'the packaged kernel module (prebuilt, DKMS)' },
  KNOB: { source: '@ainka/knobs, @ainka/actuators', what: 'knob ids, bounds and writes' },
  JOURNAL: { source: '@ainka/actuators', what: 'the change journal' },
  ACTUATOR: { source: '@ainka/actuators', what: 'the change manager and external commands' },
  POLICY: { source: '@ainka/policy', what: 'policy text, validation, compilation and optimisation' },
  TELEMETRY: { source: '@ainka/telemetry', what: 'collectors, history, alerts and exporters' },
  GUARD: { source: '@ainka/guard', what: 'security detection rules, baselines and responses' },
  ML: { source: '@ainka/ml', what: 'anomaly detection and forecasting' },
  NAB: { source: '@ainka/ml', what: 'reading NAB-layout benchmark corpora' },
  DAEMON: { source: 'ainkad', what: 'the daemon and its local API' },
  CLI: { source: 'ainka', what: 'the command-line tool' },
  FLEET: { source: '@ainka/fleet', what: 'fleet learning over Prometheus and its published policies' },
  TESTBED: { source: 'tools/testbed', what: 'the QEMU test bed (not published)' },
} as const satisfies Record<string, { readonly source: string; readonly what: string }>;

/** One of the {@link errorAreas} words. */
export type ErrorArea = keyof typeof errorAreas;

const CODE = /^ERR_AINKA_([A-Z0-9]+)_[A-Z0-9_]*[A-Z0-9]$/;

/** The area of a well-formed code (`KERNEL` for `ERR_AINKA_KERNEL_TIMEOUT`), or `undefined` when the code breaks the scheme. */
export function errorAreaOf(code: string): ErrorArea | undefined {
  const area = CODE.exec(code)?.[1];
  return area !== undefined && Object.hasOwn(errorAreas, area) ? (area as ErrorArea) : undefined;
}
