// Entry point of `mcp`: wires the process (argv, environment, streams, exit code) to runCli. `mcp --version` is
// answered here, before the parser and any command module load (start-up budget: pnpm bench).
import { homedir } from 'node:os';
import { cliVersion } from './version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${cliVersion}\n`);
} else {
  const [{ runCli }, { readEnvironment }] = await Promise.all([import('./cli.js'), import('./config.js')]);
  process.exitCode = await runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: readEnvironment(),
    cwd: process.cwd(),
    homedir: homedir(),
    columns: process.stdout.columns,
    stderrIsTerminal: process.stderr.isTTY,
  });
}
