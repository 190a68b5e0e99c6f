// What every call carries, to the master and to agents: the bearer token (`[auth] token_path`) and the CA
// (`[tls] ca_cert`) servers are verified against, TLS 1.3 only.
import { clientTlsOptions, TlsError } from '@mcp/tls';
import { readFile } from 'node:fs/promises';
import type { SecureClientSessionOptions } from 'node:http2';
import { describeConfigSource, type CliConfig } from './config.js';
import { CliError, exitCodes } from './errors.js';

export interface Credentials {
  readonly token: string;
  readonly tls: SecureClientSessionOptions;
}

/** Reads the token and the CA; either missing is bad input (exit 2). */
export async function loadCredentials(config: CliConfig): Promise<Credentials> {
  const [token, tls] = await Promise.all([readToken(config), tlsOptions(config)]);
  return { token, tls };
}

async function readToken(config: CliConfig): Promise<string> {
  const where = `[auth] token_path in ${describeConfigSource(config)}`;
  let text: string;
  try {
    text = await readFile(config.tokenPath, 'utf8');
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    const reason = missing ? 'does not exist' : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw new CliError(
      'unauthenticated',
      `no token: ${config.tokenPath} (${where}) ${reason}; run "mcp login" to get a token, or set token_path to the token file`,
      exitCodes.badInput,
      { cause: error },
    );
  }
  const token = text.trim();
  if (token === '') {
    throw new CliError('unauthenticated', `no token: ${config.tokenPath} (${where}) is empty; run "mcp login" to get a token`, exitCodes.badInput);
  }
  return token;
}

// Without [tls] ca_cert the agents' certificates are checked against Node's public roots, still TLS 1.3 only.
async function tlsOptions(config: CliConfig): Promise<SecureClientSessionOptions> {
  if (config.caCertPath === undefined) return { minVersion: 'TLSv1.3', ALPNProtocols: ['h2'], rejectUnauthorized: true };
  try {
    return await clientTlsOptions({ caPath: config.caCertPath });
  } catch (error) {
    if (!(error instanceof TlsError)) throw error;
    throw new CliError('config', `${error.message} ([tls] ca_cert in ${describeConfigSource(config)})`, exitCodes.badInput, {
      cause: error,
    });
  }
}
