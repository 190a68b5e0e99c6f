// The agent's configuration: TOML file + MCP_AGENT_* (and the Go MCP's MCP_MASTER_*) variables →
// validated, frozen, typed. The only module of the agent that reads process.env.
import { homedir } from 'node:os';
import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import {
  ConfigError,
  boolean,
  configProblem,
  integer,
  loadConfigFile,
  optionalString,
  path,
  string,
  stringList,
  tables,
  withEnvPrefix,
  type ConfigOf,
  type ConfigProblem,
  parseListenAddress,
  type ListenAddress,
} from '@mcp/config';
import { NODE_NAME_PATTERN } from '@mcp/auth';
import { containerLimitsConfigSchema, deployPolicyFromConfig, policyConfigSchema, type DeployPolicy } from '@mcp/policy';
import { checkDnsConfig, dnsConfigFields, type DnsConfig } from '@mcp/dns';
import type { AccelerationSetting } from '@mcp/runtime';
import { parseCheckTarget, type CheckKind } from './boot-checks.js';
import type { BootStage } from './boot-sequence.js';
import type { NodeRole } from './deps.js';
import { DEFAULT_FLAPPING } from './drift.js';
import { SERVICE_NAME_PATTERN } from './path-guard.js';
import type { MonitorSettings } from './monitor/monitor.js';
import { DEFAULT_OVERLAY_CIDR, parseOverlayCidr, type OverlayCidr } from './overlay-cidr.js';


export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Every key the agent reads; `describeSchema(agentConfigSchema)` renders the README's table. */
export const agentConfigSchema = withEnvPrefix(
  {
    node: {
      name: string({ doc: "this node's name (lower-case letters, digits, '-')", pattern: NODE_NAME_PATTERN, patternText: 'a node name' }),
      role: string<NodeRole>({ doc: 'master, worker or edge', default: 'worker', oneOf: ['master', 'worker', 'edge'] }),
      address: optionalString({ doc: 'address others reach this node at (default: the host of server.listen)' }),
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
      token_file: path({ doc: 'local token file: SHA-256 hashes of tokens → identity, account, roles' }),
      mcias_url: optionalString({ doc: 'https URL of MCIAS; when set, tokens the token file does not know are validated there (answers cached 30 s)' }),
      mcias_ca: path({ doc: "CA MCIAS's certificate chains to (default: the system's roots)", optional: true }),
      mcias_service_name: string({ doc: 'the service name presented to MCIAS', default: 'mcp', nonEmpty: true }),
    },
    data: {
      dir: path({ doc: 'state: registry.db, the podman socket the agent starts, VM state', default: '/var/lib/mcp-agent' }),
    },
    files: {
      root: path({ doc: 'root of the service directories (`<root>/<service>/`)', default: '/srv' }),
      max_file_bytes: integer({ doc: 'largest file PushFile/PullFile move, in bytes', default: 64 * 1024 * 1024, min: 1 }),
    },
    snapshots: {
      step_timeout_ms: integer({ doc: "how long a service's own snapshot step ([snapshot] method grpc, cli, exec) may run before the export fails, in ms", default: 60_000, min: 100 }),
      max_entry_bytes: integer({ doc: 'largest single file ImportServiceData restores, in bytes', default: 64 * 1024 * 1024 * 1024, min: 1 }),
    },
    podman: {
      socket: path({ doc: "podman's API socket; when absent the agent starts `podman system service` on <data.dir>/podman.sock", optional: true }),
    },
    qemu: {
      enabled: boolean({ doc: 'run runtime = "unikernel" components as QEMU VMs (state in <data.dir>/qemu) when QEMU works on this node', default: true }),
      acceleration: string<AccelerationSetting>({
        doc: 'auto: kvm only when the CPU has vmx/svm and /dev/kvm opens, else tcg; kvm or tcg force it',
        default: 'auto',
        oneOf: ['auto', 'kvm', 'tcg'],
      }),
    },
    ports: {
      first: integer({ doc: 'lowest host port handed to routes', default: 10000, min: 1, max: 65535 }),
      last: integer({ doc: 'highest host port handed to routes', default: 60000, min: 1, max: 65535 }),
    },
    master: {
      address: optionalString({ doc: "mcp-master's host:port; when set the agent registers and heartbeats", env: 'MCP_MASTER_ADDRESS' }),
      ca_cert: path({ doc: 'CA that the master\'s certificate must chain to', optional: true, env: 'MCP_MASTER_CA_CERT' }),
      token_path: path({ doc: "file holding this agent's token (identity agent-<node>) for the master", optional: true, env: 'MCP_MASTER_TOKEN_PATH' }),
    },
    log: {
      level: string<LogLevel>({ doc: 'pino log level', default: 'info', oneOf: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] }),
    },
    monitor: {
      sweep_interval_ms: integer({ doc: 'pause between two sweeps of every service (runtimes listed, registry compared), in ms', default: 10_000, min: 100 }),
      flap_threshold: integer({ doc: 'a component flaps with more than this many state changes within flap_window_ms', default: DEFAULT_FLAPPING.maxTransitions, min: 1 }),
      flap_window_ms: integer({ doc: 'window in which state changes are counted for flapping, in ms', default: DEFAULT_FLAPPING.windowMs, min: 1000 }),
      recovery_settle_ms: integer({ doc: 'how long a component must be as desired again before a recovery is reported, in ms', default: 30_000, min: 0 }),
      event_retention_hours: integer({ doc: 'events (state changes, alerts) older than this are pruned, in hours', default: 7 * 24, min: 1 }),
    },
    alerts: {
      command: stringList({ doc: 'alert command as an argv list, run without a shell (first element an absolute path); empty: alerts are only logged', default: [] }),
      cooldown_ms: integer({ doc: 'after an alert, how long the same alert of a component is not repeated, in ms', default: 15 * 60_000, min: 0 }),
      timeout_ms: integer({ doc: 'how long the alert command may run before it is killed, in ms', default: 10_000, min: 100 }),
    },
    proxy: {
      driver: string<'none' | 'haproxy'>({ doc: 'the node proxy the agent drives: none (route steps are skipped) or haproxy (HAProxy 2.6)', default: 'none', oneOf: ['none', 'haproxy'] }),
      dir: path({ doc: "the proxy's state dir: config, sockets, maps, crt-lists, certificate PEMs (default <data.dir>/haproxy)", optional: true }),
      address: optionalString({ doc: 'address the proxy listeners bind (default node.address)' }),
      binary: path({ doc: 'the haproxy program', default: '/usr/sbin/haproxy' }),
      manage: boolean({ doc: 'the agent starts HAProxy and restarts it when it dies; false: a service manager runs `haproxy -W -S <dir>/master.sock -f <dir>/haproxy.cfg`', default: true }),
      stop_with_agent: boolean({ doc: 'stop the HAProxy the agent started when the agent stops (dev fleet); default it keeps serving across agent restarts', default: false }),
      backend_ca_file: path({ doc: 'CA bundle re-encrypting (backend TLS) routes verify their backend against (default the system roots)', optional: true }),
      svc_zone: string({ doc: 'internal zone: a route without hostname gets <service>.<svc_zone>', default: 'svc.mcp.test', nonEmpty: true }),
    },
    acme: {
      directory_url: optionalString({ doc: "ACME directory URL of the CA that issues l7 routes' certificates; absent: l7 routes need an operator certificate" }),
      eab_kid: optionalString({ doc: 'external account binding key id' }),
      eab_hmac_key_file: path({ doc: 'file holding the EAB HMAC key (base64url), kept 0600', optional: true }),
      ca_bundle: path({ doc: 'PEM roots an issued chain must lead to (checked before use); required with directory_url', optional: true }),
      directory_ca: path({ doc: "PEM the ACME directory's HTTPS certificate is verified against (default the system roots)", optional: true }),
      http01_listen: optionalString({ doc: "host:port the http-01 responder listens on, where the CA's validator connects (default <proxy.address>:80)" }),
      email: optionalString({ doc: 'contact address of the ACME account' }),
      renew_before_days: integer({ doc: 'a certificate with fewer days left is renewed (and not reused at deploy)', default: 30, min: 1 }),
    },
    edge: {
      overlay_cidr: string({ doc: 'edge nodes: a backend name must resolve to an address in this block (the overlay network)', default: DEFAULT_OVERLAY_CIDR, nonEmpty: true }),
      listener_port: integer({ doc: "edge nodes: the proxy's public listener that edge routes are served on", default: 443, min: 1, max: 65535 }),
      dns_server: optionalString({ doc: 'edge nodes: host:port of the DNS server backend names are resolved through (default the system resolvers)' }),
      resolve_timeout_ms: integer({ doc: 'edge nodes: how long one DNS query for a backend name may take, in ms', default: 5000, min: 100 }),
    },
    boot: {
      stages: tables('[[boot.stages]]: ordered stages of services started before the agent accepts RPCs', {
        name: string({ doc: 'name of the stage, for logs', nonEmpty: true }),
        services: stringList({ doc: 'services started (recovered from the registry) in this stage', default: [] }),
        check: string<CheckKind>({ doc: 'health check: tcp connect, http GET answered 2xx, or grpc health call over HTTP/2', oneOf: ['tcp', 'grpc', 'http'] }),
        target: string({ doc: 'host:port (tcp, grpc over TLS), http://host:port (grpc over h2c), or a URL (http)', nonEmpty: true }),
        timeout_ms: integer({ doc: 'how long one check may take, in ms', default: 5000, min: 100 }),
        retry_interval_ms: integer({ doc: 'pause between two checks, in ms', default: 1000, min: 10 }),
        wait_ms: integer({ doc: 'how long a stage after the first is checked before the sequence goes on without it, in ms (the first stage waits until healthy)', default: 60_000, min: 0 }),
      }),
    },
    policy: { ...policyConfigSchema('`<files.root>/<service>`, the service\'s own directory'), ...containerLimitsConfigSchema() },
    dns: dnsConfigFields(),
  },
  'MCP_AGENT',
);

type Raw = ConfigOf<typeof agentConfigSchema>;

export interface AgentConfig {
  /** The file the values came from. */
  readonly file: string;
  /** Unknown keys of the file, ignored: `<file>: <key>: unknown key, ignored (…)`; main.ts logs each as a warning. */
  readonly warnings: readonly string[];
  readonly node: { readonly name: string; readonly role: Raw['node']['role']; readonly address: string };
  readonly listen: ListenAddress;
  readonly tls: { readonly certPath: string; readonly keyPath: string; readonly clientCaPath: string | undefined };
  readonly auditFile: string;
  readonly tokenFile: string;
  /** MCIAS, when `[auth] mcias_url` is set. */
  readonly mcias: { readonly serverUrl: string; readonly caPath: string | undefined; readonly serviceName: string } | undefined;
  readonly dataDir: string;
  readonly registryPath: string;
  readonly filesRoot: string;
  readonly maxFileBytes: number;
  /** ExportServiceData/ImportServiceData: the bound on a service's own snapshot step, the largest file restored. */
  readonly snapshots: { readonly stepTimeoutMs: number; readonly maxEntryBytes: number };
  /** Undefined: the agent starts its own podman service. */
  readonly podmanSocket: string | undefined;
  readonly ports: { readonly first: number; readonly last: number };
  /** What a definition may ask of this node (mounts, networks, explicit ports) and the limits of its containers. */
  readonly policy: DeployPolicy;
  /** The VM runtime: off, or on with its accelerator setting and state dir (`<data.dir>/qemu`). */
  readonly qemu: { readonly enabled: boolean; readonly acceleration: AccelerationSetting; readonly stateDir: string };
  readonly logLevel: Raw['log']['level'];
  /** Where to register; undefined: this agent runs without a master. */
  readonly master: { readonly address: string; readonly caPath: string; readonly tokenPath: string } | undefined;
  readonly monitor: MonitorSettings;
  /** The alert command (argv, undefined: alerts are only logged) and how long it may run. */
  readonly alerts: { readonly command: readonly string[] | undefined; readonly timeoutMs: number };
  /** Empty: no boot sequence. */
  readonly bootStages: readonly BootStage[];
  /** The internal zone the agent reads (ListDNSRecords); the master writes its records. Undefined: none. */
  readonly dns: DnsConfig | undefined;
  /** The node proxy; undefined: none (route and certificate steps are skipped). */
  readonly proxy: ProxyConfig | undefined;
  /** What an edge node accepts as a backend and where it serves public routes. */
  readonly edge: EdgeConfig;
}

export interface EdgeConfig {
  readonly overlayCidr: OverlayCidr;
  readonly listenerPort: number;
  /** "host:port"; undefined: the system resolvers. */
  readonly dnsServer: string | undefined;
  readonly resolveTimeoutMs: number;
}

export interface ProxyConfig {
  readonly driver: 'haproxy';
  readonly dir: string;
  readonly address: string;
  readonly binary: string;
  readonly manage: boolean;
  readonly stopWithAgent: boolean;
  readonly backendCaFile: string | undefined;
  readonly zone: string;
  /** `<data.dir>/certs`: certificates and keys, 0600. */
  readonly certDir: string;
  readonly acme: AcmeConfig | undefined;
}

export interface AcmeConfig {
  readonly directoryUrl: string;
  readonly eab: { readonly kid: string; readonly hmacKeyFile: string } | undefined;
  readonly caBundle: string;
  readonly directoryCa: string | undefined;
  readonly http01: ListenAddress;
  readonly email: string | undefined;
  readonly renewBeforeDays: number;
  /** `<data.dir>/acme/account.key` (0600). */
  readonly accountKeyPath: string;
}

/** The variables that pick the config file. */
export function configPathFromEnvironment(env: Readonly<Record<string, string | undefined>>): string {
  return env['MCP_AGENT_CONFIG'] || '/etc/mcp/agent.toml';
}

function derive(raw: Raw, file: string): Omit<AgentConfig, 'warnings'> {
  const problems: ConfigProblem[] = [];
  const listen = parseListenAddress(raw.server.listen, { allowWildcard: raw.server.allow_wildcard });
  if (!listen.ok) problems.push(configProblem(file, 'server.listen', listen.problem, 'host:port on a specific address'));
  if (raw.auth.mcias_url !== undefined && !/^https:\/\/[^/\s]+\/?$/.test(raw.auth.mcias_url)) {
    problems.push(configProblem(file, 'auth.mcias_url', `${JSON.stringify(raw.auth.mcias_url)} is not an https URL without a path`, 'https://host[:port]'));
  }
  if (raw.ports.first > raw.ports.last) {
    problems.push(configProblem(file, 'ports', `first (${raw.ports.first}) is above last (${raw.ports.last})`, 'first ≤ last'));
  }
  const { address, ca_cert: caPath, token_path: tokenPath } = raw.master;
  if (address !== undefined) {
    if (caPath === undefined) problems.push(configProblem(file, 'master.ca_cert', 'missing while master.address is set', 'a path'));
    if (tokenPath === undefined) problems.push(configProblem(file, 'master.token_path', 'missing while master.address is set', 'a path'));
  }
  const command = checkAlertCommand(raw.alerts.command, file, problems);
  const bootStages = bootStagesOf(raw.boot.stages, file, problems);
  const policy = deployPolicyFromConfig(raw.policy, { file, serviceRoot: raw.files.root });
  problems.push(...policy.problems);
  const dns = checkDnsConfig(raw.dns, file, problems);
  const nodeAddress = raw.node.address ?? (listen.ok ? listen.address.host : '');
  const proxy = proxyConfigOf(raw, nodeAddress, file, problems);
  const edge = edgeConfigOf(raw, file, problems);
  if (!listen.ok || problems.length > 0) throw new ConfigError(problems);
  const master =
    address !== undefined && caPath !== undefined && tokenPath !== undefined
      ? Object.freeze({ address, caPath, tokenPath })
      : undefined;
  return Object.freeze({
    file,
    node: Object.freeze({ name: raw.node.name, role: raw.node.role, address: raw.node.address ?? listen.address.host }),
    listen: Object.freeze(listen.address),
    tls: Object.freeze({ certPath: raw.server.tls_cert, keyPath: raw.server.tls_key, clientCaPath: raw.server.client_ca }),
    auditFile: raw.audit.file ?? `${raw.data.dir}/audit.log`,
    tokenFile: raw.auth.token_file,
    mcias: raw.auth.mcias_url === undefined ? undefined : Object.freeze({ serverUrl: raw.auth.mcias_url, caPath: raw.auth.mcias_ca, serviceName: raw.auth.mcias_service_name }),
    dataDir: raw.data.dir,
    registryPath: `${raw.data.dir}/registry.db`,
    filesRoot: raw.files.root,
    maxFileBytes: raw.files.max_file_bytes,
    snapshots: Object.freeze({ stepTimeoutMs: raw.snapshots.step_timeout_ms, maxEntryBytes: raw.snapshots.max_entry_bytes }),
    podmanSocket: raw.podman.socket,
    ports: Object.freeze({ first: raw.ports.first, last: raw.ports.last }),
    policy: policy.policy,
    qemu: Object.freeze({ enabled: raw.qemu.enabled, acceleration: raw.qemu.acceleration, stateDir: `${raw.data.dir}/qemu` }),
    logLevel: raw.log.level,
    master,
    monitor: Object.freeze({
      sweepIntervalMs: raw.monitor.sweep_interval_ms,
      eventRetentionMs: raw.monitor.event_retention_hours * 3600_000,
      alerts: Object.freeze({
        flapping: Object.freeze({ windowMs: raw.monitor.flap_window_ms, maxTransitions: raw.monitor.flap_threshold }),
        cooldownMs: raw.alerts.cooldown_ms,
        recoverySettleMs: raw.monitor.recovery_settle_ms,
      }),
    }),
    alerts: Object.freeze({ command, timeoutMs: raw.alerts.timeout_ms }),
    bootStages,
    dns,
    proxy,
    edge,
  });
}

function edgeConfigOf(raw: Raw, file: string, problems: ConfigProblem[]): EdgeConfig {
  const cidr = parseOverlayCidr(raw.edge.overlay_cidr);
  if (!cidr.ok) problems.push(configProblem(file, 'edge.overlay_cidr', cidr.problem, 'an address block such as "100.64.0.0/10"'));
  const server = raw.edge.dns_server;
  if (server !== undefined) {
    const parsed = parseListenAddress(server, { allowWildcard: false });
    if (!parsed.ok || isIP(parsed.address.host) === 0) {
      problems.push(configProblem(file, 'edge.dns_server', `${JSON.stringify(server)} is not an address and port`, 'host:port of a DNS server, e.g. "100.64.0.1:53"'));
    }
  }
  return Object.freeze({
    overlayCidr: cidr.ok ? cidr.cidr : parseOverlayCidrOrThrow(DEFAULT_OVERLAY_CIDR),
    listenerPort: raw.edge.listener_port,
    dnsServer: server,
    resolveTimeoutMs: raw.edge.resolve_timeout_ms,
  });
}

function parseOverlayCidrOrThrow(text: string): OverlayCidr {
  const parsed = parseOverlayCidr(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.cidr;
}

function proxyConfigOf(raw: Raw, nodeAddress: string, file: string, problems: ConfigProblem[]): ProxyConfig | undefined {
  const { acme } = raw;
  const acmeKeys = ['eab_kid', 'eab_hmac_key_file', 'ca_bundle', 'directory_ca', 'http01_listen'] as const;
  if (raw.proxy.driver === 'none') {
    if (acme.directory_url !== undefined) problems.push(configProblem(file, 'acme.directory_url', 'is set while proxy.driver is "none"', 'proxy.driver = "haproxy" (certificates are for the proxy\'s l7 routes)'));
    return undefined;
  }
  const address = raw.proxy.address ?? nodeAddress;
  let acmeConfig: AcmeConfig | undefined;
  if (acme.directory_url === undefined) {
    for (const key of acmeKeys) {
      if (acme[key] !== undefined) problems.push(configProblem(file, `acme.${key}`, 'is set without acme.directory_url', 'acme.directory_url as well, or neither'));
    }
  } else {
    if (!/^https:\/\//.test(acme.directory_url)) problems.push(configProblem(file, 'acme.directory_url', `${JSON.stringify(acme.directory_url)} is not an https URL`, 'https://…/directory'));
    if (acme.ca_bundle === undefined) problems.push(configProblem(file, 'acme.ca_bundle', 'missing while acme.directory_url is set', 'the PEM roots issued chains lead to'));
    if ((acme.eab_kid === undefined) !== (acme.eab_hmac_key_file === undefined)) {
      problems.push(configProblem(file, acme.eab_kid === undefined ? 'acme.eab_kid' : 'acme.eab_hmac_key_file', 'is missing while the other EAB key is set', 'both acme.eab_kid and acme.eab_hmac_key_file, or neither'));
    }
    const http01 = parseListenAddress(acme.http01_listen ?? `${address.includes(':') ? `[${address}]` : address}:80`, { allowWildcard: false });
    if (!http01.ok) problems.push(configProblem(file, 'acme.http01_listen', http01.problem, 'host:port on a specific address'));
    if (http01.ok && acme.ca_bundle !== undefined) {
      acmeConfig = Object.freeze({
        directoryUrl: acme.directory_url,
        eab: acme.eab_kid !== undefined && acme.eab_hmac_key_file !== undefined ? Object.freeze({ kid: acme.eab_kid, hmacKeyFile: acme.eab_hmac_key_file }) : undefined,
        caBundle: acme.ca_bundle,
        directoryCa: acme.directory_ca,
        http01: Object.freeze(http01.address),
        email: acme.email,
        renewBeforeDays: acme.renew_before_days,
        accountKeyPath: `${raw.data.dir}/acme/account.key`,
      });
    }
  }
  return Object.freeze({
    driver: 'haproxy' as const,
    dir: raw.proxy.dir ?? `${raw.data.dir}/haproxy`,
    address,
    binary: raw.proxy.binary,
    manage: raw.proxy.manage,
    stopWithAgent: raw.proxy.stop_with_agent,
    backendCaFile: raw.proxy.backend_ca_file,
    zone: raw.proxy.svc_zone,
    certDir: `${raw.data.dir}/certs`,
    acme: acmeConfig,
  });
}

/** An argv run without a shell: an absolute program path (no PATH lookup for a root daemon), no NUL anywhere. */
function checkAlertCommand(command: readonly string[], file: string, problems: ConfigProblem[]): readonly string[] | undefined {
  if (command.length === 0) return undefined;
  const program = command[0] ?? '';
  if (!isAbsolute(program)) {
    problems.push(configProblem(file, 'alerts.command', `the program ${JSON.stringify(program)} is not an absolute path`, 'an absolute path first, then its arguments'));
  }
  if (command.some((argument) => argument.includes('\0'))) {
    problems.push(configProblem(file, 'alerts.command', 'an argument holds a NUL character', 'arguments without NUL'));
  }
  return Object.freeze([...command]);
}

function bootStagesOf(stages: Raw['boot']['stages'], file: string, problems: ConfigProblem[]): readonly BootStage[] {
  const result: BootStage[] = [];
  stages.forEach((stage, index) => {
    const key = `boot.stages[${index}]`;
    for (const service of stage.services) {
      if (!SERVICE_NAME_PATTERN.test(service)) {
        problems.push(configProblem(file, `${key}.services`, `${JSON.stringify(service)} is not a service name`, "lower-case letters, digits and '-', starting with a letter"));
      }
    }
    const target = parseCheckTarget(stage.check, stage.target);
    if (!target.ok) {
      problems.push(configProblem(file, `${key}.target`, target.problem, target.expected));
      return;
    }
    result.push(
      Object.freeze({
        name: stage.name,
        services: stage.services,
        target: target.target,
        timeoutMs: stage.timeout_ms,
        retryIntervalMs: stage.retry_interval_ms,
        waitMs: stage.wait_ms,
      }),
    );
  });
  return Object.freeze(result);
}

/** Loads the agent's config from `path` (required), with environment overrides. */
export async function loadAgentConfig(options: {
  path: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir?: string;
}): Promise<AgentConfig> {
  const { config, warnings } = await loadConfigFile(agentConfigSchema, {
    path: options.path,
    required: true,
    env: options.env,
    homedir: options.homedir ?? homedir(),
  });
  return Object.freeze({ ...derive(config, options.path), warnings: Object.freeze(warnings.map((warning) => warning.message)) });
}

/** Reads the process environment: the agent's only access to process.env. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
