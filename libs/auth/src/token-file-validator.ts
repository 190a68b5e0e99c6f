// TokenValidator backed by the local token file; re-reads the file whenever it changes on disk.
import { stat } from 'node:fs/promises';
import { TokenFileError } from './errors.js';
import type { Identity, TokenValidator } from './identity.js';
import type { TokenEntry } from './token-file.js';
import { readTokenFile } from './token-file-store.js';
import { hashToken, sha256HexEqual } from './token.js';

interface Loaded {
  readonly version: string;
  readonly entries: readonly TokenEntry[];
}

/**
 * Loads the file now, so a daemon with a missing or broken token file refuses to start. Each
 * validation then stats the file (one syscall) and re-reads it when inode, size, mtime or ctime
 * changed; a file that became invalid makes validation throw (fail closed) until it is fixed.
 */
export async function createTokenFileValidator(options: { path: string }): Promise<TokenValidator> {
  const { path } = options;
  let loaded = await load(path);

  async function current(): Promise<readonly TokenEntry[]> {
    const version = await fileVersion(path);
    if (version !== loaded.version) loaded = await load(path);
    return loaded.entries;
  }

  return {
    async validate(token: string): Promise<Identity | undefined> {
      const entries = await current();
      if (token === '') return undefined;
      const digest = hashToken(token);
      let found: Identity | undefined;
      // Compare against every entry without stopping early, so timing says nothing about the file.
      for (const entry of entries) {
        if (sha256HexEqual(entry.sha256, digest) && found === undefined) found = entry.identity;
      }
      return found === undefined ? undefined : { name: found.name, account: found.account, roles: [...found.roles] };
    },
  };
}

async function load(path: string): Promise<Loaded> {
  // Version first: if the file changes while being read, the next call sees a new version and reloads.
  const version = await fileVersion(path);
  return { version, entries: await readTokenFile(path) };
}

async function fileVersion(path: string): Promise<string> {
  try {
    const info = await stat(path, { bigint: true });
    return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch (error) {
    throw new TokenFileError(path, [{ keyPath: '', problem: `cannot read: ${(error as Error).message}` }], { cause: error });
  }
}
