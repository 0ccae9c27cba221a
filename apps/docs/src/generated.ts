/**
 * Sections of the guides generated at build time from the project's own sources, so that the tables in
 * the guides cannot drift from the code: a guide writes `<!-- ainka:<name> -->` on a line of its own and
 * the build replaces it with the section. A source that is missing or fails to load yields a short note
 * instead of failing the build (the libraries are written in parallel with the docs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderErrorCodes } from './errorCodes.js';

/** A generator: Markdown for one placeholder. */
export type SectionGenerator = (root: string) => Promise<string>;

function cell(value: unknown): string {
  return String(value ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(value: string): string {
  return value.includes('`') ? `\`\` ${value} \`\`` : `\`${value}\``;
}

function unavailable(what: string, why: string): string {
  return `> _${what} was not available when this site was built (${why}); see the source named above._\n`;
}

interface DepsModule {
  debianPackages?: readonly string[];
  testOnlyDebianPackages?: readonly string[];
}

/** The Debian packages from `tools/scripts/deps.mjs`, with the comment that says who needs each. */
async function debianPackages(root: string): Promise<string> {
  const file = join(root, 'tools', 'scripts', 'deps.mjs');
  if (!existsSync(file)) return unavailable('tools/scripts/deps.mjs', 'file missing');
  const text = readFileSync(file, 'utf8');
  // Who needs a package: the nearest `// comment` line above it in the array literal.
  const reasons = new Map<string, string>();
  let comment = '';
  for (const line of text.split('\n')) {
    const c = /^\s*\/\/\s*(.+)$/.exec(line);
    if (c) comment = c[1] ?? '';
    const p = /^\s*'([a-z0-9.+-]+)',?/.exec(line);
    if (p?.[1] && !reasons.has(p[1])) reasons.set(p[1], comment);
    if (/^export /.test(line)) comment = '';
  }
  const deps = (await import(pathToFileURL(file).href)) as DepsModule;
  const rows = (list: readonly string[] | undefined, when: string): string[] =>
    (list ?? []).map((name) => `| ${code(name)} | ${when} | ${cell(reasons.get(name) ?? '')} |`);
  const all = [...(deps.debianPackages ?? []), ...(deps.testOnlyDebianPackages ?? [])];
  return [
    '| package | needed by | why |',
    '| --- | --- | --- |',
    ...rows(deps.debianPackages, '`npm start` and `npm test`'),
    ...rows(deps.testOnlyDebianPackages, '`npm test` only'),
    '',
    'To install them by hand (as root):',
    '',
    '```sh',
    `apt-get install -y --no-install-recommends ${all.join(' ')}`,
    '```',
    '',
  ].join('\n');
}

interface KnobRow {
  kind: string;
  attribute: string;
  description: string;
  bounds: string;
  reversible: boolean;
  optional: boolean;
}

const knobIdForm: Record<string, (attribute: string) => string> = {
  sysctl: (a) => `sysctl:${a}`,
  thp: (a) => `thp:${a}`,
  block: (a) => `block:<device>:${a}`,
  cpufreq: (a) => `cpufreq:<policyN>:${a}`,
  cgroup: (a) => `cgroup:<path or {cgroup}>:${a}`,
  process: (a) => `process:<pid or {pid}>:${a}`,
  systemd: (a) => `systemd:<unit>:${a}`,
};

/** The knob table of `@ainka/knobs` (what a policy action may write, and within which bounds). */
async function knobs(): Promise<string> {
  let catalogue: readonly KnobRow[];
  try {
    ({ knobCatalogue: catalogue } = (await import('@ainka/knobs')) as { knobCatalogue: readonly KnobRow[] });
  } catch (error) {
    return unavailable('The knob table of @ainka/knobs', (error as Error).message.split('\n')[0] ?? 'import failed');
  }
  const lines = ['| knob id | bounds AINKA enforces | what it is |', '| --- | --- | --- |'];
  for (const k of catalogue) {
    const id = (knobIdForm[k.kind] ?? ((a: string) => `${k.kind}:${a}`))(k.attribute);
    const notes = [k.reversible ? '' : 'not reversible', k.optional ? 'absent on some kernels' : ''].filter(Boolean);
    lines.push(`| ${code(id)} | ${cell(k.bounds)} | ${cell(k.description)}${notes.length ? ` (${notes.join('; ')})` : ''} |`);
  }
  return lines.join('\n') + '\n';
}

interface MetricRow {
  name: string;
  unit: string;
  kind: string;
  labels: readonly string[];
  help: string;
}

/** The metric catalogue of `@ainka/telemetry` (the names a policy's `when` can use). */
async function metrics(): Promise<string> {
  let catalogue: readonly MetricRow[];
  try {
    ({ metricCatalogue: catalogue } = (await import('@ainka/telemetry')) as { metricCatalogue: readonly MetricRow[] });
  } catch (error) {
    return unavailable('The metric catalogue of @ainka/telemetry', (error as Error).message.split('\n')[0] ?? 'import failed');
  }
  const lines = ['| metric | unit | labels | meaning |', '| --- | --- | --- | --- |'];
  for (const m of catalogue) {
    lines.push(`| ${code(m.name)} | ${cell(m.unit)} | ${cell(m.labels.join(', '))} | ${cell(m.help)} |`);
  }
  return lines.join('\n') + '\n';
}

/** The shipped policy packs of `@ainka/policy`, each as its YAML. */
async function policyPacks(): Promise<string> {
  let packs: Readonly<Record<string, string>>;
  try {
    ({ policyPacks: packs } = (await import('@ainka/policy')) as { policyPacks: Readonly<Record<string, string>> });
  } catch (error) {
    return unavailable('The policy packs of @ainka/policy', (error as Error).message.split('\n')[0] ?? 'import failed');
  }
  const out: string[] = [];
  for (const [name, yaml] of Object.entries(packs)) {
    const description = /^description:\s*(.+)$/m.exec(yaml)?.[1] ?? '';
    const rules = (yaml.match(/^\s+- name:/gm) ?? []).length;
    out.push(`### ${name}`, '', `${description} (${rules} rules; load it with \`loadPolicyPack('${name}')\`.)`, '');
    out.push('<details><summary>Show the YAML</summary>', '', '```yaml', yaml.trimEnd(), '```', '', '</details>', '');
  }
  return out.join('\n');
}

/** The kernel module's parameters, read from `MODULE_PARM_DESC` in `kernel/src/*.c`. */
async function kernelParams(root: string): Promise<string> {
  const dir = join(root, 'kernel', 'src');
  if (!existsSync(dir)) return unavailable('kernel/src', 'folder missing');
  const rows: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.c')).sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/MODULE_PARM_DESC\(\s*(\w+)\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)/g)) {
      const desc = [...(m[2] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => s[1]).join('');
      const type = new RegExp(`module_param\\(\\s*${m[1]}\\s*,\\s*(\\w+)`).exec(text)?.[1] ?? '';
      rows.push(`| ${code(m[1] ?? '')} | ${cell(type)} | ${cell(desc)} | \`kernel/src/${name}\` |`);
    }
  }
  if (rows.length === 0) return unavailable('The module parameters', 'no MODULE_PARM_DESC found in kernel/src');
  return ['| parameter | type | meaning and range | declared in |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

interface ManifestVariant {
  program: string;
  section: string;
  kind: string;
  attachPoint: string;
}
interface ManifestObject {
  concern: string;
  file: string;
  doc?: string;
  ringBuffer?: string;
  maps?: readonly { name: string; type: string }[];
  rodata?: readonly string[];
  slots?: readonly { name: string; optional?: boolean; variants: readonly ManifestVariant[] }[];
}

/** The eBPF objects and their programs, from the manifest `ebpf/Makefile` writes into `@ainka/ebpf`. */
async function ebpfPrograms(root: string): Promise<string> {
  const file = join(root, 'packages', 'ebpf', 'bpf', 'manifest.json');
  if (!existsSync(file)) return unavailable('packages/ebpf/bpf/manifest.json', 'run `make -C ebpf` to build the objects');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { objects?: readonly ManifestObject[] };
  const out: string[] = [];
  for (const o of manifest.objects ?? []) {
    out.push(`### ${o.concern} (\`ebpf/${o.concern}.bpf.c\`)`, '', `${cell(o.doc ?? '')}.`, '');
    out.push('| slot | attaches to | variants, in the order the loader tries them |', '| --- | --- | --- |');
    for (const slot of o.slots ?? []) {
      const first = slot.variants[0];
      const variants = slot.variants.map((v) => `${code(v.section)}`).join(', ');
      out.push(`| ${code(slot.name)}${slot.optional ? ' (optional)' : ''} | ${cell(first?.attachPoint ?? '')} | ${variants} |`);
    }
    const maps = (o.maps ?? []).map((m) => `${code(m.name)} (${m.type})`).join(', ');
    out.push('', `Maps: ${maps || 'none'}.${o.ringBuffer ? ` Records are streamed through the ring buffer ${code(o.ringBuffer)}.` : ''}`);
    if (o.rodata?.length) out.push(`Settings (\`.rodata\`, set before load): ${o.rodata.map(code).join(', ')}.`);
    out.push('');
  }
  return out.join('\n');
}

interface AbiOperation {
  name: string;
  kind: string;
  adminPerm?: boolean;
  doc?: string;
}
interface AbiIoctl {
  name: string;
  direction: string;
  struct?: string;
  doc?: string;
}
interface AbiModule {
  abi: {
    family: { name: string; version?: number; operations: readonly AbiOperation[]; mcastGroups?: readonly { name: string; doc?: string }[] };
    ioctls: readonly AbiIoctl[];
  };
}

async function loadAbi(): Promise<AbiModule['abi'] | string> {
  try {
    return ((await import('@ainka/protocol')) as AbiModule).abi;
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'import failed';
  }
}

/** The generic netlink family's operations and multicast groups, from `abi.family` in `@ainka/protocol`. */
async function netlinkOperations(): Promise<string> {
  const abi = await loadAbi();
  if (typeof abi === 'string') return unavailable('The ABI of @ainka/protocol', abi);
  const f = abi.family;
  const lines = [
    `Family ${code(f.name)}${f.version !== undefined ? `, version ${f.version}` : ''}.`,
    '',
    '| operation | kind | needs CAP_NET_ADMIN | what it does |',
    '| --- | --- | --- | --- |',
  ];
  for (const op of f.operations) {
    lines.push(`| ${code(op.name)} | ${cell(op.kind)} | ${op.adminPerm ? 'yes' : 'no'} | ${cell(op.doc ?? '')} |`);
  }
  const groups = (f.mcastGroups ?? []).map((g) => `${code(g.name)} (${cell(g.doc ?? '')})`).join(', ');
  if (groups) lines.push('', `Multicast groups: ${groups}`);
  return lines.join('\n') + '\n';
}

/** The ioctls of `/dev/ainka`, from `abi.ioctls` in `@ainka/protocol`. */
async function ioctls(): Promise<string> {
  const abi = await loadAbi();
  if (typeof abi === 'string') return unavailable('The ABI of @ainka/protocol', abi);
  const lines = ['| ioctl | direction | argument | what it does |', '| --- | --- | --- | --- |'];
  for (const io of abi.ioctls) {
    lines.push(`| ${code(`AINKA_IOC_${io.name}`)} | ${cell(io.direction)} | ${io.struct ? code(`struct ${io.struct}`) : ''} | ${cell(io.doc ?? '')} |`);
  }
  return lines.join('\n') + '\n';
}

/** How to use DKMS with the repository's `dkms.conf`, when there is one. */
async function dkms(root: string): Promise<string> {
  const candidates = ['kernel/dkms.conf', 'packages/kmod/dkms/dkms.conf', 'packages/kmod/dkms.conf'];
  const found = candidates.find((c) => existsSync(join(root, c)));
  if (!found) {
    return [
      '> _No `dkms.conf` was in the repository when this site was built (looked for',
      `> ${candidates.map(code).join(', ')}). Until it lands, build the module with \`make\` as shown`,
      '> above after each kernel upgrade, or write a `dkms.conf` as in the steps below._',
      '',
    ].join('\n');
  }
  const text = readFileSync(join(root, found), 'utf8');
  const field = (key: string): string | undefined => new RegExp(`^${key}="?([^"\\n]*)"?`, 'm').exec(text)?.[1];
  const name = field('PACKAGE_NAME') ?? 'ainka';
  const version = field('PACKAGE_VERSION') ?? '<version>';
  return [
    `The DKMS description is ${code(found)}: package ${code(name)}, version ${code(version)}.`,
    '',
    '```sh',
    `cp -r ${found.replace(/\/dkms\.conf$/, '')} /usr/src/${name}-${version}`,
    `dkms add -m ${name} -v ${version}`,
    `dkms build -m ${name} -v ${version}`,
    `dkms install -m ${name} -v ${version}`,
    `dkms status ${name}`,
    '```',
    '',
  ].join('\n');
}

/** Every placeholder the guides may use. */
export const sectionGenerators: Readonly<Record<string, SectionGenerator>> = {
  'debian-packages': debianPackages,
  knobs: () => knobs(),
  metrics: () => metrics(),
  'policy-packs': () => policyPacks(),
  'kernel-params': kernelParams,
  'ebpf-programs': ebpfPrograms,
  'netlink-operations': () => netlinkOperations(),
  ioctls: () => ioctls(),
  dkms,
  'error-codes': async (root) => renderErrorCodes(root),
};

/**
 * Replaces each `<!-- ainka:<name> -->` line of `markdown` with its generated section. An unknown name
 * is an error (a typo in a guide should not ship silently).
 */
export async function expandSections(markdown: string, root: string): Promise<string> {
  const names = [...markdown.matchAll(/^<!-- ainka:([a-z-]+) -->$/gm)].map((m) => m[1] ?? '');
  let out = markdown;
  for (const name of names) {
    const generate = sectionGenerators[name];
    if (!generate) {
      throw new Error(`unknown generated section '<!-- ainka:${name} -->'; use one of ${Object.keys(sectionGenerators).join(', ')}`);
    }
    const section = await generate(root);
    out = out.replace(`<!-- ainka:${name} -->`, () => section.trimEnd());
  }
  return out;
}
