// `mcp build [service[/image]]`: builds the images `[build.images]` names, from the service's `path` under the
// CLI's `[build] workspace`, tags each as the component's image reference and pushes it (the operator's podman).
import type { CliCommand, CommandContext } from '../context.js';
import { loadServiceDefinition, loadServicesDir, type LoadedDefinition } from '../definitions.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { imageBuilds, type ImageBuild } from '../image-builds.js';
import { publishImages } from '../image-publish.js';
import { createPodmanImages } from '../podman-images.js';
import { definitionOrThrow } from '@mcp/servicedef';

export const buildCommand: CliCommand = {
  name: 'build',
  register: (parser, select) =>
    parser.command(
      'build [target]',
      'Build and push the images of [build.images] (every service with one, one service, or <service>/<image>) from [build] workspace',
      (command) =>
        command.positional('target', {
          type: 'string',
          describe: '<service> or <service>/<image>, the image as a [build.images] key or its last part (default: every service)',
        }),
      (args) => select((context) => build(context, args.target)),
    ),
};

async function build(context: CommandContext, target: string | undefined): Promise<ExitCode> {
  const builds = target === undefined ? await everyBuild(context) : await buildsOf(context, target);
  if (builds.length === 0) {
    throw new CliError(
      'not_found',
      target === undefined
        ? `no service in ${context.config.servicesDir} has [build.images]; nothing to build`
        : `service ${target} has no [build.images] matching one of its components; nothing to build`,
      exitCodes.badInput,
    );
  }
  const images = await publishImages(builds, { output: context.output, podman: createPodmanImages(), onlyMissing: false });
  if (context.output.json) context.output.document({ images });
  return exitCodes.ok;
}

async function buildsOf(context: CommandContext, target: string): Promise<ImageBuild[]> {
  const [service = '', image, extra] = target.split('/');
  if (extra !== undefined || image === '') {
    throw new CliError('usage', `"${target}" is not a build target; expected <service> or <service>/<image>`, exitCodes.badInput);
  }
  const loaded = await loadServiceDefinition(service, { servicesDir: context.config.servicesDir, cwd: context.cwd });
  return buildsFor(context, loaded, image);
}

async function everyBuild(context: CommandContext): Promise<ImageBuild[]> {
  const results = await loadServicesDir(context.config.servicesDir);
  const loaded = results.map((result) => ({ file: result.file, definition: definitionOrThrow(result) }));
  return loaded.filter((entry) => Object.keys(entry.definition.buildImages).length > 0).flatMap((entry) => buildsFor(context, entry, undefined));
}

function buildsFor(context: CommandContext, loaded: LoadedDefinition, image: string | undefined): ImageBuild[] {
  return imageBuilds(loaded.definition, { workspace: context.config.buildWorkspace, file: loaded.file, image });
}
