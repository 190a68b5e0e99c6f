// `mcp sync [--dry-run]`: sends every definition of the services dir to the node that hosts it (--direct).
import { create } from '@bufbuild/protobuf';
import {
  DesiredStateChange,
  ListServicesRequestSchema,
  ResultStatus,
  SyncDesiredStateRequestSchema,
  SyncDesiredStateResponseSchema,
  type SyncDesiredStateResponse,
} from '@mcp/proto';
import { definitionToProto } from '@mcp/servicedef';
import { connectAgent, loadCredentials } from '../agent-client.js';
import { withNodeOption } from '../command-options.js';
import { describeConfigSource } from '../config.js';
import type { CliCommand, CommandContext } from '../context.js';
import { loadServicesDir } from '../definitions.js';
import { requireDirect } from '../direct-mode.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import { byName } from '../node-selection.js';
import { assignNodes, planSync, type SyncDefinition } from '../sync-plan.js';

export const syncCommand: CliCommand = {
  name: 'sync',
  register: (parser, select) =>
    parser.command(
      'sync',
      'Send every definition of the services dir to its node (its node key, else -n, else the only node); additive',
      (command) =>
        withNodeOption(command, { describe: 'Sync only this node: it receives the definitions without a node key; others are skipped' }).option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'Print what each node would record (add, update, stop, unchanged); change nothing',
        }),
      (args) => select((context) => sync(context, args.node, args.dryRun)),
    ),
};

async function sync(context: CommandContext, flag: string | undefined, dryRun: boolean): Promise<ExitCode> {
  requireDirect(context, 'sync');
  const { config, output } = context;
  if (flag !== undefined) byName(config.nodes, flag, '-n/--node', describeConfigSource(config));
  const definitions = await validDefinitions(config.servicesDir);
  if (definitions.length === 0) {
    if (output.json) output.document({ nodes: [], skipped: [] });
    else output.line(`no service definitions in ${config.servicesDir}`);
    return exitCodes.ok;
  }
  const assignment = assignNodes(definitions, config.nodes, flag);
  if (assignment.problems.length > 0) throw new CliError('usage', assignment.problems.join('\n'), exitCodes.badInput);
  const credentials = await loadCredentials(config);
  const work = assignment.byNode.map(({ node, definitions: sent }) => ({ agent: connectAgent(node, credentials), specs: sent.map((d) => d.spec) }));
  if (!output.json) for (const { service, node } of assignment.skipped) output.note(`skipped ${service}: pinned to node ${node}, and -n ${flag ?? ''} was given`);
  const extra = { skipped: assignment.skipped.map((entry) => ({ ...entry })) };
  const specsOf = new Map(work.map(({ agent, specs }) => [agent, specs]));
  if (dryRun) {
    const outcomes = await askEach(
      work.map(({ agent }) => agent),
      async (agent) => {
        const recorded = await agent.call('listServices', (client) => client.listServices(create(ListServicesRequestSchema, {})));
        return planSync(specsOf.get(agent) ?? [], recorded.services);
      },
    );
    return reportFleet(output, outcomes, {
      json: (plan) => ({ plan }),
      human: (answered) =>
        output.table(['NODE', 'SERVICE', 'PLAN'], answered.flatMap(({ node, value }) => value.map((step) => [node.name, step.service, step.action]))),
      extra,
    });
  }
  const outcomes = await askEach(
    work.map(({ agent }) => agent),
    async (agent) => {
      const specs = specsOf.get(agent) ?? [];
      output.progress(`syncing ${specs.length} service${specs.length === 1 ? '' : 's'} to ${agent.node.name} (${agent.node.address})`);
      return agent.call('syncDesiredState', (client) => client.syncDesiredState(create(SyncDesiredStateRequestSchema, { services: specs })));
    },
  );
  const reported = reportFleet(output, outcomes, {
    json: (response) => responseJson(SyncDesiredStateResponseSchema, response),
    human: (answered) => output.table(['NODE', 'SERVICE', 'CHANGE', 'RESULT'], answered.flatMap(({ node, value }) => syncRows(node.name, value))),
    extra,
  });
  const failed = outcomes.some((outcome) => outcome.ok && !outcome.value.success);
  return reported === exitCodes.ok && failed ? exitCodes.failed : reported;
}

// Nothing is sent unless every definition is valid: a half-synced fleet is harder to reason about than none.
async function validDefinitions(servicesDir: string): Promise<SyncDefinition[]> {
  const results = await loadServicesDir(servicesDir);
  const problems = results.flatMap((result) => (result.ok ? [] : result.problems.map((problem) => problem.message)));
  if (problems.length > 0) throw new CliError('invalid_input', `${problems.join('\n')}\nnothing was sent`, exitCodes.badInput);
  return results.flatMap((result) => (result.ok ? [{ file: result.file, spec: definitionToProto(result.definition) }] : []));
}

function syncRows(node: string, response: SyncDesiredStateResponse): string[][] {
  return response.results.map((result) => [
    node,
    result.service,
    DesiredStateChange[result.change].toLowerCase(),
    result.status === ResultStatus.FAILED ? result.error || 'failed' : 'ok',
  ]);
}
