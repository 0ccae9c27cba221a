import { ProtocolError } from './errors.js';
import { decodeAttrs, decodeGenl, decodeNulString, encodeAttr, encodeGenl, encodeNlmsg, NlmFlags } from './netlink.js';

/** The generic netlink controller's fixed family id. */
export const GENL_ID_CTRL = 0x10;
/** nlctrl commands. */
export const CtrlCmd = {
  /** Reply describing a family. */
  NEWFAMILY: 1,
  /** Request a family by name or id. */
  GETFAMILY: 3,
} as const;
/** nlctrl attributes. */
export const CtrlAttr = {
  /** Family id (u16). */
  FAMILY_ID: 1,
  /** Family name (string). */
  FAMILY_NAME: 2,
  /** Family version (u32). */
  VERSION: 3,
  /** Size of the family's user header (u32). */
  HDRSIZE: 4,
  /** Highest attribute id (u32). */
  MAXATTR: 5,
  /** Supported operations (nested). */
  OPS: 6,
  /** Multicast groups, each with a name and an id (nested). */
  MCAST_GROUPS: 7,
} as const;
const CtrlMcastAttr = { NAME: 1, ID: 2 } as const;

/** A generic netlink family as resolved through nlctrl. */
export interface ResolvedFamily {
  /** Family id to put in `nlmsghdr.type`. */
  readonly id: number;
  /** Family name. */
  readonly name: string;
  /** Family version the kernel registered. */
  readonly version: number;
  /** Highest attribute id of the family. */
  readonly maxAttr: number;
  /** Multicast group ids by name. */
  readonly mcastGroups: ReadonlyMap<string, number>;
}

/** Encodes CTRL_CMD_GETFAMILY for `name`. */
export function encodeGetFamily(name: string, seq: number): Uint8Array {
  const nameBytes = new TextEncoder().encode(`${name}\0`);
  const payload = encodeGenl({ cmd: CtrlCmd.GETFAMILY, version: 2 }, encodeAttr(CtrlAttr.FAMILY_NAME, nameBytes));
  return encodeNlmsg({ type: GENL_ID_CTRL, flags: NlmFlags.REQUEST | NlmFlags.ACK, seq, pid: 0 }, payload);
}

function u32(bytes: Uint8Array, what: string, offset: number): number {
  if (bytes.length < 4) throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', `expected 4 bytes, got ${bytes.length}`, { what, offset });
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

/** Decodes the CTRL_CMD_NEWFAMILY reply payload (after nlmsghdr). */
export function decodeFamilyReply(payload: Uint8Array): ResolvedFamily {
  const { attrs } = decodeGenl(payload);
  let id: number | undefined;
  let name = '';
  let version = 0;
  let maxAttr = 0;
  const groups = new Map<string, number>();
  for (const a of decodeAttrs(attrs, 4)) {
    if (a.type === CtrlAttr.FAMILY_ID) {
      if (a.payload.length < 2) throw new ProtocolError('ERR_AINKA_PROTOCOL_TRUNCATED', 'family id needs 2 bytes', { what: 'nlctrl', offset: a.offset });
      id = new DataView(a.payload.buffer, a.payload.byteOffset, 2).getUint16(0, true);
    } else if (a.type === CtrlAttr.FAMILY_NAME) name = decodeNulString(a.payload);
    else if (a.type === CtrlAttr.VERSION) version = u32(a.payload, 'nlctrl version', a.offset);
    else if (a.type === CtrlAttr.MAXATTR) maxAttr = u32(a.payload, 'nlctrl maxattr', a.offset);
    else if (a.type === CtrlAttr.MCAST_GROUPS) {
      for (const group of decodeAttrs(a.payload, a.offset + 4)) {
        let gname: string | undefined;
        let gid: number | undefined;
        for (const g of decodeAttrs(group.payload, group.offset + 4)) {
          if (g.type === CtrlMcastAttr.NAME) gname = decodeNulString(g.payload);
          else if (g.type === CtrlMcastAttr.ID) gid = u32(g.payload, 'mcast group id', g.offset);
        }
        if (gname !== undefined && gid !== undefined) groups.set(gname, gid);
      }
    }
  }
  if (id === undefined) throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', 'nlctrl reply has no family id', { what: 'nlctrl' });
  return { id, name, version, maxAttr, mcastGroups: groups };
}
