// Talks to HAProxy's admin (stats) socket and master socket: one command per connection, answer read to the end.
import { createConnection } from 'node:net';
import { ProxyError } from '../errors.js';

const TIMEOUT_MS = 10_000;

/** Sends one command line (and, for `<<` commands, a payload ending at an empty line) and returns the answer. */
export function socketCommand(socketPath: string, command: string, payload?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProxyError('unreachable', 'haproxy', `HAProxy socket ${socketPath} did not answer "${command}" within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    socket.on('connect', () => {
      if (payload === undefined) {
        socket.end(`${command}\n`);
      } else {
        // The payload ends at the first empty line: a PEM has none once blank lines are dropped.
        const body = payload.split('\n').filter((line) => line.trim() !== '').join('\n');
        socket.end(`${command} <<\n${body}\n\n`);
      }
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new ProxyError('unreachable', 'haproxy', `cannot talk to HAProxy on ${socketPath}: ${error.message}`, { cause: error }));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Answers that mean the command failed (HAProxy answers 200-style text, errors included). */
const failure = /^(Unknown|Missing|No such|Can't|Cannot|Failed|Error|Not found|Unable|[^#:]{0,120}(?:not found|failed|unable to|error))/i;

/** Runs a command whose answer is empty or a confirmation; an error answer throws with HAProxy's words. */
export async function adminCommand(socketPath: string, command: string, payload?: string): Promise<string> {
  const answer = await socketCommand(socketPath, command, payload);
  const firstLine = answer.trim().split('\n')[0] ?? '';
  if (failure.test(firstLine)) {
    throw new ProxyError('refused', 'haproxy', `HAProxy refused "${command}": ${answer.trim()}`);
  }
  return answer;
}
