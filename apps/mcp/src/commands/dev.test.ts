import { prepareDevFleet, type DevFleetDaemon, type DevFleetLayout } from '@mcp/dev-fleet';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createCliSandbox, type CliSandbox } from '../cli-test-harness.js';

// Stand-ins for the daemons: real processes whose command line names the daemon's config, as the real ones' does.
const started: ChildProcess[] = [];
const sandboxes: CliSandbox[] = [];

async function sandbox(): Promise<CliSandbox> {
  const created = await createCliSandbox();
  sandboxes.push(created);
  return created;
}

afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(sandboxes.splice(0).map((entry) => entry.remove()));
});

/** Starts a process standing for `daemon` and writes its pid file; `ignoreTerm` makes it survive SIGTERM. */
async function standIn(daemon: DevFleetDaemon, ignoreTerm = false): Promise<ChildProcess> {
  const script = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready');`;
  const child = spawn(process.execPath, ['-e', script, daemon.configPath], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  await once(child.stdout, 'data');
  await writeFile(daemon.pidPath, `${child.pid}\n`);
  return child;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** The signal that ended `child`, once this process has seen it exit; 'still running' after a 5 s deadline. */
async function exitSignal(child: ChildProcess): Promise<string> {
  if (exited(child)) return String(child.signalCode);
  const ended = once(child, 'exit').then(([, signal]) => String(signal));
  return Promise.race([ended, delay(5_000).then(() => 'still running')]);
}

async function fleetIn(box: CliSandbox): Promise<DevFleetLayout> {
  return (await prepareDevFleet({ dir: join(box.root, 'fleet') })).layout;
}

describe('mcp dev down', () => {
  it('stops every process of the fleet with SIGTERM and removes their pid files', async () => {
    const box = await sandbox();
    const layout = await fleetIn(box);
    const children = await Promise.all(layout.daemons.map((daemon) => standIn(daemon)));
    const { exitCode, stdout } = await box.run(['dev', 'down', '--dir', layout.dir]);
    const pidFiles = await Promise.all(layout.daemons.map((daemon) => access(daemon.pidPath).then(() => true, () => false)));
    expect([exitCode, await Promise.all(children.map(exitSignal)), pidFiles]).toEqual([0, ['SIGTERM', 'SIGTERM', 'SIGTERM', 'SIGTERM'], [false, false, false, false]]);
    expect(stdout.split('\n').slice(1, 5).map((line) => line.split(/\s+/).at(-1))).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
  });

  it('keeps the fleet\'s data: configs, tokens, certificates and services', async () => {
    const box = await sandbox();
    const layout = await fleetIn(box);
    await Promise.all(layout.daemons.map((daemon) => standIn(daemon)));
    const before = await readdir(layout.dir, { recursive: true });
    await box.run(['dev', 'down', '--dir', layout.dir]);
    const after = await readdir(layout.dir, { recursive: true });
    expect(after.sort()).toEqual(before.filter((entry) => !entry.endsWith('.pid')).sort());
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const box = await sandbox();
    const layout = await fleetIn(box);
    const [stubborn, ...others] = layout.daemons;
    if (stubborn === undefined) throw new Error('no daemons');
    const child = await standIn(stubborn, true);
    const { exitCode, stdout } = await box.run(['dev', 'down', '--dir', layout.dir, '--grace', '0.5']);
    expect([exitCode, await exitSignal(child), stdout.split('\n')[1]?.split(/\s+/).at(-1)]).toEqual([0, 'SIGKILL', 'killed']);
    expect(stdout.split('\n').slice(2, 2 + others.length).map((line) => line.split(/\s+/).slice(-3).join(' '))).toEqual(others.map(() => '- not running'));
  });

  it('leaves alone a process whose pid is in a pid file but which is not the daemon (a reused pid)', async () => {
    const box = await sandbox();
    const layout = await fleetIn(box);
    const [daemon] = layout.daemons;
    if (daemon === undefined) throw new Error('no daemons');
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    started.push(other);
    await once(other, 'spawn');
    await writeFile(daemon.pidPath, `${other.pid}\n`);
    const { stdout } = await box.run(['dev', 'down', '--dir', layout.dir, '--grace', '0.5']);
    expect([exited(other), stdout.split('\n')[1]?.split(/\s+/).slice(-3).join(' ')]).toEqual([false, '- not running']);
  });

  it('exits 2 when the directory holds no fleet', async () => {
    const box = await sandbox();
    const { exitCode, stderr } = await box.run(['dev', 'down', '--dir', 'nowhere']);
    expect([exitCode, stderr]).toEqual([2, `mcp: no dev fleet in ${join(box.root, 'nowhere')} (no fleet.json); expected a directory mcp dev up made\n`]);
  });

  it('does not read the CLI config, so an MCP_CONFIG naming the fleet\'s own mcp.toml does not get in the way', async () => {
    const box = await sandbox();
    const layout = await fleetIn(box);
    const { exitCode } = await box.run(['dev', 'down', '--dir', layout.dir], { MCP_CONFIG: join(box.root, 'missing.toml') });
    expect(exitCode).toBe(0);
  });
});

describe('mcp dev up', () => {
  it('refuses a directory that holds something other than a fleet, and leaves it as it was (exit 2)', async () => {
    const box = await sandbox();
    const dir = join(box.root, 'busy');
    await box.write(join(dir, 'notes.txt'), 'mine');
    const { exitCode, stderr } = await box.run(['dev', 'up', '--dir', dir]);
    expect([exitCode, stderr, await readdir(dir)]).toEqual([
      2,
      `mcp: ${dir}: holds 1 entries but no fleet.json; expected a new or empty directory to lay a fleet out in, or one mcp dev up made\n`,
      ['notes.txt'],
    ]);
  });

  it('refuses a timeout that is not a positive number of seconds (exit 2)', async () => {
    const box = await sandbox();
    const { exitCode, stderr } = await box.run(['dev', 'up', '--dir', 'fleet', '--timeout', '0']);
    expect([exitCode, stderr]).toEqual([2, 'mcp: --timeout 0: expected a number of seconds above 0, at most 3600\n']);
  });
});
