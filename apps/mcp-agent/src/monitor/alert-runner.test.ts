// The alert command as a real process: argv untouched, context in the environment only, never through a shell.
import { useTempDirs } from '@mcp/testing';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createAlertRecorder } from './alert-recorder.fixture.js';
import { createAlertRunner, type Alert } from './alert-runner.js';

const tempDir = useTempDirs('mcp-alert-runner');

const alert: Alert = {
  kind: 'drift',
  node: 'rift',
  service: 'web',
  component: 'api',
  desired: 'running',
  observed: 'exited',
  message: 'web/api on rift is exited, desired running',
};

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function script(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** Gone, or a zombie nobody reaps yet (PID 1 here may not reap): either way it runs no more. */
async function processGone(pid: number): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  return status === undefined || /^State:\s+Z/m.test(status);
}

describe('alert runner', () => {
  it('runs the argv as configured, with the alert in MCP_* variables and the inherited environment', async () => {
    const dir = await tempDir();
    const recorder = await createAlertRecorder(dir);
    const runner = createAlertRunner({
      command: recorder.command('--channel', 'ops'),
      timeoutMs: 10_000,
      environment: { PATH: '/usr/bin:/bin', MCP_MESSAGE: 'inherited, must be replaced' },
    });
    expect(await runner.run(alert)).toEqual({ status: 'sent' });
    expect(await recorder.records()).toEqual([
      {
        args: ['--channel', 'ops'],
        env: {
          MCP_ALERT_KIND: 'drift',
          MCP_NODE: 'rift',
          MCP_SERVICE: 'web',
          MCP_COMPONENT: 'api',
          MCP_DESIRED: 'running',
          MCP_OBSERVED: 'exited',
          MCP_MESSAGE: 'web/api on rift is exited, desired running',
        },
        hasPath: true,
      },
    ]);
  });

  it('passes shell metacharacters in arguments and in the message through untouched, running nothing', async () => {
    const dir = await tempDir();
    const recorder = await createAlertRecorder(dir);
    const marker = (name: string): string => join(dir, name);
    const args = [`$(touch ${marker('a')})`, `; touch ${marker('b')}`, `\`touch ${marker('c')}\``, '*', `"q" 'q' | tee ${marker('d')}`];
    const message = `$(touch ${marker('e')}); touch ${marker('f')} && echo \`touch ${marker('g')}\` > ${marker('h')}`;
    const runner = createAlertRunner({ command: recorder.command(...args), timeoutMs: 10_000, environment: {} });
    expect(await runner.run({ ...alert, message })).toEqual({ status: 'sent' });
    const [record] = await recorder.records();
    expect(record?.args).toEqual(args);
    expect(record?.env['MCP_MESSAGE']).toBe(message);
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) expect(await exists(marker(name))).toBe(false);
  });

  it('reports a command that fails with its exit code and what it said', async () => {
    const dir = await tempDir();
    const notify = await script(dir, 'notify', 'echo "webhook refused the token" >&2\nexit 3');
    const outcome = await createAlertRunner({ command: [notify], timeoutMs: 10_000, environment: {} }).run(alert);
    expect(outcome).toEqual({ status: 'failed', reason: `${notify} failed (exit code 3): webhook refused the token` });
  });

  it('reports a program that cannot be started', async () => {
    const outcome = await createAlertRunner({ command: ['/nonexistent/notify'], timeoutMs: 10_000, environment: {} }).run(alert);
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^cannot start \/nonexistent\/notify: .*ENOENT/) });
  });

  it('kills a command that overruns its timeout, together with what it started', { timeout: 15_000 }, async () => {
    const dir = await tempDir();
    const pidFile = join(dir, 'child.pid');
    const hang = await script(dir, 'hang', `sleep 1000 &\necho $! > ${pidFile}\nwait`);
    const outcome = await createAlertRunner({ command: [hang], timeoutMs: 300, killGraceMs: 200, environment: {} }).run(alert);
    expect(outcome).toEqual({ status: 'failed', reason: `${hang} did not finish within 300 ms and was killed` });
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    const deadline = Date.now() + 10_000;
    while (!(await processGone(child)) && Date.now() < deadline) await delay(20);
    expect(await processGone(child)).toBe(true);
  });

  it('kills a command that ignores SIGTERM once the grace period is over', async () => {
    const dir = await tempDir();
    const stubborn = await script(dir, 'stubborn', "trap '' TERM\nwhile :; do sleep 0.05; done");
    const outcome = await createAlertRunner({ command: [stubborn], timeoutMs: 200, killGraceMs: 200, environment: {} }).run(alert);
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('was killed') });
  });

  it('only logs when no command is configured', async () => {
    expect(await createAlertRunner({ command: [], timeoutMs: 1000, environment: {} }).run(alert)).toEqual({ status: 'not-configured' });
    expect(await createAlertRunner({ command: undefined, timeoutMs: 1000, environment: {} }).run(alert)).toEqual({
      status: 'not-configured',
    });
  });
});
