export { AinkaError, canonicalCode, isAinkaError, renamedCodes } from './ainkaError.js';
export type { AinkaErrorCode, AinkaErrorOptions } from './ainkaError.js';
export { errorAreaOf, errorAreas } from './errorAreas.js';
export type { ErrorArea } from './errorAreas.js';
