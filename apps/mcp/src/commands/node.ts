// `mcp node list`: every node the master knows (ListNodes: role, arch, status, load, last heartbeat), or with
// --direct each node of [[nodes]] with the version its agent reports (NodeStatus): NAME ADDRESS VERSION.
import { create } from '@bufbuild/protobuf';
import { ListNodesResponseSchema, NodeStatusRequestSchema, NodeStatusResponseSchema } from '@mcp/proto';
import { agentsForFleet } from '../agent-targets.js';
import { withFleetNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { exitCodes, type ExitCode } from '../errors.js';
import { masterDocument } from '../master-report.js';
import { masterNodeHeaders, masterNodeRows, masterNodes } from '../master-views.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';

export const nodeCommand: CliCommand = {
  name: 'node',
  register: (parser, select) =>
    parser.command('node', 'Nodes of the fleet (node list)', (command) =>
      command
        .command(
          'list',
          'List the nodes: NAME ADDRESS VERSION ROLE ARCH STATUS CONTAINERS SERVICES HEARTBEAT (--direct: NAME ADDRESS VERSION of [[nodes]])',
          (list) => withFleetNodeOption(list),
          (args) => select((context) => listNodes(context, args.node)),
        )
        .demandCommand(1, 'expected a node command: list'),
    ),
};

async function listNodes(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  return context.direct ? listNodesDirect(context, flag) : listNodesViaMaster(context, flag);
}

// A node the master could not ask is a row like the others (STATUS unreachable); why follows on stderr.
async function listNodesViaMaster(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  const { master, nodes } = await masterNodes(context, flag);
  if (context.output.json) {
    context.output.document(masterDocument(master.address, responseJson(ListNodesResponseSchema, nodes)));
    return exitCodes.ok;
  }
  context.output.table(masterNodeHeaders, masterNodeRows(nodes));
  for (const node of nodes.nodes) if (node.error !== '') context.output.note(`node ${node.name} (${node.status}): ${node.error}`);
  return exitCodes.ok;
}

// A node that does not answer keeps its row (VERSION "-") so the table shows the whole fleet; its error follows on stderr.
async function listNodesDirect(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
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
