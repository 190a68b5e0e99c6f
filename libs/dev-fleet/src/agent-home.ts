// Lays out one agent's home for a local fleet: its TLS certificate, config file, data and files dirs.
import { issueCertificate, type CertificateAuthority } from '@mcp/tls';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dnsSectionLines, type DnsLink } from './dns-server.js';

export interface AgentHomeOptions {
  /** Directory that holds everything of this agent: `<dir>/agent.toml`, `tls/`, `data/`, `srv/`. */
  dir: string;
  node: string;
  role: 'master' | 'worker' | 'edge';
  /** Loopback address and port the agent serves on. */
  host: string;
  port: number;
  authority: CertificateAuthority;
  /** Token file shared by the fleet (hashes only). */
  tokenFile: string;
  /** podman's API socket to use; absent lets the agent start its own in its data dir. */
  podmanSocket?: string;
  /** Host ports handed to routes; absent means the agent's default (10000–60000). Agents sharing a
   * host (a dev fleet, tests) get windows of their own so they never race for the same port. */
  ports?: { first: number; last: number };
  /** The master this agent registers with (`[master]`); absent: the agent runs without one. */
  master?: AgentMasterLink;
  /** The internal zone's DNS server, which the agent reads (ListDNSRecords); the master writes it. */
  dns?: DnsLink;
  logLevel?: string;
  /** The node's proxy (HAProxy on `host`, stopped with the agent) and the ACME CA its l7 certificates come from. */
  edge?: AgentEdgeOptions;
  /** An edge node's `[edge]`: what it accepts as backends, where it serves public routes, how it resolves. */
  edgeNode?: AgentEdgeNodeOptions;
}

export interface AgentEdgeNodeOptions {
  readonly overlayCidr: string;
  readonly listenerPort: number;
  /** host:port of the DNS server backend names are resolved through. */
  readonly dnsServer: string;
}

export interface AgentEdgeOptions {
  readonly directoryUrl: string;
  readonly eabKid: string;
  readonly eabKeyPath: string;
  /** Roots issued chains lead to (D/ca/acme-root.pem, rewritten at each dev up). */
  readonly caBundlePath: string;
  /** CA of the ACME server's own HTTPS listener. */
  readonly directoryCaPath: string;
  /** Port of the agent's http-01 responder on `host` (Pebble's validator port). */
  readonly http01Port: number;
  readonly zone: string;
  /** CA bundle re-encrypting routes verify their backends against (`[proxy] backend_ca_file`). */
  readonly backendCaPath?: string;
}

/** What an agent needs to register with its master: where it is, its CA, and the agent's own token file. */
export interface AgentMasterLink {
  /** The master's "host:port". */
  address: string;
  /** CA the master's certificate chains to. */
  caPath: string;
  /** File holding this agent's plain token (identity agent-<node>). */
  tokenPath: string;
}

export interface AgentHome {
  readonly dir: string;
  readonly configPath: string;
  readonly dataDir: string;
  readonly filesRoot: string;
  readonly address: string;
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** Writes the agent's certificate and config; returns where things are. */
export async function writeAgentHome(options: AgentHomeOptions): Promise<AgentHome> {
  const { dir, node } = options;
  const dataDir = join(dir, 'data');
  const filesRoot = join(dir, 'srv');
  await Promise.all([mkdir(dataDir, { recursive: true }), mkdir(filesRoot, { recursive: true })]);
  const cert = await issueCertificate({
    authority: options.authority,
    dir: join(dir, 'tls'),
    name: 'agent',
    commonName: `agent-${node}`,
    altNames: [...new Set([options.host, 'localhost', '127.0.0.1'])],
    // Also its client certificate (mutual TLS between master and agents).
    usage: 'server-and-client',
  });
  const lines = [
    '# Written by the dev fleet: one agent on loopback.',
    '[node]',
    `name = ${tomlString(node)}`,
    `role = ${tomlString(options.role)}`,
    `address = ${tomlString(options.host)}`,
    '',
    '[server]',
    `listen = ${tomlString(`${options.host}:${options.port}`)}`,
    `tls_cert = ${tomlString(cert.chainPath)}`,
    `tls_key = ${tomlString(cert.keyPath)}`,
    `client_ca = ${tomlString(options.authority.certPath)}`,
    '',
    '[auth]',
    `token_file = ${tomlString(options.tokenFile)}`,
    '',
    '[data]',
    `dir = ${tomlString(dataDir)}`,
    '',
    '[files]',
    `root = ${tomlString(filesRoot)}`,
    '',
    ...(options.podmanSocket === undefined ? [] : ['[podman]', `socket = ${tomlString(options.podmanSocket)}`, '']),
    ...(options.ports === undefined ? [] : ['[ports]', `first = ${options.ports.first}`, `last = ${options.ports.last}`, '']),
    ...(options.master === undefined
      ? []
      : [
          '[master]',
          `address = ${tomlString(options.master.address)}`,
          `ca_cert = ${tomlString(options.master.caPath)}`,
          `token_path = ${tomlString(options.master.tokenPath)}`,
          '',
        ]),
    ...(options.edge === undefined
      ? []
      : [
          '[proxy]',
          'driver = "haproxy"',
          `address = ${tomlString(options.host)}`,
          'stop_with_agent = true',
          `svc_zone = ${tomlString(options.edge.zone)}`,
          ...(options.edge.backendCaPath === undefined ? [] : [`backend_ca_file = ${tomlString(options.edge.backendCaPath)}`]),
          '',
          '[acme]',
          `directory_url = ${tomlString(options.edge.directoryUrl)}`,
          `eab_kid = ${tomlString(options.edge.eabKid)}`,
          `eab_hmac_key_file = ${tomlString(options.edge.eabKeyPath)}`,
          `ca_bundle = ${tomlString(options.edge.caBundlePath)}`,
          `directory_ca = ${tomlString(options.edge.directoryCaPath)}`,
          `http01_listen = ${tomlString(`${options.host}:${options.edge.http01Port}`)}`,
          '',
        ]),
    ...(options.edgeNode === undefined
      ? []
      : [
          '[edge]',
          `overlay_cidr = ${tomlString(options.edgeNode.overlayCidr)}`,
          `listener_port = ${options.edgeNode.listenerPort}`,
          `dns_server = ${tomlString(options.edgeNode.dnsServer)}`,
          '',
        ]),
    '[log]',
    `level = ${tomlString(options.logLevel ?? 'info')}`,
    '',
    ...dnsSectionLines(options.dns),
  ];
  const configPath = join(dir, 'agent.toml');
  await writeFile(configPath, lines.join('\n'));
  return { dir, configPath, dataDir, filesRoot, address: `${options.host}:${options.port}` };
}
