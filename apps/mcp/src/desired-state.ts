// stop and start: change a service's desired state in the fleet, then write the same `active` into the operator's
// file, so the file never claims a state the fleet does not have.
import { create, type JsonValue } from '@bufbuild/protobuf';
import {
  MasterDeployRequestSchema,
  MasterDeployResponseSchema,
  ResultStatus,
  StartServiceRequestSchema,
  StartServiceResponseSchema,
  StopServiceRequestSchema,
  StopServiceResponseSchema,
} from '@mcp/proto';
import { definitionToProto, setActiveInFile } from '@mcp/servicedef';
import { agentForService } from './agent-targets.js';
import { pullFieldsOf, refuseNodeThroughMaster } from './command-options.js';
import type { NodeEntry } from './config.js';
import type { CommandContext } from './context.js';
import { loadServiceDefinition, type LoadedDefinition } from './definitions.js';
import type { ExitCode } from './errors.js';
import { connectMaster, requireMasterAddress } from './master-client.js';
import { placedNode } from './master-directory.js';
import { masterStepLines, reportMasterOperation } from './master-report.js';
import { responseJson } from './node-documents.js';
import { componentLines, reportOperation } from './operation-report.js';
import { parseServiceTarget } from './service-target.js';

export interface RecordedState {
  readonly written: boolean;
  readonly lines: readonly string[];
  /** `{file, active, written, error?}` for the --json document. */
  readonly json: JsonValue;
}

/**
 * Writes `active` into the definition file after the fleet accepted the change. A file that cannot be
 * written does not undo what the node did: the report says so, names the file and the fix (exit 1).
 */
export async function recordDesiredState(
  node: NodeEntry,
  file: string,
  change: { service: string; active: boolean; verb: string },
): Promise<RecordedState> {
  try {
    await setActiveInFile(file, change.active);
    return { written: true, lines: [`${file}: active = ${change.active}`], json: { file, active: change.active, written: true } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const line = `${file}: not updated (${reason}); node ${node.name} ${change.verb} ${change.service}, so set active = ${change.active} in it by hand`;
    return { written: false, lines: [line], json: { file, active: change.active, written: false, error: reason } };
  }
}

/**
 * Order: the definition is read first (it must exist and be valid, since it is rewritten), then the RPC,
 * then the file. When the RPC fails (unreachable, refused) the desired state did not change and the file
 * is left as it was; when the change was accepted it changed even if a component failed to stop or start,
 * so the file follows it and the failures are reported (exit 1).
 */
export async function changeDesiredState(context: CommandContext, text: string, flag: string | undefined, active: boolean): Promise<ExitCode> {
  if (!context.direct) {
    refuseNodeThroughMaster(active ? 'start' : 'stop', flag);
    requireMasterAddress(context.config);
  }
  const { service } = parseServiceTarget(text, { allowComponent: false });
  const loaded = await loadServiceDefinition(service, { servicesDir: context.config.servicesDir, cwd: context.cwd });
  return context.direct ? changeDirect(context, loaded, flag, active) : changeViaMaster(context, loaded, active);
}

/**
 * The master has no Stop/Start RPC: the definition goes to its Deploy with `active` set (images already on the
 * node are not pulled again), so the master records the new desired state and the agent stops or starts the
 * service on the node it is placed on. A service the master has not placed is refused rather than placed now.
 * The file is written once the master recorded the change ("record" ok).
 */
async function changeViaMaster(context: CommandContext, loaded: LoadedDefinition, active: boolean): Promise<ExitCode> {
  const service = loaded.definition.name;
  const master = await connectMaster(context.config);
  const node = await placedNode(master, service);
  context.output.progress(`${active ? 'starting' : 'stopping'} ${service} on node ${node} via the master (${master.address})…`);
  const request = create(MasterDeployRequestSchema, {
    service: definitionToProto({ ...loaded.definition, active }),
    component: '',
    ...pullFieldsOf(undefined),
  });
  const response = await master.call('deploy', (client) => client.deploy(request));
  const accepted = response.steps.some((step) => step.step === 'record' && step.status === ResultStatus.OK);
  const recorded = accepted
    ? await recordDesiredState({ name: response.node, address: master.address }, loaded.file, { service, active, verb: active ? 'started' : 'stopped' })
    : undefined;
  const unchanged = `${loaded.file}: left as it was (the master did not record the change)`;
  return reportMasterOperation(context.output, {
    address: master.address,
    response: responseJson(MasterDeployResponseSchema, response),
    lines: [...masterStepLines(response.steps, response.components, 'deploy'), ...(recorded?.lines ?? [unchanged])],
    success: response.success && (recorded?.written ?? false),
    extra: { definition: recorded?.json ?? { file: loaded.file, active: loaded.definition.active, written: false } },
  });
}

async function changeDirect(context: CommandContext, loaded: LoadedDefinition, flag: string | undefined, active: boolean): Promise<ExitCode> {
  const service = loaded.definition.name;
  const agent = await agentForService(context, { service, flag, definition: loaded });
  const answer = active
    ? await agent.call('startService', async (client) => {
        const response = await client.startService(create(StartServiceRequestSchema, { service }));
        return { response: responseJson(StartServiceResponseSchema, response), results: response.results, success: response.success };
      })
    : await agent.call('stopService', async (client) => {
        const response = await client.stopService(create(StopServiceRequestSchema, { service }));
        return { response: responseJson(StopServiceResponseSchema, response), results: response.results, success: response.success };
      });
  const recorded = await recordDesiredState(agent.node, loaded.file, { service, active, verb: active ? 'started' : 'stopped' });
  return reportOperation(context.output, {
    node: agent.node,
    response: answer.response,
    lines: [...componentLines(answer.results), ...recorded.lines],
    success: answer.success && recorded.written,
    extra: { definition: recorded.json },
  });
}
