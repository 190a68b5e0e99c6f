// A whole local fleet in one directory: a CA, a token file, the master's and three agents' homes, the CLI's
// config and fleet.json. Laid out once; later runs read fleet.json back, so tokens, ports and data stay.
import { createCertificateAuthority } from '@mcp/tls';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { writeAgentHome } from './agent-home.js';
import { writeCliConfig } from './cli-config.js';
import { DEV_FLEET_PUBLIC_ZONE, DEV_FLEET_ZONE, dnsLinkOf, dnsServerOf, writeDnsServerKey, type DevFleetDnsServer } from './dns-server.js';
import { DevFleetError } from './errors.js';
import { formatManifest, parseManifest, type FleetManifest, type ManifestNode, type NodeRole } from './fleet-manifest.js';
import { mintFleetTokens, writeTokenForClient } from './fleet-tokens.js';
import { writeMasterHome } from './master-home.js';

/** The nodes of a dev fleet (SPEC 5: a master and three agents with roles master, worker, edge), named after their roles. */
export const DEV_FLEET_NODES: readonly { readonly name: string; readonly role: NodeRole }[] = [
  { name: 'master', role: 'master' },
  { name: 'worker', role: 'worker' },
  { name: 'edge', role: 'edge' },
];

/**
 * The nodes of a fleet with `workers` workers (at least 1): `worker`, then `worker-2` … `worker-<workers>`, so a
 * fleet on one machine has somewhere to migrate a service to.
 */
export function devFleetNodes(workers = 1): readonly { readonly name: string; readonly role: NodeRole }[] {
  const extra = Array.from({ length: Math.max(workers, 1) - 1 }, (_, index) => ({ name: `worker-${index + 2}`, role: 'worker' as const }));
  const at = DEV_FLEET_NODES.findIndex((node) => node.name === 'worker') + 1;
  return [...DEV_FLEET_NODES.slice(0, at), ...extra, ...DEV_FLEET_NODES.slice(at)];
}

/** One background process of the fleet. */
export interface DevFleetDaemon {
  readonly program: 'mcp-master' | 'mcp-agent';
  readonly node: string;
  readonly role: NodeRole;
  /** Its gRPC "host:port". */
  readonly address: string;
  /** Its config file (`--config`); its command line names it, which tells its process apart from others. */
  readonly configPath: string;
  readonly logPath: string;
  readonly pidPath: string;
  /** Directory it runs in. */
  readonly workDir: string;
}

export interface DevFleetLayout {
  readonly dir: string;
  readonly manifest: FleetManifest;
  readonly manifestPath: string;
  /** D/mcp.toml: `MCP_CONFIG=<this> mcp …` drives the fleet. */
  readonly cliConfigPath: string;
  readonly servicesDir: string;
  readonly caPath: string;
  readonly operatorTokenPath: string;
  readonly masterAddress: string;
  /** The master daemon first, then the agents in fleet.json's order. */
  readonly daemons: readonly DevFleetDaemon[];
  /** PowerDNS for the internal zone (svc.mcp.test); undefined in a fleet laid out before it had one. */
  readonly dnsServer: DevFleetDnsServer | undefined;
  /** The fleet's ACME CA (Pebble): absent in fleets laid out before the edge. */
  readonly acme?: DevFleetAcme;
}

export interface DevFleetAcme {
  readonly dir: string;
  readonly directoryUrl: string;
  readonly ports: { readonly acme: number; readonly management: number; readonly dns: number; readonly http01: number };
  readonly kid: string;
  readonly eabKeyPath: string;
  /** D/ca/acme-root.pem: the root issued chains lead to, written at each dev up (Pebble makes a new one per start). */
  readonly rootPath: string;
  /**
   * How Pebble's validator resolves names: through the fleet's PowerDNS (`dnsServer`, host:port), so http-01 goes
   * to the address a name really has; a fleet laid out before it had PowerDNS resolves every name to the worker.
   */
  readonly resolveTo?: string;
  readonly dnsServer?: string;
  /** pid files of pebble (and pebble-challtestsrv when it resolves). */
  readonly pidPath: string;
  readonly zone: string;
}

/** The edge node's public listener: its proxy serves public routes on its own address's port 443. */
export const DEV_FLEET_EDGE_PORT = 443;

export interface PrepareDevFleetOptions {
  /** The fleet directory; created when missing, refused when it holds something that is not a fleet. */
  readonly dir: string;
  /** Loopback address every daemon serves on. Default 127.0.0.1. */
  readonly host?: string;
  /** Picks a free TCP port on `host`; default: one the kernel hands out. */
  readonly pickPort?: (host: string) => Promise<number>;
  readonly logLevel?: string;
  /** Workers of a new fleet (default 1); an existing fleet keeps the ones it was laid out with. */
  readonly workers?: number;
}

const manifestName = 'fleet.json';
/**
 * Route host ports come from 10000–19999, in windows of this many per agent: below 32768, where Linux
 * hands out ephemeral ports to outgoing connections (a port in use by one cannot be published), and
 * apart from the 20000+ windows end-to-end tests give their own agents.
 */
const windowSize = 100;
const windowCount = 100;
const firstRoutePort = 10_000;

/** Where everything of a fleet is, from its directory and fleet.json (pure). */
export function layoutOf(dir: string, manifest: FleetManifest): DevFleetLayout {
  const root = resolve(dir);
  const master = manifest.nodes.find((node) => node.name === manifest.master.node);
  const hostOf = (node: ManifestNode | undefined): string => node?.address ?? manifest.host;
  const address = (port: number, node?: ManifestNode) => `${hostOf(node ?? master)}:${port}`;
  const masterDir = join(root, manifest.master.node);
  const workerNode = manifest.nodes.find((node) => node.role === 'worker');
  const edgeNode = manifest.nodes.find((node) => node.role === 'edge');
  const masterDaemon: DevFleetDaemon = {
    program: 'mcp-master',
    node: manifest.master.node,
    role: master?.role ?? 'master',
    address: address(manifest.master.port),
    configPath: join(masterDir, 'mcp-master', 'master.toml'),
    logPath: join(masterDir, 'master.log'),
    pidPath: join(masterDir, 'master.pid'),
    workDir: join(masterDir, 'mcp-master'),
  };
  const agents = manifest.nodes.map(
    (node): DevFleetDaemon => ({
      program: 'mcp-agent',
      node: node.name,
      role: node.role,
      address: address(node.port, node),
      configPath: join(root, node.name, 'agent.toml'),
      logPath: join(root, node.name, 'agent.log'),
      pidPath: join(root, node.name, 'agent.pid'),
      workDir: join(root, node.name),
    }),
  );
  return {
    dir: root,
    manifest,
    manifestPath: join(root, manifestName),
    cliConfigPath: join(root, 'mcp.toml'),
    servicesDir: join(root, 'services'),
    caPath: join(root, 'ca', 'ca.pem'),
    operatorTokenPath: join(root, 'operator.token'),
    masterAddress: address(manifest.master.port),
    daemons: [masterDaemon, ...agents],
    dnsServer: manifest.dns === undefined ? undefined : dnsServerOf(root, hostOf(master), manifest.dns, { edge: hostOf(edgeNode), worker: hostOf(workerNode) }),
    ...(manifest.acme === undefined
      ? {}
      : {
          acme: {
            dir: join(root, 'pebble'),
            directoryUrl: `https://127.0.0.1:${manifest.acme.ports.acme}/dir`,
            ports: manifest.acme.ports,
            kid: manifest.acme.kid,
            eabKeyPath: join(root, 'ca', 'acme-eab.key'),
            rootPath: join(root, 'ca', 'acme-root.pem'),
            ...(manifest.dns === undefined ? { resolveTo: hostOf(workerNode ?? master) } : { dnsServer: `${hostOf(master)}:${manifest.dns.dnsPort}` }),
            pidPath: join(root, 'pebble', 'pebble.pids'),
            zone: DEV_FLEET_ZONE,
          },
        }),
  };
}

/** Loopback addresses some process listens on (TCP, from /proc/net/tcp), to keep a new fleet off them. */
async function listeningLoopbackAddresses(): Promise<Set<string>> {
  const text = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
  const addresses = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== '0A') continue;
    const hex = local.split(':')[0] ?? '';
    const bytes = [6, 4, 2, 0].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
    addresses.add(bytes.join('.'));
  }
  return addresses;
}

/** The first 127.0.N.0/24 (N ≥ 1) where nothing listens: another fleet (or a test's) keeps its block. */
export async function freeLoopbackBlock(): Promise<string> {
  const taken = await listeningLoopbackAddresses();
  for (let third = 1; third < 255; third += 1) {
    const block = `127.0.${third}`;
    if (![...taken].some((address) => address.startsWith(`${block}.`))) return block;
  }
  throw new Error('every 127.0.N.0/24 block has a listener: no loopback block is free for a new fleet');
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** The fleet laid out in `dir`, or undefined when there is none (no fleet.json). */
export async function readDevFleet(dir: string): Promise<DevFleetLayout | undefined> {
  const file = join(resolve(dir), manifestName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new DevFleetError(file, `cannot be read (${(error as Error).message})`, { cause: error });
  }
  return layoutOf(dir, parseManifest(text, file));
}

function kernelPort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error(`no port assigned on ${host}`))));
    });
  });
}

async function distinctPorts(count: number, host: string, pick: (host: string) => Promise<number>): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count; attempt += 1) {
    if (attempt > count * 20) throw new Error(`could not find ${count} distinct free ports on ${host}`);
    ports.add(await pick(host));
  }
  return [...ports];
}

/** Distinct windows of route ports, chosen at random so that two fleets on one host rarely share one. */
function routeWindows(count: number): { first: number; last: number }[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(Math.random() * windowCount));
  return [...chosen].map((index) => ({ first: firstRoutePort + index * windowSize, last: firstRoutePort + (index + 1) * windowSize - 1 }));
}

async function createFleet(dir: string, options: PrepareDevFleetOptions): Promise<DevFleetLayout> {
  // Without a given host every node gets its own loopback address in a free block (127.0.1.1, 127.0.1.2, …).
  const block = options.host === undefined ? await freeLoopbackBlock() : undefined;
  const host = options.host ?? `${block}.1`;
  const pick = options.pickPort ?? kernelPort;
  const fleetNodes = devFleetNodes(options.workers);
  const nodeHost = (index: number): string => (block === undefined ? host : `${block}.${index + 1}`);
  const agentPorts: number[] = [];
  for (let index = 0; index < fleetNodes.length; index += 1) agentPorts.push((await distinctPorts(1, nodeHost(index), pick))[0] ?? 0);
  const windows = routeWindows(fleetNodes.length);
  const nodes = fleetNodes.map(
    (node, index): ManifestNode => ({
      ...node,
      port: agentPorts[index] ?? 0,
      routePorts: windows[index] ?? { first: 0, last: 0 },
      ...(block === undefined ? {} : { address: nodeHost(index) }),
    }),
  );
  const masterNode = fleetNodes.find((node) => node.role === 'master')?.name ?? 'master';
  const masterHost = nodes.find((node) => node.name === masterNode)?.address ?? host;
  const masterAgentPort = agentPorts[fleetNodes.findIndex((node) => node.name === masterNode)];
  // The master and PowerDNS (DNS and API ports) live on the master node's address.
  const [masterPort = 0, dnsPort = 0, apiPort = 0] = (await distinctPorts(4, masterHost, pick)).filter((port) => port !== masterAgentPort);
  const [acmePort = 0, managementPort = 0, acmeDnsPort = 0, http01Port = 0] = await distinctPorts(4, '127.0.0.1', pick);
  const acme = { ports: { acme: acmePort, management: managementPort, dns: acmeDnsPort, http01: http01Port }, kid: `mcp-dev-${randomBytes(4).toString('hex')}` };
  const manifest: FleetManifest = { format: 1, host, master: { node: masterNode, port: masterPort }, nodes, acme, dns: { dnsPort, apiPort } };
  const layout = layoutOf(dir, manifest);
  const edge = layout.acme;
  if (edge !== undefined) {
    await mkdir(join(layout.dir, 'ca'), { recursive: true });
    await writeFile(edge.eabKeyPath, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  }
  const dnsServer = layout.dnsServer ?? dnsServerOf(layout.dir, masterHost, { dnsPort, apiPort });
  await writeDnsServerKey(dnsServer);
  const dns = dnsLinkOf(dnsServer);

  const authority = await createCertificateAuthority({ dir: join(layout.dir, 'ca'), commonName: 'mcp dev fleet CA' });
  const tokenFile = join(layout.dir, 'tokens.toml');
  const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes: nodes.map((node) => node.name) });
  await writeMasterHome({
    dir: join(layout.dir, masterNode, 'mcp-master'),
    node: masterNode,
    host: masterHost,
    port: masterPort,
    authority,
    tokenFile,
    masterToken: tokens.master,
    allowNodes: nodes.filter((node) => node.name !== masterNode).map((node) => node.name),
    dns,
    // Nodes here have no usable KVM (SPEC §5: the dev fleet runs VMs under TCG).
    allowTcgVms: true,
    // Public routes may use names under example.test, which the fleet's PowerDNS points at the edge node.
    allowedPublicDomains: [DEV_FLEET_PUBLIC_ZONE],
    // Each agent's files root is <D>/<node>/srv: the fleet's policy admits bind mounts there as well as under /srv.
    mountRoots: ['/srv/<service>', ...nodes.map((node) => join(layout.dir, node.name, 'srv', '<service>'))],
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
  for (const node of nodes) {
    const tokenPath = join(layout.dir, node.name, 'agent.token');
    await writeAgentHome({
      dir: join(layout.dir, node.name),
      node: node.name,
      role: node.role,
      host: node.address ?? host,
      port: node.port,
      ...(edge === undefined
        ? {}
        : {
            edge: {
              directoryUrl: edge.directoryUrl,
              eabKid: edge.kid,
              eabKeyPath: edge.eabKeyPath,
              caBundlePath: edge.rootPath,
              directoryCaPath: join(edge.dir, 'listener-ca', 'ca.pem'),
              http01Port: edge.ports.http01,
              zone: edge.zone,
              // The edge re-encrypts to the workers' proxies, whose certificates come from this CA.
              backendCaPath: edge.rootPath,
            },
          }),
      ...(node.role !== 'edge' || layout.dnsServer === undefined
        ? {}
        : {
            edgeNode: {
              // Every node of a dev fleet is on loopback: that is its overlay.
              overlayCidr: '127.0.0.0/8',
              listenerPort: DEV_FLEET_EDGE_PORT,
              dnsServer: `${layout.dnsServer.address}:${layout.dnsServer.dnsPort}`,
            },
          }),
      authority,
      tokenFile,
      ports: node.routePorts,
      master: { address: layout.masterAddress, caPath: authority.certPath, tokenPath },
      dns,
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    });
    await writeTokenForClient(tokenPath, tokens.agents[node.name] ?? '');
  }
  await writeTokenForClient(layout.operatorTokenPath, tokens.operator);
  await mkdir(layout.servicesDir, { recursive: true });
  await writeCliConfig({
    path: layout.cliConfigPath,
    fleetDir: layout.dir,
    servicesDir: layout.servicesDir,
    masterAddress: layout.masterAddress,
    tokenPath: layout.operatorTokenPath,
    caPath: authority.certPath,
    nodes: layout.daemons.filter((daemon) => daemon.program === 'mcp-agent').map((daemon) => ({ name: daemon.node, address: daemon.address })),
  });
  // Written last: a directory holding fleet.json is a complete fleet.
  await writeFile(layout.manifestPath, formatManifest(manifest));
  return layout;
}

/**
 * The fleet in `options.dir`: read back when fleet.json is there, else laid out afresh in a new or empty
 * directory (`created: true`). Anything else in the directory is refused, so no one's files are overwritten;
 * a layout that fails half-way is removed again.
 */
export async function prepareDevFleet(options: PrepareDevFleetOptions): Promise<{ layout: DevFleetLayout; created: boolean }> {
  const dir = resolve(options.dir);
  const existing = await readDevFleet(dir);
  if (existing !== undefined) return { layout: existing, created: false };
  const entries = await readdir(dir).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw new DevFleetError(dir, `cannot be read (${(error as Error).message}); expected a directory for the fleet`, { cause: error });
  });
  if (entries.length > 0) {
    throw new DevFleetError(dir, `holds ${entries.length} entries but no ${manifestName}; expected a new or empty directory to lay a fleet out in, or one mcp dev up made`);
  }
  await mkdir(dir, { recursive: true });
  try {
    return { layout: await createFleet(dir, options), created: true };
  } catch (error) {
    for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true });
    throw error;
  }
}
