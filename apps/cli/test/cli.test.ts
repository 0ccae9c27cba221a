import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson, cliMain, ensureBuilt, eventually, fixture, startDaemon, tempDir, writeConfig, type RunningDaemon } from '../../daemon/test/harness.js';

interface Status {
  ticks: number;
  mode: string;
  layers: { name: string; latency: { count: number } | null }[];
}

let d: RunningDaemon;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('cli');
  const policy = join(dir, 'writeback.yaml');
  writeFileSync(
    policy,
    ['apiVersion: ainka.dev/v1', 'kind: Policy', 'name: writeback', 'rules:', '  - name: writeback-pressure', '    when: mem.dirty_bytes > 256MiB for 1s', '    then:', '      - knob: sysctl:vm.dirty_background_ratio', '        set: 5', ''].join('\n'),
  );
  const cfg = writeConfig(dir, ['policy:', '  packs: []', `  files: [${JSON.stringify(policy)}]`, 'ml: { anomaly: { warmup: 5 } }', 'layers: { deepIntervalMs: 500ms }', ''].join('\n'));
  // Durations with units in the config and on the command line (@ainka/daemon's parseDuration).
  d = await startDaemon(dir, ['--config', cfg, '--replay', fixture, '--interval', '200ms']);
  await eventually(() => (cliJson<Status>(['status'], d.socket).ticks >= 12 ? true : undefined));
}, 120_000);

afterAll(async () => {
  await d?.stop();
});

describe('ainka against a running daemon', () => {
  it('status: human and --json', () => {
    const h = cli(['status'], d.socket);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/decision layers:/);
    expect(h.stdout).toMatch(/fast\s+on\s+p50/);
    const s = cliJson<Status>(['status'], d.socket);
    expect(s.mode).toBe('advise');
    expect(s.layers.map((l) => l.name)).toEqual(['immediate', 'fast', 'deep']);
  });

  it('top --once draws state, pressure, latency, anomalies and advice', () => {
    const r = cli(['top', '--once'], d.socket);
    expect(r.code).toBe(0);
    for (const s of ['── state', '── pressure', '── decision latency', '── anomalies', '── advice', '── top processes']) expect(r.stdout).toContain(s);
    expect(r.stdout).toMatch(/fast\s+p50\s+[\d.]+ ms/);
  });

  it('advise, then explain the advice with its evidence', async () => {
    const advice = await eventually(() => {
      const a = cliJson<{ advice: { id: string; rule: string }[] }>(['advise'], d.socket).advice;
      return a.find((x) => x.rule === 'writeback-pressure');
    });
    expect(cli(['advise', '--exit-code'], d.socket).code).toBe(10);
    const e = cli(['explain', advice.id], d.socket);
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('evidence: mem.dirty_bytes');
    expect(e.stdout).toContain('why:');
    expect(cli(['explain', 'D999999'], d.socket).code).toBe(4);
  });

  it('anomalies, forecast and history', () => {
    expect(Array.isArray(cliJson<{ anomalies: unknown[] }>(['anomalies', '--all'], d.socket).anomalies)).toBe(true);
    const f = cliJson<{ series: string; points: unknown[]; method: string }>(['forecast', 'mem.dirty_bytes'], d.socket);
    expect(f.series).toBe('mem.dirty_bytes');
    expect(f.points.length).toBeGreaterThan(0);
    const h = cliJson<{ from: string; series: { series: string; points: unknown[] }[] }>(['history', 'mem.dirty_bytes', '--since', '10m'], d.socket);
    expect(h.from).toBe('daemon');
    expect(h.series[0]?.points.length).toBeGreaterThan(5);
  });

  it('reads --since as a compound duration or an ISO date, and exits 2 naming a duration that does not parse', () => {
    const long = cliJson<{ series: { points: unknown[] }[] }>(['history', 'mem.dirty_bytes', '--since', '1h30m'], d.socket);
    expect(long.series[0]?.points.length).toBeGreaterThan(5);
    const iso = cliJson<{ series: { points: unknown[] }[] }>(['history', 'mem.dirty_bytes', '--since', new Date(Date.now() - 3_600_000).toISOString()], d.socket);
    expect(iso.series[0]?.points.length).toBe(long.series[0]?.points.length);
    const none = cliJson<{ series: { points: unknown[] }[] }>(['history', 'mem.dirty_bytes', '--since', '0s'], d.socket);
    expect(none.series[0]?.points.length ?? 0).toBeLessThan(long.series[0]?.points.length ?? 0);
    const bad = cli(['history', 'mem.dirty_bytes', '--since', '10 parsecs'], d.socket);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since "10 parsecs" has the unknown unit "parsecs"; write a number with a unit such as 250ms, 90s, 5m, 1h30m or 2d');
    expect(bad.stderr).toContain('[ERR_AINKA_DAEMON_DURATION_INVALID]');
    expect(cli(['top', '--once', '--interval', 'often'], d.socket).code).toBe(2);
    expect(cli(['fleet', 'learn', '--prometheus', 'http://127.0.0.1:1', '--range', '1h-5m'], d.socket).code).toBe(2);
  });

  it('policy validate (local), apply and list', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, ['apiVersion: ainka.dev/v1', 'kind: Policy', 'name: cli-test', 'rules:', '  - name: swap-less', '    when: psi.memory.some_avg10 > 50 for 30s', '    then:', '      - knob: sysctl:vm.swappiness', '        set: 10', ''].join('\n'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: Bad Name\nrules: []\n');
    expect(cli(['policy', 'validate', good]).code).toBe(0);
    const v = cli(['policy', 'validate', bad]);
    expect(v.code).toBe(5);
    expect(v.stdout).toMatch(/bad\.yaml/);
    expect(cli(['policy', 'apply', good], d.socket).code).toBe(0);
    const list = cliJson<{ policies: { name: string }[] }>(['policy', 'list'], d.socket).policies.map((p) => p.name);
    expect(list).toEqual(['writeback', 'cli-test']);
  });

  it('policy validate checks JSON like YAML, and refuses rules over metrics that do not exist', () => {
    const json = join(dir, 'p.json');
    const doc = { apiVersion: 'ainka.dev/v1', kind: 'Policy', name: 'j', rules: [{ name: 'r', scope: { each: 'device' }, when: 'disk.read_bytes_per_second{device="{device}"} > 100MiB', then: [{ knob: 'block:{device}:read_ahead_kb', set: 1024 }] }] };
    writeFileSync(json, JSON.stringify(doc, null, 2));
    const ok = cli(['policy', 'validate', json]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${json}: valid (j, 1 rules, advise)\n`);
    writeFileSync(json, JSON.stringify({ ...doc, apiVersion: 'ainka.dev/v9' }, null, 2));
    expect(cli(['policy', 'validate', json]).stdout).toContain(`${json}:2:17: apiVersion: the string 'ainka.dev/v9' is not 'ainka.dev/v1'; did you mean 'ainka.dev/v1'?`);
    writeFileSync(json, JSON.stringify({ ...doc, rules: [{ ...doc.rules[0], when: 'disk.read_megabytes{device="{device}"} > 1' }] }, null, 2));
    const unknown = cli(['policy', 'validate', json]);
    expect(unknown.code).toBe(5);
    expect(unknown.stdout).toMatch(/metric 'disk\.read_megabytes' is not in the metric catalogue, so the rule could never fire/);
  });

  it('rollback of something never applied is "not found"', () => {
    expect(cli(['rollback', '424242'], d.socket).code).toBe(4);
    expect(cli(['rollback'], d.socket).code).toBe(2);
  });
});

describe('ainka without a daemon', () => {
  it('exits 3 when the daemon is unreachable, with a message naming the fix', () => {
    const r = cli(['status'], join(tempDir('none'), 'nope.sock'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not running.*start it/);
    const j = cli(['--json', 'status'], join(tempDir('none'), 'nope.sock'));
    expect(JSON.parse(j.stdout).error.code).toBe('ERR_AINKA_DAEMON_UNREACHABLE');
  });

  it('exits 2 on usage errors', () => {
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['history']).code).toBe(2);
  });

  it('reads history straight from SQLite when the daemon is down', async () => {
    const cdir = tempDir('cli-down');
    const cfg = writeConfig(cdir, 'history: { flushIntervalMs: 200 }\npolicy: { packs: [] }\n');
    const dd = await startDaemon(cdir, ['--config', cfg, '--replay', fixture, '--interval', '100']);
    await eventually(() => (cliJson<Status>(['status'], dd.socket).ticks >= 10 ? true : undefined));
    await dd.stop();
    const r = cli(['--json', 'history', 'cpu.busy_ratio', '--since', '10m'], dd.socket, { stateDir: dd.stateDir });
    expect(r.code).toBe(0);
    const h = JSON.parse(r.stdout) as { from: string; series: { points: unknown[] }[] };
    expect(h.from).toContain('history.db');
    expect(h.series[0]?.points.length).toBeGreaterThanOrEqual(5);
  });

  it('completes from the command definitions in real bash (@bomb.sh/tab): commands, subcommands, options, metric names', () => {
    const bin = tempDir('completion');
    // The script calls `ainka complete -- <words>` on TAB: put this build on PATH as `ainka`.
    writeFileSync(join(bin, 'ainka'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliMain)} "$@"\n`, { mode: 0o755 });
    const script = cli(['completion', 'bash']);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain('complete -F __ainka_complete ainka');
    /** What bash offers for `ainka <words…>` + TAB (bash-completion's word splitter and compopt, which works only inside a real TAB, stubbed). */
    const complete = (...words: string[]): string[] => {
      const sh = [
        '_get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }',
        'compopt() { :; }',
        'source <(ainka completion bash)',
        'COMP_WORDS=(ainka "$@"); COMP_CWORD=$#; __ainka_complete; printf "%s\\n" "${COMPREPLY[@]}"',
      ].join('\n');
      const r = spawnSync('bash', ['-c', sh, 'bash', ...words], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter((l) => l !== '');
    };
    expect(complete('pol')).toEqual(['policy']);
    expect(complete('')).toEqual(expect.arrayContaining(['status', 'top', 'explain', 'policy', 'advise', 'rollback', 'forecast', 'anomalies', 'history', 'fleet', 'completion']));
    expect(complete('policy', '')).toEqual(expect.arrayContaining(['validate', 'apply', 'list']));
    expect(complete('history', 'cpu.busy_r')).toEqual(['cpu.busy_ratio']);
    expect(complete('history', 'cpu.busy_ratio', '--si')).toEqual(['--since']);
    expect(complete('completion', 'z')).toEqual(['zsh']);
    const zsh = cli(['completion', 'zsh']);
    expect(zsh.stdout.startsWith('#compdef ainka')).toBe(true);
    expect(cli(['completion', 'tcsh']).code).toBe(2);
  }, 90_000);
});
