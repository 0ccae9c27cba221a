/**
 * `@ainka/guard` — AINKA's host security monitor: detection rules (the `ainka.dev/v1` document
 * language of `@ainka/policy`, `kind: DetectionRules`) over the eBPF security events, a process
 * tree, learned per-program baselines, advisory-first reversible responses, and compliance checks.
 *
 * @packageDocumentation
 */
export { Detector, type DetectorStats, type GuardAlert, type ResponseOutcome } from './detector.js';
export { GuardError, GuardErrorCode } from './errors.js';
export { GUARD_EVENT_TYPES, type BaselineVerdict, type GuardEvent, type GuardEventType, type ProcessInfo } from './event.js';
export { compileRuleExpr, parseRuleExpr, type CompiledPredicate, type ExprScope, type Literal, type RuleExpr, type RuleExprError, type RuleOp } from './expression.js';
export { FIELD_ALIASES, FIELDS, type FieldSpec, type FieldType, type FieldValue } from './fields.js';
export {
  checkRules,
  parseRules,
  renderOutput,
  type CompiledException,
  type CompiledRule,
  type RuleResponse,
  type RuleSet,
  type RulesCheck,
  type RulesSource,
} from './parseRules.js';
export { formatTree, listeningSockets, ProcessTree, type ExecInput, type ProcessTreeOptions } from './processTree.js';
export { detectionRulesSchema, type DetectionRulesDocument, type RuleWhenInput } from './rulesSchema.js';
export { starterRules, starterWatches } from './starterPack.js';
export { BaselineStore, formatAge, type BaselineFeature, type BaselineStoreOptions } from './baseline.js';
export { ExeHashCache, type ExeHashCacheOptions } from './exeHashCache.js';
export { CpuWatch, type BusyProcess, type CpuWatchOptions } from './cpuWatch.js';
export { Guard, type GuardOptions, type GuardStats } from './guard.js';
export {
  enforceCompliance,
  runCompliance,
  sshdSettings,
  type ComplianceItem,
  type ComplianceOptions,
  type ComplianceReport,
  type ComplianceStatus,
  type Remediation,
} from './compliance.js';
export { PROTECTED_NAMES, Responder, type ResponderOptions } from './responder.js';
