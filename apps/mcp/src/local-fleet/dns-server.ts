// The dev fleet's PowerDNS (svc.mcp.test, and example.test standing in for public DNS): started detached before the
// master (which writes the service records there), its pid file kept like the daemons', its zones created once it
// answers (with their wildcards: see DevFleetDnsServer); stopped by `mcp dev down`.
import type { DevFleetDnsServer } from '@mcp/dev-fleet';
import { ensurePowerDnsZone, setPowerDnsWildcard, startPowerDnsProcess, waitForPowerDns, writePowerDnsHome } from '@mcp/dns';
import { readFile, writeFile } from 'node:fs/promises';
import { CliError, exitCodes } from '../errors.js';
import { logTail, runningPid } from './daemon-process.js';

export interface DnsServerReport {
  readonly server: DevFleetDnsServer;
  readonly pid: number;
  readonly state: 'started' | 'already running';
}

async function exitedDuringStart(server: DevFleetDnsServer, why: string): Promise<CliError> {
  const tail = await logTail(server);
  const lines = tail.length === 0 ? '' : `; its last log lines:\n${tail.map((line) => `  ${line}`).join('\n')}`;
  return new CliError('failed', `pdns_server (the fleet's DNS for ${server.zone}) did not come up: ${why} (log: ${server.logPath})${lines}`, exitCodes.failed);
}

/** Starts the server unless it runs, then waits for its API and makes sure the zone exists (idempotent). */
export async function ensureDnsServer(server: DevFleetDnsServer, timeoutMs: number): Promise<DnsServerReport> {
  const apiKey = (await readFile(server.apiKeyPath, 'utf8')).trim();
  const running = await runningPid(server);
  const state = running === undefined ? 'started' : 'already running';
  if (running === undefined) {
    // pdns.conf from the fleet's ports and key; the database from Debian's schema the first time.
    await writePowerDnsHome({ dir: server.workDir, address: server.address, dnsPort: server.dnsPort, apiPort: server.apiPort, apiKey });
  }
  const pid = running ?? (await startPowerDnsProcess({ home: { dir: server.workDir }, logPath: server.logPath, detached: true })).pid;
  if (running === undefined) await writeFile(server.pidPath, `${pid}\n`);
  try {
    await waitForPowerDns({ apiUrl: server.apiUrl, apiKey, timeoutMs, alive: async () => (await runningPid(server)) !== undefined });
    await ensurePowerDnsZone({ apiUrl: server.apiUrl, apiKey, zone: server.zone });
    if (server.internalFallback !== undefined) await setPowerDnsWildcard({ apiUrl: server.apiUrl, apiKey, zone: server.zone, address: server.internalFallback });
    if (server.publicZone !== undefined) {
      await ensurePowerDnsZone({ apiUrl: server.apiUrl, apiKey, zone: server.publicZone.zone });
      await setPowerDnsWildcard({ apiUrl: server.apiUrl, apiKey, zone: server.publicZone.zone, address: server.publicZone.address });
    }
  } catch (error) {
    throw await exitedDuringStart(server, (error as Error).message);
  }
  return { server, pid, state };
}
