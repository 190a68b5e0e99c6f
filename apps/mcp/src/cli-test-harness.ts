// Test scaffolding for runCli: a temp home and work dir, real files, captured stdout and stderr.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from './cli.js';
import type { CliEnvironment } from './config.js';

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliSandbox {
  /** The temp dir everything lives in; also the working directory of each run. */
  readonly root: string;
  /** The home directory runCli sees (its default config is home/.config/mcp/mcp.toml). */
  readonly home: string;
  /** The default services dir, ~/.config/mcp/services. */
  readonly defaultServicesDir: string;
  /** Writes a file under root (relative) or at an absolute path, creating its directories. */
  write(path: string, text: string): Promise<string>;
  /** Runs `mcp <argv>`; `now` fixes the clock the command sees. */
  run(argv: readonly string[], env?: CliEnvironment, now?: () => Date): Promise<CliRun>;
  remove(): Promise<void>;
}

export async function createCliSandbox(): Promise<CliSandbox> {
  const root = await mkdtemp(join(tmpdir(), 'mcp-cli-'));
  const home = join(root, 'home');
  await mkdir(home);
  return {
    root,
    home,
    defaultServicesDir: join(home, '.config', 'mcp', 'services'),
    async write(path, text) {
      const absolute = path.startsWith('/') ? path : join(root, path);
      await mkdir(dirname(absolute), { recursive: true });
      await writeFile(absolute, text);
      return absolute;
    },
    async run(argv, env = {}, now = undefined) {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const exitCode = await runCli(argv, {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: (text: string) => stderr.push(text) },
        env,
        cwd: root,
        homedir: home,
        now,
      });
      return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** A definition every rule accepts. */
export function validDefinition(name: string): string {
  return `name = "${name}"
comment = 'written with both quote styles'

[[components]]
name = "${name}"
image = "localhost/${name}:1.0"

[[components.routes]]
name = "https"
port = 443
mode = "l7"
`;
}

/** A definition with three problems: active (line 2), a route's port (line 10) and its mode (line 11). */
export function brokenDefinition(name: string): string {
  return `name = "${name}"
active = "yes"

[[components]]
name = "api"
image = "localhost/api:1.0"

[[components.routes]]
name = "grpc"
port = "8443"
mode = "l5"
`;
}
