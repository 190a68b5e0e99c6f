// Orders a certificate for one exact hostname from an ACME CA (RFC 8555, external account binding, http-01).
import { Agent, get } from 'node:https';
import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import acme from 'acme-client';
import { AcmeError } from './errors.js';
import type { ChallengeResponder } from './http01-responder.js';
import { writeSecretFile } from './secret-file.js';

export interface AcmeAccountOptions {
  readonly directoryUrl: string;
  /** External account binding (key id and base64url HMAC key), when the CA requires it. */
  readonly eab?: { readonly kid: string; readonly hmacKey: string };
  /** PEM the CA's HTTPS directory is verified against; absent: the system's roots. */
  readonly directoryCaPem?: string;
  /** Where the account key is kept (0600); made on first use. */
  readonly accountKeyPath: string;
  readonly email?: string;
  /** Retries of a request that failed on the network or with a 5xx/429; default 2 (1 s, then 2 s apart). */
  readonly retries?: number;
}

export interface IssuedChain {
  readonly chainPem: string;
  readonly keyPem: string;
}

export interface AcmeIssuer {
  issue(hostname: string): Promise<IssuedChain>;
}

// acme-client talks through one module-wide axios: orders run one at a time so each sees its own trust settings.
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

async function accountKey(path: string): Promise<Buffer> {
  const present = await access(path).then(() => true, () => false);
  if (present) return readFile(path);
  const key = await acme.crypto.createPrivateEcdsaKey('P-256');
  await writeSecretFile(path, key.toString());
  return key;
}

/** GET the directory first: acme-client turns a network failure into a TypeError that names nothing. */
function reachDirectory(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, timeout: 10_000 }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve();
      else reject(new Error(`the directory answered HTTP ${response.statusCode ?? 0}`));
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', reject);
  });
}

/** The CA's words: acme-client puts the problem document's detail in the message. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

export function createAcmeIssuer(options: AcmeAccountOptions, responder: ChallengeResponder): AcmeIssuer {
  return {
    issue: (hostname) =>
      oneAtATime(async () => {
        const agent = new Agent(options.directoryCaPem === undefined ? {} : { ca: options.directoryCaPem });
        acme.axios.defaults.httpsAgent = agent;
        try {
          await reachDirectory(options.directoryUrl, agent);
        } catch (error) {
          throw new AcmeError(hostname, 'order', `cannot reach the ACME CA at ${options.directoryUrl} for ${hostname}: ${reason(error)}`, { cause: error });
        }
        const settings = (acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number } }).acmeSettings;
        settings.retryMaxAttempts = options.retries ?? 2;
        settings.retryDefaultDelay = 1;
        let key: Buffer;
        try {
          await mkdir(dirname(options.accountKeyPath), { recursive: true, mode: 0o700 });
          key = await accountKey(options.accountKeyPath);
        } catch (error) {
          throw new AcmeError(hostname, 'account', `cannot read or make the ACME account key ${options.accountKeyPath}: ${reason(error)}`, { cause: error });
        }
        const accountUrlPath = `${options.accountKeyPath}.url`;
        const order = async (): Promise<IssuedChain> => {
          const knownUrl = (await readFile(accountUrlPath, 'utf8').catch(() => '')).trim();
          const client = new acme.Client({
            directoryUrl: options.directoryUrl,
            accountKey: key,
            backoffAttempts: 5,
            backoffMin: 100,
            backoffMax: 2000,
            ...(knownUrl === '' ? {} : { accountUrl: knownUrl }),
            ...(options.eab === undefined ? {} : { externalAccountBinding: options.eab }),
          });
          const [certificateKey, csr] = await acme.crypto.createCsr({ commonName: hostname, altNames: [hostname] }, await acme.crypto.createPrivateEcdsaKey('P-256'));
          if (knownUrl === '') {
            // Registered once; its URL is kept so later orders skip registration (an empty account update is refused).
            try {
              await client.createAccount({ termsOfServiceAgreed: true, ...(options.email === undefined ? {} : { contact: [`mailto:${options.email}`] }) });
            } catch (error) {
              // The CA knows this key already (its URL file was lost): acme-client then sends an update the CA
              // refuses as empty, but has learnt the account's URL, which is all that is needed.
              if (!/empty update/i.test(reason(error))) throw error;
            }
            await writeSecretFile(accountUrlPath, `${client.getAccountUrl()}\n`);
          }
          const chainPem = await client.auto({
            csr,
            termsOfServiceAgreed: true,
            // Its own pre-check resolves through the system resolver, which need not know internal names.
            skipChallengeVerification: true,
            challengePriority: ['http-01'],
            ...(options.email === undefined ? {} : { email: options.email }),
            challengeCreateFn: async (_authz, challenge, keyAuthorization) => responder.present(challenge.token, keyAuthorization),
            challengeRemoveFn: async (_authz, challenge) => responder.remove(challenge.token),
          });
          return { chainPem, keyPem: certificateKey.toString() };
        };
        try {
          try {
            return await order();
          } catch (error) {
            // A CA that forgot the account (a test CA restarted, an account deactivated): register again, once.
            if (!/account.*(not found|does not exist)|accountDoesNotExist/i.test(reason(error))) throw error;
            await rm(accountUrlPath, { force: true });
            return await order();
          }
        } catch (error) {
          throw new AcmeError(hostname, 'order', `the ACME CA at ${options.directoryUrl} refused the certificate for ${hostname}: ${reason(error)}`, { cause: error });
        }
      }),
  };
}
