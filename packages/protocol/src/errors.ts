import { AinkaError } from '@ainka/errors';

/**
 * Stable error codes for every decoding and validation failure in `@ainka/protocol`.
 * The code is the contract; the message may change between releases.
 */
export type ProtocolErrorCode =
  /** The input ended before a complete header, attribute or record: more bytes are needed. */
  | 'ERR_AINKA_PROTOCOL_TRUNCATED'
  /** A length field claims more bytes than the message or limit allows. */
  | 'ERR_AINKA_PROTOCOL_OVERSIZE'
  /** A length or offset is not aligned as the format requires. */
  | 'ERR_AINKA_PROTOCOL_MISALIGNED'
  /** A type, command or attribute id the format does not define. */
  | 'ERR_AINKA_PROTOCOL_UNKNOWN'
  /** Bytes that are present but cannot be a valid value (bad magic, bad enum, bad length). */
  | 'ERR_AINKA_PROTOCOL_MALFORMED'
  /** A value outside the bounds the ABI declares for it. */
  | 'ERR_AINKA_PROTOCOL_OUT_OF_RANGE';

/** Options for constructing a {@link ProtocolError}. */
export interface ProtocolErrorOptions {
  /** Byte offset in the input where the problem was found. */
  offset?: number;
  /** What was being decoded, e.g. `nlattr` or `struct ainka_rule`. */
  what?: string;
  /** The field or attribute path, e.g. `policy-rule[3].threshold`. */
  path?: string;
}

/**
 * Raised by every decoder and validator in this package. Decoders never throw anything else on bad
 * input, and never return a silently wrong value.
 */
export class ProtocolError extends AinkaError<ProtocolErrorCode> {
  /** Always `'ProtocolError'`. */
  override name = 'ProtocolError';
  /** Byte offset in the input where the problem was found, when it applies. */
  readonly offset: number | undefined;
  /** Field or attribute path, when it applies. */
  readonly path: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, options: ProtocolErrorOptions = {}) {
    const where = options.offset === undefined ? '' : ` at byte offset ${options.offset}`;
    const what = options.what ? `${options.what}: ` : '';
    super(code, `${what}${message}${where}`);
    this.offset = options.offset;
    this.path = options.path;
  }
}

/** Formats a byte as `0x1f` for error messages. */
export function hexByte(value: number | undefined): string {
  if (value === undefined) return '(end of input)';
  return `0x${value.toString(16).padStart(2, '0')}`;
}
