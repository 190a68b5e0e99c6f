// A real TLS server inside a container, for l4 and re-encrypting proxy routes: `openssl s_server` (the host's
// openssl in a local image) that accepts exactly one SNI name. For that name it switches to a certificate issued
// for it (`-servername … -cert2`); any other name gets a fatal alert (`-servername_fatal`); without SNI it shows a
// default certificate. It logs `Hostname in TLS extension: "<name>"` for every handshake (`-msg` flushes it) and
// answers HTTP GETs with its status page (`-www`).
import type { ComponentSpec } from '@mcp/registry';
import type { Runtime } from '@mcp/runtime';
import { issueCertificate, type CertificateAuthority } from '@mcp/tls';
import { X509Certificate } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** What s_server's `-www` status page starts with, after its HTML preamble. */
export const S_SERVER_PAGE_MARK = 's_server -accept';

export interface SniServer {
  /** The component: image, command, its certificates mounted read-only at /certs. */
  readonly component: Pick<ComponentSpec, 'image' | 'cmd' | 'volumes' | 'env'>;
  /** Serial (upper-case hex) of the certificate it presents for `hostname`. */
  readonly serial: string;
}

/**
 * Certificates in `dir` (one issued for `hostname` by `authority`, one default for handshakes without SNI) and the
 * component running s_server on `port` ("$PORT" for a route's port, or a number).
 */
export async function sniServer(options: { image: string; authority: CertificateAuthority; dir: string; hostname: string; port: string }): Promise<SniServer> {
  const { authority, dir, hostname } = options;
  await mkdir(dir, { recursive: true });
  const named = await issueCertificate({ authority, dir: join(dir, 'issued'), name: 'named', commonName: hostname, altNames: [hostname] });
  const fallback = await issueCertificate({ authority, dir: join(dir, 'issued'), name: 'default', commonName: 'no SNI', altNames: ['no-sni.invalid'] });
  await copyFile(named.chainPath, join(dir, 'named.pem'));
  await copyFile(named.keyPath, join(dir, 'named.key'));
  await copyFile(fallback.chainPath, join(dir, 'default.pem'));
  await copyFile(fallback.keyPath, join(dir, 'default.key'));
  const serial = new X509Certificate(await readFile(named.certPath)).serialNumber.toUpperCase();
  const server = [
    `openssl s_server -accept 0.0.0.0:${options.port}`,
    '-cert /certs/default.pem -key /certs/default.key',
    '-servername "$SNI_NAME" -cert2 /certs/named.pem -key2 /certs/named.key -servername_fatal',
    '-www -msg',
  ].join(' ');
  return {
    // PID 1 ignores SIGTERM unless it traps it: sh does, so a stop is quick.
    component: { image: options.image, cmd: ['sh', '-c', `trap 'exit 0' TERM; ${server} & wait`], volumes: [`${dir}:/certs:ro`], env: [`SNI_NAME=${hostname}`] },
    serial,
  };
}

const HOSTNAME_LINE = /^Hostname in TLS extension: "([^"]*)"$/;

/** The SNI names the server in container `name` has logged so far, in order. */
export async function namesLoggedBy(runtime: Runtime, name: string): Promise<string[]> {
  const names: string[] = [];
  for await (const line of runtime.logs(name)) {
    const match = HOSTNAME_LINE.exec(line.text);
    if (match?.[1] !== undefined) names.push(match[1]);
  }
  return names;
}

/** Waits (10 s at most) until the container has logged `hostname` as a received SNI name; returns all it logged. */
export async function waitForLoggedName(runtime: Runtime, name: string, hostname: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const names = await namesLoggedBy(runtime, name);
    if (names.includes(hostname) || Date.now() > deadline) return names;
    await delay(100);
  }
}
