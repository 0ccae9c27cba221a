import { execFile } from 'node:child_process';
import { ActuatorError, ActuatorErrorCode } from './errors.js';

/** Runs an external command and resolves with its stdout; injectable so tests use fakes. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string>;

/** The default {@link CommandRunner}: `execFile` (no shell), 10 s timeout, `ERR_AINKA_ACTUATOR_COMMAND_FAILED` on failure. */
export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 10_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new ActuatorError(
            ActuatorErrorCode.commandFailed,
            `failed to run ${file} ${args.join(' ')}: ${stderr.trim() || error.message}; check the command exists and AINKA has the privileges it needs`,
            undefined,
            { cause: error },
          ),
        );
      } else resolve(stdout);
    });
  });
