// `mcp login`: asks MCIAS ([mcias] server_url) for a token with a username and a password read without echo, and
// stores it owner-only at [auth] token_path, where every other command reads it.
import { MciasError, mciasLogin } from '@mcp/auth';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeConfigSource } from '../config.js';
import type { CliCommand, CommandContext } from '../context.js';
import { CliError, exitCodes, type ExitCode } from '../errors.js';
import { PromptClosedError } from '../prompt.js';

export const loginCommand: CliCommand = {
  name: 'login',
  register: (parser, select) =>
    parser.command(
      'login',
      'Get a token from MCIAS ([mcias] server_url) and store it owner-only at [auth] token_path',
      (command) => command.option('username', { type: 'string', requiresArg: true, describe: 'MCIAS username (asked when absent)' }),
      (args) => select((context) => login(context, args.username)),
    ),
};

async function login(context: CommandContext, username: string | undefined): Promise<ExitCode> {
  const { config, output } = context;
  if (config.mcias === undefined) {
    throw new CliError('config', `mcp login needs MCIAS: set [mcias] server_url in ${describeConfigSource(config)}`, exitCodes.badInput);
  }
  const caPem = config.caCertPath === undefined ? undefined : await readFile(config.caCertPath, 'utf8');
  const prompt = context.prompt();
  let token: string;
  let who: string;
  try {
    who = (username ?? (await prompt.line('MCIAS username: '))).trim();
    if (who === '') throw new CliError('usage', 'no username given', exitCodes.badInput);
    const password = await prompt.secret(`password for ${who}: `);
    token = await mciasLogin({ serverUrl: config.mcias.serverUrl, caPem, serviceName: config.mcias.serviceName }, { username: who, password });
  } catch (error) {
    if (error instanceof PromptClosedError) throw new CliError('usage', error.message, exitCodes.badInput, { cause: error });
    if (error instanceof MciasError) {
      const refused = error.status === 401 || error.status === 403;
      throw new CliError(refused ? 'unauthenticated' : 'unavailable', error.message, refused ? exitCodes.badInput : exitCodes.failed, { cause: error });
    }
    throw error;
  } finally {
    prompt.close();
  }
  await storeToken(config.tokenPath, token);
  if (output.json) output.document({ username: who, tokenPath: config.tokenPath });
  else output.line(`logged in as ${who}; token stored at ${config.tokenPath} (owner-only)`);
  return exitCodes.ok;
}

/** Temp file (0600) + rename: the token file is never readable by others, not even for a moment. */
async function storeToken(path: string, token: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
