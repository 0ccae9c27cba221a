import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './logger.js';
import type { PolicyStage } from './policyStage.js';

/** What one scan of the watched directories found. */
export interface WatchedPolicyScan {
  /** Files whose policies are in use (this scan or an earlier one). */
  readonly loaded: readonly string[];
  /** Files the local validator refused (their errors), never used; an earlier valid version stays in use. */
  readonly refused: readonly { readonly file: string; readonly errors: readonly string[] }[];
  /** Files loaded by this scan (new or changed). */
  readonly changed: readonly string[];
}

/**
 * Policy files in watched directories — a mounted ConfigMap of operator policies, or the fleet policies
 * `ainka fleet learn --out` writes — loaded only after this host's own validator accepts them (metric
 * catalogue, knob bounds, expressions). Re-read on every scan; a file that changed is validated again and
 * a refused version never replaces the valid one in use. Hidden entries (a ConfigMap's `..data`) are skipped.
 */
export class WatchedPolicies {
  private readonly hashes = new Map<string, string>();
  private readonly state = new Map<string, { dir: string; loaded: boolean; errors: readonly string[] }>();

  constructor(
    private readonly dirs: readonly string[],
    private readonly stage: PolicyStage,
    private readonly log: Logger,
  ) {}

  /** Validate and load what is new or changed. */
  scan(): WatchedPolicyScan {
    const changed: string[] = [];
    for (const dir of this.dirs) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => !n.startsWith('.') && /\.(ya?ml|json)$/.test(n)).sort();
      } catch {
        continue; // not mounted (yet): an optional ConfigMap
      }
      for (const name of names) {
        const file = join(dir, name);
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          continue;
        }
        const hash = createHash('sha256').update(text).digest('hex');
        if (this.hashes.get(file) === hash) continue;
        this.hashes.set(file, hash);
        const v = this.stage.validate(text, file);
        const before = this.state.get(file);
        if (!v.valid) {
          this.state.set(file, { dir, loaded: before?.loaded ?? false, errors: v.errors });
          this.log.warn({ event: 'policy-refused', file, errors: v.errors }, `policy ${file} refused by this host's validator (not used${before?.loaded === true ? '; its previous version stays in use' : ''}): ${v.errors.join('; ')}`);
          continue;
        }
        let loaded: ReturnType<PolicyStage['load']>;
        try {
          loaded = this.stage.load(text, file);
        } catch (err) {
          // load() validates again: whatever it refuses is refused here too, never thrown into the daemon's timer.
          this.state.set(file, { dir, loaded: before?.loaded ?? false, errors: [(err as Error).message] });
          this.log.warn({ event: 'policy-refused', file, errors: [(err as Error).message] }, `policy ${file} refused by this host's validator (not used): ${(err as Error).message}`);
          continue;
        }
        this.state.set(file, { dir, loaded: true, errors: [] });
        changed.push(file);
        this.log.info({ event: 'policy-loaded', file, policies: loaded.map((p) => p.name) }, `policy ${loaded.map((p) => p.name).join(', ')} loaded from ${file} (validated on this host)`);
      }
    }
    return {
      loaded: [...this.state].filter(([, s]) => s.loaded && s.errors.length === 0).map(([f]) => f),
      refused: [...this.state].filter(([, s]) => s.errors.length > 0).map(([file, s]) => ({ file, errors: s.errors })),
      changed,
    };
  }

  /** Files per directory and state, for `ainka_watched_policy_files{dir,state}`. */
  counts(): { dir: string; state: 'loaded' | 'refused'; files: number }[] {
    const out: { dir: string; state: 'loaded' | 'refused'; files: number }[] = [];
    for (const dir of this.dirs) {
      const mine = [...this.state.values()].filter((s) => s.dir === dir);
      out.push({ dir, state: 'loaded', files: mine.filter((s) => s.errors.length === 0 && s.loaded).length }, { dir, state: 'refused', files: mine.filter((s) => s.errors.length > 0).length });
    }
    return out;
  }
}
