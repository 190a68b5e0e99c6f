// `mcp adopt <service>`: the service's node takes its running `<service>-*` containers under management.
import { create } from '@bufbuild/protobuf';
import { AdoptContainersRequestSchema, AdoptContainersResponseSchema, ResultStatus } from '@mcp/proto';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentForService } from '../agent-targets.js';
import { exitCodes, type ExitCode } from '../errors.js';
import { nodeDocument, responseJson } from '../node-documents.js';
import { resultWord } from '../operation-report.js';
import { parseServiceTarget } from '../service-target.js';

export const adoptCommand: CliCommand = {
  name: 'adopt',
  register: (parser, select) =>
    parser.command(
      'adopt <service>',
      'Take the running <service>-* containers of the service\'s node under management',
      (command) =>
        withNodeOption(command.positional('service', { type: 'string', demandOption: true, describe: 'Service name' })).option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'Show what would be adopted; change nothing',
        }),
      (args) => select((context) => adopt(context, args.service, args.node, args.dryRun)),
    ),
};

async function adopt(context: CommandContext, text: string, flag: string | undefined, dryRun: boolean): Promise<ExitCode> {
  const { service } = parseServiceTarget(text, { allowComponent: false });
  const agent = await agentForService(context, { service, flag });
  const request = create(AdoptContainersRequestSchema, { service, dryRun });
  const response = await agent.call('adoptContainers', (client) => client.adoptContainers(request));
  const { output } = context;
  if (output.json) {
    output.document(nodeDocument(agent.node, responseJson(AdoptContainersResponseSchema, response)));
  } else if (response.results.length === 0) {
    output.line(`no ${service}-* containers on ${agent.node.name}`);
  } else {
    output.table(
      ['CONTAINER', 'COMPONENT', 'RESULT', 'DETAIL'],
      response.results.map((result) => [result.container, result.component, resultWord(result.status, response.dryRun), result.error || result.detail]),
    );
  }
  return response.results.some((result) => result.status === ResultStatus.FAILED) ? exitCodes.failed : exitCodes.ok;
}
