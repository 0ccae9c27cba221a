import { describe, expect, it } from 'vitest';
import { checkPolicy, formatIssue, parsePolicy, PolicyEngine, PolicyRuntime, type SeriesSnapshot, type SnapshotSeries } from '../src/index.js';

type Row = [name: string, labels: Record<string, string> | undefined, value: number];

/** A snapshot built from rows, every series sampled at `t`. */
function snap(rows: readonly Row[], t: number): SeriesSnapshot {
  const by = new Map<string, SnapshotSeries[]>();
  for (const [name, labels, value] of rows) {
    const list = by.get(name) ?? [];
    list.push({ labels, value, t });
    by.set(name, list);
  }
  return { series: (n) => by.get(n) ?? [] };
}

const head = (name: string) => ['apiVersion: ainka.dev/v1', 'kind: Policy', `name: ${name}`, 'mode: enforce', 'rules:'];

describe('selectors: top-N processes, protected ones excluded', () => {
  const policy = parsePolicy(
    [
      ...head('hogs'),
      '  - name: renice-hogs',
      '    scope: {each: process, top: 2}',
      '    when: psi.cpu.some_avg10 > 50 and process.cpu_cores{pid="{pid}"} > 0.5',
      '    then:',
      '      - knob: process:{pid}:nice',
      '        set: 10',
      '    cooldown: 1m',
      '',
    ].join('\n'),
  );
  const rows: Row[] = [
    ['psi.cpu.some_avg10', undefined, 80],
    ['process.cpu_cores', { pid: '1', comm: 'systemd' }, 3],
    ['process.cpu_cores', { pid: '77', comm: 'sshd' }, 2.5],
    ['process.cpu_cores', { pid: '55', comm: 'kworker/0:1' }, 2.2],
    ['process.rss_bytes', { pid: '55', comm: 'kworker/0:1' }, 0],
    ['process.cpu_cores', { pid: '999', comm: 'node' }, 2.1],
    ['process.cpu_cores', { pid: '300', comm: 'stress' }, 1.9],
    ['process.cpu_cores', { pid: '301', comm: 'stress' }, 1.5],
    ['process.cpu_cores', { pid: '302', comm: 'stress' }, 1.2],
    ['process.cpu_cores', { pid: '400', comm: 'postgres' }, 1.8],
  ];

  it('picks the N busiest unprotected processes, fills {pid}, and cools down per target', () => {
    const engine = new PolicyEngine([policy], { protection: { selfPid: 999, protect: ['postgres'] } });
    const first = engine.tick({ at: 1000, snapshot: snap(rows, 1000) });
    expect(first.plan.actions.map((a) => `${a.knob}=${a.value}`)).toEqual(['process:300:nice=10', 'process:301:nice=10']);
    expect(first.plan.actions[0]?.because).toContain('process.cpu_cores{pid="300"} = 1.9 > 0.5');
    // 300 and 301 cool down; 302 is now in the top 2 once 301 is gone.
    const later = rows.filter((r) => r[1]?.pid !== '301');
    const second = engine.tick({ at: 2000, snapshot: snap(later, 2000) });
    expect(second.plan.actions.map((a) => a.knob)).toEqual(['process:302:nice']);
    expect(second.plan.suppressed.some((s) => s.why.startsWith('cooling down'))).toBe(true);
  });

  it('ignores stale series (a process that is gone)', () => {
    const engine = new PolicyEngine([policy], { protection: { selfPid: 999 }, staleMs: 5000 });
    const s = snap(rows, 0);
    const d = engine.tick({ at: 60_000, snapshot: { series: (n) => (n === 'psi.cpu.some_avg10' ? [{ labels: undefined, value: 80, t: 60_000 }] : s.series(n)) } });
    expect(d.plan.actions).toEqual([]);
  });
});

describe('selectors: devices, growth over a window, values from a metric', () => {
  it('resolves {device} against the devices that exist, with match/exclude', () => {
    const p = parsePolicy(
      [
        ...head('ra'),
        '  - name: ra',
        "    scope: {each: device, exclude: ['loop*']}",
        '    when: disk.read_bytes_per_second{device="{device}"} > 10MiB and disk.read_request_bytes{device="{device}"} > 32KiB',
        '    then:',
        '      - knob: block:{device}:read_ahead_kb',
        '        set: 1024',
        '',
      ].join('\n'),
    );
    const engine = new PolicyEngine([p]);
    const rows: Row[] = [
      ['disk.read_bytes_per_second', { device: 'vda' }, 50 * 2 ** 20],
      ['disk.read_request_bytes', { device: 'vda' }, 128 * 1024],
      ['disk.read_bytes_per_second', { device: 'nvme0n1' }, 50 * 2 ** 20],
      ['disk.read_request_bytes', { device: 'nvme0n1' }, 4096], // random reads: no change
      ['disk.read_bytes_per_second', { device: 'loop0' }, 50 * 2 ** 20],
      ['disk.read_request_bytes', { device: 'loop0' }, 128 * 1024],
    ];
    expect(engine.tick({ at: 0, snapshot: snap(rows, 0) }).plan.actions.map((a) => a.knob)).toEqual(['block:vda:read_ahead_kb']);
  });

  it('growth() is the percent change over the window; from sets a value relative to a metric; slices and protected units are never picked', () => {
    const p = parsePolicy(
      [
        ...head('cap'),
        '  - name: cap',
        '    scope: {each: cgroup}',
        '    when: growth(cgroup.memory_current_bytes{cgroup="{cgroup}"}, 1m) > 20',
        '    then:',
        '      - knob: cgroup:{cgroup}:memory.high',
        "        from: {metric: 'cgroup.memory_current_bytes{cgroup=\"{cgroup}\"}', factor: 1.25}",
        '',
      ].join('\n'),
    );
    const engine = new PolicyEngine([p]);
    const at = (t: number, mib: number) =>
      engine.tick({
        at: t,
        snapshot: snap(
          [
            ['cgroup.memory_current_bytes', { cgroup: '/system.slice/app.service' }, mib * 2 ** 20],
            ['cgroup.memory_current_bytes', { cgroup: '/system.slice' }, mib * 4 * 2 ** 20],
            ['cgroup.memory_current_bytes', { cgroup: '/system.slice/ssh.service' }, mib * 2 ** 20],
          ],
          t,
        ),
      });
    expect(at(0, 100).plan.actions).toEqual([]);
    expect(at(30_000, 110).plan.actions).toEqual([]); // +10 %
    const d = at(59_000, 130); // +30 % within the minute
    expect(d.plan.actions.map((a) => `${a.knob}=${a.value}`)).toEqual([`cgroup:system.slice/app.service:memory.high=${Math.round(130 * 2 ** 20 * 1.25)}`]);
    expect(d.hits[0]?.evidence[0]?.subject).toBe('growth(cgroup.memory_current_bytes{cgroup="/system.slice/app.service"}, 1min)');
    // The oldest point (100 MiB at t=0) leaves the window: growth is measured from 110 MiB.
    const engine2 = new PolicyEngine([p]);
    const step = (t: number, mib: number) => engine2.tick({ at: t, snapshot: snap([['cgroup.memory_current_bytes', { cgroup: '/a' }, mib]], t) });
    step(0, 100);
    step(30_000, 110);
    expect(step(70_000, 125).plan.actions).toEqual([]); // 125 vs 110: +13.6 %
  });

  it('avg() is the mean of the values seen within the window, so one quiet tick does not break a sustained condition', () => {
    const p = parsePolicy([...head('lossy'), '  - name: lossy', '    when: avg(net.tcp.retransmit_ratio, 10s) > 0.02 for 5s', '    then:', '      - knob: sysctl:net.ipv4.tcp_congestion_control', '        set: bbr', ''].join('\n'));
    const engine = new PolicyEngine([p]);
    const ratios = [0.05, 0, 0.04, 0.03, 0, 0.05, 0.04, 0, 0.03]; // plain `> 0.02 for 5s` would never hold
    const fired = ratios.map((r, i) => engine.tick({ at: i * 1000, snapshot: snap([['net.tcp.retransmit_ratio', undefined, r]], i * 1000) }).plan.actions.length);
    expect(fired.indexOf(1)).toBe(5);
    const d = new PolicyEngine([p]);
    const low = [0.05, 0, 0, 0, 0, 0, 0, 0];
    expect(low.map((r, i) => d.tick({ at: i * 1000, snapshot: snap([['net.tcp.retransmit_ratio', undefined, r]], i * 1000) }).plan.actions.length)).toEqual(low.map(() => 0));
    expect(() => parsePolicy([...head('x'), '  - name: x', '    when: avg(mem.dirty_bytes) > 1', '    then:', '      - knob: sysctl:vm.dirty_bytes', '        set: 1', ''].join('\n'))).toThrow(/avg\(\) needs a window; write avg\(mem.dirty_bytes, 10m\)/);
  });

  it('adjust reads the knob through the runtime and never moves the wrong way', async () => {
    const reads: string[] = [];
    const values: Record<string, string> = { 'sysctl:vm.watermark_scale_factor': '10', 'process:300:nice': '15' };
    const rt = new PolicyRuntime({
      readKnob: async (k) => {
        reads.push(k);
        return values[k] ?? '0';
      },
    });
    rt.load(
      [
        ...head('adj'),
        '  - name: wsf',
        '    when: psi.memory.some_avg10 > 20',
        '    then:',
        '      - knob: sysctl:vm.watermark_scale_factor',
        '        adjust: {by: 50}',
        '        max: 300',
        '  - name: nice',
        '    scope: {each: process}',
        '    when: process.cpu_cores{pid="{pid}"} > 1',
        '    then:',
        '      - knob: process:{pid}:nice',
        '        adjust: {by: 5}',
        '        max: 10',
        '',
      ].join('\n'),
      'adj.yaml',
    );
    const s = snap([['psi.memory.some_avg10', undefined, 30], ['process.cpu_cores', { pid: '300', comm: 'x' }, 2]], 0);
    const first = rt.tick(s, 1000);
    expect(first.plan.actions).toEqual([]);
    expect(first.plan.suppressed.map((x) => x.why)).toContain('current value unknown, cannot adjust');
    await new Promise((r) => setTimeout(r, 10));
    const second = rt.tick(s, 2000);
    expect(second.plan.actions.map((a) => `${a.knob}=${a.value}`)).toEqual(['sysctl:vm.watermark_scale_factor=60']);
    // nice 15 is already lower priority than the max 10: no change towards higher priority.
    expect(second.plan.suppressed.some((x) => x.knob === 'process:300:nice' && x.why.includes('beyond its bound'))).toBe(true);
    expect(reads.sort()).toEqual(['process:300:nice', 'sysctl:vm.watermark_scale_factor']);
  });
});

describe('PolicyRuntime: loading is all-or-nothing, with file/line/fix errors', () => {
  const metrics = ['psi.memory.some_avg10', 'mem.dirty_bytes', 'process.cpu_cores'];
  const good = (name: string) => [...head(name), '  - name: r', '    when: psi.memory.some_avg10 > 20', '    then:', '      - knob: sysctl:vm.swappiness', '        set: 10', ''].join('\n');

  it('refuses a rule over a metric that does not exist, an out-of-bounds value and a conflicting pair; nothing changes', () => {
    const rt = new PolicyRuntime({ metrics });
    rt.load(good('keep'), 'keep.yaml');
    const unknown = [...head('bad-metric'), '  - name: r', '    when: mem.dirtyy_bytes > 20', '    then:', '      - knob: sysctl:vm.swappiness', '        set: 10', ''].join('\n');
    expect(() => rt.load(unknown, 'm.yaml')).toThrow(/m\.yaml:7:11: rules\[0\]\.when: metric 'mem\.dirtyy_bytes' is not in the metric catalogue, so the rule could never fire; did you mean 'mem\.dirty_bytes'\?/);
    const oob = [...head('bad-bounds'), '  - name: r', '    when: psi.memory.some_avg10 > 20', '    then:', '      - knob: sysctl:vm.swappiness', '        set: 500', ''].join('\n');
    expect(() => rt.load(oob, 'b.yaml')).toThrow(/b\.yaml:10:14: rules\[0\]\.then\[0\]\.set: set 500 for sysctl:vm\.swappiness: 500 is outside 0 … 200/);
    const conflict = [
      ...head('bad-conflict'),
      '  - name: a',
      '    when: psi.memory.some_avg10 > 20',
      '    then:',
      '      - knob: sysctl:vm.swappiness',
      '        set: 10',
      '  - name: b',
      '    when: psi.memory.some_avg10 > 30',
      '    then:',
      '      - knob: sysctl:vm.swappiness',
      '        set: 100',
      '',
    ].join('\n');
    expect(() => rt.load(conflict, 'c.yaml')).toThrow(/rules 'a' \(rules\[0\]\) and 'b' both change sysctl:vm\.swappiness at priority 50 and can fire together/);
    expect(rt.list().map((p) => p.name)).toEqual(['keep']);
  });

  it('JSON gets the same errors as YAML: wrong apiVersion, unknown field, syntax error', () => {
    const rt = new PolicyRuntime({ metrics });
    const json = (doc: object) => JSON.stringify(doc, null, 2);
    const base = { apiVersion: 'ainka.dev/v1', kind: 'Policy', name: 'j', rules: [{ name: 'r', when: 'psi.memory.some_avg10 > 20', then: [{ knob: 'sysctl:vm.swappiness', set: 10 }] }] };
    expect(rt.validate(json(base), 'ok.json').valid).toBe(true);
    expect(rt.validate(json({ ...base, apiVersion: 'ainka.dev/v2' }), 'v.json').errors).toEqual(["v.json:2:17: apiVersion: the string 'ainka.dev/v2' is not 'ainka.dev/v1'; did you mean 'ainka.dev/v1'?"]);
    expect(rt.validate(json({ ...base, rules: [{ ...base.rules[0], then: [{ knob: 'sysctl:vm.swappiness', sett: 10 }] }] }), 'u.json').errors.join('\n')).toMatch(/^u\.json:12:11: rules\[0\]\.then\[0\]\.sett: unknown key 'sett'; did you mean 'set'\?/);
    const broken = rt.validate('{\n  "apiVersion": "ainka.dev/v1",\n  "kind": "Policy"\n  "name": "x"\n}', 's.json');
    expect(broken.valid).toBe(false);
    expect(broken.errors[0]).toMatch(/^s\.json:4:\d+: \(document\): .*; fix the YAML\/JSON syntax there$/);
    expect(checkPolicy(json(base)).issues.map(formatIssue)).toEqual([]);
  });

  it('learns dynamic thresholds from history and keeps them across reloads', () => {
    const rt = new PolicyRuntime({ metrics, thresholds: { minSamples: 10 } });
    rt.load([...head('dyn'), '  - name: r', '    when: psi.memory.some_avg10 > p90 * 2', '    then:', '      - knob: sysctl:vm.swappiness', '        set: 10', ''].join('\n'), 'd.yaml');
    for (let i = 0; i < 20; i++) expect(rt.tick(snap([['psi.memory.some_avg10', undefined, 5 + (i % 3)]], i * 1000), i * 1000).hits).toEqual([]);
    rt.load(good('other'), 'o.yaml'); // a reload must not forget the learned baseline
    const d = rt.tick(snap([['psi.memory.some_avg10', undefined, 40]], 30_000), 30_000);
    expect(d.hits.map((h) => h.rule.name)).toEqual(['r', 'r']);
    expect(d.hits[0]?.evidence[0]?.threshold).toBeCloseTo(14, 0);
  });
});
