import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ActionStatus,
  BpfEventType,
  bpfExecStruct,
  Comparison,
  decodeAinkaMessage,
  decodeAttrs,
  decodeAttrSet,
  decodeBpfRecord,
  decodeKernelRule,
  decodeNlmsgs,
  decodeSample,
  encodeAinkaRequest,
  encodeAttrSet,
  encodeKernelRule,
  encodeNlmsg,
  encodeSample,
  KernelMetric,
  ProtocolError,
  RuleAction,
  RuleTarget,
  ruleActionConstraints,
  ruleStruct,
  structCodec,
  type AttrObject,
  type KernelRule,
} from '@ainka/protocol';

const RUNS = 300;

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const s64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const ascii = (max: number) => fc.string({ maxLength: max, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')) });

/** Any rule the kernel would accept. */
const kernelRule: fc.Arbitrary<KernelRule> = fc
  .record({
    id: fc.integer({ min: 1, max: 0xffffffff }),
    metric: fc.integer({ min: 0, max: Object.keys(KernelMetric).length - 1 }),
    cmp: fc.integer({ min: 0, max: Object.keys(Comparison).length - 1 }),
    threshold: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    action: fc.integer({ min: 0, max: Object.keys(RuleAction).length - 1 }),
    forMs: fc.integer({ min: 0, max: 3_600_000 }),
    cooldownMs: fc.integer({ min: 0, max: 86_400_000 }),
    priority: fc.integer({ min: 0, max: 1000 }),
    usePid: fc.boolean(),
    pid: fc.integer({ min: 1, max: 4_194_304 }),
    argSeed: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((r) => {
    const c = ruleActionConstraints[r.action]!;
    const arg = Math.round(c.argMin + (c.argMax - c.argMin) * r.argSeed);
    const target = !c.needsTask ? RuleTarget.NONE : r.usePid ? RuleTarget.PID : RuleTarget.TOP_CPU;
    return {
      id: r.id,
      metric: r.metric as KernelRule['metric'],
      cmp: r.cmp as KernelRule['cmp'],
      threshold: r.threshold,
      action: r.action as KernelRule['action'],
      arg,
      target,
      targetPid: target === RuleTarget.PID ? r.pid : 0,
      forMs: r.forMs,
      cooldownMs: r.cooldownMs,
      priority: r.priority,
    };
  });

const actionNest = fc.record(
  {
    id: u64,
    ruleId: u32,
    kind: fc.integer({ min: 0, max: 3 }),
    status: fc.integer({ min: 0, max: Object.keys(ActionStatus).length - 1 }),
    pid: u32,
    oldValue: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    newValue: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    timestampNs: u64,
    comm: ascii(15),
  },
  { requiredKeys: ['id', 'ruleId'] },
);

/** A status reply / dump part / event as the kernel would build it. */
const topLevel: fc.Arbitrary<AttrObject> = fc.record(
  {
    abiVersion: u32,
    version: ascii(31),
    mode: fc.integer({ min: 0, max: 1 }),
    state: fc.integer({ min: 0, max: 4 }),
    policyCount: u32,
    policyRule: fc.array(kernelRule.map((r) => encodeKernelRule(r)), { minLength: 1, maxLength: 5 }),
    policyReplace: fc.constant(true),
    sampleIntervalMs: fc.integer({ min: 1, max: 1000 }),
    watchdogTimeoutMs: fc.integer({ min: 0, max: 600_000 }),
    counters: fc.record({ samples: u64, ringOverflows: u64, ruleHits: u64, evalNsP99: u64 }, { requiredKeys: [] }),
    action: fc.array(actionNest, { minLength: 1, maxLength: 4 }),
    event: fc.record({ type: fc.integer({ min: 1, max: 6 }), timestampNs: u64, ruleId: u32, metricValue: s64, action: actionNest }, { requiredKeys: ['type'] }),
    uptimeNs: u64,
    heartbeatCookie: u64,
    maxActions: fc.integer({ min: 1, max: 1024 }),
  },
  { requiredKeys: [] },
);

const ruleCodec = structCodec(ruleStruct);

/** What decodeAttrSet returns for what was encoded (binary structs come back decoded). */
function expected(value: AttrObject): AttrObject {
  const copy: Record<string, unknown> = { ...value };
  if (Array.isArray(value.policyRule)) copy.policyRule = (value.policyRule as Uint8Array[]).map((b) => ruleCodec.decode(b));
  return copy as AttrObject;
}

function expectProtocolError(fn: () => unknown, codes: readonly string[]): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect(codes).toContain((e as ProtocolError).code);
    return;
  }
  throw new Error('expected a ProtocolError, but decoding succeeded');
}

describe('netlink attributes', () => {
  test('decode(encode(x)) = x for every attribute set, nested and repeated attributes included', () => {
    fc.assert(
      fc.property(topLevel, (value) => {
        expect(decodeAttrSet('ainka', encodeAttrSet('ainka', value))).toEqual(expected(value));
      }),
      { numRuns: RUNS },
    );
  });

  test('every attribute starts 4-byte aligned and the stream length is a multiple of 4', () => {
    fc.assert(
      fc.property(topLevel, (value) => {
        const bytes = encodeAttrSet('ainka', value);
        expect(bytes.length % 4).toBe(0);
        for (const a of decodeAttrs(bytes)) expect(a.offset % 4).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  test('a stream cut inside an attribute is rejected as truncated or misaligned, with the offset', () => {
    fc.assert(
      fc.property(topLevel, fc.nat(), (value, cutSeed) => {
        const bytes = encodeAttrSet('ainka', value);
        fc.pre(bytes.length > 0);
        // Only the padding after an attribute may be cut: the kernel accepts an unpadded last attribute.
        const cut = cutSeed % bytes.length;
        fc.pre(decodeAttrs(bytes).some((a) => cut > a.offset && cut < a.offset + 4 + a.payload.length));
        expectProtocolError(() => decodeAttrSet('ainka', bytes.subarray(0, cut)), ['ERR_AINKA_PROTOCOL_TRUNCATED', 'ERR_AINKA_PROTOCOL_MISALIGNED']);
      }),
      { numRuns: RUNS },
    );
  });

  test('arbitrary bytes either decode or raise a ProtocolError — never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.boolean(), (bytes, strict) => {
        try {
          decodeAttrSet('ainka', bytes, { strict });
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('an unknown attribute id is refused in strict mode and kept otherwise', () => {
    const bytes = new Uint8Array([8, 0, 99, 0, 1, 2, 3, 4]);
    expect(() => decodeAttrSet('ainka', bytes)).toThrow('ainka: attribute id 99 is not in set ainka at byte offset 0');
    expect(decodeAttrSet('ainka', bytes, { strict: false }).$unknown).toEqual([{ type: 99, payload: new Uint8Array([1, 2, 3, 4]) }]);
  });

  test('a scalar with the wrong payload size names the attribute and the offset', () => {
    // policy-count (5) as u32 but carrying 2 bytes, after one valid u8 mode attribute
    const bytes = new Uint8Array([5, 0, 3, 0, 1, 0, 0, 0, 6, 0, 5, 0, 7, 7, 0, 0]);
    expect(() => decodeAttrSet('ainka', bytes)).toThrow('ainka.policyCount: u32 attribute has 2 payload bytes, expected 4 at byte offset 8');
  });

  test('an oversize struct attribute is refused', () => {
    const rule = encodeKernelRule({ id: 1, metric: 0, cmp: 0, threshold: 5, action: 0, arg: 0, target: 0, targetPid: 0, forMs: 0, cooldownMs: 0, priority: 0 });
    const big = new Uint8Array(rule.length + 4);
    big.set(rule);
    const attr = new Uint8Array(4 + big.length);
    new DataView(attr.buffer).setUint16(0, attr.length, true);
    new DataView(attr.buffer).setUint16(2, 6, true);
    attr.set(big, 4);
    expectProtocolError(() => decodeAttrSet('ainka', attr), ['ERR_AINKA_PROTOCOL_OVERSIZE']);
  });

  test('out-of-range values are refused by the encoder before anything is sent', () => {
    expect(() => encodeAttrSet('ainka', { sampleIntervalMs: 0 })).toThrow(/outside \[1, 1000\]/);
    expect(() => encodeAttrSet('ainka', { mode: 2 })).toThrow(/outside/);
    expect(() => encodeAttrSet('ainka', { nope: 1 })).toThrow(/has no attribute nope/);
  });
});

describe('netlink messages', () => {
  const header = fc.record({ type: fc.integer({ min: 16, max: 0xffff }), flags: fc.integer({ min: 0, max: 0xffff }), seq: u32, pid: u32 });
  const message = fc.record({ header, payload: fc.uint8Array({ maxLength: 64 }) });

  test('decodeNlmsgs(concat(encodeNlmsg(m)…)) returns every message', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), (messages) => {
        const encoded = messages.map((m) => encodeNlmsg(m.header, m.payload));
        const joined = new Uint8Array(encoded.reduce((n, e) => n + e.length, 0));
        let at = 0;
        for (const e of encoded) (joined.set(e, at), (at += e.length));
        const decoded = decodeNlmsgs(joined);
        expect(decoded.map((d) => ({ header: { ...d.header, length: undefined }, payload: d.payload }))).toEqual(
          messages.map((m) => ({ header: { ...m.header, length: undefined }, payload: m.payload })),
        );
      }),
      { numRuns: RUNS },
    );
  });

  test('a datagram cut inside a message is rejected as truncated', () => {
    fc.assert(
      fc.property(message, fc.nat(), (m, seed) => {
        const bytes = encodeNlmsg(m.header, m.payload);
        const cut = 1 + (seed % (16 + m.payload.length - 1));
        expectProtocolError(() => decodeNlmsgs(bytes.subarray(0, cut)), ['ERR_AINKA_PROTOCOL_TRUNCATED']);
      }),
      { numRuns: RUNS },
    );
  });

  test('a message longer than the configured limit is oversize', () => {
    const bytes = encodeNlmsg({ type: 20, flags: 0, seq: 1, pid: 0 }, new Uint8Array(100));
    expect(() => decodeNlmsgs(bytes, { maxMessageSize: 64 })).toThrow('nlmsghdr: nlmsg_len 116 exceeds the limit of 64 bytes at byte offset 0');
  });

  test('an AINKA request round-trips through the message layer', () => {
    fc.assert(
      fc.property(fc.array(kernelRule, { minLength: 1, maxLength: 8 }), u32, (rules, seq) => {
        const bytes = encodeAinkaRequest({ familyId: 30, command: 'policy-load', seq, attrs: { policyRule: rules.map(encodeKernelRule), policyReplace: true } });
        const [msg] = decodeNlmsgs(bytes);
        expect(msg!.header.seq).toBe(seq);
        const decoded = decodeAinkaMessage(msg!.payload);
        expect(decoded.command).toBe('policy-load');
        const back = (decoded.attrs.policyRule as unknown[]).map((v) => decodeKernelRule(ruleCodec.encode(v as never)));
        expect(back).toEqual(rules);
      }),
      { numRuns: 100 },
    );
  });

  test('requests are checked against the command: unknown, missing and foreign attributes', () => {
    expect(() => encodeAinkaRequest({ familyId: 30, command: 'set-mode', seq: 1 })).toThrow('set-mode requires attribute mode');
    expect(() => encodeAinkaRequest({ familyId: 30, command: 'set-mode', seq: 1, attrs: { mode: 1, sampleIntervalMs: 5 } })).toThrow(
      'set-mode does not take attribute sampleIntervalMs',
    );
    expect(() => encodeAinkaRequest({ familyId: 30, command: 'reboot', seq: 1 })).toThrow('no AINKA command named reboot');
  });
});

describe('policy-cache rules', () => {
  test('decode(encode(rule)) = rule for every valid rule', () => {
    fc.assert(
      fc.property(kernelRule, (rule) => {
        expect(decodeKernelRule(encodeKernelRule(rule))).toEqual(rule);
      }),
      { numRuns: RUNS },
    );
  });

  test('a truncated rule is rejected with the number of missing bytes', () => {
    fc.assert(
      fc.property(kernelRule, fc.integer({ min: 0, max: 39 }), (rule, cut) => {
        expect(() => decodeKernelRule(encodeKernelRule(rule).subarray(0, cut))).toThrow(`need 40 bytes, have ${cut}`);
      }),
      { numRuns: 100 },
    );
  });

  test('non-zero reserved bytes are rejected with their offset and value', () => {
    const bytes = encodeKernelRule({ id: 7, metric: 0, cmp: 0, threshold: 1, action: 0, arg: 0, target: 0, targetPid: 0, forMs: 0, cooldownMs: 0, priority: 0 });
    bytes[37] = 0xab;
    expect(() => decodeKernelRule(bytes)).toThrow('struct ainka_rule: reserved field reserved holds 0xab, must be zero at byte offset 37');
  });

  test.each([
    [{ id: 0 }, 'rule.id: 0 must be an integer in [1, 4294967295]'],
    [{ metric: 99 }, 'rule.metric: 99 must be an integer in [0, 11]'],
    [{ action: RuleAction.RENICE, target: RuleTarget.TOP_CPU, arg: 25 }, 'rule.arg: 25 is outside [-20, 19] for action RENICE'],
    [{ action: RuleAction.RENICE, arg: 5 }, 'rule.target: action RENICE needs a task: use target PID or TOP_CPU'],
    [{ target: RuleTarget.PID, targetPid: 1 }, 'rule.target: action REPORT takes no task: use target NONE'],
    [{ threshold: 2 ** 60 }, 'rule.threshold: 1152921504606847000 must be a safe integer (the kernel compares s64 values)'],
    [{ forMs: 4_000_000 }, 'rule.forMs: 4000000 must be an integer in [0, 3600000]'],
  ] as const)('invalid rule %j is refused: %s', (patch, message) => {
    const base: KernelRule = { id: 1, metric: 0, cmp: 0, threshold: 1, action: 0, arg: 0, target: 0, targetPid: 0, forMs: 0, cooldownMs: 0, priority: 0 };
    expect(() => encodeKernelRule({ ...base, ...patch } as KernelRule)).toThrow(message);
  });
});

describe('ring samples', () => {
  const sample = fc.record({
    seq: u64,
    timestampNs: u64,
    state: fc.integer({ min: 0, max: 4 }),
    metrics: fc.array(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), { minLength: 12, maxLength: 12 }),
  });

  test('decode(encode(sample)) = sample', () => {
    fc.assert(
      fc.property(sample, (s) => {
        expect(decodeSample(encodeSample(s), 0, s.seq)).toEqual(s);
      }),
      { numRuns: RUNS },
    );
  });

  test('a torn record (seq_end differs) is reported, never returned', () => {
    const bytes = encodeSample({ seq: 5n, timestampNs: 1n, state: 1, metrics: new Array(12).fill(0) });
    bytes[120] = 6;
    expect(() => decodeSample(bytes)).toThrow('struct ainka_sample: torn record: seq 5, seq_end 6 at byte offset 0');
  });

  test('a truncated record is rejected', () => {
    expectProtocolError(() => decodeSample(new Uint8Array(100)), ['ERR_AINKA_PROTOCOL_TRUNCATED']);
  });
});

describe('eBPF records', () => {
  const exec = structCodec(bpfExecStruct);

  test('an exec record decodes with its strings', () => {
    const bytes = exec.encode({ type: BpfEventType.EXEC, size: 184, cpu: 1, timestamp_ns: 42n, pid: 100, ppid: 1, uid: 0, cgroup_id: 7n, comm: 'sleep', filename: '/bin/sleep' });
    expect(decodeBpfRecord(bytes)).toMatchObject({ type: 1, pid: 100, ppid: 1, comm: 'sleep', filename: '/bin/sleep', cgroup_id: 7n });
  });

  test('an envelope whose size disagrees with its type is malformed; an unknown type is unknown', () => {
    const bytes = exec.encode({ type: BpfEventType.EXEC, size: 64 });
    expect(() => decodeBpfRecord(bytes)).toThrow('type 1 records are 184 bytes, envelope says 64 at byte offset 2');
    const unknown = exec.encode({ type: 99, size: 184 });
    expectProtocolError(() => decodeBpfRecord(unknown), ['ERR_AINKA_PROTOCOL_UNKNOWN']);
    expectProtocolError(() => decodeBpfRecord(bytes.subarray(0, 10)), ['ERR_AINKA_PROTOCOL_TRUNCATED']);
  });
});
