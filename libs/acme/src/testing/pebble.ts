// A real Pebble ACME CA for tests and the dev fleet: EAB required, its own listener certificate, its validator
// pointed at the caller's http-01 port, names resolved by a real DNS server or by pebble-challtestsrv to one address.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createCertificateAuthority, issueCertificate } from '@mcp/tls';

export interface PebbleOptions {
  /** Working dir: config, listener certificate, logs. */
  readonly dir: string;
  /** Loopback ports for the ACME directory, the management API (roots) and the DNS server. */
  readonly ports: { readonly acme: number; readonly management: number; readonly dns: number };
  /** Port Pebble's validator connects to for http-01 (where the agents' responders listen). */
  readonly httpPort: number;
  /**
   * How Pebble's validator resolves names: `{ resolveTo }` makes every name one address (pebble-challtestsrv runs
   * as its DNS server), `{ dnsServer: "host:port" }` asks that real DNS server (PowerDNS), so validation is real.
   */
  readonly resolveTo?: string;
  readonly dnsServer?: string;
  /** Seconds a certificate is valid; default Pebble's (5 years less a day). */
  readonly certificateValiditySeconds?: number;
  /** EAB key id and its HMAC key (base64url); default a random pair. */
  readonly eab?: { readonly kid: string; readonly hmacKey: string };
  readonly address?: string;
}

export interface Pebble {
  readonly directoryUrl: string;
  readonly eab: { readonly kid: string; readonly hmacKey: string };
  /** PEM of the CA that signed Pebble's HTTPS listener (what the ACME client trusts for the directory). */
  readonly listenerCaPem: string;
  readonly listenerCaPath: string;
  /** PEM of the root issued certificates chain to (new on each start). */
  rootPem(): Promise<string>;
  /** Of the processes running now (Pebble, pebble-challtestsrv). */
  readonly pids: readonly number[];
  stop(): Promise<void>;
  /**
   * Starts it again after stop(), on the same ports with the same listener certificate and EAB key: like a CA back
   * after an outage, it has a new root and has forgotten every account and order.
   */
  restart(): Promise<void>;
}

function get(url: string, caPem: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: caPem, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function spawnLogged(binary: string, args: readonly string[], logPath: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const log = await open(logPath, 'a');
  const child = spawn(binary, [...args], { stdio: ['ignore', log.fd, log.fd], env, detached: true });
  await log.close();
  child.unref();
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startPebble(options: PebbleOptions): Promise<Pebble> {
  const address = options.address ?? '127.0.0.1';
  const authority = await createCertificateAuthority({ dir: join(options.dir, 'listener-ca'), commonName: 'pebble listener CA' });
  const listener = await issueCertificate({ authority, dir: join(options.dir, 'listener'), name: 'pebble', commonName: address, altNames: [address, 'localhost'] });
  const eab = options.eab ?? { kid: `kid-${randomBytes(4).toString('hex')}`, hmacKey: randomBytes(32).toString('base64url') };
  const config = {
    pebble: {
      listenAddress: `${address}:${options.ports.acme}`,
      managementListenAddress: `${address}:${options.ports.management}`,
      certificate: listener.chainPath,
      privateKey: listener.keyPath,
      httpPort: options.httpPort,
      tlsPort: options.httpPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: true,
      externalAccountMACKeys: { [eab.kid]: eab.hmacKey },
      ...(options.certificateValiditySeconds === undefined ? {} : { certificateValidityPeriod: options.certificateValiditySeconds }),
    },
  };
  const configPath = join(options.dir, 'pebble-config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const env = { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' };
  if ((options.resolveTo === undefined) === (options.dnsServer === undefined)) throw new Error('startPebble: give either resolveTo or dnsServer');
  const listenerCaPem = await readFile(authority.certPath, 'utf8');
  const directoryUrl = `https://${address}:${options.ports.acme}/dir`;
  let children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
  };
  const launch = async (): Promise<void> => {
    const dns =
      options.resolveTo === undefined
        ? undefined
        : await spawnLogged(
            '/usr/bin/pebble-challtestsrv',
            ['-defaultIPv4', options.resolveTo, '-defaultIPv6', '', '-dns01', `${address}:${options.ports.dns}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `${address}:0`],
            join(options.dir, 'challtestsrv.log'),
            env,
          );
    const dnsServer = options.dnsServer ?? `${address}:${options.ports.dns}`;
    const pebble = await spawnLogged('/usr/bin/pebble', ['-config', configPath, '-dnsserver', dnsServer], join(options.dir, 'pebble.log'), env);
    children = dns === undefined ? [pebble] : [pebble, dns];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const up = await get(directoryUrl, listenerCaPem).then((answer) => answer.status === 200, () => false);
      if (up) break;
      if (pebble.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`pebble did not serve ${directoryUrl}: ${await readFile(join(options.dir, 'pebble.log'), 'utf8').catch(() => '')}`);
      }
      await delay(50);
    }
  };
  await launch();
  return {
    directoryUrl,
    eab,
    listenerCaPem,
    listenerCaPath: authority.certPath,
    get pids() {
      return children.map((child) => child.pid ?? 0);
    },
    rootPem: async () => {
      const answer = await get(`https://${address}:${options.ports.management}/roots/0`, listenerCaPem);
      if (answer.status !== 200) throw new Error(`pebble roots/0 answered ${answer.status}: ${answer.body}`);
      return answer.body;
    },
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
