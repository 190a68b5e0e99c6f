// The agent as a foreign client sees it: gRPC over TLS 1.3 only, bearer tokens, caller classes, audit.
import { create } from '@bufbuild/protobuf';
import { Code, createClient } from '@connectrpc/connect';
import { DeployRequestSchema, McpAgentService, ServiceSpecSchema } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { createTempDir, type TempDir } from '@mcp/testing';
import { clientTlsOptions } from '@mcp/tls';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';
import { repo, run } from './support/programs.js';
import { connectFailureOf as failureOf } from '@mcp/testing';

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess;

beforeAll(async () => {
  dir = await createTempDir('mcp-e2e-grpc');
  fleet = await createTestFleet(dir.path);
  agent = await startAgentProcess(fleet);
});

afterAll(async () => {
  await agent?.stop();
  await dir?.remove();
});

function bufCurl(args: readonly string[]) {
  return run('pnpm', ['exec', 'buf', 'curl', '--schema', 'proto', ...args], { cwd: repo, timeoutMs: 60_000 });
}

const nodeStatusPath = () => `/mcp.v1.McpAgentService/NodeStatus`;

/** A client with `token`; `asAgent` also presents the agent's own certificate (agent-<node>), as system accounts must. */
async function client(token: string, asAgent = false) {
  const own = { certPath: join(agent.home.dir, 'tls', 'agent.chain.pem'), keyPath: join(agent.home.dir, 'tls', 'agent.key') };
  const tls = await clientTlsOptions({ caPath: fleet.authority.certPath, ...(asAgent ? own : {}) });
  return createClient(McpAgentService, createGrpcClientTransport({ address: agent.address, tls, token: () => token }));
}


/** The first audit line matching `wanted`, from the agent's audit file (written asynchronously, so poll for it). */
async function auditLine(wanted: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | undefined> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await agent.auditLines()).find((line) => line['msg'] === 'rpc audit' && wanted(line));
    if (found !== undefined || Date.now() > deadline) return found;
    await delay(50);
  }
}

describe('agent over the wire', () => {
  it('answers NodeStatus to a foreign gRPC client over TLS that trusts the fleet CA', async () => {
    const result = await bufCurl([
      '--protocol', 'grpc',
      '--cacert', fleet.authority.certPath,
      '-H', `authorization: Bearer ${fleet.tokens.operator}`,
      '-d', '{}',
      `https://${agent.address}${nodeStatusPath()}`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const answer = JSON.parse(result.stdout) as { node: string; capabilities: string[] };
    expect(answer.node).toBe(agent.node);
    expect(answer.capabilities).toContain('Deploy');
    expect(answer.capabilities).toContain('ListProxyRoutes');
    expect(answer.capabilities).toContain('ListDNSRecords');
  });

  it('refuses the same call over plaintext HTTP/2', async () => {
    const result = await bufCurl([
      '--protocol', 'grpc', '--http2-prior-knowledge',
      '-H', `authorization: Bearer ${fleet.tokens.operator}`,
      '-d', '{}',
      `http://${agent.address}${nodeStatusPath()}`,
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).not.toContain(agent.node);
  });

  it('refuses the same call over the Connect protocol', async () => {
    const result = await bufCurl([
      '--protocol', 'connect',
      '--cacert', fleet.authority.certPath,
      '-H', `authorization: Bearer ${fleet.tokens.operator}`,
      '-d', '{}',
      `https://${agent.address}${nodeStatusPath()}`,
    ]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).not.toContain(agent.node);
    expect(result.stderr).toMatch(/415|unimplemented|unknown/i);
  });

  it('answers Unauthenticated without a token, and audits the refusal', async () => {
    const error = await failureOf((await client('')).nodeStatus({}));
    expect(error.code).toBe(Code.Unauthenticated);
    const refused = await auditLine((line) => line['decision'] === 'refused' && line['caller'] === null);
    expect(refused).toMatchObject({ rpc: '/mcp.v1.McpAgentService/NodeStatus', outcome: 'unauthenticated' });
  });

  it('answers PermissionDenied to an agent identity calling Deploy, and audits it with the caller', async () => {
    const agentToken = fleet.tokens.agents[agent.node] ?? '';
    const request = create(DeployRequestSchema, {
      service: create(ServiceSpecSchema, { name: 'hello', active: true }),
    });
    const error = await failureOf((await client(agentToken, true)).deploy(request));
    expect(error.code).toBe(Code.PermissionDenied);
    // Without its certificate the same token does not even authenticate.
    expect((await failureOf((await client(agentToken)).deploy(request))).code).toBe(Code.Unauthenticated);
    const line = await auditLine(
      (entry) => entry['rpc'] === '/mcp.v1.McpAgentService/Deploy' && entry['caller'] === `agent-${agent.node}`,
    );
    expect(line).toMatchObject({ decision: 'refused', outcome: 'permission_denied' });
  });

  it('audits accepted calls with the caller and never writes a token to its log', async () => {
    await (await client(fleet.tokens.operator)).healthCheck({}).catch(() => undefined);
    await (await client(fleet.tokens.operator)).listServices({});
    const accepted = await auditLine(
      (line) => line['rpc'] === '/mcp.v1.McpAgentService/ListServices' && line['caller'] === 'operator',
    );
    expect(accepted).toMatchObject({ decision: 'accepted', outcome: 'ok' });
    const log = await readFile(`${agent.home.dir}/agent.log`, 'utf8');
    for (const token of [fleet.tokens.operator, fleet.tokens.master, ...Object.values(fleet.tokens.agents)]) {
      expect(log).not.toContain(token);
    }
  });
});
