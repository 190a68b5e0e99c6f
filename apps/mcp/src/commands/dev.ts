// `mcp dev up [--dir D]` / `mcp dev down [--dir D]`: a whole local fleet (a master and agents for the roles master,
// worker and edge) as background processes on loopback (SPEC 5).
import { join, resolve } from 'node:path';
import type { CliCommand, CommandContext } from '../context.js';
import { CliError, exitCodes } from '../errors.js';
import { devDown } from '../local-fleet/fleet-down.js';
import { devUp } from '../local-fleet/fleet-up.js';

const dirHelp = 'Fleet directory (default: ~/.local/share/mcp/dev-fleet)';

function fleetDir(context: CommandContext, dir: string | undefined): string {
  return dir === undefined ? join(context.homedir, '.local', 'share', 'mcp', 'dev-fleet') : resolve(context.cwd, dir);
}

function seconds(value: number, option: string, max: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new CliError('usage', `--${option} ${value}: expected a number of seconds above 0, at most ${max}`, exitCodes.badInput);
  }
  return value * 1000;
}

function workerCount(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 8) {
    throw new CliError('usage', `--workers ${value}: expected a whole number of workers from 1 to 8`, exitCodes.badInput);
  }
  return value;
}

export const devCommand: CliCommand = {
  name: 'dev',
  register: (parser, select) =>
    parser.command('dev', 'A local fleet on this machine (dev up, dev down)', (command) =>
      command
        .command(
          'up',
          'Start a master and three agents (master, worker, edge) on loopback; write <dir>/mcp.toml to drive them',
          (up) =>
            up
              .option('dir', { type: 'string', requiresArg: true, describe: dirHelp })
              .option('timeout', { type: 'number', default: 120, requiresArg: true, describe: 'Seconds to wait for every agent to register' })
              .option('workers', { type: 'number', requiresArg: true, describe: 'Workers of a new fleet: worker, worker-2, … (default 1)' }),
          (args) =>
            select(
              (context) =>
                devUp(context, {
                  dir: fleetDir(context, args.dir),
                  timeoutMs: seconds(args.timeout, 'timeout', 3600),
                  ...(args.workers === undefined ? {} : { workers: workerCount(args.workers) }),
                }),
              { withoutConfig: true },
            ),
        )
        .command(
          'down',
          'Stop the fleet\'s processes (SIGTERM, then SIGKILL after --grace); its data stays',
          (down) =>
            down
              .option('dir', { type: 'string', requiresArg: true, describe: dirHelp })
              .option('grace', { type: 'number', default: 20, requiresArg: true, describe: 'Seconds each process gets to stop before SIGKILL' }),
          (args) =>
            select((context) => devDown(context, { dir: fleetDir(context, args.dir), graceMs: seconds(args.grace, 'grace', 600) }), {
              withoutConfig: true,
            }),
        )
        .demandCommand(1, 'expected a dev command: up or down'),
    ),
};
