import type { ApiMethod, PolicyValidation } from './api.js';
import type { ApiHandler } from './apiServer.js';
import type { Daemon } from './daemon.js';
import { DaemonError } from './errors.js';
import { toWirePoints } from './history.js';
import { toAnomalyRecord } from './anomalyStage.js';

function str(params: Readonly<Record<string, unknown>>, key: string, required = true): string | undefined {
  const v = params[key];
  if (typeof v === 'string' && v !== '') return v;
  if (required) throw new DaemonError('ERR_AINKA_DAEMON_BAD_REQUEST', `parameter "${key}" (a string) is required`);
  return undefined;
}

/** The local API's methods, bound to a running daemon. */
export function apiHandlers(d: Daemon, metricsUrl: () => string | null): Map<ApiMethod, ApiHandler> {
  const h = new Map<ApiMethod, ApiHandler>();
  h.set('status', () => d.status(metricsUrl()));
  h.set('snapshot', () => d.snapshot(metricsUrl()));
  h.set('advise', () => ({ mode: d.config.mode, advice: d.actions.advice(Date.now(), 10 * 60_000) }));
  h.set('actions', () => ({ actions: d.actions.all(), managed: d.actions.manager.managed(), released: d.actions.manager.released(), journal: d.actions.manager.history().slice(-100) }));
  h.set('explain', (p) => {
    const id = str(p, 'id') as string;
    const action = d.actions.find(id);
    if (action !== undefined) return { kind: 'action', action };
    const incident = d.anomalies.find(id);
    const anomaly = incident === undefined ? undefined : toAnomalyRecord(incident);
    if (anomaly !== undefined) {
      const key = anomaly.series;
      return { kind: 'anomaly', anomaly, recent: toWirePoints(d.windows.points(key, anomaly.at - 60_000).slice(-120)) };
    }
    const healing = d.healing?.find(id);
    if (healing !== undefined) return { kind: 'healing', healing, actions: healing.actions.map((a) => d.actions.find(a)).filter((a) => a !== undefined) };
    const alert = d.alerts.find(id);
    if (alert !== undefined) return { kind: 'alert', alert };
    const change = d.actions.manager.history().find((c) => `#${c.id}` === id || String(c.id) === id);
    if (change !== undefined) return { kind: 'change', change };
    throw new DaemonError('ERR_AINKA_DAEMON_NOT_FOUND', `nothing is called ${id}: use an action id (D3), an anomaly id (A7), a healing id (H2), an alert fingerprint (see ainka anomalies) or a journal change id (#12) from \`ainka advise\`, \`ainka anomalies\` or \`ainka status\`.`);
  });
  h.set('anomalies', (p) => ({ anomalies: (p.all === true ? d.anomalies.all() : d.anomalies.active()).map(toAnomalyRecord), alerts: d.alerts.active() }));
  h.set('forecast', (p) => d.forecast(str(p, 'metric') as string));
  h.set('history', (p) => {
    const since = typeof p.since === 'number' ? p.since : Date.now() - 3600_000;
    return d.historyOf(str(p, 'metric') as string, since);
  });
  h.set('policy.list', () => ({ policies: d.policy.list() }));
  h.set('policy.validate', (p): PolicyValidation => d.policy.validate(str(p, 'text') as string, str(p, 'source', false) ?? 'request'));
  h.set('policy.apply', (p) => ({ policies: d.applyPolicy(str(p, 'text') as string, str(p, 'source', false) ?? 'request') }));
  h.set('rollback', async (p) => {
    const id = str(p, 'id', false);
    const r = await d.actions.rollback(p.all === true ? { all: true } : { id: id ?? '' });
    for (const o of r.outcomes) d.log.info({ event: 'rollback', outcome: o }, o.line);
    return r;
  });
  h.set('baseline.record', (p) => {
    const healing = needHealing(d);
    const list = (k: string): string[] | undefined => (Array.isArray(p[k]) ? (p[k] as unknown[]).map(String) : undefined);
    const sysctls = list('sysctls');
    const files = list('files');
    const enforce = list('enforce');
    return healing.recordBaseline({ ...(sysctls ? { sysctls } : {}), ...(files ? { files } : {}), ...(enforce ? { enforce } : {}) });
  });
  h.set('baseline.show', () => needHealing(d).baselineView());
  d.guard?.handlers(h);
  return h;
}

function needHealing(d: Daemon): NonNullable<Daemon['healing']> {
  if (d.healing === undefined) throw new DaemonError('ERR_AINKA_DAEMON_BAD_REQUEST', 'self-healing is off in this daemon (healing.enabled is false, or it replays a recording); enable it in ainkad.yaml');
  return d.healing;
}
