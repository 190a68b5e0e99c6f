// RPC latency with the hardened wire (auth gate before the body, mutual TLS with a client certificate checked
// against the caller, audit to its own file) against the wire as it was (TLS without client certificates, the
// bearer token checked inside Connect, audit through the app logger), both measured in the same run on loopback:
// one unary call on a kept connection, and one call on a fresh connection (TLS handshake included). Prints figures,
// asserts nothing.
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { addTokenToFile, createAuthInterceptor, createCallSecurity, createTokenFileValidator, mcpPolicy, openAuditLog } from '@mcp/auth';
import { HealthCheckResponseSchema, McpAgentService } from '@mcp/proto';
import { comparisonLines, headerLine, interleaved, summarize, summaryLine } from '@mcp/testing';
import { clientTlsOptions, createCertificateAuthority, issueCertificate, serverTlsOptions } from '@mcp/tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGrpcClientTransport, startGrpcServer } from '../src/index.js';

const COUNT = 300;
// Each fresh-connection call leaves its session open until the client's idle timeout: more than a peer may hold.
const benchLimits = { maxConnectionsPerPeer: 1_000 };
const WARM_UPS = 30;

const dir = await mkdtemp(join(tmpdir(), 'mcp-bench-auth-'));
try {
  const ca = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'bench CA' });
  const serverCert = await issueCertificate({ authority: ca, dir, name: 'agent', commonName: 'agent-bench', altNames: ['localhost'], usage: 'server-and-client' });
  const masterCert = await issueCertificate({ authority: ca, dir, name: 'master', commonName: 'mcp-master', altNames: ['localhost'], usage: 'client' });
  const tokenFile = join(dir, 'tokens.toml');
  const token = await addTokenToFile(tokenFile, { name: 'mcp-master', account: 'system', roles: [] });
  const validator = await createTokenFileValidator({ path: tokenFile });
  const clock = { now: () => Date.now() };
  const routes = (router: Parameters<Parameters<typeof startGrpcServer>[0]['routes']>[0]) =>
    router.service(McpAgentService, { healthCheck: () => create(HealthCheckResponseSchema, { status: 'healthy' }) });

  // Before: bearer only, checked inside Connect, audit lines through the app logger (to a file, as a daemon's log).
  const appLog = await openAuditLog({ path: join(dir, 'app.log') });
  const before = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: await serverTlsOptions({ certPath: serverCert.chainPath, keyPath: serverCert.keyPath }),
    routes,
    limits: benchLimits,
    interceptors: [createAuthInterceptor({ validator, policy: mcpPolicy, log: appLog.log, clock })],
  });
  // After: gate before the body, mutual TLS, audit to its own file.
  const audit = await openAuditLog({ path: join(dir, 'audit.log') });
  const security = createCallSecurity({ validator, audit: audit.log, clock, peerIdentity: 'system-certificate' });
  const after = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    tls: await serverTlsOptions({ certPath: serverCert.chainPath, keyPath: serverCert.keyPath, caPath: ca.certPath }),
    routes,
    limits: benchLimits,
    gate: security.gate,
    onRefusal: security.onRefusal,
    interceptors: [security.interceptor],
  });

  const plainTls = await clientTlsOptions({ caPath: ca.certPath });
  const mutualTls = await clientTlsOptions({ caPath: ca.certPath, certPath: masterCert.chainPath, keyPath: masterCert.keyPath });
  const clientOf = (port: number, tls: typeof plainTls) =>
    createClient(McpAgentService, createGrpcClientTransport({ address: `localhost:${port}`, tls, token: () => token }));
  const timed = async (call: () => Promise<unknown>) => {
    const start = performance.now();
    await call();
    return performance.now() - start;
  };

  const keptBefore = clientOf(before.port, plainTls);
  const keptAfter = clientOf(after.port, mutualTls);
  const [keptBeforeMs = [], keptAfterMs = []] = await interleaved(
    [() => timed(() => keptBefore.healthCheck({})), () => timed(() => keptAfter.healthCheck({}))],
    { count: COUNT, warmUps: WARM_UPS },
  );
  // A fresh transport per call: a new HTTP/2 session, so a new TLS 1.3 handshake (with the client certificate).
  const [freshBeforeMs = [], freshAfterMs = []] = await interleaved(
    [() => timed(() => clientOf(before.port, plainTls).healthCheck({})), () => timed(() => clientOf(after.port, mutualTls).healthCheck({}))],
    { count: COUNT / 3, warmUps: 10 },
  );

  console.log(`unary HealthCheck on loopback, ${COUNT} calls each, interleaved`);
  console.log(headerLine());
  console.log(summaryLine('kept connection: bearer in Connect (before)', summarize(keptBeforeMs)));
  console.log(summaryLine('kept connection: gate + mTLS + audit file', summarize(keptAfterMs)));
  for (const line of comparisonLines(summarize(keptAfterMs), summarize(keptBeforeMs))) console.log(line);
  console.log(summaryLine('new connection: TLS, bearer (before)', summarize(freshBeforeMs)));
  console.log(summaryLine('new connection: mTLS handshake + gate', summarize(freshAfterMs)));
  for (const line of comparisonLines(summarize(freshAfterMs), summarize(freshBeforeMs))) console.log(line);

  await Promise.all([before.close(), after.close(), audit.close(), appLog.close()]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
