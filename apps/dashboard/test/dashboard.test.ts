/**
 * The dashboard in headless Chromium (playwright-core driving Debian's chromium, as the docs test does)
 * against a real ainkad replaying a recording with a known change (a dirty-page burst: the enforce-mode
 * writeback rule sets vm.dirty_background_ratio 10 → 5 under a file-tree root) and a known anomaly (CPU
 * saturation at tick 75, which also raises advice to lower vm.swappiness). Checks: the charts render
 * points, the anomaly marker and its explanation and score appear, mutations without the admin token are
 * refused, rollback and apply from the page go through the journal, and no page logs a console error.
 * Screenshots go to apps/dashboard/dist/screenshots/ (and to apps/dashboard/screenshots/, the README's,
 * with AINKA_UPDATE_SCREENSHOTS=1).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, journal, startDaemon, tempDir, writeConfig, type RunningDaemon } from '../../daemon/test/harness.js';
import type { AnomalyRecord, DashboardAnomalies, DashboardHealth } from '@ainka/daemon';
import { incident, writeIncidentRecording } from './incidentRecording.js';

const chromiumPath = process.env.AINKA_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) console.warn(`[dashboard test] skipped: ${chromiumPath} is missing (apt-get install chromium, or set AINKA_CHROMIUM to a Chromium binary)`);

const appDir = join(import.meta.dirname, '..');
const shotsDir = join(appDir, 'dist', 'screenshots');
const readmeShots = join(appDir, 'screenshots');

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) t = Math.max(t, f.isDirectory() ? newest(join(dir, f.name)) : statSync(join(dir, f.name)).mtimeMs);
  return t;
}

/** Build dist/ when a source is newer than it (under a lock: test files run in parallel). */
function ensureDashboardBuilt(): void {
  const out = join(appDir, 'dist', 'app.js');
  if (existsSync(out) && statSync(out).mtimeMs >= Math.max(newest(join(appDir, 'src')), statSync(join(appDir, 'scripts', 'build.mjs')).mtimeMs)) return;
  execFileSync('flock', [join(tmpdir(), 'ainka-dashboard-build.lock'), process.execPath, join(appDir, 'scripts', 'build.mjs')], { cwd: appDir, stdio: 'pipe', timeout: 120_000 });
}

/** A file tree with the knobs the test's policies touch, at the kernel's defaults. */
function fakeRoot(dir: string): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'proc', 'sys', 'vm'), { recursive: true });
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'dirty_background_ratio'), '10\n');
  writeFileSync(join(root, 'proc', 'sys', 'vm', 'swappiness'), '60\n');
  return root;
}

function policies(dir: string): string[] {
  const wb = join(dir, 'writeback.yaml');
  writeFileSync(
    wb,
    ['apiVersion: ainka.dev/v1', 'kind: Policy', 'name: writeback-enforce', 'mode: enforce', 'rules:', '  - name: writeback-pressure', '    description: Lots of dirty page cache; start background writeback earlier.', '    when: mem.dirty_bytes > 256MiB for 1s', '    then:', '      - knob: sysctl:vm.dirty_background_ratio', '        set: 5', ''].join('\n'),
  );
  const busy = join(dir, 'busy.yaml');
  writeFileSync(
    busy,
    ['apiVersion: ainka.dev/v1', 'kind: Policy', 'name: busy-advice', 'mode: advise', 'rules:', '  - name: cpu-saturated', '    description: CPU saturated; swap less eagerly.', '    when: cpu.busy_ratio > 0.9 for 2s', '    then:', '      - knob: sysctl:vm.swappiness', '        set: 30', ''].join('\n'),
  );
  return [wb, busy];
}

const knob = (root: string, name: string): string => readFileSync(join(root, 'proc', 'sys', 'vm', name), 'utf8').trim();

/** POST with node:http (so Host and Origin can be set), resolving the status code. */
function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * GET of a JSON API on a connection of its own: the test blocks its event loop in spawnSync for
 * seconds, so a pooled keep-alive socket can outlive the server's keep-alive timeout before the
 * client's own timer runs (undici then fails with "other side closed").
 */
function getJson<T>(url: string, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: HTTP ${res.statusCode}: ${body}`));
        try {
          resolve(JSON.parse(body) as T);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!haveChromium)('dashboard served by ainkad, in headless Chromium', () => {
  let d: RunningDaemon;
  let root: string;
  let url: string;
  let token: string;
  let browser: Browser;
  const problems: string[] = [];

  /** A new page that records console errors, page errors and failed requests into `problems`. */
  async function open(target: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
    await page.goto(target, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return page;
  }

  beforeAll(async () => {
    ensureBuilt();
    ensureDashboardBuilt();
    const dir = tempDir('dashboard');
    root = fakeRoot(dir);
    const recording = join(dir, 'incident.jsonl');
    writeIncidentRecording(recording);
    const cfg = writeConfig(
      dir,
      [
        'mode: enforce',
        `root: ${JSON.stringify(root)}`,
        'policy:',
        '  packs: []',
        `  files: [${policies(dir).map((p) => JSON.stringify(p)).join(', ')}]`,
        // The recording's own clock (1 s a tick) replayed at 10 ticks a second.
        'telemetry: { replayTime: recorded }',
        'actions: { rollbackOnExit: false, cooldownSeconds: 1 }',
        // 100 s of history is little evidence: the calibrated score of a blatant step peaks near 0.87.
        'ml: { anomaly: { warmup: 30, warmupSeconds: 30, threshold: 0.8 } }',
        'layers: { deepIntervalMs: 1000 }',
        'logs: { enabled: false }',
        '',
      ].join('\n'),
    );
    d = await startDaemon(dir, ['--config', cfg, '--replay', recording, '--interval', '100', '--dashboard', '--dashboard-port', '0']);
    const line = await d.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('dashboard on '));
    url = String(line.url);
    token = readFileSync(join(d.stateDir, 'dashboard.token'), 'utf8').trim();
    // The known change and the known anomaly have happened.
    await d.waitFor((l) => l.event === 'action' && (l.action as { status: string }).status === 'applied', 30_000);
    await d.waitFor((l) => l.event === 'anomaly' && (l.anomaly as AnomalyRecord).series === 'cpu.busy_ratio', 30_000);
    await d.waitFor((l) => l.event === 'action' && (l.action as { rule: string }).rule === 'cpu-saturated', 30_000);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    mkdirSync(shotsDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('binds 127.0.0.1 and writes the admin token 0600 in the state directory', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(d.stateDir, 'dashboard.token')).mode & 0o777).toBe(0o600);
  });

  it('renders the charts with points, the anomaly marker with its explanation and score, read-only', async () => {
    const page = await open(url);
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
    console.log(`[dashboard test] first contentful paint ${fcp.toFixed(0)} ms`);
    for (const id of ['cpu', 'memory', 'psi', 'disk', 'network']) {
      const points = Number(await page.getAttribute(`#chart-${id}`, 'data-points'));
      expect(points, `chart ${id}`).toBeGreaterThan(incident.cpuFrom);
      expect(await page.locator(`#chart-${id} canvas`).count()).toBeGreaterThan(0);
    }
    const anomalies = await getJson<DashboardAnomalies>(url, '/api/anomalies');
    const cpu = anomalies.anomalies.find((a) => a.series === 'cpu.busy_ratio') as AnomalyRecord;
    expect(cpu).toBeDefined();
    const marker = page.locator(`#chart-cpu .anomaly-marker[data-anomaly="${cpu.id}"]`);
    await marker.waitFor({ state: 'visible', timeout: 20_000 });
    await marker.click();
    const pop = page.locator('#popover');
    await pop.waitFor({ state: 'visible' });
    expect(await pop.textContent()).toContain(cpu.reason);
    expect(await pop.textContent()).toContain(`score ${cpu.score.toFixed(3)}`);
    expect(await page.locator(`#anomalies [data-anomaly="${cpu.id}"] .explanation`).textContent()).toBe(cpu.reason);
    // Read-only: the change is shown with its evidence, its rollback button is disabled.
    const change = page.locator('#decisions li.decision[data-change]').first();
    await change.waitFor();
    expect(await change.textContent()).toContain('sysctl:vm.dirty_background_ratio: 10 → 5');
    expect(await change.locator('.evidence').textContent()).toContain('mem.dirty_bytes');
    expect(await change.locator('button.rollback').isDisabled()).toBe(true);
    expect(await page.locator('#access').textContent()).toBe('read-only');
    expect(await page.locator('#health-body').textContent()).toContain('Decision layers');
    await page.screenshot({ path: join(shotsDir, 'dashboard.png'), fullPage: true });
    await pop.screenshot({ path: join(shotsDir, 'anomaly.png') });
    await page.close();
  }, 90_000);

  it('refuses mutations without the admin token, from another origin or another Host', async () => {
    expect(await post(url, '/api/rollback', { all: true })).toBe(401);
    expect(await post(url, '/api/rollback', { all: true }, { authorization: `Bearer ${'0'.repeat(64)}` })).toBe(401);
    expect(await post(url, '/api/apply', { id: 'D1' })).toBe(401);
    expect(await post(url, '/api/rollback', { all: true }, { authorization: `Bearer ${token}`, origin: 'http://evil.example' })).toBe(403);
    expect(await post(url, '/api/rollback', { all: true }, { authorization: `Bearer ${token}`, host: 'evil.example' })).toBe(403);
    expect(knob(root, 'dirty_background_ratio')).toBe('5');
  });

  it('rolls the change back from the page (through the journal) and applies advice, with the admin token', async () => {
    const page = await open(`${url}#token=${token}`);
    // The token leaves the address bar (it stays in this tab's session storage).
    expect(page.url()).not.toContain('token=');
    expect(await page.locator('#access').textContent()).toContain('admin');
    const change = page.locator('#decisions li.decision[data-change]').first();
    const changeId = Number(await change.getAttribute('data-change'));
    await change.locator('button.rollback').click();
    await page.locator(`#decisions li.decision[data-change="${changeId}"] .tag.rolled-back`).waitFor({ timeout: 10_000 });
    expect(knob(root, 'dirty_background_ratio')).toBe('10');
    // The journal holds a committed batch whose change reverts ours.
    const records = journal(d.stateDir);
    const batch = records.find((r) => r.type === 'begin' && (r.changes as { reason: string; undoes?: number[] }[]).some((c) => c.reason === 'rollback' && (c.undoes ?? []).includes(changeId)));
    expect(batch, JSON.stringify(records.slice(-4))).toBeDefined();
    expect(records.some((r) => r.type === 'commit' && r.batch === batch?.batch)).toBe(true);
    await page.screenshot({ path: join(shotsDir, 'rolled-back.png'), fullPage: true });

    const advice = page.locator('#decisions li.decision', { hasText: 'cpu-saturated' }).locator('button.apply').first();
    await advice.click();
    await page.locator('#decisions li.decision .tag.applied', { hasText: 'applied' }).first().waitFor({ timeout: 10_000 });
    await expect.poll(() => knob(root, 'swappiness'), { timeout: 10_000 }).toBe('30');
    await page.close();
  }, 90_000);

  it('logged no console error, page error or failed request on any page', () => {
    expect(problems).toEqual([]);
    if (process.env.AINKA_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(readmeShots, { recursive: true });
      for (const f of ['dashboard.png', 'anomaly.png', 'rolled-back.png']) copyFileSync(join(shotsDir, f), join(readmeShots, f));
    }
  });
});

const bpfDir = join(appDir, '..', '..', 'packages', 'ebpf', 'bpf');
const ebpfSkip =
  process.getuid?.() !== 0
    ? 'not root (loading eBPF needs CAP_BPF)'
    : !existsSync('/sys/kernel/btf/vmlinux')
      ? 'no kernel BTF (/sys/kernel/btf/vmlinux)'
      : !existsSync(join(bpfDir, 'manifest.json'))
        ? 'eBPF objects not built (npx nx run @ainka/ebpf:build)'
        : undefined;
if (haveChromium && ebpfSkip !== undefined) console.warn(`[dashboard test] live eBPF health panel skipped: ${ebpfSkip}`);

describe.skipIf(!haveChromium || ebpfSkip !== undefined)('dashboard of a live ainkad on the real kernel, in headless Chromium', () => {
  let d: RunningDaemon;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ensureBuilt();
    ensureDashboardBuilt();
    const dir = tempDir('dashboard-live');
    // Live telemetry with eBPF (auto) and the guard (on by default with eBPF): the sched, net and process
    // objects for the metric streams, the security object for the guard. Advise mode: nothing is changed.
    // 4 KiB rings, so that a burst of short-lived children makes the kernel drop records for real.
    const cfg = writeConfig(dir, ['telemetry: { ebpfRingKiB: 4 }', 'logs: { enabled: false }', 'healing: { enabled: false }', ''].join('\n'));
    d = await startDaemon(dir, ['--config', cfg, '--interval', '500', '--dashboard', '--dashboard-port', '0'], {}, 60_000);
    url = String((await d.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('dashboard on '))).url);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
    mkdirSync(shotsDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('lists each loaded eBPF object, the guard\'s included, with its kernel drop count in the health panel', async () => {
    const problems: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    // The guard loads its object once it has started; the panel refreshes every 5 s.
    for (const concern of ['sched', 'process', 'security']) await page.locator(`#health-body li[data-ebpf-object="${concern}"]`).waitFor({ timeout: 40_000 });
    // A burst of children overflows the 4 KiB process ring.
    const processDrops = async (): Promise<number> =>
      (await getJson<DashboardHealth>(url, '/api/health')).ebpf.objects.find((o) => o.concern === 'process')?.kernelDrops ?? 0;
    // 300 children forked at once by one shell: serial spawns came too slowly on a loaded host to fill the ring (CI at 444e348)
    for (let round = 0; round < 10 && (await processDrops()) === 0; round++) spawnSync('sh', ['-c', 'for i in $(seq 300); do /bin/true & done; wait'], { stdio: 'ignore' });
    expect(await processDrops()).toBeGreaterThan(0);
    await page.locator('#health-body li.dropping[data-ebpf-object="process"]').waitFor({ timeout: 20_000 });
    const shown = await page.locator('#health-body li[data-ebpf-object]').evaluateAll((lis) => lis.map((li) => ({ concern: (li as HTMLElement).dataset.ebpfObject, drops: (li as HTMLElement).dataset.drops, text: li.textContent })));
    const health = await getJson<DashboardHealth>(url, '/api/health');
    // One line per object the daemon reports, each with its drop count (which only grows after the page read it).
    expect(shown.map((o) => o.concern).sort()).toEqual(health.ebpf.objects.map((o) => o.concern).sort());
    for (const o of shown) {
      const drops = Number(o.drops);
      expect(Number.isInteger(drops) && drops >= 0, `${o.concern}: data-drops ${o.drops}`).toBe(true);
      expect(drops).toBeLessThanOrEqual(health.ebpf.objects.find((x) => x.concern === o.concern)?.kernelDrops ?? -1);
      expect(o.text).toContain(`${drops.toLocaleString('en-US')} dropped`);
    }
    expect(shown.find((o) => o.concern === 'security')?.text).toMatch(/^security \(guard\): [\d,]+ records, [\d,]+ dropped/);
    expect(shown.find((o) => o.concern === 'sched')?.text).toMatch(/^sched: [\d,]+ dropped/);
    expect(Number(shown.find((o) => o.concern === 'process')?.drops)).toBeGreaterThan(0);
    console.log(`[dashboard test] eBPF health: ${shown.map((o) => o.text).join('; ')}`);
    await page.locator('#health').screenshot({ path: join(shotsDir, 'health.png') });
    await page.close();
    expect(problems).toEqual([]);
    if (process.env.AINKA_UPDATE_SCREENSHOTS === '1') copyFileSync(join(shotsDir, 'health.png'), join(readmeShots, 'health.png'));
  }, 120_000);
});
