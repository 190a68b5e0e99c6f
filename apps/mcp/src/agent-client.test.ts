import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { RestartServiceResponseSchema } from '@mcp/proto';
import { createCertificateAuthority } from '@mcp/tls';
import { describe, expect, it } from 'vitest';
import { useFakeFleet } from './fake-fleet.js';

const fleet = useFakeFleet();
const restarted = () => create(RestartServiceResponseSchema, { success: true });
const refusing = (code: Code, message: string) => ({
  restartService: () => {
    throw new ConnectError(message, code);
  },
});

describe('credentials', () => {
  it('sends the token of [auth] token_path, trimmed, as a bearer token', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted } }]);
    await f.mcp('restart', 'web');
    expect(f.agent('rift').calls.map((call) => call.authorization)).toEqual(['Bearer operator-token', 'Bearer operator-token']);
  });

  it('exits 2 when the token file is missing, saying where it looked and to run mcp login', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted } }], { token: null });
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: no token: ${f.tokenPath} ([auth] token_path in ${f.configPath}) does not exist; run "mcp login" to get a token, or set token_path to the token file\n`,
    ]);
  });

  it('exits 2 when the token file is empty', async () => {
    const f = await fleet.start([{ name: 'rift' }], { token: '  \n' });
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([2, expect.stringContaining(`${f.tokenPath} ([auth] token_path in ${f.configPath}) is empty`)]);
  });

  it('exits 2 naming [tls] ca_cert when the CA file cannot be read', async () => {
    const f = await fleet.start([{ name: 'rift' }]);
    const missingCa = `${f.sandbox.root}/missing-ca.pem`;
    await f.sandbox.write(f.configPath, `[auth]\ntoken_path = "token"\n[tls]\nca_cert = "${missingCa}"\n[[nodes]]\nname = "rift"\naddress = "${f.agent('rift').address}"\n`);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([2, expect.stringMatching(new RegExp(`${missingCa}.*\\(\\[tls\\] ca_cert in ${f.configPath}\\)\\n$`))]);
  });
});

describe('errors from the agent', () => {
  it('exits 2 with the server message when the agent refuses the token', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted } }], { token: 'stale-token' });
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: node rift (${f.agent('rift').address}) refused the token for NodeStatus: invalid or expired token; run "mcp login" for a fresh token\n`,
    ]);
  });

  it('exits 2 with the server message on PermissionDenied', async () => {
    const f = await fleet.start([{ name: 'rift', script: refusing(Code.PermissionDenied, 'guests may not restart services') }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([
      2,
      `mcp: node rift (${f.agent('rift').address}) does not allow RestartService for this token: guests may not restart services\n`,
    ]);
  });

  it('exits 2 with the server message on InvalidArgument', async () => {
    const f = await fleet.start([{ name: 'rift', script: refusing(Code.InvalidArgument, 'component "db" is not defined') }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web/db');
    expect([exitCode, stderr]).toEqual([2, `mcp: node rift (${f.agent('rift').address}) refused RestartService: component "db" is not defined\n`]);
  });

  it('exits 2 on NotFound', async () => {
    const f = await fleet.start([{ name: 'rift', script: refusing(Code.NotFound, 'service web is not deployed here') }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([2, `mcp: node rift (${f.agent('rift').address}): service web is not deployed here\n`]);
  });

  it('exits 1 naming the RPC and the code when the operation failed on the node', async () => {
    const f = await fleet.start([{ name: 'rift', script: refusing(Code.FailedPrecondition, 'podman is not responding') }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([
      1,
      `mcp: RestartService failed on node rift (${f.agent('rift').address}): podman is not responding [FailedPrecondition]\n`,
    ]);
  });

  it('exits 1 naming the node and its address when nothing answers there', async () => {
    const f = await fleet.start([{ name: 'rift' }]);
    await f.agent('rift').close();
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([1, expect.stringMatching(new RegExp(`^mcp: cannot reach node rift at ${f.agent('rift').address} \\(NodeStatus\\): `))]);
  });

  it('exits 1 when the agent presents a certificate the configured CA did not sign', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted } }]);
    const other = await createCertificateAuthority({ dir: f.sandbox.root, commonName: 'some other CA' });
    await f.sandbox.write(f.configPath, `[auth]\ntoken_path = "token"\n[tls]\nca_cert = "${other.certPath}"\n[[nodes]]\nname = "rift"\naddress = "${f.agent('rift').address}"\n`);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr, f.agent('rift').calls]).toEqual([
      1,
      `mcp: node rift (${f.agent('rift').address}): its certificate does not verify against the configured CA (self-signed certificate in certificate chain, SELF_SIGNED_CERT_IN_CHAIN); check [tls] ca_cert and the node's certificate\n`,
      [],
    ]);
  });

  it('prints {error:{code,message}} under --json', async () => {
    const f = await fleet.start([{ name: 'rift', script: refusing(Code.PermissionDenied, 'no') }]);
    const { exitCode, stdout, stderr } = await f.mcp('restart', 'web', '--json');
    expect([exitCode, JSON.parse(stdout), stderr]).toEqual([
      2,
      { error: { code: 'permission_denied', message: `node rift (${f.agent('rift').address}) does not allow RestartService for this token: no` } },
      '',
    ]);
  });
});

describe('capabilities', () => {
  it('says what an older agent lacks instead of calling it, and exits 1', async () => {
    const f = await fleet.start([{ name: 'rift', script: { restartService: restarted }, capabilities: ['NodeStatus', 'Deploy'] }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr, f.agent('rift').requests('restartService')]).toEqual([
      1,
      `mcp: node rift (${f.agent('rift').address}) runs mcp-agent 0.1.0-fake, which lacks RestartService; upgrade mcp-agent on rift to use this command\n`,
      [],
    ]);
  });

  it('calls an agent that predates NodeStatus and reports Unimplemented as the agent lacking the RPC', async () => {
    const f = await fleet.start([{ name: 'rift', withoutNodeStatus: true }]);
    const { exitCode, stderr } = await f.mcp('restart', 'web');
    expect([exitCode, stderr]).toEqual([1, expect.stringContaining(`node rift (${f.agent('rift').address}) does not implement RestartService (`)]);
  });
});
