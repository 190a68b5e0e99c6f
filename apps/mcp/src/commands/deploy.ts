// `mcp deploy <service>[/<component>]`: sends the service's definition to the agent of its node (--direct).
import { create } from '@bufbuild/protobuf';
import { DeployRequestSchema, DeployResponseSchema } from '@mcp/proto';
import { definitionToProto } from '@mcp/servicedef';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { loadServiceDefinition } from '../definitions.js';
import { agentForService, requireDirect } from '../direct-mode.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { responseJson } from '../node-documents.js';
import { componentLines, reportOperation } from '../operation-report.js';
import { describeTarget, parseServiceTarget } from '../service-target.js';

interface DeployArgs {
  readonly target: string;
  readonly node: string | undefined;
  readonly pull: boolean;
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  register: (parser, select) =>
    parser.command(
      'deploy <target>',
      'Deploy a service, or one component of it, from its definition',
      (command) =>
        withNodeOption(
          command
            .positional('target', { type: 'string', demandOption: true, describe: '<service> or <service>/<component>' })
            .option('pull', { type: 'boolean', default: true, describe: 'Pull the image first (--no-pull: use the local image when present)' }),
        ),
      (args) => select((context) => deploy(context, { target: args.target, node: args.node, pull: args.pull })),
    ),
};

async function deploy(context: CommandContext, args: DeployArgs): Promise<ExitCode> {
  requireDirect(context, 'deploy');
  const target = parseServiceTarget(args.target, { allowComponent: true });
  const loaded = await loadServiceDefinition(target.service, { servicesDir: context.config.servicesDir, cwd: context.cwd });
  const names = loaded.definition.components.map((component) => component.name);
  if (target.component !== '' && !names.includes(target.component)) {
    throw new CliError(
      'usage',
      `${loaded.file}: service ${target.service} has no component "${target.component}"; expected one of: ${names.join(', ')}`,
      exitCodes.badInput,
    );
  }
  const agent = await agentForService(context, { service: target.service, flag: args.node, definition: loaded });
  context.output.progress(`deploying ${describeTarget(target)} to ${agent.node.name} (${agent.node.address})`);
  const request = create(DeployRequestSchema, {
    service: definitionToProto(loaded.definition),
    component: target.component,
    noPull: !args.pull,
  });
  const response = await agent.call('deploy', (client) => client.deploy(request));
  return reportOperation(context.output, {
    node: agent.node,
    response: responseJson(DeployResponseSchema, response),
    lines: componentLines(response.results),
    success: response.success,
  });
}
