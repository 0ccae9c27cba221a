#!/usr/bin/env node
// Typechecks the opening example of every library README, so the "README opens with a runnable
// example" rule of DEVELOPERS.md cannot silently rot.
//
//   node tools/scripts/check-readmes.mjs
//
// For each packages/*/README.md the first ```ts / ```js (typescript, mts, javascript, mjs) block is
// written to a scratch folder under node_modules/.cache (so `@types/node` and the packages' own
// dependencies resolve), and all of them are checked in one `tsc --noEmit` run with a tsconfig that
// extends tsconfig.base.json (module NodeNext, `@ainka/*` mapped to the packages' sources through the
// base `paths`). Exits 1 and names the package and the error when an example does not typecheck, or
// when a README has no such block.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
import { firstCodeBlock } from './readmeExample.mjs';

export { firstCodeBlock };

const failures = [];
const examples = [];
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const readme = join(root, 'packages', name, 'README.md');
  if (!existsSync(readme)) continue;
  const block = firstCodeBlock(readFileSync(readme, 'utf8'));
  if (!block) {
    failures.push(`@ainka/${name}: packages/${name}/README.md has no \`\`\`ts or \`\`\`js example block`);
    continue;
  }
  examples.push({ name, ...block });
}

const cacheDir = join(root, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const work = mkdtempSync(join(cacheDir, 'readme-check-'));
try {
  const fileOf = new Map();
  for (const ex of examples) {
    const file = join(work, `${ex.name}.${ex.lang === 'ts' ? 'mts' : 'mjs'}`);
    // One empty `export {}` keeps every example a module even if it has no import.
    writeFileSync(file, `${ex.code}export {};\n`);
    fileOf.set(relative(root, file), ex);
  }
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: relative(work, join(root, 'tsconfig.base.json')),
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          noEmit: true,
          allowJs: true,
          checkJs: true,
          declaration: false,
          sourceMap: false,
          // Examples are snippets: unused names are fine, wrong names and types are not.
          noUnusedLocals: false,
          noUnusedParameters: false,
        },
        files: [...fileOf.keys()].map((f) => relative(work, join(root, f))),
      },
      null,
      2,
    ),
  );
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(work, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: root,
    encoding: 'utf8',
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  if (run.status !== 0) {
    for (const line of output.split('\n')) {
      const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
      const ex = m && fileOf.get(m[1]);
      if (ex && m) {
        const readmeLine = ex.line + Number(m[2]) - 1;
        failures.push(`@ainka/${ex.name}: packages/${ex.name}/README.md:${readmeLine}:${m[3]}: ${m[4]}`);
      } else if (line.trim()) {
        failures.push(line);
      }
    }
    if (failures.length === 0) failures.push(`tsc exited with ${run.status}: ${output || '(no output)'}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`README examples: ${failures.length} problem(s)`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
console.log(`README examples: ${examples.length} typecheck (${examples.map((e) => e.name).join(', ')})`);
