import { ProtocolError, hexByte } from './errors.js';
import { computeLayout, type FieldLayout, type StructLayout, type StructSpec } from './layout.js';

/** A decoded field value: 8–32-bit scalars are numbers, 64-bit scalars bigints, char arrays strings. */
export type StructFieldValue = number | bigint | string | readonly number[] | readonly bigint[];

/** A decoded struct, keyed by C field name. */
export type StructValue = Readonly<Record<string, StructFieldValue>>;

/** Encoder and decoder of one fixed-size struct, little-endian as on every AINKA target. */
export interface StructCodec {
  /** The computed layout the codec reads and writes. */
  readonly layout: StructLayout;
  /** Encodes `value`; missing fields (and reserved ones) are written as zero. */
  encode(value: Partial<Record<string, StructFieldValue>>): Uint8Array;
  /** Decodes one struct at `offset`; throws {@link ProtocolError} on truncated input or non-zero reserved bytes. */
  decode(bytes: Uint8Array, offset?: number): StructValue;
}

function readScalar(view: DataView, f: FieldLayout, at: number): number | bigint {
  switch (f.type) {
    case 'u8':
    case 'char':
      return view.getUint8(at);
    case 's8':
      return view.getInt8(at);
    case 'u16':
      return view.getUint16(at, true);
    case 's16':
      return view.getInt16(at, true);
    case 'u32':
      return view.getUint32(at, true);
    case 's32':
      return view.getInt32(at, true);
    case 'u64':
      return view.getBigUint64(at, true);
    case 's64':
      return view.getBigInt64(at, true);
  }
}

const NARROW_RANGES: Record<string, readonly [number, number]> = {
  u8: [0, 0xff],
  char: [0, 0xff],
  s8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  s16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  s32: [-0x80000000, 0x7fffffff],
};
const WIDE_RANGES: Record<string, readonly [bigint, bigint]> = {
  u64: [0n, 0xffffffffffffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

function outOfRange(f: FieldLayout, value: number | bigint, path: string): ProtocolError {
  return new ProtocolError('ERR_AINKA_PROTOCOL_OUT_OF_RANGE', `${String(value)} does not fit ${f.type}`, { what: path, path });
}

function writeScalar(view: DataView, f: FieldLayout, at: number, value: number | bigint, path: string): void {
  if (f.elementSize === 8) {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw outOfRange(f, value, path);
    const big = BigInt(value);
    const range = WIDE_RANGES[f.type]!;
    if (big < range[0] || big > range[1]) throw outOfRange(f, value, path);
    view.setBigUint64(at, BigInt.asUintN(64, big), true);
    return;
  }
  // 8–32-bit fields stay in plain numbers: no BigInt on the hot path.
  const n = typeof value === 'bigint' ? Number(value) : value;
  const range = NARROW_RANGES[f.type]!;
  if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw outOfRange(f, value, path);
  if (f.elementSize === 1) view.setUint8(at, n & 0xff);
  else if (f.elementSize === 2) view.setUint16(at, n & 0xffff, true);
  else view.setUint32(at, n >>> 0, true);
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });
const textEncoder = new TextEncoder();

/** Builds the codec of a struct from its spec. The layout is computed (and checked) once. */
export function structCodec(spec: StructSpec): StructCodec {
  const layout = computeLayout(spec);
  const what = `struct ${spec.name}`;
  const paths = new Map(layout.fields.map((f) => [f.name, `${spec.name}.${f.name}`]));
  return {
    layout,
    encode(value) {
      const out = new Uint8Array(layout.size);
      const view = new DataView(out.buffer);
      for (const f of layout.fields) {
        const v = value[f.name];
        if (v === undefined || f.reserved) continue;
        const path = paths.get(f.name)!;
        if (f.type === 'char') {
          if (typeof v !== 'string') throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected a string`, { what: path, path });
          const bytes = textEncoder.encode(v);
          if (bytes.length >= f.size) {
            throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `string of ${bytes.length} bytes does not fit ${f.size - 1} + NUL`, { what: path, path });
          }
          out.set(bytes, f.offset);
        } else if (f.count !== undefined) {
          if (!Array.isArray(v) || v.length > f.count) {
            throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected an array of at most ${f.count}`, { what: path, path });
          }
          (v as readonly (number | bigint)[]).forEach((item, i) => writeScalar(view, f, f.offset + i * f.elementSize, item, `${path}[${i}]`));
        } else {
          if (typeof v !== 'number' && typeof v !== 'bigint') {
            throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected a number`, { what: path, path });
          }
          writeScalar(view, f, f.offset, v, path);
        }
      }
      return out;
    },
    decode(bytes, offset = 0) {
      if (!Number.isInteger(offset) || offset < 0) {
        throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `bad offset ${offset}`, { what });
      }
      if (bytes.length - offset < layout.size) {
        throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `need ${layout.size} bytes, have ${Math.max(0, bytes.length - offset)}`, { what, offset });
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, layout.size);
      const result: Record<string, StructFieldValue> = {};
      for (const f of layout.fields) {
        if (f.reserved) {
          for (let i = 0; i < f.size; i++) {
            const b = view.getUint8(f.offset + i);
            if (b !== 0) {
              throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `reserved field ${f.name} holds ${hexByte(b)}, must be zero`, {
                what,
                offset: offset + f.offset + i,
                path: f.name,
              });
            }
          }
          continue;
        }
        if (f.type === 'char') {
          const raw = bytes.subarray(offset + f.offset, offset + f.offset + f.size);
          const nul = raw.indexOf(0);
          result[f.name] = textDecoder.decode(nul === -1 ? raw : raw.subarray(0, nul));
        } else if (f.count !== undefined) {
          const items: (number | bigint)[] = [];
          for (let i = 0; i < f.count; i++) items.push(readScalar(view, f, f.offset + i * f.elementSize));
          result[f.name] = items as readonly number[] | readonly bigint[];
        } else {
          result[f.name] = readScalar(view, f, f.offset);
        }
      }
      return result;
    },
  };
}
