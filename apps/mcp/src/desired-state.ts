// stop and start: change a service's desired state on its node, then write the same `active` into the
// operator's file, so the file never claims a state the node does not have.
import { create, type JsonValue } from '@bufbuild/protobuf';
import {
  StartServiceRequestSchema,
  StartServiceResponseSchema,
  StopServiceRequestSchema,
  StopServiceResponseSchema,
} from '@mcp/proto';
import { setActiveInFile } from '@mcp/servicedef';
import type { NodeEntry } from './config.js';
import type { CommandContext } from './context.js';
import { loadServiceDefinition } from './definitions.js';
import { agentForService, requireDirect } from './direct-mode.js';
import type { ExitCode } from './errors.js';
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
 * Writes `active` into the definition file after the node accepted the change. A file that cannot be
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
 * then the file. When the RPC fails (unreachable, refused) the node's desired state did not change and
 * the file is left as it was; when the agent answers, its desired state changed even if a component
 * failed to stop or start, so the file follows it and the failures are reported (exit 1).
 */
export async function changeDesiredState(context: CommandContext, text: string, flag: string | undefined, active: boolean): Promise<ExitCode> {
  const command = active ? 'start' : 'stop';
  requireDirect(context, command);
  const { service } = parseServiceTarget(text, { allowComponent: false });
  const loaded = await loadServiceDefinition(service, { servicesDir: context.config.servicesDir, cwd: context.cwd });
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
