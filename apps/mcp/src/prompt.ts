// Asking the person at the terminal: a line, or a secret read without echo. Without a terminal (a pipe), lines are
// read from stdin in order, so scripts can feed `mcp login`.
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface Prompt {
  line(question: string): Promise<string>;
  /** Read without echo. */
  secret(question: string): Promise<string>;
  close(): void;
}

/** stdin ended before the answer came. */
export class PromptClosedError extends Error {
  constructor(question: string) {
    super(`stdin ended before an answer to "${question.trim()}" was given`);
    this.name = 'PromptClosedError';
  }
}

export function terminalPrompt(input: Readable & { isTTY?: boolean }, output: Writable): Prompt {
  let muted = false;
  let reader: Interface | undefined;
  let ended = false;
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void; question: string }[] = [];
  const open = (): Interface => {
    if (reader !== undefined) return reader;
    const created = createInterface({ input, output, terminal: input.isTTY === true });
    // readline echoes typed characters through _writeToOutput; while a secret is read nothing reaches the terminal.
    const echo = created as unknown as { _writeToOutput: (text: string) => void };
    const original = echo._writeToOutput.bind(created);
    echo._writeToOutput = (text: string) => {
      if (!muted) original(text);
    };
    created.on('line', (line) => {
      const next = waiting.shift();
      if (next === undefined) lines.push(line);
      else next.resolve(line);
    });
    created.on('close', () => {
      ended = true;
      for (const next of waiting.splice(0)) next.reject(new PromptClosedError(next.question));
    });
    reader = created;
    return created;
  };
  const ask = async (question: string, secret: boolean): Promise<string> => {
    open();
    output.write(question);
    muted = secret;
    try {
      const queued = lines.shift();
      if (queued !== undefined) return queued;
      if (ended) throw new PromptClosedError(question);
      return await new Promise<string>((resolve, reject) => waiting.push({ resolve, reject, question }));
    } finally {
      if (secret) output.write('\n');
      muted = false;
    }
  };
  return {
    line: (question) => ask(question, false),
    secret: (question) => ask(question, true),
    close: () => reader?.close(),
  };
}
