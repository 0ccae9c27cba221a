import { spawnSync } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod } from '../src/api.js';
import type { ApiHandler } from '../src/apiServer.js';
import { cliMain, ensureBuilt, startDaemon, tempDir, writeConfig, type RunningDaemon } from './harness.js';

const skip = process.getuid?.() !== 0 ? 'not root (needs to run a client as uid 65534)' : spawnSync('setpriv', ['--version']).status !== 0 ? 'no setpriv (util-linux)' : undefined;
if (skip) console.warn(`[@ainka/daemon] skipping peer-credential tests: ${skip}`);

/** Sends each request on one connection and prints every response line; exits when the daemon closes. */
const clientJs = `
const [socket, ...requests] = process.argv.slice(2);
const s = require('node:net').connect(socket);
let buf = '', pending = requests.length;
s.setEncoding('utf8');
s.on('connect', () => { for (const r of requests) s.write(r + '\\n'); });
s.on('data', (c) => {
  buf += c;
  let nl;
  while ((nl = buf.indexOf('\\n')) >= 0) { process.stdout.write(buf.slice(0, nl + 1)); buf = buf.slice(nl + 1); if (--pending === 0) s.end(); }
});
s.on('error', (e) => { process.stderr.write(e.code + '\\n'); process.exit(2); });
`;

type Reply = { id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } };

describe.skipIf(skip)('ainkad API peer credentials (SO_PEERCRED)', () => {
  let dir: string;
  let client: string;
  let d: RunningDaemon;

  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('peercred');
    // Let nobody reach the socket: with mode 0666 the file mode allows everyone, so only the credential check refuses.
    chmodSync(dir, 0o755);
    client = join(dir, 'client.cjs');
    writeFileSync(client, clientJs, { mode: 0o644 });
    const config = writeConfig(dir, 'api:\n  socketMode: "0666"\n');
    d = await startDaemon(dir, ['--config', config, '--interval', '500', '--no-metrics']);
    expect(statSync(d.socket).mode & 0o777).toBe(0o666);
  }, 120_000);
  afterAll(async () => {
    await d?.stop();
  });

  /** Run the client as uid/gid 65534 (nobody) with the given supplementary groups. */
  function asNobody(groups: readonly number[], requests: readonly object[]): { replies: Reply[]; stderr: string; code: number | null } {
    const r = spawnSync(
      'setpriv',
      ['--reuid', '65534', '--regid', '65534', ...(groups.length > 0 ? ['--groups', groups.join(',')] : ['--clear-groups']), process.execPath, client, d.socket, ...requests.map((q) => JSON.stringify(q))],
      { encoding: 'utf8', timeout: 15_000 },
    );
    return { replies: r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Reply), stderr: r.stderr, code: r.status };
  }

  function asRoot(requests: readonly object[]): Reply[] {
    const r = spawnSync(process.execPath, [client, d.socket, ...requests.map((q) => JSON.stringify(q))], { encoding: 'utf8', timeout: 15_000 });
    return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Reply);
  }

  it('refuses nobody (not in the socket group) with ERR_AINKA_DAEMON_PERMISSION_DENIED and closes', () => {
    const r = asNobody([], [{ id: 7, method: 'status' }]);
    expect(r.stderr).toBe('');
    expect(r.replies).toEqual([{ id: 7, ok: false, error: { code: 'ERR_AINKA_DAEMON_PERMISSION_DENIED', message: `${d.socket}: uid 65534 is not allowed: run as root or join group root` } }]);
  });

  it('shows the refusal through the CLI with its documented exit code 6', () => {
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, cliMain, '--socket', d.socket, 'status'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(6);
    expect(r.stderr).toContain('[ERR_AINKA_DAEMON_PERMISSION_DENIED]');
    expect(r.stderr).toContain('uid 65534 is not allowed: run as root or join group root');
  });

  it('allows root every method', () => {
    const [status, rollback] = asRoot([{ id: 1, method: 'status' }, { id: 2, method: 'rollback', params: { all: true } }]).sort((a, b) => a.id - b.id);
    expect(status).toMatchObject({ id: 1, ok: true, result: { pid: d.proc.pid } });
    expect(rollback?.id).toBe(2);
    expect(rollback?.error?.code).not.toBe('ERR_AINKA_DAEMON_PERMISSION_DENIED');
  });

  it('lets a member of the socket group read but not change anything', () => {
    const r = asNobody([statSync(d.socket).gid], [{ id: 1, method: 'status' }, { id: 2, method: 'rollback', params: { all: true } }, { id: 3, method: 'policy.apply', params: { text: 'x' } }]);
    const byId = new Map(r.replies.map((x) => [x.id, x]));
    expect(byId.get(1)).toMatchObject({ ok: true, result: { pid: d.proc.pid } });
    for (const [id, method] of [[2, 'rollback'], [3, 'policy.apply']] as const) {
      expect(byId.get(id)?.error?.code).toBe('ERR_AINKA_DAEMON_PERMISSION_DENIED');
      expect(byId.get(id)?.error?.message).toContain(`uid 65534 is not allowed to call ${method}`);
    }
  });

  it('logs nothing about falling back: the credentials were read', () => {
    expect(d.logs().some((l) => l.event === 'api-peercred')).toBe(false);
  });
});

describe('ainkad API when peer credentials cannot be read', () => {
  it('falls back to the file-mode check, warns once and serves every method', async () => {
    const { ApiServer } = await import('../src/apiServer.js');
    const { DaemonClient } = await import('../src/client.js');
    const dir = tempDir('peercred-fallback');
    const warnings: string[] = [];
    const handlers = new Map<ApiMethod, ApiHandler>([
      ['status', () => ({ up: true })],
      ['rollback', () => ({ rolledBack: 0 })],
    ]);
    const api = await ApiServer.listen(join(dir, 'api.sock'), 0o660, handlers, {
      getPeerCred: () => {
        throw Object.assign(new Error('getsockopt: Operation not supported'), { code: 'EOPNOTSUPP', errno: 95, syscall: 'getsockopt' });
      },
      warn: (_fields, msg) => warnings.push(msg),
    });
    try {
      for (let i = 0; i < 2; i++) {
        const c = await DaemonClient.connect(api.path);
        try {
          expect(await c.call('status')).toEqual({ up: true });
          expect(await c.call('rollback', { all: true })).toEqual({ rolledBack: 0 });
        } finally {
          c.close();
        }
      }
      expect(warnings).toEqual([`API clients' credentials cannot be read (getPeerCred failed: getsockopt: Operation not supported); the socket's file mode is the only access check`]);
    } finally {
      await api.close();
    }
  });
});
