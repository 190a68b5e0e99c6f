// Entry point of `mcp`: wires the process (argv, environment, streams, exit code) to runCli.
import { homedir } from 'node:os';
import { runCli } from './cli.js';
import { readEnvironment } from './config.js';

const exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: readEnvironment(),
  cwd: process.cwd(),
  homedir: homedir(),
  columns: process.stdout.columns,
  stderrIsTerminal: process.stderr.isTTY,
});
process.exitCode = exitCode;
