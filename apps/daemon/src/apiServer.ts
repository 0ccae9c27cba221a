import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { mutatingMethods, type ApiMethod, type ApiRequest, type ApiResponse } from './api.js';
import { DaemonError, describeError } from './errors.js';

/** Handles one API method. */
export type ApiHandler = (params: Readonly<Record<string, unknown>>) => unknown;

const MAX_LINE = 1024 * 1024;
/** How long a refused client has to send its first request (answered with its id) before it is closed. */
const REFUSE_WAIT_MS = 2000;

/** Credentials of a connected peer (SO_PEERCRED). */
export interface PeerCred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** Options of {@link ApiServer.listen}. */
export interface ApiServerOptions {
  /** Warnings (e.g. peer credentials unreadable: falling back to the file-mode check). Default: one JSON line on stderr. */
  readonly warn?: (fields: Record<string, unknown>, msg: string) => void;
  /** Reads a socket fd's peer credentials. Default: `getPeerCred` of `@ainka/native`, when the addon loads. */
  readonly getPeerCred?: (fd: number) => PeerCred;
}

/** What a connection may do: `admin` = every method, `read` = all but {@link mutatingMethods}, `unchecked` = creds unreadable. */
type Access = { readonly kind: 'admin' | 'read'; readonly uid: number } | { readonly kind: 'unchecked' } | { readonly kind: 'refused'; readonly message: string };

/** The supplementary groups of a live process, from `/proc/<pid>/status` (empty when it is gone or hidden). */
function supplementaryGroups(pid: number): number[] {
  if (pid <= 0) return [];
  try {
    const line = /^Groups:(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return (line?.[1] ?? '').trim().split(/\s+/).filter((g) => g !== '').map(Number);
  } catch {
    return [];
  }
}

/** The name of a group from /etc/group, else its number. */
function groupName(gid: number): string {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name !== undefined && name !== '' && Number(id) === gid) return name;
    }
  } catch {
    // no /etc/group: the number will do
  }
  return String(gid);
}

function permissionError(message: string): { code: string; message: string } {
  return { code: 'ERR_AINKA_DAEMON_PERMISSION_DENIED', message };
}

async function loadPeerCred(): Promise<((fd: number) => PeerCred) | string> {
  try {
    const native = await import('@ainka/native');
    return native.getPeerCred;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

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
 * Besides the file mode, every connection's peer credentials (SO_PEERCRED, through `@ainka/native`) are
 * checked: uid 0, the daemon's uid and members of the socket's group may connect; only uid 0 and the
 * daemon's uid may call {@link mutatingMethods}. When the credentials cannot be read, the file mode is
 * the only check (logged once).
 */
export class ApiServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly daemonUid = process.getuid?.() ?? 0;
  private socketGid = -1;
  private getPeerCred: ((fd: number) => PeerCred) | undefined;
  private unchecked: string | undefined;
  private warned = false;

  private constructor(
    readonly path: string,
    private readonly handlers: ReadonlyMap<ApiMethod, ApiHandler>,
    private readonly warn: (fields: Record<string, unknown>, msg: string) => void,
  ) {
    this.server = createServer((sock) => this.onConnection(sock));
  }

  /** Create the socket (replacing a stale one) and listen. */
  static async listen(path: string, mode: number, handlers: ReadonlyMap<ApiMethod, ApiHandler>, options: ApiServerOptions = {}): Promise<ApiServer> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
    if (existsSync(path)) {
      if (await socketAlive(path)) {
        throw new DaemonError('ERR_AINKA_DAEMON_SOCKET_IN_USE', `another ainkad already listens on ${path}; stop it (systemctl stop ainkad) or set api.socket to another path.`);
      }
      unlinkSync(path);
    }
    const warn = options.warn ?? ((fields, msg) => process.stderr.write(`${JSON.stringify({ level: 40, time: new Date().toISOString(), pid: process.pid, name: 'ainkad', ...fields, msg })}\n`));
    const api = new ApiServer(path, handlers, warn);
    if (options.getPeerCred !== undefined) api.getPeerCred = options.getPeerCred;
    else {
      const loaded = await loadPeerCred();
      if (typeof loaded === 'string') api.unchecked = `@ainka/native did not load (${loaded})`;
      else api.getPeerCred = loaded;
    }
    // Bind with the final mode already (a socket file gets 0777 & ~umask), so no client ever meets a socket whose
    // mode is still being set. The umask is process-wide: it is restored as soon as listen() has bound the socket
    // (synchronously, inside the call), not after the 'listening' callback. chmod afterwards only to be exact.
    const old = process.umask(~mode & 0o777);
    let listening: Promise<void>;
    try {
      listening = new Promise<void>((resolve, reject) => {
        api.server.once('error', reject);
        api.server.listen(path, () => resolve());
      });
    } finally {
      process.umask(old);
    }
    await listening;
    chmodSync(path, mode);
    api.socketGid = statSync(path).gid;
    return api;
  }

  /** Who is at the other end, and what they may do. */
  private access(sock: Socket): Access {
    let cred: PeerCred | undefined;
    let problem = this.unchecked;
    if (this.getPeerCred !== undefined) {
      const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0) problem = 'the accepted socket has no file descriptor';
      else {
        try {
          cred = this.getPeerCred(fd);
        } catch (err) {
          problem = `getPeerCred failed: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
    }
    if (cred === undefined) {
      if (!this.warned) {
        this.warned = true;
        this.warn({ event: 'api-peercred', reason: problem }, `API clients' credentials cannot be read (${problem ?? 'unknown reason'}); the socket's file mode is the only access check`);
      }
      return { kind: 'unchecked' };
    }
    if (cred.uid === 0 || cred.uid === this.daemonUid) return { kind: 'admin', uid: cred.uid };
    if (cred.gid === this.socketGid || supplementaryGroups(cred.pid).includes(this.socketGid)) return { kind: 'read', uid: cred.uid };
    return { kind: 'refused', message: `${this.path}: uid ${cred.uid} is not allowed: run as root or join group ${groupName(this.socketGid)}` };
  }

  /** Answers the first request (with its id, so clients match it) with the refusal, then closes. */
  private refuse(sock: Socket, message: string): void {
    let buf = '';
    let done = false;
    const finish = (id: number): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!sock.destroyed) sock.end(`${JSON.stringify({ id, ok: false, error: permissionError(message) })}\n`);
    };
    const timer = setTimeout(() => finish(0), REFUSE_WAIT_MS);
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0 && buf.length <= MAX_LINE) return;
      let id = 0;
      try {
        const req = JSON.parse(nl < 0 ? '' : buf.slice(0, nl)) as { id?: unknown };
        if (typeof req.id === 'number') id = req.id;
      } catch {
        // not a request: id 0
      }
      finish(id);
    });
    sock.on('end', () => finish(0));
  }

  private onConnection(sock: Socket): void {
    this.sockets.add(sock);
    sock.setEncoding('utf8');
    sock.on('error', () => undefined);
    sock.on('close', () => this.sockets.delete(sock));
    const access = this.access(sock);
    if (access.kind === 'refused') {
      this.refuse(sock, access.message);
      return;
    }
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
        if (line.trim() !== '') void this.answer(sock, line, access);
      }
    });
  }

  private async answer(sock: Socket, line: string, access: Access): Promise<void> {
    let id = 0;
    let reply: ApiResponse;
    try {
      const req = JSON.parse(line) as Partial<ApiRequest>;
      if (typeof req !== 'object' || req === null || typeof req.method !== 'string') throw new DaemonError('ERR_AINKA_DAEMON_BAD_REQUEST', 'a request is {"id": n, "method": "...", "params": {...}} on one line');
      id = typeof req.id === 'number' ? req.id : 0;
      const h = this.handlers.get(req.method as ApiMethod);
      if (h === undefined) throw new DaemonError('ERR_AINKA_DAEMON_BAD_REQUEST', `unknown method ${req.method}; known: ${[...this.handlers.keys()].join(', ')}`);
      if (access.kind === 'read' && mutatingMethods.includes(req.method as ApiMethod)) {
        reply = { id, ok: false, error: permissionError(`uid ${access.uid} is not allowed to call ${req.method} (it changes the system): run as root or as the daemon's user (uid ${this.daemonUid}); members of group ${groupName(this.socketGid)} may only read`) };
        if (!sock.destroyed) sock.write(`${JSON.stringify(reply)}\n`);
        return;
      }
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
