// Options several commands share, declared once so their spelling, help text and meaning agree.
import { PullPolicy } from '@mcp/proto';
import type { Argv } from 'yargs';
import { CliError, exitCodes } from './errors.js';

const nodeHelp =
  'Node to act on; default: the node the master placed the service on (--direct: the definition\'s node, else the only node of [[nodes]])';

/** `-n/--node <name>`; `logs` passes `short: false` because there `-n` is the number of lines. */
export function withNodeOption<T>(command: Argv<T>, options: { short?: boolean; describe?: string } = {}) {
  return command.option('node', {
    type: 'string',
    requiresArg: true,
    describe: options.describe ?? nodeHelp,
    ...(options.short === false ? {} : { alias: 'n' }),
  });
}

/** `-n/--node <name>` for commands that ask every node unless told one. */
export function withFleetNodeOption<T>(command: Argv<T>) {
  return command.option('node', {
    type: 'string',
    requiresArg: true,
    alias: 'n',
    describe: 'Only this node (default: every node the master knows; --direct: every node of [[nodes]])',
  });
}

/**
 * Through the master, placement chooses the node of deploy, undeploy, stop, start and sync; a -n there would
 * silently mean nothing, so it is refused (exit 2) saying how to pin a service or reach one agent.
 */
export function refuseNodeThroughMaster(command: string, flag: string | undefined): void {
  if (flag === undefined) return;
  throw new CliError(
    'usage',
    `mcp ${command} through mcp-master: -n/--node ${flag} does not apply, the master's placement chooses the node; ` +
      'pin a service with node = "<name>" in its definition, or pass --direct to act on one agent of [[nodes]]',
    exitCodes.badInput,
  );
}

/** `--pull` / `--no-pull`; absent: the node pulls an image only when it lacks it (SPEC §4: the tag is the version). */
export function withPullOption<T>(command: Argv<T>, describe: string) {
  return command.option('pull', { type: 'boolean', describe });
}

/**
 * The request fields of `--pull` (true), `--no-pull` (false) or neither (undefined). `no_pull` is set too, for a
 * master or agent that predates `pull`.
 */
export function pullFieldsOf(flag: boolean | undefined): { pull: PullPolicy; noPull: boolean } {
  if (flag === undefined) return { pull: PullPolicy.IF_ABSENT, noPull: false };
  return flag ? { pull: PullPolicy.ALWAYS, noPull: false } : { pull: PullPolicy.NEVER, noPull: true };
}
