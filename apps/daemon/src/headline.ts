import type { LatestSample } from './ruleContext.js';

/** Series shown in `ainka top` and the live view; `sum(x)` adds every series of metric `x`. */
export const headlineSeries: readonly string[] = [
  'cpu.busy_ratio',
  'mem.used_ratio',
  'load.avg1',
  'psi.cpu.some_avg10',
  'psi.memory.some_avg10',
  'psi.io.some_avg10',
  'mem.dirty_bytes',
  'sum(disk.read_bytes_per_second)',
  'sum(disk.write_bytes_per_second)',
  'sum(net.rx_bytes_per_second)',
  'sum(net.tx_bytes_per_second)',
];

/** The metrics summed across their labels for the headline. */
export const summedMetrics: readonly string[] = ['disk.read_bytes_per_second', 'disk.write_bytes_per_second', 'net.rx_bytes_per_second', 'net.tx_bytes_per_second'];

/** Sum of the latest values of a metric across its series. */
export function sumOf(byName: ReadonlyMap<string, readonly LatestSample[]>, name: string): number | undefined {
  const list = byName.get(name);
  if (list === undefined || list.length === 0) return undefined;
  let s = 0;
  for (const x of list) s += x.value;
  return s;
}
