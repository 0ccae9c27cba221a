import { readFileSync } from 'node:fs';
import type { Context } from './context.js';
import { EXIT } from './exitCodes.js';

/**
 * `ainka dashboard`: print the URL of the daemon's web dashboard. When the caller can read the admin token
 * (`<stateDir>/dashboard.token`, 0600: root or the daemon's user) the URL carries it in its fragment, and
 * the page can apply advice and roll changes back; otherwise the URL is the read-only one.
 */
export async function dashboardCommand(ctx: Context): Promise<number> {
  const r = await ctx.withClient((c) => c.call<{ url: string | null; tokenFile: string | null }>('dashboard'));
  if (r.url === null) {
    process.stderr.write('ainka: the dashboard is off: start ainkad with --dashboard (npm start does) or set dashboard.enabled: true in its config\n');
    return EXIT.failure;
  }
  let token: string | undefined;
  try {
    if (r.tokenFile !== null) token = readFileSync(r.tokenFile, 'utf8').trim();
  } catch {
    // not root or the daemon's user: read-only
  }
  const admin = token !== undefined && /^[0-9a-f]{64}$/.test(token);
  const url = admin ? `${r.url}#token=${token}` : r.url;
  ctx.print({ url, admin }, () => (admin ? url : `${url}\n(read-only: run as root or the daemon's user for the URL that can apply advice and roll back)`));
  return EXIT.ok;
}
