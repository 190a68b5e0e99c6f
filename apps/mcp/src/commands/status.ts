// `mcp status [service]`: through mcp-master each placed service's node, state, components and what reconciliation
// found; with --direct each node's registry view: desired and observed state, drift and recent events.
import { create } from '@bufbuild/protobuf';
import { GetServiceStatusRequestSchema, GetServiceStatusResponseSchema, StatusResponseSchema, type GetServiceStatusResponse } from '@mcp/proto';
import type { AgentConnection } from '../agent-client.js';
import { agentForService, agentsForFleet } from '../agent-targets.js';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { findServiceDefinition } from '../definitions.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { masterDocument } from '../master-report.js';
import { masterStatus, printMasterStatus } from '../master-views.js';
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
      'Show each service\'s node, state and components, and what the master found wrong (--direct: drift and recent events)',
      (command) =>
        withNodeOption(command.positional('service', { type: 'string', describe: 'Only this service (asks the node that runs it)' }), {
          describe: 'Only services on this node (--direct: the node to ask; default: with a service, its node; without, every node of [[nodes]])',
        }).option(
          'events',
          { type: 'number', requiresArg: true, describe: '--direct only: how many recent events to show (default: the agent\'s, 20)' },
        ),
      (args) => select((context) => status(context, { service: args.service, node: args.node, events: args.events })),
    ),
};

async function status(context: CommandContext, args: StatusArgs): Promise<ExitCode> {
  const service = args.service === undefined ? '' : parseServiceTarget(args.service, { allowComponent: false }).service;
  return context.direct ? statusDirect(context, service, args) : statusViaMaster(context, service, args);
}

// The master's Status carries no event log: --events is refused rather than ignored.
async function statusViaMaster(context: CommandContext, service: string, args: StatusArgs): Promise<ExitCode> {
  if (args.events !== undefined) {
    throw new CliError('usage', `--events ${args.events}: the master's status carries no events; pass --direct to read them from the node's agent`, exitCodes.badInput);
  }
  const { master, status } = await masterStatus(context, service, args.node);
  if (context.output.json) context.output.document(masterDocument(master.address, responseJson(StatusResponseSchema, status)));
  else printMasterStatus(context.output, status);
  return exitCodes.ok;
}

/**
 * The agents to ask about `service`: -n, else the node its definition pins, else the only node; else every node of
 * [[nodes]] (it may run anywhere), and `searching` says so, so that the nodes without it are not reported as failures.
 */
async function agentsForServiceStatus(context: CommandContext, service: string, flag: string | undefined): Promise<{ agents: AgentConnection[]; searching: boolean }> {
  if (flag !== undefined || context.config.nodes.length <= 1) return { agents: [await agentForService(context, { service, flag })], searching: false };
  const loaded = await findServiceDefinition(service, { servicesDir: context.config.servicesDir, cwd: context.cwd });
  if (loaded?.definition.node !== undefined) return { agents: [await agentForService(context, { service, flag, definition: loaded })], searching: false };
  return { agents: await agentsForFleet(context, undefined), searching: true };
}

async function statusDirect(context: CommandContext, service: string, args: StatusArgs): Promise<ExitCode> {
  const eventLimit = checkedEventLimit(args.events);
  const { agents, searching } =
    service === '' ? { agents: await agentsForFleet(context, args.node), searching: false } : await agentsForServiceStatus(context, service, args.node);
  const request = create(GetServiceStatusRequestSchema, { service, eventLimit });
  const asked = await askEach(agents, (agent) => agent.call('getServiceStatus', (client) => client.getServiceStatus(request)));
  // Asking every node, the ones that never heard of the service are not failures; if none has it, that is the answer.
  const found = asked.filter((outcome) => outcome.ok || outcome.failure.code !== 'not_found');
  if (searching && found.length === 0) {
    const names = agents.map((agent) => agent.node.name).join(', ');
    throw new CliError('not_found', `service ${service} is on no node of [[nodes]] (asked ${names})`, exitCodes.failed);
  }
  const outcomes = searching ? found : asked;
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
