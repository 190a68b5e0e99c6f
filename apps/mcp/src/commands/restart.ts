// `mcp restart <service>[/<component>]`: restarts in place on the service's node; desired state unchanged.
import { create } from '@bufbuild/protobuf';
import { RestartServiceRequestSchema, RestartServiceResponseSchema } from '@mcp/proto';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentForService } from '../agent-targets.js';
import type { ExitCode } from '../errors.js';
import { responseJson } from '../node-documents.js';
import { componentLines, reportOperation } from '../operation-report.js';
import { parseServiceTarget } from '../service-target.js';

export const restartCommand: CliCommand = {
  name: 'restart',
  register: (parser, select) =>
    parser.command(
      'restart <target>',
      'Restart a service, or one component, in place (desired state unchanged)',
      (command) => withNodeOption(command.positional('target', { type: 'string', demandOption: true, describe: '<service> or <service>/<component>' })),
      (args) => select((context) => restart(context, args.target, args.node)),
    ),
};

async function restart(context: CommandContext, text: string, flag: string | undefined): Promise<ExitCode> {
  const target = parseServiceTarget(text, { allowComponent: true });
  const agent = await agentForService(context, { service: target.service, flag });
  const request = create(RestartServiceRequestSchema, { service: target.service, component: target.component });
  const response = await agent.call('restartService', (client) => client.restartService(request));
  return reportOperation(context.output, {
    node: agent.node,
    response: responseJson(RestartServiceResponseSchema, response),
    lines: componentLines(response.results),
    success: response.success,
  });
}
