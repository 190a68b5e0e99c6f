// Test scaffolding for the agent's ownership of its proxy: a deploy fixture plus a real HAProxy on a free loopback
// port, a real Pebble (EAB required) answering through the agent's http-01 responder, and the certificate store.
// HAProxy verifies re-encrypting routes' backends against a CA of the fixture's own (`backendCa`).
import { createAcmeIssuer, createCertificateStore, startHttp01Responder, type AcmeIssuer, type CertificateStore, type Http01Responder } from '@mcp/acme';
import { startPebble, type Pebble } from '@mcp/acme/testing';
import { createHaproxyDriver, stopHaproxy, type HaproxyDriver } from '@mcp/proxy';
import { createCertificateAuthority, type CertificateAuthority } from '@mcp/tls';
import { freeLoopbackPort } from '@mcp/testing';
import { join } from 'node:path';
import { startDeployFixture, type DeployFixture } from './deploy.fixture.js';
import type { AgentDeps } from './deps.js';
import type { ProxyRouting } from './proxy-routing.js';

export const TEST_ZONE = 'svc.mcp.test';

export interface ProxyFixture {
  readonly fixture: DeployFixture;
  readonly deps: AgentDeps;
  readonly proxy: ProxyRouting;
  readonly driver: HaproxyDriver;
  readonly pebble: Pebble;
  readonly responder: Http01Responder;
  readonly listenerPort: number;
  /** The CA HAProxy checks TLS backends against (backend_ca_file): issue a TLS backend's certificate from it. */
  readonly backendCa: CertificateAuthority;
  /** An issuer whose EAB key Pebble refuses. */
  readonly wrongIssuer: AcmeIssuer;
  /** An issuer whose CA is down (nothing listens at its directory URL). */
  readonly downIssuer: AcmeIssuer;
  readonly rightIssuer: AcmeIssuer;
  /** The deps with another issuer (wrong EAB key, or right again). */
  withIssuer(issuer: AcmeIssuer): AgentDeps;
  rootPem(): Promise<string>;
  close(): Promise<void>;
}

export async function startProxyFixture(options: { certificateValiditySeconds?: number } = {}): Promise<ProxyFixture> {
  const fixture = await startDeployFixture();
  const dir = fixture.bed.dir.path;
  const responder = await startHttp01Responder({ address: '127.0.0.1', port: 0 });
  const pebble = await startPebble({
    dir: join(dir, 'pebble'),
    ports: { acme: await freeLoopbackPort(), management: await freeLoopbackPort(), dns: await freeLoopbackPort() },
    httpPort: responder.port,
    resolveTo: '127.0.0.1',
    ...(options.certificateValiditySeconds === undefined ? {} : { certificateValiditySeconds: options.certificateValiditySeconds }),
  });
  const backendCa = await createCertificateAuthority({ dir: join(dir, 'backend-ca'), commonName: 'proxy fixture backend CA' });
  const driver = await createHaproxyDriver({ dir: join(dir, 'haproxy'), address: '127.0.0.1', manageProcess: true, backendCaFile: backendCa.certPath });
  await driver.ensureRunning();
  const account = { directoryUrl: pebble.directoryUrl, directoryCaPem: pebble.listenerCaPem, accountKeyPath: join(dir, 'acme', 'account.key') };
  const rightIssuer = createAcmeIssuer({ ...account, eab: pebble.eab }, responder);
  const wrongIssuer = createAcmeIssuer({ ...account, accountKeyPath: join(dir, 'acme-wrong', 'account.key'), eab: { kid: pebble.eab.kid, hmacKey: Buffer.alloc(32, 9).toString('base64url') } }, responder);
  const closedPort = await freeLoopbackPort();
  const downIssuer = createAcmeIssuer({ ...account, directoryUrl: `https://127.0.0.1:${closedPort}/dir`, eab: pebble.eab, retries: 0 }, responder);
  const storeWith = (issuer: AcmeIssuer): CertificateStore =>
    createCertificateStore({ dir: join(dir, 'certs'), issuer, caBundle: () => pebble.rootPem(), clock: { now: () => new Date() } });
  const proxyWith = (issuer: AcmeIssuer): ProxyRouting => ({ driver, certificates: storeWith(issuer), zone: TEST_ZONE });
  const proxy = proxyWith(rightIssuer);
  return {
    fixture,
    deps: { ...fixture.deps, proxy },
    proxy,
    driver,
    pebble,
    responder,
    listenerPort: await freeLoopbackPort(),
    backendCa,
    wrongIssuer,
    downIssuer,
    rightIssuer,
    withIssuer: (issuer) => ({ ...fixture.deps, proxy: proxyWith(issuer) }),
    rootPem: () => pebble.rootPem(),
    close: async () => {
      await stopHaproxy(driver.layout);
      await pebble.stop();
      await responder.close();
      await fixture.close();
    },
  };
}
