// Options several --direct commands share, declared once so their spelling and help text agree.
import type { Argv } from 'yargs';

const nodeHelp = 'Node to act on (a name from [[nodes]]); default: the definition\'s node, else the only configured node';

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
  return command.option('node', { type: 'string', requiresArg: true, alias: 'n', describe: 'Ask only this node (default: every node of [[nodes]])' });
}
