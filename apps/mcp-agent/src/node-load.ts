// What the node has free right now, for heartbeats: CPU (capacity minus the 1-minute load), memory, disk, containers.
import { statfs } from 'node:fs/promises';
import { availableParallelism, freemem, loadavg } from 'node:os';
import type { AgentDeps } from './deps.js';
import { instanceSources } from './own-instances.js';
import type { NodeLoad } from './registration.js';

/** Free bytes on the filesystem holding `path`. */
export async function freeDiskBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return stats.bavail * stats.bsize;
}

/** CPU available in millicores: every CPU's 1000 minus the 1-minute load average, never below zero. */
export function availableCpuMillicores(cpus: number, loadAverage1m: number): number {
  return Math.max(0, Math.round((cpus - loadAverage1m) * 1000));
}

/** Containers and VMs (every runtime source) count alike. */
export async function measureNodeLoad(deps: Pick<AgentDeps, 'runtime' | 'vmRuntime' | 'node' | 'files'>): Promise<NodeLoad> {
  const [diskBytes, lists] = await Promise.all([
    freeDiskBytes(deps.files.root),
    Promise.all(instanceSources(deps).map((source) => source.runtime.list({ node: deps.node.name }))),
  ]);
  const containers = lists.flat();
  return {
    cpuMillicores: availableCpuMillicores(availableParallelism(), loadavg()[0] ?? 0),
    memoryBytes: freemem(),
    diskBytes,
    containers: containers.filter((container) => container.state === 'running').length,
  };
}
