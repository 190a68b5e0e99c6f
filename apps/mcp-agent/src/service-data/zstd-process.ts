// The `zstd` binary as a child process (TOOLCHAIN: Node 20's zlib has no zstd): compress or decompress a stream.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** zstd's own level 3 (its default), single-threaded so an export takes one core of a small node. */
export const ZSTD_LEVEL = 3;

export interface ZstdProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Settles when zstd exits: resolves on exit code 0, rejects with its stderr otherwise. */
  readonly done: Promise<void>;
  /** Ends the process now (the consumer went away or an earlier stage failed). */
  kill(): void;
}

/** Thrown when zstd could not run or exited non-zero; `stderr` says why (e.g. "truncated input"). */
export class ZstdError extends Error {
  override readonly name = 'ZstdError';
  readonly stderr: string;

  constructor(message: string, stderr: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.stderr = stderr;
  }
}

function startZstd(args: readonly string[], zstdPath: string): ZstdProcess {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(zstdPath, [...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  // A write after zstd died is reported through `done`, not as an unhandled stream error.
  child.stdin.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => {
      reject(new ZstdError(`cannot run ${zstdPath}: ${error.message} (scripts/setup-system.sh installs zstd)`, '', { cause: error }));
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const why = stderr.trim().split('\n').pop() ?? '';
        const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        reject(new ZstdError(`zstd ${args.join(' ')} failed (${how})${why === '' ? '' : `: ${why}`}`, stderr));
      }
    });
  });
  done.catch(() => undefined);
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export function startCompressor(zstdPath = 'zstd'): ZstdProcess {
  return startZstd([`-${ZSTD_LEVEL}`, '-T1', '-q', '-c', '-'], zstdPath);
}

/** Decompresses; a truncated or corrupt frame makes zstd exit non-zero, so `done` rejects. */
export function startDecompressor(zstdPath = 'zstd'): ZstdProcess {
  return startZstd(['-d', '-q', '-c', '-'], zstdPath);
}
