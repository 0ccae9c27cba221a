import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePressureSome, readPressure } from '../src/index.js';

const PSI = (some: string): string => `some avg10=${some} avg60=0.10 avg300=0.05 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n`;

describe('PSI figures for set-pressure', () => {
  it('parses some avg10 into hundredths of a percent', () => {
    expect(parsePressureSome(PSI('12.34'))).toBe(1234);
    expect(parsePressureSome(PSI('0.00'))).toBe(0);
    expect(parsePressureSome(PSI('100.00'))).toBe(10_000);
    expect(parsePressureSome('full avg10=1.00')).toBeUndefined();
  });

  it('reads cpu, memory and io from a file tree, and gives up when one is missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'psi-'));
    mkdirSync(join(root, 'proc', 'pressure'), { recursive: true });
    writeFileSync(join(root, 'proc', 'pressure', 'cpu'), PSI('3.00'));
    writeFileSync(join(root, 'proc', 'pressure', 'memory'), PSI('20.50'));
    expect(readPressure(root)).toBeUndefined();
    writeFileSync(join(root, 'proc', 'pressure', 'io'), PSI('0.07'));
    expect(readPressure(root)).toEqual({ cpu: 300, memory: 2050, io: 7 });
  });
});
