import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fillTemplate, isFleetError, learnFromSeries, publishFleet, robustSpread, robustZ, type RangeSeries } from '../src/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A series of `n` points around `v` for one host. */
function series(name: string, host: string, role: string, v: number, labels: Record<string, string> = {}, n = 20): RangeSeries {
  return { metric: { __name__: name, host, role, job: 'ainka', instance: `${host}:9464`, ...labels }, values: Array.from({ length: n }, (_, i) => [1000 + i, String(v + (i % 2 === 0 ? 0.01 : -0.01) * v)] as const) };
}

describe('robust statistics', () => {
  it('median, MAD and robust sigma; the mean-deviation fallback when MAD is 0; a floor', () => {
    const s = robustSpread([1, 2, 3, 4, 100]);
    expect(s.median).toBe(3);
    expect(s.mad).toBe(1);
    expect(s.sigma).toBeCloseTo(1.4826, 4);
    expect(robustZ(100, s)).toBeCloseTo(97 / 1.4826, 3);
    const flat = robustSpread([5, 5, 5, 9]);
    expect(flat.mad).toBe(0);
    expect(flat.sigma).toBeCloseTo(1.2533 * 1, 4); // mean |x - 5| = 1
    expect(robustSpread([5, 5, 5], 0.5).sigma).toBe(0.5);
    expect(robustZ(5, robustSpread([5, 5, 5]))).toBe(0);
  });
});

describe('learning across hosts', () => {
  const input: RangeSeries[] = [];
  // web: 5 similar hosts, web-5 off on memory and one disk; db: 3 hosts, different from web but alike.
  for (let i = 1; i <= 5; i++) {
    input.push(series('ainka_mem_used_ratio', `web-${i}`, 'web', i === 5 ? 0.9 : 0.3 + i * 0.01));
    input.push(series('ainka_disk_utilization_ratio', `web-${i}`, 'web', i === 5 ? 0.95 : 0.2 + i * 0.01, { device: 'vda' }));
    input.push(series('ainka_load_avg1', `web-${i}`, 'web', 2 + i * 0.05));
  }
  for (let i = 1; i <= 3; i++) {
    input.push(series('ainka_mem_used_ratio', `db-${i}`, 'db', 0.8 + i * 0.01));
    input.push(series('ainka_load_avg1', `db-${i}`, 'db', 8 + i * 0.1));
  }
  input.push(series('ainka_load_avg1', 'lonely', 'batch', 1));
  const model = learnFromSeries(input, { groupBy: 'role' }, 0);

  it('groups by the label, keys series by their other labels, and skips groups with too few hosts', () => {
    expect(model.groups.map((g) => [g.group, g.hosts.length, g.series.length])).toEqual([
      ['batch', 1, 0],
      ['db', 3, 2],
      ['web', 5, 3],
    ]);
    expect(model.groups[2]?.series.map((s) => s.series)).toEqual(['ainka_disk_utilization_ratio{device="vda"}', 'ainka_load_avg1', 'ainka_mem_used_ratio']);
  });

  it("flags the host that is off its own group's baseline, not the group that differs from another group", () => {
    expect(model.hosts.filter((h) => h.outlier).map((h) => h.host)).toEqual(['web-5']);
    const web5 = model.hosts.find((h) => h.host === 'web-5');
    expect(web5?.outlying).toBe(2);
    expect(web5?.top.map((t) => t.series).sort()).toEqual(['ainka_disk_utilization_ratio{device="vda"}', 'ainka_mem_used_ratio']);
    // db's memory is high for web but normal for db
    expect(model.hosts.filter((h) => h.group === 'db').every((h) => !h.outlier && h.outlying === 0)).toBe(true);
  });

  it('thresholds are median ± k robust sigma, robust to the outlier', () => {
    const mem = model.groups[2]?.series.find((s) => s.series === 'ainka_mem_used_ratio');
    expect(mem?.median).toBeCloseTo(0.33, 6);
    expect(mem?.upper).toBeCloseTo(0.33 + 3 * (mem?.sigma ?? 0), 9);
    expect(mem?.upper).toBeLessThan(0.5); // the 0.9 host did not drag it up
  });

  it('rejects nonsense options with a clear error', () => {
    try {
      learnFromSeries(input, { minHosts: 1 });
      expect.unreachable();
    } catch (err) {
      expect(isFleetError(err)).toBe(true);
      expect((err as Error).message).toMatch(/minHosts \(1\) at least 2/);
    }
  });

  it('fills templates per group, skips a group without the series, and refuses a malformed placeholder', () => {
    const t = { file: 'mem.yaml', text: 'name: mem-${fleet:group}\nwhen: mem.used_percent > ${fleet:upper:ainka_mem_used_ratio*100} and disk.utilization_percent{device="vda"} > ${fleet:median:ainka_disk_utilization_ratio{device="vda"}*100}\n' };
    const web = fillTemplate(t, model.groups[2] as never);
    expect('text' in web && web.text).toMatch(/^name: mem-web\nwhen: mem\.used_percent > 3\d\.\d+ and disk\.utilization_percent\{device="vda"\} > 23\n$/);
    expect(fillTemplate(t, model.groups[1] as never)).toEqual({ skipped: expect.stringMatching(/ainka_disk_utilization_ratio\{device="vda"\} was not learned in group db/) });
    expect(() => fillTemplate({ file: 'bad.yaml', text: '${fleet:p99:x}' }, model.groups[2] as never)).toThrow(/not a placeholder/);
    expect(() => fillTemplate({ file: 'bad.yaml', text: '${fleet:upper:x' }, model.groups[2] as never)).toThrow(/unclosed/);
  });

  it('publishes the model, a directory and a ConfigMap per group', () => {
    const out = mkdtempSync(join(tmpdir(), 'ainka-fleet-'));
    dirs.push(out);
    const r = publishFleet(model, [{ file: 'load.yaml', text: 'when: load.avg1 > ${fleet:upper:ainka_load_avg1}\n' }], out, { namespace: 'ops' });
    expect(r.groups.map((g) => [g.group, g.policies.length])).toEqual([
      ['batch', 0],
      ['db', 1],
      ['web', 1],
    ]);
    const cm = parse(readFileSync(join(out, 'configmap-web.yaml'), 'utf8')) as { metadata: { name: string; namespace: string }; data: Record<string, string> };
    expect(cm.metadata).toMatchObject({ name: 'ainka-fleet-web', namespace: 'ops' });
    expect(cm.data['load.yaml']).toMatch(/^when: load\.avg1 > 2\.\d+\n$/);
    expect(cm.data['thresholds.tsv']?.split('\n')[0]).toBe('series\tmedian\tsigma\tlower\tupper\thosts');
    expect(readFileSync(join(out, 'web', 'load.yaml'), 'utf8')).toBe(cm.data['load.yaml']);
    expect(JSON.parse(readFileSync(r.model, 'utf8')).hosts[0].host).toBe('web-5');
  });
});
