// The testable core of `mcp`: parses the command line, loads the config, runs one command, maps errors.
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { daemonEnvironment, defaultCliConfig, loadCliConfig } from './config.js';
import type { CliCommand, CliIo, CommandAction, GlobalOptions } from './context.js';
import { exitCodes, toFailure, usageFailure, type ExitCode } from './errors.js';
import { createOutput } from './output.js';
import { terminalPrompt } from './prompt.js';
import { cliVersion } from './version.js';

/**
 * Only commands that work are listed; each later command adds its module here. A command's module (and what it
 * pulls in: protobuf schemas, Connect, TLS) loads only when that command runs, to keep start-up short: `mcp ps`
 * loads ps alone; help, no command and an unknown word load them all.
 */
const commandModules: Readonly<Record<string, () => Promise<CliCommand>>> = {
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  deploy: async () => (await import('./commands/deploy.js')).deployCommand,
  undeploy: async () => (await import('./commands/undeploy.js')).undeployCommand,
  stop: async () => (await import('./commands/stop.js')).stopCommand,
  start: async () => (await import('./commands/start.js')).startCommand,
  restart: async () => (await import('./commands/restart.js')).restartCommand,
  sync: async () => (await import('./commands/sync.js')).syncCommand,
  list: async () => (await import('./commands/list.js')).listCommand,
  ps: async () => (await import('./commands/ps.js')).psCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  logs: async () => (await import('./commands/logs.js')).logsCommand,
  adopt: async () => (await import('./commands/adopt.js')).adoptCommand,
  purge: async () => (await import('./commands/purge.js')).purgeCommand,
  service: async () => (await import('./commands/service.js')).serviceCommand,
  push: async () => (await import('./commands/push.js')).pushCommand,
  pull: async () => (await import('./commands/pull.js')).pullCommand,
  build: async () => (await import('./commands/build.js')).buildCommand,
  node: async () => (await import('./commands/node.js')).nodeCommand,
  route: async () => (await import('./commands/route.js')).routeCommand,
  dns: async () => (await import('./commands/dns.js')).dnsCommand,
  edge: async () => (await import('./commands/edge.js')).edgeCommand,
  agent: async () => (await import('./commands/agent.js')).agentCommand,
  dev: async () => (await import('./commands/dev.js')).devCommand,
  snapshot: async () => (await import('./commands/snapshot.js')).snapshotCommand,
  migrate: async () => (await import('./commands/migrate.js')).migrateCommand,
  login: async () => (await import('./commands/login.js')).loginCommand,
};
const commandNames = Object.keys(commandModules);

/** The commands to register for `argv`: the one its command word names, or every one when it names none. */
async function commandsFor(argv: readonly string[]): Promise<CliCommand[]> {
  const word = commandWord(argv);
  const names = word !== undefined && word in commandModules ? [word] : commandNames;
  return Promise.all(names.map((name) => (commandModules[name] as () => Promise<CliCommand>)()));
}

// The first word that is no option (nor --config's value): what yargs will take as the command.
function commandWord(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--') return undefined;
    if (arg === '--config') index += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

type CommandLine =
  | { kind: 'run'; action: CommandAction; options: GlobalOptions; withoutConfig: boolean }
  | { kind: 'printed'; text: string }
  | { kind: 'usage'; message: string };

/** Runs `mcp <argv>` and returns the exit code: 0 success, 1 operation failed, 2 bad input or usage. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const commandLine = parseCommandLine(argv, io.columns, await commandsFor(argv));
  const json = commandLine.kind === 'run' ? commandLine.options.json : mentionsJson(argv);
  const output = createOutput({ stdout: io.stdout, stderr: io.stderr, json, terminal: io.stderrIsTerminal === true });
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
    for (const warning of config.warnings) output.note(`mcp: warning: ${warning}`);
    const now = io.now ?? (() => new Date());
    const daemonEnv = io.daemonEnv ?? daemonEnvironment();
    const prompt = io.prompt ?? (() => terminalPrompt(process.stdin, process.stderr));
    return await commandLine.action({ config, output, cwd: io.cwd, homedir: io.homedir, direct: commandLine.options.direct, now, daemonEnv, env: io.env, prompt });
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

function parseCommandLine(argv: readonly string[], columns: number | undefined, commands: readonly CliCommand[]): CommandLine {
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
  return `Unknown command: ${unknown}; expected one of: ${commandNames.join(', ')}`;
}

// Usage errors happen before yargs has parsed --json; look for it the plain way (not after `--`).
function mentionsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--json' || arg === '--json=true');
}
