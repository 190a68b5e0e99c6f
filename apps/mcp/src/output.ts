// The CLI's one renderer: aligned tables and lines for people, JSON documents for scripts, errors for both.
import type { Failure } from './errors.js';

/** Where output goes; `process.stdout` and `process.stderr` fit, and so does an array in a test. */
export interface TextSink {
  write(text: string): unknown;
}

export interface OutputOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** --json: data and errors are printed as one JSON document on stdout. */
  readonly json: boolean;
  /** stderr is a terminal: transient progress may redraw one line there. */
  readonly terminal?: boolean;
}

export interface Output {
  readonly json: boolean;
  /** A machine document (the --json form of a command's result), on stdout. */
  document(value: unknown): void;
  /** Columns aligned with two spaces; headers are printed as given (upper case by convention). */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): void;
  /** One line of a command's result, on stdout. */
  line(text: string): void;
  /** A diagnostic for people (problems, progress), on stderr. */
  note(text: string): void;
  /** Progress of a long operation, on stderr; silent under --json, where stderr stays empty. */
  progress(text: string): void;
  /** Whether `transient` draws anything: stderr is a terminal and this is not --json. */
  readonly terminal: boolean;
  /** A progress line redrawn in place on a terminal (`""` clears it); nothing elsewhere. */
  transient(text: string): void;
  /** One compact JSON value on its own line (JSON Lines: `logs --json` streams these). */
  record(value: unknown): void;
  /** An error: `{"error":{"code","message"}}` on stdout under --json, `mcp: <message>` on stderr otherwise. */
  failure(failure: Failure): void;
}

export function createOutput(options: OutputOptions): Output {
  const { stdout, stderr, json } = options;
  const terminal = options.terminal === true && !json;
  return {
    json,
    terminal,
    transient: (text) => {
      if (terminal) stderr.write(`\r\x1b[2K${text}`);
    },
    document: (value) => stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    table: (headers, rows) => stdout.write(formatTable(headers, rows)),
    line: (text) => stdout.write(`${text}\n`),
    note: (text) => stderr.write(`${text}\n`),
    progress: (text) => {
      if (!json) stderr.write(`${text}\n`);
    },
    record: (value) => stdout.write(`${JSON.stringify(value)}\n`),
    failure: (failure) => {
      if (json) {
        const error = { code: failure.code, message: failure.message };
        stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
        return;
      }
      const lines = failure.message.split('\n').map((line) => `mcp: ${line}\n`);
      if (failure.hint !== undefined) lines.push(`${failure.hint}\n`);
      stderr.write(lines.join(''));
    },
  };
}

/** Pads every column but the last to its widest cell, so columns line up without trailing spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) =>
    Math.max(...all.map((row) => displayWidth(row[column] ?? ''))),
  );
  const lines = all.map((row) =>
    headers
      .map((_, column) => {
        const cell = row[column] ?? '';
        const last = column === headers.length - 1;
        return last ? cell : cell + ' '.repeat((widths[column] ?? 0) - displayWidth(cell));
      })
      .join('  ')
      .trimEnd(),
  );
  return lines.map((line) => `${line}\n`).join('');
}

// Counts code points, not UTF-16 units, so names with arrows or accents still line up.
function displayWidth(text: string): number {
  return [...text].length;
}
