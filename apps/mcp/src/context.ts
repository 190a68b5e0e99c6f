// What a command gets to work with, and the shape every command module has.
import type { Argv } from 'yargs';
import type { CliConfig, CliEnvironment } from './config.js';
import type { ExitCode } from './errors.js';
import type { Output, TextSink } from './output.js';
import type { Prompt } from './prompt.js';

/** Everything runCli takes from the world, so tests can drive it with temp dirs and string sinks. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: CliEnvironment;
  /** Relative paths on the command line resolve against this directory. */
  readonly cwd: string;
  /** `~` in paths and the default config location resolve against this directory. */
  readonly homedir: string;
  /** stderr is a terminal: long operations redraw a progress line there (bytes, rate). */
  readonly stderrIsTerminal?: boolean | undefined;
  /** Terminal width for help text; undefined when stdout is not a terminal. */
  readonly columns?: number | undefined;
  /** The clock (`logs --since 10m` counts back from it); the system clock when absent. */
  readonly now?: (() => Date) | undefined;
  /** Environment of the daemons `mcp dev up` starts; default: this process's, without MCP_* variables. */
  readonly daemonEnv?: Readonly<Record<string, string | undefined>> | undefined;
  /** Questions to the person (`mcp login`); default: the terminal on stdin/stderr. */
  readonly prompt?: (() => Prompt) | undefined;
}

export interface CommandContext {
  readonly config: CliConfig;
  readonly output: Output;
  readonly cwd: string;
  /** `~` of default paths (`mcp dev up`'s default directory). */
  readonly homedir: string;
  /** --direct: talk to the agents of `[[nodes]]` instead of the master. */
  readonly direct: boolean;
  readonly now: () => Date;
  /** Environment of the daemons `mcp dev up` starts. */
  readonly daemonEnv: Readonly<Record<string, string | undefined>>;
  /** The CLI's own environment variables (MCP_CONFIG, VISUAL, EDITOR). */
  readonly env: CliEnvironment;
  /** Opens a prompt (`mcp login`); close it when done. */
  readonly prompt: () => Prompt;
}

/** A command's work, run after parsing succeeded; an expected outcome such as "invalid" is an exit code. */
export type CommandAction = (context: CommandContext) => Promise<ExitCode>;

/**
 * One CLI command (one module under commands/). `register` adds it to the parser; its yargs
 * handler passes the action to `select` instead of running it, so that --help, --version and
 * usage errors never run a command and a command's own errors are never mistaken for usage errors.
 */
export interface CliCommand {
  /** The word that selects the command (`mcp <name>`). */
  readonly name: string;
  register(parser: Argv<GlobalOptions>, select: (action: CommandAction, options?: SelectOptions) => void): Argv<GlobalOptions>;
}

export interface SelectOptions {
  /**
   * The command does not read the CLI config (`mcp dev up` writes one): it gets the defaults, so that an
   * MCP_CONFIG naming the file it is about to write does not stop it.
   */
  readonly withoutConfig?: boolean;
}

/** Options every command accepts. */
export interface GlobalOptions {
  json: boolean;
  config: string | undefined;
  direct: boolean;
}
