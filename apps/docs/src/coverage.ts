import type { LibraryPackage } from './packages.js';

/** Exports without TSDoc, per package, as written to `dist/api-coverage.json`. */
export interface UndocumentedReport {
  /**
   * Package name → names (with their kind) that typedoc found undocumented. Top-level exports read
   * `Name (Kind)`; members of an export read `Name.member (Kind)`.
   */
  undocumented: Record<string, string[]>;
  /** Warnings that could not be attributed to a package (printed for completeness). */
  other: string[];
}

const ansi = /\u001b\[[0-9;]*m/g;
const notDocumented = /^(?:\[warning\]\s*)?(.+?) \((\w[\w ]*)\), defined in (.+?), does not have any documentation/;

/**
 * Groups typedoc's "does not have any documentation" warnings by the package whose source defines the
 * reflection (`packages/<folder>/…` in the "defined in" path). Other warnings are returned in `other`.
 */
export function undocumentedByPackage(warnings: readonly string[], packages: readonly LibraryPackage[]): UndocumentedReport {
  const report: UndocumentedReport = { undocumented: {}, other: [] };
  for (const p of packages) report.undocumented[p.name] = [];
  for (const raw of warnings) {
    const text = raw.replace(ansi, '').trim();
    const match = notDocumented.exec(text);
    if (!match) {
      report.other.push(text);
      continue;
    }
    const [, name, kind, where] = match;
    // typedoc names the file by package ("@ainka/ml/src/x.ts"), or by path ("packages/ml/src/x.ts").
    const folder = /packages\/([^/]+)\//.exec(where ?? '')?.[1];
    const pkg = packages.find((p) => p.folder === folder || (where ?? '').startsWith(`${p.name}/`));
    if (pkg) report.undocumented[pkg.name]?.push(`${(name ?? '').slice(pkg.name.length + 1)} (${kind})`);
    else report.other.push(text);
  }
  return report;
}

/** True for typedoc's "… does not have any documentation" warning (colour codes allowed). */
export function isNotDocumentedWarning(message: string): boolean {
  return notDocumented.test(message.replace(ansi, '').trim());
}

/** Splits a package's undocumented names into top-level exports and members of exports. */
export function splitUndocumented(names: readonly string[]): { exports: string[]; members: string[] } {
  const exports: string[] = [];
  const members: string[] = [];
  for (const entry of names) (entry.split(' (')[0]?.includes('.') ? members : exports).push(entry);
  return { exports, members };
}
