import { BpfObject } from './bpf.js';
import { BpfError } from './bpfError.js';

/** One thing a program object does, with the programs that can do it, best first. */
export interface BpfSlot {
  /** Slot name; programs are named `<slot>__<kind>`. */
  readonly name: string;
  /** When true, the object still loads if no variant of this slot works here. */
  readonly optional: boolean;
  /** Variants in the order to try them. */
  readonly variants: readonly {
    /** Program (function) name, `<slot>__<kind>`. */
    readonly program: string;
    /** ELF section: the attach point. */
    readonly section: string;
  }[];
}

/** What {@link loadWithFallbacks} should load. */
export interface BpfLoadPlan {
  /** Path of the .bpf.o. */
  readonly path: string;
  /** Slots to load, each with its variants best first. */
  readonly slots: readonly BpfSlot[];
  /** Programs loaded but never attached (run with {@link BpfObject.run}). */
  readonly run?: readonly string[];
  /** Called on every freshly opened object before load: .rodata, map sizes. */
  readonly configure?: (obj: BpfObject) => void;
  /** Attach the chosen variants (default true). */
  readonly attach?: boolean;
  /** Variants already known not to work here (e.g. from an earlier load): never tried. */
  readonly exclude?: Iterable<string>;
}

/** A variant that did not work on this kernel, and why. */
export interface BpfVariantFailure {
  /** Slot the variant belongs to. */
  readonly slot: string;
  /** Program name of the variant. */
  readonly program: string;
  /** Its ELF section (the attach point). */
  readonly section: string;
  /** Whether it failed to load or to attach. */
  readonly step: 'load' | 'attach';
  /** BpfError code of the failure. */
  readonly code: string;
  /** errno of the failure, when the kernel gave one. */
  readonly errno: number | undefined;
  /** The full message, with the fix. */
  readonly message: string;
}

/** A loaded (and usually attached) object with the variant chosen for each slot. */
export interface BpfLoaded {
  /** The loaded object (attached unless the plan said otherwise); close it when done. */
  readonly object: BpfObject;
  /** slot → program actually loaded. */
  readonly chosen: Readonly<Record<string, string>>;
  /** Optional slots with no working variant. */
  readonly missing: readonly string[];
  /** Every variant that failed before the working set was found. */
  readonly failures: readonly BpfVariantFailure[];
}

/**
 * Loads an object keeping, for each slot, the first variant that loads and attaches on this
 * kernel. A load failure that libbpf blames on a variant excludes that variant and retries with
 * a freshly opened object (libbpf cannot reload one); so does an attach failure. Fails with the
 * last error when a required slot has no variant left, or when the failure is not a variant's.
 */
export function loadWithFallbacks(plan: BpfLoadPlan): BpfLoaded {
  const excluded = new Set<string>(plan.exclude ?? []);
  const failures: BpfVariantFailure[] = [];
  const bySlot = new Map<string, BpfSlot>();
  for (const s of plan.slots) for (const v of s.variants) bySlot.set(v.program, s);
  const maxAttempts = bySlot.size + 1;

  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const chosen: Record<string, string> = {};
    const missing: string[] = [];
    for (const s of plan.slots) {
      const v = s.variants.find((x) => !excluded.has(x.program));
      if (v) chosen[s.name] = v.program;
      else if (s.optional) missing.push(s.name);
      else {
        const last = [...failures].reverse().find((f) => f.slot === s.name);
        throw new BpfError(
          'ERR_AINKA_BPF_UNAVAILABLE',
          `no variant of '${s.name}' in ${plan.path} works on this kernel: ${last?.message ?? 'no variants'}`,
          { errno: last?.errno, program: last?.program, attachPoint: last?.section },
        );
      }
    }
    const obj = BpfObject.open(plan.path);
    let failed: BpfVariantFailure | undefined;
    try {
      const wanted = new Set([...Object.values(chosen), ...(plan.run ?? [])]);
      for (const p of obj.programs()) obj.setAutoload(p.name, wanted.has(p.name));
      plan.configure?.(obj);
      failed = step(obj, 'load', () => obj.load(), bySlot);
      if (!failed && plan.attach !== false) {
        for (const program of Object.values(chosen)) {
          failed = step(obj, 'attach', () => obj.attach(program), bySlot, program);
          if (failed) break;
        }
      }
    } catch (err) {
      obj.close();
      throw err;
    }
    if (!failed) return { object: obj, chosen, missing, failures };
    obj.close();
    failures.push(failed);
    excluded.add(failed.program);
  }
  throw new BpfError('ERR_AINKA_BPF_UNAVAILABLE', `gave up loading ${plan.path} after ${maxAttempts} attempts`);
}

/** Runs one step; returns the failure when it is a variant's fault, rethrows otherwise. */
function step(obj: BpfObject, name: 'load' | 'attach', fn: () => void, bySlot: Map<string, BpfSlot>, program?: string): BpfVariantFailure | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    const e = BpfError.from(err);
    const blamed = program ?? e.program;
    const slot = blamed ? bySlot.get(blamed) : undefined;
    if (!blamed || !slot) throw e;
    const section = slot.variants.find((v) => v.program === blamed)?.section ?? '';
    void obj;
    return { slot: slot.name, program: blamed, section, step: name, code: e.code, errno: e.errno, message: e.message };
  }
}
