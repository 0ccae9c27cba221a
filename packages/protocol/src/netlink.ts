import { ProtocolError, hexByte } from './errors.js';

/** Size of struct nlmsghdr. */
export const NLMSG_HDRLEN = 16;
/** Size of struct genlmsghdr. */
export const GENL_HDRLEN = 4;
/** Size of struct nlattr. */
export const NLA_HDRLEN = 4;
/** Netlink alignment. */
export const NL_ALIGNTO = 4;

/** Message types every netlink protocol shares. */
export const NlmsgType = {
  /** Nothing; to be ignored. */
  NOOP: 1,
  /** An error or, with error 0, an ACK ({@link NlmsgError}). */
  ERROR: 2,
  /** End of a multi-part (dump) reply. */
  DONE: 3,
  /** Data was lost. */
  OVERRUN: 4,
} as const;
/** nlmsghdr.nlmsg_flags bits. */
export const NlmFlags = {
  /** The message is a request (every message sent to the kernel). */
  REQUEST: 0x1,
  /** Part of a multi-part reply, terminated by NLMSG_DONE. */
  MULTI: 0x2,
  /** Ask for an ACK (an NLMSG_ERROR with error 0) on success. */
  ACK: 0x4,
  /** Echo this request back to the sender. */
  ECHO: 0x8,
  /** A dump was inconsistent because the data changed during it. */
  DUMP_INTR: 0x10,
  /** The dump was filtered as requested. */
  DUMP_FILTERED: 0x20,
  /** In a GET request: return the whole table, not a single entry. */
  ROOT: 0x100,
  /** In a GET request: return every entry that matches. */
  MATCH: 0x200,
  /** In a GET request: `ROOT | MATCH`, a full dump. */
  DUMP: 0x300,
  /** In an ACK: the original payload was not echoed. */
  CAPPED: 0x100,
  /** In an ACK: extended ACK TLVs follow. */
  ACK_TLVS: 0x200,
} as const;
/** nlattr.nla_type flag bits. */
export const NLA_F_NESTED = 0x8000;
/** nlattr.nla_type flag: the payload is in network (big-endian) byte order. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** Mask of nlattr.nla_type without the flag bits: the attribute id. */
export const NLA_TYPE_MASK = 0x3fff;

/** Rounds up to the netlink alignment. */
export function nlAlign(len: number): number {
  return (len + NL_ALIGNTO - 1) & ~(NL_ALIGNTO - 1);
}

/** struct nlmsghdr. */
export interface NlmsgHeader {
  /** Total length including the header. Filled in by the encoder. */
  readonly length: number;
  /** Message type: a family id or an {@link NlmsgType} value. */
  readonly type: number;
  /** {@link NlmFlags} bits. */
  readonly flags: number;
  /** Sequence number, echoed in replies (u32). */
  readonly seq: number;
  /** Port id of the sender; 0 for the kernel. */
  readonly pid: number;
}

/** A framed netlink message: its header and a view of its payload. */
export interface NlMessage {
  /** The decoded nlmsghdr. */
  readonly header: NlmsgHeader;
  /** Bytes after the header, up to `header.length`. */
  readonly payload: Uint8Array;
  /** Offset of the header in the decoded buffer. */
  readonly offset: number;
}

/** Limits for decoders. */
export interface NetlinkDecodeOptions {
  /** Largest message accepted (default 1 MiB). */
  readonly maxMessageSize?: number;
}

/** Encodes one netlink message. */
export function encodeNlmsg(header: Omit<NlmsgHeader, 'length'>, payload: Uint8Array): Uint8Array {
  const length = NLMSG_HDRLEN + payload.length;
  const out = new Uint8Array(nlAlign(length));
  const view = new DataView(out.buffer);
  view.setUint32(0, length, true);
  view.setUint16(4, header.type, true);
  view.setUint16(6, header.flags, true);
  view.setUint32(8, header.seq >>> 0, true);
  view.setUint32(12, header.pid >>> 0, true);
  out.set(payload, NLMSG_HDRLEN);
  return out;
}

/**
 * Splits a datagram into netlink messages. Rejects a header that is cut short, a length smaller than
 * the header or larger than what remains, and trailing bytes that are not a whole message.
 */
export function decodeNlmsgs(bytes: Uint8Array, options: NetlinkDecodeOptions = {}): NlMessage[] {
  const max = options.maxMessageSize ?? 1 << 20;
  const messages: NlMessage[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < NLMSG_HDRLEN) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `${bytes.length - offset} bytes left, an nlmsghdr needs ${NLMSG_HDRLEN}`, {
        what: 'nlmsghdr',
        offset,
      });
    }
    const length = view.getUint32(offset, true);
    if (length < NLMSG_HDRLEN) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `nlmsg_len ${length} is smaller than the header (first byte ${hexByte(bytes[offset])})`, {
        what: 'nlmsghdr',
        offset,
      });
    }
    if (length > max) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `nlmsg_len ${length} exceeds the limit of ${max} bytes`, { what: 'nlmsghdr', offset });
    }
    if (length > bytes.length - offset) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `nlmsg_len ${length} but only ${bytes.length - offset} bytes remain`, {
        what: 'nlmsghdr',
        offset,
      });
    }
    const header: NlmsgHeader = {
      length,
      type: view.getUint16(offset + 4, true),
      flags: view.getUint16(offset + 6, true),
      seq: view.getUint32(offset + 8, true),
      pid: view.getUint32(offset + 12, true),
    };
    messages.push({ header, payload: bytes.subarray(offset + NLMSG_HDRLEN, offset + length), offset });
    const next = offset + nlAlign(length);
    if (next > bytes.length && next - bytes.length < NL_ALIGNTO && offset + length === bytes.length) break;
    offset = next;
  }
  return messages;
}

/** struct genlmsghdr. */
export interface GenlHeader {
  /** Command id. */
  readonly cmd: number;
  /** Family version. */
  readonly version: number;
}

/** Encodes genlmsghdr + attributes. */
export function encodeGenl(header: GenlHeader, attrs: Uint8Array): Uint8Array {
  const out = new Uint8Array(GENL_HDRLEN + attrs.length);
  out[0] = header.cmd;
  out[1] = header.version;
  out.set(attrs, GENL_HDRLEN);
  return out;
}

/** Decodes genlmsghdr and returns the attribute bytes after it. */
export function decodeGenl(payload: Uint8Array): {
  /** The decoded genlmsghdr. */
  header: GenlHeader;
  /** The attribute stream after the header, still encoded. */
  attrs: Uint8Array;
} {
  if (payload.length < GENL_HDRLEN) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `${payload.length} bytes, a genlmsghdr needs ${GENL_HDRLEN}`, { what: 'genlmsghdr', offset: 0 });
  }
  if (payload[2] !== 0 || payload[3] !== 0) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `reserved bytes are ${hexByte(payload[2])} ${hexByte(payload[3])}, must be zero`, {
      what: 'genlmsghdr',
      offset: 2,
    });
  }
  return { header: { cmd: payload[0]!, version: payload[1]! }, attrs: payload.subarray(GENL_HDRLEN) };
}

/** One raw attribute. */
export interface RawAttr {
  /** Type without the NESTED/NET_BYTEORDER flags. */
  readonly type: number;
  /** `NLA_F_NESTED` was set: the payload holds attributes. */
  readonly nested: boolean;
  /** `NLA_F_NET_BYTEORDER` was set: the payload is big-endian. */
  readonly netByteOrder: boolean;
  /** Payload, without the attribute header or padding. */
  readonly payload: Uint8Array;
  /** Offset of the attribute header in the decoded stream. */
  readonly offset: number;
}

/** Encodes one attribute (header + payload + padding). */
export function encodeAttr(type: number, payload: Uint8Array, flags = 0): Uint8Array {
  const length = NLA_HDRLEN + payload.length;
  if (length > 0xffff) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_OVERSIZE', `attribute ${type} payload of ${payload.length} bytes exceeds 65531`, { what: 'nlattr' });
  }
  const out = new Uint8Array(nlAlign(length));
  const rawType = ((type & NLA_TYPE_MASK) | flags) & 0xffff;
  out[0] = length & 0xff;
  out[1] = length >>> 8;
  out[2] = rawType & 0xff;
  out[3] = rawType >>> 8;
  out.set(payload, NLA_HDRLEN);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Splits an attribute stream. `base` is added to reported offsets so errors point into the whole
 * message. Rejects a header cut short, nla_len < 4, nla_len past the end, and 1–3 stray trailing bytes.
 */
export function decodeAttrs(bytes: Uint8Array, base = 0): RawAttr[] {
  const attrs: RawAttr[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    const left = bytes.length - offset;
    if (left < NLA_HDRLEN) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MISALIGNED', `${left} stray byte(s) after the last attribute (first ${hexByte(bytes[offset])})`, {
        what: 'nlattr',
        offset: base + offset,
      });
    }
    const length = view.getUint16(offset, true);
    const rawType = view.getUint16(offset + 2, true);
    if (length < NLA_HDRLEN) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `nla_len ${length} is smaller than the attribute header`, {
        what: 'nlattr',
        offset: base + offset,
      });
    }
    if (length > left) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `nla_len ${length} but only ${left} bytes remain`, { what: 'nlattr', offset: base + offset });
    }
    attrs.push({
      type: rawType & NLA_TYPE_MASK,
      nested: (rawType & NLA_F_NESTED) !== 0,
      netByteOrder: (rawType & NLA_F_NET_BYTEORDER) !== 0,
      payload: bytes.subarray(offset + NLA_HDRLEN, offset + length),
      offset: base + offset,
    });
    offset += nlAlign(length);
  }
  return attrs;
}

/** Extended-ACK attribute ids (NLMSGERR_ATTR_*). */
export const NlmsgerrAttr = {
  /** Error message string. */
  MSG: 1,
  /** Offset of the offending attribute in the request (u32). */
  OFFS: 2,
  /** Arbitrary cookie set by the kernel. */
  COOKIE: 3,
  /** The policy the offending attribute violated (nested). */
  POLICY: 4,
  /** Type of a required attribute that was missing (u32). */
  MISS_TYPE: 5,
  /** Offset of the nest the missing attribute should be in (u32). */
  MISS_NEST: 6,
} as const;

/** A decoded NLMSG_ERROR: an ACK when `error` is 0. */
export interface NlmsgError {
  /** Negative errno, or 0 for an ACK. */
  readonly error: number;
  /** Header of the request this answers. */
  readonly request: NlmsgHeader;
  /** Extended ACK message, when the kernel gave one. */
  readonly message?: string;
  /** Byte offset of the offending attribute in the request, when given. */
  readonly badAttributeOffset?: number;
  /** Type of a missing attribute, when given. */
  readonly missingType?: number;
}

/** Decodes the payload of an NLMSG_ERROR message (with or without echoed request and extack TLVs). */
export function decodeNlmsgError(payload: Uint8Array, flags: number): NlmsgError {
  if (payload.length < 4 + NLMSG_HDRLEN) {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `${payload.length} bytes, nlmsgerr needs ${4 + NLMSG_HDRLEN}`, { what: 'nlmsgerr', offset: 0 });
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const error = view.getInt32(0, true);
  const request: NlmsgHeader = {
    length: view.getUint32(4, true),
    type: view.getUint16(8, true),
    flags: view.getUint16(10, true),
    seq: view.getUint32(12, true),
    pid: view.getUint32(16, true),
  };
  let at = 4 + NLMSG_HDRLEN;
  if (error !== 0 && (flags & NlmFlags.CAPPED) === 0) {
    at = 4 + nlAlign(request.length);
  }
  const result: { -readonly [K in keyof NlmsgError]: NlmsgError[K] } = { error, request };
  if ((flags & NlmFlags.ACK_TLVS) !== 0 && at < payload.length) {
    for (const attr of decodeAttrs(payload.subarray(at), at)) {
      const av = new DataView(attr.payload.buffer, attr.payload.byteOffset, attr.payload.byteLength);
      if (attr.type === NlmsgerrAttr.MSG) result.message = decodeNulString(attr.payload);
      else if (attr.type === NlmsgerrAttr.OFFS && attr.payload.length >= 4) result.badAttributeOffset = av.getUint32(0, true);
      else if (attr.type === NlmsgerrAttr.MISS_TYPE && attr.payload.length >= 4) result.missingType = av.getUint32(0, true);
    }
  }
  return result;
}

const decoder = new TextDecoder();
/** Decodes a string attribute, dropping the terminating NUL. */
export function decodeNulString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decoder.decode(nul === -1 ? bytes : bytes.subarray(0, nul));
}
