import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BpfError, BpfObject, bpfSystem, loadWithFallbacks, u32, type BpfSlot } from '../src/index.js';

const bpfDir = join(import.meta.dirname, '../../ebpf/bpf');
const processObj = join(bpfDir, 'process.bpf.o');
const skip =
  process.getuid?.() !== 0 ? 'not root' : !existsSync('/sys/kernel/btf/vmlinux') ? 'no kernel BTF' : !existsSync(processObj) ? `no ${processObj} (make -C ebpf)` : undefined;
if (skip) console.warn(`[@ainka/native] skipping eBPF tests: ${skip}`);

const openSlot: BpfSlot = {
  name: 'open',
  optional: false,
  variants: [
    { program: 'open__fentry', section: 'fentry/do_sys_openat2' },
    { program: 'open__kprobe', section: 'kprobe/do_sys_openat2' },
    { program: 'open__btf', section: 'tp_btf/sys_enter' },
    { program: 'open__raw', section: 'raw_tp/sys_enter' },
  ],
};

describe.skipIf(skip)('libbpf through the addon', () => {
  it('reports libbpf and the number of CPUs', () => {
    expect(bpfSystem.libbpfVersion()).toMatch(/^v1\./);
    expect(bpfSystem.numPossibleCpus()).toBeGreaterThanOrEqual(1);
    expect(bpfSystem.probeMapType(27 /* RINGBUF */)).toBe(1);
  });

  it('names the file, the errno and the fix when an object cannot be opened', () => {
    const err = (() => {
      try {
        BpfObject.open('/nonexistent/x.bpf.o');
      } catch (e) {
        return e as BpfError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(BpfError);
    expect(err).toMatchObject({ code: 'ERR_AINKA_BPF_OPEN', errno: 2, syscall: 'bpf' });
    expect(err!.message).toContain('/nonexistent/x.bpf.o');
  });

  it('falls back per program: fentry (refused at load) and kprobe (no attach point) give way to tp_btf', () => {
    const loaded = loadWithFallbacks({ path: processObj, slots: [openSlot] });
    try {
      const chosen = loaded.chosen.open!;
      // on kernels with the trampoline or kprobes an earlier variant may win; every one before it failed with a reason
      const order = openSlot.variants.map((v) => v.program);
      expect(order).toContain(chosen);
      expect(loaded.failures.map((f) => f.program)).toEqual(order.slice(0, order.indexOf(chosen)));
      for (const f of loaded.failures) {
        expect(f.message).toContain(`'${f.program}'`);
        expect(f.message).toContain(f.section);
        expect(f.message).toMatch(/errno \d+/);
        expect(f.errno).toBeGreaterThan(0);
      }
    } finally {
      loaded.object.close();
    }
  });

  it('names a missing tracepoint: program, attach point, errno and what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ainka-bpf-missing-'));
    try {
      writeFileSync(
        join(dir, 'missing.bpf.c'),
        'char LICENSE[] __attribute__((section("license"), used)) = "GPL";\n' +
          '__attribute__((section("tp_btf/no_such_tracepoint"), used)) int x__btf(void *ctx) { return 0; }\n',
      );
      execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-c', join(dir, 'missing.bpf.c'), '-o', join(dir, 'missing.bpf.o')]);
      const obj = BpfObject.open(join(dir, 'missing.bpf.o'));
      try {
        expect(() => obj.load()).toThrow(
          expect.objectContaining({
            code: 'ERR_AINKA_BPF_LOAD',
            program: 'x__btf',
            attachPoint: 'tp_btf/no_such_tracepoint',
            errno: 3,
            message: expect.stringMatching(/x__btf.*tp_btf\/no_such_tracepoint.*ESRCH.*not in this kernel's BTF/),
          }),
        );
      } finally {
        obj.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets .rodata by name, checks sizes, and reads maps after load', () => {
    const obj = BpfObject.open(processObj);
    try {
      expect(() => obj.setRodata('ignore_tgid', Buffer.alloc(2))).toThrow(/size/);
      expect(() => obj.setRodata('no_such_setting', u32(1))).toThrow(expect.objectContaining({ code: 'ERR_AINKA_BPF_CONFIG' }));
      obj.setRodata('ignore_tgid', u32(process.pid));
      for (const p of obj.programs()) obj.setAutoload(p.name, p.name === 'exec__btf' || p.name === 'exec__raw');
      obj.load();
      expect(() => obj.setRodata('ignore_tgid', u32(1))).toThrow(/before/);
      const key = Buffer.alloc(128);
      key.write('/etc/passwd');
      obj.update('watch_paths', key, u32(5));
      expect(obj.lookup('watch_paths', key)?.readUInt32LE(0)).toBe(5);
      const dump = obj.dump('watch_paths');
      expect(dump.count).toBe(1);
      expect(dump.keys.subarray(0, 11).toString()).toBe('/etc/passwd');
      expect(obj.delete('watch_paths', key)).toBe(true);
      expect(obj.delete('watch_paths', key)).toBe(false);
      expect(obj.mapInfo('drops')).toMatchObject({ keySize: 4, valueSize: 8, valueBytes: 8 * bpfSystem.numPossibleCpus() });
      expect(() => obj.attach('open__btf')).toThrow(expect.objectContaining({ code: 'ERR_AINKA_BPF_ARG' }));
    } finally {
      obj.close();
    }
    expect(() => obj.programs()).toThrow(expect.objectContaining({ code: 'ERR_AINKA_BPF_CLOSED' }));
  });

  it('detaches everything when a process exits without closing', () => {
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const b = require(${JSON.stringify(join(import.meta.dirname, '../build/Release/ainka_native.node'))});
         const o = b.bpfOpen(${JSON.stringify(processObj)});
         for (const p of b.bpfPrograms(o)) b.bpfSetAutoload(o, p.name, p.name === 'exec__btf');
         b.bpfLoad(o); b.bpfAttach(o, 'exec__btf');
         b.bpfRingOpen(o, 'events', 5, 65536, () => {});
         console.log('attached');
         setTimeout(() => process.exit(0), 50);`,
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    expect(child.stdout.trim()).toBe('attached');
    expect(child.status).toBe(0);
    expect(child.signal).toBeNull();
    // the exited process's programs are gone
    const progs = execFileSync('bpftool', ['prog', 'show'], { encoding: 'utf8' });
    expect(progs).not.toMatch(new RegExp(`pids node\\(${child.pid}\\)`));
  });
});

describe.skipIf(skip)('without root', () => {
  it('fails to load with EPERM and a message that says to run as root', () => {
    const addon = join(import.meta.dirname, '../build/Release/ainka_native.node');
    const prebuilt = join(import.meta.dirname, '../prebuilds/linux-x64/@ainka+native.node');
    const binary = existsSync(addon) ? addon : prebuilt;
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const b = require(${JSON.stringify(binary)});
         const o = b.bpfOpen(${JSON.stringify(processObj)});
         for (const p of b.bpfPrograms(o)) b.bpfSetAutoload(o, p.name, p.name === 'exec__btf');
         try { b.bpfLoad(o); console.log(JSON.stringify({ ok: true })); }
         catch (e) { console.log(JSON.stringify({ code: e.code, errno: e.errno, message: e.message })); }`,
      ],
      { encoding: 'utf8', timeout: 10_000, uid: 65534, gid: 65534 },
    );
    if (child.status !== 0) {
      console.warn(`[@ainka/native] could not run a child as nobody: ${child.stderr.split('\n')[0]}`);
      return;
    }
    const r = JSON.parse(child.stdout.trim()) as { ok?: boolean; code?: string; errno?: number; message?: string };
    expect(r.ok).toBeUndefined();
    expect(r.code).toBe('ERR_AINKA_BPF_LOAD');
    expect([1, 13]).toContain(r.errno);
    expect(r.message).toMatch(/run as root/);
  });
});
