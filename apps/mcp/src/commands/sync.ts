// `mcp sync [--dry-run]`: sends every definition of the services dir to mcp-master, which deploys new, redeploys
// changed and undeploys absent services (or only plans); with --direct, each definition to the node that hosts it.
import { create } from '@bufbuild/protobuf';
import {
  DesiredStateChange,
  ListServicesRequestSchema,
  ResultStatus,
  SyncAction,
  SyncDesiredStateRequestSchema,
  SyncDesiredStateResponseSchema,
  SyncRequestSchema,
  SyncResponseSchema,
  type SyncDesiredStateResponse,
  type SyncPlanItem,
} from '@mcp/proto';
import { definitionToProto } from '@mcp/servicedef';
import { connectAgent } from '../agent-client.js';
import { loadCredentials } from '../credentials.js';
import { pullFieldsOf, refuseNodeThroughMaster, withNodeOption } from '../command-options.js';
import { describeConfigSource } from '../config.js';
import type { CliCommand, CommandContext } from '../context.js';
import { loadServicesDir } from '../definitions.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { connectMaster, requireMasterAddress } from '../master-client.js';
import { masterDocument } from '../master-report.js';
import { askEach, reportFleet, responseJson } from '../node-documents.js';
import { byName } from '../node-selection.js';
import { assignNodes, planSync, type SyncDefinition } from '../sync-plan.js';

export const syncCommand: CliCommand = {
  name: 'sync',
  register: (parser, select) =>
    parser.command(
      'sync',
      'Make the fleet match the services dir: deploy new, redeploy changed, undeploy absent services (--direct: send each definition to its node; additive)',
      (command) =>
        withNodeOption(command, {
          describe: '--direct only: sync only this node: it receives the definitions without a node key; others are skipped',
        })
          .option('dry-run', {
            type: 'boolean',
            default: false,
            describe: 'Print the plan (deploy, redeploy, undeploy, unchanged per service; --direct: add, update, stop, unchanged per node); change nothing',
          })
          .option('pull', {
            type: 'boolean',
            describe:
              'Pull every image of the services it deploys, even ones the nodes have (default: only absent ones; --no-pull: never; through the master only)',
          }),
      (args) => select((context) => sync(context, args.node, args.dryRun, args.pull)),
    ),
};

async function sync(context: CommandContext, flag: string | undefined, dryRun: boolean, pull: boolean | undefined): Promise<ExitCode> {
  if (context.direct && pull !== undefined) {
    const spelled = pull ? '--pull' : '--no-pull';
    throw new CliError(
      'usage',
      `${spelled}: sync with --direct only records the definitions on the agents and pulls nothing; drop ${spelled}, or sync through the master`,
      exitCodes.badInput,
    );
  }
  return context.direct ? syncDirect(context, flag, dryRun) : syncViaMaster(context, flag, dryRun, pull);
}

// Every definition goes, so the master can tell what is absent; an invalid one stops the sync before anything is sent.
async function syncViaMaster(context: CommandContext, flag: string | undefined, dryRun: boolean, pull: boolean | undefined): Promise<ExitCode> {
  refuseNodeThroughMaster('sync', flag);
  requireMasterAddress(context.config);
  const specs = (await validDefinitions(context.config.servicesDir)).map((definition) => definition.spec);
  const master = await connectMaster(context.config);
  const count = `${specs.length} service${specs.length === 1 ? '' : 's'}`;
  context.output.progress(dryRun ? `planning a sync of ${count} with the master (${master.address})…` : `syncing ${count} through the master (${master.address})…`);
  const response = await master.call('sync', (client) => client.sync(create(SyncRequestSchema, { services: specs, dryRun, ...pullFieldsOf(pull) })));
  if (context.output.json) {
    context.output.document(masterDocument(master.address, responseJson(SyncResponseSchema, response)));
  } else {
    const headers = dryRun ? ['SERVICE', 'ACTION', 'NODE', 'REASON'] : ['SERVICE', 'ACTION', 'NODE', 'RESULT'];
    context.output.table(headers, response.plan.map((item) => masterSyncRow(item, dryRun)));
  }
  return response.success ? exitCodes.ok : exitCodes.failed;
}

/** One row of the master's plan: the reason on a dry run, the outcome (or its error) on a real one. */
export function masterSyncRow(item: SyncPlanItem, dryRun: boolean): string[] {
  const action = SyncAction[item.action].toLowerCase();
  const node = item.node === '' ? '-' : item.node;
  if (dryRun) return [item.serviceName, action, node, item.reason];
  const result =
    item.status === ResultStatus.FAILED ? `failed: ${item.error || 'no reason given'}` : item.status === ResultStatus.SKIPPED ? 'skipped' : 'ok';
  return [item.serviceName, action, node, result];
}

async function syncDirect(context: CommandContext, flag: string | undefined, dryRun: boolean): Promise<ExitCode> {
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
