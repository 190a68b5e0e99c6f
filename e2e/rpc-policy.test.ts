// The authorization table over the wire, generated from it: every RPC of both services × every caller class, against
// the built mcp-agent and mcp-master with mutual TLS, gets the code the policy table says (SPEC §9). An RPC added to
// the proto without an entry in the table fails here.
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { addTokenToFile, agentServiceName, allowedCallerClasses, classifyRpc, masterServiceName, type CallerClass } from '@mcp/auth';
import { McpAgentService, McpMasterService } from '@mcp/proto';
import { createGrpcClientTransport } from '@mcp/rpc';
import { createTempDir, uniqueNode, type TempDir } from '@mcp/testing';
import { clientTlsOptions, issueCertificate } from '@mcp/tls';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestFleet, startAgentProcess, type AgentProcess, type TestFleet } from './support/agent-process.js';
import type { LogLine } from './support/daemon-process.js';
import { startMasterProcess, type MasterProcess } from './support/master-process.js';

/** The callers of the issue's matrix: which credentials each presents, and its class in the policy. */
type Caller = 'operator' | 'guest' | 'agent-self' | 'agent-other' | 'master' | 'no credentials' | 'master token without certificate';
const callers: readonly Caller[] = ['operator', 'guest', 'agent-self', 'agent-other', 'master', 'no credentials', 'master token without certificate'];
const classOf: Record<Caller, CallerClass | undefined> = {
  operator: 'human',
  guest: 'guest',
  'agent-self': 'agent',
  'agent-other': 'agent',
  master: 'master',
  'no credentials': undefined,
  'master token without certificate': undefined,
};

/** What the table says a caller gets: refused with a code, or admitted (the handler then answers as it will). */
function expected(service: string, method: string, caller: Caller): Code | 'admitted' {
  if (classifyRpc(service, method) === 'unknown') throw new Error(`${service}/${method} has no entry in the policy table (libs/auth/src/policy.ts)`);
  const callerClass = classOf[caller];
  if (callerClass === undefined) return Code.Unauthenticated;
  return allowedCallerClasses(service, method).includes(callerClass) ? 'admitted' : Code.PermissionDenied;
}

let dir: TempDir;
let fleet: TestFleet;
let agent: AgentProcess;
let master: MasterProcess;
const self = uniqueNode();
const other = uniqueNode();
const credentials = new Map<Caller, { token: string; certificate?: { certPath: string; keyPath: string } }>();

beforeAll(async () => {
  dir = await createTempDir('mcp-e2e-rpc-policy');
  fleet = await createTestFleet(dir.path, [self, other]);
  const guest = await addTokenToFile(fleet.tokenFile, { name: 'visitor', account: 'human', roles: ['guest'] });
  const certificate = async (name: string) =>
    issueCertificate({ authority: fleet.authority, dir: `${dir.path}/clients`, name, commonName: name, altNames: ['localhost'], usage: 'client' });
  credentials.set('operator', { token: fleet.tokens.operator });
  credentials.set('guest', { token: guest });
  credentials.set('agent-self', { token: fleet.tokens.agents[self] ?? '', certificate: await certificate(`agent-${self}`) });
  credentials.set('agent-other', { token: fleet.tokens.agents[other] ?? '', certificate: await certificate(`agent-${other}`) });
  credentials.set('master', { token: fleet.tokens.master, certificate: await certificate('mcp-master') });
  credentials.set('no credentials', { token: '' });
  credentials.set('master token without certificate', { token: fleet.tokens.master });
  [agent, master] = await Promise.all([
    startAgentProcess(fleet, { node: self }),
    startMasterProcess({ dir: dir.path, node: uniqueNode(), credentials: fleet, allowNodes: [self, other] }),
  ]);
});

afterAll(async () => {
  await Promise.all([agent?.stop(), master?.stop()]);
  await dir?.remove();
});

async function clientFor<S extends typeof McpAgentService | typeof McpMasterService>(service: S, address: string, caller: Caller): Promise<Client<S>> {
  const { token, certificate } = credentials.get(caller) ?? { token: '' };
  const tls = await clientTlsOptions({ caPath: fleet.authority.certPath, ...(certificate ?? {}) });
  // No token at all (''): the transport sends no authorization header.
  return createClient(service, createGrpcClientTransport({ address, tls, token: () => token, timeoutMs: 30_000 }));
}

/** Calls `method` with an empty request in whatever shape it takes; the code it ends with, or undefined for OK. */
async function codeOfCall(client: Client<typeof McpAgentService> | Client<typeof McpMasterService>, method: (typeof McpAgentService.methods)[number] | (typeof McpMasterService.methods)[number]): Promise<Code | undefined> {
  const call = (client as unknown as Record<string, (input: unknown) => unknown>)[method.localName];
  if (call === undefined) throw new Error(`no client method ${method.localName}`);
  try {
    if (method.methodKind === 'unary') await call.call(client, {});
    else if (method.methodKind === 'server_streaming') for await (const _ of call.call(client, {}) as AsyncIterable<unknown>) void _;
    else await call.call(client, (async function* () {})());
    return undefined;
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

interface Outcome {
  readonly rpc: string;
  readonly caller: Caller;
  readonly code: Code | undefined;
  readonly expected: Code | 'admitted';
}

async function sweep(service: typeof McpAgentService | typeof McpMasterService, address: string): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const caller of callers) {
    const client = (await clientFor(service, address, caller)) as Client<typeof McpAgentService>;
    for (const method of service.methods) {
      outcomes.push({ rpc: method.name, caller, code: await codeOfCall(client, method), expected: expected(service.typeName, method.name, caller) });
    }
  }
  return outcomes;
}

/** Refused cells must end with their code; admitted ones with anything but the codes of a refusal (an empty request
 * reaches the handler, which answers as it will: OK, InvalidArgument, NotFound…). */
function mismatches(outcomes: readonly Outcome[]): string[] {
  return outcomes
    .filter(({ code, expected: want }) => (want === 'admitted' ? code === Code.Unauthenticated || code === Code.PermissionDenied : code !== want))
    .map(({ rpc, caller, code, expected: want }) => `${rpc} as ${caller}: got ${code === undefined ? 'OK' : Code[code]}, expected ${want === 'admitted' ? 'admitted' : Code[want]}`);
}

/** The audit trail agrees: one refused record per refused cell, one accepted record per admitted one. */
async function auditAgrees(lines: () => Promise<LogLine[]>, service: string, outcomes: readonly Outcome[]): Promise<void> {
  const want = { refused: outcomes.filter((o) => o.expected !== 'admitted').length, accepted: outcomes.filter((o) => o.expected === 'admitted').length };
  const count = async () => {
    const records = (await lines()).filter((line) => line['msg'] === 'rpc audit' && String(line['rpc']).startsWith(`/${service}/`) && line['peer'] === '127.0.0.1');
    return {
      refused: records.filter((line) => line['decision'] === 'refused').length,
      accepted: records.filter((line) => line['decision'] === 'accepted').length,
    };
  };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const got = await count();
    if (got.refused >= want.refused && got.accepted >= want.accepted) break;
    await delay(100);
  }
  const got = await count();
  expect(got.refused).toBe(want.refused);
  expect(got.accepted).toBeGreaterThanOrEqual(want.accepted);
}

describe('the authorization table over the wire (mutual TLS, built daemons)', () => {
  it('covers every RPC of both services', () => {
    for (const service of [McpAgentService, McpMasterService]) {
      for (const method of service.methods) expect(classifyRpc(service.typeName, method.name), `${service.typeName}/${method.name}`).not.toBe('unknown');
    }
  });

  it(`gives every caller the code the table says on every agent RPC (${McpAgentService.methods.length} RPCs × ${callers.length} callers)`, async () => {
    const outcomes = await sweep(McpAgentService, agent.address);
    expect(mismatches(outcomes)).toEqual([]);
    await auditAgrees(() => agent.auditLines(), agentServiceName, outcomes);
  });

  it(`gives every caller the code the table says on every master RPC (${McpMasterService.methods.length} RPCs × ${callers.length} callers)`, async () => {
    const outcomes = await sweep(McpMasterService, master.address);
    expect(mismatches(outcomes)).toEqual([]);
    await auditAgrees(() => master.auditLines(), masterServiceName, outcomes);
  });
});
