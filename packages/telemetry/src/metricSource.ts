import type { Observable } from 'rxjs';
import type { MetricSample } from './metricSample.js';

/**
 * What a source gets on every tick. Rates must be computed from `monotonicMs` (immune to wall-clock
 * jumps); samples are stamped with `now`.
 *
 * @public
 */
export interface CollectContext {
  /** Wall-clock time of the tick, milliseconds since the Unix epoch. */
  readonly now: number;
  /** A monotonic clock reading in milliseconds (only differences are meaningful). */
  readonly monotonicMs: number;
}

/**
 * Whether a source can produce data on this machine, and if not, why (and how to fix it).
 *
 * @public
 */
export interface SourceStatus {
  /** The source's id. */
  readonly id: string;
  /** True once the source produced data or probed fine; false after a failure. */
  readonly available: boolean;
  /** Why the source is unavailable, naming the fix (root, a kernel option, a mount). */
  readonly reason?: string;
  /** The stable error code of the last failure. */
  readonly code?: string;
  /** Samples produced by the last successful collection. */
  readonly lastSampleCount?: number;
}

/**
 * A pluggable producer of samples. The hub calls `collect()` on every tick (no more often than
 * `minIntervalMs`) and subscribes to `samples$` for push-based sources (eBPF ring buffers, the kernel
 * module's netlink multicast). A source may implement either or both.
 *
 * `collect()` may throw a {@link TelemetryError}: the hub records it in the source's {@link SourceStatus}
 * and carries on with the other sources.
 *
 * @public
 */
export interface MetricSource {
  /** Stable id, e.g. `proc.stat`, `ebpf.runqlat`. */
  readonly id: string;
  /** Collect at most this often (for slow-changing or costly sources). Default: every tick. */
  readonly minIntervalMs?: number;
  /** Pull: the samples for this tick. Rates need two ticks, so the first call may return fewer. */
  collect?(ctx: CollectContext): readonly MetricSample[] | Promise<readonly MetricSample[]>;
  /** Push: samples that arrive on their own schedule. */
  readonly samples$?: Observable<MetricSample>;
  /** Release resources (file descriptors, child processes). */
  close?(): void;
}
