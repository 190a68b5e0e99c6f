// `mcp push <local> <service> [path]` (the Go CLI's order): copies one file into /srv/<service>/ on the service's
// node. The earlier `<service> <local>` order still works where it cannot be mistaken (see pushOrder).
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
import { isValidName } from '@mcp/servicedef';

/** Files up to this size go in one PushFile message; larger ones are streamed (PushFileStream). */
export const unaryFileLimitBytes = 1024 * 1024;

interface PushArgs {
  /** The first two words as typed: `<local> <service>`, or the old `<service> <local>`. */
  readonly first: string;
  readonly second: string;
  readonly remote: string | undefined;
  readonly node: string | undefined;
  readonly mode: string | undefined;
}

export const pushCommand: CliCommand = {
  name: 'push',
  register: (parser, select) =>
    parser.command(
      'push <local> <service> [remote]',
      'Copy a local file into /srv/<service>/ on the service\'s node (remote path default: the file\'s name)',
      (command) =>
        withNodeOption(
          command
            .positional('local', { type: 'string', demandOption: true, describe: 'Local file (the old order <service> <local> is still understood)' })
            .positional('service', { type: 'string', demandOption: true, describe: 'Service name' })
            .positional('remote', { type: 'string', describe: 'Path relative to /srv/<service>/' }),
        ).option('mode', { type: 'string', requiresArg: true, describe: 'Permission bits in octal, e.g. 0600 (default: the local file\'s)' }),
      (args) =>
        select((context) => push(context, { first: args.local, second: args.service, remote: args.remote, node: args.node, mode: args.mode })),
    ),
};

async function push(context: CommandContext, args: PushArgs): Promise<ExitCode> {
  const order = await pushOrder(context.cwd, args.first, args.second);
  if (order.old) context.output.note(`mcp push ${args.first} ${args.second}: read as <service> <local>, the old order; write mcp push <local> <service> [path]`);
  const { service } = parseServiceTarget(order.service, { allowComponent: false });
  const shown = order.local;
  const local = resolve(context.cwd, shown);
  const info = await stat(local).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new CliError('not_found', `${shown}: no such file; expected a regular file to push (mcp push <local> <service> [path])`, exitCodes.badInput);
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
  else context.output.line(`pushed ${shown} to ${agent.node.name}:/srv/${service}/${sent.path} (${sent.size} bytes, sha256 ${sent.sha256})`);
  return exitCodes.ok;
}

/**
 * Which word is the file: `<local> <service>` (the Go CLI's order) unless only the old reading fits — the first
 * word is a service name but no file, and the second is a file. When both readings fit, the Go order wins.
 */
export async function pushOrder(cwd: string, first: string, second: string): Promise<{ local: string; service: string; old: boolean }> {
  const isFile = (path: string): Promise<boolean> => stat(resolve(cwd, path)).then((info) => info.isFile(), () => false);
  const oldFits = isValidName(first) && !(await isFile(first)) && (await isFile(second));
  return oldFits ? { local: second, service: first, old: true } : { local: first, service: second, old: false };
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
