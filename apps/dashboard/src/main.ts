/**
 * The AINKA dashboard, in the browser: one page, no framework. Reads ainkad's HTTP API (same origin),
 * follows its Server-Sent Events at the tick rate, and sends the two mutations (apply advice, roll back)
 * with the admin token when the page was opened with one (`#token=…`, from `ainka dashboard`).
 */
import { ChartPanel, type ChartSpec, type View } from './chart.js';
import { clock, el, formatValue } from './format.js';
import { renderAnomalies, renderDecisions, renderHealth } from './panels.js';
import type { Anomaly, Decision, DecisionsResult, Forecast, Health, HistoryBuckets, Overview, Point } from './types.js';

/** The charts shown by default: CPU, memory, PSI, disk and network. */
const defaultCharts: readonly ChartSpec[] = [
  { id: 'cpu', title: 'CPU busy', series: ['cpu.busy_ratio'], labels: ['busy'] },
  { id: 'memory', title: 'Memory used', series: ['mem.used_ratio'], labels: ['used'] },
  { id: 'psi', title: 'Pressure stall (PSI some, avg10)', series: ['psi.cpu.some_avg10', 'psi.memory.some_avg10', 'psi.io.some_avg10'], labels: ['cpu', 'memory', 'io'] },
  { id: 'disk', title: 'Disk throughput', series: ['sum(disk.read_bytes_per_second)', 'sum(disk.write_bytes_per_second)'], labels: ['read', 'write'] },
  { id: 'network', title: 'Network throughput', series: ['sum(net.rx_bytes_per_second)', 'sum(net.tx_bytes_per_second)'], labels: ['rx', 'tx'] },
];
/** Charts opened automatically for anomalies on series without one. */
const MAX_AUTO_CHARTS = 4;

type Range = 'live' | 'hour' | 'day' | 'month';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The admin token: from the URL fragment once (then removed from the address bar), else this tab's session. */
function takeToken(): string | null {
  const m = /(?:^#|&)token=([0-9a-f]{64})/.exec(location.hash);
  if (m !== null) {
    sessionStorage.setItem('ainka.token', m[1] as string);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('ainka.token');
}

class Dashboard {
  private readonly token = takeToken();
  private admin = false;
  private range: Range = 'live';
  private readonly view: View = { follow: true, min: 0, max: 0 };
  private readonly charts = new Map<string, ChartPanel>();
  private anomalies: Anomaly[] = [];
  private activeAnomalies = new Set<string>();
  private stream: EventSource | undefined;
  private decisionsTimer: number | undefined;
  private rollbackAllArmed = 0;
  private overview: Overview | undefined;

  async start(): Promise<void> {
    this.wireHeader();
    for (const spec of defaultCharts) this.addChart(spec);
    this.overview = await this.get<Overview>('/api/overview');
    this.admin = this.overview.admin;
    const access = $('access');
    access.textContent = this.admin ? 'admin: can apply and roll back' : 'read-only';
    access.classList.toggle('admin', this.admin);
    this.showStatus();
    await Promise.all([this.loadWindows(), this.loadAnomalies(), this.loadDecisions()]);
    this.connect();
    void this.loadHealth();
    void this.loadForecasts();
    void this.loadSeriesList();
    setInterval(() => void this.loadHealth(), 5000);
    setInterval(() => void this.loadForecasts(), 30_000);
    setInterval(() => void this.loadAnomalies(), 10_000);
    setInterval(() => void this.loadDecisions(), 15_000);
    setInterval(() => void this.loadSeriesList(), 60_000);
    document.body.dataset.ready = 'true';
  }

  private headers(json = false): HeadersInit {
    return { ...(this.token !== null ? { authorization: `Bearer ${this.token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(path, { headers: this.headers() });
    const body = (await res.json()) as T & { error?: { message: string } };
    if (!res.ok) throw new Error(body.error?.message ?? `${path}: HTTP ${res.status}`);
    return body;
  }

  private banner(text: string | null): void {
    const b = $('banner');
    b.hidden = text === null;
    b.textContent = text ?? '';
  }

  private showStatus(): void {
    const s = this.overview?.snapshot.status;
    if (s === undefined) return;
    $('status').textContent = `ainkad ${s.version} · ${s.mode} mode · ${s.source} telemetry · tick ${this.overview?.tickMs ?? '?'} ms`;
  }

  private wireHeader(): void {
    for (const b of document.querySelectorAll<HTMLButtonElement>('#ranges button')) {
      b.addEventListener('click', () => void this.setRange(b.dataset.range as Range));
    }
    $('follow').addEventListener('click', () => this.zoom(null));
    $('add-series').addEventListener('submit', (e) => {
      e.preventDefault();
      const input = $<HTMLInputElement>('series-input');
      const key = input.value.trim();
      if (key === '') return;
      input.value = '';
      void this.addSeriesChart(key, true);
    });
    $('rollback-all').addEventListener('click', () => void this.rollbackAll());
    document.addEventListener('keydown', (e) => e.key === 'Escape' && ($('popover').hidden = true));
    document.addEventListener('click', (e) => {
      const p = $('popover');
      if (!p.hidden && !p.contains(e.target as Node)) p.hidden = true;
    });
  }

  private addChart(spec: ChartSpec): ChartPanel {
    const existing = this.charts.get(spec.id);
    if (existing !== undefined) return existing;
    const panel = new ChartPanel(spec, $('charts'), this.view, {
      zoom: (r) => this.zoom(r),
      showAnomaly: (a, at) => this.showAnomaly(a, at),
      close: () => {
        panel.destroy();
        this.charts.delete(spec.id);
        this.connect();
      },
    });
    this.charts.set(spec.id, panel);
    panel.setAnomalies(this.anomalies);
    return panel;
  }

  /** A chart for any series, on demand (or for an anomaly on a series without a chart). */
  private async addSeriesChart(key: string, reconnect: boolean): Promise<void> {
    const id = `s-${key.replace(/[^A-Za-z0-9]+/g, '-')}`;
    if (this.charts.has(id)) return;
    const panel = this.addChart({ id, title: key, series: [key], removable: true });
    await this.fill(panel);
    if (reconnect) this.connect();
  }

  private async fill(panel: ChartPanel): Promise<void> {
    if (this.range === 'live') {
      const windows = await Promise.all(panel.spec.series.map((s) => this.get<{ points: Point[] }>(`/api/window?series=${encodeURIComponent(s)}`)));
      panel.setSeries(windows.map((w) => w.points));
    } else {
      const hist = await Promise.all(panel.spec.series.map((s) => this.get<HistoryBuckets>(`/api/history?series=${encodeURIComponent(s)}&range=${this.range}`)));
      // A metric name may have several series: a chart of one name shows the first (add the others by key).
      panel.setSeries(hist.map((h) => h.series[0]?.points ?? []));
      const tiers = [...new Set(hist.flatMap((h) => h.tiers))];
      $('status').textContent = `${this.range}: SQLite tiers ${tiers.join(', ') || '(none yet)'} at ${(hist[0]?.stepMs ?? 0) / 1000} s resolution`;
    }
  }

  private loadWindows(): Promise<void[]> {
    return Promise.all([...this.charts.values()].map((c) => this.fill(c)));
  }

  private async setRange(range: Range): Promise<void> {
    this.range = range;
    for (const b of document.querySelectorAll<HTMLButtonElement>('#ranges button')) b.classList.toggle('on', b.dataset.range === range);
    this.zoom(null);
    if (range === 'live') this.showStatus();
    try {
      await this.loadWindows();
      this.banner(null);
    } catch (err) {
      this.banner(`history: ${(err as Error).message}`);
    }
  }

  private zoom(r: { min: number; max: number } | null): void {
    this.view.follow = r === null;
    if (r !== null) {
      this.view.min = r.min;
      this.view.max = r.max;
    }
    $('follow').hidden = this.view.follow;
    for (const c of this.charts.values()) c.refresh();
  }

  /** The live stream: headline series plus every series of the charts. */
  private connect(): void {
    this.stream?.close();
    const extra = [...new Set([...this.charts.values()].flatMap((c) => c.spec.series))].filter((s) => !(this.overview?.headline ?? []).includes(s));
    const es = new EventSource(`/api/stream${extra.length > 0 ? `?series=${encodeURIComponent(extra.join(','))}` : ''}`);
    this.stream = es;
    es.addEventListener('tick', (e) => {
      if (this.range !== 'live') return;
      const { t, v } = JSON.parse((e as MessageEvent<string>).data) as { t: number; v: Record<string, number> };
      for (const c of this.charts.values()) c.push(t, v);
    });
    es.addEventListener('anomaly', (e) => {
      const a = JSON.parse((e as MessageEvent<string>).data) as Anomaly;
      this.anomalies = [...this.anomalies.filter((x) => x.id !== a.id), a];
      this.activeAnomalies.add(a.id);
      this.showAnomalies();
    });
    const later = (): void => {
      clearTimeout(this.decisionsTimer);
      this.decisionsTimer = window.setTimeout(() => void this.loadDecisions(), 300);
    };
    es.addEventListener('action', later);
    es.addEventListener('rollback', later);
    es.addEventListener('open', () => this.banner(null));
    es.addEventListener('error', () => this.banner('live stream interrupted: reconnecting to ainkad…'));
  }

  private async loadAnomalies(): Promise<void> {
    const r = await this.get<{ anomalies: Anomaly[]; active: string[] }>('/api/anomalies');
    this.anomalies = r.anomalies;
    this.activeAnomalies = new Set(r.active);
    this.showAnomalies();
  }

  private showAnomalies(): void {
    renderAnomalies($('anomalies'), this.anomalies, this.activeAnomalies, (a) => {
      const li = document.querySelector(`#anomalies [data-anomaly="${a.id}"]`);
      const box = li?.getBoundingClientRect();
      this.showAnomaly(a, { x: box?.left ?? 100, y: box?.bottom ?? 100 });
    });
    // Anomalies on series no chart shows get a chart of their own (a few).
    let auto = [...this.charts.keys()].filter((k) => k.startsWith('s-')).length;
    for (const a of this.anomalies) {
      if ([...this.charts.values()].some((c) => c.shows(a.series)) || auto >= MAX_AUTO_CHARTS) continue;
      auto++;
      void this.addSeriesChart(a.series, true);
    }
    for (const c of this.charts.values()) c.setAnomalies(this.anomalies);
  }

  private showAnomaly(a: Anomaly, at: { x: number; y: number }): void {
    const p = $('popover');
    p.replaceChildren(
      el('h4', '', `${a.id} on ${a.series}`),
      el('div', 'explanation', a.reason),
      el('div', '', `score ${a.score.toFixed(3)} · at ${clock(a.at)} · value ${formatValue(a.series, a.value)}${a.expected !== null ? ` · expected ${formatValue(a.series, a.expected)}` : ''}`),
    );
    p.hidden = false;
    p.style.left = `${Math.min(at.x, innerWidth - 460)}px`;
    p.style.top = `${Math.min(at.y + 12, innerHeight - 140)}px`;
  }

  private async loadDecisions(): Promise<void> {
    const r = await this.get<DecisionsResult>('/api/decisions');
    renderDecisions($('decisions'), r, { admin: this.admin, rollback: (d) => void this.rollback(d), apply: (d) => void this.apply(d) });
    $<HTMLButtonElement>('rollback-all').disabled = !this.admin || r.active.length === 0;
  }

  private async post(path: string, body: unknown): Promise<{ outcomes?: { line: string; status: string }[]; record?: Decision }> {
    const res = await fetch(path, { method: 'POST', headers: this.headers(true), body: JSON.stringify(body) });
    const r = (await res.json()) as { error?: { message: string }; outcomes?: { line: string; status: string }[]; record?: Decision };
    if (!res.ok) throw new Error(r.error?.message ?? `HTTP ${res.status}`);
    return r;
  }

  private async rollback(d: Decision): Promise<void> {
    try {
      const r = await this.post('/api/rollback', { id: d.id });
      this.banner(r.outcomes?.map((o) => `${o.status}: ${o.line}`).join('; ') || 'nothing to roll back');
    } catch (err) {
      this.banner(`rollback refused: ${(err as Error).message}`);
    }
    await this.loadDecisions();
  }

  private async rollbackAll(): Promise<void> {
    const b = $<HTMLButtonElement>('rollback-all');
    if (Date.now() - this.rollbackAllArmed > 5000) {
      this.rollbackAllArmed = Date.now();
      b.textContent = 'Click again to roll back all';
      setTimeout(() => (b.textContent = 'Roll back all'), 5000);
      return;
    }
    this.rollbackAllArmed = 0;
    b.textContent = 'Roll back all';
    try {
      const r = await this.post('/api/rollback', { all: true });
      this.banner(r.outcomes?.map((o) => `${o.status}: ${o.line}`).join('; ') || 'nothing to roll back');
    } catch (err) {
      this.banner(`rollback refused: ${(err as Error).message}`);
    }
    await this.loadDecisions();
  }

  private async apply(d: Decision): Promise<void> {
    try {
      const r = await this.post('/api/apply', { id: d.id });
      this.banner(r.record !== undefined ? `${r.record.status}: ${r.record.line}` : 'applied');
    } catch (err) {
      this.banner(`apply refused: ${(err as Error).message}`);
    }
    await this.loadDecisions();
  }

  private async loadHealth(): Promise<void> {
    try {
      renderHealth($('health-body'), await this.get<Health>('/api/health'));
    } catch (err) {
      this.banner(`health: ${(err as Error).message}`);
    }
  }

  /** Forecasts (mean and interval) of each chart's first series, with capacity badges. */
  private async loadForecasts(): Promise<void> {
    if (this.range !== 'live') return;
    for (const c of this.charts.values()) {
      const key = c.spec.series[0];
      if (key === undefined) continue;
      try {
        const r = await this.get<{ forecast: Forecast | null }>(`/api/forecast?series=${encodeURIComponent(key)}`);
        c.setForecast(r.forecast);
      } catch {
        c.setForecast(null);
      }
    }
  }

  private async loadSeriesList(): Promise<void> {
    const r = await this.get<{ series: string[] }>('/api/series');
    $('series-list').replaceChildren(...r.series.map((s) => Object.assign(document.createElement('option'), { value: s })));
  }
}

new Dashboard().start().catch((err: unknown) => {
  const b = document.getElementById('banner');
  if (b !== null) {
    b.hidden = false;
    b.textContent = `the dashboard could not start: ${(err as Error).message} (is ainkad running?)`;
  }
});
