// The fleet benchmark's real parts: the fleet's CA and token file, the built mcp-master and mcp-agent as processes on
// loopback, the operator's `mcp` CLI config, and calls to the master as the operator.
import { createClient, type Client } from '@connectrpc/connect';
import { mintFleetTokens, writeAgentHome, writeCliConfig, writeMasterHome, writeTokenForClient, type FleetTokens } from '@mcp/dev-fleet';
import { create } from '@bufbuild/protobuf';
import { McpMasterService, ServiceSpecSchema, type ServiceSpec } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { ensureAppBuilt, freeLoopbackPort, startDaemonProcess, type DaemonProcess } from '@mcp/testing';
import { clientTlsOptions, createCertificateAuthority, issueCertificate, type CertificateAuthority } from '@mcp/tls';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export type MasterClient = Client<typeof McpMasterService>;

export interface FleetCredentials {
  readonly authority: CertificateAuthority;
  readonly tokenFile: string;
  readonly tokens: FleetTokens;
}

/** A CA and one token file holding the operator, the master and every node given (real and simulated agents). */
export async function createFleetCredentials(dir: string, nodes: readonly string[]): Promise<FleetCredentials> {
  const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'mcp fleet bench CA' });
  const tokenFile = join(dir, 'tokens.toml');
  const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes });
  return { authority, tokenFile, tokens };
}

/** One certificate every simulated agent presents (they all serve on 127.0.0.1). */
export function issueSimulatedAgentCertificate(credentials: FleetCredentials, dir: string): Promise<{ chainPath: string; keyPath: string }> {
  return issueCertificate({ authority: credentials.authority, dir, name: 'simulated-agent', commonName: 'agent-simulated', altNames: ['127.0.0.1', 'localhost'] });
}

export interface BenchMaster {
  readonly address: string;
  readonly process: DaemonProcess;
  /** A client of the master as the operator, over gRPC and TLS 1.3, keeping its HTTP/2 connection. */
  readonly client: MasterClient;
}

export interface BenchMasterOptions {
  readonly dir: string;
  readonly node: string;
  readonly credentials: FleetCredentials;
  readonly allowNodes: readonly string[];
  /** registration.max_nodes (default 16), set through MCP_MASTER_REGISTRATION_MAX_NODES as an operator could. */
  readonly maxNodes?: number;
  readonly rateLimits?: { registerMs?: number; heartbeatMs?: number };
}

/** Writes the master's home (log level info, the default) and starts the built mcp-master; resolves at "master ready". */
export async function startBenchMaster(options: BenchMasterOptions): Promise<BenchMaster> {
  const bin = await ensureAppBuilt('mcp-master');
  const { credentials } = options;
  const home = await writeMasterHome({
    dir: options.dir,
    node: options.node,
    host: '127.0.0.1',
    port: await freeLoopbackPort(),
    authority: credentials.authority,
    tokenFile: credentials.tokenFile,
    masterToken: credentials.tokens.master,
    allowNodes: options.allowNodes,
    ...(options.rateLimits === undefined ? {} : { rateLimits: options.rateLimits }),
  });
  const env = { ...process.env, ...(options.maxNodes === undefined ? {} : { MCP_MASTER_REGISTRATION_MAX_NODES: String(options.maxNodes) }) };
  const daemon = await startDaemonProcess({
    args: [bin, '--config', home.configPath],
    logPath: join(options.dir, 'master.log'),
    readyMessage: 'master ready',
    env,
  });
  const tls = await clientTlsOptions({ caPath: credentials.authority.certPath });
  const client = createClient(
    McpMasterService,
    createGrpcClientTransport({ address: home.address, tls, token: () => credentials.tokens.operator }),
  );
  return { address: home.address, process: daemon, client };
}

export interface BenchAgentOptions {
  readonly dir: string;
  readonly node: string;
  readonly credentials: FleetCredentials;
  readonly masterAddress: string;
  /** The podman API socket all agents share (one podman service for the fleet, as e2e does). */
  readonly podmanSocket: string;
  readonly ports: { first: number; last: number };
}

/** Starts the built mcp-agent as a worker that registers with the master; resolves at "agent ready". */
export async function startBenchAgent(options: BenchAgentOptions): Promise<DaemonProcess> {
  const bin = await ensureAppBuilt('mcp-agent');
  const token = options.credentials.tokens.agents[options.node];
  if (token === undefined) throw new Error(`node ${options.node} has no token in the fleet's token file`);
  const tokenPath = join(options.dir, 'master.token');
  await mkdir(options.dir, { recursive: true });
  await writeTokenForClient(tokenPath, token);
  const home = await writeAgentHome({
    dir: options.dir,
    node: options.node,
    role: 'worker',
    host: '127.0.0.1',
    port: await freeLoopbackPort(),
    authority: options.credentials.authority,
    tokenFile: options.credentials.tokenFile,
    podmanSocket: options.podmanSocket,
    ports: options.ports,
    master: { address: options.masterAddress, caPath: options.credentials.authority.certPath, tokenPath },
  });
  return startDaemonProcess({ args: [bin, '--config', home.configPath], logPath: join(options.dir, 'agent.log'), readyMessage: 'agent ready' });
}

/** Polls ListNodes until every node given is listed healthy (registered and heartbeated). */
export async function waitForHealthy(client: MasterClient, nodes: readonly string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = (await client.listNodes({})).nodes;
    const healthy = new Set(listed.filter((node) => node.status === 'healthy').map((node) => node.name));
    const missing = nodes.filter((node) => !healthy.has(node));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`nodes not healthy after ${timeoutMs} ms: ${missing.join(', ')}`);
    await delay(250);
  }
}

export interface OperatorCli {
  /** Where `mcp deploy <name>` finds `<name>.toml`. */
  readonly servicesDir: string;
  /** Runs `mcp <args>` as the operator would (MCP_CONFIG set); a non-zero exit is an error with its stderr. */
  run(args: readonly string[]): Promise<string>;
}

/** Writes the operator's CLI config (master, token, CA; no [[nodes]]: everything goes through the master). */
export async function operatorCli(dir: string, masterAddress: string, credentials: FleetCredentials): Promise<OperatorCli> {
  const bin = await ensureAppBuilt('mcp');
  const servicesDir = join(dir, 'services');
  await mkdir(servicesDir, { recursive: true });
  const tokenPath = join(dir, 'operator.token');
  await writeTokenForClient(tokenPath, credentials.tokens.operator);
  const configPath = join(dir, 'mcp.toml');
  await writeCliConfig({ path: configPath, fleetDir: dir, servicesDir, masterAddress, tokenPath, caPath: credentials.authority.certPath, nodes: [] });
  const env = { ...process.env, MCP_CONFIG: configPath };
  return {
    servicesDir,
    run: (args) =>
      new Promise((resolve, reject) => {
        execFile(process.execPath, [bin, ...args], { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
          error === null ? resolve(stdout) : reject(new Error(`mcp ${args.join(' ')} failed: ${stderr.trim()}`, { cause: error })),
        );
      }),
  };
}

const HTTP_COMMAND = ['sh', '-c', 'exec httpd -f -p $PORT -h /www'];

/**
 * An operator's smallest HTTP service (like examples/services/hello.toml) on the wire: busybox httpd on its one l4
 * route's host port; on `node` when given (SPEC §6: `node` set → that node), else anywhere in the worker tier.
 */
export function httpServiceSpec(name: string, image: string, node?: string): ServiceSpec {
  return create(ServiceSpecSchema, {
    name,
    active: true,
    ...(node === undefined ? { tier: 'worker' } : { node }),
    components: [{ name: 'web', image, runtime: 'container', cmd: HTTP_COMMAND, routes: [{ name: 'http', port: 8443, mode: 'l4' }] }],
  });
}

/** The same service as a TOML file in the services dir, for `mcp deploy <name>`. */
export async function writeHttpServiceToml(servicesDir: string, name: string, image: string): Promise<void> {
  const toml = [
    `name = ${JSON.stringify(name)}`,
    'tier = "worker"',
    '',
    '[[components]]',
    'name = "web"',
    `image = ${JSON.stringify(image)}`,
    `cmd = ${JSON.stringify(HTTP_COMMAND)}`,
    '',
    '[[components.routes]]',
    'port = 8443',
    'mode = "l4"',
    '',
  ].join('\n');
  await writeFile(join(servicesDir, `${name}.toml`), toml);
}
