import type { BaselineVerdict, GuardEvent, ProcessInfo } from './event.js';
import { renderOutput, type CompiledRule, type RuleResponse, type RuleSet } from './parseRules.js';
import { formatTree } from './processTree.js';

/** What happened to a response a rule asked for. */
export interface ResponseOutcome {
  /** The action. */
  readonly action: RuleResponse['action'];
  /** `proposed` (advise), `applied`, `refused` (protected or not allowed) or `failed`. */
  readonly status: 'proposed' | 'applied' | 'refused' | 'failed';
  /** What was done or why not. */
  readonly line: string;
  /** Journal change id when applied through the actuators (for rollback). */
  readonly changeId?: number;
}

/** An alert raised by a rule. */
export interface GuardAlert {
  /** Increasing id within this detector. */
  readonly id: number;
  /** Rule name. */
  readonly rule: string;
  /** Severity of the rule. */
  readonly severity: 'critical' | 'warning' | 'info';
  /** Priority of the rule. */
  readonly priority: number;
  /** Tags of the rule. */
  readonly tags: readonly string[];
  /** The rendered output line. */
  readonly summary: string;
  /** When the event happened (ms since the epoch). */
  readonly time: number;
  /** The event that matched. */
  readonly event: GuardEvent;
  /** The process and its ancestors, oldest first. */
  readonly processes: readonly ProcessInfo[];
  /** `sshd(812) → bash(1201) → sh(1310)`. */
  readonly tree: string;
  /** The baseline's explanation, when it has one. */
  readonly baseline?: BaselineVerdict;
  /** Kernel event → alert time in ms (set by the guard for kernel events). */
  latencyMs?: number;
  /** The response, when the rule asks for one (filled in by the responder). */
  response?: ResponseOutcome;
  /** The response the rule asks for. */
  readonly wants?: RuleResponse;
}

/** Counters of a {@link Detector}. */
export interface DetectorStats {
  /** Events evaluated. */
  events: number;
  /** Alerts raised. */
  alerts: number;
  /** Matches dropped by an exception, by exception name. */
  readonly excepted: Map<string, number>;
  /** Matches dropped because the rule fired for the same executable and parent within its cooldown. */
  cooledDown: number;
}

/**
 * Runs a rule set over events: every enabled rule indexed for the event's type, highest priority
 * first; a match is dropped when an exception holds, or when the rule already fired for the same
 * executable and parent process within its cooldown. Alerts carry the process tree and the baseline's explanation.
 */
export class Detector {
  #rules: RuleSet;
  readonly #last = new Map<string, number>();
  #seq = 0;
  /** Counters since creation. */
  readonly stats: DetectorStats = { events: 0, alerts: 0, excepted: new Map(), cooledDown: 0 };

  constructor(rules: RuleSet) {
    this.#rules = rules;
  }

  /** The rule set in use. */
  get rules(): RuleSet {
    return this.#rules;
  }

  /** Swaps the rule set (cooldowns are kept). */
  setRules(rules: RuleSet): void {
    this.#rules = rules;
  }

  /** Evaluates one event; returns the alerts it raises (usually none). */
  evaluate(e: GuardEvent): GuardAlert[] {
    this.stats.events++;
    const rules = this.#rules.byType.get(e.type);
    if (!rules || rules.length === 0) return [];
    let out: GuardAlert[] | undefined;
    for (const r of rules) {
      if (!r.match(e)) continue;
      const ex = r.exceptions.find((x) => x.match(e));
      if (ex) {
        this.stats.excepted.set(ex.name, (this.stats.excepted.get(ex.name) ?? 0) + 1);
        continue;
      }
      if (!this.#coolOff(r, e)) {
        this.stats.cooledDown++;
        continue;
      }
      (out ??= []).push(this.#alert(r, e));
    }
    return out ?? [];
  }

  #coolOff(r: CompiledRule, e: GuardEvent): boolean {
    if (r.cooldownSec <= 0) return true;
    // one alert per rule, program and parent process within the cooldown: a web shell's burst of commands is one alert, another attacker is another
    // (or per the rule's cooldownBy fields, e.g. one alert per reverse-shell session)
    const key = r.cooldownBy ? `${r.name}\0${r.cooldownBy.map((f) => String(f.get(e))).join('\0')}` : `${r.name}\0${e.proc.exe || e.proc.name}\0${e.proc.ppid}`;
    const last = this.#last.get(key);
    if (last !== undefined && e.time - last < r.cooldownSec * 1000) return false;
    if (this.#last.size > 10_000) this.#last.clear();
    this.#last.set(key, e.time);
    return true;
  }

  #alert(r: CompiledRule, e: GuardEvent): GuardAlert {
    this.stats.alerts++;
    let summary = renderOutput(r.output, e);
    if (e.baseline && (e.baseline.novel || e.baseline.score >= 0.5)) summary += ` (${e.baseline.explanation})`;
    return {
      id: ++this.#seq,
      rule: r.name,
      severity: r.severity,
      priority: r.priority,
      tags: r.tags,
      summary,
      time: e.time,
      event: e,
      processes: [...e.ancestors].reverse().concat([e.proc]),
      tree: formatTree(e.proc, e.ancestors),
      ...(e.baseline ? { baseline: e.baseline } : {}),
      ...(r.response ? { wants: r.response } : {}),
    };
  }
}
