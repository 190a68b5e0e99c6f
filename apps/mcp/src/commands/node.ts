// `mcp node add|remove`: the master's node registry (AddNode, RemoveNode).
// `mcp node list`: every node the master knows (ListNodes: role, arch, status, load, last heartbeat), or with
// --direct each node of [[nodes]] with the version its agent reports (NodeStatus): NAME ADDRESS VERSION.
import { create } from '@bufbuild/protobuf';
import {
  AddNodeRequestSchema,
  AddNodeResponseSchema,
  ListNodesResponseSchema,
  NodeStatusRequestSchema,
  NodeStatusResponseSchema,
  RemoveNodeRequestSchema,
  RemoveNodeResponseSchema,
} from '@mcp/proto';
import { agentsForFleet } from '../agent-targets.js';
import { withFleetNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { connectMaster } from '../master-client.js';
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
        .command(
          'add <name> <address>',
          'Record a node in the master\'s registry (status unknown until its agent registers); operators only',
          (add) =>
            add
              .positional('name', { type: 'string', demandOption: true, describe: 'Node name' })
              .positional('address', { type: 'string', demandOption: true, describe: 'host:port its agent serves on' })
              .option('role', { type: 'string', choices: ['master', 'worker', 'edge'], default: 'worker', describe: 'Node role' })
              .option('arch', { type: 'string', default: '', requiresArg: true, describe: 'CPU architecture, Go notation (amd64, arm64); the agent reports it on registration' }),
          (args) => select((context) => addNode(context, { name: args.name, address: args.address, role: args.role, arch: args.arch })),
        )
        .command(
          'remove <name>',
          'Forget a node that hosts no service (undeploy or migrate its services first); operators only',
          (remove) => remove.positional('name', { type: 'string', demandOption: true, describe: 'Node name' }),
          (args) => select((context) => removeNode(context, args.name)),
        )
        .demandCommand(1, 'expected a node command: list, add, remove'),
    ),
};

interface AddNodeArgs {
  readonly name: string;
  readonly address: string;
  readonly role: string;
  readonly arch: string;
}

// The node registry is the master's: --direct has no registry to edit ([[nodes]] of the CLI config is the operator's file).
function refuseDirect(context: CommandContext, command: string): void {
  if (!context.direct) return;
  throw new CliError(
    'usage',
    `mcp node ${command} edits the master's node registry; --direct has none (add or remove [[nodes]] in the CLI config instead)`,
    exitCodes.badInput,
  );
}

async function addNode(context: CommandContext, args: AddNodeArgs): Promise<ExitCode> {
  refuseDirect(context, 'add');
  const master = await connectMaster(context.config);
  const response = await master.call('addNode', (client) => client.addNode(create(AddNodeRequestSchema, args)));
  if (context.output.json) context.output.document(masterDocument(master.address, responseJson(AddNodeResponseSchema, response)));
  else context.output.line(`added node ${args.name} (${args.role} at ${args.address}); its status is unknown until its agent registers`);
  return exitCodes.ok;
}

async function removeNode(context: CommandContext, name: string): Promise<ExitCode> {
  refuseDirect(context, 'remove');
  const master = await connectMaster(context.config);
  const response = await master.call('removeNode', (client) => client.removeNode(create(RemoveNodeRequestSchema, { name })));
  if (context.output.json) context.output.document(masterDocument(master.address, responseJson(RemoveNodeResponseSchema, response)));
  else context.output.line(`removed node ${name} (${response.node?.role ?? '?'} at ${response.node?.address ?? '?'}) from the master's registry`);
  return exitCodes.ok;
}

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
