// Files holding secrets (token files, keys): refused unless a regular file owned by this process's user and
// readable by no one else, so a token cannot have leaked through the file's mode or been planted by another user.
import { chmod, open, readFile, stat } from 'node:fs/promises';

export class SecretFileError extends Error {
  readonly path: string;
  constructor(path: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'SecretFileError';
    this.path = path;
  }
}

/** The problem with `path` as a secret file of this process, or undefined when it is fine. */
export async function secretFileProblem(path: string, uid: number | undefined = process.getuid?.()): Promise<string | undefined> {
  const info = await stat(path);
  if (!info.isFile()) return 'not a regular file';
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
    return `readable or writable by group or others (mode ${mode}); chmod 600 it`;
  }
  if (uid !== undefined && info.uid !== uid) return `owned by uid ${info.uid}, not by this daemon's user (uid ${uid}); chown it`;
  return undefined;
}

/**
 * Reads a one-line plain token (`mcp_…`) from a secret file. Errors name the file as `what` calls it (“the master's
 * token file”) and the config key it comes from.
 */
export async function readPlainTokenFile(path: string, name: { what: string; key: string }): Promise<string> {
  const file = `${name.what} ${path} (${name.key})`;
  let text: string;
  try {
    const problem = await secretFileProblem(path);
    if (problem !== undefined) throw new SecretFileError(path, `${file} is refused: ${problem}`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SecretFileError) throw error;
    throw new SecretFileError(path, `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token)) throw new SecretFileError(path, `${file} must hold one token on one line`);
  return token;
}

/**
 * Makes `path` an owner-only file (created empty when missing), and its SQLite companions (-wal, -shm, -journal)
 * too when present: for databases holding secrets (registries with env values). SQLite gives the files it
 * creates later the mode of the database file.
 */
export async function makeOwnerOnly(path: string): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  await handle.close();
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    await chmod(file, 0o600).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
