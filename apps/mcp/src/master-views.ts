// The fleet views through mcp-master (ps, status, node list): its Status and ListNodes answers as tables, and
// `-n` narrowing them to one node the master knows.
import { create } from '@bufbuild/protobuf';
import {
  DiscrepancyKind,
  ListNodesResponseSchema,
  StatusRequestSchema,
  StatusResponseSchema,
  type ListNodesResponse,
  type NodeInfo,
  type StatusResponse,
} from '@mcp/proto';
import type { CommandContext } from './context.js';
import { CliError, exitCodes, type ExitCode } from './errors.js';
import { connectMaster, type MasterConnection } from './master-client.js';
import { nodesOfMaster } from './master-directory.js';
import { masterDocument } from './master-report.js';
import { responseJson } from './node-documents.js';
import type { Output } from './output.js';
import { durationSeconds, formatTimestamp, formatUptime } from './time-format.js';

/** Refuses a -n naming a node the master does not know, so a typo is not read as an empty fleet. */
async function checkNodeFlag(master: MasterConnection, flag: string | undefined, nodes?: readonly NodeInfo[]): Promise<void> {
  if (flag === undefined) return;
  const known = nodes ?? (await nodesOfMaster(master));
  if (known.some((node) => node.name === flag)) return;
  const names = known.map((node) => node.name).join(', ') || 'none yet';
  throw new CliError('usage', `-n/--node: mcp-master (${master.address}) knows no node "${flag}"; expected one of: ${names}`, exitCodes.badInput);
}

/** The master's Status (one service, or every one), narrowed to the services placed on -n. */
export async function masterStatus(context: CommandContext, service: string, flag: string | undefined): Promise<{ master: MasterConnection; status: StatusResponse }> {
  const master = await connectMaster(context.config);
  await checkNodeFlag(master, flag);
  const status = await master.call('status', (client) => client.status(create(StatusRequestSchema, { serviceName: service })));
  if (flag === undefined) return { master, status };
  return {
    master,
    status: create(StatusResponseSchema, {
      services: status.services.filter((entry) => entry.node === flag),
      discrepancies: status.discrepancies.filter((entry) => entry.node === flag || entry.node === ''),
    }),
  };
}

/**
 * `mcp ps` through the master: what the hosting agents last observed, as rows under `headers` (a node the master
 * could not ask shows as such in the rows and on stderr), or its Status as the JSON document.
 */
export async function printMasterPs(context: CommandContext, service: string, flag: string | undefined, headers: readonly string[]): Promise<ExitCode> {
  const { master, status } = await masterStatus(context, service, flag);
  if (context.output.json) {
    context.output.document(masterDocument(master.address, responseJson(StatusResponseSchema, status)));
  } else {
    context.output.table(headers, masterPsRows(status));
    noteServiceErrors(context.output, status);
  }
  return exitCodes.ok;
}

/** Every node the master knows (or the one -n names). */
export async function masterNodes(context: CommandContext, flag: string | undefined): Promise<{ master: MasterConnection; nodes: ListNodesResponse }> {
  const master = await connectMaster(context.config);
  const nodes = await nodesOfMaster(master);
  await checkNodeFlag(master, flag, nodes);
  return { master, nodes: create(ListNodesResponseSchema, { nodes: flag === undefined ? nodes : nodes.filter((node) => node.name === flag) }) };
}

function sortedByFirstColumns(rows: string[][], columns: number): string[][] {
  const compare = (a: readonly string[], b: readonly string[]) =>
    a.slice(0, columns).reduce((order, cell, index) => order || cell.localeCompare(b[index] ?? ''), 0);
  return rows.sort(compare);
}

/** `mcp ps` rows: what the hosting agents last observed (their registries), per component. */
export function masterPsRows(status: StatusResponse): string[][] {
  const rows = status.services.flatMap((service) =>
    service.components.map((component) => [
      service.name,
      component.name,
      service.node,
      component.observedState || 'unknown',
      component.version === '' ? '-' : component.version,
      formatUptime(durationSeconds(component.uptime)),
    ]),
  );
  return sortedByFirstColumns(rows, 3);
}

/** Services the master could not ask about, on stderr: why their state is unreachable or unknown. */
export function noteServiceErrors(output: Output, status: StatusResponse): void {
  for (const service of status.services) if (service.error !== '') output.note(`service ${service.name} (${service.status}): ${service.error}`);
}

/** `mcp status` through the master: services, their components, edge routes, then what reconciliation found. */
export function printMasterStatus(output: Output, status: StatusResponse): void {
  output.table(
    ['SERVICE', 'NODE', 'TIER', 'ACTIVE', 'STATUS', 'DEPLOYED'],
    status.services.map((service) => [
      service.name,
      service.node,
      service.tier === '' ? '-' : service.tier,
      service.active ? 'yes' : 'no',
      service.status,
      formatTimestamp(service.deployedAt),
    ]),
  );
  const components = status.services.flatMap((service) =>
    service.components.map((component) => [
      service.name,
      component.name,
      service.node,
      component.desiredState,
      component.observedState,
      component.version === '' ? '-' : component.version,
      formatUptime(durationSeconds(component.uptime)),
    ]),
  );
  if (components.length > 0) {
    output.line('');
    output.table(['SERVICE', 'COMPONENT', 'NODE', 'DESIRED', 'OBSERVED', 'VERSION', 'UPTIME'], components);
  }
  const routes = status.services.flatMap((service) =>
    service.edgeRoutes.map((route) => [service.name, route.hostname, route.edgeNode || '-', route.state || '-', route.certExpires || '-']),
  );
  if (routes.length > 0) {
    output.line(['', 'PUBLIC NAMES'].join('\n'));
    output.table(['SERVICE', 'HOSTNAME', 'EDGE', 'STATE', 'CERT-EXPIRES'], routes);
  }
  const found = status.discrepancies.map((entry) => `  ${DiscrepancyKind[entry.kind].toLowerCase().replaceAll('_', ' ')}: ${entry.message}`);
  if (found.length > 0) output.line(['', 'DISCREPANCIES', ...found].join('\n'));
  noteServiceErrors(output, status);
}

/** `mcp node list` through the master: SPEC 5's NAME ADDRESS VERSION, then what only the master knows. */
export function masterNodeRows(nodes: ListNodesResponse): string[][] {
  return nodes.nodes.map((node) => [
    node.name,
    node.address,
    node.agentVersion || '-',
    node.role,
    node.arch || '-',
    node.status,
    String(node.containers),
    String(node.services),
    node.lastHeartbeat || '-',
  ]);
}

export const masterNodeHeaders = ['NAME', 'ADDRESS', 'VERSION', 'ROLE', 'ARCH', 'STATUS', 'CONTAINERS', 'SERVICES', 'HEARTBEAT'] as const;
