// What this node can run, as NodeStatus, HealthCheck and registration report it: podman, and QEMU with its accelerator.
import type { RuntimeInfo } from '@mcp/proto';
import type { ProbeResult } from '@mcp/runtime';
import { noVmBackend, type AgentDeps } from './deps.js';
import { runtimeInfoToWire } from './wire/node.js';

export interface RuntimeProbes {
  readonly container: ProbeResult;
  /** Undefined: the node has no VM runtime (see deps.vmUnavailableReason). */
  readonly unikernel: ProbeResult | undefined;
}

/** Asks each runtime's probe once, side by side. */
export async function probeRuntimes(deps: Pick<AgentDeps, 'runtime' | 'vmRuntime'>): Promise<RuntimeProbes> {
  const [container, unikernel] = await Promise.all([deps.runtime.probe(), deps.vmRuntime?.probe()]);
  return { container, unikernel };
}

/** One RuntimeInfo per component runtime; the master's VM support (kvm, tcg, none) reads the qemu one. */
export function runtimeInfos(deps: Pick<AgentDeps, 'runtime' | 'vmRuntime' | 'vmUnavailableReason'>, probes: RuntimeProbes): RuntimeInfo[] {
  const vm = probes.unikernel ?? { available: false, reason: noVmBackend(deps) };
  return [
    runtimeInfoToWire(deps.runtime.backend, 'container', probes.container),
    runtimeInfoToWire(deps.vmRuntime?.backend ?? 'qemu', 'unikernel', vm),
  ];
}

/** For registration and heartbeats: probes, then reports. */
export async function currentRuntimeInfos(deps: Pick<AgentDeps, 'runtime' | 'vmRuntime' | 'vmUnavailableReason'>): Promise<RuntimeInfo[]> {
  return runtimeInfos(deps, await probeRuntimes(deps));
}
