import { describe, expect, it } from 'vitest';
import { AinkaError, canonicalCode, errorAreaOf, isAinkaError } from '../src/index.js';

class DemoError extends AinkaError<'ERR_AINKA_CLI_DEMO'> {
  override name = 'DemoError';
}

describe('AinkaError', () => {
  it('keeps code, message, name and cause', () => {
    const cause = new Error('ENOENT');
    const error = new DemoError('ERR_AINKA_CLI_DEMO', 'demo failed; run it again', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(AinkaError);
    expect(error.code).toBe('ERR_AINKA_CLI_DEMO');
    expect(error.name).toBe('DemoError');
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('DemoError: demo failed; run it again');
  });

  it('isAinkaError recognises subclasses, a second copy of the package, and nothing else', () => {
    expect(isAinkaError(new DemoError('ERR_AINKA_CLI_DEMO', 'x'))).toBe(true);
    // An error built by another copy of the package carries the same registered-symbol brand.
    const foreign = Object.assign(new Error('x'), { code: 'ERR_AINKA_CLI_DEMO', [Symbol.for('@ainka/errors.AinkaError')]: true });
    expect(isAinkaError(foreign)).toBe(true);
    expect(isAinkaError(Object.assign(new Error('x'), { code: 'ERR_AINKA_CLI_DEMO' }))).toBe(false);
    expect(isAinkaError({ code: 'ERR_AINKA_CLI_DEMO' })).toBe(false);
    expect(isAinkaError(undefined)).toBe(false);
  });

  it('isAinkaError matches a code, renamed codes included', () => {
    const error = new AinkaError('ERR_AINKA_KERNEL_TIMEOUT', 'no reply; check the module');
    expect(isAinkaError(error, 'ERR_AINKA_KERNEL_TIMEOUT')).toBe(true);
    expect(isAinkaError(error, 'ERR_AINKA_TIMEOUT')).toBe(true);
    expect(isAinkaError(error, 'ERR_AINKA_KERNEL_CLOSED')).toBe(false);
    expect(canonicalCode('ERR_AINKA_MALFORMED')).toBe('ERR_AINKA_PROTOCOL_MALFORMED');
  });

  it('errorAreaOf accepts only ERR_AINKA_<AREA>_<WHAT> with a listed area', () => {
    expect(errorAreaOf('ERR_AINKA_KERNEL_TIMEOUT')).toBe('KERNEL');
    expect(errorAreaOf('ERR_AINKA_TIMEOUT')).toBeUndefined();
    expect(errorAreaOf('ERR_AINKA_NOPE_X')).toBeUndefined();
    expect(errorAreaOf('ERR_AINKA_KERNEL_')).toBeUndefined();
  });
});
