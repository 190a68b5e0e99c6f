import { Code, createClient, type Client } from '@connectrpc/connect';
import { mintFleetTokens, writeMasterHome } from '@mcp/dev-fleet';
import { McpMasterService } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { clientTlsOptions, createCertificateAuthority, issueCertificate } from '@mcp/tls';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMasterConfig } from './config.js';
import type { IntervalTimer } from './health-monitor.js';
import { createNodeRpcs } from './rpc/node-rpcs.js';
import { startMaster, type RunningMaster } from './start-master.js';
import { captureLog } from './testing/scripted-agents.js';

interface Started {
  readonly master: RunningMaster;
  readonly as: (token: string, certificate?: { certPath: string; keyPath: string }) => Client<typeof McpMasterService>;
  readonly agentCertificate: (node: string) => Promise<{ certPath: string; keyPath: string }>;
  readonly tokens: Awaited<ReturnType<typeof mintFleetTokens>>;
}

describe('startMaster', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A master from a dev fleet home on loopback, port 0, with ticks the test fires. */
  async function start(options: { bootstrapAddress?: string; timer?: IntervalTimer } = {}): Promise<Started> {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-start-master-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'test CA' });
    const tokenFile = join(dir, 'tokens.toml');
    const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes: ['rift', 'orion'] });
    const home = await writeMasterHome({
      dir: join(dir, 'master'),
      node: 'rift',
      host: '127.0.0.1',
      port: 0,
      authority,
      tokenFile,
      masterToken: tokens.master,
      allowNodes: ['orion'],
      bootstrapNodes: options.bootstrapAddress === undefined ? [] : [{ name: 'rift', role: 'master', address: options.bootstrapAddress }],
    });
    const config = await loadMasterConfig({ path: home.configPath, env: {} });
    const groups = [
      createNodeRpcs({ masterNode: 'rift', allowNodes: config.registration.allowNodes, maxNodes: 16, heartbeatIntervalMs: 30_000 }),
    ];
    const master = await startMaster({ config, log: captureLog().log, version: '0.0.0-test', groups, ...(options.timer ? { timer: options.timer } : {}) });
    cleanups.push(() => master.close());
    const tls = await clientTlsOptions({ caPath: authority.certPath });
    const as = (token: string, certificate?: { certPath: string; keyPath: string }) => {
      const withCertificate = certificate === undefined ? tls : { ...tls, cert: readFileSync(certificate.certPath), key: readFileSync(certificate.keyPath) };
      return createClient(McpMasterService, createGrpcClientTransport({ address: master.address, tls: withCertificate, token: () => token }));
    };
    const agentCertificate = (node: string) =>
      issueCertificate({ authority, dir: join(dir, 'agents'), name: node, commonName: `agent-${node}`, altNames: ['localhost'], usage: 'client' });
    return { master, as, tokens, agentCertificate };
  }

  it('serves Register over mutual TLS to an agent identity, recording the node in master.db', async () => {
    const { master, as, tokens, agentCertificate } = await start();
    const answer = await as(tokens.agents['orion'] ?? '', await agentCertificate('orion')).register({ name: 'orion', role: 'worker', address: '127.0.0.9:9444' });
    expect(answer.accepted).toBe(true);
    expect(master.deps.store.findNode('orion')?.address).toBe('127.0.0.9:9444');
  });

  it("refuses an agent's token without its certificate, or with another agent's, and audits both with the peer", async () => {
    const { master, as, tokens, agentCertificate } = await start();
    const request = { name: 'orion', role: 'worker', address: '127.0.0.9:9444' };
    await expect(as(tokens.agents['orion'] ?? '').register(request)).rejects.toMatchObject({ code: Code.Unauthenticated });
    await expect(as(tokens.agents['orion'] ?? '', await agentCertificate('rift')).register(request)).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(master.deps.store.findNode('orion')).toBeUndefined();
    await master.close();
    const audit = readFileSync(master.auditFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit.filter((record) => record['decision'] === 'refused')).toEqual([
      expect.objectContaining({ caller: 'agent-orion', peer: '127.0.0.1', outcome: 'unauthenticated', reason: expect.stringMatching(/without agent-orion's client certificate/) }),
      expect.objectContaining({ caller: 'agent-orion', peer: '127.0.0.1', outcome: 'unauthenticated', reason: expect.stringMatching(/certificate of agent-rift/) }),
    ]);
  });

  it('lists the RPCs its groups implement and answers the deferred ones with Unimplemented', async () => {
    const { master, as, tokens } = await start();
    expect(master.implemented).toEqual(['ListNodes', 'AddNode', 'RemoveNode', 'Register', 'Heartbeat']);
    await expect(as(tokens.operator).listSnapshots({})).rejects.toMatchObject({ code: Code.Unimplemented });
  });

  it('keeps its database and audit trail owner-only', async () => {
    const { master } = await start();
    for (const file of [join(dirname(master.auditFile), 'master.db'), master.auditFile]) expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it('records the bootstrap nodes of its config as unknown', async () => {
    const { master } = await start({ bootstrapAddress: '127.0.0.1:9444' });
    expect(master.deps.store.findNode('rift')).toMatchObject({ role: 'master', address: '127.0.0.1:9444', status: 'unknown' });
  });

  it('schedules the health monitor on its check period and cancels it on close', async () => {
    const scheduled: number[] = [];
    let cancelled = false;
    const timer: IntervalTimer = {
      every: (periodMs) => {
        scheduled.push(periodMs);
        return { cancel: () => void (cancelled = true) };
      },
    };
    const { master } = await start({ timer });
    expect(scheduled).toEqual([10_000]);
    await master.close();
    expect(cancelled).toBe(true);
  });
});
