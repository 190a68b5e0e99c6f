// `mcp deploy <service>[/<component>]`: sends the service's definition to mcp-master, which places and deploys
// it and answers step by step; with --direct, to the agent of its node.
import { create } from '@bufbuild/protobuf';
import { DeployRequestSchema, DeployResponseSchema, MasterDeployRequestSchema, MasterDeployResponseSchema } from '@mcp/proto';
import { definitionToProto } from '@mcp/servicedef';
import { agentForService } from '../agent-targets.js';
import { pullFieldsOf, refuseNodeThroughMaster, withNodeOption, withPullOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { loadServiceDefinition, type LoadedDefinition } from '../definitions.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { connectMaster, requireMasterAddress } from '../master-client.js';
import { masterStepLines, reportMasterOperation } from '../master-report.js';
import { responseJson } from '../node-documents.js';
import { componentLines, reportOperation } from '../operation-report.js';
import { describeTarget, parseServiceTarget, type ServiceTarget } from '../service-target.js';
import { imageBuilds } from '../image-builds.js';
import { publishImages } from '../image-publish.js';
import { createPodmanImages } from '../podman-images.js';

interface DeployArgs {
  readonly target: string;
  readonly node: string | undefined;
  readonly pull: boolean | undefined;
  readonly build: boolean;
}

export const deployCommand: CliCommand = {
  name: 'deploy',
  register: (parser, select) =>
    parser.command(
      'deploy <target>',
      'Deploy a service, or one component of it, from its definition (placed by the master; --direct: on its node)',
      (command) =>
        withNodeOption(
          withPullOption(
            command.positional('target', { type: 'string', demandOption: true, describe: '<service> or <service>/<component>' }).option('build', {
              type: 'boolean',
              default: true,
              describe: 'First build and push every [build.images] image the registry lacks (--no-build: never)',
            }),
            'Pull every image, even one the node has (default: pull only an image the node lacks; --no-pull: never pull)',
          ),
          { describe: '--direct only: the node to deploy on (default: the definition\'s node, else the only node of [[nodes]])' },
        ),
      (args) => select((context) => deploy(context, { target: args.target, node: args.node, pull: args.pull, build: args.build })),
    ),
};

async function deploy(context: CommandContext, args: DeployArgs): Promise<ExitCode> {
  if (!context.direct) {
    refuseNodeThroughMaster('deploy', args.node);
    requireMasterAddress(context.config);
  }
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
  if (args.build) await publishMissingImages(context, loaded, target.component);
  return context.direct ? deployDirect(context, args, target, loaded) : deployViaMaster(context, args, target, loaded);
}

// The master's Deploy is unary: the first line says it started, the step lines follow when the answer arrives.
async function deployViaMaster(context: CommandContext, args: DeployArgs, target: ServiceTarget, loaded: LoadedDefinition): Promise<ExitCode> {
  const master = await connectMaster(context.config);
  context.output.progress(`deploying ${describeTarget(target)} via the master (${master.address})…`);
  const request = create(MasterDeployRequestSchema, {
    service: definitionToProto(loaded.definition),
    component: target.component,
    ...pullFieldsOf(args.pull),
  });
  const response = await master.call('deploy', (client) => client.deploy(request));
  return reportMasterOperation(context.output, {
    address: master.address,
    response: responseJson(MasterDeployResponseSchema, response),
    lines: masterStepLines(response.steps, response.components, 'deploy'),
    success: response.success,
  });
}

async function deployDirect(context: CommandContext, args: DeployArgs, target: ServiceTarget, loaded: LoadedDefinition): Promise<ExitCode> {
  const agent = await agentForService(context, { service: target.service, flag: args.node, definition: loaded });
  context.output.progress(`deploying ${describeTarget(target)} to ${agent.node.name} (${agent.node.address})`);
  const request = create(DeployRequestSchema, {
    service: definitionToProto(loaded.definition),
    component: target.component,
    ...pullFieldsOf(args.pull),
  });
  const response = await agent.call('deploy', (client) => client.deploy(request));
  return reportOperation(context.output, {
    node: agent.node,
    response: responseJson(DeployResponseSchema, response),
    lines: componentLines(response.results),
    success: response.success,
  });
}

// As the Go CLI: an image [build.images] can build that its registry lacks is built and pushed before the deploy.
async function publishMissingImages(context: CommandContext, loaded: LoadedDefinition, component: string): Promise<void> {
  if (Object.keys(loaded.definition.buildImages).length === 0) return;
  const builds = imageBuilds(loaded.definition, { workspace: context.config.buildWorkspace, file: loaded.file, component });
  await publishImages(builds, { output: context.output, podman: createPodmanImages(), onlyMissing: true });
}
