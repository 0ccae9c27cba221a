import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join } from 'node:path';
import type {
  ActionRecord,
  AnomalyRecord,
  DashboardAnomalies,
  DashboardDecisions,
  DashboardForecast,
  DashboardHealth,
  DashboardHistory,
  DashboardOverview,
  DashboardSeriesList,
  DashboardWindow,
} from './api.js';
import type { Daemon } from './daemon.js';
import { ensureDashboardToken, tokenMatches } from './dashboardToken.js';
import { DaemonError, describeError } from './errors.js';
import { headlineSeries } from './headline.js';
import { toWirePoints } from './history.js';
import { toAnomalyRecord } from './anomalyStage.js';

/** Options of {@link DashboardServer.start}. */
export interface DashboardServerOptions {
  /** Port on 127.0.0.1 (0: any free port). */
  readonly port: number;
  /** Directory of the built dashboard (index.html, app.js, app.css); default: `@ainka/dashboard`'s dist/. */
  readonly assets?: string | null;
  /** The Prometheus URL, for the status panel. */
  readonly metricsUrl?: () => string | null;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** At most this many live streams at once (each costs a little work per tick). */
const MAX_STREAMS = 32;
/** At most this many extra series per stream. */
const MAX_STREAM_SERIES = 64;
const MAX_BODY = 64 * 1024;
/** History ranges of the dashboard and the bucket each uses (the SQLite tiers' resolutions). */
const ranges: Record<string, { spanMs: number; stepMs: number }> = {
  hour: { spanMs: 3600_000, stepMs: 1000 },
  day: { spanMs: 86_400_000, stepMs: 60_000 },
  month: { spanMs: 30 * 86_400_000, stepMs: 3_600_000 },
};

/** The built dashboard's directory: `dist/` of `@ainka/dashboard`. */
function defaultAssets(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@ainka/dashboard/package.json')), 'dist');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Stream {
  readonly res: ServerResponse;
  readonly series: readonly string[];
  blocked: boolean;
}

/**
 * The dashboard's HTTP server, on 127.0.0.1 only: the static files of `apps/dashboard`, a read-only JSON
 * API over the running daemon (snapshot, series, in-memory windows, SQLite history by tier, anomalies,
 * forecasts, decisions, health), a Server-Sent Events stream at the tick rate, and two mutations
 * (`POST /api/apply`, `POST /api/rollback`) that need the admin token (`Authorization: Bearer <token>`,
 * see `dashboardToken.ts`). Requests whose Host is not the loopback address are refused (DNS rebinding),
 * and so are mutations from another origin.
 */
export class DashboardServer {
  private readonly streams = new Set<Stream>();
  private readonly files = new Map<string, { body: Buffer; type: string; etag: string }>();
  private cpu = { at: Date.now(), usage: process.cpuUsage(), percent: 0 };
  private port = 0;

  private constructor(
    private readonly d: Daemon,
    private readonly server: Server,
    private readonly token: string,
    readonly tokenPath: string,
    private readonly metricsUrl: () => string | null,
  ) {}

  /** Load the assets, write (or reuse) the admin token, and listen on 127.0.0.1. */
  static async start(d: Daemon, opts: DashboardServerOptions): Promise<DashboardServer> {
    const assets = opts.assets ?? defaultAssets();
    if (!existsSync(join(assets, 'index.html'))) {
      throw new DaemonError('ERR_AINKA_DAEMON_UNAVAILABLE', `the dashboard is not built (${join(assets, 'index.html')} is missing): run \`npx nx run @ainka/dashboard:build\`, or set dashboard.enabled: false.`);
    }
    const { token, path } = ensureDashboardToken(d.stateDir);
    const server = createServer();
    const ds = new DashboardServer(d, server, token, path, opts.metricsUrl ?? (() => null));
    ds.loadAssets(assets);
    // handle() answers every error itself; the catch only guards against a bug taking the daemon down.
    server.on('request', (req, res) => void ds.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, '127.0.0.1', () => resolve());
    });
    ds.port = (server.address() as AddressInfo).port;
    return ds;
  }

  /** The read-only URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** The URL with the admin token (in the fragment: browsers never send it to a server or a Referer). */
  get adminUrl(): string {
    return `${this.url}#token=${this.token}`;
  }

  private loadAssets(dir: string): void {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (!statSync(file).isFile() || contentTypes[extname(name)] === undefined) continue;
      const body = readFileSync(file);
      this.files.set(`/${name}`, { body, type: contentTypes[extname(name)] as string, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"` });
    }
  }

  /** One tick: send the latest value of the headline series and of each stream's extra series. */
  tick(t: number): void {
    if (this.streams.size === 0) return;
    const w = this.d.windows;
    // Only series sampled on this tick (a slower source's or a finished replay's old value is not new).
    const fresh = (k: string): number | undefined => (w.lastAt(k) === t ? w.last(k) : undefined);
    const head: Record<string, number> = {};
    for (const k of headlineSeries) {
      const v = fresh(k);
      if (v !== undefined) head[k] = v;
    }
    for (const s of this.streams) {
      if (s.blocked) continue;
      const v: Record<string, number> = { ...head };
      for (const k of s.series) {
        const x = fresh(k);
        if (x !== undefined) v[k] = x;
      }
      if (Object.keys(v).length > 0) this.send(s, 'tick', { t, v });
    }
  }

  /** An anomaly opened: pushed to every stream. */
  anomaly(a: AnomalyRecord): void {
    for (const s of this.streams) this.send(s, 'anomaly', a);
  }

  /** A decision (advice, change, kernel event): pushed to every stream. */
  action(a: ActionRecord): void {
    for (const s of this.streams) this.send(s, 'action', a);
  }

  private send(s: Stream, event: string, data: unknown): void {
    if (s.blocked) return;
    // A slow reader gets no more events until its socket drains (the next tick catches it up).
    if (!s.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)) {
      s.blocked = true;
      s.res.once('drain', () => (s.blocked = false));
    }
  }

  /** Close every stream and stop listening. */
  async close(): Promise<void> {
    for (const s of this.streams) s.res.end();
    this.streams.clear();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // DNS rebinding: a page on another site resolving its name to 127.0.0.1 must not read the API.
      const host = req.headers.host ?? '';
      if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) throw new HttpError(403, 'ERR_AINKA_DAEMON_PERMISSION_DENIED', `Host ${host} refused: open ${this.url}`);
      const url = new URL(req.url ?? '/', this.url);
      if (req.method === 'POST') {
        await this.mutate(req, res, url.pathname);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'ERR_AINKA_DAEMON_BAD_REQUEST', `${req.method} is not allowed`);
      if (url.pathname === '/api/stream') return this.stream(req, res, url);
      if (url.pathname.startsWith('/api/')) return this.json(res, 200, this.read(url, req));
      const file = this.files.get(url.pathname === '/' ? '/index.html' : url.pathname);
      if (file === undefined) throw new HttpError(404, 'ERR_AINKA_DAEMON_NOT_FOUND', `not found: ${url.pathname}`);
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, { etag: file.etag }).end();
        return;
      }
      res.writeHead(200, {
        'content-type': file.type,
        etag: file.etag,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        ...(file.type.startsWith('text/html')
          ? { 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'", 'referrer-policy': 'no-referrer' }
          : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    } catch (err) {
      if (err instanceof HttpError) this.json(res, err.status, { error: { code: err.code, message: err.message } });
      else {
        const e = describeError(err);
        this.json(res, e.code === 'ERR_AINKA_DAEMON_NOT_FOUND' ? 404 : e.code === 'ERR_AINKA_DAEMON_BAD_REQUEST' ? 400 : e.code === 'ERR_AINKA_DAEMON_UNAVAILABLE' ? 409 : 500, { error: e });
      }
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(JSON.stringify(body));
  }

  private isAdmin(req: IncomingMessage): boolean {
    const m = /^Bearer ([0-9a-f]+)$/.exec(req.headers.authorization ?? '');
    return tokenMatches(m?.[1], this.token);
  }

  /** The read-only API. */
  private read(url: URL, req: IncomingMessage): unknown {
    const d = this.d;
    const q = (k: string): string => {
      const v = url.searchParams.get(k);
      if (v === null || v === '') throw new HttpError(400, 'ERR_AINKA_DAEMON_BAD_REQUEST', `query parameter "${k}" is required`);
      return v;
    };
    switch (url.pathname) {
      case '/api/overview':
        return {
          admin: this.isAdmin(req),
          tickMs: d.config.telemetry.intervalMs,
          headline: headlineSeries,
          forecastHorizonSeconds: d.config.ml.forecastHorizonSeconds,
          snapshot: d.snapshot(this.metricsUrl()),
        } satisfies DashboardOverview;
      case '/api/series':
        return { series: [...d.windows.keys()].sort() } satisfies DashboardSeriesList;
      case '/api/window': {
        const key = q('series');
        return { series: key, points: toWirePoints(d.windows.points(key)) } satisfies DashboardWindow;
      }
      case '/api/history': {
        const range = ranges[url.searchParams.get('range') ?? 'hour'];
        if (range === undefined) throw new HttpError(400, 'ERR_AINKA_DAEMON_BAD_REQUEST', `range must be one of ${Object.keys(ranges).join(', ')}`);
        const to = Number(url.searchParams.get('to') ?? Date.now()) + 1;
        return d.historyBuckets(q('series'), to - range.spanMs, to, range.stepMs) satisfies DashboardHistory;
      }
      case '/api/anomalies':
        return { anomalies: d.anomalies.all().map(toAnomalyRecord), active: d.anomalies.active().map((a) => a.id) } satisfies DashboardAnomalies;
      case '/api/forecast':
        try {
          return { forecast: d.forecast(q('series')) } satisfies DashboardForecast;
        } catch (err) {
          if (err instanceof HttpError) throw err;
          return { forecast: null, reason: describeError(err).message } satisfies DashboardForecast;
        }
      case '/api/decisions': {
        const managed = d.actions.manager.managed();
        return {
          mode: d.config.mode,
          actions: d.actions.all(),
          active: managed.flatMap((m) => m.changes),
          journal: d.actions.manager.history().slice(-200),
          verdicts: d.optimizer.verdicts,
        } satisfies DashboardDecisions;
      }
      case '/api/health':
        return this.health();
      default:
        throw new HttpError(404, 'ERR_AINKA_DAEMON_NOT_FOUND', `no API ${url.pathname}`);
    }
  }

  private health(): DashboardHealth {
    const d = this.d;
    const now = Date.now();
    if (now - this.cpu.at >= 1000) {
      const usage = process.cpuUsage();
      const used = usage.user - this.cpu.usage.user + (usage.system - this.cpu.usage.system);
      this.cpu = { at: now, usage, percent: (used / 1000 / (now - this.cpu.at)) * 100 };
    }
    const mem = process.memoryUsage();
    const status = d.status(this.metricsUrl());
    const kernel = d.immediate?.status;
    return {
      layers: status.layers,
      capabilities: status.capabilities,
      ebpf: { ...(status.capabilities.find((c) => c.id === 'ebpf') ?? { id: 'ebpf', available: false }), objects: status.ebpf },
      module: d.immediate !== undefined ? { loaded: true, rules: d.immediate.ruleCount, counters: kernel?.counters ?? null } : { loaded: false, reason: status.layers.find((l) => l.name === 'immediate')?.reason ?? null },
      cost: { cpuPercent: this.cpu.percent, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, ticks: status.ticks, series: status.series, detectors: status.detectors, seriesPerSecond: status.seriesPerSecond, uptimeSeconds: status.uptimeSeconds, streams: this.streams.size },
      source: status.source,
      mode: status.mode,
    };
  }

  /** `GET /api/stream?series=a,b`: Server-Sent Events, one `tick` per telemetry tick. */
  private stream(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (this.streams.size >= MAX_STREAMS) throw new HttpError(503, 'ERR_AINKA_DAEMON_UNAVAILABLE', `${MAX_STREAMS} live streams are open already; close a dashboard tab`);
    const series = (url.searchParams.get('series') ?? '').split(',').filter((s) => s !== '').slice(0, MAX_STREAM_SERIES);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ tickMs: this.d.config.telemetry.intervalMs })}\n\n`);
    const s: Stream = { res, series, blocked: false };
    this.streams.add(s);
    req.on('close', () => this.streams.delete(s));
  }

  /** `POST /api/apply {id}` and `POST /api/rollback {id} | {all: true}`: admin token required. */
  private async mutate(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path !== '/api/apply' && path !== '/api/rollback') throw new HttpError(404, 'ERR_AINKA_DAEMON_NOT_FOUND', `no API POST ${path}`);
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.url.slice(0, -1) && origin !== `http://localhost:${this.port}`) throw new HttpError(403, 'ERR_AINKA_DAEMON_PERMISSION_DENIED', `requests from ${origin} may not change the system`);
    if (!this.isAdmin(req)) {
      throw new HttpError(401, 'ERR_AINKA_DAEMON_PERMISSION_DENIED', `changing the system needs the admin token (Authorization: Bearer …): open the URL \`ainka dashboard\` prints, as root or the daemon's user (the token is in ${this.tokenPath})`);
    }
    const body = await readBody(req);
    const id = typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
    const d = this.d;
    if (path === '/api/apply') {
      if (id === undefined) throw new HttpError(400, 'ERR_AINKA_DAEMON_BAD_REQUEST', 'body {"id": "D3"} (an advice id) is required');
      const rec = await d.actions.applyAdvice(id, Date.now());
      d.log.info({ event: 'action', via: 'dashboard', action: rec }, rec.line);
      this.action(rec);
      return this.json(res, 200, { record: rec });
    }
    if (body.all !== true && id === undefined) throw new HttpError(400, 'ERR_AINKA_DAEMON_BAD_REQUEST', 'body {"id": "D3"} or {"all": true} is required');
    const r = await d.actions.rollback(body.all === true ? { all: true } : { id: id as string });
    for (const o of r.outcomes) d.log.info({ event: 'rollback', via: 'dashboard', outcome: o }, o.line);
    for (const s of this.streams) this.send(s, 'rollback', r);
    this.json(res, 200, r);
  }
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      text += c;
      if (text.length > MAX_BODY) {
        reject(new HttpError(413, 'ERR_AINKA_DAEMON_BAD_REQUEST', `body longer than ${MAX_BODY} bytes`));
        req.destroy();
      }
    });
    req.on('end', () => {
      try {
        const v = JSON.parse(text === '' ? '{}' : text) as unknown;
        resolve(typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
      } catch {
        reject(new HttpError(400, 'ERR_AINKA_DAEMON_BAD_REQUEST', 'the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}
