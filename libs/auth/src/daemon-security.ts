// What mcp-agent and mcp-master set up alike before serving: an owner-only data dir and database, the validator
// (token file, then MCIAS), the audit stream, the gate, interceptor and refusal auditor built on them, and the
// server's TLS options (with the client CA when mutual TLS is on).
import { mkdir } from 'node:fs/promises';
import type { SecureServerOptions } from 'node:http2';
import { serverTlsOptions } from '@mcp/tls';
import { openAuditLog, type AuditLog } from './audit-log.js';
import { createCallSecurity, type CallSecurity } from './call-security.js';
import { createDaemonValidator } from './mcias.js';
import { makeOwnerOnly } from './secret-file.js';

export interface DaemonSecurityOptions {
  readonly daemon: 'mcp-agent' | 'mcp-master';
  readonly node: string;
  readonly dataDir: string;
  /** The daemon's SQLite file: it holds secrets (env values), so it is made owner-only before it is opened. */
  readonly databasePath: string;
  readonly tokenFile: string;
  readonly mcias: { readonly serverUrl: string; readonly caPath: string | undefined; readonly serviceName: string } | undefined;
  /** `[server] tls_cert`, `tls_key` and `client_ca` (set: system accounts need their own client certificate). */
  readonly tls: { readonly certPath: string; readonly keyPath: string; readonly clientCaPath: string | undefined };
  readonly auditFile: string;
  readonly log: { warn(fields: Record<string, unknown>, message: string): void };
}

export interface DaemonSecurity {
  readonly security: CallSecurity;
  readonly audit: AuditLog;
  /** The server's certificate and key, and the client CA when mutual TLS is on. */
  readonly tls: SecureServerOptions;
}

export async function openDaemonSecurity(options: DaemonSecurityOptions): Promise<DaemonSecurity> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  await makeOwnerOnly(options.databasePath);
  const clock = { now: () => Date.now() };
  const validator = await createDaemonValidator({ tokenFile: options.tokenFile, mcias: options.mcias, clock });
  if (options.tls.clientCaPath === undefined) {
    options.log.warn({ key: 'server.client_ca' }, 'mutual TLS is off: system accounts (mcp-master, agent-<node>) are recognised by their bearer tokens alone; set server.client_ca');
  }
  const audit = await openAuditLog({ path: options.auditFile, base: { node: options.node, daemon: options.daemon } });
  const security = createCallSecurity({
    validator,
    audit: audit.log,
    clock,
    peerIdentity: options.tls.clientCaPath === undefined ? 'bearer' : 'system-certificate',
  });
  const { certPath, keyPath, clientCaPath } = options.tls;
  const tls = await serverTlsOptions({ certPath, keyPath, ...(clientCaPath === undefined ? {} : { caPath: clientCaPath }) });
  return { security, audit, tls };
}
