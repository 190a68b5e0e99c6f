// `mcp undeploy <service>`: full teardown through mcp-master (or on its node with --direct), then `active = false`
// in its file.
import { create } from '@bufbuild/protobuf';
import {
  UndeployRequestSchema,
  UndeployResponseSchema,
  UndeployServiceRequestSchema,
  UndeployServiceResponseSchema,
  ResultStatus,
  type StepResult,
} from '@mcp/proto';
import { agentForService } from '../agent-targets.js';
import { refuseNodeThroughMaster, withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { findServiceDefinition, type LoadedDefinition } from '../definitions.js';
import { recordDesiredState } from '../desired-state.js';
import type { ExitCode } from '../errors.js';
import { connectMaster, requireMasterAddress } from '../master-client.js';
import { masterStepLines, reportMasterOperation } from '../master-report.js';
import { responseJson } from '../node-documents.js';
import { componentLines, reportOperation, stepLines } from '../operation-report.js';
import { parseServiceTarget } from '../service-target.js';

export const undeployCommand: CliCommand = {
  name: 'undeploy',
  register: (parser, select) =>
    parser.command(
      'undeploy <service>',
      'Tear a service down (routes, DNS, certs, containers, ports; its placement) and set active = false in its file',
      (command) =>
        withNodeOption(command.positional('service', { type: 'string', demandOption: true, describe: 'Service name' }), {
          describe: '--direct only: the node to tear it down on (default: the definition\'s node, else the only node of [[nodes]])',
        }),
      (args) => select((context) => undeploy(context, args.service, args.node)),
    ),
};

async function undeploy(context: CommandContext, text: string, flag: string | undefined): Promise<ExitCode> {
  if (!context.direct) {
    refuseNodeThroughMaster('undeploy', flag);
    requireMasterAddress(context.config);
  }
  const { service } = parseServiceTarget(text, { allowComponent: false });
  // A service whose file is gone can still be torn down; there is then no file to keep in step.
  const loaded = await findServiceDefinition(service, { servicesDir: context.config.servicesDir, cwd: context.cwd });
  return context.direct ? undeployDirect(context, service, flag, loaded) : undeployViaMaster(context, service, loaded);
}

// The file follows the master: it is set inactive once the master has dropped the placement ("record" ok), and
// left alone when the master kept it so that the undeploy can be retried.
async function undeployViaMaster(context: CommandContext, service: string, loaded: LoadedDefinition | undefined): Promise<ExitCode> {
  const master = await connectMaster(context.config);
  context.output.progress(`undeploying ${service} via the master (${master.address})…`);
  const response = await master.call('undeploy', (client) => client.undeploy(create(UndeployRequestSchema, { serviceName: service })));
  const dropped = response.steps.some((step) => step.step === 'record' && step.status === ResultStatus.OK);
  const recorded =
    loaded === undefined || !dropped
      ? undefined
      : await recordDesiredState({ name: response.node, address: master.address }, loaded.file, { service, active: false, verb: 'undeployed' });
  return reportMasterOperation(context.output, {
    address: master.address,
    response: responseJson(UndeployResponseSchema, response),
    lines: [...masterStepLines(response.steps, response.components, 'undeploy'), ...(recorded?.lines ?? [])],
    success: response.success && (recorded?.written ?? true),
    extra: recorded === undefined ? {} : { definition: recorded.json },
  });
}

async function undeployDirect(context: CommandContext, service: string, flag: string | undefined, loaded: LoadedDefinition | undefined): Promise<ExitCode> {
  const agent = await agentForService(context, { service, flag, definition: loaded });
  const request = create(UndeployServiceRequestSchema, { service });
  const response = await agent.call('undeployService', (client) => client.undeployService(request));
  const recorded =
    loaded === undefined ? undefined : await recordDesiredState(agent.node, loaded.file, { service, active: false, verb: 'undeployed' });
  return reportOperation(context.output, {
    node: agent.node,
    response: responseJson(UndeployServiceResponseSchema, response),
    lines: [...componentLines(response.results), ...serviceStepLines(service, response.steps), ...(recorded?.lines ?? [])],
    success: response.success && (recorded?.written ?? true),
    extra: recorded === undefined ? {} : { definition: recorded.json },
  });
}

// Service-level steps (after the components) get their own heading, so they are not read as components.
function serviceStepLines(service: string, steps: readonly StepResult[]): string[] {
  const lines = stepLines(steps, '    ');
  return lines.length === 0 ? [] : [`  ${service} (service):`, ...lines];
}
