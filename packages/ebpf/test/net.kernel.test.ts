import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { EbpfStreams, type TcpEndpointSummary } from '../src/ebpfStreams.js';
import type { TcpEvent } from '../src/events.js';
import { skipReason, waitFor } from './kernel.js';

describe.skipIf(skipReason)('TCP events on the real kernel', () => {
  // Every state change (the cheap default reports only connects, closes and retransmits).
  const ebpf = new EbpfStreams({ pollIntervalMs: 100, allTcpStates: true });
  afterAll(() => ebpf.host.closeAll());

  it('reports a loopback connect and close with the right ports, states and connect latency', async () => {
    const seen: TcpEvent[] = [];
    let endpoints: readonly TcpEndpointSummary[] = [];
    const sub = ebpf.tcpEvents$.subscribe((e) => seen.push(e));
    const sub2 = ebpf.tcpEndpoints$.subscribe((e) => (endpoints = e));
    const server: Server = createServer((s) => s.on('data', () => s.end()).on('error', () => {}));
    try {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const client: Socket = connect(port, '127.0.0.1');
      await new Promise<void>((r) => client.on('connect', r));
      const localPort = client.localPort!;
      client.write('bye');
      await new Promise<void>((r) => client.on('close', () => r()));

      // the local port is bound after CLOSE → SYN_SENT fires, so that one record has sport 0
      const mine = (e: TcpEvent): boolean => e.kind === 'tcpState' && e.dport === port && (e.sport === localPort || (e.sport === 0 && e.newState === 'SYN_SENT'));
      expect(await waitFor(() => seen.some((e) => mine(e) && e.newState === 'CLOSE'))).toBe(true);
      const states = seen.filter(mine).map((e) => `${e.oldState}>${e.newState}`);
      expect(states).toEqual(['CLOSE>SYN_SENT', 'SYN_SENT>ESTABLISHED', 'ESTABLISHED>CLOSE_WAIT', 'CLOSE_WAIT>LAST_ACK', 'LAST_ACK>CLOSE']);
      const est = seen.find((e) => mine(e) && e.newState === 'ESTABLISHED')!;
      expect(est).toMatchObject({ ipVersion: 4, saddr: '127.0.0.1', daddr: '127.0.0.1', pid: process.pid, sport: localPort });
      expect(est.connectLatencyNs).toBeGreaterThan(0n);
      // the server's side of the same connection
      expect(seen.some((e) => e.kind === 'tcpState' && e.sport === port && e.dport === localPort && e.newState === 'ESTABLISHED')).toBe(true);
      expect(await waitFor(() => endpoints.some((x) => x.addr === '127.0.0.1' && x.port === port && x.connects >= 1))).toBe(true);
    } finally {
      sub.unsubscribe();
      sub2.unsubscribe();
      server.close();
    }
  });
});
