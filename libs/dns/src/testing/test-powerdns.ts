// A throwaway PowerDNS for tests: a temp dir, free loopback ports, a random API key, the zones created; stopped by PID.
import { createTempDir, freeLoopbackPort } from '@mcp/testing';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensurePowerDnsZone, startPowerDnsProcess, waitForPowerDns, writePowerDnsHome } from '../powerdns-server.js';

const run = promisify(execFile);

export interface TestPowerDns {
  readonly apiUrl: string;
  readonly apiKey: string;
  /** Address and port its DNS listener answers on (UDP and TCP). */
  readonly address: string;
  readonly dnsPort: number;
  readonly pid: number;
  readonly dir: string;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

export interface TestPowerDnsOptions {
  /** Zones to create. Default `svc.mcp.test`. */
  readonly zones?: readonly string[];
  readonly readyTimeoutMs?: number;
}

/** Whether pdns_server and sqlite3 are installed, in the shape requireRuntime() takes. */
export async function probePowerDns(): Promise<{ available: true; version: string } | { available: false; reason: string }> {
  try {
    await run('sqlite3', ['-version']);
    // pdns_server has no --version that exits 0; its --help does.
    const { stdout } = await run('pdns_server', ['--help']);
    return { available: true, version: stdout.split('\n')[0] ?? 'pdns_server' };
  } catch (error) {
    return { available: false, reason: `pdns_server or sqlite3 not runnable (${(error as Error).message}); scripts/setup-system.sh installs them` };
  }
}

async function attempt(options: TestPowerDnsOptions): Promise<TestPowerDns> {
  const dir = await createTempDir('mcp-pdns');
  const address = '127.0.0.1';
  const apiKey = randomBytes(16).toString('hex');
  const home = await writePowerDnsHome({ dir: dir.path, address, dnsPort: await freeLoopbackPort(), apiPort: await freeLoopbackPort(), apiKey });
  const logPath = join(dir.path, 'pdns.log');
  const server = await startPowerDnsProcess({ home, logPath });
  let running = true;
  void server.exited.then(() => {
    running = false;
  });
  const stop = async (): Promise<void> => {
    if (running) {
      process.kill(server.pid, 'SIGTERM');
      const timer = setTimeout(() => running && process.kill(server.pid, 'SIGKILL'), 5000);
      await server.exited;
      clearTimeout(timer);
    }
    await dir.remove();
  };
  try {
    await waitForPowerDns({ apiUrl: home.apiUrl, apiKey, timeoutMs: options.readyTimeoutMs ?? 15_000, alive: () => running });
    for (const zone of options.zones ?? ['svc.mcp.test']) await ensurePowerDnsZone({ apiUrl: home.apiUrl, apiKey, zone });
  } catch (error) {
    const log = await readFile(logPath, 'utf8').catch(() => '');
    await stop();
    throw new Error(`${(error as Error).message}\n${log.split('\n').slice(-10).join('\n')}`, { cause: error });
  }
  return { apiUrl: home.apiUrl, apiKey, address, dnsPort: home.dnsPort, pid: server.pid, dir: dir.path, stop };
}

/** Starts PowerDNS; a port taken between picking and binding (another test) costs one more try. */
export async function startTestPowerDns(options: TestPowerDnsOptions = {}): Promise<TestPowerDns> {
  let last: unknown;
  for (let tries = 0; tries < 3; tries += 1) {
    try {
      return await attempt(options);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** What `dig +short @server -p port name type` answers, one value per line (empty: no such record). */
export async function digShort(options: { server: string; port: number; name: string; type: string }): Promise<string[]> {
  const { stdout } = await run('dig', ['+short', '+time=2', '+tries=2', `@${options.server}`, '-p', String(options.port), options.name, options.type]);
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
}

/**
 * Writes an RRset straight through PowerDNS's API, as someone other than the driver would (a CNAME where a service
 * record belongs, to provoke a 422); the answer must be 204.
 */
export async function putRrsetDirectly(server: Pick<TestPowerDns, 'apiUrl' | 'apiKey'>, zone: string, rrset: { name: string; type: string; content: string; ttl?: number }): Promise<void> {
  const response = await fetch(`${server.apiUrl}/api/v1/servers/localhost/zones/${zone}.`, {
    method: 'PATCH',
    headers: { 'x-api-key': server.apiKey },
    body: JSON.stringify({
      rrsets: [{ name: `${rrset.name}.`, type: rrset.type, ttl: rrset.ttl ?? 60, changetype: 'REPLACE', records: [{ content: rrset.content, disabled: false }] }],
    }),
  });
  if (response.status !== 204) throw new Error(`PowerDNS refused ${rrset.name} ${rrset.type}: HTTP ${response.status} ${await response.text()}`);
}
