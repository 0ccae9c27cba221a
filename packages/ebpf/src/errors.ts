/** Stable codes of {@link EbpfError}. */
export type EbpfErrorCode = 'ERR_AINKA_EBPF_NO_MANIFEST' | 'ERR_AINKA_EBPF_ABI_MISMATCH' | 'ERR_AINKA_EBPF_UNKNOWN_CONCERN' | 'ERR_AINKA_EBPF_BAD_CONFIG';

/** An error of the @ainka/ebpf layer (kernel-side failures are `BpfError` from `@ainka/native`). */
export class EbpfError extends Error {
  /** Always `EbpfError`. */
  override readonly name = 'EbpfError';
  /** Stable code; the message may change. */
  readonly code: EbpfErrorCode;

  constructor(code: EbpfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
