// Writes a file only its owner reads (keys, certificates), atomically: temp file 0600, then rename.
import { randomBytes } from 'node:crypto';
import { chmod, rename, writeFile } from 'node:fs/promises';

export async function writeSecretFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}
