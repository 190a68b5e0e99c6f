// The dev fleet's ACME CA: a Pebble (EAB required, resolving through the fleet's PowerDNS so http-01 validation is
// real) started by `mcp dev up` before the agents, its root written to
// D/ca/acme-root.pem (Pebble makes a new root at each start), stopped by `mcp dev down` by the pids it recorded.
import { startPebble } from '@mcp/acme/testing';
import type { DevFleetAcme } from '@mcp/dev-fleet';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';

async function isPebble(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('pebble');
}

async function recordedPids(acme: DevFleetAcme): Promise<number[]> {
  const text = await readFile(acme.pidPath, 'utf8').catch(() => '');
  return text.split(/\s+/).map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Running Pebble processes of this fleet (pebble and its DNS), by the pids it recorded. */
async function runningPids(acme: DevFleetAcme): Promise<number[]> {
  const alive: number[] = [];
  for (const pid of await recordedPids(acme)) if (await isPebble(pid)) alive.push(pid);
  return alive;
}

/** Starts the fleet's Pebble unless it runs; either way its current root is in acme.rootPath. */
export async function ensureAcme(acme: DevFleetAcme): Promise<{ state: 'started' | 'already running'; pids: number[] }> {
  const running = await runningPids(acme);
  // pebble alone when it resolves through the fleet's PowerDNS; with pebble-challtestsrv in an older fleet.
  if (running.length === (acme.dnsServer === undefined ? 2 : 1)) return { state: 'already running', pids: running };
  await stopAcme(acme);
  await mkdir(acme.dir, { recursive: true });
  const hmacKey = (await readFile(acme.eabKeyPath, 'utf8')).trim();
  const pebble = await startPebble({
    dir: acme.dir,
    ports: { acme: acme.ports.acme, management: acme.ports.management, dns: acme.ports.dns },
    httpPort: acme.ports.http01,
    ...(acme.dnsServer === undefined ? { resolveTo: acme.resolveTo ?? '127.0.0.1' } : { dnsServer: acme.dnsServer }),
    eab: { kid: acme.kid, hmacKey },
  });
  await writeFile(acme.pidPath, `${pebble.pids.join(' ')}\n`);
  await writeFile(acme.rootPath, await pebble.rootPem());
  return { state: 'started', pids: [...pebble.pids] };
}

/** SIGTERM to the fleet's Pebble processes; the pids stopped. */
export async function stopAcme(acme: DevFleetAcme): Promise<number[]> {
  const pids = await runningPids(acme);
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  for (const pid of pids) {
    for (let tries = 0; tries < 100 && (await isPebble(pid)); tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await rm(acme.pidPath, { force: true });
  return pids;
}
