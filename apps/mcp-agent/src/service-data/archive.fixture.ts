// Test fixture: hand-made tar.zst archives (hostile ones too) and a listing of an archive by the system's tar + zstd.
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { pack as createPack, type Header } from 'tar-stream';

const run = promisify(execFile);

export interface FixtureEntry {
  readonly header: Partial<Header> & { name: string };
  readonly content?: string | Uint8Array;
}

/** A tar of the entries exactly as given (tar-stream writes what it is told, `..` and all). */
export async function tarOf(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const pack = createPack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const content = entry.content ?? '';
    const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    const header = entry.header.type === undefined || entry.header.type === 'file' ? { size, ...entry.header } : entry.header;
    pack.entry(header, typeof content === 'string' ? Buffer.from(content) : content);
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** Runs zstd with the input on stdin and returns its stdout. */
export function zstd(args: readonly string[], input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('zstd', [...args, '-q', '-c', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`zstd exited ${String(code)}`))));
    child.stdin.end(input);
  });
}

export async function tarZstOf(entries: readonly FixtureEntry[]): Promise<Buffer> {
  return zstd(['-3'], await tarOf(entries));
}

/** The entry names of a tar.zst as GNU tar lists them (an independent reader). */
export async function listArchive(archive: Uint8Array, file: string): Promise<string[]> {
  await writeFile(file, archive);
  const { stdout } = await run('tar', ['--zstd', '-tf', file]);
  return stdout.split('\n').filter((line) => line !== '').sort();
}

/** Splits bytes into frames the way a client would send them. */
export function* framesOf(data: Uint8Array, frameBytes = 64 * 1024): Generator<Uint8Array> {
  for (let offset = 0; offset < data.byteLength; offset += frameBytes) yield data.subarray(offset, offset + frameBytes);
}
