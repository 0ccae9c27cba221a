import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Where `ainkad` keeps its files by default. @public */
export interface DefaultPaths {
  /** SQLite history, the change journal and applied policies. */
  readonly stateDir: string;
  /** The local API's Unix socket. */
  readonly socket: string;
  /** The config file read when `--config` is not given (it need not exist). */
  readonly config: string;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Default paths: `/var/lib/ainka`, `/run/ainka/ainkad.sock` and `/etc/ainka/ainkad.yaml` for root;
 * `~/.local/state/ainka` (or `$XDG_STATE_HOME/ainka`), `$XDG_RUNTIME_DIR/ainka/ainkad.sock` (else in the
 * state dir) and `~/.config/ainka/ainkad.yaml` otherwise. `AINKA_STATE_DIR` / `AINKA_SOCKET` override.
 *
 * @public
 */
export function defaultPaths(env: NodeJS.ProcessEnv = process.env): DefaultPaths {
  const root = isRoot();
  // Empty or relative XDG variables are ignored, as the XDG spec says.
  const xdg = (v: string | undefined): string | undefined => (v !== undefined && isAbsolute(v) ? v : undefined);
  const set = (v: string | undefined): string | undefined => (v !== undefined && v !== '' ? v : undefined);
  const stateDir =
    set(env.AINKA_STATE_DIR) ?? (root ? '/var/lib/ainka' : join(xdg(env.XDG_STATE_HOME) ?? join(homedir(), '.local', 'state'), 'ainka'));
  const runtimeDir = xdg(env.XDG_RUNTIME_DIR);
  const runtime = root ? '/run/ainka' : runtimeDir !== undefined ? join(runtimeDir, 'ainka') : stateDir;
  const socket = set(env.AINKA_SOCKET) ?? join(runtime, 'ainkad.sock');
  const config = root ? '/etc/ainka/ainkad.yaml' : join(xdg(env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'), 'ainka', 'ainkad.yaml');
  return { stateDir, socket, config };
}
