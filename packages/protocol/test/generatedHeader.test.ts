import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { abi, AinkaIoctl, attrKey, computeLayout, renderGeneratedFiles, renderLayoutProbe } from '@ainka/protocol';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

describe('generated C files', () => {
  test.each([...renderGeneratedFiles().keys()])('%s matches the generator (run `npm run gen:abi` if this fails)', (relative) => {
    const committed = readFileSync(join(repoRoot, relative), 'utf8');
    expect(committed).toBe(renderGeneratedFiles().get(relative));
  });
});

interface ProbeLine {
  struct?: string;
  field?: string;
  size?: number;
  align?: number;
  offset?: number;
  ioctl?: string;
  enum?: string;
  value?: number;
}

describe('C layout equals the TypeScript layout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ainka-layout-'));
  writeFileSync(join(dir, 'probe.c'), renderLayoutProbe());
  execFileSync('gcc', ['-std=c11', '-Wall', '-Werror', '-I', join(repoRoot, 'kernel/include/uapi'), '-o', join(dir, 'probe'), join(dir, 'probe.c')]);
  const lines = execFileSync(join(dir, 'probe'), { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ProbeLine);

  test.each(abi.structs.map((s) => s.name))('struct %s: sizeof, alignment and every offsetof', (name) => {
    const layout = computeLayout(abi.structs.find((s) => s.name === name)!);
    const whole = lines.find((l) => l.struct === name && l.field === undefined)!;
    expect(whole.size).toBe(layout.size);
    expect(whole.align).toBe(layout.align);
    for (const f of layout.fields) {
      const c = lines.find((l) => l.struct === name && l.field === f.name)!;
      expect({ field: f.name, offset: c.offset, size: c.size }).toEqual({ field: f.name, offset: f.offset, size: f.size });
    }
  });

  test('ioctl request numbers', () => {
    for (const i of abi.ioctls) {
      expect(lines.find((l) => l.ioctl === i.name)?.value).toBe(AinkaIoctl[i.name]);
    }
  });

  test('enum, command and attribute values', () => {
    const cValues = new Map(lines.filter((l) => l.enum).map((l) => [l.enum!, l.value!]));
    let checked = 0;
    for (const e of abi.enums) for (const v of e.values) (expect(cValues.get(`${e.prefix}${v.name}`)).toBe(v.value), checked++);
    for (const set of abi.family.attributeSets) {
      for (const a of set.attributes) {
        expect(cValues.get(`${set.prefix}${a.name.replace(/-/g, '_').toUpperCase()}`)).toBe(a.value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(attrKey('watchdog-timeout-ms')).toBe('watchdogTimeoutMs');
  });
});
