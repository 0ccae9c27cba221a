// Resolves tools/scripts/deps.mjs `testOnlyDebianPackagePatterns` into package names: an installed
// release that matches wins, otherwise the newest one apt-cache knows. Plain Node, no dependencies.
import { execFileSync } from 'node:child_process';

const byVersion = (a, b) => a.localeCompare(b, 'en', { numeric: true });

function lines(cmd, args) {
  try {
    // apt-cache pkgnames prints every package name of the archive: over 1 MiB, execFileSync's default
    // maxBuffer, with bookworm + bookworm-security (the overflow read as "no such package")
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Package names for each pattern (installed release, else the newest available), e.g. linux-image-6.12.118+deb12-amd64. */
export function resolvePatternPackages(patterns) {
  const installed = lines('dpkg-query', ['-W', '-f=${Package} ${Status}\n'])
    .filter((l) => l.endsWith('install ok installed'))
    .map((l) => l.split(' ')[0]);
  let available;
  const out = [];
  for (const p of patterns) {
    const pick = (names) => names.map((n) => p.release.exec(n)?.[1]).filter(Boolean).sort(byVersion).pop();
    let release = pick(installed);
    if (!release) {
      available ??= lines('apt-cache', ['pkgnames']);
      release = pick(available);
      // A fresh machine may not have package lists yet: fetch them once (as root) and look again.
      if (!release && process.getuid?.() === 0) {
        lines('apt-get', ['update', '-qq']);
        available = lines('apt-cache', ['pkgnames']);
        release = pick(available);
      }
    }
    if (release) out.push(...p.packages.map((n) => n.replace('{}', release)));
    else console.warn(`! no Debian package matches ${p.release} (apt-get update, and add bookworm-security or bookworm-backports)`);
  }
  return out;
}
