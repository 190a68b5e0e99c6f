// `mcp list`: every service in the registries of the nodes (desired state), one row per service and node.
import { create } from '@bufbuild/protobuf';
import { ListServicesRequestSchema, ListServicesResponseSchema, type ListServicesResponse } from '@mcp/proto';
import { withFleetNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentsForFleet } from '../agent-targets.js';
import type { ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';

export const listCommand: CliCommand = {
  name: 'list',
  register: (parser, select) =>
    parser.command(
      'list',
      'List the services each node has in its registry, with their desired state',
      (command) => withFleetNodeOption(command),
      (args) => select((context) => list(context, args.node)),
    ),
};

async function list(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  const agents = await agentsForFleet(context, flag);
  const outcomes = await askEach(agents, (agent) =>
    agent.call('listServices', (client) => client.listServices(create(ListServicesRequestSchema, {}))),
  );
  return reportFleet(context.output, outcomes, {
    json: (response) => responseJson(ListServicesResponseSchema, response),
    human: (answered) => context.output.table(['SERVICE', 'NODE', 'ACTIVE', 'COMPONENTS'], listRows(answered)),
  });
}

/** Sorted by service, then node; ACTIVE is the desired state (yes = should run). */
export function listRows(answered: readonly { node: { name: string }; value: ListServicesResponse }[]): string[][] {
  const rows = answered.flatMap(({ node, value }) =>
    value.services.map((service) => [
      service.name,
      node.name,
      service.active ? 'yes' : 'no',
      service.components.map((component) => component.name).join(','),
    ]),
  );
  return rows.sort((a, b) => compareRows(a, b));
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  return (a[0] ?? '').localeCompare(b[0] ?? '') || (a[1] ?? '').localeCompare(b[1] ?? '');
}
