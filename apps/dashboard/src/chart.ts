import uPlot from 'uplot';
import { clock, duration, el, formatValue } from './format.js';
import type { Anomaly, Forecast, Point } from './types.js';

/** What one chart shows. */
export interface ChartSpec {
  /** Stable id (the DOM id is `chart-<id>`). */
  readonly id: string;
  readonly title: string;
  /** Series keys (`cpu.busy_ratio`, `sum(net.rx_bytes_per_second)`, `disk.read_bytes_per_second{device="vda"}`). */
  readonly series: readonly string[];
  /** Legend labels, one per series (default: the key). */
  readonly labels?: readonly string[];
  /** Charts added on demand can be closed. */
  readonly removable?: boolean;
}

/** The shared x view of every chart: following the live edge, or a fixed range (seconds). */
export interface View {
  follow: boolean;
  min: number;
  max: number;
}

/** Callbacks of a chart. */
export interface ChartEvents {
  /** The user zoomed or panned to [min, max] (seconds), or reset (null). */
  zoom(range: { min: number; max: number } | null): void;
  /** The user clicked an anomaly marker. */
  showAnomaly(a: Anomaly, at: { x: number; y: number }): void;
  close?(): void;
}

const colors = ['#2a62c9', '#d9822b', '#2f9e44', '#9c36b5', '#0c8599', '#e8590c'];
/** Points kept per live chart. */
const MAX_LIVE_POINTS = 900;

/** The metric name of a series key: `sum(x)` → x, `x{…}` → x. */
export function metricOf(key: string): string {
  return key.replace(/^sum\((.*)\)$/, '$1').replace(/\{.*$/, '');
}

/**
 * One uPlot chart with the dashboard's overlays: anomaly bands with clickable markers (explanation and
 * score), the forecast's mean and interval, a capacity "time to limit" badge, and zoom/pan that the
 * dashboard applies to every chart (drag to zoom, wheel to zoom, shift+wheel to pan, double-click to
 * follow the live edge again).
 */
export class ChartPanel {
  readonly root: HTMLElement;
  private readonly plot: uPlot;
  private data: uPlot.AlignedData;
  private anomalies: Anomaly[] = [];
  private forecast: Forecast | null = null;
  private readonly markers = new Map<string, HTMLButtonElement>();
  private readonly valueEl: HTMLElement;
  private readonly capEl: HTMLElement;
  private readonly resize: ResizeObserver;

  constructor(
    readonly spec: ChartSpec,
    host: HTMLElement,
    private readonly view: View,
    private readonly events: ChartEvents,
  ) {
    this.root = el('div', 'chart');
    this.root.id = `chart-${spec.id}`;
    const h = el('h3', '', spec.title);
    this.capEl = el('span', 'cap');
    this.capEl.hidden = true;
    this.valueEl = el('span', 'value', '–');
    h.append(this.capEl, this.valueEl);
    if (spec.removable === true) {
      const x = el('button', 'close', '×');
      x.title = 'remove this chart';
      x.addEventListener('click', () => events.close?.());
      h.append(x);
    }
    const plotEl = el('div', 'plot');
    this.root.append(h, plotEl);
    host.append(this.root);
    this.data = [[], ...spec.series.map(() => [])] as unknown as uPlot.AlignedData;
    const first = spec.series[0] ?? '';
    const opts: uPlot.Options = {
      width: Math.max(300, host.clientWidth > 0 ? this.root.clientWidth - 24 : 480),
      height: 170,
      cursor: { drag: { x: true, y: false, setScale: false }, sync: { key: 'ainka' } },
      scales: { x: { time: true, range: (_u, dmin, dmax) => this.xRange(dmin, dmax) } },
      axes: [{}, { size: 70, values: (_u, splits) => splits.map((v) => formatValue(first, v)) }],
      series: [
        {},
        ...spec.series.map((s, i) => ({
          label: spec.labels?.[i] ?? s,
          stroke: colors[i % colors.length] as string,
          width: 1.5,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => formatValue(s, v),
        })),
      ],
      hooks: {
        draw: [(u) => this.drawOverlays(u)],
        setSelect: [
          (u) => {
            if (u.select.width < 5) return;
            const min = u.posToVal(u.select.left, 'x');
            const max = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.events.zoom({ min, max });
          },
        ],
      },
    };
    this.plot = new uPlot(opts, this.data, plotEl);
    const over = this.plot.over;
    over.addEventListener('dblclick', () => this.events.zoom(null));
    over.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const min = this.plot.scales.x?.min;
        const max = this.plot.scales.x?.max;
        if (min == null || max == null) return;
        const span = max - min;
        if (e.shiftKey) {
          const d = (e.deltaY > 0 ? 0.1 : -0.1) * span;
          this.events.zoom({ min: min + d, max: max + d });
        } else {
          const at = this.plot.posToVal(e.offsetX, 'x');
          const f = e.deltaY > 0 ? 1.25 : 0.8;
          this.events.zoom({ min: at - (at - min) * f, max: at + (max - at) * f });
        }
      },
      { passive: false },
    );
    this.resize = new ResizeObserver(() => {
      const w = this.root.clientWidth - 24;
      if (w > 100 && Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: 170 });
    });
    this.resize.observe(this.root);
  }

  /** True when an anomaly on `key` belongs on this chart. */
  shows(key: string): boolean {
    return this.spec.series.some((s) => s === key || (s.startsWith('sum(') && metricOf(s) === metricOf(key)));
  }

  /** Points drawn so far (all series). */
  get pointCount(): number {
    return (this.data[0] as number[]).length;
  }

  /** Replace the data: one list of points per series (a window or a history range). */
  setSeries(points: readonly (readonly Point[])[]): void {
    const tables = points.map((ps) => [ps.map((p) => p.t / 1000), ps.map((p) => p.value)] as uPlot.AlignedData);
    this.data = tables.length === 0 ? this.data : tables.length === 1 ? (tables[0] as uPlot.AlignedData) : uPlot.join(tables);
    while (this.data.length < this.spec.series.length + 1) (this.data as unknown as (number | null)[][]).push(new Array<number | null>(this.pointCount).fill(null));
    this.refresh();
  }

  /** Append one live tick. */
  push(t: number, values: Readonly<Record<string, number>>): void {
    const cols = this.data as unknown as (number | null)[][];
    const x = t / 1000;
    const xs = cols[0] as number[];
    if (xs.length > 0 && x <= (xs[xs.length - 1] as number)) return;
    // A tick that sampled none of this chart's series (a slower source, a finished replay) adds no point.
    if (!this.spec.series.some((s) => values[s] !== undefined)) return;
    xs.push(x);
    this.spec.series.forEach((s, i) => (cols[i + 1] as (number | null)[]).push(values[s] ?? null));
    if (xs.length > MAX_LIVE_POINTS) for (const c of cols) c.splice(0, c.length - MAX_LIVE_POINTS);
    this.refresh();
  }

  /** The anomalies to mark (those on this chart's series are kept). */
  setAnomalies(list: readonly Anomaly[]): void {
    this.anomalies = list.filter((a) => this.shows(a.series));
    this.plot.redraw(false, false);
  }

  /** The forecast of the chart's first series (null: none). */
  setForecast(f: Forecast | null): void {
    this.forecast = f !== null && f.points.length > 0 ? f : null;
    const cap = f?.capacity;
    this.capEl.hidden = cap == null || cap.secondsToLimit === null;
    if (cap != null && cap.secondsToLimit !== null) {
      this.capEl.textContent = `limit in ${duration(cap.secondsToLimit)}`;
      this.capEl.title = cap.note;
      this.capEl.classList.toggle('soon', cap.secondsToLimit < 3600);
    }
    this.refresh();
  }

  /** Redraw with the current view. */
  refresh(): void {
    this.plot.setData(this.data, true);
    this.root.dataset.points = String(this.pointCount);
    const cols = this.data as unknown as (number | null)[][];
    const last = (cols[1] as (number | null)[]).findLast((v) => v !== null);
    this.valueEl.textContent = this.spec.series.length === 1 || last === undefined ? formatValue(this.spec.series[0] ?? '', last) : '';
  }

  /** Remove the chart. */
  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
    this.root.remove();
  }

  private xRange(dmin: number | null, dmax: number | null): uPlot.Range.MinMax {
    if (!this.view.follow) return [this.view.min, this.view.max];
    const now = Date.now() / 1000;
    const lo = dmin ?? now - 300;
    let hi = dmax ?? now;
    const f = this.forecast?.points.at(-1);
    // The forecast is drawn to the right of the live edge, at most as far ahead as the chart looks back.
    if (f !== undefined) hi = Math.min(Math.max(hi, f.t / 1000), hi + Math.max(60, hi - lo));
    return [lo, hi > lo ? hi : lo + 1];
  }

  private drawOverlays(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    const f = this.forecast;
    if (f !== null) {
      const pts = f.points.map((p) => ({ x: u.valToPos(p.t / 1000, 'x', true), y: u.valToPos(p.value, 'y', true), lo: u.valToPos(p.lower, 'y', true), hi: u.valToPos(p.upper, 'y', true) }));
      ctx.fillStyle = 'rgba(42, 98, 201, 0.12)';
      ctx.beginPath();
      pts.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.hi) : ctx.lineTo(p.x, p.hi)));
      for (const p of [...pts].reverse()) ctx.lineTo(p.x, p.lo);
      ctx.closePath();
      ctx.fill();
      ctx.strokeStyle = '#2a62c9';
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.beginPath();
      pts.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const tick = 1;
    for (const a of this.anomalies) {
      const x0 = u.valToPos(a.at / 1000, 'x', true);
      const x1 = u.valToPos(Math.max(a.lastAt, a.at) / 1000 + tick, 'x', true);
      ctx.fillStyle = 'rgba(210, 60, 60, 0.16)';
      ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
      ctx.fillStyle = '#d23c3c';
      ctx.fillRect(x0 - devicePixelRatio / 2, top, devicePixelRatio, height);
    }
    ctx.restore();
    this.placeMarkers(u);
  }

  /** One button per anomaly over the plot, where it opened. */
  private placeMarkers(u: uPlot): void {
    const keep = new Set<string>();
    for (const a of this.anomalies) {
      keep.add(a.id);
      let m = this.markers.get(a.id);
      if (m === undefined) {
        m = el('button', 'anomaly-marker');
        m.dataset.anomaly = a.id;
        m.setAttribute('aria-label', `anomaly ${a.id}`);
        m.addEventListener('mousedown', (e) => e.stopPropagation());
        m.addEventListener('click', (e) => {
          e.stopPropagation();
          const cur = this.anomalies.find((x) => x.id === m?.dataset.anomaly);
          if (cur !== undefined) this.events.showAnomaly(cur, { x: e.clientX, y: e.clientY });
        });
        u.over.append(m);
        this.markers.set(a.id, m);
      }
      m.title = `${a.id} ${clock(a.at)} score ${a.score.toFixed(3)}: ${a.reason}`;
      const x = u.valToPos(a.at / 1000, 'x');
      m.hidden = !(x >= 0 && x <= u.over.clientWidth);
      m.style.left = `${x}px`;
    }
    for (const [id, m] of this.markers) {
      if (keep.has(id)) continue;
      m.remove();
      this.markers.delete(id);
    }
  }
}
