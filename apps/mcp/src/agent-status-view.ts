// The human form of `mcp agent status`: one block per node from its NodeStatus (version, facts, capacity,
// runtimes, capabilities).
import type { NodeStatusResponse, RuntimeInfo } from '@mcp/proto';
import type { NodeEntry } from './config.js';
import { durationSeconds, formatUptime } from './time-format.js';

const GIB = 1024 ** 3;

function gib(bytes: bigint): string {
  return `${(Number(bytes) / GIB).toFixed(1)} GiB`;
}

function runtimeText(runtime: RuntimeInfo): string {
  const kind = [runtime.componentRuntime, runtime.acceleration].filter((part) => part !== '').join(', ');
  const state = runtime.available ? 'available' : `unavailable${runtime.detail === '' ? '' : ` (${runtime.detail})`}`;
  return `${runtime.name}${runtime.version === '' ? '' : ` ${runtime.version}`}${kind === '' ? '' : ` [${kind}]`}: ${state}`;
}

/** `NODE: <name> (<address>)` then aligned `key  value` lines, two spaces in. */
export function agentStatusLines(node: NodeEntry, status: NodeStatusResponse): string[] {
  const facts = status.facts;
  const capacity = status.capacity;
  const rows: [string, string][] = [
    ['role', status.role || '-'],
    ['version', status.agentVersion || '-'],
    ['uptime', formatUptime(durationSeconds(status.uptime))],
    ['listens on', status.address || '-'],
  ];
  if (facts !== undefined) {
    const system = [facts.os, facts.osRelease].filter((part) => part !== '').join(' ');
    rows.push(['host', `${facts.hostname || '-'} (${system || '-'}, kernel ${facts.kernel || '-'}), ${facts.arch || '-'}`]);
    rows.push(['machine', `${facts.cpus} CPUs, ${gib(facts.memoryBytes)} memory, ${gib(facts.diskBytes)} disk`]);
  }
  if (capacity !== undefined) {
    rows.push(['free', `cpu ${capacity.cpuMillicores - capacity.cpuMillicoresUsed}m of ${capacity.cpuMillicores}m, ${gib(capacity.memoryAvailableBytes)} memory, ${gib(capacity.diskAvailableBytes)} disk`]);
    rows.push(['running', `${capacity.containers} containers/VMs, ${capacity.services} services, ${capacity.components} components`]);
  }
  const [first, ...others] = status.runtimes.map(runtimeText);
  rows.push(['runtimes', first ?? 'none reported']);
  for (const runtime of others) rows.push(['', runtime]);
  rows.push(['capabilities', status.capabilities.length === 0 ? 'none reported (an older agent)' : status.capabilities.join(', ')]);
  const width = Math.max(...rows.map(([key]) => key.length));
  return [`NODE: ${node.name} (${node.address})`, ...rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`)];
}
