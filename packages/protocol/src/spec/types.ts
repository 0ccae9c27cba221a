import type { StructSpec } from '../layout.js';

/** One named value of an ABI enum. */
export interface EnumValueSpec {
  /** Upper-case C suffix, e.g. `OBSERVE` → `AINKA_MODE_OBSERVE`. */
  readonly name: string;
  /** Numeric value on the wire and in C. */
  readonly value: number;
  /** One-sentence description, emitted as the C comment. */
  readonly doc: string;
}

/** An enum shared by C and TypeScript. */
export interface EnumSpec {
  /** C enum name, e.g. `ainka_mode`. */
  readonly name: string;
  /** C constant prefix, e.g. `AINKA_MODE_`. */
  readonly prefix: string;
  /** Description, emitted as the C comment above the enum. */
  readonly doc: string;
  /** The values, in declaration order. */
  readonly values: readonly EnumValueSpec[];
  /** Emit `<PREFIX>COUNT` after the last value. */
  readonly withCount?: boolean;
}

/** The attribute types of the generic netlink family, as in the kernel's YAML netlink specs. */
export type AttrType = 'u8' | 'u16' | 'u32' | 'u64' | 's32' | 's64' | 'flag' | 'string' | 'binary' | 'nest' | 'pad';

/** Validation the kernel policy (and the TypeScript encoder) applies to an attribute. */
export interface AttrChecks {
  /** Inclusive lower bound of a scalar value. */
  readonly min?: number;
  /** Inclusive upper bound of a scalar value. */
  readonly max?: number;
  /** Maximum string length without the terminating NUL. */
  readonly maxLen?: number;
}

/** One attribute of an attribute set. */
export interface AttrSpec {
  /** kebab-case name, e.g. `abi-version` → `AINKA_A_ABI_VERSION`, TS `abiVersion`. */
  readonly name: string;
  /** Attribute id (`nla_type`), unique in its set and starting at 1. */
  readonly value: number;
  /** Wire type of the payload. */
  readonly type: AttrType;
  /** Description, emitted as the C comment. */
  readonly doc: string;
  /** Bounds the kernel policy and the encoder enforce. */
  readonly checks?: AttrChecks;
  /** For `nest`: the attribute set inside. */
  readonly nestedSet?: string;
  /** For `binary`: the fixed-size struct carried. */
  readonly struct?: string;
  /** For scalars: the enum whose values this attribute takes. */
  readonly enum?: string;
  /** The attribute may appear several times; TypeScript sees an array. */
  readonly multiAttr?: boolean;
  /** Only the kernel sends it: a request carrying it is rejected. */
  readonly replyOnly?: boolean;
}

/** A set of attributes, i.e. one `enum` of attribute ids and one `nla_policy` table. */
export interface AttrSetSpec {
  /** Set name, e.g. `ainka` for the top-level set. */
  readonly name: string;
  /** C constant prefix, e.g. `AINKA_A_`. */
  readonly prefix: string;
  /** Description, emitted as the C comment. */
  readonly doc: string;
  /** The attributes, in id order. */
  readonly attributes: readonly AttrSpec[];
}

/** One generic netlink command. */
export interface OperationSpec {
  /** kebab-case name, e.g. `get-status` → `AINKA_CMD_GET_STATUS`, handler `ainka_nl_get_status_doit`. */
  readonly name: string;
  /** Command id (`genlmsghdr.cmd`). */
  readonly value: number;
  /** Description, emitted as the C comment. */
  readonly doc: string;
  /** Requires CAP_NET_ADMIN (`GENL_ADMIN_PERM`). */
  readonly adminPerm: boolean;
  /** `do`: request/response; `dump`: a multi-part reply; `notify`: kernel → multicast only. */
  readonly kind: 'do' | 'dump' | 'notify';
  /** Attributes the request may carry (top-level set). */
  readonly request: readonly string[];
  /** Attributes the request must carry. */
  readonly required?: readonly string[];
  /** Attributes the reply carries. */
  readonly reply: readonly string[];
}

/** A multicast group of the family. */
export interface McastGroupSpec {
  /** Group name as resolved through nlctrl, e.g. `events`. */
  readonly name: string;
  /** Joining needs CAP_NET_ADMIN (GENL_MCAST_CAP_NET_ADMIN): the events name tasks. */
  readonly adminPerm?: boolean;
  /** Description, emitted as the C comment. */
  readonly doc: string;
}

/** The generic netlink family. */
export interface FamilySpec {
  /** Family name as registered with the kernel (`ainka`). */
  readonly name: string;
  /** Family version sent in `genlmsghdr.version`. */
  readonly version: number;
  /** Description, emitted as the C comment. */
  readonly doc: string;
  /** The attribute set used at the top level of every message. */
  readonly topSet: string;
  /** Every attribute set, the top-level one included. */
  readonly attributeSets: readonly AttrSetSpec[];
  /** Every command, in id order. */
  readonly operations: readonly OperationSpec[];
  /** Multicast groups the kernel sends notifications on. */
  readonly mcastGroups: readonly McastGroupSpec[];
}

/** Direction of an ioctl, as `_IO`, `_IOR`, `_IOW`, `_IOWR`. */
export type IoctlDirection = 'none' | 'read' | 'write' | 'readwrite';

/** One ioctl on `/dev/ainka`. */
export interface IoctlSpec {
  /** Upper-case suffix: `GET_VERSION` → `AINKA_IOC_GET_VERSION`. */
  readonly name: string;
  /** Ioctl number within the `ioctlMagic` type. */
  readonly nr: number;
  /** Data direction, as seen from userspace. */
  readonly direction: IoctlDirection;
  /** The argument struct; absent for `none`. */
  readonly struct?: string;
  /** Description, emitted as the C comment. */
  readonly doc: string;
}

/** A named integer constant. */
export interface ConstantSpec {
  /** Upper-case C name, e.g. `AINKA_RING_MAGIC`. */
  readonly name: string;
  /** Value; a string is emitted as a C string literal. */
  readonly value: number | string;
  /** Description, emitted as the C comment. */
  readonly doc: string;
}

/** Every wire format AINKA's kernel module, eBPF programs and TypeScript share. */
export interface AbiSpec {
  /** `AINKA_ABI_VERSION`: bumped on any incompatible change. */
  readonly abiVersion: number;
  /** Named constants of the header. */
  readonly constants: readonly ConstantSpec[];
  /** Enums shared by C and TypeScript. */
  readonly enums: readonly EnumSpec[];
  /** Fixed-size structs shared by C and TypeScript. */
  readonly structs: readonly StructSpec[];
  /** The generic netlink family. */
  readonly family: FamilySpec;
  /** Ioctl type byte of `/dev/ainka` (the `_IOC` magic). */
  readonly ioctlMagic: number;
  /** Ioctls of `/dev/ainka`. */
  readonly ioctls: readonly IoctlSpec[];
}

/** The table {@link defineEnum} takes: upper-case name → `[value, doc]`. */
export type EnumTable = Readonly<Record<string, readonly [number, string]>>;

/** The union of a const object's values, e.g. `ValueOf<typeof Mode>` is `0 | 1`. */
export type ValueOf<T> = T[keyof T];

/** The TypeScript view of an enum: `{ OBSERVE: 0, ENFORCE: 1 }`. */
export type EnumValues<T extends EnumTable> = { readonly [K in keyof T]: T[K][0] };

/**
 * Declares an enum once and returns both its spec (for the C generator) and its TypeScript values.
 */
export function defineEnum<const T extends EnumTable>(
  name: string,
  prefix: string,
  doc: string,
  table: T,
  options: { withCount?: boolean } = {},
): {
  /** The spec, for the C header generator. */
  spec: EnumSpec;
  /** The TypeScript values, e.g. `{ OBSERVE: 0, ENFORCE: 1 }`. */
  values: EnumValues<T>;
} {
  const values = Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v[0]])) as EnumValues<T>;
  const spec: EnumSpec = {
    name,
    prefix,
    doc,
    values: Object.entries(table).map(([k, v]) => ({ name: k, value: v[0], doc: v[1] })),
    ...(options.withCount ? { withCount: true } : {}),
  };
  return { spec, values };
}
