// The audit trail as its own stream (SPEC §9): its own file and pino instance, always at info, so no log level
// of the daemon's own log silences it. The file is owner-only: it names callers and peers.
import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';

export interface AuditLog {
  readonly log: Logger;
  readonly path: string;
  /** Writes out what is buffered and closes the file. */
  close(): Promise<void>;
}

export async function openAuditLog(options: { path: string; base?: Record<string, unknown> }): Promise<AuditLog> {
  await mkdir(dirname(options.path), { recursive: true });
  const destination = pino.destination({ dest: options.path, mode: 0o600, sync: false, mkdir: true });
  await new Promise<void>((resolve, reject) => {
    destination.once('ready', () => resolve());
    destination.once('error', reject);
  });
  // A file created before by someone else keeps its mode on open: narrow it.
  await chmod(options.path, 0o600);
  const log = pino({ level: 'info', base: options.base ?? null }, destination);
  let closed: Promise<void> | undefined;
  return {
    log,
    path: options.path,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        destination.once('close', () => resolve());
        destination.end();
      })),
  };
}
