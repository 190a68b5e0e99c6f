// The fleet benchmark's handle on its simulated agents: one child process (simulated-fleet-host.ts) hosting them all,
// driven over IPC (grow the fleet, set the heartbeat period, read the heartbeat counters, stop).
import { fork, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** What the host needs: where the master is, the fleet's CA and one agent certificate, and each agent's token. */
export interface SimulatedFleetConfig {
  readonly masterAddress: string;
  readonly caPath: string;
  /** One certificate (SAN 127.0.0.1) every simulated agent presents, signed by the fleet CA. */
  readonly certPath: string;
  readonly keyPath: string;
  /** The fleet's token file: the simulated agents accept the master's token as a real agent does. */
  readonly tokenFile: string;
  /** Every agent the host may start, in order; its index sets its heartbeat phase (index / length of the period). */
  readonly agents: readonly { readonly node: string; readonly token: string }[];
  /** Heartbeat period at start, in ms (0: none until setHeartbeatInterval). */
  readonly heartbeatIntervalMs: number;
}

export interface HeartbeatCounts {
  /** Heartbeats the master answered with acknowledged = true. */
  readonly acknowledged: number;
  /** Heartbeats that failed, by Connect code (`resource_exhausted`, …) or error message. */
  readonly failed: Readonly<Record<string, number>>;
  /** Heartbeats answered with register_again = true. */
  readonly registerAgain: number;
}

export type HostRequest =
  | { readonly kind: 'start'; readonly config: SimulatedFleetConfig }
  | { readonly kind: 'grow'; readonly count: number }
  | { readonly kind: 'heartbeat-interval'; readonly intervalMs: number }
  | { readonly kind: 'counts' }
  | { readonly kind: 'stop' };

export type HostReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

export interface SimulatedFleet {
  readonly pid: number;
  /**
   * Starts agents until `count` run: each serves, registers with the master and sends its first heartbeat (so the
   * master records it healthy) before this resolves.
   */
  grow(count: number): Promise<void>;
  /** Every agent heartbeats every `intervalMs` from now on, spread evenly over the period; 0 stops heartbeats. */
  setHeartbeatInterval(intervalMs: number): Promise<void>;
  counts(): Promise<HeartbeatCounts>;
  /** Stops every agent's server and heartbeats, then the process (killed if it lingers). */
  stop(): Promise<void>;
}

const hostPath = fileURLToPath(new URL('./simulated-fleet-host.ts', import.meta.url));
const STOP_GRACE_MS = 10_000;

/** Forks the host (with this process's loader flags, so tsx runs it) and sends it the fleet's configuration. */
export async function startSimulatedFleet(config: SimulatedFleetConfig, logPath: string): Promise<SimulatedFleet> {
  const log = await open(logPath, 'a');
  const child: ChildProcess = fork(hostPath, [], { stdio: ['ignore', log.fd, log.fd, 'ipc'] });
  await log.close();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (message: HostReply) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (waiter === undefined) return;
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`simulated agents: ${message.error}`));
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the simulated agents' process exited (${signal ?? code}); see ${logPath}`));
    pending.clear();
  });
  const ask = (request: HostRequest): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the simulated agents' process has exited; see ${logPath}`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, ...request });
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await ask({ kind: 'stop' }).catch(() => undefined);
    await exited;
    clearTimeout(timer);
  };
  if (child.pid === undefined) throw new Error('could not start the simulated agents');
  try {
    await ask({ kind: 'start', config });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    pid: child.pid,
    grow: async (count) => void (await ask({ kind: 'grow', count })),
    setHeartbeatInterval: async (intervalMs) => void (await ask({ kind: 'heartbeat-interval', intervalMs })),
    counts: async () => (await ask({ kind: 'counts' })) as HeartbeatCounts,
    stop,
  };
}
