// Host tests of the hang probe's parsing (node:test). The probe itself ran against a real QEMU guest
// stopped in `sleep`: both vCPUs named at native_safe_halt+0xb.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSymbols, parseRips } from '../lib/hangProbe.mjs';

const infoRegisters = [
  'CPU#0',
  'RAX=0000000000000000 RBX=ffffffff82a0f940 RCX=0000000000000000 RDX=0000000000000001',
  'RIP=ffffffff81a592eb RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1',
  'CPU#1',
  'RIP=ffffffffc0a01234 RFL=00000202 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0',
].join('\n');

test('parseRips reads one instruction pointer per vCPU from `info registers -a`', () => {
  assert.deepEqual(parseRips(infoRegisters), [
    { cpu: 0, rip: 0xffffffff81a592ebn },
    { cpu: 1, rip: 0xffffffffc0a01234n },
  ]);
  assert.deepEqual(parseRips('(qemu) unknown command'), []);
});

test('loadSymbols names an address by the nearest text symbol below it, and refuses a stub map', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ainka-hangprobe-'));
  const lines = [];
  for (let i = 0; i < 200; i++) lines.push(`${(0xffffffff81000000n + BigInt(i) * 0x1000n).toString(16)} t filler_${i}`);
  lines.push('ffffffff81a592e0 T native_safe_halt', 'ffffffff81a59300 T default_idle', 'ffffffff81a59400 D some_data');
  writeFileSync(join(dir, 'kallsyms'), `${lines.join('\n')}\n`);
  const symbolize = loadSymbols(join(dir, 'kallsyms'));
  assert.ok(symbolize);
  assert.equal(symbolize(0xffffffff81a592ebn), 'native_safe_halt+0xb');
  assert.equal(symbolize(0xffffffff81a59300n), 'default_idle+0x0');
  assert.match(symbolize(0xffffffffc0a01234n), /not in the kernel text at boot/);
  writeFileSync(join(dir, 'stub'), 'ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n');
  assert.equal(loadSymbols(join(dir, 'stub')), null);
  assert.equal(loadSymbols(join(dir, 'absent')), null);
});
