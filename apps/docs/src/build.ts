/**
 * Builds the AINKA docs site into `apps/docs/dist`: typedoc's API reference for every library under
 * `packages/*` (discovered now, from their package.json), the guides in `apps/docs/guides`, and a
 * generated home page linking to both. Usage: `npx nx run @ainka/docs:build` (or `npm run build -w apps/docs`).
 *
 * TSDoc gaps never fail the build: they are typedoc warnings, summarised per package at the end and
 * written to `dist/api-coverage.json`. Typedoc errors (an unreadable entry point, a broken option) do.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Application, EntryPointStrategy, LogLevel } from 'typedoc';
import { isNotDocumentedWarning, splitUndocumented, undocumentedByPackage, type UndocumentedReport } from './coverage.js';
import { expandSections } from './generated.js';
import { renderHome } from './home.js';
import { discoverGuides, discoverPackages, docsRoot, workspaceRoot } from './packages.js';

const outDir = join(docsRoot, 'dist');
const workDir = join(docsRoot, 'build');

async function main(): Promise<number> {
  const started = Date.now();
  // Source paths in the site ("Defined in packages/policy/src/…") are relative to the working directory.
  process.chdir(workspaceRoot);

  const packages = discoverPackages();
  const documented = packages.filter((p) => p.hasEntryPoint);
  const guides = discoverGuides();
  for (const p of packages.filter((p) => !p.hasEntryPoint)) {
    console.warn(`[docs] ${p.name}: no src/index.ts yet, listed on the home page without a reference`);
  }
  if (documented.length === 0) {
    console.error('[docs] no package under packages/* has a src/index.ts; nothing to document');
    return 1;
  }

  // The guides as typedoc reads them: copied next to their images, generated sections filled in.
  const guidesDir = join(workDir, 'guides');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(guidesDir, { recursive: true });
  const sourceGuides = join(docsRoot, 'guides');
  for (const name of readdirSync(sourceGuides)) {
    const source = join(sourceGuides, name);
    if (!name.endsWith('.md') && statSync(source).isFile()) copyFileSync(source, join(guidesDir, name));
  }
  const builtGuides = [];
  for (const guide of guides) {
    const file = join(guidesDir, basename(guide.file));
    writeFileSync(file, await expandSections(readFileSync(guide.file, 'utf8'), workspaceRoot));
    builtGuides.push({ ...guide, file });
  }

  const homeFile = join(workDir, 'home.md');
  writeFileSync(
    homeFile,
    renderHome({
      packages,
      guides: builtGuides,
      homeDir: workDir,
      intro: readFileSync(join(docsRoot, 'home.md'), 'utf8'),
    }),
  );

  const warnings: string[] = [];
  const app = await Application.bootstrapWithPlugins({
    name: 'AINKA',
    entryPointStrategy: EntryPointStrategy.Packages,
    entryPoints: documented.map((p) => p.dir),
    packageOptions: {
      entryPoints: ['src/index.ts'],
      // A package with type errors (work in progress elsewhere) still gets its reference.
      skipErrorChecking: true,
      excludePrivate: true,
      excludeInternal: true,
      // Resolve sibling libraries to their sources (as vitest does) rather than their built .d.ts, so a
      // type or {@link} from another package points at that package's reference page in this site.
      compilerOptions: {
        paths: Object.fromEntries(documented.map((p) => [p.name, [join(p.dir, 'src', 'index.ts')]])),
      },
    },
    readme: homeFile,
    projectDocuments: builtGuides.map((g) => g.file),
    out: outDir,
    githubPages: false,
    hideGenerator: true,
    favicon: join(docsRoot, 'favicon.svg'),
    searchInComments: true,
    // One flat list of packages in the sidebar rather than an "@ainka" folder.
    navigation: { includeFolders: false },
    validation: { notExported: true, invalidLink: true, notDocumented: true },
    requiredToBeDocumented: [
      'Enum',
      'EnumMember',
      'Variable',
      'Function',
      'Class',
      'Interface',
      'Property',
      'Method',
      'Accessor',
      'TypeAlias',
    ],
    packagesRequiringDocumentation: documented.map((p) => p.name),
    logLevel: LogLevel.Info,
  });

  // Keep every message (to attribute TSDoc gaps to packages) and still print them.
  const logger = app.logger;
  const print = logger.log.bind(logger);
  logger.log = (message: string, level: LogLevel): void => {
    // The repository has no public remote yet, so "Defined in" is shown without a link: expected.
    if (level === LogLevel.Warn && /git remote .* was not valid/.test(message)) return;
    if (level === LogLevel.Warn) warnings.push(message);
    // TSDoc gaps are many and expected while packages grow: summarised below instead of printed.
    if (level === LogLevel.Warn && isNotDocumentedWarning(message)) return;
    print(message, level);
  };

  rmSync(outDir, { recursive: true, force: true });
  const project = await app.convert();
  if (!project) {
    console.error('[docs] typedoc could not convert the packages (see the errors above)');
    return 1;
  }
  app.validate(project);
  if (logger.hasErrors()) {
    console.error('[docs] typedoc reported errors; fix them (warnings are fine)');
    return 1;
  }
  await app.generateDocs(project, outDir);
  if (logger.hasErrors()) {
    console.error('[docs] typedoc failed to render the site');
    return 1;
  }

  const report: UndocumentedReport = undocumentedByPackage(warnings, packages);
  writeFileSync(join(outDir, 'api-coverage.json'), JSON.stringify(report, null, 2) + '\n');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[docs] site written to ${outDir} in ${seconds} s: ${documented.length} packages, ${guides.length} guides`);
  for (const [name, items] of Object.entries(report.undocumented)) {
    if (items.length === 0) continue;
    const { exports, members } = splitUndocumented(items);
    const first = exports.slice(0, 6).join(', ') + (exports.length > 6 ? ', …' : '');
    console.log(
      `[docs] ${name}: ${exports.length} exports and ${members.length} members without TSDoc${exports.length ? ` (${first})` : ''}`,
    );
  }
  console.log('[docs] full list: apps/docs/dist/api-coverage.json');
  return 0;
}

process.exitCode = await main();
