// `mcp status [service]`: each service's desired and observed state, drift and recent events (registry view).
import { create } from '@bufbuild/protobuf';
import { GetServiceStatusRequestSchema, GetServiceStatusResponseSchema, type GetServiceStatusResponse } from '@mcp/proto';
import type { AgentConnection } from '../agent-client.js';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentForService, agentsForFleet, requireDirect } from '../direct-mode.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import type { Output } from '../output.js';
import { parseServiceTarget } from '../service-target.js';
import { durationSeconds, formatTimestamp, formatUptime } from '../time-format.js';

interface StatusArgs {
  readonly service: string | undefined;
  readonly node: string | undefined;
  readonly events: number | undefined;
}

export const statusCommand: CliCommand = {
  name: 'status',
  register: (parser, select) =>
    parser.command(
      'status [service]',
      'Show desired and observed state, drift and recent events (one service, or every service of every node)',
      (command) =>
        withNodeOption(command.positional('service', { type: 'string', describe: 'Only this service (asks the node that runs it)' }), {
          describe: 'Node to ask (default: with a service, its node; without, every node of [[nodes]])',
        }).option(
          'events',
          { type: 'number', requiresArg: true, describe: 'How many recent events to show (default: the agent\'s, 20)' },
        ),
      (args) => select((context) => status(context, { service: args.service, node: args.node, events: args.events })),
    ),
};

async function status(context: CommandContext, args: StatusArgs): Promise<ExitCode> {
  requireDirect(context, 'status');
  const service = args.service === undefined ? '' : parseServiceTarget(args.service, { allowComponent: false }).service;
  const eventLimit = checkedEventLimit(args.events);
  const agents: AgentConnection[] =
    service === '' ? await agentsForFleet(context, args.node) : [await agentForService(context, { service, flag: args.node })];
  const request = create(GetServiceStatusRequestSchema, { service, eventLimit });
  const outcomes = await askEach(agents, (agent) => agent.call('getServiceStatus', (client) => client.getServiceStatus(request)));
  return reportFleet(context.output, outcomes, {
    json: (response) => responseJson(GetServiceStatusResponseSchema, response),
    human: (answered) => printStatus(context.output, answered.map(({ node, value }) => ({ node: node.name, status: value }))),
  });
}

function checkedEventLimit(events: number | undefined): number {
  if (events === undefined) return 0;
  if (!Number.isInteger(events) || events < 1 || events > 10_000) {
    throw new CliError('usage', `--events ${events}: expected a whole number from 1 to 10000`, exitCodes.badInput);
  }
  return events;
}

/** The table of components, then DRIFT and EVENTS sections when there is anything to show. */
export function printStatus(output: Output, answers: readonly { node: string; status: GetServiceStatusResponse }[]): void {
  const rows = answers.flatMap(({ node, status }) =>
    status.services.flatMap((service) =>
      service.components.map((component) => [
        service.name,
        component.name,
        node,
        component.desiredState,
        component.observedState,
        component.version === '' ? '-' : component.version,
        formatUptime(durationSeconds(component.uptime)),
      ]),
    ),
  );
  output.table(['SERVICE', 'COMPONENT', 'NODE', 'DESIRED', 'OBSERVED', 'VERSION', 'UPTIME'], rows);
  const drift = answers.flatMap(({ node, status }) =>
    status.drift.map((entry) => {
      const flapping = entry.flapping
        ? ` (flapping: ${entry.transitions} transitions in ${formatUptime(durationSeconds(entry.window))})`
        : '';
      return `  ${node}  ${entry.service}/${entry.component}: desired ${entry.desiredState}, observed ${entry.observedState} since ${formatTimestamp(entry.since)}${flapping}`;
    }),
  );
  if (drift.length > 0) output.line(['', 'DRIFT', ...drift].join('\n'));
  const events = answers
    .flatMap(({ node, status }) => status.recentEvents.map((event) => ({ node, event, time: formatTimestamp(event.time) })))
    .sort((a, b) => b.time.localeCompare(a.time))
    .map(({ node, event, time }) => `  ${time}  ${node}  ${event.service}/${event.component}  ${event.previousState} → ${event.newState}`);
  if (events.length > 0) output.line(['', 'EVENTS', ...events].join('\n'));
}
