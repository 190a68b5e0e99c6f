// A PowerDNS 4.7 server (gsqlite3 backend) as a child process on loopback, for the dev fleet and tests: its home
// (config + database from Debian's schema), its start (attached or detached), readiness and its zones.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, chmod, mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DnsError } from './errors.js';
import { callJson } from './http-json.js';
import { normalizeZone } from './names.js';

const run = promisify(execFile);

export const POWERDNS_SCHEMA_PATH = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

export interface PowerDnsHomeOptions {
  /** Directory for pdns.conf, the database and the control socket. */
  readonly dir: string;
  /** Loopback address both listeners bind to. */
  readonly address: string;
  readonly dnsPort: number;
  readonly apiPort: number;
  readonly apiKey: string;
  /** Default: Debian's gsqlite3 schema. */
  readonly schemaPath?: string;
  /** The sqlite3 binary that loads the schema. Default `sqlite3`. */
  readonly sqlitePath?: string;
}

export interface PowerDnsHome {
  readonly dir: string;
  /** pdns.conf (0600: it holds the API key). */
  readonly configPath: string;
  readonly databasePath: string;
  readonly address: string;
  readonly dnsPort: number;
  /** `http://<address>:<apiPort>`. */
  readonly apiUrl: string;
}

/** Writes pdns.conf and, when absent, the database from the schema; a second call keeps the data. */
export async function writePowerDnsHome(options: PowerDnsHomeOptions): Promise<PowerDnsHome> {
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  const databasePath = join(dir, 'pdns.sqlite3');
  const exists = await access(databasePath).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const schema = options.schemaPath ?? POWERDNS_SCHEMA_PATH;
    try {
      await run(options.sqlitePath ?? 'sqlite3', [databasePath, `.read ${schema}`]);
    } catch (error) {
      await rm(databasePath, { force: true });
      throw new Error(`cannot create the PowerDNS database ${databasePath} from ${schema}: ${(error as Error).message} (scripts/setup-system.sh installs sqlite3 and pdns-backend-sqlite3)`, { cause: error });
    }
  }
  const configPath = join(dir, 'pdns.conf');
  const lines = [
    '# Written by MCP: PowerDNS for a dev fleet or a test, on loopback.',
    'launch=gsqlite3',
    `gsqlite3-database=${databasePath}`,
    `local-address=${options.address}`,
    `local-port=${options.dnsPort}`,
    'api=yes',
    `api-key=${options.apiKey}`,
    'webserver=yes',
    `webserver-address=${options.address}`,
    `webserver-port=${options.apiPort}`,
    'webserver-allow-from=127.0.0.0/8,::1/128',
    'daemon=no',
    'guardian=no',
    'disable-syslog=yes',
    'security-poll-suffix=',
    `socket-dir=${dir}`,
    'default-soa-content=ns1.@ hostmaster.@ 0 10800 3600 604800 60',
    '',
  ];
  await writeFile(configPath, lines.join('\n'), { mode: 0o600 });
  await chmod(configPath, 0o600);
  return { dir, configPath, databasePath, address: options.address, dnsPort: options.dnsPort, apiUrl: `http://${options.address}:${options.apiPort}` };
}

export interface PowerDnsProcess {
  readonly pid: number;
  /** Settles when the process has exited (attached starts only; a detached one is not watched). */
  readonly exited: Promise<string>;
}

export interface StartPowerDnsOptions {
  readonly home: Pick<PowerDnsHome, 'dir'>;
  /** stdout and stderr are appended here. */
  readonly logPath: string;
  /** Own process group, not waited for: it outlives the caller (dev fleet). Default false. */
  readonly detached?: boolean;
  /** Default `pdns_server`. */
  readonly binary?: string;
}

/** The argv of a server for `home`; its command line names the config dir, which tells the process apart. */
export function powerDnsArgs(home: Pick<PowerDnsHome, 'dir'>): string[] {
  return [`--config-dir=${home.dir}`];
}

/** Starts pdns_server; does not wait for it to answer (see waitForPowerDns). */
export async function startPowerDnsProcess(options: StartPowerDnsOptions): Promise<PowerDnsProcess> {
  const log = await open(options.logPath, 'a');
  try {
    const child = spawn(options.binary ?? 'pdns_server', powerDnsArgs(options.home), {
      cwd: options.home.dir,
      detached: options.detached ?? false,
      stdio: ['ignore', log.fd, log.fd],
    });
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? `code ${String(code)}`));
      child.once('error', (error) => resolve(`could not start (${error.message})`));
    });
    const outcome = await Promise.race([once(child, 'spawn').then(() => undefined), exited]);
    if (outcome !== undefined || child.pid === undefined) {
      throw new Error(`pdns_server ${outcome ?? 'has no pid'}; scripts/setup-system.sh installs pdns-server`);
    }
    if (options.detached === true) child.unref();
    return { pid: child.pid, exited };
  } finally {
    await log.close();
  }
}

/** Resolves once the API answers with the key; rejects when `alive()` turns false or the deadline passes. */
export async function waitForPowerDns(options: { apiUrl: string; apiKey: string; timeoutMs: number; alive: () => boolean | Promise<boolean> }): Promise<void> {
  const url = new URL(`${options.apiUrl}/api/v1/servers/localhost`);
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (!(await options.alive())) throw new Error(`pdns_server exited before its API answered at ${options.apiUrl}`);
    try {
      const answer = await callJson({ method: 'GET', url, headers: { 'x-api-key': options.apiKey }, timeoutMs: 1000 });
      if (answer.status === 200) return;
      last = `HTTP ${answer.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`PowerDNS API at ${options.apiUrl} did not answer within ${options.timeoutMs} ms (${last})`);
    await delay(50);
  }
}

/** Creates a Native zone (SOA from default-soa-content) unless it exists. */
export async function ensurePowerDnsZone(options: { apiUrl: string; apiKey: string; zone: string; timeoutMs?: number }): Promise<'created' | 'exists'> {
  const zone = `${normalizeZone(options.zone)}.`;
  const headers = { 'x-api-key': options.apiKey };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const zoneUrl = new URL(`${options.apiUrl}/api/v1/servers/localhost/zones/${encodeURIComponent(zone)}`);
  const existing = await callJson({ method: 'GET', url: zoneUrl, headers, timeoutMs });
  if (existing.status === 200) return 'exists';
  const created = await callJson({
    method: 'POST',
    url: new URL(`${options.apiUrl}/api/v1/servers/localhost/zones`),
    headers,
    body: { name: zone, kind: 'Native', nameservers: [] },
    timeoutMs,
  });
  if (created.status === 201) return 'created';
  throw new DnsError({ kind: created.status === 409 ? 'refused' : 'failed', driver: 'powerdns', operation: `create zone ${zone}`, detail: created.text.trim(), status: created.status });
}

/**
 * Makes `*.<zone>` an A record to `address` (REPLACE, idempotent): every name of the zone without a record of its own
 * resolves there; names with their own records keep them (DNS wildcards only answer for names that do not exist).
 */
export async function setPowerDnsWildcard(options: { apiUrl: string; apiKey: string; zone: string; address: string; ttlSeconds?: number; timeoutMs?: number }): Promise<void> {
  const zone = `${normalizeZone(options.zone)}.`;
  const answer = await callJson({
    method: 'PATCH',
    url: new URL(`${options.apiUrl}/api/v1/servers/localhost/zones/${encodeURIComponent(zone)}`),
    headers: { 'x-api-key': options.apiKey },
    body: { rrsets: [{ name: `*.${zone}`, type: 'A', ttl: options.ttlSeconds ?? 60, changetype: 'REPLACE', records: [{ content: options.address, disabled: false }] }] },
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  if (answer.status !== 204) {
    throw new DnsError({ kind: 'failed', driver: 'powerdns', operation: `set *.${zone} A`, detail: answer.text.trim(), status: answer.status });
  }
}
