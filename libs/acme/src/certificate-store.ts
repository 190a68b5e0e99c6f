// Certificates per exact hostname under the agent's data dir (0600): full chain checked against the CA bundle
// before use, reused while more than `renewBeforeDays` remain, renewed through the issuer otherwise.
import { createPrivateKey, type X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkCertificateChain, splitPemChain } from '@mcp/tls';
import type { AcmeIssuer, IssuedChain } from './acme-issuer.js';
import { AcmeError } from './errors.js';
import { writeSecretFile } from './secret-file.js';

export interface StoredCertificate {
  readonly hostname: string;
  readonly chainPem: string;
  readonly keyPem: string;
  readonly notAfter: Date;
  /** Upper-case hex, as HAProxy and Node print it. */
  readonly serial: string;
  readonly chainPath: string;
  readonly keyPath: string;
}

export interface CertificateStoreOptions {
  /** `<dir>/<hostname>/fullchain.pem` and `key.pem`. */
  readonly dir: string;
  /** Absent: no ACME CA is configured; only certificates put by the operator are kept. */
  readonly issuer?: AcmeIssuer;
  /** PEM bundle of the roots issued chains must lead to; read on every check (a CA's root may change). */
  readonly caBundle: () => Promise<string>;
  readonly clock: { now(): Date };
  /** Default 30. */
  readonly renewBeforeDays?: number;
}

export interface CertificateStore {
  /** The stored certificate when it checks out and has more than renewBeforeDays left; else a new one. */
  obtain(hostname: string): Promise<StoredCertificate>;
  /** A new certificate, whatever is stored. */
  renew(hostname: string): Promise<StoredCertificate>;
  /**
   * Keeps a certificate the operator supplies (not from the ACME CA): the leaf must name the hostname, be valid now
   * and match the key; the chain is not checked against the bundle (the operator's CA may be another).
   */
  put(hostname: string, chain: IssuedChain): Promise<StoredCertificate>;
  /** Whether an ACME CA is configured (obtain and renew can order). */
  readonly canIssue: boolean;
  find(hostname: string): Promise<StoredCertificate | undefined>;
  /** Whether a stored certificate is due (fewer than renewBeforeDays left, or it no longer checks out). */
  due(certificate: StoredCertificate): Promise<boolean>;
  remove(hostname: string): Promise<void>;
  hostnames(): Promise<string[]>;
  readonly renewBeforeDays: number;
}

const hostnamePattern = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Checks the chain against every root in the bundle; the first that verifies wins. */
function checkAgainstBundle(chainPem: string, bundlePem: string, hostname: string, now: Date): { ok: true; notAfter: Date; daysLeft: number } | { ok: false; problem: string } {
  const roots = splitPemChain(bundlePem);
  if (roots.length === 0) return { ok: false, problem: 'the CA bundle holds no certificate' };
  let problem = '';
  for (const root of roots) {
    const check = checkCertificateChain({ chainPem, caPem: root.toString(), hostname, now });
    if (check.ok) return check;
    problem = check.problem;
  }
  return { ok: false, problem };
}

export function createCertificateStore(options: CertificateStoreOptions): CertificateStore {
  const renewBeforeDays = options.renewBeforeDays ?? 30;
  const paths = (hostname: string): { dir: string; chainPath: string; keyPath: string } => {
    if (!hostnamePattern.test(hostname)) throw new AcmeError(hostname, 'order', `"${hostname}" is not a lower-case DNS name: no certificate is ordered for it`);
    const dir = join(options.dir, hostname);
    return { dir, chainPath: join(dir, 'fullchain.pem'), keyPath: join(dir, 'key.pem') };
  };
  const describe = (hostname: string, chain: IssuedChain, notAfter: Date): StoredCertificate => {
    const leaf = splitPemChain(chain.chainPem)[0] as X509Certificate;
    return { hostname, ...chain, notAfter, serial: leaf.serialNumber.toUpperCase(), ...paths(hostname) };
  };
  const find = async (hostname: string): Promise<StoredCertificate | undefined> => {
    const { chainPath, keyPath } = paths(hostname);
    try {
      const [chainPem, keyPem] = await Promise.all([readFile(chainPath, 'utf8'), readFile(keyPath, 'utf8')]);
      const leaf = splitPemChain(chainPem)[0];
      if (leaf === undefined) return undefined;
      return describe(hostname, { chainPem, keyPem }, new Date(leaf.validTo));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const due = async (certificate: StoredCertificate): Promise<boolean> => {
    const check = checkAgainstBundle(certificate.chainPem, await options.caBundle(), certificate.hostname, options.clock.now());
    return !check.ok || check.daysLeft < renewBeforeDays;
  };
  const keep = async (hostname: string, issued: IssuedChain, notAfter: Date): Promise<StoredCertificate> => {
    const { dir, chainPath, keyPath } = paths(hostname);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeSecretFile(keyPath, issued.keyPem);
      await writeSecretFile(chainPath, issued.chainPem);
    } catch (error) {
      throw new AcmeError(hostname, 'store', `cannot keep the certificate for ${hostname} in ${dir}: ${(error as Error).message}`, { cause: error });
    }
    return describe(hostname, issued, notAfter);
  };
  const renew = async (hostname: string): Promise<StoredCertificate> => {
    paths(hostname);
    if (options.issuer === undefined) throw new AcmeError(hostname, 'order', `no ACME CA is configured on this node to issue a certificate for ${hostname} ([acme] directory_url)`);
    const issued = await options.issuer.issue(hostname);
    // A chain that does not lead to the configured CA is refused here, not by the first client (SPEC §10, 4).
    const check = checkAgainstBundle(issued.chainPem, await options.caBundle(), hostname, options.clock.now());
    if (!check.ok) throw new AcmeError(hostname, 'check', `the certificate issued for ${hostname} does not verify against the configured CA bundle: ${check.problem}`);
    return keep(hostname, issued, check.notAfter);
  };
  const put = async (hostname: string, chain: IssuedChain): Promise<StoredCertificate> => {
    paths(hostname);
    let leaf: X509Certificate | undefined;
    try {
      leaf = splitPemChain(chain.chainPem)[0];
    } catch (error) {
      throw new AcmeError(hostname, 'check', `the certificate for ${hostname} is not valid PEM: ${(error as Error).message}`, { cause: error });
    }
    if (leaf === undefined) throw new AcmeError(hostname, 'check', `the certificate for ${hostname} holds no PEM certificate`);
    if (leaf.checkHost(hostname) === undefined) throw new AcmeError(hostname, 'check', `the certificate does not name ${hostname} (it names ${leaf.subjectAltName ?? leaf.subject})`);
    const now = options.clock.now();
    if (new Date(leaf.validFrom) > now || new Date(leaf.validTo) < now) throw new AcmeError(hostname, 'check', `the certificate for ${hostname} is not valid now (valid ${leaf.validFrom} to ${leaf.validTo})`);
    let matches = false;
    try {
      matches = leaf.checkPrivateKey(createPrivateKey(chain.keyPem));
    } catch (error) {
      throw new AcmeError(hostname, 'check', `the key for ${hostname} is not a valid PEM private key: ${(error as Error).message}`, { cause: error });
    }
    if (!matches) throw new AcmeError(hostname, 'check', `the key does not belong to the certificate for ${hostname}`);
    return keep(hostname, chain, new Date(leaf.validTo));
  };
  return {
    renewBeforeDays,
    canIssue: options.issuer !== undefined,
    put,
    find,
    due,
    renew,
    obtain: async (hostname) => {
      const stored = await find(hostname);
      if (stored !== undefined && !(await due(stored))) return stored;
      return renew(hostname);
    },
    remove: async (hostname) => {
      await rm(paths(hostname).dir, { recursive: true, force: true });
    },
    hostnames: async () => {
      const entries = await readdir(options.dir, { withFileTypes: true }).catch(() => []);
      return entries.filter((entry) => entry.isDirectory() && hostnamePattern.test(entry.name)).map((entry) => entry.name).sort();
    },
  };
}
