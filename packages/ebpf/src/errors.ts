import { AinkaError } from '@ainka/errors';

/** Stable codes of {@link EbpfError}. */
export type EbpfErrorCode = 'ERR_AINKA_EBPF_NO_MANIFEST' | 'ERR_AINKA_EBPF_ABI_MISMATCH' | 'ERR_AINKA_EBPF_UNKNOWN_CONCERN' | 'ERR_AINKA_EBPF_BAD_CONFIG';

/** An error of the @ainka/ebpf layer (kernel-side failures are `BpfError` from `@ainka/native`). */
export class EbpfError extends AinkaError<EbpfErrorCode> {
  /** Always `EbpfError`. */
  override name = 'EbpfError';

  constructor(code: EbpfErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
