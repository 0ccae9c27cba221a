import { ProtocolError } from './errors.js';

/** A scalar C type used in the ABI. `char` arrays carry NUL-terminated strings. */
export type ScalarType = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'char';

/** One field of an ABI struct. */
export interface FieldSpec {
  /** snake_case C field name, e.g. `for_ms`. */
  readonly name: string;
  /** Scalar C type of the field (or of each element). */
  readonly type: ScalarType;
  /** Array length; absent for a scalar. `char` fields must be arrays. */
  readonly count?: number;
  /** Description, emitted as the C comment. */
  readonly doc: string;
  /** Inclusive bounds a validator enforces (scalars only). */
  readonly min?: number;
  /** Inclusive upper bound a validator enforces (scalars only). */
  readonly max?: number;
  /** Name of an {@link EnumSpec} whose values this field takes. */
  readonly enum?: string;
  /** Reserved fields must be zero on input and are ignored by readers. */
  readonly reserved?: boolean;
}

/** A fixed-size C struct shared by the kernel, the eBPF programs and TypeScript. */
export interface StructSpec {
  /** C name without `struct`, e.g. `ainka_rule`. */
  readonly name: string;
  /** Description, emitted as the C comment. */
  readonly doc: string;
  /** Fields in memory order; padding must be explicit (reserved fields). */
  readonly fields: readonly FieldSpec[];
  /** Declared size; the layout computation fails if the fields do not add up to it. */
  readonly size: number;
}

/** A field with its computed offset and size. */
export interface FieldLayout extends FieldSpec {
  /** Byte offset from the start of the struct. */
  readonly offset: number;
  /** Size of one element. */
  readonly elementSize: number;
  /** Size of the whole field (element size × count). */
  readonly size: number;
}

/** A struct with every field placed. */
export interface StructLayout {
  /** C name without `struct`. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Alignment in bytes (that of the widest scalar). */
  readonly align: number;
  /** Fields with their offsets, in memory order. */
  readonly fields: readonly FieldLayout[];
  /** Fields by C name. */
  readonly byName: ReadonlyMap<string, FieldLayout>;
}

/** Size in bytes of one scalar. */
export const SCALAR_SIZE: Readonly<Record<ScalarType, number>> = {
  u8: 1,
  s8: 1,
  char: 1,
  u16: 2,
  s16: 2,
  u32: 4,
  s32: 4,
  u64: 8,
  s64: 8,
};

/**
 * Places every field at its natural C alignment (as gcc does on x86-64 and as clang does for BPF)
 * and checks that the struct has no implicit padding: every gap must be an explicit reserved field,
 * so the layout means the same thing in every language that reads it.
 */
export function computeLayout(spec: StructSpec): StructLayout {
  let offset = 0;
  let align = 1;
  const fields: FieldLayout[] = [];
  for (const field of spec.fields) {
    const elementSize = SCALAR_SIZE[field.type];
    if (field.type === 'char' && field.count === undefined) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `field ${field.name} is a char and needs a count`, { what: `struct ${spec.name}` });
    }
    if (offset % elementSize !== 0) {
      throw new ProtocolError(
        'ERR_AINKA_PROTOCOL_MISALIGNED',
        `field ${field.name} would start at ${offset}, not a multiple of ${elementSize}: add an explicit reserved field before it`,
        { what: `struct ${spec.name}` },
      );
    }
    const size = elementSize * (field.count ?? 1);
    fields.push({ ...field, offset, elementSize, size });
    offset += size;
    align = Math.max(align, elementSize);
  }
  if (offset % align !== 0) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MISALIGNED', `size ${offset} has tail padding to ${align}: add an explicit reserved field`, {
      what: `struct ${spec.name}`,
    });
  }
  if (offset !== spec.size) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `fields add up to ${offset} bytes but the declared size is ${spec.size}`, {
      what: `struct ${spec.name}`,
    });
  }
  return { name: spec.name, size: offset, align, fields, byName: new Map(fields.map((f) => [f.name, f])) };
}
