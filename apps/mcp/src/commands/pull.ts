// `mcp pull <service> <remote> [local]`: copies one file out of /srv/<service>/ on the service's node.
import { create } from '@bufbuild/protobuf';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { PullFileRequestSchema, PullFileStreamRequestSchema, type FileHeader } from '@mcp/proto';
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { AgentConnection } from '../agent-client.js';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentForService } from '../agent-targets.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { nodeDocument } from '../node-documents.js';
import { parseServiceTarget } from '../service-target.js';

interface PullArgs {
  readonly service: string;
  readonly remote: string;
  readonly local: string | undefined;
  readonly node: string | undefined;
}

/** What the agent says of the file: permission bits (0: unknown), SHA-256 ('' : not sent), modification time. */
interface FileMeta {
  readonly mode: number;
  readonly sha256: string;
  readonly modifiedAt?: Timestamp | undefined;
}

interface Received {
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly mode: number;
  readonly modifiedAt: string | null;
}

export const pullCommand: CliCommand = {
  name: 'pull',
  register: (parser, select) =>
    parser.command(
      'pull <service> <remote> [local]',
      'Copy a file out of /srv/<service>/ on the service\'s node (local default: its name, in the current directory)',
      (command) =>
        withNodeOption(
          command
            .positional('service', { type: 'string', demandOption: true, describe: 'Service name' })
            .positional('remote', { type: 'string', demandOption: true, describe: 'Path relative to /srv/<service>/' })
            .positional('local', { type: 'string', describe: 'Local file or directory' }),
        ),
      (args) => select((context) => pull(context, { service: args.service, remote: args.remote, local: args.local, node: args.node })),
    ),
};

async function pull(context: CommandContext, args: PullArgs): Promise<ExitCode> {
  const { service } = parseServiceTarget(args.service, { allowComponent: false });
  const named = resolve(context.cwd, args.local ?? basename(args.remote));
  const isDirectory = await stat(named).then((info) => info.isDirectory(), () => false);
  const local = isDirectory ? join(named, basename(args.remote)) : named;
  const agent = await agentForService(context, { service, flag: args.node });
  const received = await intoFile(local, (write) => receive(agent, { service, path: args.remote }, write));
  const file = { service, path: args.remote, local, ...received };
  if (context.output.json) context.output.document(nodeDocument(agent.node, file));
  else context.output.line(`pulled ${agent.node.name}:/srv/${service}/${args.remote} to ${local} (${received.sizeBytes} bytes, sha256 ${received.sha256})`);
  return exitCodes.ok;
}

// PullFileStream takes files of any size; an agent without it still serves small files through PullFile.
async function receive(
  agent: AgentConnection,
  where: { service: string; path: string },
  write: (data: Uint8Array) => Promise<void>,
): Promise<FileMeta> {
  if (!(await agent.has('pullFileStream'))) {
    return agent.call('pullFile', async (client) => {
      const response = await client.pullFile(create(PullFileRequestSchema, where));
      await write(response.content);
      return { mode: response.mode, sha256: response.sha256, modifiedAt: response.modifiedAt };
    });
  }
  return agent.call('pullFileStream', async (client) => {
    let header: FileHeader | undefined;
    for await (const frame of client.pullFileStream(create(PullFileStreamRequestSchema, where))) {
      if (frame.frame.case === 'header') header = frame.frame.value;
      else if (frame.frame.case === 'data') await write(frame.frame.value);
    }
    return { mode: header?.mode ?? 0, sha256: header?.sha256 ?? '', modifiedAt: header?.modifiedAt };
  });
}

/**
 * Writes through a temporary file next to `local` and renames it only when every byte arrived and the
 * SHA-256 the agent sent matches, so a failed pull leaves any earlier file as it was.
 */
async function intoFile(
  local: string,
  fill: (write: (data: Uint8Array) => Promise<void>) => Promise<FileMeta>,
): Promise<Received> {
  const temporary = join(dirname(local), `.${basename(local)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600).catch((error: unknown) => {
    throw new CliError('not_found', `cannot write ${local}: ${error instanceof Error ? error.message : String(error)}`, exitCodes.badInput);
  });
  const hash = createHash('sha256');
  let sizeBytes = 0;
  try {
    const meta = await fill(async (data) => {
      hash.update(data);
      sizeBytes += data.byteLength;
      await handle.write(data);
    });
    const sha256 = hash.digest('hex');
    if (meta.sha256 !== '' && meta.sha256 !== sha256) {
      throw new CliError('failed', `pulled file is damaged: sha256 ${sha256}, the agent sent ${meta.sha256}; ${local} was not written`, exitCodes.failed);
    }
    const mode = meta.mode === 0 ? 0o644 : meta.mode & 0o777;
    await handle.chmod(mode);
    await handle.close();
    await rename(temporary, local);
    return { sizeBytes, sha256, mode, modifiedAt: meta.modifiedAt === undefined ? null : timestampDate(meta.modifiedAt).toISOString() };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
