import tab from '@bomb.sh/tab/commander';
import { knownMetrics } from '@ainka/daemon';
import type { Command } from 'commander';

/** The shells `ainka completion <shell>` prints a script for. */
export const completionShells = ['bash', 'zsh', 'fish', 'powershell'] as const;

/**
 * Shell completion generated from the command definitions by `@bomb.sh/tab`. Call it after every command
 * is defined. It adds
 * - `ainka completion <bash|zsh|fish|powershell>`: prints the shell's script
 *   (`source <(ainka completion bash)`, `ainka completion zsh > "${fpath[1]}/_ainka"`);
 * - the hidden `ainka complete -- <words…>` the scripts call on TAB: suggestions (subcommands, options and
 *   their choices, with descriptions) read from commander's tree, so they never drift from the commands.
 *
 * `forecast` and `history` also complete their metric argument with the metric catalogue's names.
 */
export function registerCompletion(program: Command): void {
  const completion = tab(program, { completionCommandName: 'completion' });
  for (const name of ['forecast', 'history']) {
    const metric = completion.commands.get(name)?.arguments.get('metric');
    if (metric !== undefined) {
      metric.handler = (complete) => {
        for (const m of knownMetrics()) complete(m, '');
      };
    }
  }
}
