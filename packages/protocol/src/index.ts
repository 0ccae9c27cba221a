/**
 * `@ainka/protocol` — every wire format shared by the AINKA kernel module, the eBPF programs and
 * TypeScript, declared once as data, with codecs and the C generator.
 *
 * @packageDocumentation
 */
export { ProtocolError, type ProtocolErrorCode, type ProtocolErrorOptions } from './errors.js';
export { computeLayout, SCALAR_SIZE, type FieldLayout, type FieldSpec, type ScalarType, type StructLayout, type StructSpec } from './layout.js';
export { structCodec, type StructCodec, type StructFieldValue, type StructValue } from './structCodec.js';
export * from './spec/index.js';
export {
  concatBytes,
  decodeAttrs,
  decodeGenl,
  decodeNlmsgError,
  decodeNlmsgs,
  decodeNulString,
  encodeAttr,
  encodeGenl,
  encodeNlmsg,
  GENL_HDRLEN,
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  nlAlign,
  NLMSG_HDRLEN,
  NlmFlags,
  NlmsgerrAttr,
  NlmsgType,
  type GenlHeader,
  type NetlinkDecodeOptions,
  type NlMessage,
  type NlmsgError,
  type NlmsgHeader,
  type RawAttr,
} from './netlink.js';
export { attrKey, decodeAttrSet, encodeAttrSet, type AttrDecodeOptions, type AttrObject, type AttrValue, type UnknownAttr } from './genlAttrs.js';
export { AinkaCommand, decodeAinkaMessage, encodeAinkaRequest, operationById, operationByName, type AinkaMessage, type AinkaRequest } from './messages.js';
export { CtrlAttr, CtrlCmd, decodeFamilyReply, encodeGetFamily, GENL_ID_CTRL, type ResolvedFamily } from './nlctrl.js';
export { AinkaIoctl, ioctlNumber } from './ioctl.js';
export { decodeKernelRule, encodeKernelRule, KERNEL_RULE_SIZE, validateKernelRule, type KernelRule } from './rules.js';
export {
  decodeRingHeader,
  decodeSample,
  encodeSample,
  ringHeaderLayout,
  RingHeaderOffset,
  sampleLayout,
  SampleOffset,
  type KernelSample,
  type RingHeader,
} from './ring.js';
export { bpfRecordSize, decodeBpfRecord } from './bpfRecords.js';
export { renderFuzzSpec, renderGeneratedFiles, renderKernelGenHeader, renderKernelGenSource, renderLayoutProbe, renderUapiHeader } from './renderC.js';
