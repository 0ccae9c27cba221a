/**
 * Every `ERR_AINKA_…` code in the sources, found by reading them (so the docs page cannot drift from the
 * code): the string literals in `packages/*\/src`, `apps/*\/src` and `tools/testbed/lib`, each with the
 * package that raises it and the doc comment written next to it, grouped by the `<AREA>` of
 * `ERR_AINKA_<AREA>_<WHAT>`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errorAreaOf, errorAreas, renamedCodes } from '@ainka/errors';

/** One code as found in the sources. */
export interface FoundErrorCode {
  /** The code, e.g. `ERR_AINKA_KERNEL_TIMEOUT`. */
  readonly code: string;
  /** Its area, or `undefined` when the code breaks the naming scheme. */
  readonly area: string | undefined;
  /** The first doc comment written on the line above the code (or in its `key: 'CODE'` entry), else ''. */
  readonly doc: string;
  /** Packages (package.json `name`) whose sources mention the code. */
  readonly packages: readonly string[];
  /** One source file that mentions it, relative to the repository root. */
  readonly file: string;
}

const SOURCE_EXT = /\.(ts|mts|mjs|js|c|h)$/;
const CODE_LITERAL = /['"`](ERR_AINKA_[A-Z0-9_]+)['"`]/g;

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE_EXT.test(name)) out.push(path);
  }
}

function packageName(root: string, file: string): string {
  const parts = relative(root, file).split('/');
  const pkgFile = join(root, parts[0] ?? '', parts[1] ?? '', 'package.json');
  if ((parts[0] === 'packages' || parts[0] === 'apps') && existsSync(pkgFile)) {
    return (JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string }).name;
  }
  return parts.slice(0, 2).join('/');
}

function docAbove(lines: readonly string[], index: number): string {
  const prev = lines[index - 1]?.trim() ?? '';
  const single = /^\/\*\*\s*(.*?)\s*\*\/$/.exec(prev);
  return single?.[1] ?? '';
}

/** Every code literal under the sources of `root`, sorted by code. Old names kept only in `renamedCodes` are not listed. */
export function findErrorCodes(root: string): FoundErrorCode[] {
  const files: string[] = [];
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    // @ainka/errors only names codes of other packages (its table of renamed codes).
    for (const name of readdirSync(dir)) if (!(group === 'packages' && name === 'errors')) walk(join(dir, name, 'src'), files);
  }
  walk(join(root, 'tools', 'testbed', 'lib'), files);
  const legacy = new Set(Object.keys(renamedCodes));
  const found = new Map<string, { doc: string; packages: Set<string>; file: string }>();
  for (const file of files.sort()) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(CODE_LITERAL)) {
        const code = m[1] ?? '';
        if (legacy.has(code) || code.endsWith('_')) continue;
        const entry = found.get(code) ?? { doc: '', packages: new Set<string>(), file: relative(root, file) };
        entry.packages.add(packageName(root, file));
        if (entry.doc === '') entry.doc = docAbove(lines, i);
        found.set(code, entry);
      }
    });
  }
  return [...found.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, e]) => ({ code, area: errorAreaOf(code), doc: e.doc, packages: [...e.packages].sort(), file: e.file }));
}

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The *Error codes* section: one table per area, then the renamed codes. */
export function renderErrorCodes(root: string): string {
  const codes = findErrorCodes(root);
  const out: string[] = [];
  for (const [area, info] of Object.entries(errorAreas)) {
    const rows = codes.filter((c) => c.area === area);
    if (rows.length === 0) continue;
    out.push(`### ${area} — ${info.what}`, '', `Raised by ${info.source}.`, '', '| code | meaning | raised in |', '| --- | --- | --- |');
    for (const c of rows) out.push(`| \`${c.code}\` | ${cell(c.doc)} | ${c.packages.map((p) => `\`${p}\``).join(', ')} |`);
    out.push('');
  }
  const stray = codes.filter((c) => c.area === undefined);
  if (stray.length > 0) {
    out.push('### Codes outside the scheme', '', '| code | file |', '| --- | --- |', ...stray.map((c) => `| \`${c.code}\` | \`${c.file}\` |`), '');
  }
  out.push('### Renamed codes', '', 'Errors carry the new code; `isAinkaError(error, oldCode)` still matches until 1.0.', '', '| old | new |', '| --- | --- |');
  for (const [from, to] of Object.entries(renamedCodes)) out.push(`| \`${from}\` | \`${to}\` |`);
  out.push('');
  return out.join('\n');
}
