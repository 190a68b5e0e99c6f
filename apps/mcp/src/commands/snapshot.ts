// `mcp snapshot <service>`, `mcp snapshot list [service]`, `mcp snapshot restore <service> [file]`: the master's
// snapshot catalogue (SPEC §8). Restore puts a stored snapshot back in place on the service's node.
import { create } from '@bufbuild/protobuf';
import {
  CreateSnapshotResponseSchema,
  CreateSnapshotStreamRequestSchema,
  ListSnapshotsRequestSchema,
  ListSnapshotsResponseSchema,
  RestoreSnapshotRequestSchema,
  RestoreSnapshotResultSchema,
  type CreateSnapshotResponse,
  type RestoreSnapshotResult,
} from '@mcp/proto';
import type { CliCommand, CommandContext } from '../context.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { connectMaster } from '../master-client.js';
import { masterStepLine, reportMasterOperation } from '../master-report.js';
import { responseJson } from '../node-documents.js';
import { formatBytes, transferProgress } from '../transfer-progress.js';

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  register: (parser, select) =>
    parser.command(
      'snapshot <target> [name] [file]',
      'Snapshot a service\'s data into the master\'s catalogue; `snapshot list [service]`; `snapshot restore <service> [file]` (default: the latest)',
      (command) =>
        command
          .positional('target', { type: 'string', demandOption: true, describe: 'A service to snapshot, or `list` / `restore`' })
          .positional('name', { type: 'string', describe: 'list: the service (default every service); restore: the service' })
          .positional('file', { type: 'string', describe: 'restore: the snapshot file name from `snapshot list` (default: the latest)' }),
      (args) => select((context) => snapshot(context, args.target, args.name, args.file)),
    ),
};

function refuseExtra(what: string, value: string | undefined): void {
  if (value !== undefined) throw new CliError('usage', `mcp snapshot ${what}: unexpected argument ${JSON.stringify(value)}`, exitCodes.badInput);
}

async function snapshot(context: CommandContext, first: string, name: string | undefined, file: string | undefined): Promise<ExitCode> {
  if (context.direct) throw new CliError('usage', 'mcp snapshot works through mcp-master (the catalogue lives there); drop --direct', exitCodes.badInput);
  if (first === 'list') {
    refuseExtra('list', file);
    return list(context, name ?? '');
  }
  if (first === 'restore') {
    if (name === undefined) throw new CliError('usage', 'mcp snapshot restore: name the service (mcp snapshot restore <service> [file])', exitCodes.badInput);
    return restore(context, name, file ?? '');
  }
  refuseExtra(first, name);
  return take(context, first);
}

async function take(context: CommandContext, service: string): Promise<ExitCode> {
  const master = await connectMaster(context.config);
  context.output.progress(`snapshot of ${service} via the master (${master.address})…`);
  const progress = transferProgress(context.output);
  const done = await master.call('createSnapshotStream', async (client) => {
    let last: CreateSnapshotResponse | undefined;
    for await (const frame of client.createSnapshotStream(create(CreateSnapshotStreamRequestSchema, { serviceName: service }))) {
      if (frame.event.case === 'progress') progress.update('snapshot', Number(frame.event.value.bytes), 0);
      if (frame.event.case === 'done') last = frame.event.value;
    }
    if (last === undefined) throw new CliError('failed', 'the master ended the snapshot stream without its result', exitCodes.failed);
    return last;
  });
  progress.clear();
  const step = done.serviceStep;
  return reportMasterOperation(context.output, {
    address: master.address,
    response: responseJson(CreateSnapshotResponseSchema, done),
    lines: [
      `  ${service}: ${done.filename} (${formatBytes(Number(done.sizeBytes))}, sha256 ${done.snapshot?.sha256.slice(0, 12) ?? '?'}…)`,
      ...(step === undefined ? [] : [masterStepLine(step)]),
      ...(done.pruned > 0 ? [`  retention: ${done.pruned} older snapshot(s) removed`] : []),
    ],
    success: true,
  });
}

async function list(context: CommandContext, service: string): Promise<ExitCode> {
  const master = await connectMaster(context.config);
  const answer = await master.call('listSnapshots', (client) => client.listSnapshots(create(ListSnapshotsRequestSchema, { serviceName: service })));
  if (context.output.json) {
    context.output.document({ master: master.address, response: responseJson(ListSnapshotsResponseSchema, answer) });
    return exitCodes.ok;
  }
  const rows = answer.snapshots.map((entry) => [entry.serviceName, entry.filename, entry.node, formatBytes(Number(entry.sizeBytes)), entry.createdAt]);
  context.output.table(['SERVICE', 'FILE', 'NODE', 'SIZE', 'CREATED'], rows);
  return exitCodes.ok;
}

async function restore(context: CommandContext, service: string, filename: string): Promise<ExitCode> {
  const master = await connectMaster(context.config);
  context.output.progress(`restoring ${service} from ${filename === '' ? 'its latest snapshot' : filename} via the master (${master.address})…`);
  const progress = transferProgress(context.output);
  const done = await master.call('restoreSnapshot', async (client) => {
    let last: RestoreSnapshotResult | undefined;
    for await (const frame of client.restoreSnapshot(create(RestoreSnapshotRequestSchema, { serviceName: service, filename }))) {
      if (frame.event.case === 'progress') progress.update('restore', Number(frame.event.value.bytes), Number(frame.event.value.totalBytes));
      if (frame.event.case === 'step') {
        progress.clear();
        if (!context.output.json) context.output.line(masterStepLine(frame.event.value));
      }
      if (frame.event.case === 'done') last = frame.event.value;
    }
    if (last === undefined) throw new CliError('failed', 'the master ended the restore stream without its result', exitCodes.failed);
    return last;
  });
  progress.clear();
  return reportMasterOperation(context.output, {
    address: master.address,
    response: responseJson(RestoreSnapshotResultSchema, done),
    lines: [done.success ? `  ${service}: restored from ${done.snapshot?.filename ?? '?'} on ${done.node}` : `  ${service}: failed: ${done.error}`],
    success: done.success,
  });
}
