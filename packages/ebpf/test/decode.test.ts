import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AINKA_ABI_VERSION, BpfEventType, bpfExitStruct, bpfTcpStruct, decodeBpfRecord, structCodec } from '@ainka/protocol';
import { describe, expect, it } from 'vitest';
import { countRecords, decodeBatch, toEvent, type BpfEvent, type ExecEvent, type FileOpenEvent, type TcpEvent } from '../src/events.js';
import { emptyHistogram, histogramPercentile, readHistogram, subtractHistogram, HIST_BYTES } from '../src/histogram.js';
import { loadManifest } from '../src/manifest.js';

/** Batches recorded from the real ring buffers (process: cat of a watched file; net: a loopback connect). */
const fixture = (name: string): Buffer => Buffer.from(readFileSync(join(import.meta.dirname, 'fixtures', `${name}-batch.hex`), 'utf8').replace(/\s/g, ''), 'hex');

/** The slow reference: the protocol codec on every record. */
function referenceDecode(batch: Uint8Array): BpfEvent[] {
  const out: BpfEvent[] = [];
  for (let off = 0; off < batch.length; ) {
    const v = decodeBpfRecord(batch, off);
    out.push(toEvent(v));
    off += v.size as number;
  }
  return out;
}

describe('decoding recorded ring buffer batches', () => {
  it('decodes the recorded process batch: exec, watched open and exit of one cat', () => {
    const { events, errors } = decodeBatch(fixture('process'));
    expect(errors).toBe(0);
    const exec = events[0] as ExecEvent;
    expect(exec).toMatchObject({ kind: 'exec', pid: 24239, ppid: 24081, uid: 0, comm: 'cat', filename: '/bin/cat', cgroupId: 1n });
    expect(events[1] as FileOpenEvent).toMatchObject({ kind: 'fileOpen', pid: 24239, comm: 'cat', filename: '/etc/hostname', watchId: 3, flags: 0 });
    expect(events[2]).toMatchObject({ kind: 'exit', pid: 24239, ppid: 24081, exitCode: 0, comm: 'cat', durationNs: 10228168n });
    expect(events.length).toBe(5);
  });

  it('decodes the recorded net batch: the client and server sides of one loopback connection', () => {
    const { events, errors } = decodeBatch(fixture('net'));
    expect(errors).toBe(0);
    const tcp = events as TcpEvent[];
    const client = tcp.filter((e) => e.dport === 44319 && e.sport !== 44319).map((e) => `${e.oldState}>${e.newState}`);
    expect(client).toEqual(['CLOSE>SYN_SENT', 'SYN_SENT>ESTABLISHED', 'ESTABLISHED>CLOSE_WAIT', 'CLOSE_WAIT>LAST_ACK', 'LAST_ACK>CLOSE']);
    const est = tcp.find((e) => e.newState === 'ESTABLISHED' && e.dport === 44319)!;
    expect(est).toMatchObject({ ipVersion: 4, saddr: '127.0.0.1', daddr: '127.0.0.1', sport: 40460, connectLatencyNs: 142272n, pid: 24081 });
  });

  it('the fast path agrees with the protocol codec on every recorded record', () => {
    for (const name of ['process', 'net']) {
      const batch = fixture(name);
      expect(decodeBatch(batch).events).toEqual(referenceDecode(batch));
      expect(countRecords(batch)).toBe(referenceDecode(batch).length);
    }
  });

  it('decodes IPv6 addresses and retransmits', () => {
    const rec = structCodec(bpfTcpStruct).encode({
      type: BpfEventType.TCP_RETRANSMIT,
      size: 96,
      family: 10,
      sport: 443,
      dport: 55555,
      old_state: 1,
      new_state: 1,
      saddr: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      daddr: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      comm: 'nginx',
      cgroup_id: 4242n,
    });
    const [e] = decodeBatch(rec).events as TcpEvent[];
    expect(e).toMatchObject({ kind: 'tcpRetransmit', ipVersion: 6, saddr: '2001:db8:0:0:0:0:0:1', daddr: '0:0:0:0:0:0:0:1', sport: 443, oldState: 'ESTABLISHED', comm: 'nginx', cgroupId: 4242n });
    expect(decodeBatch(rec).events).toEqual(referenceDecode(rec));
  });

  it('stops at a truncated record and reports it, keeping the records before it', () => {
    const batch = fixture('process');
    const cut = batch.subarray(0, 184 + 100);
    const r = decodeBatch(cut);
    expect(r.events.length).toBe(1);
    expect(r.errors).toBe(1);
    expect((r.firstError as Error & { code: string }).code).toBe('ERR_AINKA_PROTOCOL_TRUNCATED');
    expect(countRecords(cut)).toBe(-1);
  });

  it('rejects an unknown type and an envelope size that disagrees with the type', () => {
    const exit = structCodec(bpfExitStruct).encode({ type: BpfEventType.EXIT, size: 64, pid: 1, comm: 'x' });
    const unknown = Buffer.from(exit);
    unknown.writeUInt16LE(99, 0);
    expect((decodeBatch(unknown).firstError as Error & { code: string }).code).toBe('ERR_AINKA_PROTOCOL_UNKNOWN');
    const badSize = Buffer.from(exit);
    badSize.writeUInt16LE(72, 2);
    expect((decodeBatch(badSize).firstError as Error & { code: string }).code).toBe('ERR_AINKA_PROTOCOL_MALFORMED');
  });
});

describe('log2 histograms', () => {
  it('sums per-CPU copies, subtracts intervals and finds percentiles', () => {
    const buf = Buffer.alloc(HIST_BYTES * 2);
    buf.writeBigUInt64LE(3n, 10 * 8); // cpu0: 3 values in [1024, 2048)
    buf.writeBigUInt64LE(3n, 32 * 8);
    buf.writeBigUInt64LE(3000n, 33 * 8);
    buf.writeBigUInt64LE(1n, HIST_BYTES + 20 * 8); // cpu1: 1 value in [1Mi, 2Mi)
    buf.writeBigUInt64LE(1n, HIST_BYTES + 32 * 8);
    buf.writeBigUInt64LE(1_500_000n, HIST_BYTES + 33 * 8);
    const h = readHistogram(buf, 0, 2);
    expect(h.count).toBe(4);
    expect(h.sum).toBe(1_503_000);
    expect(h.slots[10]).toBe(3);
    expect(histogramPercentile(h, 0.5)).toBe(2048);
    expect(histogramPercentile(h, 0.99)).toBe(2 ** 21);
    expect(histogramPercentile(emptyHistogram(), 0.5)).toBe(0);
    const d = subtractHistogram(h, readHistogram(buf, 0, 1));
    expect(d.count).toBe(1);
    expect(d.slots[20]).toBe(1);
  });
});

describe('manifest', () => {
  it('refuses a missing manifest and one built for another ABI, naming the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-manifest-'));
    try {
      expect(() => loadManifest(dir)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_EBPF_NO_MANIFEST', message: expect.stringContaining('make -C ebpf') }));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: '@ainka/ebpf', version: '0', abiVersion: AINKA_ABI_VERSION + 1, arch: 'x64', objects: [] }));
      expect(() => loadManifest(dir)).toThrow(expect.objectContaining({ code: 'ERR_AINKA_EBPF_ABI_MISMATCH' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
