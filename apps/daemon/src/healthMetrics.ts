import { Counter, Gauge, type Registry } from 'prom-client';
import type { Daemon } from './daemon.js';

/**
 * AINKA's own health on `/metrics`, the series `deploy/prometheus` alerts on:
 * - `ainka_daemon_layer_up{layer}`: a decision layer works (immediate = the kernel policy cache);
 * - `ainka_daemon_capability_up{capability}`: an optional path works (`kernel`, `ebpf`, `logs:kmsg`,
 *   `logs:journal`, `guard`, `collector:<id>`);
 * - `ainka_daemon_advice_pending`: proposals of the last two minutes nobody applied;
 * - `ainka_daemon_tick_errors_total`: telemetry ticks that failed;
 * - `ainka_watched_policy_files{dir,state}`: watched policy files loaded, or refused by this host's validator;
 * - `ainka_policy_rule_decisions_total{policy,rule,status}`: the fast layer's decisions per rule;
 * - `ainka_ebpf_kernel_drops_total{concern}`, `ainka_ebpf_decode_errors_total{concern}`: records each
 *   eBPF object (one per concern, the guard's `security` included) dropped in the kernel, or that could
 *   not be decoded; present when eBPF runs here.
 */
export function registerHealthMetrics(registry: Registry, d: Daemon): void {
  const registers = [registry];
  new Gauge({
    name: 'ainka_daemon_layer_up',
    help: 'Whether a decision layer works (1) or is unavailable (0): immediate (kernel policy cache), fast (rules every tick), deep (refits).',
    labelNames: ['layer'],
    registers,
    collect() {
      this.reset();
      for (const l of d.layers()) this.set({ layer: l.name }, l.available ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ainka_daemon_capability_up',
    help: 'Whether an optional path works (1) or not (0): kernel module, eBPF, log followers (logs:kmsg, logs:journal), guard, collectors.',
    labelNames: ['capability'],
    registers,
    collect() {
      this.reset();
      for (const c of d.capabilities()) this.set({ capability: c.id }, c.available ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ainka_daemon_advice_pending',
    help: 'Proposed changes of the last two minutes, one per knob, that were not applied (advise mode or over the rate limit).',
    registers,
    collect() {
      this.set(d.actions === undefined ? 0 : d.actions.advice(Date.now()).filter((a) => a.status === 'proposed').length);
    },
  });
  new Gauge({
    name: 'ainka_watched_policy_files',
    help: 'Policy files in the watched directories (policy.watchDirs: ConfigMaps, fleet policies), by state: loaded (validated here, in use) or refused by this host\'s validator (never used).',
    labelNames: ['dir', 'state'],
    registers,
    collect() {
      this.reset();
      for (const c of d.watched?.counts() ?? []) this.set({ dir: c.dir, state: c.state }, c.files);
    },
  });
  const counter = pulledCounter(registers);
  counter('ainka_daemon_tick_errors_total', 'Telemetry ticks that failed (logged with the error).', [], () => [[{}, d.counters.tickErrors]]);
  counter('ainka_policy_rule_decisions_total', 'Decisions of the fast layer per policy rule, by outcome (proposed, applied, skipped, failed).', ['policy', 'rule', 'status'], () =>
    [...d.counters.ruleDecisions].map(([key, n]) => {
      const [policy = '', rule = '', status = ''] = key.split('\0');
      return [{ policy, rule, status }, n];
    }),
  );
  if (d.ebpfObjects() !== undefined) {
    const per = (field: 'kernelDrops' | 'decodeErrors') => (): [Record<string, string>, number][] => {
      // A concern held by two owners (none today) is one object file: its counters add up.
      const sums = new Map<string, number>();
      for (const o of d.ebpfObjects() ?? []) sums.set(o.concern, (sums.get(o.concern) ?? 0) + o[field]);
      return [...sums].map(([concern, n]) => [{ concern }, n]);
    };
    counter('ainka_ebpf_kernel_drops_total', 'eBPF records dropped in the kernel (ring buffer full, or an aggregation map full), per eBPF object (concern).', ['concern'], per('kernelDrops'));
    counter('ainka_ebpf_decode_errors_total', 'eBPF records that could not be decoded, per concern.', ['concern'], per('decodeErrors'));
  }
}

/** Labelled counter values read at scrape time. */
export type CounterReading = () => Iterable<[Record<string, string>, number]>;

/**
 * A factory of prom-client counters whose values are pulled from the daemon at scrape time (reset, then
 * set from `read()`): the daemon keeps its own totals, the registry only exposes them.
 */
export function pulledCounter(registers: Registry[]) {
  return (name: string, help: string, labelNames: string[], read: CounterReading): Counter =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, v] of read()) this.inc(labels, v);
      },
    });
}
