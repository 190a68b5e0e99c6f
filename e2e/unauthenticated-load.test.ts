// Nothing costly before authentication (SPEC §9), against the built agent over real TLS: unauthenticated 100 MB
// requests and 1,000 idle unauthenticated streams are refused from their headers, the agent's memory hardly grows,
// an operator keeps being served meanwhile, and every refusal is in the audit trail with the peer address.
import { createClient } from '@connectrpc/connect';
import { McpAgentService } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { createTempDir, type TempDir } from '@mcp/testing';
import { clientTlsOptions } from '@mcp/tls';
import { readFile } from 'node:fs/promises';
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess;
let ca: Buffer;
const sessions: ClientHttp2Session[] = [];

beforeAll(async () => {
  dir = await createTempDir('mcp-e2e-unauth-load');
  fleet = await createTestFleet(dir.path);
  agent = await startAgentProcess(fleet);
  ca = await readFile(fleet.authority.certPath);
});

afterAll(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  await agent?.stop();
  await dir?.remove();
});

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb * 1024;
}

function session(): ClientHttp2Session {
  const opened = connect(`https://${agent.address}`, { ca, servername: 'localhost', minVersion: 'TLSv1.3' });
  opened.on('error', () => undefined);
  sessions.push(opened);
  return opened;
}

/**
 * Opens a gRPC stream without credentials; `status` resolves with the grpc-status of the server's answer (a
 * trailers-only answer comes as response headers), after which the stream is dropped, as a client does.
 */
function unauthenticatedStream(on: ClientHttp2Session, path: string): { stream: ClientHttp2Stream; status: Promise<string | undefined> } {
  const stream = on.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' }, { endStream: false });
  stream.on('error', () => undefined);
  const status = new Promise<string | undefined>((resolve) => {
    stream.once('response', (headers) => {
      resolve(headers['grpc-status'] as string | undefined);
      stream.destroy();
    });
    stream.once('close', () => resolve(undefined));
  });
  return { stream, status };
}

/** Pushes up to `totalBytes` into the stream, honouring flow control, until the server has answered; bytes written. */
async function push(stream: ClientHttp2Stream, answered: Promise<unknown>, totalBytes: number): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  // A gRPC frame header announcing one 100 MB message.
  const header = Buffer.alloc(5);
  header.writeUInt32BE(totalBytes, 1);
  let done = false;
  void answered.then(() => (done = true));
  const drained = () => Promise.race([new Promise((resolve) => stream.once('drain', resolve)), answered]);
  if (!stream.write(header)) await drained();
  let sent = 0;
  while (!done && !stream.destroyed && sent < totalBytes) {
    const accepted = stream.write(chunk);
    sent += chunk.length;
    if (!accepted) await drained();
  }
  return sent;
}

async function refusedAuditLines(): Promise<number> {
  return (await agent.auditLines()).filter((line) => line['decision'] === 'refused' && line['caller'] === null && line['peer'] === '127.0.0.1').length;
}

describe('the agent before authentication', () => {
  it('refuses 100 MB requests and 1,000 idle streams without credentials, keeps its memory and serves an operator', async () => {
    const pid = agent.pid();
    if (pid === undefined) throw new Error('the agent has no pid');
    const operator = createClient(
      McpAgentService,
      createGrpcClientTransport({ address: agent.address, tls: await clientTlsOptions({ caPath: fleet.authority.certPath }), token: () => fleet.tokens.operator }),
    );
    await operator.nodeStatus({});
    const auditedBefore = await refusedAuditLines();
    const rssBefore = await rssBytes(pid);

    // Four 100 MB requests, on a unary RPC and on the streaming upload, at once.
    const big = 100 * 1024 * 1024;
    const heavy = session();
    const uploads = ['/mcp.v1.McpAgentService/Deploy', '/mcp.v1.McpAgentService/PushFileStream', '/mcp.v1.McpAgentService/ImportServiceData', '/mcp.v1.McpAgentService/Deploy'].map((path) => {
      const { stream, status } = unauthenticatedStream(heavy, path);
      return Promise.all([status, push(stream, status, big)]);
    });

    // 1,000 idle streams (headers, never a body) over 20 connections.
    const idle: Promise<string | undefined>[] = [];
    for (let connection = 0; connection < 20; connection += 1) {
      const on = session();
      for (let index = 0; index < 50; index += 1) idle.push(unauthenticatedStream(on, '/mcp.v1.McpAgentService/Logs').status);
    }

    // Meanwhile an operator is served.
    const served = await operator.nodeStatus({});
    expect(served.node).toBe(agent.node);

    const uploaded = await Promise.all(uploads);
    expect(uploaded.map(([status]) => status)).toEqual(['16', '16', '16', '16']);
    // The body was never read: each upload got no further than the connection's flow-control windows.
    for (const [, sent] of uploaded) expect(sent).toBeLessThan(big / 10);
    const statuses = await Promise.all(idle);
    expect(statuses.filter((status) => status === '16')).toHaveLength(1000);

    expect(await rssBytes(pid)).toBeLessThan(rssBefore + 50 * 1024 * 1024);
    expect((await operator.nodeStatus({})).node).toBe(agent.node);

    const wanted = auditedBefore + 1004;
    let audited = await refusedAuditLines();
    for (let attempt = 0; attempt < 100 && audited < wanted; attempt += 1) {
      await delay(100);
      audited = await refusedAuditLines();
    }
    expect(audited).toBe(wanted);
  });
});
