// The master's configuration: TOML file + MCP_MASTER_* variables → validated, frozen, typed.
// The only module of the master that reads process.env.
import { homedir } from 'node:os';
import {
  ConfigError,
  boolean,
  configProblem,
  integer,
  loadConfigFile,
  parseListenAddress,
  path,
  string,
  optionalString,
  stringList,
  tables,
  withEnvPrefix,
  type ConfigOf,
  type ConfigProblem,
  type ListenAddress,
} from '@mcp/config';
import { isValidNodeName, NODE_NAME_PATTERN } from '@mcp/auth';
import { deployPolicyFromConfig, policyConfigSchema, type DeployPolicy } from '@mcp/policy';
import { checkDnsConfig, dnsConfigFields, type DnsConfig } from '@mcp/dns';
import type { NodeRole } from './deps.js';

const domainName = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const roles = ['master', 'worker', 'edge'] as const;
const hour = 3_600_000;
const day = 24 * hour;

/** Every key the master reads; `describeSchema(masterConfigSchema)` renders the README's table. */
export const masterConfigSchema = withEnvPrefix(
  {
    node: {
      name: string({ doc: 'name of the node the master runs on (its agent registers with role master)', pattern: NODE_NAME_PATTERN, patternText: 'a node name' }),
    },
    server: {
      listen: string({ doc: 'host:port to serve gRPC on (the overlay address)', nonEmpty: true }),
      allow_wildcard: boolean({ doc: 'allow listening on 0.0.0.0 / ::', default: false }),
      tls_cert: path({ doc: 'certificate chain presented to clients (PEM, leaf first)' }),
      tls_key: path({ doc: 'private key of tls_cert (PEM); tls_cert and this key are also the client certificate this daemon presents to its peers' }),
      client_ca: path({ doc: 'CA that client certificates must chain to; when set, system accounts (mcp-master, agent-<node>) are accepted only with their own client certificate (mutual TLS)', optional: true }),
    },
    audit: {
      file: path({ doc: 'the audit trail, its own file at every log level (owner-only); default <data.dir>/audit.log', optional: true }),
    },
    auth: {
      token_file: path({ doc: 'local token file validating callers (operators, agents): SHA-256 hashes → identity, account, roles' }),
      mcias_url: optionalString({ doc: 'https URL of MCIAS; when set, tokens the token file does not know are validated there (answers cached 30 s)' }),
      mcias_ca: path({ doc: "CA MCIAS's certificate chains to (default: the system's roots)", optional: true }),
      mcias_service_name: string({ doc: 'the service name presented to MCIAS', default: 'mcp', nonEmpty: true }),
    },
    agents: {
      ca_cert: path({ doc: "CA that every agent's certificate must chain to" }),
      token_path: path({ doc: "file holding the master's own token (identity mcp-master) for calling agents" }),
      call_timeout_ms: integer({ doc: 'default deadline of a call to an agent, and of each agent in fan-outs (ListNodes, Status), in ms', default: 10_000, min: 100, max: day }),
      operation_timeout_ms: integer({ doc: "deadline of an agent's Deploy or UndeployService (image pulls take time; the service's lock is held meanwhile), in ms", default: 15 * 60_000, min: 1000, max: day }),
    },
    registration: {
      allow_nodes: stringList({ doc: 'node names whose agent-<name> identity may Register; node.name and the [[nodes]] are allowed too', default: [] }),
      max_nodes: integer({ doc: 'most nodes the master keeps; a new node beyond it is refused', default: 16, min: 1, max: 1024 }),
    },
    edge: {
      allowed_domains: stringList({ doc: 'public hostnames must be under one of these domains (whole labels); empty: public routes are not set up (deploy says so)', default: [] }),
    },
    dns: {
      ...dnsConfigFields(),
      ttl_seconds: integer({ doc: 'TTL of the service records the master writes, in seconds', default: 60, min: 1, max: day / 1000 }),
      repair_interval_ms: integer({ doc: "how often the master compares each placed service's record with the zone and repairs it, in ms", default: 60_000, min: 100, max: day }),
    },
    placement: {
      allow_tcg_vms: boolean({ doc: 'let nodes whose qemu has no KVM (TCG, slow) take unikernel components, after every KVM node (`mcp dev up` sets it)', default: false }),
    },
    health: {
      heartbeat_interval_ms: integer({ doc: 'heartbeat period the master asks agents for (RegisterResponse), in ms', default: 30_000, min: 100, max: day }),
      unhealthy_after_ms: integer({ doc: 'silence after which a node is probed with HealthCheck (unhealthy if that fails), in ms', default: 90_000, min: 100, max: day }),
      probe_timeout_ms: integer({ doc: 'deadline of that HealthCheck probe, in ms', default: 5_000, min: 100, max: day }),
      check_period_ms: integer({ doc: 'how often the health monitor looks for silent nodes, in ms', default: 10_000, min: 100, max: day }),
    },
    rate_limits: {
      register_ms: integer({ doc: 'minimum interval between two Register calls of one identity, in ms', default: 60_000, min: 0, max: hour }),
      heartbeat_ms: integer({ doc: 'minimum interval between two Heartbeat calls of one identity, in ms (at most health.heartbeat_interval_ms)', default: 10_000, min: 0, max: hour }),
    },
    snapshots: {
      interval_hours: integer({ doc: 'a snapshot of every placed service is taken this often, in hours; 0 turns the schedule off', default: 24, min: 0, max: 24 * 365 }),
      retention: integer({ doc: 'snapshots kept per service (in <data.dir>/snapshots/<service>/); older ones are removed', default: 7, min: 1, max: 10_000 }),
    },
    data: {
      dir: path({ doc: 'state: master.db (nodes, placements, edge routes, snapshot catalogue)', default: '/var/lib/mcp-master' }),
    },
    log: {
      level: string({ doc: 'pino log level', default: 'info', oneOf: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const }),
    },
    nodes: tables('bootstrap nodes, recorded with status unknown until their agent heartbeats', {
      name: string({ doc: 'node name', pattern: NODE_NAME_PATTERN, patternText: 'a node name' }),
      role: string({ doc: 'master, worker or edge', oneOf: roles }),
      address: string({ doc: "host:port of the node's agent", nonEmpty: true }),
    }),
    policy: policyConfigSchema('`/srv/<service>` (the agents\' default `files.root`)'),
  },
  'MCP_MASTER',
);

type Raw = ConfigOf<typeof masterConfigSchema>;

export interface BootstrapNode {
  readonly name: string;
  readonly role: NodeRole;
  readonly address: string;
}

export interface MasterConfig {
  /** The file the values came from. */
  readonly file: string;
  /** Unknown keys of the file, ignored: `<file>: <key>: unknown key, ignored (…)`; main.ts logs each as a warning. */
  readonly warnings: readonly string[];
  readonly node: { readonly name: string };
  readonly listen: ListenAddress;
  readonly tls: { readonly certPath: string; readonly keyPath: string; readonly clientCaPath: string | undefined };
  readonly auditFile: string;
  readonly tokenFile: string;
  /** MCIAS, when `[auth] mcias_url` is set. */
  readonly mcias: { readonly serverUrl: string; readonly caPath: string | undefined; readonly serviceName: string } | undefined;
  readonly agents: { readonly caPath: string; readonly tokenPath: string; readonly callTimeoutMs: number; readonly operationTimeoutMs: number };
  readonly registration: {
    /** Node names that may register: registration.allow_nodes, every bootstrap node and node.name; sorted. */
    readonly allowNodes: readonly string[];
    readonly maxNodes: number;
  };
  /** Lower-case domains public routes must be under (Deploy checks whole labels). */
  readonly edge: { readonly allowedDomains: readonly string[] };
  readonly placement: { readonly allowTcgVms: boolean };
  /** The internal zone's DNS, whose service records the master owns; undefined: none configured. */
  readonly dns: (DnsConfig & { readonly ttlSeconds: number; readonly repairIntervalMs: number }) | undefined;
  readonly health: {
    readonly heartbeatIntervalMs: number;
    readonly unhealthyAfterMs: number;
    readonly probeTimeoutMs: number;
    readonly checkPeriodMs: number;
  };
  readonly rateLimits: { readonly registerMs: number; readonly heartbeatMs: number };
  readonly dataDir: string;
  /** The snapshot catalogue: `<data.dir>/snapshots`, the schedule (0: off) and how many are kept per service. */
  readonly snapshots: { readonly dir: string; readonly intervalMs: number; readonly retention: number };
  readonly databasePath: string;
  readonly bootstrapNodes: readonly BootstrapNode[];
  readonly logLevel: Raw['log']['level'];
  /** The fleet's deploy policy, judged before placing (each agent enforces its own, too). */
  readonly policy: DeployPolicy;
}

/** The variables that pick the config file. */
export function configPathFromEnvironment(env: Readonly<Record<string, string | undefined>>): string {
  return env['MCP_MASTER_CONFIG'] || '/etc/mcp/master.toml';
}

function checkBootstrapNodes(raw: Raw, file: string, problems: ConfigProblem[]): void {
  const seen = new Set<string>();
  raw.nodes.forEach((node, index) => {
    const key = `nodes[${index}]`;
    if (seen.has(node.name)) problems.push(configProblem(file, `${key}.name`, `"${node.name}" is listed twice`, 'each node once'));
    seen.add(node.name);
    const address = parseListenAddress(node.address, { allowWildcard: false });
    if (!address.ok || address.address.port === 0) {
      const what = address.ok ? `"${node.address}" has port 0` : address.problem;
      problems.push(configProblem(file, `${key}.address`, what, "the agent's host:port"));
    }
    if (node.name === raw.node.name && node.role !== 'master') {
      problems.push(configProblem(file, `${key}.role`, `"${node.role}" for the master's own node ${node.name}`, '"master"'));
    }
    if (node.name !== raw.node.name && node.role === 'master') {
      problems.push(configProblem(file, `${key}.role`, `"master" for ${node.name}, but the master runs on ${raw.node.name} (node.name)`, '"worker" or "edge"'));
    }
  });
  if (raw.nodes.length > raw.registration.max_nodes) {
    problems.push(configProblem(file, 'nodes', `${raw.nodes.length} bootstrap nodes`, `at most registration.max_nodes (${raw.registration.max_nodes})`));
  }
}

function derive(raw: Raw, file: string): Omit<MasterConfig, 'warnings'> {
  const problems: ConfigProblem[] = [];
  const listen = parseListenAddress(raw.server.listen, { allowWildcard: raw.server.allow_wildcard });
  if (!listen.ok) problems.push(configProblem(file, 'server.listen', listen.problem, 'host:port on a specific address'));
  if (raw.auth.mcias_url !== undefined && !/^https:\/\/[^/\s]+\/?$/.test(raw.auth.mcias_url)) {
    problems.push(configProblem(file, 'auth.mcias_url', `${JSON.stringify(raw.auth.mcias_url)} is not an https URL without a path`, 'https://host[:port]'));
  }
  raw.registration.allow_nodes.forEach((name, index) => {
    // "agent-orion" is almost surely the identity of node orion written where its node name belongs.
    if (!isValidNodeName(name) || name.startsWith('agent-')) {
      problems.push(configProblem(file, `registration.allow_nodes[${index}]`, `got the string ${JSON.stringify(name)}`, 'a node name, without "agent-"'));
    }
  });
  raw.edge.allowed_domains.forEach((domain, index) => {
    if (!domainName.test(domain)) {
      problems.push(configProblem(file, `edge.allowed_domains[${index}]`, `got the string ${JSON.stringify(domain)}`, 'a lower-case domain name such as "example.net"'));
    }
  });
  checkBootstrapNodes(raw, file, problems);
  const policy = deployPolicyFromConfig(raw.policy, { file, serviceRoot: '/srv' });
  problems.push(...policy.problems);
  const dns = checkDnsConfig(raw.dns, file, problems);
  const health = raw.health;
  if (health.unhealthy_after_ms <= health.heartbeat_interval_ms) {
    problems.push(configProblem(file, 'health.unhealthy_after_ms', `${health.unhealthy_after_ms} is not above heartbeat_interval_ms (${health.heartbeat_interval_ms})`, 'several heartbeat intervals (default 3)'));
  }
  if (raw.rate_limits.heartbeat_ms > health.heartbeat_interval_ms) {
    problems.push(configProblem(file, 'rate_limits.heartbeat_ms', `${raw.rate_limits.heartbeat_ms} is above health.heartbeat_interval_ms (${health.heartbeat_interval_ms}), so agents' heartbeats would be refused`, 'at most the heartbeat interval'));
  }
  if (!listen.ok || problems.length > 0) throw new ConfigError(problems);
  const allowNodes = [...new Set([...raw.registration.allow_nodes, ...raw.nodes.map((node) => node.name), raw.node.name])].sort();
  return Object.freeze({
    file,
    node: Object.freeze({ name: raw.node.name }),
    listen: Object.freeze(listen.address),
    tls: Object.freeze({ certPath: raw.server.tls_cert, keyPath: raw.server.tls_key, clientCaPath: raw.server.client_ca }),
    auditFile: raw.audit.file ?? `${raw.data.dir}/audit.log`,
    tokenFile: raw.auth.token_file,
    mcias: raw.auth.mcias_url === undefined ? undefined : Object.freeze({ serverUrl: raw.auth.mcias_url, caPath: raw.auth.mcias_ca, serviceName: raw.auth.mcias_service_name }),
    agents: Object.freeze({
      caPath: raw.agents.ca_cert,
      tokenPath: raw.agents.token_path,
      callTimeoutMs: raw.agents.call_timeout_ms,
      operationTimeoutMs: raw.agents.operation_timeout_ms,
    }),
    registration: Object.freeze({ allowNodes: Object.freeze(allowNodes), maxNodes: raw.registration.max_nodes }),
    edge: Object.freeze({ allowedDomains: Object.freeze([...raw.edge.allowed_domains]) }),
    placement: Object.freeze({ allowTcgVms: raw.placement.allow_tcg_vms }),
    dns: dns === undefined ? undefined : Object.freeze({ ...dns, ttlSeconds: raw.dns.ttl_seconds, repairIntervalMs: raw.dns.repair_interval_ms }),
    health: Object.freeze({
      heartbeatIntervalMs: health.heartbeat_interval_ms,
      unhealthyAfterMs: health.unhealthy_after_ms,
      probeTimeoutMs: health.probe_timeout_ms,
      checkPeriodMs: health.check_period_ms,
    }),
    rateLimits: Object.freeze({ registerMs: raw.rate_limits.register_ms, heartbeatMs: raw.rate_limits.heartbeat_ms }),
    dataDir: raw.data.dir,
    snapshots: Object.freeze({
      dir: `${raw.data.dir}/snapshots`,
      intervalMs: raw.snapshots.interval_hours * hour,
      retention: raw.snapshots.retention,
    }),
    databasePath: `${raw.data.dir}/master.db`,
    bootstrapNodes: Object.freeze(raw.nodes.map((node) => Object.freeze({ name: node.name, role: node.role, address: node.address }))),
    logLevel: raw.log.level,
    policy: policy.policy,
  });
}

/** Loads the master's config from `path` (required), with environment overrides. */
export async function loadMasterConfig(options: {
  path: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir?: string;
}): Promise<MasterConfig> {
  const { config, warnings } = await loadConfigFile(masterConfigSchema, {
    path: options.path,
    required: true,
    env: options.env,
    homedir: options.homedir ?? homedir(),
  });
  return Object.freeze({ ...derive(config, options.path), warnings: Object.freeze(warnings.map((warning) => warning.message)) });
}

/** Reads the process environment: the master's only access to process.env. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
