import { TelemetryError } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import type { MetricLabels, MetricSample } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/**
 * `/sys/devices/system/cpu/cpufreq/policy*`: current/min/max frequency in hertz and the governor
 * (`cpufreq.governor_info{policy,governor}`), labelled `{policy}` (the policy's first CPU, e.g. `0`).
 * Kernels before 4.3 without `policy*` directories fall back to `cpuN/cpufreq/`.
 * Unavailable, with the reason, when no cpufreq driver is loaded (typical in virtual machines).
 *
 * @public
 */
export class CpufreqSource implements MetricSource {
  readonly id = 'sys.cpufreq';
  readonly minIntervalMs: number;
  private readonly files: KernelFiles;
  private cached: Array<[string, string]> | undefined;
  private listedAt = 0;
  private unavailable: TelemetryError | undefined;

  constructor(options: { readonly root?: string; readonly minIntervalMs?: number } = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
    this.minIntervalMs = options.minIntervalMs ?? 0;
  }

  private policies(): Array<[string, string]> {
    const base = 'sys/devices/system/cpu';
    const policies = this.files
      .tryList(`${base}/cpufreq`)
      .filter((d) => /^policy\d+$/.test(d))
      .map((d): [string, string] => [d.slice(6), `${base}/cpufreq/${d}`]);
    if (policies.length > 0) return policies;
    return this.files
      .tryList(base)
      .filter((d) => /^cpu\d+$/.test(d) && this.files.tryRead(`${base}/${d}/cpufreq/scaling_cur_freq`) !== undefined)
      .map((d): [string, string] => [d.slice(3), `${base}/${d}/cpufreq`]);
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    // Policies change only on CPU hot-plug or driver load: list them every 10 s.
    if (this.cached === undefined || ctx.monotonicMs - this.listedAt >= 10_000 || ctx.monotonicMs < this.listedAt) {
      this.cached = this.policies();
      this.listedAt = ctx.monotonicMs;
      this.unavailable = undefined;
    }
    const policies = this.cached;
    if (policies.length === 0) {
      // Built once per listing: constructing an Error (stack capture) every tick is not free.
      this.unavailable ??= new TelemetryError(
        'ERR_AINKA_TELEMETRY_SOURCE_UNAVAILABLE',
        `no cpufreq policy under ${this.files.path('sys/devices/system/cpu/cpufreq')}: no cpufreq driver is loaded (common in virtual machines); load one (intel_pstate, amd-pstate, acpi-cpufreq) to get frequencies.`,
      );
      throw this.unavailable;
    }
    const out: MetricSample[] = [];
    for (const [policy, dir] of policies) {
      const labels: MetricLabels = { policy };
      const khz = (f: string): number | undefined => {
        const t = this.files.tryRead(`${dir}/${f}`);
        const v = t === undefined ? Number.NaN : Number(t.trim());
        return Number.isFinite(v) ? v * 1000 : undefined;
      };
      const cur = khz('scaling_cur_freq');
      const min = khz('scaling_min_freq');
      const max = khz('scaling_max_freq');
      const hw = khz('cpuinfo_max_freq');
      if (cur !== undefined) out.push({ name: 'cpufreq.current_hertz', unit: 'hertz', value: cur, labels, timestamp: ctx.now });
      if (min !== undefined) out.push({ name: 'cpufreq.min_hertz', unit: 'hertz', value: min, labels, timestamp: ctx.now });
      if (max !== undefined) out.push({ name: 'cpufreq.max_hertz', unit: 'hertz', value: max, labels, timestamp: ctx.now });
      if (hw !== undefined) out.push({ name: 'cpufreq.hardware_max_hertz', unit: 'hertz', value: hw, labels, timestamp: ctx.now });
      const gov = this.files.tryRead(`${dir}/scaling_governor`)?.trim();
      if (gov !== undefined && gov !== '') {
        out.push({ name: 'cpufreq.governor_info', unit: 'info', value: 1, labels: { policy, governor: gov }, timestamp: ctx.now });
      }
    }
    return out;
  }
}
