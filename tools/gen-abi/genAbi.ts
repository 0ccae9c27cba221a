#!/usr/bin/env -S npx tsx
/**
 * Generates the C side of every AINKA wire format from @ainka/protocol:
 *   kernel/include/uapi/ainka.h      (uapi: used by kernel/, ebpf/ and C tests)
 *   kernel/src/ainka_nl_gen.{h,c}    (kernel-private: netlink policy, ops table, rule checker)
 *
 *   npm run gen:abi            write the files
 *   npm run gen:abi -- --check exit 1 and list the files that differ from the generator's output
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
// The public entry point of @ainka/protocol, in source form so generation needs no build.
import { renderGeneratedFiles } from '../../packages/protocol/src/index.js';

const root = join(import.meta.dirname, '..', '..');
const check = process.argv.includes('--check');
const stale: string[] = [];

for (const [relative, content] of renderGeneratedFiles()) {
  const file = join(root, relative);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === content) continue;
  if (check) {
    stale.push(relative);
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(`gen-abi: wrote ${relative}`);
}

if (check && stale.length > 0) {
  console.error(`gen-abi: out of date: ${stale.join(', ')}\n  fix: run \`npm run gen:abi\` and commit the result`);
  process.exit(1);
}
if (check) console.log('gen-abi: generated files are up to date');
