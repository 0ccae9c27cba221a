export { findKnobSpec, knobCatalogue } from './knobCatalogue.js';
export type { KnobCheckContext, KnobSpec } from './knobCatalogue.js';
export { KnobError } from './knobError.js';
export type { KnobErrorCode } from './knobError.js';
export { normalizeValue, parseKnobId } from './knobId.js';
export type { KnobId, KnobKind } from './knobId.js';
