// MCIAS, the platform's identity service, over HTTPS: the validator daemons use (results cached 30 s keyed by the
// token's SHA-256, failures never cached) and the login the CLI uses. The contract these follow is written in
// docs/mcias.md; no MCIAS source or API document was available here, so it is the minimal one MCP relies on.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { Clock } from './clock.js';
import type { AccountType, Identity, TokenValidator } from './identity.js';
import { accountTypes, isValidIdentityName } from './identity.js';
import { hashToken } from './token.js';
import { createTokenFileValidator } from './token-file-validator.js';

export interface MciasEndpoint {
  /** `https://mcias.example.net:8443`, no trailing path. */
  readonly serverUrl: string;
  /** PEM of the CA MCIAS's certificate chains to; Node's public roots when undefined. */
  readonly caPem?: string | undefined;
  /** The name MCP presents to MCIAS (`service_name`). */
  readonly serviceName: string;
  /** Per request, in ms. */
  readonly timeoutMs?: number;
}

export class MciasError extends Error {
  /** HTTP status when MCIAS answered; undefined when it could not be reached. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'MciasError';
    this.status = status;
  }
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const maxAnswerBytes = 64 * 1024;

function post(endpoint: MciasEndpoint, path: string, payload: unknown, bearer?: string): Promise<Answer> {
  const url = new URL(path, endpoint.serverUrl);
  if (url.protocol !== 'https:') return Promise.reject(new MciasError(`MCIAS must be reached over https, not ${url.protocol}`));
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
        },
        ...(endpoint.caPem === undefined ? {} : { ca: endpoint.caPem }),
        minVersion: 'TLSv1.2',
        timeout: endpoint.timeoutMs ?? 5_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxAnswerBytes) incoming.destroy(new MciasError(`MCIAS answered more than ${maxAnswerBytes} bytes`));
          else chunks.push(chunk);
        });
        incoming.on('error', (error) => reject(error instanceof MciasError ? error : new MciasError(`MCIAS answer broke off: ${error.message}`, undefined, { cause: error })));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: incoming.statusCode ?? 0, body: parsed });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new MciasError(`MCIAS did not answer within ${endpoint.timeoutMs ?? 5_000} ms`)));
    outgoing.on('error', (error) => reject(error instanceof MciasError ? error : new MciasError(`cannot reach MCIAS at ${url.origin}: ${error.message}`, undefined, { cause: error })));
    outgoing.end(body);
  });
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

/** The identity in a validate answer, or why it is not one. */
function identityOf(body: unknown): Identity | string {
  const name = field(body, 'username');
  const account = field(body, 'account_type');
  const roles = field(body, 'roles') ?? [];
  if (typeof name !== 'string' || !isValidIdentityName(name)) return 'username is missing or not a valid identity name';
  if (!accountTypes.includes(account as AccountType)) return 'account_type is not "human" or "system"';
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) return 'roles is not a list of strings';
  return { name, account: account as AccountType, roles: [...(roles as string[])] };
}

export interface MciasValidatorOptions extends MciasEndpoint {
  readonly clock: Clock;
  /** How long an answer (valid or not) is trusted, in ms; SPEC §9 says 30 s. */
  readonly cacheMs?: number;
  /** Most answers kept; the oldest go first. */
  readonly maxEntries?: number;
}

/**
 * Validates tokens with MCIAS. An answer (an identity, or "not valid") is kept for `cacheMs` under the token's
 * SHA-256, never the token itself; a failure (unreachable, 5xx, an answer that makes no sense) is thrown, so the
 * call is refused as Unavailable, and is not kept: the next call asks again.
 */
export function createMciasValidator(options: MciasValidatorOptions): TokenValidator {
  const cacheMs = options.cacheMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { readonly identity: Identity | undefined; readonly until: number }>();
  return {
    async validate(token) {
      const key = hashToken(token);
      const now = options.clock.now();
      const cached = cache.get(key);
      if (cached !== undefined && cached.until > now) return cached.identity;
      cache.delete(key);
      const answer = await post(options, '/v1/token/validate', { service_name: options.serviceName }, token);
      let identity: Identity | undefined;
      if (answer.status === 200 && field(answer.body, 'valid') === true) {
        const found = identityOf(answer.body);
        if (typeof found === 'string') throw new MciasError(`MCIAS's validate answer makes no sense: ${found}`, answer.status);
        identity = found;
      } else if (answer.status === 401 || answer.status === 403 || (answer.status === 200 && field(answer.body, 'valid') === false)) {
        identity = undefined;
      } else {
        throw new MciasError(`MCIAS answered validate with HTTP ${answer.status}`, answer.status);
      }
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(key, { identity, until: now + cacheMs });
      return identity === undefined ? undefined : { ...identity, roles: [...identity.roles] };
    },
  };
}

/** Tries each validator in turn; the first that knows the token decides. A failure of one is a failure. */
export function firstKnowing(validators: readonly TokenValidator[]): TokenValidator {
  return {
    async validate(token) {
      for (const validator of validators) {
        const identity = await validator.validate(token);
        if (identity !== undefined) return identity;
      }
      return undefined;
    },
  };
}

/** Asks MCIAS for a token for `username`; a refusal names the reason MCIAS gave, never the password. */
export async function mciasLogin(endpoint: MciasEndpoint, credentials: { username: string; password: string }): Promise<string> {
  const answer = await post(endpoint, '/v1/auth/login', { username: credentials.username, password: credentials.password, service_name: endpoint.serviceName });
  const token = field(answer.body, 'token');
  if (answer.status === 200 && typeof token === 'string' && /^[A-Za-z0-9\-._~+/]+=*$/.test(token)) return token;
  if (answer.status === 401 || answer.status === 403) {
    const said = field(answer.body, 'error');
    throw new MciasError(`MCIAS refused the login of ${credentials.username}${typeof said === 'string' ? `: ${said}` : ''}`, answer.status);
  }
  throw new MciasError(`MCIAS answered login with HTTP ${answer.status} and no usable token`, answer.status);
}

/** A daemon's validator: its token file (system accounts, local operators) first, then MCIAS when configured. */
export async function createDaemonValidator(options: {
  readonly tokenFile: string;
  readonly mcias?: { readonly serverUrl: string; readonly caPath?: string | undefined; readonly serviceName: string } | undefined;
  readonly clock: Clock;
}): Promise<TokenValidator> {
  const local = await createTokenFileValidator({ path: options.tokenFile });
  if (options.mcias === undefined) return local;
  const { caPath } = options.mcias;
  let caPem: string | undefined;
  if (caPath !== undefined) {
    try {
      caPem = await readFile(caPath, 'utf8');
    } catch (error) {
      throw new MciasError(`cannot read the MCIAS CA ${caPath} ([auth] mcias_ca): ${(error as Error).message}`, undefined, { cause: error });
    }
  }
  return firstKnowing([local, createMciasValidator({ serverUrl: options.mcias.serverUrl, caPem, serviceName: options.mcias.serviceName, clock: options.clock })]);
}
