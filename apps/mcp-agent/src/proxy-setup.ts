// Builds the node proxy from the agent config: the HAProxy driver (started when the agent manages it), the
// certificate store under the data dir, and, with an ACME CA configured, the issuer and its http-01 responder.
import { createAcmeIssuer, createCertificateStore, startHttp01Responder, type Http01Responder } from '@mcp/acme';
import { createHaproxyDriver, stopHaproxy } from '@mcp/proxy';
import { mkdir, readFile } from 'node:fs/promises';
import type { ProxyConfig } from './config.js';
import type { AgentClock, AgentLog } from './deps.js';
import type { ProxyRouting } from './proxy-routing.js';

export interface RunningProxy {
  readonly routing: ProxyRouting;
  /** Closes the responder; stops HAProxy only when the config says so (it normally outlives the agent). */
  close(): Promise<void>;
}

async function readSecret(path: string, what: string): Promise<string> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text === '') throw new Error('the file is empty');
    return text;
  } catch (error) {
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function startProxy(config: ProxyConfig, log: AgentLog, clock: AgentClock): Promise<RunningProxy> {
  await mkdir(config.dir, { recursive: true, mode: 0o700 });
  await mkdir(config.certDir, { recursive: true, mode: 0o700 });
  const driver = await createHaproxyDriver({
    dir: config.dir,
    address: config.address,
    binary: config.binary,
    manageProcess: config.manage,
    ...(config.backendCaFile === undefined ? {} : { backendCaFile: config.backendCaFile }),
  });
  const state = await driver.ensureRunning();
  log.info({ dir: config.dir, address: config.address, state }, state === 'started' ? 'started the node proxy (HAProxy)' : 'the node proxy (HAProxy) is running');
  let responder: Http01Responder | undefined;
  const acme = config.acme;
  let issuer;
  if (acme !== undefined) {
    responder = await startHttp01Responder({ address: acme.http01.host, port: acme.http01.port });
    const eab = acme.eab === undefined ? undefined : { kid: acme.eab.kid, hmacKey: await readSecret(acme.eab.hmacKeyFile, 'the ACME EAB key file') };
    const directoryCaPem = acme.directoryCa === undefined ? undefined : await readFile(acme.directoryCa, 'utf8');
    issuer = createAcmeIssuer(
      {
        directoryUrl: acme.directoryUrl,
        accountKeyPath: acme.accountKeyPath,
        ...(eab === undefined ? {} : { eab }),
        ...(directoryCaPem === undefined ? {} : { directoryCaPem }),
        ...(acme.email === undefined ? {} : { email: acme.email }),
      },
      responder,
    );
    log.info({ directoryUrl: acme.directoryUrl, http01: `${acme.http01.host}:${responder.port}` }, 'certificates from the ACME CA');
  }
  const caBundle = acme?.caBundle;
  const certificates = createCertificateStore({
    dir: config.certDir,
    ...(issuer === undefined ? {} : { issuer }),
    caBundle: () => (caBundle === undefined ? Promise.resolve('') : readFile(caBundle, 'utf8')),
    clock,
    ...(acme === undefined ? {} : { renewBeforeDays: acme.renewBeforeDays }),
  });
  return {
    routing: { driver, certificates, zone: config.zone },
    close: async () => {
      await responder?.close();
      if (config.stopWithAgent && config.manage) await stopHaproxy(driver.layout);
    },
  };
}
