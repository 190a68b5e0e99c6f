// fleet.json: what `mcp dev up` chose when it laid a fleet out (nodes, roles, ports), read back by later runs.
import { isValidNodeName } from '@mcp/auth';
import { DevFleetError } from './errors.js';

export type NodeRole = 'master' | 'worker' | 'edge';

export interface ManifestNode {
  readonly name: string;
  readonly role: NodeRole;
  /** The agent's gRPC port on `host`. */
  readonly port: number;
  /** Host ports this agent hands to routes (a window of its own: agents share the host). */
  readonly routePorts: { readonly first: number; readonly last: number };
  /** The node's own loopback address (127.0.1.1, …): its agent, its proxy (and the master) serve there; absent: `host`. */
  readonly address?: string;
}

/** The fleet's ACME CA (Pebble, EAB required): its ports and EAB key id (the HMAC key is in ca/acme-eab.key). */
export interface ManifestAcme {
  readonly ports: { readonly acme: number; readonly management: number; readonly dns: number; readonly http01: number };
  readonly kid: string;
}

export interface FleetManifest {
  /** Layout version; a later one is refused rather than misread. */
  readonly format: 1;
  /** Loopback address every daemon serves on. */
  readonly host: string;
  /** The master daemon: the node it runs on and its gRPC port. */
  readonly master: { readonly node: string; readonly port: number };
  readonly nodes: readonly ManifestNode[];
  /** The fleet's DNS server (PowerDNS) ports on `host`; absent in a fleet laid out before it had one. */
  readonly dns?: { readonly dnsPort: number; readonly apiPort: number };
  /** Absent in fleets laid out before the edge (no proxies, no ACME CA). */
  readonly acme?: ManifestAcme;
}

export function formatManifest(manifest: FleetManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const roles: readonly string[] = ['master', 'worker', 'edge'];

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function parseNode(value: unknown, index: number, problems: string[]): ManifestNode | undefined {
  const node = record(value);
  const window = record(node?.['routePorts']);
  const where = `nodes[${index}]`;
  const before = problems.length;
  if (node === undefined) return void problems.push(`${where}: expected an object`);
  const { name, role, port } = node;
  if (typeof name !== 'string' || !isValidNodeName(name)) problems.push(`${where}.name: expected a node name`);
  if (typeof role !== 'string' || !roles.includes(role)) problems.push(`${where}.role: expected master, worker or edge`);
  if (!isPort(port)) problems.push(`${where}.port: expected a port from 1 to 65535`);
  const first = window?.['first'];
  const last = window?.['last'];
  if (!isPort(first) || !isPort(last) || first > last) problems.push(`${where}.routePorts: expected {first, last} ports with first ≤ last`);
  const address = node['address'];
  if (address !== undefined && (typeof address !== 'string' || !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address))) problems.push(`${where}.address: expected a 127.x.y.z address`);
  if (problems.length > before) return undefined;
  return {
    name: name as string,
    role: role as NodeRole,
    port: port as number,
    routePorts: { first: first as number, last: last as number },
    ...(typeof address === 'string' ? { address } : {}),
  };
}

/** Parses fleet.json; every problem is reported at once, naming the file. */
export function parseManifest(text: string, file: string): FleetManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DevFleetError(file, `not JSON (${(error as Error).message}); expected the fleet.json mcp dev up writes`, { cause: error });
  }
  const top = record(value);
  const problems: string[] = [];
  if (top === undefined) throw new DevFleetError(file, 'expected a JSON object');
  if (top['format'] !== 1) problems.push(`format: ${JSON.stringify(top['format'])} is not a layout this mcp knows; expected 1`);
  if (typeof top['host'] !== 'string' || top['host'] === '') problems.push('host: expected a loopback address');
  const master = record(top['master']);
  if (master === undefined || typeof master['node'] !== 'string' || !isPort(master['port'])) {
    problems.push('master: expected {node, port}');
  }
  const list = Array.isArray(top['nodes']) ? top['nodes'] : undefined;
  if (list === undefined || list.length === 0) problems.push('nodes: expected a non-empty list');
  const nodes = (list ?? []).map((node, index) => parseNode(node, index, problems));
  if (master !== undefined && !nodes.some((node) => node?.name === master['node'])) {
    problems.push(`master.node: ${JSON.stringify(master['node'])} is not one of the nodes`);
  }
  const dns = top['dns'] === undefined ? undefined : record(top['dns']);
  if (top['dns'] !== undefined && (dns === undefined || !isPort(dns['dnsPort']) || !isPort(dns['apiPort']))) {
    problems.push('dns: expected {dnsPort, apiPort}');
  }
  const acme = parseAcme(top['acme'], problems);
  if (problems.length > 0) throw new DevFleetError(file, `${problems.join('; ')}`);
  return {
    format: 1,
    host: top['host'] as string,
    master: { node: master?.['node'] as string, port: master?.['port'] as number },
    nodes: nodes.filter((node): node is ManifestNode => node !== undefined),
    ...(dns === undefined ? {} : { dns: { dnsPort: dns['dnsPort'] as number, apiPort: dns['apiPort'] as number } }),
    ...(acme === undefined ? {} : { acme }),
  };
}

function parseAcme(value: unknown, problems: string[]): ManifestAcme | undefined {
  if (value === undefined) return undefined;
  const acme = record(value);
  const ports = record(acme?.['ports']);
  const names = ['acme', 'management', 'dns', 'http01'] as const;
  if (acme === undefined || ports === undefined || !names.every((name) => isPort(ports[name])) || typeof acme['kid'] !== 'string' || acme['kid'] === '') {
    problems.push('acme: expected {ports: {acme, management, dns, http01}, kid}');
    return undefined;
  }
  return {
    ports: { acme: ports['acme'] as number, management: ports['management'] as number, dns: ports['dns'] as number, http01: ports['http01'] as number },
    kid: acme['kid'] as string,
  };
}
