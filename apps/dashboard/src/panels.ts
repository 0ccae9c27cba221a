import { bytes, clock, duration, el, formatValue } from './format.js';
import type { Anomaly, Decision, DecisionsResult, Health } from './types.js';

/** The anomaly list: newest first, each with its detector's explanation and score. */
export function renderAnomalies(host: HTMLElement, list: readonly Anomaly[], active: ReadonlySet<string>, onPick: (a: Anomaly) => void): void {
  host.replaceChildren();
  if (list.length === 0) {
    host.append(el('li', 'muted', 'none yet'));
    return;
  }
  for (const a of [...list].sort((x, y) => y.at - x.at).slice(0, 100)) {
    const li = el('li', 'anomaly');
    li.dataset.anomaly = a.id;
    const head = el('div', 'head');
    head.append(el('time', '', clock(a.at)), el('b', '', a.id), el('span', 'tag', active.has(a.id) ? 'open' : 'closed'), el('span', '', a.series), el('span', 'score', `score ${a.score.toFixed(3)}`));
    const explanation = el('div', 'explanation', a.reason);
    const values = el('div', 'muted', `value ${formatValue(a.series, a.value)}${a.expected !== null ? `, expected ${formatValue(a.series, a.expected)}` : ''}${a.count > 1 ? `, ${a.count} ticks` : ''}`);
    li.append(head, explanation, values);
    li.addEventListener('click', () => onPick(a));
    host.append(li);
  }
}

/** Which decision layer a record came from. */
function layerOf(d: Decision, trial: boolean): string {
  if (d.id.startsWith('K')) return 'kernel (immediate)';
  if (trial) return 'optimizer';
  if (d.because.includes('applied by an admin')) return 'admin';
  return 'fast layer';
}

/** Buttons of the timeline, wired by the dashboard. */
export interface DecisionActions {
  readonly admin: boolean;
  rollback(d: Decision): void;
  apply(d: Decision): void;
}

/**
 * The decisions timeline: advice and changes, newest first, each with its rule, evidence, before → after,
 * its effect on the objective (optimizer trials), and a rollback (applied changes still active) or apply
 * (advice) button, enabled for the admin only.
 */
export function renderDecisions(host: HTMLElement, r: DecisionsResult, act: DecisionActions): void {
  host.replaceChildren();
  const active = new Set(r.active);
  const verdicts = new Map(r.verdicts.filter((v) => v.changeId !== null).map((v) => [v.changeId as number, v]));
  const rollbacks = new Map<number, string>();
  for (const c of r.journal) if (c.reason === 'rollback') rollbacks.set(c.id, c.because);
  if (r.actions.length === 0) {
    host.append(el('li', 'muted', r.mode === 'advise' ? 'no advice yet (advise mode: nothing is changed)' : 'no decisions yet'));
    return;
  }
  for (const d of r.actions.slice(0, 200)) {
    const li = el('li', 'decision');
    li.dataset.decision = d.id;
    if (d.changeId !== null) li.dataset.change = String(d.changeId);
    const stillActive = d.changeId !== null && active.has(d.changeId);
    const status = d.status === 'applied' && d.changeId !== null && !stillActive ? 'rolled-back' : d.status;
    const verdict = d.changeId !== null ? verdicts.get(d.changeId) : undefined;
    const head = el('div', 'head');
    head.append(el('time', '', clock(d.at)), el('b', '', d.id), el('span', `tag ${status}`, status), el('span', 'tag', layerOf(d, verdict !== undefined)), el('span', '', `${d.policy} / ${d.rule}`));
    const change = el('div', '', `${d.knob}: ${d.before ?? '?'} → ${d.value}${d.changeId !== null ? ` (journal #${d.changeId})` : ''}`);
    const because = el('div', 'because muted', `because ${d.because}`);
    li.append(head, change, because);
    if (d.evidence.length > 0) {
      const ul = el('ul', 'evidence');
      for (const e of d.evidence) ul.append(el('li', '', `${e.series} = ${formatValue(e.series, e.value)} (${e.condition})`));
      li.append(ul);
    }
    if (verdict !== undefined) li.append(el('div', 'effect', `objective: ${verdict.decision} — ${verdict.why}`));
    const buttons = el('div', 'actions');
    if (stillActive) {
      const b = el('button', 'rollback danger', 'Roll back');
      b.disabled = !act.admin;
      b.title = act.admin ? `restore ${d.knob} to ${d.before ?? 'its value before'} through the journal` : 'read-only: open the URL `ainka dashboard` prints (root) to roll back';
      b.addEventListener('click', () => act.rollback(d));
      buttons.append(b);
    }
    if (d.status === 'proposed') {
      const b = el('button', 'apply', 'Apply');
      b.disabled = !act.admin;
      b.title = act.admin ? `set ${d.knob} to ${d.value} now (journaled, reversible)` : 'read-only: open the URL `ainka dashboard` prints (root) to apply advice';
      b.addEventListener('click', () => act.apply(d));
      buttons.append(b);
    }
    if (buttons.childElementCount > 0) li.append(buttons);
    host.append(li);
  }
}

const count = new Intl.NumberFormat('en-US');

/**
 * The eBPF block: the capability, then one line per object with its records, kernel drops and decode
 * errors (`li[data-ebpf-object][data-drops]`); a dropping object is shown in red.
 */
function ebpfBlock(block: (title: string, items: (string | [string, boolean])[]) => HTMLElement, e: Health['ebpf']): HTMLElement {
  const div = block('eBPF (records dropped in the kernel)', [[`${e.available ? 'available' : 'off'}${e.reason !== undefined ? ` — ${e.reason}` : ''}`, e.available]]);
  const ul = div.querySelector('ul') as HTMLUListElement;
  if (e.available && e.objects.length === 0) ul.append(el('li', 'muted', 'no eBPF object loaded (a replay loads none)'));
  for (const o of e.objects) {
    const li = el('li', o.kernelDrops > 0 || o.decodeErrors > 0 ? 'dropping' : o.loaded ? 'ok' : 'off');
    li.dataset.ebpfObject = o.concern;
    li.dataset.drops = String(o.kernelDrops);
    const errors = o.decodeErrors > 0 ? `, ${count.format(o.decodeErrors)} undecodable` : '';
    li.title = `${o.file}${o.owner === 'guard' ? ', loaded by the guard' : ''}: records the kernel could not hand over (ring buffer or map full) since ainkad started`;
    const records = o.ringBuffer ? `${count.format(o.records)} records, ` : '';
    li.textContent = `${o.concern}${o.owner === 'guard' ? ' (guard)' : ''}: ${o.loaded ? '' : 'unloaded, '}${records}${count.format(o.kernelDrops)} dropped${errors}`;
    ul.append(li);
  }
  return div;
}

/** The health panel: layers, eBPF objects and their drops, the kernel module, the daemon's own cost. */
export function renderHealth(host: HTMLElement, h: Health): void {
  host.replaceChildren();
  host.classList.remove('muted');
  const block = (title: string, items: (string | [string, boolean])[]): HTMLElement => {
    const div = el('div');
    div.append(el('h4', '', title));
    const ul = el('ul');
    for (const it of items) ul.append(typeof it === 'string' ? el('li', '', it) : el('li', it[1] ? 'ok' : 'off', it[0]));
    div.append(ul);
    return div;
  };
  const lat = (l: Health['layers'][number]): string =>
    l.latency === null || l.latency.count === 0 ? '' : `: p50 ${l.latency.p50?.toFixed(2) ?? '–'} ms, p99 ${l.latency.p99?.toFixed(2) ?? '–'} ms (budget ${l.latency.budgetMs} ms, ${l.latency.overBudget} over)`;
  host.append(
    block(
      'Decision layers',
      h.layers.map((l) => [`${l.name}: ${l.available ? 'on' : 'off'}${l.available ? lat(l) : ` — ${l.reason ?? ''}`}${l.rules !== undefined ? `, ${l.rules} rules` : ''}`, l.available]),
    ),
    ebpfBlock(block, h.ebpf),
    block('Kernel module', [
      [h.module.loaded ? `loaded, ${h.module.rules ?? 0} rules in the policy cache` : `not in use — ${h.module.reason ?? ''}`, h.module.loaded],
    ]),
    block('Daemon cost', [
      `CPU ${h.cost.cpuPercent.toFixed(1)} % of a core, RSS ${bytes(h.cost.rssBytes)}, heap ${bytes(h.cost.heapUsedBytes)}`,
      `${h.cost.series} series, ${h.cost.detectors} detectors, ${h.cost.seriesPerSecond} samples/s`,
      `${h.cost.ticks} ticks, up ${duration(h.cost.uptimeSeconds)}, ${h.cost.streams} live views, ${h.mode} mode, ${h.source} telemetry`,
    ]),
    block(
      'Collectors and capabilities',
      h.capabilities.filter((c) => c.id !== 'ebpf').map((c) => [`${c.id}${c.available ? '' : ` — ${c.reason ?? 'off'}`}`, c.available]),
    ),
  );
}
