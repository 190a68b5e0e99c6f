// `mcp node list`: each configured node with the version its agent reports (NodeStatus), NAME ADDRESS VERSION.
import { create } from '@bufbuild/protobuf';
import { NodeStatusRequestSchema, NodeStatusResponseSchema } from '@mcp/proto';
import { withFleetNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentsForFleet, requireDirect } from '../direct-mode.js';
import type { ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';

export const nodeCommand: CliCommand = {
  name: 'node',
  register: (parser, select) =>
    parser.command('node', 'Nodes of the fleet (node list)', (command) =>
      command
        .command(
          'list',
          'List the configured nodes and the agent version each reports: NAME ADDRESS VERSION',
          (list) => withFleetNodeOption(list),
          (args) => select((context) => listNodes(context, args.node)),
        )
        .demandCommand(1, 'expected a node command: list'),
    ),
};

// A node that does not answer keeps its row (VERSION "-") so the table shows the whole fleet; its error follows on stderr.
async function listNodes(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  requireDirect(context, 'node list');
  const agents = await agentsForFleet(context, flag);
  const outcomes = await askEach(agents, (agent) => agent.call('nodeStatus', (client) => client.nodeStatus(create(NodeStatusRequestSchema, {}))));
  return reportFleet(context.output, outcomes, {
    json: (response) => responseJson(NodeStatusResponseSchema, response),
    human: () =>
      context.output.table(
        ['NAME', 'ADDRESS', 'VERSION'],
        outcomes.map((outcome) => [outcome.node.name, outcome.node.address, outcome.ok ? outcome.value.agentVersion || '-' : '-']),
      ),
  });
}
