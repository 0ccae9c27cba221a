import type { FamilySpec } from './types.js';

/** Name of the generic netlink family. */
export const FAMILY_NAME = 'ainka';
/** Version carried in genlmsghdr.version. */
export const FAMILY_VERSION = 1;
/** Name of the multicast group carrying events. */
export const MCAST_GROUP_EVENTS = 'events';

/**
 * The `ainka` generic netlink family, shaped like the kernel's YAML netlink specs
 * (Documentation/netlink/specs): attribute sets, operations, multicast groups.
 */
export const family: FamilySpec = {
  name: FAMILY_NAME,
  version: FAMILY_VERSION,
  doc: 'Control and events of the AINKA kernel module.',
  topSet: 'ainka',
  mcastGroups: [{ name: MCAST_GROUP_EVENTS, adminPerm: true, doc: 'State changes, policy hits, actions (with target pid and comm), watchdog fallbacks and requests; joining needs CAP_NET_ADMIN.' }],
  attributeSets: [
    {
      name: 'ainka',
      prefix: 'AINKA_A_',
      doc: 'Top-level attributes of every AINKA message.',
      attributes: [
        { name: 'abi-version', value: 1, type: 'u32', doc: 'AINKA_ABI_VERSION of the module.', replyOnly: true },
        { name: 'version', value: 2, type: 'string', doc: 'Module version string.', checks: { maxLen: 31 }, replyOnly: true },
        { name: 'mode', value: 3, type: 'u8', doc: 'enum ainka_mode.', enum: 'ainka_mode', checks: { min: 0, max: 1 } },
        { name: 'state', value: 4, type: 'u8', doc: 'enum ainka_state.', enum: 'ainka_state', replyOnly: true },
        { name: 'policy-count', value: 5, type: 'u32', doc: 'Rules in the policy cache.', replyOnly: true },
        { name: 'policy-rule', value: 6, type: 'binary', struct: 'ainka_rule', multiAttr: true, doc: 'One compiled rule (struct ainka_rule).' },
        { name: 'policy-replace', value: 7, type: 'flag', doc: 'Replace the whole cache atomically instead of appending.' },
        { name: 'sample-interval-ms', value: 8, type: 'u32', doc: 'Sampler period.', checks: { min: 1, max: 1000 } },
        { name: 'watchdog-timeout-ms', value: 9, type: 'u32', doc: 'Heartbeat timeout; 0 disables the watchdog.', checks: { min: 0, max: 600_000 } },
        { name: 'counters', value: 10, type: 'nest', nestedSet: 'counters', doc: 'Module counters.', replyOnly: true },
        { name: 'action', value: 11, type: 'nest', nestedSet: 'action', multiAttr: true, doc: 'A recorded action.', replyOnly: true },
        { name: 'event', value: 12, type: 'nest', nestedSet: 'event', doc: 'An event (multicast only).', replyOnly: true },
        { name: 'uptime-ns', value: 13, type: 'u64', doc: 'Nanoseconds since load.', replyOnly: true },
        { name: 'heartbeat-cookie', value: 14, type: 'u64', doc: 'Any value, echoed in status.' },
        { name: 'pad', value: 15, type: 'pad', doc: 'Alignment padding for 64-bit attributes.' },
        { name: 'max-actions', value: 16, type: 'u32', doc: 'Return at most this many recent actions.', checks: { min: 1, max: 1024 } },
        { name: 'psi-cpu-some-avg10', value: 17, type: 'u32', doc: 'PSI cpu some avg10 in hundredths of a percent, pushed by userspace.', checks: { min: 0, max: 10_000 } },
        { name: 'psi-mem-some-avg10', value: 18, type: 'u32', doc: 'PSI memory some avg10 in hundredths of a percent, pushed by userspace.', checks: { min: 0, max: 10_000 } },
        { name: 'psi-io-some-avg10', value: 19, type: 'u32', doc: 'PSI io some avg10 in hundredths of a percent, pushed by userspace.', checks: { min: 0, max: 10_000 } },
      ],
    },
    {
      name: 'counters',
      prefix: 'AINKA_A_COUNTER_',
      doc: 'Module counters (since load).',
      attributes: [
        { name: 'samples', value: 1, type: 'u64', doc: 'Samples taken.' },
        { name: 'ring-overflows', value: 2, type: 'u64', doc: 'Samples dropped because the ring was full.' },
        { name: 'rule-hits', value: 3, type: 'u64', doc: 'Rule conditions that held (after for_ms and cool-down).' },
        { name: 'actions-applied', value: 4, type: 'u64', doc: 'Actions applied in enforce mode.' },
        { name: 'actions-reverted', value: 5, type: 'u64', doc: 'Actions reverted.' },
        { name: 'watchdog-fires', value: 6, type: 'u64', doc: 'Watchdog fallbacks.' },
        { name: 'eval-ns-last', value: 7, type: 'u64', doc: 'Policy evaluation time of the last sample.' },
        { name: 'eval-ns-p99', value: 8, type: 'u64', doc: 'p99 evaluation time over the last 1024 samples.' },
        { name: 'eval-ns-max', value: 9, type: 'u64', doc: 'Largest evaluation time since load.' },
        { name: 'tracepoint-events', value: 10, type: 'u64', doc: 'Scheduler/process tracepoint hits.' },
        { name: 'heartbeats', value: 11, type: 'u64', doc: 'Heartbeats received.' },
        { name: 'pad', value: 12, type: 'pad', doc: 'Alignment padding.' },
      ],
    },
    {
      name: 'action',
      prefix: 'AINKA_A_ACTION_',
      doc: 'One action the module took or would have taken.',
      attributes: [
        { name: 'id', value: 1, type: 'u64', doc: 'Action sequence number.' },
        { name: 'rule-id', value: 2, type: 'u32', doc: 'Rule that caused it.' },
        { name: 'kind', value: 3, type: 'u8', doc: 'enum ainka_action.', enum: 'ainka_action' },
        { name: 'status', value: 4, type: 'u8', doc: 'enum ainka_action_status.', enum: 'ainka_action_status' },
        { name: 'pid', value: 5, type: 'u32', doc: 'Target task, 0 if none.' },
        { name: 'old-value', value: 6, type: 's32', doc: 'Value before the action.' },
        { name: 'new-value', value: 7, type: 's32', doc: 'Value set by the action.' },
        { name: 'timestamp-ns', value: 8, type: 'u64', doc: 'ktime_get_ns() when taken.' },
        { name: 'comm', value: 9, type: 'string', doc: 'Target command name.', checks: { maxLen: 15 } },
        { name: 'pad', value: 10, type: 'pad', doc: 'Alignment padding.' },
      ],
    },
    {
      name: 'event',
      prefix: 'AINKA_A_EVENT_',
      doc: 'One multicast event.',
      attributes: [
        { name: 'type', value: 1, type: 'u8', doc: 'enum ainka_event_type.', enum: 'ainka_event_type' },
        { name: 'timestamp-ns', value: 2, type: 'u64', doc: 'ktime_get_ns().' },
        { name: 'old-state', value: 3, type: 'u8', doc: 'State before (STATE_CHANGE).', enum: 'ainka_state' },
        { name: 'new-state', value: 4, type: 'u8', doc: 'State after (STATE_CHANGE).', enum: 'ainka_state' },
        { name: 'rule-id', value: 5, type: 'u32', doc: 'Rule (POLICY_HIT, ACTION, REQUEST).' },
        { name: 'metric-value', value: 6, type: 's64', doc: 'Metric value that satisfied the rule.' },
        { name: 'action', value: 7, type: 'nest', nestedSet: 'action', doc: 'The action (ACTION).' },
        { name: 'mode', value: 8, type: 'u8', doc: 'New mode (MODE_CHANGE, WATCHDOG).', enum: 'ainka_mode' },
        { name: 'request-code', value: 9, type: 's32', doc: 'The rule arg (REQUEST).' },
        { name: 'pad', value: 10, type: 'pad', doc: 'Alignment padding.' },
      ],
    },
  ],
  operations: [
    {
      name: 'get-status', value: 1, kind: 'do', adminPerm: false, doc: 'Read version, mode, state, counters and policy count.',
      request: [], reply: ['abi-version', 'version', 'mode', 'state', 'policy-count', 'uptime-ns', 'counters', 'sample-interval-ms', 'watchdog-timeout-ms', 'heartbeat-cookie'],
    },
    {
      name: 'set-mode', value: 2, kind: 'do', adminPerm: true, doc: 'Set observe or enforce; leaving enforce reverts every applied action.',
      request: ['mode'], required: ['mode'], reply: ['mode'],
    },
    {
      name: 'set-config', value: 3, kind: 'do', adminPerm: true, doc: 'Change the sampler period and/or watchdog timeout.',
      request: ['sample-interval-ms', 'watchdog-timeout-ms'], reply: ['sample-interval-ms', 'watchdog-timeout-ms'],
    },
    {
      name: 'policy-load', value: 4, kind: 'do', adminPerm: true, doc: 'Validate and add rules (all or none); with policy-replace, swap the whole cache.',
      request: ['policy-rule', 'policy-replace'], required: ['policy-rule'], reply: ['policy-count'],
    },
    {
      name: 'policy-clear', value: 5, kind: 'do', adminPerm: true, doc: 'Empty the policy cache.',
      request: [], reply: ['policy-count'],
    },
    {
      name: 'actions-get', value: 6, kind: 'dump', adminPerm: false, doc: 'Dump the most recent actions, newest last.',
      request: ['max-actions'], reply: ['action'],
    },
    {
      name: 'heartbeat', value: 7, kind: 'do', adminPerm: true, doc: 'Tell the watchdog that userspace is alive.',
      request: ['heartbeat-cookie'], reply: [],
    },
    {
      name: 'event', value: 8, kind: 'notify', adminPerm: false, doc: 'Notification on the events group.',
      request: [], reply: ['event'],
    },
    {
      name: 'set-pressure', value: 9, kind: 'do', adminPerm: true,
      doc: 'Push the PSI some-avg10 figures userspace read from /proc/pressure; they feed the sampler until they are older than 5 s (then -1, PSI off).',
      request: ['psi-cpu-some-avg10', 'psi-mem-some-avg10', 'psi-io-some-avg10'], reply: [],
    },
  ],
};
