/**
 * Per-operation cost of the @ainka/protocol codecs on the paths @ainka/ipc uses: decoding a status
 * reply, encoding + validating rules, building a 250-rule policy-load request, decoding ring samples.
 * Baseline in the same run: a hand-written DataView loop over the same bytes (what a codec cannot beat).
 *
 *   npx tsx tools/bench/protocol/codecs.bench.ts
 */
import {
  decodeAttrSet,
  decodeSample,
  encodeAinkaRequest,
  encodeAttrSet,
  encodeKernelRule,
  encodeSample,
  type KernelRule,
} from '../../../packages/protocol/src/index.js';

function time(label: string, iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(1000, iterations); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${label.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(8)} µs/op`);
  return ns;
}

const status = encodeAttrSet('ainka', {
  abiVersion: 1, version: '0.1.0', mode: 0, state: 1, policyCount: 12, uptimeNs: 123456789n,
  counters: { samples: 1000n, ringOverflows: 0n, ruleHits: 5n, actionsApplied: 1n, actionsReverted: 1n, watchdogFires: 0n, evalNsLast: 300n, evalNsP99: 900n, evalNsMax: 2000n, tracepointEvents: 99n, heartbeats: 10n },
  sampleIntervalMs: 10, watchdogTimeoutMs: 5000, heartbeatCookie: 7n,
});
const rule: KernelRule = { id: 1, metric: 0, cmp: 0, threshold: 8, forMs: 2000, action: 1, arg: 5, target: 2, targetPid: 0, cooldownMs: 30_000, priority: 10 };
const rules = Array.from({ length: 250 }, (_, i) => ({ ...rule, id: i + 1 }));
const sample = encodeSample({ seq: 5n, timestampNs: 1n, state: 1, metrics: Array.from({ length: 12 }, (_, i) => i * 1000) });

const baseline = time('baseline: DataView walk of the status reply', 200_000, () => {
  const v = new DataView(status.buffer, status.byteOffset, status.byteLength);
  let at = 0;
  let sum = 0;
  while (at < status.length) {
    const len = v.getUint16(at, true);
    sum += v.getUint16(at + 2, true);
    at += (len + 3) & ~3;
  }
  if (sum < 0) throw new Error('unreachable');
});
const decodeStatus = time('decodeAttrSet(status reply)', 50_000, () => decodeAttrSet('ainka', status));
const encodeRule = time('encodeKernelRule (validate + encode)', 100_000, () => encodeKernelRule(rule));
const request = time('encodeAinkaRequest(policy-load, 250 rules)', 500, () =>
  encodeAinkaRequest({ familyId: 30, command: 'policy-load', seq: 1, attrs: { policyRule: rules.map(encodeKernelRule), policyReplace: true } }),
);
const ring = time('decodeSample', 200_000, () => decodeSample(sample, 0, 5n));
console.log(`\nratios to the DataView walk: status decode ${(decodeStatus / baseline).toFixed(1)}x, rule ${(encodeRule / baseline).toFixed(1)}x, 250-rule request ${(request / baseline).toFixed(0)}x, sample ${(ring / baseline).toFixed(1)}x`);
