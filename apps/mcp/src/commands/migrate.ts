// `mcp migrate <service> --to <node> [--force]`, `mcp migrate --all --from <node> --to <node>`: moves services and
// their /srv/<service>/ data through mcp-master (SPEC §8), printing each step as the master reports it.
import { create } from '@bufbuild/protobuf';
import { MigrateResponseSchema, MigrateStreamRequestSchema, ResultStatus, type MigrateResponse } from '@mcp/proto';
import type { CliCommand, CommandContext } from '../context.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { connectMaster } from '../master-client.js';
import { masterStepLine, reportMasterOperation } from '../master-report.js';
import { responseJson } from '../node-documents.js';
import { transferProgress } from '../transfer-progress.js';

interface MigrateArgs {
  readonly service: string | undefined;
  readonly to: string;
  readonly from: string | undefined;
  readonly all: boolean;
  readonly force: boolean;
}

export const migrateCommand: CliCommand = {
  name: 'migrate',
  register: (parser, select) =>
    parser.command(
      'migrate [service]',
      'Move a service and its data to another node (or --all services of --from), one step at a time',
      (command) =>
        command
          .positional('service', { type: 'string', describe: 'Service to move (omit with --all)' })
          .option('to', { type: 'string', demandOption: true, requiresArg: true, describe: 'Node to move to' })
          .option('from', { type: 'string', requiresArg: true, describe: 'With --all: the node to empty' })
          .option('all', { type: 'boolean', default: false, describe: 'Move every service of --from, in turn, stopping at the first failure' })
          .option('force', { type: 'boolean', default: false, describe: 'Replace data the target already holds in /srv/<service>/' }),
      (args) => select((context) => migrate(context, { service: args.service, to: args.to, from: args.from, all: args.all, force: args.force })),
    ),
};

function checkArgs(args: MigrateArgs): void {
  const usage = (message: string) => new CliError('usage', `mcp migrate: ${message}`, exitCodes.badInput);
  if (args.all && args.service !== undefined) throw usage('name a service or use --all --from <node>, not both');
  if (args.all && args.from === undefined) throw usage('--all needs --from <node>, the node to empty');
  if (!args.all && args.service === undefined) throw usage('name the service to move (or use --all --from <node>)');
}

async function migrate(context: CommandContext, args: MigrateArgs): Promise<ExitCode> {
  checkArgs(args);
  if (context.direct) throw new CliError('usage', 'mcp migrate works through mcp-master (agents never talk to each other); drop --direct', exitCodes.badInput);
  const master = await connectMaster(context.config);
  const what = args.all ? `every service of ${args.from ?? ''}` : (args.service ?? '');
  context.output.progress(`migrating ${what} to ${args.to} via the master (${master.address})…`);
  const progress = transferProgress(context.output);
  const request = create(MigrateStreamRequestSchema, {
    serviceName: args.service ?? '',
    targetNode: args.to,
    force: args.force,
    all: args.all,
    sourceNode: args.from ?? '',
  });
  const done = await master.call('migrateStream', async (client) => {
    let last: MigrateResponse | undefined;
    for await (const frame of client.migrateStream(request)) {
      if (frame.event.case === 'progress') {
        const { serviceName, step, bytes, totalBytes } = frame.event.value;
        progress.update(`${serviceName}/${step}`, Number(bytes), Number(totalBytes));
      }
      if (frame.event.case === 'step') {
        progress.clear();
        if (!context.output.json) context.output.line(masterStepLine(frame.event.value));
      }
      if (frame.event.case === 'done') last = frame.event.value;
    }
    if (last === undefined) throw new CliError('failed', 'the master ended the migrate stream without its result', exitCodes.failed);
    return last;
  });
  progress.clear();
  return reportMasterOperation(context.output, {
    address: master.address,
    response: responseJson(MigrateResponseSchema, done),
    lines: done.services.map((service) => {
      const word = service.status === ResultStatus.OK ? 'moved' : service.status === ResultStatus.SKIPPED ? 'skipped' : 'failed';
      const from = service.snapshotFilename === '' ? '' : ` (from snapshot ${service.snapshotFilename}: the source was unreachable)`;
      return `${service.serviceName}: ${word} ${service.sourceNode} → ${service.targetNode}${from}${service.error === '' ? '' : `: ${service.error}`}`;
    }),
    success: done.success,
  });
}
