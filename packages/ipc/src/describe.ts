import { abi, computeLayout, decodeAttrs, family, GENL_HDRLEN, NLMSG_HDRLEN, type AttrSpec } from '@ainka/protocol';

const top = family.attributeSets.find((s) => s.name === family.topSet)!;
const byValue = new Map<number, AttrSpec>(top.attributes.map((a) => [a.value, a]));
const layouts = new Map(abi.structs.map((s) => [s.name, computeLayout(s)]));

/** The name of a top-level AINKA attribute type, e.g. 3 → `mode`. */
export function attributeName(type: number): string | undefined {
  return byValue.get(type)?.name;
}

/**
 * Names the attribute at byte `offset` of an encoded AINKA request (the offset an extack reports):
 * `mode`, `policy-rule[3]`, or `policy-rule[3].threshold` when it points inside a struct.
 */
export function describeRequestOffset(request: Uint8Array, offset: number): string | undefined {
  const start = NLMSG_HDRLEN + GENL_HDRLEN;
  if (request.length < start || offset < start) return undefined;
  const length = Math.min(request.length, new DataView(request.buffer, request.byteOffset, 4).getUint32(0, true));
  let attrs;
  try {
    attrs = decodeAttrs(request.subarray(start, length), start);
  } catch {
    return undefined;
  }
  const seen = new Map<number, number>();
  for (const a of attrs) {
    const index = seen.get(a.type) ?? 0;
    seen.set(a.type, index + 1);
    const end = a.offset + 4 + a.payload.length;
    if (offset < a.offset || offset >= Math.max(end, a.offset + 4)) continue;
    const spec = byValue.get(a.type);
    if (!spec) return `attribute type ${a.type}`;
    const name = spec.multiAttr ? `${spec.name}[${index}]` : spec.name;
    const inner = offset - (a.offset + 4);
    const layout = spec.struct ? layouts.get(spec.struct) : undefined;
    if (inner >= 0 && layout) {
      const field = layout.fields.find((f) => inner >= f.offset && inner < f.offset + f.size);
      if (field) return `${name}.${field.name}`;
    }
    return name;
  }
  return undefined;
}
