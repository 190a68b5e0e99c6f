// Lays out the master's home for a local fleet: its TLS certificate, its own token, config file and data dir.
import { issueCertificate, type CertificateAuthority } from '@mcp/tls';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dnsSectionLines, type DnsLink } from './dns-server.js';
import { writeTokenForClient } from './fleet-tokens.js';

export interface MasterHomeOptions {
  /** Directory that holds everything of the master: `<dir>/master.toml`, `tls/`, `data/`, `master.token`. */
  dir: string;
  /** The node the master runs on (its agent registers with role master). */
  node: string;
  /** Loopback address and port the master serves on. */
  host: string;
  port: number;
  /** Signs the master's certificate; agents are verified against it too. */
  authority: CertificateAuthority;
  /** Token file shared by the fleet (hashes only): validates the operator and the agents. */
  tokenFile: string;
  /** The master's own plain token (identity mcp-master), written to `<dir>/master.token`. */
  masterToken: string;
  /** Nodes whose agents may register (besides `node` and the bootstrap nodes). */
  allowNodes: readonly string[];
  /** Nodes listed in the config, recorded as unknown until they heartbeat. */
  bootstrapNodes?: readonly { name: string; role: 'master' | 'worker' | 'edge'; address: string }[];
  /** Short periods make a test fleet notice a dead agent quickly; defaults are the daemon's. */
  health?: { heartbeatIntervalMs?: number; unhealthyAfterMs?: number; probeTimeoutMs?: number; checkPeriodMs?: number };
  /** Minimum intervals per identity; a test fleet that restarts agents wants these low. */
  rateLimits?: { registerMs?: number; heartbeatMs?: number };
  /** Lets nodes with qemu on TCG take unikernel components (no KVM in CI). */
  allowTcgVms?: boolean;
  allowedPublicDomains?: readonly string[];
  /** `[policy] mount_roots`: where bind mounts may come from (a dev fleet's agents keep /srv under their own dirs). */
  mountRoots?: readonly string[];
  /** The internal zone's DNS server: the master writes the service records there (`[dns]`). */
  dns?: DnsLink;
  /** How often the master repairs lost service records, in ms; default the daemon's (60 s). Tests want it short. */
  dnsRepairIntervalMs?: number;
  /** MCIAS validating tokens the token file does not know (`[auth] mcias_url`, `mcias_ca`). */
  mcias?: { url: string; caPath?: string };
  logLevel?: string;
}

export interface MasterHome {
  readonly dir: string;
  readonly configPath: string;
  readonly dataDir: string;
  readonly tokenPath: string;
  /** The CA clients (the CLI, agents) verify the master against. */
  readonly caPath: string;
  readonly address: string;
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

function tomlList(values: readonly string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}

function section(name: string, entries: readonly [string, string | number | boolean | undefined][]): string[] {
  const lines = entries.filter(([, value]) => value !== undefined).map(([key, value]) => `${key} = ${typeof value === 'string' ? tomlString(value) : String(value)}`);
  return lines.length === 0 ? [] : [`[${name}]`, ...lines, ''];
}

/** Writes the master's certificate, token and config; returns where things are. */
export async function writeMasterHome(options: MasterHomeOptions): Promise<MasterHome> {
  const { dir } = options;
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const cert = await issueCertificate({
    authority: options.authority,
    dir: join(dir, 'tls'),
    name: 'master',
    commonName: 'mcp-master',
    altNames: [...new Set([options.host, 'localhost', '127.0.0.1'])],
    // Also its client certificate (mutual TLS between master and agents).
    usage: 'server-and-client',
  });
  const tokenPath = join(dir, 'master.token');
  await writeTokenForClient(tokenPath, options.masterToken);
  const health = options.health ?? {};
  const rates = options.rateLimits ?? {};
  const lines = [
    '# Written by the dev fleet: the master on loopback.',
    ...section('node', [['name', options.node]]),
    ...section('server', [
      ['listen', `${options.host}:${options.port}`],
      ['tls_cert', cert.chainPath],
      ['tls_key', cert.keyPath],
      ['client_ca', options.authority.certPath],
    ]),
    ...section('auth', [
      ['token_file', options.tokenFile],
      ['mcias_url', options.mcias?.url],
      ['mcias_ca', options.mcias?.caPath],
    ]),
    ...section('agents', [
      ['ca_cert', options.authority.certPath],
      ['token_path', tokenPath],
    ]),
    '[registration]',
    `allow_nodes = ${tomlList(options.allowNodes)}`,
    '',
    ...(options.allowedPublicDomains === undefined ? [] : ['[edge]', `allowed_domains = ${tomlList(options.allowedPublicDomains)}`, '']),
    ...section('placement', [['allow_tcg_vms', options.allowTcgVms]]),
    ...(options.mountRoots === undefined ? [] : ['[policy]', `mount_roots = ${tomlList(options.mountRoots)}`, '']),
    ...section('health', [
      ['heartbeat_interval_ms', health.heartbeatIntervalMs],
      ['unhealthy_after_ms', health.unhealthyAfterMs],
      ['probe_timeout_ms', health.probeTimeoutMs],
      ['check_period_ms', health.checkPeriodMs],
    ]),
    ...section('rate_limits', [
      ['register_ms', rates.registerMs],
      ['heartbeat_ms', rates.heartbeatMs],
    ]),
    ...section('data', [['dir', dataDir]]),
    ...section('log', [['level', options.logLevel ?? 'info']]),
    ...dnsSectionLines(options.dns, options.dnsRepairIntervalMs === undefined ? [] : [`repair_interval_ms = ${options.dnsRepairIntervalMs}`]),
    ...(options.bootstrapNodes ?? []).flatMap((node) => [
      '[[nodes]]',
      `name = ${tomlString(node.name)}`,
      `role = ${tomlString(node.role)}`,
      `address = ${tomlString(node.address)}`,
      '',
    ]),
  ];
  const configPath = join(dir, 'master.toml');
  await writeFile(configPath, lines.join('\n'));
  return { dir, configPath, dataDir, tokenPath, caPath: options.authority.certPath, address: `${options.host}:${options.port}` };
}
