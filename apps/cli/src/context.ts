import { DaemonClient, defaultPaths, describeError } from '@ainka/daemon';
import { isAinkaError } from '@ainka/errors';
import { EXIT, exitCodeFor } from './exitCodes.js';

/** Global options every command sees. */
export interface GlobalOptions {
  socket?: string;
  stateDir?: string;
  json?: boolean;
}

/** Paths and output mode for one invocation. */
export class Context {
  readonly socket: string;
  readonly stateDir: string;
  readonly json: boolean;

  constructor(o: GlobalOptions) {
    const d = defaultPaths();
    this.socket = o.socket ?? d.socket;
    this.stateDir = o.stateDir ?? d.stateDir;
    this.json = o.json === true;
  }

  /** Run `fn` with a connected client; the connection is closed afterwards. */
  async withClient<T>(fn: (c: DaemonClient) => Promise<T>): Promise<T> {
    const c = await DaemonClient.connect(this.socket);
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  }

  /** Print a result: JSON (stable, one document) or the human rendering. */
  print(result: unknown, human: () => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(result, null, 2)}\n` : `${human()}\n`);
  }
}

/** Print an error (as JSON with --json) and give the exit code. */
export function reportError(err: unknown, json: boolean): number {
  const e = describeError(err);
  const code = isAinkaError(err) ? exitCodeFor(err.code) : EXIT.failure;
  if (json) process.stdout.write(`${JSON.stringify({ error: e, exitCode: code }, null, 2)}\n`);
  process.stderr.write(`ainka: ${e.message}${e.code !== 'ERR_AINKA_DAEMON_INTERNAL' ? ` [${e.code}]` : ''}\n`);
  return code;
}
