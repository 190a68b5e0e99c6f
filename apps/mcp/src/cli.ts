// The testable core of `mcp`: parses the command line, loads the config, runs one command, maps errors.
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { adoptCommand } from './commands/adopt.js';
import { agentCommand } from './commands/agent.js';
import { deployCommand } from './commands/deploy.js';
import { devCommand } from './commands/dev.js';
import { listCommand } from './commands/list.js';
import { logsCommand } from './commands/logs.js';
import { nodeCommand } from './commands/node.js';
import { psCommand } from './commands/ps.js';
import { pullCommand } from './commands/pull.js';
import { purgeCommand } from './commands/purge.js';
import { pushCommand } from './commands/push.js';
import { restartCommand } from './commands/restart.js';
import { routeCommand } from './commands/route.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { stopCommand } from './commands/stop.js';
import { syncCommand } from './commands/sync.js';
import { undeployCommand } from './commands/undeploy.js';
import { validateCommand } from './commands/validate.js';
import { daemonEnvironment, defaultCliConfig, loadCliConfig } from './config.js';
import type { CliCommand, CliIo, CommandAction, GlobalOptions } from './context.js';
import { exitCodes, toFailure, usageFailure, type ExitCode } from './errors.js';
import { createOutput } from './output.js';
import { cliVersion } from './version.js';

/** Only commands that work are registered; each later command adds its module here. */
const commands: readonly CliCommand[] = [
  validateCommand,
  deployCommand,
  undeployCommand,
  stopCommand,
  startCommand,
  restartCommand,
  syncCommand,
  listCommand,
  psCommand,
  statusCommand,
  logsCommand,
  adoptCommand,
  purgeCommand,
  pushCommand,
  pullCommand,
  nodeCommand,
  routeCommand,
  agentCommand,
  devCommand,
];

type CommandLine =
  | { kind: 'run'; action: CommandAction; options: GlobalOptions; withoutConfig: boolean }
  | { kind: 'printed'; text: string }
  | { kind: 'usage'; message: string };

/** Runs `mcp <argv>` and returns the exit code: 0 success, 1 operation failed, 2 bad input or usage. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const commandLine = parseCommandLine(argv, io.columns);
  const json = commandLine.kind === 'run' ? commandLine.options.json : mentionsJson(argv);
  const output = createOutput({ stdout: io.stdout, stderr: io.stderr, json });
  if (commandLine.kind === 'usage') {
    output.failure(usageFailure(commandLine.message));
    return exitCodes.badInput;
  }
  if (commandLine.kind === 'printed') {
    output.line(commandLine.text);
    return exitCodes.ok;
  }
  try {
    const config = commandLine.withoutConfig
      ? defaultCliConfig(io.homedir)
      : await loadCliConfig({ flag: commandLine.options.config, env: io.env, cwd: io.cwd, homedir: io.homedir });
    const now = io.now ?? (() => new Date());
    const daemonEnv = io.daemonEnv ?? daemonEnvironment();
    return await commandLine.action({ config, output, cwd: io.cwd, homedir: io.homedir, direct: commandLine.options.direct, now, daemonEnv });
  } catch (error) {
    const failure = toFailure(error);
    output.failure(failure);
    return failure.exitCode;
  }
}

function createParser(argv: readonly string[], columns: number | undefined): Argv<GlobalOptions> {
  return yargs([...argv])
    .scriptName('mcp')
    .usage('$0 <command> [options]')
    .locale('en')
    .exitProcess(false)
    .fail(false)
    .strict()
    .strictCommands()
    .strictOptions()
    .wrap(Math.min(columns ?? 100, 100))
    .version(cliVersion)
    .help()
    .alias('help', 'h')
    .option('json', { type: 'boolean', default: false, describe: 'Print a JSON document (errors too) on stdout' })
    .option('config', {
      type: 'string',
      requiresArg: true,
      describe: 'CLI config file (default: $MCP_CONFIG, else ~/.config/mcp/mcp.toml)',
    })
    .option('direct', {
      type: 'boolean',
      default: false,
      describe: 'Talk to the agents of [[nodes]] directly instead of through mcp-master ([master] address)',
    })
    .demandCommand(1, 'no command given')
    .epilogue('Exit codes: 0 success, 1 operation failed, 2 bad input or usage.');
}

function parseCommandLine(argv: readonly string[], columns: number | undefined): CommandLine {
  let action: CommandAction | undefined;
  let withoutConfig = false;
  const parser = commands.reduce(
    (built, command) =>
      command.register(built, (selected, options) => {
        action = selected;
        withoutConfig = options?.withoutConfig ?? false;
      }),
    createParser(argv, columns),
  );
  let failure: string | undefined;
  let text = '';
  try {
    // With a callback yargs hands over help and version text (and errors) instead of printing them.
    const args = parser.parseSync([...argv], {}, (error, _args, output) => {
      if (error) failure = error.message;
      text = output;
    });
    if (failure !== undefined) return { kind: 'usage', message: explainUsage(failure) };
    if (action === undefined) return { kind: 'printed', text };
    return { kind: 'run', action, options: { json: args.json, config: args.config, direct: args.direct }, withoutConfig };
  } catch (error) {
    return { kind: 'usage', message: explainUsage(error instanceof Error ? error.message : String(error)) };
  }
}

// yargs calls every extra word of `mcp deploy web` an unknown command; name only the command word.
function explainUsage(message: string): string {
  const unknown = /^Unknown commands?: ([^,\s]+)/.exec(message)?.[1];
  if (unknown === undefined) return message;
  return `Unknown command: ${unknown}; expected one of: ${commands.map((command) => command.name).join(', ')}`;
}

// Usage errors happen before yargs has parsed --json; look for it the plain way (not after `--`).
function mentionsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--json' || arg === '--json=true');
}
