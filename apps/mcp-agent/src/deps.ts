// What the agent's behaviour needs from the world, passed in (real ones in main.ts, temporary ones in tests).
import { defaultDeployPolicy, type DeployPolicy } from '@mcp/policy';
import type { DnsDriver } from '@mcp/dns';
import type { ComponentRuntime, Registry } from '@mcp/registry';
import type { Runtime } from '@mcp/runtime';
import type { FlappingPolicy } from './drift.js';
import { FailedPreconditionError } from './errors.js';
import type { BackendResolver } from './backend-resolver.js';
import type { OverlayCidr } from './overlay-cidr.js';
import type { ProxyRouting } from './proxy-routing.js';

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
  /** The container runtime (podman): `runtime = "container"` components. */
  readonly runtime: Runtime;
  /** The VM runtime (QEMU) for `runtime = "unikernel"` components; absent when this node cannot run VMs. */
  readonly vmRuntime?: Runtime;
  /** Why there is no VM runtime (config, or what QEMU's probe said), for errors and NodeStatus. */
  readonly vmUnavailableReason?: string;
  readonly registry: Registry;
  readonly clock: AgentClock;
  readonly log: AgentLog;
  /** Service files: `<root>/<service>/`, files up to maxFileBytes. */
  readonly files: { readonly root: string; readonly maxFileBytes: number };
  /**
   * ExportServiceData/ImportServiceData settings; absent: DEFAULT_SERVICE_DATA_SETTINGS. zstdPath defaults to
   * `zstd` on the PATH.
   */
  readonly serviceData?: { readonly stepTimeoutMs: number; readonly maxEntryBytes: number; readonly zstdPath?: string };
  /** Agent version (semver), reported in NodeStatus. */
  readonly version: string;
  readonly startedAt: Date;
  /** host:port the agent serves on, reported in NodeStatus. */
  readonly listenAddress: string;
  /**
   * When a drifting component counts as flapping: the monitor's policy (`[monitor] flap_window_ms`,
   * `flap_threshold`), so that GetServiceStatus says flapping exactly when the monitor alerts; default: Go MCP's.
   */
  readonly flapping?: FlappingPolicy;
  /** The node's deploy policy (`[policy]`); absent: the safe default rooted at `files.root`. */
  readonly policy?: DeployPolicy;
  /**
   * The internal zone, read only (ListDNSRecords, and what an edge node resolves backends through): the master is
   * the one writer of service records (SPEC §7 v2 path), so the agent never writes through this. Undefined: no [dns].
   */
  readonly dns?: DnsDriver;
  /** The node's proxy and its certificates; absent on a node without a proxy (route steps are skipped). */
  readonly proxy?: ProxyRouting;
  /** What an edge node accepts as a backend of a public route (`[edge]`); absent: SetupEdgeRoute is refused. */
  readonly edge?: EdgeSettings;
}

export interface EdgeSettings {
  /** Backends must resolve to addresses in this block. */
  readonly overlay: OverlayCidr;
  /** The proxy listener public routes are served on. */
  readonly listenerPort: number;
  /** A real DNS query for a backend's internal name. */
  readonly resolve: BackendResolver;
}

/** The deploy policy this agent enforces. */
export function deployPolicyOf(deps: Pick<AgentDeps, 'policy' | 'files'>): DeployPolicy {
  return deps.policy ?? defaultDeployPolicy({ serviceRoot: deps.files.root });
}

/** The error text for a unikernel component on a node without a VM runtime. */
export function noVmBackend(deps: Pick<AgentDeps, 'vmUnavailableReason'>): string {
  const why = deps.vmUnavailableReason ?? 'the QEMU backend is not configured';
  return `this node cannot run VMs (runtime = "unikernel" needs the QEMU backend): ${why}`;
}

/** The runtime that runs components of this kind on this node, if it has one. */
export function findRuntimeFor(deps: Pick<AgentDeps, 'runtime' | 'vmRuntime'>, kind: ComponentRuntime): Runtime | undefined {
  return kind === 'unikernel' ? deps.vmRuntime : deps.runtime;
}

/**
 * The one choice of runtime by a component's `runtime`: podman for containers, QEMU for unikernels. A node without
 * a VM runtime refuses a unikernel component (FailedPrecondition) with the reason it has none.
 */
export function runtimeFor(deps: Pick<AgentDeps, 'runtime' | 'vmRuntime' | 'vmUnavailableReason'>, kind: ComponentRuntime): Runtime {
  const runtime = findRuntimeFor(deps, kind);
  if (runtime === undefined) throw new FailedPreconditionError(noVmBackend(deps));
  return runtime;
}
