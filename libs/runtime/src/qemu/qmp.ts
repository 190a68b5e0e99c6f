// A minimal QMP client: one connection per call to the VM's unix socket, commands in order, events skipped.
import { open } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { QMP_SOCKET } from './qemu-arguments.js';

export interface QmpCommand {
  readonly execute: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

export class QmpError extends Error {
  override readonly name = 'QmpError';
}

/**
 * Connects to <dir>/qmp.sock and runs the commands; resolves with each command's `return`. The socket is
 * reached through /proc/self/fd/<fd of dir>/ so that its path stays short whatever the state dir's length
 * (unix socket paths are limited to 108 bytes). A `quit` whose answer is cut off by QEMU exiting counts as done.
 */
export async function qmpExecute(dir: string, commands: readonly QmpCommand[], timeoutMs: number): Promise<unknown[]> {
  const directory = await open(dir, 'r');
  return new Promise<unknown[]>((resolve, reject) => {
    const socket = createConnection(`/proc/self/fd/${directory.fd}/${QMP_SOCKET}`);
    const results: unknown[] = [];
    let greeted = false;
    let sent = -1; // -1: qmp_capabilities in flight; then the index of the command in flight
    let buffered = '';
    let settled = false;
    let directoryOpen = true;
    // The connection keeps the socket resolved; the directory's descriptor is needed only to connect.
    const closeDirectory = (): void => {
      if (!directoryOpen) return;
      directoryOpen = false;
      void directory.close().catch(() => undefined);
    };
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      closeDirectory();
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const timer = setTimeout(() => finish(new QmpError(`no answer from QMP in ${dir} within ${timeoutMs} ms`)), timeoutMs);
    const sendNext = (): void => {
      const command = commands[sent];
      if (command === undefined) {
        finish();
        return;
      }
      socket.write(`${JSON.stringify(command)}\n`);
    };
    const onMessage = (message: Record<string, unknown>): void => {
      if ('event' in message) return;
      if (!greeted) {
        if (!('QMP' in message)) return finish(new QmpError(`unexpected QMP greeting: ${JSON.stringify(message)}`));
        greeted = true;
        socket.write('{"execute":"qmp_capabilities"}\n');
        return;
      }
      if ('error' in message) {
        const error = message.error as { class?: string; desc?: string };
        const name = sent < 0 ? 'qmp_capabilities' : (commands[sent]?.execute ?? '?');
        return finish(new QmpError(`QMP ${name}: ${error.desc ?? error.class ?? 'error'}`));
      }
      if (sent >= 0) results.push(message.return);
      sent += 1;
      sendNext();
    };
    socket.on('connect', closeDirectory);
    socket.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString('utf8')).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          onMessage(JSON.parse(line) as Record<string, unknown>);
        } catch (error) {
          finish(new QmpError(`unreadable QMP message ${JSON.stringify(line)}: ${(error as Error).message}`));
        }
      }
    });
    socket.on('error', (error) => {
      finish(new QmpError(`QMP socket in ${dir}: ${error.message}`, { cause: error }));
    });
    socket.on('close', () => {
      const inFlight = sent >= 0 ? commands[sent] : undefined;
      if (inFlight?.execute === 'quit' && sent === commands.length - 1) {
        results.push({});
        finish();
        return;
      }
      finish(new QmpError(`QMP in ${dir} closed the connection early`));
    });
  });
}
