import { ProtocolError } from './errors.js';
import { attrKey, decodeAttrSet, encodeAttrSet, type AttrDecodeOptions, type AttrObject } from './genlAttrs.js';
import { decodeGenl, encodeGenl, encodeNlmsg, NlmFlags } from './netlink.js';
import { family } from './spec/netlink.js';
import type { OperationSpec } from './spec/types.js';

/** AINKA command ids by kebab-case name, e.g. `AinkaCommand['get-status']`. */
export const AinkaCommand: Readonly<Record<string, number>> = Object.fromEntries(family.operations.map((op) => [op.name, op.value]));

/** Request attributes each command accepts and requires, as camelCase keys, computed once. */
const requestKeys = new Map(
  family.operations.map((op) => [op.name, { allowed: new Set(op.request.map(attrKey)), required: (op.required ?? []).map(attrKey) }]),
);

/** The operation spec of a command id, or undefined. */
export function operationById(cmd: number): OperationSpec | undefined {
  return family.operations.find((op) => op.value === cmd);
}

/** The operation spec of a command name; throws on an unknown name. */
export function operationByName(name: string): OperationSpec {
  const op = family.operations.find((o) => o.name === name);
  if (!op) throw new ProtocolError('ERR_AINKA_PROTOCOL_UNKNOWN', `no AINKA command named ${name}`, { what: 'command' });
  return op;
}

/** A request to the AINKA family. */
export interface AinkaRequest {
  /** Family id resolved through nlctrl. */
  readonly familyId: number;
  /** Command name, e.g. `set-mode`. */
  readonly command: string;
  /** Top-level attributes by camelCase name; checked against the command's request set. */
  readonly attrs?: AttrObject;
  /** Sequence number echoed in the reply (u32). */
  readonly seq: number;
  /** Port id of the sender (default 0: let the kernel fill it in). */
  readonly pid?: number;
  /** Ask for an ACK (default true for `do` commands). */
  readonly ack?: boolean;
}

/**
 * Encodes a complete request (nlmsghdr + genlmsghdr + attributes). The attributes are checked against
 * what the command accepts, so a request the kernel would reject is refused here first.
 */
export function encodeAinkaRequest(request: AinkaRequest): Uint8Array {
  const op = operationByName(request.command);
  if (op.kind === 'notify') {
    throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `${op.name} is a notification and cannot be sent`, { what: 'command' });
  }
  const attrs = request.attrs ?? {};
  const { allowed, required: requiredKeys } = requestKeys.get(op.name)!;
  for (const key of Object.keys(attrs)) {
    if (attrs[key] !== undefined && !allowed.has(key)) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `${op.name} does not take attribute ${key}`, { what: `${op.name}.${key}`, path: key });
    }
  }
  for (const key of requiredKeys) {
    if (attrs[key] === undefined) {
      throw new ProtocolError('ERR_AINKA_PROTOCOL_MALFORMED', `${op.name} requires attribute ${key}`, { what: `${op.name}.${key}`, path: key });
    }
  }
  let flags: number = NlmFlags.REQUEST;
  if (op.kind === 'dump') flags |= NlmFlags.DUMP;
  if (request.ack ?? op.kind === 'do') flags |= NlmFlags.ACK;
  const payload = encodeGenl({ cmd: op.value, version: family.version }, encodeAttrSet(family.topSet, attrs));
  return encodeNlmsg({ type: request.familyId, flags, seq: request.seq, pid: request.pid ?? 0 }, payload);
}

/** A decoded AINKA message (reply, dump part or notification). */
export interface AinkaMessage {
  /** Command name, e.g. `get-status`. */
  readonly command: string;
  /** Numeric command id. */
  readonly cmd: number;
  /** Family version the sender used. */
  readonly version: number;
  /** Decoded top-level attributes by camelCase name. */
  readonly attrs: AttrObject;
}

/** Decodes the payload of an AINKA netlink message (after nlmsghdr). */
export function decodeAinkaMessage(payload: Uint8Array, options: AttrDecodeOptions = {}): AinkaMessage {
  const { header, attrs } = decodeGenl(payload);
  const op = operationById(header.cmd);
  if (!op) throw new ProtocolError('ERR_AINKA_PROTOCOL_UNKNOWN', `command id ${header.cmd} is not an AINKA command`, { what: 'genlmsghdr', offset: 0 });
  return { command: op.name, cmd: header.cmd, version: header.version, attrs: decodeAttrSet(family.topSet, attrs, options, 4) };
}
