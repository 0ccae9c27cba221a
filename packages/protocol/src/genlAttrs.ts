import { ProtocolError } from './errors.js';
import { concatBytes, decodeAttrs, decodeNulString, encodeAttr, NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK, nlAlign } from './netlink.js';
import { abi } from './spec/index.js';
import type { AttrSetSpec, AttrSpec } from './spec/types.js';
import { structCodec, type StructCodec, type StructValue } from './structCodec.js';

/** A decoded attribute value. */
export type AttrValue = number | bigint | boolean | string | Uint8Array | StructValue | AttrObject | readonly AttrValue[];

/** Attributes keyed by camelCase name (`abi-version` → `abiVersion`). */
export interface AttrObject {
  readonly [name: string]: AttrValue | undefined;
}

/** Unknown attributes kept by a non-strict decode. */
export interface UnknownAttr {
  /** Attribute id the spec does not know. */
  readonly type: number;
  /** Raw payload, without the attribute header. */
  readonly payload: Uint8Array;
}

/** Options for {@link decodeAttrSet}. */
export interface AttrDecodeOptions {
  /** Reject attribute ids the set does not define (default true). When false they are kept in `$unknown`. */
  readonly strict?: boolean;
}

/** kebab-case → camelCase. */
export function attrKey(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const structCodecs = new Map<string, StructCodec>(abi.structs.map((s) => [s.name, structCodec(s)]));
const enumMax = new Map<string, number>(abi.enums.map((e) => [e.name, Math.max(...e.values.map((v) => v.value))]));

/** An attribute with everything the codecs need precomputed once at load. */
interface CompiledAttr {
  readonly spec: AttrSpec;
  readonly key: string;
  /** Inclusive bounds from checks or the enum, when any. */
  readonly min: number | undefined;
  readonly max: number | undefined;
  /** Payload bytes of a scalar type, undefined for the others. */
  readonly width: number | undefined;
}

/** An attribute set indexed both ways. */
interface CompiledSet {
  readonly spec: AttrSetSpec;
  readonly byKey: ReadonlyMap<string, CompiledAttr>;
  readonly byId: ReadonlyMap<number, CompiledAttr>;
}

const SCALAR_BYTES: Partial<Record<AttrSpec['type'], number>> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4, s64: 8 };

const compiledSets = new Map<string, CompiledSet>(
  abi.family.attributeSets.map((set) => {
    const attrs = set.attributes.map((spec): CompiledAttr => ({
      spec,
      key: attrKey(spec.name),
      min: spec.checks?.min,
      max: spec.checks?.max ?? (spec.enum ? enumMax.get(spec.enum) : undefined),
      width: SCALAR_BYTES[spec.type],
    }));
    return [set.name, { spec: set, byKey: new Map(attrs.map((a) => [a.key, a])), byId: new Map(attrs.map((a) => [a.spec.value, a])) }];
  }),
);

function compiledSet(name: string): CompiledSet {
  const set = compiledSets.get(name);
  if (!set) throw new ProtocolError('ERR_AINKA_PROTOCOL_UNKNOWN', `no attribute set named ${name}`, { what: 'attribute set' });
  return set;
}

const NARROW_RANGE: Partial<Record<AttrSpec['type'], readonly [number, number]>> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  s32: [-0x80000000, 0x7fffffff],
};
const SCALAR_RANGE: Partial<Record<AttrSpec['type'], readonly [bigint, bigint]>> = {
  u64: [0n, 0xffffffffffffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

function checkBounds(attr: CompiledAttr, value: number | bigint, path: string, offset?: number): void {
  const { min, max } = attr;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_OUT_OF_RANGE', `${value} is outside [${min ?? '-'}, ${max ?? '-'}]`, {
      what: path,
      path,
      ...(offset === undefined ? {} : { offset }),
    });
  }
}

const textEncoder = new TextEncoder();

function encodeOne(attr: CompiledAttr, value: AttrValue, path: string): Uint8Array {
  const spec = attr.spec;
  const width = SCALAR_BYTES[spec.type];
  if (width !== undefined) {
    if (typeof value !== 'number' && typeof value !== 'bigint') {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected a number, got ${typeof value}`, { what: path, path });
    }
    if (typeof value === 'number' && !Number.isInteger(value)) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected an integer, got ${value}`, { what: path, path });
    }
    const payload = new Uint8Array(width);
    const view = new DataView(payload.buffer);
    if (width === 8) {
      const big = BigInt(value);
      const range = SCALAR_RANGE[spec.type]!;
      if (big < range[0] || big > range[1]) {
        throw new ProtocolError('ERR_AINKA_PROTOCOL_OUT_OF_RANGE', `${big} does not fit ${spec.type}`, { what: path, path });
      }
      checkBounds(attr, big, path);
      view.setBigUint64(0, BigInt.asUintN(64, big), true);
    } else {
      // 8–32-bit attributes stay in plain numbers.
      const n = Number(value);
      const range = NARROW_RANGE[spec.type]!;
      if (n < range[0] || n > range[1]) {
        throw new ProtocolError('ERR_AINKA_PROTOCOL_OUT_OF_RANGE', `${n} does not fit ${spec.type}`, { what: path, path });
      }
      checkBounds(attr, n, path);
      if (width === 1) view.setUint8(0, n);
      else if (width === 2) view.setUint16(0, n, true);
      else view.setUint32(0, n >>> 0, true);
    }
    return encodeAttr(spec.value, payload);
  }
  switch (spec.type) {
    case 'flag':
      if (value !== true) throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `a flag is encoded only as true`, { what: path, path });
      return encodeAttr(spec.value, new Uint8Array(0));
    case 'string': {
      if (typeof value !== 'string') throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected a string`, { what: path, path });
      const bytes = textEncoder.encode(value);
      const maxLen = spec.checks?.maxLen;
      if (maxLen !== undefined && bytes.length > maxLen) {
        throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `string of ${bytes.length} bytes exceeds ${maxLen}`, { what: path, path });
      }
      const payload = new Uint8Array(bytes.length + 1);
      payload.set(bytes);
      return encodeAttr(spec.value, payload);
    }
    case 'binary': {
      if (spec.struct) {
        const codec = structCodecs.get(spec.struct)!;
        if (value instanceof Uint8Array) {
          if (value.length !== codec.layout.size) {
            throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `struct ${spec.struct} is ${codec.layout.size} bytes, got ${value.length}`, { what: path, path });
          }
          return encodeAttr(spec.value, value);
        }
        return encodeAttr(spec.value, codec.encode(value as StructValue));
      }
      if (!(value instanceof Uint8Array)) throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected bytes`, { what: path, path });
      return encodeAttr(spec.value, value);
    }
    case 'nest':
      return encodeAttr(spec.value, encodeAttrSet(spec.nestedSet!, value as AttrObject, path), NLA_F_NESTED);
    default:
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `attribute type ${spec.type} cannot be encoded`, { what: path, path });
  }
}

/**
 * Encodes a multi-attr binary attribute whose items are all byte arrays into one buffer (one
 * allocation instead of one per item), with exactly the checks encodeOne + encodeAttr apply per item,
 * in the same order. Returns undefined when an item is not a Uint8Array (the generic path handles it).
 */
function encodeBinaryItems(attr: CompiledAttr, items: readonly AttrValue[], path: string): Uint8Array | undefined {
  const spec = attr.spec;
  const size = spec.struct ? structCodecs.get(spec.struct)!.layout.size : undefined;
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!(item instanceof Uint8Array)) return undefined;
    if (size !== undefined && item.length !== size) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `struct ${spec.struct} is ${size} bytes, got ${item.length}`, { what: `${path}[${i}]`, path: `${path}[${i}]` });
    }
    if (NLA_HDRLEN + item.length > 0xffff) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `attribute ${spec.value} payload of ${item.length} bytes exceeds 65531`, { what: 'nlattr' });
    }
    total += nlAlign(NLA_HDRLEN + item.length);
  }
  const out = new Uint8Array(total);
  const type = spec.value & NLA_TYPE_MASK;
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Uint8Array;
    const length = NLA_HDRLEN + item.length;
    out[at] = length & 0xff;
    out[at + 1] = length >>> 8;
    out[at + 2] = type & 0xff;
    out[at + 3] = type >>> 8;
    out.set(item, at + NLA_HDRLEN);
    at += nlAlign(length);
  }
  return out;
}

/**
 * Encodes an object as the attributes of `setName`. Unknown keys, out-of-range values and oversize
 * strings are rejected before anything is sent.
 */
export function encodeAttrSet(setName: string, value: AttrObject, pathPrefix = setName): Uint8Array {
  const set = compiledSet(setName);
  const parts: Uint8Array[] = [];
  for (const key in value) {
    const v = value[key];
    if (v === undefined || key === '$unknown') continue;
    const attr = set.byKey.get(key);
    const path = `${pathPrefix}.${key}`;
    if (!attr || attr.spec.type === 'pad') {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_UNKNOWN', `attribute set ${setName} has no attribute ${key}`, { what: path, path });
    }
    if (attr.spec.multiAttr) {
      if (!Array.isArray(v)) throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `expected an array`, { what: path, path });
      const items = v as readonly AttrValue[];
      const packed = attr.spec.type === 'binary' ? encodeBinaryItems(attr, items, path) : undefined;
      if (packed) parts.push(packed);
      else for (let i = 0; i < items.length; i++) parts.push(encodeOne(attr, items[i]!, `${path}[${i}]`));
    } else {
      parts.push(encodeOne(attr, v, path));
    }
  }
  return concatBytes(parts);
}

function decodeOne(attr: CompiledAttr, payload: Uint8Array, offset: number, pathPrefix: string, options: AttrDecodeOptions): AttrValue {
  const spec = attr.spec;
  const width = attr.width;
  if (width !== undefined) {
    if (payload.length !== width) {
      const path = `${pathPrefix}.${attr.key}`;
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `${spec.type} attribute has ${payload.length} payload bytes, expected ${width}`, {
        what: path,
        path,
        offset,
      });
    }
    let value: number | bigint;
    // 8–32-bit scalars are assembled from the bytes (little-endian) without a DataView.
    if (width === 1) value = payload[0]!;
    else if (width === 2) value = payload[0]! | (payload[1]! << 8);
    else if (width === 4) {
      const word = payload[0]! | (payload[1]! << 8) | (payload[2]! << 16) | (payload[3]! << 24);
      value = spec.type === 's32' ? word : word >>> 0;
    } else {
      const view = new DataView(payload.buffer, payload.byteOffset, 8);
      value = spec.type === 'u64' ? view.getBigUint64(0, true) : view.getBigInt64(0, true);
    }
    if ((attr.min !== undefined && value < attr.min) || (attr.max !== undefined && value > attr.max)) checkBounds(attr, value, `${pathPrefix}.${attr.key}`, offset);
    return value;
  }
  switch (spec.type) {
    case 'flag':
      if (payload.length !== 0) {
        const path = `${pathPrefix}.${attr.key}`;
        throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `flag attribute carries ${payload.length} bytes`, { what: path, path, offset });
      }
      return true;
    case 'string': {
      const maxLen = spec.checks?.maxLen;
      const s = decodeNulString(payload);
      if (maxLen !== undefined && s.length > maxLen) {
        const path = `${pathPrefix}.${attr.key}`;
        throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `string of ${s.length} bytes exceeds ${maxLen}`, { what: path, path, offset });
      }
      return s;
    }
    case 'binary':
      if (spec.struct) {
        const codec = structCodecs.get(spec.struct)!;
        if (payload.length !== codec.layout.size) {
          const path = `${pathPrefix}.${attr.key}`;
          const code = payload.length < codec.layout.size ? 'ERR_AINKA_PROTOCOL_TRUNCATED' : 'ERR_AINKA_PROTOCOL_OVERSIZE';
          throw new ProtocolError(code, `struct ${spec.struct} needs exactly ${codec.layout.size} bytes, got ${payload.length}`, {
            what: path,
            path,
            offset,
          });
        }
        return codec.decode(payload);
      }
      return payload.slice();
    case 'nest':
      return decodeAttrSet(spec.nestedSet!, payload, options, offset + 4, `${pathPrefix}.${attr.key}`);
    default:
      return payload.slice();
  }
}

/**
 * Decodes an attribute stream as `setName`. Every value is checked against the declared type, size
 * and bounds. With `strict` (the default) an unknown attribute id is an error naming its offset.
 */
export function decodeAttrSet(
  setName: string,
  bytes: Uint8Array,
  options: AttrDecodeOptions = {},
  base = 0,
  pathPrefix = setName,
): AttrObject {
  const strict = options.strict ?? true;
  const set = compiledSet(setName);
  const result: Record<string, AttrValue> = {};
  const unknown: UnknownAttr[] = [];
  for (const raw of decodeAttrs(bytes, base)) {
    const attr = set.byId.get(raw.type);
    if (!attr) {
      if (strict) {
        throw new ProtocolError('ERR_AINKA_PROTOCOL_UNKNOWN', `attribute id ${raw.type} is not in set ${setName}`, { what: pathPrefix, offset: raw.offset });
      }
      unknown.push({ type: raw.type, payload: raw.payload.slice() });
      continue;
    }
    if (attr.spec.type === 'pad') continue;
    const key = attr.key;
    const value = decodeOne(attr, raw.payload, raw.offset, pathPrefix, options);
    if (attr.spec.multiAttr) {
      const list = (result[key] as AttrValue[] | undefined) ?? [];
      list.push(value);
      result[key] = list;
    } else {
      if (key in result) {
        const path = `${pathPrefix}.${key}`;
        throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `attribute ${key} appears twice`, { what: path, path, offset: raw.offset });
      }
      result[key] = value;
    }
  }
  if (unknown.length > 0) result.$unknown = unknown as unknown as AttrValue;
  return result;
}
