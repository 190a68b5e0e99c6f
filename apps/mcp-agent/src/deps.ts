// What the agent's behaviour needs from the world, passed in (real ones in main.ts, temporary ones in tests).
import type { Registry } from '@mcp/registry';
import type { Runtime } from '@mcp/runtime';

export type NodeRole = 'master' | 'worker' | 'edge';

/** pino's Logger satisfies this; tests pass pino writing to a buffer. */
export interface AgentLog {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  child(bindings: Record<string, unknown>): AgentLog;
}

export interface AgentClock {
  now(): Date;
}

export interface AgentDeps {
  readonly node: { readonly name: string; readonly role: NodeRole; readonly address: string };
  /** The container runtime (podman). VMs join through a second runtime with their issue. */
  readonly runtime: Runtime;
  readonly registry: Registry;
  readonly clock: AgentClock;
  readonly log: AgentLog;
  /** Service files: `<root>/<service>/`, files up to maxFileBytes. */
  readonly files: { readonly root: string; readonly maxFileBytes: number };
  /** Agent version (semver), reported in NodeStatus. */
  readonly version: string;
  readonly startedAt: Date;
  /** host:port the agent serves on, reported in NodeStatus. */
  readonly listenAddress: string;
}
