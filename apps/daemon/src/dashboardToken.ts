import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the admin token file in the state directory. @public */
export const dashboardTokenFile = 'dashboard.token';

const TOKEN = /^[0-9a-f]{64}$/;

/**
 * The dashboard's admin token: 32 random bytes (hex) in `<stateDir>/dashboard.token`, mode 0600, owned by
 * the daemon's user. Whoever can read that file already has the daemon's rights (the journal and the
 * socket live beside it), so holding the token is what "admin" means to the dashboard. The token is kept
 * across restarts (bookmarks stay valid); a file that is not 0600 or not a token is replaced. Delete the
 * file and restart ainkad to rotate it.
 */
export function ensureDashboardToken(stateDir: string): { token: string; path: string } {
  const path = join(stateDir, dashboardTokenFile);
  try {
    const st = statSync(path);
    const text = readFileSync(path, 'utf8').trim();
    if ((st.mode & 0o077) === 0 && st.uid === (process.getuid?.() ?? st.uid) && TOKEN.test(text)) return { token: text, path };
    unlinkSync(path);
  } catch {
    // missing or unreadable: write a new one
  }
  const token = randomBytes(32).toString('hex');
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
  return { token, path };
}

/** Read the token (for `ainka dashboard`); undefined when the caller may not read it. @public */
export function readDashboardToken(stateDir: string): string | undefined {
  try {
    const text = readFileSync(join(stateDir, dashboardTokenFile), 'utf8').trim();
    return TOKEN.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time comparison of a presented token with the real one. */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
