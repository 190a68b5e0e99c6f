// `mcp push <service> <local> [remote]`: copies one file into /srv/<service>/ on the service's node.
import { create } from '@bufbuild/protobuf';
import {
  PushFileRequestSchema,
  PushFileResponseSchema,
  PushFileStreamRequestSchema,
  PushFileStreamResponseSchema,
  type PushFileStreamRequest,
} from '@mcp/proto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { withNodeOption } from '../command-options.js';
import type { CliCommand, CommandContext } from '../context.js';
import { agentForService } from '../agent-targets.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { nodeDocument, responseJson } from '../node-documents.js';
import { parseServiceTarget } from '../service-target.js';

/** Files up to this size go in one PushFile message; larger ones are streamed (PushFileStream). */
export const unaryFileLimitBytes = 1024 * 1024;

interface PushArgs {
  readonly service: string;
  readonly local: string;
  readonly remote: string | undefined;
  readonly node: string | undefined;
  readonly mode: string | undefined;
}

export const pushCommand: CliCommand = {
  name: 'push',
  register: (parser, select) =>
    parser.command(
      'push <service> <local> [remote]',
      'Copy a local file into /srv/<service>/ on the service\'s node (remote path default: the file\'s name)',
      (command) =>
        withNodeOption(
          command
            .positional('service', { type: 'string', demandOption: true, describe: 'Service name' })
            .positional('local', { type: 'string', demandOption: true, describe: 'Local file' })
            .positional('remote', { type: 'string', describe: 'Path relative to /srv/<service>/' }),
        ).option('mode', { type: 'string', requiresArg: true, describe: 'Permission bits in octal, e.g. 0600 (default: the local file\'s)' }),
      (args) =>
        select((context) => push(context, { service: args.service, local: args.local, remote: args.remote, node: args.node, mode: args.mode })),
    ),
};

async function push(context: CommandContext, args: PushArgs): Promise<ExitCode> {
  const { service } = parseServiceTarget(args.service, { allowComponent: false });
  const local = resolve(context.cwd, args.local);
  const info = await stat(local).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new CliError('not_found', `${args.local}: no such file; expected a regular file to push`, exitCodes.badInput);
  }
  const mode = args.mode === undefined ? info.mode & 0o777 : parseMode(args.mode);
  const path = args.remote ?? basename(local);
  const agent = await agentForService(context, { service, flag: args.node });
  const sent =
    info.size <= unaryFileLimitBytes
      ? await agent.call('pushFile', async (client) => {
          const response = await client.pushFile(create(PushFileRequestSchema, { service, path, mode, content: await readFile(local) }));
          return { response: responseJson(PushFileResponseSchema, response), path: response.path, size: response.sizeBytes, sha256: response.sha256 };
        })
      : await agent.call('pushFileStream', async (client) => {
          const response = await client.pushFileStream(frames({ service, path, mode, sizeBytes: BigInt(info.size) }, local));
          return { response: responseJson(PushFileStreamResponseSchema, response), path: response.path, size: response.sizeBytes, sha256: response.sha256 };
        });
  if (context.output.json) context.output.document(nodeDocument(agent.node, sent.response));
  else context.output.line(`pushed ${args.local} to ${agent.node.name}:/srv/${service}/${sent.path} (${sent.size} bytes, sha256 ${sent.sha256})`);
  return exitCodes.ok;
}

// The header frame, then the file in chunks read from disk, so a large file is never all in memory.
async function* frames(
  header: { service: string; path: string; mode: number; sizeBytes: bigint },
  local: string,
): AsyncIterable<PushFileStreamRequest> {
  yield create(PushFileStreamRequestSchema, { frame: { case: 'header', value: header } });
  for await (const chunk of createReadStream(local, { highWaterMark: unaryFileLimitBytes })) {
    yield create(PushFileStreamRequestSchema, { frame: { case: 'data', value: chunk as Buffer } });
  }
}

/** `600`, `0600` and `0o600` all mean rw-------. */
export function parseMode(text: string): number {
  const digits = text.replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(digits)) {
    throw new CliError('usage', `--mode "${text}": expected permission bits in octal, e.g. 0644 or 0600`, exitCodes.badInput);
  }
  return Number.parseInt(digits, 8);
}
