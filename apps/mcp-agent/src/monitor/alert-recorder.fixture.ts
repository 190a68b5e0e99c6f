// A real alert command for tests: a node script that appends its argv and MCP_* environment to a file, one JSON
// line per run, so a test sees exactly what the agent handed to the operator's program.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AlertRecord {
  /** The arguments after the script's own path and output file. */
  readonly args: readonly string[];
  /** Every MCP_* variable it received. */
  readonly env: Readonly<Record<string, string>>;
  /** Whether it inherited a PATH. */
  readonly hasPath: boolean;
}

export interface AlertRecorder {
  /** The argv to configure as the alert command, with extra arguments after the output file. */
  command(...extra: string[]): string[];
  records(): Promise<AlertRecord[]>;
}

const SCRIPT = `
const { appendFileSync } = require('node:fs');
const [out, ...args] = process.argv.slice(2);
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('MCP_')));
appendFileSync(out, JSON.stringify({ args, env, hasPath: process.env.PATH !== undefined }) + '\\n');
`;

export async function createAlertRecorder(dir: string, name = 'alerts'): Promise<AlertRecorder> {
  const script = join(dir, `${name}-recorder.cjs`);
  const out = join(dir, `${name}.jsonl`);
  await writeFile(script, SCRIPT);
  await writeFile(out, '');
  return {
    command: (...extra) => [process.execPath, script, out, ...extra],
    records: async () =>
      (await readFile(out, 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as AlertRecord),
  };
}
