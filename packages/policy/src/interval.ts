import { subjectLabel, type Comparison, type ComparisonOp, type Condition } from './condition.js';

/** A numeric interval with open or closed ends. */
export interface Interval {
  readonly lo: number;
  readonly loOpen: boolean;
  readonly hi: number;
  readonly hiOpen: boolean;
}

const ALL: Interval = { lo: -Infinity, loOpen: true, hi: Infinity, hiOpen: true };

function fromOp(op: ComparisonOp, v: number): Interval | undefined {
  switch (op) {
    case '>':
      return { lo: v, loOpen: true, hi: Infinity, hiOpen: true };
    case '>=':
      return { lo: v, loOpen: false, hi: Infinity, hiOpen: true };
    case '<':
      return { lo: -Infinity, loOpen: true, hi: v, hiOpen: true };
    case '<=':
      return { lo: -Infinity, loOpen: true, hi: v, hiOpen: false };
    case '==':
      return { lo: v, loOpen: false, hi: v, hiOpen: false };
    case '!=':
      return undefined;
  }
}

/** Intersection of two intervals. */
export function intersect(a: Interval, b: Interval): Interval {
  const lo = a.lo > b.lo ? a : a.lo < b.lo ? b : { lo: a.lo, loOpen: a.loOpen || b.loOpen };
  const hi = a.hi < b.hi ? a : a.hi > b.hi ? b : { hi: a.hi, hiOpen: a.hiOpen || b.hiOpen };
  return { lo: lo.lo, loOpen: lo.loOpen, hi: hi.hi, hiOpen: hi.hiOpen };
}

/** Is the interval empty? */
export function isEmpty(i: Interval): boolean {
  return i.lo > i.hi || (i.lo === i.hi && (i.loOpen || i.hiOpen));
}

/** Distance between two disjoint intervals (0 when they touch or overlap). */
export function gap(a: Interval, b: Interval): number {
  if (a.hi < b.lo) return b.lo - a.hi;
  if (b.hi < a.lo) return a.lo - b.hi;
  return 0;
}

/** The values a metric can take by its name: `_ratio` 0 … 1, PSI `_avg10/60/300` and `_percent` 0 … 100, counts/bytes/seconds ≥ 0. */
export function metricDomain(subject: string): Interval {
  if (subject.startsWith('anomaly(')) return { lo: 0, loOpen: false, hi: 1, hiOpen: false };
  if (subject.startsWith('rate(') || subject.startsWith('growth(') || subject.startsWith('delta(')) return ALL;
  const name = subject.replace(/^forecast\(/, '').replace(/\{.*$/, '').replace(/,.*$/, '');
  if (/_ratio$/.test(name)) return { lo: 0, loOpen: false, hi: 1, hiOpen: false };
  if (/_percent$/.test(name) || /_avg(10|60|300)$/.test(name)) return { lo: 0, loOpen: false, hi: 100, hiOpen: false };
  if (/_(bytes|seconds|total|count|per_second|hertz|packets|kb)$/.test(name)) return { lo: 0, loOpen: false, hi: Infinity, hiOpen: true };
  return ALL;
}

/**
 * For a conjunction (a comparison or `all` of comparisons), the interval each subject must lie in,
 * intersected with the subject's domain. Comparisons under `any`/`not`, `!=` and dynamic thresholds add no
 * constraint. Keys are subject labels (`psi.memory.some_avg10`, `rate(x)`).
 */
export function conjunctionIntervals(c: Condition): Map<string, Interval> {
  const out = new Map<string, Interval>();
  const leaves = conjunctionLeaves(c);
  for (const leaf of leaves) {
    if (leaf.threshold.kind !== 'value') continue;
    const iv = fromOp(leaf.op, leaf.threshold.value);
    if (!iv) continue;
    const key = subjectLabel(leaf.subject);
    out.set(key, intersect(out.get(key) ?? metricDomain(key), iv));
  }
  return out;
}

function conjunctionLeaves(c: Condition): Comparison[] {
  if (c.kind === 'compare') return [c];
  if (c.kind === 'all') return c.of.flatMap(conjunctionLeaves);
  return [];
}

/** Render an interval for messages. */
export function intervalText(subject: string, i: Interval): string {
  if (i.lo === -Infinity) return `${subject} ${i.hiOpen ? '<' : '<='} ${i.hi}`;
  if (i.hi === Infinity) return `${subject} ${i.loOpen ? '>' : '>='} ${i.lo}`;
  return `${i.lo} ${i.loOpen ? '<' : '<='} ${subject} ${i.hiOpen ? '<' : '<='} ${i.hi}`;
}
