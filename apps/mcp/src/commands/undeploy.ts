// `mcp undeploy <service>`: full teardown on the service's node, then `active = false` in its file.
import { create } from '@bufbuild/protobuf';
import { UndeployServiceRequestSchema, UndeployServiceResponseSchema, type StepResult } from '@mcp/proto';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { findServiceDefinition } from '../definitions.js';
import { recordDesiredState } from '../desired-state.js';
import { agentForService, requireDirect } from '../direct-mode.js';
import type { ExitCode } from '../errors.js';
import { responseJson } from '../node-documents.js';
import { componentLines, reportOperation, stepLines } from '../operation-report.js';
import { parseServiceTarget } from '../service-target.js';

export const undeployCommand: CliCommand = {
  name: 'undeploy',
  register: (parser, select) =>
    parser.command(
      'undeploy <service>',
      'Tear a service down on its node (routes, DNS, certs, containers, ports) and set active = false in its file',
      (command) => withNodeOption(command.positional('service', { type: 'string', demandOption: true, describe: 'Service name' })),
      (args) => select((context) => undeploy(context, args.service, args.node)),
    ),
};

async function undeploy(context: CommandContext, text: string, flag: string | undefined): Promise<ExitCode> {
  requireDirect(context, 'undeploy');
  const { service } = parseServiceTarget(text, { allowComponent: false });
  // A service whose file is gone can still be torn down; there is then no file to keep in step.
  const loaded = await findServiceDefinition(service, { servicesDir: context.config.servicesDir, cwd: context.cwd });
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
