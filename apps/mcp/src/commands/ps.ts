// `mcp ps [service]`: one row per container or VM: through mcp-master what the hosting agents last observed (its
// Status), with --direct what the runtimes of the nodes run right now (LiveCheck).
import { create } from '@bufbuild/protobuf';
import { LiveCheckRequestSchema, LiveCheckResponseSchema, type LiveInstance } from '@mcp/proto';
import { agentsForFleet } from '../agent-targets.js';
import { withFleetNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import type { ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import { parseServiceTarget } from '../service-target.js';
import { durationSeconds, formatUptime } from '../time-format.js';

/** The columns of SPEC 5, as the Go MCP printed them. */
export const psHeaders = ['SERVICE', 'COMPONENT', 'NODE', 'STATE', 'VERSION', 'UPTIME'] as const;

export const psCommand: CliCommand = {
  name: 'ps',
  register: (parser, select) =>
    parser.command(
      'ps [service]',
      'Show the containers and VMs of the services (--direct: what the runtimes run now): SERVICE COMPONENT NODE STATE VERSION UPTIME',
      (command) => withFleetNodeOption(command.positional('service', { type: 'string', describe: 'Only this service' })),
      (args) => select((context) => ps(context, args.service, args.node)),
    ),
};

async function ps(context: CommandContext, serviceText: string | undefined, flag: string | undefined): Promise<ExitCode> {
  const service = serviceText === undefined ? '' : parseServiceTarget(serviceText, { allowComponent: false }).service;
  // Each way loads only when taken (the other's protobuf descriptors are never booted: pnpm bench).
  return context.direct ? psDirect(context, service, flag) : (await import('../master-views.js')).printMasterPs(context, service, flag, psHeaders);
}

async function psDirect(context: CommandContext, service: string, flag: string | undefined): Promise<ExitCode> {
  const agents = await agentsForFleet(context, flag);
  const outcomes = await askEach(agents, (agent) =>
    agent.call('liveCheck', (client) => client.liveCheck(create(LiveCheckRequestSchema, { service }))),
  );
  return reportFleet(context.output, outcomes, {
    json: (response) => responseJson(LiveCheckResponseSchema, response),
    human: (answered) => {
      context.output.table(psHeaders, psRows(answered.map(({ node, value }) => ({ node: node.name, instances: value.instances }))));
      for (const { node, value } of answered) for (const warning of value.warnings) context.output.note(`node ${node.name}: ${warning}`);
    },
  });
}

/** Rows sorted by service, component, node; VERSION '-' without a tag, UPTIME '-' when not running. */
export function psRows(answers: readonly { node: string; instances: readonly LiveInstance[] }[]): string[][] {
  const rows = answers.flatMap(({ node, instances }) =>
    instances.map((instance) => ({
      key: [instance.service, instance.component, node],
      row: [
        instance.service,
        instance.component,
        node,
        instance.state,
        instance.version === '' ? '-' : instance.version,
        formatUptime(durationSeconds(instance.uptime)),
      ],
    })),
  );
  const compare = (a: readonly string[], b: readonly string[]) =>
    a.reduce((order, cell, index) => order || cell.localeCompare(b[index] ?? ''), 0);
  return rows.sort((a, b) => compare(a.key, b.key)).map(({ row }) => row);
}
