export type { Actuator } from './actuator.js';
export { createActuators } from './actuatorSet.js';
export type { ActuatorSet, CreateActuatorsOptions } from './actuatorSet.js';
export { CgroupActuator } from './cgroupActuator.js';
export type { EgressBackend, EgressState } from './cgroupActuator.js';
export { ChangeManager, reproduceCommand } from './changeManager.js';
export type { ApplyOptions, ApplyResult, ChangeManagerOptions, ChangeMode, ChangeOutcome, ChangeRequest, RecoveryReport } from './changeManager.js';
export { ActuatorError, ActuatorErrorCode } from './errors.js';
export { ContentActuator, contentHash } from './contentActuator.js';
export { FileActuator, knobPath } from './fileActuator.js';
export type { FileKnobKind } from './fileActuator.js';
export { FlapGuard, defaultFlapGuardOptions } from './flapGuard.js';
export type { FlapDecision, FlapGuardOptions } from './flapGuard.js';
export { ChangeJournal } from './journal.js';
export type { JournalChange, JournalRecord } from './journal.js';
export { managedKnobs, replayJournal } from './journalState.js';
export type { ChangeEntry, ChangeStatus, JournalState, ManagedKnob, ReleasedKnob } from './journalState.js';
// The knob table moved to @ainka/knobs (so policy validators can read it without the package that writes
// to the system); re-exported here so existing imports keep working.
export { findKnobSpec, KnobError, knobCatalogue, normalizeValue, parseKnobId } from '@ainka/knobs';
export type { KnobCheckContext, KnobId, KnobKind, KnobSpec } from '@ainka/knobs';
export { ProcessActuator, parseIoniceOutput, systemProcessBackend } from './processActuator.js';
export type { ProcessBackend } from './processActuator.js';
export { runCommand } from './runCommand.js';
export type { CommandRunner } from './runCommand.js';
export { SystemdActuator } from './systemdActuator.js';
export type { SystemdActuatorOptions } from './systemdActuator.js';
export { defaultWhoChanged } from './whoChanged.js';
export type { WhoChanged } from './whoChanged.js';
