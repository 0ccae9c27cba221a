import { AinkaError } from '@ainka/errors';

/** Stable codes of {@link KmodError}. */
export type KmodErrorCode =
  | 'ERR_AINKA_KMOD_NO_MANIFEST'
  | 'ERR_AINKA_KMOD_BAD_MANIFEST'
  | 'ERR_AINKA_KMOD_NO_PREBUILT'
  | 'ERR_AINKA_KMOD_CHECKSUM'
  | 'ERR_AINKA_KMOD_NO_DKMS_SOURCE';

/**
 * A problem with the packaged kernel module. `code` is stable; the message names the problem and
 * the fix.
 */
export class KmodError extends AinkaError<KmodErrorCode> {
  /** Always `'KmodError'`. */
  override name = 'KmodError';

  constructor(code: KmodErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
