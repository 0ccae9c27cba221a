/**
 * `@ainka/native` — the Node-API addon under AINKA's kernel paths.
 *
 * @packageDocumentation
 */
export { loadBinding, type NativeBinding } from './binding.js';
