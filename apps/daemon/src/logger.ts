import { pino, type Logger } from 'pino';

/** The daemon's structured logger: pino, JSON lines on stdout (journald keeps them), `ainkad` as name. */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({ name: 'ainkad', level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export type { Logger };
