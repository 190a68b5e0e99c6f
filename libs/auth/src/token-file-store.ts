// Reading and appending to the local token file on disk: mode checks, atomic 0600 writes.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { TokenFileError } from './errors.js';
import { secretFileProblem } from './secret-file.js';
import type { AccountType, Identity } from './identity.js';
import type { TokenEntry } from './token-file.js';
import { formatTokenEntry, identityProblems, parseTokenFile, tokenFileHeader } from './token-file.js';
import { generateToken, hashToken } from './token.js';

export interface NewToken {
  readonly name: string;
  readonly account: AccountType;
  readonly roles: readonly string[];
  /** Free text kept next to the hash, e.g. what the token is for. */
  readonly comment?: string;
}

/** Reads and parses the token file; refuses one that others could read or write, or that another user owns. */
export async function readTokenFile(path: string): Promise<TokenEntry[]> {
  const text = await readTokenFileText(path);
  return parseTokenFile(text, path);
}

export async function readTokenFileText(path: string): Promise<string> {
  try {
    const problem = await secretFileProblem(path);
    if (problem !== undefined) throw new TokenFileError(path, [{ keyPath: '', problem }]);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof TokenFileError) throw error;
    throw new TokenFileError(path, [{ keyPath: '', problem: `cannot read: ${(error as Error).message}` }], { cause: error });
  }
}

/**
 * Creates a token for the identity, appends its hash to the file (creating the file, mode 0600,
 * when absent) and returns the plain token: the only time it exists outside the caller's hands.
 * The existing file must be valid; comments and entries already in it are kept byte for byte.
 */
export async function addTokenToFile(path: string, token: NewToken, options: { clock?: Clock } = {}): Promise<string> {
  const identity: Identity = { name: token.name, account: token.account, roles: [...token.roles] };
  const problems = identityProblems(identity);
  if (problems.length > 0) throw new TokenFileError(path, problems);
  const existing = await readExisting(path);
  const entries = parseTokenFile(existing, path);
  const sameName = entries.find((entry) => entry.identity.name === identity.name);
  if (sameName !== undefined && sameName.identity.account !== identity.account) {
    throw new TokenFileError(path, [
      { keyPath: 'account', problem: `"${identity.name}" is already a ${sameName.identity.account} account in this file` },
    ]);
  }
  const plain = generateToken();
  const entry: TokenEntry = {
    identity,
    sha256: hashToken(plain),
    created: new Date((options.clock ?? systemClock).now()),
    ...(token.comment === undefined ? {} : { comment: token.comment }),
  };
  const separator = existing === '' || existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  await writeFileAtomically(path, `${existing}${separator}${formatTokenEntry(entry)}`);
  return plain;
}

async function readExisting(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return tokenFileHeader;
    throw new TokenFileError(path, [{ keyPath: '', problem: `cannot read: ${(error as Error).message}` }], { cause: error });
  }
}

// Temp file + rename: a reader sees the old file or the new one, never half of it.
async function writeFileAtomically(path: string, text: string): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new TokenFileError(path, [{ keyPath: '', problem: `cannot write: ${(error as Error).message}` }], { cause: error });
  }
}
