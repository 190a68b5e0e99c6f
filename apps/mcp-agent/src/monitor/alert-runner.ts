// Runs the operator's alert command: an argv list executed without a shell, the alert's context in environment
// variables only, killed (with its process group) when it overruns; it reports an outcome and never throws.
import { spawn } from 'node:child_process';
import type { AlertKind } from './detect.js';

/** Alerts of the node proxy's repair sweep (proxy-sweep.ts): a repair made, or one that keeps failing. */
export type ProxyAlertKind = 'proxy-repaired' | 'proxy-repair-failed' | 'cert-renewal-failed';

/** One alert, as the command receives it. */
export interface Alert {
  readonly kind: AlertKind | ProxyAlertKind;
  readonly node: string;
  readonly service: string;
  readonly component: string;
  readonly desired: string;
  readonly observed: string;
  readonly message: string;
}

export type AlertOutcome =
  | { readonly status: 'sent' }
  /** No alert command is configured: the monitor's log line is the alert. */
  | { readonly status: 'not-configured' }
  | { readonly status: 'failed'; readonly reason: string };

export interface AlertRunner {
  run(alert: Alert): Promise<AlertOutcome>;
}

export interface AlertRunnerOptions {
  /** argv: an absolute program path and its arguments; empty or absent means "log only". */
  readonly command: readonly string[] | undefined;
  readonly timeoutMs: number;
  /** What the command inherits (the agent's environment); the MCP_* context variables replace any of the same name. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** After SIGTERM at the timeout, how long before SIGKILL. Default 2000. */
  readonly killGraceMs?: number;
}

const OUTPUT_KEPT_BYTES = 2048;

/** The context variables of an alert (SPEC §4); NUL cannot travel in an environment variable, so it is dropped. */
export function alertEnvironment(alert: Alert): Record<string, string> {
  const clean = (value: string): string => value.replaceAll('\0', '');
  return {
    MCP_ALERT_KIND: alert.kind,
    MCP_NODE: clean(alert.node),
    MCP_SERVICE: clean(alert.service),
    MCP_COMPONENT: clean(alert.component),
    MCP_DESIRED: clean(alert.desired),
    MCP_OBSERVED: clean(alert.observed),
    MCP_MESSAGE: clean(alert.message),
  };
}

function definedEntries(environment: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) if (value !== undefined) result[key] = value;
  return result;
}

/** Sends a signal to the command's whole process group (it was started as a group leader), ignoring "already gone". */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already: nothing left to stop.
  }
}

function runCommand(argv: readonly string[], alert: Alert, options: AlertRunnerOptions): Promise<AlertOutcome> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.resolve({ status: 'not-configured' });
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, args, {
        shell: false,
        // A group of its own, so a timeout also stops what the command started (a script's children).
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...definedEntries(options.environment), ...alertEnvironment(alert) },
      });
    } catch (error) {
      resolve({ status: 'failed', reason: `cannot start ${program}: ${(error as Error).message}` });
      return;
    }
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid, 'SIGTERM');
      killer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 2000);
    }, options.timeoutMs);
    const finish = (outcome: AlertOutcome): void => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve(outcome);
    };
    child.once('error', (error) => finish({ status: 'failed', reason: `cannot start ${program}: ${error.message}` }));
    // 'exit', not 'close': a grandchild holding the pipes open must not keep the alert pending.
    child.once('exit', (code, signal) => {
      // A command that overran takes what it started with it; one that finished may leave work running on purpose.
      if (timedOut) signalGroup(child.pid, 'SIGKILL');
      const said = output.trim() === '' ? '' : `: ${output.trim()}`;
      if (timedOut) finish({ status: 'failed', reason: `${program} did not finish within ${options.timeoutMs} ms and was killed${said}` });
      else if (code === 0) finish({ status: 'sent' });
      else {
        const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        finish({ status: 'failed', reason: `${program} failed (${how})${said}` });
      }
    });
  });
}

export function createAlertRunner(options: AlertRunnerOptions): AlertRunner {
  const command = options.command ?? [];
  return {
    run: (alert) => (command.length === 0 ? Promise.resolve({ status: 'not-configured' }) : runCommand(command, alert, options)),
  };
}
