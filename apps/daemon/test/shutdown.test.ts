import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, journal, startDaemon, tempDir } from './harness.js';

beforeAll(() => ensureBuilt(), 120_000);

describe('ainkad shutdown', () => {
  it('stops cleanly on Ctrl-C delivered twice at once (terminal + npm start forwarding)', async () => {
    const dir = tempDir('sigint');
    const d = await startDaemon(dir, ['--interval', '500', '--no-metrics']);
    const exited = new Promise<number | null>((r) => d.proc.once('exit', (code) => r(code)));
    d.proc.kill('SIGINT');
    d.proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(d.logs().some((l) => l.msg === 'stopping (SIGINT)')).toBe(true);
    // The journal session was closed (an 'end' record), not abandoned.
    expect(journal(d.stateDir).some((r) => r.type === 'end')).toBe(true);
  });
});
