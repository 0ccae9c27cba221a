import { AinkaError } from '@ainka/errors';

/** Stable codes of {@link KnobError}. */
export type KnobErrorCode = 'ERR_AINKA_KNOB_UNKNOWN';

/** A knob id that does not parse or names no knob. `knob` is the id as given; the message names the fix. */
export class KnobError extends AinkaError<KnobErrorCode> {
  /** Always `'KnobError'`. */
  override name = 'KnobError';
  /** The knob id as given. */
  readonly knob: string;

  constructor(code: KnobErrorCode, message: string, knob: string) {
    super(code, message);
    this.knob = knob;
  }
}
