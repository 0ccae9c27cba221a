import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { ApiMethod, ApiRequest, ApiResponse } from './api.js';
import { DaemonError, describeError } from './errors.js';

/** Handles one API method. */
export type ApiHandler = (params: Readonly<Record<string, unknown>>) => unknown;

const MAX_LINE = 1024 * 1024;

function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * The local API: JSON lines on a Unix socket created with `mode` (0660 by default) in a 0750 directory.
 * The socket's file permissions are the access check (Node exposes no SO_PEERCRED; see the README).
 */
export class ApiServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly handlers: ReadonlyMap<ApiMethod, ApiHandler>,
  ) {
    this.server = createServer((sock) => this.onConnection(sock));
  }

  /** Create the socket (replacing a stale one) and listen. */
  static async listen(path: string, mode: number, handlers: ReadonlyMap<ApiMethod, ApiHandler>): Promise<ApiServer> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
    if (existsSync(path)) {
      if (await socketAlive(path)) {
        throw new DaemonError('ERR_AINKA_DAEMON_SOCKET_IN_USE', `another ainkad already listens on ${path}; stop it (systemctl stop ainkad) or set api.socket to another path.`);
      }
      unlinkSync(path);
    }
    const api = new ApiServer(path, handlers);
    const old = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        api.server.once('error', reject);
        api.server.listen(path, () => resolve());
      });
    } finally {
      process.umask(old);
    }
    chmodSync(path, mode);
    return api;
  }

  private onConnection(sock: Socket): void {
    this.sockets.add(sock);
    sock.setEncoding('utf8');
    let buf = '';
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_LINE && buf.indexOf('\n') < 0) {
        sock.end(`${JSON.stringify({ id: 0, ok: false, error: { code: 'ERR_AINKA_DAEMON_BAD_REQUEST', message: `request longer than ${MAX_LINE} bytes` } })}\n`);
        return;
      }
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() !== '') void this.answer(sock, line);
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => this.sockets.delete(sock));
  }

  private async answer(sock: Socket, line: string): Promise<void> {
    let id = 0;
    let reply: ApiResponse;
    try {
      const req = JSON.parse(line) as Partial<ApiRequest>;
      if (typeof req !== 'object' || req === null || typeof req.method !== 'string') throw new DaemonError('ERR_AINKA_DAEMON_BAD_REQUEST', 'a request is {"id": n, "method": "...", "params": {...}} on one line');
      id = typeof req.id === 'number' ? req.id : 0;
      const h = this.handlers.get(req.method as ApiMethod);
      if (h === undefined) throw new DaemonError('ERR_AINKA_DAEMON_BAD_REQUEST', `unknown method ${req.method}; known: ${[...this.handlers.keys()].join(', ')}`);
      const params = typeof req.params === 'object' && req.params !== null ? req.params : {};
      reply = { id, ok: true, result: await h(params) };
    } catch (err) {
      reply = { id, ok: false, error: describeError(err) };
    }
    if (!sock.destroyed) sock.write(`${JSON.stringify(reply)}\n`);
  }

  /** Stop listening, drop connections and remove the socket file. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
