import { AinkaError } from '@ainka/errors';

/** Stable error codes raised by `@ainka/policy`. */
export const PolicyErrorCode = {
  /** The policy text is not valid YAML/JSON. */
  syntax: 'ERR_AINKA_POLICY_SYNTAX',
  /** The policy does not match the policy schema (or a condition expression does not parse). */
  invalid: 'ERR_AINKA_POLICY_INVALID',
  /** The policy is well-formed but fails a static check (bounds, conflicts, cycles). */
  rejected: 'ERR_AINKA_POLICY_REJECTED',
  /** An unknown policy pack name. */
  unknownPack: 'ERR_AINKA_POLICY_UNKNOWN_PACK',
  /** The optimizer was given no candidates or a value that is not one of them. */
  optimizerInput: 'ERR_AINKA_POLICY_OPTIMIZER_BAD_INPUT',
  /** A rule cannot be compiled to the kernel policy-cache encoding. */
  notKernelCompilable: 'ERR_AINKA_POLICY_NOT_KERNEL_COMPILABLE',
} as const;

/** One of the {@link PolicyErrorCode} values. */
export type PolicyErrorCode = (typeof PolicyErrorCode)[keyof typeof PolicyErrorCode];

/** One problem found in a policy, located as precisely as the source allows. */
export interface PolicyIssue {
  /** `error` stops the policy from loading; `warning` is reported only. */
  readonly severity: 'error' | 'warning';
  /** Short kind: `syntax`, `schema`, `expression`, `bounds`, `knob`, `conflict`, `unreachable`, `cycle`. */
  readonly kind: string;
  /** File name (or `<inline>`). */
  readonly file: string;
  /** 1-based line, 0 when unknown. */
  readonly line: number;
  /** 1-based column, 0 when unknown. */
  readonly column: number;
  /** Path inside the document, e.g. `rules[0].when`. */
  readonly path: string;
  /** The problem and the fix, in one sentence. */
  readonly message: string;
}

/** Render an issue as `file:line:col: path: message`. */
export function formatIssue(issue: PolicyIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return `${where}: ${issue.path || '(document)'}: ${issue.message}`;
}

/** A policy failed to load; `issues` lists every problem found, `message` the first ones. */
export class PolicyError extends AinkaError<PolicyErrorCode> {
  /** Always `'PolicyError'`. */
  override name = 'PolicyError';
  /** Every problem found. */
  readonly issues: readonly PolicyIssue[];

  constructor(code: PolicyErrorCode, issues: readonly PolicyIssue[], message?: string) {
    super(code, message ?? issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }
}

/** Render a path array as `rules[0].then[1].knob`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}
