/**
 * `@ainka/healing`: self-healing for AINKA — leaks, drift, services and pressure. It observes and
 * proposes; every change goes through `@ainka/actuators` (journaled, bounded, reversible).
 *
 * @packageDocumentation
 */
export { HealingError, HealingErrorCode } from './errors.js';
export { estimateGrowth, secondsToExhaustion } from './growth.js';
export type { GrowthEstimate, GrowthOptions, GrowthPoint } from './growth.js';
export { LeakDetector, formatDuration, formatRate } from './leakDetector.js';
export type { LeakDetectorOptions, LeakFinding, LeakResource, LeakSubject } from './leakDetector.js';
export { cgroupRoot, listPids, parseNofile, parseProcCgroup, readCgroup, walkCgroups } from './procfs.js';
export { ProcessReader, readProcess } from './processReader.js';
export type { ProcessReaderOptions } from './processReader.js';
export type { CgroupUsage, ProcessUsage } from './procfs.js';
export { Protection, alwaysProtectedUnits, unitOfCgroup } from './protection.js';
export { cgroupMatchesLabel, leakRemedy } from './remedy.js';
export type { HealingChange, Remedy } from './remedy.js';
export { BlobStore, checkDrift, defaultBaselineFiles, defaultBaselineSysctls, lineDiff, parseBaseline, recordBaseline } from './drift.js';
export type { Baseline, BaselineItem, BaselineKind, BaselineSpec, DriftItem, DriftWho } from './drift.js';
export { ServiceHealer } from './serviceHealer.js';
export type { ServiceDecision, ServiceHealerOptions, UnitEvent } from './serviceHealer.js';
export { SystemdWatcher, parseJournalJson, unitJournal, unitNameFromPath } from './systemdWatcher.js';
export type { JournalLine } from './systemdWatcher.js';
export { PressureResponder, pressureLadder, readCgroupMemory, readPressureSample } from './pressureResponder.js';
export type { CgroupMemory, PressureFinding, PressureOptions, PressureSample, PressureStep, StepOutcome } from './pressureResponder.js';
