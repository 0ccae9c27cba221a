// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
// Writes manifest.json next to the built .bpf.o files: for each object its programs (grouped in
// slots of variants, in the order the loader tries them), attach points, maps, .rodata settings,
// the kernel features each variant needs, and the ABI version of the records.
//
//   node gen-manifest.mjs <out-dir> <concern>...
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [outDir, ...concerns] = process.argv.slice(2);
if (!outDir || concerns.length === 0) {
  console.error('usage: node gen-manifest.mjs <out-dir> <concern>...');
  process.exit(2);
}
const here = import.meta.dirname;
const header = readFileSync(join(here, '../kernel/include/uapi/ainka.h'), 'utf8');
const abiVersion = Number(/#define AINKA_ABI_VERSION (\d+)/.exec(header)?.[1]);
const pkg = JSON.parse(readFileSync(join(here, '../packages/ebpf/package.json'), 'utf8'));

/** What each object is for, which of its slots may be missing, what it reads from userspace. */
const about = {
  process: {
    doc: 'exec/exit (ppid, uid, comm, filename, cgroup), opens of watched files, OOM kills',
    optional: ['open', 'oom'],
    ring: 'events',
  },
  sched: { doc: 'run-queue latency histogram, context switches per CPU, CPU time per cgroup', optional: ['wakeup_new'] },
  block: { doc: 'I/O latency and size histograms per device and op, requests in flight', optional: [] },
  net: {
    doc: 'TCP state changes and retransmits, connect latency, per remote endpoint summaries',
    optional: ['retransmit'],
    ring: 'events',
  },
  security: {
    doc: 'exec with argv and socket stdin/stdout, fork, exit with syscall mix, TCP connect/listen, watched-path opens, ptrace attach, module load, setuid/capset, mount',
    optional: ['modload'],
    ring: 'events',
  },
  syscall: { doc: 'syscalls per syscall number and per process, in-kernel top-N', optional: ['flush'], run: ['collect_threads', 'collect_top'] },
};

const runRequires = {
  raw_tp: ['BPF_PROG_TYPE_RAW_TRACEPOINT test run (5.10+)', 'bpf_for_each_map_elem (5.13+)'],
  iter: ['BPF task iterator (iter/task, 5.8+)', 'BPF_MAP_TYPE_TASK_STORAGE (5.11+)'],
};
const requires = {
  fentry: ['BTF (/sys/kernel/btf/vmlinux)', 'BPF trampoline (fentry, 5.5+; refused on some kernels)'],
  kprobe: ['kprobes (CONFIG_KPROBES, kprobe PMU)'],
  tp_btf: ['BTF (/sys/kernel/btf/vmlinux)', 'BPF_PROG_TYPE_TRACING / BPF_TRACE_RAW_TP (5.5+)'],
  raw_tp: ['BTF (/sys/kernel/btf/vmlinux) for CO-RE', 'BPF_PROG_TYPE_RAW_TRACEPOINT (4.17+)'],
};
const mapFeature = {
  ringbuf: 'BPF_MAP_TYPE_RINGBUF (5.8+)',
  lru_hash: 'BPF_MAP_TYPE_LRU_HASH (4.10+)',
  percpu_hash: 'BPF_MAP_TYPE_PERCPU_HASH (4.6+)',
  task_storage: 'BPF_MAP_TYPE_TASK_STORAGE (5.11+)',
  lpm_trie: 'BPF_MAP_TYPE_LPM_TRIE (4.11+)',
};

function symbols(file) {
  const out = execFileSync(process.env.LLVM_OBJDUMP ?? 'llvm-objdump', ['--syms', file], { encoding: 'utf8' });
  const syms = [];
  for (const line of out.split('\n')) {
    const m = /^[0-9a-f]+ g\s+([FO])\s+(\S+)\s+[0-9a-f]+\s+(\S+)$/.exec(line);
    if (m) syms.push({ kind: m[1], section: m[2], name: m[3] });
  }
  return syms;
}

function mapTypes(source) {
  const types = {};
  const re = /struct\s*\{[^}]*?__uint\(type,\s*BPF_MAP_TYPE_(\w+)\)[^}]*\}\s*(\w+)\s+SEC\("\.maps"\)/gs;
  for (const m of source.matchAll(re)) types[m[2]] = m[1].toLowerCase();
  types.drops = 'percpu_array';
  return types;
}

const objects = [];
for (const concern of concerns) {
  const file = `${concern}.bpf.o`;
  const path = join(outDir, file);
  const meta = about[concern];
  if (!meta) throw new Error(`gen-manifest: no entry for ${concern} in the table of gen-manifest.mjs`);
  const syms = symbols(path);
  const types = mapTypes(readFileSync(join(here, `${concern}.bpf.c`), 'utf8'));
  const slots = new Map();
  const run = [];
  for (const s of syms.filter((x) => x.kind === 'F')) {
    const [kind, attachPoint] = s.section.split('/');
    if (meta.run?.includes(s.name)) {
      run.push({ program: s.name, section: s.section, how: kind === 'iter' ? 'iterate' : 'test_run', requires: runRequires[kind] ?? [] });
      continue;
    }
    const sep = s.name.lastIndexOf('__');
    if (sep < 0 || !attachPoint) throw new Error(`gen-manifest: ${file}: program ${s.name} is not named <slot>__<kind>`);
    const slot = s.name.slice(0, sep);
    if (!slots.has(slot)) slots.set(slot, { name: slot, optional: meta.optional.includes(slot), variants: [] });
    slots.get(slot).variants.push({ program: s.name, section: s.section, kind, attachPoint, requires: requires[kind] ?? [] });
  }
  const order = ['fentry', 'kprobe', 'tp_btf', 'raw_tp', 'tracepoint'];
  for (const slot of slots.values()) slot.variants.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const maps = syms.filter((x) => x.kind === 'O' && x.section === '.maps').map((x) => ({ name: x.name, type: types[x.name] ?? 'unknown' }));
  const features = new Set(maps.map((m) => mapFeature[m.type]).filter(Boolean));
  objects.push({
    concern,
    file,
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    doc: meta.doc,
    ringBuffer: meta.ring ?? null,
    maps,
    rodata: syms.filter((x) => x.kind === 'O' && x.section === '.rodata').map((x) => x.name),
    slots: [...slots.values()],
    run,
    requires: [...features],
  });
}

const manifest = { name: pkg.name, version: pkg.version, abiVersion, arch: process.arch, objects };
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`gen-manifest: ${objects.length} objects, ABI ${abiVersion} → ${join(outDir, 'manifest.json')}`);
