import type { ComparisonOp } from './condition.js';

/** Why a comparison held: the subject, its value, the operator and the threshold at that moment. */
export interface Evidence {
  /** Subject label (`psi.memory.some_avg10`, `rate(net.tcp.retransmits_total)`). */
  readonly subject: string;
  /** Its value. */
  readonly value: number;
  /** The operator. */
  readonly op: ComparisonOp;
  /** The threshold it was compared with (dynamic thresholds: the learned value). */
  readonly threshold: number;
  /** Seconds it had to hold (0 = instant). */
  readonly for: number;
  /** True when the comparison sits under a `not` (it held because this did not). */
  readonly negated: boolean;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** Render evidence as `psi.memory.some_avg10 = 31.2 > 20 for 30 s`. */
export function evidenceText(evidence: readonly Evidence[]): string {
  return evidence
    .map((e) => `${e.subject} = ${num(e.value)} ${e.negated ? `not ${e.op}` : e.op} ${num(e.threshold)}${e.for > 0 ? ` for ${num(e.for)} s` : ''}`)
    .join(' and ');
}
