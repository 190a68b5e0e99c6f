// `mcp agent status [-n node]`: each agent's NodeStatus.
// `mcp agent recover [service]`: the node recreates every desired-running component that has no container,
// from its registry alone (after podman lost its state).
import { create } from '@bufbuild/protobuf';
import {
  NodeStatusRequestSchema,
  NodeStatusResponseSchema,
  RecoverRequestSchema,
  RecoverResponseSchema,
  type RecoverResult,
} from '@mcp/proto';
import { agentStatusLines } from '../agent-status-view.js';
import { withFleetNodeOption, withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentForNode, agentForService, agentsForFleet } from '../agent-targets.js';
import type { ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import { headline, outcomeOf, reportOperation, stepLines } from '../operation-report.js';
import { parseServiceTarget } from '../service-target.js';

export const agentCommand: CliCommand = {
  name: 'agent',
  register: (parser, select) =>
    parser.command('agent', 'Operations on a node\'s agent (agent recover, agent status)', (command) =>
      command
        .command(
          'recover [service]',
          'Recreate every component that should run but has no container, from the node\'s registry alone',
          (recover) => withNodeOption(recover.positional('service', { type: 'string', describe: 'Only this service (default: every service of the node)' })),
          (args) => select((context) => recover(context, args.service, args.node)),
        )
        .command(
          'status',
          'What each agent reports about itself (NodeStatus): version, uptime, machine facts, free capacity, runtimes, capabilities',
          (status) => withFleetNodeOption(status),
          (args) => select((context) => agentStatus(context, args.node)),
        )
        .demandCommand(1, 'expected an agent command: recover, status'),
    ),
};

// Every node unless -n: a node that does not answer is reported on stderr after the others (exit 1).
async function agentStatus(context: CommandContext, flag: string | undefined): Promise<ExitCode> {
  const agents = await agentsForFleet(context, flag);
  const outcomes = await askEach(agents, (agent) => agent.call('nodeStatus', (client) => client.nodeStatus(create(NodeStatusRequestSchema, {}))));
  return reportFleet(context.output, outcomes, {
    json: (response) => responseJson(NodeStatusResponseSchema, response),
    human: (answers) => {
      answers.forEach((answer, index) => {
        if (index > 0) context.output.line('');
        for (const line of agentStatusLines(answer.node, answer.value)) context.output.line(line);
      });
    },
  });
}

async function recover(context: CommandContext, serviceText: string | undefined, flag: string | undefined): Promise<ExitCode> {
  const service = serviceText === undefined ? '' : parseServiceTarget(serviceText, { allowComponent: false }).service;
  const agent = service === '' ? await agentForNode(context, flag) : await agentForService(context, { service, flag });
  const response = await agent.call('recover', (client) => client.recover(create(RecoverRequestSchema, { service })));
  return reportOperation(context.output, {
    node: agent.node,
    response: responseJson(RecoverResponseSchema, response),
    lines: response.results.length === 0 ? [`nothing to recover on ${agent.node.name}`] : response.results.flatMap(recoverLines),
    success: response.success,
  });
}

function recoverLines(result: RecoverResult): string[] {
  const outcome = outcomeOf({ status: result.status, success: result.error === '' });
  return [`  ${result.service}/${result.component}: ${headline(outcome, result.error, result.detail)}`, ...stepLines(result.steps, '    ')];
}
