/** Malformed policies, each with the exact message it must produce. Built by behaviour, one problem each. */
export const head = 'apiVersion: ainka.dev/v1\nkind: Policy\nname: test\n';

export interface CorpusCase {
  readonly name: string;
  readonly file: string;
  readonly text: string;
  readonly code: string;
  readonly expected: string;
}

export const corpusInputs: readonly Omit<CorpusCase, 'code' | 'expected'>[] = [
  { name: 'YAML syntax error', file: 'bad.yaml', text: `${head}rules:\n  - name: a\n    when: "x > 1\n` },
  { name: 'JSON syntax error', file: 'bad.json', text: '{"apiVersion": "ainka.dev/v1", "kind": "Policy",, "name": "t"}' },
  { name: 'wrong apiVersion', file: 'p.yaml', text: 'apiVersion: ainka/v2\nkind: Policy\nname: test\nrules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n' },
  { name: 'missing rules', file: 'p.yaml', text: head },
  { name: 'empty rules', file: 'p.yaml', text: `${head}rules: []\n` },
  { name: 'misspelt key with suggestion', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n    cooldwon: 5m\n` },
  { name: 'bad rule name', file: 'p.yaml', text: `${head}rules:\n  - name: Reduce Swap\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'mode misspelt', file: 'p.yaml', text: `${head}mode: enforced\nrules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'priority out of range', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n    priority: 150\n` },
  { name: 'priority wrong type', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n    priority: high\n` },
  { name: 'missing operator', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: psi.memory.some_avg10 20 for 30s\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'bad duration', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: "psi.memory.some_avg10 > 20 for thirty"\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'dangling and', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: cpu.busy_ratio > 0.5 and\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'forecast without horizon', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: forecast(mem.available_bytes) < 1GiB\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'when of the wrong shape', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: {every: ["x > 1"]}\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'action with set and adjust', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: sysctl:vm.swappiness\n        set: 10\n        adjust: {by: -5}\n` },
  { name: 'unknown knob with suggestion', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: sysctl:vm.swapiness\n        set: 10\n` },
  { name: 'knob without family', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: vm.swappiness\n        set: 10\n` },
  { name: 'value outside knob bounds', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: sysctl:vm.swappiness\n        set: 300\n` },
  { name: 'tcp_rmem max below min', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: sysctl:net.ipv4.tcp_rmem\n        set: 87380 16384 4096\n` },
  { name: 'adjust on a word-valued knob', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: thp:enabled\n        adjust: {by: 1}\n` },
  { name: 'action max above knob bound', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: block:sda:read_ahead_kb\n        adjust: {factor: 2}\n        max: 65536\n` },
  { name: 'placeholder without scope', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: cgroup:{cgroup}:cpu.weight\n        set: 200\n` },
  { name: 'duplicate rule names', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n  - name: a\n    when: x < 0\n    then: [{knob: "sysctl:vm.swappiness", set: 20}]\n` },
  { name: 'unreachable: contradictory thresholds', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: psi.memory.some_avg10 > 50 and psi.memory.some_avg10 < 10\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'unreachable: ratio above 1', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: cpu.busy_ratio > 1.5\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n` },
  { name: 'conflict on the same knob', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: psi.memory.some_avg10 > 20\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n  - name: b\n    when: mem.available_bytes < 1GiB\n    then: [{knob: "sysctl:vm.swappiness", set: 100}]\n` },
  { name: 'feedback loop without a gap', file: 'p.yaml', text: `${head}rules:\n  - name: up\n    when: psi.memory.some_avg10 > 20\n    then: [{knob: "sysctl:vm.watermark_scale_factor", adjust: {by: 50}, max: 500}]\n  - name: down\n    when: psi.memory.some_avg10 <= 20\n    then: [{knob: "sysctl:vm.watermark_scale_factor", adjust: {by: -50}, min: 10}]\n` },
  { name: 'JSON policy with a bad key', file: 'p.json', text: '{\n  "apiVersion": "ainka.dev/v1",\n  "kind": "Policy",\n  "name": "t",\n  "rules": [\n    {"name": "a", "when": "x > 1", "then": [{"knob": "sysctl:vm.swappiness", "value": 10}]}\n  ]\n}\n' },
  { name: 'adjust factor of zero', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", adjust: {factor: 0}}]\n` },
  { name: 'negative cooldown', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then: [{knob: "sysctl:vm.swappiness", set: 10}]\n    cooldown: -5\n` },
  { name: 'empty file', file: 'empty.yaml', text: '' },
  { name: 'a list instead of a mapping', file: 'list.yaml', text: '- name: a\n' },
  { name: 'duplicate key', file: 'dup.yaml', text: 'apiVersion: ainka.dev/v1\nkind: Policy\nname: a\nname: b\nrules: []\n' },
  { name: 'guard with two goals', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: sysctl:vm.dirty_bytes\n        set: 67108864\n        objective:\n          minimize: disk.write_await_seconds\n          guard:\n            - {maximize: vm.dirtied_bytes_per_second, minimize: disk.write_await_seconds}\n` },
  { name: 'guard with an unknown key', file: 'p.yaml', text: `${head}rules:\n  - name: a\n    when: x > 1\n    then:\n      - knob: sysctl:vm.dirty_bytes\n        set: 67108864\n        objective:\n          minimize: disk.write_await_seconds\n          guard:\n            - {maximise: vm.dirtied_bytes_per_second}\n` },
];

/** [case name, error code, exact message]. */
export const corpusExpected: readonly (readonly [string, string, string])[] = [
  ["YAML syntax error", "ERR_AINKA_POLICY_SYNTAX", "bad.yaml:7:1: (document): Missing closing \"quote; fix the YAML/JSON syntax there"],
  ["JSON syntax error", "ERR_AINKA_POLICY_SYNTAX", "bad.json:1:49: (document): Unexpected , in flow map; fix the YAML/JSON syntax there"],
  ["wrong apiVersion", "ERR_AINKA_POLICY_INVALID", "p.yaml:1:13: apiVersion: the string 'ainka/v2' is not 'ainka.dev/v1'; write apiVersion: ainka.dev/v1"],
  ["missing rules", "ERR_AINKA_POLICY_INVALID", "p.yaml:1:1: (document): missing required key 'rules'; add rules: …"],
  ["empty rules", "ERR_AINKA_POLICY_INVALID", "p.yaml:4:8: rules: needs at least 1 item; add one"],
  ["misspelt key with suggestion", "ERR_AINKA_POLICY_INVALID", "p.yaml:8:5: rules[0].cooldwon: unknown key 'cooldwon'; did you mean 'cooldown'?"],
  ["bad rule name", "ERR_AINKA_POLICY_INVALID", "p.yaml:5:11: rules[0].name: the string 'Reduce Swap' must be lower-kebab-case (a-z, 0-9, -); rename it, e.g. reduce-swappiness"],
  ["mode misspelt", "ERR_AINKA_POLICY_INVALID", "p.yaml:4:7: mode: the string 'enforced' is not 'advise' or 'enforce'; did you mean 'enforce'?"],
  ["priority out of range", "ERR_AINKA_POLICY_INVALID", "p.yaml:8:15: rules[0].priority: 150 is above the maximum 100; use 100 or less"],
  ["priority wrong type", "ERR_AINKA_POLICY_INVALID", "p.yaml:8:15: rules[0].priority: expected a number, got the string 'high'; change the value to that type"],
  ["missing operator", "ERR_AINKA_POLICY_INVALID", "p.yaml:6:33: rules[0].when: expected a comparison operator (>, >=, <, <=, ==, !=) after 'psi.memory.some_avg10'; e.g. 'psi.memory.some_avg10 > 20 for 30s'"],
  ["bad duration", "ERR_AINKA_POLICY_INVALID", "p.yaml:6:43: rules[0].when: 'thirty' is not a duration; write it like 30s, 5m or 1h"],
  ["dangling and", "ERR_AINKA_POLICY_INVALID", "p.yaml:6:35: rules[0].when: the expression ends where a metric name was expected; write a comparison, e.g. 'psi.memory.some_avg10 > 20 for 30s'"],
  ["forecast without horizon", "ERR_AINKA_POLICY_INVALID", "p.yaml:6:39: rules[0].when: forecast() needs a horizon; write forecast(mem.available_bytes, 5m)"],
  ["when of the wrong shape", "ERR_AINKA_POLICY_INVALID", "p.yaml:6:11: rules[0].when: when must be an expression string or {all: [...]}, {any: [...]} or {not: ...}; write e.g. when: 'psi.memory.some_avg10 > 20 for 30s'"],
  ["action with set and adjust", "ERR_AINKA_POLICY_INVALID", "p.yaml:8:9: rules[0].then[0]: an action needs exactly one of 'set', 'adjust' or 'from'; keep only one of them"],
  ["unknown knob with suggestion", "ERR_AINKA_POLICY_REJECTED", "p.yaml:8:15: rules[0].then[0].knob: knob 'sysctl:vm.swapiness' is not in the knob table; did you mean 'sysctl:vm.swappiness'?"],
  ["knob without family", "ERR_AINKA_POLICY_REJECTED", "p.yaml:8:15: rules[0].then[0].knob: knob id 'vm.swappiness' has no known family; write '<family>:…' with family one of sysctl, block, cpufreq, cgroup, process, thp, systemd, file (e.g. 'sysctl:vm.swappiness')"],
  ["value outside knob bounds", "ERR_AINKA_POLICY_REJECTED", "p.yaml:9:14: rules[0].then[0].set: set 300 for sysctl:vm.swappiness: 300 is outside 0 … 200; choose a value in that range"],
  ["tcp_rmem max below min", "ERR_AINKA_POLICY_REJECTED", "p.yaml:9:14: rules[0].then[0].set: set 87380 16384 4096 for sysctl:net.ipv4.tcp_rmem: '87380 16384 4096' is not ordered min ≤ default ≤ max; never set the max below the min"],
  ["adjust on a word-valued knob", "ERR_AINKA_POLICY_REJECTED", "p.yaml:9:17: rules[0].then[0].adjust: thp:enabled is not a single number, so it cannot be adjusted; use set: <value>"],
  ["action max above knob bound", "ERR_AINKA_POLICY_REJECTED", "p.yaml:10:14: rules[0].then[0].max: max 65536 is above block:sda:read_ahead_kb's bound 16384; lower it to at most 16384"],
  ["placeholder without scope", "ERR_AINKA_POLICY_INVALID", "p.yaml:8:15: rules[0].then[0].knob: knob 'cgroup:{cgroup}:cpu.weight' uses {cgroup} but the rule's scope is host; add scope: {each: cgroup} or {cgroup: <path>} or name the target"],
  ["duplicate rule names", "ERR_AINKA_POLICY_INVALID", "p.yaml:8:11: rules[1].name: rule name 'a' is already used by rules[0]; give every rule a unique name"],
  ["unreachable: contradictory thresholds", "ERR_AINKA_POLICY_REJECTED", "p.yaml:6:11: rules[0].when: rule 'a' can never fire: psi.memory.some_avg10 > 50 and psi.memory.some_avg10 < 10 cannot hold (by its name, 0 ≤ psi.memory.some_avg10 ≤ 100); fix the thresholds"],
  ["unreachable: ratio above 1", "ERR_AINKA_POLICY_REJECTED", "p.yaml:6:11: rules[0].when: rule 'a' can never fire: cpu.busy_ratio > 1.5 cannot hold (by its name, 0 ≤ cpu.busy_ratio ≤ 1); fix the thresholds"],
  ["conflict on the same knob", "ERR_AINKA_POLICY_REJECTED", "p.yaml:8:5: rules[1]: rules 'a' (rules[0]) and 'b' both change sysctl:vm.swappiness at priority 50 and can fire together ('a' sets it to 10, 'b' sets it to 100); give one a higher priority or make their conditions exclusive"],
  ["feedback loop without a gap", "ERR_AINKA_POLICY_REJECTED", "p.yaml:8:5: rules[1]: rules 'up' and 'down' form a feedback loop on sysctl:vm.watermark_scale_factor: each changes metrics the other reads, 'up' raises it by 50 and 'down' lowers it by 50, and no gap separates their conditions; leave a gap between the thresholds (e.g. > 20 vs < 10) or add hysteresis"],
  ["JSON policy with a bad key", "ERR_AINKA_POLICY_INVALID", "p.json:6:78: rules[0].then[0].value: unknown key 'value'; allowed keys are knob, set, adjust, from, min, max, objective"],
  ["adjust factor of zero", "ERR_AINKA_POLICY_INVALID", "p.yaml:7:60: rules[0].then[0].adjust.factor: 0 must be above 0; use a larger value"],
  ["negative cooldown", "ERR_AINKA_POLICY_INVALID", "p.yaml:8:15: rules[0].cooldown: -5 is below the minimum 0; use 0 or more"],
  ["empty file", "ERR_AINKA_POLICY_INVALID", "empty.yaml:1:1: (document): the policy is empty; start it with apiVersion: ainka.dev/v1, kind: Policy, name and rules"],
  ["a list instead of a mapping", "ERR_AINKA_POLICY_INVALID", "list.yaml:1:1: (document): a policy is a mapping with apiVersion, kind, name and rules, not a list; write it as such a mapping"],
  ["duplicate key", "ERR_AINKA_POLICY_SYNTAX", "dup.yaml:4:1: (document): Map keys must be unique; fix the YAML/JSON syntax there"],
  ["guard with two goals", "ERR_AINKA_POLICY_INVALID", "p.yaml:13:15: rules[0].then[0].objective.guard[0]: a guard needs exactly one of maximize or minimize; keep only one"],
  ["guard with an unknown key", "ERR_AINKA_POLICY_INVALID", "p.yaml:13:16: rules[0].then[0].objective.guard[0].maximise: unknown key 'maximise'; did you mean 'maximize'?"],
];
