// A whole local fleet started with the built CLI (`mcp dev up`) in a temp dir, and the CLI pointed at it.
import { createTempDir, type TempDir } from '@mcp/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { binOf, ensureBuilt, repo, run, type Run } from './programs.js';

export interface DevFleetCli {
  readonly dir: TempDir;
  /** `<dir>/fleet`: what `mcp dev up --dir` laid out. */
  readonly fleetDir: string;
  /** The built `mcp` with HOME at the temp dir and MCP_CONFIG at the fleet's CLI config. */
  mcp(...args: string[]): Promise<Run>;
}

/** A CLI for a dev fleet in a new temp dir `<prefix>…`; the fleet itself is started by `upDevFleet`. */
export async function devFleetCli(prefix: string): Promise<DevFleetCli> {
  const dir = await createTempDir(prefix);
  const fleetDir = join(dir.path, 'fleet');
  return {
    dir,
    fleetDir,
    mcp: (...args) =>
      run(process.execPath, [binOf('mcp'), ...args], { env: { ...process.env, HOME: dir.path, MCP_CONFIG: join(fleetDir, 'mcp.toml') }, timeoutMs: 180_000 }),
  };
}

/** Builds the programs and the examples' image (with the quickstart's script), then `mcp dev up`; throws with the output. */
export async function upDevFleet(cli: DevFleetCli): Promise<void> {
  await Promise.all([ensureBuilt('mcp'), ensureBuilt('mcp-master'), ensureBuilt('mcp-agent')]);
  const image = await run('bash', [join(repo, 'scripts/build-example-image.sh')]);
  if (image.exitCode !== 0) throw new Error(`scripts/build-example-image.sh failed:\n${image.stderr}`);
  const up = await cli.mcp('dev', 'up', '--dir', cli.fleetDir);
  if (up.exitCode !== 0) throw new Error(`mcp dev up failed (exit ${up.exitCode}):\n${up.stdout}${up.stderr}`);
}

/** Whether `pid` still runs: a zombie (exited, not yet reaped by init) counts as stopped. */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Field 3 follows the command name in parentheses, which may itself contain spaces.
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}
