/**
 * The NAB bench harness (corpus loader with `node:fs`, runner, scorer). Internal: not part of the
 * package's public API (not exported from `index.ts`, not in `dist`); `tools/bench/nab` and the package's
 * own tests import it by path.
 *
 * @internal
 * @packageDocumentation
 */
export { loadNabCorpus, parseNabCsv, parseNabTimestamp, NabCorpusError } from './nabCorpus.js';
export type { NabCorpus, NabSeries, ParsedNabCsv } from './nabCorpus.js';
export { runNabDetector } from './nabRun.js';
export { NAB_PROFILES, scoreNabCorpus, scoreNabAtThreshold, scaledSigmoid, probationaryLength, roundSignificant } from './nabScorer.js';
export type { NabProfile, NabProfileScore, NabScoringInput, NabScoringOptions } from './nabScorer.js';
