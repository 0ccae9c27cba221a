import { connect, type Socket } from 'node:net';
import type { ApiMethod, ApiResponse } from './api.js';
import { DaemonError, type DaemonErrorCode } from './errors.js';

/**
 * A client of the daemon's local API (JSON lines on a Unix socket).
 *
 * @example
 * ```ts
 * const c = await DaemonClient.connect('/run/ainka/ainkad.sock');
 * console.log(await c.call('status'));
 * c.close();
 * ```
 * @public
 */
export class DaemonClient {
  private readonly socket: Socket;
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => this.failAll(new DaemonError('ERR_AINKA_DAEMON_UNREACHABLE', 'the daemon closed the connection; check `journalctl -u ainkad` or its log.')));
    socket.on('error', (err) => this.failAll(new DaemonError('ERR_AINKA_DAEMON_UNREACHABLE', `socket error: ${err.message}`)));
  }

  /** Connect to the socket; rejects with `ERR_AINKA_DAEMON_UNREACHABLE` when nobody listens. */
  static connect(path: string, timeoutMs = 2000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DaemonError('ERR_AINKA_DAEMON_TIMEOUT', `no answer from ${path} within ${timeoutMs} ms; is ainkad stuck? check its log.`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(new DaemonClient(s));
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why =
          err.code === 'EACCES'
            ? new DaemonError('ERR_AINKA_DAEMON_PERMISSION_DENIED', `permission denied on ${path}: run as root or as a member of the socket's group.`)
            : new DaemonError('ERR_AINKA_DAEMON_UNREACHABLE', `ainkad is not running (cannot connect to ${path}: ${err.code ?? err.message}); start it with \`ainkad\` or \`systemctl start ainkad\`, or pass --socket.`);
        reject(why);
      });
    });
  }

  /** Call a method; rejects with the daemon's error (its `code` kept). */
  call<T = unknown>(method: ApiMethod, params?: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DaemonError('ERR_AINKA_DAEMON_TIMEOUT', `${method} got no answer within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Close the connection. */
  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() === '') continue;
      let msg: ApiResponse;
      try {
        msg = JSON.parse(line) as ApiResponse;
      } catch {
        continue;
      }
      const p = this.pending.get(msg.id);
      if (p === undefined) continue;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new DaemonError(msg.error.code as DaemonErrorCode, msg.error.message));
    }
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}
