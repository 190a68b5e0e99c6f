// `mcp stop <service>`: changes the desired state through mcp-master (--direct: on the service's node), then `active = false` in its file.
import type { CliCommand } from '../context.js';
import { changeDesiredState } from '../desired-state.js';
import { withNodeOption } from '../command-options.js';

export const stopCommand: CliCommand = {
  name: 'stop',
  register: (parser, select) =>
    parser.command(
      'stop <service>',
      'Stop a service on its node and set active = false in its file',
      (command) =>
        withNodeOption(command.positional('service', { type: 'string', demandOption: true, describe: 'Service name' }), {
          describe: `--direct only: the node to stop it on (default: the definition's node, else the only node of [[nodes]])`,
        }),
      (args) => select((context) => changeDesiredState(context, args.service, args.node, false)),
    ),
};
