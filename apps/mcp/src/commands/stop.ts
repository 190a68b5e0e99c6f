// `mcp stop <service>`: changes the desired state on the service's node, then `active = false` in its file.
import type { CliCommand } from '../context.js';
import { changeDesiredState } from '../desired-state.js';
import { withNodeOption } from '../command-options.js';

export const stopCommand: CliCommand = {
  name: 'stop',
  register: (parser, select) =>
    parser.command(
      'stop <service>',
      'Stop a service on its node and set active = false in its file',
      (command) => withNodeOption(command.positional('service', { type: 'string', demandOption: true, describe: 'Service name' })),
      (args) => select((context) => changeDesiredState(context, args.service, args.node, false)),
    ),
};
