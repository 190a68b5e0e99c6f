// A small certificate authority for dev fleets and tests: EC P-256 keys, certificates signed by openssl.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TlsError } from './errors.js';

const execFileAsync = promisify(execFile);

export interface KeyAndCertificate {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface CertificateAuthority extends KeyAndCertificate {
  readonly commonName: string;
}

export interface IssuedCertificate extends KeyAndCertificate {
  /** Leaf followed by the CA certificate: what a server presents. */
  readonly chainPath: string;
}

export type CertificateUsage = 'server' | 'client' | 'server-and-client';

export interface CreateAuthorityOptions {
  dir: string;
  commonName: string;
  validDays?: number;
  opensslPath?: string;
}

export interface IssueCertificateOptions {
  authority: CertificateAuthority;
  dir: string;
  /** File name stem: `<name>.pem`, `<name>.key`, `<name>.chain.pem`. */
  name: string;
  commonName: string;
  /** DNS names and IP addresses for the subjectAltName; IPs are recognised by form. */
  altNames: readonly string[];
  usage?: CertificateUsage;
  validDays?: number;
  opensslPath?: string;
}

async function writePrivateKey(path: string): Promise<void> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  await writeFile(path, pem, { mode: 0o600 });
}

async function runOpenssl(opensslPath: string, args: readonly string[], operation: string): Promise<void> {
  try {
    await execFileAsync(opensslPath, args, { encoding: 'utf8' });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new TlsError(operation, `openssl failed to ${operation}${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

function serial(): string {
  // Positive 64-bit serial: clear the top bit so it is never read as negative.
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return `0x${bytes.toString('hex')}`;
}

function subjectAltName(altNames: readonly string[]): string {
  return altNames.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
}

const extendedKeyUsage: Record<CertificateUsage, string> = {
  server: 'serverAuth',
  client: 'clientAuth',
  'server-and-client': 'serverAuth,clientAuth',
};

/** Creates a self-signed CA (key + certificate) in `dir`. */
export async function createCertificateAuthority(options: CreateAuthorityOptions): Promise<CertificateAuthority> {
  const { dir, commonName, validDays = 3650, opensslPath = 'openssl' } = options;
  await mkdir(dir, { recursive: true });
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.pem');
  await writePrivateKey(keyPath);
  await runOpenssl(
    opensslPath,
    [
      'req', '-x509', '-new', '-key', keyPath, '-out', certPath, '-days', String(validDays),
      '-subj', `/CN=${commonName}`, '-set_serial', serial(),
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    'create the certificate authority',
  );
  return { certPath, keyPath, commonName };
}

/** Issues a leaf certificate signed by `authority`, with the full chain written beside it. */
export async function issueCertificate(options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const { authority, dir, name, commonName, altNames, usage = 'server', validDays = 825, opensslPath = 'openssl' } =
    options;
  if (altNames.length === 0) {
    throw new TlsError('issue a certificate', `certificate ${name}: altNames is empty; expected at least one DNS name or IP`);
  }
  await mkdir(dir, { recursive: true });
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.pem`);
  const chainPath = join(dir, `${name}.chain.pem`);
  await writePrivateKey(keyPath);
  await runOpenssl(
    opensslPath,
    [
      'req', '-x509', '-new', '-key', keyPath, '-out', certPath, '-days', String(validDays),
      '-CA', authority.certPath, '-CAkey', authority.keyPath,
      '-subj', `/CN=${commonName}`, '-set_serial', serial(),
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature',
      '-addext', `extendedKeyUsage=${extendedKeyUsage[usage]}`,
      '-addext', `subjectAltName=${subjectAltName(altNames)}`,
    ],
    `issue the certificate ${name}`,
  );
  const [leaf, ca] = await Promise.all([readFile(certPath, 'utf8'), readFile(authority.certPath, 'utf8')]);
  await writeFile(chainPath, `${leaf.trimEnd()}\n${ca.trimEnd()}\n`);
  return { certPath, keyPath, chainPath };
}
