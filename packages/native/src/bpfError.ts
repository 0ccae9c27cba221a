import { AinkaError } from '@ainka/errors';

/** Stable codes of errors from the eBPF part of the addon. */
export type BpfErrorCode =
  | 'ERR_AINKA_BPF_OPEN'
  | 'ERR_AINKA_BPF_LOAD'
  | 'ERR_AINKA_BPF_ATTACH'
  | 'ERR_AINKA_BPF_CONFIG'
  | 'ERR_AINKA_BPF_MAP'
  | 'ERR_AINKA_BPF_RING'
  | 'ERR_AINKA_BPF_RUN'
  | 'ERR_AINKA_BPF_NO_PROGRAM'
  | 'ERR_AINKA_BPF_NO_MAP'
  | 'ERR_AINKA_BPF_CLOSED'
  | 'ERR_AINKA_BPF_ARG'
  | 'ERR_AINKA_BPF_CGROUP'
  | 'ERR_AINKA_BPF_UNAVAILABLE';

/** Fields the C side attaches to the errors it throws. */
interface NativeErrorFields {
  code?: string;
  errno?: number;
  syscall?: string;
  program?: string;
  attachPoint?: string;
  log?: string;
}

/**
 * An eBPF failure: the message names the step, the program and its attach point, the errno and
 * the fix (not root, no BTF, lockdown, missing tracepoint…); `log` holds the tail of libbpf's and
 * the verifier's output.
 */
export class BpfError extends AinkaError<BpfErrorCode> {
  /** Always `BpfError`. */
  override name = 'BpfError';
  /** Positive errno from the kernel or libbpf, when there is one. */
  readonly errno: number | undefined;
  /** `bpf` when the error comes from the bpf(2) syscall path. */
  readonly syscall: string | undefined;
  /** The program that failed, e.g. `exec__btf`. */
  readonly program: string | undefined;
  /** Its ELF section, i.e. the attach point, e.g. `tp_btf/sched_process_exec`. */
  readonly attachPoint: string | undefined;
  /** Tail of libbpf's log (verifier output included) at the time of the failure. */
  readonly log: string;

  constructor(
    code: BpfErrorCode,
    message: string,
    options: { errno?: number; syscall?: string; program?: string; attachPoint?: string; log?: string; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.errno = options.errno;
    this.syscall = options.syscall;
    this.program = options.program;
    this.attachPoint = options.attachPoint;
    this.log = options.log ?? '';
  }

  /** Converts an error thrown by the addon (a plain Error with fields) into a BpfError. */
  static from(err: unknown): BpfError {
    if (err instanceof BpfError) return err;
    if (err instanceof Error) {
      const f = err as Error & NativeErrorFields;
      const code = (f.code?.startsWith('ERR_AINKA_BPF_') ? f.code : 'ERR_AINKA_BPF_ARG') as BpfErrorCode;
      return new BpfError(code, err.message, {
        errno: f.errno,
        syscall: f.syscall,
        program: f.program,
        attachPoint: f.attachPoint,
        log: f.log,
        cause: err,
      });
    }
    return new BpfError('ERR_AINKA_BPF_ARG', String(err));
  }
}
