import { counterRate } from './counters.js';
import { malformed } from './errors.js';
import { KernelFiles } from './kernelFile.js';
import { type MetricSample, type MetricUnit, SeriesLabels } from './metricSample.js';
import type { CollectContext, MetricSource } from './metricSource.js';

/** Counters of one interface in `/proc/net/dev`. @public */
export interface NetDevCounters {
  /** Interface name. */
  readonly interface: string;
  /** Bytes received. */
  readonly rxBytes: number;
  /** Packets received. */
  readonly rxPackets: number;
  /** Receive errors. */
  readonly rxErrors: number;
  /** Received packets dropped. */
  readonly rxDrops: number;
  /** Bytes sent. */
  readonly txBytes: number;
  /** Packets sent. */
  readonly txPackets: number;
  /** Transmit errors. */
  readonly txErrors: number;
  /** Packets dropped on transmit. */
  readonly txDrops: number;
}

/** Parses `/proc/net/dev` (two header lines, then `iface: 16 counters`). @public */
export function parseNetDev(text: string, file = '/proc/net/dev'): NetDevCounters[] {
  const out: NetDevCounters[] = [];
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw malformed(file, i + 1, line, '"<interface>: <counters>"');
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 16 || f.some((v) => !Number.isInteger(v) || v < 0)) throw malformed(file, i + 1, line, '16 non-negative counters');
    const at = (j: number): number => f[j] as number;
    out.push({
      interface: line.slice(0, colon).trim(),
      rxBytes: at(0),
      rxPackets: at(1),
      rxErrors: at(2),
      rxDrops: at(3),
      txBytes: at(8),
      txPackets: at(9),
      txErrors: at(10),
      txDrops: at(11),
    });
  }
  return out;
}

/**
 * Parses `/proc/net/snmp` (and `/proc/net/netstat`, same format): pairs of header/value lines per
 * protocol, into `Map<"Tcp", Map<"RetransSegs", n>>`. Signed values (Tcp MaxConn = -1) are allowed.
 *
 * @public
 */
export function parseNetSnmp(text: string, file = '/proc/net/snmp'): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length % 2 !== 0) throw malformed(file, lines.length, lines[lines.length - 1] ?? '', 'header/value line pairs');
  for (let i = 0; i < lines.length; i += 2) {
    const h = (lines[i] as string).split(/\s+/).filter((s) => s !== '');
    const v = (lines[i + 1] as string).split(/\s+/).filter((s) => s !== '');
    const proto = h[0];
    if (proto === undefined || !proto.endsWith(':') || v[0] !== proto || h.length !== v.length) {
      throw malformed(file, i + 2, lines[i + 1] as string, `a value line matching the "${proto ?? ''}" header`);
    }
    const m = new Map<string, number>();
    for (let j = 1; j < h.length; j++) {
      const n = Number(v[j]);
      if (!Number.isFinite(n)) throw malformed(file, i + 2, lines[i + 1] as string, 'integer values');
      m.set(h[j] as string, n);
    }
    out.set(proto.slice(0, -1), m);
  }
  return out;
}

const devRates: ReadonlyArray<readonly [keyof NetDevCounters, string, MetricUnit]> = [
  ['rxBytes', 'net.rx_bytes_per_second', 'bytes_per_second'],
  ['txBytes', 'net.tx_bytes_per_second', 'bytes_per_second'],
  ['rxPackets', 'net.rx_packets_per_second', 'per_second'],
  ['txPackets', 'net.tx_packets_per_second', 'per_second'],
  ['rxErrors', 'net.rx_errors_per_second', 'per_second'],
  ['txErrors', 'net.tx_errors_per_second', 'per_second'],
  ['rxDrops', 'net.rx_drops_per_second', 'per_second'],
  ['txDrops', 'net.tx_drops_per_second', 'per_second'],
];

/**
 * `/proc/net/dev`: per-interface throughput, packets, errors and drops, labelled `{interface}`.
 *
 * @public
 */
export class NetDevSource implements MetricSource {
  readonly id = 'proc.net.dev';
  private readonly files: KernelFiles;
  private prev = new Map<string, NetDevCounters>();
  private prevMs = 0;
  private readonly labels = new SeriesLabels<string>();

  constructor(options: { readonly root?: string } = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const rows = parseNetDev(this.files.read('proc/net/dev'), this.files.path('proc/net/dev'));
    const out: MetricSample[] = [];
    const dt = ctx.monotonicMs - this.prevMs;
    const next = new Map<string, NetDevCounters>();
    for (const c of rows) {
      next.set(c.interface, c);
      const labels = this.labels.get(c.interface) ?? this.labels.set(c.interface, { interface: c.interface });
      out.push({ name: 'net.rx_bytes_total', unit: 'total', value: c.rxBytes, labels, timestamp: ctx.now });
      out.push({ name: 'net.tx_bytes_total', unit: 'total', value: c.txBytes, labels, timestamp: ctx.now });
      const p = this.prev.get(c.interface);
      if (p === undefined || !(dt > 0)) continue;
      for (const [k, name, unit] of devRates) {
        out.push({ name, unit, value: counterRate(p[k] as number, c[k] as number, dt), labels, timestamp: ctx.now });
      }
    }
    this.prev = next;
    this.prevMs = ctx.monotonicMs;
    this.labels.sweep();
    return out;
  }
}

interface SnmpCounters {
  tcpRetrans?: number;
  tcpOutSegs?: number;
  tcpInErrs?: number;
  tcpActiveOpens?: number;
  tcpPassiveOpens?: number;
  tcpOutRsts?: number;
  tcpAttemptFails?: number;
  udpInErrors?: number;
  udpRcvbufErrors?: number;
  udpNoPorts?: number;
  ipInDiscards?: number;
}

const snmpRates: ReadonlyArray<readonly [keyof SnmpCounters, string]> = [
  ['tcpRetrans', 'net.tcp.retransmits_per_second'],
  ['tcpOutSegs', 'net.tcp.out_segments_per_second'],
  ['tcpInErrs', 'net.tcp.in_errors_per_second'],
  ['tcpActiveOpens', 'net.tcp.active_opens_per_second'],
  ['tcpPassiveOpens', 'net.tcp.passive_opens_per_second'],
  ['tcpOutRsts', 'net.tcp.resets_sent_per_second'],
  ['tcpAttemptFails', 'net.tcp.attempt_fails_per_second'],
  ['udpInErrors', 'net.udp.in_errors_per_second'],
  ['udpRcvbufErrors', 'net.udp.rcvbuf_errors_per_second'],
  ['udpNoPorts', 'net.udp.no_ports_per_second'],
  ['ipInDiscards', 'net.ip.in_discards_per_second'],
];

/**
 * `/proc/net/snmp`: TCP retransmits (rate and ratio to sent segments), TCP/UDP errors, connection
 * opens and resets, established connections.
 *
 * @public
 */
export class NetSnmpSource implements MetricSource {
  readonly id = 'proc.net.snmp';
  private readonly files: KernelFiles;
  private prev: SnmpCounters | undefined;
  private prevMs = 0;

  constructor(options: { readonly root?: string } = {}) {
    this.files = new KernelFiles(options.root, { keepOpen: true });
  }

  /** Closes the kernel files kept open between ticks. */
  close(): void {
    this.files.close();
  }

  collect(ctx: CollectContext): MetricSample[] {
    const s = parseNetSnmp(this.files.read('proc/net/snmp'), this.files.path('proc/net/snmp'));
    const tcp = s.get('Tcp');
    const udp = s.get('Udp');
    const ip = s.get('Ip');
    const cur: SnmpCounters = {};
    const set = (k: keyof SnmpCounters, v: number | undefined): void => {
      if (v !== undefined) cur[k] = v;
    };
    set('tcpRetrans', tcp?.get('RetransSegs'));
    set('tcpOutSegs', tcp?.get('OutSegs'));
    set('tcpInErrs', tcp?.get('InErrs'));
    set('tcpActiveOpens', tcp?.get('ActiveOpens'));
    set('tcpPassiveOpens', tcp?.get('PassiveOpens'));
    set('tcpOutRsts', tcp?.get('OutRsts'));
    set('tcpAttemptFails', tcp?.get('AttemptFails'));
    set('udpInErrors', udp?.get('InErrors'));
    set('udpRcvbufErrors', udp?.get('RcvbufErrors'));
    set('udpNoPorts', udp?.get('NoPorts'));
    set('ipInDiscards', ip?.get('InDiscards'));
    const out: MetricSample[] = [];
    const estab = tcp?.get('CurrEstab');
    if (estab !== undefined) out.push({ name: 'net.tcp.established_count', unit: 'count', value: estab, timestamp: ctx.now });
    if (cur.tcpRetrans !== undefined) out.push({ name: 'net.tcp.retransmits_total', unit: 'total', value: cur.tcpRetrans, timestamp: ctx.now });
    const prev = this.prev;
    const dt = ctx.monotonicMs - this.prevMs;
    if (prev !== undefined && dt > 0) {
      for (const [k, name] of snmpRates) {
        const a = prev[k];
        const b = cur[k];
        if (a !== undefined && b !== undefined) out.push({ name, unit: 'per_second', value: counterRate(a, b, dt), timestamp: ctx.now });
      }
      if (prev.tcpRetrans !== undefined && cur.tcpRetrans !== undefined && prev.tcpOutSegs !== undefined && cur.tcpOutSegs !== undefined) {
        const sent = counterRate(prev.tcpOutSegs, cur.tcpOutSegs, dt);
        const re = counterRate(prev.tcpRetrans, cur.tcpRetrans, dt);
        out.push({ name: 'net.tcp.retransmit_ratio', unit: 'ratio', value: sent > 0 ? Math.min(1, re / sent) : 0, timestamp: ctx.now });
        out.push({ name: 'net.tcp.goodput_segments_per_second', unit: 'per_second', value: Math.max(0, sent - re), timestamp: ctx.now });
      }
    }
    this.prev = cur;
    this.prevMs = ctx.monotonicMs;
    return out;
  }
}
