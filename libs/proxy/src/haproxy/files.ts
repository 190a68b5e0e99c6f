// The HAProxy files a restart reads back: maps, crt-lists and certificate PEMs, each replaced atomically.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';

/** Writes through a temp file and a rename, so HAProxy (re)starting never reads half a file. */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text, { mode });
  await chmod(temp, mode);
  await rename(temp, path);
}

export async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** A map file as key → value (first space separates them). */
export async function readMapFile(path: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const line of await readLines(path)) {
    const space = line.indexOf(' ');
    if (space > 0) entries.set(line.slice(0, space), line.slice(space + 1).trim());
  }
  return entries;
}

export async function writeMapFile(path: string, entries: ReadonlyMap<string, string>): Promise<void> {
  const lines = [...entries].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `${key} ${value}`);
  await writeFileAtomic(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
}

export async function writeLines(path: string, lines: readonly string[]): Promise<void> {
  await writeFileAtomic(path, `${lines.join('\n')}\n`);
}

export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
