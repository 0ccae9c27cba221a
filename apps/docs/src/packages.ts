import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The monorepo root, two levels above `apps/docs`. */
export const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');

/** The docs app folder (`apps/docs`). */
export const docsRoot = resolve(import.meta.dirname, '..');

/** A published library found under `packages/*`. */
export interface LibraryPackage {
  /** npm name, e.g. `@ainka/policy`. */
  name: string;
  /** Folder name under `packages/`, e.g. `policy`. */
  folder: string;
  /** Absolute path of the package folder. */
  dir: string;
  /** One-line description from `package.json`. */
  description: string;
  /** Version from `package.json`. */
  version: string;
  /** Whether `src/index.ts` exists, i.e. whether there is an API to document yet. */
  hasEntryPoint: boolean;
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  description?: unknown;
  private?: unknown;
}

/**
 * Lists every published library under `<root>/packages/*`, read from each `package.json` at call time
 * (never a hard-coded list: libraries appear while the project grows). Private packages and folders
 * without a `package.json` are skipped. Sorted by name.
 */
export function discoverPackages(root: string = workspaceRoot): LibraryPackage[] {
  const packagesDir = join(root, 'packages');
  if (!existsSync(packagesDir)) return [];
  const found: LibraryPackage[] = [];
  for (const folder of readdirSync(packagesDir)) {
    const dir = join(packagesDir, folder);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as PackageJson;
    } catch (error) {
      throw new Error(
        `packages/${folder}/package.json is not valid JSON (${(error as Error).message}); fix it so the docs can list the package`,
      );
    }
    if (pkg.private === true || typeof pkg.name !== 'string') continue;
    found.push({
      name: pkg.name,
      folder,
      dir,
      description: typeof pkg.description === 'string' ? pkg.description : '',
      version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      hasEntryPoint: existsSync(join(dir, 'src', 'index.ts')),
    });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** A Markdown guide under `apps/docs/guides`. */
export interface Guide {
  /** Absolute path of the Markdown file. */
  file: string;
  /** File name without `.md`, e.g. `install`. */
  slug: string;
  /** `title` from the front matter, else the first `# heading`, else the slug. */
  title: string;
  /** Sort key from the front matter's `order` (default 100). */
  order: number;
  /** One-line summary from the front matter's `summary`, if any. */
  summary: string;
}

/** Reads the guides (`*.md` in `guidesDir`), ordered by their front matter's `order`, then title. */
export function discoverGuides(guidesDir: string = join(docsRoot, 'guides')): Guide[] {
  if (!existsSync(guidesDir)) return [];
  const guides: Guide[] = [];
  for (const name of readdirSync(guidesDir)) {
    if (!name.endsWith('.md')) continue;
    const file = join(guidesDir, name);
    const text = readFileSync(file, 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '';
    const field = (key: string): string | undefined =>
      new RegExp(`^${key}:\\s*(.+)$`, 'm').exec(front)?.[1]?.trim().replace(/^["']|["']$/g, '');
    const slug = name.slice(0, -3);
    const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
    guides.push({
      file,
      slug,
      title: field('title') ?? heading ?? slug,
      order: Number(field('order') ?? 100),
      summary: field('summary') ?? '',
    });
  }
  return guides.sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
}
