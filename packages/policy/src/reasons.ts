import type { Policy } from './policy.js';

/** One row of the reason table: the short name used in change logs and what it means. */
export interface Reason {
  /** Stable id: position in the table, from 1. */
  readonly id: number;
  /** Short name: `<policy>/<rule>`. */
  readonly name: string;
  /** One sentence: the rule's description, or its condition when it has none. */
  readonly description: string;
}

/**
 * The reason table of a set of policies (bpftune-style): every rule is a reason, so each logged change
 * (`reason 'X' on knob Y: old → new, because …`) can be looked up here.
 */
export function reasonTable(policies: readonly Policy[]): Reason[] {
  let id = 1;
  return policies.flatMap((p) => p.rules.map((r) => ({ id: id++, name: `${p.name}/${r.name}`, description: r.description || `when ${r.whenText}` })));
}
