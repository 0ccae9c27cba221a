import { relative } from 'node:path';
import type { Guide, LibraryPackage } from './packages.js';

/** Options for {@link renderHome}. */
export interface HomeOptions {
  /** The libraries to list (from `discoverPackages`). */
  packages: readonly LibraryPackage[];
  /** The guides to list (from `discoverGuides`). */
  guides: readonly Guide[];
  /** Folder the generated home page will be written to; guide links are made relative to it. */
  homeDir: string;
  /** Hand-written introduction (Markdown) placed above the generated tables. */
  intro: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Renders the site's home page (Markdown, typedoc's `readme`): the introduction, then one table row per
 * guide and per library. Library links are TSDoc `{@link}` declaration references to the package's module,
 * so typedoc resolves them to the reference page (and warns if one is missing); packages without a
 * `src/index.ts` are listed without a link.
 */
export function renderHome(options: HomeOptions): string {
  const lines: string[] = [options.intro.trim(), ''];
  lines.push('## Guides', '', '| guide | what it covers |', '| --- | --- |');
  for (const guide of options.guides) {
    const link = relative(options.homeDir, guide.file).split('\\').join('/');
    lines.push(`| [${cell(guide.title)}](${link}) | ${cell(guide.summary)} |`);
  }
  lines.push('', '## Library API reference', '');
  lines.push(
    'Every published library under `packages/`, found when the site was built. Each reference page opens',
    "with the package's README, then lists its exports, generated from their TSDoc comments.",
    '',
    '| package | version | what it is |',
    '| --- | --- | --- |',
  );
  for (const pkg of options.packages) {
    const name = pkg.hasEntryPoint ? `{@link "${pkg.name}"! | ${pkg.name}}` : `${pkg.name} (no \`src/index.ts\` yet)`;
    lines.push(`| ${name} | ${pkg.version} | ${cell(pkg.description)} |`);
  }
  lines.push('');
  return lines.join('\n');
}
