// The agents here are scripted McpAgentService servers over TLS 1.3 on loopback, standing in for
// mcp-agent only in this unit test of the client pool.
import { create } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import { HealthCheckResponseSchema, McpAgentService } from '@mcp/proto';
import { startGrpcServer, type RunningServer } from '@mcp/rpc';
import { createCertificateAuthority, issueCertificate, serverTlsOptions, type CertificateAuthority } from '@mcp/tls';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentClients, readMasterToken } from './agent-clients.js';
import type { AgentClients } from './deps.js';
import { connectFailureOf as failureOf } from '@mcp/testing';


describe('the agent client pool', () => {
  let dir: string;
  let platform: CertificateAuthority;
  let tokenPath: string;
  const servers: RunningServer[] = [];
  const pools: AgentClients[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-agent-clients-'));
    platform = await createCertificateAuthority({ dir: join(dir, 'platform'), commonName: 'platform CA' });
    tokenPath = join(dir, 'master.token');
    await writeFile(tokenPath, 'mcp_master_secret\n', { mode: 0o600 });
  });
  afterEach(async () => {
    for (const pool of pools.splice(0)) pool.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A scripted agent whose HealthCheck records the authorization header, or never answers. */
  async function agent(options: { authority?: CertificateAuthority; hang?: boolean } = {}) {
    const authority = options.authority ?? platform;
    const leaf = await issueCertificate({ authority, dir: await mkdtemp(join(dir, 'agent-')), name: 'agent', commonName: 'agent', altNames: ['127.0.0.1'] });
    const seen: string[] = [];
    const server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      tls: await serverTlsOptions({ certPath: leaf.chainPath, keyPath: leaf.keyPath }),
      interceptors: [],
      routes: (router) =>
        router.service(McpAgentService, {
          healthCheck(_request, context) {
            seen.push(context.requestHeader.get('authorization') ?? '');
            if (options.hang === true) return new Promise<never>(() => {});
            return create(HealthCheckResponseSchema, { status: 'healthy', containers: 2 });
          },
        }),
    });
    servers.push(server);
    return { address: `127.0.0.1:${server.port}`, seen };
  }

  async function pool(timeoutMs = 5000): Promise<AgentClients> {
    const clients = await loadAgentClients({ caPath: platform.certPath, tokenPath, timeoutMs });
    pools.push(clients);
    return clients;
  }

  it('calls an agent with the master’s token over TLS verified against the platform CA', async () => {
    const { address, seen } = await agent();
    const answer = await (await pool()).forAddress(address).healthCheck({});
    expect(answer.containers).toBe(2);
    expect(seen).toEqual(['Bearer mcp_master_secret']);
  });

  it('keeps one client per address', async () => {
    const clients = await pool();
    expect(clients.forAddress('127.0.0.1:1')).toBe(clients.forAddress('127.0.0.1:1'));
    expect(clients.forAddress('127.0.0.1:1')).not.toBe(clients.forAddress('127.0.0.1:2'));
  });

  it('refuses an agent whose certificate another CA signed, without sending the token', async () => {
    const stranger = await createCertificateAuthority({ dir: join(dir, `stranger-${Date.now()}`), commonName: 'stranger CA' });
    const { address, seen } = await agent({ authority: stranger });
    const error = await failureOf((await pool()).forAddress(address).healthCheck({}));
    expect(error.rawMessage).toMatch(/certificate/);
    expect(seen).toEqual([]);
  });

  it('gives a call that sets no deadline the default timeout', async () => {
    const { address } = await agent({ hang: true });
    const error = await failureOf((await pool(200)).forAddress(address).healthCheck({}));
    expect(error.code).toBe(Code.DeadlineExceeded);
  });
});

describe('readMasterToken', () => {
  it('reads one token, without its line end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-master-token-'));
    await writeFile(join(dir, 't'), 'mcp_abc\n', { mode: 0o600 });
    expect(await readMasterToken(join(dir, 't'))).toBe('mcp_abc');
  });

  it('refuses a token file that group or others may read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-master-token-'));
    await writeFile(join(dir, 't'), 'mcp_abc\n', { mode: 0o640 });
    await expect(readMasterToken(join(dir, 't'))).rejects.toThrow(/\(agents.token_path\) is refused: readable or writable by group or others \(mode 640\); chmod 600 it/);
  });

  it('names the file and the key when the file is missing', async () => {
    await expect(readMasterToken('/nonexistent/master.token')).rejects.toThrow(
      /cannot read the master's token file \/nonexistent\/master.token \(agents.token_path\): ENOENT/,
    );
  });

  it('refuses a file that holds more than one token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-master-token-'));
    await writeFile(join(dir, 't'), 'mcp_a\nmcp_b\n');
    await chmod(join(dir, 't'), 0o600);
    await expect(readMasterToken(join(dir, 't'))).rejects.toThrow(/must hold one token on one line/);
  });
});
