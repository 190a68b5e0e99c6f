// `mcp service show|export <svc>`: the definition the service's node has recorded (GetServiceStatus), as TOML;
// `mcp service edit <svc>`: the operator's file in $VISUAL/$EDITOR, saved only when it validates.
import { create } from '@bufbuild/protobuf';
import { GetServiceStatusRequestSchema, ServiceSpecSchema, type ServiceSpec } from '@mcp/proto';
import { definitionFromProto, formatDefinition, resolveDefinitionPath, writeDefinitionFile } from '@mcp/servicedef';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { agentForService } from '../agent-targets.js';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { editDefinitionFile } from '../definition-editor.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { nodeDocument, responseJson } from '../node-documents.js';
import { parseServiceTarget } from '../service-target.js';

interface ExportArgs {
  readonly service: string;
  readonly node: string | undefined;
  readonly output: string | undefined;
  readonly force: boolean;
}

export const serviceCommand: CliCommand = {
  name: 'service',
  register: (parser, select) =>
    parser.command('service', 'A service\'s definition (service show, edit, export)', (command) =>
      command
        .command(
          'show <service>',
          'Print the definition the service\'s node has recorded (what was last deployed), as TOML',
          (show) => withNodeOption(show.positional('service', { type: 'string', demandOption: true, describe: 'Service name' })),
          (args) => select((context) => show(context, args.service, args.node)),
        )
        .command(
          'edit <service>',
          'Open <services dir>/<service>.toml in $VISUAL or $EDITOR (else vi); saved only when it validates',
          (edit) => edit.positional('service', { type: 'string', demandOption: true, describe: 'Service name' }),
          (args) => select((context) => edit(context, args.service)),
        )
        .command(
          'export <service>',
          'Write the recorded definition as TOML to <services dir>/<service>.toml (or -o FILE, - for stdout)',
          (exported) =>
            withNodeOption(exported.positional('service', { type: 'string', demandOption: true, describe: 'Service name' }))
              .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'File to write; - for stdout (default: the services dir file)' })
              .option('force', { type: 'boolean', default: false, describe: 'Replace an existing file (its comments and layout are lost)' }),
          (args) => select((context) => exportDefinition(context, { service: args.service, node: args.node, output: args.output, force: args.force })),
        )
        .demandCommand(1, 'expected a service command: show, edit, export'),
    ),
};

/** The definition as the node recorded it, and which node that is. */
async function recordedSpec(context: CommandContext, serviceText: string, flag: string | undefined) {
  const { service } = parseServiceTarget(serviceText, { allowComponent: false });
  const agent = await agentForService(context, { service, flag });
  const response = await agent.call('getServiceStatus', (client) => client.getServiceStatus(create(GetServiceStatusRequestSchema, { service })));
  const spec = response.services.find((info) => info.name === service)?.spec;
  if (spec === undefined) {
    throw new CliError(
      'not_found',
      `node ${agent.node.name} has no recorded definition of service ${service}; deploy it first (mcp deploy ${service})`,
      exitCodes.badInput,
    );
  }
  return { node: agent.node, spec };
}

function toml(spec: ServiceSpec): string {
  return `${formatDefinition(definitionFromProto(spec)).trimEnd()}\n`;
}

async function show(context: CommandContext, service: string, flag: string | undefined): Promise<ExitCode> {
  const { node, spec } = await recordedSpec(context, service, flag);
  if (context.output.json) context.output.document(nodeDocument(node, responseJson(ServiceSpecSchema, spec)));
  else context.output.line(toml(spec).trimEnd());
  return exitCodes.ok;
}

async function exportDefinition(context: CommandContext, args: ExportArgs): Promise<ExitCode> {
  const { node, spec } = await recordedSpec(context, args.service, args.node);
  const text = toml(spec);
  if (args.output === '-') {
    context.output.line(text.trimEnd());
    return exitCodes.ok;
  }
  const file = args.output === undefined ? resolveDefinitionPath(context.config.servicesDir, spec.name) : resolve(context.cwd, args.output);
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (exists && !args.force) {
    throw new CliError(
      'invalid_input',
      `${file} exists; pass --force to replace it with the recorded definition (its comments and layout are lost), or -o to write elsewhere`,
      exitCodes.badInput,
    );
  }
  await mkdir(dirname(file), { recursive: true });
  await writeDefinitionFile(file, text);
  if (context.output.json) context.output.document({ node: node.name, address: node.address, file, definition: responseJson(ServiceSpecSchema, spec) });
  else context.output.line(`wrote the definition of ${spec.name} recorded on ${node.name} to ${file}`);
  return exitCodes.ok;
}

async function edit(context: CommandContext, serviceText: string): Promise<ExitCode> {
  const { service } = parseServiceTarget(serviceText, { allowComponent: false });
  const file = resolveDefinitionPath(context.config.servicesDir, service);
  const editor = context.env.VISUAL || context.env.EDITOR || 'vi';
  const outcome = await editDefinitionFile({ file, service, editor });
  if (outcome.kind === 'unchanged') context.output.note(`${file}: no changes`);
  else if (outcome.kind === 'saved') context.output.note(`${file}: saved (valid)`);
  else {
    for (const problem of outcome.problems) context.output.note(problem);
    context.output.failure({
      code: 'invalid_input',
      message: `${file} was not changed: the edit has ${outcome.problems.length} problem(s); your edit is kept in ${outcome.keptIn} (mcp service edit again, or fix and copy it)`,
      exitCode: exitCodes.badInput,
    });
    return exitCodes.badInput;
  }
  return exitCodes.ok;
}
